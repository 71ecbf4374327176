//! The timeline: the run from start to end, scrubbed by clicking or
//! dragging. It shows what matters about the stretch of time: the warm-up
//! (not measured), when arrivals stop, when what-if faults are in force,
//! and the part after the trace filled up (no messages to animate).

use egui::{Color32, Rect, Response, Sense, Stroke, Ui, Vec2, WidgetInfo, pos2, vec2};

use crate::model::{Design, Fault};
use crate::numbers::fixed;
use crate::visual::{Palette, live_colors};

use super::super::canvas::{self, paint};
use super::playback::Playback;

/// What the timeline marks besides the playhead, simulated seconds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Marks {
    /// End of the warm-up.
    pub warmup_s: f64,
    /// When arrivals stop.
    pub duration_s: f64,
    /// Every message sent before this is animated; later ones were not
    /// recorded (the trace filled up).
    pub messages_until_s: f64,
    /// The windows in which a crash or a slow-down is in force (the
    /// scenario's and the what-ifs).
    pub faults: Vec<FaultMark>,
}

/// A stretch of time in which a node is down or slowed down.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultMark {
    /// From when, simulated seconds.
    pub from_s: f64,
    /// Until when.
    pub to_s: f64,
    /// Slowed down (else down).
    pub slow: bool,
    /// What happens, for people: "Payment down", "Payment 5× slower".
    pub what: String,
}

impl FaultMark {
    /// The mark of `fault` in `design`, when it is a crash or a slow-down.
    pub fn of(fault: &Fault, design: &Design) -> Option<Self> {
        let (node, at_s, for_s, slow) = match fault {
            Fault::Crash { node, at_s, for_s } => (node, *at_s, *for_s, None),
            Fault::SlowDown {
                node,
                at_s,
                for_s,
                factor,
            } => (node, *at_s, *for_s, Some(*factor)),
            _ => return None,
        };
        let name = design.display_name(node);
        Some(Self {
            from_s: at_s,
            to_s: at_s + for_s,
            slow: slow.is_some(),
            what: match slow {
                Some(factor) => format!("{name} {}× slower", factor_text(factor)),
                None => format!("{name} down"),
            },
        })
    }
}

/// A slow-down factor as people write it: "5", "2.5".
pub fn factor_text(factor: f64) -> String {
    let text = fixed(factor, 1);
    text.strip_suffix(".0").map_or(text.clone(), str::to_owned)
}

/// Draws the timeline `width` points wide; clicking or dragging on it moves
/// the playback there.
pub fn timeline_ui(ui: &mut Ui, width: f32, playback: &mut Playback, marks: &Marks) -> Response {
    let (rect, response) = ui.allocate_exact_size(vec2(width, 20.0), Sense::click_and_drag());
    let end = playback.end_s();
    response.widget_info(|| WidgetInfo::slider(end > 0.0, playback.time_s(), "Timeline"));
    let track = Rect::from_center_size(rect.center(), vec2(rect.width() - 12.0, 8.0));
    let x_of = |t: f64| {
        if end > 0.0 {
            track.left() + track.width() * (t / end).clamp(0.0, 1.0) as f32
        } else {
            track.left()
        }
    };
    if let Some(pos) = response.interact_pointer_pos()
        && end > 0.0
        && (response.dragged() || response.clicked())
    {
        let f = ((pos.x - track.left()) / track.width()).clamp(0.0, 1.0);
        playback.seek(f64::from(f) * end);
    }
    if let Some(pos) = response.hover_pos()
        && end > 0.0
    {
        let f = ((pos.x - track.left()) / track.width()).clamp(0.0, 1.0);
        let at = f64::from(f) * end;
        let mut text = format!("{} s", fixed(at, 1));
        if at < marks.warmup_s {
            text.push_str(" · warm-up (not measured)");
        }
        for f in marks
            .faults
            .iter()
            .filter(|f| (f.from_s..f.to_s).contains(&at))
        {
            text.push_str(" · ");
            text.push_str(&f.what);
        }
        if at >= marks.messages_until_s {
            text.push_str(&format!(
                " · the trace filled up at {:.1} s: no messages drawn after it; node states and charts go on",
                marks.messages_until_s
            ));
        }
        response.clone().on_hover_text_at_pointer(text);
    }
    let theme = canvas::theme_of(ui);
    let palette = Palette::of(theme);
    let live = live_colors(theme);
    let painter = ui.painter_at(rect);
    let span = |from: f64, to: f64| {
        Rect::from_min_max(
            pos2(x_of(from), track.top()),
            pos2(x_of(to), track.bottom()),
        )
    };
    painter.rect_filled(track, 4.0, ui.visuals().extreme_bg_color);
    if end > 0.0 {
        painter.rect_filled(span(0.0, marks.warmup_s), 4.0, paint::color(palette.grid));
        if marks.messages_until_s < end {
            painter.rect_filled(
                span(marks.messages_until_s, end),
                0.0,
                ui.visuals().faint_bg_color,
            );
        }
        for f in &marks.faults {
            let color = if f.slow { live.slow } else { live.down };
            painter.rect_filled(span(f.from_s, f.to_s), 0.0, paint::color(color.faded(0.55)));
        }
        let stop = x_of(marks.duration_s);
        painter.line_segment(
            [
                pos2(stop, track.top() - 3.0),
                pos2(stop, track.bottom() + 3.0),
            ],
            Stroke::new(1.0, paint::color(palette.text_muted)),
        );
        let played = span(0.0, playback.time_s());
        painter.rect_filled(played, 4.0, paint::color(palette.selection.faded(0.35)));
    }
    painter.rect_stroke(
        track,
        4.0,
        Stroke::new(1.0, ui.visuals().widgets.noninteractive.bg_stroke.color),
        egui::StrokeKind::Inside,
    );
    let head = pos2(x_of(playback.time_s()), track.center().y);
    let hot = response.hovered() || response.dragged();
    painter.circle(
        head,
        if hot { 7.0 } else { 6.0 },
        paint::color(palette.selection),
        Stroke::new(1.5, Color32::WHITE),
    );
    response.on_hover_cursor(egui::CursorIcon::PointingHand)
}

/// A time for the toolbar: `12.3 s / 180 s`.
pub fn time_label(playback: &Playback) -> String {
    format!("{:>6.1} s / {:.0} s", playback.time_s(), playback.end_s())
}

/// The size a time label takes, so the toolbar does not jitter.
pub const TIME_LABEL_WIDTH: Vec2 = vec2(104.0, 18.0);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NodeId;

    #[test]
    fn crashes_and_slow_downs_are_marked_with_what_happens() {
        let design = crate::library::example("fraud-check-blocking");
        let slow = Fault::SlowDown {
            node: NodeId::new("payment"),
            at_s: 20.0,
            for_s: 30.0,
            factor: 2.5,
        };
        let mark = FaultMark::of(&slow, &design).unwrap();
        assert_eq!((mark.from_s, mark.to_s, mark.slow), (20.0, 50.0, true));
        assert_eq!(mark.what, "Payment 2.5× slower");
        let crash = Fault::Crash {
            node: NodeId::new("payment"),
            at_s: 1.0,
            for_s: 2.0,
        };
        assert_eq!(FaultMark::of(&crash, &design).unwrap().what, "Payment down");
        assert_eq!(factor_text(5.0), "5");
    }
}
