//! Numbers for people: the one place that writes a figure a person reads,
//! so the command line, the app, the analysis' messages and every report
//! format say `1.23 s`, `98.01 %` and `1 finding` alike.
//!
//! Plain text; each output escapes it as it needs. Programs get raw
//! numbers (JSON), never these strings.

/// What a number measures, which decides how it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Milliseconds, written as ms, s, min or h.
    Ms,
    /// A fraction, written as a percentage.
    Percent,
    /// A count (a mean of counts may have decimals).
    Count,
    /// A rate or other number.
    Plain,
}

/// An estimate: a mean and, over several replications, the half-width of
/// its 95 % interval. The simulation's `Estimate` converts into it; the
/// module itself stays free of the simulation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure {
    /// The mean.
    pub mean: f64,
    /// The half-width of the 95 % interval, if there is one.
    pub ci95: Option<f64>,
}

/// `v` with `decimals` decimals, never "-0.0": a value that rounds to
/// zero is written without a sign.
pub fn fixed(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_owned(),
        _ => s,
    }
}

/// Decimals that show `x` to about three significant digits.
fn decimals(x: f64) -> usize {
    let x = x.abs();
    if x >= 100.0 || x == 0.0 {
        0
    } else if x >= 10.0 {
        1
    } else {
        2
    }
}

/// Decimals that show an interval's half-width `h` to two significant
/// digits (none for wide intervals, at most four).
fn interval_decimals(h: f64) -> usize {
    if !(h.is_finite() && h > 0.0) {
        return 0;
    }
    (1.0 - h.log10().floor()).clamp(0.0, 4.0) as usize
}

const MS_PER_S: f64 = 1_000.0;
const MS_PER_MIN: f64 = 60_000.0;
const MS_PER_H: f64 = 3_600_000.0;

/// The unit a duration of `ms` is written in, and its size in ms: a
/// duration is never a raw "4078541 ms".
fn duration_unit(ms: f64) -> (f64, &'static str) {
    let ms = ms.abs();
    if ms >= MS_PER_H {
        (MS_PER_H, " h")
    } else if ms >= MS_PER_MIN {
        (MS_PER_MIN, " min")
    } else if ms >= MS_PER_S {
        (MS_PER_S, " s")
    } else {
        (1.0, " ms")
    }
}

/// The value scaled to the unit chosen for `reference`, and the unit.
fn scaled(v: f64, measure: Measure, reference: f64) -> (f64, &'static str) {
    match measure {
        Measure::Ms => {
            let (size, unit) = duration_unit(reference);
            (v / size, unit)
        }
        Measure::Percent => (v * 100.0, " %"),
        Measure::Count | Measure::Plain => (v, ""),
    }
}

/// Decimals for a value of `measure` scaled to `x`, with no interval.
fn plain_decimals(x: f64, measure: Measure) -> usize {
    match measure {
        Measure::Percent => 2,
        Measure::Count if x.fract() == 0.0 => 0,
        _ => decimals(x),
    }
}

/// A single value: `211 ms`, `1.25 s`, `98.03 %`, `5519`; `–` when
/// undefined (never `NaN`).
pub fn value(v: f64, measure: Measure) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let (x, unit) = scaled(v, measure, v);
    let d = plain_decimals(x, measure);
    format!("{}{unit}", fixed(x, d))
}

/// A duration given in ms: `0.4 ms`, `87.3 ms`, `211 ms`, `1.23 s`,
/// `68.0 min`.
pub fn duration(ms: f64) -> String {
    value(ms, Measure::Ms)
}

/// A fraction as a percentage: `98.01 %`.
pub fn percent(fraction: f64) -> String {
    value(fraction, Measure::Percent)
}

/// A design parameter in ms, as typed, without padding zeros: `25 ms`,
/// `1.5 s`, `2 min`, `0.25 ms`. For settings (a timeout, a mean service
/// time), where `25.0 ms` would suggest a precision nobody gave.
pub fn setting_ms(ms: f64) -> String {
    if !ms.is_finite() {
        return "–".into();
    }
    let (size, unit) = duration_unit(ms);
    format!("{}{unit}", setting(ms / size))
}

