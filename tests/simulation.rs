//! What the simulation does with faults, runaway designs and its own
//! options: behaviour a user relies on beyond the textbook cases.

use std::path::Path;
use std::sync::atomic::Ordering;

use archsim::library;
use archsim::model::{
    Availability, Broker, BrokerKind, Design, Distribution, Fault, Link, LinkRef, Node, NodeKind,
    Position, Step, Style, WhenDown, file,
};
use archsim::sim::{self, Limits, SimOptions, SimReport, TraceWindow, WarningKind};

fn oracle(name: &str) -> Design {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/oracle")
        .join(format!("{name}.archsim.ron"));
    file::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn example(slug: &str) -> Design {
    library::find(slug)
        .expect("example exists")
        .design()
        .expect("example loads")
}

fn run(d: &Design, options: SimOptions) -> SimReport {
    sim::simulate(d, &options).unwrap_or_else(|e| panic!("{e}"))
}

fn quick(d: &Design) -> SimReport {
    run(d, SimOptions::default())
}

fn svc_mut<'d>(d: &'d mut Design, id: &str) -> &'d mut archsim::model::Service {
    match &mut d.node_mut(&id.into()).expect("node").kind {
        NodeKind::Service(s) => s,
        _ => panic!("{id} is not a service"),
    }
}

fn json_without_wall_time(r: &SimReport) -> String {
    let mut r = r.clone();
    for run in &mut r.runs {
        run.wall_ms = 0.0;
    }
    serde_json::to_string(&r).expect("serialisable")
}

#[test]
fn the_same_seed_gives_identical_results_and_another_seed_different_ones() {
    let d = example("fraud-check-blocking");
    let options = || SimOptions {
        replications: 3,
        ..SimOptions::default()
    };
    let a = run(&d, options());
    let b = run(&d, options());
    assert_eq!(json_without_wall_time(&a), json_without_wall_time(&b));
    let c = run(
        &d,
        SimOptions {
            seed: Some(d.scenario.seed + 100),
            ..options()
        },
    );
    assert_ne!(json_without_wall_time(&a), json_without_wall_time(&c));
}

#[test]
fn every_shipped_example_simulates_without_warnings_of_runaway() {
    for ex in library::EXAMPLES {
        let d = ex.design().expect("loads");
        let r = quick(&d);
        for w in r.warnings() {
            assert!(
                !matches!(
                    w.kind,
                    WarningKind::InFlightLimit | WarningKind::EventLimit | WarningKind::WallTime
                ),
                "{}: {}",
                ex.slug,
                w.message
            );
        }
        for e in &r.results.entry_points {
            assert!(
                e.attempted.mean > 0.0,
                "{}: {} got no requests",
                ex.slug,
                e.name
            );
        }
    }
}

#[test]
fn an_event_cycle_that_multiplies_messages_is_stopped_and_named() {
    let mut d = oracle("tandem-events");
    d.links.push(Link::new("second", "first", Style::Event));
    // The second publishes back twice per request: each message makes two.
    let second = d
        .node_mut(&"second".into())
        .and_then(|n| n.as_service_mut());
    let op = &mut second.expect("second is a service").operations[0];
    op.steps.push(Step::Publish("first".into()));
    op.steps.push(Step::Publish("first".into()));
    let r = run(
        &d,
        SimOptions {
            limits: Limits {
                max_live: 20_000,
                ..Limits::default()
            },
            ..SimOptions::default()
        },
    );
    let w = r.warnings();
    let stop = w
        .iter()
        .find(|w| w.kind == WarningKind::InFlightLimit)
        .expect("stopped by the in-flight limit");
    assert!(
        stop.message.contains("cycle")
            && stop.message.contains("first")
            && stop.message.contains("second"),
        "{}",
        stop.message
    );
    assert!(
        r.results.entry_points[0].attempted.mean > 0.0,
        "results so far are returned"
    );
}

