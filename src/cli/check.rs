//! `archsim check`: validate designs and report their findings.
//!
//! Exit 0 when every file is valid and no finding reaches `--fail-on`,
//! 1 when some finding does, 2 when a file is invalid.

use std::path::{Path, PathBuf};

use archsim::analysis::{self, Severity};
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
    /// Print each finding's explanation and suggestions too.
    #[arg(long)]
    explain: bool,
    /// Print JSON (docs/cli-json.md) instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    time_limit: TimeLimit,
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
struct FileReport {
    file: String,
    valid: bool,
    /// Load and validation errors, `file:line:col: message` each.
    errors: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    analysis: Option<AnalysisView>,
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
        let report = check_one(path, args.simulate.then_some((limits, args.replications)));
        if !report.valid {
            code = EXIT_INVALID;
        } else if code == EXIT_OK
            && report
                .analysis
                .as_ref()
                .is_some_and(|a| a.findings.iter().any(|f| f.finding.severity >= threshold))
        {
            code = EXIT_FOUND;
        }
        if !args.json {
            print_text(path, &report, args.explain);
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

/// Loads, analyses and (with `simulate`'s limits and replications)
/// simulates one file.
fn check_one(path: &Path, simulate: Option<(Limits, u32)>) -> FileReport {
    let file = path.display().to_string();
    let design = match input::load(path) {
        Ok(d) => d,
        Err(e) => {
            return FileReport {
                file,
                valid: false,
                errors: input::error_lines(path, &e),
                analysis: None,
            };
        }
    };
    let mut analysis = analysis::analyse(&design);
    let mut errors = Vec::new();
    if let Some((limits, replications)) = simulate {
        match sim::simulate(
            &design,
            &SimOptions {
                series_buckets: Some(40),
                replications,
                limits,
                ..SimOptions::default()
            },
        ) {
            Ok(report) => analysis.extend(analysis::analyse_run(&design, &report)),
            Err(e) => errors.push(format!("{file}: cannot simulate: {e}")),
        }
    }
    FileReport {
        file,
        valid: errors.is_empty(),
        errors,
        analysis: Some(AnalysisView::new(&design, &analysis)),
    }
}

fn print_text(path: &Path, report: &FileReport, explain: bool) {
    for e in &report.errors {
        errln!("{e}");
    }
    let Some(analysis) = &report.analysis else {
        return;
    };
    let count = |s: Severity| {
        analysis
            .findings
            .iter()
            .filter(|f| f.finding.severity == s)
            .count()
    };
    outln!(
        "{}: valid; {} errors, {} warnings, {} info",
        path.display(),
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
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
