//! The canvas: the design drawn as a diagram, and the gestures that edit it.
//!
//! egui_graphs's `GraphView` draws the graph (through [`display`]), pans,
//! zooms, reports hover and clicks. The canvas adds what a diagram editor
//! needs on top: selection with Shift, moving the selection, connecting
//! nodes by dragging from a handle (or with the Connect tool), box
//! selection, double-click to add, dropping palette items, fitting the
//! view, tooltips, and the per-frame [`CanvasOverlay`] that other parts of
//! the app use to emphasise elements and paint on the diagram.
//!
//! Coordinate spaces are named: `pos_in_graph` is where the design puts
//! things, `pos_on_screen` where egui paints them; [`ScreenFromGraph`] maps
//! between them.

mod display;
mod gesture;
mod mirror;
mod overlay;
pub mod paint;
mod view;

use egui::{Align2, CursorIcon, Pos2, Rect, Shape, Ui, pos2, vec2};
use egui_graphs::{
    GraphChange, GraphView, Layout, LayoutState, SettingsInteraction, SettingsNavigation,
    SettingsStyle,
};
use serde::{Deserialize, Serialize};

use crate::model::{Design, LinkIdx, NodeKind, Position, Style};
use crate::visual::{self, Emphasis, LinkLook, NodeShape, Palette, Theme};

use super::document::Document;
use super::edit::{self, NewNode};
use super::selection::Selection;
use super::validation::Validation;

use gesture::Gesture;
use mirror::Mirror;

pub use overlay::{CanvasOverlay, OverlayPainter, ScreenFromGraph};
pub use paint::{LEGIBLE_TEXT_PT, MIN_FIT_ZOOM, NAMES_MIN_ZOOM};

/// What the primary button does on a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tool {
    /// Click selects, drag moves (drag from the handle connects).
    #[default]
    Select,
    /// Drag from a node to another connects them.
    Connect,
}

/// What happened on the canvas that the rest of the app acts on.
#[derive(Debug, Default)]
pub struct CanvasResponse {
    /// A node was double-clicked: the inspector should offer to rename it.
    pub rename: bool,
    /// A message for the status bar (why a link could not be made...).
    pub message: Option<String>,
    /// A node's menu opened this frame.
    pub menu_opened: bool,
}

/// The menu shown when a node is right-clicked: it draws the items for
/// node `index` of the design.
pub type NodeMenu<'a> = &'a mut dyn FnMut(&mut Ui, &Design, usize);

/// The diagram editor.
pub struct Canvas {
    mirror: Mirror,
    gesture: Gesture,
    /// The canvas's place on screen in the last frame.
    rect: Rect,
    /// The transform of the last frame.
    transform: ScreenFromGraph,
    /// Whether the view follows a fit or stays where the user put it.
    framing: Framing,
    /// The node whose menu is open.
    menu_node: Option<usize>,
    hovered_node: Option<usize>,
    hovered_link: Option<usize>,
    /// The node whose connect handle shows because the pointer is on the
    /// node or on the handle itself.
    handle_hover: Option<usize>,
    /// What dragging from a node does.
    pub tool: Tool,
    /// The style new links get when the two kinds allow it.
    pub new_link_style: Style,
    /// Height at the bottom of the canvas covered by something (the
    /// legend) that fitting keeps the design clear of.
    pub covered_bottom: f32,
    /// Height at the top of the canvas covered by the controls floating
    /// there (entry point chooser, zoom buttons), kept clear the same way.
    pub covered_top: f32,
    /// Show without editing (a preview of another design): pan, zoom and
    /// tooltips work; nothing is selected, moved, added or connected.
    pub read_only: bool,
    /// Whether moved and added nodes are put on the grid.
    pub snap: bool,
}

impl Default for Canvas {
    fn default() -> Self {
        Self {
            mirror: Mirror::default(),
            gesture: Gesture::Idle,
            rect: Rect::NOTHING,
            transform: ScreenFromGraph::default(),
            framing: Framing::fit(Vec::new()),
            menu_node: None,
            hovered_node: None,
            hovered_link: None,
            handle_hover: None,
            tool: Tool::Select,
            new_link_style: Style::Sync,
            covered_bottom: 0.0,
            covered_top: 0.0,
            read_only: false,
            snap: false,
        }
    }
}

