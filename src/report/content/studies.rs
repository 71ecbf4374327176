//! The studies as tables and sentences, the same in every report format
//! and on the terminal (`archsim study`): capacity per entry point and its
//! curve, the sensitivity tornado per entry point, the chaos matrix and
//! what each broken or delayed entry point went through.

use crate::numbers::{self, Measure, difference, setting, value};
use crate::study::Kind;
use crate::study::capacity::{self, Bound, CapacityStudy, EntryAtLoad};
use crate::study::chaos::{Cell as ChaosCell, ChaosStudy, Experiment, Outcome};
use crate::study::sensitivity::{Effect, Factor, SensitivityStudy};

use super::super::gather::Report;
use super::super::text;
use super::{Cell, NUM, TEXT, Table, Tone, est};

/// When the report's design has what-if faults the studies did not
/// (they study the design as it is): the sentence that says so.
pub fn what_ifs_note(report: &Report) -> Option<String> {
    (!report.source.what_ifs.is_empty() && !report.studies.is_empty()).then(|| {
        "The studies are of the design without the what-if faults the rest of this report includes.".to_owned()
    })
}

/// The heading of a study's section: `Capacity study`.
pub fn heading(kind: Kind) -> &'static str {
    match kind {
        Kind::Capacity => "Capacity study",
        Kind::Sensitivity => "Sensitivity study",
        Kind::Chaos => "Chaos study",
    }
}

/// `×3.7`: a multiple of the design's load.
fn times(load: f64) -> String {
    format!("{}×", value(load, Measure::Plain))
}

/// The line that says how a capacity study ran.
pub fn capacity_heading(study: &CapacityStudy) -> String {
    format!(
        "{}: capacity, {} load points, {} each from seed {}{}",
        study.design,
        study.points.len(),
        text::replications(study.replications),
        study.seed,
        if study.cancelled {
            " (stopped early)"
        } else {
            ""
        }
    )
}

/// Per entry point: its capacity, how sure, what limits it and where.
pub fn capacities(study: &CapacityStudy) -> Table {
    let mut t = Table::new(&[
        ("entry point", TEXT),
        ("capacity", NUM),
        ("95 % interval", NUM),
        ("requests/s there", NUM),
        ("breaks first", TEXT),
        ("bottleneck", TEXT),
    ]);
    for c in &study.capacities {
        let (capacity, interval) = match c.bound {
            Bound::NotJudged => ("not judged".to_owned(), "–".to_owned()),
            Bound::AtLeast => (format!("≥ {}", times(c.load)), "–".to_owned()),
            Bound::Below => (format!("< {}", times(c.load)), "–".to_owned()),
            Bound::Found => (
                times(c.load),
                format!("{}–{}", value(c.low, Measure::Plain), times(c.high)),
            ),
        };
        let rate = if c.rate_per_s.is_finite() && c.rate_per_s > 0.0 {
            value(c.rate_per_s, Measure::Plain)
        } else {
            "–".to_owned()
        };
        let bottleneck = c.bottleneck.as_ref().map_or_else(
            || "–".to_owned(),
            |b| {
                format!(
                    "{} ({} busy, {} of workers held)",
                    b.name,
                    numbers::percent(b.utilisation),
                    numbers::percent(b.occupancy)
                )
            },
        );
        let tone = match c.bound {
            Bound::Below => Tone::Bad,
            _ => Tone::Plain,
        };
        t.row(vec![
            c.entry_point.clone().into(),
            Cell {
                tone,
                ..capacity.into()
            },
            interval.into(),
            rate.into(),
            c.limited_by
                .map_or_else(|| "–".to_owned(), capacity::objective_words)
                .into(),
            bottleneck.into(),
        ]);
    }
    t
}

/// `met`, `missed p99 latency, availability`, or `–` with nothing to
/// judge by.
fn objectives_met(e: &EntryAtLoad) -> Cell {
    match (e.margins.is_empty(), e.meets) {
        (true, _) => "–".to_owned().into(),
        (false, true) => "met".to_owned().into(),
        (false, false) => {
            let missed: Vec<String> = e
                .margins
                .iter()
                .filter(|m| !m.met())
                .map(|m| capacity::objective_words(m.objective))
                .collect();
            Cell {
                tone: Tone::Bad,
                ..format!("missed {}", missed.join(", ")).into()
            }
        }
    }
}

