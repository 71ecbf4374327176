//! Where the parts of a diagram go, in graph units: the ends of links on
//! node outlines, the sideways spacing of links between the same nodes,
//! the route of a request through its queue, loops, and the sizes of the
//! marks drawn on links and around nodes.
//!
//! Graph units are points on screen at zoom 1. Painters scale mark sizes
//! the way they scale strokes; positions come from the design.

use emath::{Pos2, Vec2, pos2, vec2};

use crate::model::{Design, NodeId, Position};

use super::NodeShape;

/// A point in graph coordinates, y growing downwards.
pub type Point = Pos2;

/// Sizes of the marks on a link, graph units at zoom 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkMarks {
    /// Length of the arrow head along the line.
    pub head_length: f32,
    /// Half the width of the head's base, as a fraction of its length.
    pub head_spread: f32,
    /// Outline width of a hollow head, as a fraction of the line's width.
    pub hollow_outline: f32,
    /// Radius of a dot of a dotted line, as a fraction of the line's width.
    pub dot_radius: f32,
    /// Sideways distance between links joining the same two nodes.
    pub spacing: f32,
    /// Length of the return arrow of an asynchronous request.
    pub return_length: f32,
    /// Longest the return arrow gets, as a fraction of the line it sits by.
    pub return_max_share: f32,
    /// Shortest return arrow worth drawing.
    pub return_min_length: f32,
    /// Distance of the return arrow from the line.
    pub return_offset: f32,
    /// Width of the return arrow, as a fraction of the line's width.
    pub return_width: f32,
    /// Length of the return arrow's head.
    pub return_head_length: f32,
    /// Radii of the broadcast arcs of an event, innermost first.
    pub broadcast_radii: [f32; 2],
    /// Half the angle each broadcast arc spans, degrees.
    pub broadcast_half_angle: f32,
    /// How far behind the line's start the arcs are centred.
    pub broadcast_back: f32,
    /// Width of the broadcast arcs, as a fraction of the line's width.
    pub broadcast_width: f32,
    /// Size of the text of a link's label (its technology).
    pub label_size: f32,
    /// Gap between a link and its label.
    pub label_gap: f32,
    /// Extra width of the halo of a highlighted link, added to its width.
    pub halo_extra: f32,
    /// Opacity of that halo.
    pub halo_opacity: f32,
}

/// How links are marked, on the canvas and in reports.
pub const LINK_MARKS: LinkMarks = LinkMarks {
    head_length: 11.0,
    head_spread: 0.5,
    hollow_outline: 0.7,
    dot_radius: 0.55,
    spacing: 16.0,
    return_length: 40.0,
    return_max_share: 0.45,
    return_min_length: 8.0,
    return_offset: 7.0,
    return_width: 0.6,
    return_head_length: 7.0,
    broadcast_radii: [7.0, 12.0],
    broadcast_half_angle: 50.0,
    broadcast_back: 3.0,
    broadcast_width: 0.7,
    label_size: 11.0,
    label_gap: 4.0,
    halo_extra: 9.0,
    halo_opacity: 0.55,
};

/// Sizes of what is drawn on and around a node, graph units at zoom 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NodeMarks {
    /// Corner radius of a service's box.
    pub corner_radius: f32,
    /// Width of the outline.
    pub outline_width: f32,
    /// Size of the node's name.
    pub name_size: f32,
    /// Size of the caption under the name.
    pub caption_size: f32,
    /// Space kept free between the text and a box's sides, both sides
    /// together.
    pub text_margin: f32,
    /// Widest a client's name below its circle gets.
    pub person_label_width: f32,
    /// Gap between a highlighted node and its halo.
    pub halo_gap: f32,
    /// Width of that halo.
    pub halo_width: f32,
    /// Opacity of that halo.
    pub halo_opacity: f32,
}

