//! Simulated time: integer nanoseconds, so event order is exact and runs are
//! reproducible bit for bit.

/// A point or span of simulated time in nanoseconds.
pub type Nanos = u64;

/// Nanoseconds per millisecond.
pub const NS_PER_MS: f64 = 1e6;
/// Nanoseconds per second.
pub const NS_PER_S: f64 = 1e9;

/// Milliseconds (as in the model) to nanoseconds, saturating; negative and
/// NaN become 0 (validation has excluded them already).
pub fn from_ms(ms: f64) -> Nanos {
    to_nanos(ms * NS_PER_MS)
}

/// Seconds to nanoseconds, saturating.
pub fn from_s(s: f64) -> Nanos {
    to_nanos(s * NS_PER_S)
}

fn to_nanos(ns: f64) -> Nanos {
    if ns.is_nan() || ns <= 0.0 {
        0
    } else if ns >= u64::MAX as f64 {
        u64::MAX
    } else {
        ns.round() as u64
    }
}

/// Nanoseconds to milliseconds.
pub fn to_ms(ns: Nanos) -> f64 {
    ns as f64 / NS_PER_MS
}

/// Nanoseconds to seconds.
pub fn to_s(ns: Nanos) -> f64 {
    ns as f64 / NS_PER_S
}
