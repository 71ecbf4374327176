//! Line charts in SVG, of a simulation over time or of a study against
//! load: one line per series, a gap where a point has no value, axes with
//! round tick values, a shaded stretch (the warm-up), lines across the
//! plot (an objective, a capacity), and a legend under the plot.

use crate::visual::{Palette, Rgba, Theme};

use super::super::markup::{Attrs, Markup, num};
use super::{CHART_TEXT, CHART_WIDTH, fit_text, fitted_text, picture, text_width};

/// Width of a chart.
const WIDTH: f32 = CHART_WIDTH;
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
const TEXT: f32 = CHART_TEXT;
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

/// Where the values of a series lie along the horizontal axis.
#[derive(Debug, Clone, PartialEq)]
pub enum Xs {
    /// One value per time bucket of this many seconds, each at its
    /// bucket's middle.
    Buckets(f64),
    /// Value `i` at `x[i]`.
    Points(Vec<f64>),
}

/// The horizontal axis of a chart; it starts at 0.
#[derive(Debug, Clone)]
pub struct XAxis<'a> {
    /// What it measures, written under it.
    pub label: &'a str,
    /// Written after each tick value (`×`), or nothing.
    pub suffix: &'a str,
    /// Its end.
    pub max: f64,
    /// Where the values lie.
    pub xs: Xs,
    /// Shaded from 0 to here (the warm-up), and the shade's label.
    pub shaded: Option<(f64, &'a str)>,
}

impl<'a> XAxis<'a> {
    /// Simulated time in buckets of `bucket_s` over `duration_s`, the
    /// first `warmup_s` shaded.
    pub fn time(bucket_s: f64, duration_s: f64, warmup_s: f64) -> Self {
        Self {
            label: "simulated time, s",
            suffix: "",
            max: duration_s,
            xs: Xs::Buckets(bucket_s),
            shaded: (warmup_s > 0.0).then_some((warmup_s, "warm-up")),
        }
    }

    /// Where value `i` lies.
    fn x(&self, i: usize) -> f64 {
        match &self.xs {
            Xs::Buckets(width) => (i as f64 + 0.5) * width,
            Xs::Points(xs) => xs.get(i).copied().unwrap_or(f64::NAN),
        }
    }
}

/// A line across the plot, with its label at its end.
#[derive(Debug, Clone)]
pub struct Mark {
    /// Horizontal at this value of the y axis, or vertical at this value
    /// of the x axis.
    pub at: Across,
    /// What it is: `p99 objective`, `capacity 3.7×`.
    pub label: String,
    /// Its colour.
    pub color: Rgba,
}

/// Which way a [`Mark`] runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Across {
    /// Horizontal, at this y.
    Y(f64),
    /// Vertical, at this x.
    X(f64),
}

/// A line chart.
#[derive(Debug, Clone)]
pub struct Chart<'a> {
    /// What it shows, for readers of the picture alone (`<title>`).
    pub title: &'a str,
    /// What the y axis measures, written over it.
    pub y_label: &'a str,
    /// How values are written.
    pub unit: Unit,
    /// The horizontal axis.
    pub x: XAxis<'a>,
    /// The lines.
    pub series: Vec<Series>,
    /// A fixed top of the y axis (1 for fractions); from the data when
    /// `None`. Values above it are drawn at its edge.
    pub y_max: Option<f64>,
    /// Lines across the plot.
    pub marks: Vec<Mark>,
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
    let duration = c.x.max;
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

    picture(c.title, height, |m| {
        let text = |m: &mut Markup, x: f32, y: f32, anchor: &str, s: &str| {
            let a = Attrs::new()
                .num("x", x)
                .num("y", y)
                .set("text-anchor", anchor)
                .num("font-size", TEXT)
                .color("fill", palette.text_muted);
            m.text_el("text", &a.pairs(), s);
        };
        if let Some((until, label)) = c.x.shaded.filter(|(x, _)| *x > 0.0 && duration > 0.0) {
            let shade = Attrs::new()
                .set("class", "warmup")
                .rect(LEFT, TOP, x_of(until.min(duration)) - LEFT, PLOT_HEIGHT)
                .color("fill", palette.grid.faded(0.35));
            m.empty("rect", &shade.pairs());
            text(m, LEFT + 4.0, TOP + TEXT, "start", label);
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
                &format!("{}{}", tick_text(t, Unit::Number), c.x.suffix),
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
        text(m, LEFT + plot_w, TOP + PLOT_HEIGHT + 32.0, "end", c.x.label);
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
                let at = c.x.x(i);
                if !at.is_finite() {
                    pen_down = false;
                    continue;
                }
                let (x, y) = (x_of(at), y_of(v.min(y_top * 1.05)));
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
        for mark in &c.marks {
            mark_line(m, mark, (&x_of, &y_of), y_top, duration);
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
    })
}

/// A mark across the plot, dashed, its label at its top or right end;
/// left out when it lies outside the axes.
fn mark_line(
    m: &mut Markup,
    mark: &Mark,
    (x_of, y_of): (impl Fn(f64) -> f32, impl Fn(f64) -> f32),
    y_top: f64,
    x_max: f64,
) {
    let (d, label_at, anchor) = match mark.at {
        Across::Y(y) if y.is_finite() && (0.0..=y_top).contains(&y) => {
            let (left, right, y) = (LEFT, WIDTH - RIGHT, y_of(y));
            (
                format!("M{} {} L{} {}", num(left), num(y), num(right), num(y)),
                (right - 2.0, y - 4.0),
                "end",
            )
        }
        Across::X(x) if x.is_finite() && (0.0..=x_max).contains(&x) => {
            let x = x_of(x);
            (
                format!(
                    "M{} {} L{} {}",
                    num(x),
                    num(TOP),
                    num(x),
                    num(TOP + PLOT_HEIGHT)
                ),
                (x - 4.0, TOP + TEXT),
                "end",
            )
        }
        Across::X(_) | Across::Y(_) => return,
    };
    let line = Attrs::new()
        .set("class", "mark")
        .set("d", d)
        .color("stroke", mark.color)
        .num("stroke-width", 1.2)
        .set("stroke-dasharray", "3 3");
    m.empty("path", &line.pairs());
    let a = Attrs::new()
        .num("x", label_at.0)
        .num("y", label_at.1)
        .set("text-anchor", anchor)
        .num("font-size", TEXT)
        .color("fill", mark.color);
    m.text_el("text", &a.pairs(), &mark.label);
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
            x: XAxis::time(1.0, 4.0, 1.0),
            series: vec![Series {
                name: "a".into(),
                values: vec![1.0, f64::NAN, 2.0, 3.0],
                color: Rgba::hex(0),
                dashed: false,
            }],
            y_max: None,
            marks: Vec::new(),
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
