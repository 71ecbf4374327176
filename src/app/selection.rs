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

    /// The selected links by what they join, to find them again in
    /// another version of the design (where indices may differ).
    pub fn link_keys(&self, design: &Design) -> Vec<LinkKey> {
        self.links
            .iter()
            .filter_map(|&i| LinkKey::of(design, i))
            .collect()
    }

    /// After `design` became another version (undo, redo): keeps the
    /// selected nodes that still exist, and selects the links `keys` name
    /// that still exist.
    pub fn find_again(&mut self, design: &Design, keys: &[LinkKey]) {
        self.nodes.retain(|id| design.node(id).is_some());
        self.links = keys.iter().filter_map(|k| k.find(design)).collect();
    }

    /// Drops what no longer exists in `design` (after undo, delete...).
    pub fn retain_existing(&mut self, design: &Design) {
        self.nodes.retain(|id| design.node(id).is_some());
        self.links.retain(|&i| i < design.links.len());
    }
}

/// A link as the user knows it: the nodes it joins, and which of the links
/// between them it is (0 for the first, in the design's order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkKey {
    from: NodeId,
    to: NodeId,
    nth: usize,
}

impl LinkKey {
    /// The key of link `index` of `design`.
    pub fn of(design: &Design, index: usize) -> Option<Self> {
        let link = design.links.get(index)?;
        let nth = design.links[..index]
            .iter()
            .filter(|l| l.from == link.from && l.to == link.to)
            .count();
        Some(Self {
            from: link.from.clone(),
            to: link.to.clone(),
            nth,
        })
    }

    /// The index of the link this key names in `design`, if it has it.
    pub fn find(&self, design: &Design) -> Option<usize> {
        design
            .links
            .iter()
            .enumerate()
            .filter(|(_, l)| l.from == self.from && l.to == self.to)
            .nth(self.nth)
            .map(|(i, _)| i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Link, Style};

    fn link(from: &str, to: &str) -> Link {
        Link::new(NodeId::new(from), NodeId::new(to), Style::Sync)
    }

    #[test]
    fn a_link_is_found_again_after_the_links_before_it_changed() {
        let mut before = Design::new("t");
        before.links = vec![link("a", "b"), link("b", "c"), link("b", "c")];
        let keys = Selection::only_link(2).link_keys(&before);
        // The first link went: the second b -> c is now at index 1.
        let mut after = before.clone();
        after.links.remove(0);
        let mut selection = Selection::only_link(2);
        selection.find_again(&after, &keys);
        assert_eq!(selection, Selection::only_link(1));
        // With only one b -> c left, the second one no longer exists.
        after.links.remove(1);
        selection.find_again(&after, &keys);
        assert!(selection.is_empty());
    }
}
