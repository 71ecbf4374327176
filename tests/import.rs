//! `archsim import`: designs inferred from traces. One set of traces,
//! written here with known durations, is rendered in each format the
//! importer reads (OpenTelemetry OTLP JSON, Jaeger JSON, Zipkin v2 JSON);
//! the design must show the structure and the numbers the test put in,
//! and simulating it must give back the latency the traces show.

mod common;

use archsim::import::{self, Spans};
use archsim::model::{BrokerKind, Design, Distribution, NodeKind, Step, StoreKind, Style, file};
use archsim::sim::{self, SimOptions};
use common::cli::{archsim, assert_code, stderr, stdout};
use serde_json::{Value, json};

/// Requests traced, one every `GAP_MS`.
const TRACES: usize = 40;
const GAP_MS: f64 = 100.0;
/// Every `FAILING`-th request fails at the payment service itself.
const FAILING: usize = 10;

/// One span of the test's truth.
#[derive(Debug, Clone)]
struct T {
    service: &'static str,
    name: &'static str,
    kind: &'static str,
    start_ms: f64,
    end_ms: f64,
    parent: Option<usize>,
    attrs: Vec<(&'static str, &'static str)>,
    error: bool,
}

fn t(
    service: &'static str,
    name: &'static str,
    kind: &'static str,
    span: (f64, f64),
    parent: Option<usize>,
) -> T {
    T {
        service,
        name,
        kind,
        start_ms: span.0,
        end_ms: span.1,
        parent,
        attrs: Vec::new(),
        error: false,
    }
}

/// The orders service's own work before its first call, in request `i`.
fn orders_first_work_ms(i: usize) -> f64 {
    2.0 + (i % 5) as f64 * 0.1
}

/// Request `i`: the browser calls the gateway, which calls orders; orders
/// reads its database, asks inventory and payment at once (payment calls
/// Stripe, which is not traced), publishes OrderPlaced to Kafka, answers,
/// and then writes an audit row; shipping consumes the event.
fn checkout(i: usize) -> Vec<T> {
    let at = i as f64 * GAP_MS;
    let w = orders_first_work_ms(i) - 2.0;
    let s = |a: f64, b: f64| (at + a, at + b);
    let mut spans = vec![
        t("web", "GET /checkout", "client", s(0.0, 62.0), None), // 0
        t("gateway", "checkout", "server", s(1.0, 61.0), Some(0)), // 1
        t("gateway", "call orders", "client", s(3.0, 45.0), Some(1)), // 2
        t("orders", "place_order", "server", s(4.0 - w, 44.0), Some(2)), // 3
        t("orders", "SELECT orders", "client", s(6.0, 9.0), Some(3)), // 4
        t("orders", "call inventory", "client", s(9.0, 20.0), Some(3)), // 5
        t("inventory", "reserve", "server", s(9.5, 19.5), Some(5)), // 6
        t("orders", "call payment", "client", s(9.0, 30.0), Some(3)), // 7
        t("payment", "charge", "server", s(9.5, 29.5), Some(7)), // 8
        t(
            "payment",
            "POST /v1/charges",
            "client",
            s(10.0, 28.0),
            Some(8),
        ), // 9
        t(
            "orders",
            "orders publish",
            "producer",
            s(32.0, 33.0),
            Some(3),
        ), // 10
        t("orders", "INSERT audit", "client", s(44.5, 46.0), Some(3)), // 11
        t("shipping", "schedule", "consumer", s(40.0, 48.0), Some(10)), // 12
    ];
    spans[4].attrs = vec![
        ("db.system", "postgresql"),
        ("db.name", "orders_db"),
        ("db.operation", "SELECT"),
    ];
    spans[11].attrs = vec![
        ("db.system", "postgresql"),
        ("db.name", "orders_db"),
        ("db.statement", "INSERT INTO audit VALUES (1)"),
    ];
    spans[9].attrs = vec![
        ("peer.service", "stripe"),
        ("server.address", "api.stripe.com"),
    ];
    spans[10].attrs = vec![
        ("messaging.system", "kafka"),
        ("messaging.destination.name", "orders"),
    ];
    spans[12].attrs = vec![
        ("messaging.system", "kafka"),
        ("messaging.destination.name", "orders"),
    ];
    if i.is_multiple_of(FAILING) {
        for k in [8, 7, 3, 2, 1, 0] {
            spans[k].error = true;
        }
    }
    spans
}

fn traces() -> Vec<Vec<T>> {
    (0..TRACES).map(checkout).collect()
}

const EPOCH_NS: i64 = 1_764_000_000_000_000_000;

