//! The results panel: what the run shown measured, per entry point,
//! service and broker, with 95 % intervals when there were several
//! replications, and the warnings a reader must know. Out-of-date results
//! say so at the top.

use egui::{CollapsingHeader, Grid, RichText, ScrollArea, Ui};

use crate::analysis::percent;
use crate::model::{Design, NodeKind};
use crate::sim::{Estimate, SimReport};
use crate::visual::{fixed, format_ms};

use super::run::RunOutcome;

/// `mean ± half-width`, each written by `fmt`, or just the mean when
/// there is no interval (one replication); a dash when undefined.
pub fn with_interval(e: &Estimate, fmt: impl Fn(f64) -> String) -> String {
    if !e.mean.is_finite() {
        return "–".into();
    }
    match e.ci95 {
        Some(h) if h.is_finite() => format!("{} ± {}", fmt(e.mean), fmt(h)),
        _ => fmt(e.mean),
    }
}

/// A count or rate with `digits` decimals.
fn estimate(e: &Estimate, digits: usize) -> String {
    with_interval(e, |v| fixed(v, digits))
}

/// A share as a percentage.
fn share(e: &Estimate) -> String {
    with_interval(e, percent)
}

/// A latency in ms.
fn latency(e: &Estimate) -> String {
    with_interval(e, format_ms)
}

/// Draws the results of `outcome`; `stale` when the design changed since.
pub fn results_ui(ui: &mut Ui, outcome: &RunOutcome, stale: bool) {
    let report = &outcome.report;
    if stale {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            "⚠ Out of date: these results are from an earlier version of the design, its what-if faults or run settings. Run again to see the current ones.",
        );
        ui.separator();
    }
    ScrollArea::both()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            run_ui(ui, report);
            entries_ui(ui, &outcome.design, report);
            services_ui(ui, &outcome.design, report);
            brokers_ui(ui, &outcome.design, report);
        });
}

fn run_ui(ui: &mut Ui, report: &SimReport) {
    let runs = report.runs.len();
    let simulated = report.runs.first().map_or(0.0, |r| r.simulated_s);
    let events: u64 = report.runs.iter().map(|r| r.events).sum();
    let wall: f64 = report.runs.iter().map(|r| r.wall_ms).sum();
    ui.label(format!(
        "Seed {} · {runs} replication{} · {simulated:.1} s simulated · load ×{} · {events} events in {}",
        report.seed,
        if runs == 1 { "" } else { "s" },
        report.load_multiplier,
        format_ms(wall),
    ));
    for w in report.warnings() {
        ui.colored_label(ui.visuals().warn_fg_color, format!("⚠ {}", w.message));
    }
}

fn entries_ui(ui: &mut Ui, design: &Design, report: &SimReport) {
    for e in &report.results.entry_points {
        CollapsingHeader::new(RichText::new(format!("Entry point {}", e.name)).strong())
            .id_salt(("entry", &e.name))
            .default_open(true)
            .show(ui, |ui| {
                Grid::new(("entry-grid", &e.name))
                    .num_columns(2)
                    .striped(true)
                    .show(ui, |ui| {
                        let mut row = |label: &str, value: String| {
                            ui.label(label);
                            ui.label(value);
                            ui.end_row();
                        };
                        row("Requests", estimate(&e.attempted, 0));
                        row("Availability", share(&e.availability));
                        row("Throughput", format!("{} /s", estimate(&e.throughput_per_s, 1)));
                        let f = &e.failed;
                        let failed = f.down.mean + f.timeout.mean + f.error.mean + f.rejected.mean + f.unfinished.mean;
                        row(
                            "Failed",
                            format!(
                                "{failed:.0}: down {:.0}, timeout {:.0}, error {:.0}, rejected {:.0}, unfinished {:.0}",
                                f.down.mean, f.timeout.mean, f.error.mean, f.rejected.mean, f.unfinished.mean
                            ),
                        );
                        if !e.root_causes.is_empty() {
                            let roots: Vec<String> = e
                                .root_causes
                                .iter()
                                .map(|r| {
                                    let id = r.node.as_str().into();
                                    format!(
                                        "{} ({})",
                                        design.display_name(&id),
                                        fixed(r.failures.mean, 0)
                                    )
                                })
                                .collect();
                            row("Failures started at", roots.join(", "));
                        }
                        let l = &e.latency_ms;
                        row("Latency p50", latency(&l.p50));
                        row("Latency p95", latency(&l.p95));
                        row("Latency p99", latency(&l.p99));
                        row("All work done p99", latency(&e.flow_completion_ms.p99));
                    });
            });
    }
}

fn services_ui(ui: &mut Ui, design: &Design, report: &SimReport) {
    if report.results.services.is_empty() {
        return;
    }
    CollapsingHeader::new(RichText::new("Services and stores").strong())
        .default_open(true)
        .show(ui, |ui| {
            Grid::new("services-grid")
                .num_columns(5)
                .striped(true)
                .show(ui, |ui| {
                    for h in ["", "Occupied", "Working", "Blocked", "Queue mean/max/end"] {
                        ui.label(RichText::new(h).small().strong());
                    }
                    ui.end_row();
                    for s in &report.results.services {
                        let id = s.node.as_str().into();
                        ui.label(design.display_name(&id));
                        ui.label(share(&s.occupancy));
                        ui.label(share(&s.utilisation));
                        ui.label(share(&s.blocked_share)).on_hover_text(
                            "Share of occupied worker time spent waiting on sync calls",
                        );
                        ui.label(format!(
                            "{} / {} / {}",
                            fixed(s.mean_queue.mean, 1),
                            fixed(s.max_queue.mean, 0),
                            fixed(s.queue_at_end.mean, 0)
                        ))
                        .on_hover_text(
                            "Waiting for a worker: on average, at most, and when arrivals stopped",
                        );
                        ui.end_row();
                    }
                });
        });
}

fn brokers_ui(ui: &mut Ui, design: &Design, report: &SimReport) {
    if report.results.brokers.is_empty()
        || !design
            .nodes
            .iter()
            .any(|n| matches!(n.kind, NodeKind::Broker(_)))
    {
        return;
    }
    CollapsingHeader::new(RichText::new("Brokers").strong())
        .default_open(true)
        .show(ui, |ui| {
            Grid::new("brokers-grid")
                .num_columns(4)
                .striped(true)
                .show(ui, |ui| {
                    for h in [
                        "",
                        "Events",
                        "Requests",
                        "Backlog mean/max/end",
                        "Dead letters",
                    ] {
                        ui.label(RichText::new(h).small().strong());
                    }
                    ui.end_row();
                    for b in &report.results.brokers {
                        let id = b.node.as_str().into();
                        ui.label(design.display_name(&id));
                        ui.label(estimate(&b.published, 0));
                        ui.label(estimate(&b.requests, 0));
                        ui.label(format!(
                            "{} / {} / {}",
                            fixed(b.mean_backlog.mean, 1),
                            fixed(b.max_backlog.mean, 0),
                            fixed(b.backlog_at_end.mean, 0)
                        ));
                        ui.label(estimate(&b.dead_lettered, 0));
                        ui.end_row();
                    }
                });
        });
}
