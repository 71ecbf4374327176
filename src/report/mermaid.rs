//! The design as a Mermaid flowchart, which code hosts draw in Markdown.
//!
//! Node ids are `n0`, `n1`… (design order): never a Mermaid keyword, never
//! mistaken for an edge's end mark. Every label is quoted and escaped
//! ([`escape::mermaid`]). Styles are told apart by the arrow, as the
//! legend line under the diagram says, and coloured like the app.

use crate::model::{Design, NodeKind, Style};
use crate::visual::{NodeShape, Palette, Theme, link_label, style_color, style_meaning};

use super::escape;

/// The Mermaid arrow of a style.
pub fn arrow(style: Style) -> &'static str {
    match style {
        Style::Sync => "-->",
        Style::AsyncRequest => "-.->",
        Style::Event => "==>",
        Style::CommonData => "--o",
    }
}

/// How the Markdown under the diagram names a node kind's shape.
fn shape_words(shape: NodeShape) -> (&'static str, &'static str) {
    match shape {
        NodeShape::RoundedBox => ("rounded box", "service"),
        NodeShape::Queue => ("hexagon", "broker"),
        NodeShape::Cylinder => ("cylinder", "data store"),
        NodeShape::Person => ("stadium", "client"),
    }
}

/// The opening and closing brackets of a node kind's shape.
fn brackets(kind: &NodeKind) -> (&'static str, &'static str) {
    match NodeShape::of(kind) {
        NodeShape::RoundedBox => ("(", ")"),
        NodeShape::Queue => ("{{", "}}"),
        NodeShape::Cylinder => ("[(", ")]"),
        NodeShape::Person => ("([", "])"),
    }
}

/// The class (fill) of a node kind's shape.
fn class(shape: NodeShape) -> &'static str {
    match shape {
        NodeShape::RoundedBox => "service",
        NodeShape::Queue => "broker",
        NodeShape::Cylinder => "store",
        NodeShape::Person => "client",
    }
}

/// Most edges a diagram is drawn with: Mermaid refuses more than 500 by
/// default.
pub const MAX_EDGES: usize = 400;

/// The flowchart of `design`, `highlighted` nodes and links (design order)
/// drawn with a thick outline; `None` when it has more edges than
/// [`MAX_EDGES`].
pub fn flowchart(
    design: &Design,
    highlighted_nodes: &[bool],
    highlighted_links: &[bool],
) -> Option<String> {
    let index = design.node_index();
    let id = |node: &crate::model::NodeId| index.get(node).map(|i| format!("n{}", i.0));
    let mut lines = vec!["flowchart LR".to_owned()];
    for (i, n) in design.nodes.iter().enumerate() {
        let (open, close) = brackets(&n.kind);
        lines.push(format!(
            "  n{i}{open}\"{}\"{close}",
            escape::mermaid(n.display_name())
        ));
    }
    // Edges in order, each with its style, for `linkStyle`.
    let mut edges: Vec<(Style, bool)> = Vec::new();
    for (i, l) in design.links.iter().enumerate() {
        let (Some(from), Some(to)) = (id(&l.from), id(&l.to)) else {
            continue;
        };
        let label = link_label(l)
            .map(|t| format!("|\"{}\"|", escape::mermaid(t)))
            .unwrap_or_default();
        let arrow = arrow(l.style);
        let highlighted = highlighted_links.get(i).copied().unwrap_or(false);
        match l.via.as_ref().and_then(&id) {
            Some(via) => {
                lines.push(format!("  {from} {arrow} {via}"));
                lines.push(format!("  {via} {arrow}{label} {to}"));
                edges.extend([(l.style, highlighted), (l.style, highlighted)]);
            }
            None => {
                lines.push(format!("  {from} {arrow}{label} {to}"));
                edges.push((l.style, highlighted));
            }
        }
    }
    if edges.len() > MAX_EDGES {
        return None;
    }
    let palette = Palette::of(Theme::Light);
    for shape in [
        NodeShape::RoundedBox,
        NodeShape::Queue,
        NodeShape::Cylinder,
        NodeShape::Person,
    ] {
        lines.push(format!(
            "  classDef {} fill:{},stroke:{},color:{}",
            class(shape),
            palette.fill(shape).to_hex(),
            palette.node_stroke.to_hex(),
            palette.text.to_hex()
        ));
        let members: Vec<String> = design
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| NodeShape::of(&n.kind) == shape)
            .map(|(i, _)| format!("n{i}"))
            .collect();
        if !members.is_empty() {
            lines.push(format!("  class {} {}", members.join(","), class(shape)));
        }
    }
    let marked: Vec<String> = (0..design.nodes.len())
        .filter(|&i| highlighted_nodes.get(i).copied().unwrap_or(false))
        .map(|i| format!("n{i}"))
        .collect();
    if !marked.is_empty() {
        lines.push(format!(
            "  classDef finding stroke:{},stroke-width:4px",
            palette.highlight.to_hex()
        ));
        lines.push(format!("  class {} finding", marked.join(",")));
    }
    for style in Style::ALL {
        for highlighted in [false, true] {
            let which: Vec<String> = edges
                .iter()
                .enumerate()
                .filter(|(_, e)| **e == (style, highlighted))
                .map(|(i, _)| i.to_string())
                .collect();
            if which.is_empty() {
                continue;
            }
            let width = if highlighted { 4.0 } else { 2.0 };
            lines.push(format!(
                "  linkStyle {} stroke:{},stroke-width:{width}px",
                which.join(","),
                style_color(style, Theme::Light).to_hex()
            ));
        }
    }
    Some(lines.join("\n"))
}

/// The legend under the diagram, in Markdown: each style's arrow and
/// meaning, each kind's shape.
pub fn legend() -> String {
    let arrows: Vec<String> = Style::ALL
        .iter()
        .map(|s| {
            format!(
                "`{}` {} ({})",
                arrow(*s),
                escape::markdown(s.as_str()),
                escape::markdown(style_meaning(*s))
            )
        })
        .collect();
    let shapes: Vec<String> = [
        NodeShape::RoundedBox,
        NodeShape::Queue,
        NodeShape::Cylinder,
        NodeShape::Person,
    ]
    .into_iter()
    .map(shape_words)
    .map(|(shape, kind)| format!("{shape}: {kind}"))
    .collect();
    format!(
        "Arrows: {}. Shapes: {}. A thick outline or line: involved in a finding (warning or error).",
        arrows.join(" · "),
        shapes.join(", ")
    )
}
