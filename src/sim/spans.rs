//! The spans of a run, as a tracing system would have recorded them: a
//! server span for each request a service handled, a client span for each
//! attempt of a call, a producer span for each message sent, a consumer
//! span for each message taken. `report::traces` writes them as OTLP,
//! Jaeger or Zipkin JSON, so a simulated design opens in a trace viewer
//! like a running system, and `archsim import` reads them back.

use super::time::Nanos;

/// What a span records, as OpenTelemetry names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanKind {
    /// A service handling a request, from the moment a worker takes it
    /// to its answer.
    Server,
    /// One attempt of a call, from the caller's side: from sending to the
    /// answer (or the caller giving up).
    Client,
    /// A message sent.
    Producer,
    /// A message taken, from the moment a worker takes it to its end.
    Consumer,
    /// Work inside a service: a continuation, run when an asynchronous
    /// reply came back.
    Internal,
}

/// One span.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimSpan {
    /// Its id, from 1, unique in the run.
    pub id: u32,
    /// The span that caused it; 0 for the start of a trace (spans start
    /// after their parent, so a parent's id is always smaller).
    pub parent: u32,
    /// What it records.
    pub kind: SpanKind,
    /// The node that recorded it, as an index into the design's nodes.
    pub node: u32,
    /// The link it went through (client and producer spans; server and
    /// consumer spans: the link they came over), into the design's links.
    pub link: Option<u32>,
    /// The operation run (server and consumer spans) or called (client
    /// spans), into [`SimSpans::operations`].
    pub op: Option<u32>,
    /// When it started and ended, ns of simulated time.
    pub start: Nanos,
    /// See `start`; [`OPEN`] when the run ended first.
    pub end: Nanos,
    /// It ended in an error (a failed answer, a timeout).
    pub error: bool,
}

/// The end of a span still open when the run stopped.
pub const OPEN: Nanos = Nanos::MAX;

/// An operation spans name: a service's operation, or a store's access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpanOp {
    /// Operation `name` of a service.
    Service(String),
    /// A read of a store.
    Read,
    /// A write to a store.
    Write,
    /// A read then a write.
    Update,
}

/// The spans of one replication (the first).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SimSpans {
    /// In the order they started.
    pub spans: Vec<SimSpan>,
    /// Spans not kept once the most asked for were.
    pub dropped: u64,
    /// The operations spans name, by index.
    pub operations: Vec<SpanOp>,
}
