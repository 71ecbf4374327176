//! One span, whatever format it came in: what the importer reads from
//! OpenTelemetry, Jaeger and Zipkin traces alike.

/// What a span records, as OpenTelemetry names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Work inside one service (also what an unspecified kind means).
    Internal,
    /// A service handling a request.
    Server,
    /// A call out to something else.
    Client,
    /// A message sent.
    Producer,
    /// A message received.
    Consumer,
}

impl Kind {
    /// The kind named `name` in any of the formats' spellings (`server`,
    /// `SERVER`, `SPAN_KIND_SERVER`); internal when unknown.
    pub fn from_name(name: &str) -> Self {
        let name = name.trim_start_matches("SPAN_KIND_").to_ascii_lowercase();
        match name.as_str() {
            "server" => Self::Server,
            "client" => Self::Client,
            "producer" => Self::Producer,
            "consumer" => Self::Consumer,
            _ => Self::Internal,
        }
    }

    /// The kind numbered `n` in OTLP (0 unspecified, 1 internal, 2 server,
    /// 3 client, 4 producer, 5 consumer).
    pub fn from_otlp(n: u64) -> Self {
        match n {
            2 => Self::Server,
            3 => Self::Client,
            4 => Self::Producer,
            5 => Self::Consumer,
            _ => Self::Internal,
        }
    }

    /// Whether a span of this kind handles work that arrived at its
    /// service: a request or a message.
    pub fn handles(self) -> bool {
        matches!(self, Self::Server | Self::Consumer)
    }
}

/// The attributes the importer reads, by their OpenTelemetry names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attributes {
    /// `db.system`: the span calls a database or cache of this kind.
    pub db_system: Option<String>,
    /// `db.name` / `db.namespace`: which database.
    pub db_name: Option<String>,
    /// `db.operation` / `db.operation.name`, or the first word of
    /// `db.statement`: what the call does there.
    pub db_operation: Option<String>,
    /// `peer.service`: the service called, as the caller names it.
    pub peer_service: Option<String>,
    /// `server.address` / `net.peer.name`: the host called.
    pub server_address: Option<String>,
    /// `messaging.system`: the span sends or takes a message.
    pub messaging_system: Option<String>,
    /// `messaging.destination.name` / `messaging.destination`: the topic or
    /// queue.
    pub messaging_destination: Option<String>,
    /// `sampler.param` with `sampler.type: probabilistic` (Jaeger): the
    /// share of requests traced.
    pub sampling_probability: Option<f64>,
}

impl Attributes {
    /// Records attribute `key` with value `value`, if it is one read.
    pub fn set(&mut self, key: &str, value: String) {
        let slot = match key {
            "db.system" | "db.system.name" => &mut self.db_system,
            "db.name" | "db.namespace" => &mut self.db_name,
            "db.operation" | "db.operation.name" => &mut self.db_operation,
            "db.statement" | "db.query.text" => {
                if self.db_operation.is_none() {
                    self.db_operation = value.split_whitespace().next().map(str::to_owned);
                }
                return;
            }
            "peer.service" => &mut self.peer_service,
            "server.address" | "net.peer.name" | "peer.hostname" => &mut self.server_address,
            "messaging.system" => &mut self.messaging_system,
            "messaging.destination.name" | "messaging.destination" => {
                &mut self.messaging_destination
            }
            "sampler.param" => {
                self.sampling_probability =
                    value.parse().ok().filter(|p: &f64| *p > 0.0 && *p <= 1.0);
                return;
            }
            _ => return,
        };
        if !value.is_empty() {
            *slot = Some(value);
        }
    }
}

/// One span.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// The trace it belongs to.
    pub trace: String,
    /// Its id, unique within the trace.
    pub id: String,
    /// The span that caused it, if any.
    pub parent: Option<String>,
    /// Spans it is linked to, as (trace, span): how a batch consumer
    /// names the messages it took.
    pub links: Vec<(String, String)>,
    /// The service that recorded it.
    pub service: String,
    /// Its name: the operation for a server span.
    pub name: String,
    /// What it records.
    pub kind: Kind,
    /// When it started and ended, ns since 1970.
    pub start_ns: i64,
    /// See `start_ns`.
    pub end_ns: i64,
    /// It ended in an error.
    pub error: bool,
    /// The attributes the importer reads.
    pub attributes: Attributes,
}

impl Span {
    /// How long it lasted, ns.
    pub fn duration_ns(&self) -> i64 {
        self.end_ns - self.start_ns
    }
}
