//! The report as Markdown for a pull-request comment: headings, tables
//! and lists, no raw HTML, the design as a Mermaid flowchart. Every piece
//! of user text is escaped ([`escape::markdown`]); code spans and fences
//! are made longer than any run of backticks inside them.

use crate::numbers;
use std::fmt::Write as _;

use crate::analysis::Severity;

use super::content::{self, Table, Tone, studies};
use super::escape;
use super::format::Format;
use super::gather::Report;
use super::mermaid;
use super::text;
use crate::study::Kind;

/// Most findings listed: a pull-request comment has to stay short (GitHub
/// takes 65 536 characters); the HTML and JSON reports have them all.
const MAX_FINDINGS: usize = 40;

/// Most rows of a table, for the same reason.
const MAX_ROWS: usize = 30;

/// Most unmeasured suggestions listed.
const MAX_UNMEASURED: usize = 20;

/// The line that says what a list or table left out.
fn more(out: &mut String, left_out: usize, what: &str) {
    if left_out > 0 {
        let _ = writeln!(
            out,
            "… and {} (the HTML and JSON reports have them all).\n",
            numbers::count(left_out, what, &format!("{what}s"))
        );
    }
}

/// The longest run of `c` in `s`.
fn longest_run(s: &str, c: char) -> usize {
    s.split(|x| x != c).map(str::len).max().unwrap_or(0)
}

/// `s` as an inline code span, whatever backticks it holds; line breaks
/// become spaces.
fn code(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let fence = "`".repeat(longest_run(&s, '`') + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// A fenced block of `body` with `info` (`mermaid`, `sh`), fenced with
/// more backticks than any run inside.
fn fenced(out: &mut String, info: &str, body: &str) {
    let fence = "`".repeat((longest_run(body, '`') + 1).max(3));
    let _ = writeln!(out, "{fence}{info}\n{body}\n{fence}\n");
}

/// A list of `items`, each escaped and after `prefix`, and a blank line
/// after it; nothing when there are none.
fn bullets<'a>(out: &mut String, prefix: &str, items: impl Iterator<Item = &'a str>) {
    let mut any = false;
    for item in items {
        let _ = writeln!(out, "- {prefix}{}", escape::markdown(item));
        any = true;
    }
    if any {
        out.push('\n');
    }
}

/// Warnings as a list.
fn warnings<'a>(out: &mut String, items: impl Iterator<Item = &'a str>) {
    bullets(out, "**warning**: ", items);
}

/// A table, every cell escaped; numbers right-aligned; better and worse
/// in bold.
fn table(out: &mut String, t: &Table) {
    let _ = writeln!(
        out,
        "| {} |",
        t.columns
            .iter()
            .map(|(title, _)| escape::markdown(title))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let rule: Vec<&str> = (0..t.columns.len())
        .map(|i| if t.numeric(i) { "---:" } else { "---" })
        .collect();
    let _ = writeln!(out, "| {} |", rule.join(" | "));
    for row in t.rows.iter().take(MAX_ROWS) {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                let text = escape::markdown(&c.joined());
                match c.tone {
                    Tone::Plain => text,
                    Tone::Good | Tone::Bad => format!("**{text}**"),
                }
            })
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
    more(out, t.rows.len().saturating_sub(MAX_ROWS), "more row");
}

/// The report in Markdown.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let design = &report.design;
    let _ = writeln!(out, "# {}\n", escape::markdown(&design.name));
    for paragraph in design
        .description
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
    {
        let _ = writeln!(out, "{}\n", escape::markdown(paragraph.trim()));
    }
    let lines: Vec<String> = content::headline(report)
        .iter()
        .map(|l| escape::markdown(l))
        .collect();
    let _ = writeln!(out, "{}\n", lines.join(" "));

    out.push_str("## At a glance\n\n");
    table(&mut out, &content::summary(report));

    diagram(&mut out, report);
    findings(&mut out, report);
    suggestions(&mut out, report);
    simulation(&mut out, report);
    studies(&mut out, report);

    out.push_str("## Reproduce\n\n");
    for (label, value) in content::provenance(report) {
        let _ = writeln!(
            out,
            "- {}: {}",
            escape::markdown(label),
            escape::markdown(&value)
        );
    }
    out.push('\n');
    fenced(&mut out, "sh", &report.command(Format::Markdown));
    let _ = writeln!(
        out,
        "Made by archsim {}.",
        escape::markdown(env!("CARGO_PKG_VERSION"))
    );
    out
}

fn diagram(out: &mut String, report: &Report) {
    out.push_str("## Diagram\n\n");
    let chart = mermaid::flowchart(
        &report.design,
        &report.highlighted_nodes(),
        &report.highlighted_links(),
    );
    match chart {
        Some(chart) => {
            fenced(out, "mermaid", &chart);
            let _ = writeln!(out, "{}\n", mermaid::legend());
        }
        None => {
            let _ = writeln!(
                out,
                "The design has too many links to draw here (more than {}); the HTML report and `archsim report --format svg` draw it.\n",
                mermaid::MAX_EDGES
            );
        }
    }
}

