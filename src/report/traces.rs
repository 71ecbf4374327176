//! A run's spans as trace files: OpenTelemetry OTLP JSON (one export
//! request per trace, one per line, as the collector's file exporter
//! writes), Jaeger JSON (as its UI downloads it) or Zipkin v2 JSON, so a
//! simulated design opens in Jaeger or Grafana Tempo like a running
//! system, and `archsim import` reads it back.
//!
//! What a tracing library would record is written: service names as
//! people read them, server and consumer spans named by their operation,
//! client spans to stores with `db.system`, `db.name` and `db.operation`,
//! producer and consumer spans with `messaging.system` and
//! `messaging.destination.name`. Stores record no spans of their own.
//! Spans still open when the run stopped are left out.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::import::Format;
use crate::model::{BrokerKind, Design, NodeKind, StoreKind};
use crate::sim::{OPEN, SimSpan, SimSpans, SpanKind, SpanOp};

/// Simulated time 0, as a wall-clock time: 2026-01-01T00:00:00Z in ns.
pub const EPOCH_NS: u64 = 1_767_225_600_000_000_000;

/// One span with what every format writes of it.
struct Written<'a> {
    span: &'a SimSpan,
    trace: u32,
    service: &'a str,
    name: String,
    attributes: Vec<(&'static str, String)>,
}

/// Writes the finished spans of `spans` (recorded from `design`) to
/// `out` in `format`.
pub fn write(
    design: &Design,
    spans: &SimSpans,
    format: Format,
    out: &mut impl Write,
) -> io::Result<()> {
    let traces = by_trace(design, spans);
    match format {
        Format::Otlp => {
            for trace in &traces {
                serde_json::to_writer(&mut *out, &otlp(trace))?;
                out.write_all(b"\n")?;
            }
        }
        Format::Jaeger => {
            out.write_all(b"{\"data\":[")?;
            for (i, trace) in traces.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                serde_json::to_writer(&mut *out, &jaeger(trace))?;
            }
            out.write_all(b"]}\n")?;
        }
        Format::Zipkin => {
            out.write_all(b"[")?;
            let mut first = true;
            for span in traces.iter().flatten() {
                if !first {
                    out.write_all(b",")?;
                }
                first = false;
                serde_json::to_writer(&mut *out, &zipkin(span))?;
            }
            out.write_all(b"]\n")?;
        }
    }
    Ok(())
}

/// The finished spans, named, grouped by trace (the root span's id), in
/// the order traces started.
fn by_trace<'a>(design: &'a Design, spans: &'a SimSpans) -> Vec<Vec<Written<'a>>> {
    // A parent's id is smaller than its children's: one pass finds roots.
    let mut root = vec![0u32; spans.spans.len() + 1];
    let mut traces: Vec<Vec<Written>> = Vec::new();
    let mut trace_of_root: foldhash::HashMap<u32, usize> = Default::default();
    for span in &spans.spans {
        let r = match span.parent {
            0 => span.id,
            p => root.get(p as usize).copied().unwrap_or(span.id),
        };
        if let Some(slot) = root.get_mut(span.id as usize) {
            *slot = r;
        }
        if span.end == OPEN {
            continue;
        }
        let Some(written) = written(design, spans, span, r) else {
            continue;
        };
        let k = *trace_of_root.entry(r).or_insert_with(|| {
            traces.push(Vec::new());
            traces.len() - 1
        });
        traces[k].push(written);
    }
    traces
}

fn written<'a>(
    design: &'a Design,
    spans: &SimSpans,
    span: &'a SimSpan,
    trace: u32,
) -> Option<Written<'a>> {
    let node = design.nodes.get(span.node as usize)?;
    let link = span.link.and_then(|l| design.links.get(l as usize));
    let op = span.op.and_then(|o| spans.operations.get(o as usize));
    let to = link.and_then(|l| design.node(&l.to));
    // The broker a message came through: the link's queue (`via`) for an
    // asynchronous request, else where the link starts.
    let via = link
        .and_then(|l| l.via.as_ref())
        .and_then(|v| design.node(v));
    let from = via.or_else(|| link.and_then(|l| design.node(&l.from)));
    let mut attributes = Vec::new();
    let name = match span.kind {
        SpanKind::Server | SpanKind::Consumer => {
            if let (SpanKind::Consumer, Some(from)) = (span.kind, from) {
                messaging(&mut attributes, from);
            }
            match op {
                Some(SpanOp::Service(name)) => name.clone(),
                _ => "handle".to_owned(),
            }
        }
        SpanKind::Internal => "reply received".to_owned(),
        SpanKind::Producer => match to {
            Some(to) => {
                messaging(&mut attributes, to);
                format!("{} publish", to.display_name())
            }
            None => "publish".to_owned(),
        },
        SpanKind::Client => match (to, op) {
            (Some(to), Some(access)) if to.as_store().is_some() => {
                let statement = match access {
                    SpanOp::Read => "SELECT",
                    SpanOp::Write => "INSERT",
                    _ => "UPDATE",
                };
                let system = match to.as_store().map(|s| s.kind) {
                    Some(StoreKind::Cache) => "redis",
                    _ => "other_sql",
                };
                attributes.push(("db.system", system.to_owned()));
                attributes.push(("db.name", to.display_name().to_owned()));
                attributes.push(("db.operation", statement.to_owned()));
                format!("{statement} {}", to.display_name())
            }
            (Some(to), Some(SpanOp::Service(op))) => {
                match via {
                    Some(queue) => messaging(&mut attributes, queue),
                    None => attributes.push(("peer.service", to.display_name().to_owned())),
                }
                format!("{} {op}", to.display_name())
            }
            (Some(to), _) => to.display_name().to_owned(),
            (None, _) => "call".to_owned(),
        },
    };
    Some(Written {
        span,
        trace,
        service: node.display_name(),
        name,
        attributes,
    })
}

