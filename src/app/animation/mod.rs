//! The simulation drawn on the canvas: messages moving along links, and
//! each node's live state (workers working and blocked, its queue, a
//! broker's backlog, a node that is down).
//!
//! **Time.** Network hops last milliseconds while a run lasts minutes, so
//! at any playback speed a message drawn for its real duration would be
//! invisible. A message is drawn for *at least* a legible time on screen
//! that grows with its latency on a log scale (0.4 s for 1 ms, 0.76 s for
//! 20 ms, 1 s for 100 ms; slow hops longer, up to their real duration):
//! glyphs leave when the message leaves, so their **density follows the
//! rate**, and slower hops crawl, so their **speed follows the latency**,
//! as in Kiali. The playback clock itself stays honest: at 1× a ten-second
//! crash lasts ten seconds, and node states show the sampled instant.
//!
//! **Blocking.** A node's worker bar shows its workers working (blue),
//! blocked on `sync` calls (the vermillion of `sync` links) and idle; the
//! `sync` links of a node with blocked workers carry a vermillion band as
//! wide as the workers they hold, so a stuck chain lights up link by link.
//!
//! **Cost.** A trace holds up to a million hops. [`TraceIndex`], built on
//! the simulation's thread, lists each link's hops by departure, so a frame
//! finds a link's messages by binary search. Each link shows at most
//! [`POOL`] glyphs, taking every k-th message (k a power of two fixed by
//! the link's rate and the speed, so glyphs do not flicker); all glyphs go
//! into one mesh.

mod glyph;

use std::cell::RefCell;

use egui::{Align2, Color32, FontId, Painter, Pos2, Rect, Shape, Stroke, Vec2, pos2, vec2};

use crate::model::{Design, Fault, LinkIdx, NodeKind, Style};
use crate::sim::time::Nanos;
use crate::sim::{HopKind, NodeSample, Trace};
use crate::visual::{self, NodeShape, Palette, Theme, live_colors, message_look};

use super::canvas::paint;
use super::canvas::{Canvas, OverlayPainter, ScreenFromGraph};
use super::run::timeline::factor_text;

pub use glyph::GlyphMesh;

/// The most glyphs one link shows at once.
pub const POOL: usize = 16;

/// Glyphs on a link keep about this many glyph radii apart, so a short link
/// shows fewer of them instead of a smear.
const SPACING_RADII: f32 = 5.0;

/// Below this zoom, node states are drawn without text (bars, dots and
/// crosses only): the least zoom at which node names are drawn at their
/// own size, so the live figures go before the names do.
const TEXT_MIN_ZOOM: f32 = paint::MIN_FIT_ZOOM;

/// The size of live figures' text at `scale` (see
/// [`paint::stroke_scale`]): with the drawing, never below the legible
/// minimum.
fn live_text(size_at_1: f32, scale: f32) -> FontId {
    FontId::proportional((size_at_1 * scale).max(paint::LEGIBLE_TEXT_PT))
}

/// Wall seconds a message whose hop takes `latency_ns` needs on screen to
/// be seen: longer for longer hops, on a log scale.
pub fn legible_wall_s(latency_ns: Nanos) -> f64 {
    let ms = latency_ns as f64 / 1e6;
    (0.3 + 0.35 * (1.0 + ms).log10()).min(2.0)
}

/// How long, in simulated ns, a hop of `latency_ns` is drawn at `speed`:
/// its real duration, or the legible time, whichever is longer.
pub fn drawn_ns(latency_ns: Nanos, speed: f64) -> Nanos {
    let legible = legible_wall_s(latency_ns) * speed * 1e9;
    latency_ns.max(legible as Nanos)
}

/// Each link's hops, found fast: built once per run, off the UI thread.
#[derive(Debug, Clone, Default)]
pub struct TraceIndex {
    /// Per link: indices into the trace's hops, by departure.
    per_link: Vec<Vec<u32>>,
    /// Per link: its longest hop, ns.
    longest_ns: Vec<Nanos>,
    /// Per link: hops per simulated second.
    rate_per_s: Vec<f64>,
    /// Per node: the longest queue or backlog in the trace.
    most_waiting: Vec<u32>,
}

