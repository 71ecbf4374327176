//! Requests that start each other for ever: operation A always sends a
//! request whose handler always sends one back to A (directly or round a
//! longer loop). Each reply's continuation would start the next round, so
//! the flow never ends. Only requests every run makes count: one inside a
//! Choice, a fallback or an `on_failure` may not happen, so a loop through
//! it ends with probability 1.

use foldhash::{HashMap, HashMapExt};

use super::Checker;
use crate::model::error::Invalid;
use crate::model::path::FieldPath;
use crate::model::{NodeKind, Step};
use crate::scc::Components;

impl Checker<'_> {
    /// Reports each loop of unconditional requests once, at the steps of
    /// its first operation.
    pub(super) fn endless_requests(&mut self) {
        let d = self.design;
        // Every service operation is a vertex.
        let mut vertex: HashMap<(&str, &str), usize> = HashMap::new();
        let mut ops = Vec::new();
        for (n, node) in d.nodes.iter().enumerate() {
            if let NodeKind::Service(s) = &node.kind {
                for (o, op) in s.operations.iter().enumerate() {
                    vertex.insert((node.id.as_str(), op.name.as_str()), ops.len());
                    ops.push((n, o));
                }
            }
        }
        let mut edges: Vec<Vec<usize>> = vec![Vec::new(); ops.len()];
        for (v, &(n, o)) in ops.iter().enumerate() {
            let node = &d.nodes[n];
            let Some(service) = node.as_service() else {
                continue;
            };
            let mut targets = Vec::new();
            always_requested(&service.operations[o].steps, &mut targets);
            for name in targets {
                let Some(link) = self.names.get(&node.id, name).map(|l| &d.links[l.0]) else {
                    continue;
                };
                let Some(callee) = self
                    .by_id
                    .get(link.to.as_str())
                    .and_then(|t| t.as_service())
                else {
                    continue;
                };
                let op = link
                    .to_op
                    .as_deref()
                    .or_else(|| callee.operations.first().map(|o| o.name.as_str()));
                if let Some(&w) = op.and_then(|op| vertex.get(&(link.to.as_str(), op))) {
                    edges[v].push(w);
                }
            }
        }
        let components = Components::of(ops.len(), |v| edges[v].iter().copied());
        for c in 0..components.len() {
            let members = components.members(c);
            let looping = match members {
                [v] => edges[*v as usize].contains(&(*v as usize)),
                many => many.len() > 1,
            };
            if !looping {
                continue;
            }
            let mut members: Vec<usize> = members.iter().map(|&v| v as usize).collect();
            members.sort_unstable();
            let label = |v: usize| {
                let (n, o) = ops[v];
                let node = &d.nodes[n];
                let op = node
                    .as_service()
                    .map_or("", |s| s.operations[o].name.as_str());
                format!("{}.{op}", node.id)
            };
            let mut cycle: Vec<String> = members.iter().map(|&v| label(v)).collect();
            cycle.push(label(members[0]));
            let (n, o) = ops[members[0]];
            let path = FieldPath::root()
                .field("nodes")
                .index(n)
                .field("kind")
                .field("operations")
                .index(o)
                .field("steps");
            let op = d.nodes[n]
                .as_service()
                .map_or("", |s| s.operations[o].name.as_str());
            self.report(
                path,
                Invalid::EndlessLoop {
                    op: format!("service \"{}\" operation \"{op}\"", d.nodes[n].id),
                    cycle: cycle.join(" -> "),
                },
            );
        }
    }
}

/// The links of the requests every run of `steps` sends: on the main
/// path, in sequences and parallel blocks, and in the `then` of such
/// requests (a reply always comes back when nothing fails); at least once
/// (`times` ≥ 1).
fn always_requested<'s>(steps: &'s [Step], out: &mut Vec<&'s str>) {
    for step in steps {
        match step {
            Step::Request(r) if r.times >= 1.0 => {
                out.push(&r.link);
                always_requested(&r.then, out);
            }
            Step::Sequence(s) | Step::Parallel(s) => always_requested(s, out),
            _ => {}
        }
    }
}
