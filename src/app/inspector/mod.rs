//! The inspector on the right: every field of the selected node or link,
//! or of the design itself when nothing is selected, with the right widget
//! and units, and each validation problem beside its field.
//!
//! The inspector edits a copy of what it shows and reports the result as an
//! [`InspectorEdit`]; the app applies it to the document as one undo step
//! (continuous edits — typing, dragging a number — carry the widget's id so
//! they stay one step).

mod design;
mod form;
mod link;
mod node;
mod steps;

use egui::{ScrollArea, Ui};

use crate::model::{Design, FieldPath, Link, Node, NodeId, Problem, Style};

use super::validation::Owner;

use super::edit;
use super::history::EditKey;
use super::selection::{Selection, Single};

pub use design::Meta;

/// A change made in the inspector.
#[derive(Debug, Clone, PartialEq)]
pub enum InspectorEdit {
    /// Node `index` now is `node` (same id).
    Node {
        /// Its index in the design.
        index: usize,
        /// Its new value.
        node: Box<Node>,
    },
    /// Link `index` now is `link`.
    Link {
        /// Its index in the design.
        index: usize,
        /// Its new value.
        link: Box<Link>,
    },
    /// Links `links` now have style `style` (clearing what no longer
    /// applies).
    Restyle {
        /// The links.
        links: Vec<usize>,
        /// Their new style.
        style: Style,
    },
    /// The design's name, description, entry points, scenario, thresholds.
    Meta(Box<Meta>),
    /// Node `old` is now called `new`, everywhere.
    RenameNode {
        /// The id before.
        old: NodeId,
        /// The id after.
        new: NodeId,
    },
    /// Operation `old` of `node` is now called `new`, everywhere.
    RenameOperation {
        /// The service.
        node: NodeId,
        /// The name before.
        old: String,
        /// The name after.
        new: String,
    },
}

impl InspectorEdit {
    /// Makes the change in `design`.
    pub fn apply(self, design: &mut Design) {
        match self {
            Self::Node { index, node } => {
                if let Some(n) = design.nodes.get_mut(index) {
                    *n = *node;
                }
            }
            Self::Link { index, link } => {
                let Some(old) = design.links.get(index).cloned() else {
                    return;
                };
                // Steps that named the link by its old name follow it.
                let follows = old.name.is_some() && old.name != link.name;
                design.links[index] = *link;
                if follows && let Some(old_name) = &old.name {
                    let reference = design
                        .step_reference(crate::model::LinkIdx(index))
                        .unwrap_or_else(|| design.links[index].to.to_string());
                    edit::rename_link_references(design, &old.from, old_name, &reference);
                }
            }
            Self::Restyle { links, style } => {
                for index in links {
                    edit::restyle(design, index, style);
                }
            }
            Self::Meta(meta) => meta.apply(design),
            Self::RenameNode { old, new } => edit::rename_node(design, &old, &new),
            Self::RenameOperation { node, old, new } => {
                edit::rename_operation(design, &node, &old, &new)
            }
        }
    }
}

/// What the inspector asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum InspectorAction {
    /// Change the design.
    Edit {
        /// The change.
        edit: InspectorEdit,
        /// The widget of a continuous edit (one undo step while it lasts).
        key: Option<EditKey>,
    },
    /// Select something else (a link's end, a node's link).
    Select(Selection),
    /// Delete the selection.
    Delete,
}

/// The inspector's own state between frames.
#[derive(Debug, Default)]
pub struct Inspector {
    /// Put the keyboard in the name field (after a double-click on a node).
    pub focus_name: bool,
    /// Scroll to the field at this path (from the status bar's problems).
    pub reveal: Option<FieldPath>,
}

impl Inspector {
    /// Draws the inspector for `selection` in `design`.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        design: &Design,
        selection: &Selection,
        problems: &[Problem],
    ) -> Vec<InspectorAction> {
        let mut actions = Vec::new();
        let reveal = self.reveal.take();
        let focus_name = std::mem::take(&mut self.focus_name);
        ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                let mut form = form::Form::new(problems, reveal.as_ref());
                match selection.single() {
                    Some(Single::Node(id)) => {
                        if let Some(index) = design.nodes.iter().position(|n| &n.id == id) {
                            node::node_ui(ui, &mut form, design, index, focus_name, &mut actions);
                            if focus_name {
                                select_all_in_focused(ui, &design.nodes[index].name);
                            }
                        }
                    }
                    Some(Single::Link(index)) if index < design.links.len() => {
                        link::link_ui(ui, &mut form, design, index, &mut actions);
                    }
                    _ if selection.is_empty() => {
                        design::design_ui(ui, &mut form, design, &mut actions);
                        form.unshown_ui(ui, |p| Owner::of(p) == Owner::Design);
                    }
                    _ => several_ui(ui, &mut form, design, selection, &mut actions),
                }
            });
        actions
    }
}

/// Selects all of `text` in the text field that has the keyboard, so that
/// typing replaces it: a new node's name is a placeholder.
fn select_all_in_focused(ui: &Ui, text: &str) {
    let Some(id) = ui.memory(|m| m.focused()) else {
        return;
    };
    let mut state = egui::TextEdit::load_state(ui.ctx(), id).unwrap_or_default();
    let all = egui::text::CCursorRange::two(
        egui::text::CCursor::new(0),
        egui::text::CCursor::new(text.chars().count()),
    );
    state.cursor.set_char_range(Some(all));
    egui::TextEdit::store_state(ui.ctx(), id, state);
}

/// Several things selected: what can be done to all of them.
fn several_ui(
    ui: &mut Ui,
    form: &mut form::Form<'_>,
    design: &Design,
    selection: &Selection,
    actions: &mut Vec<InspectorAction>,
) {
    ui.heading("Selection");
    ui.label(format!(
        "{} node{} and {} link{} selected.",
        selection.nodes.len(),
        if selection.nodes.len() == 1 { "" } else { "s" },
        selection.links.len(),
        if selection.links.len() == 1 { "" } else { "s" },
    ));
    let links: Vec<usize> = selection
        .links
        .iter()
        .copied()
        .filter(|&i| i < design.links.len())
        .collect();
    if !links.is_empty() {
        egui::Grid::new("several").num_columns(2).show(ui, |ui| {
            let first = design.links[links[0]].style;
            let mut style = first;
            form.row(ui, "Style of the links", &FieldPath::root(), |f, ui| {
                link::style_combo(f, ui, &mut style)
            });
            if style != first
                || links.iter().any(|&i| design.links[i].style != style) && form.changed.is_some()
            {
                actions.push(InspectorAction::Edit {
                    edit: InspectorEdit::Restyle { links, style },
                    key: None,
                });
            }
        });
    }
    ui.add_space(8.0);
    if ui.button("Delete selection").clicked() {
        actions.push(InspectorAction::Delete);
    }
}

/// How many problems the element at `path` has; each is shown beside its
/// field (or at the end of the pane).
fn problem_count(ui: &mut Ui, form: &form::Form<'_>, path: &FieldPath) {
    let count = form.count_within(path);
    if count > 0 {
        let text = format!(
            "⚠ {count} problem{} to fix",
            if count == 1 { "" } else { "s" }
        );
        ui.colored_label(ui.visuals().error_fg_color, text);
    }
}