impl TraceIndex {
    /// Indexes `trace` of a design with `links` links and `nodes` nodes.
    pub fn new(trace: &Trace, links: usize, nodes: usize) -> Self {
        let mut per_link = vec![Vec::new(); links];
        let mut longest_ns = vec![0; links];
        for (i, hop) in trace.hops.iter().enumerate() {
            let (Ok(i), Some(list)) = (u32::try_from(i), per_link.get_mut(hop.link as usize))
            else {
                continue;
            };
            list.push(i);
            let longest = &mut longest_ns[hop.link as usize];
            *longest = (*longest).max(hop.arrives.saturating_sub(hop.sent));
        }
        let span_s = (trace.complete_until().saturating_sub(trace.from) as f64 / 1e9).max(1e-3);
        let rate_per_s = per_link.iter().map(|l| l.len() as f64 / span_s).collect();
        let mut most_waiting = vec![0; nodes];
        for sample in &trace.samples {
            for (most, s) in most_waiting.iter_mut().zip(sample) {
                *most = (*most).max(s.waiting.max(s.backlog));
            }
        }
        Self {
            per_link,
            longest_ns,
            rate_per_s,
            most_waiting,
        }
    }

    /// How many hops the trace holds on `link`.
    pub fn hops_on(&self, link: LinkIdx) -> usize {
        self.per_link.get(link.0).map_or(0, Vec::len)
    }

    /// Every `stride`-th message of `link` is drawn at `speed`, so that the
    /// link shows about `room` glyphs at most.
    fn stride(&self, link: usize, speed: f64, room: usize) -> usize {
        let drawn_s = drawn_ns(self.longest_ns[link], speed) as f64 / 1e9;
        let in_flight = self.rate_per_s[link] * drawn_s;
        ((in_flight / room.max(1) as f64).ceil().max(1.0) as usize).next_power_of_two()
    }
}

/// What the last frame drew, for the status line and for tests.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrameStats {
    /// Message glyphs drawn.
    pub glyphs: usize,
    /// Nodes drawn crossed out (down), by index.
    pub crossed_out: Vec<usize>,
    /// Nodes drawn with a slow-down badge, by index.
    pub slowed: Vec<usize>,
    /// Workers blocked on `sync` calls, over every node.
    pub blocked_workers: u32,
    /// Requests waiting in queues, over every node.
    pub waiting: u32,
}

/// A link's line, graph units, with the length up to each point.
#[derive(Debug, Clone)]
struct Polyline {
    points: Vec<Pos2>,
    lengths: Vec<f32>,
    bounds: Rect,
}

impl Polyline {
    fn new(points: Vec<Pos2>) -> Option<Self> {
        if points.len() < 2 {
            return None;
        }
        let mut lengths = Vec::with_capacity(points.len());
        let mut total = 0.0;
        lengths.push(0.0);
        for w in points.windows(2) {
            total += w[0].distance(w[1]);
            lengths.push(total);
        }
        let bounds = Rect::from_points(&points);
        Some(Self {
            points,
            lengths,
            bounds,
        })
    }

    /// The point at fraction `f` of the length, and the direction there.
    fn at(&self, f: f32) -> (Pos2, Vec2) {
        let total = self.lengths.last().copied().unwrap_or(0.0);
        let target = f.clamp(0.0, 1.0) * total;
        let i = self
            .lengths
            .partition_point(|&l| l < target)
            .clamp(1, self.points.len() - 1);
        let (a, b) = (self.points[i - 1], self.points[i]);
        let piece = self.lengths[i] - self.lengths[i - 1];
        let t = if piece > 0.0 {
            (target - self.lengths[i - 1]) / piece
        } else {
            0.0
        };
        let dir = b - a;
        let dir = if dir.length() > 0.0 {
            dir.normalized()
        } else {
            Vec2::X
        };
        (a + (b - a) * t, dir)
    }
}

