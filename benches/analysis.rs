//! Static analysis speed (issue targets: a design of 1,000 services and
//! 3,000 links in under 100 ms; 10,000 and 30,000 in under 2 s).
//!
//! Run with `cargo bench --no-default-features --bench analysis`.

use archsim::analysis;
use archsim::library::{SyntheticSpec, synthetic};
use divan::Bencher;

fn main() {
    divan::main();
}

#[divan::bench(args = [1_000, 10_000], sample_count = 5)]
fn static_analysis(bencher: Bencher, services: usize) {
    let d = synthetic(&SyntheticSpec {
        services,
        links: services * 3,
        ..SyntheticSpec::default()
    });
    bencher.bench(|| analysis::analyse(&d));
}
