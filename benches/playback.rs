//! CPU time of one frame while a simulation plays on a big design: the egui
//! pass (toolbar, panels, charts, the canvas with every node and link, the
//! worker bars, badges and message glyphs) plus tessellation, headless.
//! Budget: under 16 ms with 1,000 nodes and 5,000 messages in flight.
//!
//! The design is generated (about 1,000 nodes: 590 services, their brokers
//! and stores, 10 clients; about 1,760 links) and simulated for 20 s at
//! 2,000 requests per second; the frame shows the whole design, fitted,
//! at 10 s, playing at 1×, 10× and 100×. Before measuring, it prints how many messages are in flight
//! (sent, and not yet across on screen) and how many glyphs the frame drew.
//!
//! `cargo bench --bench playback`

#[path = "support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use archsim::app::animation::drawn_ns;
use archsim::app::run::Overrides;
use archsim::library::{SyntheticSpec, synthetic};
use archsim::sim::time;
use support::AppBench;

fn main() {
    divan::main();
}

/// The instant shown, simulated seconds.
const SHOWN_S: f64 = 10.0;

/// The app with the generated design simulated and paused at
/// [`SHOWN_S`], playing at `speed`.
fn playing(speed: f64) -> AppBench {
    let spec = SyntheticSpec {
        services: 590,
        links: 1750,
        entry_points: 10,
        rate_per_s: 2000.0,
        seed: 1,
    };
    let mut bench = AppBench::open(&synthetic(&spec));
    let design = bench.app.document().design().clone();
    let sim = bench.app.simulation_mut();
    sim.set_overrides(
        Overrides {
            duration_s: Some(20.0),
            ..Overrides::default()
        },
        &design,
    );
    sim.start(&design);
    let started = Instant::now();
    while bench.app.simulation().current().is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "the simulation did not finish: {:?}",
            bench.app.simulation().error()
        );
        std::thread::sleep(Duration::from_millis(50));
        bench.frame();
    }
    let playback = &mut bench.app.simulation_mut().playback;
    playback.pause();
    playback.set_speed(speed);
    playback.seek(SHOWN_S);
    for _ in 0..3 {
        bench.frame();
    }
    let outcome = bench.app.simulation().current().expect("current");
    let trace = outcome.trace().expect("traced");
    let now = time::from_s(SHOWN_S);
    let in_flight = trace
        .hops
        .iter()
        .filter(|h| h.sent <= now && now < h.sent + drawn_ns(h.arrives - h.sent, speed))
        .count();
    eprintln!(
        "\n{} nodes, {} links; at {SHOWN_S} s and {speed}×: {in_flight} messages in flight, {} glyphs drawn ({} hops traced)",
        design.nodes.len(),
        design.links.len(),
        bench.app.animation().glyphs,
        trace.hops.len(),
    );
    bench
}

#[divan::bench(args = [1.0, 10.0, 100.0], sample_count = 60)]
fn frame(bencher: divan::Bencher<'_, '_>, speed: f64) {
    let mut bench = playing(speed);
    bencher.bench_local(|| bench.frame());
}
