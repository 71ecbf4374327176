//! Format 1 keeps working: every format-1 example (kept as it shipped in
//! tests/format1/) loads, `archsim fmt` rewrites it as format 2, and the
//! rewritten file simulates byte for byte like the original, seed for
//! seed (all but the wall-clock time of each run); loading the rewritten
//! file gives the same design again.

use std::path::{Path, PathBuf};

use archsim::model::file;
use assert_cmd::Command;

fn archsim() -> Command {
    Command::cargo_bin("archsim").expect("the binary is built")
}

fn format1_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/format1");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/format1 exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.to_string_lossy().ends_with(file::EXTENSION))
        .collect();
    files.sort();
    assert!(files.len() >= 17, "the 17 shipped format-1 examples");
    files
}

/// The `simulate --json` output, without what measures the machine rather
/// than the design (the wall-clock time of each run).
fn simulate_json(path: &Path, seed: &str) -> serde_json::Value {
    let out = archsim()
        .args([
            "simulate",
            &path.to_string_lossy(),
            "--json",
            "--seed",
            seed,
        ])
        .args(["--duration", "60", "--replications", "2"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    drop_wall_time(&mut value);
    value
}

fn drop_wall_time(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.remove("wall_ms");
            map.values_mut().for_each(drop_wall_time);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_wall_time),
        _ => {}
    }
}

#[test]
fn every_format1_example_simulates_identically_after_fmt() {
    let dir = tempfile::tempdir().expect("temp dir");
    for original in format1_files() {
        let text = std::fs::read_to_string(&original).expect("readable");
        assert!(
            text.contains("format: 1"),
            "{} is format 1",
            original.display()
        );
        let converted = dir.path().join(original.file_name().expect("a file name"));
        std::fs::write(&converted, &text).expect("written");
        let fmt = archsim()
            .args(["fmt", &converted.to_string_lossy()])
            .output()
            .expect("runs");
        assert!(
            fmt.status.success(),
            "{}",
            String::from_utf8_lossy(&fmt.stderr)
        );
        let rewritten = std::fs::read_to_string(&converted).expect("readable");
        assert!(rewritten.contains("format: 2"), "fmt writes format 2");
        assert!(rewritten.contains("steps:"), "operations get steps");
        for seed in ["7", "42"] {
            assert!(
                simulate_json(&original, seed) == simulate_json(&converted, seed),
                "{} (seed {seed}): the format-2 rewrite simulates differently",
                original.display()
            );
        }
    }
}

#[test]
fn a_format1_design_and_its_rewrite_load_as_the_same_design() {
    for original in format1_files() {
        let name = original.display().to_string();
        let first = file::load(&original).unwrap_or_else(|e| panic!("{e}"));
        let text = file::to_string(&first).expect("writes");
        let again = file::parse(&text, &name).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(first, again, "{name}");
        // And the rewrite is canonical: writing it again changes nothing.
        assert_eq!(file::to_string(&again).expect("writes"), text, "{name}");
    }
}

#[test]
fn a_format1_event_sent_zero_times_loads_and_is_never_published() {
    let text = r#"(
    format: 1,
    name: "Never published",
    nodes: [
        (id: "web", name: "Web", kind: Client),
        (id: "api", name: "API", kind: Service(workers: 1, operations: [(name: "handle", service_time: Constant(ms: 1))])),
        (id: "topic", name: "Topic", kind: Broker(kind: Log)),
    ],
    links: [
        (from: "web", to: "api", style: sync, timeout_ms: 100),
        (from: "api", to: "topic", style: event, calls_per_request: 0),
    ],
    entry_points: [(name: "go", client: "web", target: "api", load: Open(arrival: Poisson, rate_per_s: 10))],
    scenario: (duration_s: 20, warmup_s: 1),
)"#;
    let design = file::parse(text, "zero.archsim.ron").unwrap_or_else(|e| panic!("{e}"));
    let report = archsim::sim::simulate(&design, &archsim::sim::SimOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let published: f64 = report
        .results
        .brokers
        .iter()
        .map(|b| b.published.mean)
        .sum();
    assert!(report.results.entry_points[0].succeeded.mean > 100.0);
    assert_eq!(
        published, 0.0,
        "an event sent 0 times per request never leaves"
    );
}