/// How nodes are marked, on the canvas and in reports.
pub const NODE_MARKS: NodeMarks = NodeMarks {
    corner_radius: 10.0,
    outline_width: 1.3,
    name_size: 13.5,
    caption_size: 10.5,
    text_margin: 16.0,
    person_label_width: 170.0,
    halo_gap: 7.0,
    halo_width: 5.0,
    halo_opacity: 0.6,
};

/// The distance between `a` and `b`.
pub fn distance(a: Point, b: Point) -> f32 {
    a.distance(b)
}

/// The unit vector from `a` to `b`, unless they (nearly) coincide.
pub fn direction(a: Point, b: Point) -> Option<Vec2> {
    let d = b - a;
    let len = d.length();
    (len > 0.5 && len.is_finite()).then(|| d / len)
}

/// The unit vector 90° clockwise on screen from `dir`: below a line going
/// right.
pub fn perpendicular(dir: Vec2) -> Vec2 {
    vec2(-dir.y, dir.x)
}

/// `p + v * k`.
pub fn along(p: Point, v: Vec2, k: f32) -> Point {
    p + v * k
}

/// Points on the ellipse centred at `c` with radii `rx`, `ry`, from angle
/// `from` to `to` (degrees, clockwise on screen, 0 = right), `steps`
/// pieces.
pub fn arc(c: Point, rx: f32, ry: f32, from: f32, to: f32, steps: usize) -> Vec<Point> {
    let steps = steps.max(1);
    (0..=steps)
        .map(|i| {
            let t = (from + (to - from) * i as f32 / steps as f32).to_radians();
            pos2(c.x + rx * t.cos(), c.y + ry * t.sin())
        })
        .collect()
}

/// Where a link between two nodes starts and ends: on the outlines, along
/// the line between the centres, moved sideways by `offset` (to keep links
/// between the same nodes apart). `None` when the nodes overlap and there
/// is no line to draw.
pub fn link_ends(
    from: (Point, NodeShape),
    to: (Point, NodeShape),
    offset: f32,
) -> Option<(Point, Point)> {
    let (a, a_shape) = from;
    let (b, b_shape) = to;
    let dir = direction(a, b)?;
    let side = perpendicular(dir) * offset;
    let start = a + dir * a_shape.boundary_distance(dir) + side;
    let end = b - dir * b_shape.boundary_distance(dir) + side;
    ((end - start).dot(dir) > 1.0).then_some((start, end))
}

/// The loop drawn for a link from a node to itself: an arc over the
/// node's top right corner.
pub fn self_loop(center: Point, shape: NodeShape) -> Vec<Point> {
    let (w, h) = shape.size();
    let corner = center + vec2(w * 0.35, -h * 0.5);
    arc(corner, 16.0, 16.0, 160.0, 470.0, 16)
}

/// A link's sideways offset from the line between its nodes' centres,
/// graph units, for its place among the links joining the same two nodes
/// ([`link_orders`]).
pub fn link_offset(order: u32) -> f32 {
    order as f32 * LINK_MARKS.spacing
}

/// For every link of `design`, its place among the links joining the same
/// two nodes: links in the same direction take 0, 1, 2…; when links run
/// both ways, all of them move one place out so that no two share the
/// straight line. Its sideways offset is the place times
/// [`LinkMarks::spacing`].
pub fn link_orders(design: &Design) -> Vec<u32> {
    let mut same_direction = foldhash::HashMap::<(&NodeId, &NodeId), u32>::default();
    let orders: Vec<u32> = design
        .links
        .iter()
        .map(|l| {
            let n = same_direction.entry((&l.from, &l.to)).or_insert(0);
            *n += 1;
            *n - 1
        })
        .collect();
    design
        .links
        .iter()
        .zip(orders)
        .map(|(l, order)| {
            let both_ways = l.from != l.to && same_direction.contains_key(&(&l.to, &l.from));
            order + u32::from(both_ways)
        })
        .collect()
}

