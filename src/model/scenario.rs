//! The scenario: how long to simulate, with which seed, and what to break.

use serde::{Deserialize, Serialize};

use super::ids::NodeId;

/// The conditions of a simulation run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Simulated time during which requests arrive, seconds.
    #[serde(default = "default_duration")]
    pub duration_s: f64,
    /// Requests arriving before this time are served but not measured, so
    /// results describe the steady state, seconds.
    #[serde(default = "default_warmup")]
    pub warmup_s: f64,
    /// Longest time after `duration_s` that in-flight work may take to
    /// finish before the run stops, seconds.
    #[serde(default = "default_drain")]
    pub drain_s: f64,
    /// Seed of the random generator: one seed, one exact run.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Failures to inject.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<Fault>,
}

fn default_duration() -> f64 {
    60.0
}
fn default_warmup() -> f64 {
    5.0
}
fn default_drain() -> f64 {
    60.0
}
fn default_seed() -> u64 {
    1
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            duration_s: default_duration(),
            warmup_s: default_warmup(),
            drain_s: default_drain(),
            seed: default_seed(),
            faults: Vec::new(),
        }
    }
}

/// A link named by its two ends, as faults refer to links. It means every
/// link from `from` to `to`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkRef {
    /// The sending end.
    pub from: NodeId,
    /// The receiving end.
    pub to: NodeId,
    /// The link's name, to tell apart links between the same two nodes;
    /// `None`: every link from `from` to `to`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl LinkRef {
    /// Whether the fault applies to `link`.
    pub fn matches(&self, link: &super::Link) -> bool {
        link.from == self.from
            && link.to == self.to
            && self
                .name
                .as_ref()
                .is_none_or(|n| link.name.as_ref() == Some(n))
    }
}

/// A failure injected into a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Fault {
    /// The node is down from `at_s` for `for_s` seconds (a crash failure).
    Crash {
        /// The node that goes down.
        node: NodeId,
        /// When it goes down, seconds into the run.
        at_s: f64,
        /// How long it stays down, seconds.
        for_s: f64,
    },
    /// The node's work takes `factor` times longer from `at_s` for `for_s`
    /// seconds (a timing failure).
    SlowDown {
        /// The node that slows down.
        node: NodeId,
        /// When, seconds into the run.
        at_s: f64,
        /// For how long, seconds.
        for_s: f64,
        /// Service-time multiplier (3.0: three times slower).
        factor: f64,
    },
    /// A fraction of the messages on a link are lost (an omission failure:
    /// the caller hears nothing and waits for its timeout).
    Drop {
        /// The link.
        link: LinkRef,
        /// Fraction of messages lost, 0 to 1.
        fraction: f64,
    },
    /// A fraction of the calls on a link fail with an error response.
    Error {
        /// The link.
        link: LinkRef,
        /// Fraction of calls that fail, 0 to 1.
        fraction: f64,
    },
    /// A fraction of the messages on a link are poison: handling one kills
    /// the consumer's worker, which restarts after `restart_s`, and the
    /// message goes back to the queue (the catastrophic failover story).
    Poison {
        /// The link (a subscription or an asynchronous request).
        link: LinkRef,
        /// Fraction of messages that are poison, 0 to 1.
        fraction: f64,
        /// How long a killed worker takes to come back, seconds.
        restart_s: f64,
    },
}

impl Fault {
    /// The node the fault is about, for faults on nodes.
    pub fn node(&self) -> Option<&NodeId> {
        match self {
            Self::Crash { node, .. } | Self::SlowDown { node, .. } => Some(node),
            _ => None,
        }
    }

    /// The link the fault is about, for faults on links.
    pub fn link(&self) -> Option<&LinkRef> {
        match self {
            Self::Drop { link, .. } | Self::Error { link, .. } | Self::Poison { link, .. } => {
                Some(link)
            }
            _ => None,
        }
    }

    /// The link the fault is about, for changing it.
    pub fn link_mut(&mut self) -> Option<&mut LinkRef> {
        match self {
            Self::Drop { link, .. } | Self::Error { link, .. } | Self::Poison { link, .. } => {
                Some(link)
            }
            _ => None,
        }
    }

    /// The variant name as written in the file.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Self::Crash { .. } => "Crash",
            Self::SlowDown { .. } => "SlowDown",
            Self::Drop { .. } => "Drop",
            Self::Error { .. } => "Error",
            Self::Poison { .. } => "Poison",
        }
    }
}