/// The messaging attributes of a message through `broker`, if it is one.
fn messaging(attributes: &mut Vec<(&'static str, String)>, broker: &crate::model::Node) {
    if let NodeKind::Broker(b) = &broker.kind {
        let system = match b.kind {
            BrokerKind::Log => "kafka",
            BrokerKind::Queue => "rabbitmq",
        };
        attributes.push(("messaging.system", system.to_owned()));
        attributes.push((
            "messaging.destination.name",
            broker.display_name().to_owned(),
        ));
    }
}

fn trace_id(w: &Written) -> String {
    format!("{:032x}", w.trace)
}

fn span_id(id: u32) -> String {
    format!("{id:016x}")
}

fn start_ns(w: &Written) -> u64 {
    EPOCH_NS.saturating_add(w.span.start)
}

fn end_ns(w: &Written) -> u64 {
    EPOCH_NS.saturating_add(w.span.end)
}

/// The services that recorded spans of `trace`, each once, in order.
fn services_of<'a>(trace: &[Written<'a>]) -> Vec<&'a str> {
    let mut services: Vec<&str> = trace.iter().map(|w| w.service).collect();
    services.sort_unstable();
    services.dedup();
    services
}

fn otlp(trace: &[Written]) -> Value {
    let resources: Vec<Value> = services_of(trace)
        .iter()
        .map(|service| {
            let spans: Vec<Value> = trace
                .iter()
                .filter(|w| w.service == *service)
                .map(|w| {
                    json!({
                        "traceId": trace_id(w),
                        "spanId": span_id(w.span.id),
                        "parentSpanId": if w.span.parent == 0 { String::new() } else { span_id(w.span.parent) },
                        "name": w.name,
                        "kind": match w.span.kind {
                            SpanKind::Internal => 1,
                            SpanKind::Server => 2,
                            SpanKind::Client => 3,
                            SpanKind::Producer => 4,
                            SpanKind::Consumer => 5,
                        },
                        "startTimeUnixNano": start_ns(w).to_string(),
                        "endTimeUnixNano": end_ns(w).to_string(),
                        "attributes": w.attributes.iter().map(|(k, v)| json!({"key": k, "value": {"stringValue": v}})).collect::<Vec<_>>(),
                        "status": if w.span.error { json!({"code": 2}) } else { json!({}) },
                    })
                })
                .collect();
            json!({
                "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
                "scopeSpans": [{"scope": {"name": "archsim"}, "spans": spans}],
            })
        })
        .collect();
    json!({ "resourceSpans": resources })
}

fn kind_name(kind: SpanKind) -> &'static str {
    match kind {
        SpanKind::Server => "server",
        SpanKind::Client => "client",
        SpanKind::Producer => "producer",
        SpanKind::Consumer => "consumer",
        SpanKind::Internal => "internal",
    }
}

fn jaeger(trace: &[Written]) -> Value {
    let services = services_of(trace);
    let process = |service: &str| {
        let i = services.iter().position(|s| *s == service).unwrap_or(0);
        format!("p{}", i + 1)
    };
    let spans: Vec<Value> = trace
        .iter()
        .map(|w| {
            let mut tags: Vec<Value> = w
                .attributes
                .iter()
                .map(|(k, v)| json!({"key": k, "type": "string", "value": v}))
                .collect();
            tags.push(json!({"key": "span.kind", "type": "string", "value": kind_name(w.span.kind)}));
            if w.span.error {
                tags.push(json!({"key": "error", "type": "bool", "value": true}));
            }
            let references: Vec<Value> = if w.span.parent == 0 {
                Vec::new()
            } else {
                vec![json!({"refType": "CHILD_OF", "traceID": trace_id(w), "spanID": span_id(w.span.parent)})]
            };
            json!({
                "traceID": trace_id(w),
                "spanID": span_id(w.span.id),
                "operationName": w.name,
                "references": references,
                "startTime": start_ns(w) / 1000,
                "duration": end_ns(w) / 1000 - start_ns(w) / 1000,
                "tags": tags,
                "processID": process(w.service),
            })
        })
        .collect();
    let processes: serde_json::Map<String, Value> = services
        .iter()
        .map(|s| (process(s), json!({"serviceName": s, "tags": []})))
        .collect();
    json!({
        "traceID": trace.first().map(trace_id).unwrap_or_default(),
        "spans": spans,
        "processes": processes,
    })
}

fn zipkin(w: &Written) -> Value {
    let mut tags: serde_json::Map<String, Value> = w
        .attributes
        .iter()
        .map(|(k, v)| ((*k).to_owned(), json!(v)))
        .collect();
    if w.span.error {
        tags.insert("error".to_owned(), json!("simulated failure"));
    }
    let mut z = json!({
        "traceId": trace_id(w),
        "id": span_id(w.span.id),
        "name": w.name,
        "timestamp": start_ns(w) / 1000,
        "duration": end_ns(w) / 1000 - start_ns(w) / 1000,
        "localEndpoint": {"serviceName": w.service},
        "tags": tags,
    });
    if w.span.parent != 0 {
        z["parentId"] = json!(span_id(w.span.parent));
    }
    if w.span.kind != SpanKind::Internal {
        z["kind"] = json!(kind_name(w.span.kind).to_ascii_uppercase());
    }
    z
}
