//! Text from a design, made safe to print as one line.
//!
//! Names, ids and notes are whatever a file says. Printed raw, an escape
//! sequence in a node's name sets the terminal's title or clears the
//! screen, a carriage return overwrites what was printed, a line break
//! fakes a further line of output (a finding that is not there), and
//! Unicode's direction overrides make text read differently from what it
//! is. [`one_line`] is the one function every line of text output goes
//! through: the command line's, and the messages of load errors.

use std::borrow::Cow;

/// `text` with every character a terminal would act on written out as a
/// Rust escape instead (`\n`, `\u{1b}`): control characters (C0, DEL,
/// C1), line and paragraph separators, and the bidirectional controls.
/// Everything else, other scripts and emoji included, stays as it is.
pub fn one_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(acts_on_terminal) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if acts_on_terminal(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether printing `c` would do something other than show a character.
fn acts_on_terminal(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn what_a_terminal_acts_on_is_written_out() {
        assert_eq!(one_line("Payment"), "Payment");
        assert_eq!(
            one_line("a\u{1b}]0;owned\u{7}b\nc\rd"),
            r"a\u{1b}]0;owned\u{7}b\nc\rd"
        );
        assert_eq!(one_line("\u{9b}2J"), r"\u{9b}2J");
        assert_eq!(one_line("abc\u{202e}fed"), r"abc\u{202e}fed");
        assert_eq!(one_line("Zahlung – 支払い 🚀"), "Zahlung – 支払い 🚀");
    }
}
