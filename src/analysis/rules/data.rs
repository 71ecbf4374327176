//! Communication through common data: stores written by several services.

use foldhash::{HashSet, HashSetExt};
use std::collections::BTreeMap;

use super::Ctx;
use crate::analysis::{Finding, RuleId, Severity};
use crate::model::{LinkIdx, NodeId, Style};

pub(super) fn shared_writable_store(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    let mut writers: BTreeMap<&NodeId, (Vec<&NodeId>, Vec<LinkIdx>)> = BTreeMap::new();
    let mut seen: HashSet<(&NodeId, &NodeId)> = HashSet::new();
    for (i, l) in ctx.design.links.iter().enumerate() {
        let Some((writer, store)) = ctx.ends(LinkIdx(i)).filter(|(_, n)| n.as_store().is_some())
        else {
            continue;
        };
        let writes = match l.style {
            Style::CommonData => true,
            Style::Sync => ctx.g.link_access(LinkIdx(i)).writes(),
            _ => false,
        };
        if writes && !writer.is_client() {
            let entry = writers.entry(&store.id).or_default();
            if seen.insert((&store.id, &l.from)) {
                entry.0.push(&l.from);
            }
            entry.1.push(LinkIdx(i));
        }
    }
    for (store, (by, links)) in writers {
        if by.len() < 2 {
            continue;
        }
        let names: Vec<&str> = by.iter().map(|w| ctx.name(w)).collect();
        let mut nodes = vec![store.clone()];
        nodes.extend(by.iter().map(|&w| w.clone()));
        out.push(Finding {
            rule: RuleId::SharedWritableStore,
            severity: Severity::Warning,
            entry_point: None,
            title: format!("{} is written by {} services: {}", ctx.name(store), by.len(), names.join(", ")),
            explanation: format!(
                "Services that write the same data are coupled through it (common coupling): the schema is their contract, a change by one breaks the others, and the store's robustness and load are theirs to share. Give {} one owner; the others ask the owner or react to its events.",
                ctx.name(store)
            ),
            nodes,
            links,
            suggestions: Vec::new(),
        });
    }
}
