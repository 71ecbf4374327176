//! Charts of a run over simulated time (egui_plot): latency percentiles and
//! throughput per entry point, occupancy of the busiest services (with the
//! part blocked on calls), and broker backlogs. Hovering shows the values;
//! a line marks the instant played, and clicking a chart moves playback
//! there. Also the overlaid latency distributions of the before/after
//! comparison.

use egui::{Color32, RichText, Ui};
use egui_plot::{Corner, Legend, Line, LineStyle, Plot, PlotPoints, VLine};

use crate::model::{Design, NodeKind};
use crate::sim::{LatencyDistribution, TimeSeries};
use crate::visual::{Theme, series_color, style_color};

use super::canvas::{self, paint};
use super::legend;
use super::run::RunOutcome;
use super::run::playback::Playback;

/// Services shown on the occupancy chart: the busiest ones.
const BUSIEST: usize = 3;

/// Height of the charts panel's plots.
const HEIGHT: f32 = 110.0;

/// One line of a chart.
struct Series {
    name: String,
    points: Vec<[f64; 2]>,
    color: Color32,
    dashed: bool,
}

/// A chart: its title, unit, lines, and the key to their colours.
struct Chart {
    title: &'static str,
    unit: &'static str,
    lines: Vec<Series>,
    /// Coloured names, then what solid and dashed lines mean.
    key: (Vec<(String, Color32)>, &'static str),
}

fn points(bucket_s: f64, values: impl Iterator<Item = f64>) -> Vec<[f64; 2]> {
    values
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .map(|(k, v)| [(k as f64 + 0.5) * bucket_s, v])
        .collect()
}

/// The charts of `series` for `design`.
fn charts(design: &Design, series: &TimeSeries, theme: Theme) -> Vec<Chart> {
    let color = |i: usize| paint::color(series_color(i, theme));
    let w = series.bucket_s.max(1e-9);
    let mut latency = Vec::new();
    let mut throughput = Vec::new();
    for (i, (entry, s)) in design.entry_points.iter().zip(&series.entries).enumerate() {
        for (q, values, dashed) in [("p50", &s.p50_ms, false), ("p99", &s.p99_ms, true)] {
            latency.push(Series {
                name: format!("{} {q}", entry.name),
                points: points(w, values.iter().copied()),
                color: color(i),
                dashed,
            });
        }
        throughput.push(Series {
            name: format!("{} ok", entry.name),
            points: points(w, s.succeeded.iter().map(|&n| f64::from(n) / w)),
            color: color(i),
            dashed: false,
        });
        throughput.push(Series {
            name: format!("{} failed", entry.name),
            points: points(w, s.failed.iter().map(|&n| f64::from(n) / w)),
            color: paint::color(crate::visual::Palette::of(theme).problem),
            dashed: true,
        });
    }
    let mut busiest: Vec<(usize, u32, f64)> = design
        .nodes
        .iter()
        .zip(&series.nodes)
        .enumerate()
        .filter_map(|(i, (n, s))| {
            let workers = match &n.kind {
                NodeKind::Service(svc) => svc.workers,
                NodeKind::DataStore(d) => d.connections?,
                _ => return None,
            };
            let mean =
                s.busy.iter().map(|&b| f64::from(b)).sum::<f64>() / s.busy.len().max(1) as f64;
            Some((i, workers.max(1), mean / f64::from(workers.max(1))))
        })
        .collect();
    busiest.sort_by(|a, b| b.2.total_cmp(&a.2));
    let mut occupancy = Vec::new();
    for (k, &(i, workers, _)) in busiest.iter().take(BUSIEST).enumerate() {
        let s = &series.nodes[i];
        let name = design.display_name(&design.nodes[i].id);
        let share = |v: f32| 100.0 * f64::from(v) / f64::from(workers);
        occupancy.push(Series {
            name: format!("{name} occupied"),
            points: points(w, s.busy.iter().map(|&b| share(b))),
            color: color(k),
            dashed: false,
        });
        occupancy.push(Series {
            name: format!("{name} blocked"),
            points: points(
                w,
                s.busy
                    .iter()
                    .zip(&s.processing)
                    .map(|(&b, &p)| share(b - p)),
            ),
            color: color(k),
            dashed: true,
        });
    }
    let backlog: Vec<Series> = design
        .nodes
        .iter()
        .zip(&series.nodes)
        .filter(|(n, _)| matches!(n.kind, NodeKind::Broker(_)))
        .enumerate()
        .map(|(k, (n, s))| Series {
            name: design.display_name(&n.id).to_owned(),
            points: points(w, s.backlog.iter().map(|&b| f64::from(b))),
            color: color(k),
            dashed: false,
        })
        .collect();
    let entries: Vec<(String, Color32)> = design
        .entry_points
        .iter()
        .enumerate()
        .map(|(i, e)| (e.name.clone(), color(i)))
        .collect();
    let services: Vec<(String, Color32)> = busiest
        .iter()
        .take(BUSIEST)
        .enumerate()
        .map(|(k, &(i, _, _))| {
            (
                design.display_name(&design.nodes[i].id).to_owned(),
                color(k),
            )
        })
        .collect();
    let brokers: Vec<(String, Color32)> =
        backlog.iter().map(|s| (s.name.clone(), s.color)).collect();
    let mut out = vec![
        Chart {
            title: "Latency",
            unit: "ms",
            lines: latency,
            key: (entries.clone(), "solid p50, dashed p99"),
        },
        Chart {
            title: "Throughput",
            unit: "/s",
            lines: throughput,
            key: (entries, "solid succeeded, red dashed failed"),
        },
        Chart {
            title: "Occupancy",
            unit: "% of workers",
            lines: occupancy,
            key: (services, "solid occupied, dashed blocked on calls"),
        },
    ];
    if !backlog.is_empty() {
        out.push(Chart {
            title: "Broker backlog",
            unit: "messages",
            lines: backlog,
            key: (brokers, ""),
        });
    }
    out
}

/// The charts panel for a run; clicking a chart moves `playback` there.
pub fn charts_ui(ui: &mut Ui, outcome: &RunOutcome, stale: bool, playback: &mut Playback) {
    let Some(series) = &outcome.report.series else {
        ui.weak("This run recorded no series.");
        return;
    };
    let theme = canvas::theme_of(ui);
    let charts = charts(&outcome.design, series, theme);
    if stale {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            "⚠ From an earlier version of the design: run again to see the current one.",
        );
    }
    let now = playback.time_s();
    let mut seek = None;
    let spacing = ui.spacing().item_spacing.x;
    let width = ((ui.available_width() - spacing * (charts.len() as f32 - 1.0))
        / charts.len() as f32)
        .max(120.0);
    ui.horizontal(|ui| {
        for chart in charts {
            ui.vertical(|ui| {
                ui.set_width(width);
                ui.horizontal_wrapped(|ui| {
                    ui.spacing_mut().item_spacing.x = 6.0;
                    ui.label(RichText::new(format!("{} ({})", chart.title, chart.unit)).strong());
                    for (name, color) in &chart.key.0 {
                        legend::color_key_ui(ui, *color, RichText::new(name).small());
                    }
                    ui.weak(RichText::new(chart.key.1).small());
                });
                let unit = chart.unit;
                let plot = Plot::new(("chart", chart.title))
                    .width(width)
                    .height(HEIGHT)
                    .link_axis("run-charts", [true, false])
                    .link_cursor("run-charts", [true, false])
                    .allow_scroll(false)
                    .include_y(0.0)
                    .y_axis_min_width(34.0)
                    .label_formatter(move |pos| {
                        Some(match pos {
                            egui_plot::HoverPosition::NearDataPoint {
                                plot_name,
                                position,
                                ..
                            } => format!(
                                "{plot_name}\n{:.1} s: {:.1} {unit}",
                                position.x, position.y
                            ),
                            egui_plot::HoverPosition::Elsewhere { position } => {
                                format!("{:.1} s", position.x)
                            }
                        })
                    });
                plot.show(ui, |plot_ui| {
                    for s in chart.lines {
                        let style = if s.dashed {
                            LineStyle::dashed_dense()
                        } else {
                            LineStyle::Solid
                        };
                        plot_ui.line(
                            Line::new(s.name, PlotPoints::from(s.points))
                                .color(s.color)
                                .style(style),
                        );
                    }
                    plot_ui.vline(VLine::new("now", now).color(Color32::GRAY));
                    if plot_ui.response().clicked()
                        && let Some(p) = plot_ui.pointer_coordinate()
                    {
                        seek = Some(p.x);
                    }
                });
            });
        }
    });
    if let Some(t) = seek {
        playback.seek(t);
    }
}

