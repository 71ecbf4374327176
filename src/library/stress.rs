//! Designs of extreme shapes, for robustness tests and benchmarks: a file
//! controls how long a chain is or how many clients share a service, so
//! every walk over a design must survive them without recursion and in
//! memory linear in the design.

use crate::model::{
    Arrival, DataStore, Design, Distribution, EntryPoint, Link, Load, Node, NodeKind, Position,
    Service, StoreKind, Style,
};

/// A chain of `hops` links of `style` through services, entered by one
/// client (over a `sync` link) at one request per second for ten seconds. `sync` and
/// `async_request` go from each service to the next; `event` too (each
/// service publishes straight to the next); `common_data` through a store
/// between each pair, written by one and polled by the next (so each hop
/// is two links). Work is short (10 µs a hop), so a request crosses the
/// whole chain in about the time the hops take.
pub fn chain(style: Style, hops: usize) -> Design {
    let mut d = Design::new(format!("stress: a chain of {hops} {style} hops"));
    d.description = "Generated for robustness tests: one long chain.".into();
    let service = |i: usize| Node {
        id: format!("s{i}").as_str().into(),
        name: format!("Service {i}"),
        pos: grid(i),
        notes: String::new(),
        kind: NodeKind::Service(Service::simple(4, Distribution::Constant { ms: 0.01 })),
    };
    d.nodes.push(client("client"));
    d.nodes.push(service(0));
    d.links.push(Link::new("client", "s0", Style::Sync));
    for i in 1..=hops {
        d.nodes.push(service(i));
        let (from, to) = (format!("s{}", i - 1), format!("s{i}"));
        match style {
            Style::CommonData => {
                let store = format!("store{i}");
                d.nodes.push(Node {
                    id: store.as_str().into(),
                    name: format!("Store {i}"),
                    pos: grid(i),
                    notes: String::new(),
                    kind: NodeKind::DataStore(DataStore {
                        kind: StoreKind::Database,
                        read_latency: Distribution::Constant { ms: 0.01 },
                        write_latency: Distribution::Constant { ms: 0.01 },
                        connections: None,
                        poll_interval_s: 1.0,
                        availability: Default::default(),
                    }),
                });
                d.links
                    .push(Link::new(from.as_str(), store.as_str(), style));
                d.links.push(Link::new(store.as_str(), to.as_str(), style));
            }
            _ => d.links.push(Link::new(from.as_str(), to.as_str(), style)),
        }
    }
    enter(&mut d, "client", "s0", 1.0);
    d.use_every_link(1.0);
    d.scenario.duration_s = 10.0;
    d.scenario.warmup_s = 0.0;
    d
}

/// One service called synchronously by `clients` clients, the first of
/// which is an entry point (one request per second for ten seconds): a
/// design as wide as [`chain`] is long.
pub fn fan_in(clients: usize) -> Design {
    let mut d = Design::new(format!("stress: {clients} clients of one service"));
    d.description = "Generated for robustness tests: many clients.".into();
    d.nodes.push(Node {
        id: "api".into(),
        name: "API".into(),
        pos: Position { x: 220.0, y: 0.0 },
        notes: String::new(),
        kind: NodeKind::Service(Service::simple(
            16,
            Distribution::Exponential { mean_ms: 1.0 },
        )),
    });
    for i in 0..clients.max(1) {
        let id = format!("c{i}");
        d.nodes.push(client(&id));
        d.links.push(Link::new(id.as_str(), "api", Style::Sync));
    }
    enter(&mut d, "c0", "api", 1.0);
    d.scenario.duration_s = 10.0;
    d.scenario.warmup_s = 0.0;
    d
}

fn client(id: &str) -> Node {
    Node {
        id: id.into(),
        name: format!("Client {id}"),
        pos: Position::default(),
        notes: String::new(),
        kind: NodeKind::Client,
    }
}

fn enter(d: &mut Design, client: &str, target: &str, rate_per_s: f64) {
    d.entry_points.push(EntryPoint {
        name: "enter".into(),
        client: client.into(),
        target: target.into(),
        operation: None,
        objectives: Default::default(),
        load: Load::Open {
            arrival: Arrival::Poisson,
            rate_per_s,
        },
    });
}

/// Services in a square grid, 220 apart across and 140 down.
fn grid(i: usize) -> Position {
    const COLUMNS: usize = 500;
    Position {
        x: 220.0 * (i % COLUMNS) as f32,
        y: 140.0 * (i / COLUMNS) as f32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_of_every_style_and_wide_fan_ins_are_valid_and_of_the_asked_size() {
        for style in [
            Style::Sync,
            Style::AsyncRequest,
            Style::Event,
            Style::CommonData,
        ] {
            let d = chain(style, 50);
            assert!(d.problems().is_empty(), "{style}: {:?}", d.problems());
            let per_hop = if style == Style::CommonData { 2 } else { 1 };
            assert_eq!(d.links.len(), 1 + 50 * per_hop, "{style}");
        }
        let d = fan_in(300);
        assert!(d.problems().is_empty(), "{:?}", d.problems().first());
        assert_eq!(d.nodes.iter().filter(|n| n.is_client()).count(), 300);
    }
}
