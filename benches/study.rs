//! Studies' speed (issue target: a capacity study of every shipped example,
//! at most 12 load points of 5 replications, under 10 s each on a 2-core
//! machine).
//!
//! Run with `cargo bench --no-default-features --bench study`.

use archsim::library::EXAMPLES;
use archsim::study::capacity::{self, CapacityOptions};
use divan::Bencher;

fn main() {
    divan::main();
}

/// One capacity study per example, with the default options (12 points, 5
/// replications).
#[divan::bench(args = EXAMPLES.iter().map(|e| e.slug), sample_count = 1, sample_size = 1)]
fn capacity_study(bencher: Bencher, slug: &str) {
    let design = EXAMPLES
        .iter()
        .find(|e| e.slug == slug)
        .and_then(|e| e.design().ok())
        .expect("the example loads");
    bencher.bench(|| capacity::capacity(&design, &CapacityOptions::default()).expect("runs"));
}
