//! Broken design files must fail to load with an error a person can act
//! on: the right kind of error, at the line and column of the offending
//! token, naming what is wrong.
//!
//! Each file in `tests/bad/` holds exactly one mistake. The expected
//! line:column of every case was checked by hand against the file.
//! Further cases (empty, binary, not UTF-8, deeply nested, very large)
//! are generated here into temporary files.

use std::io::Write;
use std::path::{Path, PathBuf};

use archsim::model::file::{self, MAX_FILE_BYTES};
use archsim::model::{Invalid, LoadError};

/// What loading one bad file must give.
struct Case {
    /// File name in `tests/bad/`.
    file: &'static str,
    /// The `LoadError` variant, and for `Invalid` the `Invalid` variant
    /// of its (only) problem: `"Syntax"`, `"Invalid::UnknownNode"`.
    kind: &'static str,
    /// Line and column of the offending token.
    at: (usize, usize),
    /// Words the message must contain: the offending field, id, value...
    mentions: &'static [&'static str],
}

const fn case(
    file: &'static str,
    kind: &'static str,
    at: (usize, usize),
    mentions: &'static [&'static str],
) -> Case {
    Case {
        file,
        kind,
        at,
        mentions,
    }
}

/// Every file in `tests/bad/`, with what it must produce.
const CASES: &[Case] = &[
    // --- RON syntax -----------------------------------------------------
    // `workers: 4` lacks its comma; the parser stops at the next field.
    case(
        "syntax-missing-comma",
        "Syntax",
        (8, 13),
        &["comma", "`operations`", "line 7"],
    ),
    // The `]` closing `nodes` is missing; `links` is read as a node.
    case(
        "syntax-unclosed-bracket",
        "Syntax",
        (10, 5),
        &["`links`", "]"],
    ),
    // The description's closing quote is missing: point at the opening one.
    case(
        "syntax-unclosed-string",
        "Syntax",
        (12, 18),
        &["string is not closed"],
    ),
    case(
        "syntax-unclosed-comment",
        "Syntax",
        (6, 1),
        &["/*", "never closed"],
    ),
    // A second `)` on the line after the design.
    case(
        "syntax-trailing-text",
        "Syntax",
        (6, 1),
        &["`)`", "after the end of the design"],
    ),
    case(
        "syntax-fraction-for-count",
        "Syntax",
        (6, 22),
        &["`4.5`", "not a whole number"],
    ),
    case(
        "syntax-negative-count",
        "Syntax",
        (6, 22),
        &["`-4`", "out of range", "≥ 0"],
    ),
    case(
        "syntax-duplicate-field",
        "Syntax",
        (5, 5),
        &["`name`", "twice"],
    ),
    case("syntax-not-a-design", "Syntax", (1, 1), &["`[`", "design"]),
    // --- shape: fields and enum values ------------------------------------
    case(
        "unknown-field",
        "UnknownField",
        (6, 13),
        &["`worker`", "Service", "workers, queue_capacity, operations"],
    ),
    // The node lacks `name`; reported where the node ends.
    case(
        "missing-field",
        "MissingField",
        (6, 33),
        &["`name`", "Node"],
    ),
    case(
        "missing-format",
        "MissingField",
        (4, 1),
        &["`format`", "Design"],
    ),
    case(
        "unknown-style",
        "UnknownVariant",
        (11, 45),
        &["`synch`", "sync, async_request, event, common_data"],
    ),
    case(
        "unknown-node-kind",
        "UnknownVariant",
        (4, 44),
        &["`Browser`", "Service, Broker, DataStore, Client"],
    ),
    // A newer file with a field this archsim does not know: the version is
    // the problem, not the field.
    case(
        "unsupported-format",
        "UnsupportedFormat",
        (2, 5),
        &["version 3", "formats 1 to 2"],
    ),
    // A version older than the first was never written by any archsim:
    // upgrading would not help, so the message must not suggest it.
    case(
        "format-zero",
        "UnknownFormat",
        (2, 5),
        &[
            "`format: 0`",
            "not an archsim design format version",
            "start at 1",
        ],
    ),
    // --- references ---------------------------------------------------------
    case(
        "dangling-link-node",
        "Invalid::UnknownNode",
        (13, 23),
        &["\"billing\"", "api -> billing", "known: web, api"],
    ),
    case(
        "dangling-entry-target",
        "Invalid::UnknownNode",
        (13, 41),
        &["\"apii\"", "entry point \"browse\"", "known: web, api"],
    ),
    case(
        "dangling-fault-node",
        "Invalid::UnknownNode",
        (13, 24),
        &["\"payment\"", "fault 1 (Crash)"],
    ),
    case(
        "dangling-fault-link",
        "Invalid::UnknownLink",
        (13, 23),
        &["\"api -> web\"", "fault 1 (Drop)", "not in the design"],
    ),
    case(
        "dangling-via",
        "Invalid::UnknownNode",
        (15, 59),
        &["\"report_queue\"", "api -> report"],
    ),
    case(
        "dangling-dead-letter",
        "Invalid::UnknownNode",
        (17, 73),
        &["\"dlq\"", "orders -> mailer"],
    ),
    case(
        "unknown-operation",
        "Invalid::UnknownOperation",
        (14, 51),
        &["\"delete\"", "\"api\"", "known: list, show"],
    ),
    case(
        "operation-on-a-store",
        "Invalid::WrongKind",
        (15, 50),
        &["\"db\"", "data store", "service"],
    ),
    // --- uniqueness and ids -----------------------------------------------
    case(
        "duplicate-node-id",
        "Invalid::DuplicateNodeId",
        (10, 10),
        &["\"api\"", "twice"],
    ),
    case(
        "duplicate-entry-point",
        "Invalid::DuplicateEntryPoint",
        (14, 10),
        &["\"browse\"", "twice"],
    ),
    case(
        "duplicate-operation",
        "Invalid::DuplicateOperation",
        (9, 18),
        &["\"api\"", "\"list\""],
    ),
    case(
        "bad-id-space",
        "Invalid::BadId",
        (6, 10),
        &["\"order service\"", "try \"order_service\""],
    ),
    case(
        "empty-operation-name",
        "Invalid::EmptyOperationName",
        (9, 18),
        &["\"api\"", "operation 2", "empty `name`"],
    ),
    case(
        "empty-entry-name",
        "Invalid::EmptyEntryName",
        (13, 10),
        &["entry point 1", "\"web\" to \"api\"", "empty `name`"],
    ),
    case(
        "no-operations",
        "Invalid::NoOperations",
        (5, 60),
        &["\"api\"", "no operations"],
    ),
    // --- styles and the kinds they join -----------------------------------
    case(
        "common-data-between-services",
        "Invalid::LinkKinds",
        (14, 40),
        &["common_data", "from a service to a service", "data store"],
    ),
    case(
        "sync-to-broker",
        "Invalid::LinkKinds",
        (11, 41),
        &["sync", "from a service to a broker"],
    ),
    case(
        "via-not-broker",
        "Invalid::WrongKind",
        (20, 59),
        &["\"db\"", "data store", "via", "broker"],
    ),
    case(
        "field-not-applicable",
        "Invalid::FieldNotApplicable",
        (12, 51),
        &["`timeout_ms`", "api -> orders", "sync, async_request"],
    ),
    case(
        "dead-letter-on-sync",
        "Invalid::FieldNotApplicable",
        (12, 51),
        &["`dead_letter`", "web -> api"],
    ),
    case(
        "retention-on-queue",
        "Invalid::RetentionOnQueue",
        (11, 13),
        &["\"jobs\"", "`retention_s`", "Log"],
    ),
    case(
        "backoff-without-retries",
        "Invalid::BackoffWithoutRetries",
        (11, 68),
        &[
            "web -> api",
            "`backoff_ms`",
            "`retries` is 0",
            "set `retries`",
        ],
    ),
    // --- faults -------------------------------------------------------------
    case(
        "poison-on-sync",
        "Invalid::PoisonNotConsumed",
        (13, 25),
        &[
            "fault 1 (Poison)",
            "\"web -> api\" is a sync call",
            "subscription",
            "`via`",
        ],
    ),
    case(
        "crash-on-client",
        "Invalid::FaultOnClient",
        (13, 24),
        &[
            "fault 1 (Crash)",
            "\"web\" is a client",
            "load, not a server",
        ],
    ),
    case(
        "fault-after-run",
        "Invalid::FaultAfterRun",
        (14, 40),
        &["fault 1 (SlowDown)", "starts at 90 s", "lasts 60 s"],
    ),
    // --- numbers ------------------------------------------------------------
    case(
        "negative-latency",
        "Invalid::BadNumber",
        (11, 51),
        &["`latency_ms`", "-20", "≥ 0"],
    ),
    case(
        "nan-service-time",
        "Invalid::BadNumber",
        (7, 69),
        &["mean_ms", "NaN", "finite"],
    ),
    case(
        "infinite-duration",
        "Invalid::BadNumber",
        (5, 16),
        &["`duration_s`", "inf", "finite"],
    ),
    case(
        "position-infinite",
        "Invalid::BadNumber",
        (4, 44),
        &["`pos.x`", "inf"],
    ),
    case(
        "zero-workers",
        "Invalid::ZeroWorkers",
        (6, 13),
        &["\"api\"", "0 workers"],
    ),
    case(
        "error-rate-above-one",
        "Invalid::BadNumber",
        (8, 13),
        &["`error_rate`", "1.5", "between 0 and 1"],
    ),
    case(
        "availability-negative",
        "Invalid::BadNumber",
        (9, 13),
        &["`availability`", "-0.1", "between 0 and 1"],
    ),
    case(
        "drop-fraction-above-one",
        "Invalid::BadNumber",
        (13, 55),
        &["`fraction`", "is 2", "between 0 and 1"],
    ),
    case(
        "threshold-out-of-range",
        "Invalid::BadNumber",
        (5, 18),
        &["`saturation`", "85", "between 0 and 1"],
    ),
    case(
        "warmup-not-before-end",
        "Invalid::BadNumber",
        (5, 32),
        &["`warmup_s`", "30", "less than duration_s"],
    ),
    case(
        "uniform-min-above-max",
        "Invalid::BadNumber",
        (7, 65),
        &["min_ms", "50", "at most max_ms"],
    ),
    case(
        "lognormal-spread-around-zero",
        "Invalid::BadNumber",
        (7, 67),
        &["mean_ms", "is 0", "sd_ms"],
    ),
    // --- measured and gamma-family distributions ---------------------------
    case(
        "empirical-no-values",
        "Invalid::BadMeasurements",
        (7, 67),
        &["values_ms", "is empty", "list the measured durations"],
    ),
    case(
        "empirical-negative-value",
        "Invalid::BadNumber",
        (7, 82),
        &["values_ms[1]", "-1", "≥ 0"],
    ),
    case(
        "histogram-no-buckets",
        "Invalid::BadMeasurements",
        (7, 67),
        &["buckets", "is empty", "list the buckets"],
    ),
    // The second bound (20) is below the first (50): point at it.
    case(
        "histogram-bounds-not-increasing",
        "Invalid::BadNumber",
        (7, 104),
        &["buckets[1].up_to_ms", "20", "greater than the previous"],
    ),
    case(
        "histogram-no-counts",
        "Invalid::BadMeasurements",
        (7, 67),
        &["buckets", "counts of 0"],
    ),
    case(
        "histogram-negative-bound",
        "Invalid::BadNumber",
        (7, 78),
        &["buckets[0].up_to_ms", "-5", "≥ 0"],
    ),
    case(
        "erlang-zero-phases",
        "Invalid::BadNumber",
        (7, 64),
        &[".k`", "is 0", "≥ 1"],
    ),
    case(
        "gamma-spread-around-zero",
        "Invalid::BadNumber",
        (7, 63),
        &["mean_ms", "is 0", "sd_ms"],
    ),
    // sd / mean = 5e6: the shape would be 4e-14.
    case(
        "gamma-spread-too-wide",
        "Invalid::BadNumber",
        (7, 79),
        &["sd_ms", "5000", "at most 1e6 × mean_ms"],
    ),
    case(
        "rate-zero",
        "Invalid::BadNumber",
        (13, 85),
        &["`rate_per_s`", "is 0", "> 0"],
    ),
    case(
        "closed-load-without-users",
        "Invalid::BadNumber",
        (13, 69),
        &["`users`", "is 0", "≥ 1"],
    ),
    // --- entry points -------------------------------------------------------
    case(
        "entry-on-service",
        "Invalid::NotAnEntryNode",
        (17, 26),
        &["\"browse\"", "\"api\" is a service", "client"],
    ),
    case(
        "entry-without-link",
        "Invalid::EntryWithoutLink",
        (12, 41),
        &["\"browse\"", "no link from \"web\" to \"api\""],
    ),
    case(
        "entry-operation-not-linked",
        "Invalid::EntryOperationNotLinked",
        (16, 57),
        &["\"details\"", "\"show\"", "\"list\""],
    ),
    // --- format 2: steps ---------------------------------------------------
    case(
        "format2-with-parallel-group",
        "Invalid::FormatOneField",
        (13, 46),
        &["`parallel_group`", "Parallel([...])"],
    ),
    case(
        "format2-with-service-time",
        "Invalid::FormatOneField",
        (9, 94),
        &["`service_time`", "Work(...)"],
    ),
    case(
        "latency-twice",
        "Invalid::FieldTwice",
        (13, 46),
        &["`latency_ms`", "`latency`"],
    ),
    case(
        "step-ambiguous-link",
        "Invalid::AmbiguousStepLink",
        (6, 103),
        &["2 links", "`name`"],
    ),
    case(
        "step-call-to-store",
        "Invalid::WrongStepLink",
        (6, 126),
        &["Call", "Read, Write or Update"],
    ),
    case(
        "step-duplicate-link-name",
        "Invalid::DuplicateLinkName",
        (17, 64),
        &["\"charge\"", "own name"],
    ),
    case(
        "step-empty-parallel",
        "Invalid::EmptyBlock",
        (6, 121),
        &["Parallel", "no steps"],
    ),
    case(
        "step-negative-times",
        "Invalid::BadNumber",
        (6, 116),
        &["`times`", "-1"],
    ),
    case(
        "step-probabilities-sum",
        "Invalid::ProbabilitiesSum",
        (6, 98),
        &["1.1", "add up to 1"],
    ),
    case(
        "step-reply-in-continuation",
        "Invalid::MisplacedReply",
        (6, 126),
        &["continuation"],
    ),
    case(
        "step-reply-in-parallel",
        "Invalid::MisplacedReply",
        (6, 121),
        &["Parallel"],
    ),
    case(
        "step-reply-twice",
        "Invalid::MisplacedReply",
        (6, 140),
        &["second time"],
    ),
    case(
        "step-too-deep",
        "Invalid::TooDeep",
        (6, 187),
        &["9 deep", "allows 8"],
    ),
    case(
        "step-unknown-link",
        "Invalid::UnknownStepLink",
        (6, 126),
        &["\"stock\"", "db, orders, pay"],
    ),
    case(
        "step-unknown-use",
        "Invalid::UnknownUse",
        (6, 116),
        &["`uses`", "\"db\""],
    ),
    case(
        "step-wrong-style",
        "Invalid::WrongStepLink",
        (6, 129),
        &["Publish", "event link"],
    ),
    case(
        "step-endless-requests",
        "Invalid::EndlessLoop",
        (6, 90),
        &["ping.ping -> pong.pong -> ping.ping", "without end"],
    ),
    case(
        "format1-with-steps",
        "Invalid::FormatTwoField",
        (6, 121),
        &["`steps`", "format: 2"],
    ),
    case(
        "step-fallback-on-common-data",
        "Invalid::FieldNotApplicable",
        (6, 116),
        &["`fallback`", "sync link"],
    ),
];

