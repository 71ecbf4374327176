//! Painting nodes and links as egui shapes, from the rules in
//! [`crate::visual`]. The canvas, the legend, the palette and the style
//! menus all paint through these functions, so a style looks exactly the
//! same in each.
//!
//! Coordinates here are on screen; callers map graph positions first.
//! Sizes scale with the zoom, strokes and line patterns only within bounds,
//! so lines stay visible when zoomed out and do not turn into ropes when
//! zoomed in.

use std::sync::Arc;

use egui::epaint::{CornerRadius, RectShape, StrokeKind, TextShape};
use egui::text::{LayoutJob, TextWrapping};
use egui::{Color32, FontId, Galley, Pos2, Rect, Shape, Stroke, Vec2, pos2, vec2};

use crate::visual::{
    ArrowHead, Emphasis, LinePattern, LinkLook, NodeShape, Palette, Rgba, Theme, arc, direction,
    longest_segment, perpendicular,
};

/// An egui colour from a visual-rules colour.
pub fn color(c: Rgba) -> Color32 {
    Color32::from_rgba_unmultiplied(c.r, c.g, c.b, c.a)
}

/// The factor for stroke widths and line patterns at `zoom`: they grow and
/// shrink with the drawing, but only so far.
pub fn stroke_scale(zoom: f32) -> f32 {
    zoom.clamp(0.4, 1.6)
}

/// Below this zoom a link's small marks (return arrow, broadcast arcs)
/// are left out: they would be bigger than the gaps between the nodes of
/// a zoomed-out design and hide more than they say.
pub const MARKS_MIN_ZOOM: f32 = 0.25;

/// The smallest text the app draws, in points (egui's logical pixels; at
/// 100 % scaling one point is one screen pixel): the size of egui's own
/// small text. Text on the canvas that would come out smaller is left out
/// (captions and link labels first, as they are smaller than names), so
/// nothing is ever drawn that cannot be read; fitting the view never zooms
/// out so far that a node's name would be ([`MIN_FIT_ZOOM`]).
pub const LEGIBLE_TEXT_PT: f32 = 9.0;

/// The size of a node's name at zoom 1, points.
pub const NAME_PT: f32 = 13.5;

/// The size of a node's caption (its key figures) at zoom 1, points.
const CAPTION_PT: f32 = 10.5;

/// The size of a link's label at zoom 1, points.
const LINK_LABEL_PT: f32 = 11.0;

/// The least zoom at which node names are drawn at their own size and no
/// smaller than [`LEGIBLE_TEXT_PT`]: fitting the view stops here, and a
/// design too big for the window at this zoom is shown in part (panned).
pub const MIN_FIT_ZOOM: f32 = 0.67;

const _: () = assert!(NAME_PT * MIN_FIT_ZOOM >= LEGIBLE_TEXT_PT);

/// The level of detail of a view zoomed out further than [`MIN_FIT_ZOOM`]:
/// down to this zoom, names are still drawn, at [`LEGIBLE_TEXT_PT`] and
/// cut to the outline, and nothing else; below it the diagram is shapes
/// and lines only.
pub const NAMES_MIN_ZOOM: f32 = 0.35;

/// Everything that decides how one node is painted.
#[derive(Debug, Clone, Copy)]
pub struct NodeLook<'a> {
    /// Outline.
    pub shape: NodeShape,
    /// Name, drawn inside (or under a person).
    pub label: &'a str,
    /// Short facts, drawn under the name.
    pub caption: &'a str,
    /// Colours.
    pub theme: Theme,
    /// Normal, highlighted or dimmed.
    pub emphasis: Emphasis,
    /// Selected: drawn with a halo.
    pub selected: bool,
    /// Under the pointer: drawn with a bolder outline.
    pub hovered: bool,
    /// Has validation problems: drawn with a warning mark.
    pub problem: bool,
}

/// The outline's rectangle on screen for a node centred at `center`.
pub fn node_rect(shape: NodeShape, center: Pos2, zoom: f32) -> Rect {
    let (w, h) = shape.size();
    Rect::from_center_size(center, vec2(w, h) * zoom)
}