#[test]
fn arrivals_above_capacity_are_stopped_with_the_rates_named() {
    let mut d = oracle("mm1-rho-0.5");
    d.entry_points[0].load = archsim::model::Load::Open {
        arrival: archsim::model::Arrival::Poisson,
        rate_per_s: 20.0,
    };
    let r = run(
        &d,
        SimOptions {
            limits: Limits {
                max_live: 5_000,
                ..Limits::default()
            },
            ..SimOptions::default()
        },
    );
    let w = r.warnings();
    let stop = w.first().expect("a warning");
    assert_eq!(stop.kind, WarningKind::InFlightLimit);
    assert_eq!(stop.node.as_deref(), Some("server"));
    // One worker at 100 ms serves 10/s; 20/s arrive. The message gives
    // both rates as measured.
    assert!(
        stop.message
            .contains("queue at Server grew without bound: arrivals "),
        "{}",
        stop.message
    );
    let rates: Vec<f64> = stop
        .message
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter_map(|t| t.parse().ok())
        .collect();
    let (arrivals, capacity) = (rates[rates.len() - 3], rates[rates.len() - 2]);
    assert!(
        (arrivals - 20.0).abs() < 2.0 && (capacity - 10.0).abs() < 1.0,
        "{}",
        stop.message
    );
}

#[test]
fn a_crash_fails_requests_at_the_crashed_node_and_names_it_as_root() {
    let mut d = example("fraud-check-blocking");
    for n in &mut d.nodes {
        if let NodeKind::Service(s) = &mut n.kind {
            s.availability = Availability::Always;
        }
    }
    d.scenario.faults.push(Fault::Crash {
        node: "payment".into(),
        at_s: 30.0,
        for_s: 11.0,
    });
    let r = quick(&d);
    let e = &r.results.entry_points[0];
    let measured_s = d.scenario.duration_s - d.scenario.warmup_s;
    let share = e.failed.down.mean / e.attempted.mean;
    assert!(
        (share - 11.0 / measured_s).abs() < 0.02,
        "down share {share}, crash covers {}",
        11.0 / measured_s
    );
    assert_eq!(e.root_causes.len(), 1);
    assert_eq!(e.root_causes[0].node, "payment");
}

#[test]
fn retries_turn_a_failure_probability_p_into_p_to_the_power_of_attempts() {
    let mut d = oracle("mm1-rho-0.5");
    d.links[0].retries = 2;
    d.scenario.faults.push(Fault::Error {
        link: LinkRef {
            from: "client".into(),
            to: "server".into(),
            name: None,
        },
        fraction: 0.3,
    });
    let r = run(
        &d,
        SimOptions {
            replications: 5,
            ..SimOptions::default()
        },
    );
    let e = &r.results.entry_points[0];
    let failure = 1.0 - e.availability.mean;
    let h = e.availability.ci95.expect("interval");
    assert!(
        (failure - 0.3f64.powi(3)).abs() <= 1.5 * h,
        "failure {failure} ± {h}, expected 0.3^3"
    );
    assert!(r.results.links[0].retries.mean > 0.0);
}

#[test]
fn a_silent_node_times_out_its_callers_but_keeps_working() {
    let mut d = oracle("chain-sync-4");
    svc_mut(&mut d, "b").when_down = WhenDown::NoResponse;
    d.links[1].timeout_ms = Some(50.0);
    d.scenario.faults.push(Fault::SlowDown {
        node: "b".into(),
        at_s: 100.0,
        for_s: 20.0,
        factor: 200.0,
    });
    let r = quick(&d);
    let e = &r.results.entry_points[0];
    assert!(e.failed.timeout.mean > 500.0, "{:?}", e.failed);
    let ab = &r.results.links[1];
    assert_eq!(ab.timeouts.mean, e.failed.timeout.mean);
    // The callee finished the orphaned requests too: b handled what reached it.
    let b = r
        .results
        .services
        .iter()
        .find(|s| s.node == "b")
        .expect("b");
    let c = r
        .results
        .services
        .iter()
        .find(|s| s.node == "c")
        .expect("c");
    assert!(c.handled.mean > 0.9 * b.handled.mean);
}

