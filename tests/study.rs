//! Studies against theory. Capacity: the highest load that meets a
//! mean-latency objective is the arrival rate at which the analytic mean
//! response time reaches the objective, computed here from the design's
//! own parameters. Sensitivity: on a chain that never queues, making one
//! service's work 20 % slower adds 20 % of its mean to the latency. Chaos:
//! a crash breaks the caller that waits and only delays the one whose
//! event waits in a log.

#[path = "common/queueing.rs"]
mod queueing;
#[path = "common/theory.rs"]
mod theory;

use archsim::model::{Design, file};
use archsim::study::Runs;
use archsim::study::capacity::{
    self, Bound, CapacityOptions, CapacityStudy, Criterion, EntryCapacity,
};
use archsim::study::chaos::{self, ChaosOptions, Injury, Outcome};
use archsim::study::sensitivity::{self, FactorKind, SensitivityOptions};
use queueing::erlang_c;
use theory::assert_agrees;

/// One server with `workers` workers, exponential work of `mean_ms`, fed
/// `rate` Poisson requests a second by a client that waits for ever, and
/// an entry point that promises `objectives`.
fn station(workers: u32, mean_ms: f64, rate: f64, objectives: &str) -> Design {
    let text = format!(
        r#"(
    format: 2,
    name: "M/M/{workers}",
    nodes: [
        (id: "client", name: "Client", kind: Client),
        (id: "server", name: "Server", kind: Service(workers: {workers}, operations: [(name: "serve", steps: [Work(Exponential(mean_ms: {mean_ms}))])])),
    ],
    links: [(from: "client", to: "server", style: sync, latency: Constant(ms: 0), timeout_ms: 600000)],
    entry_points: [(name: "request", client: "client", target: "server", load: Open(arrival: Poisson, rate_per_s: {rate}){objectives})],
    scenario: (duration_s: 600, warmup_s: 60, seed: 7),
)"#
    );
    file::parse(&text, "station.archsim.ron").unwrap_or_else(|e| panic!("{e}"))
}