/// Whether `pos` lies on the node of `shape` centred at `center` (both in
/// graph units).
pub fn node_contains(shape: NodeShape, center: Pos2, pos: Pos2) -> bool {
    match shape {
        NodeShape::Person => pos.distance(center) <= shape.size().0 / 2.0,
        _ => node_rect(shape, center, 1.0).contains(pos),
    }
}

/// Paints the node `look` centred at `center`, `zoom` screen points per
/// graph unit, into `out`. `ctx` lays out the text.
pub fn node_shapes(
    ctx: &egui::Context,
    out: &mut Vec<Shape>,
    look: &NodeLook<'_>,
    center: Pos2,
    zoom: f32,
) {
    let palette = Palette::of(look.theme);
    let fade = |c: Rgba| color(c.faded(look.emphasis.opacity()));
    let rect = node_rect(look.shape, center, zoom);
    let scale = stroke_scale(zoom);
    if look.emphasis == Emphasis::Highlighted {
        halo(
            out,
            look.shape,
            rect,
            7.0 * scale,
            Stroke::new(5.0 * scale, color(palette.highlight.faded(0.6))),
        );
    }
    if look.selected {
        halo(
            out,
            look.shape,
            rect,
            4.0 * scale,
            Stroke::new(3.0 * scale, color(palette.selection.faded(0.55))),
        );
    }
    let width = 1.3 * scale * look.emphasis.width_factor() * if look.hovered { 1.6 } else { 1.0 };
    let outline_color = if look.selected {
        palette.selection
    } else if look.problem {
        palette.problem
    } else {
        palette.node_stroke
    };
    outline(
        out,
        look.shape,
        rect,
        zoom,
        fade(palette.fill(look.shape)),
        Stroke::new(width, fade(outline_color)),
    );
    node_text(ctx, out, look, rect, zoom, &fade);
    if look.problem {
        let r = 7.0 * scale;
        let at = rect.right_top() + vec2(-r * 0.3, r * 0.3);
        out.push(Shape::circle_filled(at, r, fade(palette.problem)));
        if let Some(g) = text_galley(
            ctx,
            "!",
            (11.0 * scale).max(LEGIBLE_TEXT_PT),
            Color32::WHITE,
            f32::INFINITY,
        ) {
            out.push(Shape::galley(at - g.size() / 2.0, g, Color32::WHITE));
        }
    }
}

/// A ring around the node, for selection and highlight.
fn halo(out: &mut Vec<Shape>, shape: NodeShape, rect: Rect, gap: f32, stroke: Stroke) {
    match shape {
        NodeShape::Person => out.push(Shape::circle_stroke(
            rect.center(),
            rect.width() / 2.0 + gap,
            stroke,
        )),
        _ => out.push(Shape::Rect(RectShape::new(
            rect.expand(gap),
            CornerRadius::same(corner(gap * 3.0)),
            Color32::TRANSPARENT,
            stroke,
            StrokeKind::Middle,
        ))),
    }
}

fn corner(radius: f32) -> u8 {
    radius.clamp(0.0, 255.0) as u8
}

/// How many straight pieces draw an arc of radius `radius` screen points
/// smoothly: fewer for small arcs, which is most of them in a zoomed-out
/// view of a big design.
fn arc_steps(radius: f32) -> usize {
    if radius < 4.0 {
        3
    } else if radius < 12.0 {
        6
    } else {
        10
    }
}

