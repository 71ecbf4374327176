//! From what the traces show ([`observe`]) to a design: nodes for the
//! services, stores, external services, brokers and clients; links in the
//! style the spans imply; each operation's steps from the shape of its
//! executions; distributions from the measured durations; entry points
//! with their arrival rates. Every number goes into the report with the
//! samples it rests on, every default into its guesses.

use foldhash::{HashSet, HashSetExt};
use std::collections::BTreeMap;

use super::fit::{Fit, fit};
use super::observe::{Execution, Target, ms, observe};
use super::report::{CANNOT_SHOW, Counts, FileRead, Guess, ImportReport, Inferred};
use super::{ImportError, Spans};
use crate::layout;
use crate::model::{
    Arrival, Availability, Branch, Broker, BrokerKind, CallStep, DataStore, Design, Distribution,
    EntryPoint, Link, Load, Node, NodeId, NodeKind, Objectives, Operation, Position, RequestStep,
    Service, Step, StoreKind, Style,
};
use crate::numbers::{self, count};

/// A shape whose share of an operation's executions is at least this is
/// taken as the only one (the rest are noise: a retry, a rare path).
const ONLY_SHAPE: f64 = 0.99;
/// The most either/or branches an operation gets; rarer shapes are left
/// out and the report says so.
const MOST_BRANCHES: usize = 6;
/// A shape taken by fewer of an operation's executions than this share
/// is left out (a retry, a failure on the way), and the report says so.
const LEAST_BRANCH_SHARE: f64 = 0.01;
/// The arrival rate, per second, of an entry point whose rate the traces
/// cannot tell (fewer than two requests).
const GUESSED_RATE_PER_S: f64 = 1.0;

