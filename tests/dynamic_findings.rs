//! The dynamic findings (`check --simulate`) as a team gating CI relies on
//! them: decided over ten replications, silent on good practice and on
//! what merely looks alarming in one run (a gateway that waits, a spike
//! that drains, ordinary downtime), and raised with the right cause when
//! the pattern is there.

use archsim::analysis::{self, Finding, RuleId, Severity};
use archsim::library;
use archsim::model::{Design, Fault, file};
use archsim::sim::{self, SimOptions};

/// The dynamic findings of `d` as `check --simulate` computes them.
fn dynamic(d: &Design) -> Vec<Finding> {
    let report = sim::simulate(
        d,
        &SimOptions {
            replications: 10,
            series_buckets: Some(40),
            ..SimOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{}: {e}", d.name));
    analysis::analyse_run(d, &report)
}

/// Findings at warning or above, as `rule:subject`.
fn alarms(d: &Design) -> Vec<String> {
    dynamic(d)
        .into_iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(|f| format!("{}: {}", f.id(d), f.title))
        .collect()
}

fn of_rule(d: &Design, rule: RuleId) -> Vec<Finding> {
    dynamic(d).into_iter().filter(|f| f.rule == rule).collect()
}

fn parse(text: &str) -> Design {
    file::parse(text, "test design").unwrap_or_else(|e| panic!("{e}"))
}

/// A client calling a gateway that does 1 ms of its own work and waits on
/// a backend (exponential, 20 ms, 16 workers): `workers` at the gateway,
/// `rate` requests a second.
fn gateway(workers: u32, rate: f64) -> Design {
    parse(&format!(
        r#"(
    format: 2,
    name: "Gateway",
    nodes: [
        (id: "client", name: "Client", kind: Client),
        (id: "gateway", name: "Gateway", kind: Service(workers: {workers}, operations: [(name: "route", steps: [Work(Constant(ms: 1)), Call("backend")])])),
        (id: "backend", name: "Backend", kind: Service(workers: 16, operations: [(name: "serve", steps: [Work(Exponential(mean_ms: 20))])])),
    ],
    links: [
        (from: "client", to: "gateway", style: sync, timeout_ms: 5000),
        (from: "gateway", to: "backend", style: sync, timeout_ms: 2000),
    ],
    entry_points: [(name: "browse", client: "client", target: "gateway", load: Open(arrival: Poisson, rate_per_s: {rate}))],
    scenario: (duration_s: 120, warmup_s: 10, seed: 7),
)"#
    ))
}

#[test]
fn a_gateway_that_waits_with_workers_to_spare_is_not_flagged() {
    // Blocked for 20 of every 21 ms, but 8 workers at 100 a second are
    // occupied about 29 %: nobody queues. Waiting is its job.
    let d = gateway(8, 100.0);
    assert!(
        of_rule(&d, RuleId::WorkersMostlyBlocked).is_empty(),
        "{:?}",
        alarms(&d)
    );
    assert!(alarms(&d).is_empty(), "{:?}", alarms(&d));
}

#[test]
fn a_gateway_whose_pool_runs_out_while_waiting_is_flagged() {
    // Three workers at 135 a second hold about 2.8 of them at once (21 ms
    // each): the pool is nearly always full and requests queue for one.
    let d = gateway(3, 135.0);
    let blocked = of_rule(&d, RuleId::WorkersMostlyBlocked);
    assert_eq!(blocked.len(), 1, "{:?}", alarms(&d));
    assert_eq!(blocked[0].nodes[0].as_str(), "gateway");
    assert!(
        !of_rule(&d, RuleId::SaturatedService).is_empty(),
        "{:?}",
        alarms(&d)
    );
}

/// A publisher and a subscriber (2 workers, 20 ms: 100 a second) behind a
/// durable topic, `rate` events a second for 300 s.
fn subscriber(rate: f64) -> Design {
    parse(&format!(
        r#"(
    format: 2,
    name: "Subscriber",
    nodes: [
        (id: "client", name: "Client", kind: Client),
        (id: "publisher", name: "Publisher", kind: Service(workers: 100, operations: [(name: "publish", steps: [Work(Constant(ms: 10)), Publish("topic")])])),
        (id: "topic", name: "Topic", kind: Broker(kind: Log, durable: true)),
        (id: "subscriber", name: "Subscriber", kind: Service(workers: 2, operations: [(name: "consume", steps: [Work(Exponential(mean_ms: 20))])])),
    ],
    links: [
        (from: "client", to: "publisher", style: sync),
        (from: "publisher", to: "topic", style: event),
        (from: "topic", to: "subscriber", style: event),
    ],
    entry_points: [(name: "publish", client: "client", target: "publisher", load: Open(arrival: Poisson, rate_per_s: {rate}))],
    scenario: (duration_s: 300, warmup_s: 10, seed: 5),
)"#
    ))
}