/// A publisher, a broker and a subscriber that crashes for a while.
fn crashing_subscriber(durable: bool) -> Design {
    let mut d = oracle("subscriber-fast");
    if let NodeKind::Broker(Broker { durable: flag, .. }) =
        &mut d.node_mut(&"topic".into()).expect("topic").kind
    {
        *flag = durable;
    }
    d.scenario.faults.push(Fault::Crash {
        node: "subscriber".into(),
        at_s: 50.0,
        for_s: 30.0,
    });
    d
}

#[test]
fn a_durable_broker_keeps_messages_for_a_consumer_that_is_down() {
    let r = quick(&crashing_subscriber(true));
    let published = r.results.brokers[0].published.mean;
    let sub = r
        .results
        .services
        .iter()
        .find(|s| s.node == "subscriber")
        .expect("sub");
    let link = &r.results.links[2];
    assert_eq!(link.lost.mean, 0.0, "nothing lost");
    assert!(
        r.results.brokers[0].max_backlog.mean > 400.0,
        "30 s of messages waited"
    );
    // Everything published during the measured window was consumed by the
    // end (the drain), including what waited out the crash.
    assert!(
        sub.handled.mean >= published * 0.95,
        "{} of {published}",
        sub.handled.mean
    );
    let flow = &r.results.entry_points[0].flow_completion_ms;
    assert!(
        flow.max.mean > 25_000.0,
        "some flows waited out the crash: {flow:?}"
    );
}

#[test]
fn a_non_durable_broker_loses_messages_for_a_consumer_that_is_down() {
    let r = quick(&crashing_subscriber(false));
    let lost = r.results.links[2].lost.mean;
    // 20 per second for 30 seconds.
    assert!((lost - 600.0).abs() < 100.0, "lost {lost}");
}

fn broker_mut<'d>(d: &'d mut Design, id: &str) -> &'d mut Broker {
    match &mut d.node_mut(&id.into()).expect("node").kind {
        NodeKind::Broker(b) => b,
        _ => panic!("{id} is not a broker"),
    }
}

/// 20 events a second (Poisson) through a broker with a delivery latency
/// of 2 s, which crashes from 50 s for 30 s.
fn crashing_broker(durable: bool) -> Design {
    let mut d = oracle("subscriber-fast");
    let topic = broker_mut(&mut d, "topic");
    topic.durable = durable;
    topic.delivery_latency = Distribution::Constant { ms: 2_000.0 };
    d.scenario.faults.push(Fault::Crash {
        node: "topic".into(),
        at_s: 50.0,
        for_s: 30.0,
    });
    d
}

/// Whether `value` is within four standard deviations of a Poisson count
/// of mean `mean`.
fn poisson_count(value: f64, mean: f64) -> bool {
    (value - mean).abs() < 4.0 * mean.sqrt()
}

#[test]
fn events_published_to_a_crashed_broker_are_lost_durable_or_not() {
    for durable in [false, true] {
        let r = quick(&crashing_broker(durable));
        // Every event reaching the broker in the 30 s window: 20 × 30.
        let lost = r.results.links[1].lost.mean;
        assert!(poisson_count(lost, 600.0), "durable {durable}: lost {lost}");
        // The broker took only the others: 20 a second over the measured
        // 290 s, but for the window.
        let published = r.results.brokers[0].published.mean;
        assert!(
            poisson_count(published, 20.0 * 260.0),
            "durable {durable}: published {published}"
        );
    }
}

