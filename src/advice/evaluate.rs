//! Measuring suggestions: each is applied, analysed and simulated with the
//! same seeds and replications as the original, and the differences are
//! taken replication by replication (paired), which gives much tighter
//! intervals than comparing two independent means.

use crate::numbers::{count, duration, percent};
use foldhash::{HashMap, HashSet, HashSetExt};

use serde::Serialize;

use super::{RefactorError, Suggestion};
use crate::analysis::{self, Analysis, EntrySummary, Severity};
use crate::model::Design;
use crate::sim::{self, Estimate, Results, SimError, SimOptions, SimReport};

/// Why the advisor could not evaluate a design.
#[derive(Debug, thiserror::Error)]
pub enum AdviceError {
    /// The design itself could not be simulated.
    #[error("simulating the design: {0}")]
    Simulate(#[from] SimError),
    /// A refactoring failed to apply (a bug: suggestions come from the
    /// design's own findings).
    #[error("applying {id}: {source}")]
    Apply {
        /// The suggestion.
        id: String,
        /// Why.
        source: RefactorError,
    },
}

/// A figure before and after a change, and the change itself.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// Before.
    pub before: Estimate,
    /// After.
    pub after: Estimate,
    /// After minus before, paired by replication.
    pub difference: Estimate,
}

impl Change {
    fn of(
        before: &[Results<f64>],
        after: &[Results<f64>],
        f: impl Fn(&Results<f64>) -> f64,
    ) -> Self {
        let b: Vec<f64> = before.iter().map(&f).collect();
        let a: Vec<f64> = after.iter().map(&f).collect();
        let d: Vec<f64> = a.iter().zip(&b).map(|(a, b)| a - b).collect();
        Self {
            before: Estimate::of(&b),
            after: Estimate::of(&a),
            difference: Estimate::of(&d),
        }
    }

    /// Whether the difference's interval excludes zero and it is positive.
    pub fn clearly_up(&self) -> bool {
        self.difference.interval().0 > 0.0
    }

    /// Whether the difference's interval excludes zero and it is negative.
    pub fn clearly_down(&self) -> bool {
        self.difference.interval().1 < 0.0
    }

    /// `(after - before) / before`, or 0 where undefined.
    fn relative(&self) -> f64 {
        let (b, a) = (self.before.mean, self.after.mean);
        if b.is_finite() && a.is_finite() && b.abs() > 1e-12 {
            (a - b) / b
        } else {
            0.0
        }
    }
}

/// A count before and after (from static analysis).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Counts {
    /// Before.
    pub before: usize,
    /// After.
    pub after: usize,
}

/// What a suggestion changes for one entry point.
#[derive(Debug, Clone, Serialize)]
pub struct EntryChange {
    /// The entry point.
    pub entry_point: String,
    /// Median client latency, ms.
    pub latency_p50_ms: Change,
    /// 99th percentile client latency, ms.
    pub latency_p99_ms: Change,
    /// Share of requests that succeed.
    pub availability: Change,
    /// 99th percentile time until all triggered work is done, ms.
    pub flow_completion_p99_ms: Change,
    /// Services and stores the entry point needs up.
    pub coupling_set: Counts,
    /// Hops of its longest blocking chain.
    pub blocking_chain_hops: Counts,
}

/// One suggestion, measured.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    /// The suggestion.
    pub suggestion: Suggestion,
    /// Per entry point.
    pub entry_points: Vec<EntryChange>,
    /// Findings (warning or worse) present before and gone after, by id.
    pub findings_resolved: Vec<String>,
    /// Findings (warning or worse) new after the change, by id.
    pub findings_introduced: Vec<String>,
    /// The ranking score: relative fall in failed requests, plus relative
    /// fall in p99 latency, plus half the relative fall in flow-completion
    /// p99, averaged over entry points; plus a tenth per finding resolved,
    /// minus a tenth per finding introduced. Higher is better.
    pub benefit: f64,
    /// What gets better, in a sentence per entry point.
    pub better: Vec<String>,
    /// What gets worse, said plainly.
    pub worse: Vec<String>,
    /// The transformed design.
    #[serde(skip)]
    pub design: Design,
    /// Its simulation, for side-by-side views.
    #[serde(skip)]
    pub report: SimReport,
}

/// The advisor's answer: the design as it is, and every suggestion
/// measured, best first.
#[derive(Debug, Clone, Serialize)]
pub struct Advice {
    /// The simulation of the design as it is.
    #[serde(skip)]
    pub baseline: SimReport,
    /// Replications per simulation.
    pub replications: u32,
    /// Seed of the first replication.
    pub seed: u64,
    /// The suggestions, best first.
    pub evaluations: Vec<Evaluation>,
    /// The suggestions not measured, in finding order: beyond the most
    /// asked for, or left when the run was cancelled or the time limit
    /// ran out.
    #[serde(skip)]
    pub unmeasured: Vec<Suggestion>,
}

