//! The sections of the studies that were run: capacity (the table, then
//! latency, throughput and availability against load, with the objectives
//! and capacities marked), sensitivity (a tornado per entry point) and
//! chaos (the heat map, then what broke and for how long).

use crate::study::Kind;
use crate::study::capacity::{Bound, CapacityStudy, EntryAtLoad};
use crate::study::chaos::ChaosStudy;
use crate::study::sensitivity::SensitivityStudy;
use crate::visual::{Theme, series_color};

use super::super::content::studies;
use super::super::gather::Report;
use super::super::markup::Markup;
use super::super::svg::{self, Across, Chart, Mark, Series, Unit, XAxis, Xs};
use super::{figure, section, table};

/// Most factors in a tornado.
const TORNADO_ROWS: usize = 12;

/// The sections of every study the report holds, each with its id for
/// the contents.
pub fn sections(m: &mut Markup, report: &Report) {
    let s = &report.studies;
    if let Some(note) = studies::what_ifs_note(report) {
        m.text_el("p", &[("class", "warning")], &note);
    }
    if let Some(study) = &s.capacity {
        capacity(m, report, study);
    }
    if let Some(study) = &s.sensitivity {
        sensitivity(m, report, study);
    }
    if let Some(study) = &s.chaos {
        chaos(m, report, study);
    }
}

/// The sections' ids and headings, for the contents.
pub fn contents(report: &Report) -> Vec<(&'static str, &'static str)> {
    Kind::ALL
        .into_iter()
        .filter(|k| report.studies.has(*k))
        .map(|k| (k.name(), studies::heading(k)))
        .collect()
}

/// How to run the study of `kind` alone, under its section.
fn again(m: &mut Markup, report: &Report, kind: Kind) {
    if let Some(command) = report.study_command(kind) {
        m.text_el("p", &[], "The same study on its own:");
        m.el("pre", &[], |m| m.text_el("code", &[], &command));
    }
}

fn capacity(m: &mut Markup, report: &Report, study: &CapacityStudy) {
    section(
        m,
        Kind::Capacity.name(),
        studies::heading(Kind::Capacity),
        |m| {
            m.text_el("p", &[], &studies::capacity_heading(study));
            m.text_el(
            "p",
            &[],
            "The highest multiple of the design's load at which each entry point still meets every objective it states (without objectives: its median at most twice as long as at the design's load, and it keeps delivering what it is offered), with a 95 % interval; what breaks first; and the busiest service or store it reaches just past that load.",
        );
            table(m, &studies::capacities(study));
            for w in &study.warnings {
                m.text_el("p", &[("class", "warning")], w);
            }
            let xs = Xs::Points(study.points.iter().map(|p| p.load_multiplier).collect());
            let top_load = study.points.last().map_or(1.0, |p| p.load_multiplier);
            let x = || XAxis {
                label: "load, multiple of the design's",
                suffix: "×",
                max: top_load,
                xs: xs.clone(),
                shaded: None,
            };
            // One line per entry point and figure, in the entry point's
            // colour; the second figure dashed.
            let per_entry = |figures: &[&str], pick: &dyn Fn(&EntryAtLoad, usize) -> f64| {
                let mut out = Vec::new();
                for (i, c) in study.capacities.iter().enumerate() {
                    for (k, figure) in figures.iter().enumerate() {
                        let values = study
                            .points
                            .iter()
                            .map(|p| p.entry_points.get(i).map_or(f64::NAN, |e| pick(e, k)))
                            .collect();
                        out.push(Series {
                            name: format!("{} {figure}", c.entry_point).trim_end().to_owned(),
                            values,
                            color: series_color(i, Theme::Light),
                            dashed: k == 1,
                        });
                    }
                }
                out
            };
            let capacity_marks = || -> Vec<Mark> {
                study
                    .capacities
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.bound == Bound::Found)
                    .map(|(i, c)| Mark {
                        at: Across::X(c.load),
                        label: format!("{} {}×", c.entry_point, crate::numbers::setting(c.load)),
                        color: series_color(i, Theme::Light),
                    })
                    .collect()
            };
            let mut latency_marks = capacity_marks();
            for (i, entry) in report.design.entry_points.iter().enumerate() {
                if study.capacities.get(i).is_none() {
                    continue;
                }
                for (name, target) in entry.objectives.latency() {
                    latency_marks.push(Mark {
                        at: Across::Y(target),
                        label: format!("{} {name} objective", entry.name),
                        color: series_color(i, Theme::Light),
                    });
                }
            }
            // Deep overload runs into the timeouts and would flatten the
            // knee: the axis goes to 2.5 times the worst p99 still met (or
            // the highest objective); what lies above is drawn at its edge.
            let met_p99 = study
                .points
                .iter()
                .flat_map(|p| p.entry_points.iter().filter(|e| e.meets))
                .map(|e| e.p99_ms.mean)
                .chain(latency_marks.iter().filter_map(|m| match m.at {
                    Across::Y(y) => Some(y),
                    Across::X(_) => None,
                }))
                .filter(|v| v.is_finite())
                .fold(0.0, f64::max);
            m.el("div", &[("class", "charts")], |m| {
            let chart = Chart {
                title: "Client latency against load",
                y_label: "ms",
                unit: Unit::Ms,
                x: x(),
                series: per_entry(&["p50", "p99"], &|e, k| {
                    [e.p50_ms.mean, e.p99_ms.mean][k]
                }),
                y_max: (met_p99 > 0.0).then_some(2.5 * met_p99),
                marks: latency_marks,
            };
            figure(
                m,
                svg::chart(&chart),
                "Client latency of successful requests against load: p50 solid, p99 dashed; dotted: the latency objectives and each entry point's capacity.",
            );
            let chart = Chart {
                title: "Throughput against load",
                y_label: "per second",
                unit: Unit::Number,
                x: x(),
                series: per_entry(&["delivered", "offered"], &|e, k| {
                    [e.throughput_per_s.mean, e.offered_per_s][k]
                }),
                y_max: None,
                marks: capacity_marks(),
            };
            figure(
                m,
                svg::chart(&chart),
                "Successful answers per second (solid) against the requests offered (dashed): where they part, the design stops keeping up.",
            );
            let chart = Chart {
                title: "Availability against load",
                y_label: "succeeded",
                unit: Unit::Percent,
                x: x(),
                series: per_entry(&[""], &|e, _| e.availability.mean),
                y_max: Some(1.0),
                marks: capacity_marks(),
            };
            figure(
                m,
                svg::chart(&chart),
                "Share of requests that succeeded against load.",
            );
        });
            m.el("details", &[], |m| {
                m.text_el("summary", &[], "Every load point simulated");
                table(m, &studies::capacity_curve(study));
            });
            again(m, report, Kind::Capacity);
        },
    );
}

