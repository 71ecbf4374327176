//! Studies' speed (issue targets on a 2-core machine: a capacity study of
//! every shipped example, at most 12 load points of 5 replications, under
//! 10 s each; the sensitivity study of a 50-service design under 30 s).
//!
//! Run with `cargo bench --no-default-features --bench study`.

use archsim::library::{EXAMPLES, SyntheticSpec, synthetic};
use archsim::study::capacity::{self, CapacityOptions};
use archsim::study::sensitivity::{self, SensitivityOptions};
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

/// The sensitivity study (±20 %, 5 replications) of a generated design of
/// 50 services and about 150 links.
#[divan::bench(sample_count = 1, sample_size = 1)]
fn sensitivity_50_services(bencher: Bencher) {
    let design = synthetic(&SyntheticSpec {
        services: 50,
        links: 150,
        entry_points: 5,
        rate_per_s: 100.0,
        ..SyntheticSpec::default()
    });
    bencher
        .bench(|| sensitivity::sensitivity(&design, &SensitivityOptions::default()).expect("runs"));
}
