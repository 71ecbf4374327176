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
    /// What the entry point promises its users; `check --slo` gates on it.
    #[serde(default, skip_serializing_if = "Objectives::is_empty")]
    pub objectives: Objectives,
}

/// Service-level objectives of an entry point, judged on the simulated
/// client latency of successful requests and on availability (succeeded /
/// attempted). Every field is optional: an entry point promises only what
/// it states.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objectives {
    /// Highest mean latency, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_ms: Option<f64>,
    /// Highest median latency, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p50_ms: Option<f64>,
    /// Highest 95th-percentile latency, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p95_ms: Option<f64>,
    /// Highest 99th-percentile latency, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p99_ms: Option<f64>,
    /// Lowest availability, a fraction (0.999: "three nines").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability: Option<f64>,
    /// The period of the error budget, days: the failures `availability`
    /// allows over it are the budget, and `check --slo` says how fast the
    /// simulated failure rate spends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_days: Option<f64>,
}

impl Objectives {
    /// Whether nothing is promised.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The latency objectives stated, as (percentile name, highest ms):
    /// `("mean", 120)`, `("p99", 300)`.
    pub fn latency(&self) -> impl Iterator<Item = (&'static str, f64)> + '_ {
        [
            ("mean", self.mean_ms),
            ("p50", self.p50_ms),
            ("p95", self.p95_ms),
            ("p99", self.p99_ms),
        ]
        .into_iter()
        .filter_map(|(name, ms)| Some((name, ms?)))
    }
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
