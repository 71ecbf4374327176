//! The discrete-event simulation of a design.
//!
//! [`simulate`] compiles a validated [`Design`] into a plan and runs it once
//! per replication (in parallel on all cores), each run deterministic for its
//! seed. The semantics are those of layered queueing networks and are written
//! down in docs/simulation.md: a request holds one of a service's workers
//! while it is served, a `sync` call keeps the caller's worker until the
//! answer or the timeout, and the other styles release it.

mod effort;
mod engine;
mod options;
mod plan;
mod program;
mod results;
mod sampler;
mod spans;
pub mod time;
mod trace;

use std::sync::atomic::Ordering;

use rayon::prelude::*;
use serde::Serialize;

pub use options::{Limits, RunControl, SimOptions};
pub use results::{
    BrokerResult, EntryResult, Estimate, Failures, LatencyDistribution, LinkResult, Percentiles,
    Results, RootCause, ServiceResult, nan_if_null,
};
pub use spans::{OPEN, SimSpan, SimSpans, SpanKind, SpanOp};
pub use trace::{
    EntrySeries, Hop, HopKind, NodeSample, NodeSeries, TimeSeries, Trace, TraceWindow,
};

use crate::model::{Design, Problem};

/// Why a design cannot be simulated.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The design has validation problems; fix them first.
    #[error("the design is not valid ({} problems); the first: {}", .0.len(), .0.first().map(|p| p.to_string()).unwrap_or_default())]
    Invalid(Vec<Problem>),
    /// An option is out of range.
    #[error("{0}")]
    BadOption(String),
    /// The run could not reach its end within the event limit, known from
    /// the load and the duration before it starts; the message says what
    /// to change.
    #[error("{0}")]
    TooMuchWork(String),
}

/// What was simulated and what it showed.
#[derive(Debug, Clone, Serialize)]
pub struct SimReport {
    /// The design's name.
    pub design: String,
    /// Seed of the first replication.
    pub seed: u64,
    /// Number of replications.
    pub replications: u32,
    /// Arrival duration, seconds.
    pub duration_s: f64,
    /// Warm-up excluded from measurement, seconds.
    pub warmup_s: f64,
    /// Load multiplier applied.
    pub load_multiplier: f64,
    /// The figures, each a mean over replications with its interval.
    pub results: Results<Estimate>,
    /// One per replication.
    pub runs: Vec<RunInfo>,
    /// The figures of each replication, for paired before/after comparisons.
    #[serde(skip)]
    pub per_replication: Vec<Results<f64>>,
    /// Per-bucket series of the first replication, when asked for.
    #[serde(skip)]
    pub series: Option<TimeSeries>,
    /// Trace of the first replication, when asked for.
    #[serde(skip)]
    pub trace: Option<Trace>,
    /// Spans of the first replication, when asked for.
    #[serde(skip)]
    pub spans: Option<SimSpans>,
    /// Per entry point, in design order: the distribution of client
    /// latency over every replication.
    #[serde(skip)]
    pub latency_distribution: Vec<LatencyDistribution>,
}

impl SimReport {
    /// Every warning of every replication, without repeats.
    pub fn warnings(&self) -> Vec<&Warning> {
        let mut seen = Vec::<&Warning>::new();
        for w in self.runs.iter().flat_map(|r| &r.warnings) {
            if !seen.iter().any(|s| s.kind == w.kind && s.node == w.node) {
                seen.push(w);
            }
        }
        seen
    }
}

/// About one replication.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    /// Its seed.
    pub seed: u64,
    /// Simulated time reached, seconds.
    pub simulated_s: f64,
    /// Events processed.
    pub events: u64,
    /// Wall-clock time, ms (the only figure that differs between two runs
    /// with the same seed).
    pub wall_ms: f64,
    /// Why the run stopped early, or what went on without bound.
    pub warnings: Vec<Warning>,
}

