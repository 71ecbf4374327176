//! How long loading a very large design takes, valid or full of mistakes.
//!
//! Run: `cargo bench --no-default-features --bench load`. The target is
//! well under a second for a 50 MB file, on the valid path and on the
//! error path (validation of everything, then locating the reported
//! problems in the text).
//!
//! With `ARCHSIM_BENCH_DESIGNS=DIR` set, the generated files are also
//! written to DIR, so that peak memory can be measured on the release
//! binary: `/usr/bin/time -v target/release/archsim check DIR/*.ron`.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use archsim::model::file;
use archsim::model::{
    Availability, Broker, BrokerKind, DataStore, Design, Distribution, EntryPoint, Fault, Link,
    LinkRef, Load, Node, NodeId, NodeKind, Operation, Position, Service, Step, StoreKind, Style,
};
use divan::Bencher;

fn main() {
    divan::main();
}

/// The size the generated designs aim at.
const TARGET_BYTES: usize = 50 * 1024 * 1024;

/// A realistic design of `cells` groups: a service with two operations
/// calling the next one, every tenth with a database and a topic that
/// another service subscribes to, a client with an entry point every
/// hundredth, and a few faults.
fn design(cells: usize) -> Design {
    let mut d = Design::new("Generated for the load benchmark");
    d.description = "Many services in a long chain, with stores, topics and clients.".into();
    let svc = |i: usize| NodeId(format!("service-{i}"));
    for i in 0..cells {
        let mut s = Service::simple(
            8,
            Distribution::LogNormal {
                mean_ms: 10.0 + (i % 7) as f64,
                sd_ms: 3.5,
            },
        );
        s.operations.push(Operation::new(
            "report",
            vec![Step::Work(Distribution::Exponential { mean_ms: 25.0 })],
        ));
        s.availability = Availability::Fraction(0.999);
        d.nodes.push(Node {
            id: svc(i),
            name: format!("Service number {i}"),
            pos: Position {
                x: (i % 100) as f32 * 220.0,
                y: (i / 100) as f32 * 140.0,
            },
            notes: String::new(),
            kind: NodeKind::Service(s),
        });
        if i + 1 < cells {
            let mut l = Link::new(svc(i), svc(i + 1), Style::Sync);
            l.to_op = Some("report".into());
            l.latency = Distribution::Constant { ms: 2.0 };
            l.timeout_ms = Some(1500.0);
            l.retries = 2;
            l.backoff_ms = 50.0;
            l.backoff_multiplier = 2.0;
            d.links.push(l);
        }
        if i % 10 == 0 {
            let db = NodeId(format!("db-{i}"));
            let topic = NodeId(format!("topic-{i}"));
            d.nodes.push(Node {
                id: db.clone(),
                name: format!("Database {i}"),
                pos: Position::default(),
                notes: "Owned by the service above it.".into(),
                kind: NodeKind::DataStore(DataStore {
                    kind: StoreKind::Database,
                    read_latency: Distribution::Constant { ms: 2.0 },
                    write_latency: Distribution::Uniform {
                        min_ms: 3.0,
                        max_ms: 9.0,
                    },
                    connections: Some(20),
                    poll_interval_s: 1.0,
                    availability: Availability::Always,
                }),
            });
            d.nodes.push(Node {
                id: topic.clone(),
                name: format!("Topic {i}"),
                pos: Position::default(),
                notes: String::new(),
                kind: NodeKind::Broker(Broker {
                    kind: BrokerKind::Log,
                    durable: true,
                    delivery_latency: Distribution::Constant { ms: 5.0 },
                    retention_s: Some(86_400.0),
                }),
            });
            d.links.push(Link::new(svc(i), db, Style::Sync));
            d.links.push(Link::new(svc(i), topic.clone(), Style::Event));
            if i + 5 < cells {
                let mut sub = Link::new(topic, svc(i + 5), Style::Event);
                sub.max_deliveries = Some(3);
                d.links.push(sub);
            }
        }
        if i % 100 == 0 {
            let client = NodeId(format!("client-{i}"));
            d.nodes.push(Node {
                id: client.clone(),
                name: format!("Users {i}"),
                pos: Position::default(),
                notes: String::new(),
                kind: NodeKind::Client,
            });
            d.links.push(Link::new(client.clone(), svc(i), Style::Sync));
            d.entry_points.push(EntryPoint {
                name: format!("request-{i}"),
                client,
                target: svc(i),
                operation: Some("handle".into()),
                objectives: Default::default(),
                load: Load::Open {
                    arrival: archsim::model::Arrival::Poisson,
                    rate_per_s: 20.0,
                },
            });
        }
        if i % 1000 == 1 && i + 1 < cells {
            d.scenario.faults.push(Fault::Crash {
                node: svc(i),
                at_s: 10.0,
                for_s: 5.0,
            });
            d.scenario.faults.push(Fault::Drop {
                link: LinkRef {
                    from: svc(i),
                    to: svc(i + 1),
                    name: None,
                },
                fraction: 0.01,
            });
        }
    }
    d.use_every_link(1.0);
    d
}

