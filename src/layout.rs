//! Automatic layout: a layered drawing, left to right along the direction
//! of calls.
//!
//! A design reads like a sentence: load enters at the clients on the left
//! and flows to the right through the services that are called, the
//! brokers that carry events and the stores that hold data. [`layered`]
//! computes such positions for every node, the same positions for the same
//! design every time. It is a pure function of the design (no GUI), so the
//! app's "Auto layout", the command line and reports all share it. It never
//! runs on its own: the app applies it only when asked.
//!
//! The method is the classic layered (Sugiyama) scheme, kept simple:
//! 1. cycles are broken by a depth-first search from the clients, ignoring
//!    the edges that close a cycle;
//! 2. each node goes to the layer after its furthest caller (longest path),
//!    and nodes nobody calls except clients move next to what they feed;
//! 3. nodes within a layer are ordered by the mean position of their
//!    neighbours (barycentre sweeps), which removes most crossings;
//! 4. each node sits level with its callers where there is room, so a
//!    chain of calls is a straight line.

use std::cmp::Ordering;

use crate::model::{Design, Position};

/// Spacing of the layered layout, in graph units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayoutOptions {
    /// Horizontal distance between the centres of two adjacent layers.
    pub layer_gap: f32,
    /// Smallest vertical distance between the centres of two nodes in one
    /// layer.
    pub row_gap: f32,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        // Wide enough for the widest node (160) plus a link long enough to
        // show its style and technology label; tall enough for two boxes
        // and a gap.
        Self {
            layer_gap: 240.0,
            row_gap: 110.0,
        }
    }
}

/// The layered positions of every node of `design`, in the order of
/// `design.nodes`, with the default spacing.
pub fn layered(design: &Design) -> Vec<Position> {
    layered_with(design, &LayoutOptions::default())
}

/// The layered positions of every node of `design`, in the order of
/// `design.nodes`.
pub fn layered_with(design: &Design, options: &LayoutOptions) -> Vec<Position> {
    let n = design.nodes.len();
    if n == 0 {
        return Vec::new();
    }
    let succ = call_edges(design);
    let is_client: Vec<bool> = design.nodes.iter().map(|node| node.is_client()).collect();
    let dag = break_cycles(&succ, &is_client);
    let mut pred = vec![Vec::new(); n];
    for (v, ws) in dag.iter().enumerate() {
        for &w in ws {
            pred[w].push(v);
        }
    }
    let layer = assign_layers(&dag, &pred, &is_client);
    let layers = order_layers(&layer, &dag, &pred);
    place(&layers, &pred, options, n)
}

/// The edges of the drawing's flow, deduplicated, as successor lists by node
/// index. A request through a queue (`via`) flows through the queue; a
/// dead-letter queue sits after the consumer that gives messages up.
fn call_edges(design: &Design) -> Vec<Vec<usize>> {
    let index = design.node_index();
    let find = |id| index.get(id).map(|i| i.0);
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); design.nodes.len()];
    // Edges already added: a broker with a million subscribers must not
    // search its list for each.
    let mut added = foldhash::HashSet::default();
    let mut add = |a: usize, b: usize| {
        if a != b && added.insert((a, b)) {
            succ[a].push(b);
        }
    };
    for link in &design.links {
        let (Some(from), Some(to)) = (find(&link.from), find(&link.to)) else {
            continue;
        };
        match link.via.as_ref().and_then(&find) {
            Some(via) => {
                add(from, via);
                add(via, to);
            }
            None => add(from, to),
        }
        if let Some(dlq) = link.dead_letter.as_ref().and_then(&find) {
            add(to, dlq);
        }
    }
    succ
}