/// The outline of a node, filled.
fn outline(
    out: &mut Vec<Shape>,
    shape: NodeShape,
    rect: Rect,
    zoom: f32,
    fill: Color32,
    stroke: Stroke,
) {
    let c = rect.center();
    match shape {
        NodeShape::RoundedBox => out.push(Shape::Rect(RectShape::new(
            rect,
            CornerRadius::same(corner(10.0 * zoom)),
            fill,
            stroke,
            StrokeKind::Middle,
        ))),
        NodeShape::Queue => {
            let rx = (NodeShape::CYLINDER_CAP * zoom).min(rect.width() / 4.0);
            let ry = rect.height() / 2.0;
            let steps = arc_steps(ry);
            let right = pos2(rect.right() - rx, c.y);
            let left = pos2(rect.left() + rx, c.y);
            let body = arc(right, rx, ry, -90.0, 90.0, steps)
                .into_iter()
                .chain(arc(left, rx, ry, 90.0, 270.0, steps));
            out.push(Shape::convex_polygon(body.collect(), fill, stroke));
            // The near end of the cylinder.
            out.push(Shape::line(arc(right, rx, ry, 90.0, 270.0, steps), stroke));
        }
        NodeShape::Cylinder => {
            let ry = (NodeShape::CYLINDER_CAP * zoom).min(rect.height() / 4.0);
            let rx = rect.width() / 2.0;
            let steps = arc_steps(rx);
            let top = pos2(c.x, rect.top() + ry);
            let bottom = pos2(c.x, rect.bottom() - ry);
            let body = arc(top, rx, ry, 180.0, 360.0, steps)
                .into_iter()
                .chain(arc(bottom, rx, ry, 0.0, 180.0, steps));
            out.push(Shape::convex_polygon(body.collect(), fill, stroke));
            // The lid's near rim.
            out.push(Shape::line(arc(top, rx, ry, 0.0, 180.0, steps), stroke));
        }
        NodeShape::Person => {
            let r = rect.width() / 2.0;
            let steps = arc_steps(r);
            out.push(Shape::circle_filled(c, r, fill));
            out.push(Shape::circle_stroke(c, r, stroke));
            let glyph = stroke.color;
            out.push(Shape::circle_filled(
                c + vec2(0.0, -0.25 * r),
                0.2 * r,
                glyph,
            ));
            let shoulders = arc(
                c + vec2(0.0, 0.5 * r),
                0.42 * r,
                0.4 * r,
                180.0,
                360.0,
                steps,
            );
            out.push(Shape::convex_polygon(shoulders, glyph, Stroke::NONE));
        }
    }
}

/// One line of text, cut with "…" at `max_width`; `None` when too small
/// to read.
fn text_galley(
    ctx: &egui::Context,
    text: &str,
    size: f32,
    color: Color32,
    max_width: f32,
) -> Option<Arc<Galley>> {
    if size < LEGIBLE_TEXT_PT || text.is_empty() {
        return None;
    }
    let mut job = LayoutJob::simple_singleline(text.to_owned(), FontId::proportional(size), color);
    job.wrap = TextWrapping::truncate_at_width(max_width.max(1.0));
    Some(ctx.fonts_mut(|f| f.layout_job(job)))
}

/// The node's name and caption, centred in the outline (under a person).
fn node_text(
    ctx: &egui::Context,
    out: &mut Vec<Shape>,
    look: &NodeLook<'_>,
    rect: Rect,
    zoom: f32,
    fade: &dyn Fn(Rgba) -> Color32,
) {
    let palette = Palette::of(look.theme);
    let (center, max_width) = match look.shape {
        NodeShape::RoundedBox => (rect.center(), rect.width() - 16.0 * zoom),
        NodeShape::Queue => {
            let rx = NodeShape::CYLINDER_CAP * zoom;
            (
                rect.center() - vec2(rx / 2.0, 0.0),
                rect.width() - 3.0 * rx - 6.0 * zoom,
            )
        }
        NodeShape::Cylinder => {
            let ry = NodeShape::CYLINDER_CAP * zoom;
            (
                rect.center() + vec2(0.0, ry / 2.0),
                rect.width() - 12.0 * zoom,
            )
        }
        NodeShape::Person => (rect.center_bottom(), 170.0 * zoom),
    };
    if zoom < NAMES_MIN_ZOOM {
        return;
    }
    let name_size = (NAME_PT * zoom).max(LEGIBLE_TEXT_PT);
    if look.label.is_empty() {
        return;
    }
    // A long name takes a second line (and the caption's place) rather
    // than being cut.
    let mut job = LayoutJob::simple(
        look.label.to_owned(),
        FontId::proportional(name_size),
        fade(palette.text),
        max_width.max(1.0),
    );
    job.wrap.max_rows = 2;
    job.halign = egui::Align::Center;
    let name = ctx.fonts_mut(|f| f.layout_job(job));
    let caption = text_galley(
        ctx,
        look.caption,
        CAPTION_PT * zoom,
        fade(palette.text_muted),
        max_width,
    )
    .filter(|_| name.rows.len() == 1);
    let height = name.size().y + caption.as_ref().map_or(0.0, |g| g.size().y);
    let top = match look.shape {
        NodeShape::Person => center.y + 3.0 * zoom,
        _ => center.y - height / 2.0,
    };
    let name_height = name.size().y;
    // Centred rows: the galley's origin is the middle of each row.
    out.push(Shape::galley(
        pos2(center.x, top),
        name,
        Color32::PLACEHOLDER,
    ));
    if let Some(caption) = caption {
        let at = pos2(center.x - caption.size().x / 2.0, top + name_height);
        out.push(Shape::galley(at, caption, Color32::PLACEHOLDER));
    }
}

