//! Simulation engine speed and memory (issue targets: at least 10 million
//! events per second on one core on a busy multi-service design; a design of
//! 1,000 services and 3,000 links through 1 million requests in under 10 s
//! and 300 MB, memory not growing with duration; every shipped example in
//! well under a second).
//!
//! The two textbook models, M/M/1 and five M/M/1 stations in tandem, run
//! side by side with the same model hand-written on desque (the fastest
//! bare Rust DES library, see `yardstick`), with customers per second as
//! the counter: the issue's target is that archsim, with all its
//! statistics, simulates at least as many customers per second.
//!
//! Run with `cargo bench --no-default-features --bench engine`. Each
//! benchmark prints events or customers per second (divan's item counter)
//! and, where memory matters, the process's peak resident set.

use std::path::Path;

use archsim::library::{self, SyntheticSpec, synthetic};
use archsim::model::{Design, file};
use archsim::sim::{self, SimOptions};
use divan::Bencher;
use divan::counter::ItemsCount;

#[path = "memory/mod.rs"]
mod memory;
#[path = "yardstick/mod.rs"]
mod yardstick;
use memory::{peak_rss_mb, reset_peak_rss};

fn main() {
    divan::main();
}

fn multi_service() -> Design {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/multi-service.archsim.ron");
    let mut d = file::load(&path).expect("the oracle model loads");
    d.scenario.duration_s = 300.0;
    d
}

/// Events in one run, to turn time per run into events per second.
fn events(d: &Design) -> u64 {
    sim::simulate(d, &SimOptions::default())
        .expect("valid")
        .runs[0]
        .events
}

/// One core, a design that uses every style: events per second.
#[divan::bench(sample_count = 10)]
fn busy_multi_service(bencher: Bencher) {
    let d = multi_service();
    let n = events(&d);
    bencher
        .counter(ItemsCount::new(n))
        .bench(|| sim::simulate(&d, &SimOptions::default()).expect("valid"));
}

/// 1,000 services, 3,000 links, 1 million requests.
#[divan::bench(sample_count = 3)]
fn thousand_services_million_requests(bencher: Bencher) {
    let mut d = synthetic(&SyntheticSpec::default());
    d.scenario.warmup_s = 0.0;
    d.scenario.duration_s = 1_000_000.0 / SyntheticSpec::default().rate_per_s;
    reset_peak_rss();
    let n = events(&d);
    if let Some(mb) = peak_rss_mb() {
        println!("thousand_services_million_requests: {n} events, peak resident set {mb:.0} MB");
    }
    bencher
        .counter(ItemsCount::new(n))
        .bench(|| sim::simulate(&d, &SimOptions::default()).expect("valid"));
}

/// The same design for 1x and 4x the duration: the peak resident set must
/// not grow with it (histograms, not logs).
#[divan::bench(sample_count = 1)]
fn memory_does_not_grow_with_duration(bencher: Bencher) {
    let mut d = synthetic(&SyntheticSpec::default());
    for seconds in [1_000.0, 4_000.0] {
        d.scenario.duration_s = seconds;
        reset_peak_rss();
        let n = events(&d);
        if let Some(mb) = peak_rss_mb() {
            println!(
                "memory_does_not_grow_with_duration: {seconds} s, {n} events, peak resident set {mb:.0} MB"
            );
        }
    }
    bencher.bench(|| sim::simulate(&d, &SimOptions::default()).expect("valid"));
}

/// Every shipped example at its default settings.
#[divan::bench(args = library::EXAMPLES.iter().map(|e| e.slug), sample_count = 5)]
fn shipped_example(bencher: Bencher, slug: &str) {
    let d = library::find(slug)
        .expect("exists")
        .design()
        .expect("loads");
    bencher.bench(|| sim::simulate(&d, &SimOptions::default()).expect("valid"));
}

/// Arrivals per second and mean service time of the textbook models: the
/// M/M/1 at ρ = 0.8, the tandem at ρ = 0.5 at each of its stations.
const MM1: (f64, f64) = (8.0, 100.0);
const TANDEM: (f64, f64) = (5.0, 100.0);
/// Stations of the tandem.
const STATIONS: usize = 5;
/// Simulated seconds of every textbook run: 400,000 customers on M/M/1.
const TEXTBOOK_S: f64 = 50_000.0;