/// Every distinct suggestion of an analysis, in finding order.
pub fn suggestions(analysis: &Analysis) -> Vec<Suggestion> {
    let mut seen = HashSet::new();
    analysis
        .findings
        .iter()
        .flat_map(|f| &f.suggestions)
        .filter(|s| seen.insert(s.id.as_str()))
        .cloned()
        .collect()
}

/// Measures every suggestion for `design` with the same `options` (seed,
/// replications, duration) as the baseline, and ranks them.
pub fn evaluate(design: &Design, options: &SimOptions) -> Result<Advice, AdviceError> {
    evaluate_at_most(design, options, usize::MAX)
}

/// Like [`evaluate`], but measures only the first `max` suggestions (in
/// finding order: those of the most severe findings first), so that a
/// large design with hundreds of suggestions is advised on in bounded time.
pub fn evaluate_at_most(
    design: &Design,
    options: &SimOptions,
    max: usize,
) -> Result<Advice, AdviceError> {
    let baseline = sim::simulate(design, options)?;
    let before = analysis::analyse(design);
    let mut evaluations = Vec::new();
    let mut unmeasured = Vec::new();
    for suggestion in suggestions(&before) {
        let stopped = options
            .control
            .cancel
            .load(std::sync::atomic::Ordering::Relaxed)
            || options.limits.past_deadline();
        if stopped || evaluations.len() >= max {
            unmeasured.push(suggestion);
            continue;
        }
        evaluations.push(evaluate_one(
            design, &before, &baseline, suggestion, options,
        )?);
    }
    evaluations.sort_by(|a, b| {
        b.benefit
            .total_cmp(&a.benefit)
            .then_with(|| a.suggestion.id.cmp(&b.suggestion.id))
    });
    Ok(Advice {
        replications: baseline.replications,
        seed: baseline.seed,
        baseline,
        evaluations,
        unmeasured,
    })
}

/// Measures one suggestion against a baseline.
pub fn evaluate_one(
    design: &Design,
    before: &Analysis,
    baseline: &SimReport,
    suggestion: Suggestion,
    options: &SimOptions,
) -> Result<Evaluation, AdviceError> {
    let after_design = suggestion
        .refactor
        .apply(design)
        .map_err(|source| AdviceError::Apply {
            id: suggestion.id.clone(),
            source,
        })?;
    let after = analysis::analyse(&after_design);
    let report = sim::simulate(&after_design, options)?;
    let (b, a) = (&baseline.per_replication, &report.per_replication);
    let (summaries_before, summaries_after) = (by_name(before), by_name(&after));
    let mut entry_points = Vec::new();
    for (i, entry) in design.entry_points.iter().enumerate() {
        let (sb, sa) = (
            summaries_before.get(entry.name.as_str()).copied(),
            summaries_after.get(entry.name.as_str()).copied(),
        );
        let count = |s: Option<&EntrySummary>, f: fn(&EntrySummary) -> usize| s.map_or(0, f);
        entry_points.push(EntryChange {
            entry_point: entry.name.clone(),
            latency_p50_ms: Change::of(b, a, |r| r.entry_points[i].latency_ms.p50),
            latency_p99_ms: Change::of(b, a, |r| r.entry_points[i].latency_ms.p99),
            availability: Change::of(b, a, |r| r.entry_points[i].availability),
            flow_completion_p99_ms: Change::of(b, a, |r| r.entry_points[i].flow_completion_ms.p99),
            coupling_set: Counts {
                before: count(sb, |s| s.coupling_set.len()),
                after: count(sa, |s| s.coupling_set.len()),
            },
            blocking_chain_hops: Counts {
                before: count(sb, |s| s.chain_links.len()),
                after: count(sa, |s| s.chain_links.len()),
            },
        });
    }
    let ids = |a: &Analysis, d: &Design| -> Vec<String> {
        a.at_least(Severity::Warning).map(|f| f.id(d)).collect()
    };
    let (ids_before, ids_after) = (ids(before, design), ids(&after, &after_design));
    let only_in = |these: &[String], those: &[String]| -> Vec<String> {
        let those: HashSet<&String> = those.iter().collect();
        these
            .iter()
            .filter(|id| !those.contains(id))
            .cloned()
            .collect()
    };
    let findings_resolved = only_in(&ids_before, &ids_after);
    let findings_introduced = only_in(&ids_after, &ids_before);
    let benefit = score(
        &entry_points,
        findings_resolved.len(),
        findings_introduced.len(),
    );
    let (better, worse) = describe(&entry_points);
    Ok(Evaluation {
        suggestion,
        entry_points,
        findings_resolved,
        findings_introduced,
        benefit,
        better,
        worse,
        design: after_design,
        report,
    })
}

