//! Zipkin v2 JSON: a list of spans with their local and remote endpoints;
//! times in microseconds. A `shared` server span reuses its client's id:
//! it gets an id of its own here, with the client as its parent.

use foldhash::{HashMap, HashSet};

use serde::Deserialize;

use super::json::{Number, id, micros_to_span_ns, spans_of};
use super::span::{Attributes, Kind, Span};
use super::{ImportError, Spans};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ZipkinSpan {
    trace_id: String,
    id: String,
    #[serde(default)]
    parent_id: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: Option<String>,
    timestamp: Number,
    duration: Option<Number>,
    #[serde(default)]
    local_endpoint: Endpoint,
    #[serde(default)]
    remote_endpoint: Endpoint,
    #[serde(default)]
    tags: HashMap<String, String>,
    #[serde(default)]
    shared: bool,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Endpoint {
    #[serde(default)]
    service_name: Option<String>,
}

/// What a shared server span's id gets, to tell it from its client's.
const SERVER_HALF: &str = ":server";

/// The spans of a Zipkin v2 JSON file (a list of spans, or several lists
/// one after another).
pub fn read(data: &[u8], file: &str, out: &mut Spans) -> Result<(), ImportError> {
    let mut spans = Vec::new();
    for list in spans_of::<Vec<ZipkinSpan>>(data, file) {
        spans.extend(list?);
    }
    // Client spans by (trace, id): a server span with the same id is the
    // other half of the same call.
    let clients: HashSet<(String, String)> = spans
        .iter()
        .filter(|s| {
            s.kind
                .as_deref()
                .is_some_and(|k| k.eq_ignore_ascii_case("CLIENT"))
        })
        .map(|s| (id(s.trace_id.clone()), id(s.id.clone())))
        .collect();
    let mut converted: Vec<Span> = spans
        .into_iter()
        .map(|s| {
            let flagged = s.shared;
            let mut span = span(s);
            let shared = flagged || clients.contains(&(span.trace.clone(), span.id.clone()));
            if span.kind == Kind::Server && shared {
                span.parent = Some(span.id.clone());
                span.id.push_str(SERVER_HALF);
            }
            span
        })
        .collect();
    // The server half's own children name the shared id as their parent:
    // those recorded by the server's service belong to the server half.
    let servers: HashMap<(String, String), String> = converted
        .iter()
        .filter_map(|s| {
            let shared = s.id.strip_suffix(SERVER_HALF)?;
            Some(((s.trace.clone(), shared.to_owned()), s.service.clone()))
        })
        .collect();
    for span in &mut converted {
        if let Some(parent) = &span.parent
            && !span.id.ends_with(SERVER_HALF)
            && servers.get(&(span.trace.clone(), parent.clone())) == Some(&span.service)
        {
            span.parent = Some(format!("{parent}{SERVER_HALF}"));
        }
    }
    for span in converted {
        out.push(span);
    }
    Ok(())
}

fn span(s: ZipkinSpan) -> Span {
    let kind = s.kind.as_deref().map_or(Kind::Internal, Kind::from_name);
    let mut attributes = Attributes::default();
    let mut error = false;
    for (key, value) in s.tags {
        match key.as_str() {
            "error" => error = true,
            "otel.status_code" => error |= value.eq_ignore_ascii_case("ERROR"),
            _ => attributes.set(&key, value),
        }
    }
    if attributes.peer_service.is_none() {
        attributes.peer_service = s.remote_endpoint.service_name;
    }
    let (start_ns, end_ns) = micros_to_span_ns(s.timestamp, s.duration);
    Span {
        trace: id(s.trace_id),
        id: id(s.id),
        parent: s.parent_id.map(id).filter(|p| !p.is_empty()),
        links: Vec::new(),
        service: s
            .local_endpoint
            .service_name
            .unwrap_or_else(|| "unknown_service".to_owned()),
        name: s.name,
        kind,
        start_ns,
        end_ns,
        error,
        attributes,
    }
}
