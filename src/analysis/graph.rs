//! The design as a graph of operations, for the rules to walk.
//!
//! A vertex is an *endpoint*: one operation of a service, or a broker, store
//! or client as a whole. An edge is a link, from the operation that makes the
//! call to the operation it invokes. Working on operations rather than nodes
//! keeps a callback to `Customer.get_details` apart from
//! `Customer.register`, which publishes the event.
//!
//! A file decides how long a chain is and how many nodes there are, so
//! every walk is iterative (a chain of a hundred thousand services must not
//! overflow the stack) and every table is linear in the design: the
//! endpoints of a node are numbered one after another, the `sync` calls are
//! one flat list, and reachability is answered per question instead of
//! kept as a set per vertex.

use foldhash::HashMap;
use std::collections::VecDeque;

use fixedbitset::FixedBitSet;
use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};

use super::uses::{self, Use};
use crate::model::{Access, Design, LinkIdx, LinkNames, Node, NodeId, NodeIdx, NodeKind, Style};
use crate::scc::Components;

/// Marks a link end that does not exist.
const NO_VERTEX: u32 = u32::MAX;

/// One operation of a node (services), or the node itself (the rest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// The node.
    pub node: NodeIdx,
    /// Index of the operation in the service's list; 0 for other kinds.
    pub op: usize,
}

/// The graph of a design's operations and links.
pub struct DesignGraph<'d> {
    /// The design it describes.
    pub design: &'d Design,
    /// Endpoints and links.
    pub graph: DiGraph<Endpoint, LinkIdx>,
    /// Each link's caller and callee vertex ([`NO_VERTEX`] for a link
    /// whose nodes do not exist).
    link_vertices: Vec<(u32, u32)>,
    /// Each link's style, packed: the rules ask for every link, and the
    /// links themselves are large.
    styles: Vec<Style>,
    /// Node index by id: rules look nodes up per link, so this must not be
    /// a linear search.
    ids: HashMap<&'d str, NodeIdx>,
    /// The first vertex of each node, and the end: a node's endpoints are
    /// numbered one after another.
    first_vertex: Vec<u32>,
    /// Every endpoint's `sync` calls its caller waits for, in step order,
    /// one endpoint after another: (link, callee).
    sync_calls: Vec<(LinkIdx, NodeIndex)>,
    /// Whether each of `sync_calls` is required: its failure fails the
    /// answer (no fallback).
    required: Vec<bool>,
    /// What the steps do at a store, per link (a link to a store used by
    /// several steps counts as its first use).
    link_access: Vec<Access>,
    /// How steps name links.
    names: LinkNames<'d>,
    /// Links no step uses (from services only: other nodes use their
    /// links by what they are).
    unused: Vec<LinkIdx>,
    /// Where each endpoint's calls start in `sync_calls`, and the end.
    sync_starts: Vec<u32>,
    /// Every endpoint, callees before callers along `sync` links.
    post_order: Vec<NodeIndex>,
    /// Each endpoint's next hop on its longest `sync` chain.
    longest_next: Vec<Option<(LinkIdx, NodeIndex)>>,
    /// The strongly connected components along `sync` links.
    components: Components,
}