fn ns(ms: f64) -> i64 {
    EPOCH_NS + (ms * 1e6).round() as i64
}

fn us(ms: f64) -> i64 {
    ns(ms) / 1000
}

fn trace_id(i: usize) -> String {
    format!("{:032x}", 0xabc0_0000 + i)
}

fn span_id(i: usize, k: usize) -> String {
    format!("{:016x}", (i << 8) + k + 1)
}

fn otlp(traces: &[Vec<T>]) -> String {
    let kind = |k: &str| match k {
        "server" => 2,
        "client" => 3,
        "producer" => 4,
        "consumer" => 5,
        _ => 1,
    };
    let mut resources = Vec::new();
    for (i, trace) in traces.iter().enumerate() {
        for (k, span) in trace.iter().enumerate() {
            let otlp_span = json!({
                "traceId": trace_id(i),
                "spanId": span_id(i, k),
                "parentSpanId": span.parent.map(|p| span_id(i, p)).unwrap_or_default(),
                "name": span.name,
                "kind": kind(span.kind),
                "startTimeUnixNano": ns(span.start_ms).to_string(),
                "endTimeUnixNano": ns(span.end_ms).to_string(),
                "attributes": span.attrs.iter().map(|(k, v)| json!({"key": k, "value": {"stringValue": v}})).collect::<Vec<_>>(),
                "status": if span.error { json!({"code": 2}) } else { json!({}) },
            });
            resources.push(json!({
                "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": span.service}}]},
                "scopeSpans": [{"scope": {"name": "test"}, "spans": [otlp_span]}],
            }));
        }
    }
    // One export request per line, as the collector's file exporter writes.
    resources
        .chunks(7)
        .map(|chunk| json!({"resourceSpans": chunk}).to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

fn jaeger(traces: &[Vec<T>]) -> String {
    let data: Vec<Value> = traces
        .iter()
        .enumerate()
        .map(|(i, trace)| {
            let services: Vec<&str> = {
                let mut s: Vec<&str> = trace.iter().map(|t| t.service).collect();
                s.sort();
                s.dedup();
                s
            };
            let process = |service: &str| format!("p{}", services.iter().position(|s| *s == service).unwrap() + 1);
            let spans: Vec<Value> = trace
                .iter()
                .enumerate()
                .map(|(k, span)| {
                    let mut tags: Vec<Value> = span.attrs.iter().map(|(k, v)| json!({"key": k, "type": "string", "value": v})).collect();
                    if span.kind != "internal" {
                        tags.push(json!({"key": "span.kind", "type": "string", "value": span.kind}));
                    }
                    if span.error {
                        tags.push(json!({"key": "error", "type": "bool", "value": true}));
                    }
                    json!({
                        "traceID": trace_id(i),
                        "spanID": span_id(i, k),
                        "operationName": span.name,
                        "references": span.parent.map(|p| vec![json!({"refType": "CHILD_OF", "traceID": trace_id(i), "spanID": span_id(i, p)})]).unwrap_or_default(),
                        "startTime": us(span.start_ms),
                        "duration": us(span.end_ms) - us(span.start_ms),
                        "tags": tags,
                        "processID": process(span.service),
                    })
                })
                .collect();
            let processes: serde_json::Map<String, Value> = services
                .iter()
                .map(|s| (process(s), json!({"serviceName": s, "tags": []})))
                .collect();
            json!({"traceID": trace_id(i), "spans": spans, "processes": processes})
        })
        .collect();
    json!({"data": data, "total": 0, "limit": 0, "offset": 0, "errors": null}).to_string()
}

/// Zipkin v2, with B3 shared spans: a server span reuses its client's id,
/// and its children name that id as their parent.
fn zipkin(traces: &[Vec<T>]) -> String {
    let mut out = Vec::new();
    for (i, trace) in traces.iter().enumerate() {
        // The id each span is written with.
        let written: Vec<String> = (0..trace.len())
            .map(|k| match trace[k].parent {
                Some(p) if trace[k].kind == "server" && trace[p].kind == "client" => span_id(i, p),
                _ => span_id(i, k),
            })
            .collect();
        for (k, span) in trace.iter().enumerate() {
            let shared = written[k] != span_id(i, k);
            let parent = if shared {
                trace[span.parent.unwrap()]
                    .parent
                    .map(|g| written[g].clone())
            } else {
                span.parent.map(|p| written[p].clone())
            };
            let mut tags: serde_json::Map<String, Value> = span
                .attrs
                .iter()
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect();
            if span.error {
                tags.insert("error".into(), json!("payment declined"));
            }
            let mut z = json!({
                "traceId": trace_id(i),
                "id": written[k],
                "name": span.name,
                "timestamp": us(span.start_ms),
                "duration": us(span.end_ms) - us(span.start_ms),
                "localEndpoint": {"serviceName": span.service},
                "tags": tags,
            });
            if let Some(p) = parent {
                z["parentId"] = json!(p);
            }
            if span.kind != "internal" {
                z["kind"] = json!(span.kind.to_ascii_uppercase());
            }
            if shared {
                z["shared"] = json!(true);
            }
            out.push(z);
        }
    }
    Value::Array(out).to_string()
}

fn import_text(text: &str, file: &str) -> (Design, import::ImportReport) {
    let mut spans = Spans::default();
    spans.read(text.as_bytes(), file).expect("the traces read");
    import::infer(&spans, "checkout").expect("the traces import")
}

fn node_kind<'d>(design: &'d Design, id: &str) -> &'d NodeKind {
    &design
        .nodes
        .iter()
        .find(|n| n.id.as_str() == id)
        .unwrap_or_else(|| {
            panic!(
                "no node {id} in {:?}",
                design.nodes.iter().map(|n| &n.id).collect::<Vec<_>>()
            )
        })
        .kind
}

