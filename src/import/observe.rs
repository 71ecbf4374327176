//! From spans to what happened: each time a service handled a request or
//! a message (an [`Execution`]), the calls it made while doing so, where
//! requests entered the system ([`Arrival`]) and where messages were
//! delivered ([`Delivery`]).
//!
//! The rules, each counted in [`Rules`] so the import report can say which
//! decided:
//! - a server or consumer span is an execution of its service's
//!   operation named by the span; so is a root internal span (a job) and
//!   an internal span whose parent is in another service (a server span
//!   recorded with the wrong kind);
//! - a client span is a call: to the execution under it, else to a data
//!   store (`db.system`), else to an external service (`peer.service`,
//!   `server.address`, else the span's name);
//! - a producer span is a message published; so is a client span with
//!   `messaging.system` (Kafka recorded as client spans), and a server
//!   span with `messaging.system` is taken as a consumer;
//! - a consumer is reached through its parent or, for batch consumers,
//!   through its span links;
//! - an execution nobody in the traces called is where requests enter:
//!   from the service of the client span above it, or from outside.

use foldhash::{HashMap, HashMapExt};

use serde::Serialize;

use super::Spans;
use super::span::{Kind, Span};
use super::tree::{Repairs, Tree};

/// What a call goes to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// An operation of a service that reports its own spans.
    Op {
        /// The service.
        service: String,
        /// The operation.
        op: String,
    },
    /// A database or cache.
    Store {
        /// Which one (`db.name`, else the host, else the system).
        name: String,
        /// `db.system`.
        system: String,
        /// Whether the call writes.
        write: bool,
    },
    /// Something that reports no spans of its own.
    External {
        /// As the caller names it.
        name: String,
    },
    /// A topic or queue.
    Topic {
        /// The destination.
        name: String,
        /// `messaging.system`, when known.
        system: String,
    },
    /// One consumer's operation, through a queue that hands each message
    /// to one consumer only (a queue of commands for several services).
    Routed {
        /// The queue.
        topic: String,
        /// `messaging.system`, when known.
        system: String,
        /// The consumer.
        service: String,
        /// Its operation.
        op: String,
    },
}

/// One call made during an execution.
#[derive(Debug, Clone)]
pub struct Call {
    /// Where it went.
    pub target: Target,
    /// When it started and ended at the caller, ns.
    pub start_ns: i64,
    /// See `start_ns`.
    pub end_ns: i64,
    /// It failed, as the caller saw it.
    pub error: bool,
    /// Half the caller's time the callee did not account for: the one-way
    /// network latency, ms (calls to services that report spans).
    pub network_ms: Option<f64>,
    /// The name of the client span the call was made through, if any.
    pub client_name: Option<String>,
    /// For a message: the services and operations that took it.
    pub consumers: Vec<(String, String)>,
}

impl Call {
    /// How long the caller waited, ms.
    pub fn duration_ms(&self) -> f64 {
        ms(self.end_ns - self.start_ns)
    }
}

/// One execution of a service's operation.
#[derive(Debug, Clone)]
pub struct Execution {
    /// The service.
    pub service: String,
    /// The operation.
    pub op: String,
    /// When it started and answered, ns.
    pub start_ns: i64,
    /// See `start_ns`.
    pub end_ns: i64,
    /// It failed while none of its calls did: the service's own error.
    pub own_error: bool,
    /// Its calls, by start time.
    pub calls: Vec<Call>,
}

/// A request that entered the system.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// The service of the client span that sent it, if one was traced.
    pub client: Option<String>,
    /// The service and operation it invoked.
    pub service: String,
    /// See `service`.
    pub op: String,
    /// When it arrived, ns.
    pub start_ns: i64,
    /// The share of requests traced, when the spans say.
    pub sampling: Option<f64>,
    /// One-way network latency from the client span, ms.
    pub network_ms: Option<f64>,
    /// A message published from outside the traced services: the topic
    /// (and `messaging.system`) it went to; `service` and `op` are empty.
    pub topic: Option<(String, String)>,
}