#[test]
fn a_crashed_broker_loses_what_it_held_unless_durable() {
    // What the broker took in the 2 s before the crash was due for delivery
    // during it: 20 × 2 = 40 messages.
    let r = quick(&crashing_broker(false));
    let lost = r.results.links[2].lost.mean;
    assert!(poisson_count(lost, 40.0), "lost {lost}");

    let r = quick(&crashing_broker(true));
    assert_eq!(r.results.links[2].lost.mean, 0.0, "nothing held is lost");
    let backlog = r.results.brokers[0].max_backlog.mean;
    assert!(poisson_count(backlog, 40.0), "held {backlog}");
    // Held messages go out when the broker is back, at 80 s: the oldest
    // waited from just before 48 s, 32 s in all.
    let flow = &r.results.entry_points[0].flow_completion_ms;
    assert!(
        (30_000.0..33_000.0).contains(&flow.max.mean),
        "longest flow {} ms",
        flow.max.mean
    );
    let sub = r
        .results
        .services
        .iter()
        .find(|s| s.node == "subscriber")
        .expect("subscriber");
    let published = r.results.brokers[0].published.mean;
    assert!(
        (sub.handled.mean - published).abs() < 0.01 * published,
        "{} handled of {published}",
        sub.handled.mean
    );
}

#[test]
fn a_slow_broker_delivers_factor_times_later() {
    // Constant delivery latency: every flow takes exactly (3 - 1) × 10 ms
    // longer while the broker is three times slower (the whole run here),
    // whatever the subscriber's random service times (the same seed
    // draws the same ones).
    let mut d = oracle("subscriber-fast");
    broker_mut(&mut d, "topic").delivery_latency = Distribution::Constant { ms: 10.0 };
    let before = quick(&d).results.entry_points[0]
        .flow_completion_ms
        .mean
        .mean;
    d.scenario.faults.push(Fault::SlowDown {
        node: "topic".into(),
        at_s: 0.0,
        for_s: 1_000.0,
        factor: 3.0,
    });
    let after = quick(&d).results.entry_points[0]
        .flow_completion_ms
        .mean
        .mean;
    assert!(
        (after - before - 20.0).abs() < 0.5,
        "{before} ms before, {after} ms slowed"
    );
}

/// A client's asynchronous requests through a queue (delivery 10 ms) to a
/// service that takes 5 ms, ten a second, evenly spaced.
fn through_a_queue(timeout_ms: f64, retries: u32, backoff_ms: f64) -> Design {
    let text = format!(
        r#"(
    format: 1,
    name: "Through a queue",
    nodes: [
        (id: "client", name: "Client", kind: Client),
        (id: "queue", name: "Queue", kind: Broker(kind: Queue, durable: true, delivery_latency: Constant(ms: 10))),
        (id: "worker", name: "Worker", kind: Service(workers: 4, operations: [(name: "work", service_time: Constant(ms: 5))])),
    ],
    links: [(from: "client", to: "worker", style: async_request, via: "queue", timeout_ms: {timeout_ms}, retries: {retries}, backoff_ms: {backoff_ms})],
    entry_points: [(name: "ask", client: "client", target: "worker", load: Open(arrival: Constant, rate_per_s: 10))],
    scenario: (duration_s: 100, warmup_s: 10, seed: 11),
)"#
    );
    file::parse(&text, "through-a-queue").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_queue_counts_the_requests_that_went_through_it() {
    // Ten a second, evenly spaced, for the 90 s after warm-up: 900 requests
    // through the queue and no event published to it.
    let r = quick(&through_a_queue(1_000.0, 0, 0.0));
    let q = &r.results.brokers[0];
    assert!((q.requests.mean - 900.0).abs() <= 1.0, "{q:?}");
    assert_eq!(q.published.mean, 0.0, "{q:?}");
    // 5 ms of work every 100 ms leaves nothing waiting when arrivals stop.
    assert_eq!(q.backlog_at_end.mean, 0.0, "{q:?}");
}

