//! Line charts of a simulation over time, in SVG: one line per series, a
//! gap where a bucket has no value, axes with round tick values, the
//! warm-up shaded, and a legend under the plot.

use crate::visual::{Palette, Rgba, Theme};

use super::super::markup::{Attrs, Markup, num};
use super::{FONT_FAMILY, fit_text, fitted_text, text_width};

/// Width of a chart.
const WIDTH: f32 = 640.0;
/// Height of the plot area.
const PLOT_HEIGHT: f32 = 190.0;
/// Space left of the plot, for the y tick values.
const LEFT: f32 = 58.0;
/// Space right of the plot.
const RIGHT: f32 = 16.0;
/// Space above the plot, for the name of the y axis.
const TOP: f32 = 28.0;
/// Space below the plot, for the x tick values and the axis name.
const BOTTOM: f32 = 40.0;
/// Height of a legend row.
const LEGEND_ROW: f32 = 18.0;
/// Size of tick and legend text.
const TEXT: f32 = 11.0;
/// Widest a series' name gets in the legend.
const LEGEND_TEXT: f32 = 240.0;

/// One line of a chart.
#[derive(Debug, Clone)]
pub struct Series {
    /// What it shows, for the legend.
    pub name: String,
    /// One value per time bucket; NaN where there is none.
    pub values: Vec<f64>,
    /// Its colour.
    pub color: Rgba,
    /// Drawn dashed (a second measure of the same thing, e.g. p99 beside
    /// p50).
    pub dashed: bool,
}

/// How the values of a chart are written on its axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Milliseconds.
    Ms,
    /// A fraction shown as a percentage.
    Percent,
    /// A plain number (per second, messages).
    Number,
}

/// A chart over the simulated time.
#[derive(Debug, Clone)]
pub struct Chart<'a> {
    /// What it shows, for readers of the picture alone (`<title>`).
    pub title: &'a str,
    /// What the y axis measures, written over it.
    pub y_label: &'a str,
    /// How values are written.
    pub unit: Unit,
    /// Width of a time bucket, seconds.
    pub bucket_s: f64,
    /// Seconds on the time axis.
    pub duration_s: f64,
    /// The lines.
    pub series: Vec<Series>,
    /// A fixed top of the y axis (1 for fractions); from the data when
    /// `None`.
    pub y_max: Option<f64>,
    /// Seconds of warm-up at the start, shaded.
    pub warmup_s: f64,
}

/// A round step for about `ticks` intervals over `range`: 1, 2, 2.5 or 5
/// times a power of ten.
fn nice_step(range: f64, ticks: f64) -> f64 {
    if !(range.is_finite() && range > 0.0) {
        return 1.0;
    }
    let raw = range / ticks;
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|k| k * magnitude)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * magnitude)
}

/// A tick value as written on an axis.
fn tick_text(v: f64, unit: Unit) -> String {
    let trim = |s: String| {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            s
        }
    };
    match unit {
        Unit::Percent => format!("{}%", trim(format!("{:.1}", v * 100.0))),
        Unit::Ms | Unit::Number => {
            if v.abs() >= 10_000.0 {
                format!("{}k", trim(format!("{:.1}", v / 1000.0)))
            } else {
                trim(format!("{v:.2}"))
            }
        }
    }
}

/// The legend's rows: each entry's x offset and row.
fn legend_layout(series: &[Series]) -> (Vec<(f32, usize)>, usize) {
    let mut places = Vec::new();
    let (mut x, mut row) = (0.0, 0);
    let available = WIDTH - LEFT - RIGHT;
    for s in series {
        let w = 28.0 + text_width(&s.name, TEXT).min(LEGEND_TEXT) + 16.0;
        if x > 0.0 && x + w > available {
            x = 0.0;
            row += 1;
        }
        places.push((x, row));
        x += w;
    }
    (places, if series.is_empty() { 0 } else { row + 1 })
}

