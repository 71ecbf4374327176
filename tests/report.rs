//! Reports of every built-in example in every format: the HTML is
//! well-formed, self-contained and names every finding and entry point;
//! the SVG has a shape per node and a line per link; the Markdown's
//! Mermaid block follows the flowchart rules; the JSON matches
//! docs/report.schema.json; the same input and seed give the same bytes.
//! And user text that looks like markup stays text in every format.

mod support;

use std::collections::HashSet;
use std::path::Path;

use archsim::library::EXAMPLES;
use archsim::model::{
    Arrival, Design, Distribution, EntryPoint, Link, Load, Node, NodeKind, Position, Service, Style,
};
use archsim::report::{self, Format, Report, ReportOptions, Source};
use archsim::study::{Kind, Runs, Study};
use serde_json::Value;

/// Short runs: the tests check the reports, not the numbers.
fn options(design: &Design, name: &str, format: Format) -> ReportOptions {
    ReportOptions {
        duration_s: Some(design.scenario.warmup_s + 15.0),
        replications: 2,
        generated_unix_s: Some(1_700_000_000),
        ..ReportOptions::new(Source {
            design: name.to_owned(),
            output: format!("report.{}", format.extension()),
            unsaved_changes: false,
            what_ifs: Vec::new(),
        })
    }
}

fn build(design: &Design, name: &str) -> Report {
    report::build(design, &options(design, name, Format::Html))
        .unwrap_or_else(|e| panic!("{name}: no report: {e}"))
}

fn schema() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.schema.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("the schema exists"))
        .expect("the schema is JSON")
}

/// The HTML read as XML, with its `<!DOCTYPE html>`.
fn parse_xhtml(html: &str) -> Result<roxmltree::Document<'_>, roxmltree::Error> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(html, options)
}

/// All the text of an XML tree, attribute values left out.
fn text_of(doc: &roxmltree::Document<'_>) -> String {
    doc.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join(" ")
}

fn has_class(node: roxmltree::Node<'_, '_>, class: &str) -> bool {
    node.attribute("class")
        .is_some_and(|c| c.split_whitespace().any(|x| x == class))
}

/// The picture has a group per node with an outline in it, and a group per
/// link with exactly one line in it.
fn check_diagram(svg: roxmltree::Node<'_, '_>, design: &Design, name: &str) {
    let nodes: Vec<_> = svg
        .descendants()
        .filter(|n| n.has_tag_name("g") && has_class(*n, "node"))
        .collect();
    assert_eq!(nodes.len(), design.nodes.len(), "{name}: a group per node");
    for (g, node) in nodes.iter().zip(&design.nodes) {
        assert_eq!(g.attribute("data-node"), Some(node.id.as_str()), "{name}");
        let outlines = g.descendants().filter(|n| has_class(*n, "outline")).count();
        assert_eq!(outlines, 1, "{name}: node {} has one outline", node.id);
    }
    let links: Vec<_> = svg
        .descendants()
        .filter(|n| n.has_tag_name("g") && has_class(*n, "link"))
        .collect();
    assert_eq!(links.len(), design.links.len(), "{name}: a group per link");
    for g in links {
        let lines = g
            .descendants()
            .filter(|n| n.has_tag_name("path") && has_class(*n, "link-line"))
            .count();
        assert_eq!(lines, 1, "{name}: one line per link");
    }
}

