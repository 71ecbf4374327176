//! Designs as large and as oddly shaped as a file can make them (issue 16
//! targets): `check` on a million nodes and three million links in under
//! 10 s and 2 GB; a simulation of a 200,000-hop event chain with four
//! replications without error; 200,000-hop chains of every style and a
//! million clients through check, simulation, the layout and the report's
//! diagram.
//!
//! Run with `cargo bench --no-default-features --bench scale`. Each
//! benchmark also prints the design's size, what came out, and the peak
//! resident set (the design's own memory included, and printed apart).
//! "check" here is what `archsim check` does once the file is parsed:
//! validation and analysis (a file of this size is far over the 64 MiB a
//! design file may have).

#[path = "memory/mod.rs"]
mod memory;

use archsim::analysis;
use archsim::layout;
use archsim::library::{SyntheticSpec, stress, synthetic};
use archsim::model::{Design, Style};
use archsim::report::{self, Format, ReportOptions, Source};
use archsim::sim::{self, SimOptions};
use divan::Bencher;
use memory::{peak_rss_mb, reset_peak_rss};

fn main() {
    divan::main();
}

const STYLES: [Style; 4] = [
    Style::Sync,
    Style::AsyncRequest,
    Style::Event,
    Style::CommonData,
];

/// Runs `f` once outside the timing, printing the peak resident set it
/// reached next to the design's own.
fn measured<T>(what: &str, d: &Design, f: impl FnOnce() -> T, describe: impl Fn(&T) -> String) {
    reset_peak_rss();
    let design_mb = peak_rss_mb().unwrap_or(f64::NAN);
    let started = std::time::Instant::now();
    let out = f();
    let took = started.elapsed();
    let peak = peak_rss_mb().unwrap_or(f64::NAN);
    println!(
        "{what}: {} nodes, {} links; {}; {:.2} s; peak resident set {peak:.0} MB (the design and generator {design_mb:.0} MB)",
        d.nodes.len(),
        d.links.len(),
        describe(&out),
        took.as_secs_f64()
    );
}

/// What `archsim check` does with a parsed design.
fn check(d: &Design) -> analysis::Analysis {
    assert!(d.problems().is_empty(), "generated designs are valid");
    analysis::analyse(d)
}

fn findings(a: &analysis::Analysis) -> String {
    format!("{} findings", a.findings.len())
}

/// The mix of every style that the other benchmarks use, at a million
/// nodes (400,000 services; brokers and stores come with the events and
/// common data) and three million links.
fn million_nodes() -> Design {
    synthetic(&SyntheticSpec {
        services: 400_000,
        links: 3_000_000,
        ..SyntheticSpec::default()
    })
}

#[divan::bench(sample_count = 1, sample_size = 1)]
fn check_million_nodes_three_million_links(bencher: Bencher) {
    let d = million_nodes();
    measured("check, 1M nodes / 3M links", &d, || check(&d), findings);
    bencher.bench(|| check(&d));
}

#[divan::bench(sample_count = 1, sample_size = 1)]
fn check_million_clients(bencher: Bencher) {
    let d = stress::fan_in(1_000_000);
    measured("check, 1M clients", &d, || check(&d), findings);
    bencher.bench(|| check(&d));
}

#[divan::bench(args = STYLES, sample_count = 1, sample_size = 1)]
fn check_and_lay_out_chain_200k(bencher: Bencher, style: Style) {
    let d = stress::chain(style, 200_000);
    measured(
        &format!("check and layout, {style} chain of 200,000"),
        &d,
        || (check(&d), layout::layered(&d)),
        |(a, _)| findings(a),
    );
    bencher.bench(|| (check(&d), layout::layered(&d)));
}

fn simulate_4(d: &Design) -> sim::SimReport {
    let options = SimOptions {
        replications: 4,
        ..SimOptions::default()
    };
    let report = sim::simulate(d, &options).expect("simulates");
    assert!(
        report.warnings().is_empty(),
        "no limit was hit: {:?}",
        report.warnings()
    );
    report
}

fn runs(r: &sim::SimReport) -> String {
    let events: u64 = r.runs.iter().map(|i| i.events).sum();
    let e = &r.results.entry_points[0];
    format!(
        "{} replications, {events} events, {:.0} of {:.0} requests answered",
        r.replications, e.succeeded.mean, e.attempted.mean
    )
}

/// The figure: a 200,000-hop event chain, four replications.
#[divan::bench(sample_count = 1, sample_size = 1)]
fn simulate_event_chain_200k_4_replications(bencher: Bencher) {
    let d = stress::chain(Style::Event, 200_000);
    measured(
        "simulate, event chain of 200,000, -r 4",
        &d,
        || simulate_4(&d),
        runs,
    );
    bencher.bench(|| simulate_4(&d));
}

/// The other styles the same way (common data polls every second at each
/// hop, so its chain is crossed in 200,000 s: a shorter one).
#[divan::bench(args = [Style::Sync, Style::AsyncRequest], sample_count = 1, sample_size = 1)]
fn simulate_chain_200k_4_replications(bencher: Bencher, style: Style) {
    let d = stress::chain(style, 200_000);
    measured(
        &format!("simulate, {style} chain of 200,000, -r 4"),
        &d,
        || simulate_4(&d),
        runs,
    );
    bencher.bench(|| simulate_4(&d));
}

#[divan::bench(sample_count = 1, sample_size = 1)]
fn simulate_million_clients_4_replications(bencher: Bencher) {
    let d = stress::fan_in(1_000_000);
    measured("simulate, 1M clients, -r 4", &d, || simulate_4(&d), runs);
    bencher.bench(|| simulate_4(&d));
}

/// The report's diagram of the longest chain and of the widest fan-in.
#[divan::bench(args = ["chain", "clients"], sample_count = 1, sample_size = 1)]
fn report_diagram(bencher: Bencher, shape: &str) {
    let d = match shape {
        "chain" => stress::chain(Style::Sync, 200_000),
        _ => stress::fan_in(1_000_000),
    };
    let options = ReportOptions::new(Source {
        design: format!("{shape}.archsim.ron"),
        output: format!("{shape}.svg"),
        unsaved_changes: false,
        what_ifs: Vec::new(),
    });
    let svg = || report::generate(&d, Format::Svg, &options).expect("a diagram");
    measured(&format!("report diagram, {shape}"), &d, svg, |s| {
        format!("{} MB of SVG", s.len() / 1_000_000)
    });
    bencher.bench(svg);
}