/// A link as the animation needs it.
#[derive(Debug, Clone)]
struct LinkSpot {
    line: Polyline,
    /// For a `sync` call from a node with workers: the caller, whose
    /// blocked workers the link holds.
    holds: Option<usize>,
}

/// A node as the animation needs it.
#[derive(Debug, Clone, Copy)]
struct Spot {
    center: Pos2,
    shape: NodeShape,
    /// Workers or connections, when limited.
    workers: Option<u32>,
}

/// The animation's memory between frames: where links and nodes are drawn,
/// and what the last frame showed.
#[derive(Debug, Default)]
pub struct Animation {
    links: Vec<Option<LinkSpot>>,
    links_revision: Option<u64>,
    nodes: Vec<Spot>,
    nodes_revision: Option<u64>,
    stats: RefCell<FrameStats>,
}

/// What one frame shows: a run's trace at an instant.
#[derive(Clone, Copy)]
pub struct Scene<'a> {
    /// The trace.
    pub trace: &'a Trace,
    /// Its index.
    pub index: &'a TraceIndex,
    /// The instant, simulated ns.
    pub time_ns: Nanos,
    /// Playback speed, simulated seconds per wall second.
    pub speed: f64,
    /// Colours.
    pub theme: Theme,
    /// The slow-down faults of the design simulated.
    pub slowdowns: &'a [Slowdown],
}

/// A node working slower than usual for a while: a slow-down fault.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slowdown {
    /// The node, by index.
    pub node: usize,
    /// From when, simulated seconds.
    pub from_s: f64,
    /// Until when.
    pub to_s: f64,
    /// How many times longer its work takes.
    pub factor: f64,
}

/// The slow-down faults of `design`'s scenario.
pub fn slowdowns(design: &Design) -> Vec<Slowdown> {
    design
        .scenario
        .faults
        .iter()
        .filter_map(|f| match f {
            Fault::SlowDown {
                node,
                at_s,
                for_s,
                factor,
            } => Some(Slowdown {
                node: design.nodes.iter().position(|n| &n.id == node)?,
                from_s: *at_s,
                to_s: at_s + for_s,
                factor: *factor,
            }),
            _ => None,
        })
        .collect()
}

impl Animation {
    /// Catches up with the design at `revision` and with what `canvas`
    /// drew (link lines follow the canvas's own geometry, one frame late
    /// while a node is dragged).
    pub fn sync(&mut self, canvas: &Canvas, design: &Design, revision: u64) {
        if self.nodes_revision != Some(revision) {
            self.nodes = design
                .nodes
                .iter()
                .map(|n| Spot {
                    center: pos2(n.pos.x, n.pos.y),
                    shape: NodeShape::of(&n.kind),
                    workers: match &n.kind {
                        NodeKind::Service(s) => Some(s.workers),
                        NodeKind::DataStore(d) => d.connections,
                        NodeKind::Broker(_) | NodeKind::Client => None,
                    },
                })
                .collect();
            self.nodes_revision = Some(revision);
        }
        let drawn = canvas.drawn_revision();
        if self.links_revision != drawn || self.links.len() != design.links.len() {
            let index = design.node_index();
            self.links = design
                .links
                .iter()
                .enumerate()
                .map(|(i, link)| {
                    let line = Polyline::new(canvas.link_path_in_graph(LinkIdx(i))?)?;
                    let holds = index
                        .get(&link.from)
                        .filter(|_| link.style == Style::Sync)
                        .map(|n| n.0)
                        .filter(|&n| self.nodes.get(n).is_some_and(|s| s.workers.is_some()));
                    Some(LinkSpot { line, holds })
                })
                .collect();
            self.links_revision = drawn;
        }
    }

    /// What the last frame drew.
    pub fn last_frame(&self) -> FrameStats {
        self.stats.borrow().clone()
    }

