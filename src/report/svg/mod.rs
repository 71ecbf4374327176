//! SVG pictures: the diagram of a design, charts of its simulation, and
//! the pictures of its studies.

mod chart;
mod diagram;
mod legend;
mod link;
mod node;
mod study;

pub use chart::{Across, Chart, Mark, Series, Unit, XAxis, Xs, chart};
pub use diagram::{DiagramOptions, diagram};
pub use study::{chaos_map, tornado};

/// Width of a chart or a study's picture: the page's column.
pub const CHART_WIDTH: f32 = 640.0;

/// Size of the text of charts and pictures.
pub const CHART_TEXT: f32 = 11.0;

/// A chart or picture `height` tall, the page's column wide: the `<svg>`
/// element with its `<title>` for readers of the picture alone, and what
/// `body` draws in it.
pub fn picture(
    title: &str,
    height: f32,
    body: impl FnOnce(&mut super::markup::Markup),
) -> super::markup::Markup {
    use super::markup::{Attrs, Markup, num};
    let mut m = Markup::new();
    let root = Attrs::new()
        .set("xmlns", "http://www.w3.org/2000/svg")
        .set("class", "chart")
        .set(
            "viewBox",
            format!("0 0 {} {}", num(CHART_WIDTH), num(height)),
        )
        .num("width", CHART_WIDTH)
        .num("height", height)
        .set("role", "img")
        .set("font-family", FONT_FAMILY);
    m.el("svg", &root.pairs(), |m| {
        m.text_el("title", &[], title);
        body(m);
    });
    m
}

/// The fonts pictures ask for: the reader's system font, so a report
/// needs no font files.
pub const FONT_FAMILY: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/// Widths of the printable ASCII characters (space to `~`) in DejaVu
/// Sans, in units of 1/2048 em: a common sans-serif and one of the widest,
/// so estimates err on the wide side.
const ASCII_UNITS: [u16; 95] = [
    651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690, 1303,
    1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 690, 690, 1716, 1716, 1716, 1087, 2048,
    1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604, 604, 1343, 1141, 1767, 1532, 1612, 1235,
    1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403, 1251, 1403, 799, 690, 799, 1716, 1024, 1024,
    1255, 1300, 1126, 1300, 1260, 721, 1300, 1298, 569, 569, 1186, 569, 1995, 1298, 1253, 1300,
    1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075, 1303, 690, 1303, 1716,
];

/// About how wide `text` is at font size `size`. SVG cannot measure text
/// before it is shown, so text that must fit a space is fitted by this
/// estimate.
pub fn text_width(text: &str, size: f32) -> f32 {
    let units = |c: char| match c {
        ' '..='~' => ASCII_UNITS[c as usize - 32],
        '·' => 651,
        '→' | '−' | '±' | '×' => 1716,
        _ => 2048,
    };
    text.chars().map(|c| f32::from(units(c))).sum::<f32>() / 2048.0 * size
}

/// How much wider bold text is: bold text of size `s` is estimated as
/// regular text of size `s * BOLD`.
pub const BOLD: f32 = 1.1;

/// Text fitted to a width: as it is when it fits; otherwise cut with "…"
/// to at most a fifth too wide and squeezed into the width (SVG's
/// `textLength`), so it never runs out of its box.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    /// The text to show.
    pub text: String,
    /// The width to squeeze it into, when it is too wide.
    pub squeeze: Option<f32>,
}

/// `text` fitted into `max_width` at `size`.
pub fn fit_text(text: &str, size: f32, max_width: f32) -> Fitted {
    let width = text_width(text, size);
    if width <= max_width {
        return Fitted {
            text: text.to_owned(),
            squeeze: None,
        };
    }
    let limit = max_width * 1.2;
    if width <= limit {
        return Fitted {
            text: text.to_owned(),
            squeeze: Some(max_width),
        };
    }
    let ellipsis = text_width("…", size);
    let mut out = String::new();
    let mut used = 0.0;
    for c in text.chars() {
        let w = text_width(c.encode_utf8(&mut [0; 4]), size);
        if used + w + ellipsis > limit {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    Fitted {
        text: out,
        squeeze: Some(max_width),
    }
}

/// Writes `<text>` with `attrs` and the fitted text.
pub fn fitted_text(m: &mut super::markup::Markup, attrs: super::markup::Attrs, fitted: &Fitted) {
    let attrs = match fitted.squeeze {
        Some(w) => attrs
            .num("textLength", w)
            .set("lengthAdjust", "spacingAndGlyphs"),
        None => attrs,
    };
    m.text_el("text", &attrs.pairs(), &fitted.text);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_and_squeezed_to_fit() {
        let short = fit_text("Payment", 13.5, 144.0);
        assert_eq!((short.text.as_str(), short.squeeze), ("Payment", None));
        let near = fit_text("Market Data Gateway", 13.5 * BOLD, 144.0);
        assert_eq!(near.text, "Market Data Gateway");
        assert_eq!(near.squeeze, Some(144.0));
        let cut = fit_text(&"Payment ".repeat(10), 13.5, 144.0);
        assert!(cut.text.ends_with('…'));
        assert!(text_width(&cut.text, 13.5) <= 144.0 * 1.2);
    }
}
