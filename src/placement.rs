//! Room for what is added: where a new node, or a group of pasted nodes,
//! goes so that it overlaps nothing already in the design and the links to
//! its neighbours keep a length that can be read. The user's positions are
//! never changed; only what is added moves. Pure and deterministic; the
//! app places nodes added from the palette, by double-click, by dropping
//! and by pasting with it, and the nodes a refactoring adds.

use crate::model::{Design, Node, NodeId, Position};
use crate::visual::NodeShape;

/// Space kept free between a placed node and every other one, graph
/// units: a link between neighbours is at least this long.
pub const CLEARANCE: f32 = 60.0;

/// The step between the places tried, graph units (the canvas's grid).
const STEP: f32 = 40.0;

/// How many rings of places around the wanted one are tried before the
/// wanted place is used anyway (a design packed that densely has no room
/// nearby).
const RINGS: i32 = 30;

/// The area a node takes, with the label under a person, graph units.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Area {
    min: (f32, f32),
    max: (f32, f32),
}

impl Area {
    fn of(shape: NodeShape, at: Position) -> Self {
        let (w, h) = shape.size();
        // A person's name, under the circle, is wider than the circle.
        let half_width = if shape == NodeShape::Person {
            60.0
        } else {
            w / 2.0
        };
        Self {
            min: (at.x - half_width, at.y - h / 2.0),
            max: (at.x + half_width, at.y + h / 2.0 + shape.label_below()),
        }
    }

    fn of_node(node: &Node) -> Self {
        Self::of(NodeShape::of(&node.kind), node.pos)
    }

    fn shifted(self, (dx, dy): (f32, f32)) -> Self {
        Self {
            min: (self.min.0 + dx, self.min.1 + dy),
            max: (self.max.0 + dx, self.max.1 + dy),
        }
    }

    /// Whether the two are closer than [`CLEARANCE`].
    fn crowds(&self, other: &Area) -> bool {
        self.min.0 - CLEARANCE < other.max.0
            && other.min.0 - CLEARANCE < self.max.0
            && self.min.1 - CLEARANCE < other.max.1
            && other.min.1 - CLEARANCE < self.max.1
    }
}

/// The shifts tried, nearest first (ties: right before left, down before
/// up), the first being none.
fn shifts() -> impl Iterator<Item = (f32, f32)> {
    let mut steps: Vec<(i32, i32)> = (-RINGS..=RINGS)
        .flat_map(|i| (-RINGS..=RINGS).map(move |j| (i, j)))
        .collect();
    steps.sort_by_key(|&(i, j)| (i * i + j * j, -i, -j));
    steps
        .into_iter()
        .map(|(i, j)| (i as f32 * STEP, j as f32 * STEP))
}

/// The smallest shift that puts every node of `group` (where each would
/// go, and its shape) clear of every node in `others`: none when it
/// already is, none either when nothing nearby is clear.
pub fn free_shift<'a>(
    others: impl Iterator<Item = &'a Node>,
    group: &[(Position, NodeShape)],
) -> (f32, f32) {
    let taken: Vec<Area> = others.map(Area::of_node).collect();
    let wanted: Vec<Area> = group
        .iter()
        .map(|&(at, shape)| Area::of(shape, at))
        .collect();
    shifts()
        .find(|&shift| {
            wanted.iter().all(|w| {
                let w = w.shifted(shift);
                !taken.iter().any(|t| t.crowds(&w))
            })
        })
        .unwrap_or((0.0, 0.0))
}

/// Where a node of `shape` wanted at `near` goes in `design`: `near` when
/// that is clear of every node, else the nearest clear place.
pub fn free_spot(design: &Design, shape: NodeShape, near: Position) -> Position {
    let (dx, dy) = free_shift(design.nodes.iter(), &[(near, shape)]);
    Position {
        x: near.x + dx,
        y: near.y + dy,
    }
}

/// Moves the nodes of `after` that `before` does not have (what a
/// refactoring added) to the nearest places clear of every other node,
/// one after the other in the design's order; the nodes `before` has stay
/// where they are.
pub fn place_added(before: &Design, after: &mut Design) {
    let added: Vec<NodeId> = after
        .nodes
        .iter()
        .filter(|n| before.node(&n.id).is_none())
        .map(|n| n.id.clone())
        .collect();
    for (k, id) in added.iter().enumerate() {
        let waiting = &added[k + 1..];
        let Some(node) = after.node(id) else {
            continue;
        };
        let want = (node.pos, NodeShape::of(&node.kind));
        let others = after
            .nodes
            .iter()
            .filter(|n| &n.id != id && !waiting.contains(&n.id));
        let (dx, dy) = free_shift(others, &[want]);
        if let Some(node) = after.node_mut(id) {
            node.pos.x += dx;
            node.pos.y += dy;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library;

    fn clear_of_all(design: &Design, id: &str) -> bool {
        let node = design.node(&NodeId::new(id)).unwrap();
        let area = Area::of_node(node);
        design
            .nodes
            .iter()
            .filter(|n| n.id != node.id)
            .all(|n| !Area::of_node(n).crowds(&area))
    }

    #[test]
    fn a_clear_place_is_kept() {
        let design = library::example("fraud-check-blocking");
        let far = Position {
            x: 5000.0,
            y: 5000.0,
        };
        assert_eq!(free_spot(&design, NodeShape::RoundedBox, far), far);
    }

    #[test]
    fn a_place_on_a_node_moves_to_the_nearest_clear_one() {
        let design = library::example("fraud-check-blocking");
        let on = design.nodes[2].pos;
        let spot = free_spot(&design, NodeShape::RoundedBox, on);
        assert_ne!(spot, on);
        let area = Area::of(NodeShape::RoundedBox, spot);
        assert!(design.nodes.iter().all(|n| !Area::of_node(n).crowds(&area)));
        // Nearest: a box is 60 high, so clearing it and the gap above or
        // below takes no more than 60 + 60 + a grid step.
        let moved = ((spot.x - on.x).powi(2) + (spot.y - on.y).powi(2)).sqrt();
        assert!(moved <= 60.0 + CLEARANCE + STEP, "moved {moved}");
    }

    #[test]
    fn nodes_a_refactoring_adds_are_placed_clear_and_the_rest_stay() {
        let before = library::example("fraud-check-blocking");
        let mut after = before.clone();
        // Two brokers dropped right between Payment and Fraud Detection.
        for id in ["events", "events_2"] {
            let mut node = before.nodes[2].clone();
            node.id = NodeId::new(id);
            node.pos.x += 30.0;
            after.nodes.push(node);
        }
        place_added(&before, &mut after);
        for (b, a) in before.nodes.iter().zip(&after.nodes) {
            assert_eq!(a.pos, b.pos, "{} stayed", b.id);
        }
        assert!(clear_of_all(&after, "events"));
        assert!(clear_of_all(&after, "events_2"));
    }
}
