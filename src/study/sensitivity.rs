//! The sensitivity study: which service, store or link matters most to
//! each entry point's latency and availability.
//!
//! Each service's own work, each store's read and write latency and each
//! link's network latency is in turn made [`SensitivityOptions::change`]
//! slower and faster, and the design simulated with the seeds of the
//! design as it is. A scaled distribution turns the same random draw into
//! a scaled duration, so every difference is paired replication by
//! replication: what remains is the effect of the change. Ranked by the
//! swing of the p99 (slower minus faster), it is a tornado.

use serde::{Deserialize, Serialize};

use super::shard::Divided;
use super::{Runs, paired};
use crate::model::{Design, NodeKind, Step, walk, walk_mut};
use crate::sim::{self, Estimate, SimError, SimReport};

/// How to run a sensitivity study.
#[derive(Debug, Clone)]
pub struct SensitivityOptions {
    /// Replications, seeds, duration and deadline of every variant.
    pub runs: Runs,
    /// How much slower and faster, a fraction (0.2: ±20 %).
    pub change: f64,
}

impl Default for SensitivityOptions {
    fn default() -> Self {
        Self {
            runs: Runs::default(),
            change: 0.2,
        }
    }
}

/// What a factor changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactorKind {
    /// A service's own work, every operation.
    ServiceWork,
    /// A data store's read and write latency.
    StoreLatency,
    /// A link's network latency.
    LinkLatency,
}

impl FactorKind {
    /// The words people read: `work of`, `latency of`.
    pub fn words(self) -> &'static str {
        match self {
            Self::ServiceWork => "work of",
            Self::StoreLatency => "store latency of",
            Self::LinkLatency => "network latency of",
        }
    }
}

/// How one entry point's figures moved: variant minus the design as it
/// is, paired replication by replication.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Change {
    /// Mean client latency, ms.
    pub mean_ms: Estimate,
    /// 99th-percentile client latency, ms.
    pub p99_ms: Estimate,
    /// Availability, a fraction.
    pub availability: Estimate,
}

/// The effect of one factor on one entry point.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Effect {
    /// The entry point's name.
    pub entry_point: String,
    /// With the factor `change` slower.
    pub slower: Change,
    /// With the factor `change` faster.
    pub faster: Change,
    /// `slower.p99 - faster.p99`, ms: how much the p99 swings.
    #[serde(deserialize_with = "sim::nan_if_null")]
    pub p99_swing_ms: f64,
}

/// One thing made slower and faster.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Factor {
    /// What kind of thing.
    pub kind: FactorKind,
    /// The node's id, or the link as `from -> to` (`@name` for a named
    /// link).
    pub target: String,
    /// What people read: the node's name, or `From → To`.
    pub name: String,
    /// Per entry point, in design order.
    pub effects: Vec<Effect>,
}

impl Factor {
    /// The largest p99 swing over the entry points: the tornado's order.
    pub fn largest_swing_ms(&self) -> f64 {
        self.effects
            .iter()
            .map(|e| e.p99_swing_ms.abs())
            .filter(|s| s.is_finite())
            .fold(0.0, f64::max)
    }
}

/// The design as it is, per entry point.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Baseline {
    /// The entry point's name.
    pub entry_point: String,
    /// Mean client latency, ms.
    pub mean_ms: Estimate,
    /// 99th-percentile client latency, ms.
    pub p99_ms: Estimate,
    /// Availability.
    pub availability: Estimate,
}

/// The whole study.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SensitivityStudy {
    /// The design's name.
    pub design: String,
    /// Seed of the first replication of every variant.
    pub seed: u64,
    /// Replications per variant.
    pub replications: u32,
    /// Seconds of arrivals of every simulation.
    pub duration_s: f64,
    /// How much slower and faster, a fraction.
    pub change: f64,
    /// The design as it is.
    pub baseline: Vec<Baseline>,
    /// Every factor, the largest p99 swing first.
    pub factors: Vec<Factor>,
    /// Whether the study stopped (cancelled, or out of time) before every
    /// factor was simulated; the factors missing are left out.
    pub cancelled: bool,
}

/// One thing that can be made slower or faster.
struct Knob {
    kind: FactorKind,
    /// The node or link index.
    index: usize,
    target: String,
    name: String,
}

