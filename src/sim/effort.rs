//! How much work a run will be, estimated before it starts.
//!
//! A 433-byte design with `duration_s: 1e12` used to run until the
//! billion-event cap stopped it a minute later, and the warning then blamed
//! the design's size. The load and the duration say in advance how many
//! events a run takes at the least: every open arrival is an event, and
//! every up/down period of a node that fails and recovers is one. When that
//! lower bound is past the event limit, the run could only stop part way,
//! so it is refused at once with a message that names the cause and what
//! to change.

use super::SimOptions;
use super::options::Limits;
use crate::model::{Availability, Design, Load};

/// The least number of events one run of `design` with `options` takes,
/// and the biggest contributor, for the message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Effort {
    /// Events at the least (the mean; a run's count varies about it).
    pub events: f64,
    /// What brings most of them, in words ("entry point \"orders\" at
    /// 10/s").
    pub cause: String,
    /// The events per simulated second of that cause.
    pub cause_per_s: f64,
}

/// The least work a run takes: open arrivals and availability flips over
/// the simulated duration.
pub(crate) fn estimate(design: &Design, options: &SimOptions) -> Effort {
    let duration = options.duration_s.unwrap_or(design.scenario.duration_s);
    let mut per_s: Vec<(f64, String)> = Vec::new();
    for entry in &design.entry_points {
        if let Load::Open { rate_per_s, .. } = entry.load {
            let rate = rate_per_s * options.load_multiplier;
            per_s.push((rate, format!("entry point \"{}\" at {rate}/s", entry.name)));
        }
    }
    for node in &design.nodes {
        if let Availability::Mttf { mttf_s, mttr_s } = node.availability()
            && mttf_s + mttr_s > 0.0
        {
            per_s.push((
                2.0 / (mttf_s + mttr_s),
                format!(
                    "the failures of \"{}\" (up {mttf_s} s, down {mttr_s} s on average)",
                    node.id
                ),
            ));
        }
    }
    let total: f64 = per_s.iter().map(|(r, _)| r).sum();
    let (cause_per_s, cause) = per_s
        .into_iter()
        .filter(|(r, _)| r.is_finite())
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .unwrap_or((0.0, String::new()));
    Effort {
        events: total * duration.max(0.0),
        cause,
        cause_per_s,
    }
}

/// `Err` with what to change when a run of `design` could not finish
/// within `limits`' event limit.
pub(crate) fn check(design: &Design, options: &SimOptions, limits: &Limits) -> Result<(), String> {
    let effort = estimate(design, options);
    let limit = limits.max_events as f64;
    if effort.events.is_nan() || effort.events <= limit {
        return Ok(());
    }
    let duration = options.duration_s.unwrap_or(design.scenario.duration_s);
    let longest = limit / effort.events * duration;
    Err(format!(
        "duration_s {duration} would simulate at least ~{} events, most of them from {} ({} events per simulated second); the limit is {} events per run, so the run could only stop part way: shorten the duration (to about {} s at this load) or lower the rates",
        scientific(effort.events),
        effort.cause,
        scientific(effort.cause_per_s),
        scientific(limit),
        scientific(longest),
    ))
}

/// A large number as people read it: `1.0e13`, or plainly when small.
fn scientific(x: f64) -> String {
    if x.abs() >= 1e6 {
        format!("{x:.1e}")
    } else if x.abs() >= 10.0 || x == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library;

    fn busy() -> Design {
        library::find(library::DEFAULT_EXAMPLE)
            .expect("the default example")
            .design()
            .expect("loads")
    }

    #[test]
    fn the_estimate_is_the_offered_arrivals() {
        let d = busy();
        let rate: f64 = d
            .entry_points
            .iter()
            .filter_map(|e| e.load.open_rate_per_s())
            .sum();
        let e = estimate(&d, &SimOptions::default());
        assert!((e.events - rate * d.scenario.duration_s).abs() < 1e-6 * e.events);
        let doubled = estimate(
            &d,
            &SimOptions {
                load_multiplier: 2.0,
                duration_s: Some(10.0),
                ..SimOptions::default()
            },
        );
        assert!((doubled.events - 2.0 * rate * 10.0).abs() < 1e-6 * doubled.events);
    }

    #[test]
    fn a_duration_past_the_event_limit_is_refused_naming_it() {
        let mut d = busy();
        d.scenario.duration_s = 1e12;
        let message = check(&d, &SimOptions::default(), &Limits::default()).expect_err("refused");
        assert!(
            message.starts_with("duration_s 1000000000000 would simulate"),
            "{message}"
        );
        assert!(message.contains("entry point"), "{message}");
        assert!(message.contains("limit is 1.0e9"), "{message}");
        d.scenario.duration_s = 60.0;
        assert!(check(&d, &SimOptions::default(), &Limits::default()).is_ok());
    }

    #[test]
    fn flapping_nodes_count_too() {
        let mut d = busy();
        d.entry_points.clear();
        if let crate::model::NodeKind::Service(s) = &mut d.nodes[1].kind {
            s.availability = Availability::Mttf {
                mttf_s: 0.001,
                mttr_s: 0.001,
            };
        }
        d.scenario.duration_s = 1e7;
        let message = check(&d, &SimOptions::default(), &Limits::default()).expect_err("refused");
        assert!(message.contains("the failures of"), "{message}");
    }
}