    /// Forgets what the last frame drew (nothing is animated now).
    pub fn clear_stats(&self) {
        *self.stats.borrow_mut() = FrameStats::default();
    }

    /// The canvas painter for `scene`; `link_opacity` fades the messages of
    /// dimmed links.
    pub fn painter<'a>(
        &'a self,
        scene: Scene<'a>,
        link_opacity: impl Fn(usize) -> f32 + 'a,
    ) -> OverlayPainter<'a> {
        Box::new(move |painter, transform| {
            let mut stats = FrameStats::default();
            let mut shapes = Vec::new();
            if let Some(samples) = scene.trace.nodes_at(scene.time_ns) {
                self.held_bands(&mut shapes, samples, transform, scene.theme, &link_opacity);
                self.node_states(painter, &mut shapes, samples, &scene, transform, &mut stats);
            }
            painter.extend(shapes);
            let mut mesh = GlyphMesh::new(painter.pixels_per_point());
            self.glyphs(
                &mut mesh,
                painter.clip_rect(),
                transform,
                &scene,
                &link_opacity,
            );
            stats.glyphs = mesh.len();
            if !mesh.is_empty() {
                painter.add(mesh.into_shape());
            }
            *self.stats.borrow_mut() = stats;
        })
    }

    /// A band along each `sync` link as wide as the caller's workers it
    /// holds blocked.
    fn held_bands(
        &self,
        out: &mut Vec<Shape>,
        samples: &[NodeSample],
        transform: &ScreenFromGraph,
        theme: Theme,
        link_opacity: &dyn Fn(usize) -> f32,
    ) {
        let color = live_colors(theme).blocked;
        let scale = paint::stroke_scale(transform.zoom);
        for (i, spot) in self.links.iter().enumerate() {
            let Some((spot, s)) = spot
                .as_ref()
                .and_then(|l| Some((l, samples.get(l.holds?)?)))
            else {
                continue;
            };
            let blocked = s.busy.saturating_sub(s.processing);
            if blocked == 0 {
                continue;
            }
            let width = (6.0 + 3.0 * (blocked as f32).sqrt()).min(24.0) * scale;
            let points: Vec<Pos2> = spot
                .line
                .points
                .iter()
                .map(|p| transform.screen_from_graph(*p))
                .collect();
            let fill = paint::color(color.faded(0.4 * link_opacity(i)));
            out.push(Shape::line(points, Stroke::new(width, fill)));
        }
    }

    /// The messages under way at the scene's instant.
    fn glyphs(
        &self,
        mesh: &mut GlyphMesh,
        clip: Rect,
        transform: &ScreenFromGraph,
        scene: &Scene<'_>,
        link_opacity: &dyn Fn(usize) -> f32,
    ) {
        let palette = Palette::of(scene.theme);
        let halo = paint::color(palette.canvas);
        let radius = 4.0 * paint::stroke_scale(transform.zoom);
        let looks = visual::MESSAGE_KINDS.map(|k| message_look(k, scene.theme));
        let hops = &scene.trace.hops;
        let now = scene.time_ns;
        for (link, spot) in self.links.iter().enumerate() {
            let (Some(spot), Some(list)) = (spot, scene.index.per_link.get(link)) else {
                continue;
            };
            let path = &spot.line;
            if list.is_empty()
                || !transform
                    .screen_rect_from_graph(path.bounds)
                    .expand(radius * 2.0)
                    .intersects(clip)
            {
                continue;
            }
            let window = drawn_ns(scene.index.longest_ns[link], scene.speed);
            let from = now.saturating_sub(window);
            let start = list.partition_point(|&h| hops[h as usize].sent < from);
            let end = list.partition_point(|&h| hops[h as usize].sent <= now);
            let length = path.lengths.last().copied().unwrap_or(0.0) * transform.zoom;
            let room = ((length / (radius * SPACING_RADII)) as usize).clamp(1, POOL);
            let stride = scene.index.stride(link, scene.speed, room);
            let opacity = link_opacity(link);
            let mut shown = 0;
            // Every stride-th message by its place on the link (stable from
            // frame to frame), newest first: if a burst fills the pool, the
            // oldest go.
            let first = start.div_ceil(stride) * stride;
            for j in (first..end).step_by(stride).rev() {
                let hop = &hops[list[j] as usize];
                let duration = drawn_ns(hop.arrives.saturating_sub(hop.sent), scene.speed);
                let progress = (now - hop.sent) as f64 / duration.max(1) as f64;
                let lost = hop.kind == HopKind::Lost;
                // A lost message vanishes half way.
                if progress >= if lost { 0.5 } else { 1.0 } {
                    continue;
                }
                let along = if hop.backwards {
                    1.0 - progress
                } else {
                    progress
                };
                let (pos_in_graph, dir) = path.at(along as f32);
                let dir = if hop.backwards { -dir } else { dir };
                let look = looks
                    .iter()
                    .find(|l| l.kind == hop.kind)
                    .unwrap_or(&looks[0]);
                let fade = if lost {
                    1.0 - 2.0 * progress as f32
                } else {
                    1.0
                } * opacity;
                mesh.glyph(
                    look.shape,
                    transform.screen_from_graph(pos_in_graph),
                    dir,
                    radius,
                    paint::color(look.color).gamma_multiply(fade),
                    halo.gamma_multiply(fade),
                );
                shown += 1;
                if shown == room {
                    break;
                }
            }
        }
    }

    /// Worker bars, queue and backlog badges, and crossed-out nodes.
    fn node_states(
        &self,
        painter: &Painter,
        out: &mut Vec<Shape>,
        samples: &[NodeSample],
        scene: &Scene<'_>,
        transform: &ScreenFromGraph,
        stats: &mut FrameStats,
    ) {
        let colors = live_colors(scene.theme);
        let palette = Palette::of(scene.theme);
        let zoom = transform.zoom;
        let scale = paint::stroke_scale(zoom);
        let text = zoom >= TEXT_MIN_ZOOM;
        let clip = painter.clip_rect();
        for (i, (spot, s)) in self.nodes.iter().zip(samples).enumerate() {
            let rect = paint::node_rect(spot.shape, transform.screen_from_graph(spot.center), zoom);
            let blocked = s.busy.saturating_sub(s.processing);
            stats.blocked_workers += blocked;
            stats.waiting += s.waiting;
            if !rect.expand(30.0 * scale).intersects(clip) {
                continue;
            }
            if let Some(workers) = spot.workers.filter(|_| spot.shape != NodeShape::Person) {
                let bar = worker_bar_rect(spot.shape, rect, zoom);
                worker_bar(out, bar, workers, s.processing, blocked, &colors);
                if text && (s.busy > 0 || s.waiting > 0) {
                    let label = format!("{} working · {blocked} blocked / {workers}", s.processing);
                    caption(
                        painter,
                        out,
                        rect.center_bottom() + vec2(0.0, 3.0 * scale),
                        &label,
                        palette,
                        scale,
                    );
                }
            }
            let waiting = if spot.shape == NodeShape::Queue {
                s.backlog
            } else {
                s.waiting
            };
            if spot.shape == NodeShape::Queue && s.backlog > 0 {
                let most = scene.index.most_waiting.get(i).copied().unwrap_or(0);
                backlog_fill(out, rect, s.backlog as f32 / most.max(1) as f32, &colors);
            }
            if waiting > 0 {
                let label = if spot.shape == NodeShape::Queue {
                    format!("{waiting} waiting")
                } else {
                    format!("{waiting} queued")
                };
                badge(
                    painter,
                    out,
                    rect.right_top(),
                    &label,
                    colors.waiting,
                    palette.text,
                    scale,
                    text,
                );
            }
            if s.down {
                stats.crossed_out.push(i);
                cross_out(painter, out, rect, colors.down, scale, text);
            }
            let now_s = crate::sim::time::to_s(scene.time_ns);
            if let Some(slow) = scene
                .slowdowns
                .iter()
                .find(|d| d.node == i && (d.from_s..d.to_s).contains(&now_s))
            {
                stats.slowed.push(i);
                let label = format!("{}× slower", factor_text(slow.factor));
                badge(
                    painter,
                    out,
                    rect.left_top() + vec2(rect.width() * 0.3, 0.0),
                    &label,
                    colors.slow,
                    palette.text,
                    scale,
                    text,
                );
            }
        }
    }
}