/// How the view is placed.
#[derive(Debug, Clone, PartialEq)]
enum Framing {
    /// Fitted to `nodes` (indices into the design; all when empty), and
    /// fitted again whenever the free space changes (the window or a panel
    /// was resized, the charts opened), until the user pans or zooms.
    Fitted {
        /// What is framed.
        nodes: Vec<usize>,
        /// The free part of the canvas it was last fitted into; `None`
        /// before the first fit.
        into: Option<Rect>,
    },
    /// Where the user panned or zoomed it: left alone.
    User,
}

impl Framing {
    fn fit(nodes: Vec<usize>) -> Self {
        Self::Fitted { nodes, into: None }
    }
}

/// egui_graphs's layout state for a layout that never moves anything:
/// positions come from the design.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Fixed;

impl LayoutState for Fixed {}

/// A layout that keeps every node where the design puts it.
#[derive(Debug, Default)]
struct FixedLayout;

impl Layout<Fixed> for FixedLayout {
    fn from_state(_: Fixed) -> impl Layout<Fixed> {
        Self
    }

    fn next<N, E, Ty, Ix, Dn, De>(
        &mut self,
        _: &mut egui_graphs::Graph<N, E, Ty, Ix, Dn, De>,
        _: &Ui,
    ) where
        N: Clone,
        E: Clone,
        Ty: petgraph::EdgeType,
        Ix: petgraph::graph::IndexType,
        Dn: egui_graphs::DisplayNode<N, E, Ty, Ix>,
        De: egui_graphs::DisplayEdge<N, E, Ty, Ix, Dn>,
    {
    }

    fn state(&self) -> Fixed {
        Fixed
    }
}

/// The theme the canvas draws in, from egui's visuals.
pub fn theme_of(ui: &Ui) -> Theme {
    if ui.visuals().dark_mode {
        Theme::Dark
    } else {
        Theme::Light
    }
}

impl Canvas {
    /// Forgets the view of the previous document: the next frame rebuilds
    /// the graph and fits the new design into view.
    pub fn reset(&mut self) {
        self.mirror.reset();
        self.gesture = Gesture::Idle;
        self.framing = Framing::fit(Vec::new());
        self.menu_node = None;
        self.hovered_node = None;
        self.hovered_link = None;
        self.handle_hover = None;
    }

    /// Fits the design into view at the next frame, and keeps it fitted
    /// as the canvas changes size until the user pans or zooms.
    pub fn request_fit(&mut self) {
        self.request_fit_to(Vec::new());
    }

    /// Fits nodes `nodes` (indices into the design; all when empty) into
    /// view at the next frame, as [`Self::request_fit`]: how a finding
    /// frames what it is about.
    pub fn request_fit_to(&mut self, nodes: Vec<usize>) {
        self.framing = Framing::fit(nodes);
    }

    /// Whether the view follows the fit (true until the user pans or
    /// zooms).
    pub fn is_fitted(&self) -> bool {
        matches!(self.framing, Framing::Fitted { .. })
    }

    /// Where a node put at `pos` goes: on the nearest grid point when
    /// snapping, else at `pos` rounded to whole graph units.
    pub fn placed(&self, pos: Position) -> Position {
        let step = if self.snap { GRID } else { 1.0 };
        Position {
            x: (pos.x / step).round() * step,
            y: (pos.y / step).round() * step,
        }
    }

    /// Where a new node of `kind` wanted at `at` (graph units) goes: on
    /// the grid when snapping, and clear of every node of `design`.
    pub fn free_place(&self, design: &Design, kind: NewNode, at: Pos2) -> Position {
        let at = self.placed(Position { x: at.x, y: at.y });
        crate::placement::free_spot(design, kind.shape(), at)
    }

    /// Turns the Connect tool on, or off when it is on.
    pub fn toggle_connect_tool(&mut self) {
        self.tool = if self.tool == Tool::Connect {
            Tool::Select
        } else {
            Tool::Connect
        };
    }