#[test]
fn requests_reaching_a_crashed_queue_are_lost_and_retries_after_it_get_through() {
    let crash = Fault::Crash {
        node: "queue".into(),
        at_s: 30.0,
        for_s: 20.0,
    };
    let mut d = through_a_queue(1_000.0, 0, 0.0);
    d.scenario.faults.push(crash.clone());
    let e = &quick(&d).results.entry_points[0];
    // Ten a second for 20 s, evenly spaced: 200 requests, give or take the
    // one at each edge.
    assert!(
        (e.failed.timeout.mean - 200.0).abs() <= 1.0,
        "{:?}",
        e.failed
    );
    // One retry 30 s after the timeout lands after the crash.
    let mut d = through_a_queue(1_000.0, 1, 30_000.0);
    d.scenario.faults.push(crash);
    let e = &quick(&d).results.entry_points[0];
    assert_eq!(e.availability.mean, 1.0, "{:?}", e.failed);
}

#[test]
fn a_slow_queue_slows_the_requests_that_reach_it_while_slow() {
    // 5 ms of work after 10 ms of delivery, 3 × 10 ms while slow: slow for
    // the second half of the measured 90 s, the mean is 5 + (10 + 30) / 2.
    let mut d = through_a_queue(1_000.0, 0, 0.0);
    d.scenario.faults.push(Fault::SlowDown {
        node: "queue".into(),
        at_s: 55.0,
        for_s: 100.0,
        factor: 3.0,
    });
    let latency = &quick(&d).results.entry_points[0].latency_ms;
    assert!((latency.mean.mean - 25.0).abs() < 0.1, "{latency:?}");
    assert!((latency.max.mean - 35.0).abs() < 0.1, "{latency:?}");
}

/// The pricing grid: a poisoned subscription, with or without a limit.
fn poisoned(max_deliveries: Option<u32>) -> Design {
    let mut d = oracle("subscriber-fast");
    d.nodes.push(Node {
        id: "dlq".into(),
        name: "DLQ".into(),
        pos: Position::default(),
        notes: String::new(),
        kind: NodeKind::Broker(Broker {
            kind: BrokerKind::Queue,
            durable: true,
            delivery_latency: Distribution::ZERO,
            retention_s: None,
        }),
    });
    d.links[2].max_deliveries = max_deliveries;
    d.links[2].dead_letter = max_deliveries.map(|_| "dlq".into());
    d.scenario.faults.push(Fault::Poison {
        link: LinkRef {
            from: "topic".into(),
            to: "subscriber".into(),
            name: None,
        },
        fraction: 0.01,
        restart_s: 2.0,
    });
    d
}

#[test]
fn poison_without_a_retry_limit_keeps_killing_workers_and_is_warned_about() {
    let r = quick(&poisoned(None));
    let w = r.warnings();
    let endless = w
        .iter()
        .find(|w| w.kind == WarningKind::EndlessRedelivery)
        .expect("warned");
    assert!(
        endless.message.contains("topic -> subscriber"),
        "{}",
        endless.message
    );
    assert!(r.results.links[2].redeliveries.mean > 100.0);
}

#[test]
fn poison_with_a_retry_limit_goes_to_the_dead_letter_queue() {
    let r = quick(&poisoned(Some(3)));
    assert!(
        r.warnings()
            .iter()
            .all(|w| w.kind != WarningKind::EndlessRedelivery)
    );
    let dlq = r
        .results
        .brokers
        .iter()
        .find(|b| b.node == "dlq")
        .expect("dlq");
    let published = r.results.brokers[0].published.mean;
    // About 1 % of messages are poison; each is tried three times.
    assert!(
        (dlq.dead_lettered.mean - 0.01 * published).abs() < 0.005 * published + 10.0,
        "dead-lettered {} of {published}",
        dlq.dead_lettered.mean
    );
    // Two redeliveries per dead letter, up to the few poison messages (0.2/s,
    // each living about 4 s) that straddle the edges of the measured window.
    let redeliveries = r.results.links[2].redeliveries.mean;
    assert!(
        (redeliveries - 2.0 * dlq.dead_lettered.mean).abs() <= 6.0,
        "{redeliveries} redeliveries for {} dead letters",
        dlq.dead_lettered.mean
    );
}

