//! Temporal coupling: which services an entry point needs up at once, and
//! services that many entry points need.

use crate::numbers::percent;
use foldhash::{HashMap, HashMapExt};

use fixedbitset::FixedBitSet;
use rayon::prelude::*;

use super::{Ctx, EntrySummary};
use crate::advice::Refactor;
use crate::analysis::availability;
use crate::analysis::graph::DesignGraph;
use crate::analysis::{Finding, RuleId, Severity};
use crate::list::abbreviated;
use crate::model::{LinkIdx, NodeIdx, Style};

/// The coupling set and longest chain of every entry point, and each
/// coupling set as node indices. Entry points are summarised in parallel;
/// each thread reuses its marks, so many entry points cost what they
/// reach, not the design's size each.
pub(super) fn summaries(
    g: &DesignGraph<'_>,
    latencies: &[f64],
) -> (Vec<EntrySummary>, Vec<Vec<NodeIdx>>) {
    let d = g.design;
    let marks = || {
        (
            FixedBitSet::with_capacity(g.graph.node_count()),
            FixedBitSet::with_capacity(d.nodes.len()),
        )
    };
    d.entry_points
        .par_iter()
        .map_init(marks, |(vertices, nodes), entry| {
            let start = g.entry_vertex(entry)?;
            let closure = g.sync_closure_marking(start, vertices);
            // Several operations of one node count once.
            let members: Vec<NodeIdx> = closure
                .iter()
                .map(|&v| g.node(v))
                .filter(|&n| !d.nodes[n.0].is_client() && !nodes.put(n.0))
                .collect();
            for &n in &members {
                nodes.set(n.0, false);
            }
            let mut coupling_links: Vec<LinkIdx> = closure
                .iter()
                .flat_map(|&v| g.required_calls(v).map(|(l, _)| l))
                .collect();
            // A link leaves one endpoint: no repeats to remove.
            coupling_links.sort_unstable();
            let availability = |n: NodeIdx| d.nodes[n.0].availability().fraction_up();
            let needs = availability::needs(g, start, &members, &availability);
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
            let summary = EntrySummary {
                entry_point: entry.name.clone(),
                target: entry.target.clone(),
                coupling_set: members.iter().map(|n| d.nodes[n.0].id.clone()).collect(),
                coupling_links,
                sometimes_needed: needs
                    .nodes
                    .iter()
                    .filter(|(_, always)| !always)
                    .map(|(n, _)| d.nodes[n.0].id.clone())
                    .collect(),
                compound_availability: needs.availability,
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
            };
            Some((summary, members))
        })
        .flatten()
        .unzip()
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
    let slowest_first =
        |a: &(f64, LinkIdx), b: &(f64, LinkIdx)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
    let target = ctx.g.node_index(&entry.target);
    // The few slowest of what may be a million links: kept as they come,
    // not sorted all.
    let mut slowest: Vec<(f64, LinkIdx)> = Vec::with_capacity(MOST + 1);
    for &l in links {
        let Some(&latency) = ctx.movable_latency.get(l.0) else {
            continue;
        };
        let from_target = ctx
            .g
            .link_ends(l)
            .is_some_and(|(from, _)| Some(ctx.g.node(from)) == target);
        if latency.is_nan() || from_target {
            continue;
        }
        let candidate = (latency, l);
        let at = slowest.partition_point(|c| slowest_first(c, &candidate).is_lt());
        if at < MOST {
            slowest.insert(at, candidate);
            slowest.truncate(MOST);
        }
    }
    slowest
        .into_iter()
        .map(|(_, link)| Refactor::MoveToBackground { link })
        .collect()
}

/// For every link, how long a call over it takes when it is a `sync`
/// call to a service (one that could move to the background), NaN for
/// the others; worked out once for all entry points.
pub(super) fn movable_latencies(g: &DesignGraph<'_>, latencies: &[f64]) -> Vec<f64> {
    (0..g.design.links.len())
        .map(LinkIdx)
        .map(|l| {
            let to_service = g
                .link_nodes(l)
                .is_some_and(|(_, to)| to.as_service().is_some());
            if g.style(l) == Style::Sync && to_service {
                g.call_latency_ms(l, latencies)
            } else {
                f64::NAN
            }
        })
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
        let sometimes = e.sometimes_needed.len();
        let title = format!(
            "{} needs {n} services up{}: compound availability {} ({} alone: {})",
            e.entry_point,
            match sometimes {
                0 => " at once".to_owned(),
                _ => format!(", {} of them on every request", n - sometimes),
            },
            percent(e.compound_availability),
            ctx.name(&e.target),
            percent(e.entry_availability),
        );
        let mut explanation = format!(
            "Every service reached by synchronous calls from {} must be up and answering in time for the request to succeed: the request is temporally coupled to all of them ({}), and their availabilities multiply. A slow or failed member makes the whole request slow or failed. Calls whose answer the request does not need right away can become events or go through a queue, which takes their targets out of this set.",
            ctx.name(&e.target),
            ctx.path(&e.coupling_set).replace(" → ", ", "),
        );
        if sometimes > 0 {
            explanation.push_str(&format!(
                " {} {} needed on some requests only (an either/or branch takes {}, or a fallback covers {}): the compound availability counts only the requests that fail while {} down.",
                ctx.path(&e.sometimes_needed).replace(" → ", ", "),
                if sometimes == 1 { "is" } else { "are" },
                if sometimes == 1 { "it" } else { "them" },
                if sometimes == 1 { "it" } else { "them" },
                if sometimes == 1 { "it is" } else { "they are" },
            ));
        }
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
    // By node index, not by id: a million coupling-set members must not
    // each cost a search through ids.
    let d = ctx.design;
    let mut targets = FixedBitSet::with_capacity(d.nodes.len());
    for e in &ctx.entries {
        if let Some(n) = ctx.g.node_index(&e.target) {
            targets.insert(n.0);
        }
    }
    let mut needed_by: HashMap<NodeIdx, Vec<&str>> = HashMap::new();
    for (e, members) in ctx.entries.iter().zip(&ctx.coupling_nodes) {
        for &member in members {
            // An entry's own target is what it calls; a shared dependency
            // behind the targets is the single point of failure.
            if targets.contains(member.0) {
                continue;
            }
            needed_by.entry(member).or_default().push(&e.entry_point);
        }
    }
    let mut needed_by: Vec<(NodeIdx, Vec<&str>)> = needed_by.into_iter().collect();
    needed_by.sort_unstable_by_key(|(n, _)| *n);
    for (n, entries) in needed_by {
        if (entries.len() as u32) < ctx.thresholds.spof_entry_points {
            continue;
        }
        let node = &d.nodes[n.0];
        let name = node.display_name();
        out.push(Finding {
            rule: RuleId::SinglePointOfFailure,
            severity: Severity::Warning,
            entry_point: None,
            title: format!(
                "{name} is on the synchronous path of {} entry points ({})",
                entries.len(),
                abbreviated(&entries, ", ", |e| e)
            ),
            explanation: format!(
                "If {name} is down or slow, every one of these entry points fails or slows with it. A dependency shared by many paths deserves redundancy (several instances behind a load balancer, failover), a cache of its data near its callers, or to be reached asynchronously where the answer is not needed at once."
            ),
            nodes: vec![node.id.clone()],
            links: ctx.g.sync_links_into(n),
            suggestions: Vec::new(),
        });
    }
}