/// The design the traces in `spans` show, named `name`, with the report of
/// how it was inferred.
pub fn infer(spans: &Spans, name: &str) -> Result<(Design, ImportReport), ImportError> {
    if spans.is_empty() {
        return Err(ImportError::NoSpans {
            files: spans
                .files
                .iter()
                .map(|(f, _)| f.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let mut observed = observe(spans);
    let routed = route(&mut observed.executions);
    let mut b = Builder::new(name);
    b.routed = routed;
    b.design.description = format!(
        "Imported from {} ({}, {}). Timeouts, retries, pool sizes and availability are not in traces: see the import report and set them.",
        count(spans.files.len(), "trace file", "trace files"),
        count(observed.traces, "trace", "traces"),
        count(observed.spans, "span", "spans"),
    );
    let sampling = Sampling::of(&observed.arrivals);
    b.services(&observed.executions, sampling);
    b.deliveries(&observed.deliveries);
    b.entry_points(&observed.arrivals, sampling);
    b.unreported(&observed.executions, sampling);
    b.request_replies(&observed.request_replies);
    b.finish_links();
    b.place();
    let counts = b.counts();
    let report = ImportReport {
        files: spans
            .files
            .iter()
            .map(|(file, format)| FileRead {
                file: file.clone(),
                format: *format,
            })
            .collect(),
        traces: observed.traces,
        spans: observed.spans,
        unfinished_spans: spans.unfinished,
        counts,
        repairs: observed.repairs,
        rules: observed.rules,
        inferred: b.inferred,
        guesses: b.guesses,
        cannot_show: CANNOT_SHOW.to_vec(),
    };
    Ok((b.design, report))
}

/// The share of requests traced, as the spans state it.
#[derive(Debug, Clone, Copy)]
struct Sampling {
    /// The mean stated probability; 1 when none is stated.
    probability: f64,
    /// Whether any span stated it.
    known: bool,
}

impl Sampling {
    fn of(arrivals: &[super::observe::Arrival]) -> Self {
        let stated: Vec<f64> = arrivals.iter().filter_map(|a| a.sampling).collect();
        if stated.is_empty() {
            return Self {
                probability: 1.0,
                known: false,
            };
        }
        Self {
            probability: stated.iter().sum::<f64>() / stated.len() as f64,
            known: true,
        }
    }

    /// `n` traced as the number that happened.
    fn scale(self, n: f64) -> f64 {
        n / self.probability
    }
}

/// What a node stands for, as the traces name it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum NodeKey {
    Service(String),
    Store(String),
    External(String),
    Broker(String),
    /// The service of a traced client span, or `None`: outside the traces.
    Client(Option<String>),
}

/// One link to be made: from, to, the operation it invokes.
type LinkKey = (NodeId, NodeId, Style, Option<String>);

/// One piece of an operation's timeline: calls at the same time (each
/// lane runs its calls one after another), or the answer to the caller.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Item {
    Calls(Vec<Vec<Target>>),
    /// The same call one or more times in a row (a loop of queries): how
    /// many times varies by request, the shape does not.
    Repeated(Target),
    Reply,
}

/// The calls an execution made, in order and in parallel, with where it
/// answered: executions of one shape become one list of steps.
type Shape = Vec<Item>;

/// What one execution did, item by item: its own work before each, ms,
/// and how many times each item's call was made in a row.
struct Timeline {
    gaps: Vec<f64>,
    repeats: Vec<u32>,
}

/// The shape of `e`, with its timeline.
fn shape_of(e: &Execution) -> (Shape, Timeline) {
    let (items, gaps) = items_of(e);
    // A run of the same single call becomes one repeated item; the work
    // between its calls is counted before it.
    let mut shape: Shape = Vec::new();
    let mut timeline = Timeline {
        gaps: Vec::new(),
        repeats: Vec::new(),
    };
    for (item, gap) in items.into_iter().zip(gaps) {
        let item = match item {
            Item::Calls(lanes) if lanes.len() == 1 && lanes[0].len() == 1 => {
                match lanes[0][0].clone() {
                    t @ Target::Topic { .. } => Item::Calls(vec![vec![t]]),
                    t => Item::Repeated(t),
                }
            }
            other => other,
        };
        if let (Item::Repeated(t), Some(Item::Repeated(last))) = (&item, shape.last())
            && t == last
        {
            if let (Some(g), Some(n)) = (timeline.gaps.last_mut(), timeline.repeats.last_mut()) {
                *g += gap;
                *n += 1;
            }
            continue;
        }
        shape.push(item);
        timeline.gaps.push(gap);
        timeline.repeats.push(1);
    }
    (shape, timeline)
}

/// The items of `e` in order, and its own work before each, ms.
fn items_of(e: &Execution) -> (Shape, Vec<f64>) {
    // Groups of overlapping calls, in start order (calls are sorted).
    let mut groups: Vec<(i64, i64, Vec<usize>)> = Vec::new();
    for (i, c) in e.calls.iter().enumerate() {
        match groups.last_mut() {
            Some((_, end, members)) if c.start_ns < *end => {
                *end = (*end).max(c.end_ns);
                members.push(i);
            }
            _ => groups.push((c.start_ns, c.end_ns, vec![i])),
        }
    }
    let mut shape = Vec::new();
    let mut gaps = Vec::new();
    let mut cursor = e.start_ns;
    let mut replied = false;
    for (start, end, members) in groups {
        if !replied && start > e.end_ns {
            gaps.push(ms(e.end_ns - cursor).max(0.0));
            shape.push(Item::Reply);
            cursor = cursor.max(e.end_ns);
            replied = true;
        }
        gaps.push(ms(start - cursor).max(0.0));
        shape.push(Item::Calls(lanes(e, &members)));
        cursor = cursor.max(end);
    }
    if !replied {
        gaps.push(ms(e.end_ns - cursor).max(0.0));
        shape.push(Item::Reply);
    }
    (shape, gaps)
}

/// Overlapping calls as lanes: each call goes to the first lane free when
/// it starts, so calls one after another inside a parallel block stay in
/// order.
fn lanes(e: &Execution, members: &[usize]) -> Vec<Vec<Target>> {
    let mut lanes: Vec<(i64, Vec<Target>)> = Vec::new();
    for &i in members {
        let c = &e.calls[i];
        match lanes.iter_mut().find(|(free_at, _)| *free_at <= c.start_ns) {
            Some((free_at, lane)) => {
                *free_at = c.end_ns;
                lane.push(c.target.clone());
            }
            None => lanes.push((c.end_ns, vec![c.target.clone()])),
        }
    }
    // Calls that start together fill lanes in whichever order they end:
    // sorted, the same calls make the same shape.
    let mut lanes: Vec<Vec<Target>> = lanes.into_iter().map(|(_, lane)| lane).collect();
    lanes.sort();
    lanes
}

/// Builds the design.
struct Builder {
    design: Design,
    ids: BTreeMap<NodeKey, NodeId>,
    taken: HashSet<String>,
    /// Links to make, with their one-way latency samples, ms.
    links: BTreeMap<LinkKey, Vec<f64>>,
    /// The queue each `async_request` link goes through.
    vias: BTreeMap<LinkKey, NodeId>,
    /// Queues that hand each message to one of several consumers.
    routed: HashSet<String>,
    /// Steps waiting for link references: (service id, op index, shape
    /// steps) are written once every link is known; here the operation's
    /// shapes with their probability and per-item work.
    pending: Vec<Pending>,
    inferred: Vec<Inferred>,
    guesses: Vec<Guess>,
    counts: Counts,
}

/// An operation whose steps are written once the links are named.
struct Pending {
    node: usize,
    op: usize,
    branches: Vec<PendingBranch>,
}

/// One path of an operation whose steps are still to write.
struct PendingBranch {
    /// Its share of the operation's executions.
    probability: f64,
    shape: Shape,
    /// Own work before each item, when there is any.
    work: Vec<Option<Distribution>>,
    /// Calls per request of each item.
    times: Vec<f64>,
}

impl Builder {
    fn new(name: &str) -> Self {
        Self {
            design: Design::new(name),
            ids: BTreeMap::new(),
            taken: HashSet::new(),
            links: BTreeMap::new(),
            vias: BTreeMap::new(),
            routed: HashSet::new(),
            pending: Vec::new(),
            inferred: Vec::new(),
            guesses: Vec::new(),
            counts: Counts::default(),
        }
    }

    /// The node for `key`, made with `make` the first time. Its id is its
    /// name's; when that is taken (a topic named as its service), the name
    /// with its kind (`orders_topic`), then numbered.
    fn node(&mut self, key: NodeKey, name: &str, make: impl FnOnce() -> NodeKind) -> NodeId {
        if let Some(id) = self.ids.get(&key) {
            return id.clone();
        }
        let base = slug(name);
        let kind = match key {
            NodeKey::Service(_) => "service",
            NodeKey::Store(_) => "db",
            NodeKey::External(_) => "api",
            NodeKey::Broker(_) => "topic",
            NodeKey::Client(_) => "client",
        };
        let id = [base.clone(), format!("{base}_{kind}")]
            .into_iter()
            .chain((2..).map(|i| format!("{base}_{kind}_{i}")))
            .find(|c| !self.taken.contains(c))
            .unwrap_or(base);
        self.taken.insert(id.clone());
        let id = NodeId(id);
        self.design.nodes.push(Node {
            id: id.clone(),
            name: name.to_owned(),
            pos: Position::default(),
            notes: String::new(),
            kind: make(),
        });
        self.ids.insert(key, id.clone());
        id
    }

    fn service_id(&mut self, service: &str) -> NodeId {
        self.node(NodeKey::Service(service.to_owned()), service, || {
            NodeKind::Service(Service::simple(1, Distribution::ZERO))
        })
    }

    fn link(&mut self, key: LinkKey, network_ms: Option<f64>) {
        let samples = self.links.entry(key).or_default();
        samples.extend(network_ms);
    }

    /// A duration measured, into the report; its distribution.
    fn measured(&mut self, what: String, field: String, values: &[f64]) -> Option<Distribution> {
        let fit: Fit = fit(values)?;
        self.inferred.push(Inferred::duration(what, field, &fit));
        Some(fit.distribution)
    }

    /// A value guessed, about `node` when it is one node's.
    fn guess(&mut self, node: Option<&NodeId>, what: String, value: String, why: &str) {
        self.guesses.push(Guess {
            node: node.map(|n| n.0.clone()),
            what,
            value,
            why: why.to_owned(),
        });
    }

    /// A service node per service that reports spans, an operation per
    /// server span name, its shapes, workers and error rate.
    fn services(&mut self, executions: &[Execution], sampling: Sampling) {
        let mut by_op: BTreeMap<(&str, &str), Vec<&Execution>> = BTreeMap::new();
        for e in executions {
            by_op.entry((&e.service, &e.op)).or_default().push(e);
        }
        let mut by_service: BTreeMap<&str, Vec<&Execution>> = BTreeMap::new();
        for e in executions {
            by_service.entry(&e.service).or_default().push(e);
        }
        for (service, list) in &by_service {
            let id = self.service_id(service);
            let busiest = most_at_once(list.iter().map(|e| (e.start_ns, e.end_ns)));
            let workers = sampling.scale(busiest as f64).ceil().max(1.0) as u32;
            let own_errors = list.iter().filter(|e| e.own_error).count();
            let error_rate = own_errors as f64 / list.len() as f64;
            self.guess(
                Some(&id),
                format!("workers of {service}"),
                workers.to_string(),
                "the most requests seen at once (a lower bound: the pool may be larger); set the real pool size",
            );
            if own_errors > 0 {
                self.inferred.push(Inferred {
                    what: format!("own error rate of {service}"),
                    field: format!("{id}.error_rate"),
                    value: numbers::percent(error_rate),
                    samples: list.len(),
                    how: format!(
                        "{own_errors} of {} requests failed while none of their calls did",
                        list.len()
                    ),
                });
            }
            if let Some(node) = self.design.nodes.iter_mut().find(|n| n.id == id)
                && let NodeKind::Service(s) = &mut node.kind
            {
                s.workers = workers;
                s.error_rate = error_rate;
                s.operations.clear();
            }
        }
        for ((service, op), list) in by_op {
            self.operation(service, op, &list);
        }
    }

    /// One operation of a service: its shapes, as either/or branches when
    /// more than one is common.
    fn operation(&mut self, service: &str, op: &str, list: &[&Execution]) {
        let id = self.service_id(service);
        let mut shapes: BTreeMap<Shape, Vec<Timeline>> = BTreeMap::new();
        for e in list {
            let (shape, timeline) = shape_of(e);
            shapes.entry(shape).or_default().push(timeline);
            for c in &e.calls {
                self.call_link(&id, c.target.clone(), c.network_ms);
            }
        }
        let mut shapes: Vec<(Shape, Vec<Timeline>)> = shapes.into_iter().collect();
        shapes.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
        let total = list.len();
        let only = shapes[0].1.len() as f64 >= ONLY_SHAPE * total as f64;
        let common = shapes
            .iter()
            .take_while(|s| s.1.len() as f64 >= LEAST_BRANCH_SHARE * total as f64)
            .count()
            .max(1);
        let keep = if only { 1 } else { common.min(MOST_BRANCHES) };
        let left_out: usize = shapes[keep..].iter().map(|s| s.1.len()).sum();
        if left_out > 0 {
            self.guess(
                Some(&id),
                format!("{service} {op}"),
                format!("{} of {total} requests left out", left_out),
                if only {
                    "they took a path rarer than 1 %: a retry or an exception"
                } else {
                    "they took paths rarer than 1 % (or than the six most common), left out of the either/or branches"
                },
            );
        }
        let kept_total: usize = shapes[..keep].iter().map(|s| s.1.len()).sum();
        let node = self
            .design
            .nodes
            .iter()
            .position(|n| n.id == id)
            .unwrap_or_default();
        let mut branches = Vec::new();
        for (b, (shape, timelines)) in shapes.into_iter().take(keep).enumerate() {
            // Four decimals: a share measured on samples has no more.
            let share = (timelines.len() as f64 / kept_total as f64 * 1e4).round() / 1e4;
            let mut times = Vec::new();
            let mut work = Vec::new();
            for (k, item) in shape.iter().enumerate() {
                let values: Vec<f64> = timelines.iter().map(|t| t.gaps[k]).collect();
                let repeats: Vec<f64> = timelines.iter().map(|t| f64::from(t.repeats[k])).collect();
                let mean = repeats.iter().sum::<f64>() / repeats.len() as f64;
                // Two decimals: 2.5 calls, one of them half of the time.
                times.push((mean * 100.0).round() / 100.0);
                if let Item::Repeated(target) = item
                    && mean != 1.0
                {
                    self.inferred.push(Inferred {
                        what: format!(
                            "calls per request from {service} {op} to {}",
                            target_name(target)
                        ),
                        field: format!("{id}.{op}.steps"),
                        value: numbers::setting(mean),
                        samples: repeats.len(),
                        how: "the same call one after another, counted in each request".to_owned(),
                    });
                }
                let calls = shape[..k].iter().filter(|i| **i != Item::Reply).count();
                let answered = shape[..k].contains(&Item::Reply);
                let place = match item {
                    Item::Reply if calls == 0 => String::new(),
                    Item::Reply => " before it answers".to_owned(),
                    _ if calls == 0 => " before its first call".to_owned(),
                    _ if answered => format!(" after it answers, before call {}", calls + 1),
                    _ => format!(" before call {}", calls + 1),
                };
                let branch = if keep > 1 {
                    format!(" (path {}, {} of requests)", b + 1, numbers::percent(share))
                } else {
                    String::new()
                };
                let busy = values.iter().any(|&v| v >= 0.0005);
                work.push(if busy {
                    self.measured(
                        format!("own work of {service} {op}{place}{branch}"),
                        format!("{id}.{op}.steps"),
                        &values,
                    )
                } else {
                    None
                });
            }
            branches.push(PendingBranch {
                probability: share,
                shape,
                work,
                times,
            });
        }
        let op_index = match self.design.nodes[node].as_service_mut() {
            Some(s) => {
                s.operations.push(Operation::new(op, Vec::new()));
                s.operations.len() - 1
            }
            None => return,
        };
        self.pending.push(Pending {
            node,
            op: op_index,
            branches,
        });
    }

    /// The node and link a call to `target` from `from` goes through.
    fn call_link(&mut self, from: &NodeId, target: Target, network_ms: Option<f64>) {
        let (to, style, to_op) = self.target_node(&target);
        let key = (from.clone(), to, style, to_op);
        if let Target::Routed { topic, system, .. } = &target {
            let queue = self.broker_id(topic, system);
            self.vias.insert(key.clone(), queue);
        }
        self.link(key, network_ms);
    }

    /// The node a call goes to, the link's style and the operation it
    /// invokes.
    fn target_node(&mut self, target: &Target) -> (NodeId, Style, Option<String>) {
        match target {
            Target::Op { service, op } => (self.service_id(service), Style::Sync, Some(op.clone())),
            Target::Store { name, system, .. } => {
                let kind = match system.to_ascii_lowercase().as_str() {
                    "redis" | "memcached" | "hazelcast" | "valkey" => StoreKind::Cache,
                    _ => StoreKind::Database,
                };
                let id = self.node(NodeKey::Store(name.clone()), name, || {
                    NodeKind::DataStore(DataStore {
                        kind,
                        read_latency: Distribution::ZERO,
                        write_latency: Distribution::ZERO,
                        connections: None,
                        poll_interval_s: 1.0,
                        availability: Availability::Always,
                    })
                });
                (id, Style::Sync, None)
            }
            Target::External { name } => {
                let id = self.node(NodeKey::External(name.clone()), name, || {
                    NodeKind::Service(Service::simple(1, Distribution::ZERO))
                });
                (id, Style::Sync, None)
            }
            Target::Topic { name, system } => (self.broker_id(name, system), Style::Event, None),
            Target::Routed { service, op, .. } => (
                self.service_id(service),
                Style::AsyncRequest,
                Some(op.clone()),
            ),
        }
    }

    fn broker_id(&mut self, name: &str, system: &str) -> NodeId {
        let kind = match system.to_ascii_lowercase().as_str() {
            "kafka" | "pulsar" | "kinesis" | "aws_kinesis" | "eventhubs" | "redpanda" => {
                BrokerKind::Log
            }
            _ => BrokerKind::Queue,
        };
        self.node(NodeKey::Broker(name.to_owned()), name, || {
            NodeKind::Broker(Broker {
                kind,
                durable: true,
                delivery_latency: Distribution::ZERO,
                retention_s: None,
            })
        })
    }

    /// Broker → consumer links and each broker's delivery latency.
    fn deliveries(&mut self, deliveries: &[super::observe::Delivery]) {
        let mut delays: BTreeMap<NodeId, (String, Vec<f64>)> = BTreeMap::new();
        for d in deliveries {
            let broker = self.broker_id(&d.topic, &d.system);
            let consumer = self.service_id(&d.service);
            // A routed queue's consumers are reached by requests through it.
            if !self.routed.contains(&d.topic) {
                let key = (broker.clone(), consumer, Style::Event, Some(d.op.clone()));
                self.link(key, None);
            }
            let entry = delays
                .entry(broker)
                .or_insert_with(|| (d.topic.clone(), Vec::new()));
            entry.1.push(d.delay_ms);
        }
        for (broker, (topic, values)) in delays {
            let latency = self.measured(
                format!("delivery latency of {topic}"),
                format!("{broker}.delivery_latency"),
                &values,
            );
            if let Some(latency) = latency
                && let Some(NodeKind::Broker(b)) =
                    self.design.node_mut(&broker).map(|n| &mut n.kind)
            {
                b.delivery_latency = latency;
            }
        }
    }

    /// Stores and external services: their latency as their callers saw
    /// it, and the capacity of an external service.
    fn unreported(&mut self, executions: &[Execution], sampling: Sampling) {
        let mut stores: BTreeMap<(String, bool), Vec<f64>> = BTreeMap::new();
        let mut externals: BTreeMap<String, Vec<(i64, i64)>> = BTreeMap::new();
        for c in executions.iter().flat_map(|e| &e.calls) {
            match &c.target {
                Target::Store { name, write, .. } => stores
                    .entry((name.clone(), *write))
                    .or_default()
                    .push(c.duration_ms()),
                Target::External { name } => externals
                    .entry(name.clone())
                    .or_default()
                    .push((c.start_ns, c.end_ns)),
                _ => {}
            }
        }
        let mut store_names: Vec<String> = stores.keys().map(|(n, _)| n.clone()).collect();
        store_names.dedup();
        for name in store_names {
            // Made when the calls were linked; nothing to fill in otherwise.
            let Some(id) = self.ids.get(&NodeKey::Store(name.clone())).cloned() else {
                continue;
            };
            let latency = |b: &mut Self, write: bool| {
                let values = stores.get(&(name.clone(), write))?;
                let field = if write {
                    "write_latency"
                } else {
                    "read_latency"
                };
                let what = if write { "write" } else { "read" };
                b.measured(
                    format!("{what} latency of {name} (as its callers waited, network included)"),
                    format!("{id}.{field}"),
                    values,
                )
            };
            let read = latency(self, false);
            let write = latency(self, true);
            let (read, write) = match (read, write) {
                (Some(r), Some(w)) => (r, w),
                (Some(r), None) => {
                    self.guess(
                        Some(&id),
                        format!("write latency of {name}"),
                        "as its reads".into(),
                        "no write was traced",
                    );
                    (r.clone(), r)
                }
                (None, Some(w)) => {
                    self.guess(
                        Some(&id),
                        format!("read latency of {name}"),
                        "as its writes".into(),
                        "no read was traced",
                    );
                    (w.clone(), w)
                }
                (None, None) => continue,
            };
            if let Some(NodeKind::DataStore(s)) = self.design.node_mut(&id).map(|n| &mut n.kind) {
                s.read_latency = read;
                s.write_latency = write;
            }
        }
        for (name, calls) in externals {
            // Made when the calls were linked; nothing to fill in otherwise.
            let Some(id) = self.ids.get(&NodeKey::External(name.clone())).cloned() else {
                continue;
            };
            let values: Vec<f64> = calls.iter().map(|&(s, e)| ms(e - s)).collect();
            let work = self
                .measured(
                    format!("response time of {name} (external: as its callers waited, network included)"),
                    format!("{id}.handle.steps"),
                    &values,
                )
                .unwrap_or(Distribution::ZERO);
            let workers = (2.0 * sampling.scale(most_at_once(calls.into_iter()) as f64))
                .ceil()
                .max(1.0) as u32;
            self.guess(
                Some(&id),
                format!("workers of {name}"),
                workers.to_string(),
                "it reports no spans of its own: twice the most calls seen at once, so it is not taken as the bottleneck",
            );
            if let Some(node) = self.design.node_mut(&id) {
                node.notes = "Seen only from its callers' client spans: an external service or one that is not traced.".to_owned();
                node.kind = NodeKind::Service(Service::simple(workers, work));
            }
        }
    }

    /// An entry point per (client, operation) where requests entered, at
    /// the rate they arrived.
    fn entry_points(&mut self, arrivals: &[super::observe::Arrival], sampling: Sampling) {
        type Key<'a> = (
            Option<&'a str>,
            &'a str,
            &'a str,
            Option<&'a (String, String)>,
        );
        let mut groups: BTreeMap<Key, Vec<&super::observe::Arrival>> = BTreeMap::new();
        for a in arrivals {
            groups
                .entry((a.client.as_deref(), &a.service, &a.op, a.topic.as_ref()))
                .or_default()
                .push(a);
        }
        let mut names = HashSet::new();
        for ((client, service, op, topic), list) in groups {
            let client_name = client.unwrap_or("Clients");
            let client_id = self.node(
                NodeKey::Client(client.map(str::to_owned)),
                client_name,
                || NodeKind::Client,
            );
            // Requests to an operation, or messages to a topic.
            let (target, key, operation, what) = match topic {
                Some((name, system)) => {
                    let broker = self.broker_id(name, system);
                    let key = (client_id.clone(), broker.clone(), Style::Event, None);
                    (broker, key, None, format!("publish {name}"))
                }
                None => {
                    let target = self.service_id(service);
                    let key = (
                        client_id.clone(),
                        target.clone(),
                        Style::Sync,
                        Some(op.to_owned()),
                    );
                    (target, key, Some(op.to_owned()), op.to_owned())
                }
            };
            let (op, service) = (
                what.as_str(),
                topic.map_or(service, |(name, _)| name.as_str()),
            );
            let network: Vec<f64> = list.iter().filter_map(|a| a.network_ms).collect();
            self.links.entry(key).or_default().extend(network);
            let first = list.iter().map(|a| a.start_ns).min().unwrap_or(0);
            let last = list.iter().map(|a| a.start_ns).max().unwrap_or(0);
            let window_s = ms(last - first) / 1000.0;
            let mut name = slug(op);
            if !names.insert(name.clone()) {
                name = format!("{}_{name}", slug(service));
                while !names.insert(name.clone()) {
                    name.push('_');
                }
            }
            let rate = if list.len() >= 2 && window_s > 0.0 {
                let rate = sampling.scale((list.len() - 1) as f64) / window_s;
                self.inferred.push(Inferred {
                    what: format!("arrival rate of {op} at {service}"),
                    field: format!("entry_points.{name}.load"),
                    value: format!("{}/s", numbers::setting(rate)),
                    samples: list.len(),
                    how: format!(
                        "{} requests over {}{}",
                        list.len(),
                        numbers::duration(window_s * 1000.0),
                        if sampling.known {
                            format!(
                                ", divided by the stated sampling probability {}",
                                numbers::setting(sampling.probability)
                            )
                        } else {
                            String::new()
                        }
                    ),
                });
                (rate * 1000.0).round() / 1000.0
            } else {
                self.guess(
                    Some(&target),
                    format!("arrival rate of {op} at {service}"),
                    format!("{GUESSED_RATE_PER_S}/s"),
                    "fewer than two requests were traced, so the rate cannot be told",
                );
                GUESSED_RATE_PER_S
            };
            self.design.entry_points.push(EntryPoint {
                name,
                client: client_id,
                target,
                operation,
                load: Load::Open {
                    arrival: Arrival::Poisson,
                    rate_per_s: rate.max(0.001),
                },
                objectives: Objectives::default(),
            });
        }
        if !sampling.known && !arrivals.is_empty() {
            self.guess(
                None,
                "sampling".to_owned(),
                "every request traced".to_owned(),
                "no span states its sampling probability (Jaeger's sampler.param); if only a share of requests is traced, multiply the entry points' rates by its inverse",
            );
        }
    }

    /// Says where a service asks another through one topic and hears back
    /// through another: imported as two events, it is one asynchronous
    /// request-response.
    fn request_replies(&mut self, seen: &BTreeMap<super::observe::RequestReply, usize>) {
        for (r, times) in seen {
            let requester = self
                .ids
                .get(&NodeKey::Service(r.requester.clone()))
                .cloned();
            self.guess(
                requester.as_ref(),
                format!("request and reply between {} and {}", r.requester, r.replier),
                format!(
                    "two events, through {} and back through {} ({})",
                    r.request_topic,
                    r.reply_topic,
                    count(*times, "reply seen", "replies seen")
                ),
                "an async_request link from the requester to the replier via the request topic, with the reply's steps as its `then`, says this as one request; change it by hand if that is what it is",
            );
        }
    }

    /// Makes the links, named by the operation they invoke where several
    /// go between the same two nodes, with their network latency; then
    /// writes every operation's steps through them.
    fn finish_links(&mut self) {
        let mut per_pair: BTreeMap<(NodeId, NodeId), usize> = BTreeMap::new();
        for (from, to, ..) in self.links.keys() {
            *per_pair.entry((from.clone(), to.clone())).or_default() += 1;
        }
        let links = std::mem::take(&mut self.links);
        // External services run one operation, `handle`: calls name none.
        let externals: HashSet<NodeId> = self
            .ids
            .iter()
            .filter(|(k, _)| matches!(k, NodeKey::External(_)))
            .map(|(_, id)| id.clone())
            .collect();
        let mut references: BTreeMap<LinkKey, String> = BTreeMap::new();
        let mut taken_names: HashSet<(NodeId, String)> = HashSet::new();
        for ((from, to, style, to_op), samples) in links {
            let mut link = Link::new(from.clone(), to.clone(), style);
            link.via = self
                .vias
                .get(&(from.clone(), to.clone(), style, to_op.clone()))
                .cloned();
            if per_pair[&(from.clone(), to.clone())] > 1 {
                // A step names a link by its name or by the node it goes
                // to, so a name must not be a node's id.
                let op = slug(to_op.as_deref().unwrap_or("call"));
                let mut name = if self.taken.contains(&op) {
                    format!("{to}_{op}")
                } else {
                    op
                };
                while self.taken.contains(&name)
                    || !taken_names.insert((from.clone(), name.clone()))
                {
                    name.push('_');
                }
                link.name = Some(name);
            }
            let is_service = self.design.node(&to).and_then(Node::as_service).is_some();
            if is_service && !externals.contains(&to) {
                link.to_op = to_op.clone();
            }
            let label = link.label();
            if let Some(latency) = self.measured(
                format!("one-way network latency of {label}"),
                format!("links.{}.latency", link.key()),
                &samples,
            ) {
                link.latency = latency;
            }
            let reference = link.name.clone().unwrap_or_else(|| to.0.clone());
            references.insert((from, to, style, to_op), reference);
            self.design.links.push(link);
        }
        for pending in std::mem::take(&mut self.pending) {
            let from = self.design.nodes[pending.node].id.clone();
            let mut branches: Vec<Branch> = Vec::new();
            for branch in &pending.branches {
                let steps = self.steps(&from, branch, &references);
                branches.push(Branch {
                    probability: branch.probability,
                    steps,
                });
            }
            let steps = if branches.len() == 1 {
                branches.remove(0).steps
            } else {
                // The probabilities add up to exactly 1.
                let rest: f64 = branches[1..].iter().map(|b| b.probability).sum();
                branches[0].probability = 1.0 - rest;
                vec![Step::Choice(branches)]
            };
            if let Some(s) = self.design.nodes[pending.node].as_service_mut() {
                s.operations[pending.op].steps = steps;
            }
        }
    }

    /// The steps of one shape.
    fn steps(
        &mut self,
        from: &NodeId,
        branch: &PendingBranch,
        references: &BTreeMap<LinkKey, String>,
    ) -> Vec<Step> {
        let mut steps = Vec::new();
        let items = branch.shape.iter().zip(&branch.work).zip(&branch.times);
        for ((item, work), &times) in items {
            if let Some(d) = work {
                steps.push(Step::Work(d.clone()));
            }
            match item {
                Item::Reply => steps.push(Step::Reply),
                Item::Repeated(target) => {
                    let mut step = self.call_step(from, target, references);
                    match &mut step {
                        Step::Call(c) | Step::Read(c) | Step::Write(c) => c.times = times,
                        Step::Request(r) => r.times = times,
                        _ => {}
                    }
                    steps.push(step);
                }
                Item::Calls(lanes) => {
                    let mut lanes: Vec<Step> = lanes
                        .iter()
                        .map(|lane| {
                            let mut calls: Vec<Step> = lane
                                .iter()
                                .map(|t| self.call_step(from, t, references))
                                .collect();
                            if calls.len() == 1 {
                                calls.remove(0)
                            } else {
                                Step::Sequence(calls)
                            }
                        })
                        .collect();
                    steps.push(if lanes.len() == 1 {
                        lanes.remove(0)
                    } else {
                        Step::Parallel(lanes)
                    });
                }
            }
        }
        // Answering at the end is what an operation does anyway.
        if steps.last() == Some(&Step::Reply) {
            steps.pop();
        }
        steps
    }

    fn call_step(
        &mut self,
        from: &NodeId,
        target: &Target,
        references: &BTreeMap<LinkKey, String>,
    ) -> Step {
        let (to, style, to_op) = self.target_node(target);
        let reference = references
            .get(&(from.clone(), to.clone(), style, to_op))
            .cloned()
            .unwrap_or_else(|| to.0.clone());
        match target {
            Target::Op { .. } | Target::External { .. } => Step::Call(CallStep::to(reference)),
            Target::Store { write: true, .. } => Step::Write(CallStep::to(reference)),
            Target::Store { write: false, .. } => Step::Read(CallStep::to(reference)),
            Target::Topic { .. } => Step::Publish(reference),
            Target::Routed { .. } => Step::Request(RequestStep::to(reference)),
        }
    }

    /// Lays the design out, left to right along its calls.
    fn place(&mut self) {
        let positions = layout::layered(&self.design);
        for (node, pos) in self.design.nodes.iter_mut().zip(positions) {
            node.pos = pos;
        }
    }

    fn counts(&self) -> Counts {
        let mut c = Counts {
            links: self.design.links.len(),
            entry_points: self.design.entry_points.len(),
            ..self.counts
        };
        for (key, id) in &self.ids {
            match key {
                NodeKey::Service(_) => {
                    c.services += 1;
                    c.operations += self
                        .design
                        .node(id)
                        .and_then(Node::as_service)
                        .map_or(0, |s| s.operations.len());
                }
                NodeKey::External(_) => c.external_services += 1,
                NodeKey::Store(_) => c.data_stores += 1,
                NodeKey::Broker(_) => c.brokers += 1,
                NodeKey::Client(_) => c.clients += 1,
            }
        }
        c
    }
}

/// Finds the queues that hand each message to one consumer while
/// different messages go to different consumers (commands for several
/// services through one queue), and makes every message through them a
/// request to its consumer; their names.
fn route(executions: &mut [Execution]) -> HashSet<String> {
    /// Who took a topic's messages.
    struct Taken<'e> {
        /// No message was taken by more than one consumer.
        one_each: bool,
        /// Every consumer (service, operation) that took one.
        by: HashSet<&'e (String, String)>,
    }
    let mut topics: BTreeMap<&str, Taken> = BTreeMap::new();
    for c in executions.iter().flat_map(|e| &e.calls) {
        if let Target::Topic { name, .. } = &c.target {
            let taken = topics.entry(name).or_insert_with(|| Taken {
                one_each: true,
                by: HashSet::new(),
            });
            taken.one_each &= c.consumers.len() <= 1;
            taken.by.extend(&c.consumers);
        }
    }
    let routed: HashSet<String> = topics
        .into_iter()
        .filter(|(_, taken)| taken.one_each && taken.by.len() > 1)
        .map(|(name, _)| name.to_owned())
        .collect();
    for c in executions.iter_mut().flat_map(|e| &mut e.calls) {
        if let (Target::Topic { name, system }, [(service, op)]) = (&c.target, &c.consumers[..])
            && routed.contains(name)
        {
            c.target = Target::Routed {
                topic: name.clone(),
                system: system.clone(),
                service: service.clone(),
                op: op.clone(),
            };
        }
    }
    routed
}

/// What a call goes to, for people.
fn target_name(target: &Target) -> &str {
    match target {
        Target::Op { service, .. } => service,
        Target::Store { name, .. } | Target::External { name } | Target::Topic { name, .. } => name,
        Target::Routed { service, .. } => service,
    }
}

/// The most intervals open at one time.
fn most_at_once(intervals: impl Iterator<Item = (i64, i64)>) -> usize {
    let mut edges: Vec<(i64, i32)> = Vec::new();
    for (start, end) in intervals {
        edges.push((start, 1));
        edges.push((end, -1));
    }
    // Ends before starts at the same instant: back-to-back is not at once.
    edges.sort();
    let (mut open, mut most) = (0i32, 0i32);
    for (_, d) in edges {
        open += d;
        most = most.max(open);
    }
    most as usize
}

/// A name as a node id: lower case letters, digits and `_`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_').to_owned();
    if out.is_empty() {
        "node".to_owned()
    } else {
        out
    }
}