fn bad_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad")
}

fn bad_path(name: &str) -> PathBuf {
    bad_dir().join(format!("{name}.{}", file::EXTENSION))
}

/// The name of an `Invalid` variant. An exhaustive match, so a new
/// variant must be named here (and should get a bad file).
fn invalid_name(invalid: &Invalid) -> &'static str {
    match invalid {
        Invalid::UnknownNode { .. } => "UnknownNode",
        Invalid::UnknownLink { .. } => "UnknownLink",
        Invalid::DuplicateNodeId { .. } => "DuplicateNodeId",
        Invalid::DuplicateEntryPoint { .. } => "DuplicateEntryPoint",
        Invalid::DuplicateOperation { .. } => "DuplicateOperation",
        Invalid::BadId { .. } => "BadId",
        Invalid::NoOperations { .. } => "NoOperations",
        Invalid::UnknownOperation { .. } => "UnknownOperation",
        Invalid::LinkKinds { .. } => "LinkKinds",
        Invalid::WrongKind { .. } => "WrongKind",
        Invalid::FieldNotApplicable { .. } => "FieldNotApplicable",
        Invalid::BadNumber { .. } => "BadNumber",
        Invalid::BadMeasurements { .. } => "BadMeasurements",
        Invalid::ZeroWorkers { .. } => "ZeroWorkers",
        Invalid::NotAnEntryNode { .. } => "NotAnEntryNode",
        Invalid::EntryWithoutLink { .. } => "EntryWithoutLink",
        Invalid::EntryOperationNotLinked { .. } => "EntryOperationNotLinked",
        Invalid::MoreProblems { .. } => "MoreProblems",
        Invalid::FormatVersion { .. } => "FormatVersion",
        Invalid::PoisonNotConsumed { .. } => "PoisonNotConsumed",
        Invalid::FaultOnClient { .. } => "FaultOnClient",
        Invalid::FaultAfterRun { .. } => "FaultAfterRun",
        Invalid::EmptyOperationName { .. } => "EmptyOperationName",
        Invalid::EmptyEntryName { .. } => "EmptyEntryName",
        Invalid::RetentionOnQueue { .. } => "RetentionOnQueue",
        Invalid::BackoffWithoutRetries { .. } => "BackoffWithoutRetries",
        Invalid::MissingServiceTime { .. } => "MissingServiceTime",
        Invalid::FormatOneField { .. } => "FormatOneField",
        Invalid::FormatTwoField { .. } => "FormatTwoField",
        Invalid::FieldTwice { .. } => "FieldTwice",
        Invalid::DuplicateLinkName { .. } => "DuplicateLinkName",
        Invalid::UnknownStepLink { .. } => "UnknownStepLink",
        Invalid::AmbiguousStepLink { .. } => "AmbiguousStepLink",
        Invalid::WrongStepLink { .. } => "WrongStepLink",
        Invalid::ProbabilitiesSum { .. } => "ProbabilitiesSum",
        Invalid::EmptyBlock { .. } => "EmptyBlock",
        Invalid::MisplacedReply { .. } => "MisplacedReply",
        Invalid::TooDeep { .. } => "TooDeep",
        Invalid::UnknownUse { .. } => "UnknownUse",
        Invalid::EndlessLoop { .. } => "EndlessLoop",
    }
}

