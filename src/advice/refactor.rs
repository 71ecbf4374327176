//! The refactorings: each a pure transformation of a design into a new,
//! valid design.

use serde::Serialize;

use crate::model::{
    Broker, BrokerKind, Design, Distribution, Link, LinkIdx, Node, NodeId, NodeKind, Position,
    RequestStep, Step, Style, Technology,
};

/// A change to a design that addresses a finding.
#[derive(Debug, Clone, PartialEq)]
pub enum Refactor {
    /// A sync call whose answer is not needed becomes an event to the same
    /// service.
    ConvertToEvent {
        /// The sync link.
        link: LinkIdx,
    },
    /// A sync call and everything below it leave the critical path: the
    /// caller publishes an event to a new broker the callee subscribes to.
    MoveToBackground {
        /// The sync link to cut.
        link: LinkIdx,
    },
    /// Independent sync calls made one after another run in parallel.
    Parallelize {
        /// The calls, all from one operation.
        links: Vec<LinkIdx>,
    },
    /// A sync call becomes an asynchronous request through a new queue: the
    /// caller's worker is released while the callee works.
    IntroduceQueue {
        /// The sync link.
        link: LinkIdx,
    },
    /// The data a subscriber calls back for goes into the event; the
    /// callback disappears.
    EnrichEvent {
        /// The subscriber's sync call back to the publisher.
        callback: LinkIdx,
    },
    /// A request-response call gets a timeout.
    AddTimeout {
        /// The link.
        link: LinkIdx,
        /// The timeout, ms.
        timeout_ms: f64,
    },
    /// Consumption gets a delivery limit and a dead-letter queue.
    AddRetryLimitAndDlq {
        /// The consuming link.
        link: LinkIdx,
        /// Deliveries before a message is given up.
        max_deliveries: u32,
    },
}

/// Why a refactoring cannot be applied to a design.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RefactorError {
    /// The design has no such link (it came from another design).
    #[error("the design has no link number {0}")]
    NoSuchLink(usize),
    /// The link is not of the kind the refactoring changes.
    #[error("link \"{link}\": {why}")]
    NotApplicable {
        /// The link.
        link: String,
        /// What is wrong.
        why: &'static str,
    },
}

/// The size an event grows by when it carries the data a subscriber used to
/// call back for, unless the design says more.
const ENRICHED_PAYLOAD_BYTES: u64 = 1_024;

