//! `archsim study`: many simulations of one design to answer one review
//! question. `study capacity`: how much load before an objective breaks,
//! and what saturates first.

use std::path::PathBuf;

use archsim::numbers::setting;
use archsim::report::content::studies;
use archsim::report::json;
use archsim::sim::Limits;
use archsim::study::Runs;
use archsim::study::capacity::{self, Bound, CapacityOptions, CapacityStudy};
use archsim::study::chaos::{self, ChaosOptions, ChaosStudy};
use archsim::study::sensitivity::{self, SensitivityOptions, SensitivityStudy};
use archsim::study::shard::{self, Divided, Part, RawPart, Shard};

use super::output::{self, errln, outln};
use super::scenario_args::ScenarioArgs;
use super::table::Table;
use super::{EXIT_FOUND, EXIT_INVALID, EXIT_OK, usage_error};

/// Arguments of `archsim study`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    study: Study,
}

#[derive(Debug, clap::Subcommand)]
enum Study {
    /// Find the highest load each entry point takes while it meets its
    /// objectives (or, without objectives, keeps up with what it is
    /// offered), the objective that breaks first and the busiest
    /// resource there; print the curves of throughput, latency and
    /// availability against load. Exit 1 with --headroom when an entry
    /// point has less.
    Capacity(CapacityArgs),
    /// Make each service's own work, each store's latency and each link's
    /// latency in turn slower and faster (±20 %), with the same seeds, and
    /// rank them by how much they move each entry point's p99 latency and
    /// availability: which one matters most.
    Sensitivity(SensitivityArgs),
    /// Crash each service, data store and broker in turn for a window,
    /// then slow it down, with the same seeds: which entry points break
    /// (lose availability) or are only delayed, by how much, for how long
    /// after the window, and where their failures started; a matrix.
    Chaos(ChaosArgs),
    /// Put the parts of a study run with --shard K/N back together: the
    /// study exactly as one run makes it (tables, or --json).
    Merge(MergeArgs),
}

/// Arguments of `archsim study merge`.
#[derive(Debug, clap::Args)]
struct MergeArgs {
    /// The parts (the JSON --shard printed), in any order: every one of
    /// the N, once.
    #[arg(required = true, value_name = "PART")]
    parts: Vec<PathBuf>,
    /// Show this many factors per entry point of a sensitivity study (all
    /// of them in JSON).
    #[arg(long, default_value_t = 10, value_name = "N")]
    top: usize,
    /// Print JSON (docs/cli-json.md) instead of tables.
    #[arg(long)]
    json: bool,
}

/// Arguments of `archsim study chaos`.
#[derive(Debug, clap::Args)]
struct ChaosArgs {
    /// Design file (or built-in example name).
    file: PathBuf,
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// Replications per experiment, the same seeds for all.
    #[arg(long, short = 'r', default_value_t = 5, value_name = "R", value_parser = clap::value_parser!(u32).range(2..))]
    replications: u32,
    /// When each fault starts, seconds into the run (default: a quarter of
    /// the measured time after the warm-up).
    #[arg(long, value_name = "SECONDS")]
    at: Option<f64>,
    /// How long each fault lasts, seconds (default: a quarter of the
    /// measured time).
    #[arg(long = "for", value_name = "SECONDS")]
    for_s: Option<f64>,
    /// How many times slower a slowed-down node works.
    #[arg(long, default_value_t = 5.0, value_name = "FACTOR")]
    slow_factor: f64,
    /// Also crash every pair of nodes together (n·(n−1)/2 more
    /// experiments): what survives one loss but not two.
    #[arg(long)]
    pairs: bool,
    /// Run only part K of N of the variants (every N-th, from the K-th)
    /// and print it as JSON, for `archsim study merge` to put together
    /// with the other parts: a large study as independent jobs.
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    /// Print JSON (docs/cli-json.md) instead of tables.
    #[arg(long)]
    json: bool,
}

/// Arguments of `archsim study sensitivity`.
#[derive(Debug, clap::Args)]
struct SensitivityArgs {
    /// Design file (or built-in example name).
    file: PathBuf,
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// Replications per variant, the same seeds for all.
    #[arg(long, short = 'r', default_value_t = 5, value_name = "R", value_parser = clap::value_parser!(u32).range(2..))]
    replications: u32,
    /// How much slower and faster, percent.
    #[arg(long, default_value_t = 20.0, value_name = "PERCENT")]
    change: f64,
    /// Show this many factors per entry point in the text output (all of
    /// them in JSON).
    #[arg(long, default_value_t = 10, value_name = "N")]
    top: usize,
    /// Run only part K of N of the variants (every N-th, from the K-th)
    /// and print it as JSON, for `archsim study merge` to put together
    /// with the other parts: a large study as independent jobs.
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    /// Print JSON (docs/cli-json.md) instead of tables.
    #[arg(long)]
    json: bool,
}

