//! The simulation against queueing theory.
//!
//! Each case is a design under `tests/oracle/`; the analytic value is
//! computed here from the design's own parameters (arrival rate, service
//! time), never copied from an earlier run. A simulated mean agrees when it
//! lies within 1.5 half-widths of its 95 % confidence interval across
//! replications (about three standard errors), and every test also checks
//! that the interval is narrow enough for the comparison to mean something.

#[path = "common/queueing.rs"]
mod queueing;
#[path = "common/theory.rs"]
mod theory;

use std::path::Path;

use archsim::model::{Design, Distribution, Load, NodeKind, file};
use archsim::sim::{self, Estimate, Results, SimOptions, SimReport};
use queueing::erlang_c;
use theory::assert_agrees;

const REPLICATIONS: u32 = 10;

fn design(name: &str) -> Design {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/oracle")
        .join(format!("{name}.archsim.ron"));
    file::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn simulate(design: &Design) -> SimReport {
    sim::simulate(
        design,
        &SimOptions {
            replications: REPLICATIONS,
            ..SimOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{}: {e}", design.name))
}

/// The open arrival rate of the design's only entry point, per second.
fn arrival_rate(d: &Design) -> f64 {
    match d.entry_points[0].load {
        Load::Open { rate_per_s, .. } => rate_per_s,
        Load::Closed { .. } => panic!("{}: expected an open workload", d.name),
    }
}

/// The own work of a node's first operation (its first step).
fn service_time<'d>(d: &'d Design, node: &str) -> &'d Distribution {
    match &d.node(&node.into()).expect("node exists").kind {
        NodeKind::Service(s) => match s.operations[0].steps.first() {
            Some(archsim::model::Step::Work(w)) => w,
            other => panic!("{node} starts with {other:?}, not its own work"),
        },
        other => panic!("{node} is a {}", other.name()),
    }
}

fn workers(d: &Design, node: &str) -> u32 {
    d.node(&node.into())
        .and_then(|n| n.as_service())
        .map(|s| s.workers)
        .expect("a service")
}

/// An estimate over replications of a quantity derived from each one.
fn per_replication(report: &SimReport, f: impl Fn(&Results<f64>) -> f64) -> Estimate {
    Estimate::of(&report.per_replication.iter().map(f).collect::<Vec<_>>())
}

fn service<'r>(r: &'r SimReport, node: &str) -> &'r archsim::sim::ServiceResult<Estimate> {
    r.results
        .services
        .iter()
        .find(|s| s.node == node)
        .expect("service in results")
}

/// Checks an M/G/c station fed by Poisson arrivals against its mean
/// response time and mean queue length.
fn check_queue(name: &str, theory_wait_s: impl Fn(f64, f64, f64, u32) -> f64) {
    let d = design(name);
    let lambda = arrival_rate(&d);
    let s = service_time(&d, "server");
    let mean_s = s.mean_ms() / 1e3;
    let second_moment_s2 = (s.variance_ms2() + s.mean_ms().powi(2)) / 1e6;
    let c = workers(&d, "server");
    let wq = theory_wait_s(lambda, mean_s, second_moment_s2, c);
    let r = simulate(&d);
    let entry = &r.results.entry_points[0];
    assert_agrees(
        &format!("{name}: mean response time (ms)"),
        entry.latency_ms.mean,
        (wq + mean_s) * 1e3,
        0.05,
    );
    assert_agrees(
        &format!("{name}: mean queue length"),
        service(&r, "server").mean_queue,
        lambda * wq,
        0.1,
    );
}

#[test]
fn mm1_at_half_load_matches_one_over_mu_minus_lambda() {
    // M/M/1: W = 1/(mu - lambda), so Wq = W - 1/mu; Lq = rho^2/(1 - rho).
    check_queue("mm1-rho-0.5", |lambda, s, _, _| {
        1.0 / (1.0 / s - lambda) - s
    });
}

#[test]
fn mm1_at_high_load_matches_one_over_mu_minus_lambda() {
    check_queue("mm1-rho-0.8", |lambda, s, _, _| {
        1.0 / (1.0 / s - lambda) - s
    });
}

#[test]
fn mmc_matches_erlang_c() {
    check_queue("mmc-3-rho-0.8", |lambda, s, _, c| {
        let mu = 1.0 / s;
        erlang_c(c, lambda / mu) / (f64::from(c) * mu - lambda)
    });
}

