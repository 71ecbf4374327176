//! Dynamic rules, on a simulation's results: saturated services, workers
//! stuck waiting, queues that keep growing, and failures that cascade up
//! from below.
//!
//! Every rule is decided on the interval over replications, not on one
//! run's mean: a finding only when its effect clearly exceeds its
//! threshold (the lower end of the 95 % interval is above it), so a team
//! can gate CI on it. With one replication there is no interval and the
//! mean decides.

use foldhash::{HashMap, HashSet};

use super::{Finding, RuleId, Severity};
use crate::model::{Design, LinkIdx, NodeId, Style};
use crate::numbers::{Measure, count, duration, estimate, percent};
use crate::sim::{Estimate, SimReport, WarningKind};

/// Requests waiting for a worker, on average, from which a pool has run
/// out: waiting is then the rule, not a moment's bad luck.
const POOL_RAN_OUT_QUEUE: f64 = 1.0;

/// Messages or requests still waiting when arrivals stop, from which a
/// queue that grew over the run is a finding (fewer drain at once).
const LEFT_WAITING: f64 = 5.0;

/// Share of a cascade's failures one root must clearly exceed to be named
/// as its cause; a single run (no interval) must show this much.
const DOMINANT: f64 = 0.5;
const DOMINANT_ONE_RUN: f64 = 0.8;

/// Occupancy from which a saturated service is an error, not a warning.
const OVERLOADED: f64 = 0.98;

/// Runs the dynamic rules.
pub(crate) fn run(design: &Design, report: &SimReport) -> Vec<Finding> {
    let mut out = Vec::new();
    saturated_and_blocked(design, report, &mut out);
    growing_queue(design, report, &mut out);
    cascade(design, report, &mut out);
    out
}

fn name<'d>(design: &'d Design, id: &'d str) -> &'d str {
    design
        .nodes
        .iter()
        .find(|n| n.id.as_str() == id)
        .map_or(id, crate::model::Node::display_name)
}

fn sync_links_from(design: &Design, node: &str) -> Vec<LinkIdx> {
    design
        .links
        .iter()
        .enumerate()
        .filter(|(_, l)| l.from.as_str() == node && l.style == Style::Sync)
        .map(|(i, _)| LinkIdx(i))
        .collect()
}

fn saturated_and_blocked(design: &Design, report: &SimReport, out: &mut Vec<Finding>) {
    let t = &design.thresholds;
    for s in &report.results.services {
        let occupancy = s.occupancy.mean;
        if occupancy.is_nan() {
            continue; // unlimited connections
        }
        let n = name(design, &s.node);
        let saturated = s.occupancy.interval().0 > t.saturation;
        if saturated {
            out.push(Finding {
                rule: RuleId::SaturatedService,
                severity: if s.occupancy.interval().0 >= OVERLOADED { Severity::Error } else { Severity::Warning },
                entry_point: None,
                title: format!(
                    "{n} is saturated: its workers are occupied {} of the time",
                    estimate(s.occupancy, Measure::Percent)
                ),
                explanation: format!(
                    "Near full occupancy a queue builds up in front of {n}, and waiting time grows steeply with every extra request (at 90 % a single queue already waits nine times the service time). Of the occupied time, {} is spent waiting on downstream calls. Add workers, make the work cheaper, or move work off the synchronous path.",
                    percent(s.blocked_share.mean)
                ),
                nodes: vec![NodeId::new(&s.node)],
                links: sync_links_from(design, &s.node),
                suggestions: Vec::new(),
            });
        }
        // Waiting on calls is what a gateway or an orchestrator is for; it
        // is a finding only when the waiting uses up the pool and
        // requests queue for a worker.
        let pool_ran_out = saturated || s.mean_queue.interval().0 > POOL_RAN_OUT_QUEUE;
        if s.blocked_share.interval().0 > t.blocked_share && pool_ran_out {
            out.push(Finding {
                rule: RuleId::WorkersMostlyBlocked,
                severity: Severity::Warning,
                entry_point: None,
                title: format!(
                    "{n}'s workers run out while they wait on synchronous calls ({} of their occupied time)",
                    percent(s.blocked_share.mean)
                ),
                explanation: format!(
                    "{n} is occupied {} of the time but does its own work only {}, and {} requests wait for a worker on average: its workers are blocked, not busy, and the waiting uses up the pool. Adding workers would only hold more connections open downstream. The calls it waits on are where the time goes; make them faster, parallel, or asynchronous, or bound them with a timeout and a bulkhead.",
                    percent(occupancy),
                    percent(s.utilisation.mean),
                    estimate(s.mean_queue, Measure::Plain)
                ),
                nodes: vec![NodeId::new(&s.node)],
                links: sync_links_from(design, &s.node),
                suggestions: Vec::new(),
            });
        }
    }
}

