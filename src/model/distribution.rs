//! Probability distributions of durations (service times, store latencies,
//! think times), in milliseconds.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::path::FieldPath;

/// The most values an [`Distribution::Empirical`] may list (and buckets a
/// [`Distribution::Histogram`]): a sampler table stays small, and larger
/// measurements are better summarised as a histogram.
pub const MAX_MEASUREMENTS: usize = 100_000;

/// The largest `sd_ms / mean_ms` a [`Distribution::Gamma`] may have: its
/// shape `(mean_ms / sd_ms)²` stays at least 10⁻¹² (beyond that almost
/// every sample is 0 and the mean comes from vanishingly rare huge ones).
pub const MAX_GAMMA_CV: f64 = 1e6;

/// How long something takes, as a distribution in milliseconds.
///
/// The parameters are the ones a person measures (mean and standard
/// deviation, not the log-space `mu`/`sigma`), so a design can be filled in
/// from a dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Gamma with this mean and standard deviation: shape
    /// `k = (mean_ms / sd_ms)²`, scale `θ = sd_ms² / mean_ms`. Less
    /// heavy-tailed than a log-normal of the same moments.
    Gamma {
        /// The mean duration.
        mean_ms: f64,
        /// The standard deviation.
        sd_ms: f64,
    },
    /// The sum of `k` exponential phases with `mean_ms` in total (a gamma
    /// of integer shape `k`): `k = 1` is the exponential, a large `k`
    /// nearly constant.
    Erlang {
        /// The number of phases, at least 1.
        k: u32,
        /// The mean duration (of all phases together).
        mean_ms: f64,
    },
    /// Measured durations, replayed: each sample is one of the values,
    /// each equally likely (the inverse of their empirical distribution
    /// function, without interpolation between values).
    Empirical {
        /// The measured durations, in any order.
        values_ms: Vec<f64>,
    },
    /// A measured histogram with explicit bucket bounds (as Prometheus and
    /// OpenTelemetry export it): bucket `i` holds the measurements above
    /// the bound of bucket `i - 1` (0 for the first) and at most its own
    /// `up_to_ms`. A sample picks a bucket with probability proportional
    /// to its count, then a value uniformly within it.
    Histogram {
        /// The buckets, by increasing bound.
        buckets: Vec<Bucket>,
    },
}

/// One bucket of a [`Distribution::Histogram`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bucket {
    /// The upper bound of the bucket (inclusive), in ms.
    pub up_to_ms: f64,
    /// How many measurements fell in this bucket: not cumulative (for
    /// Prometheus `le` buckets, subtract the previous bucket's count).
    pub count: u64,
}

/// A histogram bucket as a range with its share of the measurements.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Span {
    /// The lower bound (the previous bucket's bound, or 0), in ms.
    pub from_ms: f64,
    /// The upper bound, in ms.
    pub to_ms: f64,
    /// The share of all measurements in it.
    pub probability: f64,
}

/// The non-empty buckets of a histogram as ranges with probabilities (in
/// order, so their cumulative sums are the inverse CDF's breakpoints).
/// Empty when there are no counts.
pub(crate) fn spans(buckets: &[Bucket]) -> impl Iterator<Item = Span> + '_ {
    // u128: a sum of u64 counts cannot overflow it.
    let total: u128 = buckets.iter().map(|b| u128::from(b.count)).sum();
    let lows = std::iter::once(0.0).chain(buckets.iter().map(|b| b.up_to_ms));
    buckets
        .iter()
        .zip(lows)
        .filter(|(b, _)| b.count > 0)
        .map(move |(b, from_ms)| Span {
            from_ms,
            to_ms: b.up_to_ms,
            probability: b.count as f64 / total as f64,
        })
}

/// The shape `k` and scale `θ` (ms) of the gamma distribution with this
/// mean and standard deviation: `k = (mean / sd)²`, `θ = sd² / mean`
/// (so that `kθ = mean` and `kθ² = sd²`).
pub(crate) fn gamma_shape_scale(mean_ms: f64, sd_ms: f64) -> (f64, f64) {
    let cv = sd_ms / mean_ms;
    (1.0 / (cv * cv), sd_ms * cv)
}

/// A duration parameter of a distribution, and where it sits in it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Param {
    /// The field of the distribution (`mean_ms`, `values_ms`, `buckets`).
    pub field: &'static str,
    /// For a list, the element's index and, for a structure, its field.
    pub element: Option<(usize, Option<&'static str>)>,
    /// The value, in ms.
    pub value: f64,
}

