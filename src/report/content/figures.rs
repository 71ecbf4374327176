//! The simulation's figures as tables: at a glance, and per entry point,
//! service, broker and link.

use crate::analysis::EntrySummary;
use crate::model::{Design, NodeId};
use crate::sim::Estimate;

use super::super::gather::Report;
use super::{Cell, NUM, TEXT, Table, est};
use crate::numbers::{self, Measure};

/// The static summary of entry point `name`.
fn summary_of<'a>(report: &'a Report, name: &str) -> Option<&'a EntrySummary> {
    report
        .analysis
        .entry_points
        .iter()
        .find(|s| s.entry_point == name)
}

/// Node names joined by arrows.
fn chain(design: &Design, ids: &[NodeId]) -> String {
    ids.iter()
        .map(|id| design.display_name(id))
        .collect::<Vec<_>>()
        .join(" → ")
}

/// The figures at a glance, one row per entry point: latency, availability,
/// how many services must be up, the longest blocking chain.
pub fn summary(report: &Report) -> Table {
    let mut t = Table::new(&[
        ("entry point", TEXT),
        ("p99 latency", NUM),
        ("availability", NUM),
        ("must be up", NUM),
        ("compound availability", NUM),
        ("longest blocking chain", TEXT),
    ]);
    let results = &report.simulation().results;
    for (entry, r) in report.design.entry_points.iter().zip(&results.entry_points) {
        let s = summary_of(report, &entry.name);
        let coupling = s.map_or(0, |s| s.coupling_set.len());
        let chain_text = match s {
            Some(s) if !s.chain_links.is_empty() => format!(
                "{}: {}",
                numbers::count(s.chain_links.len(), "call", "calls"),
                chain(&report.design, &s.chain)
            ),
            _ => "none".into(),
        };
        t.row(vec![
            entry.name.clone().into(),
            est(&r.latency_ms.p99, Measure::Ms),
            est(&r.availability, Measure::Percent),
            numbers::count(coupling, "service", "services").into(),
            s.map_or_else(
                || "–".to_owned(),
                |s| numbers::value(s.compound_availability, Measure::Percent),
            )
            .into(),
            chain_text.into(),
        ]);
    }
    t
}

/// A count with its interval.
fn count(e: &Estimate) -> Cell {
    est(e, Measure::Count)
}

/// What happened to each entry point's requests.
pub fn entry_results(report: &Report) -> Table {
    let mut t = Table::new(&[
        ("entry point", TEXT),
        ("requests", NUM),
        ("succeeded", NUM),
        ("availability", NUM),
        ("p50", NUM),
        ("p95", NUM),
        ("p99", NUM),
        ("all work done, p99", NUM),
        ("failed (by cause)", TEXT),
    ]);
    for e in &report.simulation().results.entry_points {
        let causes: Vec<String> = e
            .failed
            .by_cause()
            .into_iter()
            .filter(|(_, v)| v.mean > 0.0)
            .map(|(k, v)| format!("{k} {}", numbers::estimate(v, Measure::Count)))
            .collect();
        t.row(vec![
            e.name.clone().into(),
            count(&e.attempted),
            count(&e.succeeded),
            est(&e.availability, Measure::Percent),
            est(&e.latency_ms.p50, Measure::Ms),
            est(&e.latency_ms.p95, Measure::Ms),
            est(&e.latency_ms.p99, Measure::Ms),
            est(&e.flow_completion_ms.p99, Measure::Ms),
            if causes.is_empty() {
                "none".to_owned()
            } else {
                causes.join(", ")
            }
            .into(),
        ]);
    }
    t
}

/// How busy each service and store was.
pub fn services(report: &Report) -> Table {
    let mut t = Table::new(&[
        ("service or store", TEXT),
        ("occupied", NUM),
        ("own work", NUM),
        ("blocked share", NUM),
        ("mean queue", NUM),
        ("max queue", NUM),
        ("queue at end", NUM),
        ("arrivals per s", NUM),
    ]);
    let design = &report.design;
    for s in &report.simulation().results.services {
        let id = NodeId::new(s.node.as_str());
        t.row(vec![
            design.display_name(&id).to_owned().into(),
            est(&s.occupancy, Measure::Percent),
            est(&s.utilisation, Measure::Percent),
            est(&s.blocked_share, Measure::Percent),
            est(&s.mean_queue, Measure::Plain),
            est(&s.max_queue, Measure::Count),
            est(&s.queue_at_end, Measure::Plain),
            est(&s.arrival_rate_per_s, Measure::Plain),
        ]);
    }
    t
}

/// What went through each broker.
pub fn brokers(report: &Report) -> Table {
    let mut t = Table::new(&[
        ("broker", TEXT),
        ("events", NUM),
        ("requests", NUM),
        ("mean backlog", NUM),
        ("max backlog", NUM),
        ("backlog at end", NUM),
        ("dead-lettered", NUM),
    ]);
    let design = &report.design;
    for b in &report.simulation().results.brokers {
        let id = NodeId::new(b.node.as_str());
        t.row(vec![
            design.display_name(&id).to_owned().into(),
            count(&b.published),
            count(&b.requests),
            est(&b.mean_backlog, Measure::Plain),
            count(&b.max_backlog),
            est(&b.backlog_at_end, Measure::Plain),
            count(&b.dead_lettered),
        ]);
    }
    t
}

/// What went over each link.
pub fn links(report: &Report) -> Table {
    let mut t = Table::new(&[
        ("link", TEXT),
        ("style", TEXT),
        ("messages", NUM),
        ("most in flight", NUM),
        ("timeouts", NUM),
        ("failed calls", NUM),
        ("retries", NUM),
        ("lost", NUM),
    ]);
    let design = &report.design;
    for (l, r) in design.links.iter().zip(&report.simulation().results.links) {
        t.row(vec![
            format!(
                "{} → {}",
                design.display_name(&l.from),
                design.display_name(&l.to)
            )
            .into(),
            l.style.as_str().to_owned().into(),
            count(&r.messages),
            count(&r.max_in_flight),
            count(&r.timeouts),
            count(&r.errors),
            count(&r.retries),
            count(&r.lost),
        ]);
    }
    t
}
