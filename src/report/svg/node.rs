//! A node in SVG: its outline (one per kind), the highlight halo, its name
//! and caption, as the canvas paints them (`visual` rules).

use crate::visual::{Emphasis, NODE_MARKS, NodeShape, Palette, Point, Rgba};

use super::super::markup::{Attrs, Markup, num};
use super::{BOLD, fit_text, fitted_text};

/// Everything that decides how one node is drawn.
#[derive(Debug, Clone, Copy)]
pub struct NodeDraw<'a> {
    /// Outline.
    pub shape: NodeShape,
    /// Centre, graph units.
    pub center: Point,
    /// Name, drawn inside (under a client's circle).
    pub name: &'a str,
    /// Short facts under the name.
    pub caption: &'a str,
    /// Normal, highlighted or dimmed.
    pub emphasis: Emphasis,
    /// Colours.
    pub palette: &'a Palette,
}

/// The outline's top-left corner and size.
fn bounds(shape: NodeShape, c: Point) -> (f32, f32, f32, f32) {
    let (w, h) = shape.size();
    (c.x - w / 2.0, c.y - h / 2.0, w, h)
}

/// Writes the node: halo when highlighted, outline, name and caption.
pub fn node(m: &mut Markup, n: &NodeDraw<'_>) {
    let p = n.palette;
    let fade = n.emphasis.opacity();
    if n.emphasis == Emphasis::Highlighted {
        halo(m, n.shape, n.center, p);
    }
    let paint = Paint {
        fill: p.fill(n.shape).faded(fade),
        stroke: p.node_stroke.faded(fade),
        width: NODE_MARKS.outline_width * n.emphasis.width_factor(),
    };
    outline(m, n.shape, n.center, &paint);
    text(m, n, fade);
}

/// The colours and line width of an outline.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    /// Inside.
    pub fill: Rgba,
    /// The line around it (and the person drawn in a client).
    pub stroke: Rgba,
    /// Width of that line.
    pub width: f32,
}

/// A ring around a highlighted node.
fn halo(m: &mut Markup, shape: NodeShape, c: Point, p: &Palette) {
    let gap = NODE_MARKS.halo_gap;
    let ring = Attrs::new()
        .set("class", "halo")
        .set("fill", "none")
        .color("stroke", p.highlight.faded(NODE_MARKS.halo_opacity))
        .num("stroke-width", NODE_MARKS.halo_width);
    match shape {
        NodeShape::Person => {
            let r = shape.size().0 / 2.0 + gap;
            m.empty(
                "circle",
                &ring.num("cx", c.x).num("cy", c.y).num("r", r).pairs(),
            );
        }
        _ => {
            let (x, y, w, h) = bounds(shape, c);
            let a = ring
                .rect(x - gap, y - gap, w + 2.0 * gap, h + 2.0 * gap)
                .num("rx", gap * 3.0);
            m.empty("rect", &a.pairs());
        }
    }
}

