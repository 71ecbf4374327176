//! Writing to the terminal: every line of text for people goes through
//! [`archsim::terminal::one_line`], so no name in a design can send the
//! terminal an escape sequence or fake a line of output; documents (JSON,
//! reports) go out as they are, escaped for their own language already.
//! Nothing here panics: when the reader goes away (`archsim check --json |
//! head`), archsim stops quietly as Unix tools do, instead of panicking
//! the way `println!` does on a closed pipe.

use std::io::Write;

use archsim::terminal::one_line;

/// Writes `text` as one line on standard output, with everything a
/// terminal would act on (line breaks included) written out as escapes.
pub fn line(text: std::fmt::Arguments<'_>) {
    write_or_exit(&mut std::io::stdout().lock(), &escaped(text));
}

/// Writes `text` as one line on standard error, escaped as [`line`] does.
pub fn error_line(text: std::fmt::Arguments<'_>) {
    // Nowhere left to say that standard error failed.
    let _ = std::io::stderr().lock().write_all(escaped(text).as_bytes());
}

/// Writes a document (JSON, a report) to standard output as it is, with a
/// final line break.
pub fn document(text: &str) {
    let mut text = text.trim_end().to_owned();
    text.push('\n');
    write_or_exit(&mut std::io::stdout().lock(), &text);
}

/// The line `text` escaped, with its line break.
fn escaped(text: std::fmt::Arguments<'_>) -> String {
    let text = text.to_string();
    let mut line = one_line(&text).into_owned();
    line.push('\n');
    line
}

/// Writes `text`. On a closed pipe the process exits at once with status
/// 0; on any other write error it exits with status 2 and says why.
fn write_or_exit(out: &mut impl Write, text: &str) {
    if let Err(e) = out.write_all(text.as_bytes()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        error_line(format_args!(
            "archsim: cannot write to standard output: {e}"
        ));
        std::process::exit(i32::from(super::EXIT_INVALID));
    }
}

/// `println!` for people: one escaped line that cannot panic (see
/// [`line`]).
macro_rules! outln {
    () => {
        $crate::cli::output::line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::cli::output::line(format_args!($($arg)*))
    };
}

/// `errln!` for people: one escaped line (see [`error_line`]).
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::output::error_line(format_args!($($arg)*))
    };
}

pub(crate) use {errln, outln};