/// A message taken by a consumer.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The topic or queue.
    pub topic: String,
    /// `messaging.system`, when known.
    pub system: String,
    /// The consuming service and operation.
    pub service: String,
    /// See `service`.
    pub op: String,
    /// From the end of the publish to the start of the consumer, ms.
    pub delay_ms: f64,
}

/// How often each rule that reads past a span's kind decided.
#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct Rules {
    /// Client spans with `messaging.system`, taken as publishing.
    pub client_spans_as_producers: usize,
    /// Server spans with `messaging.system`, taken as consumers.
    pub server_spans_as_consumers: usize,
    /// Internal spans under another service's span, taken as its server
    /// spans.
    pub internal_spans_as_servers: usize,
    /// Consumers reached through span links (batch consumers).
    pub consumers_by_link: usize,
    /// Client or server spans named as messaging spans are
    /// (`publish orders`, `process orders`), taken as publishing or
    /// consuming.
    pub kinds_from_names: usize,
    /// Calls with no server span under them (refused, timed out), taken
    /// as calls to the operation that calls of the same name reach in
    /// other traces.
    pub unanswered_calls_matched: usize,
}

/// Everything seen in the traces.
#[derive(Debug, Default)]
pub struct Observed {
    /// Traces read.
    pub traces: usize,
    /// Spans read, each id once.
    pub spans: usize,
    /// Executions, in trace order.
    pub executions: Vec<Execution>,
    /// Requests that entered.
    pub arrivals: Vec<Arrival>,
    /// Messages delivered.
    pub deliveries: Vec<Delivery>,
    /// What was repaired.
    pub repairs: Repairs,
    /// Which rules decided.
    pub rules: Rules,
    /// Requests answered through queues, as (requester, request topic,
    /// replier, reply topic), with how often each was seen.
    pub request_replies: std::collections::BTreeMap<RequestReply, usize>,
}

/// A service asking another through one topic and hearing back through
/// another: an asynchronous request-response, seen as two events.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RequestReply {
    /// The service that asked and took the answer.
    pub requester: String,
    /// Where the request went.
    pub request_topic: String,
    /// The service that answered.
    pub replier: String,
    /// Where the answer went.
    pub reply_topic: String,
}

/// Nanoseconds as milliseconds.
pub fn ms(ns: i64) -> f64 {
    ns as f64 / 1e6
}

/// What a span is taken as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// An execution of an operation.
    Executes,
    /// An execution that takes a message.
    Consumes,
    /// A call that waits for an answer.
    Calls,
    /// A message sent.
    Publishes,
    /// Work inside the service.
    Inside,
}

impl Role {
    /// Whether the span is an execution of an operation (a request or a
    /// message handled).
    fn executes(self) -> bool {
        matches!(self, Self::Executes | Self::Consumes)
    }
}

fn role(tree: &Tree, i: usize, rules: &mut Rules) -> Role {
    let span = tree.spans[i];
    let messaging = span.attributes.messaging_system.is_some();
    let verb = messaging_name(&span.name).map(|(verb, _)| verb);
    match span.kind {
        Kind::Server if messaging => {
            rules.server_spans_as_consumers += 1;
            Role::Consumes
        }
        Kind::Server if verb == Some(Verb::Takes) => {
            rules.kinds_from_names += 1;
            Role::Consumes
        }
        Kind::Server => Role::Executes,
        Kind::Consumer => Role::Consumes,
        Kind::Client if messaging => {
            rules.client_spans_as_producers += 1;
            Role::Publishes
        }
        Kind::Client if verb == Some(Verb::Sends) => {
            rules.kinds_from_names += 1;
            Role::Publishes
        }
        Kind::Client => Role::Calls,
        Kind::Producer => Role::Publishes,
        Kind::Internal => match tree.parent[i] {
            None => Role::Executes,
            Some(p) if tree.spans[p].service != span.service => {
                rules.internal_spans_as_servers += 1;
                Role::Executes
            }
            Some(_) => Role::Inside,
        },
    }
}

/// What a messaging span's name says it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    /// `publish orders`, `orders send`.
    Sends,
    /// `process orders`, `orders receive`.
    Takes,
}

