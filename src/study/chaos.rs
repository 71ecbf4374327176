//! The chaos study: what happens to every entry point when one service,
//! data store or broker goes down, or slows down, for a while.
//!
//! Each node in turn is crashed for a window (by default the second
//! quarter of the measured time), then slowed down `slow_factor` times for
//! the same window, on top of the scenario's own faults, and simulated
//! with the seeds of the design as it is, so every difference is paired.
//! An entry point is *broken* when it loses availability, *delayed* when
//! only its latency (or the time until all the work it set off is done)
//! grows, and otherwise unaffected; how long it takes to be back to normal
//! after the window is read from the first replication's time series,
//! bucket by bucket against the same buckets of the design as it is.

use serde::{Deserialize, Serialize};

use super::shard::Divided;
use super::{Runs, paired};
use crate::model::{Design, Fault, NodeKind};
use crate::sim::{self, Estimate, SimError, SimReport};

/// How to run a chaos study.
#[derive(Debug, Clone)]
pub struct ChaosOptions {
    /// Replications, seeds, duration and deadline of every experiment.
    pub runs: Runs,
    /// When each fault starts, seconds into the run; `None`: a quarter of
    /// the measured time after the warm-up.
    pub at_s: Option<f64>,
    /// How long each fault lasts, seconds; `None`: a quarter of the
    /// measured time.
    pub for_s: Option<f64>,
    /// How many times slower a slowed-down node works.
    pub slow_factor: f64,
    /// Also crash every pair of nodes together: what redundancy (a cache
    /// with a fallback to its database, two paths) survives one loss but
    /// not two.
    pub pairs: bool,
}

impl Default for ChaosOptions {
    fn default() -> Self {
        Self {
            runs: Runs::default(),
            at_s: None,
            for_s: None,
            slow_factor: 5.0,
            pairs: false,
        }
    }
}

/// What is done to the node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Injury {
    /// Down for the window.
    Crash,
    /// Its work takes `slow_factor` times longer for the window.
    SlowDown,
}

/// What happened to an entry point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// It lost availability (more than [`BROKEN`], clearly).
    Broken,
    /// It stayed available, but its p99 latency or the p99 time until all
    /// its work was done grew clearly (by more than [`DELAYED`]).
    Delayed,
    /// Neither.
    Unaffected,
}

impl Outcome {
    /// The word people read.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Broken => "broken",
            Self::Delayed => "delayed",
            Self::Unaffected => "unaffected",
        }
    }
}

/// An entry point is broken when its availability falls by more than this
/// (a fraction: 0.001 is 0.1 points), the whole interval beyond it.
pub const BROKEN: f64 = 0.001;

/// ... and delayed when a p99 grows by more than this share of what it
/// was (and at least a millisecond), the whole interval beyond it.
pub const DELAYED: f64 = 0.1;

/// One entry point in one experiment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cell {
    /// The entry point's name.
    pub entry_point: String,
    /// Broken, delayed or unaffected.
    pub outcome: Outcome,
    /// Availability lost (the design as it is minus the experiment), a
    /// fraction, paired.
    pub availability_drop: Estimate,
    /// Change of the p99 client latency, ms, paired.
    pub p99_ms: Estimate,
    /// Change of the p99 time until all the work a request set off was
    /// done (events and asynchronous requests included), ms, paired.
    pub flow_p99_ms: Estimate,
    /// Seconds after the window until its failures and latency were back
    /// to those of the design as it is, bucket by bucket, to the end of
    /// the run (first replication); `None`: not back within the run.
    pub back_after_s: Option<f64>,
    /// Broken: the node where most of its failures started (its id).
    pub root_cause: Option<String>,
    /// ... and its name.
    pub root_cause_name: Option<String>,
}

/// One node, one injury.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Experiment {
    /// The node's id.
    pub node: String,
    /// Its name.
    pub name: String,
    /// `service`, `data store` or `broker`.
    pub kind: String,
    /// The second node crashed at the same time (with `pairs`): its id...
    pub with_node: Option<String>,
    /// ... and its name.
    pub with_name: Option<String>,
    /// Crash or slow-down.
    pub injury: Injury,
    /// Per entry point, in design order.
    pub cells: Vec<Cell>,
    /// Messages lost on the way more than in the design as it is (sent to
    /// a broker that was down, for instance), all links together, paired:
    /// work that silently never happens, whatever the entry points show.
    pub messages_lost: Estimate,
}

impl Experiment {
    /// `crash Payment`, `crash Cache + Database`, `slow ×5 Payment`.
    pub fn label(&self, slow_factor: f64) -> String {
        match self.injury {
            Injury::Crash => match &self.with_name {
                Some(other) => format!("crash {} + {other}", self.name),
                None => format!("crash {}", self.name),
            },
            Injury::SlowDown => format!(
                "slow ×{} {}",
                crate::numbers::setting(slow_factor),
                self.name
            ),
        }
    }
}

