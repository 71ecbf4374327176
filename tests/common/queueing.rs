//! Formulas of queueing theory that more than one test computes.

/// Erlang's C formula: the probability that an arrival waits in an M/M/c
/// queue with offered load `a` erlangs.
pub fn erlang_c(c: u32, a: f64) -> f64 {
    let mut term = 1.0; // a^k / k!
    let mut sum = 0.0;
    for k in 0..c {
        sum += term;
        term *= a / f64::from(k + 1);
    }
    let rho = a / f64::from(c);
    term / ((1.0 - rho) * sum + term)
}
