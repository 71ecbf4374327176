//! The diagram of a design in SVG, in the app's visual language: the same
//! shapes, line patterns, heads, marks, colours and captions, all from
//! [`crate::visual`]; optionally with findings highlighted and a legend.

use emath::{pos2, vec2};

use crate::model::{Design, Position};
use crate::visual::{
    self, Emphasis, LINK_MARKS, NODE_MARKS, NodeShape, Palette, Point, Theme, link_look,
    link_routes, longest_segment, style_color,
};

use super::super::markup::{Attrs, Markup, num};
use super::link::{LinkDraw, link};
use super::node::{NodeDraw, node};
use super::{BOLD, FONT_FAMILY, legend, text_width};

/// Space around the drawing.
const MARGIN: f32 = 24.0;

/// What to draw besides the design.
#[derive(Debug, Clone, Default)]
pub struct DiagramOptions {
    /// Per node (in design order): whether to highlight it.
    pub highlighted_nodes: Vec<bool>,
    /// Per link (in design order): whether to highlight it.
    pub highlighted_links: Vec<bool>,
    /// Whether to draw the legend under the diagram.
    pub legend: bool,
}

/// A rectangle grown to hold points.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    min: Point,
    max: Point,
}

impl Bounds {
    fn empty() -> Self {
        Self {
            min: pos2(f32::INFINITY, f32::INFINITY),
            max: pos2(f32::NEG_INFINITY, f32::NEG_INFINITY),
        }
    }

    fn add(&mut self, p: Point) {
        if p.x.is_finite() && p.y.is_finite() {
            self.min = self.min.min(p);
            self.max = self.max.max(p);
        }
    }

    fn add_box(&mut self, c: Point, half: (f32, f32)) {
        self.add(c - vec2(half.0, half.1));
        self.add(c + vec2(half.0, half.1));
    }

    fn or_zero(self) -> Self {
        if self.min.x.is_finite() {
            self
        } else {
            Self {
                min: Point::ZERO,
                max: Point::ZERO,
            }
        }
    }
}

/// A link's label (its technology), placed above the middle of its longest
/// straight piece, on a backing so it stays readable over other lines.
struct Label {
    text: &'static str,
    center: Point,
    size: (f32, f32),
}

fn label_of(pieces: &[Vec<Point>], text: Option<&'static str>) -> Option<Label> {
    let text = text?;
    let (from, to) = pieces
        .iter()
        .filter_map(|p| longest_segment(p))
        .max_by(|x, y| x.0.distance(x.1).total_cmp(&y.0.distance(y.1)))?;
    let dir = visual::direction(from, to)?;
    let size = LINK_MARKS.label_size;
    let (w, h) = (text_width(text, size), size * 1.2);
    if w > visual::distance(from, to) * 0.8 {
        return None;
    }
    let mut normal = -visual::perpendicular(dir);
    if normal.y > 0.0 {
        normal = -normal;
    }
    let middle = from.lerp(to, 0.5);
    Some(Label {
        text,
        center: visual::along(middle, normal, h / 2.0 + LINK_MARKS.label_gap),
        size: (w + 6.0, h + 2.0),
    })
}

/// Whether item `i` of a per-item list is on (missing items are off).
fn on(list: &[bool], i: usize) -> bool {
    list.get(i).copied().unwrap_or(false)
}

/// The emphasis of item `i`.
fn emphasis(list: &[bool], i: usize) -> Emphasis {
    if on(list, i) {
        Emphasis::Highlighted
    } else {
        Emphasis::Normal
    }
}

/// What the drawing covers: every node with its halo and a client's name,
/// every link with its marks, every label.
fn drawing_bounds(
    design: &Design,
    centers: &[Point],
    routes: &[Vec<Vec<Point>>],
    labels: &[Option<Label>],
    options: &DiagramOptions,
) -> Bounds {
    let mut bounds = Bounds::empty();
    for (i, (n, &c)) in design.nodes.iter().zip(centers).enumerate() {
        let shape = NodeShape::of(&n.kind);
        let (w, h) = shape.size();
        let halo = if on(&options.highlighted_nodes, i) {
            NODE_MARKS.halo_gap + NODE_MARKS.halo_width
        } else {
            0.0
        };
        bounds.add_box(c, (w / 2.0 + halo, h / 2.0 + halo));
        if shape == NodeShape::Person {
            let name =
                text_width(&n.name, NODE_MARKS.name_size * BOLD).min(NODE_MARKS.person_label_width);
            let below = shape.label_below();
            bounds.add_box(
                c + vec2(0.0, h / 2.0 + below / 2.0),
                (name / 2.0, below / 2.0 + 2.0),
            );
        }
    }
    let reach = LINK_MARKS.broadcast_radii[1];
    for p in routes.iter().flatten().flatten() {
        bounds.add_box(*p, (reach, reach));
    }
    for label in labels.iter().flatten() {
        bounds.add_box(label.center, (label.size.0 / 2.0, label.size.1 / 2.0));
    }
    bounds.or_zero()
}

