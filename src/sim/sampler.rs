//! Turns the model's [`Distribution`]s into fast samplers of nanoseconds.
//!
//! Preparing may allocate (the tables of measured distributions); sampling
//! never does.

use rand::{Rng, RngExt};
use rand_distr::{Distribution as _, Exp, Gamma, LogNormal, Uniform};

use super::time::{NS_PER_MS, Nanos};
use crate::model::Distribution;
use crate::model::{gamma_shape_scale, spans};

/// A prepared distribution: parameters converted once, sampled many times.
#[derive(Debug, Clone)]
pub(crate) enum Sampler {
    Constant(Nanos),
    Exponential(Exp<f64>),
    LogNormal(LogNormal<f64>),
    Uniform(Uniform<f64>),
    /// Boxed: a gamma's state is five words, the other samplers' two, and
    /// samplers sit inline in the plan's per-operation tables.
    Gamma(Box<Gamma<f64>>),
    /// Measured values in ns, sorted: the inverse of their empirical CDF
    /// at `u` is the value at index `⌊u·n⌋`.
    Empirical(Box<[Nanos]>),
    /// The non-empty histogram buckets, in order.
    Histogram(Box<[Segment]>),
}

/// A histogram bucket prepared for the inverse CDF: on
/// `[start, end)` of the unit interval the CDF's inverse runs linearly
/// from `low_ns` to `low_ns + width_ns`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Segment {
    start: f64,
    end: f64,
    low_ns: f64,
    width_ns: f64,
}

// Samplers are stored in every planned operation and link: keep them at
// three words.
const _: () = assert!(std::mem::size_of::<Sampler>() <= 24);

impl Sampler {
    /// Prepares `d`. Degenerate parameters (a zero mean, a zero spread)
    /// become constants, so every valid distribution has a sampler.
    pub(crate) fn new(d: &Distribution) -> Self {
        let constant = |ms: f64| Self::Constant(super::time::from_ms(ms));
        match *d {
            Distribution::Constant { ms } => constant(ms),
            Distribution::Exponential { mean_ms } => match Exp::new(1.0 / (mean_ms * NS_PER_MS)) {
                Ok(e) if mean_ms > 0.0 => Self::Exponential(e),
                _ => constant(mean_ms),
            },
            Distribution::LogNormal { mean_ms, sd_ms } => {
                if mean_ms <= 0.0 || sd_ms <= 0.0 {
                    return constant(mean_ms);
                }
                // Mean and standard deviation of the variable → parameters
                // of its logarithm.
                let m = mean_ms * NS_PER_MS;
                let cv2 = (sd_ms / mean_ms).powi(2);
                let sigma2 = (1.0 + cv2).ln();
                let mu = m.ln() - sigma2 / 2.0;
                match LogNormal::new(mu, sigma2.sqrt()) {
                    Ok(l) => Self::LogNormal(l),
                    Err(_) => constant(mean_ms),
                }
            }
            Distribution::Uniform { min_ms, max_ms } => {
                if max_ms <= min_ms {
                    return constant(min_ms);
                }
                match Uniform::new(min_ms * NS_PER_MS, max_ms * NS_PER_MS) {
                    Ok(u) => Self::Uniform(u),
                    Err(_) => constant(min_ms),
                }
            }
            Distribution::Gamma { mean_ms, sd_ms } => {
                if mean_ms <= 0.0 || sd_ms <= 0.0 {
                    return constant(mean_ms);
                }
                let (shape, scale_ms) = gamma_shape_scale(mean_ms, sd_ms);
                Self::gamma(shape, scale_ms, mean_ms)
            }
            Distribution::Erlang { k, mean_ms } => {
                if mean_ms <= 0.0 || k == 0 {
                    return constant(mean_ms);
                }
                let k = f64::from(k);
                Self::gamma(k, mean_ms / k, mean_ms)
            }
            Distribution::Empirical { ref values_ms } => {
                let mut table: Vec<Nanos> =
                    values_ms.iter().map(|&v| super::time::from_ms(v)).collect();
                table.sort_unstable();
                match table.as_slice() {
                    [] => constant(0.0),
                    [only] => Self::Constant(*only),
                    _ => Self::Empirical(table.into_boxed_slice()),
                }
            }
            Distribution::Histogram { ref buckets } => {
                let mut start = 0.0;
                let mut table: Vec<Segment> = spans(buckets)
                    .map(|s| {
                        let segment = Segment {
                            start,
                            end: start + s.probability,
                            low_ns: s.from_ms * NS_PER_MS,
                            width_ns: (s.to_ms - s.from_ms) * NS_PER_MS,
                        };
                        start = segment.end;
                        segment
                    })
                    .collect();
                // Rounding must not leave a gap at the top of [0, 1).
                if let Some(last) = table.last_mut() {
                    last.end = 1.0;
                }
                match table.as_slice() {
                    [] => constant(0.0),
                    [only] if only.width_ns == 0.0 => constant(only.low_ns / NS_PER_MS),
                    _ => Self::Histogram(table.into_boxed_slice()),
                }
            }
        }
    }

