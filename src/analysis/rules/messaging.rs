//! Events and queues: callbacks for data, consumption without limits, and
//! technologies used against their grain.

use petgraph::Direction;
use petgraph::visit::EdgeRef;

use super::Ctx;
use crate::advice::Refactor;
use crate::analysis::{Finding, RuleId, Severity};
use crate::model::{Fault, LinkIdx, NodeIdx, Style, Technology};

pub(super) fn event_callback(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    let g = ctx.g;
    for edge in g.graph.edge_indices() {
        let callback = g.graph[edge];
        let link = ctx.link(callback);
        if link.style != Style::Sync {
            continue;
        }
        let Some((subscriber, _)) = g.graph.edge_endpoints(edge) else {
            continue;
        };
        let Some(publisher) = g.node_index(&link.to) else {
            continue;
        };
        // Does the operation making this call run because the callee
        // published an event, directly or through a broker?
        let triggered = g
            .graph
            .edges_directed(subscriber, Direction::Incoming)
            .filter(|e| ctx.link(*e.weight()).style == Style::Event)
            .any(|e| {
                let source = g.node(e.source());
                source == publisher || published_by(ctx, source, publisher)
            });
        if !triggered {
            continue;
        }
        out.push(Finding {
            rule: RuleId::EventCallback,
            severity: Severity::Warning,
            entry_point: None,
            title: format!(
                "{} calls {} back synchronously for data when it receives {}'s event",
                ctx.name(&link.from),
                ctx.name(&link.to),
                ctx.name(&link.to)
            ),
            explanation: format!(
                "The event carries too little (\"just an ID\"), so the subscriber asks the publisher for the rest. That puts back the coupling the event removed: {} must be up and fast whenever {} reacts, and when many subscribers react at once the callbacks arrive as a burst. Put the data in the event (a fully detailed event, which also makes a useful audit record); mind its size and any personal data in it.",
                ctx.name(&link.to),
                ctx.name(&link.from)
            ),
            nodes: vec![link.from.clone(), link.to.clone()],
            links: vec![callback],
            suggestions: vec![ctx.suggest(Refactor::EnrichEvent { callback })],
        });
    }
}

/// Whether `broker` receives events published by `publisher`.
fn published_by(ctx: &Ctx<'_, '_>, broker: NodeIdx, publisher: NodeIdx) -> bool {
    let g = ctx.g;
    ctx.design.nodes[broker.0].as_broker().is_some()
        && g.endpoints_of(broker).iter().any(|&b| {
            g.graph.edges_directed(b, Direction::Incoming).any(|e| {
                ctx.link(*e.weight()).style == Style::Event && g.node(e.source()) == publisher
            })
        })
}

pub(super) fn unbounded_retries(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    let d = ctx.design;
    for (i, link) in d.links.iter().enumerate() {
        let consumes = match link.style {
            Style::Event => d.node(&link.from).is_some_and(|n| n.as_broker().is_some()),
            Style::AsyncRequest => link.via.is_some(),
            _ => false,
        };
        if !consumes || (link.max_deliveries.is_some() && link.dead_letter.is_some()) {
            continue;
        }
        let poisoned = d.scenario.faults.iter().any(|f| {
            matches!(f, Fault::Poison { link: r, .. } if r.from == link.from && r.to == link.to)
        });
        let failing = d
            .node(&link.to)
            .and_then(|n| n.as_service())
            .is_some_and(|s| s.error_rate > 0.0);
        let severity = if link.max_deliveries.is_none() && (poisoned || failing) {
            Severity::Warning
        } else {
            Severity::Info
        };
        let (title, what) = if link.max_deliveries.is_none() {
            (
                format!(
                    "{} consumes from {} with no limit on redeliveries",
                    ctx.name(&link.to),
                    ctx.name(via_or_from(link))
                ),
                "A message that always fails (a poison message) goes back to the queue and is delivered again and again: if it crashes the consumer, it takes down every worker in turn (catastrophic failover).",
            )
        } else {
            (
                format!(
                    "{} gives up messages from {} without a dead-letter queue",
                    ctx.name(&link.to),
                    ctx.name(via_or_from(link))
                ),
                "Messages given up after their last delivery are dropped: nobody can see why they failed or replay them once the cause is fixed.",
            )
        };
        out.push(Finding {
            rule: RuleId::UnboundedRetries,
            severity,
            entry_point: None,
            title,
            explanation: format!(
                "{what} Limit deliveries and move messages that keep failing to a dead-letter queue (a message hospital) where they can be inspected and replayed.{}",
                if poisoned { " The scenario injects poison messages on this link." } else { "" }
            ),
            nodes: vec![link.to.clone(), via_or_from(link).clone()],
            links: vec![LinkIdx(i)],
            suggestions: vec![ctx.suggest(Refactor::AddRetryLimitAndDlq {
                link: LinkIdx(i),
                max_deliveries: link.max_deliveries.unwrap_or(3),
            })],
        });
    }
}

fn via_or_from(link: &crate::model::Link) -> &crate::model::NodeId {
    link.via.as_ref().unwrap_or(&link.from)
}

pub(super) fn technology_mismatch(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    let d = ctx.design;
    for (i, link) in d.links.iter().enumerate() {
        let request_response = matches!(link.style, Style::Sync | Style::AsyncRequest);
        let via_log = link
            .via
            .as_ref()
            .and_then(|v| d.node(v))
            .and_then(|n| n.as_broker())
            .is_some_and(|b| b.kind == crate::model::BrokerKind::Log);
        let problem = if request_response && (link.technology == Technology::Kafka || via_log) {
            Some("request-response over a log-based event stream: a log keeps and replays facts for many consumers; requests and their responses want a queue (or a direct call) that routes each answer back to one caller".to_owned())
        } else if link.style == Style::Sync && matches!(link.technology, Technology::File) {
            Some("a synchronous call over files: a file drop has no way to answer; use an API, or make it common data read by polling".to_owned())
        } else if let Some(limit) = link.technology.default_message_limit_bytes()
            && link.payload_bytes > limit
        {
            Some(format!(
                "messages of {} bytes exceed {}'s default limit of {limit} bytes; send a reference to the data, or split the message",
                link.payload_bytes,
                link.technology.label()
            ))
        } else {
            None
        };
        let Some(problem) = problem else { continue };
        out.push(Finding {
            rule: RuleId::TechnologyMismatch,
            severity: Severity::Warning,
            entry_point: None,
            title: format!(
                "{} ({}, {}): {}",
                link.label(),
                link.style,
                link.technology.label(),
                problem.split(':').next().unwrap_or_default()
            ),
            explanation: format!("{}.", capitalise(&problem)),
            nodes: vec![link.from.clone(), link.to.clone()],
            links: vec![LinkIdx(i)],
            suggestions: Vec::new(),
        });
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