#[test]
fn a_backlog_that_drains_before_the_end_is_not_a_growing_queue() {
    // The subscriber is down from 240 s to 280 s: 800 events wait, and it
    // works them off at 80 a second, ten seconds later. The last quarter
    // of the run has far more waiting than the first, but no trend.
    let mut d = subscriber(20.0);
    d.scenario.faults.push(Fault::Crash {
        node: "subscriber".into(),
        at_s: 240.0,
        for_s: 40.0,
    });
    assert!(
        of_rule(&d, RuleId::GrowingQueue).is_empty(),
        "{:?}",
        alarms(&d)
    );
}

#[test]
fn a_backlog_that_outgrows_its_consumer_is_a_growing_queue() {
    // 150 a second against a capacity of 100: 50 more wait every second.
    let d = subscriber(150.0);
    let growing = of_rule(&d, RuleId::GrowingQueue);
    assert_eq!(growing.len(), 1, "{:?}", alarms(&d));
    assert_eq!(growing[0].nodes[0].as_str(), "topic");
}

/// A front service calling the leaves named, each with its error rate
/// and availability, in a row.
fn front_calling(leaves: &[(&str, f64, f64)]) -> Design {
    let calls: Vec<String> = leaves
        .iter()
        .map(|(id, _, _)| format!("Call(\"{id}\")"))
        .collect();
    let nodes: Vec<String> = leaves
        .iter()
        .map(|(id, error_rate, up)| {
            format!(
                r#"(id: "{id}", name: "Leaf {id}", kind: Service(workers: 16, operations: [(name: "serve", steps: [Work(Exponential(mean_ms: 5))])], error_rate: {error_rate}, availability: Fraction({up})))"#
            )
        })
        .collect();
    let links: Vec<String> = leaves
        .iter()
        .map(|(id, _, _)| format!(r#"(from: "front", to: "{id}", style: sync, timeout_ms: 1000)"#))
        .collect();
    parse(&format!(
        r#"(
    format: 2,
    name: "Front",
    nodes: [
        (id: "client", name: "Client", kind: Client),
        (id: "front", name: "Front", kind: Service(workers: 32, operations: [(name: "serve", steps: [Work(Constant(ms: 2)), {}])])),
        {},
    ],
    links: [
        (from: "client", to: "front", style: sync, timeout_ms: 5000),
        {},
    ],
    entry_points: [(name: "page", client: "client", target: "front", load: Open(arrival: Poisson, rate_per_s: 100))],
    scenario: (duration_s: 60, warmup_s: 5, seed: 3),
)"#,
        calls.join(", "),
        nodes.join(",\n        "),
        links.join(",\n        ")
    ))
}

#[test]
fn one_failing_dependency_is_named_as_the_cascades_root() {
    let d = front_calling(&[("a", 0.10, 1.0), ("b", 0.0, 1.0)]);
    let cascades = of_rule(&d, RuleId::Cascade);
    assert_eq!(cascades.len(), 1, "{:?}", alarms(&d));
    let c = &cascades[0];
    assert!(c.title.contains("because of Leaf a"), "{}", c.title);
    // About 10 % of requests: an error, with its interval.
    assert_eq!(c.severity, Severity::Error, "{}", c.title);
    assert!(c.title.contains('±'), "{}", c.title);
}

#[test]
fn failures_spread_over_two_dependencies_name_no_single_root() {
    let d = front_calling(&[("a", 0.04, 1.0), ("b", 0.04, 1.0)]);
    let cascades = of_rule(&d, RuleId::Cascade);
    assert_eq!(cascades.len(), 1, "{:?}", alarms(&d));
    let c = &cascades[0];
    assert!(
        !c.title.contains("because of"),
        "half and half is no single cause: {}",
        c.title
    );
    assert!(
        c.title.contains("Leaf a") && c.title.contains("Leaf b"),
        "{}",
        c.title
    );
}

#[test]
fn ordinary_downtime_below_the_threshold_is_not_a_cascade() {
    // 99.9 % up: about 0.1 % of requests fail, a tenth of the 1 % a design
    // may lose before it is a finding.
    let d = front_calling(&[("a", 0.0, 0.999)]);
    assert!(of_rule(&d, RuleId::Cascade).is_empty(), "{:?}", alarms(&d));
}

#[test]
fn failures_from_a_fault_the_scenario_injects_are_information() {
    let mut d = front_calling(&[("a", 0.0, 1.0)]);
    d.scenario.faults.push(Fault::Crash {
        node: "a".into(),
        at_s: 20.0,
        for_s: 10.0,
    });
    let cascades = of_rule(&d, RuleId::Cascade);
    assert_eq!(cascades.len(), 1, "{:?}", alarms(&d));
    assert_eq!(cascades[0].severity, Severity::Info);
    assert!(cascades[0].explanation.contains("the scenario injects"));
}

#[test]
fn examples_of_good_practice_raise_no_dynamic_warning() {
    for example in library::EXAMPLES {
        let d = example.design().expect("loads");
        if analysis::analyse(&d)
            .at_least(Severity::Warning)
            .next()
            .is_some()
        {
            continue; // an example of the problem, not of good practice
        }
        assert!(alarms(&d).is_empty(), "{}: {:?}", example.slug, alarms(&d));
    }
}
