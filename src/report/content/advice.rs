//! The measured suggestions: what each changes, in a table and in
//! sentences, and which were left unmeasured.

use crate::advice::{Change, Counts, Evaluation};

use super::super::gather::Report;
use super::super::text::{Better, Verdict};
use super::{Cell, NUM, TEXT, Table, Tone};
use crate::numbers::{self, Measure};

/// Why some suggestions were not measured, when some were not.
pub fn unmeasured_note(report: &Report) -> Option<String> {
    let n = report.unmeasured.len();
    (n > 0).then(|| {
        format!(
            "{} not measured, to keep the report quick: it measures the first {} (those of the most severe findings first). `archsim suggest` measures them all.",
            numbers::count(n, "more suggestion was", "more suggestions were"),
            report.advice.evaluations.len()
        )
    })
}

/// A figure before and after: `134 → 82.4 ms`, the paired change with
/// its interval under it, marked better or worse when its interval
/// excludes zero.
fn change_cell(c: &Change, m: Measure, better: Better) -> Cell {
    let verdict = Verdict::of(c, better);
    let (tone, word) = match verdict {
        Verdict::Better => (Tone::Good, ", better"),
        Verdict::Worse => (Tone::Bad, ", worse"),
        _ => (Tone::Plain, ""),
    };
    let d = &c.difference;
    let unchanged = d.mean == 0.0 && d.ci95.is_none_or(|h| h == 0.0);
    let change = numbers::difference(d, m);
    Cell {
        text: numbers::before_after(c.before.mean, c.after.mean, m),
        interval: (change != "–" && !unchanged).then(|| format!("({change}{word})")),
        tone,
    }
}

/// A count from static analysis before and after, better when it falls.
fn count_cell(c: Counts) -> Cell {
    let (tone, word) = match c.after.cmp(&c.before) {
        std::cmp::Ordering::Less => (Tone::Good, " (better)"),
        std::cmp::Ordering::Greater => (Tone::Bad, " (worse)"),
        std::cmp::Ordering::Equal => (Tone::Plain, ""),
    };
    Cell {
        text: format!("{} → {}", c.before, c.after),
        interval: (!word.is_empty()).then(|| word.trim().to_owned()),
        tone,
    }
}

/// Whether a suggestion measurably changes anything: a figure whose
/// interval excludes zero, or a count from static analysis.
pub fn measurable(e: &Evaluation) -> bool {
    e.entry_points.iter().any(|c| {
        let clear = |x: &Change, b| matches!(Verdict::of(x, b), Verdict::Better | Verdict::Worse);
        clear(&c.latency_p50_ms, Better::Lower)
            || clear(&c.latency_p99_ms, Better::Lower)
            || clear(&c.availability, Better::Higher)
            || clear(&c.flow_completion_p99_ms, Better::Lower)
            || c.coupling_set.before != c.coupling_set.after
            || c.blocking_chain_hops.before != c.blocking_chain_hops.after
    })
}

/// What a suggestion changes, in sentences, each with its kind (`better`,
/// `worse`, `same`) and the word that introduces it.
pub fn changes(e: &Evaluation) -> Vec<(&'static str, &'static str, &str)> {
    if !measurable(e) {
        return e
            .better
            .iter()
            .map(|l| ("same", "No measurable change", l.as_str()))
            .collect();
    }
    let better = e.better.iter().map(|l| ("better", "Better", l.as_str()));
    let worse = e.worse.iter().map(|l| ("worse", "Worse", l.as_str()));
    better.chain(worse).collect()
}

/// What a suggestion changes, one row per entry point: each figure before
/// and after, with the paired change and its 95 % interval.
pub fn evaluation(e: &Evaluation) -> Table {
    let mut t = Table::new(&[
        ("entry point", TEXT),
        ("p50 latency", NUM),
        ("p99 latency", NUM),
        ("availability", NUM),
        ("all work done, p99", NUM),
        ("must be up", NUM),
        ("blocking calls", NUM),
    ]);
    for c in &e.entry_points {
        t.row(vec![
            c.entry_point.clone().into(),
            change_cell(&c.latency_p50_ms, Measure::Ms, Better::Lower),
            change_cell(&c.latency_p99_ms, Measure::Ms, Better::Lower),
            change_cell(&c.availability, Measure::Percent, Better::Higher),
            change_cell(&c.flow_completion_p99_ms, Measure::Ms, Better::Lower),
            count_cell(c.coupling_set),
            count_cell(c.blocking_chain_hops),
        ]);
    }
    t
}
