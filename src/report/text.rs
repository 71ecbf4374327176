//! Numbers for people, the same in every report format: estimates with
//! their 95 % intervals, before/after changes with a verdict, dates.
//! Plain text; each format escapes it as it needs.

use crate::advice::Change;
use crate::sim::Estimate;
use crate::visual::fixed;

/// What a number measures, which decides how it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Milliseconds, written as ms or s.
    Ms,
    /// A fraction, written as a percentage.
    Percent,
    /// A count (a mean of counts may have decimals).
    Count,
    /// A rate or other number.
    Plain,
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

/// The value scaled to its unit, and the unit.
fn scaled(v: f64, measure: Measure, seconds: bool) -> (f64, &'static str) {
    match measure {
        Measure::Ms if seconds => (v / 1000.0, " s"),
        Measure::Ms => (v, " ms"),
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
/// undefined.
pub fn value(v: f64, measure: Measure) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let (x, unit) = scaled(v, measure, v.abs() >= 1000.0);
    let d = plain_decimals(x, measure);
    format!("{}{unit}", fixed(x, d))
}

/// An estimate as its value and, when there is one, the half-width of its
/// interval: `("211.3 ms", Some("± 3.9 ms"))`. Both show as many digits as
/// the interval allows.
pub fn estimate_parts(e: &Estimate, measure: Measure) -> (String, Option<String>) {
    match e.ci95 {
        Some(h) if e.mean.is_finite() && h.is_finite() && h > 0.0 => {
            let seconds = e.mean.abs() >= 1000.0;
            let (x, unit) = scaled(e.mean, measure, seconds);
            let (hx, _) = scaled(h, measure, seconds);
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

/// An estimate with its interval: `211.3 ms ± 3.9 ms`; without an interval
/// (one replication) just the value.
pub fn estimate(e: &Estimate, measure: Measure) -> String {
    match estimate_parts(e, measure) {
        (v, Some(pm)) => format!("{v} {pm}"),
        (v, None) => v,
    }
}

/// Which way is better for a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// Smaller is better (latency).
    Lower,
    /// Larger is better (availability).
    Higher,
}

/// What a before/after difference says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The interval of the difference excludes zero, on the good side.
    Better,
    /// The interval excludes zero, on the bad side.
    Worse,
    /// The interval includes zero: no measurable change.
    Unclear,
    /// One replication: no interval to judge by.
    Unknown,
    /// Nothing to compare (no requests succeeded).
    Undefined,
}

impl Verdict {
    /// The verdict of `c` for a figure where `better` is good.
    pub fn of(c: &Change, better: Better) -> Self {
        if !c.difference.mean.is_finite() {
            return Self::Undefined;
        }
        if c.difference.ci95.is_none() {
            return Self::Unknown;
        }
        match (c.clearly_up(), c.clearly_down(), better) {
            (true, _, Better::Higher) | (_, true, Better::Lower) => Self::Better,
            (true, _, Better::Lower) | (_, true, Better::Higher) => Self::Worse,
            _ => Self::Unclear,
        }
    }
}

/// A difference with its sign and interval: `−93 ms ± 3 ms`, `+0.97 %`.
pub fn difference(e: &Estimate, measure: Measure) -> String {
    let text = estimate(
        &Estimate {
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

/// `before → after` of a change, the unit once when both share it:
/// `134 → 82.4 ms`, `1.2 s → 950 ms`.
pub fn before_after(c: &Change, measure: Measure) -> String {
    let (before, after) = (value(c.before.mean, measure), value(c.after.mean, measure));
    match (before.rsplit_once(' '), after.rsplit_once(' ')) {
        (Some((number, unit)), Some((_, same))) if unit == same => format!("{number} → {after}"),
        _ => format!("{before} → {after}"),
    }
}

/// A count of things: `1 finding`, `3 findings`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `1 replication`, `5 replications`.
pub fn replications(n: u32) -> String {
    count(n as usize, "replication", "replications")
}

/// Seconds since 1970 as a UTC date and time of day: year, month, day,
/// hours, minutes, seconds.
fn civil(unix_s: u64) -> (i64, i64, i64, u64, u64, u64) {
    let days = (unix_s / 86_400) as i64;
    let secs = unix_s % 86_400;
    // Days to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, secs / 3600, secs % 3600 / 60, secs % 60)
}

/// Seconds since 1970 for people: `2025-03-01 14:05 UTC`.
pub fn utc(unix_s: u64) -> String {
    let (y, mo, d, h, mi, _) = civil(unix_s);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02} UTC")
}

/// Seconds since 1970 for programs (RFC 3339): `2025-03-01T14:05:09Z`.
pub fn iso_utc(unix_s: u64) -> String {
    let (y, mo, d, h, mi, s) = civil(unix_s);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(mean: f64, ci95: Option<f64>) -> Estimate {
        Estimate { mean, ci95 }
    }

    #[test]
    fn estimates_show_as_many_digits_as_the_interval_allows() {
        assert_eq!(
            estimate(&e(211.34, Some(3.85)), Measure::Ms),
            "211.3 ms ± 3.9 ms"
        );
        assert_eq!(
            estimate(&e(5519.0, Some(117.0)), Measure::Plain),
            "5519 ± 117"
        );
        assert_eq!(
            estimate(&e(0.9803, Some(0.0022)), Measure::Percent),
            "98.03 % ± 0.22 %"
        );
        assert_eq!(estimate(&e(1250.0, None), Measure::Ms), "1.25 s");
        assert_eq!(estimate(&e(f64::NAN, None), Measure::Ms), "–");
        assert_eq!(estimate(&e(20.0, None), Measure::Count), "20");
        assert_eq!(estimate(&e(0.4, None), Measure::Count), "0.40");
        assert_eq!(
            estimate_parts(&e(134.3, Some(0.75)), Measure::Ms),
            ("134.3 ms".to_owned(), Some("± 0.8 ms".to_owned()))
        );
    }

    #[test]
    fn differences_carry_a_sign() {
        assert_eq!(
            difference(&e(-93.0, Some(3.0)), Measure::Ms),
            "−93.0 ms ± 3.0 ms"
        );
        assert_eq!(difference(&e(0.0097, None), Measure::Percent), "+0.97 %");
    }

    #[test]
    fn dates_are_utc() {
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(utc(1_735_689_600 + 3_723), "2025-01-01 01:02 UTC");
        assert_eq!(iso_utc(1_735_689_600 + 3_723), "2025-01-01T01:02:03Z");
    }
}