fn growing_queue(design: &Design, report: &SimReport, out: &mut Vec<Finding>) {
    // A run stopped because a queue grew without bound names the node.
    for w in report.warnings() {
        if matches!(w.kind, WarningKind::InFlightLimit | WarningKind::EventLimit)
            && let Some(node) = &w.node
        {
            out.push(Finding {
                rule: RuleId::GrowingQueue,
                severity: Severity::Error,
                entry_point: None,
                title: format!(
                    "the queue at {} grew until the simulation had to stop",
                    name(design, node)
                ),
                explanation: w.message.clone(),
                nodes: vec![NodeId::new(node)],
                links: Vec::new(),
                suggestions: Vec::new(),
            });
        }
    }
    // Otherwise, compare the waiting at the start and the end of the
    // measured window.
    let Some(series) = &report.series else { return };
    let buckets = series.nodes.first().map_or(0, |s| s.waiting.len());
    if buckets < 8 || series.bucket_s <= 0.0 {
        return;
    }
    let first_measured = ((report.warmup_s / series.bucket_s).ceil() as usize).min(buckets);
    let span = buckets - first_measured;
    if span < 8 {
        return;
    }
    let quarter = span / 4;
    // A dead-letter queue collects for a person to look at: it grows by
    // design.
    let dead_letters: HashSet<&NodeId> = design
        .links
        .iter()
        .filter_map(|l| l.dead_letter.as_ref())
        .collect();
    let flagged: HashSet<NodeId> = out
        .iter()
        .filter(|f| f.rule == RuleId::GrowingQueue)
        .filter_map(|f| f.nodes.first().cloned())
        .collect();
    // What was left waiting when arrivals stopped, per node: looked up
    // once, so a design of many nodes stays linear.
    let left_at_end: HashMap<&str, Estimate> = report
        .results
        .brokers
        .iter()
        .map(|b| (b.node.as_str(), b.backlog_at_end))
        .chain(
            report
                .results
                .services
                .iter()
                .map(|r| (r.node.as_str(), r.queue_at_end)),
        )
        .collect();
    for (node, s) in design.nodes.iter().zip(&series.nodes) {
        let broker = node.as_broker().is_some();
        let values = if broker { &s.backlog } else { &s.waiting };
        if values.len() < buckets || dead_letters.contains(&node.id) || flagged.contains(&node.id) {
            continue;
        }
        // What was left waiting when arrivals stopped, over every
        // replication: a spike that drained leaves nothing.
        let left = left_at_end.get(node.id.as_str()).copied();
        let Some(left) = left else { continue };
        let mean =
            |xs: &[f32]| xs.iter().map(|&x| f64::from(x)).sum::<f64>() / xs.len().max(1) as f64;
        let quarters: Vec<f64> = (0..4)
            .map(|q| {
                let from = first_measured + q * quarter;
                let to = if q == 3 { buckets } else { from + quarter };
                mean(&values[from..to])
            })
            .collect();
        let (early, late) = (quarters[0], quarters[3]);
        // A trend: every quarter waits longer than the one before, the
        // last far more than the first, and it is still there at the end.
        let rising = quarters.windows(2).all(|w| w[1] > w[0]);
        if rising && late > 2.0 * early + LEFT_WAITING && left.interval().0 > LEFT_WAITING {
            out.push(Finding {
                rule: RuleId::GrowingQueue,
                severity: Severity::Warning,
                entry_point: None,
                title: format!(
                    "the queue at {} keeps growing: {} waiting when arrivals stopped, against {} on average in the first quarter",
                    name(design, node.id.as_str()),
                    estimate(left, Measure::Plain),
                    crate::numbers::value(early, Measure::Plain)
                ),
                explanation: format!(
                    "More arrives at {} than it can take over the run, so the wait grows quarter after quarter instead of settling: an arrival rate above capacity, or a capacity lost to failures. Measured latency keeps rising the longer it runs. Add capacity, shed or smooth load, or accept that work is done later (and say so to users).",
                    name(design, node.id.as_str())
                ),
                nodes: vec![node.id.clone()],
                links: Vec::new(),
                suggestions: Vec::new(),
            });
        }
    }
}

/// Failures of one entry point that started beyond its target, per
/// replication: each root's share of the requests.
fn cascade_shares(
    report: &SimReport,
    entry: usize,
    target: &str,
) -> Vec<(f64, Vec<(String, f64)>)> {
    report
        .per_replication
        .iter()
        .filter_map(|run| run.entry_points.get(entry))
        .filter(|e| e.attempted > 0.0)
        .map(|e| {
            let roots: Vec<(String, f64)> = e
                .root_causes
                .iter()
                .filter(|c| c.node != target && c.failures > 0.0)
                .map(|c| (c.node.clone(), c.failures))
                .collect();
            (e.attempted, roots)
        })
        .collect()
}

