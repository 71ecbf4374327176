//! Escaping user text for each language a report is written in.
//!
//! Names, notes, descriptions and entry-point names are user input: a node
//! called `<script>`, `a"b` or `x | y` with a line break in it must come
//! out as that text, never as markup. Every string that goes into a report
//! and did not come from archsim's own fixed text passes through one of
//! these functions.

/// Text for XML, HTML and SVG, in content or in a quoted attribute: the
/// five markup characters become entities, and characters XML 1.0 does
/// not allow at all (most control characters, U+FFFE, U+FFFF) become
/// U+FFFD, so the result is always well-formed.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Inline Markdown text (CommonMark and GitHub's dialect), fit for a
/// paragraph, a list item or a table cell: characters that could start
/// markup anywhere (emphasis, links, code, HTML, entities, tables, math,
/// mentions, headings) are escaped with a backslash, and so is a start that
/// would make a list or a heading line; line breaks and other control
/// characters become spaces, so the text stays on its line.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            c if c.is_control() => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&' | '$' | '@' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    // A list item (`- x`, `+ x`, `1. x`, `1) x`) or a setext underline
    // (`===`) at the start of a line.
    let digits = out.bytes().take_while(u8::is_ascii_digit).count();
    match out.as_bytes().get(digits) {
        Some(b'.' | b')') if digits > 0 => out.insert(digits, '\\'),
        Some(b'-' | b'+' | b'=') if digits == 0 => out.insert(0, '\\'),
        _ => {}
    }
    out
}

/// A label for a Mermaid flowchart, to go between double quotes
/// (`id["label"]`, `-->|"label"|`): letters, digits, spaces and a few
/// harmless punctuation marks stay; every other character becomes
/// Mermaid's numeric entity `#NNN;`, so no quote, bracket, pipe, `#` or
/// markup can end the label or the statement. Line breaks become spaces.
pub fn mermaid(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            c if c.is_control() => out.push(' '),
            c if c.is_alphanumeric()
                || matches!(c, ' ' | '.' | ',' | '-' | '_' | '/' | '\'' | '?' | '!') =>
            {
                out.push(c)
            }
            c => {
                out.push('#');
                out.push_str(&(c as u32).to_string());
                out.push(';');
            }
        }
    }
    out
}

/// One word for a POSIX shell: as it is when it has only characters the
/// shell leaves alone, in single quotes otherwise.
pub fn shell(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./=:,+-@%".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        return s.to_owned();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_drops_what_xml_forbids() {
        assert_eq!(
            xml("<script>a\"b'&c</script>"),
            "&lt;script&gt;a&quot;b&#39;&amp;c&lt;/script&gt;"
        );
        assert_eq!(xml("a\u{1}b\nc\u{FFFF}"), "a\u{FFFD}b\nc\u{FFFD}");
    }

    #[test]
    fn markdown_keeps_text_on_its_line_and_out_of_markup() {
        assert_eq!(markdown("a|b\nc"), r"a\|b c");
        assert_eq!(markdown("*x* <b>"), r"\*x\* \<b\>");
        assert_eq!(
            markdown("Order Processor 2.5 (x)"),
            "Order Processor 2.5 (x)"
        );
        assert_eq!(markdown("- no list"), r"\- no list");
        assert_eq!(markdown("12. no list"), r"12\. no list");
        assert_eq!(markdown("[a](http://x) `c`"), r"\[a\](http://x) \`c\`");
    }

    #[test]
    fn mermaid_labels_cannot_end_early() {
        assert_eq!(mermaid(r#"a"b"#), "a#34;b");
        assert_eq!(mermaid("x|y]#"), "x#124;y#93;#35;");
        assert_eq!(mermaid("Café 2\nnew"), "Café 2 new");
    }

    #[test]
    fn shell_words_are_quoted_when_needed() {
        assert_eq!(shell("orders.archsim.ron"), "orders.archsim.ron");
        assert_eq!(shell("my file's.ron"), r"'my file'\''s.ron'");
        assert_eq!(shell(""), "''");
    }
}
