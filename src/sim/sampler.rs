//! Turns the model's [`Distribution`]s into fast samplers of nanoseconds.

use rand::Rng;
use rand_distr::{Distribution as _, Exp, LogNormal, Uniform};

use super::time::{NS_PER_MS, Nanos};
use crate::model::Distribution;

/// A prepared distribution: parameters converted once, sampled many times.
#[derive(Debug, Clone)]
pub(crate) enum Sampler {
    Constant(Nanos),
    Exponential(Exp<f64>),
    LogNormal(LogNormal<f64>),
    Uniform(Uniform<f64>),
}

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

    #[test]
    fn slow_down_scales_every_sample() {
        let s = Sampler::new(&Distribution::Constant { ms: 4.0 });
        let mut rng = Pcg64Mcg::seed_from_u64(1);
        assert_eq!(s.sample(&mut rng, 1.0), 4_000_000);
        assert_eq!(s.sample(&mut rng, 2.5), 10_000_000);
    }
}
