//! docs/file-format.md is what people write designs from: its complete
//! example must load and be canonical, every RON fragment in it must be a
//! well-formed piece of a design, it must mention every field, value and
//! kind of step the format has, its migration example must be what
//! `archsim fmt` makes of the format-1 file, and only that section may
//! show format-1 fields.

use std::path::Path;

use archsim::model::file;
use archsim::model::{
    Access, Arrival, Availability, Branch, Broker, BrokerKind, Bucket, CallStep, DataStore, Design,
    Distribution, EntryPoint, Fault, Link, LinkRef, Load, MAX_STEP_DEPTH, Node, NodeKind,
    Operation, RequestStep, Scenario, Service, Step, StoreKind, Style, Technology, Thresholds,
    WhenDown,
};
use assert_cmd::cargo::cargo_bin_cmd;
use ron::extensions::Extensions;
use serde::de::DeserializeOwned;

fn doc() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/file-format.md");
    std::fs::read_to_string(path).expect("docs/file-format.md exists")
}

/// The ```ron blocks of the doc: (line of the fence, content).
fn ron_blocks(doc: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in doc.lines().enumerate() {
        match &mut current {
            None if line.trim_start() == "```ron" => current = Some((i + 1, String::new())),
            None => {}
            Some(_) if line.trim_start() == "```" => blocks.extend(current.take()),
            Some((_, text)) => {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    assert!(current.is_none(), "a ```ron block is not closed");
    blocks
}

/// The RON options archsim uses (both extensions on).
fn options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(Extensions::IMPLICIT_SOME | Extensions::UNWRAP_VARIANT_NEWTYPES)
}

#[test]
fn the_complete_example_loads_and_is_canonical() {
    let doc = doc();
    let heading = doc
        .find("\n## A complete example\n")
        .expect("a section 'A complete example'");
    let line_of_heading = doc[..heading].lines().count() + 1;
    let (line, text) = ron_blocks(&doc)
        .into_iter()
        .find(|(line, _)| *line > line_of_heading)
        .expect("a ```ron block in 'A complete example'");
    let name = format!("docs/file-format.md:{line}");
    let design = file::parse(&text, &name).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        (3..=5).contains(&design.nodes.len()),
        "the example should have 3 to 5 nodes, not {}",
        design.nodes.len()
    );
    for kind in ["service", "broker", "data store", "client"] {
        assert!(
            design.nodes.iter().any(|n| n.kind_name() == kind),
            "the example has no {kind}"
        );
    }
    let canonical = file::to_string(&design).expect("serializes");
    assert_eq!(
        text, canonical,
        "{name}: the complete example is not in canonical form"
    );

    // And `archsim check` accepts it as a file.
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("example.archsim.ron");
    std::fs::write(&path, &text).expect("writes");
    let out = cargo_bin_cmd!("archsim")
        .arg("check")
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_design_in_the_doc_loads() {
    let doc = doc();
    let designs: Vec<(usize, String)> = ron_blocks(&doc)
        .into_iter()
        .filter(|(_, text)| text.contains("format:"))
        .collect();
    assert!(
        designs.len() >= 2,
        "the design section and the complete example"
    );
    for (line, text) in designs {
        if let Err(e) = file::parse(&text, &format!("docs/file-format.md:{line}")) {
            panic!("{e}");
        }
    }
}

/// Parses `text` as `T`, or says why not.
fn parses_as<T: DeserializeOwned>(text: &str) -> Result<(), String> {
    options()
        .from_str::<T>(text)
        .map(drop)
        .map_err(|e| e.to_string())
}

#[test]
fn every_fragment_in_the_doc_is_a_piece_of_a_design() {
    let doc = doc();
    let fragments: Vec<(usize, String)> = ron_blocks(&doc)
        .into_iter()
        .filter(|(_, text)| !text.contains("format:"))
        .collect();
    assert!(
        fragments.len() >= 6,
        "examples for nodes, links, entry points..."
    );
    for (line, text) in fragments {
        let attempts = [
            ("Node", parses_as::<Node>(&text)),
            ("Link", parses_as::<Link>(&text)),
            ("list of links", parses_as::<Vec<Link>>(&text)),
            ("EntryPoint", parses_as::<EntryPoint>(&text)),
            ("Scenario", parses_as::<Scenario>(&text)),
            ("Fault", parses_as::<Fault>(&text)),
            ("Thresholds", parses_as::<Thresholds>(&text)),
            ("Operation", parses_as::<Operation>(&text)),
            ("Step", parses_as::<Step>(&text)),
            ("list of steps", parses_as::<Vec<Step>>(&text)),
        ];
        if attempts.iter().all(|(_, r)| r.is_err()) {
            let why: Vec<String> = attempts
                .iter()
                .map(|(what, r)| format!("  as {what}: {}", r.as_ref().err().map_or("", |e| e)))
                .collect();
            panic!(
                "docs/file-format.md:{line}: the block is not a piece of a design:\n{}\n{text}",
                why.join("\n")
            );
        }
    }
}

/// The fields of the structure `T` (or of the variant `variant` of the
/// enum `T`), as RON lists them for an unknown field.
fn fields<T: DeserializeOwned>(variant: &str) -> Vec<&'static str> {
    let text = format!("{variant}(not_a_field: 0)");
    match options().from_str::<T>(&text) {
        Err(e) => match e.code {
            ron::Error::NoSuchStructField { expected, .. } => expected.to_vec(),
            other => panic!("{text}: {other}"),
        },
        Ok(_) => panic!("{text} parsed"),
    }
}

/// The values of the enum `T`, as RON lists them for an unknown one.
fn variants<T: DeserializeOwned>() -> Vec<&'static str> {
    match options().from_str::<T>("NotAVariant") {
        Err(e) => match e.code {
            ron::Error::NoSuchEnumVariant { expected, .. } => expected.to_vec(),
            other => panic!("{other}"),
        },
        Ok(_) => panic!("NotAVariant parsed"),
    }
}