/// How one link is stroked on screen.
#[derive(Debug, Clone, Copy)]
pub struct LinkStroke {
    /// Pattern, head and marks of its style.
    pub look: LinkLook,
    /// Its colour (style colour, faded when dimmed).
    pub color: Color32,
    /// Factor for widths and patterns (see [`stroke_scale`]).
    pub scale: f32,
    /// The canvas colour, to fill hollow arrow heads.
    pub background: Color32,
    /// Whether to draw the return arrow and broadcast marks of the style
    /// (see [`MARKS_MIN_ZOOM`]).
    pub marks: bool,
}

/// Paints a link along `path` (screen points; first and last on the
/// nodes' outlines) into `out`: the line in its pattern, the head at the
/// end, and the return arrow or broadcast marks of its style.
pub fn link_shapes(out: &mut Vec<Shape>, path: &[Pos2], s: &LinkStroke) {
    let (Some(&first), Some(&second)) = (path.first(), path.get(1)) else {
        return;
    };
    let (Some(&to), Some(&before_last)) = (
        path.last(),
        path.len().checked_sub(2).and_then(|i| path.get(i)),
    ) else {
        return;
    };
    let (Some(start_dir), Some(end_dir)) = (direction(first, second), direction(before_last, to))
    else {
        return;
    };
    let width = s.look.width * s.scale;
    let stroke = Stroke::new(width, s.color);
    let head_length = (11.0 * s.scale).min(before_last.distance(to) * 0.5);
    let line_end = match s.look.head {
        ArrowHead::Filled | ArrowHead::Hollow => to - end_dir * head_length,
        ArrowHead::Open => to - end_dir * (width * 0.5),
    };
    let mut points = path[..path.len() - 1].to_vec();
    points.push(line_end);
    line(out, &points, s.look.pattern, stroke, s.scale);
    head(
        out,
        to,
        end_dir,
        head_length,
        s.look.head,
        stroke,
        s.background,
    );
    if s.marks
        && s.look.return_arrow
        && let Some((a, b)) = longest_segment(path)
        && let Some(dir) = direction(a, b)
    {
        return_arrow(out, a, b, dir, s);
    }
    if s.marks && s.look.broadcast {
        broadcast(out, first, start_dir, stroke, s.scale);
    }
}

/// The most dashes or dots one line is drawn with. A longer line gets a
/// longer period instead: the pattern still reads, and a zoomed-out view
/// of a big design does not turn into a hundred thousand dots.
const MAX_PATTERN_ELEMENTS: f32 = 32.0;

/// Patterns never get finer than this factor of their size at zoom 1, so
/// that zoomed out a dashed line stays a few dashes, not a grey blur.
const MIN_PATTERN_SCALE: f32 = 0.8;