fn steps<'d>(design: &'d Design, service: &str, op: &str) -> &'d [Step] {
    match node_kind(design, service) {
        NodeKind::Service(s) => {
            &s.operation(Some(op))
                .unwrap_or_else(|| panic!("{service} has no {op}"))
                .steps
        }
        other => panic!("{service} is {other:?}"),
    }
}

fn mean(d: &Distribution) -> f64 {
    d.mean_ms()
}

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-6_f64.max(b.abs() * 1e-3),
        "{what}: {a} vs {b}"
    );
}

#[test]
fn the_three_formats_give_one_design() {
    let truth = traces();
    let (from_otlp, _) = import_text(&otlp(&truth), "t.otlp.json");
    let (from_jaeger, _) = import_text(&jaeger(&truth), "t.jaeger.json");
    let (from_zipkin, _) = import_text(&zipkin(&truth), "t.zipkin.json");
    assert_eq!(from_otlp, from_jaeger, "OTLP and Jaeger differ");
    assert_eq!(from_otlp, from_zipkin, "OTLP and Zipkin differ");
}

#[test]
fn services_stores_external_services_brokers_and_clients_come_from_the_spans() {
    let (design, report) = import_text(&otlp(&traces()), "t.json");
    assert!(design.problems().is_empty(), "{:?}", design.problems());
    for service in ["gateway", "orders", "inventory", "payment", "shipping"] {
        assert!(
            matches!(node_kind(&design, service), NodeKind::Service(_)),
            "{service}"
        );
    }
    assert!(matches!(node_kind(&design, "web"), NodeKind::Client));
    match node_kind(&design, "orders_db") {
        NodeKind::DataStore(s) => {
            assert_eq!(s.kind, StoreKind::Database);
            close(mean(&s.read_latency), 3.0, "read latency");
            close(mean(&s.write_latency), 1.5, "write latency");
        }
        other => panic!("orders_db is {other:?}"),
    }
    match node_kind(&design, "orders") {
        NodeKind::Service(_) => {}
        other => panic!("{other:?}"),
    }
    match design
        .nodes
        .iter()
        .find(|n| n.name == "orders" && n.as_broker().is_some())
    {
        Some(n) => {
            let b = n.as_broker().unwrap();
            assert_eq!(b.kind, BrokerKind::Log, "Kafka is a log");
            close(mean(&b.delivery_latency), 40.0 - 33.0, "delivery latency");
        }
        None => panic!("no broker for the orders topic"),
    }
    match node_kind(&design, "stripe") {
        NodeKind::Service(s) => close(
            s.operations[0].mean_work_ms(),
            18.0,
            "Stripe as its caller waited",
        ),
        other => panic!("stripe is {other:?}"),
    }
    assert_eq!(report.counts.services, 5);
    assert_eq!(report.counts.external_services, 1);
    assert_eq!(report.counts.data_stores, 1);
    assert_eq!(report.counts.brokers, 1);
    assert_eq!(report.counts.clients, 1);
    let styles: Vec<(String, String, Style)> = design
        .links
        .iter()
        .map(|l| (l.from.0.clone(), l.to.0.clone(), l.style))
        .collect();
    let broker = design
        .nodes
        .iter()
        .find(|n| n.as_broker().is_some())
        .unwrap()
        .id
        .0
        .clone();
    for (from, to, style) in [
        ("web", "gateway", Style::Sync),
        ("gateway", "orders", Style::Sync),
        ("orders", "inventory", Style::Sync),
        ("orders", "orders_db", Style::Sync),
        ("payment", "stripe", Style::Sync),
        ("orders", broker.as_str(), Style::Event),
        (broker.as_str(), "shipping", Style::Event),
    ] {
        assert!(
            styles.contains(&(from.to_owned(), to.to_owned(), style)),
            "no {style:?} link {from} -> {to} in {styles:?}"
        );
    }
}

