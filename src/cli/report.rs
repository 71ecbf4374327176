//! `archsim report`: write a report of a design (HTML, Markdown, JSON, or
//! the diagram alone as SVG).

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use archsim::model::file;
use archsim::report::{self, DEFAULT_REPLICATIONS, Format, ReportOptions, Source};
use archsim::study::Kind;

use super::output::{self, errln, outln};
use super::scenario_args::ScenarioArgs;
use super::{EXIT_INVALID, EXIT_OK};

/// Arguments of `archsim report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Design file (or built-in example name).
    file: PathBuf,
    /// Where to write the report; `-` writes it to standard output (then
    /// --format is needed).
    #[arg(long, short = 'o', value_name = "OUT")]
    output: PathBuf,
    /// html, md, json or svg; by default OUT's extension says which.
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    format: Option<Format>,
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// Replications of every simulation (the design's and each
    /// suggestion's, with the same seeds); two or more give 95 % intervals.
    #[arg(long, short = 'r', default_value_t = DEFAULT_REPLICATIONS, value_name = "R")]
    replications: u32,
    /// Run this study too and give it a section (capacity, sensitivity,
    /// chaos or all; repeat it or separate with commas), each with its
    /// default options and the report's seed, duration and replications
    /// (at least 2).
    #[arg(long = "study", value_name = "STUDY", value_delimiter = ',', value_parser = parse_study)]
    studies: Vec<Vec<Kind>>,
}

fn parse_study(name: &str) -> Result<Vec<Kind>, String> {
    if name == "all" {
        return Ok(Kind::ALL.to_vec());
    }
    Kind::ALL
        .into_iter()
        .find(|k| k.name() == name)
        .map(|k| vec![k])
        .ok_or_else(|| format!("no study {name:?}: use capacity, sensitivity, chaos or all"))
}

fn parse_format(name: &str) -> Result<Format, String> {
    Format::from_name(name).ok_or_else(|| format!("no format {name:?}: use html, md, json or svg"))
}

/// Whether `a` and `b` are the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Writes the report; exit 2 on invalid input or usage.
pub fn run(args: &Args) -> u8 {
    let to_stdout = args.output.as_os_str() == "-";
    let Some(format) = args.format.or_else(|| Format::from_path(&args.output)) else {
        errln!(
            "error: cannot tell the report's format from {}: name it .html, .md, .json or .svg, or add --format html|md|json|svg",
            args.output.display()
        );
        return EXIT_INVALID;
    };
    if same_file(&args.file, &args.output) {
        errln!(
            "error: {} is the design itself; write the report to another file",
            args.output.display()
        );
        return EXIT_INVALID;
    }
    let (design, limits) = match args.scenario.design_and_limits(&args.file) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let source = Source {
        design: args.file.display().to_string(),
        output: args.output.display().to_string(),
        unsaved_changes: false,
        what_ifs: Vec::new(),
    };
    let options = ReportOptions {
        seed: args.scenario.seed,
        duration_s: args.scenario.duration,
        replications: args.replications,
        limits,
        generated_unix_s: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .ok()
            .map(|d| d.as_secs()),
        run_studies: args.studies.iter().flatten().copied().collect(),
        ..ReportOptions::new(source)
    };
    if !options.run_studies.is_empty() && !format.simulates() {
        errln!("error: --study needs a report that simulates: the SVG format is the diagram alone");
        return EXIT_INVALID;
    }
    let text = match report::generate(&design, format, &options) {
        Ok(t) => t,
        Err(e) => {
            errln!("{}: {e}", args.file.display());
            return EXIT_INVALID;
        }
    };
    if to_stdout {
        output::document(&text);
        return EXIT_OK;
    }
    if let Err(e) = file::write_atomically(&args.output, text.as_bytes()) {
        errln!("error: cannot write {}: {e}", args.output.display());
        return EXIT_INVALID;
    }
    outln!(
        "{}: {} of {}",
        args.output.display(),
        format.label(),
        design.name
    );
    EXIT_OK
}
