//! Links: the arrows of a design, each with the communication style that
//! decides how the two sides depend on each other.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::distribution::Distribution;
use super::ids::NodeId;
use super::serde_defaults::{is_default, is_one, one_second};

/// One arrow: `from` talks to `to` in a given style.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// The caller, publisher or writer (or the broker / store a consumer
    /// reads from).
    pub from: NodeId,
    /// The callee, broker, subscriber or store.
    pub to: NodeId,
    /// How the two sides talk.
    pub style: Style,
    /// A name that tells this link from others between the same two
    /// nodes; steps and faults may refer to the link by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The operation of `to` that the call invokes; `None`: its first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_op: Option<String>,
    /// The technology that carries it (REST, Kafka...).
    #[serde(default, skip_serializing_if = "is_default")]
    pub technology: Technology,
    /// For `async_request`: the broker (queue) the request goes through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<NodeId>,
    /// One-way network latency, paid by the request and again by the
    /// response, sampled for each message.
    #[serde(default, skip_serializing_if = "is_default")]
    pub latency: Distribution,
    /// Shorthand for a constant `latency`, in ms; read, never written.
    #[serde(default, skip_serializing)]
    pub(crate) latency_ms: Option<f64>,
    /// How long the caller waits before giving up; `None`: forever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<f64>,
    /// How many times a failed or timed-out call is tried again.
    #[serde(default, skip_serializing_if = "is_default")]
    pub retries: u32,
    /// Wait before the first retry; each further retry waits
    /// `backoff_multiplier` times longer.
    #[serde(default, skip_serializing_if = "is_default")]
    pub backoff_ms: f64,
    /// Growth of the wait between retries (2.0: exponential backoff).
    #[serde(default = "one_second", skip_serializing_if = "is_one")]
    pub backoff_multiplier: f64,
    /// For asynchronous consumption (a subscription, or an `async_request`
    /// through a queue): how many times a message is delivered before it is
    /// given up. `None`: redelivered for ever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_deliveries: Option<u32>,
    /// Broker that receives messages given up after `max_deliveries`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dead_letter: Option<NodeId>,
    /// Size of the request (or event), bytes.
    #[serde(default, skip_serializing_if = "is_default")]
    pub payload_bytes: u64,
    // Format 1's fields that said what the caller does: read only to
    // migrate a format-1 file into steps (`super::v1`), always `None`
    // after loading, never written.
    #[serde(default, skip_serializing)]
    pub(crate) from_op: Option<String>,
    #[serde(default, skip_serializing)]
    pub(crate) calls_per_request: Option<f64>,
    #[serde(default, skip_serializing)]
    pub(crate) needs_response: Option<bool>,
    #[serde(default, skip_serializing)]
    pub(crate) parallel_group: Option<u32>,
    #[serde(default, skip_serializing)]
    pub(crate) access: Option<Access>,
    #[serde(default, skip_serializing)]
    pub(crate) response_work: Option<Distribution>,
    /// Free text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

impl Link {
    /// A link with every optional property at its default.
    pub fn new(from: impl Into<NodeId>, to: impl Into<NodeId>, style: Style) -> Self {
        Self {
            from: from.into(),
            to: to.into(),
            style,
            name: None,
            to_op: None,
            technology: Technology::default(),
            via: None,
            latency: Distribution::ZERO,
            latency_ms: None,
            timeout_ms: None,
            retries: 0,
            backoff_ms: 0.0,
            backoff_multiplier: 1.0,
            max_deliveries: None,
            dead_letter: None,
            payload_bytes: 0,
            from_op: None,
            calls_per_request: None,
            needs_response: None,
            parallel_group: None,
            access: None,
            response_work: None,
            notes: String::new(),
        }
    }

    /// The key that names this link in ids (a suggestion's, a finding's):
    /// `from->to`, or `from->to@name` for a named link, so links between
    /// the same two nodes differ.
    pub fn key(&self) -> String {
        match &self.name {
            Some(name) => format!("{}->{}@{name}", self.from, self.to),
            None => format!("{}->{}", self.from, self.to),
        }
    }