/// The design as it is, per entry point.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Baseline {
    /// The entry point's name.
    pub entry_point: String,
    /// Availability.
    pub availability: Estimate,
    /// p99 client latency, ms.
    pub p99_ms: Estimate,
    /// p99 time until all its work was done, ms.
    pub flow_p99_ms: Estimate,
}

/// The whole study.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChaosStudy {
    /// The design's name.
    pub design: String,
    /// Seed of the first replication of every experiment.
    pub seed: u64,
    /// Replications per experiment.
    pub replications: u32,
    /// Seconds of arrivals of every simulation.
    pub duration_s: f64,
    /// When every fault started, seconds into the run.
    pub at_s: f64,
    /// How long it lasted, seconds.
    pub for_s: f64,
    /// How many times slower a slowed-down node worked.
    pub slow_factor: f64,
    /// Whether every pair of nodes was crashed together too.
    pub pairs: bool,
    /// The design as it is.
    pub baseline: Vec<Baseline>,
    /// Every node crashed, then slowed down, in design order; then, with
    /// `pairs`, every pair crashed together.
    pub experiments: Vec<Experiment>,
    /// Whether the study ran out of time before every experiment; those
    /// not simulated are left out.
    pub cancelled: bool,
}

/// Buckets of the time series the recovery is read from.
const BUCKETS: u32 = 60;

/// Runs the chaos study of `design`.
pub fn chaos(design: &Design, options: &ChaosOptions) -> Result<ChaosStudy, SimError> {
    if !(options.slow_factor.is_finite() && options.slow_factor > 1.0) {
        return Err(SimError::BadOption(format!(
            "a slow-down must make work slower: a factor above 1, not {}",
            options.slow_factor
        )));
    }
    let duration = options
        .runs
        .duration_s
        .unwrap_or(design.scenario.duration_s);
    let warmup = design.scenario.warmup_s.min(duration);
    let measured = duration - warmup;
    let at_s = options.at_s.unwrap_or(warmup + measured / 4.0);
    let for_s = options.for_s.unwrap_or(measured / 4.0);
    if !(at_s.is_finite() && at_s >= 0.0 && for_s.is_finite() && for_s > 0.0) {
        return Err(SimError::BadOption(format!(
            "a fault needs a start ≥ 0 and a positive length, not {at_s} s for {for_s} s"
        )));
    }
    let run = |d: &Design| {
        let mut o = options.runs.options(1.0);
        o.series_buckets = Some(BUCKETS);
        sim::simulate(d, &o)
    };
    let base = run(design)?;
    let window = (at_s, for_s);
    let (experiments, cancelled) = options
        .runs
        .each(targets(design, options.pairs), |target| {
            let Target {
                node: i,
                with,
                injury,
            } = target;
            let node = &design.nodes[i];
            let crash = |n: &crate::model::Node| Fault::Crash {
                node: n.id.clone(),
                at_s,
                for_s,
            };
            let mut injured = design.clone();
            injured.scenario.faults.push(match injury {
                Injury::Crash => crash(node),
                Injury::SlowDown => Fault::SlowDown {
                    node: node.id.clone(),
                    at_s,
                    for_s,
                    factor: options.slow_factor,
                },
            });
            let other = with.map(|j| &design.nodes[j]);
            injured.scenario.faults.extend(other.map(crash));
            let report = run(&injured)?;
            Ok(Experiment {
                node: node.id.as_str().to_owned(),
                name: node.display_name().to_owned(),
                kind: match node.kind {
                    NodeKind::Service(_) => "service",
                    NodeKind::DataStore(_) => "data store",
                    NodeKind::Broker(_) | NodeKind::Client => "broker",
                }
                .to_owned(),
                with_node: other.map(|n| n.id.as_str().to_owned()),
                with_name: other.map(|n| n.display_name().to_owned()),
                injury,
                cells: cells(design, &base, &report, window),
                messages_lost: messages_lost(&base, &report),
            })
        })?;
    let baseline = base
        .results
        .entry_points
        .iter()
        .map(|e| Baseline {
            entry_point: e.name.clone(),
            availability: e.availability,
            p99_ms: e.latency_ms.p99,
            flow_p99_ms: e.flow_completion_ms.p99,
        })
        .collect();
    Ok(ChaosStudy {
        design: design.name.clone(),
        seed: base.seed,
        replications: options.runs.replications,
        duration_s: duration,
        at_s,
        for_s,
        slow_factor: options.slow_factor,
        pairs: options.pairs,
        baseline,
        experiments,
        cancelled,
    })
}

/// One experiment: what is done to which node (and, crashed with it,
/// which other).
#[derive(Debug, Clone, Copy)]
struct Target {
    node: usize,
    with: Option<usize>,
    injury: Injury,
}

