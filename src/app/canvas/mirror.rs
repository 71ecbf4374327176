//! The egui_graphs graph as a mirror of the design.
//!
//! The design is the document; the graph is a view of it that egui_graphs
//! can draw. Node `i` of the graph is node `i` of the design; each link
//! whose ends exist has one edge. When the design's revision changes, the
//! mirror updates the graph in place if only properties or positions
//! changed, and rebuilds it when nodes or links were added or removed.

use std::sync::Arc;

use egui::pos2;
use egui_graphs::Graph;
use petgraph::Directed;
use petgraph::stable_graph::{DefaultIx, EdgeIndex, NodeIndex};

use crate::model::{Design, Link, Node};
use crate::visual::{self, Emphasis, NodeShape, Theme};

use super::super::validation::Validation;
use super::display::{LinkDisplay, LinkView, NodeDisplay, NodeView};

/// The graph type the canvas draws.
pub type ViewGraph = Graph<NodeView, LinkView, Directed, DefaultIx, NodeDisplay, LinkDisplay>;

/// The graph, and how it maps back to the design.
#[derive(Default)]
pub struct Mirror {
    graph: ViewGraph,
    /// The revision and theme the graph shows.
    synced: Option<(u64, Theme)>,
    /// For each link, the node indices of its ends (`None`: an end does
    /// not exist, so the link is not drawn).
    ends: Vec<Option<(usize, usize)>>,
    /// For each link, its edge in the graph.
    edges: Vec<Option<EdgeIndex>>,
}

impl Mirror {
    /// The graph, for egui_graphs.
    pub fn graph_mut(&mut self) -> &mut ViewGraph {
        &mut self.graph
    }

    /// The graph, to read what was drawn.
    pub fn graph(&self) -> &ViewGraph {
        &self.graph
    }

    /// The edge that draws link `index`.
    pub fn edge_of(&self, index: usize) -> Option<EdgeIndex> {
        self.edges.get(index).copied().flatten()
    }

    /// The link drawn by `edge`.
    pub fn link_of(&self, edge: EdgeIndex) -> Option<usize> {
        self.edges.iter().position(|e| *e == Some(edge))
    }

    /// The revision of the design the graph shows, once synced.
    pub fn revision(&self) -> Option<u64> {
        self.synced.map(|(revision, _)| revision)
    }

    /// Forgets everything, so the next sync rebuilds.
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// Brings the graph up to date with `design` at `revision`.
    pub fn sync(&mut self, design: &Design, revision: u64, theme: Theme, validation: &Validation) {
        if self.synced == Some((revision, theme)) {
            return;
        }
        let index = design.node_index();
        let ends: Vec<Option<(usize, usize)>> = design
            .links
            .iter()
            .map(|l| Some((index.get(&l.from)?.0, index.get(&l.to)?.0)))
            .collect();
        let via = |link: &Link| {
            let node = &design.nodes[index.get(link.via.as_ref()?)?.0];
            Some((pos2(node.pos.x, node.pos.y), NodeShape::of(&node.kind)))
        };
        let orders = visual::link_orders(design);
        let links: Vec<LinkView> = design
            .links
            .iter()
            .zip(orders)
            .enumerate()
            .map(|(i, (link, order))| {
                let mut view = link_view(link, theme, validation.link_has_problem(i), via(link));
                view.offset = visual::link_offset(order);
                view
            })
            .collect();
        if self.graph.node_count() == design.nodes.len() && ends == self.ends {
            self.update(design, links, theme, validation);
        } else {
            self.rebuild(design, links, ends, theme, validation);
        }
        self.synced = Some((revision, theme));
    }

    fn rebuild(
        &mut self,
        design: &Design,
        links: Vec<LinkView>,
        ends: Vec<Option<(usize, usize)>>,
        theme: Theme,
        validation: &Validation,
    ) {
        let mut graph = ViewGraph::new();
        for (i, node) in design.nodes.iter().enumerate() {
            let view = node_view(node, theme, validation.node_has_problem(i));
            graph.add_node_with_location(view, pos2(node.pos.x, node.pos.y));
        }
        let edges = links
            .into_iter()
            .zip(&ends)
            .map(|(view, ends)| {
                let (a, b) = (*ends)?;
                Some(graph.add_edge(NodeIndex::new(a), NodeIndex::new(b), view))
            })
            .collect();
        *self = Self {
            graph,
            synced: None,
            ends,
            edges,
        };
    }

    fn update(
        &mut self,
        design: &Design,
        links: Vec<LinkView>,
        theme: Theme,
        validation: &Validation,
    ) {
        for (i, node) in design.nodes.iter().enumerate() {
            if let Some(n) = self.graph.node_mut(NodeIndex::new(i)) {
                *n.payload_mut() = node_view(node, theme, validation.node_has_problem(i));
                n.set_location(pos2(node.pos.x, node.pos.y));
            }
        }
        for (i, view) in links.into_iter().enumerate() {
            if let Some(e) = self.edge_of(i).and_then(|e| self.graph.edge_mut(e)) {
                *e.payload_mut() = view;
            }
        }
    }

    /// Applies this frame's selection, hover and emphasis to the graph.
    pub fn decorate(
        &mut self,
        selected_node: impl Fn(usize) -> bool,
        selected_link: impl Fn(usize) -> bool,
        node_emphasis: impl Fn(usize) -> Emphasis,
        link_emphasis: impl Fn(usize) -> Emphasis,
        hovered_link: Option<usize>,
    ) {
        let node_count = self.graph.node_count();
        for i in 0..node_count {
            if let Some(n) = self.graph.node_mut(NodeIndex::new(i)) {
                n.set_selected(selected_node(i));
                n.payload_mut().emphasis = node_emphasis(i);
            }
        }
        for (i, edge) in self.edges.iter().enumerate() {
            if let Some(e) = edge.and_then(|e| self.graph.edge_mut(e)) {
                e.set_selected(selected_link(i));
                let view = e.payload_mut();
                view.emphasis = link_emphasis(i);
                view.hovered = hovered_link == Some(i);
            }
        }
    }
}

fn node_view(node: &Node, theme: Theme, problem: bool) -> NodeView {
    let label = node.display_name();
    NodeView {
        shape: NodeShape::of(&node.kind),
        label: Arc::from(label),
        caption: Arc::from(visual::node_caption(node)),
        problem,
        emphasis: Emphasis::Normal,
        theme,
    }
}

fn link_view(
    link: &Link,
    theme: Theme,
    problem: bool,
    via: Option<(egui::Pos2, NodeShape)>,
) -> LinkView {
    LinkView {
        style: link.style,
        label: visual::link_label(link),
        badge: Some(visual::link_limits(link).join("\n"))
            .filter(|b| !b.is_empty())
            .map(Arc::from),
        problem,
        emphasis: Emphasis::Normal,
        theme,
        hovered: false,
        via,
        offset: 0.0,
    }
}
