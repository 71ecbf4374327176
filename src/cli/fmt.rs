//! `archsim fmt`: rewrite designs in canonical form.

use std::path::PathBuf;

use archsim::model::file;

use super::output::{errln, outln};
use super::{EXIT_FOUND, EXIT_INVALID, EXIT_OK, input};

/// Arguments of `archsim fmt`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only report files that are not in canonical form (exit 1 if any);
    /// change nothing.
    #[arg(long)]
    check: bool,
    /// Design files to format.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// Formats (or checks) every file. Invalid files are reported and left
/// untouched: formatting must never lose what a person wrote.
pub fn run(args: &Args) -> u8 {
    let mut code = EXIT_OK;
    for path in &args.files {
        let design = match file::load(path) {
            Ok(d) => d,
            Err(e) => {
                input::report(path, &e);
                code = EXIT_INVALID;
                continue;
            }
        };
        let canonical = match file::to_string(&design) {
            Ok(t) => t,
            Err(e) => {
                errln!("{}: cannot format: {e}", path.display());
                code = EXIT_INVALID;
                continue;
            }
        };
        let current = std::fs::read_to_string(path).unwrap_or_default();
        if current == canonical {
            continue;
        }
        if args.check {
            outln!(
                "{}: not in canonical form (run `archsim fmt` on it)",
                path.display()
            );
            code = code.max(EXIT_FOUND);
        } else if let Err(e) = file::write_atomically(path, canonical.as_bytes()) {
            errln!("{}: cannot write: {e}", path.display());
            code = EXIT_INVALID;
        } else {
            outln!("{}: formatted", path.display());
        }
    }
    code
}
