//! The legend (what each line and shape means) and the small pictures of
//! styles and node kinds that the palette and the inspector reuse. All are
//! painted by the canvas's own painters, so they match the diagram.

use egui::{Align2, Rect, Response, Sense, Ui, Vec2, pos2, vec2};

use crate::model::Style;
use crate::visual::{
    Emphasis, MESSAGE_KINDS, NodeShape, Palette, link_look, live_colors, message_look, style_color,
    style_meaning, style_name,
};

use super::animation::GlyphMesh;
use super::canvas::{self, paint};
use super::edit::NewNode;

/// Paints a short link of `style` in a `width`-wide strip, as on the canvas.
pub fn style_swatch(ui: &mut Ui, style: Style, width: f32) -> Response {
    let (rect, response) = ui.allocate_exact_size(vec2(width, 18.0), Sense::hover());
    let theme = canvas::theme_of(ui);
    let stroke = paint::LinkStroke {
        look: link_look(style),
        color: paint::color(style_color(style, theme)),
        scale: 1.0,
        background: paint::color(Palette::of(theme).canvas),
        marks: true,
    };
    let mut shapes = Vec::new();
    let y = rect.center().y;
    paint::link_shapes(
        &mut shapes,
        &[pos2(rect.left() + 4.0, y), pos2(rect.right() - 2.0, y)],
        &stroke,
    );
    ui.painter_at(rect.expand(2.0)).extend(shapes);
    response
}

/// A coloured dot and a text: one entry of a colour key.
pub fn color_key_ui(ui: &mut Ui, color: egui::Color32, text: impl Into<egui::WidgetText>) {
    let (rect, _) = ui.allocate_exact_size(vec2(9.0, 9.0), Sense::hover());
    ui.painter().circle_filled(rect.center(), 4.0, color);
    ui.label(text);
}

/// Paints a node of `shape`, without its name, in a box of `size`.
pub fn kind_icon(ui: &mut Ui, shape: NodeShape, size: Vec2) -> Response {
    let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
    paint_kind_icon(ui, shape, rect);
    response
}

/// Paints a node of `shape`, without its name, fitted into `rect`.
pub fn paint_kind_icon(ui: &Ui, shape: NodeShape, rect: Rect) {
    let (w, h) = shape.size();
    let zoom = (rect.width() / w).min(rect.height() / h);
    let look = paint::NodeLook {
        shape,
        label: "",
        caption: "",
        theme: canvas::theme_of(ui),
        emphasis: Emphasis::Normal,
        selected: false,
        hovered: false,
        problem: false,
    };
    let mut shapes = Vec::new();
    paint::node_shapes(ui.ctx(), &mut shapes, &look, rect.center(), zoom);
    ui.painter().extend(shapes);
}

/// One entry of a legend: draws its mark and its words.
type LegendItem = Box<dyn Fn(&mut Ui)>;

/// The messages and node states of a playing simulation, drawn as the
/// canvas draws them, three to a row.
fn simulation_legend_ui(ui: &mut Ui) {
    let theme = canvas::theme_of(ui);
    let halo = paint::color(Palette::of(theme).canvas);
    let live = live_colors(theme);
    let mut items: Vec<LegendItem> = Vec::new();
    for kind in MESSAGE_KINDS {
        let look = message_look(kind, theme);
        items.push(Box::new(move |ui: &mut Ui| {
            let (rect, _) = ui.allocate_exact_size(vec2(14.0, 14.0), Sense::hover());
            let mut mesh = GlyphMesh::new(ui.ctx().pixels_per_point());
            mesh.glyph(
                look.shape,
                rect.center(),
                Vec2::X,
                4.0,
                paint::color(look.color),
                halo,
            );
            ui.painter().add(mesh.into_shape());
            ui.label(look.label);
        }));
    }
    for (color, label) in [
        (live.working, "working"),
        (live.blocked, "blocked on a call"),
        (live.idle, "idle workers"),
        (live.waiting, "queued / backlog"),
    ] {
        items.push(Box::new(move |ui: &mut Ui| {
            let (rect, _) = ui.allocate_exact_size(vec2(16.0, 14.0), Sense::hover());
            ui.painter().rect_filled(
                Rect::from_center_size(rect.center(), vec2(16.0, 6.0)),
                1.0,
                paint::color(color),
            );
            ui.label(label);
        }));
    }
    items.push(Box::new(move |ui: &mut Ui| {
        ui.label(egui::RichText::new("× down").color(paint::color(live.down)));
    }));
    egui::Grid::new("legend-simulation")
        .num_columns(3)
        .spacing([10.0, 2.0])
        .show(ui, |ui| {
            for row in items.chunks(3) {
                for item in row {
                    ui.horizontal(|ui| item(ui));
                }
                ui.end_row();
            }
        })
        .response
        .on_hover_text("Messages are drawn slowed down so they can be seen: each takes at least 0.4 s to cross its link, longer network latencies longer. Busy links thin their messages out.");
}

/// The legend, floating in the bottom-left corner of the canvas, with the
/// simulation's marks while one is shown; open, or collapsed to its title
/// when not `open`. Each style's meaning is in its tooltip, so the legend
/// stays small. Returns how tall it is, and whether its title was clicked
/// (to open or collapse it).
pub fn legend_ui(
    ctx: &egui::Context,
    canvas_rect: Rect,
    simulation: bool,
    open: bool,
) -> (f32, bool) {
    if !canvas_rect.is_positive() {
        return (0.0, false);
    }
    let mut toggled = false;
    let height = egui::Area::new(egui::Id::new("legend"))
        .pivot(Align2::LEFT_BOTTOM)
        .fixed_pos(canvas_rect.left_bottom() + vec2(10.0, -10.0))
        .order(egui::Order::Middle)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                let shown = egui::CollapsingHeader::new("Legend")
                    .open(Some(open))
                    .show(ui, |ui| {
                        egui::Grid::new("legend-styles")
                            .num_columns(4)
                            .spacing([8.0, 2.0])
                            .show(ui, |ui| {
                                for pair in Style::ALL.chunks(2) {
                                    for &style in pair {
                                        style_swatch(ui, style, 44.0)
                                            .on_hover_text(style_meaning(style));
                                        ui.label(style_name(style))
                                            .on_hover_text(style_meaning(style));
                                    }
                                    ui.end_row();
                                }
                            });
                        ui.add_space(2.0);
                        ui.horizontal(|ui| {
                            for kind in NewNode::ALL {
                                kind_icon(ui, kind.shape(), vec2(24.0, 16.0));
                                ui.label(kind.label());
                                ui.add_space(4.0);
                            }
                        });
                        if simulation {
                            ui.separator();
                            simulation_legend_ui(ui);
                        }
                    });
                toggled = shown.header_response.clicked();
            });
        })
        .response
        .rect
        .height();
    (height, toggled)
}
