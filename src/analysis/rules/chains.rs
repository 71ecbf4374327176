//! Blocking calls: long chains, cycles, calls made one after another that
//! could run together, and long work behind a sync call.

use crate::numbers::duration;
use foldhash::{HashSet, HashSetExt};

use super::Ctx;
use super::coupling::background_candidates;
use crate::advice::Refactor;
use crate::analysis::{Finding, RuleId, Severity};
use petgraph::graph::NodeIndex;

use crate::model::{LinkIdx, NodeId, NodeKind, Step, Style};

pub(super) fn long_blocking_chain(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    let max = ctx.thresholds.max_sync_hops as usize;
    for e in &ctx.entries {
        let hops = e.chain_links.len();
        if hops < max.max(1) {
            continue;
        }
        let title = format!(
            "{} runs a chain of {hops} blocking calls through {} services: {}",
            e.entry_point,
            e.chain.len(),
            ctx.path(&e.chain)
        );
        let explanation = format!(
            "Each caller in the chain holds a worker and a connection open while everything below it works: about {:.1} connections are held open along this chain at once at the entry point's rate, and a request spends about {} on it. Any of the {} services or {hops} network hops failing or slowing fails or slows the request, and a slow service at the end backs up every service above it (resource contention, connection exhaustion). Shorten the chain: move work the answer does not depend on to the background, or make calls asynchronous.",
            e.held_connections,
            duration(e.chain_latency_ms),
            e.chain.len(),
        );
        let suggestions = background_candidates(ctx, e, &e.chain_links)
            .into_iter()
            .map(|r| ctx.suggest(r))
            .collect();
        out.push(Finding {
            rule: RuleId::LongBlockingChain,
            severity: Severity::Warning,
            entry_point: Some(e.entry_point.clone()),
            title,
            explanation,
            nodes: e.chain.clone(),
            links: e.chain_links.clone(),
            suggestions,
        });
    }
}

pub(super) fn sync_cycle(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    let g = ctx.g;
    for cycle in g.sync_cycles() {
        let mut nodes: Vec<NodeId> = Vec::new();
        let mut seen = HashSet::new();
        for &v in &cycle {
            if seen.insert(g.node(v)) {
                nodes.push(ctx.design.nodes[g.node(v).0].id.clone());
            }
        }
        let links: Vec<LinkIdx> = cycle
            .iter()
            .flat_map(|&v| g.sync_calls(v).iter().map(move |&(l, w)| (v, l, w)))
            .filter(|&(v, _, w)| g.same_sync_cycle(v, w))
            .map(|(_, l, _)| l)
            .collect();
        let timeouts = links.iter().all(|&l| ctx.link(l).timeout_ms.is_some());
        out.push(Finding {
            rule: RuleId::SyncCycle,
            severity: if timeouts { Severity::Warning } else { Severity::Error },
            entry_point: None,
            title: format!("{} call each other synchronously in a cycle", ctx.path(&nodes)),
            explanation: format!(
                "A request can come back to a service that is already waiting for it. Under load every worker can end up waiting on a call queued behind other waiting workers: thread starvation, and a deadlock that only timeouts break{}. Break the cycle: one direction becomes an event or an asynchronous request.",
                if timeouts { "" } else { " (some calls in this cycle have none)" }
            ),
            nodes,
            links: links.clone(),
            suggestions: links
                .iter()
                .filter(|&&l| queue_fits(ctx, l))
                .map(|&link| ctx.suggest(Refactor::IntroduceQueue { link }))
                .collect(),
        });
    }
}