/// Every service with own work, every store and every link with a
/// latency: scaling anything else would change nothing.
fn knobs(design: &Design) -> Vec<Knob> {
    let mut out = Vec::new();
    for (index, node) in design.nodes.iter().enumerate() {
        let kind = match &node.kind {
            NodeKind::Service(s) => {
                let mut work = 0.0;
                for op in &s.operations {
                    walk(&op.steps, &mut |step, _| {
                        if let Step::Work(d) = step {
                            work += d.mean_ms();
                        }
                    });
                }
                (work > 0.0).then_some(FactorKind::ServiceWork)
            }
            NodeKind::DataStore(d) => (d.read_latency.mean_ms() > 0.0
                || d.write_latency.mean_ms() > 0.0)
                .then_some(FactorKind::StoreLatency),
            NodeKind::Broker(_) | NodeKind::Client => None,
        };
        if let Some(kind) = kind {
            out.push(Knob {
                kind,
                index,
                target: node.id.as_str().to_owned(),
                name: node.display_name().to_owned(),
            });
        }
    }
    for (index, link) in design.links.iter().enumerate() {
        if link.latency.mean_ms() > 0.0 {
            let name = format!(
                "{} → {}",
                design.display_name(&link.from),
                design.display_name(&link.to)
            );
            out.push(Knob {
                kind: FactorKind::LinkLatency,
                index,
                target: link.label(),
                name,
            });
        }
    }
    out
}

/// `design` with the knob's durations multiplied by `factor`.
fn turned(design: &Design, knob: &Knob, factor: f64) -> Design {
    let mut d = design.clone();
    match knob.kind {
        FactorKind::ServiceWork => {
            if let NodeKind::Service(s) = &mut d.nodes[knob.index].kind {
                for op in &mut s.operations {
                    walk_mut(&mut op.steps, &mut |step| {
                        if let Step::Work(w) = step {
                            let scaled = w.scaled(factor);
                            *step = Step::Work(scaled);
                        }
                    });
                }
            }
        }
        FactorKind::StoreLatency => {
            if let NodeKind::DataStore(s) = &mut d.nodes[knob.index].kind {
                s.read_latency = s.read_latency.scaled(factor);
                s.write_latency = s.write_latency.scaled(factor);
            }
        }
        FactorKind::LinkLatency => {
            let link = &mut d.links[knob.index];
            link.latency = link.latency.scaled(factor);
        }
    }
    d
}

/// Runs the sensitivity study of `design`.
pub fn sensitivity(
    design: &Design,
    options: &SensitivityOptions,
) -> Result<SensitivityStudy, SimError> {
    if !(options.change > 0.0 && options.change < 1.0) {
        return Err(SimError::BadOption(format!(
            "the change must be between 0 and 100 %, not {} %",
            options.change * 100.0
        )));
    }
    let run = |d: &Design| options.runs.simulate(d, 1.0);
    let base = run(design)?;
    let (factors, cancelled) = options.runs.each(knobs(design), |knob| {
        let slower = run(&turned(design, &knob, 1.0 + options.change))?;
        let faster = run(&turned(design, &knob, 1.0 - options.change))?;
        Ok(Factor {
            kind: knob.kind,
            target: knob.target,
            name: knob.name,
            effects: effects(&base, &slower, &faster),
        })
    })?;
    let baseline = base
        .results
        .entry_points
        .iter()
        .map(|e| Baseline {
            entry_point: e.name.clone(),
            mean_ms: e.latency_ms.mean,
            p99_ms: e.latency_ms.p99,
            availability: e.availability,
        })
        .collect();
    let mut study = SensitivityStudy {
        design: design.name.clone(),
        seed: base.seed,
        replications: options.runs.replications,
        duration_s: options.runs.duration_s(design),
        change: options.change,
        baseline,
        factors,
        cancelled,
    };
    // A part keeps the design's order, so the parts merge back into it.
    if options.runs.shard.is_none() {
        study.rank();
    }
    Ok(study)
}

/// How many factors a sensitivity study of `design` varies: what its
/// parts share.
pub fn variants(design: &Design) -> usize {
    knobs(design).len()
}

impl Divided for SensitivityStudy {
    type Variant = Factor;

    fn variants_mut(&mut self) -> &mut Vec<Factor> {
        &mut self.factors
    }

    fn stopped(&self) -> bool {
        self.cancelled
    }

    /// The largest p99 swing first; stable: equal swings keep the
    /// design's order.
    fn rank(&mut self) {
        self.factors
            .sort_by(|a, b| b.largest_swing_ms().total_cmp(&a.largest_swing_ms()));
    }
}

/// The paired differences of every entry point.
fn effects(base: &SimReport, slower: &SimReport, faster: &SimReport) -> Vec<Effect> {
    base.results
        .entry_points
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let slower = change(base, slower, i);
            let faster = change(base, faster, i);
            Effect {
                entry_point: e.name.clone(),
                p99_swing_ms: slower.p99_ms.mean - faster.p99_ms.mean,
                slower,
                faster,
            }
        })
        .collect()
}

/// How entry point `i` moved from `base` to `variant`, replication by
/// replication.
fn change(base: &SimReport, variant: &SimReport, i: usize) -> Change {
    let entry =
        |f: fn(&sim::EntryResult<f64>) -> f64| paired(base, variant, |r| f(&r.entry_points[i]));
    Change {
        mean_ms: entry(|e| e.latency_ms.mean),
        p99_ms: entry(|e| e.latency_ms.p99),
        availability: entry(|e| e.availability),
    }
}