#[test]
fn md1_matches_pollaczek_khinchine() {
    // M/G/1: Wq = lambda E[S^2] / (2 (1 - rho)).
    check_queue("md1-rho-0.8", |lambda, s, s2, _| {
        lambda * s2 / (2.0 * (1.0 - lambda * s))
    });
}

#[test]
fn tandem_over_events_is_the_sum_of_two_mm1_response_times() {
    let d = design("tandem-events");
    let lambda = arrival_rate(&d);
    let w = |node: &str| 1.0 / (1e3 / service_time(&d, node).mean_ms() - lambda);
    let theory_ms = (w("first") + w("second")) * 1e3;
    let r = simulate(&d);
    assert_agrees(
        "tandem: mean time until both stations are done (ms)",
        r.results.entry_points[0].flow_completion_ms.mean,
        theory_ms,
        0.05,
    );
}

#[test]
fn parallel_calls_cost_the_slowest_and_sequential_calls_the_sum() {
    // The maximum of three independent exponentials with mean m has mean
    // m (1 + 1/2 + 1/3); one after another they take 3 m.
    for (name, factor) in [
        ("fanout-sequential", 3.0),
        ("fanout-parallel", 1.0 + 0.5 + 1.0 / 3.0),
    ] {
        let d = design(name);
        let m = service_time(&d, "stockist_a").mean_ms();
        let r = simulate(&d);
        assert_agrees(
            &format!("{name}: mean latency (ms)"),
            r.results.entry_points[0].latency_ms.mean,
            factor * m,
            0.05,
        );
    }
}

#[test]
fn a_sync_chain_needs_every_service_up_but_events_need_only_the_first() {
    let availability =
        |d: &Design, node: &str| d.node(&node.into()).unwrap().availability().fraction_up();
    let sync = design("chain-sync-4");
    let all_four: f64 = ["a", "b", "c", "d"]
        .iter()
        .map(|n| availability(&sync, n))
        .product();
    let r = simulate(&sync);
    assert_agrees(
        "sync chain: entry availability",
        r.results.entry_points[0].availability,
        all_four,
        0.01,
    );
    let events = design("chain-event-4");
    let r = simulate(&events);
    assert_agrees(
        "event chain: entry availability",
        r.results.entry_points[0].availability,
        availability(&events, "a"),
        0.01,
    );
}

#[test]
fn a_slow_subscriber_leaves_the_publisher_alone_while_its_backlog_grows() {
    for name in ["subscriber-fast", "subscriber-slow"] {
        let d = design(name);
        let r = simulate(&d);
        // The publisher answers after its own constant work, whatever the
        // subscriber does.
        let own_ms = service_time(&d, "publisher").mean_ms();
        let latency = r.results.entry_points[0].latency_ms.mean;
        assert!(
            (latency.mean - own_ms).abs() < 1e-6 * own_ms + latency.ci95.unwrap_or(0.0),
            "{name}: publisher latency {latency:?}, its own work takes {own_ms} ms"
        );
        let lambda = arrival_rate(&d);
        let capacity =
            f64::from(workers(&d, "subscriber")) * 1e3 / service_time(&d, "subscriber").mean_ms();
        let backlog_at_end = per_replication(&r, |run| run.brokers[0].max_backlog);
        if lambda > capacity {
            // The backlog grows at lambda - capacity per second.
            assert_agrees(
                &format!("{name}: backlog at the end"),
                backlog_at_end,
                (lambda - capacity) * d.scenario.duration_s,
                0.05,
            );
        } else {
            assert!(
                backlog_at_end.mean < 50.0,
                "{name}: a subscriber that keeps up has no lasting backlog: {backlog_at_end:?}"
            );
        }
    }
}

