//! Temporal coupling: which services an entry point needs up at once, and
//! services that many entry points need.

use std::collections::BTreeMap;

use super::{Ctx, EntrySummary, percent};
use crate::advice::Refactor;
use crate::analysis::graph::DesignGraph;
use crate::analysis::{Finding, RuleId, Severity};
use crate::model::{LinkIdx, NodeId, NodeIdx, Style};

/// The coupling set and longest chain of every entry point.
pub(super) fn summaries(g: &DesignGraph<'_>, latencies: &[f64]) -> Vec<EntrySummary> {
    let d = g.design;
    d.entry_points
        .iter()
        .filter_map(|entry| {
            let start = g.entry_vertex(entry)?;
            let closure = g.sync_closure(start);
            // Several operations of one node count once.
            let mut seen = fixedbitset::FixedBitSet::with_capacity(d.nodes.len());
            let members: Vec<NodeIdx> = closure
                .iter()
                .map(|&v| g.node(v))
                .filter(|n| !d.nodes[n.0].is_client() && !seen.put(n.0))
                .collect();
            let coupling_links: Vec<LinkIdx> = {
                let mut links: Vec<LinkIdx> = closure
                    .iter()
                    .flat_map(|&v| g.sync_calls(v).iter().map(|&(l, _)| l))
                    .collect();
                links.sort();
                links.dedup();
                links
            };
            let availability = |n: NodeIdx| d.nodes[n.0].availability().fraction_up();
            let chain = g.longest_sync_chain(start);
            let chain_latency =
                g.own_work_ms(start) + chain.links.iter().map(|&l| g.hop_ms(l)).sum::<f64>();
            let rate = entry.load.open_rate_per_s().unwrap_or(0.0);
            // Each hop's connection is held while the callee and all it
            // calls work: Little's law gives how many are open on average.
            let held: f64 = chain
                .links
                .iter()
                .map(|&l| rate * g.call_latency_ms(l, latencies) / 1e3)
                .sum();
            Some(EntrySummary {
                entry_point: entry.name.clone(),
                target: entry.target.clone(),
                coupling_set: members.iter().map(|n| d.nodes[n.0].id.clone()).collect(),
                coupling_links,
                compound_availability: members.iter().map(|&n| availability(n)).product(),
                entry_availability: availability(g.node(start)),
                chain: chain
                    .vertices
                    .iter()
                    .map(|&v| d.nodes[g.node(v).0].id.clone())
                    .collect(),
                chain_links: chain.links.clone(),
                chain_latency_ms: chain_latency,
                expected_latency_ms: latencies[start.index()],
                held_connections: held,
            })
        })
        .collect()
}

/// Sync links below the entry's own calls, deepest first: the candidates
/// for moving work to the background. The entry service's direct calls are
/// what it answers with, so they stay. The calls whose callee takes longest
/// (with what it calls) come first: moving them saves the most time; only
/// the first few are proposed.
pub(super) fn background_candidates(
    ctx: &Ctx<'_, '_>,
    entry: &EntrySummary,
    links: &[LinkIdx],
) -> Vec<Refactor> {
    const MOST: usize = 3;
    let mut candidates: Vec<(f64, LinkIdx)> = links
        .iter()
        .filter(|&&l| {
            let link = ctx.link(l);
            link.style == Style::Sync
                && link.from != entry.target
                && ctx.node(&link.to).is_some_and(|n| n.as_service().is_some())
        })
        .map(|&l| (ctx.g.call_latency_ms(l, &ctx.latencies), l))
        .collect();
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    candidates
        .into_iter()
        .take(MOST)
        .map(|(_, link)| Refactor::MoveToBackground { link })
        .collect()
}

pub(super) fn temporal_coupling(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    let t = ctx.thresholds;
    for e in &ctx.entries {
        let n = e.coupling_set.len();
        if n < 2 {
            continue; // only the entry's own node: nothing else to be up
        }
        let loss = e.entry_availability - e.compound_availability;
        let severity = if n as u32 >= t.coupling_set_size || loss >= t.availability_loss {
            Severity::Warning
        } else {
            Severity::Info
        };
        let title = format!(
            "{} needs {n} {} up at once: compound availability {} ({} alone: {})",
            e.entry_point,
            if n == 1 { "service" } else { "services" },
            percent(e.compound_availability),
            ctx.name(&e.target),
            percent(e.entry_availability),
        );
        let explanation = format!(
            "Every service reached by synchronous calls from {} must be up and answering in time for the request to succeed: the request is temporally coupled to all of them ({}), and their availabilities multiply. A slow or failed member makes the whole request slow or failed. Calls whose answer the request does not need right away can become events or go through a queue, which takes their targets out of this set.",
            ctx.name(&e.target),
            ctx.path(&e.coupling_set).replace(" → ", ", "),
        );
        let suggestions = background_candidates(ctx, e, &e.coupling_links)
            .into_iter()
            .map(|r| ctx.suggest(r))
            .collect();
        out.push(Finding {
            rule: RuleId::TemporalCoupling,
            severity,
            entry_point: Some(e.entry_point.clone()),
            title,
            explanation,
            nodes: e.coupling_set.clone(),
            links: e.coupling_links.clone(),
            suggestions,
        });
    }
}

pub(super) fn single_point_of_failure(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    let mut needed_by: BTreeMap<&NodeId, Vec<&str>> = BTreeMap::new();
    for e in &ctx.entries {
        for member in &e.coupling_set {
            // An entry's own target is what it calls; a shared dependency
            // behind the targets is the single point of failure.
            if ctx.entries.iter().any(|other| &other.target == member) {
                continue;
            }
            needed_by.entry(member).or_default().push(&e.entry_point);
        }
    }
    for (node, entries) in needed_by {
        if (entries.len() as u32) < ctx.thresholds.spof_entry_points {
            continue;
        }
        out.push(Finding {
            rule: RuleId::SinglePointOfFailure,
            severity: Severity::Warning,
            entry_point: None,
            title: format!(
                "{} is on the synchronous path of {} entry points ({})",
                ctx.name(node),
                entries.len(),
                entries.join(", ")
            ),
            explanation: format!(
                "If {} is down or slow, every one of these entry points fails or slows with it. A dependency shared by many paths deserves redundancy (several instances behind a load balancer, failover), a cache of its data near its callers, or to be reached asynchronously where the answer is not needed at once.",
                ctx.name(node)
            ),
            nodes: vec![node.clone()],
            links: ctx.g.node_index(node).map(|n| ctx.g.sync_links_into(n)).unwrap_or_default(),
            suggestions: Vec::new(),
        });
    }
}
