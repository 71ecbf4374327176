//! `archsim examples`: list or write out the built-in designs.

use std::path::PathBuf;

use archsim::library::{self, EXAMPLES};
use archsim::model::file;

use super::output::{errln, outln};
use super::{EXIT_INVALID, EXIT_OK};

/// Arguments of `archsim examples`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write every example into this folder (created if needed) instead of
    /// listing them. Existing files of the same name are replaced.
    #[arg(long, value_name = "DIR")]
    write: Option<PathBuf>,
}

/// Lists the examples, one line each, or writes them to a folder.
pub fn run(args: &Args) -> u8 {
    match &args.write {
        None => {
            list();
            EXIT_OK
        }
        Some(dir) => write(dir),
    }
}

fn list() {
    let width = EXAMPLES.iter().map(|e| e.slug.len()).max().unwrap_or(0);
    for example in EXAMPLES {
        let title = match example.design() {
            Ok(d) => d.name,
            Err(e) => format!("(does not load: {e})"),
        };
        let default = if example.slug == library::DEFAULT_EXAMPLE {
            "  [default]"
        } else {
            ""
        };
        outln!("{:width$}  {title}{default}", example.slug);
    }
}

fn write(dir: &std::path::Path) -> u8 {
    if let Err(e) = std::fs::create_dir_all(dir) {
        errln!("{}: cannot create the folder: {e}", dir.display());
        return EXIT_INVALID;
    }
    for example in EXAMPLES {
        let path = dir.join(example.file_name());
        if let Err(e) = file::write_atomically(&path, example.text.as_bytes()) {
            errln!("{}: cannot write: {e}", path.display());
            return EXIT_INVALID;
        }
        outln!("{}", path.display());
    }
    EXIT_OK
}
