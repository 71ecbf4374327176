//! The command line: argument parsing and one module per subcommand.
//!
//! Exit codes are a contract that CI scripts rely on: 0 = clean, 1 = the
//! command found what it looks for (findings at or above `--fail-on`, files
//! `fmt --check` would change), 2 = invalid input or usage.

mod check;
mod examples;
mod fmt;
mod import;
mod input;
mod output;
mod report;
mod scenario_args;
mod simulate;
mod study;
mod suggest;
mod table;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use output::errln;

/// Exit code: everything is fine.
pub const EXIT_OK: u8 = 0;
/// Exit code: the command found what it checks for.
pub const EXIT_FOUND: u8 = 1;
/// Exit code: invalid input or usage.
pub const EXIT_INVALID: u8 = 2;

/// Design microservice architectures, simulate them, and see temporal
/// coupling, long blocking chains and cascading failures.
///
/// Without a subcommand, opens the desktop app on FILE (or on a built-in
/// example). Every subcommand runs headless. Wherever a FILE is expected,
/// the name of a built-in example works too (see `archsim examples`).
#[derive(Debug, Parser)]
#[command(name = "archsim", version, about, long_about)]
struct Cli {
    /// Design to open in the app.
    file: Option<PathBuf>,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate and analyse designs: exit 0 clean, 1 findings at or above
    /// --fail-on, 2 invalid.
    Check(check::Args),
    /// List the built-in example designs, or write them to a folder.
    Examples(examples::Args),
    /// Rewrite designs in canonical form (stable order, defaults left out).
    Fmt(fmt::Args),
    /// Simulate a design and print what happened to its requests.
    Simulate(simulate::Args),
    /// Propose refactorings, each measured by simulating before and after.
    Suggest(suggest::Args),
    /// Infer a design from distributed traces (OpenTelemetry OTLP JSON,
    /// Jaeger JSON, Zipkin v2 JSON), with a report of how sure each number
    /// is; then check it.
    Import(import::Args),
    /// Run many simulations of one design to answer a review question:
    /// `study capacity` (how much load before an objective breaks).
    Study(study::Args),
    /// Write a report for a design review or a pull request: HTML, Markdown
    /// (with a Mermaid diagram), JSON, or the diagram alone as SVG.
    Report(report::Args),
}

/// Parses the command line and runs it.
pub fn run() -> ExitCode {
    if let Some(code) = mistyped_command() {
        return ExitCode::from(code);
    }
    let cli = Cli::parse();
    let code = match cli.command {
        Some(Command::Check(args)) => check::run(&args),
        Some(Command::Examples(args)) => examples::run(&args),
        Some(Command::Fmt(args)) => fmt::run(&args),
        Some(Command::Simulate(args)) => simulate::run(&args),
        Some(Command::Suggest(args)) => suggest::run(&args),
        Some(Command::Import(args)) => import::run(&args),
        Some(Command::Study(args)) => study::run(&args),
        Some(Command::Report(args)) => report::run(&args),
        None => match cli.file {
            Some(file) if !input::names_a_design(&file) => unknown_file(&file),
            file => open_app(file),
        },
    };
    ExitCode::from(code)
}

/// Says what is wrong with the command line; the exit code for it.
fn usage_error(message: &str) -> u8 {
    errln!("error: {message}");
    EXIT_INVALID
}

/// The names of the subcommands, in `--help` order.
fn subcommands() -> Vec<String> {
    <Cli as clap::CommandFactory>::command()
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect()
}

/// `archsim chek design.ron`: clap would take `chek` for the FILE to open
/// and complain about `design.ron` as a subcommand. When the first word is
/// neither a design nor a subcommand but looks like one, say which; the
/// exit code for it.
fn mistyped_command() -> Option<u8> {
    let first = std::env::args_os().nth(1)?;
    let word = first.to_str()?;
    if word.starts_with('-') || input::names_a_design(std::path::Path::new(word)) {
        return None;
    }
    let names = subcommands();
    if names.iter().any(|n| n == word) {
        return None;
    }
    let guess = input::closest(word, names.iter().map(String::as_str))?;
    errln!(
        "error: no command, file or built-in example named {word}; did you mean `archsim {guess}`?"
    );
    Some(EXIT_INVALID)
}

/// `archsim somefile`: neither a file, nor an example, nor close to a
/// subcommand. Name the nearest example if there is one, and the
/// subcommands.
fn unknown_file(file: &std::path::Path) -> u8 {
    errln!(
        "error: no file {} and no built-in example of that name; the subcommands are: {} (see `archsim --help`)",
        file.display(),
        subcommands().join(", ")
    );
    if let Some(guess) = input::closest_example(file) {
        errln!("hint: did you mean the example {guess}?");
    }
    EXIT_INVALID
}

/// Opens the desktop app on `file`: a design file, or a built-in example
/// by name; the default example without one. A file that does not load
/// opens an empty design with the error in a dialog.
#[cfg(feature = "gui")]
fn open_app(file: Option<PathBuf>) -> u8 {
    use archsim::app::{self, Start};
    let start = match file {
        None => Start::default(),
        Some(path) if path.exists() => Start::File(path),
        Some(path) => match input::example_named(&path) {
            Some(example) => Start::Example(example.slug),
            None => Start::File(path),
        },
    };
    match app::run(start) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            errln!("archsim: cannot open the window: {e}");
            EXIT_INVALID
        }
    }
}

/// Without the `gui` feature there is no app: say so, and how to use the
/// command line instead.
#[cfg(not(feature = "gui"))]
fn open_app(file: Option<PathBuf>) -> u8 {
    let _ = file;
    errln!(
        "archsim: the desktop app is not in this build (built without the `gui` feature); use a subcommand (`archsim --help`), e.g. `archsim check fraud-check-blocking`"
    );
    EXIT_OK
}
