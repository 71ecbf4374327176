//! A link in SVG, as the canvas paints it (`visual` rules): the line in
//! its style's pattern, the head at the receiving end, the return arrow of
//! an asynchronous request and the broadcast arcs of an event.

use emath::Vec2;

use crate::visual::{
    ArrowHead, LINK_MARKS, LinePattern, LinkLook, Point, Rgba, along, arc, direction, distance,
    longest_segment, perpendicular,
};

use super::super::markup::{Attrs, Markup, num, path_data};

/// Everything that decides how one link is drawn.
#[derive(Debug, Clone, Copy)]
pub struct LinkDraw {
    /// Pattern, head and marks of its style.
    pub look: LinkLook,
    /// Its colour.
    pub color: Rgba,
    /// The canvas colour, inside hollow heads.
    pub background: Rgba,
    /// Factor for widths, marks and patterns (1, or more when highlighted).
    pub scale: f32,
    /// The colour of a halo under the line, when highlighted.
    pub halo: Option<Rgba>,
}

/// Stroke attributes for `pattern` at `width`, with the pattern's lengths
/// multiplied by `scale`.
fn stroke(color: Rgba, width: f32, pattern: LinePattern, scale: f32) -> Attrs {
    let a = Attrs::new()
        .set("fill", "none")
        .color("stroke", color)
        .num("stroke-width", width);
    match pattern.dashes() {
        None => a,
        Some(d) => a
            .set(
                "stroke-dasharray",
                format!("{} {}", num(d.on * scale), num(d.off * scale)),
            )
            .set("stroke-linecap", if d.round { "round" } else { "butt" }),
    }
}

/// Writes a link along `pieces` (graph units; each piece's first and last
/// points on the outlines): one `path` of class `link-line` for the whole
/// line, then heads and marks.
pub fn link(m: &mut Markup, pieces: &[Vec<Point>], d: &LinkDraw) {
    let look = d.look;
    let width = look.width * d.scale;
    if let Some(halo) = d.halo {
        let data: Vec<String> = pieces.iter().map(|p| path_data(p)).collect();
        let a = Attrs::new()
            .set("class", "halo")
            .set("fill", "none")
            .color("stroke", halo)
            .num("stroke-width", width + LINK_MARKS.halo_extra)
            .set("stroke-linecap", "round")
            .set("d", data.join(" "));
        m.empty("path", &a.pairs());
    }
    let mut line = Vec::new();
    let mut heads = Vec::new();
    for piece in pieces {
        let (Some(&to), Some(&before_last)) = (
            piece.last(),
            piece.len().checked_sub(2).and_then(|i| piece.get(i)),
        ) else {
            continue;
        };
        let Some(end_dir) = direction(before_last, to) else {
            line.push(path_data(piece));
            continue;
        };
        let head_length = (LINK_MARKS.head_length * d.scale).min(distance(before_last, to) * 0.5);
        let line_end = match look.head {
            ArrowHead::Filled | ArrowHead::Hollow => along(to, end_dir, -head_length),
            ArrowHead::Open => along(to, end_dir, -width * 0.5),
        };
        let mut points = piece[..piece.len() - 1].to_vec();
        points.push(line_end);
        line.push(path_data(&points));
        heads.push((to, end_dir, head_length));
    }
    let pattern_scale = d.scale.max(0.8);
    let a = stroke(d.color, width, look.pattern, pattern_scale)
        .set("class", "link-line")
        .set("d", line.join(" "));
    m.empty("path", &a.pairs());
    for (tip, dir, length) in heads {
        head(m, tip, dir, length, look.head, d, width);
    }
    if look.return_arrow
        && let Some(first) = pieces.first()
    {
        return_arrow(m, first, d, width);
    }
    if look.broadcast {
        for piece in pieces {
            if let (Some(&a), Some(&b)) = (piece.first(), piece.get(1))
                && let Some(dir) = direction(a, b)
            {
                broadcast(m, a, dir, d, width);
            }
        }
    }
}

/// The head at `tip`, pointing along `dir`.
fn head(
    m: &mut Markup,
    tip: Point,
    dir: Vec2,
    length: f32,
    kind: ArrowHead,
    d: &LinkDraw,
    width: f32,
) {
    let base = along(tip, dir, -length);
    let side = perpendicular(dir);
    let left = along(base, side, -length * LINK_MARKS.head_spread);
    let right = along(base, side, length * LINK_MARKS.head_spread);
    let mut points = path_data(&[left, tip, right]);
    let a = match kind {
        ArrowHead::Filled => {
            points.push_str(" Z");
            Attrs::new().color("fill", d.color)
        }
        ArrowHead::Hollow => {
            points.push_str(" Z");
            Attrs::new()
                .color("fill", d.background)
                .color("stroke", d.color)
                .num("stroke-width", width * LINK_MARKS.hollow_outline)
                .set("stroke-linejoin", "round")
        }
        ArrowHead::Open => Attrs::new()
            .set("fill", "none")
            .color("stroke", d.color)
            .num("stroke-width", width),
    };
    m.empty("path", &a.set("class", "head").set("d", points).pairs());
}

/// A short thin arrow beside the middle of the line, pointing back at the
/// sender: the response comes back later, on its own.
fn return_arrow(m: &mut Markup, piece: &[Point], d: &LinkDraw, width: f32) {
    let Some((from, to)) = longest_segment(piece) else {
        return;
    };
    let Some(dir) = direction(from, to) else {
        return;
    };
    let length =
        (LINK_MARKS.return_length * d.scale).min(distance(from, to) * LINK_MARKS.return_max_share);
    if length < LINK_MARKS.return_min_length {
        return;
    }
    let middle = along(
        from.lerp(to, 0.5),
        perpendicular(dir),
        LINK_MARKS.return_offset * d.scale,
    );
    let start = along(middle, dir, length / 2.0);
    let end = along(middle, dir, -length / 2.0);
    let thin = (width * LINK_MARKS.return_width).max(1.0);
    let a = stroke(d.color, thin, d.look.pattern, (d.scale * 0.7).max(0.8))
        .set("class", "return")
        .set("d", path_data(&[start, end]));
    m.empty("path", &a.pairs());
    let back = -dir;
    let head_length = LINK_MARKS.return_head_length * d.scale;
    head(m, end, back, head_length, ArrowHead::Open, d, thin);
}

/// Two arcs in front of the sender, like radio waves: the message goes to
/// whoever listens.
fn broadcast(m: &mut Markup, from: Point, dir: Vec2, d: &LinkDraw, width: f32) {
    let angle = dir.y.atan2(dir.x).to_degrees();
    let spread = LINK_MARKS.broadcast_half_angle;
    let center = along(from, dir, -LINK_MARKS.broadcast_back * d.scale);
    let thin = (width * LINK_MARKS.broadcast_width).max(1.0);
    for radius in LINK_MARKS.broadcast_radii {
        let r = radius * d.scale;
        let points = arc(center, r, r, angle - spread, angle + spread, 8);
        let a = Attrs::new()
            .set("class", "broadcast")
            .set("fill", "none")
            .color("stroke", d.color)
            .num("stroke-width", thin)
            .set("d", path_data(&points));
        m.empty("path", &a.pairs());
    }
}
