//! Simulation engine speed and memory (issue targets: at least 10 million
//! events per second on one core on a busy multi-service design; a design of
//! 1,000 services and 3,000 links through 1 million requests in under 10 s
//! and 300 MB, memory not growing with duration; every shipped example in
//! well under a second).
//!
//! Run with `cargo bench --no-default-features --bench engine`. Each
//! benchmark prints events per second (divan's item counter) and, where
//! memory matters, the process's peak resident set.

use std::path::Path;

use archsim::library::{self, SyntheticSpec, synthetic};
use archsim::model::{Design, file};
use archsim::sim::{self, SimOptions};
use divan::Bencher;
use divan::counter::ItemsCount;

#[path = "memory/mod.rs"]
mod memory;
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