impl Refactor {
    /// The refactoring's kind, as a stable id.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::ConvertToEvent { .. } => "convert-to-event",
            Self::MoveToBackground { .. } => "move-to-background",
            Self::Parallelize { .. } => "parallelize",
            Self::IntroduceQueue { .. } => "introduce-queue",
            Self::EnrichEvent { .. } => "enrich-event",
            Self::AddTimeout { .. } => "add-timeout",
            Self::AddRetryLimitAndDlq { .. } => "add-retry-limit-and-dlq",
        }
    }

    /// The links the refactoring changes.
    pub fn links(&self) -> Vec<LinkIdx> {
        match self {
            Self::Parallelize { links } => links.clone(),
            Self::ConvertToEvent { link }
            | Self::MoveToBackground { link }
            | Self::IntroduceQueue { link }
            | Self::AddTimeout { link, .. }
            | Self::AddRetryLimitAndDlq { link, .. } => vec![*link],
            Self::EnrichEvent { callback } => vec![*callback],
        }
    }

    /// A stable id within the design: `kind:from->to[,from->to]`.
    pub fn id(&self, design: &Design) -> String {
        let links: Vec<String> = self
            .links()
            .iter()
            .filter_map(|&l| design.link(l))
            .map(|l| l.key())
            .collect();
        format!("{}:{}", self.kind(), links.join(","))
    }

    /// What the refactoring does, in a sentence.
    pub fn describe(&self, design: &Design) -> String {
        self.describe_with(design, &|id| design.display_name(id).to_owned())
    }

    /// What the refactoring does, with node names from `name` (callers that
    /// describe many refactorings pass a constant-time lookup).
    pub fn describe_with(&self, design: &Design, name: &dyn Fn(&NodeId) -> String) -> String {
        let ends = |l: LinkIdx| {
            design
                .link(l)
                .map(|l| (name(&l.from), name(&l.to)))
                .unwrap_or_default()
        };
        match self {
            Self::ConvertToEvent { link } => {
                let (a, b) = ends(*link);
                format!("{a} publishes an event for {b} instead of calling it and waiting")
            }
            Self::MoveToBackground { link } => {
                let (a, b) = ends(*link);
                format!(
                    "move {b} (and what it calls) to the background: {a} publishes an event to a new broker that {b} consumes"
                )
            }
            Self::Parallelize { links } => {
                let callees: Vec<String> = links.iter().map(|&l| ends(l).1).collect();
                let caller = links.first().map(|&l| ends(l).0).unwrap_or_default();
                format!(
                    "{caller} calls {} in parallel instead of one after another",
                    callees.join(", ")
                )
            }
            Self::IntroduceQueue { link } => {
                let (a, b) = ends(*link);
                format!(
                    "{a} sends its request to {b} through a queue and handles the response when it comes, instead of waiting"
                )
            }
            Self::EnrichEvent { callback } => {
                let (a, b) = ends(*callback);
                format!("put the data {a} fetches from {b} into the event, and drop the callback")
            }
            Self::AddTimeout { link, timeout_ms } => {
                let (a, b) = ends(*link);
                format!("{a} stops waiting for {b} after {timeout_ms} ms")
            }
            Self::AddRetryLimitAndDlq {
                link,
                max_deliveries,
            } => {
                let (_, b) = ends(*link);
                format!(
                    "give up a message {b} failed {max_deliveries} times and move it to a dead-letter queue, where people can inspect and replay it"
                )
            }
        }
    }

    /// The design with the refactoring applied. The result is valid
    /// whenever the input is.
    pub fn apply(&self, design: &Design) -> Result<Design, RefactorError> {
        for &l in &self.links() {
            if design.link(l).is_none() {
                return Err(RefactorError::NoSuchLink(l.0));
            }
        }
        let mut d = design.clone();
        match self {
            Self::ConvertToEvent { link } => {
                expect_sync(&d, *link)?;
                expect_service_target(&d, *link)?;
                let old = d.links[link.0].clone();
                d.replace_link_steps(*link, |step| vec![Step::Publish(step_link(step))]);
                d.links[link.0] = one_way(&old, &old.from, &old.to, old.technology);
            }
            Self::MoveToBackground { link } => {
                expect_sync(&d, *link)?;
                expect_service_target(&d, *link)?;
                let old = d.links[link.0].clone();
                let broker = add_broker(
                    &mut d,
                    &format!("{}_events", old.from),
                    &format!("{} Events", design.display_name(&old.from)),
                    between(design, &old.from, &old.to),
                    Broker {
                        kind: BrokerKind::Log,
                        durable: true,
                        delivery_latency: Distribution::LogNormal {
                            mean_ms: 5.0,
                            sd_ms: 2.0,
                        },
                        retention_s: Some(7.0 * 24.0 * 3600.0),
                    },
                );
                // The caller publishes where it called; the callee hears
                // of it from the broker.
                d.replace_link_steps(*link, |_| vec![Step::Publish(broker.to_string())]);
                let mut publish = one_way(&old, &old.from, &broker, Technology::Kafka);
                publish.to_op = None;
                publish.name = None;
                let mut subscribe = one_way(&old, &broker, &old.to, Technology::Kafka);
                subscribe.name = None;
                d.links[link.0] = publish;
                d.links.insert(link.0 + 1, subscribe);
                // Faults on the call now hit the messages where they reach
                // the callee.
                move_link_faults(&mut d, &old, Some((&broker, &old.to)));
            }
            Self::Parallelize { links } => {
                for &l in links {
                    expect_sync(&d, l)?;
                }
                parallelize(&mut d, links)?;
            }
            Self::IntroduceQueue { link } => {
                expect_sync(&d, *link)?;
                expect_service_target(&d, *link)?;
                let old = d.links[link.0].clone();
                let queue = add_broker(
                    &mut d,
                    &format!("{}_requests", old.to),
                    &format!("{} Requests", design.display_name(&old.to)),
                    between(design, &old.from, &old.to),
                    Broker {
                        kind: BrokerKind::Queue,
                        durable: true,
                        delivery_latency: Distribution::Constant { ms: 2.0 },
                        retention_s: None,
                    },
                );
                let expected = crate::analysis::graph::DesignGraph::new(design);
                let latencies = expected.expected_latencies_ms();
                let wait = expected.call_latency_ms(*link, &latencies);
                let reference = d
                    .step_reference(*link)
                    .unwrap_or_else(|| old.to.to_string());
                request_instead_of_call(&mut d, *link, &reference);
                let l = &mut d.links[link.0];
                l.style = Style::AsyncRequest;
                l.via = Some(queue);
                l.technology = Technology::RabbitMq;
                // Waiting no longer holds a worker: allow for slow work.
                l.timeout_ms = Some(nice_ms(old.timeout_ms.unwrap_or(0.0).max(4.0 * wait)));
                // A call that leads back to its caller would become
                // requests that start each other for ever.
                if d.problems()
                    .iter()
                    .any(|p| matches!(p.invalid, crate::model::Invalid::EndlessLoop { .. }))
                {
                    return Err(RefactorError::NotApplicable {
                        link: old.label(),
                        why: "the call leads back to its caller: as requests, each would start the next for ever",
                    });
                }
            }
            Self::EnrichEvent { callback } => {
                expect_sync(&d, *callback)?;
                let cb = d.links[callback.0].clone();
                // Events of the publisher (the callee) that reach the
                // subscriber (the caller), directly or through a broker,
                // carry the data from now on.
                let reaches_subscriber = |l: &Link| {
                    l.from == cb.to
                        && l.style == Style::Event
                        && (l.to == cb.from || subscribes(&design.links, &l.to, &cb.from))
                };
                let mut enriched = 0;
                for l in d.links.iter_mut().filter(|l| reaches_subscriber(l)) {
                    l.payload_bytes =
                        l.payload_bytes.max(cb.payload_bytes) + ENRICHED_PAYLOAD_BYTES;
                    enriched += 1;
                }
                if enriched == 0 {
                    return Err(RefactorError::NotApplicable {
                        link: cb.label(),
                        why: "the callee publishes no event that reaches the caller",
                    });
                }
                d.remove_link(*callback);
                move_link_faults(&mut d, &cb, None);
            }
            Self::AddTimeout { link, timeout_ms } => {
                let l = &mut d.links[link.0];
                if !matches!(l.style, Style::Sync | Style::AsyncRequest) {
                    return Err(RefactorError::NotApplicable {
                        link: l.label(),
                        why: "only request-response links have timeouts",
                    });
                }
                l.timeout_ms = Some(*timeout_ms);
            }
            Self::AddRetryLimitAndDlq {
                link,
                max_deliveries,
            } => {
                let l = d.links[link.0].clone();
                let source = match (&l.style, &l.via) {
                    (Style::AsyncRequest, Some(via)) => via.clone(),
                    (Style::Event, _)
                        if d.node(&l.from).is_some_and(|n| n.as_broker().is_some()) =>
                    {
                        l.from.clone()
                    }
                    _ => {
                        return Err(RefactorError::NotApplicable {
                            link: l.label(),
                            why: "only consumption from a broker is redelivered",
                        });
                    }
                };
                let dlq = match &l.dead_letter {
                    Some(existing) => existing.clone(),
                    None => {
                        let mut at = design.node(&source).map(|n| n.pos).unwrap_or_default();
                        at.y += 120.0;
                        add_broker(
                            &mut d,
                            &format!("{source}_dlq"),
                            &format!("{} Dead Letters", design.display_name(&source)),
                            at,
                            Broker {
                                kind: BrokerKind::Queue,
                                durable: true,
                                delivery_latency: Distribution::ZERO,
                                retention_s: None,
                            },
                        )
                    }
                };
                let l = &mut d.links[link.0];
                l.max_deliveries = Some(*max_deliveries);
                l.dead_letter = Some(dlq);
            }
        }
        Ok(d)
    }
}

