//! `archsim check`: validate designs.

use std::path::PathBuf;

use super::{EXIT_INVALID, EXIT_OK, input};

/// Arguments of `archsim check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Design files (or built-in example names) to check.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// Checks every file; reports each problem as `file:line:col: message` on
/// stderr.
pub fn run(args: &Args) -> u8 {
    let mut code = EXIT_OK;
    for path in &args.files {
        match input::load(path) {
            Ok(design) => println!(
                "{}: valid ({} nodes, {} links, {} entry points)",
                path.display(),
                design.nodes.len(),
                design.links.len(),
                design.entry_points.len()
            ),
            Err(err) => {
                input::report(path, &err);
                code = EXIT_INVALID;
            }
        }
    }
    code
}
