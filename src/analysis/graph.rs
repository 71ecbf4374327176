//! The design as a graph of operations, for the rules to walk.
//!
//! A vertex is an *endpoint*: one operation of a service, or a broker, store
//! or client as a whole. An edge is a link, from the operation that makes the
//! call to the operation it invokes. Working on operations rather than nodes
//! keeps a callback to `Customer.get_details` apart from
//! `Customer.register`, which publishes the event. Every walk is iterative:
//! a design with a chain of a hundred thousand services must not overflow
//! the stack.

use std::collections::HashMap;

use fixedbitset::FixedBitSet;
use petgraph::Direction;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::model::{Access, Design, LinkIdx, Node, NodeId, NodeIdx, NodeKind, Style};

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
    endpoints: HashMap<Endpoint, NodeIndex>,
    /// Each link's edge.
    edges: Vec<EdgeIndex>,
    /// Node index by id: rules look nodes up per link, so this must not be
    /// a linear search.
    ids: HashMap<&'d str, NodeIdx>,
    /// Each node's endpoints.
    by_node: Vec<Vec<NodeIndex>>,
    /// Each endpoint's `sync` calls in file order: (link, callee).
    sync_adjacency: Vec<Vec<(LinkIdx, NodeIndex)>>,
    /// Every endpoint, callees before callers along `sync` links.
    post_order: Vec<NodeIndex>,
}

