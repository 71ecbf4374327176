//! `archsim suggest`: the refactorings for a design, each measured before
//! and after; or one of them applied.

use std::path::PathBuf;

use archsim::advice::{self, Change, Evaluation};
use archsim::analysis;
use archsim::model::{Design, file};
use archsim::numbers::{self, Measure};
use archsim::report::json;
use archsim::sim::SimOptions;

use super::output::{self, errln, outln};
use super::scenario_args::ScenarioArgs;
use super::{EXIT_INVALID, EXIT_OK, input, usage_error};

/// Arguments of `archsim suggest`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Design file (or built-in example name).
    file: PathBuf,
    /// Replications per simulation (same seeds before and after); two or
    /// more give confidence intervals.
    #[arg(long, short = 'r', default_value_t = 5, value_name = "R")]
    replications: u32,
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// Apply the suggestion with this id (as listed) instead of measuring;
    /// needs --output.
    #[arg(long, value_name = "ID", requires = "output")]
    apply: Option<String>,
    /// Where --apply writes the transformed design (canonical form).
    #[arg(long, short = 'o', value_name = "OUT")]
    output: Option<PathBuf>,
    /// Print JSON (docs/cli-json.md) instead of text.
    #[arg(long)]
    json: bool,
}

/// Measures (or applies) suggestions; exit 2 on invalid input.
pub fn run(args: &Args) -> u8 {
    let design = match input::load(&args.file) {
        Ok(d) => d,
        Err(e) => {
            input::report(&args.file, &e);
            return EXIT_INVALID;
        }
    };
    if let (Some(id), Some(out)) = (&args.apply, &args.output) {
        return apply(&design, id, out);
    }
    let limits = match args.scenario.time_limit.limits() {
        Ok(l) => l,
        Err(e) => return usage_error(&e),
    };
    let options = SimOptions {
        seed: args.scenario.seed,
        duration_s: args.scenario.duration,
        replications: args.replications,
        limits,
        ..SimOptions::default()
    };
    let advice = match advice::evaluate(&design, &options) {
        Ok(a) => a,
        Err(e) => {
            errln!("{}: {e}", args.file.display());
            return EXIT_INVALID;
        }
    };
    if !advice.unmeasured.is_empty() {
        errln!(
            "warning: the time limit ran out: {} of {} suggestions were not measured (raise --time-limit)",
            advice.unmeasured.len(),
            advice.unmeasured.len() + advice.evaluations.len()
        );
    }
    for w in advice.baseline.warnings() {
        errln!("warning: {}", w.message);
    }
    if args.json {
        output::document(&json::to_string("suggestions", &advice));
    } else {
        print_text(&args.file.display().to_string(), &advice);
    }
    EXIT_OK
}

fn apply(design: &Design, id: &str, out: &std::path::Path) -> u8 {
    let suggestions = advice::suggestions(&analysis::analyse(design));
    let Some(suggestion) = suggestions.iter().find(|s| s.id == id) else {
        errln!("no suggestion {id:?} for this design");
        if suggestions.is_empty() {
            errln!("the design has no suggestions");
        } else {
            errln!("its suggestions are:");
            for s in &suggestions {
                errln!("  {}", s.id);
            }
        }
        return EXIT_INVALID;
    };
    let changed = match suggestion.refactor.apply(design) {
        Ok(d) => d,
        Err(e) => {
            errln!("cannot apply {id}: {e}");
            return EXIT_INVALID;
        }
    };
    if let Err(e) = file::save(&changed, out) {
        errln!("{e}");
        return EXIT_INVALID;
    }
    outln!(
        "{}: {} ({})",
        out.display(),
        suggestion.description,
        suggestion.id
    );
    EXIT_OK
}

fn print_text(file: &str, advice: &advice::Advice) {
    outln!(
        "{file}: {}, each simulated with {} from seed {} and compared with the design as it is",
        numbers::count(advice.evaluations.len(), "suggestion", "suggestions"),
        numbers::count(advice.replications as usize, "replication", "replications"),
        advice.seed
    );
    outln!();
    for (rank, e) in advice.evaluations.iter().enumerate() {
        print_one(rank + 1, e);
    }
}

fn print_one(rank: usize, e: &Evaluation) {
    outln!("{rank}. {}  (benefit {:+.2})", e.suggestion.id, e.benefit);
    outln!("   {}", e.suggestion.description);
    for line in &e.better {
        outln!("   better: {line}");
    }
    for line in &e.worse {
        outln!("   worse:  {line}");
    }
    if !e.findings_resolved.is_empty() {
        outln!("   resolves: {}", e.findings_resolved.join(", "));
    }
    if !e.findings_introduced.is_empty() {
        outln!("   introduces: {}", e.findings_introduced.join(", "));
    }
    for entry in &e.entry_points {
        outln!(
            "   {:<20} p50 {}   p99 {}   availability {}   all work done p99 {}",
            entry.entry_point,
            ms(&entry.latency_p50_ms),
            ms(&entry.latency_p99_ms),
            percent(&entry.availability),
            ms(&entry.flow_completion_p99_ms),
        );
    }
    outln!();
}

fn ms(c: &Change) -> String {
    change(c, Measure::Ms)
}

fn percent(c: &Change) -> String {
    change(c, Measure::Percent)
}

/// `before → after (difference ± interval)`: the paired difference with
/// its sign, so a −63 ms change with a ±80 ms interval cannot read as no
/// change.
fn change(c: &Change, measure: Measure) -> String {
    if c.before.mean.is_nan() && c.after.mean.is_nan() {
        return "–".into();
    }
    format!(
        "{} ({})",
        numbers::before_after(c.before.mean, c.after.mean, measure),
        numbers::difference(c.difference, measure)
    )
}