/// The curves as a table: every load simulated, every entry point.
pub fn capacity_curve(study: &CapacityStudy) -> Table {
    let mut t = Table::new(&[
        ("load", NUM),
        ("entry point", TEXT),
        ("offered/s", NUM),
        ("delivered/s", NUM),
        ("mean", NUM),
        ("p50", NUM),
        ("p99", NUM),
        ("availability", NUM),
        ("objectives", TEXT),
    ]);
    for p in &study.points {
        for e in &p.entry_points {
            t.row(vec![
                format!("{}×", setting(p.load_multiplier)).into(),
                e.entry_point.clone().into(),
                value(e.offered_per_s, Measure::Plain).into(),
                est(&e.throughput_per_s, Measure::Plain),
                est(&e.mean_ms, Measure::Ms),
                est(&e.p50_ms, Measure::Ms),
                est(&e.p99_ms, Measure::Ms),
                est(&e.availability, Measure::Percent),
                objectives_met(e),
            ]);
        }
    }
    t
}

/// The line that says how a sensitivity study ran.
pub fn sensitivity_heading(study: &SensitivityStudy) -> String {
    format!(
        "{}: sensitivity, each factor {} % slower and faster, {} each from seed {}{}",
        study.design,
        setting(study.change * 100.0),
        text::replications(study.replications),
        study.seed,
        if study.cancelled {
            " (stopped early: the factors not simulated are left out)"
        } else {
            ""
        }
    )
}

/// The line above entry point `i`'s tornado: how it does as it is.
pub fn sensitivity_baseline(study: &SensitivityStudy, i: usize) -> Option<String> {
    let base = study.baseline.get(i)?;
    Some(format!(
        "{}: p99 {}, mean {}, availability {}",
        base.entry_point,
        numbers::estimate(base.p99_ms, Measure::Ms),
        numbers::estimate(base.mean_ms, Measure::Ms),
        numbers::estimate(base.availability, Measure::Percent)
    ))
}

/// The factors of entry point `i`, the largest swing of its p99 first
/// (equal swings in the study's order).
pub fn ranked(study: &SensitivityStudy, i: usize) -> Vec<(&Factor, &Effect)> {
    let mut ranked: Vec<_> = study
        .factors
        .iter()
        .filter_map(|f| Some((f, f.effects.get(i)?)))
        .collect();
    ranked.sort_by(|a, b| b.1.p99_swing_ms.abs().total_cmp(&a.1.p99_swing_ms.abs()));
    ranked
}

/// Entry point `i`'s tornado as a table, its `top` factors.
pub fn tornado(study: &SensitivityStudy, i: usize, top: usize) -> Table {
    let change = setting(study.change * 100.0);
    let mut t = Table::new(&[
        ("factor", TEXT),
        (&format!("p99 +{change} %"), NUM),
        (&format!("p99 −{change} %"), NUM),
        (&format!("mean +{change} %"), NUM),
        (&format!("availability +{change} %"), NUM),
    ]);
    for (factor, effect) in ranked(study, i).into_iter().take(top) {
        t.row(vec![
            format!("{} {}", factor.kind.words(), factor.name).into(),
            difference(effect.slower.p99_ms, Measure::Ms).into(),
            difference(effect.faster.p99_ms, Measure::Ms).into(),
            difference(effect.slower.mean_ms, Measure::Ms).into(),
            difference(effect.slower.availability, Measure::Percent).into(),
        ]);
    }
    t
}

