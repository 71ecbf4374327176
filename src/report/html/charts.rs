//! The simulation section: charts over time (latency, throughput,
//! occupancy, broker backlog) from the first replication's series, then
//! the tables of every figure with its interval.

use crate::model::{Design, NodeKind};
use crate::numbers;
use crate::sim::{EntrySeries, NodeSeries, TimeSeries};
use crate::visual::{Theme, series_color};

use super::super::content;
use super::super::gather::Report;
use super::super::markup::Markup;
use super::super::svg::{self, Chart, Series, Unit, XAxis};
use super::{figure, section, table};

/// Most lines in the occupancy and backlog charts: more would be a tangle.
const MAX_LINES: usize = 8;

/// The mean of the finite values.
fn mean(values: &[f64]) -> f64 {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    finite.iter().sum::<f64>() / finite.len().max(1) as f64
}

/// The `MAX_LINES` series with the highest mean, in design order, and how
/// many there were.
fn busiest(mut series: Vec<(usize, Series)>) -> (Vec<Series>, usize) {
    let total = series.len();
    series.sort_by(|a, b| {
        mean(&b.1.values)
            .total_cmp(&mean(&a.1.values))
            .then(a.0.cmp(&b.0))
    });
    series.truncate(MAX_LINES);
    series.sort_by_key(|(i, _)| *i);
    (series.into_iter().map(|(_, s)| s).collect(), total)
}

