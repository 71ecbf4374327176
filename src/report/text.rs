//! Words for reports beside the numbers (which `crate::numbers` writes):
//! the verdict on a before/after change, replications, dates.

use crate::advice::Change;
use crate::numbers::count;

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

    #[test]
    fn dates_are_utc() {
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(utc(1_735_689_600 + 3_723), "2025-01-01 01:02 UTC");
        assert_eq!(iso_utc(1_735_689_600 + 3_723), "2025-01-01T01:02:03Z");
    }
}
