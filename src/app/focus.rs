//! What the canvas highlights: an entry point's temporal coupling and its
//! longest blocking chain, or what one finding is about. The rest of the
//! design is dimmed, and a callout beside the entry point says what the
//! coupling costs.

use std::collections::HashMap;

use egui::{Align2, Color32, FontId, Painter, Pos2, Shape, Stroke, Ui, vec2};

use crate::analysis::{EntrySummary, Finding};
use crate::model::{Design, LinkIdx, NodeId, NodeIdx};
use crate::numbers::{duration, fixed, percent};
use crate::visual::{Emphasis, Palette, Theme};

use super::analysed::Analysed;
use super::canvas::{OverlayPainter, ScreenFromGraph, paint};

/// What is highlighted.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Focus {
    /// Nothing: the design as it is.
    #[default]
    None,
    /// An entry point: its coupling set, its blocking chain brighter.
    Entry(String),
    /// A finding: its nodes and links.
    Finding(Box<Finding>),
}

/// The emphasis a focus gives the design.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Emphases {
    /// Of everything not listed.
    pub default: Emphasis,
    /// Of listed nodes.
    pub nodes: HashMap<NodeIdx, Emphasis>,
    /// Of listed links.
    pub links: HashMap<LinkIdx, Emphasis>,
}

impl Emphases {
    /// The emphasis of link `i`.
    pub fn link(&self, i: usize) -> Emphasis {
        self.links.get(&LinkIdx(i)).copied().unwrap_or(self.default)
    }

    fn node_ids(&mut self, design: &Design, ids: &[NodeId], emphasis: Emphasis) {
        let index = design.node_index();
        for id in ids {
            if let Some(&i) = index.get(id) {
                self.nodes.insert(i, emphasis);
            }
        }
    }

    fn links(&mut self, links: &[LinkIdx], emphasis: Emphasis) {
        self.links.extend(links.iter().map(|&l| (l, emphasis)));
    }
}

impl Focus {
    /// The emphasis for `design`, with its `analysed` entry points; `None`
    /// when nothing is highlighted.
    pub fn emphases(&self, design: &Design, analysed: &Analysed) -> Option<Emphases> {
        let mut e = Emphases {
            default: Emphasis::Dimmed,
            ..Emphases::default()
        };
        match self {
            Self::None => return None,
            Self::Entry(name) => {
                let summary = analysed.entry(name)?;
                let entry = design.entry_points.iter().find(|p| &p.name == name)?;
                e.node_ids(
                    design,
                    std::slice::from_ref(&entry.client),
                    Emphasis::Normal,
                );
                e.node_ids(design, &summary.coupling_set, Emphasis::Normal);
                e.node_ids(design, &summary.chain, Emphasis::Highlighted);
                e.links(&summary.coupling_links, Emphasis::Normal);
                e.links(&summary.chain_links, Emphasis::Highlighted);
                if let Some(link) = design.entry_link(entry) {
                    e.links(&[link], Emphasis::Highlighted);
                }
            }
            Self::Finding(finding) => {
                e.node_ids(design, &finding.nodes, Emphasis::Highlighted);
                e.links(&finding.links, Emphasis::Highlighted);
            }
        }
        Some(e)
    }

    /// The nodes to frame when the focus is chosen.
    pub fn nodes(&self, design: &Design, analysed: &Analysed) -> Vec<usize> {
        let ids: Vec<NodeId> = match self {
            Self::None => Vec::new(),
            Self::Entry(name) => {
                let client = design
                    .entry_points
                    .iter()
                    .find(|e| &e.name == name)
                    .map(|e| e.client.clone());
                analysed
                    .entry(name)
                    .map(|s| s.coupling_set.iter().cloned().chain(client).collect())
                    .unwrap_or_default()
            }
            Self::Finding(f) => {
                let mut ids = f.nodes.clone();
                for l in &f.links {
                    if let Some(link) = design.link(*l) {
                        ids.push(link.from.clone());
                        ids.push(link.to.clone());
                    }
                }
                ids
            }
        };
        let index = design.node_index();
        let mut nodes: Vec<usize> = ids
            .iter()
            .filter_map(|id| index.get(id).map(|i| i.0))
            .collect();
        nodes.sort_unstable();
        nodes.dedup();
        nodes
    }
}

