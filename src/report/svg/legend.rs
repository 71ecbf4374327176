//! The legend under a diagram: each style's line with its name and
//! meaning, each node kind's outline, and the highlight, drawn with the
//! same painters as the diagram so that they match.

use crate::model::Style;
use crate::visual::{
    LINK_MARKS, NODE_MARKS, NodeShape, Palette, Theme, link_look, style_color, style_meaning,
};

use super::super::markup::{Attrs, Markup, num};
use super::link::{LinkDraw, link};
use super::node::{Paint, outline};

/// Height of one row of the legend.
const ROW: f32 = 22.0;
/// Width of a style's sample line.
const SWATCH: f32 = 56.0;
/// Size of the legend's text.
const TEXT: f32 = 12.0;
/// Where the meanings of the styles start: after the sample line and the
/// longest style name (`async_request`, in bold).
const MEANING: f32 = SWATCH + 10.0 + 13.0 * TEXT * 0.72 + 14.0;
/// The node kinds, as the legend names them.
const KINDS: [(NodeShape, &str); 4] = [
    (NodeShape::RoundedBox, "service"),
    (NodeShape::Queue, "broker"),
    (NodeShape::Cylinder, "data store"),
    (NodeShape::Person, "client"),
];

/// The legend's size, `(width, height)`, with or without the highlight row.
pub fn size(highlight: bool) -> (f32, f32) {
    let rows = Style::ALL.len() + 1 + usize::from(highlight);
    (MEANING + 330.0, rows as f32 * ROW + 8.0)
}

/// Writes the legend with its top-left corner at `(x, y)`.
pub fn legend(m: &mut Markup, x: f32, y: f32, highlight: bool, theme: Theme) {
    let palette = Palette::of(theme);
    m.el("g", &Attrs::new().set("class", "legend").pairs(), |m| {
        for (i, style) in Style::ALL.into_iter().enumerate() {
            let mid = y + ROW * (i as f32 + 0.5);
            let draw = LinkDraw {
                look: link_look(style),
                color: style_color(style, theme),
                background: palette.canvas,
                scale: 1.0,
                halo: None,
            };
            let ends = vec![
                emath::pos2(x + 4.0, mid),
                emath::pos2(x + SWATCH - 2.0, mid),
            ];
            link(m, &[ends], &draw);
            label(m, x + SWATCH + 10.0, mid, style.as_str(), "600", palette);
            label(
                m,
                x + SWATCH + 110.0,
                mid,
                style_meaning(style),
                "400",
                palette,
            );
        }
        let mid = y + ROW * (Style::ALL.len() as f32 + 0.5);
        let mut at = x;
        for (shape, name) in KINDS {
            icon(m, shape, (at + 13.0, mid), palette);
            label(m, at + 30.0, mid, name, "400", palette);
            at += 34.0 + name.len() as f32 * TEXT * 0.55 + 14.0;
        }
        if highlight {
            let mid = y + ROW * (Style::ALL.len() as f32 + 1.5);
            let halo = Attrs::new()
                .set("fill", "none")
                .color("stroke", palette.highlight.faded(NODE_MARKS.halo_opacity))
                .num("stroke-width", LINK_MARKS.halo_extra)
                .set("stroke-linecap", "round")
                .set(
                    "d",
                    format!("M{} {} L{} {}", x + 6.0, mid, x + SWATCH - 6.0, mid),
                );
            m.empty("path", &halo.pairs());
            label(
                m,
                x + SWATCH + 10.0,
                mid,
                "highlighted: involved in a finding (warning or error)",
                "400",
                palette,
            );
        }
    });
}

/// One line of legend text, vertically centred on `mid`.
fn label(m: &mut Markup, x: f32, mid: f32, text: &str, weight: &str, palette: &Palette) {
    let a = Attrs::new()
        .num("x", x)
        .num("y", mid + TEXT * 0.35)
        .num("font-size", TEXT)
        .set("font-weight", weight)
        .color("fill", palette.text);
    m.text_el("text", &a.pairs(), text);
}

/// A node outline scaled into a 26 × 18 box centred at `c`.
fn icon(m: &mut Markup, shape: NodeShape, c: (f32, f32), palette: &Palette) {
    let (w, h) = shape.size();
    let k = (26.0 / w).min(18.0 / h);
    let transform = format!("translate({} {}) scale({k:.4})", num(c.0), num(c.1));
    m.el(
        "g",
        &Attrs::new().set("transform", transform).pairs(),
        |m| {
            // The canvas's outline width at zoom k, undoing the scale.
            let paint = Paint {
                fill: palette.fill(shape),
                stroke: palette.node_stroke,
                width: NODE_MARKS.outline_width * k.max(0.4) / k,
            };
            outline(m, shape, emath::Pos2::ZERO, &paint);
        },
    );
}