/// Whether `subscriber` subscribes to `broker`.
fn subscribes(links: &[Link], broker: &NodeId, subscriber: &NodeId) -> bool {
    links
        .iter()
        .any(|l| &l.from == broker && &l.to == subscriber && l.style == Style::Event)
}

/// Scenario faults on `old`, a link that was replaced or removed, follow
/// it to the ends `moved_to` (a new pair of ends), or go when the call is
/// gone; a fault that still names a link of the design stays as it is.
fn move_link_faults(d: &mut Design, old: &Link, moved_to: Option<(&NodeId, &NodeId)>) {
    let links = d.links.clone();
    d.scenario.faults.retain_mut(|fault| {
        let Some(link) = fault.link_mut() else {
            return true;
        };
        let was_on_old = link.from == old.from
            && link.to == old.to
            && link
                .name
                .as_ref()
                .is_none_or(|n| old.name.as_ref() == Some(n));
        if !was_on_old || links.iter().any(|l| link.matches(l)) {
            return true;
        }
        match moved_to {
            Some((new_from, new_to)) => {
                link.from = new_from.clone();
                link.to = new_to.clone();
                link.name = None;
                true
            }
            None => false,
        }
    });
}

/// The link a step names.
fn step_link(step: &Step) -> String {
    step.link().unwrap_or_default().to_owned()
}