impl<'d> DesignGraph<'d> {
    /// Builds the graph of a validated design.
    pub fn new(design: &'d Design) -> Self {
        let ids: HashMap<&'d str, NodeIdx> = design
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), NodeIdx(i)))
            .collect();
        let mut graph = DiGraph::with_capacity(design.nodes.len(), design.links.len());
        let mut first_vertex = Vec::with_capacity(design.nodes.len() + 1);
        for (n, node) in design.nodes.iter().enumerate() {
            first_vertex.push(graph.node_count() as u32);
            let ops = node.as_service().map_or(1, |s| s.operations.len().max(1));
            for op in 0..ops {
                graph.add_node(Endpoint {
                    node: NodeIdx(n),
                    op,
                });
            }
        }
        first_vertex.push(graph.node_count() as u32);
        let op_index = |node: NodeIdx, name: Option<&str>| -> usize {
            match (design.nodes[node.0].as_service(), name) {
                (Some(s), Some(name)) => s
                    .operations
                    .iter()
                    .position(|o| o.name == name)
                    .unwrap_or(0),
                _ => 0,
            }
        };
        let vertex = |node: NodeIdx, op: usize| NodeIndex::new(first_vertex[node.0] as usize + op);
        let names = LinkNames::new(design);
        // Each service operation's uses, by link.
        let mut users: Vec<Vec<(usize, Use)>> = vec![Vec::new(); design.links.len()];
        let mut op_uses: Vec<Vec<Use>> = vec![Vec::new(); graph.node_count()];
        for (n, node) in design.nodes.iter().enumerate() {
            let Some(s) = node.as_service() else { continue };
            for (o, op) in s.operations.iter().enumerate() {
                let found = uses::uses(design, &names, &node.id, &op.steps);
                for u in &found {
                    users[u.link.0].push((o, *u));
                }
                op_uses[vertex(NodeIdx(n), o).index()] = found;
            }
        }
        let mut link_vertices = Vec::with_capacity(design.links.len());
        let mut link_access = Vec::with_capacity(design.links.len());
        let mut unused = Vec::new();
        for (i, l) in design.links.iter().enumerate() {
            link_access.push(
                users[i]
                    .first()
                    .map_or(Access::ReadWrite, |(_, u)| u.access),
            );
            let (Some(&from), Some(&to)) = (ids.get(l.from.as_str()), ids.get(l.to.as_str()))
            else {
                link_vertices.push((NO_VERTEX, NO_VERTEX));
                continue;
            };
            let b = vertex(to, op_index(to, l.to_op.as_deref()));
            let service = design.nodes[from.0].as_service().is_some();
            if service && users[i].is_empty() {
                unused.push(LinkIdx(i));
            }
            // A link leaves every operation that uses it; an unused one
            // leaves the first, so the drawing stays whole.
            let callers: Vec<usize> = if users[i].is_empty() {
                vec![0]
            } else {
                users[i].iter().map(|&(o, _)| o).collect()
            };
            for &o in &callers {
                graph.add_edge(vertex(from, o), b, LinkIdx(i));
            }
            link_vertices.push((vertex(from, callers[0]).index() as u32, b.index() as u32));
        }
        let (sync_calls, required, sync_starts) = sync_lists(&op_uses, &link_vertices);
        let mut g = Self {
            design,
            graph,
            link_vertices,
            styles: design.links.iter().map(|l| l.style).collect(),
            ids,
            first_vertex,
            sync_calls,
            required,
            link_access,
            names,
            unused,
            sync_starts,
            post_order: Vec::new(),
            longest_next: Vec::new(),
            components: Components::default(),
        };
        g.post_order = g.compute_post_order();
        g.longest_next = g.compute_longest_next();
        g.components = Components::of(g.graph.node_count(), |v| {
            g.sync_calls(NodeIndex::new(v))
                .iter()
                .map(|&(_, w)| w.index())
        });
        g
    }

    /// The node with id `id`, in constant time.
    pub fn node_by_id(&self, id: &NodeId) -> Option<&'d Node> {
        self.ids.get(id.as_str()).map(|&i| &self.design.nodes[i.0])
    }

    /// The index of the node with id `id`.
    pub fn node_index(&self, id: &NodeId) -> Option<NodeIdx> {
        self.ids.get(id.as_str()).copied()
    }

    /// The endpoints of a node.
    pub fn endpoints_of(&self, node: NodeIdx) -> impl ExactSizeIterator<Item = NodeIndex> + use<> {
        let (first, end) = match (
            self.first_vertex.get(node.0),
            self.first_vertex.get(node.0 + 1),
        ) {
            (Some(&first), Some(&end)) => (first as usize, end as usize),
            _ => (0, 0),
        };
        (first..end).map(NodeIndex::new)
    }

    /// The `sync` links that arrive at a node (any of its operations).
    pub fn sync_links_into(&self, node: NodeIdx) -> Vec<LinkIdx> {
        let mut links: Vec<LinkIdx> = self
            .endpoints_of(node)
            .flat_map(|v| self.graph.edges_directed(v, Direction::Incoming))
            .map(|e| *e.weight())
            .filter(|&l| self.style(l) == Style::Sync)
            .collect();
        links.sort();
        links
    }

    /// The vertex of an endpoint.
    pub fn vertex(&self, e: Endpoint) -> Option<NodeIndex> {
        self.endpoints_of(e.node).nth(e.op)
    }

    /// The vertex an entry point's requests arrive at.
    pub fn entry_vertex(&self, entry: &crate::model::EntryPoint) -> Option<NodeIndex> {
        let link = self.design.entry_link(entry)?;
        let (_, to) = self.link_ends(link)?;
        // The entry's operation overrides the link's.
        match &entry.operation {
            Some(op) => {
                let node = self.graph[to].node;
                let s = self.design.nodes[node.0].as_service()?;
                let op = s.operations.iter().position(|o| &o.name == op)?;
                self.vertex(Endpoint { node, op })
            }
            None => Some(to),
        }
    }

    /// The node of a vertex.
    pub fn node(&self, v: NodeIndex) -> NodeIdx {
        self.graph[v].node
    }

    /// The style of a link.
    pub fn style(&self, link: LinkIdx) -> Style {
        self.styles[link.0]
    }

    /// The `sync` calls an endpoint makes, in file order: (link, callee).
    pub fn sync_calls(&self, v: NodeIndex) -> &[(LinkIdx, NodeIndex)] {
        match (
            self.sync_starts.get(v.index()),
            self.sync_starts.get(v.index() + 1),
        ) {
            (Some(&a), Some(&b)) => &self.sync_calls[a as usize..b as usize],
            _ => &[],
        }
    }

    /// Every endpoint reachable from `start` over required `sync` calls
    /// (see [`Self::required_calls`]), `start` included, in the order
    /// first reached: what must be up for `start` to answer.
    pub fn sync_closure(&self, start: NodeIndex) -> Vec<NodeIndex> {
        self.sync_closure_marking(start, &mut FixedBitSet::new())
    }

    /// [`Self::sync_closure`] with the caller's marks (one per vertex,
    /// all clear), which it leaves clear again: a caller that asks for
    /// many closures pays for what each reaches, not for the design's size
    /// each time.
    pub fn sync_closure_marking(&self, start: NodeIndex, seen: &mut FixedBitSet) -> Vec<NodeIndex> {
        seen.grow(self.graph.node_count());
        let mut order = Vec::new();
        let mut stack = vec![start];
        seen.insert(start.index());
        while let Some(v) = stack.pop() {
            order.push(v);
            let required: Vec<NodeIndex> = self.required_calls(v).map(|(_, w)| w).collect();
            for &w in required.iter().rev() {
                if !seen.put(w.index()) {
                    stack.push(w);
                }
            }
        }
        for v in &order {
            seen.set(v.index(), false);
        }
        order
    }

    /// The endpoint a link's call lands on.
    pub fn callee(&self, link: LinkIdx) -> Option<NodeIndex> {
        self.link_ends(link).map(|(_, to)| to)
    }

    /// The endpoints a link joins: the caller's and the callee's.
    pub fn link_ends(&self, link: LinkIdx) -> Option<(NodeIndex, NodeIndex)> {
        match self.link_vertices.get(link.0) {
            Some(&(a, b)) if a != NO_VERTEX => {
                Some((NodeIndex::new(a as usize), NodeIndex::new(b as usize)))
            }
            _ => None,
        }
    }

    /// The nodes a link joins, found without looking their ids up: the
    /// rules ask this for every link.
    pub fn link_nodes(&self, link: LinkIdx) -> Option<(&'d Node, &'d Node)> {
        let (a, b) = self.link_ends(link)?;
        let nodes = &self.design.nodes;
        Some((&nodes[self.node(a).0], &nodes[self.node(b).0]))
    }

    /// The mean of an endpoint's own work, ms (a service operation's
    /// work steps on its main path; nothing for other kinds).
    pub fn own_work_ms(&self, v: NodeIndex) -> f64 {
        let e = self.graph[v];
        match &self.design.nodes[e.node.0].kind {
            NodeKind::Service(s) => s.operations.get(e.op).map_or(0.0, |o| o.mean_work_ms()),
            _ => 0.0,
        }
    }

    /// The `sync` calls of an endpoint whose failure fails its answer (no
    /// fallback): the ones that couple it to the callee in time.
    pub fn required_calls(&self, v: NodeIndex) -> impl Iterator<Item = (LinkIdx, NodeIndex)> + '_ {
        let start = self.sync_starts.get(v.index()).copied().unwrap_or(0) as usize;
        self.sync_calls(v)
            .iter()
            .enumerate()
            .filter(move |(i, _)| self.required[start + i])
            .map(|(_, &c)| c)
    }

    /// What the steps do at the store `link` goes to (its first use).
    pub fn link_access(&self, link: LinkIdx) -> Access {
        self.link_access
            .get(link.0)
            .copied()
            .unwrap_or(Access::ReadWrite)
    }

    /// Links of services that no step uses.
    pub fn unused_links(&self) -> &[LinkIdx] {
        &self.unused
    }

    /// How steps name links in this design.
    pub fn link_names(&self) -> &LinkNames<'d> {
        &self.names
    }

    /// One hop of a chain alone: the network both ways plus the callee's
    /// own work (or a store's access), ms.
    pub fn hop_ms(&self, link: LinkIdx) -> f64 {
        self.call_ms(link, |to| self.own_work_ms(to))
    }

    /// The mean time a call over `link` takes, as its caller waits for it:
    /// the network both ways plus the callee's expected latency.
    pub fn call_latency_ms(&self, link: LinkIdx, latencies: &[f64]) -> f64 {
        self.call_ms(link, |to| latencies[to.index()])
    }

    /// The network both ways over `link`, plus a store's access time or,
    /// for a service, `callee` of the endpoint called.
    fn call_ms(&self, link: LinkIdx, callee: impl Fn(NodeIndex) -> f64) -> f64 {
        let l = &self.design.links[link.0];
        let Some(to) = self.callee(link) else {
            return 0.0;
        };
        let callee = match &self.design.nodes[self.node(to).0].kind {
            NodeKind::DataStore(s) => match self.link_access[link.0] {
                Access::Read => s.read_latency.mean_ms(),
                Access::Write => s.write_latency.mean_ms(),
                Access::ReadWrite => s.read_latency.mean_ms() + s.write_latency.mean_ms(),
            },
            _ => callee(to),
        };
        2.0 * l.latency.mean_ms() + callee
    }

    /// The expected latency of every endpoint, ms: the expected time until
    /// its caller has the answer ([`uses::answer_ms`]). Calls that close a
    /// cycle add nothing (the cycle is a finding of its own).
    pub fn expected_latencies_ms(&self) -> Vec<f64> {
        let mut latency: Vec<f64> = self
            .graph
            .node_indices()
            .map(|v| match self.operation(v) {
                Some(_) => 0.0,
                None => self.own_work_ms(v),
            })
            .collect();
        let mut done = FixedBitSet::with_capacity(latency.len());
        for &v in &self.post_order {
            if let Some((id, op)) = self.operation(v) {
                let call_ms = |link: LinkIdx, _access: Access| -> f64 {
                    let l = &self.design.links[link.0];
                    match self.callee(link) {
                        Some(to) if l.style == Style::Sync && done.contains(to.index()) => {
                            let wait = self.call_latency_ms(link, &latency);
                            l.timeout_ms.map_or(wait, |t| wait.min(t))
                        }
                        _ => 0.0,
                    }
                };
                latency[v.index()] = uses::answer_ms(&self.names, id, &op.steps, &call_ms);
            }
            done.insert(v.index());
        }
        latency
    }

    /// The service operation at a vertex, with its node's id.
    pub fn operation(&self, v: NodeIndex) -> Option<(&'d NodeId, &'d crate::model::Operation)> {
        let e = self.graph[v];
        let node = &self.design.nodes[e.node.0];
        Some((&node.id, node.as_service()?.operations.get(e.op)?))
    }

    /// Every vertex, callees before callers along `sync` links (cycles are
    /// broken where the walk closes them).
    fn compute_post_order(&self) -> Vec<NodeIndex> {
        let n = self.graph.node_count();
        let mut state = vec![0u8; n]; // 0 new, 1 on the stack, 2 done
        let mut order = Vec::with_capacity(n);
        // (vertex, how many of its calls were looked at), newest last.
        let mut stack: Vec<(NodeIndex, usize)> = Vec::new();
        for root in self.graph.node_indices() {
            if state[root.index()] != 0 {
                continue;
            }
            state[root.index()] = 1;
            stack.push((root, 0));
            while let Some((v, looked)) = stack.last_mut() {
                let v = *v;
                // Calls are looked at last first, as the walk always did.
                let calls = self.sync_calls(v);
                let Some(&(_, w)) = calls.len().checked_sub(*looked + 1).map(|i| &calls[i]) else {
                    state[v.index()] = 2;
                    order.push(v);
                    stack.pop();
                    continue;
                };
                *looked += 1;
                if state[w.index()] == 0 {
                    state[w.index()] = 1;
                    stack.push((w, 0));
                }
            }
        }
        order
    }

    /// For every vertex, the next hop of its longest path of `sync` calls:
    /// longest path in the graph left once cycle-closing calls are
    /// dropped, bottom-up over the post-order (a call to a vertex not done
    /// yet closes a cycle).
    fn compute_longest_next(&self) -> Vec<Option<(LinkIdx, NodeIndex)>> {
        let n = self.graph.node_count();
        let mut hops = vec![0usize; n];
        let mut next = vec![None; n];
        let mut done = FixedBitSet::with_capacity(n);
        for &v in &self.post_order {
            for &(link, w) in self.sync_calls(v) {
                if !done.contains(w.index()) {
                    continue; // w is v's ancestor in the walk: a cycle
                }
                if hops[w.index()] + 1 > hops[v.index()] {
                    hops[v.index()] = hops[w.index()] + 1;
                    next[v.index()] = Some((link, w));
                }
            }
            done.insert(v.index());
        }
        next
    }

    /// The longest path of `sync` calls from `start`, by hops, with its
    /// links. Calls that close a cycle are not followed.
    pub fn longest_sync_chain(&self, start: NodeIndex) -> Chain {
        let mut chain = Chain {
            vertices: vec![start],
            links: Vec::new(),
        };
        let mut v = start;
        while let Some(&Some((link, w))) = self.longest_next.get(v.index()) {
            chain.links.push(link);
            chain.vertices.push(w);
            v = w;
        }
        chain
    }

    /// Groups of endpoints that call each other in a cycle over `sync`
    /// links (including a service calling itself), each sorted.
    pub fn sync_cycles(&self) -> Vec<Vec<NodeIndex>> {
        (0..self.components.len())
            .filter(|&c| self.is_cyclic(c))
            .map(|c| {
                let mut members: Vec<NodeIndex> = self
                    .components
                    .members(c)
                    .iter()
                    .map(|&v| NodeIndex::new(v as usize))
                    .collect();
                members.sort();
                members
            })
            .collect()
    }

    /// Whether two endpoints are in the same cycle of `sync` calls (or are
    /// one endpoint that is on a cycle).
    pub fn same_sync_cycle(&self, a: NodeIndex, b: NodeIndex) -> bool {
        let c = self.components.component_of(a.index());
        c == self.components.component_of(b.index()) && self.is_cyclic(c)
    }

    /// Whether component `c` is a cycle: more than one vertex, or one that
    /// calls itself.
    fn is_cyclic(&self, c: usize) -> bool {
        match self.components.members(c) {
            [v] => {
                let v = NodeIndex::new(*v as usize);
                self.sync_calls(v).iter().any(|&(_, w)| w == v)
            }
            members => members.len() > 1,
        }
    }

    /// Answers "does this vertex reach that one over `sync` links?" for
    /// the rules that compare calls.
    pub fn sync_reachability(&self) -> SyncReach<'_, 'd> {
        SyncReach::new(self)
    }
}