/// The line that says how a chaos study ran.
pub fn chaos_heading(study: &ChaosStudy) -> String {
    format!(
        "{}: chaos, each node down (then {}× slower{}) from {} for {}, {} each from seed {}{}",
        study.design,
        setting(study.slow_factor),
        if study.pairs {
            ", then every pair down together"
        } else {
            ""
        },
        numbers::setting_ms(study.at_s * 1e3),
        numbers::setting_ms(study.for_s * 1e3),
        text::replications(study.replications),
        study.seed,
        if study.cancelled {
            " (stopped early: the experiments not simulated are left out)"
        } else {
            ""
        }
    )
}

/// What one cell of the matrix says: `broken −12.3 %`, `delayed p99 +40
/// ms`, `·`.
pub fn outcome_text(c: &ChaosCell) -> String {
    match c.outcome {
        Outcome::Broken => format!(
            "broken −{}",
            value(c.availability_drop.mean, Measure::Percent)
        ),
        Outcome::Delayed => {
            let by = if c.p99_ms.interval().0 > c.flow_p99_ms.interval().0 {
                format!("p99 {}", difference(c.p99_ms, Measure::Ms))
            } else {
                format!("done {}", difference(c.flow_p99_ms, Measure::Ms))
            };
            format!("delayed {by}")
        }
        Outcome::Unaffected => "·".to_owned(),
    }
}

/// What a cell of the heat map says: `−12.3 %` broken, `delayed`, or
/// nothing when unaffected.
pub fn heat_text(c: &ChaosCell) -> Option<String> {
    match c.outcome {
        Outcome::Broken => Some(format!(
            "−{}",
            value(c.availability_drop.mean, Measure::Percent)
        )),
        Outcome::Delayed => Some("delayed".to_owned()),
        Outcome::Unaffected => None,
    }
}

/// Messages an experiment lost more than the design as it is, or `·`.
fn lost_text(e: &Experiment) -> String {
    if e.messages_lost.interval().0 > 0.0 {
        numbers::estimate(e.messages_lost, Measure::Count)
    } else {
        "·".to_owned()
    }
}

/// The matrix: one row per experiment, one column per entry point, and
/// the messages lost.
pub fn chaos_matrix(study: &ChaosStudy) -> Table {
    let mut columns = vec![("experiment".to_owned(), TEXT)];
    columns.extend(study.baseline.iter().map(|b| (b.entry_point.clone(), TEXT)));
    columns.push(("messages lost".to_owned(), NUM));
    let mut t = Table {
        columns,
        rows: Vec::new(),
    };
    for e in &study.experiments {
        let mut row: Vec<Cell> = vec![e.label(study.slow_factor).into()];
        row.extend(e.cells.iter().map(|c| Cell {
            tone: match c.outcome {
                Outcome::Broken => Tone::Bad,
                Outcome::Delayed | Outcome::Unaffected => Tone::Plain,
            },
            ..outcome_text(c).into()
        }));
        row.push(lost_text(e).into());
        t.row(row);
    }
    t
}

/// Per entry point broken or delayed in an experiment, in words: how, for
/// how long after the window, and where its failures started.
pub fn chaos_notes(study: &ChaosStudy) -> Vec<String> {
    let mut notes = Vec::new();
    for e in &study.experiments {
        for c in e.cells.iter().filter(|c| c.outcome != Outcome::Unaffected) {
            let answer_late = c.p99_ms.interval().0 > 0.0;
            let how = match (c.outcome, answer_late) {
                (Outcome::Delayed, false) => format!(
                    "answers on time, the work it sets off finishes later (p99 {})",
                    difference(c.flow_p99_ms, Measure::Ms)
                ),
                _ => {
                    let back = match c.back_after_s {
                        Some(s) if s <= 0.0 => "back to normal at once".to_owned(),
                        Some(s) => format!("back to normal {} after", numbers::duration(s * 1e3)),
                        None => "not back to normal by the end of the run".to_owned(),
                    };
                    let root = match &c.root_cause_name {
                        Some(name) => format!("; its failures start at {name}"),
                        None => String::new(),
                    };
                    format!("{}, {back}{root}", c.outcome.as_str())
                }
            };
            notes.push(format!(
                "{}: {} {how}",
                e.label(study.slow_factor),
                c.entry_point
            ));
        }
    }
    notes
}