impl Param {
    fn scalar(field: &'static str, value: f64) -> Self {
        Self {
            field,
            element: None,
            value,
        }
    }

    /// The path of the parameter below `distribution`, the path of its
    /// distribution.
    pub(crate) fn path_in(&self, distribution: &FieldPath) -> FieldPath {
        let field = distribution.field(self.field);
        match self.element {
            None => field,
            Some((i, None)) => field.index(i),
            Some((i, Some(inner))) => field.index(i).field(inner),
        }
    }
}

impl fmt::Display for Param {
    /// As a message names it: `mean_ms`, `values_ms[3]`,
    /// `buckets[2].up_to_ms`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.field)?;
        match self.element {
            None => Ok(()),
            Some((i, None)) => write!(f, "[{i}]"),
            Some((i, Some(inner))) => write!(f, "[{i}].{inner}"),
        }
    }
}

impl Distribution {
    /// A distribution that always takes no time.
    pub const ZERO: Self = Self::Constant { ms: 0.0 };

    /// The mean duration in milliseconds. Measurements without values or
    /// counts (which validation refuses) have a mean of 0.
    pub fn mean_ms(&self) -> f64 {
        match self {
            Self::Constant { ms } => *ms,
            Self::Exponential { mean_ms }
            | Self::LogNormal { mean_ms, .. }
            | Self::Gamma { mean_ms, .. }
            | Self::Erlang { mean_ms, .. } => *mean_ms,
            Self::Uniform { min_ms, max_ms } => (min_ms + max_ms) / 2.0,
            Self::Empirical { values_ms } => empirical_mean(values_ms),
            // Uniform within each bucket: its midpoint, weighted by count.
            Self::Histogram { buckets } => spans(buckets)
                .map(|s| s.probability * (s.from_ms + s.to_ms) / 2.0)
                .sum(),
        }
    }

    /// The variance in ms², used by queueing formulas (Pollaczek–Khinchine).
    pub fn variance_ms2(&self) -> f64 {
        match self {
            Self::Constant { .. } => 0.0,
            Self::Exponential { mean_ms } => mean_ms * mean_ms,
            Self::LogNormal { sd_ms, .. } | Self::Gamma { sd_ms, .. } => sd_ms * sd_ms,
            Self::Uniform { min_ms, max_ms } => (max_ms - min_ms).powi(2) / 12.0,
            // k phases of mean m/k each: k·(m/k)².
            Self::Erlang { k, mean_ms } => mean_ms * mean_ms / f64::from(*k),
            // Every value equally likely: the population variance.
            Self::Empirical { values_ms } => {
                let mean = empirical_mean(values_ms);
                values_ms.iter().map(|v| (v - mean).powi(2)).sum::<f64>()
                    / values_ms.len().max(1) as f64
            }
            // Law of total variance over the buckets: the variance within
            // each (uniform: width²/12) plus that of the bucket midpoints.
            Self::Histogram { buckets } => {
                let mean = self.mean_ms();
                spans(buckets)
                    .map(|s| {
                        let mid = (s.from_ms + s.to_ms) / 2.0;
                        s.probability
                            * ((s.to_ms - s.from_ms).powi(2) / 12.0 + (mid - mean).powi(2))
                    })
                    .sum()
            }
        }
    }