fn line(out: &mut Vec<Shape>, points: &[Pos2], pattern: LinePattern, stroke: Stroke, scale: f32) {
    let length: f32 = points.windows(2).map(|w| w[0].distance(w[1])).sum();
    let scale = scale.max(MIN_PATTERN_SCALE);
    let stretch = |period: f32| (length / (period * MAX_PATTERN_ELEMENTS)).max(1.0);
    match (pattern, points) {
        (LinePattern::Solid, &[a, b]) => out.push(Shape::line_segment([a, b], stroke)),
        (LinePattern::Solid, _) => out.push(Shape::line(points.to_vec(), stroke)),
        (LinePattern::Dashed { dash, gap }, _) => {
            let k = scale * stretch((dash + gap) * scale);
            out.extend(Shape::dashed_line(points, stroke, dash * k, gap * k));
        }
        (LinePattern::Dotted { spacing }, _) => {
            let k = scale * stretch(spacing * scale);
            out.extend(Shape::dotted_line(
                points,
                stroke.color,
                spacing * k,
                stroke.width * 0.55,
            ));
        }
    }
}

fn head(
    out: &mut Vec<Shape>,
    tip: Pos2,
    dir: Vec2,
    length: f32,
    kind: ArrowHead,
    stroke: Stroke,
    background: Color32,
) {
    let base = tip - dir * length;
    let side = perpendicular(dir) * length * 0.5;
    let (left, right) = (base - side, base + side);
    match kind {
        ArrowHead::Filled => out.push(Shape::convex_polygon(
            vec![tip, right, left],
            stroke.color,
            Stroke::NONE,
        )),
        ArrowHead::Hollow => out.push(Shape::convex_polygon(
            vec![tip, right, left],
            background,
            Stroke::new(stroke.width * 0.7, stroke.color),
        )),
        ArrowHead::Open => out.push(Shape::line(vec![left, tip, right], stroke)),
    }
}

/// A short thin arrow beside the middle of the line, pointing back at the
/// sender: the response comes back later, on its own.
fn return_arrow(out: &mut Vec<Shape>, from: Pos2, to: Pos2, dir: Vec2, s: &LinkStroke) {
    let length = (40.0 * s.scale).min(from.distance(to) * 0.45);
    if length < 8.0 {
        return;
    }
    let middle = from + (to - from) * 0.5 + perpendicular(dir) * (7.0 * s.scale);
    let start = middle + dir * (length / 2.0);
    let end = middle - dir * (length / 2.0);
    let stroke = Stroke::new((s.look.width * s.scale * 0.6).max(1.0), s.color);
    let head_length = 7.0 * s.scale;
    line(out, &[start, end], s.look.pattern, stroke, s.scale * 0.7);
    head(
        out,
        end,
        -dir,
        head_length,
        ArrowHead::Open,
        stroke,
        s.background,
    );
}

/// Two arcs in front of the sender, like radio waves: the message goes to
/// whoever listens.
fn broadcast(out: &mut Vec<Shape>, from: Pos2, dir: Vec2, stroke: Stroke, scale: f32) {
    let angle = dir.y.atan2(dir.x).to_degrees();
    let stroke = Stroke::new((stroke.width * 0.7).max(1.0), stroke.color);
    for radius in [7.0, 12.0] {
        let r = radius * scale;
        let center = from - dir * (3.0 * scale);
        out.push(Shape::line(
            arc(center, r, r, angle - 50.0, angle + 50.0, arc_steps(r)),
            stroke,
        ));
    }
}

/// Which side of a link's line a text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Above (left of a vertical line): the technology.
    Above,
    /// Below (right of a vertical line): the timeout, retries, delivery
    /// limit.
    Below,
}

