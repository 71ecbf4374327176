//! Strategies that generate arbitrary valid designs, for property tests of
//! the file format, the simulation and the analysis. Each test crate uses
//! part of them.

use std::collections::HashSet;

use proptest::prelude::*;
use proptest::sample::select;
use proptest::string::string_regex;

use archsim::model::{
    Access, Arrival, Availability, Branch, Broker, BrokerKind, Bucket, DataStore, Design,
    Distribution, EntryPoint, Fault, Link, LinkIdx, LinkRef, Load, Node, NodeId, NodeKind,
    Operation, Position, Scenario, Service, Step, StoreKind, Style, Technology, Thresholds,
    WhenDown,
};

// --- numbers ------------------------------------------------------------

/// A finite number ≥ 0, including the awkward ones: 0, whole numbers,
/// tiny, huge and subnormal values.
pub fn non_negative() -> BoxedStrategy<f64> {
    prop_oneof![
        4 => 0.0..1e4f64,
        1 => Just(0.0),
        2 => (0u32..100_000).prop_map(f64::from),
        1 => select(vec![1e-9, 0.1, 1.0 / 3.0, 1e12, 1e300, f64::MIN_POSITIVE, 5e-324, f64::MAX]),
    ]
    .boxed()
}

/// A finite number > 0.
pub fn positive() -> BoxedStrategy<f64> {
    non_negative()
        .prop_map(|v| if v > 0.0 { v } else { 1.0 })
        .boxed()
}

/// A probability, the ends included.
pub fn probability() -> BoxedStrategy<f64> {
    prop_oneof![3 => 0.0..=1.0f64, 1 => select(vec![0.0, 1.0, 0.999, 1e-12])].boxed()
}

/// A finite number ≥ 1.
pub fn at_least_one() -> BoxedStrategy<f64> {
    prop_oneof![3 => 1.0..16.0f64, 1 => Just(1.0), 1 => Just(2.0)].boxed()
}

/// A canvas coordinate.
pub fn coordinate() -> BoxedStrategy<f32> {
    prop_oneof![4 => -1e4f32..1e4f32, 1 => Just(0.0f32), 1 => Just(0.1f32), 1 => Just(-3.75f32)]
        .boxed()
}

/// Free text: any characters, quotes, backslashes and line breaks too.
pub fn text() -> BoxedStrategy<String> {
    prop_oneof![
        1 => Just(String::new()),
        4 => string_regex("(?s).{0,12}").expect("valid regex"),
        1 => select(vec![
            "\"quoted\" \\ back\\slash".to_owned(),
            "line one\nline two\r\n\ttabbed".to_owned(),
            "/* not a comment */ // nor this".to_owned(),
            "r#\"raw\"#  ( ] } ,".to_owned(),
            "\u{feff}bom \u{0} nul \u{7f} del".to_owned(),
            "ünïcödé 服务 🚀".to_owned(),
        ]),
    ]
    .boxed()
}

pub fn distribution() -> BoxedStrategy<Distribution> {
    prop_oneof![
        non_negative().prop_map(|ms| Distribution::Constant { ms }),
        non_negative().prop_map(|mean_ms| Distribution::Exponential { mean_ms }),
        (positive(), non_negative())
            .prop_map(|(mean_ms, sd_ms)| Distribution::LogNormal { mean_ms, sd_ms }),
        Just(Distribution::LogNormal {
            mean_ms: 0.0,
            sd_ms: 0.0
        }),
        (non_negative(), non_negative()).prop_map(|(a, b)| Distribution::Uniform {
            min_ms: a.min(b),
            max_ms: a.max(b),
        }),
        // A spread of up to 100 times the mean, within what is valid.
        (positive(), 0.0..100f64).prop_map(|(mean_ms, cv)| Distribution::Gamma {
            mean_ms,
            sd_ms: (mean_ms * cv).min(f64::MAX),
        }),
        (1u32..50, non_negative()).prop_map(|(k, mean_ms)| Distribution::Erlang { k, mean_ms }),
        prop::collection::vec(non_negative(), 1..20)
            .prop_map(|values_ms| Distribution::Empirical { values_ms }),
        prop::collection::vec((non_negative(), 0u64..1000), 1..8).prop_map(|mut raw| {
            // Bounds strictly increasing, at least one measurement.
            raw.sort_by(|a, b| a.0.total_cmp(&b.0));
            raw.dedup_by(|a, b| a.0 == b.0);
            raw[0].1 = raw[0].1.max(1);
            let buckets = raw
                .into_iter()
                .map(|(up_to_ms, count)| Bucket { up_to_ms, count })
                .collect();
            Distribution::Histogram { buckets }
        }),
    ]
    .boxed()
}

