//! The `archsim` command line, run as a user (or a CI script) runs it:
//! exit codes, what goes to stdout and stderr, and what happens to files.
//!
//! Exit codes are a contract: 0 = clean, 1 = the command found what it
//! checks for, 2 = invalid input or usage.

mod common;

use std::path::{Path, PathBuf};

use archsim::analysis::{self, Severity};
use archsim::library::{EXAMPLES, Example};
use archsim::model::file;
use common::cli::{archsim, assert_code, stderr, stdout};

fn bad_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("tests/bad exists")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
}

/// Whether `line` starts with `file:line:col: ` for `file`.
fn has_place(line: &str, file: &str) -> bool {
    let Some(rest) = line.strip_prefix(file).and_then(|r| r.strip_prefix(':')) else {
        return false;
    };
    let mut parts = rest.splitn(3, ':');
    let number =
        |s: Option<&str>| s.is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()));
    number(parts.next()) && number(parts.next()) && parts.next().is_some_and(|m| m.starts_with(' '))
}

// --- check ----------------------------------------------------------------

/// `check`'s exit code for a valid example: 1 when its analysis finds an
/// error (the default `--fail-on`), 0 otherwise.
fn expected_check_code(example: &Example) -> i32 {
    let design = example.design().expect("loads");
    let errors = analysis::analyse(&design).at_least(Severity::Error).count();
    i32::from(errors > 0)
}

#[test]
fn check_accepts_every_example_by_name() {
    for example in EXAMPLES {
        let out = archsim(["check", example.slug]);
        assert_code(&out, expected_check_code(example));
        assert!(
            stdout(&out).starts_with(&format!("{}: valid", example.slug)),
            "{}",
            stdout(&out)
        );
        // With the extension, too.
        assert_code(
            &archsim(["check", &example.file_name()]),
            expected_check_code(example),
        );
    }
}

#[test]
fn check_accepts_every_written_out_example_and_all_at_once() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = archsim([Path::new("examples"), Path::new("--write"), dir.path()]);
    assert_code(&out, 0);
    let mut paths = Vec::new();
    for example in EXAMPLES {
        let path = dir.path().join(example.file_name());
        let written = std::fs::read_to_string(&path).expect("written");
        assert_eq!(written, example.text, "{}", example.slug);
        assert!(stdout(&out).contains(&path.display().to_string()));
        assert_code(
            &archsim([Path::new("check"), &path]),
            expected_check_code(example),
        );
        paths.push(path);
    }
    let out = archsim(std::iter::once(PathBuf::from("check")).chain(paths));
    let any_error = EXAMPLES.iter().any(|e| expected_check_code(e) == 1);
    assert_code(&out, i32::from(any_error));
    // One summary line per file, each followed by its findings.
    let valid = stdout(&out)
        .lines()
        .filter(|l| l.contains(": valid"))
        .count();
    assert_eq!(valid, EXAMPLES.len());
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn check_rejects_every_bad_file_with_its_place_on_stderr() {
    for path in bad_files() {
        let out = archsim([Path::new("check"), &path]);
        assert_code(&out, 2);
        let err = stderr(&out);
        let name = path.display().to_string();
        let first = err.lines().next().unwrap_or_default();
        assert!(has_place(first, &name), "no {name}:line:col: in {err:?}");
        assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    }
}

#[test]
fn check_reports_every_file_and_fails_if_one_is_bad() {
    let bad = bad_files().remove(0);
    let good = EXAMPLES[0].slug;
    let out = archsim([Path::new("check"), Path::new(good), &bad, Path::new(good)]);
    assert_code(&out, 2);
    assert_eq!(
        stdout(&out).matches(": valid").count(),
        2,
        "{}",
        stdout(&out)
    );
    assert!(stderr(&out).starts_with(&bad.display().to_string()));
}

#[test]
fn check_on_a_missing_file_gives_a_hint() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let missing = dir.path().join("ordrs.archsim.ron");
    let out = archsim([Path::new("check"), &missing]);
    assert_code(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("ordrs.archsim.ron"), "{err}");
    assert!(err.contains("hint:"), "{err}");
    assert!(err.contains("archsim examples"), "{err}");
}