#[test]
fn an_operation_keeps_the_order_the_parallel_calls_and_the_work_after_its_answer() {
    let (design, _) = import_text(&jaeger(&traces()), "t.json");
    let steps = steps(&design, "orders", "place_order");
    let kinds: Vec<&str> = steps.iter().map(Step::kind_name).collect();
    assert_eq!(
        kinds,
        [
            "Work", "Read", "Parallel", "Work", "Publish", "Work", "Reply", "Work", "Write"
        ],
        "{steps:?}"
    );
    let expected_first = (0..TRACES).map(orders_first_work_ms).sum::<f64>() / TRACES as f64;
    let work = |k: usize| match &steps[k] {
        Step::Work(d) => mean(d),
        other => panic!("{other:?}"),
    };
    close(work(0), expected_first, "own work before the first call");
    close(
        work(3),
        32.0 - 30.0,
        "own work between the parallel calls and the publish",
    );
    close(work(5), 44.0 - 33.0, "own work before the answer");
    close(work(7), 44.5 - 44.0, "own work after the answer");
    match &steps[2] {
        Step::Parallel(branches) => {
            let mut links: Vec<&str> = branches.iter().filter_map(Step::link).collect();
            links.sort();
            assert_eq!(links, ["inventory", "payment"]);
        }
        other => panic!("{other:?}"),
    }
    let payment = steps_of_one_work(&design, "payment", "charge");
    close(
        payment,
        (29.5 - 9.5) - (28.0 - 10.0),
        "payment's own work is its span minus Stripe's",
    );
}

fn steps_of_one_work(design: &Design, service: &str, op: &str) -> f64 {
    steps(design, service, op)
        .iter()
        .map(|s| match s {
            Step::Work(d) => mean(d),
            _ => 0.0,
        })
        .sum()
}

#[test]
fn rates_network_latency_errors_and_workers_are_measured_and_said() {
    let (design, report) = import_text(&zipkin(&traces()), "t.json");
    let entry = &design.entry_points[0];
    let rate = entry.load.open_rate_per_s().unwrap();
    let expected = (TRACES - 1) as f64 / ((TRACES - 1) as f64 * GAP_MS / 1000.0);
    close(rate, expected, "arrival rate");
    let link = |from: &str, to: &str| {
        design
            .links
            .iter()
            .find(|l| l.from.as_str() == from && l.to.as_str() == to)
            .unwrap_or_else(|| panic!("no link {from} -> {to}"))
    };
    close(
        mean(&link("web", "gateway").latency),
        (62.0 - 60.0) / 2.0,
        "one-way network web -> gateway",
    );
    close(
        mean(&link("orders", "payment").latency),
        (21.0 - 20.0) / 2.0,
        "one-way network orders -> payment",
    );
    let service = |id: &str| match node_kind(&design, id) {
        NodeKind::Service(s) => s.clone(),
        other => panic!("{other:?}"),
    };
    close(
        service("payment").error_rate,
        1.0 / FAILING as f64,
        "payment's own errors",
    );
    assert_eq!(
        service("orders").error_rate,
        0.0,
        "orders failed only when payment did"
    );
    // Requests never overlapped: one worker is the lower bound, and the
    // report says it is one.
    assert_eq!(service("gateway").workers, 1);
    let guess = report
        .guesses
        .iter()
        .find(|g| g.what == "workers of gateway")
        .expect("workers guessed");
    assert!(guess.why.contains("lower bound"), "{guess:?}");
    let sampling = report.guesses.iter().any(|g| g.what == "sampling");
    assert!(sampling, "unknown sampling is flagged");
    let own_work = report
        .inferred
        .iter()
        .find(|i| {
            i.what
                .starts_with("own work of orders place_order before its first call")
        })
        .expect("own work reported");
    assert_eq!(own_work.samples, TRACES);
    assert!(own_work.how.contains("empirical"), "{own_work:?}");
    assert!(report.cannot_show.iter().any(|c| c.contains("timeouts")));
}

