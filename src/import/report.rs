//! The import report: what was read, every value inferred with the
//! samples it rests on, every guess, what was repaired, and what traces
//! cannot show. Text for people ([`ImportReport::lines`]) and JSON for
//! programs (its `Serialize`).

use serde::Serialize;

use super::Format;
use super::fit::Fit;
use super::observe::Rules;
use super::tree::Repairs;
use crate::numbers::{self, Figure, Measure, count};

/// A file read.
#[derive(Debug, Clone, Serialize)]
pub struct FileRead {
    /// Its path as given.
    pub file: String,
    /// Its format, told from its content.
    pub format: Format,
}

/// One value the importer measured.
#[derive(Debug, Clone, Serialize)]
pub struct Inferred {
    /// What it is, naming the node and operation: `own work of orders
    /// place_order before its first call`.
    pub what: String,
    /// Where it went in the design, as a path people can find:
    /// `orders.place_order.steps`.
    pub field: String,
    /// The value for people: `12.3 ms ± 1.1 ms`.
    pub value: String,
    /// How many samples it rests on.
    pub samples: usize,
    /// How it was made and how sure it is.
    pub how: String,
}

impl Inferred {
    /// A duration measured as `fit`.
    pub fn duration(what: String, field: String, fit: &Fit) -> Self {
        Self {
            what,
            field,
            value: numbers::estimate(
                Figure {
                    mean: fit.mean_ms,
                    ci95: fit.mean_half_width_ms,
                },
                Measure::Ms,
            ),
            samples: fit.samples,
            how: fit.method.describe(fit.samples),
        }
    }
}

/// A value traces do not show, set to a stated default or bound.
#[derive(Debug, Clone, Serialize)]
pub struct Guess {
    /// The id of the node it is about, when it is one node's.
    pub node: Option<String>,
    /// What was guessed.
    pub what: String,
    /// The value set.
    pub value: String,
    /// Why, and what to do about it.
    pub why: String,
}

/// What the design holds, counted.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Counts {
    /// Services that report spans.
    pub services: usize,
    /// Services seen only from their callers.
    pub external_services: usize,
    /// Databases and caches.
    pub data_stores: usize,
    /// Topics and queues.
    pub brokers: usize,
    /// Clients.
    pub clients: usize,
    /// Operations, over all services.
    pub operations: usize,
    /// Links.
    pub links: usize,
    /// Entry points.
    pub entry_points: usize,
}

/// What traces cannot show, said in every report: these are defaults to
/// set by hand.
pub const CANNOT_SHOW: [&str; 5] = [
    "timeouts, retries and backoff: a trace shows a call that failed, not the caller's settings",
    "pool sizes: workers are the most requests seen at once, a lower bound",
    "queue limits and connection pools of services and stores",
    "availability: services and stores are taken as always up; a few traces cannot tell 99.9 % from 99.99 %",
    "load outside the traced window, and sampling that the spans do not state",
];

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// The files read.
    pub files: Vec<FileRead>,
    /// Traces read.
    pub traces: usize,
    /// Spans read.
    pub spans: usize,
    /// Spans left out because they have no end, or end before they start.
    pub unfinished_spans: usize,
    /// What the design holds.
    pub counts: Counts,
    /// What was repaired in the traces.
    pub repairs: Repairs,
    /// How often each rule that reads past a span's kind decided.
    pub rules: Rules,
    /// Every value measured.
    pub inferred: Vec<Inferred>,
    /// Every value guessed.
    pub guesses: Vec<Guess>,
    /// What traces cannot show.
    pub cannot_show: Vec<&'static str>,
}

impl ImportReport {
    /// The report as lines of text for people.
    pub fn lines(&self) -> Vec<String> {
        let c = &self.counts;
        let mut out = vec![
            format!(
                "read {} from {}: {} ({} left out: no end, or an end before the start)",
                count(self.traces, "trace", "traces"),
                count(self.files.len(), "file", "files"),
                count(self.spans, "span", "spans"),
                self.unfinished_spans,
            ),
            format!(
                "design: {}, {}, {}, {}, {}; {}, {}, {}",
                count(c.services, "service", "services"),
                count(c.external_services, "external service", "external services"),
                count(c.data_stores, "data store", "data stores"),
                count(c.brokers, "broker", "brokers"),
                count(c.clients, "client", "clients"),
                count(c.operations, "operation", "operations"),
                count(c.links, "link", "links"),
                count(c.entry_points, "entry point", "entry points"),
            ),
        ];
        for f in &self.files {
            out.push(format!("  {}: {}", f.file, f.format.label()));
        }
        let noted = self.repaired_and_decided();
        if !noted.is_empty() {
            out.push("repaired and decided:".to_owned());
            out.extend(noted.into_iter().map(|line| format!("  {line}")));
        }
        out.push(format!("inferred ({}):", self.inferred.len()));
        for i in &self.inferred {
            out.push(format!(
                "  {}: {} ({}) -> {}",
                i.what, i.value, i.how, i.field
            ));
        }
        if !self.guesses.is_empty() {
            out.push(format!("guessed ({}), check these:", self.guesses.len()));
            for g in &self.guesses {
                out.push(format!("  {}: {}: {}", g.what, g.value, g.why));
            }
        }
        out.push("traces cannot show, so set these by hand:".to_owned());
        for c in &self.cannot_show {
            out.push(format!("  {c}"));
        }
        out
    }

    /// What was repaired in the traces and which rules that read past a
    /// span's kind decided, one line each (`3 span ids seen twice (later
    /// copies left out)`), for the counts that are not zero.
    pub fn repaired_and_decided(&self) -> Vec<String> {
        let r = &self.repairs;
        let repairs = [
            (
                r.duplicate_ids,
                "span id seen twice (later copy left out)",
                "span ids seen twice (later copies left out)",
            ),
            (
                r.missing_parents,
                "span whose parent is not in the traces (taken as a trace's start)",
                "spans whose parent is not in the traces (taken as a trace's start)",
            ),
            (
                r.clock_skew,
                "server span outside its client span (clocks disagree) moved to its middle",
                "server spans outside their client spans (clocks disagree) moved to their middle",
            ),
            (
                r.cycles_cut,
                "parent reference that closed a cycle (cut)",
                "parent references that closed a cycle (cut)",
            ),
        ];
        let rules = &self.rules;
        let decided = [
            (
                rules.client_spans_as_producers,
                "client span with messaging.system taken as publishing",
                "client spans with messaging.system taken as publishing",
            ),
            (
                rules.server_spans_as_consumers,
                "server span with messaging.system taken as a consumer",
                "server spans with messaging.system taken as consumers",
            ),
            (
                rules.internal_spans_as_servers,
                "internal span under another service's span taken as its server span",
                "internal spans under another service's span taken as its server spans",
            ),
            (
                rules.consumers_by_link,
                "consumer reached through a span link (batch consumer)",
                "consumers reached through span links (batch consumers)",
            ),
            (
                rules.kinds_from_names,
                "client or server span named like a messaging span (publish X, process X) taken as one",
                "client or server spans named like messaging spans (publish X, process X) taken as such",
            ),
            (
                rules.unanswered_calls_matched,
                "call with no answer traced taken as a call to where calls of its name go elsewhere",
                "calls with no answer traced taken as calls to where calls of their name go elsewhere",
            ),
        ];
        repairs
            .iter()
            .chain(&decided)
            .filter(|(n, ..)| *n > 0)
            .map(|(n, one, many)| count(*n, one, many))
            .collect()
    }
}