fn check_html(html: &str, design: &Design, report: &Report, name: &str) {
    let doc =
        parse_xhtml(html).unwrap_or_else(|e| panic!("{name}: the HTML is not well-formed: {e}"));
    let root = doc.root_element();
    assert!(
        root.has_tag_name(("http://www.w3.org/1999/xhtml", "html")),
        "{name}"
    );
    for n in doc.descendants().filter(|n| n.is_element()) {
        let tag = n.tag_name().name();
        assert!(
            ![
                "script", "img", "link", "iframe", "object", "embed", "image"
            ]
            .contains(&tag),
            "{name}: <{tag}> loads something"
        );
        assert!(n.attribute("src").is_none(), "{name}: a src attribute");
        if let Some(href) = n.attribute("href") {
            assert!(href.starts_with('#'), "{name}: a link out: {href}");
        }
    }
    let style = doc
        .descendants()
        .find(|n| n.has_tag_name(("http://www.w3.org/1999/xhtml", "style")))
        .and_then(|n| n.text())
        .expect("a style sheet");
    for outside in ["url(", "@import", "@font-face"] {
        assert!(
            !style.contains(outside),
            "{name}: the style sheet loads {outside}"
        );
    }
    assert!(style.contains("@media print"), "{name}: print styles");
    let text = text_of(&doc);
    for f in &report.analysis.findings {
        let id = f.id(&report.design);
        assert!(text.contains(&id), "{name}: no finding {id}");
    }
    for e in &design.entry_points {
        assert!(text.contains(&e.name), "{name}: no entry point {}", e.name);
    }
    assert!(text.contains(&design.name), "{name}: no title");
    assert!(text.contains("archsim report "), "{name}: no command");
    let diagram = doc
        .descendants()
        .find(|n| n.has_tag_name(("http://www.w3.org/2000/svg", "svg")) && has_class(*n, "diagram"))
        .unwrap_or_else(|| panic!("{name}: no diagram"));
    check_diagram(diagram, design, name);
    let charts = doc
        .descendants()
        .filter(|n| n.has_tag_name(("http://www.w3.org/2000/svg", "svg")) && has_class(*n, "chart"))
        .count();
    assert!(
        charts >= 3,
        "{name}: latency, throughput and occupancy charts"
    );
}

