//! Events and queues: callbacks for data, consumption without limits, and
//! technologies used against their grain.

use foldhash::HashSet;

use fixedbitset::FixedBitSet;
use petgraph::visit::EdgeRef;

use super::Ctx;
use crate::advice::Refactor;
use crate::analysis::{Finding, RuleId, Severity};
use crate::model::{Fault, LinkIdx, NodeId, NodeIdx, Style, Technology};

pub(super) fn event_callback(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    let g = ctx.g;
    let publishes_to = publications(ctx);
    // From each event to the sync calls of the operation it triggers: does
    // one go back to the event's publisher, directly or through a broker?
    // (Looking from the events visits each call once per event that
    // triggers it, not each call once per link into its operation.)
    let mut callbacks = FixedBitSet::with_capacity(ctx.design.links.len());
    for event in g.graph.edge_references() {
        if g.style(*event.weight()) != Style::Event {
            continue;
        }
        let source = g.node(event.source());
        for &(call, callee) in g.sync_calls(event.target()) {
            let publisher = g.node(callee);
            if source == publisher || publishes_to.contains(&(publisher, source)) {
                callbacks.insert(call.0);
            }
        }
    }
    for callback in callbacks.ones().map(LinkIdx) {
        let link = ctx.link(callback);
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

/// Every (publisher, broker) pair where the publisher sends events to the
/// broker: one pass over the links, so a broker with many publishers costs
/// no more per callback than one with a few.
fn publications(ctx: &Ctx<'_, '_>) -> HashSet<(NodeIdx, NodeIdx)> {
    ctx.design
        .links
        .iter()
        .filter(|l| l.style == Style::Event)
        .filter_map(|l| Some((ctx.g.node_index(&l.from)?, ctx.g.node_index(&l.to)?)))
        .filter(|&(_, broker)| ctx.design.nodes[broker.0].as_broker().is_some())
        .collect()
}

pub(super) fn unbounded_retries(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    let d = ctx.design;
    let poisoned_links: HashSet<(&NodeId, &NodeId)> = d
        .scenario
        .faults
        .iter()
        .filter_map(|f| match f {
            Fault::Poison { link, .. } => Some((&link.from, &link.to)),
            _ => None,
        })
        .collect();
    for (i, link) in d.links.iter().enumerate() {
        let consumes = match link.style {
            Style::Event => ctx
                .ends(LinkIdx(i))
                .is_some_and(|(from, _)| from.as_broker().is_some()),
            Style::AsyncRequest => link.via.is_some(),
            _ => false,
        };
        if !consumes || (link.max_deliveries.is_some() && link.dead_letter.is_some()) {
            continue;
        }
        let poisoned = poisoned_links.contains(&(&link.from, &link.to));
        let failing = ctx
            .ends(LinkIdx(i))
            .and_then(|(_, n)| n.as_service())
            .is_some_and(|s| s.error_rate > 0.0);
        let consumer = ctx.end_names(LinkIdx(i)).1;
        let severity = if link.max_deliveries.is_none() && (poisoned || failing) {
            Severity::Warning
        } else {
            Severity::Info
        };
        let (title, what) = if link.max_deliveries.is_none() {
            (
                format!(
                    "{consumer} consumes from {} with no limit on redeliveries",
                    ctx.name(via_or_from(link))
                ),
                "A message that always fails (a poison message) goes back to the queue and is delivered again and again: if it crashes the consumer, it takes down every worker in turn (catastrophic failover).",
            )
        } else {
            (
                format!(
                    "{consumer} gives up messages from {} without a dead-letter queue",
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
            .and_then(|v| ctx.node(v))
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