fn sensitivity(m: &mut Markup, report: &Report, study: &SensitivityStudy) {
    section(
        m,
        Kind::Sensitivity.name(),
        studies::heading(Kind::Sensitivity),
        |m| {
            m.text_el("p", &[], &studies::sensitivity_heading(study));
            m.text_el(
            "p",
            &[],
            "Each service's own work, each store's latency and each link's network latency in turn made slower and faster, with the seeds of the design as it is: every change is paired, so what moves is the effect of the factor alone. The factors that move an entry point's p99 most come first.",
        );
            for i in 0..study.baseline.len() {
                let Some(line) = studies::sensitivity_baseline(study, i) else {
                    continue;
                };
                m.text_el("h3", &[], &line);
                let ranked = studies::ranked(study, i);
                let shown = &ranked[..ranked.len().min(TORNADO_ROWS)];
                let title = format!("Tornado of {}", study.baseline[i].entry_point);
                figure(
                    m,
                    svg::tornado(&title, shown),
                    "Change of the p99 when the factor is slower (right) and faster (left).",
                );
                table(m, &studies::tornado(study, i, TORNADO_ROWS));
            }
            again(m, report, Kind::Sensitivity);
        },
    );
}

fn chaos(m: &mut Markup, report: &Report, study: &ChaosStudy) {
    section(m, Kind::Chaos.name(), studies::heading(Kind::Chaos), |m| {
        m.text_el("p", &[], &studies::chaos_heading(study));
        m.text_el(
            "p",
            &[],
            "Broken: the entry point lost availability; delayed: it stayed available but its p99, or the time until all the work it set off was done, grew clearly. Darker red: more availability lost.",
        );
        figure(
            m,
            svg::chaos_map("What each experiment did to each entry point", study),
            "Each node crashed, then slowed down, for the window; one column per entry point.",
        );
        table(m, &studies::chaos_matrix(study));
        let notes = studies::chaos_notes(study);
        if !notes.is_empty() {
            m.el("ul", &[], |m| {
                for n in &notes {
                    m.text_el("li", &[], n);
                }
            });
        }
        again(m, report, Kind::Chaos);
    });
}