#[test]
fn simulating_the_imported_design_gives_back_the_latency_the_traces_show() {
    let (mut design, _) = import_text(&otlp(&traces()), "t.json");
    // Workers are a lower bound from traces; give every service room, so
    // the latency is the traced path alone.
    for node in &mut design.nodes {
        if let NodeKind::Service(s) = &mut node.kind {
            s.workers = 64;
            s.error_rate = 0.0;
        }
    }
    design.scenario.duration_s = 200.0;
    let report = sim::simulate(&design, &SimOptions::default()).expect("it simulates");
    let mean_ms = report.results.entry_points[0].latency_ms.mean.mean;
    // The browser waited 62 ms in every trace, the first own work of orders
    // aside, which varies by request (its mean is what the design keeps).
    let extra = (0..TRACES).map(orders_first_work_ms).sum::<f64>() / TRACES as f64 - 2.0;
    let traced = 62.0 + extra;
    assert!(
        (mean_ms - traced).abs() < 0.02 * traced,
        "simulated {mean_ms} ms, traced {traced} ms"
    );
}

#[test]
fn broken_traces_are_repaired_and_said_never_a_panic() {
    let truth = traces();
    let (clean, _) = import_text(&otlp(&truth), "clean.json");
    // Spans exported twice: the first export request again.
    let text = otlp(&truth);
    let first = text.lines().next().unwrap().to_owned();
    let (twice, report) = import_text(&format!("{text}\n{first}"), "twice.json");
    assert_eq!(
        report.repairs.duplicate_ids,
        first.matches("\"spanId\"").count()
    );
    assert_eq!(twice, clean, "copies change nothing");
    // A parent never exported, and parents in a cycle.
    let mut broken = truth;
    broken[1][4].parent = Some(99);
    broken[2][1].parent = Some(3);
    let (design, report) = import_text(&otlp(&broken), "broken.json");
    assert!(design.problems().is_empty(), "{:?}", design.problems());
    assert_eq!(report.repairs.missing_parents, 1);
    assert_eq!(report.repairs.cycles_cut, 1);
}

#[test]
fn the_command_writes_the_design_reports_and_checks_it_and_keeps_existing_files() {
    let dir = tempfile::tempdir().unwrap();
    let traces_path = dir.path().join("traces.json");
    std::fs::write(&traces_path, jaeger(&traces())).unwrap();
    let out_path = dir.path().join("checkout.archsim.ron");
    let out = archsim([
        "import".as_ref(),
        traces_path.as_os_str(),
        "-o".as_ref(),
        out_path.as_os_str(),
    ]);
    assert_code(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("read 40 traces from 1 file"), "{text}");
    assert!(text.contains("Jaeger JSON"), "{text}");
    assert!(text.contains("lower bound"), "{text}");
    assert!(text.contains(": valid;"), "the design is checked: {text}");
    let design = file::load(&out_path).expect("the written design loads");
    assert_eq!(design.name, "checkout");
    // A second import does not replace the design without --force.
    let again = archsim([
        "import".as_ref(),
        traces_path.as_os_str(),
        "-o".as_ref(),
        out_path.as_os_str(),
        "--json".as_ref(),
    ]);
    assert_code(&again, 2);
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
    let forced = archsim([
        "import".as_ref(),
        traces_path.as_os_str(),
        "-o".as_ref(),
        out_path.as_os_str(),
        "--json".as_ref(),
        "--force".as_ref(),
    ]);
    assert_code(&forced, 0);
    let json: Value = serde_json::from_str(&stdout(&forced)).expect("JSON");
    assert_eq!(json["kind"], "import");
    assert_eq!(json["import"]["traces"], 40);
    assert_eq!(json["check"]["valid"], true);
    assert!(
        json["import"]["inferred"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    );
}

#[test]
fn files_that_are_not_traces_are_refused_with_where_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("out.archsim.ron");
    let not_traces = dir.path().join("design.json");
    std::fs::write(&not_traces, r#"{"name": "not traces"}"#).unwrap();
    let out = archsim([
        "import".as_ref(),
        not_traces.as_os_str(),
        "-o".as_ref(),
        out_path.as_os_str(),
    ]);
    assert_code(&out, 2);
    assert!(
        stderr(&out).contains("not a trace file"),
        "{}",
        stderr(&out)
    );
    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        "{\"resourceSpans\": [\n  {\"scopeSpans\": [{\"spans\": [{\"traceId\": 5}]}]}]}",
    )
    .unwrap();
    let out = archsim([
        "import".as_ref(),
        broken.as_os_str(),
        "-o".as_ref(),
        out_path.as_os_str(),
    ]);
    assert_code(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{}:2:", broken.display())),
        "file:line:col: {err}"
    );
    assert!(!out_path.exists(), "nothing written");
}

