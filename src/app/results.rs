//! The results panel: what the run shown measured, per entry point,
//! service and broker, with 95 % intervals when there were several
//! replications, and the warnings a reader must know. Out-of-date results
//! say so at the top.

use egui::{CollapsingHeader, Grid, RichText, ScrollArea, Ui};

use crate::model::{Design, NodeKind};
use crate::numbers::{self, Measure, duration, fixed};
use crate::sim::{Estimate, SimReport};

use super::run::RunOutcome;

/// A count: `5519 ± 117`.
fn count(e: &Estimate) -> String {
    numbers::estimate(e, Measure::Count)
}

/// A rate or other number.
fn plain(e: &Estimate) -> String {
    numbers::estimate(e, Measure::Plain)
}

/// A share as a percentage.
fn share(e: &Estimate) -> String {
    numbers::estimate(e, Measure::Percent)
}

/// A latency.
fn latency(e: &Estimate) -> String {
    numbers::estimate(e, Measure::Ms)
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
        duration(wall),
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
                        row("Requests", count(&e.attempted));
                        row("Availability", share(&e.availability));
                        row("Throughput", format!("{} /s", plain(&e.throughput_per_s)));
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
                        ui.label(count(&b.published));
                        ui.label(count(&b.requests));
                        ui.label(format!(
                            "{} / {} / {}",
                            fixed(b.mean_backlog.mean, 1),
                            fixed(b.max_backlog.mean, 0),
                            fixed(b.backlog_at_end.mean, 0)
                        ));
                        ui.label(count(&b.dead_lettered));
                        ui.end_row();
                    }
                });
        });
}
