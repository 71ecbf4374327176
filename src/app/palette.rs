//! The palette on the left: the kinds of node to add (click to add in the
//! middle of the view, or drag onto the canvas), the Connect tool, and the
//! style new links get.

use egui::{Sense, Ui, WidgetInfo, WidgetType, vec2};

use crate::model::Style;
use crate::visual::style_name;

use super::canvas::{Canvas, Tool};
use super::command::Command;
use super::edit::NewNode;
use super::legend;

/// The palette's width with its labels shown, points.
pub const WIDTH: f32 = 140.0;

/// What the Connect tool does.
const CONNECT_HINT: &str =
    "While on, dragging from any node connects it to the node you release on. Esc leaves it.";

/// Draws the palette, with labels when `full`, else as a strip of icons;
/// returns the commands it asks for. The tool and the new-link style are
/// the canvas's, set directly.
pub fn palette_ui(ui: &mut Ui, canvas: &mut Canvas, full: bool) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        if full {
            ui.strong("Add");
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let (label, meaning) = if full {
                ("«", "Show the palette as icons")
            } else {
                ("»", "Show the palette with labels")
            };
            let response = ui.add(egui::Button::new(label).frame(false));
            response.widget_info(|| WidgetInfo::labeled(WidgetType::Button, true, meaning));
            if response.on_hover_text(meaning).clicked() {
                commands.push(Command::TogglePalette);
            }
        });
    });
    if full {
        ui.weak("Click, or drag onto the canvas");
    }
    for kind in NewNode::ALL {
        if node_item(ui, kind, full).clicked() {
            commands.push(Command::AddNode(kind));
        }
    }
    ui.separator();
    let on = canvas.tool == Tool::Connect;
    if !full {
        let connect = ui
            .selectable_label(on, "⤳")
            .on_hover_text(format!("Connect tool. {CONNECT_HINT}"));
        connect.widget_info(|| {
            WidgetInfo::selected(WidgetType::SelectableLabel, true, on, "Connect tool")
        });
        if connect.clicked() {
            canvas.toggle_connect_tool();
        }
        return commands;
    }
    ui.strong("Connect");
    ui.weak("Drag from the + handle on a node's right edge to another node.");
    let connect = ui
        .selectable_label(on, "Connect tool")
        .on_hover_text(CONNECT_HINT);
    if connect.clicked() {
        canvas.toggle_connect_tool();
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

/// A kind of node: its shape, and its name when `labelled`; clickable and
/// draggable.
fn node_item(ui: &mut Ui, kind: NewNode, labelled: bool) -> egui::Response {
    let width = ui.available_width();
    let (rect, response) = ui.allocate_exact_size(vec2(width, 30.0), Sense::click_and_drag());
    response.widget_info(|| WidgetInfo::labeled(WidgetType::Button, true, kind.label()));
    response.dnd_set_drag_payload(kind);
    let visuals = ui.style().interact(&response);
    ui.painter().rect_filled(rect, 4.0, visuals.weak_bg_fill);
    let icon_size = vec2(width.min(34.0) - 6.0, 20.0);
    let icon = egui::Rect::from_min_size(rect.min + vec2(3.0, 5.0), icon_size);
    legend::paint_kind_icon(ui, kind.shape(), icon);
    if labelled {
        ui.painter().text(
            rect.left_center() + vec2(40.0, 0.0),
            egui::Align2::LEFT_CENTER,
            kind.label(),
            egui::TextStyle::Button.resolve(ui.style()),
            visuals.text_color(),
        );
    }
    let hint = if labelled {
        kind.hint().to_owned()
    } else {
        format!("{}: {}", kind.label(), kind.hint())
    };
    response
        .on_hover_text(hint)
        .on_hover_cursor(egui::CursorIcon::Grab)
}

/// A communication style: its drawing and name; selectable.
fn style_item(ui: &mut Ui, style: Style, selected: bool) -> egui::Response {
    let inner = ui.horizontal(|ui| {
        legend::style_swatch(ui, style, 34.0);
        ui.selectable_label(selected, style_name(style))
    });
    let response = inner.inner;
    let label = format!("New links: {style}");
    response
        .widget_info(|| WidgetInfo::selected(WidgetType::SelectableLabel, true, selected, &label));
    response.on_hover_text(style.description())
}