#[test]
fn a_slow_leaf_raises_upstream_occupancy_but_not_utilisation() {
    let mut occupancy = Vec::new();
    for name in ["leaf-fast", "leaf-slow"] {
        let d = design(name);
        let lambda = arrival_rate(&d);
        let s = |node: &str| service_time(&d, node).mean_ms() / 1e3;
        let r = simulate(&d);
        for (node, held_s) in [("a", s("a") + s("b") + s("c")), ("b", s("b") + s("c"))] {
            let c = f64::from(workers(&d, node));
            let result = service(&r, node);
            // Utilisation: own work only, lambda S / c.
            assert_agrees(
                &format!("{name}: utilisation of {node}"),
                result.utilisation,
                lambda * s(node) / c,
                0.05,
            );
            // Occupancy: the worker is held for its own work and the whole
            // call below it (Little's law on the worker pool).
            assert_agrees(
                &format!("{name}: occupancy of {node}"),
                result.occupancy,
                lambda * held_s / c,
                0.05,
            );
            if node == "a" {
                occupancy.push(result.occupancy);
                assert_agrees(
                    &format!("{name}: blocked share of a"),
                    result.blocked_share,
                    (held_s - s("a")) / held_s,
                    0.05,
                );
            }
        }
    }
    let (fast, slow) = (occupancy[0].interval(), occupancy[1].interval());
    assert!(
        slow.0 > fast.1,
        "slow leaf: occupancy {slow:?} must exceed {fast:?}"
    );
}

/// Arrival rates per (node, operation) from the design's structure alone,
/// pushed from the entry point along every link: an oracle independent of
/// the engine. Also returns the extra work per second that asynchronous
/// responses bring back to their callers (ms of work per second, by node).
fn expected_work_ms_per_s(d: &Design) -> std::collections::HashMap<String, f64> {
    use archsim::model::{Link, Step, Style};
    let mut work: std::collections::HashMap<String, f64> = Default::default();
    /// The link a step of `node` names: by name, else the only link there.
    fn link<'d>(d: &'d Design, node: &str, name: &str) -> &'d Link {
        let from = || d.links.iter().filter(move |l| l.from.as_str() == node);
        from()
            .find(|l| l.name.as_deref() == Some(name))
            .or_else(|| from().find(|l| l.to.as_str() == name))
            .expect("the step's link")
    }
    /// Work of `rate` requests per second of operation `op` at `node`.
    fn push(
        d: &Design,
        node: &str,
        op: Option<&str>,
        rate: f64,
        work: &mut std::collections::HashMap<String, f64>,
    ) {
        let n = d.node(&node.into()).expect("node");
        match &n.kind {
            NodeKind::Service(s) => {
                let steps = s.operation(op).map(|o| o.steps.clone()).unwrap_or_default();
                walk(d, node, &steps, rate, work);
            }
            NodeKind::Broker(_) => {
                for sub in d.links.iter().filter(|x| x.from.as_str() == node) {
                    push(d, sub.to.as_str(), sub.to_op.as_deref(), rate, work);
                }
            }
            _ => {}
        }
    }
    /// Work of `rate` runs per second of `steps` at `node`.
    fn walk(
        d: &Design,
        node: &str,
        steps: &[Step],
        rate: f64,
        work: &mut std::collections::HashMap<String, f64>,
    ) {
        for step in steps {
            match step {
                Step::Work(w) => *work.entry(node.to_owned()).or_default() += rate * w.mean_ms(),
                Step::Reply => {}
                Step::Parallel(s) | Step::Sequence(s) => walk(d, node, s, rate, work),
                Step::Choice(branches) => {
                    for b in branches {
                        walk(d, node, &b.steps, rate * b.probability, work);
                    }
                }
                Step::Publish(name) => {
                    let l = link(d, node, name);
                    push(d, l.to.as_str(), l.to_op.as_deref(), rate, work);
                }
                Step::Request(r) => {
                    let l = link(d, node, &r.link);
                    push(d, l.to.as_str(), l.to_op.as_deref(), rate * r.times, work);
                    walk(d, node, &r.then, rate * r.times, work);
                }
                Step::Call(c) | Step::Read(c) | Step::Write(c) | Step::Update(c) => {
                    let l = link(d, node, &c.link);
                    let r = rate * c.times;
                    let to = d.node(&l.to).expect("target");
                    match &to.kind {
                        NodeKind::DataStore(s) => {
                            let ms = match step {
                                Step::Read(_) => s.read_latency.mean_ms(),
                                Step::Write(_) => s.write_latency.mean_ms(),
                                _ => s.read_latency.mean_ms() + s.write_latency.mean_ms(),
                            };
                            *work.entry(l.to.to_string()).or_default() += r * ms;
                            if l.style == Style::CommonData {
                                for reader in d.links.iter().filter(|x| x.from == l.to) {
                                    push(d, reader.to.as_str(), reader.to_op.as_deref(), r, work);
                                }
                            }
                        }
                        _ => push(d, l.to.as_str(), l.to_op.as_deref(), r, work),
                    }
                }
            }
        }
    }
    let e = &d.entry_points[0];
    push(
        d,
        e.target.as_str(),
        e.operation.as_deref(),
        arrival_rate(d),
        &mut work,
    );
    work
}