/// A design parameter as typed: at most two decimals and no padding
/// zeros, `2`, `1.5`, `0.25`.
pub fn setting(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let s = fixed(v, 2);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// A fraction set in the design, as a percentage as typed: `99.9 %`.
pub fn setting_percent(fraction: f64) -> String {
    format!("{} %", setting(fraction * 100.0))
}

/// A figure as its value and, when there is one, the half-width of its
/// interval: `("211.3 ms", Some("± 3.9 ms"))`. Both show as many digits as
/// the interval allows.
pub fn estimate_parts(e: impl Into<Figure>, measure: Measure) -> (String, Option<String>) {
    let e = e.into();
    match e.ci95 {
        Some(h) if e.mean.is_finite() && h.is_finite() && h > 0.0 => {
            let (x, unit) = scaled(e.mean, measure, e.mean);
            let (hx, _) = scaled(h, measure, e.mean);
            let most = match measure {
                Measure::Percent => 2,
                _ => decimals(x),
            } + 1;
            let d = interval_decimals(hx).min(most);
            (
                format!("{}{unit}", fixed(x, d)),
                Some(format!("± {}{unit}", fixed(hx, d))),
            )
        }
        _ => (value(e.mean, measure), None),
    }
}

/// A figure with its interval: `211.3 ms ± 3.9 ms`; without an interval
/// (one replication) just the value.
pub fn estimate(e: impl Into<Figure>, measure: Measure) -> String {
    match estimate_parts(e, measure) {
        (v, Some(pm)) => format!("{v} {pm}"),
        (v, None) => v,
    }
}

/// A difference with its sign and interval: `−93 ms ± 3 ms`, `+0.97 %`;
/// an exact zero has no sign.
pub fn difference(e: impl Into<Figure>, measure: Measure) -> String {
    let e = e.into();
    let text = estimate(
        Figure {
            mean: e.mean.abs(),
            ci95: e.ci95,
        },
        measure,
    );
    if !e.mean.is_finite() || text == "–" {
        return "–".into();
    }
    if e.mean == 0.0 && e.ci95.is_none_or(|h| h == 0.0) {
        return text;
    }
    let sign = if e.mean < 0.0 { "−" } else { "+" };
    format!("{sign}{text}")
}

/// `before → after`, the unit once when both share it: `134 → 82.4 ms`,
/// `1.2 s → 950 ms`.
pub fn before_after(before: f64, after: f64, measure: Measure) -> String {
    let (before, after) = (value(before, measure), value(after, measure));
    match (before.rsplit_once(' '), after.rsplit_once(' ')) {
        (Some((number, unit)), Some((_, same))) if unit == same => format!("{number} → {after}"),
        _ => format!("{before} → {after}"),
    }
}

/// A count of things, the noun agreeing: `1 finding`, `3 findings`,
/// `0 findings`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(mean: f64, ci95: Option<f64>) -> Figure {
        Figure { mean, ci95 }
    }

    #[test]
    fn estimates_show_as_many_digits_as_the_interval_allows() {
        assert_eq!(
            estimate(e(211.34, Some(3.85)), Measure::Ms),
            "211.3 ms ± 3.9 ms"
        );
        assert_eq!(
            estimate(e(5519.0, Some(117.0)), Measure::Plain),
            "5519 ± 117"
        );
        assert_eq!(
            estimate(e(0.9803, Some(0.0022)), Measure::Percent),
            "98.03 % ± 0.22 %"
        );
        assert_eq!(estimate(e(1250.0, None), Measure::Ms), "1.25 s");
        assert_eq!(estimate(e(f64::NAN, None), Measure::Ms), "–");
        assert_eq!(estimate(e(20.0, None), Measure::Count), "20");
        assert_eq!(estimate(e(0.4, None), Measure::Count), "0.40");
        assert_eq!(
            estimate_parts(e(134.3, Some(0.75)), Measure::Ms),
            ("134.3 ms".to_owned(), Some("± 0.8 ms".to_owned()))
        );
    }

    #[test]
    fn long_durations_are_written_in_minutes_and_hours() {
        assert_eq!(duration(1234.0), "1.23 s");
        assert_eq!(duration(4_078_541.0), "1.13 h");
        assert_eq!(duration(90_000.0), "1.50 min");
        assert_eq!(duration(0.4), "0.40 ms");
        assert_eq!(duration(f64::NAN), "–");
        assert_eq!(
            estimate(e(4_078_541.0, Some(60_000.0)), Measure::Ms),
            "1.133 h ± 0.017 h"
        );
    }

    #[test]
    fn settings_are_written_as_typed() {
        assert_eq!(setting_ms(25.0), "25 ms");
        assert_eq!(setting_ms(1500.0), "1.5 s");
        assert_eq!(setting_ms(120_000.0), "2 min");
        assert_eq!(setting_ms(0.25), "0.25 ms");
        assert_eq!(setting(100.0), "100");
        assert_eq!(setting_percent(0.999), "99.9 %");
    }

    #[test]
    fn differences_carry_a_sign_and_zero_none() {
        assert_eq!(
            difference(e(-93.0, Some(3.0)), Measure::Ms),
            "−93.0 ms ± 3.0 ms"
        );
        assert_eq!(difference(e(0.0097, None), Measure::Percent), "+0.97 %");
        assert_eq!(difference(e(0.0, None), Measure::Ms), "0 ms");
        assert_eq!(before_after(134.0, 82.4, Measure::Ms), "134 → 82.4 ms");
        assert_eq!(before_after(1200.0, 950.0, Measure::Ms), "1.20 s → 950 ms");
    }

    #[test]
    fn plurals_agree() {
        assert_eq!(count(1, "suggestion", "suggestions"), "1 suggestion");
        assert_eq!(count(0, "suggestion", "suggestions"), "0 suggestions");
        assert_eq!(count(2, "suggestion", "suggestions"), "2 suggestions");
    }

    #[test]
    fn rounding_to_zero_has_no_sign() {
        assert_eq!(fixed(-0.0001, 2), "0.00");
        assert_eq!(fixed(-1.5, 1), "-1.5");
    }
}