/// Lines per entry point, all in its colour: `lines` gives each line's
/// name suffix, values and whether it is dashed. A dashed line with no
/// value above zero is left out (no failures, say).
fn per_entry(
    report: &Report,
    s: &TimeSeries,
    lines: impl Fn(&EntrySeries) -> [(&'static str, Vec<f64>, bool); 2],
) -> Vec<Series> {
    let mut out = Vec::new();
    let entries = report.design.entry_points.iter().zip(&s.entries);
    for (i, (entry, e)) in entries.enumerate() {
        let color = series_color(i, Theme::Light);
        for (suffix, values, dashed) in lines(e) {
            if dashed && !values.iter().any(|v| *v > 0.0) {
                continue;
            }
            let name = format!("{} {suffix}", entry.name);
            out.push(Series {
                name,
                values,
                color,
                dashed,
            });
        }
    }
    out
}

fn latency(report: &Report, s: &TimeSeries) -> Vec<Series> {
    per_entry(report, s, |e| {
        [
            ("p50", e.p50_ms.clone(), false),
            ("p99", e.p99_ms.clone(), true),
        ]
    })
}

fn throughput(report: &Report, s: &TimeSeries) -> Vec<Series> {
    let per_s = |counts: &[u32]| counts.iter().map(|c| f64::from(*c) / s.bucket_s).collect();
    per_entry(report, s, |e| {
        [
            ("succeeded", per_s(&e.succeeded), false),
            ("failed", per_s(&e.failed), true),
        ]
    })
}

/// One line per node that `values` gives values for (in its colour), the
/// busiest [`MAX_LINES`] of them, and how many there were.
fn per_node(
    design: &Design,
    s: &TimeSeries,
    values: impl Fn(&NodeKind, &NodeSeries) -> Option<Vec<f64>>,
) -> (Vec<Series>, usize) {
    let series = design
        .nodes
        .iter()
        .zip(&s.nodes)
        .enumerate()
        .filter_map(|(i, (node, n))| {
            let values = values(&node.kind, n)?;
            let color = series_color(i, Theme::Light);
            let name = node.name.clone();
            Some((
                i,
                Series {
                    name,
                    values,
                    color,
                    dashed: false,
                },
            ))
        })
        .collect();
    busiest(series)
}

/// Occupied share of workers (connections, for stores with a limit).
fn occupancy(design: &Design, s: &TimeSeries) -> (Vec<Series>, usize) {
    per_node(design, s, |kind, n| {
        let capacity = match kind {
            NodeKind::Service(s) => f64::from(s.workers),
            NodeKind::DataStore(d) => f64::from(d.connections?),
            NodeKind::Broker(_) | NodeKind::Client => return None,
        };
        Some(n.busy.iter().map(|b| f64::from(*b) / capacity).collect())
    })
}

/// Messages waiting in each broker.
fn backlog(design: &Design, s: &TimeSeries) -> (Vec<Series>, usize) {
    per_node(design, s, |kind, n| {
        matches!(kind, NodeKind::Broker(_))
            .then(|| n.backlog.iter().map(|b| f64::from(*b)).collect())
    })
}

/// `" (the 8 busiest of 12)"` when lines were left out.
fn shown(lines: usize, total: usize, what: &str) -> String {
    if lines < total {
        format!(" (the {lines} {what} of {total})")
    } else {
        String::new()
    }
}

/// The charts, the warnings and the tables.
pub fn simulation(m: &mut Markup, report: &Report) {
    let sim = report.simulation();
    section(m, "simulation", "Simulation", |m| {
        m.text_el(
            "p",
            &[],
            &format!(
                "The design as it is, simulated {} with seeds from {}. The charts follow the first replication over time in buckets; the tables give every figure as the mean over replications with its 95 % interval, for the measured window after warm-up.",
                numbers::count(sim.replications as usize, "time", "times"),
                sim.seed
            ),
        );
        let warnings = sim.warnings();
        if !warnings.is_empty() {
            m.el("ul", &[("class", "warning-list")], |m| {
                for w in warnings {
                    m.text_el("li", &[], &w.message);
                }
            });
        }
        if let Some(s) = &sim.series {
            let base = |title| Chart {
                title,
                y_label: "",
                unit: Unit::Number,
                x: XAxis::time(s.bucket_s, sim.duration_s, sim.warmup_s),
                series: Vec::new(),
                y_max: None,
                marks: Vec::new(),
            };
            let note = format!(
                "Replication 1 (seed {}), buckets of {} s; shaded: warm-up, not measured.",
                sim.seed,
                numbers::value(s.bucket_s, numbers::Measure::Plain)
            );
            m.el("div", &[("class", "charts")], |m| {
                let chart = Chart { y_label: "ms", unit: Unit::Ms, series: latency(report, s), ..base("Client latency over time") };
                figure(m, svg::chart(&chart), &format!("Client latency of successful requests: p50 solid, p99 dashed. {note}"));
                let chart = Chart { y_label: "per second", series: throughput(report, s), ..base("Requests answered per second") };
                figure(m, svg::chart(&chart), &format!("Requests answered per second: succeeded solid, failed dashed. {note}"));
                let (lines, total) = occupancy(&report.design, s);
                let caption = format!("Share of workers (connections, for stores) occupied, working or blocked on calls{}. {note}", shown(lines.len(), total, "busiest"));
                let chart = Chart { y_label: "occupied", unit: Unit::Percent, series: lines, y_max: Some(1.0), ..base("Occupancy per service") };
                figure(m, svg::chart(&chart), &caption);
                let (lines, total) = backlog(&report.design, s);
                if total > 0 {
                    let caption = format!("Messages waiting in each broker for a consumer{}. {note}", shown(lines.len(), total, "fullest"));
                    let chart = Chart { y_label: "messages", series: lines, ..base("Broker backlog") };
                    figure(m, svg::chart(&chart), &caption);
                }
            });
        }
        m.text_el("h3", &[], "Entry points");
        table(m, &content::entry_results(report));
        m.text_el("h3", &[], "Services and stores");
        table(m, &content::services(report));
        if !sim.results.brokers.is_empty() {
            m.text_el("h3", &[], "Brokers");
            table(m, &content::brokers(report));
        }
        m.text_el("h3", &[], "Links");
        table(m, &content::links(report));
    });
}
