//! Nodes: the boxes of a design (services, brokers, data stores, clients).

use serde::{Deserialize, Serialize};

use super::distribution::Distribution;
use super::ids::NodeId;
use super::serde_defaults::is_default;
use super::step::Step;

/// One box in the design.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    /// Stable id that links, entry points and faults refer to.
    pub id: NodeId,
    /// The name people read on the canvas and in reports.
    pub name: String,
    /// Where the node sits on the canvas (graph coordinates, y down).
    #[serde(default, skip_serializing_if = "is_default")]
    pub pos: Position,
    /// Free text: why the node exists, who owns it, caveats.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// What the node is, with the properties of that kind.
    pub kind: NodeKind,
}

impl Node {
    /// The name people read: `name`, or the id when the name is empty.
    pub fn display_name(&self) -> &str {
        if self.name.is_empty() {
            self.id.as_str()
        } else {
            &self.name
        }
    }

    /// Short lower-case name of the node's kind, for messages.
    pub fn kind_name(&self) -> &'static str {
        self.kind.name()
    }

    /// The service properties, when the node is a service.
    pub fn as_service(&self) -> Option<&Service> {
        match &self.kind {
            NodeKind::Service(s) => Some(s),
            _ => None,
        }
    }

    /// The service properties, for editing.
    pub fn as_service_mut(&mut self) -> Option<&mut Service> {
        match &mut self.kind {
            NodeKind::Service(s) => Some(s),
            _ => None,
        }
    }

    /// The broker properties, when the node is a broker.
    pub fn as_broker(&self) -> Option<&Broker> {
        match &self.kind {
            NodeKind::Broker(b) => Some(b),
            _ => None,
        }
    }

    /// The store properties, when the node is a data store.
    pub fn as_store(&self) -> Option<&DataStore> {
        match &self.kind {
            NodeKind::DataStore(d) => Some(d),
            _ => None,
        }
    }

    /// Whether the node is a client (where load enters).
    pub fn is_client(&self) -> bool {
        matches!(self.kind, NodeKind::Client)
    }

    /// The node's availability model; clients and brokers are always up.
    pub fn availability(&self) -> Availability {
        match &self.kind {
            NodeKind::Service(s) => s.availability,
            NodeKind::DataStore(d) => d.availability,
            NodeKind::Broker(_) | NodeKind::Client => Availability::Always,
        }
    }
}

/// A point on the canvas, in graph coordinates. Written `(x, y)` in the
/// file, so each node's position takes one line.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(from = "(f32, f32)", into = "(f32, f32)")]
pub struct Position {
    /// Horizontal coordinate, growing to the right.
    pub x: f32,
    /// Vertical coordinate, growing downwards.
    pub y: f32,
}

impl From<(f32, f32)> for Position {
    fn from((x, y): (f32, f32)) -> Self {
        Self { x, y }
    }
}

impl From<Position> for (f32, f32) {
    fn from(p: Position) -> Self {
        (p.x, p.y)
    }
}

/// What a node is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum NodeKind {
    /// A process that does work with a pool of workers.
    Service(Service),
    /// A topic or queue between publishers and consumers.
    Broker(Broker),
    /// A database, cache, file share or data lake.
    DataStore(DataStore),
    /// Where load enters: users, a browser, a partner system.
    Client,
}

impl NodeKind {
    /// Short lower-case name of the kind, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Service(_) => "service",
            Self::Broker(_) => "broker",
            Self::DataStore(_) => "data store",
            Self::Client => "client",
        }
    }
}

/// A service: a pool of workers in front of a FIFO queue, with one or more
/// operations it offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// How many requests it can serve at once (threads, connections).
    pub workers: u32,
    /// Longest queue of waiting requests; a full queue rejects new ones.
    /// `None`: unbounded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_capacity: Option<u32>,
    /// The operations callers can invoke; the first is the default.
    pub operations: Vec<Operation>,
    /// How often the service is up.
    #[serde(default, skip_serializing_if = "is_default")]
    pub availability: Availability,
    /// What a caller sees when the service is down.
    #[serde(default, skip_serializing_if = "is_default")]
    pub when_down: WhenDown,
    /// Probability that a request fails after the service did its own work
    /// (a response failure: an answer, but an error).
    #[serde(default, skip_serializing_if = "is_default")]
    pub error_rate: f64,
}

impl Service {
    /// A service with `workers` workers and one operation `handle` taking
    /// `service_time`: the usual starting point for a new box.
    pub fn simple(workers: u32, service_time: Distribution) -> Self {
        Self {
            workers,
            queue_capacity: None,
            operations: vec![Operation::new("handle", vec![Step::Work(service_time)])],
            availability: Availability::Always,
            when_down: WhenDown::Refuse,
            error_rate: 0.0,
        }
    }

    /// The operation called `name`, or the default (first) one for `None`.
    pub fn operation(&self, name: Option<&str>) -> Option<&Operation> {
        match name {
            None => self.operations.first(),
            Some(n) => self.operations.iter().find(|o| o.name == n),
        }
    }
}

