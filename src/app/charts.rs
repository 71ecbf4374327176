//! Charts of a run over simulated time (egui_plot): latency percentiles and
//! throughput per entry point, occupancy of the busiest services (with the
//! part blocked on calls), and broker backlogs. Hovering shows the values;
//! a line marks the instant played, and clicking a chart moves playback
//! there. Also the overlaid latency distributions of the before/after
//! comparison.

use egui::{Color32, RichText, Ui};
use egui_plot::{
    AxisHints, Corner, Legend, Line, LineStyle, Plot, PlotPoints, VLine, uniform_grid_spacer,
};

use crate::model::{Design, NodeKind};
use crate::numbers::fixed;
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

/// Width of every chart's y axis, so the charts' time axes start at the
/// same place in each column whatever their labels.
const Y_AXIS_WIDTH: f32 = 52.0;

/// One line of a chart, in pieces: a bucket without data (no request
/// finished in it) is a gap, not a line drawn across.
struct Series {
    name: String,
    pieces: Vec<Vec<[f64; 2]>>,
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

/// The values of consecutive buckets `bucket_s` wide as points at the
/// buckets' middles, split where a value is missing (not finite).
fn points(bucket_s: f64, values: impl Iterator<Item = f64>) -> Vec<Vec<[f64; 2]>> {
    let mut pieces = vec![Vec::new()];
    for (k, v) in values.enumerate() {
        if v.is_finite() {
            if let Some(piece) = pieces.last_mut() {
                piece.push([(k as f64 + 0.5) * bucket_s, v]);
            }
        } else if pieces.last().is_some_and(|p| !p.is_empty()) {
            pieces.push(Vec::new());
        }
    }
    pieces.retain(|p| !p.is_empty());
    pieces
}

/// A step between labelled ticks that gives about three of them over
/// `span`: 1, 2 or 5 times a power of ten.
fn nice_step(span: f64) -> f64 {
    if !(span.is_finite() && span > 0.0) {
        return 1.0;
    }
    let raw = span / 3.0;
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&step| step >= raw)
        .unwrap_or(10.0 * power)
}

/// Grid lines at round numbers, about three labelled ones per axis.
pub(super) fn round_ticks() -> impl Fn(egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    uniform_grid_spacer(|input| {
        let step = nice_step(input.bounds.1 - input.bounds.0);
        [step / 10.0, step / 2.0, step]
    })
}

