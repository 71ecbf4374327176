//! Running the simulation from the app: settings, the run on a background
//! thread, its outcome, whether that outcome still describes the design,
//! and the playback clock.
//!
//! A run simulates the design *with* the what-if faults ([`what_if`]) and
//! the run settings of the toolbar (seed, duration, replications, load),
//! which start as the scenario says and are not saved. The outcome keeps
//! the design it simulated: when the design (positions aside), the faults
//! or the settings change, the outcome is **stale** — the canvas stops
//! animating it and every panel says so — until it is run again (or the
//! change is undone).

pub mod job;
pub mod playback;
pub mod timeline;
pub mod toolbar;
pub mod what_if;

use std::time::Duration;

use crate::analysis::{self, Finding};
use crate::model::{Design, Scenario};
use crate::sim::{self, SimOptions, SimReport, Trace, TraceWindow, WarningKind};

use super::animation::TraceIndex;

use job::{Job, Polled, Workload};
use playback::Playback;
use what_if::WhatIf;

/// Node states sampled per simulated second for the animation.
const SAMPLES_PER_S: f64 = 20.0;
/// Most node states kept in a trace (nodes × samples), about 20 bytes each.
const SAMPLE_BUDGET: usize = 1_000_000;
/// Most messages kept in a trace, 32 bytes each.
pub const MAX_TRACE_HOPS: usize = 1_000_000;
/// Most chart buckets (one per simulated second up to this).
const MAX_BUCKETS: f64 = 600.0;

/// The settings of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSettings {
    /// Seed of the first replication.
    pub seed: u64,
    /// Arrival duration, seconds.
    pub duration_s: f64,
    /// Independent runs (the first is animated).
    pub replications: u32,
    /// Multiplies every arrival rate.
    pub load: f64,
}

/// What the user set for the runs of this session; `None` is whatever the
/// scenario says.
#[derive(Debug, Clone, PartialEq)]
pub struct Overrides {
    /// The seed, if not the scenario's.
    pub seed: Option<u64>,
    /// The duration, if not the scenario's.
    pub duration_s: Option<f64>,
    /// Replications.
    pub replications: u32,
    /// Load multiplier.
    pub load: f64,
}

impl Default for Overrides {
    fn default() -> Self {
        Self {
            seed: None,
            duration_s: None,
            replications: 1,
            load: 1.0,
        }
    }
}

impl Overrides {
    /// The settings a run of a design with `scenario` uses.
    pub fn settings(&self, scenario: &Scenario) -> RunSettings {
        RunSettings {
            seed: self.seed.unwrap_or(scenario.seed),
            duration_s: self.duration_s.unwrap_or(scenario.duration_s),
            replications: self.replications.max(1),
            load: self.load,
        }
    }
}

/// The options that simulate `design` with `settings`, recording what the
/// app animates and charts.
pub fn sim_options(design: &Design, settings: &RunSettings) -> SimOptions {
    let span_s = settings.duration_s + design.scenario.drain_s;
    let per_node = SAMPLE_BUDGET / design.nodes.len().max(1);
    let samples = ((span_s * SAMPLES_PER_S).ceil() as usize).clamp(10, per_node.max(10));
    SimOptions {
        seed: Some(settings.seed),
        duration_s: Some(settings.duration_s),
        replications: settings.replications.max(1),
        load_multiplier: settings.load,
        trace: Some(TraceWindow {
            from_s: 0.0,
            to_s: span_s,
            max_hops: MAX_TRACE_HOPS,
            samples: u32::try_from(samples).unwrap_or(u32::MAX),
        }),
        series_buckets: Some(settings.duration_s.ceil().clamp(10.0, MAX_BUCKETS) as u32),
        ..SimOptions::default()
    }
}

/// Whether simulating `a` and `b` gives the same results: everything but
/// where the nodes are drawn and the notes.
pub fn same_behaviour(a: &Design, b: &Design) -> bool {
    a.nodes.len() == b.nodes.len()
        && a.nodes
            .iter()
            .zip(&b.nodes)
            .all(|(x, y)| x.id == y.id && x.name == y.name && x.kind == y.kind)
        && a.links == b.links
        && a.entry_points == b.entry_points
        && a.scenario == b.scenario
        && a.thresholds == b.thresholds
}

/// A finished run.
#[derive(Debug)]
pub struct RunOutcome {
    /// The design simulated (with the what-if faults).
    pub design: Design,
    /// Its settings.
    pub settings: RunSettings,
    /// What it showed.
    pub report: SimReport,
    /// The trace, indexed for the animation.
    pub index: TraceIndex,
    /// The findings of the dynamic rules.
    pub findings: Vec<Finding>,
}