/// A text on a link, beside the middle of the line on `side`, on a backing
/// so it stays readable over other lines: one line per line of `text`,
/// centred. Left out when it is wider than the line is long, or would be
/// smaller than legible.
#[allow(clippy::too_many_arguments)]
pub fn link_label_shapes(
    ctx: &egui::Context,
    out: &mut Vec<Shape>,
    from: Pos2,
    to: Pos2,
    text: &str,
    colors: (Color32, Color32),
    scale: f32,
    side: Side,
) {
    let (text_color, background) = colors;
    let size = LINK_LABEL_PT * scale;
    let Some(dir) = direction(from, to) else {
        return;
    };
    if size < LEGIBLE_TEXT_PT || text.is_empty() {
        return;
    }
    let mut job = LayoutJob::simple(
        text.to_owned(),
        FontId::proportional(size),
        text_color,
        f32::INFINITY,
    );
    job.halign = egui::Align::Center;
    let galley = ctx.fonts_mut(|f| f.layout_job(job));
    if galley.size().x > from.distance(to) * 0.9 {
        return;
    }
    let mut normal = -perpendicular(dir);
    if (normal.y > 0.0) == (side == Side::Above) {
        normal = -normal;
    }
    let middle = from + (to - from) * 0.5;
    // Far enough from the line that the backing clears it whatever the
    // line's direction.
    let half = galley.size() * 0.5;
    let reach = (half.x * normal.x).abs() + (half.y * normal.y).abs();
    let center = middle + normal * (reach + 4.0 * scale);
    let rect = Rect::from_center_size(center, galley.size() + vec2(6.0, 2.0) * scale);
    out.push(Shape::rect_filled(
        rect,
        CornerRadius::same(corner(4.0 * scale)),
        background,
    ));
    let origin = rect.center() - galley.rect.center().to_vec2();
    out.push(TextShape::new(origin, galley, text_color).into());
}

/// The distance from `p` to the segment from `a` to `b`.
pub fn distance_to_segment(p: Pos2, a: Pos2, b: Pos2) -> f32 {
    let ab = b - a;
    let t = if ab.length_sq() > 0.0 {
        ((p - a).dot(ab) / ab.length_sq()).clamp(0.0, 1.0)
    } else {
        0.0
    };
    p.distance(a + ab * t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Style;
    use crate::visual::link_look;

    fn painted(style: Style) -> Vec<Shape> {
        let mut out = Vec::new();
        let s = LinkStroke {
            look: link_look(style),
            color: Color32::RED,
            scale: 1.0,
            background: Color32::WHITE,
            marks: true,
        };
        link_shapes(&mut out, &[pos2(0.0, 0.0), pos2(200.0, 0.0)], &s);
        out
    }

    fn count(shapes: &[Shape], pred: impl Fn(&Shape) -> bool) -> usize {
        shapes.iter().filter(|s| pred(s)).count()
    }

    #[test]
    fn sync_is_one_solid_line_with_a_filled_head() {
        let shapes = painted(Style::Sync);
        assert_eq!(
            count(&shapes, |s| matches!(s, Shape::LineSegment { .. })),
            1
        );
        assert!(
            shapes
                .iter()
                .any(|s| matches!(s, Shape::Path(p) if p.closed && p.fill == Color32::RED))
        );
    }

    #[test]
    fn async_request_is_dashed_with_an_arrow_back() {
        let shapes = painted(Style::AsyncRequest);
        assert!(count(&shapes, |s| matches!(s, Shape::LineSegment { .. })) > 10);
        // Two open heads: one at the receiver, one on the return arrow.
        assert_eq!(
            count(&shapes, |s| matches!(s, Shape::Path(p) if !p.closed)),
            2
        );
    }

    #[test]
    fn event_is_dotted_with_broadcast_arcs_and_a_hollow_head() {
        let shapes = painted(Style::Event);
        assert!(count(&shapes, |s| matches!(s, Shape::Circle(_))) > 10);
        assert!(
            shapes
                .iter()
                .any(|s| matches!(s, Shape::Path(p) if p.closed && p.fill == Color32::WHITE))
        );
        assert_eq!(
            count(&shapes, |s| matches!(s, Shape::Path(p) if !p.closed)),
            2
        );
    }

    #[test]
    fn segment_distance() {
        assert_eq!(
            distance_to_segment(pos2(5.0, 3.0), pos2(0.0, 0.0), pos2(10.0, 0.0)),
            3.0
        );
        assert_eq!(
            distance_to_segment(pos2(-4.0, 3.0), pos2(0.0, 0.0), pos2(10.0, 0.0)),
            5.0
        );
    }
}
