//! Jaeger JSON, as its UI exports a trace and its query API answers:
//! `data[]` traces, each with `spans` and the `processes` that name their
//! services; times in microseconds.

use foldhash::HashMap;

use serde::Deserialize;

use super::json::{Number, id, micros_to_span_ns, spans_of};
use super::span::{Attributes, Kind, Span};
use super::{ImportError, Spans};

#[derive(Deserialize)]
struct Export {
    #[serde(default)]
    data: Vec<Trace>,
}

#[derive(Deserialize)]
struct Trace {
    #[serde(default)]
    spans: Vec<JaegerSpan>,
    #[serde(default)]
    processes: HashMap<String, Process>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Process {
    #[serde(default)]
    service_name: String,
    #[serde(default)]
    tags: Vec<Tag>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JaegerSpan {
    #[serde(rename = "traceID")]
    trace_id: String,
    #[serde(rename = "spanID")]
    span_id: String,
    /// Older exports name the parent here rather than in `references`.
    #[serde(rename = "parentSpanID", default)]
    parent_span_id: String,
    #[serde(default)]
    operation_name: String,
    #[serde(default)]
    references: Vec<Reference>,
    start_time: Number,
    duration: Option<Number>,
    #[serde(default)]
    tags: Vec<Tag>,
    #[serde(rename = "processID", default)]
    process_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Reference {
    #[serde(default)]
    ref_type: String,
    #[serde(rename = "traceID")]
    trace_id: String,
    #[serde(rename = "spanID")]
    span_id: String,
}

#[derive(Deserialize)]
struct Tag {
    key: String,
    #[serde(default)]
    value: serde_json::Value,
}

impl Tag {
    fn text(&self) -> Option<String> {
        match &self.value {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Null => None,
            v => Some(v.to_string()),
        }
    }
}

/// The spans of a Jaeger JSON file.
pub fn read(data: &[u8], file: &str, out: &mut Spans) -> Result<(), ImportError> {
    for export in spans_of::<Export>(data, file) {
        for trace in export?.data {
            for s in trace.spans {
                let process = trace.processes.get(&s.process_id);
                out.push(span(s, process));
            }
        }
    }
    Ok(())
}

fn span(s: JaegerSpan, process: Option<&Process>) -> Span {
    let mut attributes = Attributes::default();
    let mut kind = Kind::Internal;
    let mut error = false;
    let process_tags = process.into_iter().flat_map(|p| &p.tags);
    for tag in process_tags.chain(&s.tags) {
        let Some(v) = tag.text() else { continue };
        match tag.key.as_str() {
            "span.kind" => kind = Kind::from_name(&v),
            "error" => error = v == "true",
            "otel.status_code" => error |= v.eq_ignore_ascii_case("ERROR"),
            key => attributes.set(key, v),
        }
    }
    // The first CHILD_OF reference is the parent; a FOLLOWS_FROM one is
    // the parent only when there is no CHILD_OF (a message consumed).
    let parent_at = s
        .references
        .iter()
        .position(|r| r.ref_type == "CHILD_OF")
        .or_else(|| {
            s.references
                .iter()
                .position(|r| r.ref_type == "FOLLOWS_FROM")
        });
    let parent = parent_at
        .map(|i| id(s.references[i].span_id.clone()))
        .or_else(|| Some(id(s.parent_span_id.clone())).filter(|p| !p.is_empty() && p != "0"));
    // The other references are links (a batch consumer's messages).
    let links = s
        .references
        .iter()
        .enumerate()
        .filter(|&(i, _)| Some(i) != parent_at)
        .map(|(_, r)| (id(r.trace_id.clone()), id(r.span_id.clone())))
        .collect();
    let (start_ns, end_ns) = micros_to_span_ns(s.start_time, s.duration);
    Span {
        trace: id(s.trace_id),
        id: id(s.span_id),
        parent,
        links,
        service: process.map_or_else(|| "unknown_service".to_owned(), |p| p.service_name.clone()),
        name: s.operation_name,
        kind,
        start_ns,
        end_ns,
        error,
        attributes,
    }
}