#[test]
fn every_field_and_value_is_documented() {
    let doc = doc();
    let mut names = Vec::new();
    names.extend(fields::<Design>(""));
    names.extend(fields::<Node>(""));
    names.extend(fields::<Service>(""));
    names.extend(fields::<Operation>(""));
    names.extend(fields::<Broker>(""));
    names.extend(fields::<DataStore>(""));
    names.extend(fields::<Link>(""));
    names.extend(fields::<EntryPoint>(""));
    names.extend(fields::<Scenario>(""));
    names.extend(fields::<Thresholds>(""));
    names.extend(fields::<LinkRef>(""));
    names.extend(variants::<Step>());
    names.extend(fields::<CallStep>(""));
    names.extend(fields::<RequestStep>(""));
    names.extend(fields::<Branch>(""));
    for variant in variants::<Distribution>() {
        names.push(variant);
        names.extend(fields::<Distribution>(variant));
    }
    names.extend(fields::<Bucket>(""));
    for variant in variants::<Fault>() {
        names.push(variant);
        names.extend(fields::<Fault>(variant));
    }
    for variant in variants::<Load>() {
        names.push(variant);
        names.extend(fields::<Load>(variant));
    }
    names.extend(variants::<Availability>());
    names.extend(fields::<Availability>("Mttf"));
    names.extend(variants::<NodeKind>());
    names.extend(variants::<Style>());
    names.extend(variants::<Technology>());
    names.extend(variants::<Access>());
    names.extend(variants::<BrokerKind>());
    names.extend(variants::<StoreKind>());
    names.extend(variants::<WhenDown>());
    names.extend(variants::<Arrival>());
    assert!(names.len() > 100, "{} names", names.len());

    let undocumented: Vec<&str> = names
        .into_iter()
        .filter(|name| {
            // In prose and tables: `name`, or the start of `name(...)`.
            !doc.contains(&format!("`{name}`")) && !doc.contains(&format!("`{name}("))
        })
        .collect();
    assert!(
        undocumented.is_empty(),
        "docs/file-format.md does not mention: {undocumented:?}"
    );
}

#[test]
fn the_nesting_limit_is_the_one_the_loader_applies() {
    let doc = doc();
    let said = format!("at most {MAX_STEP_DEPTH} blocks");
    assert!(
        doc.contains(&said),
        "docs/file-format.md should say \"{said}\" (MAX_STEP_DEPTH)"
    );
}

/// The text of the section whose heading is `heading`, up to the next
/// section of the same level.
fn section<'a>(doc: &'a str, heading: &str) -> &'a str {
    let start = doc
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("a section {heading:?}"));
    let rest = &doc[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3);
    &rest[..end]
}

#[test]
fn the_migration_example_is_what_fmt_writes() {
    let doc = doc();
    let migration = section(&doc, "## Format 1 and migration");
    let blocks = ron_blocks(migration);
    let [(_, old), (_, new), ..] = blocks.as_slice() else {
        panic!("the migration section shows a format-1 file and its conversion");
    };
    assert!(old.contains("format: 1"), "the first block is format 1");
    let design = file::parse(old, "the format-1 example").unwrap_or_else(|e| panic!("{e}"));
    let written = file::to_string(&design).expect("serializes");
    assert_eq!(
        &written, new,
        "the migration example's second block is not what `archsim fmt` writes for the first"
    );
}

#[test]
fn only_the_migration_section_shows_format_1_fields() {
    let doc = doc();
    let migration = section(&doc, "## Format 1 and migration");
    let outside = doc.replace(migration, "");
    // Fields that exist only in format 1 (`needs_response` is also a
    // field of a call step, `latency_ms` is still read).
    let format1 = [
        "service_time:",
        "from_op:",
        "calls_per_request:",
        "parallel_group:",
        "access:",
        "response_work:",
        "format: 1",
    ];
    for (line, text) in ron_blocks(&outside) {
        for field in format1 {
            assert!(
                !text.contains(field),
                "a ```ron block near line {line} of docs/file-format.md (outside the migration section) uses format 1's `{field}`"
            );
        }
    }
}
