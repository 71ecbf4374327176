//! What the user has selected: nodes by id (stable across edits) and links
//! by index (valid for the current design only).

use std::collections::BTreeSet;

use crate::model::{Design, NodeId};

/// The selected nodes and links.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Selected nodes.
    pub nodes: BTreeSet<NodeId>,
    /// Selected links, as indices into `Design::links`.
    pub links: BTreeSet<usize>,
}

/// The one thing selected, when exactly one is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Single<'a> {
    /// One node.
    Node(&'a NodeId),
    /// One link.
    Link(usize),
}

impl Selection {
    /// Nothing selected.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.links.is_empty()
    }

    /// Selects nothing.
    pub fn clear(&mut self) {
        self.nodes.clear();
        self.links.clear();
    }

    /// Selects only node `id`.
    pub fn only_node(id: NodeId) -> Self {
        Self {
            nodes: BTreeSet::from([id]),
            links: BTreeSet::new(),
        }
    }

    /// Selects only link `index`.
    pub fn only_link(index: usize) -> Self {
        Self {
            nodes: BTreeSet::new(),
            links: BTreeSet::from([index]),
        }
    }

    /// Selects every node and link of `design`.
    pub fn all(design: &Design) -> Self {
        Self {
            nodes: design.nodes.iter().map(|n| n.id.clone()).collect(),
            links: (0..design.links.len()).collect(),
        }
    }

    /// Adds node `id`, or removes it if it was selected.
    pub fn toggle_node(&mut self, id: &NodeId) {
        if !self.nodes.remove(id) {
            self.nodes.insert(id.clone());
        }
    }

    /// Adds link `index`, or removes it if it was selected.
    pub fn toggle_link(&mut self, index: usize) {
        if !self.links.remove(&index) {
            self.links.insert(index);
        }
    }

    /// The one selected element, if exactly one is selected.
    pub fn single(&self) -> Option<Single<'_>> {
        match (self.nodes.len(), self.links.len()) {
            (1, 0) => self.nodes.first().map(Single::Node),
            (0, 1) => self.links.first().copied().map(Single::Link),
            _ => None,
        }
    }

    /// Drops what no longer exists in `design` (after undo, delete...).
    pub fn retain_existing(&mut self, design: &Design) {
        self.nodes.retain(|id| design.node(id).is_some());
        self.links.retain(|&i| i < design.links.len());
    }
}