/// The edges of `succ` without those that close a cycle, found by an
/// iterative depth-first search that starts at the clients, then at nodes
/// nobody calls, then anywhere (all in file order), so the result is
/// deterministic and load flows away from the clients.
fn break_cycles(succ: &[Vec<usize>], is_client: &[bool]) -> Vec<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnStack,
        Done,
    }
    let n = succ.len();
    let mut has_pred = vec![false; n];
    for ws in succ {
        for &w in ws {
            has_pred[w] = true;
        }
    }
    let roots = (0..n)
        .filter(|&v| is_client[v])
        .chain((0..n).filter(|&v| !is_client[v] && !has_pred[v]))
        .chain(0..n);
    let mut mark = vec![Mark::New; n];
    let mut dag = vec![Vec::new(); n];
    for root in roots {
        if mark[root] != Mark::New {
            continue;
        }
        mark[root] = Mark::OnStack;
        let mut stack = vec![(root, 0usize)];
        while let Some((v, next)) = stack.last_mut() {
            let v = *v;
            if let Some(&w) = succ[v].get(*next) {
                *next += 1;
                match mark[w] {
                    Mark::New => {
                        dag[v].push(w);
                        mark[w] = Mark::OnStack;
                        stack.push((w, 0));
                    }
                    Mark::Done => dag[v].push(w),
                    // `w` is an ancestor: this edge closes a cycle.
                    Mark::OnStack => {}
                }
            } else {
                mark[v] = Mark::Done;
                stack.pop();
            }
        }
    }
    dag
}

/// The layer of each node: one more than its furthest predecessor. A node
/// that only feeds others (not a client) moves right, next to the first
/// node it feeds, so a store read by a deep service sits beside it rather
/// than among the clients.
fn assign_layers(dag: &[Vec<usize>], pred: &[Vec<usize>], is_client: &[bool]) -> Vec<usize> {
    let n = dag.len();
    let order = topological_order(dag, pred);
    let mut layer = vec![0usize; n];
    for &v in &order {
        for &w in &dag[v] {
            layer[w] = layer[w].max(layer[v] + 1);
        }
    }
    for &v in order.iter().rev() {
        if is_client[v] || !pred[v].is_empty() {
            continue;
        }
        if let Some(first_fed) = dag[v].iter().map(|&w| layer[w]).min() {
            layer[v] = first_fed.saturating_sub(1);
        }
    }
    layer
}

