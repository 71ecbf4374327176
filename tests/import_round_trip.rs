//! The importer's main test: a design, simulated with its spans recorded,
//! written as traces and imported back, gives the same services, styles,
//! order, parallel blocks and own work (within the interval the number of
//! requests allows), in every trace format; and every shipped example
//! comes back with the services and calls its simulated traffic took.

use std::collections::BTreeSet;

use archsim::import::{self, Format, Spans};
use archsim::library::EXAMPLES;
use archsim::model::{Design, Distribution, NodeKind, Step, Style, file};
use archsim::report::traces;
use archsim::sim::{self, SimOptions, SimSpans, SpanKind};

const SHOP: &str = r#"#![enable(implicit_some)]
#![enable(unwrap_variant_newtypes)]
(
    format: 2,
    name: "Shop",
    nodes: [
        (id: "web", name: "Web", kind: Client),
        (id: "gateway", name: "Gateway", kind: Service(workers: 64, operations: [
            (name: "checkout", steps: [Work(Exponential(mean_ms: 2.0)), Call("orders")]),
        ])),
        (id: "orders", name: "Orders", kind: Service(workers: 64, operations: [
            (name: "place", steps: [
                Work(LogNormal(mean_ms: 3.0, sd_ms: 1.0)),
                Read("orders_db"),
                Parallel([Call("inventory"), Call("payment")]),
                Publish("order_events"),
                Reply,
                Work(Constant(ms: 5.0)),
                Write("orders_db"),
            ]),
        ])),
        (id: "inventory", name: "Inventory", kind: Service(workers: 64, operations: [
            (name: "reserve", steps: [Work(Gamma(mean_ms: 8.0, sd_ms: 2.0))]),
        ])),
        (id: "payment", name: "Payment", kind: Service(workers: 64, operations: [
            (name: "charge", steps: [Work(Uniform(min_ms: 10.0, max_ms: 20.0))]),
        ])),
        (id: "orders_db", name: "Orders DB", kind: DataStore(kind: Database,
            read_latency: Constant(ms: 2.0), write_latency: Constant(ms: 4.0))),
        (id: "order_events", name: "Order Events", kind: Broker(kind: Log,
            delivery_latency: Constant(ms: 3.0))),
        (id: "shipping", name: "Shipping", kind: Service(workers: 64, operations: [
            (name: "schedule", steps: [Work(Exponential(mean_ms: 6.0))]),
        ])),
    ],
    links: [
        (from: "web", to: "gateway", style: sync, latency: Constant(ms: 1.0)),
        (from: "gateway", to: "orders", style: sync, latency: Constant(ms: 0.5)),
        (from: "orders", to: "orders_db", style: sync),
        (from: "orders", to: "inventory", style: sync, latency: Constant(ms: 0.5)),
        (from: "orders", to: "payment", style: sync, latency: Constant(ms: 0.5)),
        (from: "orders", to: "order_events", style: event),
        (from: "order_events", to: "shipping", style: event),
    ],
    entry_points: [
        (name: "checkout", client: "web", target: "gateway", load: Open(arrival: Poisson, rate_per_s: 20.0)),
    ],
    scenario: (duration_s: 200.0, warmup_s: 1.0, seed: 7),
)
"#;

/// Simulates `design` once with its spans recorded, for `duration_s`
/// (the scenario's when `None`).
fn spans_of(design: &Design, duration_s: Option<f64>) -> SimSpans {
    let report = sim::simulate(
        design,
        &SimOptions {
            spans: Some(1_000_000),
            duration_s,
            ..SimOptions::default()
        },
    )
    .expect("it simulates");
    let spans = report.spans.expect("spans recorded");
    assert_eq!(spans.dropped, 0, "every span kept");
    spans
}

fn round_trip(design: &Design, spans: &SimSpans, format: Format) -> (Design, import::ImportReport) {
    let mut bytes = Vec::new();
    traces::write(design, spans, format, &mut bytes).expect("traces written");
    let mut read = Spans::default();
    read.read(&bytes, "simulated.json")
        .expect("traces read back");
    assert_eq!(
        read.files[0].1, format,
        "the format is told from the content"
    );
    import::infer(&read, "Shop again").expect("traces imported")
}

fn by_name<'d>(design: &'d Design, name: &str) -> &'d archsim::model::Node {
    design
        .nodes
        .iter()
        .find(|n| n.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no node {name}: {:?}",
                design.nodes.iter().map(|n| &n.name).collect::<Vec<_>>()
            )
        })
}