/// A span name in OpenTelemetry's messaging form, `{operation}
/// {destination}` (or the older `{destination} {operation}`): what it does
/// and to which destination. `None` for any other name.
fn messaging_name(name: &str) -> Option<(Verb, &str)> {
    let verb = |word: &str| match word.to_ascii_lowercase().as_str() {
        // Only words that mean messaging: `send email` may be a call.
        "publish" | "produce" => Some(Verb::Sends),
        "process" | "receive" | "consume" => Some(Verb::Takes),
        _ => None,
    };
    let mut words = name.split_whitespace();
    let (first, second) = (words.next()?, words.next()?);
    if words.next().is_some() {
        return None;
    }
    match (verb(first), verb(second)) {
        (Some(v), None) => Some((v, second)),
        (None, Some(v)) => Some((v, first)),
        _ => None,
    }
}

/// The topic a message published by `span` goes to: its destination
/// attribute, else the destination its name gives, else its name.
fn topic_of(span: &Span) -> Target {
    Target::Topic {
        name: span
            .attributes
            .messaging_destination
            .clone()
            .or_else(|| messaging_name(&span.name).map(|(_, d)| d.to_owned()))
            .unwrap_or_else(|| span.name.clone()),
        system: span.attributes.messaging_system.clone().unwrap_or_default(),
    }
}

/// What a client span that reached no execution called.
fn unreported_target(span: &Span) -> Target {
    let a = &span.attributes;
    if let Some(system) = &a.db_system {
        let operation = a.db_operation.as_deref().unwrap_or(&span.name);
        return Target::Store {
            name: a
                .db_name
                .clone()
                .or_else(|| a.server_address.clone())
                .unwrap_or_else(|| system.clone()),
            system: system.clone(),
            write: writes(operation),
        };
    }
    Target::External {
        name: a
            .peer_service
            .clone()
            .or_else(|| a.server_address.clone())
            .unwrap_or_else(|| span.name.clone()),
    }
}

/// Whether a database operation (`SELECT`, `INSERT`, `GET`, `SET`...)
/// changes data.
fn writes(operation: &str) -> bool {
    let word = operation
        .split(|c: char| !c.is_ascii_alphabetic())
        .find(|w| !w.is_empty())
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(
        word.as_str(),
        "insert"
            | "update"
            | "delete"
            | "upsert"
            | "merge"
            | "replace"
            | "set"
            | "hset"
            | "mset"
            | "setex"
            | "del"
            | "incr"
            | "decr"
            | "lpush"
            | "rpush"
            | "sadd"
            | "zadd"
            | "expire"
            | "put"
            | "putitem"
            | "updateitem"
            | "deleteitem"
            | "batchwriteitem"
            | "write"
            | "create"
            | "drop"
            | "alter"
            | "truncate"
            | "commit"
    )
}

/// Reads every trace of `spans`.
pub fn observe(spans: &Spans) -> Observed {
    let mut out = Observed::default();
    // Producers by (trace, span): batch consumers link to them.
    let mut by_id: HashMap<(&str, &str), &Span> = HashMap::new();
    for (trace, list) in &spans.traces {
        for s in list {
            by_id.entry((trace.as_str(), s.id.as_str())).or_insert(s);
        }
    }
    let mut traces: Vec<_> = spans.traces.iter().collect();
    traces.sort_by(|a, b| a.0.cmp(b.0));
    for (_, list) in traces {
        out.traces += 1;
        let tree = Tree::new(list, &mut out.repairs);
        out.spans += tree.spans.len();
        match tree.without_skew(&mut out.repairs) {
            // Repairs were counted on the first reading.
            Some(corrected) => {
                let tree = Tree::new(&corrected, &mut Repairs::default());
                observe_trace(&tree, &by_id, &mut out);
            }
            None => observe_trace(&tree, &by_id, &mut out),
        }
    }
    match_unanswered(&mut out);
    out
}

