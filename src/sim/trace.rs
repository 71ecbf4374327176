//! What the app animates and charts: message hops and node states in a time
//! window, and per-bucket series over the whole run. Both are bounded in
//! size whatever the run's length; an untraced run records nothing.

use serde::Serialize;

use super::time::Nanos;

/// Which part of the run to trace, and how much at most.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TraceWindow {
    /// Start of the window, seconds of simulated time.
    pub from_s: f64,
    /// End of the window, seconds.
    pub to_s: f64,
    /// Most hops kept; later ones are counted but not stored.
    pub max_hops: usize,
    /// Node states are sampled this many times over the window.
    pub samples: u32,
}

impl Default for TraceWindow {
    fn default() -> Self {
        Self {
            from_s: 0.0,
            to_s: 30.0,
            max_hops: 500_000,
            samples: 300,
        }
    }
}

/// The kind of message a hop carries, as the legend draws it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HopKind {
    /// A request (sync or asynchronous).
    Request,
    /// A successful response.
    Response,
    /// A failure response.
    Error,
    /// An event, a delivery from a broker, or a common-data write or read.
    Event,
    /// A message lost on the way (it never arrives).
    Lost,
}

/// One message travelling along one link.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Hop {
    /// When it left, ns.
    pub sent: Nanos,
    /// When it arrives (for lost messages: when it would have), ns.
    pub arrives: Nanos,
    /// The link, as an index into the design's links.
    pub link: u32,
    /// Whether it travels from `to` back to `from` (a response).
    pub backwards: bool,
    /// What it carries.
    pub kind: HopKind,
    /// The entry-point request it belongs to.
    pub flow: u32,
}

/// A node's state at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NodeSample {
    /// Workers occupied (own work or blocked on calls).
    pub busy: u32,
    /// Workers doing their own work.
    pub processing: u32,
    /// Requests waiting for a worker.
    pub waiting: u32,
    /// Messages waiting in the broker (brokers only).
    pub backlog: u32,
    /// Whether the node is down.
    pub down: bool,
}

/// Hops and node states in the trace window.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Trace {
    /// Start of the window, ns.
    pub from: Nanos,
    /// End of the window, ns.
    pub to: Nanos,
    /// Messages sent in the window, ordered by `sent` (ties in the order
    /// the engine made them), so a time range is found by binary search.
    pub hops: Vec<Hop>,
    /// Hops not stored because the trace was full.
    pub hops_dropped: u64,
    /// When the trace filled up, if it did: every hop sent before this
    /// instant is stored, none sent after it (a hop is recorded no later
    /// than it is sent), ns.
    pub full_at: Option<Nanos>,
    /// Times of the node-state samples, ns.
    pub sample_times: Vec<Nanos>,
    /// `samples[k][node]`: the state of every node at `sample_times[k]`.
    pub samples: Vec<Vec<NodeSample>>,
}

impl Trace {
    /// The hops under way at time `t` (sent before, arriving after).
    pub fn hops_at(&self, t: Nanos) -> impl Iterator<Item = &Hop> {
        self.hops
            .iter()
            .filter(move |h| h.sent <= t && t < h.arrives)
    }

    /// The hops sent in `from..to` (ns), as a slice of [`Trace::hops`]:
    /// what an animation needs each frame, found by binary search instead
    /// of a scan of the whole trace.
    pub fn hops_sent_in(&self, from: Nanos, to: Nanos) -> &[Hop] {
        let start = self.hops.partition_point(|h| h.sent < from);
        let end = self.hops.partition_point(|h| h.sent < to).max(start);
        &self.hops[start..end]
    }

    /// The end of the part of the window in which every message is stored:
    /// the window's end, or when the trace filled up.
    pub fn complete_until(&self) -> Nanos {
        self.full_at.map_or(self.to, |t| t.min(self.to))
    }

    /// The node states at the last sample at or before `t`.
    pub fn nodes_at(&self, t: Nanos) -> Option<&[NodeSample]> {
        let k = self.sample_times.partition_point(|&s| s <= t);
        self.samples.get(k.checked_sub(1)?).map(Vec::as_slice)
    }
}

/// Per-bucket series over the run, for charts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TimeSeries {
    /// Width of a bucket, seconds.
    pub bucket_s: f64,
    /// One per entry point, in design order.
    pub entries: Vec<EntrySeries>,
    /// One per node, in design order (empty series for clients).
    pub nodes: Vec<NodeSeries>,
}

/// An entry point over time (by the time requests completed).
#[derive(Debug, Clone, Default, Serialize)]
pub struct EntrySeries {
    /// Successful requests per bucket.
    pub succeeded: Vec<u32>,
    /// Failed requests per bucket.
    pub failed: Vec<u32>,
    /// Median latency of the bucket's successes, ms (NaN: none).
    pub p50_ms: Vec<f64>,
    /// 99th percentile, ms (NaN: none).
    pub p99_ms: Vec<f64>,
}

/// A node over time (bucket averages).
#[derive(Debug, Clone, Default, Serialize)]
pub struct NodeSeries {
    /// Mean workers occupied.
    pub busy: Vec<f32>,
    /// Mean workers doing their own work.
    pub processing: Vec<f32>,
    /// Mean requests waiting.
    pub waiting: Vec<f32>,
    /// Mean broker backlog.
    pub backlog: Vec<f32>,
}