/// Something a reader of the results must know.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    /// What kind of problem.
    pub kind: WarningKind,
    /// The node at its centre, if one.
    pub node: Option<String>,
    /// What happened and what to change.
    pub message: String,
}

/// The kinds of [`Warning`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// Stopped: too many requests and messages alive at once.
    InFlightLimit,
    /// Stopped: too many events.
    EventLimit,
    /// Stopped: the wall-time limit.
    WallTime,
    /// Stopped: cancelled by the user.
    Cancelled,
    /// Consumed messages came back again and again without a limit.
    EndlessRedelivery,
    /// A closed workload had more users than requests may be in flight;
    /// fewer were simulated.
    TooManyUsers,
}

/// Simulates `design` as `options` say.
pub fn simulate(design: &Design, options: &SimOptions) -> Result<SimReport, SimError> {
    let problems = design.problems();
    if !problems.is_empty() {
        return Err(SimError::Invalid(problems));
    }
    if options.replications == 0 {
        return Err(SimError::BadOption(
            "replications must be at least 1".into(),
        ));
    }
    if let Some(d) = options.duration_s
        && !(d.is_finite() && d > design.scenario.warmup_s)
    {
        return Err(SimError::BadOption(format!(
            "duration must be a number of seconds greater than the warm-up ({} s)",
            design.scenario.warmup_s
        )));
    }
    if !(options.load_multiplier.is_finite() && options.load_multiplier >= 0.0) {
        return Err(SimError::BadOption(
            "the load multiplier must be a finite number ≥ 0".into(),
        ));
    }
    effort::check(design, options, &options.limits).map_err(SimError::TooMuchWork)?;
    let plan = plan::Plan::new(design, options.duration_s);
    let seed = options.seed.unwrap_or(design.scenario.seed);
    let first_only = SimOptions {
        trace: None,
        series_buckets: None,
        spans: None,
        ..options.clone()
    };
    let outputs: Vec<engine::RunOutput> = (0..options.replications)
        .into_par_iter()
        .map(|r| {
            let opts = if r == 0 { options } else { &first_only };
            let run_seed = seed.wrapping_add(u64::from(r));
            let out = engine::Engine::new(&plan, design, run_seed, opts).run();
            options
                .control
                .replications_done
                .fetch_add(1, Ordering::Relaxed);
            out
        })
        .collect();
    let per_replication: Vec<Results<f64>> = outputs.iter().map(|o| o.results.clone()).collect();
    let latency_distribution = latency_distribution(design, &outputs);
    let mut outputs = outputs.into_iter();
    let first = outputs.next();
    let (series, trace, spans, first_info) = match first {
        Some(o) => (o.series, o.trace, o.spans, Some(o.info)),
        None => (None, None, None, None),
    };
    Ok(SimReport {
        design: design.name.clone(),
        seed,
        replications: options.replications,
        duration_s: time::to_s(plan.duration),
        warmup_s: time::to_s(plan.warmup),
        load_multiplier: options.load_multiplier,
        results: Results::aggregate(&per_replication),
        runs: first_info
            .into_iter()
            .chain(outputs.map(|o| o.info))
            .collect(),
        per_replication,
        series,
        trace,
        spans,
        latency_distribution,
    })
}

/// Each entry point's latencies of every replication, merged.
fn latency_distribution(
    design: &Design,
    outputs: &[engine::RunOutput],
) -> Vec<LatencyDistribution> {
    design
        .entry_points
        .iter()
        .enumerate()
        .map(|(e, entry)| {
            let mut histograms = outputs.iter().filter_map(|o| o.latency.get(e));
            let mut merged = histograms.next().cloned();
            if let Some(m) = &mut merged {
                for h in histograms {
                    // Same bounds everywhere: adding cannot fail.
                    let _ = m.add(h);
                }
            }
            match &merged {
                Some(h) => LatencyDistribution::of(&entry.name, h),
                None => LatencyDistribution {
                    entry_point: entry.name.clone(),
                    cdf: Vec::new(),
                },
            }
        })
        .collect()
}