fn steps<'d>(design: &'d Design, service: &str) -> &'d [Step] {
    &by_name(design, service)
        .as_service()
        .expect("a service")
        .operations[0]
        .steps
}

fn kinds(steps: &[Step]) -> Vec<&'static str> {
    steps.iter().map(Step::kind_name).collect()
}

fn works(steps: &[Step]) -> Vec<&Distribution> {
    steps
        .iter()
        .filter_map(|s| match s {
            Step::Work(d) => Some(d),
            _ => None,
        })
        .collect()
}

/// `measured` is `truth`'s mean within four standard errors of `n`
/// samples of a distribution with standard deviation `sd`, plus 1 % for
/// keeping 100 quantiles instead of every sample.
fn within(measured: f64, truth: f64, sd: f64, n: usize, what: &str) {
    let tolerance = 4.0 * sd / (n as f64).sqrt() + 0.01 * truth;
    assert!(
        (measured - truth).abs() <= tolerance,
        "{what}: {measured} ms, expected {truth} ± {tolerance}"
    );
}

#[test]
fn a_simulated_design_comes_back_from_its_traces_in_every_format() {
    let design = file::parse(SHOP, "shop.archsim.ron").expect("the test design loads");
    let spans = spans_of(&design, None);
    let requests = spans
        .spans
        .iter()
        .filter(|s| {
            s.kind == SpanKind::Server && design.nodes[s.node as usize].id.as_str() == "orders"
        })
        .count();
    assert!(requests > 3000, "{requests} requests");
    let mut designs = Vec::new();
    for format in [Format::Otlp, Format::Jaeger, Format::Zipkin] {
        let (back, report) = round_trip(&design, &spans, format);
        assert!(
            back.problems().is_empty(),
            "{format:?}: {:?}",
            back.problems()
        );
        let names: BTreeSet<&str> = back.nodes.iter().map(|n| n.name.as_str()).collect();
        let expected: BTreeSet<&str> = design.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, expected, "{format:?}: the same nodes");
        let styles: BTreeSet<(&str, &str, Style)> = back
            .links
            .iter()
            .map(|l| {
                (
                    back.display_name(&l.from),
                    back.display_name(&l.to),
                    l.style,
                )
            })
            .collect();
        let expected: BTreeSet<(&str, &str, Style)> = design
            .links
            .iter()
            .map(|l| {
                (
                    design.display_name(&l.from),
                    design.display_name(&l.to),
                    l.style,
                )
            })
            .collect();
        assert_eq!(
            styles, expected,
            "{format:?}: the same links in the same styles"
        );
        assert_eq!(
            kinds(steps(&back, "Orders")),
            kinds(steps(&design, "Orders")),
            "{format:?}: the same order, parallel block and reply"
        );
        let Step::Parallel(branches) = &steps(&back, "Orders")[2] else {
            panic!("a parallel block")
        };
        assert_eq!(branches.len(), 2);
        let work = works(steps(&back, "Orders"));
        within(
            work[0].mean_ms(),
            3.0,
            1.0,
            requests,
            "Orders' work before its calls",
        );
        within(
            work[1].mean_ms(),
            5.0,
            0.0,
            requests,
            "Orders' work after its answer",
        );
        let one = |service: &str| works(steps(&back, service))[0].mean_ms();
        within(one("Inventory"), 8.0, 2.0, requests, "Inventory");
        within(
            one("Payment"),
            15.0,
            10.0 / 12f64.sqrt(),
            requests,
            "Payment",
        );
        within(one("Shipping"), 6.0, 6.0, requests, "Shipping");
        let gateway = works(steps(&back, "Gateway"));
        within(gateway[0].mean_ms(), 2.0, 2.0, requests, "Gateway");
        let store = by_name(&back, "Orders DB").as_store().expect("a store");
        within(
            store.read_latency.mean_ms(),
            2.0,
            0.0,
            requests,
            "read latency",
        );
        within(
            store.write_latency.mean_ms(),
            4.0,
            0.0,
            requests,
            "write latency",
        );
        let broker = by_name(&back, "Order Events")
            .as_broker()
            .expect("a broker");
        within(
            broker.delivery_latency.mean_ms(),
            3.0,
            0.0,
            requests,
            "delivery latency",
        );
        let rate = back.entry_points[0].load.open_rate_per_s().unwrap();
        let sd_rate = (requests as f64).sqrt() / 199.0;
        assert!(
            (rate - 20.0).abs() < 4.0 * sd_rate,
            "{format:?}: rate {rate}"
        );
        assert!(report.guesses.iter().any(|g| g.what == "workers of Orders"));
        designs.push(back);
    }
    // Times are written in ns (OTLP) or µs (Jaeger, Zipkin): the designs
    // agree on everything but what a µs changes.
    assert_eq!(
        kinds(steps(&designs[0], "Orders")),
        kinds(steps(&designs[1], "Orders"))
    );
    assert_eq!(
        kinds(steps(&designs[0], "Orders")),
        kinds(steps(&designs[2], "Orders"))
    );
}