#[test]
fn a_full_queue_rejects_requests() {
    let mut d = oracle("mm1-rho-0.8");
    svc_mut(&mut d, "server").queue_capacity = Some(2);
    let r = quick(&d);
    let e = &r.results.entry_points[0];
    assert!(e.failed.rejected.mean > 0.0);
    let s = r
        .results
        .services
        .iter()
        .find(|s| s.node == "server")
        .expect("server");
    assert!(s.max_queue.mean <= 2.0);
    // M/M/1/K with K = 3 in the system: the blocking probability is
    // (1 - rho) rho^K / (1 - rho^(K+1)).
    let rho: f64 = 0.8;
    let blocking = (1.0 - rho) * rho.powi(3) / (1.0 - rho.powi(4));
    let share = e.failed.rejected.mean / e.attempted.mean;
    assert!(
        (share - blocking).abs() < 0.02,
        "rejected {share}, M/M/1/3 says {blocking}"
    );
}

#[test]
fn the_trace_holds_the_window_and_no_more_than_asked() {
    let d = example("fraud-check-blocking");
    let window = TraceWindow {
        from_s: 20.0,
        to_s: 25.0,
        max_hops: 1_000,
        samples: 50,
    };
    let r = run(
        &d,
        SimOptions {
            trace: Some(window),
            ..SimOptions::default()
        },
    );
    let trace = r.trace.expect("traced");
    assert_eq!(trace.hops.len(), 1_000, "capped");
    assert!(trace.hops_dropped > 0);
    assert!(
        trace
            .hops
            .iter()
            .all(|h| h.arrives >= trace.from && h.sent <= trace.to)
    );
    assert_eq!(trace.samples.len(), 51);
    assert!(trace.samples.iter().all(|s| s.len() == d.nodes.len()));
    let mid = (trace.from + trace.to) / 2;
    assert!(trace.nodes_at(mid).is_some());
    let untraced = quick(&d);
    assert!(untraced.trace.is_none());
}

/// The trace of 20 s of `d` in `window`.
fn trace_of(d: &Design, window: TraceWindow) -> archsim::sim::Trace {
    let options = SimOptions {
        duration_s: Some(20.0),
        trace: Some(window),
        ..SimOptions::default()
    };
    run(d, options).trace.expect("traced")
}

#[test]
fn trace_hops_are_in_departure_order_and_found_by_time() {
    let d = example("fraud-check-blocking");
    let trace = trace_of(
        &d,
        TraceWindow {
            from_s: 0.0,
            to_s: 20.0,
            max_hops: 3_000,
            samples: 20,
        },
    );
    assert!(trace.hops.windows(2).all(|w| w[0].sent <= w[1].sent));
    let (from, to) = (2_000_000_000, 3_000_000_000);
    let slice = trace.hops_sent_in(from, to);
    let expected = trace
        .hops
        .iter()
        .filter(|h| (from..to).contains(&h.sent))
        .count();
    assert_eq!(slice.len(), expected);
    assert!(!slice.is_empty() && slice.iter().all(|h| (from..to).contains(&h.sent)));
    assert!(trace.hops_sent_in(to, from).is_empty());
    // Full: everything sent before it filled up is there, nothing after.
    let full = trace.full_at.expect("3,000 hops fill up before 20 s");
    assert_eq!(trace.complete_until(), full);
    let roomy = trace_of(
        &d,
        TraceWindow {
            from_s: 0.0,
            to_s: 20.0,
            ..TraceWindow::default()
        },
    );
    assert_eq!(roomy.full_at, None);
    assert_eq!(roomy.complete_until(), roomy.to);
    let before_full = roomy.hops.iter().filter(|h| h.sent < full).count();
    assert_eq!(
        trace.hops.iter().filter(|h| h.sent < full).count(),
        before_full,
        "every hop sent before the trace filled up is stored"
    );
}

