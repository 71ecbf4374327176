//! The `archsim` binary: opens the desktop app, or runs a subcommand
//! headless.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