/// Breaks the design everywhere: one mistake in every service and link.
fn break_everything(d: &mut Design) {
    for (i, node) in d.nodes.iter_mut().enumerate() {
        if let NodeKind::Service(s) = &mut node.kind {
            match i % 3 {
                0 => s.workers = 0,
                1 => s.error_rate = 1.5,
                _ => s.availability = Availability::Fraction(-0.5),
            }
        }
    }
    for (i, link) in d.links.iter_mut().enumerate() {
        match i % 3 {
            0 => link.latency = Distribution::Constant { ms: -1.0 },
            1 => link.to = NodeId(format!("missing-{i}")),
            _ => link.to_op = Some("no_such_operation".into()),
        }
    }
}

/// The canonical text of the largest generated design under the target
/// size, valid or broken everywhere.
fn generate(broken: bool) -> String {
    let text = |cells| {
        let mut d = design(cells);
        if broken {
            break_everything(&mut d);
        }
        file::to_string(&d).expect("serializes")
    };
    let sample = 2_000;
    let per_cell = text(sample).len() as f64 / sample as f64;
    let mut cells = (TARGET_BYTES as f64 / per_cell) as usize;
    let mut out = text(cells);
    while out.len() > TARGET_BYTES {
        cells -= cells / 100;
        out = text(cells);
    }
    out
}

struct Designs {
    _dir: Option<tempfile::TempDir>,
    valid: PathBuf,
    broken: PathBuf,
    valid_text: String,
    broken_text: String,
}

static DESIGNS: LazyLock<Designs> = LazyLock::new(|| {
    let (dir, keep) = match std::env::var_os("ARCHSIM_BENCH_DESIGNS") {
        Some(d) => {
            std::fs::create_dir_all(&d).expect("creates the folder");
            (PathBuf::from(d), None)
        }
        None => {
            let t = tempfile::tempdir().expect("temporary folder");
            (t.path().to_owned(), Some(t))
        }
    };
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("writes");
        path
    };
    let valid_text = generate(false);
    let broken_text = generate(true);
    let designs = Designs {
        valid: write("valid-50mb.archsim.ron", &valid_text),
        broken: write("broken-50mb.archsim.ron", &broken_text),
        _dir: keep,
        valid_text,
        broken_text,
    };
    // Make sure the benchmarks measure what they claim.
    let d = file::load(&designs.valid).expect("the valid design loads");
    eprintln!(
        "valid: {} bytes, {} nodes, {} links; broken: {} bytes",
        designs.valid_text.len(),
        d.nodes.len(),
        d.links.len(),
        designs.broken_text.len()
    );
    match file::load(&designs.broken) {
        Err(archsim::model::LoadError::Invalid { problems, .. }) => {
            assert!(problems.len() > 100, "many problems");
            assert!(problems.iter().take(100).all(|p| p.line_col.is_some()));
        }
        other => panic!("the broken design must be invalid: {other:?}"),
    }
    designs
});

fn designs() -> &'static Designs {
    &DESIGNS
}

/// Reading, parsing and validating a valid 50 MB file.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn load_valid_50mb(bencher: Bencher) {
    let path: &Path = &designs().valid;
    bencher.bench(|| file::load(path).expect("valid"));
}

/// The same from memory: parsing and validation only.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn parse_valid_50mb(bencher: Bencher) {
    let text = &designs().valid_text;
    bencher.bench(|| file::parse(text, "valid").expect("valid"));
}

/// A 50 MB file with a mistake in every service and link: everything is
/// validated, and the first problems are located in the text.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn load_broken_50mb(bencher: Bencher) {
    let path: &Path = &designs().broken;
    bencher.bench(|| file::load(path).expect_err("broken"));
}

/// Saving: the canonical text of the valid 50 MB design.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn to_string_50mb(bencher: Bencher) {
    let design = file::parse(&designs().valid_text, "valid").expect("valid");
    bencher.bench(|| file::to_string(&design).expect("serializes"));
}