pub fn availability() -> BoxedStrategy<Availability> {
    prop_oneof![
        Just(Availability::Always),
        probability().prop_map(Availability::Fraction),
        (positive(), non_negative())
            .prop_map(|(mttf_s, mttr_s)| Availability::Mttf { mttf_s, mttr_s }),
    ]
    .boxed()
}

// --- nodes --------------------------------------------------------------

pub fn service() -> BoxedStrategy<Service> {
    (
        1u32..=256,
        prop::option::of(0u32..1000),
        prop::collection::vec((text(), distribution()), 1..4),
        availability(),
        select(vec![WhenDown::Refuse, WhenDown::NoResponse]),
        prop_oneof![Just(0.0), probability()],
    )
        .prop_map(
            |(workers, queue_capacity, ops, availability, when_down, error_rate)| Service {
                workers,
                queue_capacity,
                // A one-digit suffix keeps the names distinct.
                operations: ops
                    .into_iter()
                    .enumerate()
                    .map(|(i, (name, work))| {
                        Operation::new(format!("{name}{i}"), vec![Step::Work(work)])
                    })
                    .collect(),
                availability,
                when_down,
                error_rate,
            },
        )
        .boxed()
}

pub fn broker() -> BoxedStrategy<Broker> {
    (
        select(vec![BrokerKind::Log, BrokerKind::Queue]),
        any::<bool>(),
        distribution(),
        prop::option::of(non_negative()),
    )
        .prop_map(|(kind, durable, delivery_latency, retention_s)| Broker {
            kind,
            durable,
            delivery_latency,
            // Only a log retains messages.
            retention_s: retention_s.filter(|_| kind == BrokerKind::Log),
        })
        .boxed()
}

pub fn data_store() -> BoxedStrategy<DataStore> {
    (
        select(vec![
            StoreKind::Database,
            StoreKind::Cache,
            StoreKind::FileShare,
            StoreKind::DataLake,
        ]),
        distribution(),
        distribution(),
        prop::option::of(1u32..1000),
        prop_oneof![Just(1.0), positive()],
        availability(),
    )
        .prop_map(
            |(kind, read_latency, write_latency, connections, poll_interval_s, availability)| {
                DataStore {
                    kind,
                    read_latency,
                    write_latency,
                    connections,
                    poll_interval_s,
                    availability,
                }
            },
        )
        .boxed()
}

pub fn node_kind() -> BoxedStrategy<NodeKind> {
    prop_oneof![
        3 => service().prop_map(NodeKind::Service),
        1 => broker().prop_map(NodeKind::Broker),
        1 => data_store().prop_map(NodeKind::DataStore),
        2 => Just(NodeKind::Client),
    ]
    .boxed()
}

pub fn node(i: usize) -> BoxedStrategy<Node> {
    (
        "[A-Za-z0-9_-]{1,8}",
        text(),
        prop_oneof![
            1 => Just(Position::default()),
            3 => (coordinate(), coordinate()).prop_map(|(x, y)| Position { x, y }),
        ],
        text(),
        node_kind(),
    )
        .prop_map(move |(id, name, pos, notes, kind)| Node {
            // The index keeps ids distinct.
            id: NodeId(format!("{id}-{i}")),
            name,
            pos,
            notes,
            kind,
        })
        .boxed()
}