/// A tick's label: the value in as few digits as it needs, and its unit.
pub(super) fn tick_label(value: f64, unit: &str) -> String {
    let digits = if value.fract().abs() < 1e-9 { 0 } else { 1 };
    let number = fixed(value, digits);
    if unit.is_empty() {
        number
    } else {
        format!("{number} {unit}")
    }
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
                pieces: points(w, values.iter().copied()),
                color: color(i),
                dashed,
            });
        }
        throughput.push(Series {
            name: format!("{} ok", entry.name),
            pieces: points(w, s.succeeded.iter().map(|&n| f64::from(n) / w)),
            color: color(i),
            dashed: false,
        });
        throughput.push(Series {
            name: format!("{} failed", entry.name),
            pieces: points(w, s.failed.iter().map(|&n| f64::from(n) / w)),
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
    // Nodes keep the colour of their place in the design, as in the
    // report's charts.
    let mut occupancy = Vec::new();
    for &(i, workers, _) in busiest.iter().take(BUSIEST) {
        let s = &series.nodes[i];
        let name = design.display_name(&design.nodes[i].id);
        let share = |v: f32| 100.0 * f64::from(v) / f64::from(workers);
        occupancy.push(Series {
            name: format!("{name} occupied"),
            pieces: points(w, s.busy.iter().map(|&b| share(b))),
            color: color(i),
            dashed: false,
        });
        occupancy.push(Series {
            name: format!("{name} blocked"),
            pieces: points(
                w,
                s.busy
                    .iter()
                    .zip(&s.processing)
                    .map(|(&b, &p)| share(b - p)),
            ),
            color: color(i),
            dashed: true,
        });
    }
    let backlog: Vec<Series> = design
        .nodes
        .iter()
        .zip(&series.nodes)
        .enumerate()
        .filter(|(_, (n, _))| matches!(n.kind, NodeKind::Broker(_)))
        .map(|(i, (n, s))| Series {
            name: design.display_name(&n.id).to_owned(),
            pieces: points(w, s.backlog.iter().map(|&b| f64::from(b))),
            color: color(i),
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
        .map(|&(i, _, _)| {
            (
                design.display_name(&design.nodes[i].id).to_owned(),
                color(i),
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
            title: "Occupancy of workers",
            unit: "%",
            lines: occupancy,
            key: (services, "solid occupied, dashed blocked on calls"),
        },
    ];
    if !backlog.is_empty() {
        out.push(Chart {
            title: "Broker backlog",
            unit: "msg",
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
    let end_s = series.bucket_s * series.entries.first().map_or(0, |e| e.p50_ms.len()) as f64;
    let mut seek = None;
    let spacing = ui.spacing().item_spacing.x;
    let width = ((ui.available_width() - spacing * (charts.len() as f32 - 1.0))
        / charts.len() as f32)
        .max(120.0);
    ui.horizontal(|ui| {
        for chart in charts {
            ui.vertical(|ui| {
                ui.set_width(width);
                key_ui(ui, &chart, width);
                let unit = chart.unit;
                let y_axis = AxisHints::new_y()
                    .formatter(move |mark, _| tick_label(mark.value, unit))
                    .min_thickness(Y_AXIS_WIDTH)
                    .label_spacing(14.0..=20.0);
                let x_axis = AxisHints::new_x().formatter(|mark, _| tick_label(mark.value, "s"));
                let plot = Plot::new(("chart", chart.title))
                    .width(width)
                    .height(HEIGHT)
                    .custom_x_axes(vec![x_axis])
                    .custom_y_axes(vec![y_axis])
                    .x_grid_spacer(round_ticks())
                    .y_grid_spacer(round_ticks())
                    .link_axis("run-charts", [true, false])
                    .link_cursor("run-charts", [true, false])
                    .allow_scroll(false)
                    .include_x(0.0)
                    .include_x(end_s)
                    .include_y(0.0)
                    .label_formatter(move |pos| {
                        Some(match pos {
                            egui_plot::HoverPosition::NearDataPoint {
                                plot_name,
                                position,
                                ..
                            } => format!(
                                "{plot_name}\n{} s: {}",
                                fixed(position.x, 1),
                                tick_label((position.y * 10.0).round() / 10.0, unit)
                            ),
                            egui_plot::HoverPosition::Elsewhere { position } => {
                                format!("{} s", fixed(position.x, 1))
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
                        for piece in s.pieces {
                            plot_ui.line(
                                Line::new(s.name.clone(), PlotPoints::from(piece))
                                    .color(s.color)
                                    .style(style),
                            );
                        }
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

/// A chart's title with its unit, and the key to its colours on one line
/// that never wraps into the plot (a key too long for the chart scrolls
/// sideways; what solid and dashed lines mean is the title's tooltip).
fn key_ui(ui: &mut Ui, chart: &Chart, width: f32) {
    egui::ScrollArea::horizontal()
        .id_salt(("chart-key", chart.title))
        .max_width(width)
        .scroll_bar_visibility(egui::scroll_area::ScrollBarVisibility::AlwaysHidden)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.spacing_mut().item_spacing.x = 6.0;
                let title =
                    ui.label(RichText::new(format!("{} ({})", chart.title, chart.unit)).strong());
                if !chart.key.1.is_empty() {
                    title.on_hover_text(chart.key.1);
                }
                for (name, color) in &chart.key.0 {
                    legend::color_key_ui(ui, *color, RichText::new(name).small());
                }
            });
        });
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
        .height(170.0)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_without_data_is_a_gap() {
        let values = [1.0, 2.0, f64::NAN, f64::NAN, 5.0, f64::NAN];
        let pieces = points(2.0, values.into_iter());
        assert_eq!(
            pieces,
            vec![vec![[1.0, 1.0], [3.0, 2.0]], vec![[9.0, 5.0]]],
            "two pieces, at the buckets' middles"
        );
        assert!(points(1.0, [f64::NAN].into_iter()).is_empty());
    }

    #[test]
    fn ticks_are_round_numbers_with_their_unit() {
        assert_eq!(nice_step(60.0), 20.0);
        assert_eq!(nice_step(250.0), 100.0);
        assert_eq!(nice_step(0.9), 0.5);
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(tick_label(40.0, "/s"), "40 /s");
        assert_eq!(tick_label(2.5, "ms"), "2.5 ms");
        assert_eq!(tick_label(-0.0, "%"), "0 %");
    }
}