#[test]
fn check_needs_a_file() {
    assert_code(&archsim(["check"]), 2);
}

// --- examples ---------------------------------------------------------------

#[test]
fn examples_lists_every_slug_one_per_line() {
    let out = archsim(["examples"]);
    assert_code(&out, 0);
    let listing = stdout(&out);
    let slugs: Vec<&str> = listing
        .lines()
        .map(|l| l.split_whitespace().next().unwrap_or_default())
        .collect();
    let expected: Vec<&str> = EXAMPLES.iter().map(|e| e.slug).collect();
    assert_eq!(slugs, expected, "{listing}");
    // Each line also gives the design's title.
    for (line, example) in listing.lines().zip(EXAMPLES) {
        let title = example.design().expect("loads").name;
        assert!(line.contains(&title), "{line:?} lacks {title:?}");
    }
    assert_eq!(listing.matches("[default]").count(), 1, "{listing}");
}

#[test]
fn examples_write_creates_the_folder() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let nested = dir.path().join("a/b");
    assert_code(
        &archsim([Path::new("examples"), Path::new("--write"), &nested]),
        0,
    );
    assert_eq!(
        std::fs::read_dir(&nested).expect("created").count(),
        EXAMPLES.len()
    );
}

// --- fmt --------------------------------------------------------------------

/// A valid design written by hand: compact, with comments, integers for
/// floats, a default spelled out, fields out of order.
const HAND_WRITTEN: &str = r#"// Written by hand.
(
    format: 1, name: "Hand written",
    nodes: [
        (id: "web", name: "Web", kind: Client),
        (name: "API", id: "api", kind: Service(workers: 4,
            operations: [(name: "handle", service_time: Exponential(mean_ms: 10))])),
    ],
    links: [(from: "web", to: "api", style: sync, timeout_ms: 500, retries: 0)],
)
"#;

fn write_temp(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

#[test]
fn fmt_rewrites_a_hand_written_file_in_canonical_form() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = write_temp(dir.path(), "hand.archsim.ron", HAND_WRITTEN);
    let before = file::load(&path).expect("valid");

    let out = archsim([Path::new("fmt"), &path]);
    assert_code(&out, 0);
    assert!(stdout(&out).contains("formatted"), "{}", stdout(&out));

    let after_text = std::fs::read_to_string(&path).expect("reads");
    assert_ne!(after_text, HAND_WRITTEN);
    assert_eq!(after_text, file::to_string(&before).expect("serializes"));
    assert_eq!(file::load(&path).expect("still valid"), before);
    assert_code(&archsim([Path::new("check"), &path]), 0);
    assert_code(&archsim([Path::new("fmt"), Path::new("--check"), &path]), 0);

    // Formatting a canonical file again changes nothing and says nothing.
    let out = archsim([Path::new("fmt"), &path]);
    assert_code(&out, 0);
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    assert_eq!(std::fs::read_to_string(&path).expect("reads"), after_text);
}

#[test]
fn fmt_check_reports_a_non_canonical_file_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = write_temp(dir.path(), "hand.archsim.ron", HAND_WRITTEN);
    let out = archsim([Path::new("fmt"), Path::new("--check"), &path]);
    assert_code(&out, 1);
    assert!(
        stdout(&out).contains("hand.archsim.ron"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("not in canonical form"),
        "{}",
        stdout(&out)
    );
    assert_eq!(std::fs::read_to_string(&path).expect("reads"), HAND_WRITTEN);
    // No temporary file left behind.
    assert_eq!(std::fs::read_dir(dir.path()).expect("lists").count(), 1);
}

#[test]
fn fmt_check_accepts_a_canonical_file() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let design = file::parse(HAND_WRITTEN, "hand").expect("valid");
    let canonical = file::to_string(&design).expect("serializes");
    let path = write_temp(dir.path(), "canonical.archsim.ron", &canonical);
    let out = archsim([Path::new("fmt"), Path::new("--check"), &path]);
    assert_code(&out, 0);
    assert_eq!(std::fs::read_to_string(&path).expect("reads"), canonical);
}

