//! `archsim check`: validate designs and report their findings.
//!
//! Exit 0 when every file is valid and no finding reaches `--fail-on`,
//! 1 when some finding does (or, with `--slo`, an objective is missed), 2
//! when a file is invalid.

use std::path::{Path, PathBuf};

use archsim::analysis::slo::{self, ObjectiveResult};
use archsim::analysis::{self, Severity};
use archsim::numbers::count;
use archsim::report::json::{self, AnalysisView};
use archsim::sim::{self, Limits, SimOptions};
use serde::Serialize;

use super::output::{self, errln, outln};
use super::scenario_args::TimeLimit;
use super::{EXIT_FOUND, EXIT_INVALID, EXIT_OK, input, usage_error};

/// Arguments of `archsim check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Design files (or built-in example names) to check.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Exit 1 when a finding is at least this severe.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Also simulate each design and add the dynamic findings (saturation,
    /// blocked workers, growing queues, cascades).
    #[arg(long)]
    simulate: bool,
    /// With --simulate: independent runs (seeds seed, seed+1, ...). A
    /// dynamic finding is raised only when its effect clearly exceeds its
    /// threshold over them (the 95 % interval), so a gate does not cry
    /// wolf on one unlucky run.
    #[arg(long, short = 'r', default_value_t = 10, value_name = "R", value_parser = clap::value_parser!(u32).range(1..))]
    replications: u32,
    /// Simulate each design and judge the service-level objectives its
    /// entry points state (`objectives`): exit 1 when one is missed.
    #[arg(long)]
    slo: bool,
    /// With --slo: also simulate at this many times the design's load and
    /// exit 1 when an objective is missed there, i.e. when the capacity
    /// headroom is below the factor (1.5: room for 50 % more load).
    #[arg(long, value_name = "FACTOR", requires = "slo", value_parser = headroom_factor)]
    headroom: Option<f64>,
    /// Print each finding's explanation and suggestions too.
    #[arg(long)]
    explain: bool,
    /// Print JSON (docs/cli-json.md) instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    time_limit: TimeLimit,
}

/// A `--headroom` factor: a finite number ≥ 1.
fn headroom_factor(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(f) if f.is_finite() && f >= 1.0 => Ok(f),
        _ => Err(format!(
            "{text} is not a load factor ≥ 1 (1.5: room for 50 % more load)"
        )),
    }
}

/// The `--fail-on` threshold.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum FailOn {
    Info,
    Warning,
    Error,
}

impl From<FailOn> for Severity {
    fn from(f: FailOn) -> Self {
        match f {
            FailOn::Info => Severity::Info,
            FailOn::Warning => Severity::Warning,
            FailOn::Error => Severity::Error,
        }
    }
}

/// What `check` found in one file.
#[derive(Serialize)]
pub(super) struct FileReport {
    file: String,
    pub(super) valid: bool,
    /// Load and validation errors, `file:line:col: message` each.
    errors: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    analysis: Option<AnalysisView>,
    /// With `--slo`: every objective, judged at the design's load and at
    /// the `--headroom` factor.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    objectives: Vec<ObjectiveResult>,
}

/// What to simulate for one file.
#[derive(Debug, Clone, Copy)]
pub(super) struct Simulation {
    limits: Limits,
    replications: u32,
    /// Add the dynamic findings.
    findings: bool,
    /// Judge the objectives, at these load multipliers.
    slo: Option<f64>,
}

/// Checks every file; prints a report; returns the exit code.
pub fn run(args: &Args) -> u8 {
    let threshold = Severity::from(args.fail_on);
    let limits = match args.time_limit.limits() {
        Ok(l) => l,
        Err(e) => return usage_error(&e),
    };
    let mut code = EXIT_OK;
    let mut reports = Vec::new();
    for path in &args.files {
        let simulation = (args.simulate || args.slo).then_some(Simulation {
            limits,
            replications: args.replications,
            findings: args.simulate,
            slo: args.slo.then_some(args.headroom.unwrap_or(1.0)),
        });
        let report = check_one(path, simulation);
        if !report.valid {
            code = EXIT_INVALID;
        } else if code == EXIT_OK
            && (report
                .analysis
                .as_ref()
                .is_some_and(|a| a.findings.iter().any(|f| f.finding.severity >= threshold))
                || report.objectives.iter().any(|o| o.verdict.fails()))
        {
            code = EXIT_FOUND;
        }
        if !args.json {
            print_text(path, &report, args.explain, args.slo);
        }
        reports.push(report);
    }
    if args.json {
        #[derive(Serialize)]
        struct Body {
            fail_on: Severity,
            files: Vec<FileReport>,
        }
        output::document(&json::to_string(
            "check",
            &Body {
                fail_on: threshold,
                files: reports,
            },
        ));
    }
    code
}

