//! OpenTelemetry OTLP JSON, as the collector's file exporter (one export
//! request per line) and the OTLP/HTTP JSON encoding write it:
//! `resourceSpans` → `scopeSpans` → `spans`.

use serde::Deserialize;

use super::json::{Number, NumberOrName, id, spans_of};
use super::span::{Attributes, Kind, Span};
use super::{ImportError, Spans};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Export {
    #[serde(default)]
    resource_spans: Vec<ResourceSpans>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResourceSpans {
    #[serde(default)]
    resource: Resource,
    #[serde(default)]
    scope_spans: Vec<ScopeSpans>,
    /// The name before OTLP 0.15.
    #[serde(default)]
    instrumentation_library_spans: Vec<ScopeSpans>,
}

#[derive(Deserialize, Default)]
struct Resource {
    #[serde(default)]
    attributes: Vec<KeyValue>,
}

#[derive(Deserialize)]
struct ScopeSpans {
    #[serde(default)]
    spans: Vec<OtlpSpan>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OtlpSpan {
    trace_id: String,
    span_id: String,
    #[serde(default)]
    parent_span_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: Option<NumberOrName>,
    start_time_unix_nano: Number,
    end_time_unix_nano: Option<Number>,
    #[serde(default)]
    attributes: Vec<KeyValue>,
    #[serde(default)]
    status: Status,
    #[serde(default)]
    links: Vec<Link>,
}

#[derive(Deserialize, Default)]
struct Status {
    #[serde(default)]
    code: Option<NumberOrName>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Link {
    trace_id: String,
    span_id: String,
}

#[derive(Deserialize)]
struct KeyValue {
    key: String,
    #[serde(default)]
    value: AnyValue,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct AnyValue {
    string_value: Option<String>,
    int_value: Option<Number>,
    double_value: Option<f64>,
    bool_value: Option<bool>,
}

impl AnyValue {
    fn text(self) -> Option<String> {
        self.string_value
            .or_else(|| self.int_value.map(|n| n.0.to_string()))
            .or_else(|| self.double_value.map(|d| d.to_string()))
            .or_else(|| self.bool_value.map(|b| b.to_string()))
    }
}

/// The spans of an OTLP JSON file.
pub fn read(data: &[u8], file: &str, out: &mut Spans) -> Result<(), ImportError> {
    for export in spans_of::<Export>(data, file) {
        for rs in export?.resource_spans {
            let service = rs
                .resource
                .attributes
                .into_iter()
                .find(|kv| kv.key == "service.name")
                .and_then(|kv| kv.value.text())
                .unwrap_or_else(|| "unknown_service".to_owned());
            let spans = rs
                .scope_spans
                .into_iter()
                .chain(rs.instrumentation_library_spans)
                .flat_map(|s| s.spans);
            for s in spans {
                out.push(span(s, &service));
            }
        }
    }
    Ok(())
}

fn span(s: OtlpSpan, service: &str) -> Span {
    let kind = match s.kind {
        Some(NumberOrName::Number(n)) => Kind::from_otlp(n.0),
        Some(NumberOrName::Name(n)) => Kind::from_name(&n),
        None => Kind::Internal,
    };
    let error = match s.status.code {
        Some(NumberOrName::Number(n)) => n.0 == 2,
        Some(NumberOrName::Name(n)) => n.eq_ignore_ascii_case("STATUS_CODE_ERROR") || n == "ERROR",
        None => false,
    };
    let mut attributes = Attributes::default();
    for kv in s.attributes {
        if let Some(v) = kv.value.text() {
            attributes.set(&kv.key, v);
        }
    }
    let start_ns = s.start_time_unix_nano.as_i64();
    Span {
        trace: id(s.trace_id),
        id: id(s.span_id),
        parent: Some(id(s.parent_span_id)).filter(|p| !p.is_empty()),
        links: s
            .links
            .into_iter()
            .map(|l| (id(l.trace_id), id(l.span_id)))
            .collect(),
        service: service.to_owned(),
        name: s.name,
        kind,
        start_ns,
        // No end: a span still open when exported, dropped later.
        end_ns: s.end_time_unix_nano.map_or(i64::MIN, Number::as_i64),
        error,
        attributes,
    }
}