/// Every endpoint's waited-for `sync` calls in step order, as one flat
/// list with their required flags, and where each endpoint's part starts.
fn sync_lists(
    op_uses: &[Vec<Use>],
    link_vertices: &[(u32, u32)],
) -> (Vec<(LinkIdx, NodeIndex)>, Vec<bool>, Vec<u32>) {
    let mut calls = Vec::new();
    let mut required = Vec::new();
    let mut starts = Vec::with_capacity(op_uses.len() + 1);
    for found in op_uses {
        starts.push(calls.len() as u32);
        for u in found.iter().filter(|u| u.waited) {
            let Some(&(_, to)) = link_vertices.get(u.link.0).filter(|(a, _)| *a != NO_VERTEX)
            else {
                continue;
            };
            calls.push((u.link, NodeIndex::new(to as usize)));
            required.push(u.required);
        }
    }
    starts.push(calls.len() as u32);
    (calls, required, starts)
}

/// Reachability over `sync` links, one question at a time, in memory
/// linear in the design (a set per vertex would be quadratic: a million
/// clients took gigabytes).
///
/// A vertex only reaches vertices whose component comes earlier in the
/// graph's topological order, so each question is a walk from the first
/// vertex that never leaves the part of the order between the two. All
/// questions together may visit at most [`SyncReach::BUDGET_PER_ELEMENT`]
/// times the design's vertices and calls; once that is spent, every answer
/// is "maybe" (`true`), so a rule that acts on independence stays silent
/// rather than guess, and no design can make the analysis quadratic.
pub struct SyncReach<'g, 'd> {
    g: &'g DesignGraph<'d>,
    /// Position of each component in a topological order, callers first.
    position: Vec<u32>,
    /// The question each vertex was last visited for.
    visited: Vec<u32>,
    question: u32,
    stack: Vec<NodeIndex>,
    budget: usize,
}

