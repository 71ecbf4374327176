//! `archsim import`: infer a design from distributed traces (OpenTelemetry
//! OTLP JSON, Jaeger JSON, Zipkin v2 JSON), write it, say how sure each
//! number is, then check the result.

use std::path::PathBuf;

use archsim::import::{self, ImportReport, Spans};
use archsim::model::file;
use archsim::report::json;
use serde::Serialize;

use super::check::{self, FileReport};
use super::output::{self, errln, outln};
use super::{EXIT_INVALID, EXIT_OK};

/// Arguments of `archsim import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Trace files: OpenTelemetry OTLP JSON (or JSON lines, as the
    /// collector's file exporter writes), Jaeger JSON or Zipkin v2 JSON,
    /// told apart by their content; all of them are merged.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Where to write the design (`.archsim.ron`).
    #[arg(long, short = 'o', value_name = "OUT")]
    output: PathBuf,
    /// Replace OUT if it exists (without it, an existing file is kept).
    #[arg(long)]
    force: bool,
    /// The design's title; by default the name of OUT.
    #[arg(long)]
    name: Option<String>,
    /// Print the import report and the check of the design as JSON
    /// (docs/cli-json.md) instead of text.
    #[arg(long)]
    json: bool,
}

/// Imports, writes, reports and checks; the exit code.
pub fn run(args: &Args) -> u8 {
    if args.output.exists() && !args.force {
        errln!(
            "error: {} exists; pass --force to replace it, or choose another -o",
            args.output.display()
        );
        return EXIT_INVALID;
    }
    let mut spans = Spans::default();
    for path in &args.files {
        if let Err(e) = spans.read_file(path) {
            errln!("{e}");
            return EXIT_INVALID;
        }
    }
    let name = args.name.clone().unwrap_or_else(|| title_of(&args.output));
    let (design, report) = match import::infer(&spans, &name) {
        Ok(r) => r,
        Err(e) => {
            errln!("{e}");
            return EXIT_INVALID;
        }
    };
    if let Err(e) = file::save(&design, &args.output) {
        errln!("{}: cannot write: {e}", args.output.display());
        return EXIT_INVALID;
    }
    // The check reads the file back: what was written is what is judged.
    let checked = check::check_one(&args.output, None);
    let code = if checked.valid { EXIT_OK } else { EXIT_INVALID };
    if args.json {
        #[derive(Serialize)]
        struct Body<'a> {
            output: String,
            import: &'a ImportReport,
            check: FileReport,
        }
        output::document(&json::to_string(
            "import",
            &Body {
                output: args.output.display().to_string(),
                import: &report,
                check: checked,
            },
        ));
        return code;
    }
    for line in report.lines() {
        outln!("{line}");
    }
    outln!("wrote {}", args.output.display());
    check::print_text(&args.output, &checked, false, false);
    code
}

/// `checkout.archsim.ron` → `checkout`.
fn title_of(output: &std::path::Path) -> String {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = name
        .strip_suffix(&format!(".{}", file::EXTENSION))
        .or_else(|| name.strip_suffix(".ron"))
        .unwrap_or(&name)
        .to_owned();
    if name.is_empty() {
        "Imported design".to_owned()
    } else {
        name
    }
}