/// Where a node's worker bar goes: along the bottom, inside the outline.
fn worker_bar_rect(shape: NodeShape, rect: Rect, zoom: f32) -> Rect {
    let height = (7.0 * zoom).clamp(2.5, 10.0);
    let inset_x = 14.0 * zoom;
    let bottom = match shape {
        NodeShape::Cylinder => rect.bottom() - 2.2 * NodeShape::CYLINDER_CAP * zoom,
        _ => rect.bottom() - 5.0 * zoom,
    };
    Rect::from_min_max(
        pos2(rect.left() + inset_x, bottom - height),
        pos2(rect.right() - inset_x, bottom),
    )
}

/// A bar of `workers` cells' worth: working, then blocked, then idle.
fn worker_bar(
    out: &mut Vec<Shape>,
    bar: Rect,
    workers: u32,
    working: u32,
    blocked: u32,
    colors: &visual::LiveColors,
) {
    let total = workers.max(1) as f32;
    let w = bar.width();
    let working_w = w * (working as f32 / total).min(1.0);
    let blocked_w = (w * (blocked as f32 / total)).min(w - working_w);
    out.push(Shape::rect_filled(bar, 1.0, paint::color(colors.idle)));
    let mut x = bar.left();
    for (width, color) in [(working_w, colors.working), (blocked_w, colors.blocked)] {
        if width > 0.0 {
            let piece = Rect::from_min_max(pos2(x, bar.top()), pos2(x + width, bar.bottom()));
            out.push(Shape::rect_filled(piece, 0.0, paint::color(color)));
            x += width;
        }
    }
}