#[test]
fn paths_taken_by_some_requests_become_either_or_branches_with_their_shares() {
    // A cache in front of a database: 3 requests in 10 miss and read it.
    let truth: Vec<Vec<T>> = (0..50)
        .map(|i| {
            let at = i as f64 * GAP_MS;
            let miss = i % 10 < 3;
            let mut spans = vec![
                t("web", "GET /product", "client", (at, at + 20.0), None),
                t(
                    "catalog",
                    "get_product",
                    "server",
                    (at + 1.0, at + 19.0),
                    Some(0),
                ),
                t("catalog", "GET", "client", (at + 2.0, at + 3.0), Some(1)),
            ];
            spans[2].attrs = vec![("db.system", "redis")];
            if miss {
                let mut read = t(
                    "catalog",
                    "SELECT product",
                    "client",
                    (at + 4.0, at + 14.0),
                    Some(1),
                );
                read.attrs = vec![("db.system", "postgresql"), ("db.name", "catalog_db")];
                spans.push(read);
            }
            spans
        })
        .collect();
    let (design, _) = import_text(&otlp(&truth), "cache.json");
    assert!(design.problems().is_empty(), "{:?}", design.problems());
    let steps = steps(&design, "catalog", "get_product");
    let [Step::Choice(branches)] = steps else {
        panic!("one either/or expected: {steps:?}")
    };
    let share = |reads_db: bool| {
        branches
            .iter()
            .find(|b| b.steps.iter().any(|s| s.link() == Some("catalog_db")) == reads_db)
            .map(|b| b.probability)
            .expect("both paths")
    };
    close(share(true), 15.0 / 50.0, "misses");
    close(share(false), 35.0 / 50.0, "hits");
    assert!(
        matches!(node_kind(&design, "redis"), NodeKind::DataStore(s) if s.kind == StoreKind::Cache)
    );
}

mod arbitrary_traces {
    use super::*;
    use proptest::prelude::*;

    fn arbitrary_span() -> impl Strategy<Value = (u8, u8, u8, u8, Option<u8>, u16, u16, u8, bool)> {
        (
            0..3u8,                        // trace
            0..12u8,                       // id
            0..4u8,                        // service
            0..6u8,                        // kind
            proptest::option::of(0..14u8), // parent id (some never exist)
            0..500u16,                     // start, ms
            0..300u16,                     // duration, ms
            0..5u8,                        // attributes
            any::<bool>(),                 // error
        )
    }

    /// Three traces in each format, to mutate.
    fn fixtures() -> Vec<String> {
        let truth: Vec<Vec<T>> = traces().into_iter().take(3).collect();
        vec![otlp(&truth), jaeger(&truth), zipkin(&truth)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// A trace file with bytes changed, cut short or repeated reads as
        /// traces or fails with an error, and what reads imports into a
        /// valid design: never a panic.
        #[test]
        fn mutated_trace_files_never_panic(
            format in 0..3usize,
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut bytes = fixtures()[format].clone().into_bytes();
            for (at, byte) in &edits {
                let i = at.index(bytes.len());
                bytes[i] = *byte;
            }
            if edits.len() % 2 == 1 {
                bytes.truncate(cut.index(bytes.len() + 1));
            }
            let mut read = Spans::default();
            if read.read(&bytes, "mutated.json").is_ok() && !read.is_empty() {
                let (design, _) = import::infer(&read, "mutated").expect("spans import");
                prop_assert!(design.problems().is_empty(), "{:?}", design.problems());
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        /// Whatever the spans (ids repeated, parents missing or in cycles,
        /// kinds mixed, times overlapping), the import gives a design
        /// that validates, and never panics.
        #[test]
        fn any_spans_give_a_valid_design(spans in proptest::collection::vec(arbitrary_span(), 1..40)) {
            let kinds = ["SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER", "SPAN_KIND_UNSPECIFIED"];
            let attributes = [
                json!([]),
                json!([{"key": "db.system", "value": {"stringValue": "redis"}}, {"key": "db.operation", "value": {"stringValue": "SET"}}]),
                json!([{"key": "messaging.system", "value": {"stringValue": "rabbitmq"}}]),
                json!([{"key": "peer.service", "value": {"stringValue": "partner api"}}]),
                json!([{"key": "sampler.param", "value": {"doubleValue": 0.5}}]),
            ];
            let resources: Vec<Value> = spans.iter().map(|&(trace, id, service, kind, parent, start, duration, attrs, error)| {
                json!({
                    "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": format!("svc {service}")}}]},
                    "scopeSpans": [{"spans": [{
                        "traceId": format!("{trace:032x}"),
                        "spanId": format!("{id:016x}"),
                        "parentSpanId": parent.map(|p| format!("{p:016x}")).unwrap_or_default(),
                        "name": format!("op {}", id % 3),
                        "kind": kinds[kind as usize],
                        "startTimeUnixNano": (u64::from(start) * 1_000_000).to_string(),
                        "endTimeUnixNano": (u64::from(start) * 1_000_000 + u64::from(duration) * 1_000_000).to_string(),
                        "attributes": attributes[attrs as usize],
                        "status": {"code": if error { "STATUS_CODE_ERROR" } else { "STATUS_CODE_OK" }},
                    }]}],
                })
            }).collect();
            let text = json!({"resourceSpans": resources}).to_string();
            let mut read = Spans::default();
            read.read(text.as_bytes(), "any.json").expect("valid OTLP");
            let (design, _) = import::infer(&read, "any").expect("spans import");
            prop_assert!(design.problems().is_empty(), "{:?}\n{}", design.problems(), file::to_string(&design).unwrap_or_default());
        }
    }
}

