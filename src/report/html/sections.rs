//! The page's sections besides the simulation: header, summary, diagram,
//! findings, suggestions, and how to reproduce the report.

use crate::analysis::Severity;

use super::super::content;
use super::super::format::Format;
use super::super::gather::Report;
use super::super::markup::Markup;
use super::super::svg;
use super::super::text;
use super::{section, table};

/// Title, description, what was run, the headline and the contents.
pub fn header(m: &mut Markup, report: &Report) {
    let design = &report.design;
    let sim = report.simulation();
    m.el("header", &[], |m| {
        m.text_el("p", &[("class", "kicker")], "archsim design report");
        m.text_el("h1", &[], &design.name);
        for paragraph in design
            .description
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
        {
            m.text_el("p", &[("class", "description")], paragraph.trim());
        }
        let mut meta = format!(
            "Simulated {} s of arrivals, {}, seed {} · archsim {}",
            sim.duration_s,
            text::replications(sim.replications),
            sim.seed,
            env!("CARGO_PKG_VERSION")
        );
        if let Some(t) = report.generated_unix_s {
            meta.push_str(&format!(" · {}", text::utc(t)));
        }
        m.text_el("p", &[("class", "meta")], &meta);
        m.el("div", &[("class", "headline")], |m| {
            for line in content::headline(report) {
                m.text_el("p", &[], &line);
            }
        });
        m.el("nav", &[], |m| {
            m.el("ul", &[], |m| {
                let mut sections = vec![
                    ("summary", "At a glance"),
                    ("diagram", "Diagram"),
                    ("findings", "Findings"),
                    ("suggestions", "Suggestions"),
                    ("simulation", "Simulation"),
                ];
                sections.extend(super::studies::contents(report));
                sections.push(("reproduce", "Reproduce"));
                for (id, name) in sections {
                    m.el("li", &[], |m| {
                        m.text_el("a", &[("href", &format!("#{id}"))], name);
                    });
                }
            });
        });
    });
}

/// One card per entry point with its key figures.
pub fn summary(m: &mut Markup, report: &Report) {
    section(m, "summary", "At a glance", |m| {
        let t = content::summary(report);
        if t.rows.is_empty() {
            m.text_el(
                "p",
                &[],
                "The design has no entry points: no load was simulated.",
            );
        }
        m.el("div", &[("class", "cards")], |m| {
            for row in &t.rows {
                m.el("div", &[("class", "card")], |m| {
                    let Some((name, figures)) = row.split_first() else {
                        return;
                    };
                    m.text_el("h3", &[], &name.text);
                    m.el("dl", &[], |m| {
                        for ((label, _), cell) in t.columns[1..].iter().zip(figures) {
                            m.text_el("dt", &[], label);
                            m.el("dd", &[], |m| super::cell_content(m, cell));
                        }
                    });
                });
            }
        });
        m.text_el(
            "p",
            &[("class", "small")],
            "Latency and availability are measured (means over replications with their 95 % intervals); \"must be up\" counts the services and stores each request reaches over synchronous calls, and the compound availability is the product of theirs.",
        );
    });
}

/// The design, findings highlighted.
pub fn diagram(m: &mut Markup, report: &Report) {
    section(m, "diagram", "Diagram", |m| {
        let options = svg::DiagramOptions {
            highlighted_nodes: report.highlighted_nodes(),
            highlighted_links: report.highlighted_links(),
            legend: true,
        };
        m.el("figure", &[], |m| {
            m.el("div", &[("class", "diagram-box")], |m| {
                m.append(svg::diagram(&report.design, &report.positions, &options));
            });
            let mut caption = String::from(
                "Highlighted: the services, stores and links that findings at warning or error level are about. Hover over a node or link for its properties.",
            );
            if report.laid_out {
                caption.push_str(" Nodes are placed by the automatic layout.");
            }
            m.text_el("figcaption", &[], &caption);
        });
    });
}

