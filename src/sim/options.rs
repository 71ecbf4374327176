//! How to run a simulation: overrides of the scenario, replications, what to
//! record, and the limits that stop a runaway design.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64};
use std::time::{Duration, Instant};

use super::trace::TraceWindow;

/// Options of a simulation; `Default` runs the scenario as written, once.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Seed of the first replication (the scenario's seed when `None`);
    /// replication `r` uses `seed + r`.
    pub seed: Option<u64>,
    /// Arrival duration in seconds (the scenario's when `None`).
    pub duration_s: Option<f64>,
    /// Independent runs; with two or more, every figure carries a 95 %
    /// confidence interval.
    pub replications: u32,
    /// Multiplies every open arrival rate and closed user count ("what if
    /// twice the traffic?").
    pub load_multiplier: f64,
    /// Record message hops and node states in this window (first
    /// replication only).
    pub trace: Option<TraceWindow>,
    /// Record per-bucket series with this many buckets over the duration
    /// (first replication only).
    pub series_buckets: Option<u32>,
    /// Record the spans of the first replication, at most this many (see
    /// [`super::SimSpans`]).
    pub spans: Option<usize>,
    /// When to give up on a runaway run.
    pub limits: Limits,
    /// Cancel and progress, shared with a caller on another thread.
    pub control: RunControl,
}

impl Default for SimOptions {
    fn default() -> Self {
        Self {
            seed: None,
            duration_s: None,
            replications: 1,
            load_multiplier: 1.0,
            trace: None,
            series_buckets: None,
            spans: None,
            limits: Limits::default(),
            control: RunControl::default(),
        }
    }
}

/// Caps that keep a design that amplifies without bound (an event cycle,
/// endless retries, arrivals above capacity) from hanging the program or
/// exhausting memory. A run that hits one stops with a warning naming the
/// cause and still returns what it measured.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most events processed in one run.
    pub max_events: u64,
    /// Most requests, calls and messages alive at once (bounds memory:
    /// about 100 bytes each).
    pub max_live: usize,
    /// Longest wall-clock time of one run.
    pub max_wall: Option<Duration>,
    /// When every run must have stopped, whatever it is doing: the time
    /// limit of a whole command, shared by all its simulations (a report
    /// or `suggest` runs dozens), so the command ends in time with the
    /// results so far.
    pub deadline: Option<Instant>,
}

impl Limits {
    /// Whether the deadline has passed.
    pub fn past_deadline(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_events: 1_000_000_000,
            max_live: 2_000_000,
            max_wall: Some(Duration::from_secs(120)),
            deadline: None,
        }
    }
}

/// Lets another thread cancel a run and watch its progress.
#[derive(Debug, Clone, Default)]
pub struct RunControl {
    /// Set to stop every replication as soon as possible.
    pub cancel: Arc<AtomicBool>,
    /// Simulated time reached by the replication that reported last, ns.
    pub progress_ns: Arc<AtomicU64>,
    /// Replications finished.
    pub replications_done: Arc<AtomicU32>,
}
