//! How the report was made: the scenario (load, faults), the seed and
//! replications, the version and date.

use crate::model::{Arrival, Design, EntryPoint, Fault, LinkRef, Load};
use crate::numbers::{self, Measure, setting_ms};
use crate::visual::describe_distribution;

use super::super::gather::Report;
use super::super::text;

/// How requests arrive at an entry point.
pub fn load(entry: &EntryPoint) -> String {
    match &entry.load {
        Load::Open {
            arrival,
            rate_per_s,
        } => format!(
            "{} arrivals, {rate_per_s} per second",
            match arrival {
                Arrival::Poisson => "random (Poisson)",
                Arrival::Constant => "evenly spaced",
            }
        ),
        Load::Closed { users, think_time } => format!(
            "{} each waiting for the answer, then thinking ({})",
            numbers::count(*users as usize, "user", "users"),
            describe_distribution(think_time)
        ),
    }
}

/// A fault, in words.
pub fn fault(f: &Fault, design: &Design) -> String {
    let node = |id: &crate::model::NodeId| design.display_name(id).to_owned();
    let link = |l: &LinkRef| format!("{} → {}", node(&l.from), node(&l.to));
    let percent = |x: f64| numbers::value(x, Measure::Percent);
    let window = |at: f64, length: f64| {
        format!(
            "from {} for {}",
            setting_ms(at * 1000.0),
            setting_ms(length * 1000.0)
        )
    };
    match f {
        Fault::Crash {
            node: n,
            at_s,
            for_s,
        } => {
            format!("{} is down {}", node(n), window(*at_s, *for_s))
        }
        Fault::SlowDown {
            node: n,
            at_s,
            for_s,
            factor,
        } => format!(
            "{} works {factor}× slower {}",
            node(n),
            window(*at_s, *for_s)
        ),
        Fault::Drop { link: l, fraction } => {
            format!(
                "{} of the messages on {} are lost",
                percent(*fraction),
                link(l)
            )
        }
        Fault::Error { link: l, fraction } => {
            format!(
                "{} of the calls on {} fail with an error",
                percent(*fraction),
                link(l)
            )
        }
        Fault::Poison {
            link: l,
            fraction,
            restart_s,
        } => format!(
            "{} of the messages on {} are poison: each kills a worker, which restarts after {}",
            percent(*fraction),
            link(l),
            setting_ms(restart_s * 1000.0)
        ),
    }
}

/// How the report was made, as label and value: enough to make it again.
pub fn provenance(report: &Report) -> Vec<(&'static str, String)> {
    let sim = report.simulation();
    let design = &report.design;
    let mut rows = vec![
        ("design", report.source.design.clone()),
        (
            "simulated",
            format!(
                "{} of arrivals, the first {} not measured (warm-up), then up to {} to finish",
                setting_ms(sim.duration_s * 1000.0),
                setting_ms(sim.warmup_s * 1000.0),
                setting_ms(design.scenario.drain_s * 1000.0)
            ),
        ),
        (
            "seed",
            format!("{} (replication r uses seed {} + r)", sim.seed, sim.seed),
        ),
        (
            "replications",
            format!(
                "{} of the design as it is and {} of each suggestion, with the same seeds; intervals are 95 % (Student t){}",
                sim.replications,
                sim.replications,
                if sim.replications < 2 {
                    " — with one replication there are none"
                } else {
                    ""
                }
            ),
        ),
    ];
    for entry in &design.entry_points {
        rows.push(("load", format!("{}: {}", entry.name, load(entry))));
    }
    for f in &design.scenario.faults {
        rows.push(("fault", fault(f, design)));
    }
    for what_if in &report.source.what_ifs {
        rows.push((
            "what-if",
            format!("{what_if} (injected in the app; not in the design file)"),
        ));
    }
    if design.scenario.faults.is_empty() && report.source.what_ifs.is_empty() {
        rows.push(("faults", "none injected".into()));
    }
    rows.push(("archsim", env!("CARGO_PKG_VERSION").to_owned()));
    if let Some(t) = report.generated_unix_s {
        rows.push(("generated", text::utc(t)));
    }
    if !report.source.what_ifs.is_empty() {
        rows.push((
            "note",
            "the figures include the what-if faults above, injected in the app and not saved: the command below makes the report without them".into(),
        ));
    }
    if report.source.unsaved_changes {
        rows.push((
            "note",
            "the design had unsaved changes: save it before running the command below".into(),
        ));
    }
    if report.laid_out {
        rows.push((
            "note",
            "nodes are drawn where the automatic layout puts them: some of the design's own positions coincide".into(),
        ));
    }
    rows
}