/// `"Syntax"`, `"TooLarge"`, or `"Invalid::BadNumber"` for the first
/// problem of an invalid design.
fn kind_of(err: &LoadError) -> String {
    match err {
        LoadError::Read { .. } => "Read".into(),
        LoadError::TooLarge { .. } => "TooLarge".into(),
        LoadError::Empty { .. } => "Empty".into(),
        LoadError::NotText { .. } => "NotText".into(),
        LoadError::Syntax { .. } => "Syntax".into(),
        LoadError::UnknownField { .. } => "UnknownField".into(),
        LoadError::MissingField { .. } => "MissingField".into(),
        LoadError::UnknownVariant { .. } => "UnknownVariant".into(),
        LoadError::UnsupportedFormat { .. } => "UnsupportedFormat".into(),
        LoadError::UnknownFormat { .. } => "UnknownFormat".into(),
        LoadError::Invalid { problems, .. } => match problems.first() {
            Some(p) => format!("Invalid::{}", invalid_name(&p.invalid)),
            None => "Invalid with no problems".into(),
        },
    }
}

/// Loads one bad file and lists everything that differs from `case`.
fn check(case: &Case) -> Vec<String> {
    let path = bad_path(case.file);
    let err = match file::load(&path) {
        Ok(_) => return vec![format!("{}: loaded, but must fail", case.file)],
        Err(e) => e,
    };
    let mut wrong = Vec::new();
    let kind = kind_of(&err);
    if kind != case.kind {
        wrong.push(format!(
            "{}: kind {kind}, expected {}",
            case.file, case.kind
        ));
    }
    if let LoadError::Invalid { problems, .. } = &err
        && problems.len() != 1
    {
        wrong.push(format!(
            "{}: {} problems, expected exactly one (one mistake per file):\n{err}",
            case.file,
            problems.len()
        ));
    }
    match err.location() {
        Some(at) => {
            if (at.line, at.col) != case.at {
                wrong.push(format!(
                    "{}: at {}:{}, expected {}:{}",
                    case.file, at.line, at.col, case.at.0, case.at.1
                ));
            }
            if at.file != path.display().to_string() {
                wrong.push(format!("{}: location names file {}", case.file, at.file));
            }
        }
        None => wrong.push(format!("{}: no location", case.file)),
    }
    let message = err.to_string();
    let prefix = format!("{}:{}:{}: ", path.display(), case.at.0, case.at.1);
    if !message.starts_with(&prefix) {
        wrong.push(format!(
            "{}: message does not start with `{prefix}`: {message}",
            case.file
        ));
    }
    for word in case.mentions {
        if !message.contains(word) {
            wrong.push(format!(
                "{}: message does not mention {word:?}: {message}",
                case.file
            ));
        }
    }
    wrong
}

