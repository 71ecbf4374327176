//! `archsim simulate` as a user or a CI script runs it.

use assert_cmd::Command;
use predicates::str::contains;

fn archsim() -> Command {
    Command::cargo_bin("archsim").expect("the binary is built")
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = archsim().args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

#[test]
fn simulate_prints_tables_a_person_can_read() {
    let out = archsim()
        .args(["simulate", "fraud-check-blocking", "--duration", "30"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for heading in [
        "entry point",
        "availability",
        "service",
        "occupancy",
        "blocked",
        "link",
        "timeouts",
    ] {
        assert!(text.contains(heading), "no {heading:?} in\n{text}");
    }
    // People read display names, never ids; numbers never say NaN.
    assert!(
        text.contains("place_order") && text.contains("Fraud Detection → Customer"),
        "{text}"
    );
    assert!(!text.contains("fraud_detection"), "an id in\n{text}");
    assert!(!text.contains("NaN"), "{text}");
}

#[test]
fn simulate_json_has_the_documented_envelope_and_figures() {
    let v = json(&[
        "simulate",
        "fraud-check-blocking",
        "--duration",
        "30",
        "-r",
        "3",
        "--json",
    ]);
    assert_eq!(v["archsim_json"], 1);
    assert_eq!(v["kind"], "simulation");
    assert_eq!(v["replications"], 3);
    assert_eq!(v["runs"].as_array().map(Vec::len), Some(3));
    let entry = &v["results"]["entry_points"][0];
    assert_eq!(entry["name"], "place_order");
    let availability = entry["availability"]["mean"].as_f64().expect("number");
    assert!((0.95..=1.0).contains(&availability), "{availability}");
    assert!(
        entry["latency_ms"]["p99"]["ci95"].is_number(),
        "replications give intervals"
    );
    let services = v["results"]["services"].as_array().expect("array");
    assert_eq!(services.len(), 4);
    for s in services {
        for field in [
            "occupancy",
            "utilisation",
            "blocked_share",
            "mean_queue",
            "max_queue",
        ] {
            assert!(s[field]["mean"].is_number(), "{field} of {}", s["node"]);
        }
    }
}

#[test]
fn the_same_seed_prints_the_same_json_but_for_wall_time() {
    let strip = |mut v: serde_json::Value| {
        for run in v["runs"].as_array_mut().expect("runs") {
            run["wall_ms"] = serde_json::Value::Null;
        }
        v
    };
    let args = [
        "simulate",
        "pricing-grid-dead-letter",
        "--seed",
        "7",
        "--duration",
        "40",
        "--json",
    ];
    assert_eq!(strip(json(&args)), strip(json(&args)));
    let other = [
        "simulate",
        "pricing-grid-dead-letter",
        "--seed",
        "8",
        "--duration",
        "40",
        "--json",
    ];
    assert_ne!(strip(json(&args)), strip(json(&other)));
}

#[test]
fn simulate_refuses_bad_input_with_exit_2() {
    archsim()
        .args(["simulate", "no-such-design"])
        .assert()
        .code(2)
        .stderr(contains("no-such-design"));
    archsim()
        .args(["simulate", "fraud-check-blocking", "--replications", "0"])
        .assert()
        .code(2)
        .stderr(contains("replications"));
    archsim()
        .args(["simulate", "fraud-check-blocking", "--duration", "5"])
        .assert()
        .code(2)
        .stderr(contains("warm-up"));
}

#[test]
fn a_reader_that_stops_early_does_not_crash_archsim() {
    // `archsim check --json | head -1`: the pipe closes under archsim.
    use std::io::Read;
    use std::process::{Command as Std, Stdio};
    // Every example twice: far more than a pipe buffer (64 KB) of JSON.
    let mut args: Vec<&str> = vec!["check", "--json"];
    for _ in 0..2 {
        args.extend(archsim::library::EXAMPLES.iter().map(|e| e.slug));
    }
    let mut child = Std::new(assert_cmd::cargo::cargo_bin("archsim"))
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut first = [0u8; 1];
    child
        .stdout
        .take()
        .expect("piped")
        .read_exact(&mut first)
        .expect("some output");
    // Dropping the read end closes the pipe.
    let out = child.wait_with_output().expect("finishes");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{:?}: {stderr}",
        out.status
    );
}
