//! The process's peak resident set (Linux), for benchmarks whose target
//! is memory as well as time.

/// Resets the process's peak resident set to its current size, so the
/// next reading is the peak of what runs in between.
pub fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// A field of `/proc/self/status`, MB.
fn status_mb(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The process's peak resident set since the last reset, MB (right after
/// a reset: its resident set now).
pub fn peak_rss_mb() -> Option<f64> {
    status_mb("VmHWM:")
}
