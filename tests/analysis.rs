//! Findings and advice on the shipped examples, as a reader of the
//! literature expects them.

use std::collections::BTreeSet;

use archsim::advice::{self, Evaluation};
use archsim::analysis::{self, Severity};
use archsim::library;
use archsim::model::{Design, NodeKind, Style};
use archsim::sim::SimOptions;

fn example(slug: &str) -> Design {
    library::find(slug)
        .expect("example exists")
        .design()
        .expect("loads")
}

/// `rule:subject` of every finding at warning or above.
fn warnings(slug: &str) -> BTreeSet<String> {
    let design = example(slug);
    analysis::analyse(&design)
        .at_least(Severity::Warning)
        .map(|f| f.id(&design))
        .collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn every_example_has_exactly_the_findings_the_literature_predicts() {
    let expected: &[(&str, &[&str])] = &[
        // Four services in a blocking chain: coupled to all four, and the
        // chain is long.
        (
            "fraud-check-blocking",
            &[
                "temporal-coupling:place_order",
                "long-blocking-chain:place_order",
            ],
        ),
        // Fraud Detection in the background: the purchase needs two.
        ("fraud-check-background", &[]),
        // Payment answers before it calls Fraud Detection: the purchase
        // waits for two services, as in the background twin.
        ("fraud-check-reply-first", &[]),
        // Hours of work behind a sync call with a shorter timeout.
        (
            "warehouse-fulfilment-blocking",
            &["long-running-sync:order_processor->warehouse"],
        ),
        ("warehouse-fulfilment-async", &[]),
        // "Just an ID": the subscriber calls back for the data.
        (
            "customer-registered-just-id",
            &["event-callback:notifications->customer"],
        ),
        ("customer-registered-detailed", &[]),
        // Three stockists one after another; in parallel they are still
        // all needed at once.
        (
            "stockist-prices-sequential",
            &[
                "temporal-coupling:compare_prices",
                "sequential-fanout:price_comparison",
            ],
        ),
        (
            "stockist-prices-parallel",
            &["temporal-coupling:compare_prices"],
        ),
        (
            "stock-check-no-timeout",
            &["no-timeout:order_processor->inventory"],
        ),
        ("stock-check-timeout", &[]),
        // Competing consumers, a poison message, no retry limit.
        (
            "pricing-grid-unbounded-retries",
            &["unbounded-retries:trading_desk->pricing_grid"],
        ),
        ("pricing-grid-dead-letter", &[]),
        ("order-saga-choreography", &[]),
        ("order-saga-orchestration", &[]),
        // The event leaves after the write; its subscribers are off the
        // request's path.
        ("order-outbox", &[]),
        // The database is needed on a miss only; the cache on every
        // request, like any store a service owns.
        ("catalogue-cache", &[]),
        // Recommendations has a fallback, so the page does not need it;
        // the two calls run in parallel.
        ("recommendations-fallback", &[]),
        ("product-importer-file-drop", &[]),
        // Two services writing one table, which both entry points need.
        (
            "shared-order-table",
            &[
                "shared-writable-store:orders",
                "single-point-of-failure:orders",
            ],
        ),
        (
            "store-and-trading-shared-data",
            &["single-point-of-failure:user_service"],
        ),
    ];
    let covered: BTreeSet<&str> = expected.iter().map(|(s, _)| *s).collect();
    for ex in library::EXAMPLES {
        assert!(
            covered.contains(ex.slug),
            "no expectation written down for {}",
            ex.slug
        );
    }
    for (slug, ids) in expected {
        assert_eq!(warnings(slug), set(ids), "{slug}");
    }
}

#[test]
fn the_blocking_fraud_check_is_a_chain_of_four_whose_availability_is_the_product() {
    let d = example("fraud-check-blocking");
    let a = analysis::analyse(&d);
    let e = &a.entry_points[0];
    assert_eq!(e.chain.len(), 4);
    assert_eq!(e.chain_links.len(), 3);
    let product: f64 = e
        .coupling_set
        .iter()
        .map(|id| d.node(id).expect("node").availability().fraction_up())
        .product();
    assert_eq!(e.coupling_set.len(), 4);
    assert!((e.compound_availability - product).abs() < 1e-12);
    assert!((product - 0.995f64.powi(4)).abs() < 1e-12);
    let chain = a
        .findings
        .iter()
        .find(|f| f.rule == analysis::RuleId::LongBlockingChain)
        .expect("long-blocking-chain");
    assert_eq!(chain.nodes, e.chain);
    assert!(chain.explanation.contains("connections"));
}

#[test]
fn a_call_after_the_reply_or_with_a_fallback_is_not_needed_for_the_answer() {
    // (example, what the entry point needs up at once)
    let cases: &[(&str, &[&str])] = &[
        ("fraud-check-reply-first", &["order_processor", "payment"]),
        ("recommendations-fallback", &["storefront", "catalogue"]),
    ];
    for (slug, needed) in cases {
        let d = example(slug);
        let e = &analysis::analyse(&d).entry_points[0];
        let got: BTreeSet<String> = e.coupling_set.iter().map(|n| n.to_string()).collect();
        assert_eq!(got, set(needed), "{slug}");
        let product: f64 = needed
            .iter()
            .map(|id| {
                d.node(&(*id).into())
                    .expect("node")
                    .availability()
                    .fraction_up()
            })
            .product();
        assert!(
            (e.compound_availability - product).abs() < 1e-12,
            "{slug}: {} for {product}",
            e.compound_availability
        );
    }
}

/// Sets the availability of node `id` of `d` (a service or a store).
fn set_availability(d: &mut Design, id: &str, up: f64) {
    let node = d.node_mut(&id.into()).expect("node");
    let a = match &mut node.kind {
        NodeKind::Service(s) => &mut s.availability,
        NodeKind::DataStore(s) => &mut s.availability,
        _ => panic!("{id} has no availability"),
    };
    *a = archsim::model::Availability::Fraction(up);
}

#[test]
fn a_cache_with_a_fallback_is_counted_by_the_requests_it_fails() {
    // The catalogue reads the cache (falling back to the database when it
    // fails), then on a 10 % miss reads the database and writes the cache.
    let mut d = example("catalogue-cache");
    let (catalogue, cache, db) = (0.995, 0.99, 0.98);
    set_availability(&mut d, "catalogue", catalogue);
    set_availability(&mut d, "cache", cache);
    set_availability(&mut d, "products_db", db);
    // Cache up: a hit needs nothing more, a miss needs the database.
    // Cache down: the fallback needs the database, and a miss then fails
    // writing the cache. The database is in one state on both reads.
    let expected = catalogue * (cache * (0.9 + 0.1 * db) + (1.0 - cache) * db * 0.9);
    let a = analysis::analyse(&d);
    let e = &a.entry_points[0];
    assert!(
        (e.compound_availability - expected).abs() < 1e-12,
        "{} for {expected}",
        e.compound_availability
    );
    // Only the catalogue fails every request while down.
    let sometimes: BTreeSet<String> = e.sometimes_needed.iter().map(|n| n.to_string()).collect();
    assert_eq!(sometimes, set(&["cache", "products_db"]));
    let coupling = a
        .findings
        .iter()
        .find(|f| f.rule == analysis::RuleId::TemporalCoupling)
        .expect("temporal-coupling");
    assert!(
        coupling
            .title
            .contains("3 services up, 1 of them on every request"),
        "{}",
        coupling.title
    );
    assert!(coupling.explanation.contains("some requests only"));
}

#[test]
fn an_either_or_branch_is_needed_only_on_its_share_and_a_node_met_twice_counts_once() {
    // The checkout always pays, and on 30 % of orders also calls the
    // stock service twice (once in the branch and once after it).
    let text = r#"(format: 2, name: "branches",
        nodes: [
            (id: "client", name: "Client", kind: Client),
            (id: "checkout", name: "Checkout", kind: Service(workers: 4, availability: Fraction(0.99), operations: [(name: "order", steps: [
                Call("payment"),
                Choice([(probability: 0.3, steps: [Call("stock"), Call("stock")]), (probability: 0.7, steps: [])]),
            ])])),
            (id: "payment", name: "Payment", kind: Service(workers: 4, availability: Fraction(0.95), operations: [(name: "pay", steps: [Work(Constant(ms: 1))])])),
            (id: "stock", name: "Stock", kind: Service(workers: 4, availability: Fraction(0.9), operations: [(name: "reserve", steps: [Work(Constant(ms: 1))])])),
        ],
        links: [
            (from: "client", to: "checkout", style: sync),
            (from: "checkout", to: "payment", style: sync),
            (from: "checkout", to: "stock", style: sync),
        ],
        entry_points: [(name: "order", client: "client", target: "checkout", load: Open(arrival: Poisson, rate_per_s: 1))])"#;
    let d = archsim::model::file::parse(text, "branches.archsim.ron").expect("valid");
    let e = &analysis::analyse(&d).entry_points[0];
    let expected = 0.99 * 0.95 * (0.7 + 0.3 * 0.9);
    assert!(
        (e.compound_availability - expected).abs() < 1e-12,
        "{} for {expected}",
        e.compound_availability
    );
    assert_eq!(e.sometimes_needed.len(), 1);
    assert_eq!(e.sometimes_needed[0].as_str(), "stock");
}