/// One thing a service does when called: its steps, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// Name, unique within the service (`"charge"`, `"get_details"`).
    pub name: String,
    /// What the operation does, in order (see [`Step`]).
    #[serde(default)]
    pub steps: Vec<Step>,
    /// Format 1's own work before the calls; read only to migrate a
    /// format-1 file into `steps`, and always `None` after loading.
    #[serde(default, skip_serializing)]
    pub(crate) service_time: Option<Distribution>,
}

impl Operation {
    /// An operation called `name` that does `steps`.
    pub fn new(name: impl Into<String>, steps: Vec<Step>) -> Self {
        Self {
            name: name.into(),
            steps,
            service_time: None,
        }
    }

    /// The mean of the operation's own work, in ms: every `Work` step on
    /// the main path, either/or branches weighted by their probability,
    /// continuations and fallbacks left out.
    pub fn mean_work_ms(&self) -> f64 {
        mean_work_ms(&self.steps)
    }
}

/// The mean own work of `steps` on their main path, in ms.
fn mean_work_ms(steps: &[Step]) -> f64 {
    steps
        .iter()
        .map(|step| match step {
            Step::Work(d) => d.mean_ms(),
            Step::Sequence(s) | Step::Parallel(s) => mean_work_ms(s),
            Step::Choice(branches) => branches
                .iter()
                .map(|b| b.probability * mean_work_ms(&b.steps))
                .sum(),
            _ => 0.0,
        })
        .sum()
}

/// How often a service or store is up.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Availability {
    /// Never down (unless a fault in the scenario says so).
    #[default]
    Always,
    /// Up this fraction of the time; each call independently finds it down
    /// with probability `1 - fraction`. The quick model of "three nines".
    Fraction(f64),
    /// Alternating up and down periods, each exponentially distributed,
    /// starting in steady state: outages last and hit many calls at once.
    Mttf {
        /// Mean time to failure (mean length of an up period), seconds.
        mttf_s: f64,
        /// Mean time to repair (mean length of a down period), seconds.
        mttr_s: f64,
    },
}

impl Availability {
    /// The long-run fraction of time the node is up.
    pub fn fraction_up(&self) -> f64 {
        match *self {
            Self::Always => 1.0,
            Self::Fraction(f) => f,
            Self::Mttf { mttf_s, mttr_s } => {
                if mttf_s + mttr_s > 0.0 {
                    mttf_s / (mttf_s + mttr_s)
                } else {
                    1.0
                }
            }
        }
    }
}

/// What a caller experiences when it calls a node that is down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum WhenDown {
    /// The call fails at once (connection refused: a crash failure).
    #[default]
    Refuse,
    /// Nothing comes back; the caller waits for its timeout (an omission
    /// failure). Without a timeout the caller waits until the run ends.
    NoResponse,
}

/// A topic or queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Broker {
    /// Log (Kafka-like) or queue (RabbitMQ/SQS-like).
    pub kind: BrokerKind,
    /// Whether messages survive while consumers are down. A non-durable
    /// broker drops messages for a consumer that is down.
    #[serde(
        default = "super::serde_defaults::yes",
        skip_serializing_if = "super::serde_defaults::is_true"
    )]
    pub durable: bool,
    /// Time from publish until a consumer can take the message.
    #[serde(default, skip_serializing_if = "is_default")]
    pub delivery_latency: Distribution,
    /// How long a log keeps messages after they were consumed (for replay),
    /// seconds. Only meaningful for logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_s: Option<f64>,
}

/// The two families of broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BrokerKind {
    /// An append-only log (Kafka): every consumer group reads every message
    /// and may replay; ordered; a poor fit for request-response.
    Log,
    /// A queue (RabbitMQ, SQS): each message is taken once per subscription;
    /// buffers bursts for competing consumers.
    Queue,
}

/// A database, cache, file share or data lake.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataStore {
    /// What sort of store it is (changes advice, not simulation).
    pub kind: StoreKind,
    /// Time to read.
    pub read_latency: Distribution,
    /// Time to write.
    pub write_latency: Distribution,
    /// How many reads and writes it serves at once; `None`: unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connections: Option<u32>,
    /// How often readers that get their data by `common_data` links poll
    /// for new data, seconds.
    #[serde(
        default = "super::serde_defaults::one_second",
        skip_serializing_if = "super::serde_defaults::is_one"
    )]
    pub poll_interval_s: f64,
    /// How often the store is up.
    #[serde(default, skip_serializing_if = "is_default")]
    pub availability: Availability,
}

/// The sorts of data store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StoreKind {
    /// A transactional database.
    Database,
    /// A cache in front of something slower.
    Cache,
    /// Files dropped in a shared folder or bucket.
    FileShare,
    /// Raw data for consumers to interpret.
    DataLake,
}