/// Every finding with its explanation, what it involves and its
/// suggestions.
pub fn findings(m: &mut Markup, report: &Report) {
    section(m, "findings", "Findings", |m| {
        m.text_el("p", &[], &format!("{}.", content::findings_count(report)));
        for (i, f) in report.analysis.findings.iter().enumerate() {
            let class = format!("finding {}", f.severity.as_str());
            let anchor = format!("finding-{}", i + 1);
            m.el("article", &[("class", &class), ("id", &anchor)], |m| {
                m.el("h3", &[], |m| {
                    let badge = match f.severity {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                        Severity::Info => "note",
                    };
                    m.text_el(
                        "span",
                        &[("class", &format!("badge {}", f.severity))],
                        badge,
                    );
                    m.text(&f.title);
                });
                m.el("p", &[("class", "small")], |m| {
                    m.text_el("code", &[], &f.id(&report.design));
                });
                m.text_el("p", &[], &f.explanation);
                let (nodes, links) = content::involves(f, &report.design);
                if !nodes.is_empty() {
                    m.text_el(
                        "p",
                        &[("class", "small")],
                        &format!("Involves: {}.", nodes.join(", ")),
                    );
                }
                if !links.is_empty() {
                    m.text_el(
                        "p",
                        &[("class", "small")],
                        &format!("Links: {}.", links.join(", ")),
                    );
                }
                if !f.suggestions.is_empty() {
                    m.el("p", &[("class", "small")], |m| {
                        m.text("Suggested: ");
                        for (k, s) in f.suggestions.iter().enumerate() {
                            if k > 0 {
                                m.text(", ");
                            }
                            let rank = report
                                .advice
                                .evaluations
                                .iter()
                                .position(|e| e.suggestion.id == s.id);
                            match rank {
                                Some(r) => {
                                    m.el("a", &[("href", &format!("#suggestion-{}", r + 1))], |m| {
                                        m.text_el("code", &[], &s.id);
                                    })
                                }
                                None => m.text_el("code", &[], &s.id),
                            }
                        }
                        m.text(".");
                    });
                }
            });
        }
    });
}

/// Every suggestion, best first, with what it measurably changes.
pub fn suggestions(m: &mut Markup, report: &Report) {
    let advice = &report.advice;
    section(m, "suggestions", "Suggestions", |m| {
        m.text_el(
            "p",
            &[],
            &format!(
                "Each suggestion was applied to a copy of the design, simulated with the same seeds ({}) and compared replication by replication with the design as it is. A change counts as better or worse only when its 95 % interval excludes zero.",
                text::replications(advice.replications)
            ),
        );
        if advice.evaluations.is_empty() {
            m.text_el("p", &[], "No suggestions for this design.");
        }
        unmeasured(m, report);
        for (rank, e) in advice.evaluations.iter().enumerate() {
            let anchor = format!("suggestion-{}", rank + 1);
            m.el(
                "article",
                &[("class", "suggestion"), ("id", &anchor)],
                |m| {
                    m.text_el(
                        "h3",
                        &[],
                        &format!("{}. {}", rank + 1, e.suggestion.description),
                    );
                    m.el("p", &[("class", "small")], |m| {
                        m.text_el("code", &[], &e.suggestion.id);
                        m.text(&format!(" · benefit score {:+.2}", e.benefit));
                    });
                    m.el("ul", &[("class", "changes")], |m| {
                        for (class, word, line) in content::changes(e) {
                            m.el("li", &[("class", class)], |m| {
                                m.text_el("strong", &[], word);
                                m.text(&format!(": {line}"));
                            });
                        }
                        for (word, ids) in [
                            ("Resolves", &e.findings_resolved),
                            ("Introduces", &e.findings_introduced),
                        ] {
                            if !ids.is_empty() {
                                m.el("li", &[], |m| {
                                    m.text(&format!("{word}: "));
                                    for (k, id) in ids.iter().enumerate() {
                                        if k > 0 {
                                            m.text(", ");
                                        }
                                        m.text_el("code", &[], id);
                                    }
                                });
                            }
                        }
                    });
                    table(m, &content::evaluation(e));
                },
            );
        }
    });
}

/// The suggestions left unmeasured, if any.
fn unmeasured(m: &mut Markup, report: &Report) {
    let Some(note) = content::unmeasured_note(report) else {
        return;
    };
    m.text_el("p", &[], &note);
    m.el("ul", &[("class", "small")], |m| {
        for s in &report.unmeasured {
            m.el("li", &[], |m| {
                m.text_el("code", &[], &s.id);
                m.text(&format!(": {}", s.description));
            });
        }
    });
}

/// The scenario, seed, version and the command that makes the report again.
pub fn reproduce(m: &mut Markup, report: &Report) {
    section(m, "reproduce", "Reproduce", |m| {
        m.el("dl", &[("class", "facts")], |m| {
            for (label, value) in content::provenance(report) {
                m.text_el("dt", &[], label);
                m.text_el("dd", &[], &value);
            }
        });
        m.text_el(
            "p",
            &[],
            "The same command, design and seed give the same report, except for the date:",
        );
        m.el("pre", &[], |m| {
            m.text_el("code", &[], &report.command(Format::Html));
        });
    });
}