    /// Every duration parameter (in ms) and where it sits, for validation:
    /// each must be finite and at least 0. Counts and `k` are whole
    /// numbers the file format already keeps non-negative.
    pub(crate) fn parameters(&self) -> impl Iterator<Item = Param> + '_ {
        let (fixed, values, buckets): ([Option<Param>; 2], &[f64], &[Bucket]) = match self {
            Self::Constant { ms } => ([Some(Param::scalar("ms", *ms)), None], &[], &[]),
            Self::Exponential { mean_ms } | Self::Erlang { mean_ms, .. } => {
                ([Some(Param::scalar("mean_ms", *mean_ms)), None], &[], &[])
            }
            Self::LogNormal { mean_ms, sd_ms } | Self::Gamma { mean_ms, sd_ms } => (
                [
                    Some(Param::scalar("mean_ms", *mean_ms)),
                    Some(Param::scalar("sd_ms", *sd_ms)),
                ],
                &[],
                &[],
            ),
            Self::Uniform { min_ms, max_ms } => (
                [
                    Some(Param::scalar("min_ms", *min_ms)),
                    Some(Param::scalar("max_ms", *max_ms)),
                ],
                &[],
                &[],
            ),
            Self::Empirical { values_ms } => ([None, None], values_ms, &[]),
            Self::Histogram { buckets } => ([None, None], &[], buckets),
        };
        let values = values.iter().enumerate().map(|(i, &value)| Param {
            field: "values_ms",
            element: Some((i, None)),
            value,
        });
        let bounds = buckets.iter().enumerate().map(|(i, b)| Param {
            field: "buckets",
            element: Some((i, Some("up_to_ms"))),
            value: b.up_to_ms,
        });
        fixed.into_iter().flatten().chain(values).chain(bounds)
    }

    /// The name of the variant as written in the file.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Self::Constant { .. } => "Constant",
            Self::Exponential { .. } => "Exponential",
            Self::LogNormal { .. } => "LogNormal",
            Self::Uniform { .. } => "Uniform",
            Self::Gamma { .. } => "Gamma",
            Self::Erlang { .. } => "Erlang",
            Self::Empirical { .. } => "Empirical",
            Self::Histogram { .. } => "Histogram",
        }
    }

    /// Scales every duration by `factor` (used by slow-down faults and
    /// "what if" edits): the shape stays, the mean is multiplied by
    /// `factor` and the variance by `factor²`.
    pub fn scaled(&self, factor: f64) -> Self {
        match self {
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
            Self::Gamma { mean_ms, sd_ms } => Self::Gamma {
                mean_ms: mean_ms * factor,
                sd_ms: sd_ms * factor,
            },
            Self::Erlang { k, mean_ms } => Self::Erlang {
                k: *k,
                mean_ms: mean_ms * factor,
            },
            Self::Empirical { values_ms } => Self::Empirical {
                values_ms: values_ms.iter().map(|v| v * factor).collect(),
            },
            Self::Histogram { buckets } => Self::Histogram {
                buckets: buckets
                    .iter()
                    .map(|b| Bucket {
                        up_to_ms: b.up_to_ms * factor,
                        count: b.count,
                    })
                    .collect(),
            },
        }
    }
}