impl<'g, 'd> SyncReach<'g, 'd> {
    /// How many vertex visits per vertex and call of the design all
    /// questions may make together.
    pub const BUDGET_PER_ELEMENT: usize = 16;

    fn new(g: &'g DesignGraph<'d>) -> Self {
        let components = &g.components;
        // Tarjan's order has callees first; a breadth-first order of the
        // components from the callers keeps related vertices close, so the
        // walks stay short.
        let count = components.len();
        let mut callers = vec![0u32; count];
        for c in 0..count {
            for &v in components.members(c) {
                for &(_, w) in g.sync_calls(NodeIndex::new(v as usize)) {
                    let d = components.component_of(w.index());
                    if d != c {
                        callers[d] += 1;
                    }
                }
            }
        }
        let mut queue: VecDeque<usize> = (0..count).rev().filter(|&c| callers[c] == 0).collect();
        let mut position = vec![0u32; count];
        let mut next = 0u32;
        while let Some(c) = queue.pop_front() {
            position[c] = next;
            next += 1;
            for &v in components.members(c) {
                for &(_, w) in g.sync_calls(NodeIndex::new(v as usize)) {
                    let d = components.component_of(w.index());
                    if d != c {
                        callers[d] -= 1;
                        if callers[d] == 0 {
                            queue.push_back(d);
                        }
                    }
                }
            }
        }
        let n = g.graph.node_count();
        Self {
            g,
            position,
            visited: vec![0; n],
            question: 0,
            stack: Vec::new(),
            budget: Self::BUDGET_PER_ELEMENT * (n + g.sync_calls.len()),
        }
    }

