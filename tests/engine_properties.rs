//! Properties of the simulation and the analysis over arbitrary valid
//! designs: nothing panics or hangs, and the facts the analysis reports
//! hold by construction.

mod common;

use std::collections::{BTreeSet, VecDeque};
use std::time::Duration;

use proptest::prelude::*;

use archsim::advice;
use archsim::analysis;
use archsim::model::{Availability, Design, NodeKind, Step, Style};
use archsim::sim::{self, Limits, SimOptions, TraceWindow};
use common::designs::valid_design;

/// Tight limits: every generated design, however wild its numbers, must
/// finish quickly (stopped with a warning if need be).
fn quick_options() -> SimOptions {
    SimOptions {
        replications: 2,
        trace: Some(TraceWindow {
            from_s: 0.0,
            to_s: 10.0,
            max_hops: 1_000,
            samples: 10,
        }),
        series_buckets: Some(8),
        limits: Limits {
            max_events: 50_000,
            max_live: 10_000,
            max_wall: Some(Duration::from_secs(2)),
            ..Limits::default()
        },
        ..SimOptions::default()
    }
}

/// The services reached from `start` over required sync calls: calls on
/// an operation's main path (in sequences, parallel blocks and either/or
/// branches) before its `Reply`, without a fallback, following each to
/// the operation it invokes: the coupling set, computed independently of
/// the analysis.
fn sync_reachable(d: &Design, start: (&str, usize)) -> BTreeSet<String> {
    /// The links the required calls of `steps` go through, by reference;
    /// false once the caller has its answer.
    fn required<'s>(steps: &'s [Step], out: &mut Vec<&'s str>) -> bool {
        for step in steps {
            match step {
                Step::Reply => return false,
                Step::Call(c) | Step::Read(c) | Step::Write(c) | Step::Update(c) => {
                    if c.fallback.is_none() {
                        out.push(&c.link);
                    }
                }
                Step::Sequence(s) => {
                    if !required(s, out) {
                        return false;
                    }
                }
                Step::Parallel(s) => {
                    required(s, out);
                }
                Step::Choice(branches) => {
                    let mut waiting = false;
                    for b in branches {
                        waiting |= required(&b.steps, out);
                    }
                    if !waiting {
                        return false;
                    }
                }
                Step::Work(_) | Step::Publish(_) | Step::Request(_) => {}
            }
        }
        true
    }
    let service = |node: &str| d.node(&node.into()).and_then(|n| n.as_service());
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([(start.0.to_owned(), start.1)]);
    let mut nodes = BTreeSet::new();
    while let Some((node, op)) = queue.pop_front() {
        if !seen.insert((node.clone(), op)) {
            continue;
        }
        nodes.insert(node.clone());
        let Some(steps) = service(&node)
            .and_then(|s| s.operations.get(op))
            .map(|o| &o.steps)
        else {
            continue;
        };
        let mut refs = Vec::new();
        required(steps, &mut refs);
        for r in refs {
            // A step names its link by name, or by the node it goes to.
            let from = || d.links.iter().filter(|l| l.from.as_str() == node);
            let Some(l) = from()
                .find(|l| l.name.as_deref() == Some(r))
                .or_else(|| from().find(|l| l.to.as_str() == r))
                .filter(|l| l.style == Style::Sync)
            else {
                continue;
            };
            let to_op = match (service(l.to.as_str()), &l.to_op) {
                (Some(s), Some(name)) => s.operations.iter().position(|o| &o.name == name),
                _ => Some(0),
            };
            queue.push_back((l.to.to_string(), to_op.unwrap_or(0)));
        }
    }
    nodes
}