impl RunOutcome {
    /// Simulates `design` on the calling thread, reporting to `options`'
    /// control.
    fn compute(design: Design, settings: RunSettings, options: SimOptions) -> Result<Self, String> {
        let report = sim::simulate(&design, &options).map_err(|e| e.to_string())?;
        let index = report
            .trace
            .as_ref()
            .map(|t| TraceIndex::new(t, design.links.len(), design.nodes.len()))
            .unwrap_or_default();
        let findings = analysis::analyse_run(&design, &report);
        Ok(Self {
            design,
            settings,
            report,
            index,
            findings,
        })
    }

    /// The trace of the first replication.
    pub fn trace(&self) -> Option<&Trace> {
        self.report.trace.as_ref()
    }

    /// Whether the run was stopped before its end.
    pub fn was_stopped(&self) -> bool {
        self.report
            .warnings()
            .iter()
            .any(|w| w.kind == WarningKind::Cancelled)
    }

    /// The last instant that can be shown, simulated seconds.
    pub fn end_s(&self) -> f64 {
        let reached = self.report.runs.first().map_or(0.0, |r| r.simulated_s);
        self.trace()
            .map_or(0.0, |t| reached.min(sim::time::to_s(t.to)))
    }
}

/// A run under way.
#[derive(Debug)]
struct Running {
    job: Job<Result<RunOutcome, String>>,
    /// Play from the start when it is done (a first run), or keep the
    /// place (a re-run).
    keep_place: bool,
    /// Whether the playback was playing when the re-run started.
    was_playing: bool,
}

/// The simulation as the app runs it.
#[derive(Debug, Default)]
pub struct Simulation {
    /// Run settings for this session.
    overrides: Overrides,
    what_ifs: Vec<WhatIf>,
    running: Option<Running>,
    outcome: Option<RunOutcome>,
    /// Why the last run could not be made.
    error: Option<String>,
    stale: bool,
    /// The (design revision, settings generation) staleness was checked at.
    checked: Option<(u64, u64)>,
    /// Bumped whenever settings or what-ifs change.
    generation: u64,
    /// Which instant is shown, and how fast it moves.
    pub playback: Playback,
}

impl Simulation {
    /// The run settings of this session.
    pub fn overrides(&self) -> &Overrides {
        &self.overrides
    }

    /// Changes the run settings; a shown run is re-run when the load
    /// changes (that is what the load slider is for), marked stale
    /// otherwise.
    pub fn set_overrides(&mut self, overrides: Overrides, design: &Design) {
        if overrides == self.overrides {
            return;
        }
        let rerun = overrides.load != self.overrides.load && self.outcome.is_some();
        self.overrides = overrides;
        self.generation += 1;
        if rerun {
            self.start(design);
        }
    }

    /// The what-if faults.
    pub fn what_ifs(&self) -> &[WhatIf] {
        &self.what_ifs
    }

    /// Adds a what-if fault, and re-runs when a run is shown.
    pub fn add_what_if(&mut self, what_if: WhatIf, design: &Design) {
        self.what_ifs.push(what_if);
        self.generation += 1;
        if self.outcome.is_some() {
            self.start(design);
        }
    }

    /// Removes what-if fault `i`.
    pub fn remove_what_if(&mut self, i: usize) {
        if i < self.what_ifs.len() {
            self.what_ifs.remove(i);
            self.generation += 1;
        }
    }

    /// Takes every what-if fault away (to keep them in the design).
    pub fn take_what_ifs(&mut self) -> Vec<WhatIf> {
        self.generation += 1;
        std::mem::take(&mut self.what_ifs)
    }

    /// The settings a run would use now.
    pub fn settings(&self, design: &Design) -> RunSettings {
        self.overrides.settings(&design.scenario)
    }

    /// Starts simulating `design` (with the what-if faults) on another
    /// thread; a run under way is cancelled.
    pub fn start(&mut self, design: &Design) {
        self.error = None;
        let problems = design.problems();
        if let Some(first) = problems.first() {
            self.error = Some(format!(
                "The design has {} problem{} to fix before it can run; the first: {first}",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" },
            ));
            return;
        }
        let design = what_if::with_faults(design, &self.what_ifs);
        let settings = self.settings(&design);
        let options = sim_options(&design, &settings);
        let workload = Workload {
            replications: options.replications,
            span_ns: sim::time::from_s(settings.duration_s + design.scenario.drain_s),
        };
        let spawned = Job::spawn("archsim-simulation", workload, move |control| {
            RunOutcome::compute(design, settings, SimOptions { control, ..options })
        });
        match spawned {
            Ok(job) => {
                self.running = Some(Running {
                    job,
                    keep_place: self.outcome.is_some(),
                    was_playing: self.playback.is_playing(),
                });
            }
            Err(e) => self.error = Some(format!("Cannot start the simulation: {e}")),
        }
    }

