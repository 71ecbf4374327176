//! `archsim study`: many simulations of one design to answer one review
//! question. `study capacity`: how much load before an objective breaks,
//! and what saturates first.

use std::path::PathBuf;

use archsim::model::{Design, NodeId};
use archsim::numbers::{self, Measure, difference, estimate, setting, value};
use archsim::report::json;
use archsim::sim::Limits;
use archsim::study::Runs;
use archsim::study::capacity::{self, Bound, CapacityOptions, CapacityStudy};
use archsim::study::chaos::{self, ChaosOptions, ChaosStudy, Outcome};
use archsim::study::sensitivity::{self, SensitivityOptions, SensitivityStudy};

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

/// How every simulation of the study runs, from the command line.
fn runs(scenario: &ScenarioArgs, replications: u32, limits: Limits) -> Runs {
    Runs {
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
        runs: runs(&args.scenario, args.replications, limits),
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
    let mut out = vec![
        format!(
            "{}: capacity, {} load points, {} replications each from seed {}{}",
            study.design,
            study.points.len(),
            study.replications,
            study.seed,
            if study.cancelled { " (cancelled)" } else { "" }
        ),
        String::new(),
    ];
    let mut t = Table::new(&["entry point", "capacity (multiple of the design's load)"]);
    for c in &study.capacities {
        t.row(vec![c.entry_point.clone(), c.describe()]);
    }
    out.extend(t.render());
    out.push(String::new());
    let mut t = Table::new(&[
        "load",
        "entry point",
        "offered/s",
        "delivered/s",
        "mean",
        "p50",
        "p99",
        "availability",
        "objectives",
    ]);
    for p in &study.points {
        for e in &p.entry_points {
            t.row(vec![
                format!("{}×", setting(p.load_multiplier)),
                e.entry_point.clone(),
                value(e.offered_per_s, Measure::Plain),
                estimate(e.throughput_per_s, Measure::Plain),
                estimate(e.mean_ms, Measure::Ms),
                estimate(e.p50_ms, Measure::Ms),
                estimate(e.p99_ms, Measure::Ms),
                estimate(e.availability, Measure::Percent),
                match (e.margins.is_empty(), e.meets) {
                    (true, _) => "–".into(),
                    (false, true) => "met".into(),
                    (false, false) => {
                        let missed: Vec<String> = e
                            .margins
                            .iter()
                            .filter(|m| !m.met())
                            .map(|m| capacity::objective_words(m.objective))
                            .collect();
                        format!("missed {}", missed.join(", "))
                    }
                },
            ]);
        }
    }
    out.extend(t.render());
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
        runs: runs(&args.scenario, args.replications, limits),
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
    if args.json {
        output::document(&json::to_string("sensitivity_study", &study));
    } else {
        for line in sensitivity_tables(&study, args.top) {
            outln!("{line}");
        }
    }
    EXIT_OK
}

/// The study as text: per entry point, its tornado.
fn sensitivity_tables(study: &SensitivityStudy, top: usize) -> Vec<String> {
    let change = setting(study.change * 100.0);
    let mut out = vec![format!(
        "{}: sensitivity, each factor {change} % slower and faster, {} replications each from seed {}",
        study.design, study.replications, study.seed
    )];
    for (i, base) in study.baseline.iter().enumerate() {
        out.push(String::new());
        out.push(format!(
            "{}: p99 {}, mean {}, availability {}",
            base.entry_point,
            estimate(base.p99_ms, Measure::Ms),
            estimate(base.mean_ms, Measure::Ms),
            estimate(base.availability, Measure::Percent)
        ));
        let mut ranked: Vec<_> = study.factors.iter().map(|f| (f, &f.effects[i])).collect();
        ranked.sort_by(|a, b| b.1.p99_swing_ms.abs().total_cmp(&a.1.p99_swing_ms.abs()));
        let mut t = Table::new(&[
            "factor",
            &format!("p99 +{change} %"),
            &format!("p99 −{change} %"),
            &format!("mean +{change} %"),
            &format!("availability +{change} %"),
        ]);
        for (factor, effect) in ranked.iter().take(top) {
            t.row(vec![
                format!("{} {}", factor.kind.words(), factor.name),
                difference(effect.slower.p99_ms, Measure::Ms),
                difference(effect.faster.p99_ms, Measure::Ms),
                difference(effect.slower.mean_ms, Measure::Ms),
                difference(effect.slower.availability, Measure::Percent),
            ]);
        }
        out.extend(t.render());
        if ranked.len() > top {
            out.push(format!(
                "  ... and {} more (--top, --json)",
                ranked.len() - top
            ));
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
        runs: runs(&args.scenario, args.replications, limits),
        at_s: args.at,
        for_s: args.for_s,
        slow_factor: args.slow_factor,
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
    if args.json {
        output::document(&json::to_string("chaos_study", &study));
    } else {
        for line in chaos_tables(&design, &study) {
            outln!("{line}");
        }
    }
    EXIT_OK
}

/// The study as text: the matrix (experiments × entry points), then what
/// broke, where it started and how long it took to be back.
fn chaos_tables(design: &Design, study: &ChaosStudy) -> Vec<String> {
    let mut out = vec![
        format!(
            "{}: chaos, each node down (then {}× slower) from {} for {}, {} replications each from seed {}",
            study.design,
            setting(study.slow_factor),
            numbers::setting_ms(study.at_s * 1e3),
            numbers::setting_ms(study.for_s * 1e3),
            study.replications,
            study.seed
        ),
        String::new(),
    ];
    let mut header = vec!["experiment".to_owned()];
    header.extend(study.baseline.iter().map(|b| b.entry_point.clone()));
    header.push("messages lost".to_owned());
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut t = Table::new(&header);
    for e in &study.experiments {
        let mut row = vec![e.label(study.slow_factor)];
        row.extend(e.cells.iter().map(|c| match c.outcome {
            Outcome::Broken => format!(
                "broken −{}",
                numbers::value(c.availability_drop.mean, Measure::Percent)
            ),
            Outcome::Delayed => {
                let by = if c.p99_ms.interval().0 > c.flow_p99_ms.interval().0 {
                    format!("p99 {}", numbers::difference(c.p99_ms, Measure::Ms))
                } else {
                    format!("done {}", numbers::difference(c.flow_p99_ms, Measure::Ms))
                };
                format!("delayed {by}")
            }
            Outcome::Unaffected => "·".to_owned(),
        }));
        row.push(if e.messages_lost.interval().0 > 0.0 {
            numbers::estimate(e.messages_lost, Measure::Count)
        } else {
            "·".to_owned()
        });
        t.row(row);
    }
    out.extend(t.render());
    let mut notes = Vec::new();
    for e in &study.experiments {
        for c in e.cells.iter().filter(|c| c.outcome != Outcome::Unaffected) {
            let answer_late = c.p99_ms.interval().0 > 0.0;
            let how = match (c.outcome, answer_late) {
                (Outcome::Delayed, false) => format!(
                    "answers on time, the work it sets off finishes later (p99 {})",
                    numbers::difference(c.flow_p99_ms, Measure::Ms)
                ),
                _ => {
                    let back = match c.back_after_s {
                        Some(s) if s <= 0.0 => "back to normal at once".to_owned(),
                        Some(s) => format!("back to normal {} after", numbers::duration(s * 1e3)),
                        None => "not back to normal by the end of the run".to_owned(),
                    };
                    let root = match &c.root_cause {
                        Some(node) => format!(
                            "; its failures start at {}",
                            design.display_name(&NodeId::new(node.as_str()))
                        ),
                        None => String::new(),
                    };
                    format!("{}, {back}{root}", c.outcome.as_str())
                }
            };
            notes.push(format!(
                "  {}: {} {how}",
                e.label(study.slow_factor),
                c.entry_point
            ));
        }
    }
    if !notes.is_empty() {
        out.push(String::new());
        out.extend(notes);
    }
    out
}