/// Every experiment: each node but the clients crashed, then slowed down;
/// with `pairs`, then every pair of them crashed together.
fn targets(design: &Design, pairs: bool) -> Vec<Target> {
    let hurt: Vec<usize> = (0..design.nodes.len())
        .filter(|&i| !design.nodes[i].is_client())
        .collect();
    let alone = |node, injury| Target {
        node,
        with: None,
        injury,
    };
    let mut out: Vec<Target> = hurt
        .iter()
        .flat_map(|&i| [alone(i, Injury::Crash), alone(i, Injury::SlowDown)])
        .collect();
    if pairs {
        for (k, &i) in hurt.iter().enumerate() {
            out.extend(hurt[k + 1..].iter().map(|&j| Target {
                node: i,
                with: Some(j),
                injury: Injury::Crash,
            }));
        }
    }
    out
}

/// How many experiments a chaos study of `design` runs (`pairs`: with
/// every pair too): what its parts share.
pub fn variants(design: &Design, pairs: bool) -> usize {
    targets(design, pairs).len()
}

impl Divided for ChaosStudy {
    type Variant = Experiment;

    fn variants_mut(&mut self) -> &mut Vec<Experiment> {
        &mut self.experiments
    }

    fn stopped(&self) -> bool {
        self.cancelled
    }
}

/// How many more messages `hurt` lost than `base`, replication by
/// replication.
fn messages_lost(base: &SimReport, hurt: &SimReport) -> Estimate {
    paired(base, hurt, |r| r.links.iter().map(|l| l.lost).sum())
}

/// What the experiment `hurt` did to every entry point of `base`.
fn cells(
    design: &Design,
    base: &SimReport,
    hurt: &SimReport,
    (at_s, for_s): (f64, f64),
) -> Vec<Cell> {
    base.results
        .entry_points
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let entry = |f: fn(&sim::EntryResult<f64>) -> f64| {
                paired(base, hurt, |r| f(&r.entry_points[i]))
            };
            let availability_drop = entry(|e| -e.availability);
            let p99_ms = entry(|e| e.latency_ms.p99);
            let flow_p99_ms = entry(|e| e.flow_completion_ms.p99);
            let grew =
                |change: Estimate, before: f64| change.interval().0 > (DELAYED * before).max(1.0);
            let outcome = if availability_drop.interval().0 > BROKEN {
                Outcome::Broken
            } else if grew(p99_ms, b.latency_ms.p99.mean)
                || grew(flow_p99_ms, b.flow_completion_ms.p99.mean)
            {
                Outcome::Delayed
            } else {
                Outcome::Unaffected
            };
            let root_cause = (outcome == Outcome::Broken)
                .then(|| {
                    hurt.results.entry_points[i]
                        .root_causes
                        .iter()
                        .max_by(|a, b| a.failures.mean.total_cmp(&b.failures.mean))
                        .map(|r| r.node.clone())
                })
                .flatten();
            Cell {
                entry_point: b.name.clone(),
                outcome,
                availability_drop,
                p99_ms,
                flow_p99_ms,
                back_after_s: back_after(base, hurt, i, at_s + for_s),
                root_cause_name: root_cause.as_ref().map(|id| {
                    design
                        .display_name(&crate::model::NodeId::new(id.as_str()))
                        .to_owned()
                }),
                root_cause,
            }
        })
        .collect()
}

/// Seconds after `end_s` from which entry point `i` of `hurt` fails and
/// waits no more than in `base`, bucket by bucket to the end of the run
/// (a 2-point margin on the failed share, 25 % on the p99); `None` when it
/// never is.
fn back_after(base: &SimReport, hurt: &SimReport, i: usize, end_s: f64) -> Option<f64> {
    let (Some(b), Some(h)) = (&base.series, &hurt.series) else {
        return None;
    };
    let (b, h, width) = (&b.entries[i], &h.entries[i], b.bucket_s);
    let failed_share = |s: &sim::EntrySeries, k: usize| {
        let (ok, failed) = (s.succeeded[k], s.failed[k]);
        f64::from(failed) / f64::from((ok + failed).max(1))
    };
    let normal = |k: usize| {
        let failing = failed_share(h, k) <= failed_share(b, k) + 0.02;
        let (hp, bp) = (h.p99_ms[k], b.p99_ms[k]);
        let waiting = hp.is_nan() || bp.is_nan() || hp <= 1.25 * bp + 1.0;
        failing && waiting
    };
    let buckets = b.succeeded.len().min(h.succeeded.len());
    let first_after = ((end_s / width).floor().max(0.0) as usize).min(buckets);
    // The last bucket that is not normal; normal from the one after it.
    let last_bad = (first_after..buckets).rev().find(|&k| !normal(k));
    let back_from = match last_bad {
        None => first_after,
        Some(k) if k + 1 < buckets => k + 1,
        Some(_) => return None,
    };
    Some((back_from as f64 * width - end_s).max(0.0))
}