    /// A gamma of `shape` and `scale_ms`; parameters beyond what `f64`
    /// nanoseconds can hold (durations of 10²⁹⁰ ms) saturate at the mean.
    fn gamma(shape: f64, scale_ms: f64, mean_ms: f64) -> Self {
        match Gamma::new(shape, scale_ms * NS_PER_MS) {
            Ok(g) if (scale_ms * NS_PER_MS).is_finite() => Self::Gamma(Box::new(g)),
            _ => Self::Constant(super::time::from_ms(mean_ms)),
        }
    }

    /// One sample, scaled by `factor` (1.0 normally; a slow-down fault
    /// raises it).
    #[inline]
    pub(crate) fn sample(&self, rng: &mut impl Rng, factor: f64) -> Nanos {
        let ns = match self {
            Self::Constant(ns) => {
                if factor == 1.0 {
                    return *ns;
                }
                *ns as f64
            }
            Self::Exponential(e) => e.sample(rng),
            Self::LogNormal(l) => l.sample(rng),
            Self::Uniform(u) => u.sample(rng),
            Self::Gamma(g) => g.sample(rng),
            Self::Empirical(table) => {
                // One uniform draw in [0, 1) picks an order statistic.
                let u: f64 = rng.random();
                let i = ((u * table.len() as f64) as usize).min(table.len() - 1);
                table[i] as f64
            }
            Self::Histogram(table) => {
                let u: f64 = rng.random();
                let i = table.partition_point(|s| s.end <= u).min(table.len() - 1);
                let s = &table[i];
                let within = ((u - s.start) / (s.end - s.start)).clamp(0.0, 1.0);
                s.low_ns + within * s.width_ns
            }
        };
        let scaled = ns * factor;
        if scaled >= u64::MAX as f64 {
            u64::MAX
        } else {
            scaled as Nanos
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_pcg::Pcg64Mcg;

    use super::*;
    use crate::model::Bucket;

    fn mean_and_sd(d: Distribution) -> (f64, f64) {
        let s = Sampler::new(&d);
        let mut rng = Pcg64Mcg::seed_from_u64(7);
        let n = 200_000;
        let xs: Vec<f64> = (0..n)
            .map(|_| s.sample(&mut rng, 1.0) as f64 / NS_PER_MS)
            .collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (mean, var.sqrt())
    }

    #[test]
    fn lognormal_is_parameterised_by_the_mean_and_sd_people_measure() {
        let (mean, sd) = mean_and_sd(Distribution::LogNormal {
            mean_ms: 30.0,
            sd_ms: 10.0,
        });
        assert!((mean - 30.0).abs() < 0.2, "mean {mean}");
        assert!((sd - 10.0).abs() < 0.3, "sd {sd}");
    }

    #[test]
    fn exponential_and_uniform_have_their_textbook_moments() {
        let (mean, sd) = mean_and_sd(Distribution::Exponential { mean_ms: 20.0 });
        assert!(
            (mean - 20.0).abs() < 0.2 && (sd - 20.0).abs() < 0.3,
            "{mean} {sd}"
        );
        let (mean, sd) = mean_and_sd(Distribution::Uniform {
            min_ms: 10.0,
            max_ms: 20.0,
        });
        assert!((mean - 15.0).abs() < 0.05, "{mean}");
        assert!((sd - 10.0 / 12f64.sqrt()).abs() < 0.05, "{sd}");
    }

    /// `n` samples of `d` in ms.
    fn draws(d: &Distribution, n: usize) -> Vec<f64> {
        let s = Sampler::new(d);
        let mut rng = Pcg64Mcg::seed_from_u64(11);
        (0..n)
            .map(|_| s.sample(&mut rng, 1.0) as f64 / NS_PER_MS)
            .collect()
    }

    /// Asserts that 200,000 draws of `d` have the mean and variance its
    /// formulas give, within 4 standard errors of each (the error of the
    /// variance from the sample's fourth central moment).
    fn assert_moments(d: &Distribution) {
        let n = 200_000;
        let xs = draws(d, n);
        let n = n as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let central = |p: i32| xs.iter().map(|x| (x - mean).powi(p)).sum::<f64>() / n;
        let (var, m4) = (central(2), central(4));
        let se_mean = (var / n).sqrt();
        let se_var = ((m4 - var * var) / n).sqrt();
        let (mean_f, var_f) = (d.mean_ms(), d.variance_ms2());
        // Samples are whole nanoseconds: allow for the rounding too.
        assert!(
            (mean - mean_f).abs() < 4.0 * se_mean + 1e-6,
            "{d:?}: mean {mean}, formula {mean_f} (se {se_mean})"
        );
        assert!(
            (var - var_f).abs() < 4.0 * se_var + 1e-6,
            "{d:?}: variance {var}, formula {var_f} (se {se_var})"
        );
    }

    #[test]
    fn gamma_and_erlang_samples_have_the_moments_of_their_formulas() {
        // Shape 9 (the large-shape method) and 1/4 (the small-shape one).
        for (mean_ms, sd_ms) in [(30.0, 10.0), (5.0, 10.0)] {
            assert_moments(&Distribution::Gamma { mean_ms, sd_ms });
        }
        for k in [1, 3, 20] {
            assert_moments(&Distribution::Erlang { k, mean_ms: 12.0 });
        }
    }

    #[test]
    fn measured_samples_have_the_moments_of_their_formulas() {
        assert_moments(&Distribution::Empirical {
            values_ms: vec![3.0, 1.0, 250.0, 7.5, 7.5, 40.0],
        });
        let bucket = |up_to_ms, count| Bucket { up_to_ms, count };
        assert_moments(&Distribution::Histogram {
            buckets: vec![
                bucket(5.0, 120),
                bucket(10.0, 600),
                bucket(25.0, 0),
                bucket(50.0, 250),
                bucket(1000.0, 30),
            ],
        });
    }

    /// The `p` quantile of `xs` by the inverse of their empirical CDF:
    /// the smallest value with at least a share `p` at or below it.
    fn quantile(xs: &[f64], p: f64) -> f64 {
        let mut sorted = xs.to_vec();
        sorted.sort_by(f64::total_cmp);
        let rank = (p * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    }

    #[test]
    fn empirical_quantiles_are_the_data_quantiles() {
        // 100 values from a small generator; at p = 0.905 the sample's
        // quantile is 0.005 (about 7 standard errors) away from switching
        // to a neighbouring value.
        let mut x = 1u64;
        let values_ms: Vec<f64> = (0..100)
            .map(|_| {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                (x >> 40) as f64 / 1e3
            })
            .collect();
        let d = Distribution::Empirical {
            values_ms: values_ms.clone(),
        };
        let xs = draws(&d, 200_000);
        for p in [0.055, 0.505, 0.905, 0.995] {
            let expected = quantile(&values_ms, p);
            let got = quantile(&xs, p);
            assert!((got - expected).abs() < 1e-6, "p{p}: {got} vs {expected}");
        }
    }

    #[test]
    fn histogram_quantiles_interpolate_within_buckets() {
        // 20 % in [0, 10], 80 % in (10, 50]: the median is 10 + 0.3/0.8·40
        // = 25, the 10th percentile 5.
        let d = Distribution::Histogram {
            buckets: vec![
                Bucket {
                    up_to_ms: 10.0,
                    count: 20,
                },
                Bucket {
                    up_to_ms: 50.0,
                    count: 80,
                },
            ],
        };
        let xs = draws(&d, 200_000);
        assert!((quantile(&xs, 0.5) - 25.0).abs() < 0.3);
        assert!((quantile(&xs, 0.1) - 5.0).abs() < 0.1);
        assert!(xs.iter().all(|&x| (0.0..=50.0).contains(&x)));
    }

    #[test]
    fn degenerate_measurements_are_constants() {
        let one = Sampler::new(&Distribution::Empirical {
            values_ms: vec![2.5],
        });
        assert!(matches!(one, Sampler::Constant(2_500_000)));
        let point = Sampler::new(&Distribution::Histogram {
            buckets: vec![Bucket {
                up_to_ms: 0.0,
                count: 9,
            }],
        });
        assert!(matches!(point, Sampler::Constant(0)));
    }

    #[test]
    fn slow_down_scales_every_sample() {
        let s = Sampler::new(&Distribution::Constant { ms: 4.0 });
        let mut rng = Pcg64Mcg::seed_from_u64(1);
        assert_eq!(s.sample(&mut rng, 1.0), 4_000_000);
        assert_eq!(s.sample(&mut rng, 2.5), 10_000_000);
    }
}
