//! Copy and paste: the selected nodes with the links between them, as RON
//! text on the system clipboard, so that a copy goes into another window
//! too. A paste gets fresh ids (and names, where the design has them
//! already) and lands where it overlaps nothing; it is one undo step.

use serde::{Deserialize, Serialize};

use crate::model::{Design, Link, Node, NodeId, Position};
use crate::placement;
use crate::visual::NodeShape;

use super::edit;
use super::selection::Selection;

/// The most clipboard text a paste reads: more is not a copy of nodes.
const MAX_TEXT: usize = 16 << 20;

/// How deep the text may nest (a node is a few levels deep).
const RECURSION_LIMIT: usize = 64;

/// Nodes, and the links among them, as copied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename = "ArchsimClip")]
pub struct Clip {
    /// The nodes, in the design's order.
    pub nodes: Vec<Node>,
    /// The links whose every node (ends, queue, dead-letter queue) was
    /// copied: a pasted link never points at something the paste lacks.
    pub links: Vec<Link>,
}

/// Why clipboard text could not be pasted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PasteError {
    /// The clipboard holds something other than copied nodes.
    #[error("the clipboard holds no archsim nodes")]
    NotNodes,
    /// It holds copied nodes, but none.
    #[error("the clipboard holds no nodes")]
    Empty,
}

fn options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(
            ron::extensions::Extensions::IMPLICIT_SOME
                | ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES,
        )
        .with_recursion_limit(RECURSION_LIMIT)
}

impl Clip {
    /// The selected nodes of `design` and the links among them; `None`
    /// when no node is selected.
    pub fn of(design: &Design, selection: &Selection) -> Option<Self> {
        let nodes: Vec<Node> = design
            .nodes
            .iter()
            .filter(|n| selection.nodes.contains(&n.id))
            .cloned()
            .collect();
        if nodes.is_empty() {
            return None;
        }
        let copied = |id: &NodeId| selection.nodes.contains(id);
        let links = design
            .links
            .iter()
            .filter(|l| {
                copied(&l.from)
                    && copied(&l.to)
                    && l.via.as_ref().is_none_or(copied)
                    && l.dead_letter.as_ref().is_none_or(copied)
            })
            .cloned()
            .collect();
        Some(Self { nodes, links })
    }

    /// The clip as text for the clipboard.
    pub fn to_text(&self) -> String {
        let config = ron::ser::PrettyConfig::new()
            .struct_names(true)
            .depth_limit(3);
        // Nodes and links are plain data: writing them cannot fail.
        options().to_string_pretty(self, config).unwrap_or_default()
    }

    /// The clip in clipboard text.
    pub fn from_text(text: &str) -> Result<Self, PasteError> {
        let text = text.trim();
        if text.len() > MAX_TEXT || !text.starts_with("ArchsimClip") {
            return Err(PasteError::NotNodes);
        }
        let mut clip: Self = options().from_str(text).map_err(|_| PasteError::NotNodes)?;
        if clip.nodes.is_empty() {
            return Err(PasteError::Empty);
        }
        for node in &mut clip.nodes {
            // Whatever the text says, the canvas gets finite places.
            if !(node.pos.x.is_finite() && node.pos.y.is_finite()) {
                node.pos = Position::default();
            }
        }
        Ok(clip)
    }

    /// Adds the clip to `design`: each node with an id (and a name) not
    /// used there yet, the links rewired to the copies, and all moved
    /// together by the least shift that keeps them clear of every node
    /// already there. Returns what was added, to select it.
    pub fn paste_into(&self, design: &mut Design) -> Selection {
        let mut pasted = Design::new("clip");
        pasted.nodes = self.nodes.clone();
        pasted.links = self.links.clone();
        // A service copied without what it calls keeps the steps it can
        // still take.
        pasted.drop_dangling_steps();
        // Through ids that cannot clash, so that renaming `a` to `b` never
        // meets a `b` still waiting for its own new id.
        for (i, node) in self.nodes.iter().enumerate() {
            edit::rename_node(&mut pasted, &node.id, &NodeId::new(format!("\u{1}{i}")));
        }
        let mut added = Selection::default();
        for (i, node) in self.nodes.iter().enumerate() {
            let id = NodeId::new(edit::fresh_name(node.id.as_str(), |c| {
                let id = NodeId::new(c);
                design.node(&id).is_some() || added.nodes.contains(&id)
            }));
            edit::rename_node(&mut pasted, &NodeId::new(format!("\u{1}{i}")), &id);
            added.nodes.insert(id);
        }
        for node in &mut pasted.nodes {
            node.name = fresh_display_name(design, &node.name);
        }
        let group: Vec<(Position, NodeShape)> = pasted
            .nodes
            .iter()
            .map(|n| (n.pos, NodeShape::of(&n.kind)))
            .collect();
        let (dx, dy) = placement::free_shift(design.nodes.iter(), &group);
        for node in &mut pasted.nodes {
            node.pos.x += dx;
            node.pos.y += dy;
        }
        let first_link = design.links.len();
        added.links = (first_link..first_link + pasted.links.len()).collect();
        design.nodes.append(&mut pasted.nodes);
        design.links.append(&mut pasted.links);
        added
    }
}

