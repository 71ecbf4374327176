//! Designs of extreme shapes through every part of archsim: chains of
//! every style and a hundred thousand clients of one service. A file
//! decides these shapes, so nothing may recurse per hop (a thread's stack
//! is small) or keep a table per pair of nodes (a hundred thousand squared
//! bits is over a gigabyte). The sizes here keep the debug build's tests
//! short; `benches/scale.rs` runs 200,000-hop chains and a million nodes
//! in release, with their time and memory.

use archsim::analysis::{self, RuleId};
use archsim::layout;
use archsim::library::stress;
use archsim::model::{Link, Style};
use archsim::report::{self, Format, ReportOptions, Source};
use archsim::sim::{self, Limits, SimOptions, WarningKind};

/// Hops of the chains that are analysed and laid out, and clients.
const HOPS: usize = 100_000;
/// Hops of the chains that are simulated (four replications each).
const SIMULATED_HOPS: usize = 20_000;
/// Nodes of the event ring: far deeper than a recursion per hop fits in
/// a worker thread's 2 MiB stack.
const RING: usize = 50_000;
const STYLES: [Style; 4] = [
    Style::Sync,
    Style::AsyncRequest,
    Style::Event,
    Style::CommonData,
];

/// Runs `f` on a thread with a 256 KiB stack: walks that recurse per hop
/// overflow it long before 200,000 hops.
fn on_a_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .expect("spawns")
        .join()
        .expect("no stack overflow, no panic")
}

#[test]
fn long_chains_of_every_style_are_analysed_and_laid_out() {
    for style in STYLES {
        let d = stress::chain(style, HOPS);
        let (d, analysis, positions) = on_a_small_stack(move || {
            let analysis = analysis::analyse(&d);
            let positions = layout::layered(&d);
            (d, analysis, positions)
        });
        assert_eq!(positions.len(), d.nodes.len(), "{style}");
        // Callers left of callees along the whole chain.
        let x = |id: String| {
            positions[d
                .nodes
                .iter()
                .position(|n| n.id.as_str() == id)
                .expect("node")]
            .x
        };
        assert!(x("s0".into()) < x(format!("s{HOPS}")), "{style}");
        let entry = &analysis.entry_points[0];
        if style == Style::Sync {
            assert_eq!(entry.chain_links.len(), HOPS);
            assert_eq!(entry.coupling_set.len(), HOPS + 1);
            let chain = analysis
                .findings
                .iter()
                .find(|f| f.rule == RuleId::LongBlockingChain)
                .expect("a long chain is found");
            assert_eq!(chain.nodes.len(), HOPS + 1, "every node is named");
            assert!(
                chain.title.len() < 1_000,
                "the title is not {} bytes",
                chain.title.len()
            );
            assert!(chain.title.contains("more"), "{}", chain.title);
        } else {
            assert!(entry.chain_links.is_empty(), "{style}: nothing blocks");
        }
    }
}

#[test]
fn a_ring_of_events_that_hits_a_limit_is_named_on_the_worker_threads() {
    let mut d = stress::chain(Style::Event, RING);
    d.links
        .push(Link::new(format!("s{RING}").as_str(), "s0", Style::Event));
    let options = SimOptions {
        replications: 4,
        duration_s: Some(2.0),
        limits: Limits {
            max_events: 100_000,
            ..Limits::default()
        },
        ..SimOptions::default()
    };
    let report = sim::simulate(&d, &options).expect("simulates");
    assert_eq!(report.runs.len(), 4);
    for run in &report.runs {
        let stop = run
            .warnings
            .iter()
            .find(|w| w.kind == WarningKind::EventLimit)
            .expect("each replication hit the event limit");
        assert!(stop.message.contains("cycle"), "{}", stop.message);
        assert!(
            // RING + 1 nodes and back to the first, less 13 named.
            stop.message.contains(&format!("{} more", RING + 2 - 13)),
            "the ring is named by its ends: {}",
            stop.message
        );
    }
}

#[test]
fn a_long_chain_of_every_style_simulates_with_four_replications() {
    for style in STYLES {
        // Polled once a second per hop, common data crosses fewer hops in
        // a run's time.
        let hops = if style == Style::CommonData {
            2_000
        } else {
            SIMULATED_HOPS
        };
        let mut d = stress::chain(style, hops);
        // A couple of requests through the whole chain.
        d.scenario.duration_s = 2.0;
        d.scenario.drain_s = hops as f64 * 1.05 + 60.0;
        let report = sim::simulate(
            &d,
            &SimOptions {
                replications: 4,
                ..SimOptions::default()
            },
        )
        .unwrap_or_else(|e| panic!("{style}: {e}"));
        let stopped: Vec<_> = report
            .warnings()
            .into_iter()
            .filter(|w| matches!(w.kind, WarningKind::EventLimit | WarningKind::InFlightLimit))
            .collect();
        assert!(stopped.is_empty(), "{style}: {stopped:?}");
        let entry = &report.results.entry_points[0];
        assert!(entry.attempted.mean > 0.0, "{style}: requests arrived");
        assert_eq!(
            entry.succeeded.mean, entry.attempted.mean,
            "{style}: all answered"
        );
        // Each hop works 10 µs, one after another: the work a request
        // starts is done no sooner than all hops' work.
        let crossing_ms = hops as f64 * 0.01;
        let done_ms = entry.flow_completion_ms.p50.mean;
        assert!(
            done_ms >= crossing_ms,
            "{style}: all work done after {done_ms} ms, crossing takes {crossing_ms} ms"
        );
    }
}

#[test]
fn two_hundred_thousand_clients_are_analysed_laid_out_and_simulated() {
    let d = stress::fan_in(HOPS);
    let d2 = d.clone();
    let (analysis, positions) =
        on_a_small_stack(move || (analysis::analyse(&d2), layout::layered(&d2)));
    assert_eq!(positions.len(), d.nodes.len());
    assert_eq!(analysis.entry_points[0].coupling_set.len(), 1);
    // Every client's call lacks a timeout: one finding each, no more.
    let no_timeout = analysis
        .findings
        .iter()
        .filter(|f| f.rule == RuleId::NoTimeout)
        .count();
    assert_eq!(no_timeout, HOPS);
    let report = sim::simulate(
        &d,
        &SimOptions {
            replications: 4,
            ..SimOptions::default()
        },
    )
    .expect("simulates");
    assert!(report.results.entry_points[0].succeeded.mean > 0.0);
}

#[test]
fn reports_of_long_chains_are_written_in_every_format() {
    // The diagram of a long chain; the simulating formats (the design and
    // each suggestion simulated) on a shorter one.
    for (format, hops) in [
        (Format::Svg, HOPS),
        (Format::Json, 2_000),
        (Format::Markdown, 2_000),
        (Format::Html, 2_000),
    ] {
        let d = stress::chain(Style::Sync, hops);
        let options = ReportOptions {
            replications: 1,
            max_suggestions: 1,
            duration_s: Some(2.0),
            ..ReportOptions::new(Source {
                design: "chain.archsim.ron".into(),
                output: format!("chain.{}", format.extension()),
                unsaved_changes: false,
                what_ifs: Vec::new(),
            })
        };
        let text =
            on_a_small_stack(move || report::generate(&d, format, &options).expect("a report"));
        assert!(
            text.contains(&format!("s{hops}")) || text.contains(&format!("Service {hops}")),
            "{format:?} names the far end"
        );
    }
}