/// The callout beside a highlighted entry point: what its coupling costs.
pub fn entry_callout_lines(summary: &EntrySummary) -> [String; 2] {
    let n = summary.coupling_set.len();
    let always = n - summary.sometimes_needed.len();
    [
        format!(
            "{} needs {n} service{} up{}: compound availability {}",
            summary.entry_point,
            if n == 1 { "" } else { "s" },
            if always < n {
                format!(" ({always} on every request)")
            } else {
                String::new()
            },
            percent(summary.compound_availability)
        ),
        format!(
            "longest blocking chain: {} hop{}, ~{} expected, {} connections held",
            summary.chain_links.len(),
            if summary.chain_links.len() == 1 {
                ""
            } else {
                "s"
            },
            duration(summary.chain_latency_ms),
            fixed(summary.held_connections, 1)
        ),
    ]
}

/// Where the callout of `summary` goes: above the middle of its coupling
/// set (graph units).
pub fn callout_anchor(design: &Design, summary: &EntrySummary) -> Option<Pos2> {
    let points: Vec<Pos2> = summary
        .coupling_set
        .iter()
        .chain(std::iter::once(&summary.target))
        .filter_map(|id| design.node(id))
        .map(|n| egui::pos2(n.pos.x, n.pos.y))
        .collect();
    (!points.is_empty()).then(|| egui::Rect::from_points(&points).center_top())
}

/// Paints the callout `lines` above `anchor` (graph units), kept inside
/// the canvas.
pub fn callout_painter(lines: [String; 2], anchor: Pos2, theme: Theme) -> OverlayPainter<'static> {
    Box::new(move |painter: &Painter, transform: &ScreenFromGraph| {
        let palette = Palette::of(theme);
        let at = transform.screen_from_graph(anchor) + vec2(0.0, -40.0 * transform.zoom - 12.0);
        let galleys: Vec<_> = lines
            .iter()
            .enumerate()
            .map(|(i, line)| {
                let font = FontId::proportional(if i == 0 { 13.0 } else { 12.0 });
                let color = paint::color(if i == 0 {
                    palette.text
                } else {
                    palette.text_muted
                });
                painter.layout_no_wrap(line.clone(), font, color)
            })
            .collect();
        let width = galleys.iter().map(|g| g.size().x).fold(0.0, f32::max);
        let height: f32 = galleys.iter().map(|g| g.size().y).sum();
        let mut rect = Align2::CENTER_BOTTOM
            .anchor_size(at, vec2(width, height))
            .expand2(vec2(10.0, 6.0));
        // Inside the canvas, even when the design reaches its edge.
        let clip = painter.clip_rect().shrink(8.0);
        let shift = vec2(
            (clip.left() - rect.left()).max(0.0) - (rect.right() - clip.right()).max(0.0),
            (clip.top() - rect.top()).max(0.0),
        );
        rect = rect.translate(shift);
        painter.add(Shape::rect_filled(rect, 6.0, paint::color(palette.canvas)));
        painter.add(Shape::rect_stroke(
            rect,
            6.0,
            Stroke::new(1.5, paint::color(palette.highlight)),
            egui::StrokeKind::Inside,
        ));
        let mut y = rect.top() + 6.0;
        for g in galleys {
            let h = g.size().y;
            painter.add(Shape::galley(
                egui::pos2(rect.left() + 10.0, y),
                g,
                Color32::PLACEHOLDER,
            ));
            y += h;
        }
    })
}

/// The entry-point chooser, floating at the canvas's top-left corner.
pub fn entry_chooser_ui(ui: &mut Ui, design: &Design, focus: &mut Focus) -> bool {
    let mut chosen = false;
    let current = match focus {
        Focus::Entry(name) => name.clone(),
        _ => "none".to_owned(),
    };
    ui.horizontal(|ui| {
        let label = ui.label("Coupling of");
        egui::ComboBox::from_id_salt("entry-highlight")
            .selected_text(&current)
            .show_ui(ui, |ui| {
            if ui.selectable_label(matches!(focus, Focus::None), "none").clicked() {
                *focus = Focus::None;
                chosen = true;
            }
            for entry in &design.entry_points {
                if ui.selectable_label(current == entry.name, &entry.name).clicked() {
                    *focus = Focus::Entry(entry.name.clone());
                    chosen = true;
                }
            }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text("Highlight what an entry point needs up (its temporal coupling) and its longest chain of blocking calls");
    });
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_callout_writes_minus_zero() {
        for example in crate::library::EXAMPLES {
            let design = example.design().expect("examples load");
            let analysis = crate::analysis::analyse(&design);
            for summary in &analysis.entry_points {
                for line in entry_callout_lines(summary) {
                    assert!(!line.contains("-0"), "{}: {line}", example.slug);
                }
            }
        }
    }
}
