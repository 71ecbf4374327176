//! SVG pictures: the diagram of a design, and charts of its simulation.

mod chart;
mod diagram;
mod legend;
mod link;
mod node;

pub use chart::{Chart, Series, Unit, chart};
pub use diagram::{DiagramOptions, diagram};

/// The fonts pictures ask for: the reader's system font, so a report
/// needs no font files.
pub const FONT_FAMILY: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/// About how wide `text` is at font size `size` in a sans-serif font.
/// SVG cannot measure text before it is shown, so text that must fit a
/// space is cut by this estimate, which errs on the wide side (the widths
/// of DejaVu Sans, wider than most system fonts).
pub fn text_width(text: &str, size: f32) -> f32 {
    let em = |c: char| match c {
        'i' | 'l' | 'j' | 't' | 'f' | 'r' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | ' ' => 0.36,
        'm' | 'w' | 'M' | 'W' | '@' => 0.95,
        c if c.is_uppercase() || c.is_ascii_digit() => 0.7,
        c if c.is_ascii() => 0.61,
        _ => 1.0,
    };
    text.chars().map(em).sum::<f32>() * size
}

/// How much wider bold text is: bold text of size `s` is estimated as
/// regular text of size `s * BOLD`.
pub const BOLD: f32 = 1.08;

/// `text`, cut with "…" where it would be wider than `max_width` at `size`.
pub fn fit_text(text: &str, size: f32, max_width: f32) -> String {
    if text_width(text, size) <= max_width {
        return text.to_owned();
    }
    let ellipsis = text_width("…", size);
    let mut out = String::new();
    let mut width = 0.0;
    for c in text.chars() {
        let w = text_width(c.encode_utf8(&mut [0; 4]), size);
        if width + w + ellipsis > max_width {
            break;
        }
        out.push(c);
        width += w;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_to_fit() {
        assert_eq!(fit_text("Payment", 13.5, 144.0), "Payment");
        let cut = fit_text(&"Payment ".repeat(10), 13.5, 144.0);
        assert!(cut.ends_with('…'));
        assert!(text_width(&cut, 13.5) <= 144.0);
    }
}