/// A call whose client span has no server span under it (refused, timed
/// out, its answer lost) goes where calls of the same name from the same
/// service went in other traces, not to an external service of its own.
fn match_unanswered(out: &mut Observed) {
    let mut reached: HashMap<(String, String), Target> = HashMap::new();
    for e in &out.executions {
        for c in &e.calls {
            if let (Some(name), Target::Op { .. }) = (&c.client_name, &c.target) {
                reached
                    .entry((e.service.clone(), name.clone()))
                    .or_insert_with(|| c.target.clone());
            }
        }
    }
    for e in &mut out.executions {
        for c in &mut e.calls {
            let (Some(name), Target::External { .. }) = (&c.client_name, &c.target) else {
                continue;
            };
            if let Some(target) = reached.get(&(e.service.clone(), name.clone())) {
                c.target = target.clone();
                out.rules.unanswered_calls_matched += 1;
            }
        }
    }
}

fn observe_trace(tree: &Tree, by_id: &HashMap<(&str, &str), &Span>, out: &mut Observed) {
    let roles: Vec<Role> = (0..tree.spans.len())
        .map(|i| role(tree, i, &mut out.rules))
        .collect();
    let executes = |i: usize| roles[i].executes();
    // Publisher spans already taken as arrivals.
    let mut entered = foldhash::HashSet::default();
    for (i, &span) in tree.spans.iter().enumerate() {
        if !executes(i) {
            continue;
        }
        let calls = calls_of(tree, i, &roles);
        out.executions.push(Execution {
            service: span.service.clone(),
            op: span.name.clone(),
            start_ns: span.start_ns,
            end_ns: span.end_ns,
            own_error: span.error && !calls.iter().any(|c| c.error),
            calls,
        });
        let caller_execution = tree.ancestor(i, executes);
        let parent = tree.parent[i];
        if roles[i] == Role::Consumes || parent.is_some_and(|p| roles[p] == Role::Publishes) {
            // A message: from the span that published it, else from a link.
            let publisher = parent.map(|p| tree.spans[p]).or_else(|| {
                let linked = span
                    .links
                    .iter()
                    .find_map(|(t, s)| by_id.get(&(t.as_str(), s.as_str())).copied());
                if linked.is_some() {
                    out.rules.consumers_by_link += 1;
                }
                linked
            });
            if let Some(publisher) = publisher {
                // A consumer under a span that did not publish (its caller's
                // server span) names its own topic, as the caller's side does.
                let from =
                    if parent.is_some_and(|p| roles[p] == Role::Publishes) || parent.is_none() {
                        publisher
                    } else {
                        span
                    };
                if let Target::Topic { name, system } = topic_of(from) {
                    // Published from outside every traced execution (a
                    // client sending events): where load enters, once per
                    // message however many consume it.
                    let outside = caller_execution.is_none()
                        && parent.is_some_and(|p| {
                            matches!(roles[p], Role::Publishes | Role::Calls) && entered.insert(p)
                        });
                    if outside {
                        out.arrivals.push(Arrival {
                            client: Some(publisher.service.clone()),
                            service: String::new(),
                            op: String::new(),
                            start_ns: publisher.start_ns,
                            sampling: publisher.attributes.sampling_probability,
                            network_ms: None,
                            topic: Some((name.clone(), system.clone())),
                        });
                    }
                    if let Some(request) = request_of(tree, &roles, i) {
                        let seen = RequestReply {
                            requester: span.service.clone(),
                            request_topic: request,
                            replier: publisher.service.clone(),
                            reply_topic: name.clone(),
                        };
                        *out.request_replies.entry(seen).or_default() += 1;
                    }
                    out.deliveries.push(Delivery {
                        topic: name,
                        system,
                        service: span.service.clone(),
                        op: span.name.clone(),
                        delay_ms: ms(span.start_ns - publisher.end_ns).max(0.0),
                    });
                }
                continue;
            }
        }
        if caller_execution.is_some() {
            continue;
        }
        let client = parent.filter(|&p| roles[p] == Role::Calls);
        out.arrivals.push(Arrival {
            client: client.map(|p| tree.spans[p].service.clone()),
            service: span.service.clone(),
            op: span.name.clone(),
            start_ns: span.start_ns,
            sampling: span
                .attributes
                .sampling_probability
                .or_else(|| client.and_then(|p| tree.spans[p].attributes.sampling_probability)),
            network_ms: client.map(|p| one_way_ms(tree.spans[p], span)),
            topic: None,
        });
    }
}

