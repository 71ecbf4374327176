//! Studies: many simulations of one design, varied on purpose, to answer
//! the questions a design review asks ("how much load does this take
//! before it breaks, and what breaks first?"). Each study runs its
//! simulations with the design's seeds (paired: common random numbers),
//! so the differences between its points come from what was varied, not
//! from luck.

pub mod capacity;
pub mod chaos;
pub mod sensitivity;

use crate::model::Design;
use crate::sim::{self, Estimate, Limits, Results, RunControl, SimError, SimOptions, SimReport};

/// How every simulation of a study runs: the same replications, seeds and
/// duration at every point, one deadline and one cancel for them all.
#[derive(Debug, Clone)]
pub struct Runs {
    /// Replications per simulation (the same seeds for all).
    pub replications: u32,
    /// Seed of the first replication (the scenario's when `None`).
    pub seed: Option<u64>,
    /// Arrival duration in seconds (the scenario's when `None`).
    pub duration_s: Option<f64>,
    /// When to give up on a runaway run; its deadline covers the study.
    pub limits: Limits,
    /// Cancel, shared with a caller on another thread: the study stops
    /// after the simulations under way and reports what it has.
    pub control: RunControl,
}

impl Default for Runs {
    fn default() -> Self {
        Self {
            replications: 5,
            seed: None,
            duration_s: None,
            limits: Limits::default(),
            control: RunControl::default(),
        }
    }
}

impl Runs {
    /// The options of one simulation at `load_multiplier` times the
    /// design's load.
    pub fn options(&self, load_multiplier: f64) -> SimOptions {
        SimOptions {
            seed: self.seed,
            duration_s: self.duration_s,
            replications: self.replications,
            load_multiplier,
            limits: self.limits,
            control: self.control.clone(),
            ..SimOptions::default()
        }
    }

    /// Simulates `design` at `load_multiplier` times its load.
    pub fn simulate(&self, design: &Design, load_multiplier: f64) -> Result<SimReport, SimError> {
        sim::simulate(design, &self.options(load_multiplier))
    }

    /// `measure` of every item, in parallel (rayon), in the items' order
    /// whatever the number of threads; the items not measured because the
    /// study had to stop ([`Runs::stopped`]) before or while they ran are
    /// left out, and the flag says whether any was.
    pub fn each<T: Send, U: Send>(
        &self,
        items: Vec<T>,
        measure: impl Fn(T) -> Result<U, SimError> + Sync + Send,
    ) -> Result<(Vec<U>, bool), SimError> {
        use rayon::prelude::*;
        let measured: Vec<Option<U>> = items
            .into_par_iter()
            .map(|item| {
                if self.stopped() {
                    return Ok(None);
                }
                let done = measure(item)?;
                Ok((!self.stopped()).then_some(done))
            })
            .collect::<Result<_, SimError>>()?;
        let stopped = measured.iter().any(Option::is_none);
        Ok((measured.into_iter().flatten().collect(), stopped))
    }

    /// Whether the study must stop: cancelled, or past its deadline (every
    /// further run would stop at once and measure nothing).
    pub fn stopped(&self) -> bool {
        self.limits.past_deadline()
            || self
                .control
                .cancel
                .load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// How a figure moved from `base` to `variant` (variant minus base),
/// replication by replication: the same seeds make each pair differ by the
/// change alone, so the interval is that of the change, not of the luck.
pub fn paired(
    base: &SimReport,
    variant: &SimReport,
    figure: impl Fn(&Results<f64>) -> f64,
) -> Estimate {
    let diffs: Vec<f64> = base
        .per_replication
        .iter()
        .zip(&variant.per_replication)
        .map(|(b, v)| figure(v) - figure(b))
        .collect();
    Estimate::of(&diffs)
}
