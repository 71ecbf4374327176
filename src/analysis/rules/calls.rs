//! Calls: timeouts, answers nobody needs, and links no step uses.

use super::Ctx;
use crate::advice::Refactor;
use crate::advice::nice_ms;
use crate::analysis::{Finding, RuleId, Severity};
use crate::model::{LinkIdx, Step, Style, walk};
use crate::numbers::duration;

/// Shortest timeout archsim proposes, ms.
const MIN_TIMEOUT_MS: f64 = 100.0;

pub(super) fn no_timeout(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    for (i, link) in ctx.design.links.iter().enumerate() {
        if !matches!(link.style, Style::Sync | Style::AsyncRequest) || link.timeout_ms.is_some() {
            continue;
        }
        let l = LinkIdx(i);
        let expected = ctx.g.call_latency_ms(l, &ctx.latencies);
        // Three times the expected wait leaves room for variance; no timeout
        // shorter than a tenth of a second.
        let timeout_ms = nice_ms((3.0 * expected).max(MIN_TIMEOUT_MS));
        let blocking = link.style == Style::Sync;
        let (from, to) = ctx.end_names(l);
        out.push(Finding {
            rule: RuleId::NoTimeout,
            severity: if blocking { Severity::Warning } else { Severity::Info },
            entry_point: None,
            title: format!("{from} waits for {to} with no timeout"),
            explanation: format!(
                "Every request-response needs a timeout. If {to} stops answering (it hangs, or the answer is lost), {from} {} for ever{}. A timeout turns an omission into a failure the caller can handle; about {} (three times the expected {}) leaves room for normal variation.",
                if blocking { "keeps a worker waiting" } else { "keeps the request's state" },
                if blocking { ", and once every worker waits, it stops serving anything" } else { "" },
                duration(timeout_ms),
                duration(expected),
            ),
            nodes: vec![link.from.clone(), link.to.clone()],
            links: vec![l],
            suggestions: vec![ctx.suggest(Refactor::AddTimeout { link: l, timeout_ms })],
        });
    }
}

pub(super) fn response_not_needed(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    let mut unneeded: Vec<LinkIdx> = Vec::new();
    for node in &ctx.design.nodes {
        let Some(s) = node.as_service() else { continue };
        for op in &s.operations {
            walk(&op.steps, &mut |step, _| {
                if let Step::Call(c) = step
                    && !c.needs_response
                    && let Some(l) = ctx.g.link_names().get(&node.id, &c.link)
                    && ctx.link(l).style == Style::Sync
                {
                    unneeded.push(l);
                }
            });
        }
    }
    unneeded.sort_unstable();
    unneeded.dedup();
    for l in unneeded {
        let link = ctx.link(l);
        let to_service = ctx.ends(l).is_some_and(|(_, n)| n.as_service().is_some());
        let (from, to) = ctx.end_names(l);
        out.push(Finding {
            rule: RuleId::ResponseNotNeeded,
            severity: Severity::Warning,
            entry_point: None,
            title: format!("{from} waits for {to}'s answer but does not use it"),
            explanation: format!(
                "A synchronous call whose answer nobody needs couples {from} to {to} in time for nothing: the caller waits, holds a worker, and fails if {to} is down. Announce what happened with an event instead; {to} reacts when it can."
            ),
            nodes: vec![link.from.clone(), link.to.clone()],
            links: vec![l],
            suggestions: if to_service {
                vec![ctx.suggest(Refactor::ConvertToEvent { link: l })]
            } else {
                Vec::new()
            },
        });
    }
}

pub(super) fn unused_link(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    for &l in ctx.g.unused_links() {
        let link = ctx.link(l);
        let (from, to) = ctx.end_names(l);
        out.push(Finding {
            rule: RuleId::UnusedLink,
            severity: Severity::Warning,
            entry_point: None,
            title: format!("No step of {from} goes through its link to {to}"),
            explanation: format!(
                "The link is drawn, but none of {from}'s operations has a step that uses it, so the simulation sends nothing over it and the analysis counts no dependency on {to}. Add the step that uses it (a Call, Read, Write, Publish or Request in the operation that talks to {to}), or delete the link if {from} no longer talks to {to}."
            ),
            nodes: vec![link.from.clone(), link.to.clone()],
            links: vec![l],
            suggestions: Vec::new(),
        });
    }
}