    /// Cancels the gesture or tool under way; false when there was none
    /// (then Escape clears the selection instead).
    pub fn cancel(&mut self) -> bool {
        if !matches!(self.gesture, Gesture::Idle) {
            self.gesture = Gesture::Idle;
            return true;
        }
        if self.tool != Tool::Select {
            self.tool = Tool::Select;
            return true;
        }
        false
    }

    /// The graph-to-screen transform of the last frame.
    pub fn transform(&self) -> ScreenFromGraph {
        self.transform
    }

    /// Where the canvas was on screen in the last frame.
    pub fn rect(&self) -> Rect {
        self.rect
    }

    /// The middle of the visible part of the design, in graph units: where
    /// the palette adds nodes.
    pub fn visible_center(&self) -> Position {
        let c = if self.rect.is_positive() {
            self.transform.graph_from_screen(self.rect.center())
        } else {
            Pos2::ZERO
        };
        Position {
            x: c.x.round(),
            y: c.y.round(),
        }
    }

    /// The revision of the design drawn in the last frame.
    pub fn drawn_revision(&self) -> Option<u64> {
        self.mirror.revision()
    }

    /// The line link `link` was drawn along in the last frame, in graph
    /// units, from its sender to its receiver (through the queue of a
    /// request sent through one): where its messages travel.
    pub fn link_path_in_graph(&self, link: LinkIdx) -> Option<Vec<Pos2>> {
        let graph = self.mirror.graph();
        let edge = self.mirror.edge_of(link.0)?;
        let (a, b) = graph.edge_endpoints(edge)?;
        let pieces = graph
            .edge(edge)?
            .display()
            .pieces(graph.node(a)?, graph.node(b)?)?;
        Some(pieces.concat())
    }

    /// How many nodes the last frame drew.
    pub fn drawn_node_count(&self) -> usize {
        self.mirror.graph().node_count()
    }

    /// The emphasis node `i` was drawn with in the last frame.
    pub fn drawn_node_emphasis(&self, i: usize) -> Option<Emphasis> {
        let node = self
            .mirror
            .graph()
            .node(petgraph::stable_graph::NodeIndex::new(i))?;
        Some(node.payload().emphasis)
    }

    /// The emphasis link `link` was drawn with in the last frame.
    pub fn drawn_link_emphasis(&self, link: LinkIdx) -> Option<Emphasis> {
        let edge = self.mirror.edge_of(link.0)?;
        Some(self.mirror.graph().edge(edge)?.payload().emphasis)
    }

    /// The look link `link` was drawn with in the last frame, as the user
    /// saw it (`None` if it was not drawn).
    pub fn drawn_link_look(&self, link: LinkIdx) -> Option<LinkLook> {
        let edge = self.mirror.edge_of(link.0)?;
        self.mirror.graph().edge(edge)?.display().drawn_look()
    }

    /// Zooms by `factor` about the middle of the canvas (the view then
    /// stays where the user put it).
    pub fn zoom_by(&mut self, ui: &mut Ui, factor: f32) {
        if self.rect.is_positive() {
            self.framing = Framing::User;
            view::zoom_about(
                ui,
                self.rect,
                self.transform.zoom * factor,
                self.rect.center(),
            );
            self.transform = view::transform(ui, self.rect);
        }
    }