#[test]
fn fmt_refuses_to_touch_an_invalid_file() {
    let dir = tempfile::tempdir().expect("temporary folder");
    for bad in bad_files() {
        let text = std::fs::read(&bad).expect("reads");
        let path = dir.path().join(bad.file_name().expect("a name"));
        std::fs::write(&path, &text).expect("write");
        for args in [vec!["fmt"], vec!["fmt", "--check"]] {
            let out = archsim(args.iter().map(Path::new).chain([path.as_path()]));
            assert_code(&out, 2);
            let name = path.display().to_string();
            assert!(stderr(&out).starts_with(&name), "{}", stderr(&out));
            assert_eq!(std::fs::read(&path).expect("reads"), text, "{name} changed");
        }
    }
    // Nothing but the copies: no temporary files.
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("lists").count(),
        bad_files().len()
    );
}

#[test]
fn fmt_goes_on_after_a_bad_file_and_exits_2() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let bad = write_temp(dir.path(), "bad.archsim.ron", "(format: 1, name: \"x\",");
    let hand = write_temp(dir.path(), "hand.archsim.ron", HAND_WRITTEN);
    let out = archsim([Path::new("fmt"), &bad, &hand]);
    assert_code(&out, 2);
    assert_ne!(std::fs::read_to_string(&hand).expect("reads"), HAND_WRITTEN);
}

// --- help, version, usage errors ----------------------------------------------

const SUBCOMMANDS: [&str; 3] = ["check", "examples", "fmt"];

#[test]
fn help_names_every_subcommand_and_each_has_its_own_help() {
    let out = archsim(["--help"]);
    assert_code(&out, 0);
    for sub in SUBCOMMANDS {
        assert!(stdout(&out).contains(sub), "--help lacks {sub}");
        let out = archsim([sub, "--help"]);
        assert_code(&out, 0);
        assert!(
            stdout(&out).contains("Usage:"),
            "{sub} --help: {}",
            stdout(&out)
        );
        assert_code(&archsim(["help", sub]), 0);
    }
    assert_code(&archsim(["-h"]), 0);
}

#[test]
fn version_prints_the_package_version() {
    let out = archsim(["--version"]);
    assert_code(&out, 0);
    assert!(
        stdout(&out).contains(env!("CARGO_PKG_VERSION")),
        "{}",
        stdout(&out)
    );
}

