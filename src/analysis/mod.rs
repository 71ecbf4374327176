//! Findings: where a design is fragile, in the terms of the literature on
//! communication styles.
//!
//! [`analyse`] runs the static rules on the graph of a validated design;
//! [`analyse_run`] adds the dynamic rules on a simulation's results. Each
//! [`Finding`] names its rule, severity, the nodes and links involved, says
//! what goes wrong and when it matters, and carries the refactorings
//! ([`crate::advice::Refactor`]) that address it. Thresholds come from the
//! design ([`crate::model::Thresholds`]).

pub mod availability;
mod dynamic;
pub mod graph;
mod rules;
pub mod slo;
pub mod uses;

use std::fmt;

use serde::Serialize;

use crate::advice::Suggestion;
use crate::model::{Design, LinkIdx, NodeId};
use crate::sim::SimReport;

pub use rules::EntrySummary;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; not a problem by itself.
    Info,
    /// A fragility the literature warns about.
    Warning,
    /// Broken, or bound to break under the modelled conditions.
    Error,
}

impl Severity {
    /// The name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rules, each with a stable id that reports and scripts may rely on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleId {
    /// An entry point needs many services up at once.
    TemporalCoupling,
    /// A long chain of blocking calls.
    LongBlockingChain,
    /// Services calling each other synchronously in a cycle.
    SyncCycle,
    /// Independent sync calls made one after another.
    SequentialFanout,
    /// Long work called synchronously.
    LongRunningSync,
    /// A store written by several services.
    SharedWritableStore,
    /// A subscriber calling the publisher back for data.
    EventCallback,
    /// Consumption with no retry limit or dead-letter queue.
    UnboundedRetries,
    /// A request-response call without a timeout.
    NoTimeout,
    /// A sync call whose answer nobody uses.
    ResponseNotNeeded,
    /// A technology used against its grain.
    TechnologyMismatch,
    /// A service on the sync path of many entry points.
    SinglePointOfFailure,
    /// A link of a service that none of its steps goes through.
    UnusedLink,
    /// Simulated: workers nearly always occupied.
    SaturatedService,
    /// Simulated: workers mostly waiting on calls.
    WorkersMostlyBlocked,
    /// Simulated: a queue that keeps growing.
    GrowingQueue,
    /// Simulated: entry-point failures that started downstream.
    Cascade,
}

impl RuleId {
    /// Every rule, in the order reports list them.
    pub const ALL: [RuleId; 17] = [
        Self::TemporalCoupling,
        Self::LongBlockingChain,
        Self::SyncCycle,
        Self::SequentialFanout,
        Self::LongRunningSync,
        Self::SharedWritableStore,
        Self::EventCallback,
        Self::UnboundedRetries,
        Self::NoTimeout,
        Self::ResponseNotNeeded,
        Self::TechnologyMismatch,
        Self::SinglePointOfFailure,
        Self::UnusedLink,
        Self::SaturatedService,
        Self::WorkersMostlyBlocked,
        Self::GrowingQueue,
        Self::Cascade,
    ];

    /// The stable id, e.g. `long-blocking-chain`.
    pub fn id(self) -> &'static str {
        match self {
            Self::TemporalCoupling => "temporal-coupling",
            Self::LongBlockingChain => "long-blocking-chain",
            Self::SyncCycle => "sync-cycle",
            Self::SequentialFanout => "sequential-fanout",
            Self::LongRunningSync => "long-running-sync",
            Self::SharedWritableStore => "shared-writable-store",
            Self::EventCallback => "event-callback",
            Self::UnboundedRetries => "unbounded-retries",
            Self::NoTimeout => "no-timeout",
            Self::ResponseNotNeeded => "response-not-needed",
            Self::TechnologyMismatch => "technology-mismatch",
            Self::SinglePointOfFailure => "single-point-of-failure",
            Self::UnusedLink => "unused-link",
            Self::SaturatedService => "saturated-service",
            Self::WorkersMostlyBlocked => "workers-mostly-blocked",
            Self::GrowingQueue => "growing-queue",
            Self::Cascade => "cascade",
        }
    }

    /// Whether a finding of the rule is about a link (a call without a
    /// timeout, a callback) rather than a node or an entry point: its id
    /// names the link, so two links out of one node get two ids.
    pub fn is_about_a_link(self) -> bool {
        matches!(
            self,
            Self::LongRunningSync
                | Self::EventCallback
                | Self::UnboundedRetries
                | Self::NoTimeout
                | Self::ResponseNotNeeded
                | Self::TechnologyMismatch
                | Self::UnusedLink
        )
    }

    /// Whether the rule needs a simulation.
    pub fn is_dynamic(self) -> bool {
        matches!(
            self,
            Self::SaturatedService
                | Self::WorkersMostlyBlocked
                | Self::GrowingQueue
                | Self::Cascade
        )
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// One fragility found in a design.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The rule that found it.
    pub rule: RuleId,
    /// How much it matters.
    pub severity: Severity,
    /// The entry point it concerns, for per-entry rules.
    pub entry_point: Option<String>,
    /// One line saying what was found.
    pub title: String,
    /// What goes wrong and when it matters, in the literature's terms.
    pub explanation: String,
    /// The nodes involved, in a meaningful order (a chain's order).
    pub nodes: Vec<NodeId>,
    /// The links involved.
    pub links: Vec<LinkIdx>,
    /// Refactorings that address it.
    pub suggestions: Vec<Suggestion>,
}

impl Finding {
    /// A stable id for the finding within `design` (the design it was
    /// found in): `rule:entry-point`; for a rule about a link
    /// ([`RuleId::is_about_a_link`]) `rule:from->to` (`from->to@name` for a
    /// named link, so two links out of one node differ); otherwise
    /// `rule:first-node`.
    pub fn id(&self, design: &Design) -> String {
        let subject = self
            .entry_point
            .clone()
            .or_else(|| {
                let link = self.links.first().filter(|_| self.rule.is_about_a_link());
                link.and_then(|&l| design.link(l)).map(|l| l.key())
            })
            .or_else(|| self.nodes.first().map(ToString::to_string))
            .unwrap_or_default();
        format!("{}:{subject}", self.rule)
    }
}

/// Everything static analysis found in a design.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    /// Findings, most severe first.
    pub findings: Vec<Finding>,
    /// Per entry point: what it depends on, and its longest blocking chain.
    pub entry_points: Vec<EntrySummary>,
}

impl Analysis {
    /// The findings at or above `severity`.
    pub fn at_least(&self, severity: Severity) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.severity >= severity)
    }

    /// Adds findings (from a simulation) and keeps the order.
    pub fn extend(&mut self, findings: impl IntoIterator<Item = Finding>) {
        self.findings.extend(findings);
        sort(&mut self.findings);
    }
}

/// Runs every static rule on a validated design.
pub fn analyse(design: &Design) -> Analysis {
    let graph = graph::DesignGraph::new(design);
    let (mut findings, entry_points) = rules::run(&graph);
    sort(&mut findings);
    Analysis {
        findings,
        entry_points,
    }
}

/// The dynamic rules on the results of simulating `design`.
pub fn analyse_run(design: &Design, report: &SimReport) -> Vec<Finding> {
    dynamic::run(design, report)
}

/// Most severe first, then by rule, then by the nodes involved, so output is
/// stable.
fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.rule.cmp(&b.rule))
            .then_with(|| a.entry_point.cmp(&b.entry_point))
            .then_with(|| a.nodes.cmp(&b.nodes))
            .then_with(|| a.links.cmp(&b.links))
    });
}