/// The mean of measured values (0 for none).
fn empirical_mean(values_ms: &[f64]) -> f64 {
    values_ms.iter().sum::<f64>() / values_ms.len().max(1) as f64
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

    use statrs::distribution::{Erlang, Gamma};
    use statrs::statistics::Distribution as _;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn gamma_and_erlang_moments_match_statrs() {
        // Shape (mean/sd)² and rate mean/sd², the textbook parameters.
        for (mean, sd) in [(30.0, 10.0), (5.0, 20.0), (1.0, 1.0)] {
            let d = Distribution::Gamma {
                mean_ms: mean,
                sd_ms: sd,
            };
            let g = Gamma::new((mean / sd) * (mean / sd), mean / (sd * sd)).unwrap();
            assert!(close(d.mean_ms(), g.mean().unwrap()), "{d:?}");
            assert!(close(d.variance_ms2(), g.variance().unwrap()), "{d:?}");
            let (shape, scale) = gamma_shape_scale(mean, sd);
            assert!(
                close(shape, g.shape()) && close(1.0 / scale, g.rate()),
                "{d:?}"
            );
        }
        for k in [1u32, 2, 7] {
            let d = Distribution::Erlang { k, mean_ms: 12.0 };
            let e = Erlang::new(u64::from(k), f64::from(k) / 12.0).unwrap();
            assert!(close(d.mean_ms(), e.mean().unwrap()), "{d:?}");
            assert!(close(d.variance_ms2(), e.variance().unwrap()), "{d:?}");
        }
    }

    #[test]
    fn empirical_moments_are_those_of_the_values_equally_likely() {
        // By hand: mean (1 + 2 + 3 + 10) / 4 = 4; squared deviations
        // 9 + 4 + 1 + 36 = 50, over 4 values.
        let d = Distribution::Empirical {
            values_ms: vec![10.0, 2.0, 1.0, 3.0],
        };
        assert_eq!(d.mean_ms(), 4.0);
        assert_eq!(d.variance_ms2(), 12.5);
        let one = Distribution::Empirical {
            values_ms: vec![7.0],
        };
        assert_eq!((one.mean_ms(), one.variance_ms2()), (7.0, 0.0));
    }

    /// The mean and variance of a histogram by integrating its density
    /// (count / total / width in each bucket) with the midpoint rule.
    fn integrated(buckets: &[Bucket]) -> (f64, f64) {
        let total: f64 = buckets.iter().map(|b| b.count as f64).sum();
        let steps = 100_000;
        let moment = |power: i32| {
            let mut low = 0.0;
            let mut sum = 0.0;
            for b in buckets {
                let width = b.up_to_ms - low;
                let density = b.count as f64 / total / width;
                let h = width / f64::from(steps);
                for i in 0..steps {
                    let x = low + (f64::from(i) + 0.5) * h;
                    sum += x.powi(power) * density * h;
                }
                low = b.up_to_ms;
            }
            sum
        };
        let mean = moment(1);
        (mean, moment(2) - mean * mean)
    }

    #[test]
    fn histogram_moments_match_integrating_its_density() {
        let buckets = vec![
            Bucket {
                up_to_ms: 10.0,
                count: 1,
            },
            Bucket {
                up_to_ms: 30.0,
                count: 3,
            },
            Bucket {
                up_to_ms: 35.0,
                count: 0,
            },
            Bucket {
                up_to_ms: 100.0,
                count: 2,
            },
        ];
        let (mean, variance) = integrated(&buckets);
        let d = Distribution::Histogram { buckets };
        assert!((d.mean_ms() - mean).abs() < 1e-6, "{} {mean}", d.mean_ms());
        assert!(
            (d.variance_ms2() - variance).abs() < 1e-4,
            "{} {variance}",
            d.variance_ms2()
        );
        // And by hand for two buckets: 1/4 uniform on [0, 10], 3/4 on
        // [10, 30]: mean 1.25 + 15, E[X²] = (100/3)/4 + 3/4·1300/3.
        let d = Distribution::Histogram {
            buckets: vec![
                Bucket {
                    up_to_ms: 10.0,
                    count: 1,
                },
                Bucket {
                    up_to_ms: 30.0,
                    count: 3,
                },
            ],
        };
        assert!(close(d.mean_ms(), 16.25));
        assert!(close(
            d.variance_ms2(),
            100.0 / 12.0 + 1300.0 / 4.0 - 16.25 * 16.25
        ));
    }

    /// One of each kind.
    fn every_kind() -> Vec<Distribution> {
        vec![
            Distribution::Constant { ms: 3.0 },
            Distribution::Exponential { mean_ms: 4.0 },
            Distribution::LogNormal {
                mean_ms: 10.0,
                sd_ms: 4.0,
            },
            Distribution::Uniform {
                min_ms: 1.0,
                max_ms: 5.0,
            },
            Distribution::Gamma {
                mean_ms: 8.0,
                sd_ms: 2.0,
            },
            Distribution::Erlang { k: 3, mean_ms: 9.0 },
            Distribution::Empirical {
                values_ms: vec![1.0, 4.0, 4.0, 9.0],
            },
            Distribution::Histogram {
                buckets: vec![
                    Bucket {
                        up_to_ms: 2.0,
                        count: 5,
                    },
                    Bucket {
                        up_to_ms: 8.0,
                        count: 1,
                    },
                ],
            },
        ]
    }

    #[test]
    fn scaling_multiplies_every_mean_and_variance() {
        for d in every_kind() {
            let s = d.scaled(3.0);
            assert_eq!(s.kind_name(), d.kind_name());
            assert!(close(s.mean_ms(), 3.0 * d.mean_ms()), "{d:?}");
            assert!(close(s.variance_ms2(), 9.0 * d.variance_ms2()), "{d:?}");
        }
    }

    #[test]
    fn kind_names_are_the_names_in_the_file() {
        for d in every_kind() {
            let text = ron::to_string(&d).unwrap();
            assert!(text.starts_with(&format!("{}(", d.kind_name())), "{text}");
        }
    }

    #[test]
    fn parameters_name_every_duration_where_it_is_written() {
        let names = |d: &Distribution| -> Vec<(String, String, f64)> {
            let at = FieldPath::root().field("service_time");
            d.parameters()
                .map(|p| (p.to_string(), p.path_in(&at).to_string(), p.value))
                .collect()
        };
        let erlang = Distribution::Erlang { k: 3, mean_ms: 9.0 };
        assert_eq!(
            names(&erlang),
            [("mean_ms".into(), "service_time.mean_ms".into(), 9.0)]
        );
        let empirical = Distribution::Empirical {
            values_ms: vec![1.0, 4.0],
        };
        assert_eq!(
            names(&empirical),
            [
                (
                    "values_ms[0]".into(),
                    "service_time.values_ms[0]".into(),
                    1.0
                ),
                (
                    "values_ms[1]".into(),
                    "service_time.values_ms[1]".into(),
                    4.0
                ),
            ]
        );
        let histogram = &every_kind()[7];
        assert_eq!(
            names(histogram)[1],
            (
                "buckets[1].up_to_ms".into(),
                "service_time.buckets[1].up_to_ms".into(),
                8.0
            )
        );
        let gamma = &every_kind()[4];
        assert_eq!(names(gamma).len(), 2);
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