/// Arguments of `archsim study capacity`.
#[derive(Debug, clap::Args)]
struct CapacityArgs {
    /// Design file (or built-in example name).
    file: PathBuf,
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// Replications per load point, the same seeds at every point.
    #[arg(long, short = 'r', default_value_t = 5, value_name = "R", value_parser = clap::value_parser!(u32).range(2..))]
    replications: u32,
    /// Most load points to simulate: doubling from the design's load until
    /// an objective breaks, then bisection near the knee.
    #[arg(long, default_value_t = 12, value_name = "N", value_parser = clap::value_parser!(u32).range(2..))]
    points: u32,
    /// Highest multiple of the design's load to try.
    #[arg(long, default_value_t = 16.0, value_name = "FACTOR")]
    max_load: f64,
    /// Exit 1 when an entry point's capacity (the low end of its interval)
    /// is below this multiple of the design's load (1.5: room for 50 %
    /// more load).
    #[arg(long, value_name = "FACTOR")]
    headroom: Option<f64>,
    /// Print JSON (docs/cli-json.md) instead of tables.
    #[arg(long)]
    json: bool,
}

/// The JSON kind of a sensitivity study.
const SENSITIVITY: &str = "sensitivity_study";
/// The JSON kind of a chaos study.
const CHAOS: &str = "chaos_study";

