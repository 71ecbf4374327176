//! The palette on the left: the kinds of node to add (click to add in the
//! middle of the view, or drag onto the canvas), the Connect tool, and the
//! style new links get.

use egui::{Sense, Ui, WidgetInfo, WidgetType, vec2};

use crate::model::Style;

use super::canvas::{Canvas, Tool};
use super::command::Command;
use super::edit::NewNode;
use super::legend;

/// Draws the palette; returns the commands it asks for. The tool and the
/// new-link style are the canvas's, set directly.
pub fn palette_ui(ui: &mut Ui, canvas: &mut Canvas) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.add_space(4.0);
    ui.strong("Add");
    ui.weak("Click, or drag onto the canvas");
    for kind in NewNode::ALL {
        if node_item(ui, kind).clicked() {
            commands.push(Command::AddNode(kind));
        }
    }
    ui.separator();
    ui.strong("Connect");
    ui.weak("Drag from the + handle on a node's right edge to another node.");
    let connect = ui
        .selectable_label(canvas.tool == Tool::Connect, "Connect tool")
        .on_hover_text("While on, dragging from any node connects it to the node you release on. Esc leaves it.");
    if connect.clicked() {
        canvas.tool = if canvas.tool == Tool::Connect {
            Tool::Select
        } else {
            Tool::Connect
        };
    }
    ui.add_space(6.0);
    ui.weak("New links are");
    for style in Style::ALL {
        if style_item(ui, style, canvas.new_link_style == style).clicked() {
            canvas.new_link_style = style;
        }
    }
    ui.weak("(when the two kinds allow it)");
    commands
}

/// A kind of node: its shape and name; clickable and draggable.
fn node_item(ui: &mut Ui, kind: NewNode) -> egui::Response {
    let width = ui.available_width();
    let (rect, response) = ui.allocate_exact_size(vec2(width, 34.0), Sense::click_and_drag());
    response.widget_info(|| WidgetInfo::labeled(WidgetType::Button, true, kind.label()));
    response.dnd_set_drag_payload(kind);
    let visuals = ui.style().interact(&response);
    ui.painter().rect_filled(rect, 4.0, visuals.weak_bg_fill);
    let icon = egui::Rect::from_min_size(rect.min + vec2(6.0, 5.0), vec2(40.0, 24.0));
    legend::paint_kind_icon(ui, kind.shape(), icon);
    ui.painter().text(
        rect.left_center() + vec2(54.0, 0.0),
        egui::Align2::LEFT_CENTER,
        kind.label(),
        egui::TextStyle::Button.resolve(ui.style()),
        visuals.text_color(),
    );
    response
        .on_hover_text(kind.hint())
        .on_hover_cursor(egui::CursorIcon::Grab)
}

/// A communication style: its drawing and name; selectable.
fn style_item(ui: &mut Ui, style: Style, selected: bool) -> egui::Response {
    let inner = ui.horizontal(|ui| {
        legend::style_swatch(ui, style, 44.0);
        ui.selectable_label(selected, style.as_str())
    });
    let response = inner.inner;
    let label = format!("New links: {style}");
    response
        .widget_info(|| WidgetInfo::selected(WidgetType::SelectableLabel, true, selected, &label));
    response.on_hover_text(style.description())
}
