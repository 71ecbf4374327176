//! `archsim report` as a user or a CI script runs it: the format from the
//! extension or `--format`, exit codes, errors that say what to do, and
//! what lands in the file.

mod common;

use std::path::Path;
use std::process::Output;

use common::cli::{archsim_in, assert_code, stderr};

/// Short runs: these tests check the command, not the numbers.
const QUICK: [&str; 4] = ["--duration", "20", "-r", "2"];

fn report(dir: &Path, out: &str, extra: &[&str]) -> Output {
    let mut args = vec!["report", "fraud-check-blocking", "-o", out];
    args.extend(QUICK);
    args.extend(extra);
    archsim_in(dir, &args)
}

#[test]
fn the_extension_says_the_format() {
    let dir = tempfile::tempdir().expect("temporary folder");
    for (file, starts) in [
        ("r.html", "<!DOCTYPE html>"),
        ("r.md", "# MusicCorp"),
        ("r.json", "{"),
        ("r.svg", "<?xml"),
    ] {
        let out = report(dir.path(), file, &[]);
        assert_code(&out, 0);
        let text = std::fs::read_to_string(dir.path().join(file)).expect("written");
        assert!(
            text.starts_with(starts),
            "{file}: {}",
            &text[..40.min(text.len())]
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains(file));
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).expect("read"))
            .expect("JSON");
    assert_eq!(json["kind"], "report");
    assert_eq!(json["reproduce"]["replications"], 2);
    assert_eq!(
        json["reproduce"]["command"],
        "archsim report fraud-check-blocking -o r.json --format json --seed 42 --duration 20 --replications 2"
    );
}

#[test]
fn format_overrides_the_extension() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = report(dir.path(), "report.txt", &["--format", "md"]);
    assert_code(&out, 0);
    let text = std::fs::read_to_string(dir.path().join("report.txt")).expect("written");
    assert!(text.contains("```mermaid"));
}

#[test]
fn no_format_and_no_extension_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = report(dir.path(), "report", &[]);
    assert_code(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains("cannot tell the report's format") && err.contains("--format"),
        "{err}"
    );
    assert!(!dir.path().join("report").exists());
    let out = report(dir.path(), "report.html", &["--format", "pdf"]);
    assert_code(&out, 2);
    assert!(
        stderr(&out).contains("html, md, json or svg"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn standard_output_takes_the_report() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = report(dir.path(), "-", &["--format", "json"]);
    assert_code(&out, 0);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["kind"], "report");
    let out = report(dir.path(), "-", &[]);
    assert_code(&out, 2);
}

#[test]
fn bad_input_exits_2_and_says_why() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = archsim_in(dir.path(), ["report", "no-such-design", "-o", "r.html"]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("no-such-design"), "{}", stderr(&out));

    let out = report(dir.path(), "r.html", &["-r", "0"]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("replications"), "{}", stderr(&out));

    let out = archsim_in(
        dir.path(),
        [
            "report",
            "fraud-check-blocking",
            "-o",
            "r.html",
            "--duration",
            "1",
        ],
    );
    assert_code(&out, 2);
    assert!(stderr(&out).contains("warm-up"), "{}", stderr(&out));

    let out = report(dir.path(), "missing/dir/r.html", &[]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("cannot write"), "{}", stderr(&out));
}

#[test]
fn the_report_never_overwrites_its_design() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let design = dir.path().join("d.archsim.ron");
    let text = archsim::library::EXAMPLES[0].text;
    std::fs::write(&design, text).expect("written");
    let out = archsim_in(
        dir.path(),
        [
            "report",
            "d.archsim.ron",
            "-o",
            "d.archsim.ron",
            "--format",
            "html",
        ],
    );
    assert_code(&out, 2);
    assert_eq!(std::fs::read_to_string(&design).expect("read"), text);
}

#[test]
fn help_lists_the_formats() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = archsim_in(dir.path(), ["report", "--help"]);
    assert_code(&out, 0);
    let help = String::from_utf8_lossy(&out.stdout);
    for word in [
        "html",
        "md",
        "json",
        "svg",
        "--replications",
        "--seed",
        "--duration",
    ] {
        assert!(help.contains(word), "no {word} in\n{help}");
    }
    let out = archsim_in(dir.path(), ["--help"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("report"));
}