/// When consumer `i` takes the answer to its own service's request (its
/// message was published by an execution that consumed a message its
/// service published), the request's topic.
fn request_of(tree: &Tree, roles: &[Role], i: usize) -> Option<String> {
    let executes = |k: usize| roles[k].executes();
    let reply = tree.parent[i].filter(|&p| roles[p] == Role::Publishes)?;
    let replier = tree.ancestor(reply, executes)?;
    let request = tree.parent[replier].filter(|&p| roles[p] == Role::Publishes)?;
    let requester = tree.ancestor(request, executes)?;
    let same = tree.spans[requester].service == tree.spans[i].service
        && tree.spans[replier].service != tree.spans[i].service;
    match (same, topic_of(tree.spans[request])) {
        (true, Target::Topic { name, .. }) => Some(name),
        _ => None,
    }
}

/// Half the time a caller waited beyond what the callee took.
fn one_way_ms(caller: &Span, callee: &Span) -> f64 {
    (ms(caller.duration_ns() - callee.duration_ns()) / 2.0).max(0.0)
}

/// The calls execution `at` made: its descendants down to the next
/// executions, through its internal spans.
fn calls_of(tree: &Tree, at: usize, roles: &[Role]) -> Vec<Call> {
    let mut calls = Vec::new();
    let mut stack: Vec<usize> = tree.children[at].iter().rev().copied().collect();
    while let Some(i) = stack.pop() {
        let span = tree.spans[i];
        let call = |target: Target, network_ms: Option<f64>| Call {
            target,
            start_ns: span.start_ns,
            end_ns: span.end_ns,
            error: span.error,
            network_ms,
            client_name: (roles[i] == Role::Calls).then(|| span.name.clone()),
            consumers: Vec::new(),
        };
        let taken_by = |k: usize| (tree.spans[k].service.clone(), tree.spans[k].name.clone());
        match roles[i] {
            Role::Inside => stack.extend(tree.children[i].iter().rev()),
            Role::Executes => calls.push(call(
                Target::Op {
                    service: span.service.clone(),
                    op: span.name.clone(),
                },
                None,
            )),
            Role::Consumes => calls.push(Call {
                consumers: vec![taken_by(i)],
                ..call(topic_of(span), None)
            }),
            Role::Publishes => calls.push(Call {
                consumers: tree.children[i]
                    .iter()
                    .filter(|&&k| roles[k].executes())
                    .map(|&k| taken_by(k))
                    .collect(),
                ..call(topic_of(span), None)
            }),
            Role::Calls => {
                let callee = first_execution_under(tree, i, roles);
                calls.push(match callee {
                    Some(c) if roles[c] == Role::Consumes => Call {
                        consumers: vec![taken_by(c)],
                        ..call(topic_of(tree.spans[c]), None)
                    },
                    Some(c) => {
                        let callee = tree.spans[c];
                        call(
                            Target::Op {
                                service: callee.service.clone(),
                                op: callee.name.clone(),
                            },
                            Some(one_way_ms(span, callee)),
                        )
                    }
                    None => call(unreported_target(span), None),
                });
            }
        }
    }
    calls.sort_by_key(|c| (c.start_ns, c.end_ns));
    calls
}

/// The earliest execution below client span `at`, not below another
/// execution.
fn first_execution_under(tree: &Tree, at: usize, roles: &[Role]) -> Option<usize> {
    let mut stack = vec![at];
    let mut first: Option<usize> = None;
    while let Some(i) = stack.pop() {
        for &c in &tree.children[i] {
            if roles[c].executes() {
                if first.is_none_or(|f| tree.spans[c].start_ns < tree.spans[f].start_ns) {
                    first = Some(c);
                }
            } else {
                stack.push(c);
            }
        }
    }
    first
}
