//! Generated designs of any size, for benchmarks and stress tests: the
//! shipped examples are small, and performance targets are stated for
//! designs of a thousand services and more.

use rand::{RngExt as _, SeedableRng};
use rand_pcg::Pcg64Mcg;

use crate::model::{
    Arrival, Broker, BrokerKind, DataStore, Design, Distribution, EntryPoint, Link, Load, Node,
    NodeKind, Position, Service, StoreKind, Style, Technology,
};

/// The shape of a generated design.
#[derive(Debug, Clone, Copy)]
pub struct SyntheticSpec {
    /// Number of services.
    pub services: usize,
    /// Number of links (about; every link is counted, including a broker's
    /// and a store's two halves).
    pub links: usize,
    /// Number of entry points (each with its own client).
    pub entry_points: usize,
    /// Total arrival rate over all entry points, per second.
    pub rate_per_s: f64,
    /// Seed of the generator: the same spec gives the same design.
    pub seed: u64,
}

impl Default for SyntheticSpec {
    fn default() -> Self {
        Self {
            services: 1000,
            links: 3000,
            entry_points: 10,
            rate_per_s: 1000.0,
            seed: 1,
        }
    }
}

/// A valid design as `spec` says: services in a grid, calls only towards
/// later services (so no cycle amplifies), a mix of every style, events and
/// common data each through a broker or store of their own. Each link is taken
/// with a probability chosen so that a request visits about ten services
/// on average, whatever the size: the load per service stays stable.
pub fn synthetic(spec: &SyntheticSpec) -> Design {
    let mut rng = Pcg64Mcg::seed_from_u64(spec.seed);
    let n = spec.services.max(1);
    let mut d = Design::new(format!("synthetic: {} services, {} links", n, spec.links));
    d.description = "Generated for benchmarks and stress tests.".into();
    let columns = (n as f64).sqrt().ceil() as usize;
    let at = |i: usize, x_offset: f32| Position {
        x: x_offset + 220.0 * (i / columns) as f32,
        y: 140.0 * (i % columns) as f32,
    };
    for i in 0..n {
        d.nodes.push(Node {
            id: format!("s{i}").as_str().into(),
            name: format!("Service {i}"),
            pos: at(i, 220.0),
            notes: String::new(),
            kind: NodeKind::Service(Service::simple(
                64,
                Distribution::Exponential {
                    mean_ms: rng.random_range(1.0..4.0),
                },
            )),
        });
    }
    // Each service makes `per_service` calls on average; taking each with
    // probability p keeps the expected number of services a request visits
    // at about 1 / (1 - per_service p) = 10.
    let per_service = (spec.links as f64 / n as f64).max(1.0);
    let p = 0.9 / per_service;
    let mut made = 0;
    // Links go from a service to a later one, so a single service has none.
    let wanted = if n < 2 { 0 } else { spec.links };
    while made < wanted {
        let i = rng.random_range(0..n - 1);
        let j = rng.random_range(i + 1..n.min(i + 60));
        let (from, to) = (format!("s{i}"), format!("s{j}"));
        let style = match rng.random_range(0..20) {
            0..12 => Style::Sync,
            12..15 => Style::AsyncRequest,
            15..18 => Style::Event,
            _ => Style::CommonData,
        };
        let link = |from: &str, to: &str, style: Style| {
            let mut l = Link::new(from, to, style);
            l.latency = Distribution::Constant { ms: 1.0 };
            l.technology = match style {
                Style::Sync => Technology::Grpc,
                Style::AsyncRequest => Technology::RabbitMq,
                Style::Event => Technology::Kafka,
                Style::CommonData => Technology::Database,
            };
            if style == Style::Sync {
                l.timeout_ms = Some(2_000.0);
            }
            l
        };
        match style {
            Style::Sync | Style::AsyncRequest => {
                d.links.push(link(&from, &to, style));
                made += 1;
            }
            // A broker or store of its own for each pair: a shared one would
            // hand every message to every subscriber, and loops among them
            // would multiply messages without end.
            Style::Event => {
                let topic = format!("topic{made}");
                d.nodes.push(Node {
                    id: topic.as_str().into(),
                    name: format!("Topic {made}"),
                    pos: at(i, 330.0),
                    notes: String::new(),
                    kind: NodeKind::Broker(Broker {
                        kind: BrokerKind::Log,
                        durable: true,
                        delivery_latency: Distribution::Constant { ms: 2.0 },
                        retention_s: None,
                    }),
                });
                d.links.push(link(&from, &topic, style));
                d.links.push(link(&topic, &to, style));
                made += 2;
            }
            Style::CommonData => {
                let store = format!("store{made}");
                d.nodes.push(Node {
                    id: store.as_str().into(),
                    name: format!("Store {made}"),
                    pos: at(i, 330.0),
                    notes: String::new(),
                    kind: NodeKind::DataStore(DataStore {
                        kind: StoreKind::Database,
                        read_latency: Distribution::Constant { ms: 1.0 },
                        write_latency: Distribution::Constant { ms: 2.0 },
                        connections: Some(256),
                        poll_interval_s: 1.0,
                        availability: Default::default(),
                    }),
                });
                d.links.push(link(&from, &store, style));
                d.links.push(link(&store, &to, style));
                made += 2;
            }
        }
    }
    let entries = spec.entry_points.clamp(1, n);
    for e in 0..entries {
        let client = format!("client{e}");
        let target = format!("s{}", e * n / entries);
        d.nodes.push(Node {
            id: client.as_str().into(),
            name: format!("Client {e}"),
            pos: Position {
                x: 0.0,
                y: 140.0 * e as f32,
            },
            notes: String::new(),
            kind: NodeKind::Client,
        });
        let mut l = Link::new(client.as_str(), target.as_str(), Style::Sync);
        l.latency = Distribution::Constant { ms: 5.0 };
        l.timeout_ms = Some(10_000.0);
        d.links.push(l);
        d.entry_points.push(EntryPoint {
            name: format!("entry{e}"),
            client: client.as_str().into(),
            target: target.as_str().into(),
            operation: None,
            objectives: Default::default(),
            load: Load::Open {
                arrival: Arrival::Poisson,
                rate_per_s: spec.rate_per_s / entries as f64,
            },
        });
    }
    d.use_every_link(p);
    d.scenario.duration_s = 60.0;
    d.scenario.warmup_s = 5.0;
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_designs_are_valid_deterministic_and_of_the_asked_size() {
        for services in [1, 10, 1000] {
            let spec = SyntheticSpec {
                services,
                links: services * 3,
                ..SyntheticSpec::default()
            };
            let d = synthetic(&spec);
            assert!(d.problems().is_empty(), "{:?}", d.problems().first());
            let service_count = d.nodes.iter().filter(|n| n.as_service().is_some()).count();
            assert_eq!(service_count, services);
            let internal = d.links.len() - spec.entry_points.min(services);
            assert!(
                services == 1 || (internal >= spec.links && internal <= spec.links + 1),
                "{internal} links for {}",
                spec.links
            );
            assert_eq!(d, synthetic(&spec));
        }
    }
}
