//! CPU time of one frame of the editor: the egui pass (panels, inspector,
//! the canvas drawing every node and link) plus tessellation, headless, on
//! a generated design. Budgets: under 4 ms for 200 nodes / 600 links,
//! under 16 ms for 1,000 nodes / 3,000 links.
//!
//! `cargo bench --bench frame`

#[path = "support/mod.rs"]
mod support;

use archsim::app::edit::{NewNode, add_node, allowed_styles, connect};
use archsim::model::{Design, Position};
use support::AppBench;

fn main() {
    divan::main();
}

/// A design of `nodes` nodes on a grid (one in ten a client, broker or
/// store) and three links per node, mostly to near neighbours, each in a
/// style its two kinds allow. Deterministic.
fn generated(nodes: usize) -> Design {
    let mut d = Design::new(format!("generated {nodes}"));
    let columns = ((nodes as f32 * 1.6).sqrt().ceil() as usize).max(1);
    for i in 0..nodes {
        let kind = match i % 10 {
            0 => NewNode::Client,
            3 => NewNode::Broker,
            6 => NewNode::DataStore,
            _ => NewNode::Service,
        };
        let pos = Position {
            x: (i % columns) as f32 * 240.0,
            y: (i / columns) as f32 * 120.0,
        };
        add_node(&mut d, kind, pos);
    }
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut links = 0;
    while links < nodes * 3 {
        let from = (next() % nodes as u64) as usize;
        let to = if next() % 10 == 0 {
            (next() % nodes as u64) as usize
        } else {
            let step = [1, columns, columns + 1, 2][(next() % 4) as usize];
            (from + step) % nodes
        };
        let (a, b) = (d.nodes[from].id.clone(), d.nodes[to].id.clone());
        let styles = allowed_styles(&d.nodes[from].kind, &d.nodes[to].kind);
        let Some(&style) = styles.get((next() % 4) as usize % styles.len().max(1)) else {
            continue;
        };
        if connect(&mut d, &a, &b, style).is_ok() {
            links += 1;
        }
    }
    d
}

#[divan::bench(args = [200, 1000], sample_count = 60)]
fn frame(bencher: divan::Bencher<'_, '_>, nodes: usize) {
    let mut bench = AppBench::open(&generated(nodes));
    assert_eq!(bench.app.document().design().nodes.len(), nodes);
    bencher.bench_local(|| bench.frame());
}
