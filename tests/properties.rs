//! Properties of the design model and its file format, over generated
//! input:
//!
//! - every design built by the `valid_design` strategy (every node kind,
//!   links whose styles respect the kind rules, entry points, faults,
//!   numbers in range, optional fields set or not) validates, and its
//!   canonical text parses back to an equal design and is stable;
//! - no input, however broken, makes loading panic, and every error names
//!   the file (with a line and column inside the file when it has one).
//!
//! Case counts are modest so the suite stays quick in a debug build.

mod common;

use std::collections::HashSet;

use proptest::prelude::*;
use proptest::sample::select;

use archsim::library::EXAMPLES;
use archsim::model::{Fault, LoadError, Node, file};
use common::designs::valid_design;

// --- properties of valid designs ------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_designs_are_valid(design in valid_design()) {
        let problems = design.problems();
        prop_assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn canonical_text_round_trips_and_is_stable(design in valid_design()) {
        let text = file::to_string(&design).expect("serializes");
        let parsed = match file::parse(&text, "generated.archsim.ron") {
            Ok(d) => d,
            Err(e) => return Err(TestCaseError::fail(format!("{e}\n{text}"))),
        };
        prop_assert_eq!(&parsed, &design, "{}", text);
        let again = file::to_string(&parsed).expect("serializes");
        prop_assert_eq!(again, text);
    }
}

#[test]
fn the_generator_covers_every_kind_style_and_fault() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = valid_design();
    let (mut kinds, mut styles, mut faults) = (HashSet::new(), HashSet::new(), HashSet::new());
    let (mut entries, mut vias, mut dead_letters) = (0, 0, 0);
    for _ in 0..256 {
        let design = strategy.new_tree(&mut runner).expect("a design").current();
        kinds.extend(design.nodes.iter().map(Node::kind_name));
        styles.extend(design.links.iter().map(|l| l.style));
        faults.extend(design.scenario.faults.iter().map(Fault::kind_name));
        entries += design.entry_points.len();
        vias += design.links.iter().filter(|l| l.via.is_some()).count();
        dead_letters += design
            .links
            .iter()
            .filter(|l| l.dead_letter.is_some())
            .count();
    }
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    assert_eq!(styles.len(), 4, "{styles:?}");
    assert_eq!(faults.len(), 5, "{faults:?}");
    assert!(
        entries > 50 && vias > 5 && dead_letters > 5,
        "{entries} {vias} {dead_letters}"
    );
}

// --- nothing panics ---------------------------------------------------------

/// Checks what every load error must satisfy: its message names the file
/// on every line, and its location (if any) lies inside the text.
fn check_error(err: &LoadError, name: &str, text: &[u8]) -> Result<(), TestCaseError> {
    let message = err.to_string();
    for line in message.lines() {
        prop_assert!(
            line.starts_with(&format!("{name}:")),
            "a line of the message does not name the file: {line:?}"
        );
    }
    if let Some(at) = err.location() {
        prop_assert_eq!(&at.file, name);
        prop_assert!(
            message.starts_with(&format!("{at}: ")),
            "message does not start with {}: {}",
            at,
            message
        );
        // Lines and columns count from 1 and stay inside the text (the
        // column may be one past the end of its line).
        let text = String::from_utf8_lossy(text);
        let lines: Vec<&str> = text.split('\n').collect();
        prop_assert!(
            at.line >= 1 && at.line <= lines.len(),
            "line {} of {}",
            at.line,
            lines.len()
        );
        let width = lines[at.line - 1].chars().count();
        prop_assert!(
            at.col >= 1 && at.col <= width + 1,
            "col {} of {}",
            at.col,
            width
        );
    }
    Ok(())
}

/// Loads bytes; must not panic; a design that loads must round-trip.
fn load_anything(bytes: &[u8]) -> Result<(), TestCaseError> {
    let name = "fuzzed.archsim.ron";
    match file::parse_bytes(bytes, name) {
        Ok(design) => {
            prop_assert!(design.problems().is_empty());
            let text = file::to_string(&design).expect("serializes");
            let again = file::parse(&text, name).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(again, design);
        }
        Err(err) => check_error(&err, name, bytes)?,
    }
    Ok(())
}