    fn position_of(&self, v: NodeIndex) -> u32 {
        self.position[self.g.components.component_of(v.index())]
    }

    /// Whether `from` reaches `to` over one or more `sync` calls (`true`
    /// also when the budget is spent and the answer is not known).
    pub fn reaches(&mut self, from: NodeIndex, to: NodeIndex) -> bool {
        if self.g.components.component_of(from.index())
            == self.g.components.component_of(to.index())
        {
            return from != to || self.g.same_sync_cycle(from, to);
        }
        let target = self.position_of(to);
        if self.position_of(from) > target {
            return false;
        }
        self.question += 1;
        self.stack.clear();
        self.stack.push(from);
        self.visited[from.index()] = self.question;
        while let Some(v) = self.stack.pop() {
            if self.budget == 0 {
                return true;
            }
            self.budget -= 1;
            for &(_, w) in self.g.sync_calls(v) {
                if w == to {
                    return true;
                }
                // Past `to`'s component in the order: cannot lead to it.
                if self.visited[w.index()] != self.question && self.position_of(w) <= target {
                    self.visited[w.index()] = self.question;
                    self.stack.push(w);
                }
            }
        }
        false
    }
}

/// A path of `sync` calls.
#[derive(Debug, Clone, PartialEq)]
pub struct Chain {
    /// The endpoints along it, the first one calling.
    pub vertices: Vec<NodeIndex>,
    /// The links between them.
    pub links: Vec<LinkIdx>,
}

