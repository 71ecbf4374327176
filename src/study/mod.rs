//! Studies: many simulations of one design, varied on purpose, to answer
//! the questions a design review asks ("how much load does this take
//! before it breaks, and what breaks first?"). Each study runs its
//! simulations with the design's seeds (paired: common random numbers),
//! so the differences between its points come from what was varied, not
//! from luck.

pub mod capacity;
pub mod chaos;
pub mod sensitivity;
pub mod shard;

use serde::Serialize;

use crate::model::Design;
use crate::sim::{self, Estimate, Limits, Results, RunControl, SimError, SimOptions, SimReport};

use capacity::{CapacityOptions, CapacityStudy};
use chaos::{ChaosOptions, ChaosStudy};
use sensitivity::{SensitivityOptions, SensitivityStudy};

/// Which study: the three questions of a design review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// How much load before an objective breaks, and what saturates first.
    #[default]
    Capacity,
    /// Which service's work, store's or link's latency matters most.
    Sensitivity,
    /// What breaks when a node goes down or slows down.
    Chaos,
}

impl Kind {
    /// Every study, in the order they are shown and reported.
    pub const ALL: [Self; 3] = [Self::Capacity, Self::Sensitivity, Self::Chaos];

    /// Its name on the command line: `capacity`, `sensitivity`, `chaos`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Capacity => "capacity",
            Self::Sensitivity => "sensitivity",
            Self::Chaos => "chaos",
        }
    }

    /// About how many simulations it runs on `design` with its default
    /// options (each of `replications`): what progress counts up to.
    pub fn simulations(self, design: &Design) -> usize {
        match self {
            Self::Capacity => CapacityOptions::default().max_points as usize,
            Self::Sensitivity => 1 + 2 * (design.nodes.len() + design.links.len()),
            Self::Chaos => 1 + 2 * design.nodes.iter().filter(|n| !n.is_client()).count(),
        }
    }
}

/// The studies run of one design, each with its default options: what a
/// report includes beside the simulation.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Studies {
    /// `study capacity`, if it was run.
    pub capacity: Option<CapacityStudy>,
    /// `study sensitivity`, if it was run.
    pub sensitivity: Option<SensitivityStudy>,
    /// `study chaos`, if it was run.
    pub chaos: Option<ChaosStudy>,
}

/// One study's answer.
#[derive(Debug, Clone)]
pub enum Study {
    /// `study capacity`.
    Capacity(CapacityStudy),
    /// `study sensitivity`.
    Sensitivity(SensitivityStudy),
    /// `study chaos`.
    Chaos(ChaosStudy),
}

impl Study {
    /// Runs the study of `kind` on `design`, its other options the
    /// defaults.
    pub fn run(kind: Kind, design: &Design, runs: Runs) -> Result<Self, SimError> {
        Ok(match kind {
            Kind::Capacity => Self::Capacity(capacity::capacity(
                design,
                &CapacityOptions {
                    runs,
                    ..CapacityOptions::default()
                },
            )?),
            Kind::Sensitivity => Self::Sensitivity(sensitivity::sensitivity(
                design,
                &SensitivityOptions {
                    runs,
                    ..SensitivityOptions::default()
                },
            )?),
            Kind::Chaos => Self::Chaos(chaos::chaos(
                design,
                &ChaosOptions {
                    runs,
                    ..ChaosOptions::default()
                },
            )?),
        })
    }

    /// Which study it is.
    pub fn kind(&self) -> Kind {
        match self {
            Self::Capacity(_) => Kind::Capacity,
            Self::Sensitivity(_) => Kind::Sensitivity,
            Self::Chaos(_) => Kind::Chaos,
        }
    }

    /// Whether it stopped (cancelled, or out of time) before it finished.
    pub fn cancelled(&self) -> bool {
        match self {
            Self::Capacity(s) => s.cancelled,
            Self::Sensitivity(s) => s.cancelled,
            Self::Chaos(s) => s.cancelled,
        }
    }
}

impl Studies {
    /// Whether none was run.
    pub fn is_empty(&self) -> bool {
        self.capacity.is_none() && self.sensitivity.is_none() && self.chaos.is_none()
    }

    /// Whether the study of `kind` was run.
    pub fn has(&self, kind: Kind) -> bool {
        match kind {
            Kind::Capacity => self.capacity.is_some(),
            Kind::Sensitivity => self.sensitivity.is_some(),
            Kind::Chaos => self.chaos.is_some(),
        }
    }

    /// Keeps `study`, in place of an earlier one of its kind.
    pub fn keep(&mut self, study: Study) {
        match study {
            Study::Capacity(s) => self.capacity = Some(s),
            Study::Sensitivity(s) => self.sensitivity = Some(s),
            Study::Chaos(s) => self.chaos = Some(s),
        }
    }
}

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
    /// Run only this part of the variants ([`shard`]); all when `None`.
    pub shard: Option<shard::Shard>,
}

impl Default for Runs {
    fn default() -> Self {
        Self {
            replications: 5,
            seed: None,
            duration_s: None,
            limits: Limits::default(),
            control: RunControl::default(),
            shard: None,
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

    /// Seconds of arrivals of every simulation of `design`.
    pub fn duration_s(&self, design: &Design) -> f64 {
        self.duration_s.unwrap_or(design.scenario.duration_s)
    }

    /// Simulates `design` at `load_multiplier` times its load.
    pub fn simulate(&self, design: &Design, load_multiplier: f64) -> Result<SimReport, SimError> {
        sim::simulate(design, &self.options(load_multiplier))
    }

    /// `measure` of every item (of this shard's, when sharded), in
    /// parallel (rayon), in the items' order whatever the number of
    /// threads; the items not measured because the study had to stop
    /// ([`Runs::stopped`]) before or while they ran are left out, and the
    /// flag says whether any was.
    pub fn each<T: Send, U: Send>(
        &self,
        items: Vec<T>,
        measure: impl Fn(T) -> Result<U, SimError> + Sync + Send,
    ) -> Result<(Vec<U>, bool), SimError> {
        use rayon::prelude::*;
        let mine: Vec<T> = items
            .into_iter()
            .enumerate()
            .filter(|(i, _)| self.shard.is_none_or(|s| s.takes(*i)))
            .map(|(_, item)| item)
            .collect();
        let measured: Vec<Option<U>> = mine
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
