//! Reports: what a user takes to a design review and attaches to a pull
//! request.
//!
//! [`build`] analyses and simulates a design and measures its suggestions
//! (the first [`MAX_SUGGESTIONS`]), into a [`Report`]; [`Report::render`]
//! writes it as one self-contained HTML page (`html/`), Markdown for a
//! pull-request comment with a Mermaid diagram (`markdown.rs`,
//! `mermaid.rs`), or JSON with everything ([`json`], schema in
//! docs/report.schema.json). The diagram alone, as SVG (`svg/`), needs no
//! simulation: [`diagram_svg`]. [`generate`] does either.
//!
//! Pictures follow the app's visual rules ([`crate::visual`]); numbers say
//! how sure they are (95 % intervals over replications); user text is
//! escaped for each language (`escape.rs`). The same design, options and
//! seed give the same bytes, except for the date.

pub mod content;
mod escape;
mod format;
mod gather;
mod html;
pub mod json;
mod markdown;
mod markup;
mod mermaid;
mod svg;
mod text;
pub mod traces;

use crate::advice::AdviceError;
use crate::model::{Design, Problem};

pub use format::Format;
pub use gather::{
    DEFAULT_REPLICATIONS, MAX_SUGGESTIONS, Report, ReportOptions, SERIES_BUCKETS, Source, build,
    positions, simulations_needed,
};

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The design has validation problems; fix them first.
    #[error("the design is not valid ({} problems); the first: {}", .0.len(), .0.first().map(|p| p.to_string()).unwrap_or_default())]
    Invalid(Vec<Problem>),
    /// Simulating it (or a suggestion) failed: an option is out of range.
    #[error(transparent)]
    Advice(#[from] AdviceError),
    /// A study the report was asked to run could not run.
    #[error("the {} study: {error}", kind.name())]
    Study {
        /// Which study.
        kind: crate::study::Kind,
        /// Why.
        error: crate::sim::SimError,
    },
    /// It was cancelled.
    #[error("cancelled")]
    Cancelled,
}

impl Report {
    /// The report in `format`.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Html => html::render(self),
            Format::Markdown => markdown::render(self),
            Format::Json => json::render(self),
            Format::Svg => diagram_svg(&self.design),
        }
    }
}

/// The diagram of `design` alone, with its legend, as an SVG file: no
/// simulation, and it works for a design with problems too (links to
/// unknown nodes are left out).
pub fn diagram_svg(design: &Design) -> String {
    let (positions, _) = positions(design);
    let options = svg::DiagramOptions {
        legend: true,
        ..svg::DiagramOptions::default()
    };
    let picture = svg::diagram(design, &positions, &options).finish();
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{picture}\n")
}

/// The report of `design` in `format`: the diagram alone for SVG,
/// otherwise [`build`] then [`Report::render`].
pub fn generate(
    design: &Design,
    format: Format,
    options: &ReportOptions,
) -> Result<String, ReportError> {
    if !format.simulates() {
        return Ok(diagram_svg(design));
    }
    Ok(build(design, options)?.render(format))
}