pub(super) fn sequential_fanout(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    let g = ctx.g;
    let mut reach = g.sync_reachability();
    for v in g.graph.node_indices() {
        // The calls of the operation's own list of steps, one after
        // another (not those already in a parallel block, a branch or a
        // fallback), with the earlier calls each says it uses.
        let Some((id, op)) = g.operation(v) else {
            continue;
        };
        let names = g.link_names();
        let mut sequential: Vec<(LinkIdx, NodeIndex, f64, Vec<LinkIdx>)> = Vec::new();
        for step in &op.steps {
            let (Step::Call(c) | Step::Read(c) | Step::Write(c) | Step::Update(c)) = step else {
                if matches!(step, Step::Reply) {
                    break;
                }
                continue;
            };
            let Some(l) = names.get(id, &c.link) else {
                continue;
            };
            let Some(w) = g.callee(l).filter(|_| ctx.link(l).style == Style::Sync) else {
                continue;
            };
            let uses = c.uses.iter().filter_map(|u| names.get(id, u)).collect();
            sequential.push((l, w, c.times, uses));
        }
        if sequential.len() < 2 {
            continue;
        }
        // Keep calls to different nodes that do not reach each other and
        // do not use each other's results: none can be waiting for
        // another's work.
        let mut independent: Vec<(LinkIdx, NodeIndex, f64)> = Vec::new();
        for (l, w, times, uses) in sequential {
            let clashes = independent.iter().any(|&(k, x, _)| {
                uses.contains(&k)
                    || g.node(x) == g.node(w)
                    || reach.reaches(x, w)
                    || reach.reaches(w, x)
            });
            if !clashes {
                independent.push((l, w, times));
            }
        }
        if independent.len() < 2 {
            continue;
        }
        let caller = &ctx.design.nodes[g.node(v).0];
        let callees: Vec<NodeId> = independent
            .iter()
            .map(|&(_, w, _)| ctx.design.nodes[g.node(w).0].id.clone())
            .collect();
        let costs: Vec<f64> = independent
            .iter()
            .map(|&(l, _, times)| times * g.call_latency_ms(l, &ctx.latencies))
            .collect();
        let sum: f64 = costs.iter().sum();
        let slowest = costs.iter().copied().fold(0.0, f64::max);
        let links: Vec<LinkIdx> = independent.iter().map(|&(l, _, _)| l).collect();
        let mut nodes = vec![caller.id.clone()];
        nodes.extend(callees.iter().cloned());
        out.push(Finding {
            rule: RuleId::SequentialFanout,
            severity: Severity::Warning,
            entry_point: None,
            title: format!(
                "{} calls {} one after another, though none depends on another",
                ctx.name(&caller.id),
                callees.iter().map(|c| ctx.name(c)).collect::<Vec<_>>().join(", ")
            ),
            explanation: format!(
                "Calls made in sequence cost the sum of their latencies (about {}); made in parallel they cost about the slowest one (at least {}, a little more since the slowest of several varies). If none needs another's answer, issue them together and wait for all.",
                duration(sum),
                duration(slowest)
            ),
            nodes,
            links: links.clone(),
            suggestions: vec![ctx.suggest(Refactor::Parallelize { links })],
        });
    }
}

pub(super) fn long_running_sync(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    let g = ctx.g;
    for (i, link) in ctx.design.links.iter().enumerate() {
        let l = LinkIdx(i);
        if link.style != Style::Sync
            || !ctx
                .ends(l)
                .is_some_and(|(_, n)| matches!(n.kind, NodeKind::Service(_)))
        {
            continue;
        }
        // The callee's own work is long, or the whole call outlasts the
        // caller's patience. (A call that is slow only because of what the
        // callee calls is flagged there, not here.)
        let own = g.callee(l).map_or(0.0, |v| g.own_work_ms(v));
        let wait = g.call_latency_ms(l, &ctx.latencies);
        let over_timeout = link.timeout_ms.is_some_and(|t| wait > t);
        if own <= ctx.thresholds.long_running_ms && !over_timeout {
            continue;
        }
        let why = match link.timeout_ms {
            Some(t) if over_timeout => format!(
                "takes about {} on average, longer than the caller's timeout of {}: most calls time out while the work goes on",
                duration(wait),
                duration(t)
            ),
            _ => format!("takes about {} on average", duration(wait)),
        };
        let (from, to) = ctx.end_names(l);
        out.push(Finding {
            rule: RuleId::LongRunningSync,
            severity: if over_timeout { Severity::Error } else { Severity::Warning },
            entry_point: None,
            title: format!("{from} waits synchronously for {to}, which {why}"),
            explanation: format!(
                "A synchronous call holds the caller's worker for the whole of the work. For long-running work (picking and packing, reports, batch jobs) that ties up workers and makes timeouts meaningless. Send the request asynchronously (through a queue) and let {to} report back when it is done: the caller's worker is free in the meantime."
            ),
            nodes: vec![link.from.clone(), link.to.clone()],
            links: vec![l],
            suggestions: queue_fits(ctx, l)
                .then(|| ctx.suggest(Refactor::IntroduceQueue { link: l }))
                .into_iter()
                .collect(),
        });
    }
}

/// Whether a queue can go into the call over `l`: it goes to another
/// service (a service calling itself would, through a queue, send itself
/// requests for ever).
fn queue_fits(ctx: &Ctx<'_, '_>, l: LinkIdx) -> bool {
    ctx.ends(l)
        .is_some_and(|(a, b)| b.as_service().is_some() && a.id != b.id)
}
