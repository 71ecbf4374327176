//! Sentences about the findings, and the report's headline.

use crate::analysis::{Finding, Severity};
use crate::model::Design;
use crate::numbers;

use super::super::gather::Report;
use super::measurable;

/// The findings by severity, to start a sentence: `2 warnings, 1 note`,
/// `No findings`.
pub fn findings_count(report: &Report) -> String {
    let count = |s: Severity| {
        report
            .analysis
            .findings
            .iter()
            .filter(|f| f.severity == s)
            .count()
    };
    let parts: Vec<String> = [
        (Severity::Error, "error", "errors"),
        (Severity::Warning, "warning", "warnings"),
        (Severity::Info, "note", "notes"),
    ]
    .iter()
    .filter(|(s, _, _)| count(*s) > 0)
    .map(|(s, one, many)| numbers::count(count(*s), one, many))
    .collect();
    if parts.is_empty() {
        "No findings".into()
    } else {
        parts.join(", ")
    }
}

/// The report's first lines: what was found and what would help most.
pub fn headline(report: &Report) -> Vec<String> {
    let mut lines = vec![format!(
        "{} in this design; {} measured.",
        numbers::count(report.analysis.findings.len(), "finding", "findings"),
        numbers::count(report.advice.evaluations.len(), "suggestion", "suggestions"),
    )];
    match report.advice.evaluations.first() {
        Some(best) if measurable(best) => lines.push(format!(
            "The suggestion that helps most: {} — {}.",
            best.suggestion.description,
            best.better.join("; ")
        )),
        Some(_) => lines.push(
            "No suggestion measurably changes latency, availability or coupling in this scenario; they guard against failures it does not produce.".into(),
        ),
        None => {}
    }
    let warnings = report.simulation().warnings().len();
    if warnings > 0 {
        lines.push(format!(
            "The simulation warned about {}: see Simulation.",
            numbers::count(warnings, "problem", "problems")
        ));
    }
    lines
}

/// The nodes (names) and links (`A → B`) a finding is about.
pub fn involves(finding: &Finding, design: &Design) -> (Vec<String>, Vec<String>) {
    let nodes = finding
        .nodes
        .iter()
        .map(|id| design.display_name(id).to_owned())
        .collect();
    let links = finding
        .links
        .iter()
        .filter_map(|&l| design.link(l))
        .map(|l| {
            format!(
                "{} → {}",
                design.display_name(&l.from),
                design.display_name(&l.to)
            )
        })
        .collect();
    (nodes, links)
}