/// `stations` M/M/1 stations as archsim designs them: a client calls the
/// first synchronously when there is one station, and publishes to the
/// first of a chain of subscribers otherwise (a Jackson network, each
/// station working and then passing the customer on).
fn textbook(stations: usize, (rate_per_s, service_ms): (f64, f64)) -> Design {
    let style = if stations == 1 { "sync" } else { "event" };
    let mut nodes = vec![r#"(id: "client", name: "Client", kind: Client)"#.to_string()];
    let mut links = vec![format!(r#"(from: "client", to: "s1", style: {style})"#)];
    for i in 1..=stations {
        let publish = if i < stations {
            links.push(format!(r#"(from: "s{i}", to: "s{}", style: event)"#, i + 1));
            format!(r#", Publish("s{}")"#, i + 1)
        } else {
            String::new()
        };
        nodes.push(format!(
            r#"(id: "s{i}", name: "S{i}", kind: Service(workers: 1, operations: [(name: "serve", steps: [Work(Exponential(mean_ms: {service_ms})){publish}])]))"#
        ));
    }
    let text = format!(
        r#"(format: 2, name: "textbook", nodes: [{}], links: [{}],
            entry_points: [(name: "arrive", client: "client", target: "s1", load: Open(arrival: Poisson, rate_per_s: {rate_per_s}))],
            scenario: (duration_s: {TEXTBOOK_S}, warmup_s: 0, drain_s: 0, seed: 1))"#,
        nodes.join(", "),
        links.join(", ")
    );
    file::parse(&text, "textbook.archsim.ron").expect("the textbook design is valid")
}

/// Customers that arrived in one archsim run, after printing events per
/// customer and the mean time in system beside the theory's.
fn customers(name: &str, d: &Design, theory_s: f64) -> u64 {
    let r = sim::simulate(d, &SimOptions::default()).expect("valid");
    let entry = &r.results.entry_points[0];
    let n = entry.attempted.mean.round() as u64;
    println!(
        "{name}: {n} customers, {:.1} events per customer, mean time in system {:.3} s (theory {theory_s:.3} s)",
        r.runs[0].events as f64 / n as f64,
        entry.flow_completion_ms.mean.mean / 1000.0,
    );
    n
}

/// The mean time in system of `stations` M/M/1 stations in tandem
/// (Jackson: the sum of each station's 1 / (μ − λ)).
fn theory_s(stations: usize, (rate_per_s, service_ms): (f64, f64)) -> f64 {
    stations as f64 / (1000.0 / service_ms - rate_per_s)
}

/// Customers that arrived in one desque run, after printing its mean time
/// in system beside the theory's.
fn desque_customers(name: &str, stations: usize, model: (f64, f64)) -> u64 {
    let o = yardstick::tandem(stations, model.0, model.1, TEXTBOOK_S, 1);
    println!(
        "{name}: {} customers, mean time in system {:.3} s (theory {:.3} s)",
        o.customers,
        o.mean_time_in_system_s,
        theory_s(stations, model)
    );
    o.customers
}

/// archsim on M/M/1 (ρ = 0.8): customers per second.
#[divan::bench(sample_count = 10)]
fn mm1_archsim(bencher: Bencher) {
    let d = textbook(1, MM1);
    let n = customers("mm1_archsim", &d, theory_s(1, MM1));
    bencher
        .counter(ItemsCount::new(n))
        .bench(|| sim::simulate(&d, &SimOptions::default()).expect("valid"));
}

/// The M/M/1 hand-written on desque: customers per second.
#[divan::bench(sample_count = 10)]
fn mm1_desque(bencher: Bencher) {
    let n = desque_customers("mm1_desque", 1, MM1);
    bencher
        .counter(ItemsCount::new(n))
        .bench(|| yardstick::tandem(1, MM1.0, MM1.1, TEXTBOOK_S, 1));
}

/// archsim on five M/M/1 stations in tandem: customers per second.
#[divan::bench(sample_count = 10)]
fn tandem5_archsim(bencher: Bencher) {
    let d = textbook(STATIONS, TANDEM);
    let n = customers("tandem5_archsim", &d, theory_s(STATIONS, TANDEM));
    bencher
        .counter(ItemsCount::new(n))
        .bench(|| sim::simulate(&d, &SimOptions::default()).expect("valid"));
}

/// Five M/M/1 stations in tandem hand-written on desque: customers per
/// second.
#[divan::bench(sample_count = 10)]
fn tandem5_desque(bencher: Bencher) {
    let n = desque_customers("tandem5_desque", STATIONS, TANDEM);
    bencher
        .counter(ItemsCount::new(n))
        .bench(|| yardstick::tandem(STATIONS, TANDEM.0, TANDEM.1, TEXTBOOK_S, 1));
}