/// A broker's backlog as a level inside its cylinder.
fn backlog_fill(out: &mut Vec<Shape>, rect: Rect, level: f32, colors: &visual::LiveColors) {
    let inner = rect.shrink2(vec2(rect.width() * 0.12, rect.height() * 0.18));
    let width = inner.width() * level.clamp(0.05, 1.0);
    let fill = Rect::from_min_size(pos2(inner.left(), inner.bottom() - 4.0), vec2(width, 4.0));
    out.push(Shape::rect_filled(fill, 1.0, paint::color(colors.waiting)));
}

/// A small text under a node, on a backing.
fn caption(
    painter: &Painter,
    out: &mut Vec<Shape>,
    top_center: Pos2,
    text: &str,
    palette: &Palette,
    scale: f32,
) {
    let galley = painter.layout_no_wrap(
        text.to_owned(),
        live_text(10.5, scale),
        paint::color(palette.text),
    );
    let rect = Align2::CENTER_TOP
        .anchor_size(top_center, galley.size())
        .expand2(vec2(4.0, 1.0));
    out.push(Shape::rect_filled(
        rect,
        3.0,
        paint::color(palette.canvas.faded(0.85)),
    ));
    out.push(Shape::galley(
        rect.min + vec2(4.0, 1.0),
        galley,
        Color32::PLACEHOLDER,
    ));
}

/// A pill at a node's corner: its queue or backlog.
#[allow(clippy::too_many_arguments)]
fn badge(
    painter: &Painter,
    out: &mut Vec<Shape>,
    corner: Pos2,
    text: &str,
    fill: visual::Rgba,
    ink: visual::Rgba,
    scale: f32,
    with_text: bool,
) {
    if !with_text {
        out.push(Shape::circle_filled(
            corner,
            4.0 * scale.max(0.6),
            paint::color(fill),
        ));
        return;
    }
    let galley = painter.layout_no_wrap(text.to_owned(), live_text(11.0, scale), paint::color(ink));
    let rect = Align2::CENTER_CENTER
        .anchor_size(corner + vec2(-galley.size().x * 0.3, 0.0), galley.size())
        .expand2(vec2(6.0, 2.0));
    out.push(Shape::rect_filled(
        rect,
        rect.height() / 2.0,
        paint::color(fill),
    ));
    out.push(Shape::galley(
        rect.min + vec2(6.0, 2.0),
        galley,
        Color32::PLACEHOLDER,
    ));
}

