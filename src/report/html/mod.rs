//! The report as one self-contained HTML page: no scripts, fonts, images
//! or style sheets from elsewhere, so it works offline and as an e-mail
//! attachment. It is polyglot markup (XHTML-compatible HTML5): every
//! element closed, every attribute quoted, so XML tools read it too.
//!
//! [`sections`] writes the header, summary, diagram, findings, suggestions
//! and reproduction details; [`charts`] the simulation; [`studies`] the
//! studies that were run; [`style`] the style sheet (screen and print).

mod charts;
mod sections;
mod studies;
mod style;

use super::content::{Cell, Table, Tone};
use super::gather::Report;
use super::markup::Markup;

/// The page.
pub fn render(report: &Report) -> String {
    let mut m = Markup::new();
    m.trusted("<!DOCTYPE html>\n");
    let html = [("xmlns", "http://www.w3.org/1999/xhtml"), ("lang", "en")];
    m.el("html", &html, |m| {
        m.newline();
        m.el("head", &[], |m| {
            m.empty("meta", &[("charset", "utf-8")]);
            m.empty(
                "meta",
                &[
                    ("name", "viewport"),
                    ("content", "width=device-width, initial-scale=1"),
                ],
            );
            let generator = format!("archsim {}", env!("CARGO_PKG_VERSION"));
            m.empty("meta", &[("name", "generator"), ("content", &generator)]);
            m.text_el(
                "title",
                &[],
                &format!("{} — archsim report", report.design.name),
            );
            m.el("style", &[], |m| m.trusted(&style::css()));
        });
        m.newline();
        m.el("body", &[], |m| {
            m.el("main", &[], |m| {
                sections::header(m, report);
                sections::summary(m, report);
                sections::diagram(m, report);
                sections::findings(m, report);
                sections::suggestions(m, report);
                charts::simulation(m, report);
                studies::sections(m, report);
                sections::reproduce(m, report);
                m.newline();
                m.el("footer", &[], |m| {
                    m.text(&format!(
                        "Made by archsim {}. This page is self-contained: it loads no scripts, fonts or images.",
                        env!("CARGO_PKG_VERSION")
                    ));
                });
            });
        });
        m.newline();
    });
    m.newline();
    m.finish()
}

/// A section with an id and a heading, its content from `body`.
fn section(m: &mut Markup, id: &str, heading: &str, body: impl FnOnce(&mut Markup)) {
    m.newline();
    m.el("section", &[("id", id)], |m| {
        m.text_el("h2", &[], heading);
        body(m);
    });
}

/// A picture in a figure with its caption.
fn figure(m: &mut Markup, picture: Markup, caption: &str) {
    m.el("figure", &[], |m| {
        m.append(picture);
        m.text_el("figcaption", &[], caption);
    });
}

/// A cell's text, with an estimate's interval set under it.
fn cell_content(m: &mut Markup, cell: &Cell) {
    m.text(&cell.text);
    if let Some(pm) = &cell.interval {
        m.text_el("span", &[("class", "pm")], pm);
    }
}

/// A table; numbers right-aligned, better and worse marked.
fn table(m: &mut Markup, t: &Table) {
    m.el("div", &[("class", "table-wrap")], |m| {
        m.el("table", &[], |m| {
            m.el("thead", &[], |m| {
                m.el("tr", &[], |m| {
                    for (title, numeric) in &t.columns {
                        let class = if *numeric { "num" } else { "" };
                        m.text_el("th", &[("class", class)], title);
                    }
                });
            });
            m.el("tbody", &[], |m| {
                for row in &t.rows {
                    m.el("tr", &[], |m| {
                        for (i, cell) in row.iter().enumerate() {
                            let tone = match cell.tone {
                                Tone::Plain => "",
                                Tone::Good => " good",
                                Tone::Bad => " bad",
                            };
                            let class = format!("{}{tone}", if t.numeric(i) { "num" } else { "" });
                            m.el("td", &[("class", class.trim())], |m| cell_content(m, cell));
                        }
                    });
                }
            });
        });
    });
}
