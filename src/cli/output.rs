//! Writing to standard output without panicking: when the reader goes away
//! (`archsim check --json | head`), archsim stops quietly as Unix tools do,
//! instead of panicking the way `println!` does on a closed pipe.

use std::io::Write;

/// Writes `text` and a newline to standard output. On a closed pipe the
/// process exits at once with status 0; on any other write error it exits
/// with status 2 and says why.
pub fn line(text: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(text).and_then(|()| out.write_all(b"\n")) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("archsim: cannot write to standard output: {e}");
        std::process::exit(i32::from(super::EXIT_INVALID));
    }
}

/// `println!` that cannot panic: see [`line`].
macro_rules! outln {
    () => {
        $crate::cli::output::line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::cli::output::line(format_args!($($arg)*))
    };
}

pub(crate) use outln;
