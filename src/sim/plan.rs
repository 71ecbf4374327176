//! The design compiled for the engine: every reference resolved to an index,
//! every distribution prepared, every operation's calls laid out in order.
//!
//! Building a plan from a validated design cannot fail; the engine then runs
//! without strings, maps or allocation on its hot path.

use foldhash::{HashMap, HashMapExt};

use super::program::{Block, Code, Resolver};
use super::sampler::Sampler;
use super::time::{self, Nanos};
use crate::model::{
    Arrival, Availability, Design, Fault, LinkNames, Load, NodeKind, Style, WhenDown,
};

/// Index of a node, link or operation in the plan (same order as the
/// design for nodes and links).
pub(crate) type Ix = u32;

/// The compiled design.
#[derive(Debug)]
pub(crate) struct Plan {
    pub nodes: Vec<PNode>,
    pub links: Vec<PLink>,
    pub ops: Vec<POp>,
    /// The instructions of every operation.
    pub code: Code,
    pub entries: Vec<PEntry>,
    pub node_faults: Vec<NodeFault>,
    pub duration: Nanos,
    pub warmup: Nanos,
    pub drain: Nanos,
}

/// What the engine needs to know about a node.
#[derive(Debug)]
pub(crate) struct PNode {
    pub kind: PKind,
    /// Workers (services), connections (stores); `u32::MAX`: unlimited.
    pub workers: u32,
    pub queue_capacity: Option<u32>,
    pub availability: Availability,
    pub when_down: WhenDown,
    pub error_rate: f64,
    /// Stable key from the node id, for per-node random streams that stay
    /// the same when other nodes are added or removed.
    pub key: u64,
}

#[derive(Debug)]
pub(crate) enum PKind {
    Service,
    Broker {
        durable: bool,
        delivery: Sampler,
        /// Subscription links (broker -> service).
        subscriptions: Vec<Ix>,
        /// The broker's crash and slow-down windows, in scenario order:
        /// messages that reach it are refused while it is down, and wait
        /// `factor` times longer for delivery while it is slow.
        faults: Vec<NodeFault>,
    },
    Store {
        /// Common-data reader links (store -> service).
        readers: Vec<Ix>,
        poll: Nanos,
        /// The store's read latency, paid by pollers.
        read: Sampler,
    },
    Client,
}

/// An operation: its steps, compiled into [`Plan::code`].
#[derive(Debug)]
pub(crate) struct POp {
    pub body: Block,
    /// No own work on the main path: the node's error rate is drawn as
    /// the operation starts.
    pub error_at_start: bool,
    /// What spans call it.
    pub span_op: super::SpanOp,
}

/// A link, with faults folded in.
#[derive(Debug)]
pub(crate) struct PLink {
    pub from: Ix,
    pub to: Ix,
    pub style: Style,
    /// The operation the message runs at its destination, where the
    /// destination runs operations (services and stores).
    pub to_op: Option<Ix>,
    pub via: Option<Ix>,
    pub latency: Sampler,
    pub timeout: Option<Nanos>,
    pub retries: u32,
    pub backoff: Nanos,
    pub backoff_multiplier: f64,
    pub max_deliveries: Option<u32>,
    pub dead_letter: Option<Ix>,
    pub drop_p: f64,
    pub error_p: f64,
    pub poison_p: f64,
    pub poison_restart: Nanos,
    /// Whether the link is a subscription or an asynchronous request whose
    /// failed consumption is redelivered rather than answered.
    pub redelivers: bool,
    pub key: u64,
}

/// An entry point.
#[derive(Debug)]
pub(crate) struct PEntry {
    pub link: Ix,
    pub op: Ix,
    pub load: PLoad,
    pub key: u64,
}

#[derive(Debug)]
pub(crate) enum PLoad {
    Open { poisson: bool, rate_per_s: f64 },
    Closed { users: u32, think: Sampler },
}

/// A scheduled change to a node: a crash window or a slow-down window.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NodeFault {
    pub node: Ix,
    pub from: Nanos,
    pub until: Nanos,
    /// `None`: crash; `Some(k)`: service times (a broker's delivery
    /// latency) multiplied by k.
    pub slow_factor: Option<f64>,
}

impl NodeFault {
    /// Whether the window holds the instant `t` (from its start, up to but
    /// not including its end).
    fn covers(&self, t: Nanos) -> bool {
        self.from <= t && t < self.until
    }
}

/// Whether one of `faults` is a crash window that holds `t`.
pub(crate) fn down_at(faults: &[NodeFault], t: Nanos) -> bool {
    faults
        .iter()
        .any(|f| f.slow_factor.is_none() && f.covers(t))
}

/// The factor of the slow-down windows of `faults` that hold `t`
/// (overlapping ones multiply; 1 outside them).
pub(crate) fn slowdown_at(faults: &[NodeFault], t: Nanos) -> f64 {
    faults
        .iter()
        .filter(|f| f.covers(t))
        .filter_map(|f| f.slow_factor)
        .product()
}