/// Two runs' latency distributions overlaid, per entry point: before in
/// grey, after in the colour of the blocking style's opposite.
pub fn distributions_ui(
    ui: &mut Ui,
    id: &str,
    before: &[LatencyDistribution],
    after: &[LatencyDistribution],
) {
    let theme = canvas::theme_of(ui);
    let after_color = paint::color(style_color(crate::model::Style::Event, theme));
    Plot::new(("distributions", id))
        .height(200.0)
        .legend(Legend::default().position(Corner::RightBottom))
        .x_axis_label("latency (ms)")
        .y_axis_label("share of requests")
        .include_y(0.0)
        .include_y(1.0)
        .allow_scroll(false)
        .show(ui, |plot_ui| {
            for (i, b) in before.iter().enumerate() {
                let a = after.iter().find(|a| a.entry_point == b.entry_point);
                let dash = if i == 0 {
                    LineStyle::Solid
                } else {
                    LineStyle::dashed_loose()
                };
                let line = |d: &LatencyDistribution| {
                    PlotPoints::from(d.cdf.iter().map(|&(ms, q)| [ms, q]).collect::<Vec<_>>())
                };
                plot_ui.line(
                    Line::new(format!("{} before", b.entry_point), line(b))
                        .color(Color32::GRAY)
                        .style(dash),
                );
                if let Some(a) = a {
                    plot_ui.line(
                        Line::new(format!("{} after", a.entry_point), line(a))
                            .color(after_color)
                            .width(2.0)
                            .style(dash),
                    );
                }
            }
        });
}
