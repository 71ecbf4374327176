//! Entry points: where load enters the design and how much of it.

use serde::{Deserialize, Serialize};

use super::distribution::Distribution;
use super::ids::NodeId;

/// One kind of request that clients send into the system ("place order").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryPoint {
    /// Unique name, shown in results ("place_order").
    pub name: String,
    /// The client node the requests come from.
    pub client: NodeId,
    /// The node the client calls; a link `client -> target` must exist and
    /// carries the request (its style, latency and timeout apply).
    pub target: NodeId,
    /// The operation of `target` invoked; `None`: its first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// How requests arrive.
    pub load: Load,
}

/// How requests arrive at an entry point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Load {
    /// An open workload: requests arrive at a rate whatever the system does.
    Open {
        /// Random (Poisson) or evenly spaced arrivals.
        arrival: Arrival,
        /// Mean arrivals per second.
        rate_per_s: f64,
    },
    /// A closed workload: `users` people, each sending a request, waiting
    /// for the answer, thinking, and sending the next.
    Closed {
        /// Number of users.
        users: u32,
        /// Time between an answer and the user's next request.
        think_time: Distribution,
    },
}

impl Load {
    /// The offered arrival rate per second, where it is known in advance
    /// (open workloads).
    pub fn open_rate_per_s(&self) -> Option<f64> {
        match *self {
            Self::Open { rate_per_s, .. } => Some(rate_per_s),
            Self::Closed { .. } => None,
        }
    }
}

/// The arrival process of an open workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Arrival {
    /// Exponential gaps between requests (the textbook M).
    Poisson,
    /// Exactly `1 / rate` between requests.
    Constant,
}
