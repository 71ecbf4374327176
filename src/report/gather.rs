//! Everything a report says, gathered once and rendered in any format:
//! the design and where its nodes are drawn, the findings (static and
//! from the simulation), the simulation, and the suggestions measured.

use foldhash::HashSet;

use crate::advice::{self, Advice, Suggestion};
use crate::analysis::{self, Analysis, Severity};
use crate::model::{Design, NodeId, Position};
use crate::sim::{Limits, RunControl, SimOptions, SimReport};
use crate::study::{Kind, Runs, Studies, Study};

use super::ReportError;
use super::escape;
use super::format::Format;

/// Replications a report runs unless told otherwise: enough for 95 %
/// intervals that tell a real change from luck.
pub const DEFAULT_REPLICATIONS: u32 = 5;

/// Time buckets of the charts over the simulated duration.
pub const SERIES_BUCKETS: u32 = 60;

/// Suggestions a report measures unless told otherwise: those of the most
/// severe findings first. Each costs as many runs as the design itself, and
/// a large design can have hundreds.
pub const MAX_SUGGESTIONS: usize = 12;

/// Where the design came from, so the report can say how to make it
/// again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The design as the command line names it: a file path, or the name
    /// of a built-in example.
    pub design: String,
    /// The report's file name, as the command line names it.
    pub output: String,
    /// Whether the design had changes not saved to `design` (the app):
    /// the command then makes the report of the saved file.
    pub unsaved_changes: bool,
    /// The what-if faults the app had in force, in words: the design
    /// reported includes them, its file does not (so the command makes
    /// the report without them).
    pub what_ifs: Vec<String>,
}

/// How to make a report.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// Seed of the first replication (the scenario's when `None`).
    pub seed: Option<u64>,
    /// Seconds of arrivals (the scenario's when `None`).
    pub duration_s: Option<f64>,
    /// Replications of every simulation, the design's and each
    /// suggestion's.
    pub replications: u32,
    /// Most suggestions measured (the rest are listed, not measured).
    pub max_suggestions: usize,
    /// Where the design came from.
    pub source: Source,
    /// When the report was made, seconds since 1970 (UTC); `None` leaves
    /// the date out, so the same input gives the same bytes.
    pub generated_unix_s: Option<u64>,
    /// Cancel and progress, shared with a caller on another thread.
    pub control: RunControl,
    /// The limits of every simulation (a deadline stops the whole report
    /// in time, with what it measured so far).
    pub limits: Limits,
    /// Studies already run on the design (the app's Studies tab): the
    /// report includes them as they are.
    pub studies: Studies,
    /// Studies to run for the report (those not in `studies`), with its
    /// seed, duration and replications.
    pub run_studies: Vec<Kind>,
}

impl ReportOptions {
    /// The defaults for a design from `source`.
    pub fn new(source: Source) -> Self {
        Self {
            seed: None,
            duration_s: None,
            replications: DEFAULT_REPLICATIONS,
            max_suggestions: MAX_SUGGESTIONS,
            source,
            generated_unix_s: None,
            control: RunControl::default(),
            limits: Limits::default(),
            studies: Studies::default(),
            run_studies: Vec::new(),
        }
    }
}

/// A report's content, ready to render.
#[derive(Debug, Clone)]
pub struct Report {
    /// The design.
    pub design: Design,
    /// Where each node is drawn, in design order.
    pub positions: Vec<Position>,
    /// Whether `positions` come from the automatic layout because the
    /// design's own would put nodes on top of each other.
    pub laid_out: bool,
    /// The findings: static, and from the simulation of the design as it is.
    pub analysis: Analysis,
    /// The simulation of the design as it is, and the suggestions
    /// measured against it.
    pub advice: Advice,
    /// Suggestions left unmeasured (beyond [`ReportOptions::max_suggestions`]).
    pub unmeasured: Vec<Suggestion>,
    /// Most suggestions it measures.
    pub max_suggestions: usize,
    /// Where the design came from.
    pub source: Source,
    /// When it was made, seconds since 1970 (UTC).
    pub generated_unix_s: Option<u64>,
    /// The studies run of the design.
    pub studies: Studies,
}

/// How many simulations a report of `design` with `options` runs: the
/// design's and one per measured suggestion. Times the replications, that
/// is what the progress in [`RunControl::replications_done`] counts up to.
pub fn simulations_needed(design: &Design, options: &ReportOptions) -> u32 {
    if !design.problems().is_empty() {
        return 0;
    }
    let suggestions = advice::suggestions(&analysis::analyse(design)).len();
    let measured = suggestions.min(options.max_suggestions);
    let studies: usize = options
        .studies_to_run()
        .map(|kind| kind.simulations(design))
        .sum();
    u32::try_from(1 + measured + studies).unwrap_or(u32::MAX)
}

impl ReportOptions {
    /// The studies to run: those asked for and not given, each once, in
    /// the order of [`Kind::ALL`].
    fn studies_to_run(&self) -> impl Iterator<Item = Kind> + '_ {
        Kind::ALL
            .into_iter()
            .filter(|k| self.run_studies.contains(k) && !self.studies.has(*k))
    }
}