fn study(design: &Design) -> CapacityStudy {
    capacity::capacity(
        design,
        &CapacityOptions {
            runs: Runs {
                replications: 8,
                ..Runs::default()
            },
            ..CapacityOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The load `x` in `[lo, hi]` where the rising `f` reaches `target`.
fn solve(f: impl Fn(f64) -> f64, target: f64, mut lo: f64, mut hi: f64) -> f64 {
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        if f(mid) < target { lo = mid } else { hi = mid }
    }
    (lo + hi) / 2.0
}

/// Asserts that `theory` lies in the capacity's interval, its ends
/// widened by a quarter of its width (the interpolation between load
/// points) and by `relative` × theory (a tolerance the theory allows).
fn assert_contains(c: &EntryCapacity, theory: f64, relative: f64) {
    let slack = 0.25 * (c.high - c.low) + relative * theory;
    assert!(
        c.low - slack <= theory && theory <= c.high + slack,
        "capacity {} ({}–{}), theory {theory}",
        c.load,
        c.low,
        c.high
    );
}

/// Asserts that the study found `theory` (a multiple of the design's load)
/// for its only entry point, inside an interval narrow enough to mean it.
fn assert_capacity(study: &CapacityStudy, theory: f64) {
    let c = &study.capacities[0];
    assert_eq!(c.bound, Bound::Found, "{}", c.describe());
    assert_eq!(c.criterion, Criterion::Objectives);
    assert_eq!(c.limited_by, Some("mean"));
    assert!(
        c.low <= c.load && c.load <= c.high,
        "the capacity {} lies outside its interval {}–{}",
        c.load,
        c.low,
        c.high
    );
    assert!(
        c.high - c.low <= 0.1 * theory,
        "the interval {}–{} is too wide to test against {theory}",
        c.low,
        c.high
    );
    assert_contains(c, theory, 0.005);
    assert!(
        study.points.len() <= 12,
        "{} load points, more than the budget",
        study.points.len()
    );
    assert!(
        study
            .points
            .windows(2)
            .all(|w| w[0].load_multiplier < w[1].load_multiplier),
        "the curves are drawn with the load rising"
    );
    let bottleneck = c.bottleneck.as_ref().expect("a bottleneck at the knee");
    assert_eq!(bottleneck.node, "server");
}

#[test]
fn mm1_capacity_is_where_one_over_mu_minus_lambda_meets_the_objective() {
    // mu = 100/s, lambda = 20/s at the design's load; the mean response
    // time 1/(mu - lambda) is 40 ms at lambda = 75/s: 3.75 times the load.
    let (mu, rate, objective_s) = (100.0, 20.0, 0.040);
    let design = station(1, 10.0, rate, ", objectives: (mean_ms: 40)");
    let lambda = mu - 1.0 / objective_s;
    assert_capacity(&study(&design), lambda / rate);
}

#[test]
fn mmc_capacity_is_where_erlang_c_meets_the_objective() {
    // Three workers of mu = 1/30 ms each: W = C(3, a) / (c mu - lambda) +
    // 1/mu, solved here for W = 60 ms.
    let (c, mean_s, rate, objective_s) = (3, 0.030, 10.0, 0.060);
    let mu = 1.0 / mean_s;
    let w = |lambda: f64| erlang_c(c, lambda / mu) / (f64::from(c) * mu - lambda) + 1.0 / mu;
    let lambda = solve(w, objective_s, 0.0, f64::from(c) * mu * 0.999_999);
    let design = station(c, 30.0, rate, ", objectives: (mean_ms: 60)");
    assert_capacity(&study(&design), lambda / rate);
}

#[test]
fn without_objectives_an_open_entry_point_is_judged_by_keeping_up() {
    // M/M/1, mu = 100/s: the sojourn time is exponential with rate
    // mu - lambda, so its median ln 2 / (mu - lambda) doubles from the
    // design's (lambda = 10/s) when mu - lambda halves from 90 to 45/s:
    // at lambda = 55/s, 5.5 times the load.
    let (mu, rate) = (100.0, 10.0);
    let design = station(1, 10.0, rate, "");
    let s = study(&design);
    let c = &s.capacities[0];
    assert_eq!(c.criterion, Criterion::KeepsUp);
    assert_eq!(c.bound, Bound::Found, "{}", c.describe());
    assert_eq!(c.limited_by, Some("slowdown"));
    let theory = (mu - (mu - rate) / 2.0) / rate;
    assert_contains(c, theory, 0.01);
}

#[test]
fn a_capacity_study_gives_the_same_answer_on_one_thread_and_on_many() {
    let design = station(1, 10.0, 20.0, ", objectives: (mean_ms: 40)");
    let on = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool");
        let s = pool.install(|| study(&design));
        serde_json::to_string(&s).expect("JSON")
    };
    assert_eq!(on(1), on(3));
}

// --- sensitivity ------------------------------------------------------------

/// A client calls A, A calls B, B calls C, each waiting for the answer,
/// with more workers than ever busy: the latency is the sum of the three
/// services' exponential work and nothing queues.
fn chain(work_ms: [f64; 3]) -> Design {
    let [a, b, c] = work_ms;
    let service = |id: &str, ms: f64, call: &str| {
        format!(
            r#"(id: "{id}", name: "{id}", kind: Service(workers: 64, operations: [(name: "serve", steps: [Work(Exponential(mean_ms: {ms})){call}])]))"#
        )
    };
    let text = format!(
        r#"(
    format: 2,
    name: "chain",
    nodes: [
        (id: "client", name: "Client", kind: Client),
        {},
        {},
        {},
    ],
    links: [
        (from: "client", to: "a", style: sync, latency: Constant(ms: 0), timeout_ms: 600000),
        (from: "a", to: "b", style: sync, latency: Constant(ms: 0), timeout_ms: 600000),
        (from: "b", to: "c", style: sync, latency: Constant(ms: 0), timeout_ms: 600000),
    ],
    entry_points: [(name: "request", client: "client", target: "a", load: Open(arrival: Poisson, rate_per_s: 20))],
    scenario: (duration_s: 300, warmup_s: 10, seed: 3),
)"#,
        service("a", a, r#", Call("b")"#),
        service("b", b, r#", Call("c")"#),
        service("c", c, ""),
    );
    file::parse(&text, "chain.archsim.ron").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn sensitivity_ranks_a_chains_services_by_their_share_of_the_latency() {
    // The mean latency is a + b + c; 20 % more work at one service adds 20
    // % of its mean, whatever the others do.
    let work = [5.0, 40.0, 15.0];
    let design = chain(work);
    let study = sensitivity::sensitivity(
        &design,
        &SensitivityOptions {
            runs: Runs {
                replications: 6,
                ..Runs::default()
            },
            ..SensitivityOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(!study.cancelled);
    // The links have no latency: only the three services are factors.
    let names: Vec<&str> = study.factors.iter().map(|f| f.target.as_str()).collect();
    assert_eq!(names, ["b", "c", "a"], "ranked by their work: 40, 15, 5 ms");
    for factor in &study.factors {
        assert_eq!(factor.kind, FactorKind::ServiceWork);
        let i = ["a", "b", "c"]
            .iter()
            .position(|n| *n == factor.target)
            .expect("a service");
        let effect = &factor.effects[0];
        assert_agrees(
            &format!("{} 20 % slower: mean", factor.target),
            effect.slower.mean_ms,
            0.2 * work[i],
            0.5,
        );
        assert_agrees(
            &format!("{} 20 % faster: mean", factor.target),
            effect.faster.mean_ms,
            -0.2 * work[i],
            0.5,
        );
        assert!(effect.p99_swing_ms > 0.0, "slower work raises the p99");
    }
}

// --- chaos ------------------------------------------------------------------

/// `lookup` calls API, which calls X and waits; `order` calls Shop, which
/// publishes an event that X consumes through a log broker.
fn one_sync_one_event_consumer() -> Design {
    let text = r#"(
    format: 2,
    name: "sync and event consumers",
    nodes: [
        (id: "client", name: "Client", kind: Client),
        (id: "api", name: "API", kind: Service(workers: 32, operations: [(name: "lookup", steps: [Work(Exponential(mean_ms: 5)), Call("x")])])),
        (id: "shop", name: "Shop", kind: Service(workers: 32, operations: [(name: "order", steps: [Work(Exponential(mean_ms: 5)), Publish("orders")])])),
        (id: "orders", name: "Orders", kind: Broker(kind: Log, delivery_latency: Constant(ms: 1))),
        (id: "x", name: "X", kind: Service(workers: 16, operations: [(name: "handle", steps: [Work(Exponential(mean_ms: 10))])])),
    ],
    links: [
        (from: "client", to: "api", style: sync, latency: Constant(ms: 1), timeout_ms: 5000),
        (from: "client", to: "shop", style: sync, latency: Constant(ms: 1), timeout_ms: 5000),
        (from: "api", to: "x", style: sync, latency: Constant(ms: 1), timeout_ms: 1000),
        (from: "shop", to: "orders", style: event, latency: Constant(ms: 1)),
        (from: "orders", to: "x", style: event, latency: Constant(ms: 1)),
    ],
    entry_points: [
        (name: "lookup", client: "client", target: "api", load: Open(arrival: Poisson, rate_per_s: 20)),
        (name: "order", client: "client", target: "shop", load: Open(arrival: Poisson, rate_per_s: 20)),
    ],
    scenario: (duration_s: 120, warmup_s: 10, seed: 5),
)"#;
    file::parse(text, "chaos.archsim.ron").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn chaos_breaks_the_synchronous_caller_and_only_delays_the_event_driven_one() {
    let design = one_sync_one_event_consumer();
    let study = chaos::chaos(&design, &ChaosOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(!study.cancelled);
    let experiment = |node: &str, injury: Injury| {
        study
            .experiments
            .iter()
            .find(|e| e.node == node && e.injury == injury)
            .unwrap_or_else(|| panic!("{node} {injury:?} was tried"))
    };
    let x_down = experiment("x", Injury::Crash);
    let (lookup, order) = (&x_down.cells[0], &x_down.cells[1]);
    // Every lookup in the window fails: about the window's share of the
    // measured time (27.5 of 110 s).
    assert_eq!(lookup.outcome, Outcome::Broken, "{lookup:?}");
    let share = study.for_s / (120.0 - 10.0);
    assert!(
        (lookup.availability_drop.mean - share).abs() < 0.05,
        "lost {} of lookups, the outage is {share} of the time",
        lookup.availability_drop.mean
    );
    assert_eq!(lookup.root_cause.as_deref(), Some("x"));
    // Orders are answered as before; their events wait in the log until X
    // is back, up to the whole window.
    assert_eq!(order.outcome, Outcome::Delayed, "{order:?}");
    assert!(order.availability_drop.mean.abs() < 0.001, "{order:?}");
    assert!(order.p99_ms.mean.abs() < 5.0, "{order:?}");
    assert!(
        order.flow_p99_ms.mean > 0.5 * study.for_s * 1e3,
        "the work set off by an order waits for X: {order:?}"
    );
    assert!(x_down.messages_lost.mean.abs() < 1.0, "the log keeps them");
    // The API down breaks lookups only.
    let api_down = experiment("api", Injury::Crash);
    assert_eq!(api_down.cells[0].outcome, Outcome::Broken);
    assert_eq!(api_down.cells[1].outcome, Outcome::Unaffected);
    // The log down loses the events sent meanwhile: orders look fine.
    let log_down = experiment("orders", Injury::Crash);
    assert_eq!(log_down.cells[1].outcome, Outcome::Unaffected);
    let sent = 20.0 * study.for_s;
    assert!(
        (log_down.messages_lost.mean - sent).abs() < 0.25 * sent,
        "lost {} events, about {sent} were sent while it was down",
        log_down.messages_lost.mean
    );
}

/// `read` calls Primary and, when that fails, Backup instead.
fn primary_with_a_backup() -> Design {
    let text = r#"(
    format: 2,
    name: "a backup behind the primary",
    nodes: [
        (id: "client", name: "Client", kind: Client),
        (id: "front", name: "Front", kind: Service(workers: 32, operations: [(name: "read", steps: [Work(Exponential(mean_ms: 2)), Call(link: "primary", fallback: [Call("backup")])])])),
        (id: "primary", name: "Primary", kind: Service(workers: 16, operations: [(name: "get", steps: [Work(Exponential(mean_ms: 5))])])),
        (id: "backup", name: "Backup", kind: Service(workers: 16, operations: [(name: "get", steps: [Work(Exponential(mean_ms: 5))])])),
    ],
    links: [
        (from: "client", to: "front", style: sync, latency: Constant(ms: 1), timeout_ms: 5000),
        (from: "front", to: "primary", style: sync, latency: Constant(ms: 1), timeout_ms: 200),
        (from: "front", to: "backup", style: sync, latency: Constant(ms: 1), timeout_ms: 200),
    ],
    entry_points: [
        (name: "read", client: "client", target: "front", load: Open(arrival: Poisson, rate_per_s: 20)),
    ],
    scenario: (duration_s: 120, warmup_s: 10, seed: 5),
)"#;
    file::parse(text, "backup.archsim.ron").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn chaos_with_pairs_finds_what_survives_one_loss_but_not_two() {
    let design = primary_with_a_backup();
    let options = ChaosOptions {
        pairs: true,
        ..ChaosOptions::default()
    };
    let study = chaos::chaos(&design, &options).unwrap_or_else(|e| panic!("{e}"));
    // Three nodes: each crashed and slowed alone, then the three pairs.
    assert_eq!(study.experiments.len(), 3 * 2 + 3);
    assert_eq!(chaos::variants(&design, true), study.experiments.len());
    let crash = |node: &str, with: Option<&str>| {
        study
            .experiments
            .iter()
            .find(|e| e.injury == Injury::Crash && e.node == node && e.with_node.as_deref() == with)
            .unwrap_or_else(|| panic!("crash {node} with {with:?} was tried"))
            .cells[0]
            .outcome
    };
    assert_ne!(
        crash("primary", None),
        Outcome::Broken,
        "the backup answers"
    );
    assert_eq!(crash("backup", None), Outcome::Unaffected, "nobody asks it");
    assert_eq!(
        crash("primary", Some("backup")),
        Outcome::Broken,
        "both down: nothing answers"
    );
    let both = study
        .experiments
        .iter()
        .find(|e| e.with_node.is_some() && e.node == "primary")
        .expect("the pair");
    assert_eq!(both.label(study.slow_factor), "crash Primary + Backup");
    assert_eq!(both.cells[0].root_cause.as_deref(), Some("backup"));
}