/// Pieces of RON, so that random sequences get past the first token.
fn ron_soup() -> BoxedStrategy<String> {
    let pieces = vec![
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        " ",
        "\n",
        "\"",
        "\\",
        "'",
        "//",
        "/*",
        "*/",
        "#![enable(implicit_some)]",
        "r#\"",
        "\"#",
        "format",
        "format: 1",
        "format: 2",
        "name",
        "name: \"x\"",
        "nodes",
        "links",
        "id",
        "kind",
        "Service",
        "Client",
        "Broker",
        "DataStore",
        "workers",
        "operations",
        "service_time",
        "Constant",
        "ms",
        "style",
        "sync",
        "from",
        "to",
        "\"a\"",
        "\"b\"",
        "0",
        "1",
        "-1",
        "1.5",
        "1e308",
        "NaN",
        "inf",
        "-inf",
        "Some",
        "None",
        "true",
        "é",
        "\u{feff}",
        "\0",
    ];
    prop::collection::vec(select(pieces), 0..80)
        .prop_map(|p| p.concat())
        .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        load_anything(&bytes)?;
    }

    #[test]
    fn arbitrary_text_never_panics(text in "(?s).{0,256}") {
        load_anything(text.as_bytes())?;
    }

    #[test]
    fn ron_like_soup_never_panics(text in ron_soup()) {
        load_anything(text.as_bytes())?;
    }
}

// --- mutated examples --------------------------------------------------------

/// One way of breaking a file.
#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, bytes: Vec<u8> },
    Replace { at: usize, byte: u8 },
    Number { which: usize, with: &'static str },
    DropLine { which: usize },
    DuplicateLine { which: usize },
}

fn mutation() -> BoxedStrategy<Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..8).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..4))
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        (
            any::<usize>(),
            select(b"()[]{},:\"\\ 0a-./*\n\xff".to_vec())
        )
            .prop_map(|(at, byte)| Mutation::Replace { at, byte }),
        (
            any::<usize>(),
            select(vec![
                "-1",
                "NaN",
                "-NaN",
                "inf",
                "-inf",
                "1e308",
                "1e309",
                "-1e308",
                "0",
                "1.5",
                "4294967296",
                "18446744073709551616",
                "0x10",
                "1_000",
                "",
            ])
        )
            .prop_map(|(which, with)| Mutation::Number { which, with }),
        any::<usize>().prop_map(|which| Mutation::DropLine { which }),
        any::<usize>().prop_map(|which| Mutation::DuplicateLine { which }),
    ]
    .boxed()
}

/// Where the numbers are in `text`: runs of digits, with a sign and
/// fraction.
fn number_spans(text: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let starts = text[i].is_ascii_digit()
            && (i == 0 || !(text[i - 1].is_ascii_alphanumeric() || text[i - 1] == b'_'));
        if starts {
            let start = if i > 0 && text[i - 1] == b'-' {
                i - 1
            } else {
                i
            };
            let mut end = i;
            while end < text.len() && (text[end].is_ascii_digit() || text[end] == b'.') {
                end += 1;
            }
            spans.push((start, end));
            i = end;
        } else {
            i += 1;
        }
    }
    spans
}

fn apply(text: &mut Vec<u8>, m: &Mutation) {
    let len = text.len();
    match m {
        Mutation::Delete { at, len: n } => {
            let at = at % len.max(1);
            let end = (at + n).min(len);
            text.drain(at..end);
        }
        Mutation::Insert { at, bytes } => {
            let at = at % (len + 1);
            text.splice(at..at, bytes.iter().copied());
        }
        Mutation::Replace { at, byte } => {
            if len > 0 {
                text[at % len] = *byte;
            }
        }
        Mutation::Number { which, with } => {
            let spans = number_spans(text);
            if !spans.is_empty() {
                let (start, end) = spans[which % spans.len()];
                text.splice(start..end, with.bytes());
            }
        }
        Mutation::DropLine { which } | Mutation::DuplicateLine { which } => {
            let mut lines: Vec<Vec<u8>> = text.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
            let k = which % lines.len();
            if matches!(m, Mutation::DropLine { .. }) {
                lines.remove(k);
            } else {
                let line = lines[k].clone();
                lines.insert(k, line);
            }
            *text = lines.join(&b'\n');
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn mutated_examples_load_or_fail_with_a_place(
        example in any::<usize>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let example = &EXAMPLES[example % EXAMPLES.len()];
        let mut bytes = example.text.as_bytes().to_vec();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        load_anything(&bytes)?;
    }

    #[test]
    fn mutated_generated_designs_load_or_fail_with_a_place(
        design in valid_design(),
        mutations in prop::collection::vec(mutation(), 1..3),
    ) {
        let mut bytes = file::to_string(&design).expect("serializes").into_bytes();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        load_anything(&bytes)?;
    }
}

#[test]
fn number_spans_finds_signed_and_fractional_numbers() {
    let text = b"(a: -1.5, b2: 30, c: [7])";
    let spans: Vec<&[u8]> = number_spans(text)
        .into_iter()
        .map(|(s, e)| &text[s..e])
        .collect();
    assert_eq!(spans, vec![&b"-1.5"[..], b"30", b"7"]);
}