/// Where to draw the nodes: the design's positions, unless two nodes share
/// one (a design written by hand or by a program without positions); then
/// the automatic layout. Says which.
pub fn positions(design: &Design) -> (Vec<Position>, bool) {
    let mut seen: Vec<(u32, u32)> = design
        .nodes
        .iter()
        .map(|n| (n.pos.x.to_bits(), n.pos.y.to_bits()))
        .collect();
    seen.sort_unstable();
    let shared = seen.windows(2).any(|w| w[0] == w[1]);
    if shared {
        (crate::layout::layered(design), true)
    } else {
        (design.nodes.iter().map(|n| n.pos).collect(), false)
    }
}

/// Analyses and simulates `design`, measures every suggestion, and keeps
/// it all for rendering. Runs `replications × simulations_needed` runs.
pub fn build(design: &Design, options: &ReportOptions) -> Result<Report, ReportError> {
    let problems = design.problems();
    if !problems.is_empty() {
        return Err(ReportError::Invalid(problems));
    }
    let sim_options = SimOptions {
        seed: options.seed,
        duration_s: options.duration_s,
        replications: options.replications,
        series_buckets: Some(SERIES_BUCKETS),
        control: options.control.clone(),
        limits: options.limits,
        ..SimOptions::default()
    };
    let advice = advice::evaluate_at_most(design, &sim_options, options.max_suggestions)?;
    if runs_stopped(options) {
        return Err(ReportError::Cancelled);
    }
    let mut studies = options.studies.clone();
    for kind in options.studies_to_run() {
        let runs = Runs {
            replications: options.replications.max(2),
            seed: options.seed,
            duration_s: options.duration_s,
            limits: options.limits,
            control: options.control.clone(),
            shard: None,
        };
        let study =
            Study::run(kind, design, runs).map_err(|error| ReportError::Study { kind, error })?;
        studies.keep(study);
        if runs_stopped(options) {
            return Err(ReportError::Cancelled);
        }
    }
    let mut analysis = analysis::analyse(design);
    let unmeasured = advice.unmeasured.clone();
    analysis.extend(analysis::analyse_run(design, &advice.baseline));
    let (positions, laid_out) = positions(design);
    Ok(Report {
        design: design.clone(),
        positions,
        laid_out,
        analysis,
        advice,
        unmeasured,
        max_suggestions: options.max_suggestions,
        source: options.source.clone(),
        generated_unix_s: options.generated_unix_s,
        studies,
    })
}

/// Whether the report was cancelled while a study ran.
fn runs_stopped(options: &ReportOptions) -> bool {
    options
        .control
        .cancel
        .load(std::sync::atomic::Ordering::Relaxed)
}

impl Report {
    /// The simulation of the design as it is.
    pub fn simulation(&self) -> &SimReport {
        &self.advice.baseline
    }

    /// The command that makes this report again, in `format`.
    pub fn command(&self, format: Format) -> String {
        let sim = self.simulation();
        let mut command = format!(
            "archsim report {} -o {} --format {} --seed {} --duration {} --replications {}",
            escape::shell(&self.source.design),
            escape::shell(&self.source.output),
            format.name(),
            sim.seed,
            sim.duration_s,
            sim.replications
        );
        for kind in Kind::ALL.into_iter().filter(|k| self.studies.has(*k)) {
            command.push_str(&format!(" --study {}", kind.name()));
        }
        command
    }

    /// The command that runs the study of `kind` again on its own, with
    /// the seed, duration and replications it ran with; `None` when the
    /// report has no such study.
    pub fn study_command(&self, kind: Kind) -> Option<String> {
        let s = &self.studies;
        let (seed, duration_s, replications) = match kind {
            Kind::Capacity => s
                .capacity
                .as_ref()
                .map(|s| (s.seed, s.duration_s, s.replications)),
            Kind::Sensitivity => s
                .sensitivity
                .as_ref()
                .map(|s| (s.seed, s.duration_s, s.replications)),
            Kind::Chaos => s
                .chaos
                .as_ref()
                .map(|s| (s.seed, s.duration_s, s.replications)),
        }?;
        Some(format!(
            "archsim study {} {} --seed {seed} --duration {duration_s} --replications {replications}",
            kind.name(),
            escape::shell(&self.source.design),
        ))
    }

    /// Per node (design order): whether a finding at warning or above is
    /// about it.
    pub fn highlighted_nodes(&self) -> Vec<bool> {
        let involved: HashSet<&NodeId> = self.serious().flat_map(|f| &f.nodes).collect();
        self.design
            .nodes
            .iter()
            .map(|n| involved.contains(&n.id))
            .collect()
    }

    /// Per link (design order): whether a finding at warning or above is
    /// about it.
    pub fn highlighted_links(&self) -> Vec<bool> {
        let mut marked = vec![false; self.design.links.len()];
        for l in self.serious().flat_map(|f| &f.links) {
            if let Some(m) = marked.get_mut(l.0) {
                *m = true;
            }
        }
        marked
    }

    /// Findings at warning or above: the ones the diagram highlights.
    fn serious(&self) -> impl Iterator<Item = &analysis::Finding> {
        self.analysis.at_least(Severity::Warning)
    }
}