    /// The name people read: `payment -> fraud_detection`, with the
    /// link's name when it has one (`payment -> fraud_detection (score)`).
    pub fn label(&self) -> String {
        self.to_string()
    }

    /// Whether a step's link reference `name` means this link: its name,
    /// or the node it goes to.
    pub fn answers_to(&self, name: &str) -> bool {
        self.name.as_deref() == Some(name) || self.to.as_str() == name
    }

    /// Whether the caller's worker is held while this call is under way.
    pub fn is_blocking(&self) -> bool {
        self.style == Style::Sync
    }
}

impl fmt::Display for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} -> {}", self.from, self.to)?;
        match &self.name {
            Some(name) => write!(f, " ({name})"),
            None => Ok(()),
        }
    }
}

/// The four communication styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Style {
    /// Synchronous blocking request-response: the caller's worker waits.
    Sync,
    /// Asynchronous request-response through a queue: the caller's worker
    /// is released; the response comes back later as new work.
    AsyncRequest,
    /// The caller publishes a fact; every subscriber gets a copy; the
    /// publisher neither waits nor knows who listens.
    Event,
    /// The caller writes to a shared store; readers poll for new data.
    CommonData,
}

impl Style {
    /// Every style, in the order menus list them.
    pub const ALL: [Style; 4] = [
        Style::Sync,
        Style::AsyncRequest,
        Style::Event,
        Style::CommonData,
    ];

    /// The name used in the file and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sync => "sync",
            Self::AsyncRequest => "async_request",
            Self::Event => "event",
            Self::CommonData => "common_data",
        }
    }

    /// A short phrase for legends and tooltips.
    pub fn description(self) -> &'static str {
        match self {
            Self::Sync => "synchronous blocking request-response",
            Self::AsyncRequest => "asynchronous request-response via a queue",
            Self::Event => "event: publish, subscribers react",
            Self::CommonData => "common data: write, readers poll",
        }
    }
}

impl fmt::Display for Style {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What carries a link. Drives advice (`technology-mismatch`), not timing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Technology {
    /// HTTP with JSON: simple, text, blocking.
    Rest,
    /// HTTP/2 with protobuf: binary, multiplexed, streaming.
    Grpc,
    /// A log-based event stream with retention and replay.
    Kafka,
    /// A message broker with queues and exchanges.
    RabbitMq,
    /// A managed queue.
    Sqs,
    /// Files dropped in a shared folder.
    File,
    /// Rows in a database.
    Database,
    /// Anything else.
    #[default]
    Other,
}

impl Technology {
    /// Every technology, in the order menus list them.
    pub const ALL: [Technology; 8] = [
        Technology::Rest,
        Technology::Grpc,
        Technology::Kafka,
        Technology::RabbitMq,
        Technology::Sqs,
        Technology::File,
        Technology::Database,
        Technology::Other,
    ];

    /// The label shown on links.
    pub fn label(self) -> &'static str {
        match self {
            Self::Rest => "REST",
            Self::Grpc => "gRPC",
            Self::Kafka => "Kafka",
            Self::RabbitMq => "RabbitMQ",
            Self::Sqs => "SQS",
            Self::File => "file",
            Self::Database => "database",
            Self::Other => "other",
        }
    }

    /// The largest message the technology accepts by default, bytes, where
    /// there is a well-known limit (Kafka 1 MB, RabbitMQ 512 MB, SQS 256 KB).
    pub fn default_message_limit_bytes(self) -> Option<u64> {
        match self {
            Self::Kafka => Some(1_048_576),
            Self::RabbitMq => Some(536_870_912),
            Self::Sqs => Some(262_144),
            _ => None,
        }
    }
}

/// What a call to a data store does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Reads only (read latency).
    Read,
    /// Writes only (write latency).
    Write,
    /// Reads then writes (both latencies).
    #[default]
    ReadWrite,
}

impl Access {
    /// The name used in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::ReadWrite => "read_write",
        }
    }

    /// Whether the call changes data in the store.
    pub fn writes(self) -> bool {
        matches!(self, Self::Write | Self::ReadWrite)
    }
}
