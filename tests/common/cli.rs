//! Running the `archsim` binary from tests, and reading what it said.

use std::ffi::OsStr;
use std::path::Path;
use std::process::Output;

use assert_cmd::cargo::cargo_bin_cmd;

/// Runs `archsim` with `args` in the test's working directory.
pub fn archsim<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    cargo_bin_cmd!("archsim")
        .args(args)
        .output()
        .expect("archsim runs")
}

/// Runs `archsim` with `args` in `dir`.
pub fn archsim_in<I, S>(dir: &Path, args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    cargo_bin_cmd!("archsim")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("archsim runs")
}

/// What it printed on standard output.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What it printed on standard error.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts the exit code, showing both outputs when it is wrong.
#[track_caller]
pub fn assert_code(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(out),
        stderr(out)
    );
}