/// A design's shape: node ids with their kinds, and links as
/// (from, to, style).
type Structure = (
    BTreeSet<(String, &'static str)>,
    BTreeSet<(String, String, Style)>,
);

/// What a refactoring changes, without the numbers and positions it
/// chooses.
fn structure(d: &Design) -> Structure {
    let nodes = d
        .nodes
        .iter()
        .map(|n| {
            let kind = match &n.kind {
                NodeKind::Service(_) => "service",
                NodeKind::Broker(_) => "broker",
                NodeKind::DataStore(_) => "store",
                NodeKind::Client => "client",
            };
            (n.id.to_string(), kind)
        })
        .collect();
    let links = d
        .links
        .iter()
        .map(|l| (l.from.to_string(), l.to.to_string(), l.style))
        .collect();
    (nodes, links)
}

fn top_suggestion(slug: &str) -> Evaluation {
    let options = SimOptions {
        replications: 5,
        ..SimOptions::default()
    };
    let advice = advice::evaluate(&example(slug), &options).expect("evaluates");
    advice.evaluations.into_iter().next().expect("a suggestion")
}

#[test]
fn the_top_suggestion_for_each_before_example_gives_its_after_twin_and_measures_better() {
    // (before, after, expected top refactoring, what must clearly improve)
    let pairs: &[(&str, &str, &str, &[&str])] = &[
        (
            "fraud-check-blocking",
            "fraud-check-background",
            "move-to-background",
            &["p99", "availability"],
        ),
        (
            "warehouse-fulfilment-blocking",
            "warehouse-fulfilment-async",
            "introduce-queue",
            &["p99", "availability"],
        ),
        (
            "customer-registered-just-id",
            "customer-registered-detailed",
            "enrich-event",
            &["flow"],
        ),
        (
            "stockist-prices-sequential",
            "stockist-prices-parallel",
            "parallelize",
            &["p99"],
        ),
        (
            "stock-check-no-timeout",
            "stock-check-timeout",
            "add-timeout",
            &["availability"],
        ),
        (
            "pricing-grid-unbounded-retries",
            "pricing-grid-dead-letter",
            "add-retry-limit-and-dlq",
            &["p99", "availability"],
        ),
    ];
    for (before, after, kind, improves) in pairs {
        let top = top_suggestion(before);
        assert_eq!(
            top.suggestion.kind, *kind,
            "{before}: top suggestion {}",
            top.suggestion.id
        );
        assert!(
            top.design.problems().is_empty(),
            "{before}: the result is valid"
        );
        assert_eq!(
            structure(&top.design),
            structure(&example(after)),
            "{before} → {after}"
        );
        for entry in &top.entry_points {
            for what in *improves {
                let clear = match *what {
                    "p99" => entry.latency_p99_ms.clearly_down(),
                    "availability" => entry.availability.clearly_up(),
                    "flow" => entry.flow_completion_p99_ms.clearly_down(),
                    other => panic!("unknown improvement {other}"),
                };
                assert!(
                    clear,
                    "{before}: {what} of {} does not clearly improve: {entry:?}",
                    entry.entry_point
                );
            }
            assert!(
                !entry.availability.clearly_down(),
                "{before}: availability falls"
            );
        }
        assert!(
            !top.findings_resolved.is_empty(),
            "{before}: resolves its finding"
        );
        assert!(
            top.findings_introduced.is_empty(),
            "{before}: introduces {:?}",
            top.findings_introduced
        );
    }
}

#[test]
fn moving_work_to_the_background_says_plainly_that_the_work_finishes_later() {
    let top = top_suggestion("warehouse-fulfilment-blocking");
    let e = &top.entry_points[0];
    assert!(e.latency_p99_ms.clearly_down() && e.flow_completion_p99_ms.clearly_up());
    assert!(
        top.worse
            .iter()
            .any(|w| w.contains("takes longer to finish") && w.contains("background")),
        "{:?}",
        top.worse
    );
}

#[test]
fn every_suggestion_on_every_example_yields_a_valid_design() {
    for ex in library::EXAMPLES {
        let d = ex.design().expect("loads");
        for s in advice::suggestions(&analysis::analyse(&d)) {
            let after = s
                .refactor
                .apply(&d)
                .unwrap_or_else(|e| panic!("{}: {}: {e}", ex.slug, s.id));
            assert!(
                after.problems().is_empty(),
                "{}: {}: {:?}",
                ex.slug,
                s.id,
                after.problems()
            );
            assert_ne!(after, d, "{}: {} changes nothing", ex.slug, s.id);
        }
    }
}

#[test]
fn two_named_links_out_of_one_node_give_two_findings_two_ids() {
    // Order Processor calls Inventory twice, through two named links,
    // neither with a timeout: two findings, each named by its link.
    let mut design = example("stock-check-no-timeout");
    let first = design
        .links
        .iter()
        .position(|l| l.from.as_str() == "order_processor" && l.to.as_str() == "inventory")
        .expect("the call without a timeout");
    let mut second = design.links[first].clone();
    design.links[first].name = Some("reserve".into());
    second.name = Some("release".into());
    design.links.push(second);
    let ids: Vec<String> = analysis::analyse(&design)
        .findings
        .iter()
        .filter(|f| f.rule.id() == "no-timeout")
        .map(|f| f.id(&design))
        .collect();
    assert_eq!(
        ids,
        [
            "no-timeout:order_processor->inventory@reserve",
            "no-timeout:order_processor->inventory@release"
        ]
    );
}
