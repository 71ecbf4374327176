//! The pictures of the studies that are not line charts: the sensitivity
//! tornado (one bar per factor, faster to the left of the middle, slower
//! to the right, on one scale) and the chaos heat map (experiments ×
//! entry points, coloured by what happened, darker the more availability
//! was lost).

use crate::numbers::{self, Measure};
use crate::sim::Estimate;
use crate::study::chaos::ChaosStudy;
use crate::study::sensitivity::{Effect, Factor};
use crate::visual::{Palette, Rgba, Theme, chaos_fill};

use super::super::content::studies;
use super::super::markup::{Attrs, Markup, num};
use super::{CHART_TEXT, CHART_WIDTH, fit_text, fitted_text, picture};

/// Width of a picture.
const WIDTH: f32 = CHART_WIDTH;
/// Size of the text.
const TEXT: f32 = CHART_TEXT;
/// Height of a tornado's bar row.
const BAR_ROW: f32 = 22.0;
/// Width of a tornado's factor names.
const NAMES: f32 = 230.0;
/// Width left right of a tornado for the figure at a bar's end.
const FIGURES: f32 = 70.0;
/// Height of a heat map's row.
const CELL_ROW: f32 = 20.0;
/// Width of a heat map's row labels.
const LABELS: f32 = 200.0;
/// Height of a heat map's column headers.
const HEADERS: f32 = 34.0;

/// Text at (`x`, `y`) in `color`, fitted into `width`.
fn label(m: &mut Markup, (x, y): (f32, f32), anchor: &str, color: Rgba, text: &str, width: f32) {
    let a = Attrs::new()
        .num("x", x)
        .num("y", y)
        .set("text-anchor", anchor)
        .num("font-size", TEXT)
        .color("fill", color);
    fitted_text(m, a, &fit_text(text, TEXT, width));
}

/// The tornado of one entry point: `rows` are its factors, largest swing
/// first, each with the change of the p99 when the factor is slower and
/// when it is faster.
pub fn tornado(title: &str, rows: &[(&Factor, &Effect)]) -> Markup {
    let palette = Palette::of(Theme::Light);
    let height = BAR_ROW * rows.len().max(1) as f32 + 24.0;
    let plot_left = NAMES + FIGURES;
    let half = (WIDTH - plot_left - FIGURES) / 2.0;
    let middle = plot_left + half;
    let widest = rows
        .iter()
        .flat_map(|(_, e)| [e.slower.p99_ms.mean.abs(), e.faster.p99_ms.mean.abs()])
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    picture(title, height, |m| {
        for (k, (factor, effect)) in rows.iter().enumerate() {
            let top = 4.0 + k as f32 * BAR_ROW;
            let text_y = top + BAR_ROW / 2.0 + TEXT * 0.35;
            let name = format!("{} {}", factor.kind.words(), factor.name);
            label(m, (4.0, text_y), "start", palette.text, &name, NAMES - 8.0);
            for (change, color, slower) in [
                (effect.slower.p99_ms, palette.problem, true),
                (effect.faster.p99_ms, palette.ok, false),
            ] {
                if !change.mean.is_finite() {
                    continue;
                }
                let extent = (change.mean / widest).clamp(-1.0, 1.0) as f32 * half;
                let (left, right) = (middle.min(middle + extent), middle.max(middle + extent));
                let bar = Attrs::new()
                    .set("class", "bar")
                    .rect(left, top + 4.0, (right - left).max(0.5), BAR_ROW - 8.0)
                    .color("fill", color);
                m.empty("rect", &bar.pairs());
                let (x, anchor) = if extent >= 0.0 {
                    (right + 4.0, "start")
                } else {
                    (left - 4.0, "end")
                };
                // A zero change writes its figure once, on the slower side.
                if extent != 0.0 || slower {
                    // The mean alone: the table beside has the interval.
                    let mean = Estimate {
                        ci95: None,
                        ..change
                    };
                    let figure = numbers::difference(mean, Measure::Ms);
                    label(
                        m,
                        (x, text_y),
                        anchor,
                        palette.text_muted,
                        &figure,
                        FIGURES - 6.0,
                    );
                }
            }
        }
        let axis = Attrs::new()
            .set(
                "d",
                format!(
                    "M{} {} L{} {}",
                    num(middle),
                    num(2.0),
                    num(middle),
                    num(height - 20.0)
                ),
            )
            .color("stroke", palette.node_stroke)
            .num("stroke-width", 1.0);
        m.empty("path", &axis.pairs());
        let foot = height - 6.0;
        label(m, (middle - 6.0, foot), "end", palette.ok, "faster", half);
        label(
            m,
            (middle + 6.0, foot),
            "start",
            palette.problem,
            "slower",
            half,
        );
    })
}

/// The chaos heat map: a row per experiment, a column per entry point.
pub fn chaos_map(title: &str, study: &ChaosStudy) -> Markup {
    let palette = Palette::of(Theme::Light);
    let columns = study.baseline.len().max(1);
    let cell_w = (WIDTH - LABELS - 4.0) / columns as f32;
    let height = HEADERS + CELL_ROW * study.experiments.len() as f32 + 4.0;
    picture(title, height, |m| {
        for (j, b) in study.baseline.iter().enumerate() {
            let x = LABELS + (j as f32 + 0.5) * cell_w;
            label(
                m,
                (x, HEADERS - 8.0),
                "middle",
                palette.text,
                &b.entry_point,
                cell_w - 6.0,
            );
        }
        for (k, e) in study.experiments.iter().enumerate() {
            let top = HEADERS + k as f32 * CELL_ROW;
            let text_y = top + CELL_ROW / 2.0 + TEXT * 0.35;
            let row_label = e.label(study.slow_factor);
            label(
                m,
                (4.0, text_y),
                "start",
                palette.text,
                &row_label,
                LABELS - 8.0,
            );
            for (j, c) in e.cells.iter().enumerate() {
                let fill = chaos_fill(palette, c.outcome, c.availability_drop.mean);
                let text = studies::heat_text(c).unwrap_or_default();
                let x = LABELS + j as f32 * cell_w;
                let cell = Attrs::new()
                    .set("class", c.outcome.as_str())
                    .rect(x + 1.0, top + 1.0, cell_w - 2.0, CELL_ROW - 2.0)
                    .color("fill", fill);
                m.el("rect", &cell.pairs(), |m| {
                    let hover = format!("{}: {} {}", row_label, c.entry_point, c.outcome.as_str());
                    m.text_el("title", &[], &hover);
                });
                if !text.is_empty() {
                    label(
                        m,
                        (x + cell_w / 2.0, text_y),
                        "middle",
                        palette.text,
                        &text,
                        cell_w - 6.0,
                    );
                }
            }
        }
    })
}