/// Between 1 and `max` nodes of random kinds.
pub fn nodes(max: usize) -> BoxedStrategy<Vec<Node>> {
    (1..=max)
        .prop_flat_map(|n| (0..n).map(node).collect::<Vec<_>>())
        .boxed()
}

// --- links, entry points, faults ------------------------------------------

/// Random choices for one link, turned into a valid link by `build_link`.
#[derive(Debug, Clone)]
pub struct RawLink {
    style: usize,
    pair: usize,
    ops: (Option<usize>, Option<usize>),
    technology: Technology,
    brokers: (Option<usize>, Option<usize>),
    timing: (f64, Option<f64>, u32, f64, f64),
    max_deliveries: Option<u32>,
    calls_per_request: f64,
    payload_bytes: u64,
    needs_response: bool,
    parallel_group: Option<u32>,
    extra: (Access, Distribution, String),
}

pub fn raw_link() -> BoxedStrategy<RawLink> {
    (
        (any::<usize>(), any::<usize>()),
        (
            prop::option::of(any::<usize>()),
            prop::option::of(any::<usize>()),
        ),
        select(Technology::ALL.to_vec()),
        (
            prop::option::of(any::<usize>()),
            prop::option::of(any::<usize>()),
        ),
        (
            non_negative(),
            prop::option::of(positive()),
            prop_oneof![Just(0u32), 0u32..10],
            non_negative(),
            at_least_one(),
        ),
        prop::option::of(0u32..20),
        prop_oneof![Just(1.0), non_negative()],
        prop_oneof![Just(0u64), any::<u64>()],
        any::<bool>(),
        prop::option::of(0u32..4),
        (
            select(vec![Access::Read, Access::Write, Access::ReadWrite]),
            distribution(),
            text(),
        ),
    )
        .prop_map(
            |(
                (style, pair),
                ops,
                technology,
                brokers,
                timing,
                max_deliveries,
                calls_per_request,
                payload_bytes,
                needs_response,
                parallel_group,
                extra,
            )| RawLink {
                style,
                pair,
                ops,
                technology,
                brokers,
                timing,
                max_deliveries,
                calls_per_request,
                payload_bytes,
                needs_response,
                parallel_group,
                extra,
            },
        )
        .boxed()
}

/// Whether `style` may join a `from` node to a `to` node (the rule table
/// of docs/file-format.md).
pub fn style_allows(style: Style, from: &NodeKind, to: &NodeKind) -> bool {
    use NodeKind::{Broker, Client, DataStore, Service};
    let caller = matches!(from, Service(_) | Client);
    match style {
        Style::Sync => caller && matches!(to, Service(_) | DataStore(_)),
        Style::AsyncRequest => caller && matches!(to, Service(_)),
        Style::Event => {
            (caller && matches!(to, Broker(_) | Service(_)))
                || (matches!(from, Broker(_)) && matches!(to, Service(_)))
        }
        Style::CommonData => {
            (caller && matches!(to, DataStore(_)))
                || (matches!(from, DataStore(_)) && matches!(to, Service(_)))
        }
    }
}

pub fn op_name(node: &Node, choice: Option<usize>) -> Option<String> {
    let ops = &node.as_service()?.operations;
    choice.map(|k| ops[k % ops.len()].name.clone())
}

