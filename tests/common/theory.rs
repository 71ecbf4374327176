//! Comparing simulated estimates with values computed from theory.

use archsim::sim::Estimate;

/// Asserts that `estimate` agrees with `theory` and is precise enough to
/// tell: its half-width is under `precision` × theory, and the mean lies
/// within 1.5 half-widths of its 95 % confidence interval (about three
/// standard errors) of the theory.
pub fn assert_agrees(what: &str, estimate: Estimate, theory: f64, precision: f64) {
    let h = estimate.ci95.expect("replications give an interval");
    assert!(
        h <= precision * theory.abs(),
        "{what}: the interval ±{h:.4} is too wide to test against {theory:.4}; simulate longer"
    );
    assert!(
        (estimate.mean - theory).abs() <= 1.5 * h,
        "{what}: simulated {:.4} ± {h:.4}, theory {theory:.4}",
        estimate.mean
    );
}
