//! `archsim simulate`: run the simulation headless and print the results.

use std::path::PathBuf;

use archsim::report::json;
use archsim::sim::{self, Estimate, SimOptions, SimReport};
use archsim::terminal::one_line;

use super::output::{self, errln, outln};
use super::scenario_args::ScenarioArgs;
use super::{EXIT_INVALID, EXIT_OK, input, usage_error};

/// Arguments of `archsim simulate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Design file (or built-in example name).
    file: PathBuf,
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// Independent runs with seeds seed, seed+1, ...; two or more give 95 %
    /// confidence intervals.
    #[arg(long, short = 'r', default_value_t = 1, value_name = "R")]
    replications: u32,
    /// Multiply every arrival rate (and closed user count) by this factor.
    #[arg(long, default_value_t = 1.0, value_name = "FACTOR")]
    load: f64,
    /// Print JSON (schema in docs/cli-json.md) instead of tables.
    #[arg(long)]
    json: bool,
}

/// Simulates and prints; exit 2 when the design is invalid.
pub fn run(args: &Args) -> u8 {
    let design = match input::load(&args.file) {
        Ok(d) => d,
        Err(e) => {
            input::report(&args.file, &e);
            return EXIT_INVALID;
        }
    };
    let limits = match args.scenario.time_limit.limits() {
        Ok(l) => l,
        Err(e) => return usage_error(&e),
    };
    let options = SimOptions {
        seed: args.scenario.seed,
        duration_s: args.scenario.duration,
        replications: args.replications,
        load_multiplier: args.load,
        limits,
        ..SimOptions::default()
    };
    let report = match sim::simulate(&design, &options) {
        Ok(r) => r,
        Err(e) => {
            errln!("{}: {e}", args.file.display());
            return EXIT_INVALID;
        }
    };
    for w in report.warnings() {
        errln!("warning: {}", w.message);
    }
    if args.json {
        output::document(&json::to_string("simulation", &report));
    } else {
        for line in tables(&report) {
            outln!("{line}");
        }
    }
    EXIT_OK
}

/// The report as aligned text tables, line by line (each printed escaped,
/// so a name cannot break a table).
fn tables(r: &SimReport) -> Vec<String> {
    let events: u64 = r.runs.iter().map(|i| i.events).sum();
    let wall: f64 = r.runs.iter().map(|i| i.wall_ms).sum();
    let mut out = vec![
        r.design.clone(),
        format!(
            "simulated {} s of arrivals (first {} s not measured), seed {}, {} replication{}, {} events in {:.2} s of CPU",
            r.duration_s,
            r.warmup_s,
            r.seed,
            r.replications,
            if r.replications == 1 { "" } else { "s" },
            events,
            wall / 1e3
        ),
        String::new(),
    ];
    let mut t = Table::new(&[
        "entry point",
        "attempted",
        "succeeded",
        "availability",
        "p50 ms",
        "p99 ms",
        "flow p99 ms",
        "failures",
    ]);
    for e in &r.results.entry_points {
        let failures: Vec<String> = e
            .failed
            .by_cause()
            .into_iter()
            .filter(|(_, v)| v.mean > 0.0)
            .map(|(k, v)| format!("{k} {}", count(v)))
            .collect();
        t.row(vec![
            e.name.clone(),
            count(&e.attempted),
            count(&e.succeeded),
            percent(&e.availability),
            number(&e.latency_ms.p50),
            number(&e.latency_ms.p99),
            number(&e.flow_completion_ms.p99),
            failures.join(", "),
        ]);
    }
    out.extend(t.render());
    let mut t = Table::new(&[
        "service",
        "occupancy",
        "utilisation",
        "blocked",
        "mean queue",
        "max queue",
        "queue at end",
        "arrivals/s",
    ]);
    for s in &r.results.services {
        t.row(vec![
            s.node.clone(),
            percent(&s.occupancy),
            percent(&s.utilisation),
            percent(&s.blocked_share),
            number(&s.mean_queue),
            number(&s.max_queue),
            number(&s.queue_at_end),
            number(&s.arrival_rate_per_s),
        ]);
    }
    out.push(String::new());
    out.extend(t.render());
    let mut t = Table::new(&[
        "link",
        "messages",
        "max in flight",
        "timeouts",
        "errors",
        "retries",
        "lost",
    ]);
    for l in &r.results.links {
        t.row(vec![
            l.link.clone(),
            count(&l.messages),
            count(&l.max_in_flight),
            count(&l.timeouts),
            count(&l.errors),
            count(&l.retries),
            count(&l.lost),
        ]);
    }
    out.push(String::new());
    out.extend(t.render());
    if !r.results.brokers.is_empty() {
        let mut t = Table::new(&[
            "broker",
            "events",
            "requests",
            "mean backlog",
            "max backlog",
            "backlog at end",
            "dead-lettered",
        ]);
        for b in &r.results.brokers {
            t.row(vec![
                b.node.clone(),
                count(&b.published),
                count(&b.requests),
                number(&b.mean_backlog),
                count(&b.max_backlog),
                number(&b.backlog_at_end),
                count(&b.dead_lettered),
            ]);
        }
        out.push(String::new());
        out.extend(t.render());
    }
    out
}

fn with_ci(e: &Estimate, text: impl Fn(f64) -> String) -> String {
    if e.mean.is_nan() {
        return "-".into();
    }
    match e.ci95 {
        Some(h) => format!("{} ±{}", text(e.mean), text(h)),
        None => text(e.mean),
    }
}

fn count(e: &Estimate) -> String {
    with_ci(e, |v| format!("{v:.0}"))
}

fn number(e: &Estimate) -> String {
    with_ci(e, |v| {
        if v.abs() >= 100.0 {
            format!("{v:.0}")
        } else if v.abs() >= 10.0 {
            format!("{v:.1}")
        } else {
            format!("{v:.2}")
        }
    })
}

fn percent(e: &Estimate) -> String {
    with_ci(e, |v| format!("{:.2}%", v * 100.0))
}

/// A plain text table with columns sized to their content.
struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    fn new(header: &[&str]) -> Self {
        Self {
            rows: vec![header.iter().map(|h| (*h).to_owned()).collect()],
        }
    }

    fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The table's lines, columns padded to the widest cell as it will
    /// be printed (escaped).
    fn render(&self) -> Vec<String> {
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|s| one_line(s).chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        self.rows
            .iter()
            .map(|row| {
                let cells: Vec<String> = row
                    .iter()
                    .zip(&widths)
                    .map(|(cell, w)| format!("{:<w$}", one_line(cell)))
                    .collect();
                cells.join("  ").trim_end().to_owned()
            })
            .collect()
    }
}