fn cascade(design: &Design, report: &SimReport, out: &mut Vec<Finding>) {
    let threshold = design.thresholds.availability_loss;
    for (i, (entry, result)) in design
        .entry_points
        .iter()
        .zip(&report.results.entry_points)
        .enumerate()
    {
        let runs = cascade_shares(report, i, entry.target.as_str());
        if runs.is_empty() {
            continue;
        }
        // The share of requests lost to failures from below, with its
        // interval over replications: ordinary downtime well under the
        // threshold is not a cascade.
        let share = Estimate::of(
            &runs
                .iter()
                .map(|(attempted, roots)| roots.iter().map(|r| r.1).sum::<f64>() / attempted)
                .collect::<Vec<_>>(),
        );
        // (A NaN share, nothing measured, is no finding either.)
        if share.interval().0.partial_cmp(&threshold) != Some(std::cmp::Ordering::Greater) {
            continue;
        }
        let mut roots: Vec<(&str, f64)> = result
            .root_causes
            .iter()
            .filter(|c| c.node != entry.target.as_str() && c.failures.mean > 0.0)
            .map(|c| (c.node.as_str(), c.failures.mean))
            .collect();
        roots.sort_by(|a, b| b.1.total_cmp(&a.1));
        let Some(&(top, _)) = roots.first() else {
            continue;
        };
        // The top root's part of the cascade, per replication.
        let part = Estimate::of(
            &runs
                .iter()
                .map(|(_, rs)| {
                    let total: f64 = rs.iter().map(|r| r.1).sum();
                    let mine = rs.iter().find(|r| r.0 == top).map_or(0.0, |r| r.1);
                    if total > 0.0 { mine / total } else { f64::NAN }
                })
                .collect::<Vec<_>>(),
        );
        let dominant = match part.ci95 {
            Some(_) => part.interval().0 > DOMINANT,
            None => part.mean >= DOMINANT_ONE_RUN,
        };
        let total: f64 = roots.iter().map(|r| r.1).sum();
        let where_from = roots
            .iter()
            .map(|(n, f)| format!("{} {}", name(design, n), percent(f / total)))
            .collect::<Vec<_>>()
            .join(", ");
        let shown = estimate(share, Measure::Percent);
        // Failures the scenario asked for (a scripted crash, slow-down or
        // failing link) show the fault's blast radius: worth knowing, not a
        // flaw of the design to gate on.
        let faulted = |id: &str| {
            design.scenario.faults.iter().any(|f| {
                f.node().is_some_and(|n| n.as_str() == id)
                    || f.link().is_some_and(|l| l.to.as_str() == id)
            })
        };
        let scripted = if dominant {
            faulted(top)
        } else {
            roots.iter().all(|(n, _)| faulted(n))
        };
        let (title, explanation) = if dominant {
            (
                if roots.len() == 1 {
                    format!(
                        "{shown} of {} requests failed because of {}",
                        entry.name,
                        name(design, top)
                    )
                } else {
                    format!(
                        "{shown} of {} requests failed because of {} ({where_from} of those failures)",
                        entry.name,
                        name(design, top)
                    )
                },
                format!(
                    "The failures started at {} and travelled up the synchronous calls to {}'s callers: a cascade. Every blocking caller between them failed with it (fail fast is the better case; without timeouts the callers would also have hung for ever). Mean latency of the successes was {}. Cut the synchronous path to {} where the answer is not needed at once, or give the callers a fallback.",
                    name(design, top),
                    entry.name,
                    duration(result.latency_ms.mean.mean),
                    name(design, top)
                ),
            )
        } else {
            (
                format!(
                    "{shown} of {} requests failed in a cascade from {}: {where_from}",
                    entry.name,
                    count(roots.len(), "service", "services")
                ),
                format!(
                    "The failures started below {} and travelled up the synchronous calls, but no one service clearly dominates: they are spread over {where_from}. Each is on the request's synchronous path, so each one's failures become the request's. Give callers a fallback, or take the calls whose answer is not needed at once off the synchronous path; fixing one of them alone would not be enough.",
                    name(design, entry.target.as_str())
                ),
            )
        };
        let explanation = if scripted {
            format!(
                "{explanation} The failures come from the fault the scenario injects, so this is the blast radius of that fault rather than a flaw that shows in normal running."
            )
        } else {
            explanation
        };
        out.push(Finding {
            rule: RuleId::Cascade,
            severity: if scripted {
                Severity::Info
            } else if share.interval().0 >= 0.05 {
                Severity::Error
            } else {
                Severity::Warning
            },
            entry_point: Some(entry.name.clone()),
            title,
            explanation,
            nodes: std::iter::once(entry.target.clone())
                .chain(roots.iter().map(|(n, _)| NodeId::new(*n)))
                .collect(),
            links: Vec::new(),
            suggestions: Vec::new(),
        });
    }
}