/// Kahn's algorithm, taking ready nodes in index order.
fn topological_order(dag: &[Vec<usize>], pred: &[Vec<usize>]) -> Vec<usize> {
    let n = dag.len();
    let mut waiting: Vec<usize> = pred.iter().map(Vec::len).collect();
    let mut ready: std::collections::BTreeSet<usize> =
        (0..n).filter(|&v| waiting[v] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(v) = ready.pop_first() {
        order.push(v);
        for &w in &dag[v] {
            waiting[w] -= 1;
            if waiting[w] == 0 {
                ready.insert(w);
            }
        }
    }
    order
}

/// The nodes of each layer, top to bottom, ordered by barycentre sweeps:
/// each node moves to the mean relative position of its neighbours in the
/// layers before (downward sweep) or after it (upward sweep).
fn order_layers(layer: &[usize], dag: &[Vec<usize>], pred: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const SWEEPS: usize = 4;
    let depth = layer.iter().copied().max().unwrap_or(0) + 1;
    let mut layers = vec![Vec::new(); depth];
    for (v, &l) in layer.iter().enumerate() {
        layers[l].push(v);
    }
    // Relative position (0..1) of each node in its layer.
    let mut rank = vec![0.0f32; layer.len()];
    let update_rank = |rank: &mut Vec<f32>, nodes: &[usize]| {
        let len = nodes.len() as f32;
        for (i, &v) in nodes.iter().enumerate() {
            rank[v] = (i as f32 + 0.5) / len;
        }
    };
    for nodes in &layers {
        update_rank(&mut rank, nodes);
    }
    let sort_by = |nodes: &mut Vec<usize>, rank: &[f32], neighbours: &[Vec<usize>]| {
        let key = |v: usize| {
            let ns = &neighbours[v];
            if ns.is_empty() {
                rank[v]
            } else {
                ns.iter().map(|&u| rank[u]).sum::<f32>() / ns.len() as f32
            }
        };
        // Stable, with the current order breaking ties: deterministic.
        nodes.sort_by(|&a, &b| key(a).partial_cmp(&key(b)).unwrap_or(Ordering::Equal));
    };
    for _ in 0..SWEEPS {
        for nodes in layers.iter_mut().skip(1) {
            sort_by(nodes, &rank, pred);
            update_rank(&mut rank, nodes);
        }
        for nodes in layers.iter_mut().rev().skip(1) {
            sort_by(nodes, &rank, dag);
            update_rank(&mut rank, nodes);
        }
    }
    layers
}

/// Positions from the ordered layers: x by layer; y level with the node's
/// predecessors where there is room, at least `row_gap` apart, each layer
/// balanced around where its nodes would like to be.
fn place(
    layers: &[Vec<usize>],
    pred: &[Vec<usize>],
    options: &LayoutOptions,
    n: usize,
) -> Vec<Position> {
    let mut y = vec![0.0f32; n];
    let mut x = vec![0.0f32; n];
    for (l, nodes) in layers.iter().enumerate() {
        let wanted: Vec<f32> = nodes
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                let placed: Vec<f32> = pred[v].iter().map(|&u| y[u]).collect();
                if placed.is_empty() {
                    (i as f32 - (nodes.len() as f32 - 1.0) / 2.0) * options.row_gap
                } else {
                    placed.iter().sum::<f32>() / placed.len() as f32
                }
            })
            .collect();
        let mut ys = Vec::with_capacity(nodes.len());
        for (i, &want) in wanted.iter().enumerate() {
            let lowest = if i == 0 {
                f32::NEG_INFINITY
            } else {
                ys[i - 1] + options.row_gap
            };
            ys.push(want.max(lowest));
        }
        let shift = ys.iter().zip(&wanted).map(|(a, b)| a - b).sum::<f32>() / ys.len() as f32;
        for (&v, yv) in nodes.iter().zip(&ys) {
            y[v] = yv - shift;
            x[v] = l as f32 * options.layer_gap;
        }
    }
    let top = y.iter().copied().fold(f32::INFINITY, f32::min);
    x.iter()
        .zip(&y)
        .map(|(&x, &y)| Position {
            x: x.round(),
            y: (y - top).round(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Distribution, Link, Node, NodeKind, Service, Style};
    use proptest::prelude::*;

    fn node(id: &str, kind: NodeKind) -> Node {
        Node {
            id: id.into(),
            name: id.to_owned(),
            pos: Position::default(),
            notes: String::new(),
            kind,
        }
    }

    fn service(id: &str) -> Node {
        node(
            id,
            NodeKind::Service(Service::simple(1, Distribution::ZERO)),
        )
    }

    /// A design of services `s0..sn` with sync links `edges`.
    fn design(n: usize, edges: &[(usize, usize)]) -> Design {
        let mut d = Design::new("t");
        d.nodes = (0..n).map(|i| service(&format!("s{i}"))).collect();
        d.links = edges
            .iter()
            .map(|&(a, b)| {
                Link::new(
                    format!("s{a}").as_str(),
                    format!("s{b}").as_str(),
                    Style::Sync,
                )
            })
            .collect();
        d
    }

    fn assert_callers_left_of_callees(d: &Design, pos: &[Position]) {
        let index = d.node_index();
        for l in &d.links {
            let (a, b) = (index[&l.from].0, index[&l.to].0);
            if a != b {
                assert!(pos[a].x < pos[b].x, "{} is not left of {}", l.from, l.to);
            }
        }
    }

    fn assert_no_two_on_one_spot(pos: &[Position]) {
        for (i, a) in pos.iter().enumerate() {
            for b in &pos[i + 1..] {
                assert!(a != b, "two nodes at {a:?}");
            }
        }
    }

    #[test]
    fn an_empty_design_has_no_positions() {
        assert!(layered(&Design::new("empty")).is_empty());
    }

    #[test]
    fn a_chain_is_a_straight_line_from_the_client() {
        let mut d = design(3, &[(0, 1), (1, 2)]);
        d.nodes.insert(0, node("shopper", NodeKind::Client));
        d.links.insert(0, Link::new("shopper", "s0", Style::Sync));
        let pos = layered(&d);
        assert_eq!(pos[0].x, 0.0);
        assert!(pos.iter().all(|p| p.y == pos[0].y), "{pos:?}");
        assert_callers_left_of_callees(&d, &pos);
    }

    #[test]
    fn the_built_in_example_lays_out_left_to_right() {
        let d = crate::library::example(crate::library::DEFAULT_EXAMPLE);
        let pos = layered(&d);
        assert_eq!(pos.len(), d.nodes.len());
        assert_callers_left_of_callees(&d, &pos);
        assert_no_two_on_one_spot(&pos);
    }

    #[test]
    fn a_store_fed_only_by_a_deep_service_sits_beside_it() {
        // s0 -> s1 -> s2, and a store that only pushes data to s2.
        let mut d = design(3, &[(0, 1), (1, 2)]);
        let store = crate::model::DataStore {
            kind: crate::model::StoreKind::Database,
            read_latency: Distribution::ZERO,
            write_latency: Distribution::ZERO,
            connections: None,
            poll_interval_s: 1.0,
            availability: crate::model::Availability::Always,
        };
        d.nodes.push(node("db", NodeKind::DataStore(store)));
        d.links.push(Link::new("db", "s2", Style::CommonData));
        let pos = layered(&d);
        assert_eq!(pos[3].x, pos[1].x);
        assert_callers_left_of_callees(&d, &pos);
        assert_no_two_on_one_spot(&pos);
    }

    #[test]
    fn cycles_and_self_links_terminate_with_distinct_spots() {
        let d = design(4, &[(0, 1), (1, 2), (2, 0), (2, 2), (3, 3), (2, 3), (3, 1)]);
        let pos = layered(&d);
        assert_eq!(pos.len(), 4);
        assert_no_two_on_one_spot(&pos);
        assert!(pos.iter().all(|p| p.x.is_finite() && p.y.is_finite()));
    }

    #[test]
    fn links_to_unknown_nodes_are_ignored() {
        let mut d = design(2, &[(0, 1)]);
        d.links.push(Link::new("s0", "ghost", Style::Sync));
        assert_eq!(layered(&d).len(), 2);
    }

    proptest! {
        #[test]
        fn random_acyclic_designs_flow_left_to_right(
            n in 1usize..40,
            raw in proptest::collection::vec((0usize..40, 0usize..40), 0..80),
        ) {
            // Edges from lower to higher index: acyclic by construction.
            let edges: Vec<(usize, usize)> = raw
                .into_iter()
                .map(|(a, b)| (a % n, b % n))
                .filter(|(a, b)| a < b)
                .collect();
            let d = design(n, &edges);
            let pos = layered(&d);
            prop_assert_eq!(&pos, &layered(&d), "deterministic");
            assert_callers_left_of_callees(&d, &pos);
            assert_no_two_on_one_spot(&pos);
        }

        #[test]
        fn random_designs_with_cycles_get_distinct_spots(
            n in 1usize..30,
            raw in proptest::collection::vec((0usize..30, 0usize..30), 0..90),
        ) {
            let edges: Vec<(usize, usize)> = raw.into_iter().map(|(a, b)| (a % n, b % n)).collect();
            let d = design(n, &edges);
            let pos = layered(&d);
            prop_assert_eq!(pos.len(), n);
            assert_no_two_on_one_spot(&pos);
        }
    }
}