impl Chain {
    /// Number of sync hops.
    pub fn hops(&self) -> usize {
        self.links.len()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use rand::{RngExt as _, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    use super::*;
    use crate::model::{Distribution, Link, Node, Position, Service};

    /// `n` services with `links` random sync calls among them, cycles
    /// and self-calls included.
    fn random_design(seed: u64, n: usize, links: usize) -> Design {
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let mut d = Design::new("random");
        for i in 0..n {
            d.nodes.push(Node {
                id: format!("s{i}").as_str().into(),
                name: String::new(),
                pos: Position::default(),
                notes: String::new(),
                kind: NodeKind::Service(Service::simple(1, Distribution::Constant { ms: 1.0 })),
            });
        }
        for _ in 0..links {
            let (a, b) = (rng.random_range(0..n), rng.random_range(0..n));
            d.links.push(Link::new(
                format!("s{a}").as_str(),
                format!("s{b}").as_str(),
                Style::Sync,
            ));
        }
        d.use_every_link(1.0);
        d
    }

    /// Whether `from` reaches `to` over one or more sync calls, by a plain
    /// search of everything.
    fn reaches_by_search(g: &DesignGraph<'_>, from: NodeIndex, to: NodeIndex) -> bool {
        let mut seen = HashSet::new();
        let mut stack: Vec<NodeIndex> = g.sync_calls(from).iter().map(|&(_, w)| w).collect();
        while let Some(v) = stack.pop() {
            if v == to {
                return true;
            }
            if seen.insert(v) {
                stack.extend(g.sync_calls(v).iter().map(|&(_, w)| w));
            }
        }
        false
    }

    #[test]
    fn reachability_answers_as_a_plain_search_does() {
        for seed in 0..20 {
            let n = 3 + seed as usize * 2;
            let d = random_design(seed, n, n + seed as usize % 7 * 3);
            let g = DesignGraph::new(&d);
            let mut reach = g.sync_reachability();
            // Every pair is asked, far more than a rule asks.
            reach.budget = usize::MAX;
            for a in g.graph.node_indices() {
                for b in g.graph.node_indices() {
                    assert_eq!(
                        reach.reaches(a, b),
                        reaches_by_search(&g, a, b),
                        "seed {seed}: {a:?} to {b:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn cycles_are_found_with_their_members() {
        // s0 → s1 → s2 → s0, s3 → s3, s4 → s0.
        let mut d = random_design(0, 5, 0);
        for (a, b) in [(0, 1), (1, 2), (2, 0), (3, 3), (4, 0)] {
            d.links.push(Link::new(
                format!("s{a}").as_str(),
                format!("s{b}").as_str(),
                Style::Sync,
            ));
        }
        d.use_every_link(1.0);
        let g = DesignGraph::new(&d);
        let v = NodeIndex::new;
        assert_eq!(g.sync_cycles(), vec![vec![v(0), v(1), v(2)], vec![v(3)]]);
        assert!(g.same_sync_cycle(v(0), v(2)));
        assert!(!g.same_sync_cycle(v(4), v(0)));
        // The longest chain from s4 stops where the cycle would close.
        assert_eq!(g.longest_sync_chain(v(4)).hops(), 3);
    }

    #[test]
    fn a_spent_budget_answers_maybe() {
        let d = random_design(3, 200, 600);
        let g = DesignGraph::new(&d);
        let mut reach = g.sync_reachability();
        reach.budget = 0;
        let (a, b) = g
            .graph
            .node_indices()
            .flat_map(|a| g.graph.node_indices().map(move |b| (a, b)))
            .find(|&(a, b)| {
                g.components.component_of(a.index()) != g.components.component_of(b.index())
                    && !reaches_by_search(&g, a, b)
                    && reach.position_of(a) < reach.position_of(b)
            })
            .expect("an unreachable pair the order alone cannot rule out");
        assert!(reach.reaches(a, b), "unknown is reported as maybe");
    }
}