fn findings(out: &mut String, report: &Report) {
    let _ = writeln!(
        out,
        "## Findings\n\n{}.\n",
        escape::markdown(&content::findings_count(report))
    );
    let findings = &report.analysis.findings;
    for f in findings.iter().take(MAX_FINDINGS) {
        let severity = match f.severity {
            Severity::Error => "**error**",
            Severity::Warning => "**warning**",
            Severity::Info => "note",
        };
        let _ = writeln!(
            out,
            "- {severity} {} — {}\n\n  {}\n",
            code(&f.id(&report.design)),
            escape::markdown(&f.title),
            escape::markdown(&f.explanation)
        );
        let (nodes, links) = content::involves(f, &report.design);
        let mut facts = Vec::new();
        if !nodes.is_empty() {
            facts.push(format!("Involves: {}", escape::markdown(&nodes.join(", "))));
        }
        if !links.is_empty() {
            facts.push(format!("links: {}", escape::markdown(&links.join(", "))));
        }
        if !f.suggestions.is_empty() {
            let ids: Vec<String> = f.suggestions.iter().map(|s| code(&s.id)).collect();
            facts.push(format!("suggested: {}", ids.join(", ")));
        }
        if !facts.is_empty() {
            let _ = writeln!(out, "  {}.\n", facts.join(" · "));
        }
    }
    more(
        out,
        findings.len().saturating_sub(MAX_FINDINGS),
        "more finding",
    );
}

fn suggestions(out: &mut String, report: &Report) {
    let advice = &report.advice;
    let _ = writeln!(
        out,
        "## Suggestions\n\nEach suggestion was applied to a copy of the design and simulated with the same seeds ({}), and compared replication by replication with the design as it is. A change is *better* or *worse* only when its 95 % interval excludes zero.\n",
        escape::markdown(&text::replications(advice.replications))
    );
    if advice.evaluations.is_empty() {
        out.push_str("No suggestions for this design.\n\n");
    }
    if let Some(note) = content::unmeasured_note(report) {
        let _ = writeln!(out, "{}\n", escape::markdown(&note));
        for s in report.unmeasured.iter().take(MAX_UNMEASURED) {
            let _ = writeln!(
                out,
                "- {}: {}",
                code(&s.id),
                escape::markdown(&s.description)
            );
        }
        out.push('\n');
        more(
            out,
            report.unmeasured.len().saturating_sub(MAX_UNMEASURED),
            "more suggestion",
        );
    }
    for (rank, e) in advice.evaluations.iter().enumerate() {
        let _ = writeln!(
            out,
            "### {}\\. {}\n",
            rank + 1,
            escape::markdown(&e.suggestion.description)
        );
        let _ = writeln!(
            out,
            "{} (benefit score {:+.2})\n",
            code(&e.suggestion.id),
            e.benefit
        );
        for (_, word, line) in content::changes(e) {
            let _ = writeln!(out, "- {word}: {}", escape::markdown(line));
        }
        if !e.findings_resolved.is_empty() {
            let ids: Vec<String> = e.findings_resolved.iter().map(|id| code(id)).collect();
            let _ = writeln!(out, "- Resolves: {}", ids.join(", "));
        }
        if !e.findings_introduced.is_empty() {
            let ids: Vec<String> = e.findings_introduced.iter().map(|id| code(id)).collect();
            let _ = writeln!(out, "- Introduces: {}", ids.join(", "));
        }
        out.push('\n');
        table(out, &content::evaluation(e));
    }
}

fn simulation(out: &mut String, report: &Report) {
    let sim = report.simulation();
    let _ = writeln!(
        out,
        "## Simulation\n\nThe design as it is: {}, seed {}; figures are means with their 95 % intervals.\n",
        escape::markdown(&text::replications(sim.replications)),
        sim.seed
    );
    warnings(out, sim.warnings().iter().map(|w| w.message.as_str()));
    table(out, &content::entry_results(report));
    table(out, &content::services(report));
    if !sim.results.brokers.is_empty() {
        table(out, &content::brokers(report));
    }
}

/// How to run the study of `kind` alone, under its section.
fn again(out: &mut String, report: &Report, kind: Kind) {
    if let Some(command) = report.study_command(kind) {
        fenced(out, "sh", &command);
    }
}

/// Most factors of a tornado listed per entry point.
const TORNADO_ROWS: usize = 10;

/// The studies that were run, as tables (a pull-request comment takes no
/// pictures; the HTML report draws them).
fn studies(out: &mut String, report: &Report) {
    let line = |out: &mut String, s: &str| {
        let _ = writeln!(out, "{}\n", escape::markdown(s));
    };
    if let Some(note) = studies::what_ifs_note(report) {
        line(out, &note);
    }
    if let Some(study) = &report.studies.capacity {
        let _ = writeln!(out, "## {}\n", studies::heading(Kind::Capacity));
        line(out, &studies::capacity_heading(study));
        warnings(out, study.warnings.iter().map(String::as_str));
        table(out, &studies::capacities(study));
        table(out, &studies::capacity_curve(study));
        again(out, report, Kind::Capacity);
    }
    if let Some(study) = &report.studies.sensitivity {
        let _ = writeln!(out, "## {}\n", studies::heading(Kind::Sensitivity));
        line(out, &studies::sensitivity_heading(study));
        for i in 0..study.baseline.len() {
            if let Some(base) = studies::sensitivity_baseline(study, i) {
                let _ = writeln!(out, "### {}\n", escape::markdown(&base));
            }
            table(out, &studies::tornado(study, i, TORNADO_ROWS));
            more(
                out,
                study.factors.len().saturating_sub(TORNADO_ROWS),
                "more factor",
            );
        }
        again(out, report, Kind::Sensitivity);
    }
    if let Some(study) = &report.studies.chaos {
        let _ = writeln!(out, "## {}\n", studies::heading(Kind::Chaos));
        line(out, &studies::chaos_heading(study));
        table(out, &studies::chaos_matrix(study));
        let notes = studies::chaos_notes(study);
        bullets(out, "", notes.iter().take(MAX_FINDINGS).map(String::as_str));
        more(out, notes.len().saturating_sub(MAX_FINDINGS), "more note");
        again(out, report, Kind::Chaos);
    }
}