#[test]
fn simulate_writes_its_traces_in_the_format_asked_and_import_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    for (format, detected) in [
        ("otlp", import::Format::Otlp),
        ("jaeger", import::Format::Jaeger),
        ("zipkin", import::Format::Zipkin),
    ] {
        let traces_path = dir.path().join(format!("spans.{format}.json"));
        let out = archsim([
            "simulate".as_ref(),
            "fraud-check-blocking".as_ref(),
            "--traces-out".as_ref(),
            traces_path.as_os_str(),
            "--traces-format".as_ref(),
            format.as_ref(),
        ]);
        assert_code(&out, 0);
        assert!(
            stderr(&out).contains("spans of the first run"),
            "{}",
            stderr(&out)
        );
        let bytes = std::fs::read(&traces_path).expect("traces written");
        assert_eq!(import::Format::detect(&bytes), Some(detected));
        let design_path = dir.path().join(format!("{format}.archsim.ron"));
        let back = archsim([
            "import".as_ref(),
            traces_path.as_os_str(),
            "-o".as_ref(),
            design_path.as_os_str(),
        ]);
        assert_code(&back, 0);
        let design = file::load(&design_path).expect("loads");
        for service in ["Order Processor", "Payment", "Fraud Detection", "Customer"] {
            assert!(
                design.nodes.iter().any(|n| n.name == service),
                "{format}: {service}"
            );
        }
    }
    let bad = archsim([
        "simulate",
        "fraud-check-blocking",
        "--traces-out",
        "x.json",
        "--traces-format",
        "csv",
    ]);
    assert_code(&bad, 2);
}

#[test]
fn a_server_span_outside_its_client_span_is_moved_back_and_said() {
    // Inventory's clock runs 5 ms behind: its server span starts before
    // orders sent the call.
    let mut truth = traces();
    for trace in &mut truth {
        trace[6].start_ms -= 5.0;
        trace[6].end_ms -= 5.0;
    }
    let (design, report) = import_text(&otlp(&truth), "skewed.json");
    assert_eq!(report.repairs.clock_skew, TRACES);
    assert_eq!(steps_of_one_work(&design, "inventory", "reserve"), 10.0);
    let link = design
        .links
        .iter()
        .find(|l| l.from.as_str() == "orders" && l.to.as_str() == "inventory")
        .unwrap();
    close(
        mean(&link.latency),
        (11.0 - 10.0) / 2.0,
        "network latency, from the middle",
    );
    // Nothing else moved: the design is the unskewed one.
    let (clean, _) = import_text(&otlp(&traces()), "clean.json");
    assert_eq!(design, clean);
}

#[test]
fn kafka_recorded_as_client_and_server_spans_is_told_by_the_span_names() {
    let truth: Vec<Vec<T>> = traces()
        .into_iter()
        .map(|mut trace| {
            trace[10].kind = "client";
            trace[10].name = "publish orders";
            trace[10].attrs.clear();
            trace[12].kind = "server";
            trace[12].name = "process orders";
            trace[12].attrs.clear();
            trace
        })
        .collect();
    let (design, report) = import_text(&otlp(&truth), "names.json");
    assert!(design.problems().is_empty(), "{:?}", design.problems());
    assert_eq!(report.rules.kinds_from_names, 2 * TRACES);
    let broker = design
        .nodes
        .iter()
        .find(|n| n.as_broker().is_some())
        .expect("a broker for the topic");
    assert_eq!(broker.name, "orders");
    let to_shipping = design
        .links
        .iter()
        .find(|l| l.from == broker.id && l.to.as_str() == "shipping")
        .expect("the broker delivers to shipping");
    assert_eq!(to_shipping.style, Style::Event);
    assert_eq!(to_shipping.to_op.as_deref(), Some("process orders"));
    assert!(
        steps(&design, "orders", "place_order")
            .iter()
            .any(|s| matches!(s, Step::Publish(_)))
    );
}