    /// Draws the design and handles the pointer. Edits go to `doc`, clicks
    /// to `selection`; `overlay` decorates this frame; `node_menu` fills
    /// the menu of a right-clicked node.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        doc: &mut Document,
        selection: &mut Selection,
        validation: &Validation,
        overlay: &CanvasOverlay<'_>,
        node_menu: Option<NodeMenu<'_>>,
    ) -> CanvasResponse {
        let mut response = CanvasResponse::default();
        let rect = ui.available_rect_before_wrap();
        let theme = theme_of(ui);
        self.paint_background(ui, rect, theme);
        self.mirror
            .sync(doc.design(), doc.revision(), theme, validation);
        self.decorate(doc.design(), selection, overlay);

        if self.read_only {
            self.gesture = Gesture::Idle;
        }
        let blocking = !matches!(self.gesture, Gesture::Idle);
        let interaction = SettingsInteraction::new()
            .with_dragging_enabled(false)
            .with_hover_enabled(true)
            .with_node_clicking_enabled(true)
            .with_edge_clicking_enabled(true);
        let navigation = SettingsNavigation::new()
            .with_fit_to_screen_enabled(false)
            .with_zoom_and_pan_enabled(!blocking)
            .with_zoom_speed(0.08);
        let style = SettingsStyle::new().with_labels_always(true);
        let shown = GraphView::<Fixed, FixedLayout>::new()
            .with_interactions(&interaction)
            .with_navigations(&navigation)
            .with_styles(&style)
            .with_id(Some(view::GRAPH_ID.to_owned()))
            .show(ui, self.mirror.graph_mut());
        let widget = shown.response;
        self.rect = widget.rect;

        view::clamp_zoom(ui, self.rect);
        // egui_graphs also pans and zooms by itself, to fit on its first
        // frame: only a drag or a pinch/Ctrl+wheel is the user's doing.
        let by_hand = widget.dragged() || ui.input(|i| i.zoom_delta() != 1.0);
        let mut user_moved = by_hand
            && shown
                .changes
                .iter()
                .any(|c| matches!(c, GraphChange::Panned { .. } | GraphChange::Zoomed { .. }));
        let scroll = ui.input(|i| i.smooth_scroll_delta);
        if widget.contains_pointer() && scroll != egui::Vec2::ZERO && !blocking {
            view::pan_by(ui, self.rect, scroll);
            user_moved = true;
        }
        if user_moved {
            self.framing = Framing::User;
        }
        self.keep_fitted(ui, doc.design());
        self.transform = view::transform(ui, self.rect);
        if self.read_only {
            self.update_hover(&widget, doc.design(), selection);
        } else {
            self.begin_gesture(ui, &widget, doc.design(), selection);
            self.update_hover(&widget, doc.design(), selection);
            self.clicks(ui, &widget, &shown.changes, doc, selection, &mut response);
            self.continue_gesture(ui, &widget, doc, selection, &mut response);
            self.drop_from_palette(&widget, doc, selection);
        }
        if let Some(menu) = node_menu {
            response.menu_opened = self.node_menu(&widget, doc.design(), menu);
        }

        let painter = ui.painter_at(self.rect);
        self.paint_dead_letter_joins(ui.ctx(), &painter, doc.design(), theme);
        for paint in &overlay.painters {
            paint(&painter, &self.transform);
        }
        self.paint_feedback(ui, &painter, doc.design(), selection, theme);
        if doc.design().nodes.is_empty() {
            paint_empty_hint(&painter, self.rect, theme);
        }
        self.tooltip(&widget, doc.design());
        response
    }

    /// The part of the canvas nothing floats over, where fitting puts the
    /// design. Something covering much of the canvas is ignored: the
    /// design would only get tiny.
    fn free_rect(&self) -> Rect {
        let mut free = self.rect;
        if self.covered_top + self.covered_bottom < free.height() * 0.4 {
            free.min.y += self.covered_top;
            free.max.y -= self.covered_bottom;
        }
        free
    }

    /// While the view follows a fit: fits again when the free space
    /// changed since the last fit (or there was none yet).
    fn keep_fitted(&mut self, ui: &mut Ui, design: &Design) {
        let free = self.free_rect();
        let Framing::Fitted { nodes, into } = &mut self.framing else {
            return;
        };
        if *into == Some(free) || !free.is_positive() {
            return;
        }
        let bounds = if nodes.is_empty() {
            view::bounds_of(design.nodes.iter())
        } else {
            view::bounds_of(nodes.iter().filter_map(|&i| design.nodes.get(i)))
        };
        view::fit(ui, free, bounds);
        *into = Some(free);
    }

    /// The menu of a right-clicked node; a right click elsewhere closes it.
    /// Returns whether it opened this frame.
    fn node_menu(&mut self, widget: &egui::Response, design: &Design, menu: NodeMenu<'_>) -> bool {
        let on_node = widget.secondary_clicked() && self.hovered_node.is_some();
        if on_node {
            self.menu_node = self.hovered_node;
        }
        let set = if on_node {
            Some(egui::SetOpenCommand::Bool(true))
        } else if widget.clicked() || widget.secondary_clicked() {
            Some(egui::SetOpenCommand::Bool(false))
        } else {
            None
        };
        let Some(node) = self.menu_node else {
            return false;
        };
        egui::Popup::menu(widget)
            .open_memory(set)
            .at_pointer_fixed()
            .show(|ui| menu(ui, design, node));
        on_node
    }

    fn paint_background(&self, ui: &Ui, rect: Rect, theme: Theme) {
        let palette = Palette::of(theme);
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 0.0, paint::color(palette.canvas));
        let spacing = GRID * self.transform.zoom;
        if spacing < 12.0 || !rect.is_positive() {
            return;
        }
        let origin = self.transform.screen_from_graph(Pos2::ZERO);
        let first = |min: f32, o: f32| o + ((min - o) / spacing).ceil() * spacing;
        let dot = paint::color(palette.grid);
        let radius = (1.2 * self.transform.zoom).clamp(0.6, 1.5);
        let mut x = first(rect.left(), origin.x);
        let mut dots = Vec::new();
        while x < rect.right() {
            let mut y = first(rect.top(), origin.y);
            while y < rect.bottom() {
                dots.push(Shape::circle_filled(pos2(x, y), radius, dot));
                y += spacing;
            }
            x += spacing;
        }
        painter.extend(dots);
    }

    /// A thin dotted arrow from each queue to its dead-letter queue,
    /// labelled, from outline to outline.
    fn paint_dead_letter_joins(
        &self,
        ctx: &egui::Context,
        painter: &egui::Painter,
        design: &Design,
        theme: Theme,
    ) {
        let palette = Palette::of(theme);
        let color = paint::color(palette.text_muted);
        let scale = paint::stroke_scale(self.transform.zoom);
        let mut shapes = Vec::new();
        for (queue, dead) in visual::dead_letter_joins(design) {
            let end = |i: usize| {
                let n = &design.nodes[i];
                (pos2(n.pos.x, n.pos.y), NodeShape::of(&n.kind))
            };
            let Some((a, b)) = visual::link_ends(end(queue), end(dead), 0.0) else {
                continue;
            };
            let (a, b) = (
                self.transform.screen_from_graph(a),
                self.transform.screen_from_graph(b),
            );
            let stroke = paint::LinkStroke {
                look: LinkLook {
                    pattern: visual::LinePattern::Dotted { spacing: 5.0 },
                    head: visual::ArrowHead::Open,
                    return_arrow: false,
                    broadcast: false,
                    width: 1.3,
                    ..visual::link_look(Style::Event)
                },
                color,
                scale,
                background: paint::color(palette.canvas),
                marks: false,
            };
            paint::link_shapes(&mut shapes, &[a, b], &stroke);
            paint::link_label_shapes(
                ctx,
                &mut shapes,
                a,
                b,
                "dead letters",
                (color, paint::color(palette.canvas.faded(0.85))),
                scale,
                paint::Side::Above,
            );
        }
        painter.extend(shapes);
    }

    /// Selection, emphasis and hover for this frame. While a link is being
    /// dragged out, the nodes it cannot go to are dimmed.
    fn decorate(&mut self, design: &Design, selection: &Selection, overlay: &CanvasOverlay<'_>) {
        let source = match &self.gesture {
            Gesture::Connecting { from, .. } => design.nodes.get(*from).map(|n| (*from, &n.kind)),
            _ => None,
        };
        let node_emphasis = |i: usize| match (source, design.nodes.get(i)) {
            (Some((from, kind)), Some(target))
                if from != i && edit::allowed_styles(kind, &target.kind).is_empty() =>
            {
                Emphasis::Dimmed
            }
            _ => overlay.node(i),
        };
        self.mirror.decorate(
            |i| {
                design
                    .nodes
                    .get(i)
                    .is_some_and(|n| selection.nodes.contains(&n.id))
            },
            |i| selection.links.contains(&i),
            node_emphasis,
            |i| overlay.link(i),
            self.hovered_link,
        );
    }

    fn update_hover(&mut self, widget: &egui::Response, design: &Design, selection: &Selection) {
        self.hovered_node = None;
        self.hovered_link = None;
        let Some(pos_on_screen) = widget.hover_pos() else {
            self.handle_hover = None;
            return;
        };
        // The handle sits just outside the node: keep showing it while the
        // pointer travels from the node onto it.
        let on_handle = self.handle_at(pos_on_screen, design, selection);
        let pos_in_graph = self.transform.graph_from_screen(pos_on_screen);
        self.hovered_node = node_at(design, pos_in_graph);
        self.handle_hover = self.hovered_node.or(on_handle);
        if self.hovered_node.is_none() && on_handle.is_none() {
            self.hovered_link = self.link_at(pos_on_screen);
        }
        if on_handle.is_some() || (self.tool == Tool::Connect && self.hovered_node.is_some()) {
            widget.ctx.set_cursor_icon(CursorIcon::Crosshair);
        }
    }

    /// The link under `pos_on_screen`, by the same test egui_graphs uses
    /// for clicks.
    fn link_at(&self, pos_on_screen: Pos2) -> Option<usize> {
        let pos_in_graph = self.transform.graph_from_screen(pos_on_screen);
        let graph = self.mirror.graph();
        graph.edges_iter().find_map(|(edge, e)| {
            let (a, b) = graph.edge_endpoints(edge)?;
            let (start, end) = (graph.node(a)?, graph.node(b)?);
            use egui_graphs::DisplayEdge as _;
            e.display()
                .is_inside(start, end, pos_in_graph)
                .then(|| self.mirror.link_of(edge))
                .flatten()
        })
    }

    /// Where the connect handle of node `i` is on screen in the last
    /// frame: just outside the right edge of its outline.
    pub fn handle_pos(&self, design: &Design, i: usize) -> Option<Pos2> {
        let node = design.nodes.get(i)?;
        let shape = NodeShape::of(&node.kind);
        let right = pos2(node.pos.x + shape.size().0 / 2.0, node.pos.y);
        Some(self.transform.screen_from_graph(right) + vec2(HANDLE_GAP + HANDLE_RADIUS, 0.0))
    }

    /// Whether connect handles can be used: the Select tool, and nodes
    /// drawn big enough to aim at.
    fn handles_on(&self) -> bool {
        self.transform.zoom >= 0.3 && self.tool == Tool::Select
    }

    /// The nodes that show a connect handle: the hovered one and a single
    /// selected one.
    fn handle_nodes(&self, design: &Design, selection: &Selection) -> Vec<usize> {
        if !self.handles_on() {
            return Vec::new();
        }
        let mut nodes: Vec<usize> = self.handle_hover.into_iter().collect();
        if let (1, Some(id)) = (selection.nodes.len(), selection.nodes.first())
            && let Some(i) = design.nodes.iter().position(|n| &n.id == id)
            && !nodes.contains(&i)
        {
            nodes.push(i);
        }
        nodes
    }

    /// The node whose connect handle is under `pos_on_screen`: a shown
    /// handle, or, off every node, the place of any node's handle, so
    /// that the pointer coming straight at a handle finds it.
    fn handle_at(
        &self,
        pos_on_screen: Pos2,
        design: &Design,
        selection: &Selection,
    ) -> Option<usize> {
        if !self.handles_on() {
            return None;
        }
        let hit = |&i: &usize| {
            self.handle_pos(design, i)
                .is_some_and(|h| h.distance(pos_on_screen) <= HANDLE_HIT_RADIUS)
        };
        self.handle_nodes(design, selection)
            .into_iter()
            .find(hit)
            .or_else(|| {
                let pos_in_graph = self.transform.graph_from_screen(pos_on_screen);
                node_at(design, pos_in_graph)
                    .is_none()
                    .then(|| (0..design.nodes.len()).rev().find(hit))
                    .flatten()
            })
    }

    /// Selection by clicking; double-click to add or rename.
    fn clicks(
        &mut self,
        ui: &Ui,
        widget: &egui::Response,
        changes: &[GraphChange],
        doc: &mut Document,
        selection: &mut Selection,
        response: &mut CanvasResponse,
    ) {
        let additive = ui.input(|i| i.modifiers.shift || i.modifiers.command);
        let mut hit = false;
        for change in changes {
            match *change {
                GraphChange::NodeClicked { node } => {
                    hit = true;
                    if let Some(n) = doc.design().nodes.get(node.index()) {
                        if additive {
                            selection.toggle_node(&n.id);
                        } else {
                            *selection = Selection::only_node(n.id.clone());
                        }
                    }
                }
                GraphChange::NodeDoubleClicked { node } => {
                    hit = true;
                    if let Some(n) = doc.design().nodes.get(node.index()) {
                        *selection = Selection::only_node(n.id.clone());
                        response.rename = true;
                    }
                }
                GraphChange::EdgeClicked { edge } => {
                    hit = true;
                    if let Some(link) = self.mirror.link_of(edge) {
                        if additive {
                            selection.toggle_link(link);
                        } else {
                            *selection = Selection::only_link(link);
                        }
                    }
                }
                _ => {}
            }
        }
        if hit {
            return;
        }
        if widget.double_clicked()
            && let Some(pos_on_screen) = widget.interact_pointer_pos()
        {
            let at = self.transform.graph_from_screen(pos_on_screen);
            let at = self.free_place(doc.design(), NewNode::Service, at);
            let mut added = None;
            doc.edit(None, |d| {
                added = Some(edit::add_node(d, NewNode::Service, at));
            });
            if let Some(id) = added {
                *selection = Selection::only_node(id);
                response.rename = true;
            }
        } else if widget.clicked() && !additive {
            selection.clear();
        }
    }

    /// A palette item released over the canvas becomes a node there.
    fn drop_from_palette(
        &mut self,
        widget: &egui::Response,
        doc: &mut Document,
        selection: &mut Selection,
    ) {
        let Some(kind) = widget.dnd_release_payload::<NewNode>() else {
            return;
        };
        let Some(pos_on_screen) = widget.ctx.pointer_interact_pos() else {
            return;
        };
        let at = self.transform.graph_from_screen(pos_on_screen);
        let at = self.free_place(doc.design(), *kind, at);
        let mut added = None;
        doc.edit(None, |d| {
            added = Some(edit::add_node(d, *kind, at));
        });
        if let Some(id) = added {
            *selection = Selection::only_node(id);
        }
    }

    /// What the user is doing, drawn over the diagram: handles, the link
    /// being dragged out, the selection box, a palette item being dropped.
    fn paint_feedback(
        &self,
        ui: &Ui,
        painter: &egui::Painter,
        design: &Design,
        selection: &Selection,
        theme: Theme,
    ) {
        let palette = Palette::of(theme);
        for i in self.handle_nodes(design, selection) {
            if let Some(at) = self.handle_pos(design, i) {
                let ink = egui::Stroke::new(1.8, paint::color(palette.canvas));
                painter.circle(at, HANDLE_RADIUS, paint::color(palette.selection), ink);
                let arm = HANDLE_RADIUS * 0.5;
                painter.line_segment([at - vec2(arm, 0.0), at + vec2(arm, 0.0)], ink);
                painter.line_segment([at - vec2(0.0, arm), at + vec2(0.0, arm)], ink);
            }
        }
        match &self.gesture {
            Gesture::Connecting { from, to } => {
                if let Some(node) = design.nodes.get(*from) {
                    let style = self.preview_style(
                        &node.kind,
                        self.hovered_node
                            .and_then(|i| design.nodes.get(i))
                            .map(|n| &n.kind),
                    );
                    let start = pos2(node.pos.x, node.pos.y);
                    let shape = NodeShape::of(&node.kind);
                    let dir = *to - start;
                    let from_edge = start + dir.normalized() * shape.boundary_distance(dir);
                    let stroke = paint::LinkStroke {
                        look: visual::link_look(style),
                        color: paint::color(visual::style_color(style, theme)),
                        scale: paint::stroke_scale(self.transform.zoom),
                        background: paint::color(palette.canvas),
                        marks: true,
                    };
                    let mut shapes = Vec::new();
                    let path = [
                        self.transform.screen_from_graph(from_edge),
                        self.transform.screen_from_graph(*to),
                    ];
                    paint::link_shapes(&mut shapes, &path, &stroke);
                    painter.extend(shapes);
                }
            }
            Gesture::Boxing { start, end, .. } => {
                let r = Rect::from_two_pos(
                    self.transform.screen_from_graph(*start),
                    self.transform.screen_from_graph(*end),
                );
                painter.rect(
                    r,
                    2.0,
                    paint::color(palette.selection.faded(0.08)),
                    egui::Stroke::new(1.0, paint::color(palette.selection)),
                    egui::StrokeKind::Inside,
                );
            }
            Gesture::Idle | Gesture::Pressed { .. } | Gesture::Moving { .. } => {}
        }
        if let Some(kind) = egui::DragAndDrop::payload::<NewNode>(ui.ctx())
            && let Some(at) = ui.ctx().pointer_hover_pos()
            && self.rect.contains(at)
        {
            let look = paint::NodeLook {
                shape: kind.shape(),
                label: kind.label(),
                caption: "",
                theme,
                emphasis: Emphasis::Dimmed,
                selected: false,
                hovered: false,
                problem: false,
            };
            let mut shapes = Vec::new();
            paint::node_shapes(ui.ctx(), &mut shapes, &look, at, self.transform.zoom);
            painter.extend(shapes);
        }
    }

    /// The style a link from a node of kind `from` to one of kind `to`
    /// would get: the chosen style if allowed, else the first allowed.
    fn preview_style(&self, from: &NodeKind, to: Option<&NodeKind>) -> Style {
        to.and_then(|to| {
            let styles = edit::allowed_styles(from, to);
            if styles.contains(&self.new_link_style) {
                Some(self.new_link_style)
            } else {
                styles.first().copied()
            }
        })
        .unwrap_or(self.new_link_style)
    }

    fn tooltip(&self, widget: &egui::Response, design: &Design) {
        if !matches!(self.gesture, Gesture::Idle) {
            return;
        }
        let facts = if let Some(node) = self.hovered_node.and_then(|i| design.nodes.get(i)) {
            visual::node_facts(node)
        } else if let Some(link) = self.hovered_link.and_then(|i| design.links.get(i)) {
            visual::link_facts(design, link)
        } else {
            return;
        };
        widget.clone().on_hover_ui_at_pointer(|ui| {
            egui::Grid::new("canvas-tooltip")
                .num_columns(2)
                .show(ui, |ui| {
                    for (label, value) in facts {
                        ui.weak(label);
                        ui.label(value);
                        ui.end_row();
                    }
                });
        });
    }
}

/// The spacing of the canvas's grid (its dots, and where snapping puts
/// nodes' centres), graph units.
pub const GRID: f32 = 40.0;

/// The drawn radius of a node's "+" connect handle, screen points.
const HANDLE_RADIUS: f32 = 8.0;

/// The gap between a node's outline and its connect handle, points.
const HANDLE_GAP: f32 = 3.0;

/// How far from its centre a press still takes the connect handle: a
/// target 24 points across, comfortably above the 20 points a pointer
/// needs.
pub const HANDLE_HIT_RADIUS: f32 = 12.0;

/// The topmost node at `pos_in_graph`.
fn node_at(design: &Design, pos_in_graph: Pos2) -> Option<usize> {
    design.nodes.iter().rposition(|n| {
        paint::node_contains(NodeShape::of(&n.kind), pos2(n.pos.x, n.pos.y), pos_in_graph)
    })
}

fn paint_empty_hint(painter: &egui::Painter, rect: Rect, theme: Theme) {
    let palette = Palette::of(theme);
    painter.text(
        rect.center(),
        Align2::CENTER_CENTER,
        "An empty design.\nDrag a component from the palette, or double-click here to add a service.",
        egui::FontId::proportional(15.0),
        paint::color(palette.text_muted),
    );
}
