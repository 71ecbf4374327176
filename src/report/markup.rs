//! Writing XML-syntax markup (the HTML page and its SVG pictures) that is
//! well-formed by construction: every element is closed by the same call
//! that opens it, and every attribute value and text is escaped.

use super::escape;
use crate::visual::Rgba;

/// Markup being written.
#[derive(Debug, Default)]
pub struct Markup {
    out: String,
}

impl Markup {
    /// Empty markup.
    pub fn new() -> Self {
        Self::default()
    }

    /// The markup written so far.
    pub fn finish(self) -> String {
        self.out
    }

    fn start_tag(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.out.push('<');
        self.out.push_str(tag);
        for (name, value) in attrs {
            self.out.push(' ');
            self.out.push_str(name);
            self.out.push_str("=\"");
            self.out.push_str(&escape::xml(value));
            self.out.push('"');
        }
    }

    /// `<tag attrs>`, what `body` writes, `</tag>`.
    pub fn el(&mut self, tag: &str, attrs: &[(&str, &str)], body: impl FnOnce(&mut Self)) {
        self.start_tag(tag, attrs);
        self.out.push('>');
        body(self);
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
    }

    /// `<tag attrs>text</tag>`.
    pub fn text_el(&mut self, tag: &str, attrs: &[(&str, &str)], text: &str) {
        self.el(tag, attrs, |m| m.text(text));
    }

    /// `<tag attrs/>`: an element with no content (`meta`, `path`…).
    pub fn empty(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.start_tag(tag, attrs);
        self.out.push_str("/>");
    }

    /// Text, escaped.
    pub fn text(&mut self, text: &str) {
        self.out.push_str(&escape::xml(text));
    }

    /// A line break in the source, to keep it readable (no meaning).
    pub fn newline(&mut self) {
        self.out.push('\n');
    }

    /// Markup written by another [`Markup`] (an SVG picture in the page).
    pub fn append(&mut self, other: Markup) {
        self.out.push_str(&other.out);
    }

    /// Text that is already markup, written as it is: only for what
    /// archsim writes itself (the doctype, the style sheet), never for
    /// anything that holds user input.
    pub fn trusted(&mut self, markup: &str) {
        self.out.push_str(markup);
    }
}

/// Attributes built up one by one, for elements whose attributes depend
/// on what is drawn (most of SVG).
#[derive(Debug, Default, Clone)]
pub struct Attrs {
    list: Vec<(&'static str, String)>,
}

impl Attrs {
    /// No attributes yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `name="value"`.
    pub fn set(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.list.push((name, value.into()));
        self
    }

    /// Adds a number, written short (see [`num`]).
    pub fn num(self, name: &'static str, v: f32) -> Self {
        self.set(name, num(v))
    }

    /// Adds `x`, `y`, `width` and `height`: a rectangle.
    pub fn rect(self, x: f32, y: f32, width: f32, height: f32) -> Self {
        self.num("x", x)
            .num("y", y)
            .num("width", width)
            .num("height", height)
    }

    /// Adds a colour as `name` (`fill`, `stroke`) and, when it is not
    /// opaque, `name-opacity`.
    pub fn color(self, name: &'static str, c: Rgba) -> Self {
        let with = self.set(name, c.to_hex());
        if c.a == 255 {
            return with;
        }
        let opacity = match name {
            "fill" => "fill-opacity",
            "stroke" => "stroke-opacity",
            _ => "opacity",
        };
        with.set(opacity, format!("{:.2}", f32::from(c.a) / 255.0))
    }

    /// The attributes, for [`Markup::el`] and [`Markup::empty`].
    pub fn pairs(&self) -> Vec<(&str, &str)> {
        self.list.iter().map(|(n, v)| (*n, v.as_str())).collect()
    }
}

/// A coordinate or length for an attribute: one decimal at most, no
/// trailing zeros, `0` for anything not finite.
pub fn num(v: f32) -> String {
    if !v.is_finite() {
        return "0".into();
    }
    let s = format!("{:.1}", v);
    let s = s.strip_suffix(".0").unwrap_or(&s);
    if s == "-0" { "0".into() } else { s.to_owned() }
}

/// An SVG path through `points`: `M x y L x y …`.
pub fn path_data(points: &[emath::Pos2]) -> String {
    let mut d = String::new();
    for (i, p) in points.iter().enumerate() {
        d.push_str(if i == 0 { "M" } else { " L" });
        d.push_str(&num(p.x));
        d.push(' ');
        d.push_str(&num(p.y));
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_close_and_values_are_escaped() {
        let mut m = Markup::new();
        m.el("p", &[("title", "a\"b")], |m| {
            m.text("<x>");
            m.empty("br", &[]);
        });
        assert_eq!(m.finish(), "<p title=\"a&quot;b\">&lt;x&gt;<br/></p>");
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(3.0), "3");
        assert_eq!(num(-0.04), "0");
        assert_eq!(num(2.26), "2.3");
        assert_eq!(num(f32::NAN), "0");
        let points = [emath::pos2(0.0, 1.0), emath::pos2(2.5, 3.0)];
        assert_eq!(path_data(&points), "M0 1 L2.5 3");
    }
}
