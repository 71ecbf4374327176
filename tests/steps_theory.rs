//! Format-2 steps against theory: either/or, work after the reply, an
//! orchestrator's continuations, fallbacks and parallel blocks.
//!
//! Every design is written here in the file format, from constants that
//! the expected value is then computed from by hand (queueing formulas,
//! sums of round trips, mixtures, the mean of a maximum); nothing is
//! compared with an earlier run of the program.

#[path = "common/theory.rs"]
mod theory;

use archsim::model::{Design, file};
use archsim::sim::{self, SimOptions, SimReport};
use theory::assert_agrees;

/// Replications of the stochastic cases: enough for intervals of a few
/// per cent.
const REPLICATIONS: u32 = 10;

/// A format-2 design from its parts; `client` calls `target` by a `sync`
/// link with the given latency, in an open workload of `rate_per_s`.
struct Spec<'a> {
    name: &'a str,
    nodes: &'a str,
    links: &'a str,
    target: &'a str,
    arrival: &'a str,
    rate_per_s: f64,
    client_latency_ms: f64,
    duration_s: f64,
}

fn design(s: &Spec<'_>) -> Design {
    let text = format!(
        r#"(
    format: 2,
    name: "{name}",
    description: "A theory check.",
    nodes: [
        (id: "client", name: "Client", kind: Client),
        {nodes}
    ],
    links: [
        (from: "client", to: "{target}", style: sync, latency: Constant(ms: {cl})),
        {links}
    ],
    entry_points: [
        (name: "go", client: "client", target: "{target}",
         load: Open(arrival: {arrival}, rate_per_s: {rate})),
    ],
    scenario: (duration_s: {duration}, warmup_s: 20.0, drain_s: 60.0, seed: 7),
)"#,
        name = s.name,
        nodes = s.nodes,
        links = s.links,
        target = s.target,
        arrival = s.arrival,
        rate = s.rate_per_s,
        cl = s.client_latency_ms,
        duration = s.duration_s,
    );
    let d = file::parse(&text, &format!("{}.archsim.ron", s.name))
        .unwrap_or_else(|e| panic!("{}: {e}\n{text}", s.name));
    assert!(d.problems().is_empty(), "{}: {:?}", s.name, d.problems());
    d
}

fn simulate(d: &Design, replications: u32) -> SimReport {
    sim::simulate(
        d,
        &SimOptions {
            replications,
            ..SimOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{}: {e}", d.name))
}

fn service<'r>(
    r: &'r SimReport,
    node: &str,
) -> &'r archsim::sim::ServiceResult<archsim::sim::Estimate> {
    r.results
        .services
        .iter()
        .find(|s| s.node == node)
        .expect("service in results")
}

#[test]
fn an_either_or_of_two_exponentials_in_front_of_one_worker_is_m_h2_1() {
    // Hyperexponential service: with probability p the work is Exp(m1),
    // otherwise Exp(m2). E[S] = p m1 + (1-p) m2, E[S^2] = 2 (p m1^2 +
    // (1-p) m2^2). Pollaczek-Khinchine: Wq = lambda E[S^2] / (2 (1 - rho)).
    let (p, m1, m2) = (0.9, 10.0, 100.0);
    let lambda = 30.0; // per second
    let nodes = format!(
        r#"(id: "server", name: "Server", kind: Service(workers: 1, operations: [
            (name: "serve", steps: [Choice([
                (probability: {p}, steps: [Work(Exponential(mean_ms: {m1}))]),
                (probability: {q}, steps: [Work(Exponential(mean_ms: {m2}))]),
            ])]),
        ])),"#,
        q = 1.0 - p,
    );
    let d = design(&Spec {
        name: "m-h2-1",
        nodes: &nodes,
        links: "",
        target: "server",
        arrival: "Poisson",
        rate_per_s: lambda,
        client_latency_ms: 0.0,
        duration_s: 4000.0,
    });
    let mean_s = (p * m1 + (1.0 - p) * m2) / 1e3;
    let second_s2 = 2.0 * (p * m1 * m1 + (1.0 - p) * m2 * m2) / 1e6;
    let rho = lambda * mean_s;
    let wq_s = lambda * second_s2 / (2.0 * (1.0 - rho));
    let r = simulate(&d, REPLICATIONS);
    assert_agrees(
        "M/H2/1 mean response time (ms)",
        r.results.entry_points[0].latency_ms.mean,
        (wq_s + mean_s) * 1e3,
        0.05,
    );
    assert_agrees(
        "M/H2/1 mean queue (Little: lambda Wq)",
        service(&r, "server").mean_queue,
        lambda * wq_s,
        0.08,
    );
    assert_agrees(
        "M/H2/1 utilisation",
        service(&r, "server").utilisation,
        rho,
        0.02,
    );
}