impl Plan {
    /// Compiles a validated design. `duration_s` overrides the scenario's.
    pub(crate) fn new(design: &Design, duration_s: Option<f64>) -> Self {
        let index: HashMap<&str, Ix> = design
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i as Ix))
            .collect();
        let node_ix = |id: &crate::model::NodeId| index.get(id.as_str()).copied().unwrap_or(0);

        // Operations are numbered first (links name them), compiled after.
        let mut ops: Vec<POp> = Vec::new();
        let mut code = Code::default();
        let mut op_by_name: HashMap<(Ix, &str), Ix> = HashMap::new();
        let mut first_op: Vec<Option<Ix>> = vec![None; design.nodes.len()];
        let mut store_ops: Vec<Option<(Ix, Ix, Ix)>> = vec![None; design.nodes.len()];
        for (n, node) in design.nodes.iter().enumerate() {
            let n = n as Ix;
            match &node.kind {
                NodeKind::Service(s) => {
                    for op in &s.operations {
                        let ix = ops.len() as Ix;
                        ops.push(POp {
                            body: Block::default(),
                            error_at_start: false,
                            span_op: super::SpanOp::Service(op.name.clone()),
                        });
                        op_by_name.insert((n, op.name.as_str()), ix);
                        first_op[n as usize].get_or_insert(ix);
                    }
                }
                NodeKind::DataStore(d) => {
                    let read = Sampler::new(&d.read_latency);
                    let write = Sampler::new(&d.write_latency);
                    let first = ops.len() as Ix;
                    let accesses = [
                        (vec![read.clone()], super::SpanOp::Read),
                        (vec![write.clone()], super::SpanOp::Write),
                        (vec![read, write], super::SpanOp::Update),
                    ];
                    for (works, span_op) in accesses {
                        ops.push(POp {
                            body: code.work(&works),
                            error_at_start: false,
                            span_op,
                        });
                    }
                    store_ops[n as usize] = Some((first, first + 1, first + 2));
                    first_op[n as usize] = Some(first + 2);
                }
                NodeKind::Broker(_) | NodeKind::Client => {}
            }
        }
        let resolve_op = |node: Ix, name: Option<&str>| -> Option<Ix> {
            match name {
                Some(name) => op_by_name.get(&(node, name)).copied(),
                None => first_op[node as usize],
            }
        };

        let mut links = Vec::with_capacity(design.links.len());
        for (i, l) in design.links.iter().enumerate() {
            let from = node_ix(&l.from);
            let to = node_ix(&l.to);
            let to_op = match store_ops[to as usize] {
                Some((_, write, _)) if l.style == Style::CommonData => Some(write),
                Some((_, _, both)) => Some(both),
                None => resolve_op(to, l.to_op.as_deref()),
            };
            links.push(PLink {
                from,
                to,
                style: l.style,
                to_op,
                via: l.via.as_ref().map(node_ix),
                latency: Sampler::new(&l.latency),
                timeout: l.timeout_ms.map(time::from_ms),
                retries: l.retries,
                backoff: time::from_ms(l.backoff_ms),
                backoff_multiplier: l.backoff_multiplier,
                max_deliveries: l.max_deliveries,
                dead_letter: l.dead_letter.as_ref().map(node_ix),
                drop_p: 0.0,
                error_p: 0.0,
                poison_p: 0.0,
                poison_restart: 0,
                redelivers: l.consumes_async(&design.nodes[from as usize].kind),
                key: stable_key(&[
                    l.from.as_str().as_bytes(),
                    b"->",
                    l.to.as_str().as_bytes(),
                    &(i as u64).to_le_bytes(),
                ]),
            });
        }

        let names = LinkNames::new(design);
        let link_to_op = |link: Ix| links[link as usize].to_op;
        let store_of = |node: Ix| store_ops[node as usize];
        let resolver = Resolver {
            names: &names,
            node_ix: &node_ix,
            links: &design.links,
            to_op: &link_to_op,
            store_ops: &store_of,
        };
        for (n, node) in design.nodes.iter().enumerate() {
            if let NodeKind::Service(s) = &node.kind {
                for op in &s.operations {
                    if let Some(ix) = resolve_op(n as Ix, Some(&op.name)) {
                        let (body, error_at_start) =
                            code.operation(&node.id, &op.name, &op.steps, &resolver);
                        ops[ix as usize].body = body;
                        ops[ix as usize].error_at_start = error_at_start;
                    }
                }
            }
        }

        let mut nodes: Vec<PNode> = design
            .nodes
            .iter()
            .map(|node| {
                let key = stable_key(&[node.id.as_str().as_bytes()]);
                let base = PNode {
                    kind: PKind::Client,
                    workers: u32::MAX,
                    queue_capacity: None,
                    availability: node.availability(),
                    when_down: WhenDown::Refuse,
                    error_rate: 0.0,
                    key,
                };
                match &node.kind {
                    NodeKind::Service(s) => PNode {
                        kind: PKind::Service,
                        workers: s.workers.max(1),
                        queue_capacity: s.queue_capacity,
                        when_down: s.when_down,
                        error_rate: s.error_rate,
                        ..base
                    },
                    NodeKind::Broker(b) => PNode {
                        kind: PKind::Broker {
                            durable: b.durable,
                            delivery: Sampler::new(&b.delivery_latency),
                            subscriptions: Vec::new(),
                            faults: Vec::new(),
                        },
                        ..base
                    },
                    NodeKind::DataStore(d) => PNode {
                        kind: PKind::Store {
                            readers: Vec::new(),
                            poll: time::from_s(d.poll_interval_s).max(1),
                            read: Sampler::new(&d.read_latency),
                        },
                        workers: d.connections.unwrap_or(u32::MAX).max(1),
                        ..base
                    },
                    NodeKind::Client => base,
                }
            })
            .collect();
        for (i, l) in links.iter().enumerate() {
            match &mut nodes[l.from as usize].kind {
                PKind::Broker { subscriptions, .. } => subscriptions.push(i as Ix),
                PKind::Store { readers, .. } if l.style == Style::CommonData => {
                    readers.push(i as Ix)
                }
                _ => {}
            }
        }

        let mut node_faults = Vec::new();
        for fault in &design.scenario.faults {
            let matching = |link: &crate::model::LinkRef| {
                design
                    .links
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| link.matches(l))
                    .map(|(i, _)| i)
                    .collect::<Vec<_>>()
            };
            match fault {
                Fault::Crash { node, at_s, for_s } => node_faults.push(NodeFault {
                    node: node_ix(node),
                    from: time::from_s(*at_s),
                    until: time::from_s(at_s + for_s),
                    slow_factor: None,
                }),
                Fault::SlowDown {
                    node,
                    at_s,
                    for_s,
                    factor,
                } => node_faults.push(NodeFault {
                    node: node_ix(node),
                    from: time::from_s(*at_s),
                    until: time::from_s(at_s + for_s),
                    slow_factor: Some(*factor),
                }),
                Fault::Drop { link, fraction } => {
                    for i in matching(link) {
                        links[i].drop_p = combine(links[i].drop_p, *fraction);
                    }
                }
                Fault::Error { link, fraction } => {
                    for i in matching(link) {
                        links[i].error_p = combine(links[i].error_p, *fraction);
                    }
                }
                Fault::Poison {
                    link,
                    fraction,
                    restart_s,
                } => {
                    // Only messages a consumer pulls from a queue can be
                    // poison (validation refuses poison elsewhere).
                    for i in matching(link) {
                        let l = &mut links[i];
                        if l.redelivers {
                            l.poison_p = combine(l.poison_p, *fraction);
                            l.poison_restart = time::from_s(*restart_s);
                        }
                    }
                }
            }
        }

        for f in &node_faults {
            if let PKind::Broker { faults, .. } = &mut nodes[f.node as usize].kind {
                faults.push(*f);
            }
        }

        let entries = design
            .entry_points
            .iter()
            .filter_map(|e| {
                let link = design.entry_link(e)?.0 as Ix;
                let target = node_ix(&e.target);
                let op = resolve_op(
                    target,
                    e.operation
                        .as_deref()
                        .or(design.links[link as usize].to_op.as_deref()),
                )
                .or(links[link as usize].to_op)?;
                let load = match &e.load {
                    Load::Open {
                        arrival,
                        rate_per_s,
                    } => PLoad::Open {
                        poisson: *arrival == Arrival::Poisson,
                        rate_per_s: *rate_per_s,
                    },
                    Load::Closed { users, think_time } => PLoad::Closed {
                        users: *users,
                        think: Sampler::new(think_time),
                    },
                };
                Some(PEntry {
                    link,
                    op,
                    load,
                    key: stable_key(&[b"entry:", e.name.as_bytes()]),
                })
            })
            .collect();

        let scenario = &design.scenario;
        Plan {
            nodes,
            links,
            ops,
            code,
            entries,
            node_faults,
            duration: time::from_s(duration_s.unwrap_or(scenario.duration_s)),
            warmup: time::from_s(scenario.warmup_s),
            drain: time::from_s(scenario.drain_s),
        }
    }
}

/// Two independent chances of failure combined.
fn combine(p: f64, q: f64) -> f64 {
    1.0 - (1.0 - p) * (1.0 - q)
}

/// FNV-1a over the parts: a stable 64-bit key for seeding per-entity random
/// streams (std's hasher is randomly keyed per process).
pub(crate) fn stable_key(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