/// Merges `parts` as parts of `kind`; says what is wrong otherwise.
fn merged<S: Divided>(parts: Vec<RawPart>, kind: &str) -> Result<S, u8> {
    let fail = |e: &dyn std::fmt::Display| {
        errln!("error: {e}");
        EXIT_INVALID
    };
    let parts = parts
        .into_iter()
        .map(|p| p.into_part::<S>(&shard::part_kind(kind)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| fail(&e))?;
    shard::merge(parts).map_err(|e| fail(&e))
}

fn run_merge(args: &MergeArgs) -> u8 {
    let mut parts = Vec::new();
    for path in &args.parts {
        match RawPart::read(path) {
            Ok(part) => parts.push(part),
            Err(e) => {
                errln!("error: {e}");
                return EXIT_INVALID;
            }
        }
    }
    match parts.first().and_then(RawPart::study) {
        Some("sensitivity") => match merged::<SensitivityStudy>(parts, SENSITIVITY) {
            Ok(study) if args.json => output::document(&json::to_string(SENSITIVITY, &study)),
            Ok(study) => {
                for line in sensitivity_tables(&study, args.top) {
                    outln!("{line}");
                }
            }
            Err(code) => return code,
        },
        Some("chaos") => match merged::<ChaosStudy>(parts, CHAOS) {
            Ok(study) if args.json => output::document(&json::to_string(CHAOS, &study)),
            Ok(study) => {
                for line in chaos_tables(&study) {
                    outln!("{line}");
                }
            }
            Err(code) => return code,
        },
        _ => {
            errln!(
                "error: {}: not a part of a study: make parts with archsim study sensitivity|chaos FILE --shard K/N",
                args.parts[0].display()
            );
            return EXIT_INVALID;
        }
    }
    EXIT_OK
}

/// How every simulation of the study runs, from the command line.
fn runs(scenario: &ScenarioArgs, replications: u32, limits: Limits, shard: Option<Shard>) -> Runs {
    Runs {
        shard,
        replications,
        seed: scenario.seed,
        duration_s: scenario.duration,
        limits,
        ..Runs::default()
    }
}

/// Runs the study asked for; returns the exit code.
pub fn run(args: &Args) -> u8 {
    match &args.study {
        Study::Capacity(a) => run_capacity(a),
        Study::Sensitivity(a) => run_sensitivity(a),
        Study::Chaos(a) => run_chaos(a),
        Study::Merge(a) => run_merge(a),
    }
}

fn run_capacity(args: &CapacityArgs) -> u8 {
    if !(args.max_load.is_finite() && args.max_load >= 1.0) {
        return usage_error(&format!(
            "--max-load must be a multiple of the design's load ≥ 1, not {}",
            args.max_load
        ));
    }
    if let Some(h) = args.headroom.filter(|h| !(h.is_finite() && *h > 0.0)) {
        return usage_error(&format!(
            "--headroom must be a positive multiple of the design's load, not {h}"
        ));
    }
    let (design, limits) = match args.scenario.design_and_limits(&args.file) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let options = CapacityOptions {
        runs: runs(&args.scenario, args.replications, limits, None),
        max_points: args.points,
        max_load: args.max_load,
        ..CapacityOptions::default()
    };
    let study = match capacity::capacity(&design, &options) {
        Ok(s) => s,
        Err(e) => {
            errln!("{}: {e}", args.file.display());
            return EXIT_INVALID;
        }
    };
    for w in &study.warnings {
        errln!("warning: {w}");
    }
    if args.json {
        output::document(&json::to_string("capacity_study", &study));
    } else {
        for line in capacity_tables(&study) {
            outln!("{line}");
        }
    }
    let short = args
        .headroom
        .map(|h| short_of(&study, h))
        .unwrap_or_default();
    for name in &short {
        errln!(
            "{name}: less capacity than --headroom {}× the design's load",
            setting(args.headroom.unwrap_or(1.0))
        );
    }
    if short.is_empty() {
        EXIT_OK
    } else {
        EXIT_FOUND
    }
}

/// The entry points whose capacity may be below `headroom`.
fn short_of(study: &CapacityStudy, headroom: f64) -> Vec<&str> {
    study
        .capacities
        .iter()
        .filter(|c| match c.bound {
            Bound::NotJudged => false,
            Bound::Below => true,
            Bound::Found | Bound::AtLeast => c.low < headroom,
        })
        .map(|c| c.entry_point.as_str())
        .collect()
}

/// The study as text: the capacities, then the curves.
fn capacity_tables(study: &CapacityStudy) -> Vec<String> {
    let mut out = vec![studies::capacity_heading(study), String::new()];
    out.extend(Table::of(&studies::capacities(study)).render());
    out.push(String::new());
    out.extend(Table::of(&studies::capacity_curve(study)).render());
    out
}

fn run_sensitivity(args: &SensitivityArgs) -> u8 {
    if !(args.change > 0.0 && args.change < 100.0) {
        return usage_error(&format!(
            "--change must be a percentage between 0 and 100, not {}",
            args.change
        ));
    }
    let (design, limits) = match args.scenario.design_and_limits(&args.file) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let options = SensitivityOptions {
        runs: runs(&args.scenario, args.replications, limits, args.shard),
        change: args.change / 100.0,
    };
    let study = match sensitivity::sensitivity(&design, &options) {
        Ok(s) => s,
        Err(e) => {
            errln!("{}: {e}", args.file.display());
            return EXIT_INVALID;
        }
    };
    if study.cancelled {
        errln!("warning: out of time: the factors not simulated are left out (--time-limit)");
    }
    if let Some(shard) = args.shard {
        let part = Part {
            shard,
            variants: sensitivity::variants(&design),
            design_crc32: shard::digest(&design),
            study,
        };
        output::document(&json::to_string(&shard::part_kind(SENSITIVITY), &part));
    } else if args.json {
        output::document(&json::to_string(SENSITIVITY, &study));
    } else {
        for line in sensitivity_tables(&study, args.top) {
            outln!("{line}");
        }
    }
    EXIT_OK
}

/// The study as text: per entry point, its tornado.
fn sensitivity_tables(study: &SensitivityStudy, top: usize) -> Vec<String> {
    let mut out = vec![studies::sensitivity_heading(study)];
    for i in 0..study.baseline.len() {
        out.push(String::new());
        out.extend(studies::sensitivity_baseline(study, i));
        out.extend(Table::of(&studies::tornado(study, i, top)).render());
        let more = study.factors.len().saturating_sub(top);
        if more > 0 {
            out.push(format!("  ... and {more} more (--top, --json)"));
        }
    }
    out
}

fn run_chaos(args: &ChaosArgs) -> u8 {
    let (design, limits) = match args.scenario.design_and_limits(&args.file) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let options = ChaosOptions {
        runs: runs(&args.scenario, args.replications, limits, args.shard),
        at_s: args.at,
        for_s: args.for_s,
        slow_factor: args.slow_factor,
        pairs: args.pairs,
    };
    let study = match chaos::chaos(&design, &options) {
        Ok(s) => s,
        Err(e) => {
            errln!("{}: {e}", args.file.display());
            return EXIT_INVALID;
        }
    };
    if study.cancelled {
        errln!("warning: out of time: the experiments not simulated are left out (--time-limit)");
    }
    if let Some(shard) = args.shard {
        let part = Part {
            shard,
            variants: chaos::variants(&design, args.pairs),
            design_crc32: shard::digest(&design),
            study,
        };
        output::document(&json::to_string(&shard::part_kind(CHAOS), &part));
    } else if args.json {
        output::document(&json::to_string(CHAOS, &study));
    } else {
        for line in chaos_tables(&study) {
            outln!("{line}");
        }
    }
    EXIT_OK
}

/// The study as text: the matrix (experiments × entry points), then what
/// broke, where it started and how long it took to be back.
fn chaos_tables(study: &ChaosStudy) -> Vec<String> {
    let mut out = vec![studies::chaos_heading(study), String::new()];
    out.extend(Table::of(&studies::chaos_matrix(study)).render());
    let notes = studies::chaos_notes(study);
    if !notes.is_empty() {
        out.push(String::new());
        out.extend(notes.into_iter().map(|n| format!("  {n}")));
    }
    out
}