impl<'d> DesignGraph<'d> {
    /// Builds the graph of a validated design.
    pub fn new(design: &'d Design) -> Self {
        let index = design.node_index();
        let ids = design
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), NodeIdx(i)))
            .collect();
        let mut graph = DiGraph::with_capacity(design.nodes.len(), design.links.len());
        let mut endpoints = HashMap::new();
        let mut by_node = Vec::with_capacity(design.nodes.len());
        for (n, node) in design.nodes.iter().enumerate() {
            let ops = node.as_service().map_or(1, |s| s.operations.len().max(1));
            let mut own = Vec::with_capacity(ops);
            for op in 0..ops {
                let e = Endpoint {
                    node: NodeIdx(n),
                    op,
                };
                let v = graph.add_node(e);
                endpoints.insert(e, v);
                own.push(v);
            }
            by_node.push(own);
        }
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
        let mut edges = Vec::with_capacity(design.links.len());
        for (i, l) in design.links.iter().enumerate() {
            let (Some(&from), Some(&to)) = (index.get(&l.from), index.get(&l.to)) else {
                continue;
            };
            let a = endpoints[&Endpoint {
                node: from,
                op: op_index(from, l.from_op.as_deref()),
            }];
            let b = endpoints[&Endpoint {
                node: to,
                op: op_index(to, l.to_op.as_deref()),
            }];
            edges.push(graph.add_edge(a, b, LinkIdx(i)));
        }
        let mut sync_adjacency = vec![Vec::new(); graph.node_count()];
        for e in graph.edge_references() {
            if design.links[e.weight().0].style == Style::Sync {
                sync_adjacency[e.source().index()].push((*e.weight(), e.target()));
            }
        }
        for calls in &mut sync_adjacency {
            calls.sort_by_key(|(l, _)| *l);
        }
        let mut g = Self {
            design,
            graph,
            endpoints,
            edges,
            ids,
            by_node,
            sync_adjacency,
            post_order: Vec::new(),
        };
        g.post_order = g.compute_post_order();
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
    pub fn endpoints_of(&self, node: NodeIdx) -> &[NodeIndex] {
        self.by_node.get(node.0).map_or(&[], Vec::as_slice)
    }

    /// The `sync` links that arrive at a node (any of its operations).
    pub fn sync_links_into(&self, node: NodeIdx) -> Vec<LinkIdx> {
        let mut links: Vec<LinkIdx> = self
            .endpoints_of(node)
            .iter()
            .flat_map(|&v| self.graph.edges_directed(v, Direction::Incoming))
            .map(|e| *e.weight())
            .filter(|&l| self.style(l) == Style::Sync)
            .collect();
        links.sort();
        links
    }

    /// The vertex of an endpoint.
    pub fn vertex(&self, e: Endpoint) -> Option<NodeIndex> {
        self.endpoints.get(&e).copied()
    }

    /// The vertex an entry point's requests arrive at.
    pub fn entry_vertex(&self, entry: &crate::model::EntryPoint) -> Option<NodeIndex> {
        let link = self.design.entry_link(entry)?;
        let edge = *self.edges.get(link.0)?;
        let (_, to) = self.graph.edge_endpoints(edge)?;
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
        self.design.links[link.0].style
    }

    /// The `sync` calls an endpoint makes, in file order: (link, callee).
    pub fn sync_calls(&self, v: NodeIndex) -> &[(LinkIdx, NodeIndex)] {
        self.sync_adjacency
            .get(v.index())
            .map_or(&[], Vec::as_slice)
    }

    /// Every endpoint reachable from `start` over `sync` links, `start`
    /// included, in the order first reached.
    pub fn sync_closure(&self, start: NodeIndex) -> Vec<NodeIndex> {
        let mut seen = FixedBitSet::with_capacity(self.graph.node_count());
        let mut order = Vec::new();
        let mut stack = vec![start];
        seen.insert(start.index());
        while let Some(v) = stack.pop() {
            order.push(v);
            for &(_, w) in self.sync_calls(v).iter().rev() {
                if !seen.put(w.index()) {
                    stack.push(w);
                }
            }
        }
        order
    }

    /// The endpoint a link's call lands on.
    pub fn callee(&self, link: LinkIdx) -> Option<NodeIndex> {
        let edge = *self.edges.get(link.0)?;
        self.graph.edge_endpoints(edge).map(|(_, to)| to)
    }

    /// The mean of an endpoint's own work, ms (a service operation's
    /// service time; nothing for other kinds).
    pub fn own_work_ms(&self, v: NodeIndex) -> f64 {
        let e = self.graph[v];
        match &self.design.nodes[e.node.0].kind {
            NodeKind::Service(s) => s
                .operations
                .get(e.op)
                .map_or(0.0, |o| o.service_time.mean_ms()),
            _ => 0.0,
        }
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
        let Some((_, to)) = self
            .edges
            .get(link.0)
            .and_then(|&e| self.graph.edge_endpoints(e))
        else {
            return 0.0;
        };
        let callee = match &self.design.nodes[self.node(to).0].kind {
            NodeKind::DataStore(s) => match l.access {
                Access::Read => s.read_latency.mean_ms(),
                Access::Write => s.write_latency.mean_ms(),
                Access::ReadWrite => s.read_latency.mean_ms() + s.write_latency.mean_ms(),
            },
            _ => callee(to),
        };
        2.0 * l.latency_ms + callee
    }

    /// The expected latency of every endpoint, ms: its own mean work, then
    /// its sync steps one after another (a parallel group costs its slowest
    /// member's mean: a lower bound on the mean of the maximum), each call
    /// repeated `calls_per_request` times and waited for at most its
    /// timeout. Calls that close a cycle add nothing (the cycle is a finding
    /// of its own).
    pub fn expected_latencies_ms(&self) -> Vec<f64> {
        let own: Vec<f64> = self
            .graph
            .node_indices()
            .map(|v| self.own_work_ms(v))
            .collect();
        let mut latency = own.clone();
        for &v in &self.post_order {
            let mut total = own[v.index()];
            let mut groups: Vec<(Option<u32>, f64)> = Vec::new();
            for &(link, _) in self.sync_calls(v) {
                let l = &self.design.links[link.0];
                let wait = self.call_latency_ms(link, &latency);
                let cost = l.calls_per_request * l.timeout_ms.map_or(wait, |t| wait.min(t));
                match (
                    l.parallel_group,
                    groups
                        .iter_mut()
                        .find(|(g, _)| g.is_some() && *g == l.parallel_group),
                ) {
                    (Some(_), Some((_, slowest))) => *slowest = slowest.max(cost),
                    _ => groups.push((l.parallel_group, cost)),
                }
            }
            total += groups.iter().map(|(_, c)| c).sum::<f64>();
            latency[v.index()] = total;
        }
        latency
    }

    /// Every vertex, callees before callers along `sync` links (cycles are
    /// broken where the walk closes them).
    fn compute_post_order(&self) -> Vec<NodeIndex> {
        let n = self.graph.node_count();
        let mut state = vec![0u8; n]; // 0 new, 1 on the stack, 2 done
        let mut order = Vec::with_capacity(n);
        for root in self.graph.node_indices() {
            if state[root.index()] != 0 {
                continue;
            }
            let mut stack: Vec<(NodeIndex, Vec<NodeIndex>)> = vec![(root, self.callees(root))];
            state[root.index()] = 1;
            while let Some((v, pending)) = stack.last_mut() {
                match pending.pop() {
                    Some(w) if state[w.index()] == 0 => {
                        state[w.index()] = 1;
                        let callees = self.callees(w);
                        stack.push((w, callees));
                    }
                    Some(_) => {}
                    None => {
                        state[v.index()] = 2;
                        order.push(*v);
                        stack.pop();
                    }
                }
            }
        }
        order
    }

    fn callees(&self, v: NodeIndex) -> Vec<NodeIndex> {
        self.sync_calls(v).iter().map(|&(_, w)| w).collect()
    }

    /// The longest path of `sync` calls from `start`, by hops, with its
    /// links. Calls that close a cycle are not followed.
    pub fn longest_sync_chain(&self, start: NodeIndex) -> Chain {
        // Longest path in the DAG left once cycle-closing calls are dropped,
        // computed bottom-up over the post-order of what `start` reaches.
        let reach = self.sync_closure(start);
        let mut inside = FixedBitSet::with_capacity(self.graph.node_count());
        for v in &reach {
            inside.insert(v.index());
        }
        let mut best: HashMap<NodeIndex, (usize, Option<(LinkIdx, NodeIndex)>)> = HashMap::new();
        let mut done = FixedBitSet::with_capacity(self.graph.node_count());
        for &v in &self.post_order {
            if !inside.contains(v.index()) {
                continue;
            }
            let mut top = (0, None);
            for &(link, w) in self.sync_calls(v) {
                if !done.contains(w.index()) {
                    continue; // w is v's ancestor in the walk: a cycle
                }
                let hops = best.get(&w).map_or(0, |b| b.0) + 1;
                if hops > top.0 {
                    top = (hops, Some((link, w)));
                }
            }
            best.insert(v, top);
            done.insert(v.index());
        }
        let mut chain = Chain {
            vertices: vec![start],
            links: Vec::new(),
        };
        let mut v = start;
        while let Some(&(_, Some((link, w)))) = best.get(&v) {
            chain.links.push(link);
            chain.vertices.push(w);
            v = w;
        }
        chain
    }

    /// Groups of endpoints that call each other in a cycle over `sync`
    /// links (including a service calling itself).
    pub fn sync_cycles(&self) -> Vec<Vec<NodeIndex>> {
        let sync_only = self.graph.filter_map(
            |_, e| Some(*e),
            |_, l| (self.style(*l) == Style::Sync).then_some(*l),
        );
        petgraph::algo::tarjan_scc(&sync_only)
            .into_iter()
            .filter(|c| c.len() > 1 || c.first().is_some_and(|&v| sync_only.contains_edge(v, v)))
            .map(|mut c| {
                c.sort();
                c
            })
            .collect()
    }

    /// For every vertex, the set of vertices it reaches over `sync` links
    /// (itself excluded unless on a cycle): one bit set per vertex, built
    /// bottom-up in a single pass.
    pub fn sync_reachability(&self) -> Vec<FixedBitSet> {
        let n = self.graph.node_count();
        let mut reach = vec![FixedBitSet::with_capacity(n); n];
        // Vertices of one cycle reach each other; process components of the
        // condensation callees first.
        let sync_only = self.graph.filter_map(
            |_, e| Some(*e),
            |_, l| (self.style(*l) == Style::Sync).then_some(*l),
        );
        let components = petgraph::algo::tarjan_scc(&sync_only); // callees first
        for component in &components {
            let mut set = FixedBitSet::with_capacity(n);
            for &v in component {
                for w in sync_only.neighbors(v) {
                    set.insert(w.index());
                    set.union_with(&reach[w.index()]);
                }
            }
            for &v in component {
                reach[v.index()] = set.clone();
            }
        }
        reach
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