/// A tooltip (`<title>`): the facts as `label: value` lines, then the
/// notes.
fn tooltip(m: &mut Markup, facts: Vec<(&'static str, String)>, notes: &str) {
    let mut lines: Vec<String> = facts
        .into_iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    if !notes.is_empty() {
        lines.push(notes.to_owned());
    }
    m.text_el("title", &[], &lines.join("\n"));
}

/// The design drawn with its nodes at `positions` (in design order).
pub fn diagram(design: &Design, positions: &[Position], options: &DiagramOptions) -> Markup {
    let theme = Theme::Light;
    let palette = Palette::of(theme);
    let centers: Vec<Point> = (0..design.nodes.len())
        .map(|i| positions.get(i).map_or(Point::ZERO, |p| pos2(p.x, p.y)))
        .collect();
    let routes = link_routes(design, positions);
    let labels: Vec<Option<Label>> = design
        .links
        .iter()
        .zip(&routes)
        .map(|(l, r)| label_of(r, visual::link_label(l)))
        .collect();
    let bounds = drawing_bounds(design, &centers, &routes, &labels, options);
    let any_highlight = options
        .highlighted_nodes
        .iter()
        .chain(&options.highlighted_links)
        .any(|h| *h);
    let (legend_w, legend_h) = if options.legend {
        let (w, h) = legend::size(any_highlight);
        (w, h + MARGIN)
    } else {
        (0.0, 0.0)
    };
    let drawing_w = bounds.max.x - bounds.min.x + 2.0 * MARGIN;
    let drawing_h = bounds.max.y - bounds.min.y + 2.0 * MARGIN;
    let width = drawing_w.max(legend_w + 2.0 * MARGIN);
    let height = drawing_h + legend_h;
    // A drawing narrower than its legend sits in the middle.
    let x0 = bounds.min.x - MARGIN - (width - drawing_w) / 2.0;
    let y0 = bounds.min.y - MARGIN;

    let mut m = Markup::new();
    let view_box = format!("{} {} {} {}", num(x0), num(y0), num(width), num(height));
    let root = Attrs::new()
        .set("xmlns", "http://www.w3.org/2000/svg")
        .set("class", "diagram")
        .set("viewBox", view_box)
        .num("width", width)
        .num("height", height)
        .set("role", "img")
        .set("font-family", FONT_FAMILY);
    m.el("svg", &root.pairs(), |m| {
        m.text_el("title", &[], &format!("Diagram of {}", design.name));
        let background = Attrs::new()
            .rect(x0, y0, width, height)
            .color("fill", palette.canvas);
        m.empty("rect", &background.pairs());
        m.el("g", &[("class", "links")], |m| {
            for (i, l) in design.links.iter().enumerate() {
                let attrs = Attrs::new()
                    .set("class", "link")
                    .set("data-link", i.to_string())
                    .set("data-style", l.style.as_str());
                m.el("g", &attrs.pairs(), |m| {
                    tooltip(m, visual::link_facts(design, l), &l.notes);
                    let emphasis = emphasis(&options.highlighted_links, i);
                    // A link whose ends overlap or are unknown still gets
                    // its line, of no length.
                    let pieces = if routes[i].is_empty() {
                        vec![vec![]]
                    } else {
                        routes[i].clone()
                    };
                    let draw = LinkDraw {
                        look: link_look(l.style),
                        color: style_color(l.style, theme),
                        background: palette.canvas,
                        scale: emphasis.width_factor(),
                        halo: (emphasis == Emphasis::Highlighted)
                            .then(|| palette.highlight.faded(LINK_MARKS.halo_opacity)),
                    };
                    link(m, &pieces, &draw);
                    if let Some(label) = &labels[i] {
                        link_label(m, label, palette);
                    }
                });
            }
        });
        m.el("g", &[("class", "nodes")], |m| {
            for (i, n) in design.nodes.iter().enumerate() {
                let attrs = Attrs::new()
                    .set("class", "node")
                    .set("data-node", n.id.as_str())
                    .set("data-kind", n.kind_name());
                m.el("g", &attrs.pairs(), |m| {
                    tooltip(m, visual::node_facts(n), &n.notes);
                    let caption = visual::node_caption(n);
                    let draw = NodeDraw {
                        shape: NodeShape::of(&n.kind),
                        center: centers[i],
                        name: n.display_name(),
                        caption: &caption,
                        emphasis: emphasis(&options.highlighted_nodes, i),
                        palette,
                    };
                    node(m, &draw);
                });
            }
        });
        if options.legend {
            legend::legend(m, x0 + MARGIN, y0 + drawing_h, any_highlight, theme);
        }
    });
    m
}

/// Writes a link's label on its backing.
fn link_label(m: &mut Markup, label: &Label, palette: &Palette) {
    let (w, h) = label.size;
    let backing = Attrs::new()
        .rect(label.center.x - w / 2.0, label.center.y - h / 2.0, w, h)
        .num("rx", 4.0)
        .color("fill", palette.canvas.faded(0.85));
    m.empty("rect", &backing.pairs());
    let size = LINK_MARKS.label_size;
    let text = Attrs::new()
        .set("class", "label")
        .num("x", label.center.x)
        .num("y", label.center.y + size * 0.35)
        .set("text-anchor", "middle")
        .num("font-size", size)
        .color("fill", palette.text_muted);
    m.text_el("text", &text.pairs(), label.text);
}