/// Turns random choices into a link that validation accepts: a style and
/// ends the kind rules allow, and only the fields that apply to it.
pub fn build_link(nodes: &[Node], raw: &RawLink) -> Option<Link> {
    let brokers: Vec<&Node> = nodes.iter().filter(|n| n.as_broker().is_some()).collect();
    let (style, (from, to)) = (0..4).find_map(|k| {
        let style = Style::ALL[(raw.style + k) % 4];
        let pairs: Vec<(&Node, &Node)> = nodes
            .iter()
            .flat_map(|a| nodes.iter().map(move |b| (a, b)))
            .filter(|(a, b)| style_allows(style, &a.kind, &b.kind))
            .collect();
        (!pairs.is_empty()).then(|| (style, pairs[raw.pair % pairs.len()]))
    })?;
    let mut link = Link::new(from.id.clone(), to.id.clone(), style);
    link.to_op = op_name(to, raw.ops.1);
    link.technology = raw.technology;
    let pick_broker = |choice: Option<usize>| {
        choice
            .filter(|_| !brokers.is_empty())
            .map(|k| brokers[k % brokers.len()].id.clone())
    };
    let request_response = matches!(style, Style::Sync | Style::AsyncRequest);
    if style == Style::AsyncRequest {
        link.via = pick_broker(raw.brokers.0);
    }
    if link.consumes_async(&from.kind) {
        link.dead_letter = pick_broker(raw.brokers.1);
        link.max_deliveries = raw.max_deliveries.map(|m| m.max(1));
    }
    let (latency_ms, timeout_ms, retries, backoff_ms, backoff_multiplier) = raw.timing;
    link.latency = Distribution::Constant { ms: latency_ms };
    if request_response {
        link.timeout_ms = timeout_ms;
        link.retries = retries;
    }
    // A backoff only waits before a retry.
    if link.retries > 0 {
        link.backoff_ms = backoff_ms;
        link.backoff_multiplier = backoff_multiplier;
    }
    link.payload_bytes = raw.payload_bytes;
    link.notes = raw.extra.2.clone();
    Some(link)
}

/// The step a service takes through `link` (the link at `index`), as the
/// random choices say: a call (repeated, with or without a fallback, its
/// answer used or not), a store access, a publish, or a request whose
/// reply is handled by some work.
fn link_step(design: &Design, index: usize, raw: &RawLink) -> Option<Step> {
    let mut step = design.step_for_link(LinkIdx(index), raw.calls_per_request.min(3.0))?;
    match &mut step {
        Step::Call(c) => {
            c.needs_response = raw.needs_response;
            if raw.pair.is_multiple_of(3) {
                c.fallback = Some(vec![Step::Work(raw.extra.1.clone())]);
            }
        }
        Step::Update(c) if design.links[index].style == Style::Sync => {
            let c = c.clone();
            step = match raw.extra.0 {
                Access::Read => Step::Read(c),
                Access::Write => Step::Write(c),
                Access::ReadWrite => Step::Update(c),
            };
        }
        Step::Request(r) => {
            r.times = r.times.min(1.0);
            r.then = vec![Step::Work(raw.extra.1.clone())];
            if raw.pair.is_multiple_of(2) {
                r.on_failure = vec![Step::Work(Distribution::Constant { ms: 1.0 })];
            }
        }
        _ => {}
    }
    Some(step)
}

/// Gives each service operation a random program over the service's
/// links: steps in link order, calls sharing a parallel group in one
/// `Parallel` block, some steps only on some requests (a `Choice`), and,
/// for some operations, a `Reply` part way. Requests are always inside a
/// `Choice`, so that no loop of them is certain to run for ever.
pub fn give_programs(design: &mut Design, raws: &[(usize, RawLink)]) {
    let mut programs: Vec<((String, usize), Vec<Step>)> = Vec::new();
    for (index, raw) in raws {
        let link = &design.links[*index];
        let Some(from) = design.node(&link.from) else {
            continue;
        };
        let Some(service) = from.as_service() else {
            continue;
        };
        let op = raw.ops.0.unwrap_or(0) % service.operations.len();
        let Some(step) = link_step(design, *index, raw) else {
            continue;
        };
        let key = (link.from.to_string(), op);
        let steps = match programs.iter_mut().find(|(k, _)| *k == key) {
            Some((_, steps)) => steps,
            None => {
                programs.push((key, Vec::new()));
                &mut programs.last_mut().expect("just pushed").1
            }
        };
        let sometimes = |step: Step, p: f64| {
            Step::Choice(vec![
                Branch {
                    probability: p,
                    steps: vec![step],
                },
                Branch {
                    probability: 1.0 - p,
                    steps: Vec::new(),
                },
            ])
        };
        match (&step, raw.parallel_group) {
            (Step::Request(_), _) => steps.push(sometimes(step, 0.5)),
            (Step::Call(_) | Step::Read(_) | Step::Write(_) | Step::Update(_), Some(g))
                if design.links[*index].style == Style::Sync =>
            {
                match steps
                    .iter_mut()
                    .rev()
                    .find(|s| matches!(s, Step::Parallel(_)))
                {
                    Some(Step::Parallel(block)) if g.is_multiple_of(2) => block.push(step),
                    _ => steps.push(Step::Parallel(vec![step])),
                }
            }
            _ if raw.style.is_multiple_of(5) => steps.push(sometimes(step, 0.25)),
            _ => steps.push(step),
        }
    }
    for ((node, op), mut steps) in programs {
        if steps.len() > 1 && node.len().is_multiple_of(2) {
            let at = node.len() % steps.len();
            steps.insert(at, Step::Reply);
        }
        if let Some(s) = design
            .node_mut(&node.as_str().into())
            .and_then(|n| n.as_service_mut())
        {
            s.operations[op].steps.extend(steps);
        }
    }
}