#[test]
fn every_service_is_busy_lambda_times_s_over_its_workers() {
    let d = design("multi-service");
    let work = expected_work_ms_per_s(&d);
    let r = simulate(&d);
    let mut checked = 0;
    for s in &r.results.services {
        let node = d.node(&s.node.as_str().into()).expect("node");
        let workers = match &node.kind {
            NodeKind::Service(svc) => svc.workers,
            NodeKind::DataStore(st) => match st.connections {
                Some(c) => c,
                None => continue, // unlimited connections: no utilisation
            },
            _ => continue,
        };
        let expected = work[&s.node] / 1e3 / f64::from(workers);
        assert_agrees(
            &format!("utilisation of {}", s.node),
            s.utilisation,
            expected,
            0.05,
        );
        checked += 1;
    }
    assert!(checked >= 8, "checked {checked} services");
}

/// A random tree of services (every style but common data), light enough
/// to be stable.
fn random_architecture(seed: u64) -> Design {
    use archsim::model::{Link, Node, Position, Service, Style};
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
    let mut d = Design::new(format!("random architecture {seed}"));
    d.scenario.duration_s = 3000.0;
    d.scenario.warmup_s = 100.0;
    d.scenario.seed = seed;
    d.nodes.push(Node {
        id: "client".into(),
        name: "Client".into(),
        pos: Position::default(),
        notes: String::new(),
        kind: NodeKind::Client,
    });
    let n = rng.random_range(5..10);
    for i in 0..n {
        let mean_ms = rng.random_range(5.0..40.0);
        let service_time = match rng.random_range(0..4) {
            0 => Distribution::Exponential { mean_ms },
            1 => Distribution::LogNormal {
                mean_ms,
                sd_ms: mean_ms / 2.0,
            },
            2 => Distribution::Uniform {
                min_ms: mean_ms / 2.0,
                max_ms: mean_ms * 1.5,
            },
            _ => Distribution::Constant { ms: mean_ms },
        };
        d.nodes.push(Node {
            id: format!("s{i}").as_str().into(),
            name: format!("S{i}"),
            pos: Position {
                x: 200.0 * i as f32,
                y: 0.0,
            },
            notes: String::new(),
            kind: NodeKind::Service(Service::simple(rng.random_range(1..4), service_time)),
        });
        let (from, style) = if i == 0 {
            ("client".to_owned(), Style::Sync)
        } else {
            let style = [Style::Sync, Style::Event, Style::AsyncRequest][rng.random_range(0..3)];
            (format!("s{}", rng.random_range(0..i)), style)
        };
        let mut link = Link::new(from.as_str(), format!("s{i}").as_str(), style);
        link.latency = Distribution::Constant {
            ms: rng.random_range(0.0..5.0),
        };
        d.links.push(link);
    }
    d.use_every_link(1.0);
    d.entry_points.push(archsim::model::EntryPoint {
        name: "load".into(),
        client: "client".into(),
        target: "s0".into(),
        operation: None,
        objectives: Default::default(),
        load: Load::Open {
            arrival: archsim::model::Arrival::Poisson,
            rate_per_s: 1.5,
        },
    });
    d
}

#[test]
fn littles_law_holds_at_every_service_of_random_architectures() {
    for seed in [11, 12, 13] {
        let d = random_architecture(seed);
        assert!(d.problems().is_empty(), "{:?}", d.problems());
        let r = simulate(&d);
        for (i, s) in r.results.services.iter().enumerate() {
            // L = lambda W, with lambda the arrival rate and W the mean time
            // from arrival to completion.
            let lambda_w = per_replication(&r, |run| {
                run.services[i].arrival_rate_per_s * run.services[i].mean_sojourn_ms / 1e3
            });
            assert_agrees(
                &format!("random {seed}, {}: L vs lambda W", s.node),
                s.mean_in_system,
                lambda_w.mean,
                0.1,
            );
        }
    }
}

