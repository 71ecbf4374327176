//! A study split into parts with `--shard K/N`, run as separate jobs and
//! put back together with `archsim study merge`, gives the study one run
//! gives, byte for byte, as JSON and as tables; parts that do not make a
//! whole study are refused, saying which part and why.

mod common;

use std::path::{Path, PathBuf};

use common::cli::{archsim, assert_code, stderr, stdout};

/// The same short study every time: the seeds come from the design.
fn study_args(study: &str) -> Vec<String> {
    [study, "fraud-check-blocking", "-r", "2", "--duration", "20"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
}

fn run(study: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["study".to_owned()];
    args.extend(study_args(study));
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    archsim(args)
}

/// Runs part K of `count` of `study` into `dir`; returns its path.
fn part(dir: &Path, study: &str, k: u32, count: u32) -> PathBuf {
    let out = run(study, &["--shard", &format!("{k}/{count}")]);
    assert_code(&out, 0);
    let path = dir.join(format!("{study}-{k}.json"));
    std::fs::write(&path, &out.stdout).expect("the part is written");
    path
}

fn merge(parts: &[PathBuf], extra: &[&str]) -> std::process::Output {
    let mut args: Vec<String> = vec!["study".into(), "merge".into()];
    args.extend(parts.iter().map(|p| p.display().to_string()));
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    archsim(args)
}

#[test]
fn sharded_and_merged_studies_equal_the_whole_study_byte_for_byte() {
    let dir = tempfile::tempdir().expect("a folder");
    for (study, count) in [("sensitivity", 3), ("chaos", 2)] {
        let whole_json = run(study, &["--json"]);
        let whole_text = run(study, &[]);
        assert_code(&whole_json, 0);
        assert_code(&whole_text, 0);
        // The parts in reverse order: merge puts them back.
        let parts: Vec<PathBuf> = (1..=count)
            .rev()
            .map(|k| part(dir.path(), study, k, count))
            .collect();
        let first: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&parts[0]).expect("read")).expect("JSON");
        assert_eq!(first["kind"], format!("{study}_study_part"));
        assert_eq!(first["shard"]["count"], count);
        let merged_json = merge(&parts, &["--json"]);
        assert_code(&merged_json, 0);
        assert!(
            merged_json.stdout == whole_json.stdout,
            "{study}: the merged JSON differs from the whole study's:\n{}\n---\n{}",
            stdout(&merged_json),
            stdout(&whole_json)
        );
        let merged_text = merge(&parts, &[]);
        assert_code(&merged_text, 0);
        assert_eq!(stdout(&merged_text), stdout(&whole_text), "{study}: tables");
    }
}

#[test]
fn parts_that_do_not_make_a_whole_study_are_refused() {
    let dir = tempfile::tempdir().expect("a folder");
    let one = part(dir.path(), "chaos", 1, 3);
    let two = part(dir.path(), "chaos", 2, 3);
    let three = part(dir.path(), "chaos", 3, 3);

    let missing = merge(&[one.clone(), three.clone()], &[]);
    assert_code(&missing, 2);
    assert!(
        stderr(&missing).contains("part 2/3 is missing"),
        "{}",
        stderr(&missing)
    );

    let twice = merge(&[one.clone(), two.clone(), two.clone(), three.clone()], &[]);
    assert_code(&twice, 2);
    assert!(
        stderr(&twice).contains("part 2/3 is given twice"),
        "{}",
        stderr(&twice)
    );

    // A part made with another seed belongs to another study.
    let other = run("chaos", &["--shard", "2/3", "--seed", "7"]);
    assert_code(&other, 0);
    let other_path = dir.path().join("other.json");
    std::fs::write(&other_path, &other.stdout).expect("written");
    let mixed = merge(&[one.clone(), other_path, three.clone()], &[]);
    assert_code(&mixed, 2);
    assert!(
        stderr(&mixed).contains("another study"),
        "{}",
        stderr(&mixed)
    );

    // A sensitivity part among chaos parts, and a file that is no part.
    let sensitivity = part(dir.path(), "sensitivity", 2, 3);
    let wrong = merge(&[one.clone(), sensitivity, three.clone()], &[]);
    assert_code(&wrong, 2);
    assert!(
        stderr(&wrong).contains("not a part of a study"),
        "{}",
        stderr(&wrong)
    );
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, "{ \"kind\": ").expect("written");
    let broken = merge(std::slice::from_ref(&junk), &[]);
    assert_code(&broken, 2);
    let broken = merge(&[one.clone(), junk.clone()], &[]);
    assert_code(&broken, 2);
    let says_where = format!("{}:1:", junk.display());
    assert!(stderr(&broken).contains(&says_where), "{}", stderr(&broken));

    let bad_shard = run("chaos", &["--shard", "4/3"]);
    assert_code(&bad_shard, 2);
    assert!(stderr(&bad_shard).contains("K/N"), "{}", stderr(&bad_shard));
}
