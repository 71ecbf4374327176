//! The command line against hostile input: names that try to drive the
//! terminal, files that are not files, runs too long to finish, and saves
//! killed half way.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant, SystemTime};

use archsim::library;
use archsim::model::{Design, file};
use common::cli::{archsim, archsim_in, assert_code, stderr, stdout};

/// Sets the terminal's title, rings the bell, clears the screen, returns
/// the carriage and fakes a line of output.
const HOSTILE: &str = "Pay\u{1b}]0;owned\u{7}ment\u{1b}[2J\r\nfake: all clear";

fn example(slug: &str) -> Design {
    library::find(slug)
        .expect("example exists")
        .design()
        .expect("loads")
}

/// The blocking fraud check with hostile text in the design's name, a
/// service's name and the entry point's name.
fn hostile_design(dir: &Path) -> PathBuf {
    let mut d = example("fraud-check-blocking");
    d.name = format!("orders {HOSTILE}");
    d.nodes[1].name = HOSTILE.into();
    d.entry_points[0].name = format!("place{HOSTILE}");
    let path = dir.join("hostile.archsim.ron");
    file::save(&d, &path).expect("saved");
    path
}

/// Asserts that neither output has a character a terminal acts on, nor a
/// line that the hostile text made up.
#[track_caller]
fn assert_inert(what: &str, out: &Output) {
    for (stream, text) in [("stdout", stdout(out)), ("stderr", stderr(out))] {
        let acting = text.chars().find(|&c| c.is_control() && c != '\n');
        assert_eq!(acting, None, "{what}: {stream} has {acting:?}:\n{text}");
        assert!(
            !text.lines().any(|l| l.trim_start().starts_with("fake")),
            "{what}: {stream} has a faked line:\n{text}"
        );
    }
}

#[test]
fn every_text_command_writes_control_characters_in_names_as_escapes() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = hostile_design(dir.path());
    let file = path.to_str().expect("a UTF-8 path");
    let report = dir.path().join("review.md");
    let runs: Vec<(&str, Vec<&str>)> = vec![
        ("check", vec!["check", file, "--explain"]),
        ("check --simulate", vec!["check", file, "--simulate"]),
        ("simulate", vec!["simulate", file, "--duration", "20"]),
        (
            "suggest",
            vec!["suggest", file, "--duration", "20", "-r", "2"],
        ),
        (
            "report",
            vec![
                "report",
                file,
                "-o",
                report.to_str().expect("UTF-8"),
                "--duration",
                "20",
                "-r",
                "2",
            ],
        ),
        ("fmt --check", vec!["fmt", "--check", file]),
    ];
    for (what, args) in runs {
        let out = archsim(&args);
        assert_inert(what, &out);
        if what.starts_with("check") || what == "simulate" || what == "suggest" {
            assert!(
                stdout(&out).contains(r"\u{1b}"),
                "{what} shows the name, escaped:\n{}",
                stdout(&out)
            );
        }
    }
    // Errors that quote what the file says.
    let mut d = example("fraud-check-blocking");
    let from = d.nodes[1].id.clone();
    d.links.push(archsim::model::Link::new(
        from,
        HOSTILE,
        archsim::model::Style::Sync,
    ));
    let broken = dir.path().join("broken.archsim.ron");
    file::save(&d, &broken).expect("saved");
    for command in ["check", "simulate", "fmt"] {
        let out = archsim([command, broken.to_str().expect("UTF-8")]);
        assert_code(&out, 2);
        assert_inert(command, &out);
        assert!(
            stderr(&out).contains(r"Pay\u{1b}"),
            "{command}: {}",
            stderr(&out)
        );
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_and_a_device_are_refused_at_once_not_read() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let fifo = dir.path().join("pipe.archsim.ron");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    for (input, what) in [
        (fifo.as_path(), "named pipe (FIFO)"),
        (Path::new("/dev/zero"), "character device"),
    ] {
        for command in ["check", "simulate", "fmt"] {
            let started = Instant::now();
            let out = archsim([command, input.to_str().expect("UTF-8")]);
            assert_code(&out, 2);
            assert!(
                stderr(&out).contains(what) && stderr(&out).contains(&input.display().to_string()),
                "{command} {}: {}",
                input.display(),
                stderr(&out)
            );
            assert!(started.elapsed() < Duration::from_secs(10));
        }
    }
}

#[test]
fn a_duration_no_run_could_finish_is_refused_at_once_naming_it() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut d = example("fraud-check-blocking");
    d.scenario.duration_s = 1e12;
    let path = dir.path().join("forever.archsim.ron");
    file::save(&d, &path).expect("saved");
    let file = path.to_str().expect("UTF-8");
    let out_md = dir.path().join("r.md");
    for args in [
        vec!["simulate", file],
        vec!["report", file, "-o", out_md.to_str().expect("UTF-8")],
        vec!["suggest", file],
    ] {
        let started = Instant::now();
        let out = archsim(&args);
        assert_code(&out, 2);
        let err = stderr(&out);
        assert!(
            err.contains("duration_s 1000000000000 would simulate") && err.contains("limit is"),
            "{args:?}: {err}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{args:?} took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn the_time_limit_stops_a_report_in_time_with_the_results_so_far() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out_json = dir.path().join("r.json");
    let started = Instant::now();
    // Hours of simulated time for a report that measures every suggestion:
    // minutes of work, cut to about two seconds.
    let out = archsim([
        "report",
        "fraud-check-blocking",
        "-o",
        out_json.to_str().expect("UTF-8"),
        "--duration",
        "500000",
        "--time-limit",
        "2",
    ]);
    let took = started.elapsed();
    assert_code(&out, 0);
    assert!(took < Duration::from_secs(30), "took {took:?}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out_json).expect("written")).expect("JSON");
    let text = report.to_string();
    assert!(
        text.contains("time limit of the command ran out"),
        "{text:.2000}"
    );
    let attempted = report["simulation"]["results"]["entry_points"][0]["attempted"]["mean"]
        .as_f64()
        .expect("a figure");
    assert!(attempted > 0.0, "results so far");
    let out = archsim(["simulate", "fraud-check-blocking", "--time-limit", "0"]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("--time-limit"), "{}", stderr(&out));
}

#[test]
fn a_save_killed_half_way_leaves_nothing_after_the_next_save() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("orders.archsim.ron");
    file::save(&example("fraud-check-blocking"), &path).expect("saved");
    // What a save killed before its rename leaves: the temporary file,
    // a while ago.
    let left = dir
        .path()
        .join(".orders.archsim.ron.archsim-save-k1ll3d.tmp");
    std::fs::write(&left, "(format: 1, name: \"half").expect("written");
    std::fs::File::options()
        .write(true)
        .open(&left)
        .and_then(|f| f.set_modified(SystemTime::now() - Duration::from_secs(300)))
        .expect("aged");
    let out = archsim_in(dir.path(), ["fmt", "orders.archsim.ron"]);
    assert_code(&out, 0);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("listed")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["orders.archsim.ron".to_owned()]);
}