/// The outline of `shape` centred at `c`. Brokers are a cylinder on its
/// side, stores an upright cylinder, clients a circle with a person in it.
pub fn outline(m: &mut Markup, shape: NodeShape, c: Point, paint: &Paint) {
    let (x, y, w, h) = bounds(shape, c);
    let (right, bottom) = (x + w, y + h);
    let arc = |rx: f32, ry: f32, to: (f32, f32)| {
        format!(
            " A{} {} 0 0 1 {} {}",
            num(rx),
            num(ry),
            num(to.0),
            num(to.1)
        )
    };
    let stroke = Attrs::new()
        .color("stroke", paint.stroke)
        .num("stroke-width", paint.width);
    let body = stroke
        .clone()
        .set("class", "outline")
        .color("fill", paint.fill);
    let rim = |m: &mut Markup, d: String| {
        m.empty(
            "path",
            &stroke.clone().set("fill", "none").set("d", d).pairs(),
        );
    };
    match shape {
        NodeShape::RoundedBox => {
            let a = body.rect(x, y, w, h).num("rx", NODE_MARKS.corner_radius);
            m.empty("rect", &a.pairs());
        }
        NodeShape::Queue => {
            let rx = NodeShape::CYLINDER_CAP.min(w / 4.0);
            let ry = h / 2.0;
            let d = format!(
                "M{} {} L{} {}{} L{} {}{} Z",
                num(x + rx),
                num(y),
                num(right - rx),
                num(y),
                arc(rx, ry, (right - rx, bottom)),
                num(x + rx),
                num(bottom),
                arc(rx, ry, (x + rx, y)),
            );
            m.empty("path", &body.set("d", d).pairs());
            // The near end of the cylinder.
            let d = format!(
                "M{} {}{}",
                num(right - rx),
                num(bottom),
                arc(rx, ry, (right - rx, y))
            );
            rim(m, d);
        }
        NodeShape::Cylinder => {
            let ry = NodeShape::CYLINDER_CAP.min(h / 4.0);
            let rx = w / 2.0;
            let d = format!(
                "M{} {}{} L{} {}{} Z",
                num(x),
                num(y + ry),
                arc(rx, ry, (right, y + ry)),
                num(right),
                num(bottom - ry),
                arc(rx, ry, (x, bottom - ry)),
            );
            m.empty("path", &body.set("d", d).pairs());
            // The lid's near rim.
            rim(
                m,
                format!(
                    "M{} {}{}",
                    num(right),
                    num(y + ry),
                    arc(rx, ry, (x, y + ry))
                ),
            );
        }
        NodeShape::Person => {
            let r = w / 2.0;
            m.empty(
                "circle",
                &body.num("cx", c.x).num("cy", c.y).num("r", r).pairs(),
            );
            // A head and shoulders in the outline's colour.
            let glyph = Attrs::new().color("fill", paint.stroke);
            let head = glyph
                .clone()
                .num("cx", c.x)
                .num("cy", c.y - 0.25 * r)
                .num("r", 0.2 * r);
            m.empty("circle", &head.pairs());
            let (sx, sy) = (0.42 * r, c.y + 0.5 * r);
            let d = format!(
                "M{} {}{} Z",
                num(c.x - sx),
                num(sy),
                arc(sx, 0.4 * r, (c.x + sx, sy))
            );
            m.empty("path", &glyph.set("d", d).pairs());
        }
    }
}

/// The name and caption, centred in the outline (under a client).
fn text(m: &mut Markup, n: &NodeDraw<'_>, fade: f32) {
    let (_, y, w, h) = bounds(n.shape, n.center);
    let cap = NodeShape::CYLINDER_CAP;
    let (cx, cy, max_width) = match n.shape {
        NodeShape::RoundedBox => (n.center.x, n.center.y, w - NODE_MARKS.text_margin),
        NodeShape::Queue => (n.center.x - cap / 2.0, n.center.y, w - 3.0 * cap - 6.0),
        NodeShape::Cylinder => (n.center.x, n.center.y + cap / 2.0, w - 12.0),
        NodeShape::Person => (n.center.x, y + h, NODE_MARKS.person_label_width),
    };
    let (name_size, caption_size) = (NODE_MARKS.name_size, NODE_MARKS.caption_size);
    let line = 1.2;
    let caption = (!n.caption.is_empty()).then(|| fit_text(n.caption, caption_size, max_width));
    let height = name_size * line + caption.as_ref().map_or(0.0, |_| caption_size * line);
    let top = match n.shape {
        NodeShape::Person => cy + 3.0,
        _ => cy - height / 2.0,
    };
    let name_base = top + name_size * 0.95;
    let name = fit_text(n.name, name_size * BOLD, max_width);
    let attrs = |size: f32, base: f32, weight: &str, color| {
        Attrs::new()
            .num("x", cx)
            .num("y", base)
            .set("text-anchor", "middle")
            .num("font-size", size)
            .set("font-weight", weight)
            .color("fill", color)
    };
    let p = n.palette;
    let name_attrs = attrs(name_size, name_base, "600", p.text.faded(fade)).set("class", "name");
    fitted_text(m, name_attrs, &name);
    if let Some(caption) = caption {
        let base = top + name_size * line + caption_size * 0.95;
        let caption_attrs =
            attrs(caption_size, base, "400", p.text_muted.faded(fade)).set("class", "caption");
        fitted_text(m, caption_attrs, &caption);
    }
}