#[test]
fn unknown_subcommands_and_flags_are_usage_errors() {
    // A mistyped subcommand reads like `archsim FILE`: neither a file nor
    // an example, it fails and names the subcommand meant, alone or with
    // the file after it.
    for args in [vec!["chek"], vec!["chek", "fraud-check-blocking"]] {
        let out = archsim(&args);
        assert_code(&out, 2);
        assert!(
            stderr(&out).contains("did you mean `archsim check`?"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    // Nothing like a subcommand: the list of them.
    let out = archsim(["xyzzy"]);
    assert_code(&out, 2);
    assert!(
        stderr(&out).contains("check, examples, fmt"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("did you mean"), "{}", stderr(&out));
    for args in [
        vec!["--frobnicate"],
        vec!["check", "--frobnicate", "fraud-check-blocking"],
        vec!["fmt", "--chek", "x.archsim.ron"],
        vec!["examples", "--write"],
    ] {
        let out = archsim(&args);
        assert_code(&out, 2);
        assert!(!stderr(&out).is_empty(), "{args:?} said nothing");
    }
}

#[test]
fn a_mistyped_example_name_gets_the_example_meant_from_every_command() {
    for command in ["check", "fmt", "simulate"] {
        let out = archsim([command, "fraud-check-blockin"]);
        assert_code(&out, 2);
        assert!(
            stderr(&out).contains("did you mean the example fraud-check-blocking?"),
            "{command}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn fmt_on_a_missing_file_gives_the_same_hint_as_check() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let missing = dir.path().join("ordrs.archsim.ron");
    let hint = |command: &str| {
        let out = archsim([Path::new(command), &missing]);
        assert_code(&out, 2);
        stderr(&out)
            .lines()
            .find(|l| l.starts_with("hint:"))
            .unwrap_or_else(|| panic!("{command}: no hint in {}", stderr(&out)))
            .to_owned()
    };
    assert_eq!(hint("fmt"), hint("check"));
}

// --- objectives (check --slo) ---------------------------------------------

/// An M/M/1 server (mean 100 ms, 5 requests a second) whose entry point
/// promises `objectives`.
fn mm1_with_objectives(dir: &Path, objectives: &str) -> PathBuf {
    write_temp(
        dir,
        "mm1.archsim.ron",
        &format!(
            r#"(
    format: 2,
    name: "M/M/1 with objectives",
    nodes: [
        (id: "client", name: "Client", kind: Client),
        (id: "server", name: "Server", kind: Service(workers: 1, operations: [(name: "serve", steps: [Work(Exponential(mean_ms: 100))])])),
    ],
    links: [(from: "client", to: "server", style: sync, latency: Constant(ms: 0), timeout_ms: 60000)],
    entry_points: [(name: "request", client: "client", target: "server", load: Open(arrival: Poisson, rate_per_s: 5), objectives: {objectives})],
    scenario: (duration_s: 2000, warmup_s: 100, seed: 1),
)"#
        ),
    )
}

#[test]
fn check_slo_gates_on_objectives_as_queueing_theory_predicts() {
    // M/M/1: sojourn times are exponential with rate mu - lambda = 5/s, so
    // the mean is 200 ms and the p99 ln(100)/5 s = 921 ms; at 1.6 times
    // the load (lambda = 8) they are 500 ms and 2.30 s.
    let dir = tempfile::tempdir().expect("temporary folder");
    let p99 = (100f64).ln() / 5.0 * 1e3;
    let met = mm1_with_objectives(
        dir.path(),
        &format!("(p99_ms: {}, mean_ms: 300)", (p99 * 1.3).round()),
    );
    let out = archsim([Path::new("check"), Path::new("--slo"), &met]);
    assert_code(&out, 0);
    assert!(
        stdout(&out).contains("met         request p99"),
        "{}",
        stdout(&out)
    );
    // Room for 20 % more load (p99 1.15 s), not for 60 % (2.30 s).
    for (factor, code) in [("1.2", 0), ("1.6", 1)] {
        let out = archsim([
            Path::new("check"),
            Path::new("--slo"),
            Path::new("--headroom"),
            Path::new(factor),
            &met,
        ]);
        assert_code(&out, code);
        assert!(
            stdout(&out).contains(&format!("objectives at {factor}× the design's load")),
            "{}",
            stdout(&out)
        );
    }
    let missed = mm1_with_objectives(dir.path(), &format!("(p99_ms: {})", (p99 * 0.75).round()));
    let out = archsim([Path::new("check"), Path::new("--slo"), &missed]);
    assert_code(&out, 1);
    assert!(
        stdout(&out).contains("missed      request p99"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn check_slo_spends_the_error_budget_at_the_simulated_failure_rate() {
    // A server that fails 1 % of requests against a 99.9 % objective burns
    // the budget ten times too fast: a 30-day budget lasts 3 days.
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = mm1_with_objectives(dir.path(), "(availability: 0.999, budget_days: 30)");
    let text = std::fs::read_to_string(&path).expect("written");
    std::fs::write(
        &path,
        text.replace(
            "kind: Service(workers: 1,",
            "kind: Service(error_rate: 0.01, workers: 1,",
        ),
    )
    .expect("rewritten");
    let out = archsim([
        Path::new("check"),
        Path::new("--slo"),
        Path::new("--json"),
        &path,
    ]);
    assert_code(&out, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let o = &v["files"][0]["objectives"][0];
    assert_eq!(o["verdict"], "missed");
    let days = o["budget_lasts_days"].as_f64().expect("a number");
    assert!((2.5..3.5).contains(&days), "{days}");
}

#[test]
fn objectives_out_of_range_are_refused_with_their_place() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = mm1_with_objectives(dir.path(), "(p99_ms: -5, availability: 1.5)");
    let out = archsim([Path::new("check"), &path]);
    assert_code(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains("p99_ms") && err.contains("availability"),
        "{err}"
    );
    assert!(err.contains("mm1.archsim.ron:9:"), "{err}");
}

// --- study capacity ---------------------------------------------------------

#[test]
fn study_capacity_gates_on_headroom_as_queueing_theory_predicts() {
    // M/M/1 at mu = 10/s, lambda = 5/s: the mean 1/(mu - lambda) reaches
    // 300 ms at lambda = 6.67/s, 1.33 times the design's load; room for
    // 20 % more load, not for 50 %.
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = mm1_with_objectives(dir.path(), "(mean_ms: 300)");
    let study = |headroom: &str| {
        archsim([
            Path::new("study"),
            Path::new("capacity"),
            &path,
            Path::new("--duration"),
            Path::new("600"),
            Path::new("--headroom"),
            Path::new(headroom),
            Path::new("--json"),
        ])
    };
    let enough = study("1.2");
    assert_code(&enough, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&enough)).expect("JSON");
    assert_eq!(v["kind"], "capacity_study");
    let c = &v["capacities"][0];
    let load = c["load"].as_f64().expect("a capacity");
    assert!((1.25..1.42).contains(&load), "{load}");
    assert_eq!(c["limited_by"], "mean");
    let short = study("1.5");
    assert_code(&short, 1);
    assert!(
        stderr(&short).contains("request: less capacity than --headroom 1.5×"),
        "{}",
        stderr(&short)
    );
}

#[test]
fn study_capacity_refuses_a_load_range_without_the_designs_load() {
    let out = archsim([
        "study",
        "capacity",
        "fraud-check-blocking",
        "--max-load",
        "0.5",
    ]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("--max-load"), "{}", stderr(&out));
}

#[test]
fn study_sensitivity_ranks_the_factors_and_refuses_a_change_past_100_percent() {
    let out = archsim([
        "study",
        "sensitivity",
        "fraud-check-blocking",
        "--replications",
        "3",
        "--duration",
        "40",
        "--json",
    ]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(v["kind"], "sensitivity_study");
    let swings: Vec<f64> = v["factors"]
        .as_array()
        .expect("factors")
        .iter()
        .map(|f| {
            f["effects"][0]["p99_swing_ms"]
                .as_f64()
                .expect("a swing")
                .abs()
        })
        .collect();
    assert!(swings.len() >= 4, "{swings:?}");
    assert!(
        swings.windows(2).all(|w| w[0] >= w[1]),
        "largest swing first: {swings:?}"
    );
    let text = archsim([
        "study",
        "sensitivity",
        "fraud-check-blocking",
        "-r",
        "2",
        "--duration",
        "20",
    ]);
    assert_code(&text, 0);
    assert!(
        stdout(&text).contains("work of Fraud Detection"),
        "{}",
        stdout(&text)
    );
    let out = archsim([
        "study",
        "sensitivity",
        "fraud-check-blocking",
        "--change",
        "150",
    ]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("--change"), "{}", stderr(&out));
}

#[test]
fn study_chaos_prints_the_matrix_and_refuses_a_slow_down_that_speeds_up() {
    let out = archsim(["study", "chaos", "fraud-check-blocking", "-r", "2"]);
    assert_code(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("crash Fraud Detection"), "{text}");
    assert!(
        text.contains("broken −"),
        "a crash on the blocking chain breaks it: {text}"
    );
    let out = archsim([
        "study",
        "chaos",
        "fraud-check-blocking",
        "--slow-factor",
        "0.5",
    ]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("factor above 1"), "{}", stderr(&out));
}