#[test]
fn closed_users_obey_the_interactive_response_time_law() {
    // N users thinking Z between requests: throughput X = N / (R + Z).
    let mut d = design("mm1-rho-0.5");
    let (users, think_ms) = (4u32, 300.0);
    d.entry_points[0].load = Load::Closed {
        users,
        think_time: Distribution::Exponential { mean_ms: think_ms },
    };
    let r = simulate(&d);
    let throughput = per_replication(&r, |run| {
        f64::from(users) / ((run.entry_points[0].latency_ms.mean + think_ms) / 1e3)
    });
    assert_agrees(
        "closed workload: throughput vs N / (R + Z)",
        r.results.entry_points[0].throughput_per_s,
        throughput.mean,
        0.05,
    );
}

#[test]
fn a_stable_entry_points_throughput_is_its_arrival_rate_and_obeys_littles_law() {
    // In steady state every request is answered: X = lambda. Little's law at
    // the only service: requests in it L = X * W, W the client latency.
    let d = design("mm1-rho-0.8");
    let lambda = arrival_rate(&d);
    let r = simulate(&d);
    let entry = &r.results.entry_points[0];
    assert_agrees(
        "mm1-rho-0.8: throughput vs arrival rate",
        entry.throughput_per_s,
        lambda,
        0.02,
    );
    let little = per_replication(&r, |run| {
        run.entry_points[0].throughput_per_s * run.entry_points[0].latency_ms.mean / 1e3
    });
    let in_system = service(&r, "server").mean_in_system;
    assert_agrees(
        "mm1-rho-0.8: requests at the server vs X * W",
        in_system,
        little.mean,
        0.1,
    );
    // And both are the textbook rho / (1 - rho).
    let rho = lambda * service_time(&d, "server").mean_ms() / 1e3;
    assert_agrees("mm1-rho-0.8: L", in_system, rho / (1.0 - rho), 0.1);
}

/// One worker taking a constant 10 ms (100 answers per second) offered 200
/// requests per second for 5 s, with no warm-up and the given drain.
fn overloaded(drain_s: f64) -> Design {
    let mut d = design("mm1-rho-0.5");
    d.entry_points[0].load = Load::Open {
        arrival: archsim::model::Arrival::Poisson,
        rate_per_s: 200.0,
    };
    match &mut d.node_mut(&"server".into()).expect("server").kind {
        NodeKind::Service(s) => {
            s.operations[0].steps = vec![archsim::model::Step::Work(Distribution::Constant {
                ms: 10.0,
            })];
        }
        _ => unreachable!("the server is a service"),
    }
    d.scenario.duration_s = 5.0;
    d.scenario.warmup_s = 0.0;
    d.scenario.drain_s = drain_s;
    d
}

#[test]
fn an_overloaded_service_delivers_its_capacity_with_or_without_a_drain() {
    // Throughput counts answers completed inside the window, so it is the
    // service's capacity, 1 / 10 ms, however long the drain; the answers of
    // the drain are still counted as succeeded requests.
    let capacity = 1e3 / 10.0;
    for drain_s in [0.0, 60.0] {
        let r = simulate(&overloaded(drain_s));
        let entry = &r.results.entry_points[0];
        // Never above capacity; below it only by the idle start (the first
        // arrival and the network latency: a few milliseconds of 5 s).
        let x = entry.throughput_per_s.mean;
        assert!(
            x <= capacity + 1e-9 && x >= 0.98 * capacity,
            "drain {drain_s} s: throughput {x:.2}/s, capacity {capacity}/s"
        );
        // Arrivals outrun the worker by 100 a second for 5 s: about 500
        // requests wait when arrivals stop.
        assert_agrees(
            &format!("drain {drain_s} s: queue when arrivals stop"),
            service(&r, "server").queue_at_end,
            (200.0 - capacity) * 5.0,
            0.1,
        );
        let arrivals = entry.attempted.mean;
        let answered = entry.succeeded.mean;
        if drain_s > 0.0 {
            // A minute is long enough to answer all ~1000 requests.
            assert!(
                (answered - arrivals).abs() < 1.0,
                "with a drain every request is answered: {answered} of {arrivals}"
            );
        } else {
            // Without one only what 5 s of work completes: about 500.
            assert!(
                (answered - 5.0 * capacity).abs() <= 2.0,
                "without a drain about 500 answers: {answered} of {arrivals}"
            );
        }
    }
}