/// A service of `workers` that works `s1_ms`, then either answers (with
/// `Reply`) and works `s2_ms`, or works both before answering.
fn second_phase(reply_first: bool) -> Design {
    let reply = if reply_first { "Reply," } else { "" };
    let nodes = format!(
        r#"(id: "server", name: "Server", kind: Service(workers: {c}, operations: [
            (name: "serve", steps: [
                Work(Exponential(mean_ms: {S1})), {reply} Work(Exponential(mean_ms: {S2})),
            ]),
        ])),"#,
        c = PHASE_WORKERS,
    );
    design(&Spec {
        name: if reply_first {
            "reply-first"
        } else {
            "reply-last"
        },
        nodes: &nodes,
        links: "",
        target: "server",
        arrival: "Poisson",
        rate_per_s: PHASE_RATE,
        client_latency_ms: PHASE_LATENCY_MS,
        duration_s: 1000.0,
    })
}

const S1: f64 = 10.0;
const S2: f64 = 40.0;
const PHASE_WORKERS: u32 = 10;
const PHASE_RATE: f64 = 20.0;
const PHASE_LATENCY_MS: f64 = 5.0;

#[test]
fn work_after_the_reply_raises_utilisation_but_not_the_clients_latency() {
    // 20/s of 50 ms on 10 workers: 1 erlang, rho = 0.1; the chance that a
    // request waits for a worker (Erlang C) is about 1e-7, so a request's
    // latency is its round trip plus the work before the answer.
    let utilisation = PHASE_RATE * (S1 + S2) / 1e3 / f64::from(PHASE_WORKERS);
    for (reply_first, latency) in [
        (true, 2.0 * PHASE_LATENCY_MS + S1),
        (false, 2.0 * PHASE_LATENCY_MS + S1 + S2),
    ] {
        let d = second_phase(reply_first);
        let r = simulate(&d, REPLICATIONS);
        assert_agrees(
            &format!("{}: mean latency (ms)", d.name),
            r.results.entry_points[0].latency_ms.mean,
            latency,
            0.02,
        );
        // The worker is busy for both phases either way: lambda (S1 + S2) / c.
        assert_agrees(
            &format!("{}: utilisation", d.name),
            service(&r, "server").utilisation,
            utilisation,
            0.03,
        );
        // The flow ends when both the answer has reached the client and
        // the work is done. Replying first, the answer (L on the way)
        // races the second phase: L + S1 + E[max(L, S2)], and for an
        // exponential S2, E[max(L, S2)] = L + S2 e^(-L/S2).
        let l = PHASE_LATENCY_MS;
        let flow = if reply_first {
            l + S1 + l + S2 * (-l / S2).exp()
        } else {
            2.0 * l + S1 + S2
        };
        assert_agrees(
            &format!("{}: mean flow time (ms)", d.name),
            r.results.entry_points[0].flow_completion_ms.mean,
            flow,
            0.02,
        );
    }
}