/// Puts the calls through `links`, all top-level steps of one operation,
/// into one parallel block at the place of the first.
fn parallelize(d: &mut Design, links: &[LinkIdx]) -> Result<(), RefactorError> {
    let Some(first) = links.first().and_then(|&l| d.link(l)) else {
        return Err(RefactorError::NoSuchLink(0));
    };
    let from = first.from.clone();
    let label = first.label();
    let names = crate::model::LinkNames::new(d);
    let is_one = |step: &Step| {
        matches!(
            step,
            Step::Call(_) | Step::Read(_) | Step::Write(_) | Step::Update(_)
        ) && step
            .link()
            .and_then(|r| names.get(&from, r))
            .is_some_and(|l| links.contains(&l))
    };
    let places: Vec<(usize, Vec<usize>)> = d
        .node(&from)
        .and_then(|n| n.as_service())
        .map(|s| {
            s.operations
                .iter()
                .enumerate()
                .map(|(o, op)| {
                    let at = op
                        .steps
                        .iter()
                        .enumerate()
                        .filter(|(_, s)| is_one(s))
                        .map(|(i, _)| i)
                        .collect();
                    (o, at)
                })
                .collect()
        })
        .unwrap_or_default();
    let Some((op, at)) = places.into_iter().find(|(_, at)| at.len() == links.len()) else {
        return Err(RefactorError::NotApplicable {
            link: label,
            why: "parallel calls must be steps of one operation, one after another",
        });
    };
    let Some(service) = d.node_mut(&from).and_then(|n| n.as_service_mut()) else {
        return Ok(());
    };
    let steps = &mut service.operations[op].steps;
    let calls: Vec<Step> = at.iter().map(|&i| steps[i].clone()).collect();
    for &i in at.iter().rev() {
        steps.remove(i);
    }
    steps.insert(at[0], Step::Parallel(calls));
    Ok(())
}

/// Turns the calls through `link` into asynchronous requests: what came
/// after a call in its block runs when the reply arrives (its `then`), a
/// fallback runs when the request fails, and a 1 ms piece of work handles
/// the reply. The caller is answered when the request is sent.
fn request_instead_of_call(d: &mut Design, link: LinkIdx, reference: &str) {
    let from = d.links[link.0].from.clone();
    let names = crate::model::LinkNames::new(d);
    let is_call = |step: &Step| {
        matches!(step, Step::Call(_)) && step.link().and_then(|r| names.get(&from, r)) == Some(link)
    };
    let Some(service) = d.node(&from).and_then(|n| n.as_service()) else {
        return;
    };
    let mut ops = service.operations.clone();
    for op in &mut ops {
        move_rest_into_then(&mut op.steps, &is_call, reference);
    }
    if let Some(service) = d.node_mut(&from).and_then(|n| n.as_service_mut()) {
        service.operations = ops;
    }
}

/// In `steps` and the blocks inside them, replaces each call `is_call`
/// picks by a request whose `then` takes the rest of the block.
fn move_rest_into_then(steps: &mut Vec<Step>, is_call: &dyn Fn(&Step) -> bool, reference: &str) {
    for step in steps.iter_mut() {
        for block in step.blocks_mut() {
            move_rest_into_then(block, is_call, reference);
        }
    }
    let Some(k) = steps.iter().position(is_call) else {
        return;
    };
    let Step::Call(call) = steps[k].clone() else {
        return;
    };
    // A reply cannot be sent from a continuation: the caller already has
    // its answer when the request leaves.
    let rest: Vec<Step> = steps
        .split_off(k + 1)
        .into_iter()
        .filter(|s| !matches!(s, Step::Reply))
        .collect();
    let mut then = vec![Step::Work(Distribution::Constant { ms: 1.0 })];
    then.extend(rest);
    steps[k] = Step::Request(RequestStep {
        link: reference.to_owned(),
        times: call.times,
        then,
        on_failure: call.fallback.unwrap_or_default(),
    });
}