#[test]
fn every_shipped_example_comes_back_with_the_calls_its_traffic_made() {
    for example in EXAMPLES {
        let design = example.design().expect("examples load");
        // Half a minute of traffic after the warm-up shows every path the
        // examples take often.
        let spans = spans_of(&design, Some(design.scenario.warmup_s + 30.0));
        let (back, _) = round_trip(&design, &spans, Format::Otlp);
        assert!(
            back.problems().is_empty(),
            "{}: {:?}",
            example.slug,
            back.problems()
        );
        // Every service that handled a request is there, by name.
        let handled: BTreeSet<&str> = spans
            .spans
            .iter()
            .filter(|s| {
                matches!(s.kind, SpanKind::Server | SpanKind::Consumer) && s.end != sim::OPEN
            })
            .map(|s| design.nodes[s.node as usize].display_name())
            .collect();
        let services: BTreeSet<&str> = back
            .nodes
            .iter()
            .filter(|n| matches!(n.kind, NodeKind::Service(_)))
            .map(|n| n.name.as_str())
            .collect();
        assert!(
            handled.is_subset(&services),
            "{}: {handled:?} not in {services:?}",
            example.slug
        );
        // Every synchronous call between services that was answered is a
        // sync link between the same two.
        let answered: BTreeSet<(&str, &str)> = spans
            .spans
            .iter()
            .filter(|s| s.kind == SpanKind::Server && s.end != sim::OPEN && s.parent != 0)
            .filter_map(|s| {
                let client = spans.spans.get(s.parent as usize - 1)?;
                let link = &design.links[client.link? as usize];
                (client.kind == SpanKind::Client && link.style == Style::Sync && link.via.is_none())
                    .then(|| {
                        (
                            design.display_name(&link.from),
                            design.display_name(&link.to),
                        )
                    })
            })
            .collect();
        let sync: BTreeSet<(&str, &str)> = back
            .links
            .iter()
            .filter(|l| l.style == Style::Sync)
            .map(|l| (back.display_name(&l.from), back.display_name(&l.to)))
            .collect();
        assert!(
            answered.is_subset(&sync),
            "{}: {answered:?} not in {sync:?}",
            example.slug
        );
    }
}

#[test]
fn requests_through_one_queue_to_several_services_come_back_as_requests_not_a_broadcast() {
    let example = archsim::library::find("order-saga-orchestration").expect("the example");
    let design = example.design().expect("it loads");
    let spans = spans_of(&design, Some(design.scenario.warmup_s + 30.0));
    let (back, _) = round_trip(&design, &spans, Format::Otlp);
    assert!(back.problems().is_empty(), "{:?}", back.problems());
    // Each request a service sent through the queue, as (from, to, queue).
    let sent: BTreeSet<(&str, &str, &str)> = spans
        .spans
        .iter()
        .filter(|s| s.kind == SpanKind::Consumer && s.parent != 0)
        .filter_map(|s| {
            let request = spans.spans.get(s.parent as usize - 1)?;
            let link = &design.links[request.link? as usize];
            let from = design.node(&link.from)?;
            let via = link.via.as_ref()?;
            (link.style == Style::AsyncRequest && from.as_service().is_some()).then(|| {
                (
                    from.display_name(),
                    design.display_name(&link.to),
                    design.display_name(via),
                )
            })
        })
        .collect();
    assert!(sent.len() >= 4, "{sent:?}");
    let requests: BTreeSet<(&str, &str, &str)> = back
        .links
        .iter()
        .filter(|l| l.style == Style::AsyncRequest)
        .filter_map(|l| {
            Some((
                back.display_name(&l.from),
                back.display_name(&l.to),
                back.display_name(l.via.as_ref()?),
            ))
        })
        .collect();
    assert_eq!(requests, sent);
    // No event link hands the queue's messages to every consumer.
    let queue = back
        .nodes
        .iter()
        .find(|n| n.name == "Saga Commands")
        .expect("the queue");
    assert!(
        !back.links.iter().any(|l| l.from == queue.id),
        "the queue broadcasts nothing"
    );
}
