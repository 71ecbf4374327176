//! Service-level objectives against a simulation: each objective an entry
//! point states (`objectives` in the format), met, at risk or missed, with
//! the measured figure and its interval, and how fast the simulated
//! failure rate spends the error budget. `check --slo` gates on it.

use serde::Serialize;

use crate::model::Design;
use crate::numbers::{Measure, estimate, setting, setting_ms, setting_percent, value};
use crate::sim::{Estimate, SimReport};

/// What the simulation says about one objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Met, the whole 95 % interval on the good side.
    Met,
    /// Met on average, but the interval reaches past the target: more
    /// replications or a margin would tell.
    AtRisk,
    /// Missed on average.
    Missed,
    /// Nothing to judge by: no request succeeded.
    Unmeasured,
}

impl Verdict {
    /// Whether a gate fails on it.
    pub fn fails(self) -> bool {
        matches!(self, Self::Missed | Self::Unmeasured)
    }

    /// The word people read.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Met => "met",
            Self::AtRisk => "at risk",
            Self::Missed => "missed",
            Self::Unmeasured => "unmeasured",
        }
    }
}

/// One objective of one entry point, judged.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectiveResult {
    /// The entry point's name.
    pub entry_point: String,
    /// `mean`, `p50`, `p95`, `p99` (latency, ms) or `availability`.
    pub objective: &'static str,
    /// The target: the highest latency in ms, or the lowest availability
    /// as a fraction.
    pub target: f64,
    /// What the simulation measured, with its interval.
    pub measured: Estimate,
    /// The verdict.
    pub verdict: Verdict,
    /// The load multiplier of the simulation judged (1 = the design's own
    /// load; the `--headroom` factor otherwise).
    pub load_multiplier: f64,
    /// Availability with `budget_days`: how many days the error budget of
    /// one period lasts at the measured failure rate (`null` when nothing
    /// fails, so it is never spent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_lasts_days: Option<f64>,
}

impl ObjectiveResult {
    /// `place_order p99 ≤ 300 ms: 211 ms ± 3.9 ms`, and for availability
    /// how long the error budget lasts.
    pub fn describe(&self) -> String {
        let (target, measured) = if self.objective == "availability" {
            (
                format!("≥ {}", setting_percent(self.target)),
                estimate(self.measured, Measure::Percent),
            )
        } else {
            (
                format!("≤ {}", setting_ms(self.target)),
                estimate(self.measured, Measure::Ms),
            )
        };
        let budget = match self.budget_lasts_days {
            Some(days) => format!(
                "; the error budget lasts {} days",
                value(days, Measure::Plain)
            ),
            None => String::new(),
        };
        format!(
            "{} {} {target}: {measured}{budget}",
            self.entry_point, self.objective
        )
    }
}

/// Every objective of every entry point of `design`, judged on `report`
/// (a simulation of it at `load_multiplier` × its load).
pub fn evaluate(design: &Design, report: &SimReport) -> Vec<ObjectiveResult> {
    let mut out = Vec::new();
    for (entry, result) in design.entry_points.iter().zip(&report.results.entry_points) {
        let o = &entry.objectives;
        let latency = &result.latency_ms;
        for (name, target) in o.latency() {
            let measured = match name {
                "mean" => latency.mean,
                "p50" => latency.p50,
                "p95" => latency.p95,
                _ => latency.p99,
            };
            let verdict = if !measured.mean.is_finite() {
                Verdict::Unmeasured
            } else if measured.mean > target {
                Verdict::Missed
            } else if measured.interval().1 > target {
                Verdict::AtRisk
            } else {
                Verdict::Met
            };
            out.push(ObjectiveResult {
                entry_point: entry.name.clone(),
                objective: name,
                target,
                measured,
                verdict,
                load_multiplier: report.load_multiplier,
                budget_lasts_days: None,
            });
        }
        if let Some(target) = o.availability {
            let measured = result.availability;
            let verdict = if !measured.mean.is_finite() {
                Verdict::Unmeasured
            } else if measured.mean < target {
                Verdict::Missed
            } else if measured.interval().0 < target {
                Verdict::AtRisk
            } else {
                Verdict::Met
            };
            // The budget: the failures `target` allows. Spent at the
            // measured failure rate, it lasts period / burn rate.
            let failing = 1.0 - measured.mean;
            let budget_lasts_days = o.budget_days.and_then(|days| {
                (failing > 0.0 && measured.mean.is_finite()).then(|| {
                    let allowed = 1.0 - target;
                    if allowed > 0.0 {
                        days * allowed / failing
                    } else {
                        0.0
                    }
                })
            });
            out.push(ObjectiveResult {
                entry_point: entry.name.clone(),
                objective: "availability",
                target,
                measured,
                verdict,
                load_multiplier: report.load_multiplier,
                budget_lasts_days,
            });
        }
    }
    out
}

/// `1.5× the design's load`, or `the design's load`.
pub fn load_words(multiplier: f64) -> String {
    if multiplier == 1.0 {
        "the design's load".into()
    } else {
        format!("{}× the design's load", setting(multiplier))
    }
}