/// Names every link that joins the same two nodes as an earlier one, so
/// that steps can tell them apart.
pub fn name_shared_links(design: &mut Design) {
    let mut seen = HashSet::new();
    for (i, link) in design.links.iter_mut().enumerate() {
        if !seen.insert((link.from.clone(), link.to.clone())) {
            link.name = Some(format!("link{i}"));
        }
    }
}

pub fn load() -> BoxedStrategy<Load> {
    prop_oneof![
        (
            select(vec![Arrival::Poisson, Arrival::Constant]),
            positive()
        )
            .prop_map(|(arrival, rate_per_s)| Load::Open {
                arrival,
                rate_per_s
            }),
        (1u32..10_000, distribution())
            .prop_map(|(users, think_time)| Load::Closed { users, think_time }),
    ]
    .boxed()
}

/// An entry point on a link that leaves a client, with a distinct name.
pub fn build_entry(
    design: &Design,
    (link_choice, op_choice, name, load): &(usize, Option<usize>, String, Load),
    taken: &mut HashSet<String>,
) -> Option<EntryPoint> {
    let from_clients: Vec<&Link> = design
        .links
        .iter()
        .filter(|l| design.node(&l.from).is_some_and(Node::is_client))
        .collect();
    if from_clients.is_empty() {
        return None;
    }
    let link = from_clients[link_choice % from_clients.len()];
    let target = design.node(&link.to)?;
    let operation = match &link.to_op {
        Some(op) => Some(op.clone()),
        None => op_name(target, *op_choice),
    };
    let mut name = if name.trim().is_empty() {
        format!("entry{name}")
    } else {
        name.clone()
    };
    while !taken.insert(name.clone()) {
        name.push('+');
    }
    Some(EntryPoint {
        name,
        client: link.from.clone(),
        target: link.to.clone(),
        operation,
        objectives: Default::default(),
        load: load.clone(),
    })
}

#[derive(Debug, Clone)]
pub struct RawFault {
    kind: usize,
    target: usize,
    at_s: f64,
    for_s: f64,
    factor: f64,
    fraction: f64,
    restart_s: f64,
}

pub fn raw_fault() -> BoxedStrategy<RawFault> {
    (
        0usize..5,
        any::<usize>(),
        non_negative(),
        positive(),
        positive(),
        probability(),
        non_negative(),
    )
        .prop_map(
            |(kind, target, at_s, for_s, factor, fraction, restart_s)| RawFault {
                kind,
                target,
                at_s,
                for_s,
                factor,
                fraction,
                restart_s,
            },
        )
        .boxed()
}