#[test]
fn a_long_trace_window_with_many_samples_is_no_overflow() {
    // 10^7 s in ns times 10^5 samples exceeds 64 bits.
    let trace = trace_of(
        &example("fraud-check-blocking"),
        TraceWindow {
            from_s: 0.0,
            to_s: 1e7,
            max_hops: 1_000,
            samples: 100_000,
        },
    );
    assert!(trace.sample_times.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(trace.sample_times.first(), Some(&0));
}

#[test]
fn the_latency_distribution_agrees_with_the_percentiles() {
    let d = example("fraud-check-blocking");
    let r = run(
        &d,
        SimOptions {
            duration_s: Some(30.0),
            replications: 3,
            ..SimOptions::default()
        },
    );
    assert_eq!(r.latency_distribution.len(), d.entry_points.len());
    let dist = &r.latency_distribution[0];
    assert_eq!(dist.entry_point, d.entry_points[0].name);
    assert!(
        dist.cdf
            .windows(2)
            .all(|w| w[0].0 <= w[1].0 && w[0].1 <= w[1].1)
    );
    assert_eq!(dist.cdf.last().map(|p| p.1), Some(1.0));
    // The merged median lies within the replications' medians.
    let median = dist.cdf.iter().find(|p| p.1 >= 0.5).expect("a median").0;
    let medians: Vec<f64> = r
        .per_replication
        .iter()
        .map(|x| x.entry_points[0].latency_ms.p50)
        .collect();
    let (lo, hi) = medians
        .iter()
        .fold((f64::INFINITY, 0.0f64), |(l, h), m| (l.min(*m), h.max(*m)));
    assert!(
        median >= lo * 0.99 && median <= hi * 1.01,
        "{median} not in {lo}..{hi}"
    );
}

#[test]
fn the_series_count_every_answer_in_its_bucket() {
    let d = oracle("mm1-rho-0.5");
    let r = run(
        &d,
        SimOptions {
            series_buckets: Some(40),
            ..SimOptions::default()
        },
    );
    let s = r.series.expect("series");
    assert_eq!(s.nodes.len(), d.nodes.len());
    assert_eq!(s.nodes[1].busy.len(), 40);
    let e = &s.entries[0];
    let total: u32 = e.succeeded.iter().sum();
    // Buckets cover the whole duration, warm-up included.
    let measured = r.results.entry_points[0].succeeded.mean;
    assert!(f64::from(total) >= measured, "{total} < {measured}");
    let mean_busy: f32 = s.nodes[1].busy.iter().sum::<f32>() / 40.0;
    assert!(
        (mean_busy - 0.5).abs() < 0.05,
        "server busy {mean_busy} at rho 0.5"
    );
}

#[test]
fn a_cancelled_run_stops_and_says_so() {
    let d = oracle("mm1-rho-0.8");
    let options = SimOptions::default();
    options.control.cancel.store(true, Ordering::Relaxed);
    let r = run(&d, options);
    assert!(
        r.warnings()
            .iter()
            .any(|w| w.kind == WarningKind::Cancelled)
    );
    assert!(r.runs[0].simulated_s < d.scenario.duration_s);
}

#[test]
fn the_load_multiplier_scales_arrivals() {
    let d = oracle("mm1-rho-0.5");
    let base = quick(&d).results.entry_points[0].attempted.mean;
    let doubled = run(
        &d,
        SimOptions {
            load_multiplier: 1.5,
            ..SimOptions::default()
        },
    )
    .results
    .entry_points[0]
        .attempted
        .mean;
    assert!((doubled / base - 1.5).abs() < 0.05, "{base} -> {doubled}");
}

#[test]
fn invalid_designs_and_options_are_refused_with_a_reason() {
    let mut d = oracle("mm1-rho-0.5");
    assert!(matches!(
        sim::simulate(
            &d,
            &SimOptions {
                replications: 0,
                ..SimOptions::default()
            }
        ),
        Err(sim::SimError::BadOption(_))
    ));
    svc_mut(&mut d, "server").workers = 0;
    let err = sim::simulate(&d, &SimOptions::default()).expect_err("invalid");
    assert!(err.to_string().contains("0 workers"), "{err}");
}

#[test]
fn flows_of_two_hours_report_a_p99_of_two_hours() {
    // Every request is served in exactly 2 h by one of plenty of workers
    // (about 12 busy on average): latency and flow completion are 2 h for
    // all of them, beyond the hour latency histograms once stopped at.
    let mut d = oracle("md1-rho-0.8");
    let two_hours_ms = 2.0 * 3600e3;
    let server = svc_mut(&mut d, "server");
    server.workers = 200;
    server.operations[0].steps = vec![Step::Work(Distribution::Constant { ms: two_hours_ms })];
    d.entry_points[0].load = archsim::model::Load::Open {
        arrival: archsim::model::Arrival::Poisson,
        rate_per_s: 1.0 / 600.0,
    };
    d.scenario.duration_s = 12.0 * 3600.0;
    d.scenario.warmup_s = 0.0;
    d.scenario.drain_s = 3.0 * 3600.0;
    let r = quick(&d);
    let e = &r.results.entry_points[0];
    assert!(e.succeeded.mean > 30.0, "{} answered", e.succeeded.mean);
    assert_eq!(e.failed.unfinished.mean, 0.0);
    // Histograms keep 3 significant digits: within 0.1 %.
    for (what, p) in [("latency", &e.latency_ms), ("flow", &e.flow_completion_ms)] {
        for (q, v) in [
            ("p50", p.p50.mean),
            ("p99", p.p99.mean),
            ("max", p.max.mean),
        ] {
            assert!(
                (v / two_hours_ms - 1.0).abs() < 1e-3,
                "{what} {q}: {v} ms, expected {two_hours_ms}"
            );
        }
    }
}

#[test]
fn own_work_in_parallel_branches_counts_the_worker_once() {
    // Two 10 ms pieces of own work side by side: the worker is busy 10 ms
    // per request, doing its own work all that time, so utilisation and
    // occupancy are the same and nothing counts as blocked.
    let mut d = oracle("mm1-rho-0.5");
    let work = || Step::Work(Distribution::Constant { ms: 10.0 });
    svc_mut(&mut d, "server").operations[0].steps = vec![Step::Parallel(vec![work(), work()])];
    let r = quick(&d);
    let s = &r.results.services[0];
    assert_eq!(s.node, "server");
    assert!(
        (s.utilisation.mean - s.occupancy.mean).abs() < 1e-9,
        "utilisation {} against occupancy {}",
        s.utilisation.mean,
        s.occupancy.mean
    );
    assert!(
        s.blocked_share.mean.abs() < 1e-9,
        "{}",
        s.blocked_share.mean
    );
}

#[test]
fn an_error_rate_applies_when_all_the_work_is_in_a_branch() {
    // No own work on the main path: the error is drawn as the operation
    // starts, so 30 % of requests still fail.
    let mut d = oracle("mm1-rho-0.5");
    let server = svc_mut(&mut d, "server");
    server.error_rate = 0.3;
    server.operations[0].steps = vec![Step::Choice(vec![archsim::model::Branch {
        probability: 1.0,
        steps: vec![Step::Work(Distribution::Constant { ms: 1.0 })],
    }])];
    let r = quick(&d);
    let e = &r.results.entry_points[0];
    let n = e.attempted.mean;
    let sd = (0.3 * 0.7 / n).sqrt();
    assert!(n > 1000.0, "{n} requests");
    assert!(
        (e.availability.mean - 0.7).abs() < 4.0 * sd,
        "availability {} (n {n})",
        e.availability.mean
    );
}
