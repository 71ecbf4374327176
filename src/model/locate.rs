//! Finds where values sit in RON text (`links[3].to` → line 42, column 9).
//!
//! RON's parser reports positions for syntax errors only; validation works on
//! the parsed model. This module walks the text of a file that has already
//! parsed and resolves many [`FieldPath`]s in a single linear pass, so even a
//! very large file with many problems is located quickly. It understands just
//! enough RON to skip values: strings, raw strings, chars, comments and
//! brackets. It also copes with text that did not parse (it is used to
//! find the `format` of any file): it always moves forward and never
//! descends deeper than [`MAX_DEPTH`] groups, so it neither stalls nor
//! overflows the stack.

use super::path::{FieldPath, PathSeg};

/// For each path, the 1-based (line, column) of the deepest part of it found
/// in `text`: the field name for a field, the element for a list index.
/// `None` when not even its first step is present (a defaulted field).
pub(crate) fn locate(text: &str, paths: &[&FieldPath]) -> Vec<Option<(usize, usize)>> {
    let mut offsets = vec![None; paths.len()];
    let wants: Vec<Want<'_>> = paths
        .iter()
        .enumerate()
        .map(|(slot, p)| Want { rest: &p.0, slot })
        .collect();
    let mut walker = Walker {
        bytes: text.as_bytes(),
        i: 0,
        depth: 0,
    };
    walker.skip_trivia();
    let root = walker.i;
    walker.value(&wants, &mut offsets);
    // Every path starts at the design itself; a path none of whose steps
    // is in the text (a defaulted field) has no place to point at.
    for (slot, path) in paths.iter().enumerate() {
        if !path.0.is_empty() && offsets[slot] == Some(root) {
            offsets[slot] = None;
        }
    }
    line_cols(text, &offsets)
}

/// A path still to resolve, and where to write its result.
#[derive(Clone, Copy)]
struct Want<'p> {
    rest: &'p [PathSeg],
    slot: usize,
}

struct Walker<'t> {
    bytes: &'t [u8],
    i: usize,
    /// How many groups `value` is inside, to bound the recursion on text
    /// that did not parse (the version probe locates `format` in any file).
    depth: usize,
}

/// Deeper than any design; a path never needs more levels than this.
const MAX_DEPTH: usize = 64;