/// A fault that validation accepts: on a node other than a client,
/// starting before the run ends; poison on a link a consumer pulls.
pub fn build_fault(design: &Design, raw: &RawFault) -> Option<Fault> {
    let servers: Vec<&Node> = design.nodes.iter().filter(|n| !n.is_client()).collect();
    let node = || Some(servers.get(raw.target % servers.len().max(1))?.id.clone());
    let pick = |links: Vec<&Link>| {
        let l = links.get(raw.target % links.len().max(1))?;
        Some(LinkRef {
            from: l.from.clone(),
            to: l.to.clone(),
            name: l.name.clone(),
        })
    };
    let link = || pick(design.links.iter().collect());
    let pulled = || {
        pick(
            design
                .links
                .iter()
                .filter(|l| match l.style {
                    Style::Event => design
                        .node(&l.from)
                        .is_some_and(|n| n.as_broker().is_some()),
                    Style::AsyncRequest => l.via.is_some(),
                    _ => false,
                })
                .collect(),
        )
    };
    let at_s = raw.at_s % design.scenario.duration_s;
    Some(match raw.kind {
        0 => Fault::Crash {
            node: node()?,
            at_s,
            for_s: raw.for_s,
        },
        1 => Fault::SlowDown {
            node: node()?,
            at_s,
            for_s: raw.for_s,
            factor: raw.factor,
        },
        2 => Fault::Drop {
            link: link()?,
            fraction: raw.fraction,
        },
        3 => Fault::Error {
            link: link()?,
            fraction: raw.fraction,
        },
        _ => Fault::Poison {
            link: pulled()?,
            fraction: raw.fraction,
            restart_s: raw.restart_s,
        },
    })
}

pub fn thresholds() -> BoxedStrategy<Thresholds> {
    prop_oneof![
        1 => Just(Thresholds::default()),
        2 => (
            (any::<u32>(), any::<u32>(), probability()),
            (non_negative(), any::<u32>(), probability(), probability()),
        )
            .prop_map(
                |(
                    (max_sync_hops, coupling_set_size, availability_loss),
                    (long_running_ms, spof_entry_points, saturation, blocked_share),
                )| {
                    Thresholds {
                        max_sync_hops,
                        coupling_set_size,
                        availability_loss,
                        long_running_ms,
                        spof_entry_points,
                        saturation,
                        blocked_share,
                    }
                }
            ),
    ]
    .boxed()
}

/// The scenario without faults: a warm-up shorter than the run.
pub fn scenario() -> BoxedStrategy<Scenario> {
    prop_oneof![
        1 => Just(Scenario::default()),
        3 => (
            prop_oneof![positive(), Just(60.0)],
            0.0..1.0f64,
            non_negative(),
            any::<u64>(),
        )
            .prop_map(|(duration_s, share, drain_s, seed)| Scenario {
                duration_s,
                // A subnormal duration times a share can round up to it.
                warmup_s: if duration_s * share < duration_s {
                    duration_s * share
                } else {
                    0.0
                },
                drain_s,
                seed,
                faults: Vec::new(),
            }),
    ]
    .boxed()
}

/// Arbitrary valid designs.
pub fn valid_design() -> BoxedStrategy<Design> {
    (
        (text(), text()),
        nodes(10),
        prop::collection::vec(raw_link(), 0..16),
        prop::collection::vec(
            (
                any::<usize>(),
                prop::option::of(any::<usize>()),
                text(),
                load(),
            ),
            0..4,
        ),
        prop::collection::vec(raw_fault(), 0..4),
        scenario(),
        thresholds(),
    )
        .prop_map(
            |(
                (name, description),
                nodes,
                raw_links,
                raw_entries,
                raw_faults,
                scenario,
                thresholds,
            )| {
                let mut design = Design::new(name);
                design.description = description;
                let mut made = Vec::new();
                for raw in &raw_links {
                    if let Some(link) = build_link(&nodes, raw) {
                        made.push((design.links.len(), raw.clone()));
                        design.links.push(link);
                    }
                }
                design.nodes = nodes;
                name_shared_links(&mut design);
                give_programs(&mut design, &made);
                let mut taken = HashSet::new();
                design.entry_points = raw_entries
                    .iter()
                    .filter_map(|raw| build_entry(&design, raw, &mut taken))
                    .collect();
                design.scenario = scenario;
                design.scenario.faults = raw_faults
                    .iter()
                    .filter_map(|raw| build_fault(&design, raw))
                    .collect();
                design.thresholds = thresholds;
                design
            },
        )
        .boxed()
}