/// The visible pieces of every link of `design` (in design order), with
/// nodes at `positions` (in the order of `design.nodes`): one line between
/// the outlines, moved sideways by the link's place among the links joining
/// the same nodes ([`link_orders`]); for a request through a queue (`via`),
/// one line into the queue and one out of it; a loop for a link from a
/// node to itself. Empty for a link whose end is unknown or whose nodes
/// overlap.
pub fn link_routes(design: &Design, positions: &[Position]) -> Vec<Vec<Vec<Point>>> {
    let index = design.node_index();
    let place = |id: &NodeId| -> Option<(Point, NodeShape)> {
        let i = index.get(id)?.0;
        let p = positions.get(i)?;
        Some((pos2(p.x, p.y), NodeShape::of(&design.nodes[i].kind)))
    };
    design
        .links
        .iter()
        .zip(link_orders(design))
        .map(|(link, order)| {
            let (Some(from), Some(to)) = (place(&link.from), place(&link.to)) else {
                return Vec::new();
            };
            if link.from == link.to {
                return vec![self_loop(from.0, from.1)];
            }
            let offset = link_offset(order);
            let pieces = match link.via.as_ref().and_then(place) {
                Some(via) => link_ends(from, via, offset)
                    .zip(link_ends(via, to, offset))
                    .map(|((a, via_in), (via_out, b))| vec![vec![a, via_in], vec![via_out, b]]),
                None => link_ends(from, to, offset).map(|(a, b)| vec![vec![a, b]]),
            };
            pieces.unwrap_or_default()
        })
        .collect()
}

/// The longest straight piece of `path`: where marks and labels go.
pub fn longest_segment(path: &[Point]) -> Option<(Point, Point)> {
    path.windows(2)
        .map(|w| (w[0], w[1]))
        .max_by(|x, y| distance(x.0, x.1).total_cmp(&distance(y.0, y.1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Link, Node, NodeKind, Style};

    #[test]
    fn link_ends_sit_on_the_outlines() {
        let (a, b) = link_ends(
            (pos2(0.0, 0.0), NodeShape::RoundedBox),
            (pos2(300.0, 0.0), NodeShape::RoundedBox),
            0.0,
        )
        .expect("a line");
        assert_eq!((a.x, b.x), (80.0, 220.0));
        let overlapping = link_ends(
            (pos2(0.0, 0.0), NodeShape::RoundedBox),
            (pos2(10.0, 0.0), NodeShape::RoundedBox),
            0.0,
        );
        assert!(overlapping.is_none());
    }

    #[test]
    fn links_both_ways_and_in_parallel_get_their_own_places() {
        let mut d = Design::new("t");
        for id in ["a", "b"] {
            d.nodes.push(Node {
                id: id.into(),
                name: id.into(),
                pos: Position::default(),
                notes: String::new(),
                kind: NodeKind::Client,
            });
        }
        d.links = vec![
            Link::new("a", "b", Style::Sync),
            Link::new("a", "b", Style::Event),
            Link::new("b", "a", Style::Sync),
            Link::new("a", "a", Style::Sync),
        ];
        assert_eq!(link_orders(&d), vec![1, 2, 1, 0]);
    }

    #[test]
    fn a_request_through_a_queue_goes_through_it() {
        let mut d = Design::new("t");
        for (id, x) in [("a", 0.0), ("q", 300.0), ("b", 600.0)] {
            d.nodes.push(Node {
                id: id.into(),
                name: id.into(),
                pos: Position { x, y: 0.0 },
                notes: String::new(),
                kind: NodeKind::Client,
            });
        }
        let mut link = Link::new("a", "b", Style::AsyncRequest);
        link.via = Some("q".into());
        d.links.push(link);
        d.links.push(Link::new("a", "nowhere", Style::Sync));
        let positions: Vec<Position> = d.nodes.iter().map(|n| n.pos).collect();
        let routes = link_routes(&d, &positions);
        assert_eq!(routes[0].len(), 2);
        assert_eq!(routes[0][1][0], pos2(326.0, 0.0));
        assert!(routes[1].is_empty());
    }
}