/// The chart as an SVG picture.
pub fn chart(c: &Chart<'_>) -> Markup {
    let palette = Palette::of(Theme::Light);
    let duration = c.duration_s;
    let data_max = c
        .series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    let y_step = nice_step(c.y_max.unwrap_or(data_max), 4.0);
    let y_top = match c.y_max {
        Some(top) => top,
        None => ((data_max / y_step).ceil() * y_step).max(y_step),
    };
    let x_step = nice_step(duration, 6.0);
    let (legend, rows) = legend_layout(&c.series);
    let height = TOP + PLOT_HEIGHT + BOTTOM + rows as f32 * LEGEND_ROW + 4.0;
    let plot_w = WIDTH - LEFT - RIGHT;
    let x_of = |t: f64| LEFT + (t / duration.max(f64::MIN_POSITIVE)) as f32 * plot_w;
    let y_of = |v: f64| TOP + PLOT_HEIGHT - (v / y_top) as f32 * PLOT_HEIGHT;

    let mut m = Markup::new();
    let root = Attrs::new()
        .set("xmlns", "http://www.w3.org/2000/svg")
        .set("class", "chart")
        .set("viewBox", format!("0 0 {} {}", num(WIDTH), num(height)))
        .num("width", WIDTH)
        .num("height", height)
        .set("role", "img")
        .set("font-family", FONT_FAMILY);
    m.el("svg", &root.pairs(), |m| {
        m.text_el("title", &[], c.title);
        let text = |m: &mut Markup, x: f32, y: f32, anchor: &str, s: &str| {
            let a = Attrs::new()
                .num("x", x)
                .num("y", y)
                .set("text-anchor", anchor)
                .num("font-size", TEXT)
                .color("fill", palette.text_muted);
            m.text_el("text", &a.pairs(), s);
        };
        if c.warmup_s > 0.0 && duration > 0.0 {
            let shade = Attrs::new()
                .set("class", "warmup")
                .rect(
                    LEFT,
                    TOP,
                    x_of(c.warmup_s.min(duration)) - LEFT,
                    PLOT_HEIGHT,
                )
                .color("fill", palette.grid.faded(0.35));
            m.empty("rect", &shade.pairs());
            text(m, LEFT + 4.0, TOP + TEXT, "start", "warm-up");
        }
        // Grid and y ticks.
        let mut v = 0.0;
        while v <= y_top * 1.0001 {
            let y = y_of(v);
            let line = Attrs::new()
                .set(
                    "d",
                    format!(
                        "M{} {} L{} {}",
                        num(LEFT),
                        num(y),
                        num(LEFT + plot_w),
                        num(y)
                    ),
                )
                .color("stroke", palette.grid)
                .num("stroke-width", 1.0);
            m.empty("path", &line.pairs());
            text(m, LEFT - 6.0, y + TEXT * 0.35, "end", &tick_text(v, c.unit));
            v += y_step;
        }
        // X ticks.
        let mut t = 0.0;
        while duration > 0.0 && t <= duration * 1.0001 {
            let x = x_of(t);
            let tick = Attrs::new()
                .set(
                    "d",
                    format!(
                        "M{} {} L{} {}",
                        num(x),
                        num(TOP + PLOT_HEIGHT),
                        num(x),
                        num(TOP + PLOT_HEIGHT + 4.0)
                    ),
                )
                .color("stroke", palette.node_stroke)
                .num("stroke-width", 1.0);
            m.empty("path", &tick.pairs());
            text(
                m,
                x,
                TOP + PLOT_HEIGHT + 16.0,
                "middle",
                &tick_text(t, Unit::Number),
            );
            t += x_step;
        }
        let axis = Attrs::new()
            .set(
                "d",
                format!(
                    "M{} {} L{} {} L{} {}",
                    num(LEFT),
                    num(TOP),
                    num(LEFT),
                    num(TOP + PLOT_HEIGHT),
                    num(LEFT + plot_w),
                    num(TOP + PLOT_HEIGHT)
                ),
            )
            .set("fill", "none")
            .color("stroke", palette.node_stroke)
            .num("stroke-width", 1.0);
        m.empty("path", &axis.pairs());
        text(
            m,
            LEFT + plot_w,
            TOP + PLOT_HEIGHT + 32.0,
            "end",
            "simulated time, s",
        );
        text(m, 4.0, TEXT + 2.0, "start", c.y_label);
        let drawn = c
            .series
            .iter()
            .any(|s| s.values.iter().any(|v| v.is_finite()));
        if !drawn {
            text(
                m,
                LEFT + plot_w / 2.0,
                TOP + PLOT_HEIGHT / 2.0,
                "middle",
                "nothing measured",
            );
        }
        for s in &c.series {
            let mut d = String::new();
            let mut pen_down = false;
            for (i, v) in s.values.iter().enumerate() {
                if !v.is_finite() {
                    pen_down = false;
                    continue;
                }
                let (x, y) = (
                    x_of((i as f64 + 0.5) * c.bucket_s),
                    y_of(v.min(y_top * 1.05)),
                );
                if pen_down {
                    d.push_str(&format!(" L{} {}", num(x), num(y)));
                } else {
                    // A lone value shows as a dot: a line of no length
                    // with round caps.
                    d.push_str(&format!(" M{} {} L{} {}", num(x), num(y), num(x), num(y)));
                    pen_down = true;
                }
            }
            let mut line = Attrs::new()
                .set("class", "series")
                .set("fill", "none")
                .color("stroke", s.color)
                .num("stroke-width", 1.8)
                .set("stroke-linejoin", "round")
                .set("stroke-linecap", "round")
                .set("d", d.trim_start().to_owned());
            if s.dashed {
                line = line.set("stroke-dasharray", "5 4");
            }
            m.empty("path", &line.pairs());
        }
        for (s, (x, row)) in c.series.iter().zip(legend) {
            let y = TOP + PLOT_HEIGHT + BOTTOM + (row as f32 + 0.5) * LEGEND_ROW;
            let x = LEFT + x;
            let mut sample = Attrs::new()
                .set(
                    "d",
                    format!("M{} {} L{} {}", num(x), num(y), num(x + 22.0), num(y)),
                )
                .color("stroke", s.color)
                .num("stroke-width", 2.0);
            if s.dashed {
                sample = sample.set("stroke-dasharray", "5 4");
            }
            m.empty("path", &sample.pairs());
            let a = Attrs::new()
                .num("x", x + 28.0)
                .num("y", y + TEXT * 0.35)
                .num("font-size", TEXT)
                .color("fill", palette.text);
            fitted_text(m, a, &fit_text(&s.name, TEXT, LEGEND_TEXT));
        }
    });
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(100.0, 4.0), 25.0);
        assert_eq!(nice_step(120.0, 6.0), 20.0);
        assert_eq!(nice_step(0.0, 4.0), 1.0);
        assert_eq!(tick_text(0.25, Unit::Percent), "25%");
        assert_eq!(tick_text(12500.0, Unit::Ms), "12.5k");
        assert_eq!(tick_text(2.5, Unit::Number), "2.5");
    }

    #[test]
    fn gaps_break_the_line_and_lone_values_are_dots() {
        let svg = chart(&Chart {
            title: "t",
            y_label: "ms",
            unit: Unit::Ms,
            bucket_s: 1.0,
            duration_s: 4.0,
            series: vec![Series {
                name: "a".into(),
                values: vec![1.0, f64::NAN, 2.0, 3.0],
                color: Rgba::hex(0),
                dashed: false,
            }],
            y_max: None,
            warmup_s: 1.0,
        })
        .finish();
        let d = svg
            .split("class=\"series\"")
            .nth(1)
            .and_then(|s| s.split("d=\"").nth(1))
            .and_then(|s| s.split('"').next())
            .expect("a series path");
        assert_eq!(d.matches('M').count(), 2, "{d}");
    }
}
