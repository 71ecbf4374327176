//! Thresholds of the analysis rules, settable per design.

use serde::{Deserialize, Serialize};

/// When a pattern becomes a finding. Each design may override the defaults,
/// because a chain of four blocking calls is fine for one team's admin tool
/// and a problem on another team's checkout path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    /// `long-blocking-chain` warns from this many `sync` hops in a row.
    pub max_sync_hops: u32,
    /// `temporal-coupling` warns when an entry point needs at least this
    /// many services and stores up at once.
    pub coupling_set_size: u32,
    /// `temporal-coupling` also warns when the services an entry point
    /// needs cost it at least this much availability (0.01: one point).
    pub availability_loss: f64,
    /// `long-running-sync` flags sync calls to work taking longer than this
    /// (mean), ms.
    pub long_running_ms: f64,
    /// `single-point-of-failure` flags a service on the sync path of at
    /// least this many entry points.
    pub spof_entry_points: u32,
    /// `saturated-service` flags worker occupancy above this fraction.
    pub saturation: f64,
    /// `workers-mostly-blocked` flags a blocked share above this fraction.
    pub blocked_share: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            max_sync_hops: 3,
            coupling_set_size: 4,
            availability_loss: 0.01,
            long_running_ms: 1000.0,
            spof_entry_points: 2,
            saturation: 0.85,
            blocked_share: 0.5,
        }
    }
}