#[test]
fn an_orchestrators_flow_time_is_the_sum_of_its_sequential_round_trips() {
    // Constant work and latencies, one request a second: nothing ever
    // waits, so every flow takes exactly
    //   L0 + c0 + (2 La + sa) + c1 + (2 Lb + D + sb) + c2 + (2 Lc + sc) + c3,
    // where D is the delivery latency of the queue on the way to B.
    let (l0, c0, c1, c2, c3) = (10.0, 3.0, 2.0, 4.0, 1.0);
    let (la, sa) = (1.5, 20.0);
    let (lb, db, sb) = (2.0, 5.0, 30.0);
    let (lc, sc) = (0.5, 50.0);
    let nodes = format!(
        r#"(id: "saga", name: "Saga", kind: Service(workers: 2, operations: [
            (name: "run", steps: [
                Work(Constant(ms: {c0})),
                Request(link: "a", then: [
                    Work(Constant(ms: {c1})),
                    Request(link: "b", then: [
                        Work(Constant(ms: {c2})),
                        Request(link: "c", then: [Work(Constant(ms: {c3}))]),
                    ]),
                ]),
            ]),
        ])),
        (id: "a", name: "A", kind: Service(workers: 2, operations: [(name: "do", steps: [Work(Constant(ms: {sa}))])])),
        (id: "b", name: "B", kind: Service(workers: 2, operations: [(name: "do", steps: [Work(Constant(ms: {sb}))])])),
        (id: "c", name: "C", kind: Service(workers: 2, operations: [(name: "do", steps: [Work(Constant(ms: {sc}))])])),
        (id: "commands", name: "Commands", kind: Broker(kind: Queue, delivery_latency: Constant(ms: {db}))),"#
    );
    let links = format!(
        r#"(from: "saga", to: "a", style: async_request, latency: Constant(ms: {la})),
        (from: "saga", to: "b", style: async_request, via: "commands", latency: Constant(ms: {lb})),
        (from: "saga", to: "c", style: async_request, latency: Constant(ms: {lc})),"#
    );
    let d = design(&Spec {
        name: "orchestrator",
        nodes: &nodes,
        links: &links,
        target: "saga",
        arrival: "Constant",
        rate_per_s: 1.0,
        client_latency_ms: l0,
        duration_s: 220.0,
    });
    let flow = l0 + c0 + (2.0 * la + sa) + c1 + (2.0 * lb + db + sb) + c2 + (2.0 * lc + sc) + c3;
    let r = simulate(&d, 2);
    let e = &r.results.entry_points[0];
    assert!(
        (e.flow_completion_ms.mean.mean - flow).abs() < 1e-6,
        "flow time {} ms, the sum of the round trips is {flow} ms",
        e.flow_completion_ms.mean.mean
    );
    // The client only waits for the first step.
    assert!((e.latency_ms.mean.mean - (2.0 * l0 + c0)).abs() < 1e-6);
    assert_eq!(e.availability.mean, 1.0);
    // The orchestrator's worker is held only for its own steps, never for
    // the round trips: (c0 + c1 + c2 + c3) per second over 2 workers.
    let busy = (c0 + c1 + c2 + c3) / 1e3 / 2.0;
    let occupancy = service(&r, "saga").occupancy.mean;
    assert!(
        (occupancy - busy).abs() < 0.01 * busy,
        "occupancy {occupancy}, own work {busy}"
    );
}