#[test]
fn every_bad_file_fails_with_the_right_error_at_the_right_place() {
    let wrong: Vec<String> = CASES.iter().flat_map(check).collect();
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[test]
fn every_file_in_tests_bad_has_a_case_and_every_case_a_file() {
    let suffix = format!(".{}", file::EXTENSION);
    let mut on_disk: Vec<String> = std::fs::read_dir(bad_dir())
        .expect("tests/bad exists")
        .map(|e| {
            e.expect("readable entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .map(|name| {
            name.strip_suffix(&suffix)
                .unwrap_or_else(|| panic!("{name} in tests/bad is not a .{}", file::EXTENSION))
                .to_owned()
        })
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = CASES.iter().map(|c| c.file.to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    assert!(listed.len() >= 22, "at least 22 bad files");
}

#[test]
fn every_semantic_mistake_has_a_bad_file() {
    // Invalid variants that a file cannot produce: a file with the wrong
    // version stops at the version probe, and MoreProblems needs 100.
    let unreachable = ["FormatVersion", "MoreProblems"];
    let covered: Vec<&str> = CASES
        .iter()
        .filter_map(|c| c.kind.strip_prefix("Invalid::"))
        .collect();
    let all = [
        "UnknownNode",
        "UnknownLink",
        "DuplicateNodeId",
        "DuplicateEntryPoint",
        "DuplicateOperation",
        "BadId",
        "NoOperations",
        "UnknownOperation",
        "LinkKinds",
        "WrongKind",
        "FieldNotApplicable",
        "BadNumber",
        "BadMeasurements",
        "ZeroWorkers",
        "NotAnEntryNode",
        "EntryWithoutLink",
        "EntryOperationNotLinked",
        "PoisonNotConsumed",
        "FaultOnClient",
        "FaultAfterRun",
        "EmptyOperationName",
        "EmptyEntryName",
        "RetentionOnQueue",
        "BackoffWithoutRetries",
    ];
    for name in all {
        assert!(covered.contains(&name), "no bad file for Invalid::{name}");
        assert!(!unreachable.contains(&name));
    }
}

#[test]
fn only_a_newer_format_suggests_a_newer_archsim() {
    let message = |name: &str| {
        file::load(&bad_path(name))
            .expect_err("a bad file")
            .to_string()
            .to_lowercase()
    };
    let older = message("format-zero");
    for word in ["newer", "upgrade", "update"] {
        assert!(!older.contains(word), "{word:?} in: {older}");
    }
    assert!(message("unsupported-format").contains("a newer archsim"));
}

// --- generated files ----------------------------------------------------

/// Writes `bytes` to a fresh temporary `.archsim.ron` file.
fn temp_design(bytes: &[u8]) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new()
        .suffix(".archsim.ron")
        .tempfile()
        .expect("temporary file");
    f.write_all(bytes).expect("write temporary file");
    f.flush().expect("flush temporary file");
    f
}

fn load_bytes(bytes: &[u8]) -> (LoadError, String) {
    let f = temp_design(bytes);
    let name = f.path().display().to_string();
    match file::load(f.path()) {
        Ok(_) => panic!("{} bytes loaded, but must fail", bytes.len()),
        Err(e) => (e, name),
    }
}

#[test]
fn an_empty_file_says_it_is_empty() {
    let (err, name) = load_bytes(b"");
    assert!(matches!(err, LoadError::Empty { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.starts_with(&format!("{name}: ")), "{message}");
    assert!(message.contains("empty"), "{message}");
}

#[test]
fn a_whitespace_only_file_is_empty_too() {
    let (err, _) = load_bytes(b" \n\t\r\n   \n");
    assert!(matches!(err, LoadError::Empty { .. }), "{err:?}");
}

#[test]
fn a_missing_file_cannot_be_read() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("nowhere.archsim.ron");
    let err = file::load(&path).expect_err("no such file");
    assert!(matches!(err, LoadError::Read { .. }), "{err:?}");
    assert!(err.to_string().contains("nowhere.archsim.ron"), "{err}");
}

/// Bytes from a small seeded generator (xorshift), the same on every run.
fn random_bytes(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

#[test]
fn random_binary_is_refused_as_not_text() {
    for seed in 1..=20 {
        let bytes = random_bytes(4096, seed);
        assert!(std::str::from_utf8(&bytes).is_err(), "seed {seed} is text");
        let (err, name) = load_bytes(&bytes);
        assert!(matches!(err, LoadError::NotText { .. }), "{err:?}");
        let at = err.location().expect("a place");
        assert_eq!(at.file, name);
        assert!(err.to_string().contains("not UTF-8"), "{err}");
    }
}

#[test]
fn a_file_that_stops_being_utf8_midway_points_at_the_first_bad_byte() {
    let text =
        "(\n    format: 1,\n    name: \"Caf\u{e9} \u{2615}\",\n    description: \"ok so far, then ";
    let mut bytes = text.as_bytes().to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, b'x']);
    bytes.extend_from_slice(b"\",\n    nodes: [],\n)\n");
    let (err, name) = load_bytes(&bytes);
    assert!(matches!(err, LoadError::NotText { .. }), "{err:?}");
    // Line 4 is `    description: "ok so far, then ` (34 characters), so
    // the first bad byte is character 35. The multi-byte characters on
    // line 3 must not shift the count.
    let at = err.location().expect("a place");
    assert_eq!((at.line, at.col), (4, 35));
    assert!(
        err.to_string().starts_with(&format!("{name}:4:35: ")),
        "{err}"
    );
}

#[test]
fn ten_thousand_open_brackets_fail_fast_without_overflowing_the_stack() {
    let deep = "[".repeat(10_000);
    let (err, _) = load_bytes(deep.as_bytes());
    assert!(matches!(err, LoadError::Syntax { .. }), "{err:?}");
    assert_eq!(err.location().map(|at| (at.line, at.col)), Some((1, 1)));
}

#[test]
fn deep_nesting_inside_a_design_is_refused_with_a_place() {
    // Nested inside a field, the format probe (which skips unknown
    // fields) descends into it: the recursion limit must stop it.
    for (open, close) in [("[", "]"), ("(", ")"), ("Some(", ")")] {
        let text = format!(
            "(\n    format: 1,\n    name: \"deep\",\n    nodes: [],\n    extra: {}1{},\n)\n",
            open.repeat(10_000),
            close.repeat(10_000)
        );
        let (err, _) = load_bytes(text.as_bytes());
        let at = err.location().expect("a place");
        assert_eq!(at.line, 5, "{err}");
        assert!(
            matches!(
                err,
                LoadError::UnknownField { .. } | LoadError::Syntax { .. }
            ),
            "{err:?}"
        );
    }
    // Deep nesting where a value is expected.
    let text = format!(
        "(format: 1, name: {}\"x\"{}, nodes: [])",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let (err, _) = load_bytes(text.as_bytes());
    assert!(matches!(err, LoadError::Syntax { .. }), "{err:?}");
    assert_eq!(err.location().map(|at| (at.line, at.col)), Some((1, 19)));
}

/// A design whose one service takes `service_time` (a RON distribution,
/// written on line 7 after `service_time: `, at column 57).
fn with_service_time(service_time: &str) -> String {
    format!(
        "(\n    format: 1,\n    name: \"Measured\",\n    nodes: [\n        (id: \"api\", name: \"API\", kind: Service(\n            workers: 4,\n            operations: [(name: \"handle\", service_time: {service_time})],\n        )),\n    ],\n)\n"
    )
}

#[test]
fn more_measurements_than_the_limit_are_refused_at_the_list() {
    use archsim::model::{MAX_MEASUREMENTS, Measurements};
    let values = vec!["1"; MAX_MEASUREMENTS + 1].join(",");
    let buckets: Vec<String> = (1..=MAX_MEASUREMENTS + 1)
        .map(|i| format!("(up_to_ms:{i},count:1)"))
        .collect();
    for (text, list, column) in [
        (format!("Empirical(values_ms: [{values}])"), "values_ms", 67),
        (
            format!("Histogram(buckets: [{}])", buckets.join(",")),
            "buckets",
            67,
        ),
    ] {
        let (err, _) = load_bytes(with_service_time(&text).as_bytes());
        let LoadError::Invalid { problems, .. } = &err else {
            panic!("{err:?}");
        };
        assert_eq!(problems.len(), 1, "{err}");
        let expected = if list == "values_ms" {
            Measurements::TooManyValues {
                count: MAX_MEASUREMENTS + 1,
                max: MAX_MEASUREMENTS,
            }
        } else {
            Measurements::TooManyBuckets {
                count: MAX_MEASUREMENTS + 1,
                max: MAX_MEASUREMENTS,
            }
        };
        assert!(
            matches!(&problems[0].invalid, Invalid::BadMeasurements { problem, .. } if *problem == expected),
            "{err}"
        );
        let at = err.location().expect("a place");
        assert_eq!((at.line, at.col), (7, column), "{err}");
        assert!(
            err.to_string().contains(&format!("{list}` has 100001")),
            "{err}"
        );
    }
    // The limit itself is allowed.
    let values = vec!["1"; MAX_MEASUREMENTS].join(",");
    parse_ok(&with_service_time(&format!(
        "Empirical(values_ms: [{values}])"
    )));
}

/// A valid design of about `bytes` bytes: two nodes and a long
/// description.
fn big_valid_design(bytes: usize) -> String {
    let head = "(\n    format: 1,\n    name: \"Big\",\n    description: \"";
    let tail =
        "\",\n    nodes: [\n        (id: \"web\", name: \"Web\", kind: Client),\n    ],\n)\n";
    let filler = bytes.saturating_sub(head.len() + tail.len());
    let mut text = String::with_capacity(bytes);
    text.push_str(head);
    text.push_str(&"lorem ipsum dolor sit amet ".repeat(filler / 27 + 1)[..filler]);
    text.push_str(tail);
    text
}

#[test]
fn a_50_mb_design_loads() {
    let text = big_valid_design(50 * 1024 * 1024);
    assert!(text.len() as u64 <= MAX_FILE_BYTES);
    let f = temp_design(text.as_bytes());
    let design = file::load(f.path()).expect("a 50 MB design is valid");
    assert_eq!(design.nodes.len(), 1);
    assert!(design.description.len() > 50_000_000);
}

#[test]
fn a_50_mb_design_with_a_mistake_at_the_end_is_located() {
    let mut text = big_valid_design(50 * 1024 * 1024);
    text.truncate(text.len() - ")\n".len());
    text.push_str("    links: [(from: \"web\", to: \"nowhere\", style: sync)],\n)\n");
    // From memory: reading 50 MB from disk is `a_50_mb_design_loads`'s
    // job, and a CI machine's disk may be small.
    let err = file::parse(&text, "big.archsim.ron").expect_err("unknown node");
    assert_eq!(kind_of(&err), "Invalid::UnknownNode");
    // The description is one line: the link is on line 8.
    let at = err.location().expect("a place");
    assert_eq!((at.line, at.col), (8, 27), "{err}");
}

#[test]
fn a_file_over_the_limit_is_refused_before_it_is_read() {
    let f = tempfile::Builder::new()
        .suffix(".archsim.ron")
        .tempfile()
        .expect("temporary file");
    // A sparse 65 MB file (no disk used): the size alone must refuse it.
    let size = 65 * 1024 * 1024;
    f.as_file().set_len(size as u64).expect("grow");
    let err = file::load(f.path()).expect_err("too large");
    match &err {
        LoadError::TooLarge { bytes, limit, .. } => {
            assert_eq!(*bytes, size as u64);
            assert_eq!(*limit, MAX_FILE_BYTES);
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    assert!(err.to_string().contains(&size.to_string()), "{err}");
    // The same size from memory is refused too.
    let mut text = big_valid_design(size).into_bytes();
    text.truncate(size);
    let err = file::parse_bytes(&text, "big.archsim.ron").expect_err("too large");
    assert!(matches!(err, LoadError::TooLarge { .. }), "{err:?}");
}

// --- near misses that are valid -------------------------------------------

fn parse_ok(text: &str) {
    if let Err(e) = file::parse(text, "near-miss.archsim.ron") {
        panic!("must load, but: {e}\n{text}");
    }
}

#[test]
fn an_entry_point_without_operation_is_carried_by_a_link_to_the_first_one() {
    // The entry invokes the target's first operation, "list"; a link whose
    // to_op names it carries the requests.
    parse_ok(
        r#"(
    format: 1,
    name: "Near miss",
    nodes: [
        (id: "web", name: "Web", kind: Client),
        (id: "api", name: "API", kind: Service(workers: 1, operations: [
            (name: "list", service_time: Constant(ms: 1)),
            (name: "show", service_time: Constant(ms: 1)),
        ])),
    ],
    links: [(from: "web", to: "api", style: sync, to_op: "list")],
    entry_points: [(name: "browse", client: "web", target: "api", load: Open(arrival: Poisson, rate_per_s: 1))],
)"#,
    );
}

#[test]
fn limits_themselves_are_allowed() {
    // Probabilities of exactly 0 and 1, zero latency, a warm-up of 0, a
    // log-normal that is always 0, a uniform of one value.
    parse_ok(
        r#"(
    format: 1,
    name: "Edges",
    nodes: [
        (id: "web", name: "Web", kind: Client),
        (id: "api", name: "API", kind: Service(
            workers: 1,
            operations: [
                (name: "a", service_time: LogNormal(mean_ms: 0, sd_ms: 0)),
                (name: "b", service_time: Uniform(min_ms: 3, max_ms: 3)),
            ],
            availability: Fraction(1),
            error_rate: 1,
        )),
    ],
    links: [(from: "web", to: "api", style: sync, latency_ms: 0)],
    scenario: (duration_s: 0.001, warmup_s: 0, faults: [Drop(link: (from: "web", to: "api"), fraction: 0)]),
    thresholds: (saturation: 1, blocked_share: 0),
)"#,
    );
}

#[test]
fn faults_and_fields_where_they_apply_are_allowed() {
    // Retention on a log, a backoff with retries, faults on brokers, one
    // starting just before the run ends and lasting beyond it, poison on
    // a subscription and on a request through a queue.
    parse_ok(
        r#"(
    format: 1,
    name: "Where they apply",
    nodes: [
        (id: "web", name: "Web", kind: Client),
        (id: "api", name: "API", kind: Service(workers: 1, operations: [(name: "handle", service_time: Constant(ms: 1))])),
        (id: "topic", name: "Topic", kind: Broker(kind: Log, retention_s: 60)),
        (id: "queue", name: "Queue", kind: Broker(kind: Queue)),
        (id: "worker", name: "Worker", kind: Service(workers: 1, operations: [(name: "work", service_time: Constant(ms: 1))])),
    ],
    links: [
        (from: "web", to: "api", style: sync, timeout_ms: 100, retries: 1, backoff_ms: 10, backoff_multiplier: 2),
        (from: "api", to: "topic", style: event),
        (from: "topic", to: "worker", style: event),
        (from: "api", to: "worker", style: async_request, via: "queue"),
    ],
    scenario: (duration_s: 60, warmup_s: 1, faults: [
        Crash(node: "topic", at_s: 59.9, for_s: 100),
        SlowDown(node: "queue", at_s: 0, for_s: 1, factor: 2),
        Poison(link: (from: "topic", to: "worker"), fraction: 0.01, restart_s: 1),
        Poison(link: (from: "api", to: "worker"), fraction: 0.01, restart_s: 1),
    ]),
)"#,
    );
}

#[test]
fn poison_on_a_publication_points_at_the_subscription() {
    let text = r#"(
    format: 1,
    name: "Poison where it is published",
    nodes: [
        (id: "api", name: "API", kind: Service(workers: 1, operations: [(name: "handle", service_time: Constant(ms: 1))])),
        (id: "topic", name: "Topic", kind: Broker(kind: Log)),
    ],
    links: [(from: "api", to: "topic", style: event)],
    scenario: (faults: [Poison(link: (from: "api", to: "topic"), fraction: 0.01, restart_s: 1)]),
)"#;
    let err = file::parse(text, "publication.archsim.ron").expect_err("refused");
    assert_eq!(kind_of(&err), "Invalid::PoisonNotConsumed");
    let message = err.to_string();
    assert!(message.contains("a publication"), "{message}");
    assert!(
        message.contains("the broker's link to the subscriber"),
        "{message}"
    );
}

#[test]
fn a_backoff_on_a_link_that_cannot_retry_does_not_apply() {
    let text = r#"(
    format: 1,
    name: "Backoff on an event",
    nodes: [
        (id: "api", name: "API", kind: Service(workers: 1, operations: [(name: "handle", service_time: Constant(ms: 1))])),
        (id: "topic", name: "Topic", kind: Broker(kind: Log)),
    ],
    links: [(from: "api", to: "topic", style: event, backoff_multiplier: 2)],
)"#;
    let err = file::parse(text, "event-backoff.archsim.ron").expect_err("refused");
    assert_eq!(kind_of(&err), "Invalid::FieldNotApplicable");
    assert!(err.to_string().contains("`backoff_multiplier`"), "{err}");
}

#[test]
fn the_edges_of_the_new_distributions_are_allowed() {
    // A point mass at 0 as the first bucket, empty buckets among full
    // ones, measured zeros, one phase, a gamma at the widest spread, and
    // one whose sd is 0 (a constant).
    for d in [
        "Histogram(buckets: [(up_to_ms: 0, count: 4), (up_to_ms: 5, count: 0), (up_to_ms: 9, count: 1)])",
        "Empirical(values_ms: [0, 0, 2.5])",
        "Erlang(k: 1, mean_ms: 0)",
        "Gamma(mean_ms: 0.001, sd_ms: 1000)",
        "Gamma(mean_ms: 0, sd_ms: 0)",
    ] {
        parse_ok(&with_service_time(d));
    }
}