fn expect_sync(d: &Design, link: LinkIdx) -> Result<(), RefactorError> {
    let l = &d.links[link.0];
    if l.style == Style::Sync {
        Ok(())
    } else {
        Err(RefactorError::NotApplicable {
            link: l.label(),
            why: "it is not a sync call",
        })
    }
}

fn expect_service_target(d: &Design, link: LinkIdx) -> Result<(), RefactorError> {
    let l = &d.links[link.0];
    if d.node(&l.to).is_some_and(|n| n.as_service().is_some()) {
        Ok(())
    } else {
        Err(RefactorError::NotApplicable {
            link: l.label(),
            why: "only calls to a service can become asynchronous",
        })
    }
}

/// A one-way link replacing `old`: same operations, network latency, notes
/// and payload; nothing that only request-response has.
fn one_way(old: &Link, from: &NodeId, to: &NodeId, technology: Technology) -> Link {
    let mut l = Link::new(from.clone(), to.clone(), Style::Event);
    l.name = old.name.clone();
    l.to_op = old.to_op.clone();
    l.technology = technology;
    l.latency = old.latency.clone();
    l.payload_bytes = old.payload_bytes;
    l.notes = old.notes.clone();
    l
}

/// Adds a broker with an id based on `id` (made unique), returns its id.
fn add_broker(d: &mut Design, id: &str, name: &str, pos: Position, broker: Broker) -> NodeId {
    let id = d.fresh_node_id(id);
    d.nodes.push(Node {
        id: id.clone(),
        name: name.to_owned(),
        pos,
        notes: "Added by an archsim refactoring.".into(),
        kind: NodeKind::Broker(broker),
    });
    id
}

/// Half way between two nodes on the canvas, a little below the line so
/// labels do not overlap.
fn between(d: &Design, a: &NodeId, b: &NodeId) -> Position {
    let (pa, pb) = (
        d.node(a).map(|n| n.pos).unwrap_or_default(),
        d.node(b).map(|n| n.pos).unwrap_or_default(),
    );
    Position {
        x: (pa.x + pb.x) / 2.0,
        y: (pa.y + pb.y) / 2.0 + 80.0,
    }
}

/// The longest timeout archsim proposes: a day. A call that may take
/// longer is not a call to wait for.
const LONGEST_TIMEOUT_MS: f64 = 24.0 * 3600.0 * 1000.0;

/// A round number at least `ms` (1, 2, 2.5 or 5 times a power of ten), at
/// most a day: a timeout people would write.
pub(crate) fn nice_ms(ms: f64) -> f64 {
    if ms.is_nan() || ms <= 0.0 {
        return 100.0;
    }
    if ms >= LONGEST_TIMEOUT_MS {
        return LONGEST_TIMEOUT_MS;
    }
    let magnitude = 10f64.powf(ms.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|k| k * magnitude)
        .find(|&v| v >= ms)
        .unwrap_or(10.0 * magnitude)
        .min(LONGEST_TIMEOUT_MS)
}

/// A suggestion as people and scripts see it: the refactoring with its id
/// and description for one design.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    /// Stable id, e.g. `move-to-background:payment->fraud_detection`.
    pub id: String,
    /// The refactoring's kind.
    pub kind: &'static str,
    /// What it does.
    pub description: String,
    /// The transformation itself.
    #[serde(skip)]
    pub refactor: Refactor,
}

impl Suggestion {
    /// Describes `refactor` for `design`.
    pub fn new(design: &Design, refactor: Refactor) -> Self {
        Self::with_names(design, refactor, &|id| design.display_name(id).to_owned())
    }

    /// Describes `refactor`, with node names from `name`.
    pub fn with_names(
        design: &Design,
        refactor: Refactor,
        name: &dyn Fn(&NodeId) -> String,
    ) -> Self {
        Self {
            id: refactor.id(design),
            kind: refactor.kind(),
            description: refactor.describe_with(design, name),
            refactor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::nice_ms;

    #[test]
    fn timeouts_are_rounded_up_to_numbers_people_write() {
        assert_eq!(nice_ms(87.0), 100.0);
        assert_eq!(nice_ms(120.0), 200.0);
        assert_eq!(nice_ms(240.0), 250.0);
        assert_eq!(nice_ms(3100.0), 5000.0);
        assert_eq!(nice_ms(0.0), 100.0);
        assert_eq!(nice_ms(f64::INFINITY), 24.0 * 3600.0 * 1000.0);
        assert_eq!(nice_ms(1e300), 24.0 * 3600.0 * 1000.0);
    }
}
