//! Measured durations as a distribution, and how sure the importer is of
//! them: an empirical distribution when there are enough samples, a
//! fitted log-normal when there are few, a constant for one.

use serde::Serialize;

use crate::model::Distribution;

/// From this many samples on, the measurements themselves are kept.
pub const EMPIRICAL_FROM: usize = 30;
/// An empirical distribution keeps at most this many values (evenly
/// spaced quantiles of the samples), so a design stays readable.
pub const MOST_QUANTILES: usize = 100;

/// How a distribution was made from its samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The samples, or evenly spaced quantiles of them.
    Empirical,
    /// A log-normal with the samples' mean and standard deviation.
    LogNormal,
    /// One value: one sample, or samples that never varied.
    Constant,
}

impl Method {
    /// How it was made, for people.
    pub fn describe(self, samples: usize) -> String {
        match self {
            Self::Empirical if samples > MOST_QUANTILES => {
                format!("empirical: {MOST_QUANTILES} quantiles of {samples} samples")
            }
            Self::Empirical => format!("empirical: the {samples} samples"),
            Self::LogNormal => format!(
                "log-normal fitted to {samples} samples (mean and standard deviation); fewer than {EMPIRICAL_FROM}, so the shape is assumed"
            ),
            Self::Constant if samples == 1 => "constant: one sample".to_owned(),
            Self::Constant => format!("constant: {samples} samples, all the same"),
        }
    }
}

/// A distribution made from samples, with what it rests on.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// The distribution.
    pub distribution: Distribution,
    /// How it was made.
    pub method: Method,
    /// How many samples.
    pub samples: usize,
    /// Their mean, ms.
    pub mean_ms: f64,
    /// Half the width of the 95 % interval of the mean, ms (`None` for
    /// one sample).
    pub mean_half_width_ms: Option<f64>,
}

/// Rounds to a microsecond, so a written design stays readable.
fn round_ms(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// The distribution of `values` (ms, any order; not finite or negative
/// values are left out). `None` without a value.
pub fn fit(values: &[f64]) -> Option<Fit> {
    let mut values: Vec<f64> = values
        .iter()
        .copied()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .collect();
    let n = values.len();
    if n == 0 {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mean = values.iter().sum::<f64>() / n as f64;
    let sd = if n > 1 {
        (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
    } else {
        0.0
    };
    let constant = sd <= mean.abs() * 1e-9 || round_ms(sd) == 0.0;
    // Samples that never vary say their value, with no interval.
    let half_width = (n > 1 && !constant).then(|| 1.96 * sd / (n as f64).sqrt());
    let (distribution, method) = if constant || round_ms(mean) <= 0.0 {
        (
            Distribution::Constant { ms: round_ms(mean) },
            Method::Constant,
        )
    } else if n >= EMPIRICAL_FROM {
        let kept = if n <= MOST_QUANTILES {
            values.iter().map(|&v| round_ms(v)).collect()
        } else {
            (0..MOST_QUANTILES)
                .map(|q| {
                    let at = ((q as f64 + 0.5) / MOST_QUANTILES as f64 * n as f64) as usize;
                    round_ms(values[at.min(n - 1)])
                })
                .collect()
        };
        (
            Distribution::Empirical { values_ms: kept },
            Method::Empirical,
        )
    } else {
        (
            Distribution::LogNormal {
                mean_ms: round_ms(mean),
                sd_ms: round_ms(sd),
            },
            Method::LogNormal,
        )
    };
    Some(Fit {
        distribution,
        method,
        samples: n,
        mean_ms: mean,
        mean_half_width_ms: half_width,
    })
}
