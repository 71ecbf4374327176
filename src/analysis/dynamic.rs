//! Dynamic rules, on a simulation's results: saturated services, workers
//! stuck waiting, queues that keep growing, and failures that cascade up
//! from below.

use super::{Finding, RuleId, Severity};
use crate::model::{Design, LinkIdx, NodeId, Style};
use crate::numbers::{duration, percent};
use crate::sim::{SimReport, WarningKind};

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
        if occupancy > t.saturation {
            out.push(Finding {
                rule: RuleId::SaturatedService,
                severity: if occupancy >= OVERLOADED { Severity::Error } else { Severity::Warning },
                entry_point: None,
                title: format!("{n} is saturated: its workers are occupied {} of the time", percent(occupancy)),
                explanation: format!(
                    "Near full occupancy a queue builds up in front of {n}, and waiting time grows steeply with every extra request (at 90 % a single queue already waits nine times the service time). Of the occupied time, {} is spent waiting on downstream calls. Add workers, make the work cheaper, or move work off the synchronous path.",
                    percent(s.blocked_share.mean)
                ),
                nodes: vec![NodeId::new(&s.node)],
                links: sync_links_from(design, &s.node),
                suggestions: Vec::new(),
            });
        }
        if s.blocked_share.mean > t.blocked_share && occupancy > 0.05 {
            out.push(Finding {
                rule: RuleId::WorkersMostlyBlocked,
                severity: Severity::Warning,
                entry_point: None,
                title: format!(
                    "{n}'s workers spend {} of their occupied time waiting on synchronous calls",
                    percent(s.blocked_share.mean)
                ),
                explanation: format!(
                    "{n} is occupied {} of the time but does its own work only {}: its workers are blocked, not busy. Adding workers would only hold more connections open downstream. The calls it waits on are where the time goes; make them faster, parallel, or asynchronous.",
                    percent(occupancy),
                    percent(s.utilisation.mean)
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
    for (node, s) in design.nodes.iter().zip(&series.nodes) {
        let values = if node.as_broker().is_some() {
            &s.backlog
        } else {
            &s.waiting
        };
        if values.len() < buckets
            || out
                .iter()
                .any(|f| f.rule == RuleId::GrowingQueue && f.nodes[0] == node.id)
        {
            continue;
        }
        let mean =
            |xs: &[f32]| xs.iter().map(|&x| f64::from(x)).sum::<f64>() / xs.len().max(1) as f64;
        let early = mean(&values[first_measured..first_measured + quarter]);
        let late = mean(&values[buckets - quarter..]);
        if late > 2.0 * early + 5.0 {
            out.push(Finding {
                rule: RuleId::GrowingQueue,
                severity: Severity::Warning,
                entry_point: None,
                title: format!(
                    "the queue at {} keeps growing: {late:.0} waiting at the end against {early:.0} at the start",
                    name(design, node.id.as_str())
                ),
                explanation: format!(
                    "More arrives at {} than it can take over the run, so the wait grows with time instead of settling: an arrival rate above capacity, or a capacity lost to failures. Measured latency keeps rising the longer it runs. Add capacity, shed or smooth load, or accept that work is done later (and say so to users).",
                    name(design, node.id.as_str())
                ),
                nodes: vec![node.id.clone()],
                links: Vec::new(),
                suggestions: Vec::new(),
            });
        }
    }
}

fn cascade(design: &Design, report: &SimReport, out: &mut Vec<Finding>) {
    for (entry, result) in design.entry_points.iter().zip(&report.results.entry_points) {
        let attempted = result.attempted.mean;
        if attempted <= 0.0 {
            continue;
        }
        let mut roots: Vec<(&str, f64)> = result
            .root_causes
            .iter()
            .filter(|c| c.node != entry.target.as_str())
            .map(|c| (c.node.as_str(), c.failures.mean))
            .filter(|&(_, n)| n / attempted >= 0.001)
            .collect();
        roots.sort_by(|a, b| b.1.total_cmp(&a.1));
        let Some(&(root, failures)) = roots.first() else {
            continue;
        };
        let share = failures / attempted;
        out.push(Finding {
            rule: RuleId::Cascade,
            severity: if share >= 0.05 { Severity::Error } else { Severity::Warning },
            entry_point: Some(entry.name.clone()),
            title: format!(
                "{} of {} requests failed because of {} ({})",
                percent(share),
                entry.name,
                name(design, root),
                roots
                    .iter()
                    .map(|(n, f)| format!("{}: {f:.0}", name(design, n)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            explanation: format!(
                "The failures started at {} and travelled up the synchronous calls to {}'s callers: a cascade. Every blocking caller between them failed with it (fail fast is the better case; without timeouts the callers would also have hung for ever). Mean latency of the successes was {}. Cut the synchronous path to {} where the answer is not needed at once, or give the callers a fallback.",
                name(design, root),
                entry.name,
                duration(result.latency_ms.mean.mean),
                name(design, root)
            ),
            nodes: std::iter::once(entry.target.clone())
                .chain(roots.iter().map(|(n, _)| NodeId::new(*n)))
                .collect(),
            links: Vec::new(),
            suggestions: Vec::new(),
        });
    }
}