/// `line` without its code spans (a run of backticks up to the next run of
/// the same length).
fn outside_code_spans(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '`' {
            let run = chars[i..].iter().take_while(|c| **c == '`').count();
            let mut j = i + run;
            let mut closed = None;
            while j < chars.len() {
                let r = chars[j..].iter().take_while(|c| **c == '`').count();
                if r == run {
                    closed = Some(j + r);
                    break;
                }
                j += r.max(1);
            }
            match closed {
                Some(end) => i = end,
                None => {
                    out.extend(&chars[i..i + run]);
                    i += run;
                }
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// The cells of a Markdown table row, split at pipes that are not escaped.
fn cells(row: &str) -> usize {
    let mut count: usize = 0;
    let mut escaped = false;
    for c in row.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
    }
    count.saturating_sub(1)
}

fn check_markdown(md: &str, design: &Design, name: &str) {
    let blocks = support::mermaid::blocks(md);
    assert_eq!(blocks.len(), 1, "{name}: one Mermaid block");
    let chart = support::mermaid::check(&blocks[0]).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(chart.nodes.len(), design.nodes.len(), "{name}");
    let vias = design.links.iter().filter(|l| l.via.is_some()).count();
    assert_eq!(chart.edges.len(), design.links.len() + vias, "{name}");
    for (l, style) in support::mermaid::ARROWS.iter().zip(Style::ALL) {
        assert!(
            md.contains(&format!("`{l}` {}", style.as_str().replace('_', "\\_"))),
            "{name}: legend for {style}"
        );
    }
    // No raw HTML outside code: every < is escaped or in a code span/block.
    let mut fence: Option<String> = None;
    for line in md.lines() {
        let ticks: String = line.chars().take_while(|c| *c == '`').collect();
        match &fence {
            Some(f) if line.trim_end() == f => fence = None,
            Some(_) => {}
            None if ticks.len() >= 3 => fence = Some(ticks),
            None => {
                let bare = outside_code_spans(line).replace("\\<", "");
                assert!(!bare.contains('<'), "{name}: raw HTML in {line:?}");
            }
        }
    }
    // Every table's rows have as many cells as its header.
    let lines: Vec<&str> = md.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with("| ---") {
            let width = cells(lines[i - 1]);
            for row in lines[i + 1..].iter().take_while(|l| l.starts_with('|')) {
                assert_eq!(cells(row), width, "{name}: {row}");
            }
        }
    }
}

fn check_json(json: &str, report: &Report, schema: &Value, name: &str) {
    let v: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{name}: not JSON: {e}"));
    let errors = support::schema::validate(schema, &v);
    assert!(
        errors.is_empty(),
        "{name}: does not match the schema:\n{}",
        errors.join("\n")
    );
    assert_eq!(v["kind"], "report");
    let ids: HashSet<&str> = v["analysis"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    for f in &report.analysis.findings {
        let id = f.id(&report.design);
        assert!(ids.contains(id.as_str()), "{name}: no finding {id}");
    }
}

#[test]
fn every_example_reports_in_every_format() {
    let schema = schema();
    for example in EXAMPLES {
        let name = example.slug;
        let design = example.design().expect("loads");
        let report = build(&design, name);
        check_html(&report.render(Format::Html), &design, &report, name);
        check_markdown(&report.render(Format::Markdown), &design, name);
        check_json(&report.render(Format::Json), &report, &schema, name);
        let svg = report.render(Format::Svg);
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{name}: SVG: {e}"));
        assert!(
            doc.root_element()
                .has_tag_name(("http://www.w3.org/2000/svg", "svg"))
        );
        check_diagram(doc.root_element(), &design, name);
        assert_eq!(
            svg,
            report::diagram_svg(&design),
            "{name}: the SVG needs no simulation"
        );
    }
}

#[test]
fn the_same_input_and_seed_give_the_same_bytes() {
    for example in EXAMPLES.iter().step_by(3) {
        let design = example.design().expect("loads");
        let (a, b) = (build(&design, example.slug), build(&design, example.slug));
        for format in Format::ALL {
            assert!(
                a.render(format) == b.render(format),
                "{}: {format} differs",
                example.slug
            );
        }
    }
}

#[test]
fn the_date_is_the_only_thing_that_changes_with_time() {
    let design = EXAMPLES[0].design().expect("loads");
    let a = build(&design, "a");
    let mut options = options(&design, "a", Format::Html);
    options.generated_unix_s = Some(1_800_000_000);
    let b = report::build(&design, &options).expect("builds");
    let (ja, jb) = (a.render(Format::Json), b.render(Format::Json));
    let strip = |s: &str| -> String {
        s.lines()
            .filter(|l| !l.contains("\"generated_utc\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_ne!(ja, jb);
    assert_eq!(strip(&ja), strip(&jb));
}

#[test]
fn the_json_schema_is_documented_field_by_field() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/cli-json.md"))
            .expect("docs/cli-json.md exists");
    assert!(
        doc.contains("## `kind: \"report\"`"),
        "a section on kind: \"report\""
    );
    // Field names the doc mentions: in code spans (`a.b[]`, `c`), and
    // quoted inside them (`{ "id", "kind" }`).
    let mut documented = HashSet::new();
    for span in doc.split('`').skip(1).step_by(2) {
        for part in span.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            documented.insert(part.to_owned());
        }
    }
    for name in support::schema::property_names(&schema()) {
        assert!(
            documented.contains(&name),
            "docs/cli-json.md does not describe `{name}`"
        );
    }
}

/// A design whose every name and note looks like markup of some language.
fn hostile() -> Design {
    let mut d = Design::new("<script>alert(1)</script> & \"quotes\" | pipes\n# heading");
    d.description =
        "**bold** <b>tag</b> [link](http://example.com) `code` $x$ @team\n\n- list".into();
    let names = [
        "<script>alert('x')</script>",
        "a\"b",
        "x | y\nz",
        "```fence``` %% end ]] }}",
        "#35; &amp; -->",
    ];
    for (i, name) in names.iter().enumerate() {
        let kind = if i == 0 {
            NodeKind::Client
        } else {
            NodeKind::Service(Service::simple(4, Distribution::Constant { ms: 5.0 }))
        };
        d.nodes.push(Node {
            id: format!("n{i}").as_str().into(),
            name: (*name).to_owned(),
            pos: Position {
                x: i as f32 * 240.0,
                y: 0.0,
            },
            notes: format!("notes of {name} </title>"),
            kind,
        });
    }
    for i in 0..names.len() - 1 {
        let mut link = Link::new(
            format!("n{i}").as_str(),
            format!("n{}", i + 1).as_str(),
            Style::Sync,
        );
        link.timeout_ms = Some(1000.0);
        link.notes = "<!-- comment --> ]]>".into();
        d.links.push(link);
    }
    d.entry_points.push(EntryPoint {
        name: "entry | <i>x</i> `y`".into(),
        client: "n0".into(),
        target: "n1".into(),
        operation: None,
        objectives: Default::default(),
        load: Load::Open {
            arrival: Arrival::Poisson,
            rate_per_s: 5.0,
        },
    });
    assert!(d.problems().is_empty(), "{:?}", d.problems());
    d
}

#[test]
fn names_that_look_like_markup_stay_text() {
    let design = hostile();
    let name = "odd name's.archsim.ron";
    let with_studies = ReportOptions {
        run_studies: Kind::ALL.to_vec(),
        ..options(&design, name, Format::Html)
    };
    let report = report::build(&design, &with_studies).expect("a report");
    assert!(Kind::ALL.into_iter().all(|k| report.studies.has(k)));
    let html = report.render(Format::Html);
    check_html(&html, &design, &report, "hostile");
    let doc = parse_xhtml(&html).expect("well-formed");
    let text = text_of(&doc);
    for n in &design.nodes {
        let shown = n.name.replace('\n', " ");
        assert!(
            text.contains(&n.name) || text.contains(&shown),
            "the name {:?} is not shown as text",
            n.name
        );
    }
    assert!(
        !doc.descendants()
            .any(|n| n.has_tag_name("b") || n.has_tag_name("i"))
    );
    check_markdown(&report.render(Format::Markdown), &design, "hostile");
    let md = report.render(Format::Markdown);
    assert!(
        md.contains(r"\<script\>alert"),
        "names are escaped in Markdown"
    );
    let json: Value = serde_json::from_str(&report.render(Format::Json)).expect("JSON");
    assert_eq!(json["design"]["nodes"][2]["name"], "x | y\nz");
    assert!(
        json["reproduce"]["command"]
            .as_str()
            .expect("a command")
            .starts_with(r"archsim report 'odd name'\''s.archsim.ron' ")
    );
    assert!(
        md.contains(r"archsim study chaos 'odd name'\''s.archsim.ron' --seed"),
        "each study says how to run it alone, the file name quoted for the shell"
    );
    let svg = report.render(Format::Svg);
    let doc = roxmltree::Document::parse(&svg).expect("the SVG parses");
    check_diagram(doc.root_element(), &design, "hostile");
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        titles.iter().any(|t| t.contains("</title>")),
        "notes stay text in tooltips"
    );
}

#[test]
fn an_invalid_design_is_refused_but_still_drawn() {
    let mut design = hostile();
    design.links.push(Link::new("n1", "nowhere", Style::Sync));
    let err = report::build(&design, &options(&design, "x", Format::Html)).expect_err("invalid");
    assert!(err.to_string().contains("not valid"), "{err}");
    let svg = report::diagram_svg(&design);
    roxmltree::Document::parse(&svg).expect("the SVG parses");
}

#[test]
fn a_large_design_gives_a_bounded_report() {
    let design = archsim::library::synthetic(&archsim::library::SyntheticSpec {
        services: 300,
        links: 900,
        entry_points: 3,
        rate_per_s: 100.0,
        seed: 7,
    });
    let options = ReportOptions {
        replications: 1,
        max_suggestions: 2,
        ..options(&design, "big", Format::Markdown)
    };
    let report = report::build(&design, &options).expect("builds");
    assert_eq!(report.advice.evaluations.len(), 2);
    assert!(!report.unmeasured.is_empty());
    let md = report.render(Format::Markdown);
    assert!(
        md.len() < 65_536,
        "a pull-request comment takes 65 536 characters, not {}",
        md.len()
    );
    assert!(md.contains("more findings") && md.contains("were not measured"));
    check_html(&report.render(Format::Html), &design, &report, "big");
    check_json(&report.render(Format::Json), &report, &schema(), "big");
}

#[test]
fn a_design_without_load_or_links_still_reports() {
    let mut design = Design::new("Just one service");
    design.nodes.push(Node {
        id: "alone".into(),
        name: "Alone".into(),
        pos: Position::default(),
        notes: String::new(),
        kind: NodeKind::Service(Service::simple(1, Distribution::Constant { ms: 1.0 })),
    });
    assert!(design.problems().is_empty(), "{:?}", design.problems());
    let report = build(&design, "alone");
    check_html(&report.render(Format::Html), &design, &report, "alone");
    check_markdown(&report.render(Format::Markdown), &design, "alone");
    check_json(&report.render(Format::Json), &report, &schema(), "alone");
}

#[test]
fn every_study_asked_for_gets_its_section_in_every_format() {
    let slug = "fraud-check-blocking";
    let design = archsim::library::find(slug)
        .expect("an example")
        .design()
        .expect("loads");
    let options = ReportOptions {
        run_studies: Kind::ALL.to_vec(),
        ..options(&design, slug, Format::Html)
    };
    let report = report::build(&design, &options).expect("a report");

    // The page: a section per study in the contents, with its pictures;
    // the heat map has a cell per experiment and entry point.
    let html = report.render(Format::Html);
    check_html(&html, &design, &report, slug);
    let doc = parse_xhtml(&html).expect("well-formed");
    for kind in Kind::ALL {
        let section = doc
            .descendants()
            .find(|n| n.has_tag_name("section") && n.attribute("id") == Some(kind.name()))
            .unwrap_or_else(|| panic!("no {} section", kind.name()));
        assert!(
            section.descendants().any(|n| n.has_tag_name("svg")),
            "the {} section draws its charts inline",
            kind.name()
        );
        let href = format!("#{}", kind.name());
        assert!(
            doc.descendants()
                .any(|n| n.has_tag_name("a") && n.attribute("href") == Some(href.as_str())),
            "the contents link to {href}"
        );
    }
    let chaos = report.studies.chaos.as_ref().expect("chaos ran");
    let cells = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("rect")
                && ["broken", "delayed", "unaffected"]
                    .iter()
                    .any(|c| has_class(*n, c))
        })
        .count();
    let services = design.nodes.iter().filter(|n| !n.is_client()).count();
    assert_eq!(chaos.experiments.len(), 2 * services, "crash and slow each");
    assert_eq!(cells, chaos.experiments.len() * design.entry_points.len());

    // Markdown: a heading and well-formed tables per study.
    let md = report.render(Format::Markdown);
    check_markdown(&md, &design, slug);
    for heading in [
        "## Capacity study",
        "## Sensitivity study",
        "## Chaos study",
    ] {
        assert!(md.contains(heading), "no {heading:?}");
    }

    // JSON: the schema holds, and each study is the one `archsim study`
    // gives with the same seeds, duration and replications.
    let json: Value = serde_json::from_str(&report.render(Format::Json)).expect("JSON");
    let errors = support::schema::validate(&schema(), &json);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let runs = Runs {
        replications: options.replications,
        duration_s: options.duration_s,
        ..Runs::default()
    };
    for kind in Kind::ALL {
        let alone = match Study::run(kind, &design, runs.clone()).expect("the study runs") {
            Study::Capacity(s) => serde_json::to_value(s),
            Study::Sensitivity(s) => serde_json::to_value(s),
            Study::Chaos(s) => serde_json::to_value(s),
        }
        .expect("serialises");
        assert_eq!(
            json["studies"][kind.name()],
            alone,
            "the report's {} study is the study itself",
            kind.name()
        );
    }
    let command = json["reproduce"]["command"].as_str().expect("a command");
    assert!(
        command.ends_with("--study capacity --study sensitivity --study chaos"),
        "{command}"
    );
}

