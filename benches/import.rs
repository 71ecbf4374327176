//! How long importing 100 MB of traces takes, and how fast simulated
//! traces are written.
//!
//! Run: `cargo bench --no-default-features --bench import`. The target is
//! under 10 s for 100 MB of OTLP JSON (read, repaired, inferred into a
//! design). The traces are a simulated run of the built-in example
//! `order-saga-orchestration`, written by `simulate --traces-out`.
//!
//! With `ARCHSIM_BENCH_TRACES=FILE` set, the traces are also written to
//! FILE, so that peak memory can be measured on the release binary:
//! `/usr/bin/time -v target/release/archsim import FILE -o /tmp/x.archsim.ron`.

use std::sync::LazyLock;

use archsim::import::{self, Format, Spans};
use archsim::library;
use archsim::model::Design;
use archsim::report::traces;
use archsim::sim::{self, SimOptions, SimSpans};
use divan::Bencher;

fn main() {
    divan::main();
}

/// The size the traces aim at.
const TARGET_BYTES: usize = 100 * 1024 * 1024;

/// The design, and the spans of a run long enough for [`TARGET_BYTES`].
static RUN: LazyLock<(Design, SimSpans)> = LazyLock::new(|| {
    let design = library::find("order-saga-orchestration")
        .and_then(|e| e.design().ok())
        .expect("the example loads");
    let spans = |duration_s: f64| {
        sim::simulate(
            &design,
            &SimOptions {
                duration_s: Some(duration_s),
                spans: Some(5_000_000),
                ..SimOptions::default()
            },
        )
        .expect("it simulates")
        .spans
        .expect("spans recorded")
    };
    // Measure the bytes of a short run, then run as long as the target asks.
    let probe = spans(60.0);
    let probe_bytes = otlp(&design, &probe).len().max(1);
    let duration = 60.0 * (TARGET_BYTES as f64 / probe_bytes as f64).ceil();
    let spans = spans(duration);
    (design, spans)
});

fn otlp(design: &Design, spans: &SimSpans) -> Vec<u8> {
    let mut bytes = Vec::new();
    traces::write(design, spans, Format::Otlp, &mut bytes).expect("written");
    bytes
}

static TRACES: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let (design, spans) = &*RUN;
    let bytes = otlp(design, spans);
    if let Ok(path) = std::env::var("ARCHSIM_BENCH_TRACES") {
        std::fs::write(&path, &bytes).expect("ARCHSIM_BENCH_TRACES is writable");
    }
    bytes
});

/// Reads 100 MB of OTLP JSON and infers its design.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn import_100mb_otlp(bencher: Bencher) {
    let bytes = &*TRACES;
    bencher
        .counter(divan::counter::BytesCount::new(bytes.len()))
        .bench(|| {
            let mut spans = Spans::default();
            spans.read(bytes, "bench.otlp.jsonl").expect("reads");
            let (design, report) = import::infer(&spans, "bench").expect("imports");
            assert!(design.problems().is_empty());
            divan::black_box((design, report.spans))
        });
    let mut spans = Spans::default();
    spans.read(bytes, "bench.otlp.jsonl").expect("reads");
    println!(
        "import_100mb_otlp: {:.1} MB, {} spans in {} traces",
        bytes.len() as f64 / 1e6,
        spans.len(),
        import::infer(&spans, "bench").map_or(0, |(_, r)| r.traces)
    );
}

/// Writes the same run's spans as OTLP JSON (`simulate --traces-out`).
#[divan::bench(sample_count = 3, sample_size = 1)]
fn write_100mb_otlp(bencher: Bencher) {
    let (design, spans) = &*RUN;
    bencher
        .counter(divan::counter::ItemsCount::new(spans.spans.len()))
        .bench(|| divan::black_box(otlp(design, spans).len()));
}