/// Loads, analyses and (when asked) simulates one file: its dynamic
/// findings and its objectives.
pub(super) fn check_one(path: &Path, simulation: Option<Simulation>) -> FileReport {
    let file = path.display().to_string();
    let design = match input::load(path) {
        Ok(d) => d,
        Err(e) => {
            return FileReport {
                file,
                valid: false,
                errors: input::error_lines(path, &e),
                analysis: None,
                objectives: Vec::new(),
            };
        }
    };
    let mut analysis = analysis::analyse(&design);
    let mut errors = Vec::new();
    let mut objectives = Vec::new();
    if let Some(sim) = simulation {
        let run = |load_multiplier: f64| {
            sim::simulate(
                &design,
                &SimOptions {
                    series_buckets: Some(40),
                    replications: sim.replications,
                    load_multiplier,
                    limits: sim.limits,
                    ..SimOptions::default()
                },
            )
        };
        match run(1.0) {
            Ok(report) => {
                if sim.findings {
                    analysis.extend(analysis::analyse_run(&design, &report));
                }
                if sim.slo.is_some() {
                    objectives.extend(slo::evaluate(&design, &report));
                }
            }
            Err(e) => errors.push(format!("{file}: cannot simulate: {e}")),
        }
        if let Some(factor) = sim.slo.filter(|&f| f != 1.0) {
            match run(factor) {
                Ok(report) => objectives.extend(slo::evaluate(&design, &report)),
                Err(e) => errors.push(format!(
                    "{file}: cannot simulate at {}: {e}",
                    slo::load_words(factor)
                )),
            }
        }
    }
    FileReport {
        file,
        valid: errors.is_empty(),
        errors,
        analysis: Some(AnalysisView::new(&design, &analysis)),
        objectives,
    }
}

/// Prints what `check` found in one file, as its text output does.
pub(super) fn print_text(path: &Path, report: &FileReport, explain: bool, slo: bool) {
    for e in &report.errors {
        errln!("{e}");
    }
    let Some(analysis) = &report.analysis else {
        return;
    };
    let how_many = |s: Severity| {
        analysis
            .findings
            .iter()
            .filter(|f| f.finding.severity == s)
            .count()
    };
    outln!(
        "{}: valid; {}, {}, {} info",
        path.display(),
        count(how_many(Severity::Error), "error", "errors"),
        count(how_many(Severity::Warning), "warning", "warnings"),
        how_many(Severity::Info)
    );
    for f in &analysis.findings {
        let finding = &f.finding;
        outln!(
            "  {:<7}  {:<22}  {}",
            finding.severity.as_str(),
            finding.rule.id(),
            finding.title
        );
        if explain {
            for line in wrap(&finding.explanation, 88) {
                outln!("{:33}{line}", "");
            }
            for s in &finding.suggestions {
                outln!("{:33}suggest {}: {}", "", s.id, s.description);
            }
        }
    }
    if slo && report.objectives.is_empty() && report.errors.is_empty() {
        outln!(
            "  no objectives to judge: give an entry point `objectives: (p99_ms: 300, availability: 0.999)` (docs/file-format.md)"
        );
    }
    print_objectives(&report.objectives);
}

/// The objectives judged, grouped by the load they were judged at.
fn print_objectives(objectives: &[ObjectiveResult]) {
    let mut loads: Vec<f64> = objectives.iter().map(|o| o.load_multiplier).collect();
    loads.dedup();
    for load in loads {
        outln!("  objectives at {}:", slo::load_words(load));
        for o in objectives.iter().filter(|o| o.load_multiplier == load) {
            outln!("    {:<10}  {}", o.verdict.as_str(), o.describe());
        }
    }
}

/// Splits `text` into lines of at most `width` characters at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