/// Each entry point's summary by name.
fn by_name(analysis: &Analysis) -> HashMap<&str, &EntrySummary> {
    analysis
        .entry_points
        .iter()
        .map(|e| (e.entry_point.as_str(), e))
        .collect()
}

fn score(entries: &[EntryChange], resolved: usize, introduced: usize) -> f64 {
    let per_entry: f64 = entries
        .iter()
        .map(|e| {
            let failures_before = 1.0 - e.availability.before.mean;
            let failures_after = 1.0 - e.availability.after.mean;
            let fewer_failures = if failures_before > 1e-3 {
                ((failures_before - failures_after) / failures_before).clamp(-2.0, 1.0)
            } else {
                // Nothing failed before: only count a clear loss.
                -(failures_after - failures_before).max(0.0) * 100.0
            };
            let faster = (-e.latency_p99_ms.relative()).clamp(-2.0, 1.0);
            let flows_faster = (-e.flow_completion_p99_ms.relative()).clamp(-2.0, 1.0);
            let finite = |x: f64| if x.is_finite() { x } else { 0.0 };
            finite(fewer_failures) + finite(faster) + 0.5 * finite(flows_faster)
        })
        .sum::<f64>()
        / entries.len().max(1) as f64;
    per_entry + 0.1 * resolved as f64 - 0.1 * introduced as f64
}

/// What clearly gets better and worse, in plain sentences.
fn describe(entries: &[EntryChange]) -> (Vec<String>, Vec<String>) {
    let mut better = Vec::new();
    let mut worse = Vec::new();
    for e in entries {
        let name = &e.entry_point;
        let ms = |c: &Change| (duration(c.before.mean), duration(c.after.mean));
        let pct = |c: &Change| (percent(c.before.mean), percent(c.after.mean));
        let mut good = Vec::new();
        if e.latency_p99_ms.clearly_down() {
            let (b, a) = ms(&e.latency_p99_ms);
            good.push(format!("p99 latency {b} → {a}"));
        }
        if e.availability.clearly_up() {
            let (b, a) = pct(&e.availability);
            good.push(format!("availability {b} → {a}"));
        }
        if e.coupling_set.after < e.coupling_set.before {
            good.push(format!(
                "needs {} up instead of {}",
                services(e.coupling_set.after),
                e.coupling_set.before
            ));
        }
        if e.blocking_chain_hops.after < e.blocking_chain_hops.before {
            good.push(format!(
                "longest blocking chain {} → {} hops",
                e.blocking_chain_hops.before, e.blocking_chain_hops.after
            ));
        }
        if e.flow_completion_p99_ms.clearly_down() {
            let (b, a) = ms(&e.flow_completion_p99_ms);
            good.push(format!("all triggered work done (p99) {b} → {a}"));
        }
        if !good.is_empty() {
            better.push(format!("{name}: {}", good.join(", ")));
        }
        if e.latency_p99_ms.clearly_up() {
            let (b, a) = ms(&e.latency_p99_ms);
            worse.push(format!("{name}: p99 latency grows from {b} to {a}"));
        }
        if e.availability.clearly_down() {
            let (b, a) = pct(&e.availability);
            worse.push(format!("{name}: availability falls from {b} to {a}"));
        }
        if e.flow_completion_p99_ms.clearly_up() {
            let (b, a) = ms(&e.flow_completion_p99_ms);
            let client_faster = e.latency_p99_ms.clearly_down();
            worse.push(format!(
                "{name}: the work a request triggers takes longer to finish (p99 {b} → {a}){}",
                if client_faster {
                    ", although the client gets its answer sooner: the work now happens in the background"
                } else {
                    ""
                }
            ));
        }
        if e.coupling_set.after > e.coupling_set.before {
            worse.push(format!(
                "{name}: needs {} up instead of {}",
                services(e.coupling_set.after),
                e.coupling_set.before
            ));
        }
    }
    if better.is_empty() && worse.is_empty() {
        better.push(
            "no measurable change in latency, availability or coupling (every difference is within its 95 % interval); it guards against failures this scenario does not produce".into(),
        );
    }
    (better, worse)
}

fn services(n: usize) -> String {
    count(n, "service", "services")
}