#[test]
fn a_report_without_studies_says_null_for_each() {
    let design = hostile();
    let report = build(&design, "hostile");
    let json: Value = serde_json::from_str(&report.render(Format::Json)).expect("JSON");
    for kind in Kind::ALL {
        assert!(json["studies"][kind.name()].is_null());
    }
    assert!(!report.render(Format::Html).contains("id=\"capacity\""));
}

#[test]
fn every_study_s_json_matches_its_schema() {
    use archsim::report::json;
    let design = archsim::library::find("fraud-check-blocking")
        .expect("an example")
        .design()
        .expect("loads");
    let runs = Runs {
        replications: 2,
        duration_s: Some(design.scenario.warmup_s + 15.0),
        ..Runs::default()
    };
    let schema = schema();
    for kind in Kind::ALL {
        let name = format!("{}_study", kind.name());
        let printed = match Study::run(kind, &design, runs.clone()).expect("runs") {
            Study::Capacity(s) => json::to_string(&name, &s),
            Study::Sensitivity(s) => json::to_string(&name, &s),
            Study::Chaos(s) => json::to_string(&name, &s),
        };
        let mut v: Value = serde_json::from_str(&printed).expect("JSON");
        assert_eq!(v["kind"], name.as_str());
        // The envelope, then the body its definition describes.
        if let Some(body) = v.as_object_mut() {
            for envelope in ["archsim_json", "kind", "archsim_version"] {
                body.remove(envelope);
            }
        }
        let definition =
            serde_json::json!({ "$ref": format!("#/$defs/{name}"), "$defs": schema["$defs"] });
        let errors = support::schema::validate(&definition, &v);
        assert!(errors.is_empty(), "{name}: {}", errors.join("\n"));
    }
}