#[test]
fn a_request_and_its_reply_through_two_queues_is_said() {
    let truth: Vec<Vec<T>> = (0..20)
        .map(|i| {
            let at = i as f64 * GAP_MS;
            let s = |a: f64, b: f64| (at + a, at + b);
            let mut spans = vec![
                t("web", "POST /orders", "client", s(0.0, 5.0), None),
                t("saga", "start", "server", s(1.0, 4.0), Some(0)),
                t(
                    "saga",
                    "publish stock-requests",
                    "producer",
                    s(2.0, 3.0),
                    Some(1),
                ),
                t("warehouse", "reserve", "consumer", s(10.0, 20.0), Some(2)),
                t(
                    "warehouse",
                    "publish stock-replies",
                    "producer",
                    s(18.0, 19.0),
                    Some(3),
                ),
                t("saga", "on_reserved", "consumer", s(30.0, 33.0), Some(4)),
            ];
            for k in [2, 3] {
                spans[k].attrs = vec![
                    ("messaging.system", "rabbitmq"),
                    ("messaging.destination.name", "stock-requests"),
                ];
            }
            for k in [4, 5] {
                spans[k].attrs = vec![
                    ("messaging.system", "rabbitmq"),
                    ("messaging.destination.name", "stock-replies"),
                ];
            }
            spans
        })
        .collect();
    let (design, report) = import_text(&jaeger(&truth), "saga.json");
    assert!(design.problems().is_empty(), "{:?}", design.problems());
    let said = report
        .guesses
        .iter()
        .find(|g| g.what == "request and reply between saga and warehouse")
        .unwrap_or_else(|| panic!("{:?}", report.guesses));
    assert_eq!(said.node.as_deref(), Some("saga"));
    assert!(
        said.value.contains("stock-requests") && said.value.contains("stock-replies"),
        "{said:?}"
    );
    assert!(said.value.contains("20 replies seen"), "{said:?}");
}

#[test]
fn the_same_query_made_a_varying_number_of_times_is_one_step_with_its_mean_count() {
    // orders reads its database 1 to 4 times in a row (an ORM loop).
    let truth: Vec<Vec<T>> = (0..40)
        .map(|i| {
            let at = i as f64 * GAP_MS;
            let n = i % 4 + 1;
            let mut spans = vec![
                t("web", "GET /order", "client", (at, at + 30.0), None),
                t(
                    "orders",
                    "get_order",
                    "server",
                    (at + 1.0, at + 29.0),
                    Some(0),
                ),
            ];
            for q in 0..n {
                let start = at + 2.0 + 3.0 * q as f64;
                let mut read = t(
                    "orders",
                    "SELECT line",
                    "client",
                    (start, start + 2.0),
                    Some(1),
                );
                read.attrs = vec![("db.system", "postgresql"), ("db.name", "orders_db")];
                spans.push(read);
            }
            spans
        })
        .collect();
    let (design, report) = import_text(&otlp(&truth), "loop.json");
    assert!(design.problems().is_empty(), "{:?}", design.problems());
    let steps = steps(&design, "orders", "get_order");
    let reads: Vec<&Step> = steps
        .iter()
        .filter(|s| matches!(s, Step::Read(_)))
        .collect();
    let [Step::Read(read)] = reads[..] else {
        panic!("one read step: {steps:?}")
    };
    let expected = (0..40).map(|i| (i % 4 + 1) as f64).sum::<f64>() / 40.0;
    close(read.times, expected, "calls per request");
    assert!(
        !steps.iter().any(|s| matches!(s, Step::Choice(_))),
        "no branch per count: {steps:?}"
    );
    // The own work is all there: the span minus its reads.
    let work: f64 = steps
        .iter()
        .map(|s| match s {
            Step::Work(d) => mean(d),
            _ => 0.0,
        })
        .sum();
    let expected_work = 28.0 - 2.0 * expected;
    close(work, expected_work, "own work");
    assert!(report.inferred.iter().any(|i| {
        i.what
            .starts_with("calls per request from orders get_order to orders_db")
    }));
}
