//! `archsim simulate`: run the simulation headless and print the results.

use std::path::PathBuf;

use archsim::import::Format;
use archsim::model::{Design, NodeId};
use archsim::numbers::{self, Measure};
use archsim::report::json;
use archsim::sim::{self, Estimate, SimOptions, SimReport};

use super::output::{self, errln, outln};
use super::scenario_args::ScenarioArgs;
use super::table::Table;
use super::{EXIT_INVALID, EXIT_OK};

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
    /// Write the first run's requests as traces to this file (OTLP JSON
    /// lines by default), to open in Jaeger or Grafana Tempo, or to
    /// `archsim import` back.
    #[arg(long, value_name = "FILE")]
    traces_out: Option<PathBuf>,
    /// The format of --traces-out: otlp, jaeger or zipkin.
    #[arg(long, value_name = "FORMAT", default_value = "otlp", value_parser = parse_traces_format, requires = "traces_out")]
    traces_format: Format,
}

/// The most spans `--traces-out` writes (about 200 bytes each in memory).
const MOST_SPANS: usize = 2_000_000;

fn parse_traces_format(name: &str) -> Result<Format, String> {
    Format::from_name(name)
        .ok_or_else(|| format!("no trace format {name:?}: use otlp, jaeger or zipkin"))
}

/// Simulates and prints; exit 2 when the design is invalid.
pub fn run(args: &Args) -> u8 {
    let (design, limits) = match args.scenario.design_and_limits(&args.file) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let options = SimOptions {
        seed: args.scenario.seed,
        duration_s: args.scenario.duration,
        replications: args.replications,
        load_multiplier: args.load,
        limits,
        spans: args.traces_out.as_ref().map(|_| MOST_SPANS),
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
    if let (Some(path), Some(spans)) = (&args.traces_out, &report.spans)
        && let Err(code) = write_traces(path, &design, spans, args.traces_format)
    {
        return code;
    }
    if args.json {
        output::document(&json::to_string("simulation", &report));
    } else {
        for line in tables(&design, &report) {
            outln!("{line}");
        }
    }
    EXIT_OK
}

/// Writes the run's spans to `path`; says how many, and how many did
/// not fit.
fn write_traces(
    path: &std::path::Path,
    design: &Design,
    spans: &sim::SimSpans,
    format: Format,
) -> Result<(), u8> {
    let mut bytes = Vec::new();
    if let Err(e) = archsim::report::traces::write(design, spans, format, &mut bytes)
        .and_then(|()| archsim::model::file::write_atomically(path, &bytes))
    {
        errln!("{}: cannot write: {e}", path.display());
        return Err(EXIT_INVALID);
    }
    errln!(
        "wrote {} of the first run as {} to {}",
        numbers::count(spans.spans.len(), "span", "spans"),
        format.label(),
        path.display()
    );
    if spans.dropped > 0 {
        errln!(
            "warning: {} more spans were not recorded (at most {MOST_SPANS}); shorten the run with --duration",
            spans.dropped
        );
    }
    Ok(())
}

/// The report as aligned text tables, line by line (each printed escaped,
/// so a name cannot break a table). Nodes by their display names.
fn tables(design: &Design, r: &SimReport) -> Vec<String> {
    let name = |id: &str| design.display_name(&NodeId::new(id)).to_owned();
    let events: u64 = r.runs.iter().map(|i| i.events).sum();
    let wall: f64 = r.runs.iter().map(|i| i.wall_ms).sum();
    let mut out = vec![
        r.design.clone(),
        format!(
            "simulated {} of arrivals (first {} not measured), seed {}, {}, {} in {} of CPU",
            numbers::setting_ms(r.duration_s * 1e3),
            numbers::setting_ms(r.warmup_s * 1e3),
            r.seed,
            numbers::count(r.replications as usize, "replication", "replications"),
            numbers::count(events as usize, "event", "events"),
            numbers::duration(wall)
        ),
        String::new(),
    ];
    let mut t = Table::new(&[
        "entry point",
        "attempted",
        "succeeded",
        "availability",
        "p50",
        "p99",
        "flow p99",
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
            ms(&e.latency_ms.p50),
            ms(&e.latency_ms.p99),
            ms(&e.flow_completion_ms.p99),
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
            name(&s.node),
            percent(&s.occupancy),
            percent(&s.utilisation),
            percent(&s.blocked_share),
            number(&s.mean_queue),
            count(&s.max_queue),
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
    for (link, l) in design.links.iter().zip(&r.results.links) {
        t.row(vec![
            match &link.name {
                Some(n) => format!(
                    "{} → {} ({n})",
                    name(link.from.as_str()),
                    name(link.to.as_str())
                ),
                None => format!("{} → {}", name(link.from.as_str()), name(link.to.as_str())),
            },
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
                name(&b.node),
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

/// A count: `5519 ±117` is written `5519 ± 117`, as everywhere.
fn count(e: &Estimate) -> String {
    numbers::estimate(e, Measure::Count)
}

/// A mean or rate.
fn number(e: &Estimate) -> String {
    numbers::estimate(e, Measure::Plain)
}

/// A fraction as a percentage.
fn percent(e: &Estimate) -> String {
    numbers::estimate(e, Measure::Percent)
}

/// A latency.
fn ms(e: &Estimate) -> String {
    numbers::estimate(e, Measure::Ms)
}