#[test]
fn a_fallback_that_never_fails_gives_availability_one_and_a_latency_mixture() {
    // The callee is down for a share 1 - a of calls and refuses them; the
    // refusal comes back after the round trip and the fallback's constant
    // work F answers instead. Latency: 2L + Exp(m) with probability a,
    // 2L + F otherwise. Many workers everywhere, so nothing queues.
    let (a, m, f, l) = (0.8, 50.0, 5.0, 2.0);
    let nodes = format!(
        r#"(id: "front", name: "Front", kind: Service(workers: 500, operations: [
            (name: "page", steps: [Call(link: "recs", fallback: [Work(Constant(ms: {f}))])]),
        ])),
        (id: "recs", name: "Recommendations", kind: Service(workers: 500, operations: [
            (name: "suggest", steps: [Work(Exponential(mean_ms: {m}))]),
        ], availability: Fraction({a}))),"#
    );
    let links = format!(r#"(from: "front", to: "recs", style: sync, latency: Constant(ms: {l})),"#);
    let d = design(&Spec {
        name: "fallback",
        nodes: &nodes,
        links: &links,
        target: "front",
        arrival: "Poisson",
        rate_per_s: 50.0,
        client_latency_ms: 0.0,
        duration_s: 1000.0,
    });
    let r = simulate(&d, REPLICATIONS);
    let e = &r.results.entry_points[0];
    assert_eq!(e.availability.mean, 1.0, "every request is answered");
    assert_agrees(
        "mean latency of the mixture (ms)",
        e.latency_ms.mean,
        2.0 * l + a * m + (1.0 - a) * f,
        0.02,
    );
    // Quantiles above 2L + F: P(T <= 2L + x) = (1 - a) + a (1 - e^(-x/m)),
    // so the q-quantile is 2L + m ln(a / (1 - q)).
    for (q, estimate) in [(0.5, e.latency_ms.p50), (0.95, e.latency_ms.p95)] {
        let x = m * (a / (1.0 - q)).ln();
        assert!(x > f, "the {q} quantile lies in the exponential part");
        assert_agrees(
            &format!("p{} of the mixture (ms)", q * 100.0),
            estimate,
            2.0 * l + x,
            0.03,
        );
    }
    // The share of calls that failed and took the fallback is 1 - a.
    let link = &r.results.links[1];
    let failed = link.errors.mean / link.messages.mean;
    assert!(
        (failed - (1.0 - a)).abs() < 0.01,
        "{failed} of calls failed, expected {}",
        1.0 - a
    );
}

#[test]
fn parallel_calls_cost_the_mean_of_the_maximum() {
    // Independent exponentials with rates mu_i: by inclusion-exclusion,
    // E[max] = sum over non-empty subsets S of (-1)^(|S|+1) / sum_S mu_i.
    // Equal means m: H_n m.
    fn mean_of_max(means: &[f64]) -> f64 {
        let n = means.len();
        (1..1u32 << n)
            .map(|set| {
                let rate: f64 = (0..n)
                    .filter(|i| set & (1 << i) != 0)
                    .map(|i| 1.0 / means[i])
                    .sum();
                let sign = if set.count_ones() % 2 == 1 { 1.0 } else { -1.0 };
                sign / rate
            })
            .sum()
    }
    let harmonic_4 = 1.0 + 1.0 / 2.0 + 1.0 / 3.0 + 1.0 / 4.0;
    assert!((mean_of_max(&[80.0; 4]) - harmonic_4 * 80.0).abs() < 1e-9);
    for means in [&[80.0, 80.0, 80.0, 80.0][..], &[20.0, 50.0, 100.0][..]] {
        let nodes: String = means
            .iter()
            .enumerate()
            .map(|(i, m)| {
                format!(
                    r#"(id: "s{i}", name: "S{i}", kind: Service(workers: 1000, operations: [
                        (name: "quote", steps: [Work(Exponential(mean_ms: {m}))]),
                    ])),"#
                )
            })
            .collect();
        let calls: Vec<String> = (0..means.len())
            .map(|i| format!(r#"Call("s{i}")"#))
            .collect();
        let nodes = format!(
            r#"(id: "agg", name: "Aggregator", kind: Service(workers: 1000, operations: [
                (name: "compare", steps: [Parallel([{}])]),
            ])),
            {nodes}"#,
            calls.join(", ")
        );
        let links: String = (0..means.len())
            .map(|i| format!(r#"(from: "agg", to: "s{i}", style: sync),"#))
            .collect();
        let d = design(&Spec {
            name: "parallel",
            nodes: &nodes,
            links: &links,
            target: "agg",
            arrival: "Poisson",
            rate_per_s: 20.0,
            client_latency_ms: 0.0,
            duration_s: 1000.0,
        });
        let r = simulate(&d, REPLICATIONS);
        assert_agrees(
            &format!("parallel calls with means {means:?}: mean latency (ms)"),
            r.results.entry_points[0].latency_ms.mean,
            mean_of_max(means),
            0.02,
        );
    }
}