/// `name`, or "name 2", "name 3"...: the first no node of `design` has.
/// An empty name stays empty (the node shows its id).
fn fresh_display_name(design: &Design, name: &str) -> String {
    if name.is_empty() {
        return String::new();
    }
    let taken = |candidate: &str| design.nodes.iter().any(|n| n.name == candidate);
    std::iter::once(name.to_owned())
        .chain((2..).map(|k| format!("{name} {k}")))
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library;

    fn select(design: &Design, ids: &[&str]) -> Selection {
        let mut s = Selection::default();
        for id in ids {
            assert!(design.node(&NodeId::new(*id)).is_some(), "{id}");
            s.nodes.insert(NodeId::new(*id));
        }
        s
    }

    #[test]
    fn a_copy_keeps_the_links_among_the_copied_nodes_only() {
        let design = library::example("fraud-check-blocking");
        let clip = Clip::of(&design, &select(&design, &["payment", "fraud_detection"])).unwrap();
        assert_eq!(clip.nodes.len(), 2);
        let links: Vec<String> = clip.links.iter().map(|l| l.label()).collect();
        assert_eq!(links, ["payment -> fraud_detection"]);
        assert_eq!(Clip::from_text(&clip.to_text()), Ok(clip));
    }

    #[test]
    fn a_paste_gets_fresh_ids_and_names_rewired_links_and_a_clear_place() {
        let mut design = library::example("fraud-check-blocking");
        let before = design.clone();
        let clip = Clip::of(&design, &select(&design, &["payment", "fraud_detection"])).unwrap();
        let added = clip.paste_into(&mut design);
        assert_eq!(design.nodes.len(), before.nodes.len() + 2);
        assert_eq!(design.links.len(), before.links.len() + 1);
        let ids: Vec<&str> = added.nodes.iter().map(|id| id.as_str()).collect();
        assert_eq!(ids, ["fraud_detection_2", "payment_2"]);
        let link = &design.links[before.links.len()];
        assert_eq!(link.label(), "payment_2 -> fraud_detection_2");
        assert_eq!(
            added.links.iter().copied().collect::<Vec<_>>(),
            [before.links.len()]
        );
        let copy = design.node(&NodeId::new("payment_2")).unwrap();
        assert_eq!(copy.name, "Payment 2");
        // The copies moved together, clear of everything that was there.
        for id in ["payment_2", "fraud_detection_2"] {
            let node = design.node(&NodeId::new(id)).unwrap();
            let shape = NodeShape::of(&node.kind);
            assert_eq!(placement::free_spot(&before, shape, node.pos), node.pos);
        }
        let (a, b) = (&design.nodes[5], &design.nodes[6]);
        let (oa, ob) = (&before.nodes[2], &before.nodes[3]);
        assert_eq!(a.pos.x - b.pos.x, oa.pos.x - ob.pos.x);
        assert_eq!(a.pos.y - b.pos.y, oa.pos.y - ob.pos.y);
        // The original and its copy are both valid designs.
        assert!(design.problems().is_empty(), "{:?}", design.problems());
    }

    #[test]
    fn other_text_is_not_pasted() {
        assert_eq!(Clip::from_text("hello"), Err(PasteError::NotNodes));
        assert_eq!(
            Clip::from_text("ArchsimClip(nodes: [], links: [])"),
            Err(PasteError::Empty)
        );
        assert_eq!(
            Clip::from_text("ArchsimClip(nodes: ["),
            Err(PasteError::NotNodes)
        );
    }
}