    /// Stops the run under way; what it simulated so far is kept.
    pub fn stop(&mut self) {
        if let Some(r) = &self.running {
            r.job.cancel();
        }
    }

    /// The fraction of the run under way that is done, if one is.
    pub fn progress(&self) -> Option<f32> {
        self.running.as_ref().map(|r| r.job.progress())
    }

    /// Why the last run could not be made.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The last run's outcome, current or not.
    pub fn outcome(&self) -> Option<&RunOutcome> {
        self.outcome.as_ref()
    }

    /// The last run's outcome, if it still describes the design.
    pub fn current(&self) -> Option<&RunOutcome> {
        self.outcome.as_ref().filter(|_| !self.stale)
    }

    /// The last run's outcome, whether it is stale, and the playback to
    /// move (the charts panel shows all three).
    pub fn shown_mut(&mut self) -> Option<(&RunOutcome, bool, &mut Playback)> {
        let outcome = self.outcome.as_ref()?;
        Some((outcome, self.stale, &mut self.playback))
    }

    /// Whether the last run no longer describes the design.
    pub fn is_stale(&self) -> bool {
        self.stale
    }

    /// Runs when there is nothing current to play, else plays.
    pub fn run_or_play(&mut self, design: &Design) {
        if self.current().is_some() {
            self.playback.play();
        } else if self.running.is_none() {
            self.start(design);
        }
    }

    /// Forgets everything but the playback speed: another document was
    /// opened.
    pub fn reset(&mut self) {
        let speed = self.playback.speed();
        *self = Self::default();
        self.playback.set_speed(speed);
    }

    /// Once a frame: picks up a finished run, moves the clock to wall time
    /// `now_s`, and checks whether the outcome still describes `design` at
    /// `revision`. Returns a message for the status bar, if any.
    pub fn frame(
        &mut self,
        ctx: &egui::Context,
        now_s: f64,
        design: &Design,
        revision: u64,
    ) -> Option<String> {
        let mut message = None;
        if let Some(running) = &self.running {
            ctx.request_repaint_after(Duration::from_millis(50));
            let (keep_place, was_playing) = (running.keep_place, running.was_playing);
            match running.job.poll() {
                Polled::Running => {}
                Polled::Done(Ok(outcome)) => {
                    self.running = None;
                    self.playback.load(outcome.end_s());
                    if outcome.was_stopped() {
                        message = Some(format!(
                            "Simulation stopped at {:.1} s: the results cover only that part.",
                            outcome.end_s()
                        ));
                    } else if !keep_place {
                        self.playback.rewind();
                        self.playback.play();
                    } else if was_playing {
                        self.playback.play();
                    }
                    self.outcome = Some(outcome);
                    self.checked = None;
                }
                Polled::Done(Err(e)) => {
                    self.running = None;
                    self.error = Some(e);
                }
                Polled::Lost => {
                    self.running = None;
                    self.error = Some("The simulation stopped unexpectedly (a bug in archsim); the design is unchanged.".into());
                }
            }
        }
        self.what_ifs
            .retain(|w| w.node().is_some_and(|n| design.node(n).is_some()));
        let key = (revision, self.generation);
        if self.checked != Some(key) {
            if self.checked.is_some_and(|(r, _)| r != revision) {
                // Why the design could not run is about a version that is gone.
                self.error = None;
            }
            self.checked = Some(key);
            self.stale = self.outcome.as_ref().is_some_and(|o| {
                o.settings != self.settings(design)
                    || !same_behaviour(&o.design, &what_if::with_faults(design, &self.what_ifs))
            });
        }
        if self.stale {
            self.playback.pause();
        } else if self.playback.tick(now_s) {
            ctx.request_repaint();
        }
        message
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library;

    #[test]
    fn moving_a_node_keeps_results_current_and_changing_it_does_not() {
        let a = library::example("fraud-check-blocking");
        let mut moved = a.clone();
        moved.nodes[1].pos.x += 50.0;
        moved.nodes[1].notes = "moved".into();
        assert!(same_behaviour(&a, &moved));
        let mut changed = a.clone();
        changed.links[1].latency = crate::model::Distribution::Constant { ms: 9.0 };
        assert!(!same_behaviour(&a, &changed));
    }

    #[test]
    fn options_record_the_whole_run_within_budgets() {
        let design = library::example("fraud-check-blocking");
        let settings = Overrides::default().settings(&design.scenario);
        assert_eq!(settings.seed, design.scenario.seed);
        let options = sim_options(&design, &settings);
        let Some(window) = options.trace else {
            panic!("the app always traces");
        };
        assert_eq!(
            window.to_s,
            design.scenario.duration_s + design.scenario.drain_s
        );
        assert_eq!(window.samples, 3600, "20 per second of 180 s");
        assert_eq!(options.series_buckets, Some(120));
    }
}
