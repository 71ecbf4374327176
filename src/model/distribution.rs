//! Probability distributions of durations (service times, store latencies,
//! think times), in milliseconds.

use serde::{Deserialize, Serialize};

/// How long something takes, as a distribution in milliseconds.
///
/// The parameters are the ones a person measures (mean and standard
/// deviation, not the log-space `mu`/`sigma`), so a design can be filled in
/// from a dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Distribution {
    /// Always exactly `ms`.
    Constant {
        /// The duration.
        ms: f64,
    },
    /// Memoryless, with the given mean (the textbook M in M/M/1).
    Exponential {
        /// The mean duration.
        mean_ms: f64,
    },
    /// Right-skewed with a long tail, typical of real service times.
    LogNormal {
        /// The mean duration.
        mean_ms: f64,
        /// The standard deviation.
        sd_ms: f64,
    },
    /// Any value between `min_ms` and `max_ms`, equally likely.
    Uniform {
        /// The shortest duration.
        min_ms: f64,
        /// The longest duration.
        max_ms: f64,
    },
}

impl Distribution {
    /// A distribution that always takes no time.
    pub const ZERO: Self = Self::Constant { ms: 0.0 };

    /// The mean duration in milliseconds.
    pub fn mean_ms(&self) -> f64 {
        match *self {
            Self::Constant { ms } => ms,
            Self::Exponential { mean_ms } | Self::LogNormal { mean_ms, .. } => mean_ms,
            Self::Uniform { min_ms, max_ms } => (min_ms + max_ms) / 2.0,
        }
    }

    /// The variance in ms², used by queueing formulas (Pollaczek–Khinchine).
    pub fn variance_ms2(&self) -> f64 {
        match *self {
            Self::Constant { .. } => 0.0,
            Self::Exponential { mean_ms } => mean_ms * mean_ms,
            Self::LogNormal { sd_ms, .. } => sd_ms * sd_ms,
            Self::Uniform { min_ms, max_ms } => (max_ms - min_ms).powi(2) / 12.0,
        }
    }

    /// Every parameter with its field name, for validation.
    pub(crate) fn parameters(&self) -> impl Iterator<Item = (&'static str, f64)> {
        let pair = match *self {
            Self::Constant { ms } => [Some(("ms", ms)), None],
            Self::Exponential { mean_ms } => [Some(("mean_ms", mean_ms)), None],
            Self::LogNormal { mean_ms, sd_ms } => {
                [Some(("mean_ms", mean_ms)), Some(("sd_ms", sd_ms))]
            }
            Self::Uniform { min_ms, max_ms } => {
                [Some(("min_ms", min_ms)), Some(("max_ms", max_ms))]
            }
        };
        pair.into_iter().flatten()
    }

    /// The name of the variant as written in the file.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Self::Constant { .. } => "Constant",
            Self::Exponential { .. } => "Exponential",
            Self::LogNormal { .. } => "LogNormal",
            Self::Uniform { .. } => "Uniform",
        }
    }

    /// Scales every duration by `factor` (used by slow-down faults and
    /// "what if" edits).
    pub fn scaled(&self, factor: f64) -> Self {
        match *self {
            Self::Constant { ms } => Self::Constant { ms: ms * factor },
            Self::Exponential { mean_ms } => Self::Exponential {
                mean_ms: mean_ms * factor,
            },
            Self::LogNormal { mean_ms, sd_ms } => Self::LogNormal {
                mean_ms: mean_ms * factor,
                sd_ms: sd_ms * factor,
            },
            Self::Uniform { min_ms, max_ms } => Self::Uniform {
                min_ms: min_ms * factor,
                max_ms: max_ms * factor,
            },
        }
    }
}

impl Default for Distribution {
    fn default() -> Self {
        Self::ZERO
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_mean_and_variance_follow_the_textbook() {
        let d = Distribution::Uniform {
            min_ms: 10.0,
            max_ms: 30.0,
        };
        assert_eq!(d.mean_ms(), 20.0);
        assert!((d.variance_ms2() - 400.0 / 12.0).abs() < 1e-9);
    }

    #[test]
    fn scaling_keeps_the_shape_and_scales_the_mean() {
        let d = Distribution::LogNormal {
            mean_ms: 10.0,
            sd_ms: 4.0,
        };
        let s = d.scaled(3.0);
        assert_eq!(s.mean_ms(), 30.0);
        assert_eq!(s.variance_ms2(), 144.0);
    }
}