/// Events a run takes at the least, worked out here from the design: an
/// arrival event per open request and one per change of an up/down
/// node, over the duration.
fn offered_events(design: &Design) -> f64 {
    let arrivals: f64 = design
        .entry_points
        .iter()
        .filter_map(|e| e.load.open_rate_per_s())
        .sum();
    let flips: f64 = design
        .nodes
        .iter()
        .map(|n| match n.availability() {
            Availability::Mttf { mttf_s, mttr_s } if mttf_s + mttr_s > 0.0 => {
                2.0 / (mttf_s + mttr_s)
            }
            _ => 0.0,
        })
        .sum();
    (arrivals + flips) * design.scenario.duration_s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_valid_designs_never_panic_or_hang_the_engine(design in valid_design()) {
        let mut options = quick_options();
        let limit = options.limits.max_events as f64;
        let offered = offered_events(&design);
        let fits = match sim::simulate(&design, &options) {
            Err(sim::SimError::TooMuchWork(message)) => {
                // Refused up front: only when the arrivals and failures
                // alone are more events than the limit allows.
                prop_assert!(offered > limit, "{offered}: {message}");
                false
            }
            other => {
                other.map_err(|e| TestCaseError::fail(format!("a valid design must simulate: {e}")))?;
                prop_assert!(offered <= limit * (1.0 + 1e-9), "{offered} events were not refused");
                true
            }
        };
        if !fits {
            // The same design over a duration the limit allows.
            let duration = design.scenario.duration_s * 0.9 * limit / offered;
            prop_assume!(duration.is_finite() && duration > design.scenario.warmup_s);
            options.duration_s = Some(duration);
        }
        let report = sim::simulate(&design, &options)
            .map_err(|e| TestCaseError::fail(format!("a valid design must simulate: {e}")))?;
        for e in &report.results.entry_points {
            prop_assert!(e.succeeded.mean <= e.attempted.mean);
            let a = e.availability.mean;
            prop_assert!(a.is_nan() || (0.0..=1.0).contains(&a), "availability {a}");
        }
        for s in &report.results.services {
            let u = s.utilisation.mean;
            prop_assert!(u.is_nan() || u <= s.occupancy.mean + 1e-9, "{}: utilisation {u} above occupancy", s.node);
        }
        let trace = report.trace.as_ref().expect("traced");
        prop_assert!(trace.hops.len() <= 1_000);
        // The dynamic rules read any report without panicking.
        let _ = analysis::analyse_run(&design, &report);
    }

    #[test]
    fn the_coupling_set_holds_every_service_reached_by_sync_calls(design in valid_design()) {
        let a = analysis::analyse(&design);
        for (entry, summary) in design.entry_points.iter().zip(&a.entry_points) {
            let target = design.node(&entry.target).expect("validated");
            let op = match (&target.kind, &entry.operation) {
                (NodeKind::Service(s), Some(name)) => s.operations.iter().position(|o| &o.name == name).unwrap_or(0),
                (NodeKind::Service(s), None) => {
                    let link = &design.links[design.entry_link(entry).expect("validated").0];
                    link.to_op.as_ref().and_then(|n| s.operations.iter().position(|o| &o.name == n)).unwrap_or(0)
                }
                _ => 0,
            };
            let expected: BTreeSet<String> = sync_reachable(&design, (entry.target.as_str(), op))
                .into_iter()
                .filter(|id| design.node(&id.as_str().into()).is_some_and(|n| !n.is_client()))
                .collect();
            let got: BTreeSet<String> = summary.coupling_set.iter().map(ToString::to_string).collect();
            prop_assert_eq!(got, expected, "entry {}", entry.name);
            // A member every request needs bounds the chance from above;
            // every node up is enough for any request.
            for member in &summary.coupling_set {
                let up = design.node(member).expect("member").availability().fraction_up();
                if !summary.sometimes_needed.contains(member) {
                    prop_assert!(summary.compound_availability <= up + 1e-12);
                }
            }
            let all_up: f64 = design.nodes.iter().map(|n| n.availability().fraction_up()).product();
            prop_assert!(summary.compound_availability >= all_up - 1e-12);
            prop_assert!(summary.compound_availability <= 1.0 + 1e-12);
            prop_assert!(summary.chain_links.len() + 1 == summary.chain.len());
        }
    }

    #[test]
    fn every_suggestion_yields_a_valid_design(design in valid_design()) {
        for s in advice::suggestions(&analysis::analyse(&design)) {
            let after = s.refactor.apply(&design)
                .map_err(|e| TestCaseError::fail(format!("{}: {e}", s.id)))?;
            let problems = after.problems();
            prop_assert!(problems.is_empty(), "{}: {problems:#?}", s.id);
        }
    }
}