/// A node that is down: crossed out, and labelled so.
fn cross_out(
    painter: &Painter,
    out: &mut Vec<Shape>,
    rect: Rect,
    color: visual::Rgba,
    scale: f32,
    with_text: bool,
) {
    let stroke = Stroke::new(3.0 * scale, paint::color(color));
    out.push(Shape::line_segment(
        [rect.left_top(), rect.right_bottom()],
        stroke,
    ));
    out.push(Shape::line_segment(
        [rect.left_bottom(), rect.right_top()],
        stroke,
    ));
    if with_text {
        let galley =
            painter.layout_no_wrap("DOWN".to_owned(), live_text(11.0, scale), Color32::WHITE);
        let rect = Align2::LEFT_CENTER
            .anchor_size(rect.left_top() + vec2(4.0, 0.0), galley.size())
            .expand2(vec2(5.0, 1.5));
        out.push(Shape::rect_filled(rect, 3.0, paint::color(color)));
        out.push(Shape::galley(
            rect.min + vec2(5.0, 1.5),
            galley,
            Color32::PLACEHOLDER,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Hop;

    #[test]
    fn slower_hops_are_drawn_longer_and_never_shorter_than_they_take() {
        let (fast, slow) = (1_000_000, 100_000_000);
        assert!(legible_wall_s(slow) > legible_wall_s(fast));
        assert!(legible_wall_s(fast) >= 0.3);
        assert_eq!(drawn_ns(10_000_000_000, 1.0), 10_000_000_000);
        assert!(drawn_ns(fast, 10.0) > drawn_ns(fast, 1.0));
    }

    #[test]
    fn the_index_lists_hops_per_link_and_thins_busy_links() {
        let hop = |sent: Nanos, link: u32| Hop {
            sent,
            arrives: sent + 2_000_000,
            link,
            backwards: false,
            kind: HopKind::Request,
            flow: 0,
        };
        let trace = Trace {
            from: 0,
            to: 1_000_000_000,
            hops: (0..1000)
                .map(|i| hop(i * 1_000_000, (i % 2) as u32))
                .collect(),
            ..Trace::default()
        };
        let index = TraceIndex::new(&trace, 3, 0);
        assert_eq!(index.hops_on(LinkIdx(0)), 500);
        assert_eq!(index.hops_on(LinkIdx(2)), 0);
        assert_eq!(index.longest_ns[1], 2_000_000);
        // 500 hops a second, each drawn ~0.47 s at 1×: ~235 in flight.
        let stride = index.stride(0, 1.0, POOL);
        assert!(
            stride.is_power_of_two() && (8..=32).contains(&stride),
            "{stride}"
        );
        assert!(index.stride(0, 10.0, POOL) > stride);
        assert!(index.stride(0, 1.0, 2) > stride, "a short link shows fewer");
    }

    #[test]
    fn a_polyline_gives_points_by_length() {
        let Some(line) = Polyline::new(vec![pos2(0.0, 0.0), pos2(10.0, 0.0), pos2(10.0, 30.0)])
        else {
            panic!("three points make a line");
        };
        assert_eq!(line.at(0.0).0, pos2(0.0, 0.0));
        assert_eq!(line.at(0.5), (pos2(10.0, 10.0), Vec2::Y));
        assert_eq!(line.at(1.0).0, pos2(10.0, 30.0));
        assert!(Polyline::new(vec![pos2(1.0, 1.0)]).is_none());
    }
}