impl Walker<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.i).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.i + ahead).copied()
    }

    /// Skips whitespace, comments and `#![enable(...)]` attributes.
    fn skip_trivia(&mut self) {
        loop {
            match (self.peek(), self.peek_at(1)) {
                (Some(b' ' | b'\t' | b'\n' | b'\r'), _) => self.i += 1,
                (Some(b'/'), Some(b'/')) => {
                    while let Some(c) = self.peek() {
                        if c == b'\n' {
                            break;
                        }
                        self.i += 1;
                    }
                }
                (Some(b'/'), Some(b'*')) => self.skip_block_comment(),
                (Some(b'#'), Some(b'!')) => {
                    self.i += 2;
                    if self.peek() == Some(b'[') {
                        self.skip_group();
                    }
                }
                _ => return,
            }
        }
    }

    /// Block comments nest in RON.
    fn skip_block_comment(&mut self) {
        let mut depth = 0usize;
        while self.i < self.bytes.len() {
            match (self.peek(), self.peek_at(1)) {
                (Some(b'/'), Some(b'*')) => {
                    depth += 1;
                    self.i += 2;
                }
                (Some(b'*'), Some(b'/')) => {
                    depth -= 1;
                    self.i += 2;
                    if depth == 0 {
                        return;
                    }
                }
                _ => self.i += 1,
            }
        }
    }

    /// Skips a quoted string starting at `"`.
    fn skip_string(&mut self) {
        self.i += 1;
        while let Some(c) = self.peek() {
            self.i += 1;
            match c {
                b'\\' => self.i += 1,
                b'"' => return,
                _ => {}
            }
        }
    }

    /// Skips `r"..."` or `r#"..."#` starting at `r`.
    fn skip_raw_string(&mut self) {
        self.i += 1;
        let mut hashes = 0;
        while self.peek() == Some(b'#') {
            hashes += 1;
            self.i += 1;
        }
        self.i += 1; // the opening quote
        while self.i < self.bytes.len() {
            if self.bytes[self.i] == b'"'
                && self.bytes[self.i + 1..]
                    .iter()
                    .take(hashes)
                    .filter(|&&b| b == b'#')
                    .count()
                    == hashes
            {
                self.i += 1 + hashes;
                return;
            }
            self.i += 1;
        }
    }

    /// Skips `'x'` or `'\n'`.
    fn skip_char(&mut self) {
        self.i += 1;
        if self.peek() == Some(b'\\') {
            self.i += 1;
        }
        while let Some(c) = self.peek() {
            self.i += 1;
            if c == b'\'' {
                return;
            }
        }
    }

    fn is_raw_string_start(&self) -> bool {
        self.peek() == Some(b'r') && matches!(self.peek_at(1), Some(b'"' | b'#'))
    }

    /// Skips a bracketed group starting at its opening bracket, whatever is
    /// inside, without recursion.
    fn skip_group(&mut self) {
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            match c {
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    self.i += 1;
                }
                b')' | b']' | b'}' => {
                    self.i += 1;
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                b'"' => self.skip_string(),
                b'\'' => self.skip_char(),
                b'/' if matches!(self.peek_at(1), Some(b'/' | b'*')) => self.skip_trivia(),
                _ if self.is_raw_string_start() => self.skip_raw_string(),
                _ => self.i += 1,
            }
        }
    }

    /// Reads an identifier at the cursor, if there is one.
    fn identifier(&mut self) -> Option<&[u8]> {
        let start = self.i;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == b'_' || (c == b'#' && self.i == start + 1) {
                self.i += 1;
            } else {
                break;
            }
        }
        let ident = &self.bytes[start..self.i];
        match ident.first() {
            Some(c) if c.is_ascii_alphabetic() || *c == b'_' => Some(ident),
            _ => {
                self.i = start;
                None
            }
        }
    }

    /// Skips one value: an atom, a string, or an optional name followed by
    /// a bracketed group.
    fn skip_value(&mut self) {
        match self.peek() {
            Some(b'"') => self.skip_string(),
            Some(b'\'') => self.skip_char(),
            Some(b'(' | b'[' | b'{') => self.skip_group(),
            _ if self.is_raw_string_start() => self.skip_raw_string(),
            _ => {
                if self.identifier().is_some() {
                    self.skip_trivia();
                    if matches!(self.peek(), Some(b'(' | b'[' | b'{')) {
                        self.skip_group();
                    }
                    return;
                }
                let start = self.i;
                while let Some(c) = self.peek() {
                    if matches!(c, b',' | b')' | b']' | b'}' | b':') || c.is_ascii_whitespace() {
                        break;
                    }
                    self.i += 1;
                }
                // Text that did not parse may put anything here (a stray
                // `:`); always move on, so that no loop can stall.
                if self.i == start && self.i < self.bytes.len() {
                    self.i += 1;
                }
            }
        }
    }

    /// At the start of a value: records it for the wants that end here,
    /// descends for those that go deeper, skips it otherwise.
    fn value(&mut self, wants: &[Want<'_>], out: &mut [Option<usize>]) {
        for w in wants {
            out[w.slot] = Some(self.i);
        }
        let deeper: Vec<Want<'_>> = wants
            .iter()
            .copied()
            .filter(|w| !w.rest.is_empty())
            .collect();
        if deeper.is_empty() || self.depth >= MAX_DEPTH {
            self.skip_value();
            return;
        }
        // An optional struct or variant name before the group.
        if !matches!(self.peek(), Some(b'(' | b'[' | b'{')) {
            if self.identifier().is_none() {
                self.skip_value();
                return;
            }
            self.skip_trivia();
            if !matches!(self.peek(), Some(b'(' | b'[' | b'{')) {
                return;
            }
        }
        self.depth += 1;
        self.group(&deeper, out);
        self.depth -= 1;
    }

    /// Inside a bracketed group: walks its entries once, descending into
    /// those that some want names.
    fn group(&mut self, wants: &[Want<'_>], out: &mut [Option<usize>]) {
        self.i += 1; // the opening bracket
        let mut index = 0usize;
        loop {
            self.skip_trivia();
            match self.peek() {
                None => return,
                Some(b')' | b']' | b'}') => {
                    self.i += 1;
                    return;
                }
                Some(b',') => {
                    self.i += 1;
                    continue;
                }
                _ => {}
            }
            let entry_start = self.i;
            let field = self.identifier().map(|ident| ident.to_vec());
            let mut named = None;
            if let Some(name) = field {
                self.skip_trivia();
                if self.peek() == Some(b':') {
                    self.i += 1;
                    self.skip_trivia();
                    named = Some(name);
                } else {
                    self.i = entry_start;
                }
            }
            let matching: Vec<Want<'_>> = wants
                .iter()
                .filter(|w| match (&w.rest[0], &named) {
                    (PathSeg::Field(f), Some(name)) => f.as_bytes() == name.as_slice(),
                    (PathSeg::Index(k), None) => *k == index,
                    // `Variant((field: ...))`: look through the inner group.
                    (PathSeg::Field(_), None) => index == 0,
                    (PathSeg::Index(_), Some(_)) => false,
                })
                .copied()
                .collect();
            if matching.is_empty() {
                self.skip_value();
            } else {
                let mut descend = Vec::with_capacity(matching.len());
                for w in matching {
                    let steps_here = match (&w.rest[0], &named) {
                        (PathSeg::Field(_), None) => 0,
                        _ => 1,
                    };
                    out[w.slot] = Some(entry_start);
                    descend.push(Want {
                        rest: &w.rest[steps_here..],
                        slot: w.slot,
                    });
                }
                // A field path ends at the field's name, not its value.
                let going_on: Vec<Want<'_>> = descend
                    .into_iter()
                    .filter(|w| !(w.rest.is_empty() && named.is_some()))
                    .collect();
                if going_on.is_empty() {
                    self.skip_value();
                } else {
                    self.value(&going_on, out);
                }
            }
            if named.is_none() {
                index += 1;
            }
        }
    }
}

/// Converts byte offsets to 1-based (line, column in characters), scanning
/// the text once.
fn line_cols(text: &str, offsets: &[Option<usize>]) -> Vec<Option<(usize, usize)>> {
    let mut order: Vec<(usize, usize)> = offsets
        .iter()
        .enumerate()
        .filter_map(|(slot, o)| o.map(|off| (off, slot)))
        .collect();
    order.sort_unstable();
    let mut result = vec![None; offsets.len()];
    let (mut line, mut col) = (1usize, 1usize);
    let mut chars = text.char_indices().peekable();
    for (target, slot) in order {
        while let Some(&(pos, c)) = chars.peek() {
            if pos >= target {
                break;
            }
            if c == '\n' {
                line += 1;
                col = 1;
            } else {
                col += 1;
            }
            chars.next();
        }
        result[slot] = Some((line, col));
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"#![enable(implicit_some)]
(
    format: 1,
    name: "a (tricky) \"name\" ]",
    /* a comment ) ] */
    nodes: [
        (id: "a", kind: Client),
        (
            id: "b", // trailing ) comment
            kind: Service((workers: 0)),
        ),
    ],
    links: [(from: "a", to: "zz", style: sync)],
)
"#;

    fn at(path: FieldPath) -> Option<(usize, usize)> {
        locate(TEXT, &[&path])[0]
    }

    #[test]
    fn finds_fields_list_elements_and_nested_variants() {
        let root = FieldPath::root();
        assert_eq!(at(root.field("format")), Some((3, 5)));
        assert_eq!(at(root.field("nodes").index(1)), Some((8, 9)));
        assert_eq!(at(root.field("nodes").index(1).field("id")), Some((9, 13)));
        assert_eq!(
            at(root.field("nodes").index(1).field("kind").field("workers")),
            Some((10, 28))
        );
        assert_eq!(at(root.field("links").index(0).field("to")), Some((13, 25)));
    }

    #[test]
    fn a_missing_field_resolves_to_the_deepest_part_found() {
        let root = FieldPath::root();
        assert_eq!(
            at(root.field("nodes").index(0).field("notes")),
            Some((7, 9))
        );
        // A defaulted top-level field has no place; the message names its
        // path instead.
        assert_eq!(at(root.field("scenario")), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        #[test]
        fn any_text_is_walked_without_panic_or_stall(
            text in "(?s)[(){}\\[\\]:,\"'#!r/* a-z0-9\n]{0,200}",
        ) {
            let root = FieldPath::root();
            let paths = [
                root.field("format"),
                root.field("nodes").index(1).field("kind").field("workers"),
                root.index(0).field("a").index(0),
            ];
            let refs: Vec<&FieldPath> = paths.iter().collect();
            let found = locate(&text, &refs);
            proptest::prop_assert_eq!(found.len(), 3);
        }
    }

    #[test]
    fn deep_garbage_does_not_overflow_the_stack() {
        // What matters is that it returns: the place in garbage is moot.
        let text = format!("(format: 2, {}", "(".repeat(1_000_000));
        let path = FieldPath::root().field("zz").field("x");
        assert_eq!(locate(&text, &[&path]).len(), 1);
        let text = format!("(format: 2, nodes: {}", "[".repeat(1_000_000));
        let path = FieldPath::root().field("format");
        assert_eq!(locate(&text, &[&path]), vec![Some((1, 2))]);
    }

    #[test]
    fn many_paths_are_resolved_in_one_pass() {
        let root = FieldPath::root();
        let a = root.field("name");
        let b = root.field("links").index(0).field("style");
        let c = root.field("nodes").index(0).field("kind");
        assert_eq!(
            locate(TEXT, &[&a, &b, &c]),
            vec![Some((4, 5)), Some((13, 35)), Some((7, 19))]
        );
    }
}
