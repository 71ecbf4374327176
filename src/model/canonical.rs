//! The canonical layout of a design file: every group on one line when it
//! fits in [`WIDTH`] columns, else one element per line. Small values
//! (a position, a distribution, a short list of steps) stay on one line;
//! a long operation lists its steps one per line, so a diff shows the
//! step that changed.
//!
//! It works on RON's own pretty output, in which every group is already
//! opened at the end of a line and closed at the start of one, with one
//! element per line in between: joining a group is joining its lines.

/// The widest line the layout makes by joining (a single long element,
/// a long description say, stays as long as it is).
pub(crate) const WIDTH: usize = 100;

/// One line of RON's pretty output, or a group of them.
enum Part {
    Line(String),
    Group {
        /// The opening line, ending in `(`, `[` or `{`.
        open: String,
        items: Vec<Part>,
        /// The closing line, starting with `)`, `]` or `}`.
        close: String,
    },
}

/// Lays out RON pretty-printed with one element per line.
pub(crate) fn layout(text: &str) -> String {
    let mut lines = text.lines().peekable();
    let mut out = String::with_capacity(text.len());
    let mut parts = Vec::new();
    while let Some(part) = read_part(&mut lines) {
        parts.push(part);
    }
    for part in parts {
        write_part(&part, &mut out);
    }
    out
}

fn opens(line: &str) -> bool {
    matches!(line.trim_end().chars().last(), Some('(' | '[' | '{'))
}

fn closes(line: &str) -> bool {
    matches!(line.trim_start().chars().next(), Some(')' | ']' | '}'))
}

/// Reads one part; a group reads up to its closing line. Nesting is
/// bounded by the loader's recursion limit (only designs that loaded are
/// written).
fn read_part<'a>(lines: &mut std::iter::Peekable<std::str::Lines<'a>>) -> Option<Part> {
    let line = lines.next()?;
    if !opens(line) {
        return Some(Part::Line(line.to_owned()));
    }
    let mut items = Vec::new();
    loop {
        match lines.peek() {
            None => {
                return Some(Part::Group {
                    open: line.to_owned(),
                    items,
                    close: String::new(),
                });
            }
            Some(next) if closes(next) && !opens(next) => {
                let close = (*next).to_owned();
                lines.next();
                return Some(Part::Group {
                    open: line.to_owned(),
                    items,
                    close,
                });
            }
            Some(_) => items.extend(read_part(lines)),
        }
    }
}

/// The part on one line, if it fits.
fn one_line(part: &Part) -> Option<String> {
    match part {
        Part::Line(l) => Some(l.clone()),
        Part::Group { open, items, close } => {
            let mut joined = open.trim_end().to_owned();
            let inner: Vec<String> = items
                .iter()
                .map(|i| one_line(i).map(|s| s.trim().to_owned()))
                .collect::<Option<_>>()?;
            let count = inner.len();
            for (k, item) in inner.into_iter().enumerate() {
                let item = if k + 1 == count {
                    item.strip_suffix(',').map(str::to_owned).unwrap_or(item)
                } else {
                    item
                };
                if k > 0 {
                    joined.push(' ');
                }
                joined.push_str(&item);
            }
            joined.push_str(close.trim());
            (joined.chars().count() <= WIDTH).then_some(joined)
        }
    }
}

fn write_part(part: &Part, out: &mut String) {
    if let Some(line) = one_line(part) {
        out.push_str(&line);
        out.push('\n');
        return;
    }
    let Part::Group { open, items, close } = part else {
        return;
    };
    out.push_str(open);
    out.push('\n');
    for item in items {
        write_part(item, out);
    }
    if !close.is_empty() {
        out.push_str(close);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_groups_join_and_long_ones_stay_one_element_per_line() {
        let text = "(\n    a: (\n        x: 1,\n        y: 2,\n    ),\n    b: [\n        \"first element that is rather long, long enough to go well past the limit of the width\",\n        \"second element\",\n    ],\n)\n";
        let out = layout(text);
        assert!(out.contains("    a: (x: 1, y: 2),\n"), "{out}");
        assert!(out.contains("    b: [\n"), "{out}");
        assert!(out.contains("        \"second element\",\n"), "{out}");
    }
}
