//! What a report says, as plain text and tables, the same for every
//! format: the HTML and Markdown renderers only lay these out (and escape
//! them), so the two never disagree.

use crate::advice::{Change, Counts, Evaluation};
use crate::analysis::{EntrySummary, Finding, Severity};
use crate::model::{Arrival, Design, EntryPoint, Fault, LinkRef, Load};
use crate::sim::Estimate;
use crate::visual::{describe_distribution, format_ms};

use super::gather::Report;
use super::text::{self, Better, Measure, Verdict};

/// How a cell reads: plain, or marked good or bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Nothing to mark.
    Plain,
    /// Measurably better.
    Good,
    /// Measurably worse.
    Bad,
}

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// What it says.
    pub text: String,
    /// For an estimate, the half-width of its 95 % interval (`± 3.9 ms`),
    /// which the page sets under the value.
    pub interval: Option<String>,
    /// How it reads.
    pub tone: Tone,
}

impl Cell {
    /// The text and interval together, on one line.
    pub fn joined(&self) -> String {
        match &self.interval {
            Some(pm) => format!("{} {pm}", self.text),
            None => self.text.clone(),
        }
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Self {
            text,
            interval: None,
            tone: Tone::Plain,
        }
    }
}

/// An estimate's cell: the value, and its interval apart.
fn est(e: &Estimate, m: Measure) -> Cell {
    let (text, interval) = text::estimate_parts(e, m);
    Cell {
        text,
        interval,
        tone: Tone::Plain,
    }
}

/// A table: column titles and rows of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The column titles, each with whether the column holds numbers
    /// (drawn right-aligned).
    pub columns: Vec<(&'static str, bool)>,
    /// The rows, each as long as `columns`.
    pub rows: Vec<Vec<Cell>>,
}

/// A column of words.
const TEXT: bool = false;
/// A column of numbers.
const NUM: bool = true;

impl Table {
    fn new(columns: &[(&'static str, bool)]) -> Self {
        Self {
            columns: columns.to_vec(),
            rows: Vec::new(),
        }
    }

    fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }

    /// Whether column `i` holds numbers.
    pub fn numeric(&self, i: usize) -> bool {
        self.columns.get(i).is_some_and(|c| c.1)
    }
}

/// The static summary of entry point `name`.
fn summary_of<'a>(report: &'a Report, name: &str) -> Option<&'a EntrySummary> {
    report
        .analysis
        .entry_points
        .iter()
        .find(|s| s.entry_point == name)
}

/// Node names joined by arrows.
pub fn chain(design: &Design, ids: &[crate::model::NodeId]) -> String {
    ids.iter()
        .map(|id| design.display_name(id))
        .collect::<Vec<_>>()
        .join(" → ")
}

/// The figures at a glance, one row per entry point: latency, availability,
/// how many services must be up, the longest blocking chain.
pub fn summary(report: &Report) -> Table {
    let mut t = Table::new(&[
        ("entry point", TEXT),
        ("p99 latency", NUM),
        ("availability", NUM),
        ("must be up", NUM),
        ("compound availability", NUM),
        ("longest blocking chain", TEXT),
    ]);
    let results = &report.simulation().results;
    for (entry, r) in report.design.entry_points.iter().zip(&results.entry_points) {
        let s = summary_of(report, &entry.name);
        let coupling = s.map_or(0, |s| s.coupling_set.len());
        let chain_text = match s {
            Some(s) if !s.chain_links.is_empty() => format!(
                "{}: {}",
                text::count(s.chain_links.len(), "call", "calls"),
                chain(&report.design, &s.chain)
            ),
            _ => "none".into(),
        };
        t.row(vec![
            entry.name.clone().into(),
            est(&r.latency_ms.p99, Measure::Ms),
            est(&r.availability, Measure::Percent),
            text::count(coupling, "service", "services").into(),
            s.map_or_else(
                || "–".to_owned(),
                |s| text::value(s.compound_availability, Measure::Percent),
            )
            .into(),
            chain_text.into(),
        ]);
    }
    t
}

/// The findings by severity, in a sentence: `2 warnings, 1 info`.
pub fn findings_count(report: &Report) -> String {
    let count = |s: Severity| {
        report
            .analysis
            .findings
            .iter()
            .filter(|f| f.severity == s)
            .count()
    };
    let parts: Vec<String> = [
        (Severity::Error, "error", "errors"),
        (Severity::Warning, "warning", "warnings"),
        (Severity::Info, "note", "notes"),
    ]
    .iter()
    .filter(|(s, _, _)| count(*s) > 0)
    .map(|(s, one, many)| text::count(count(*s), one, many))
    .collect();
    if parts.is_empty() {
        "no findings".into()
    } else {
        parts.join(", ")
    }
}

/// The report's first lines: what was found and what would help most.
pub fn headline(report: &Report) -> Vec<String> {
    let mut lines = vec![format!(
        "{} in this design; {} measured.",
        text::count(report.analysis.findings.len(), "finding", "findings"),
        text::count(report.advice.evaluations.len(), "suggestion", "suggestions"),
    )];
    match report.advice.evaluations.first() {
        Some(best) if measurable(best) => lines.push(format!(
            "The suggestion that helps most: {} — {}.",
            best.suggestion.description,
            best.better.join("; ")
        )),
        Some(_) => lines.push(
            "No suggestion measurably changes latency, availability or coupling in this scenario; they guard against failures it does not produce.".into(),
        ),
        None => {}
    }
    let warnings = report.simulation().warnings().len();
    if warnings > 0 {
        lines.push(format!(
            "The simulation warned about {}: see Simulation.",
            text::count(warnings, "problem", "problems")
        ));
    }
    lines
}

/// Why some suggestions were not measured, when some were not.
pub fn unmeasured_note(report: &Report) -> Option<String> {
    let n = report.unmeasured.len();
    (n > 0).then(|| {
        format!(
            "{} not measured, to keep the report quick: it measures the first {} (those of the most severe findings first). `archsim suggest` measures them all.",
            text::count(n, "more suggestion was", "more suggestions were"),
            report.advice.evaluations.len()
        )
    })
}

/// The nodes (names) and links (`A → B`) a finding is about.
pub fn involves(finding: &Finding, design: &Design) -> (Vec<String>, Vec<String>) {
    let nodes = finding
        .nodes
        .iter()
        .map(|id| design.display_name(id).to_owned())
        .collect();
    let links = finding
        .links
        .iter()
        .filter_map(|&l| design.link(l))
        .map(|l| {
            format!(
                "{} → {}",
                design.display_name(&l.from),
                design.display_name(&l.to)
            )
        })
        .collect();
    (nodes, links)
}

/// A figure before and after: `134 → 82.4 ms`, the paired change with
/// its interval under it, marked better or worse when its interval
/// excludes zero.
fn change_cell(c: &Change, m: Measure, better: Better) -> Cell {
    let verdict = Verdict::of(c, better);
    let (tone, word) = match verdict {
        Verdict::Better => (Tone::Good, ", better"),
        Verdict::Worse => (Tone::Bad, ", worse"),
        _ => (Tone::Plain, ""),
    };
    let d = &c.difference;
    let unchanged = d.mean == 0.0 && d.ci95.is_none_or(|h| h == 0.0);
    let change = text::difference(d, m);
    Cell {
        text: text::before_after(c, m),
        interval: (change != "–" && !unchanged).then(|| format!("({change}{word})")),
        tone,
    }
}

/// A count from static analysis before and after, better when it falls.
fn count_cell(c: Counts) -> Cell {
    let (tone, word) = match c.after.cmp(&c.before) {
        std::cmp::Ordering::Less => (Tone::Good, " (better)"),
        std::cmp::Ordering::Greater => (Tone::Bad, " (worse)"),
        std::cmp::Ordering::Equal => (Tone::Plain, ""),
    };
    Cell {
        text: format!("{} → {}", c.before, c.after),
        interval: (!word.is_empty()).then(|| word.trim().to_owned()),
        tone,
    }
}

/// Whether a suggestion measurably changes anything: a figure whose
/// interval excludes zero, or a count from static analysis.
pub fn measurable(e: &Evaluation) -> bool {
    e.entry_points.iter().any(|c| {
        let clear = |x: &Change, b| matches!(Verdict::of(x, b), Verdict::Better | Verdict::Worse);
        clear(&c.latency_p50_ms, Better::Lower)
            || clear(&c.latency_p99_ms, Better::Lower)
            || clear(&c.availability, Better::Higher)
            || clear(&c.flow_completion_p99_ms, Better::Lower)
            || c.coupling_set.before != c.coupling_set.after
            || c.blocking_chain_hops.before != c.blocking_chain_hops.after
    })
}

/// What a suggestion changes, in sentences, each with its kind (`better`,
/// `worse`, `same`) and the word that introduces it.
pub fn changes(e: &Evaluation) -> Vec<(&'static str, &'static str, &str)> {
    if !measurable(e) {
        return e
            .better
            .iter()
            .map(|l| ("same", "No measurable change", l.as_str()))
            .collect();
    }
    let better = e.better.iter().map(|l| ("better", "Better", l.as_str()));
    let worse = e.worse.iter().map(|l| ("worse", "Worse", l.as_str()));
    better.chain(worse).collect()
}

/// What a suggestion changes, one row per entry point: each figure before
/// and after, with the paired change and its 95 % interval.
pub fn evaluation(e: &Evaluation) -> Table {
    let mut t = Table::new(&[
        ("entry point", TEXT),
        ("p50 latency", NUM),
        ("p99 latency", NUM),
        ("availability", NUM),
        ("all work done, p99", NUM),
        ("must be up", NUM),
        ("blocking calls", NUM),
    ]);
    for c in &e.entry_points {
        t.row(vec![
            c.entry_point.clone().into(),
            change_cell(&c.latency_p50_ms, Measure::Ms, Better::Lower),
            change_cell(&c.latency_p99_ms, Measure::Ms, Better::Lower),
            change_cell(&c.availability, Measure::Percent, Better::Higher),
            change_cell(&c.flow_completion_p99_ms, Measure::Ms, Better::Lower),
            count_cell(c.coupling_set),
            count_cell(c.blocking_chain_hops),
        ]);
    }
    t
}

/// A count with its interval.
fn count(e: &Estimate) -> Cell {
    est(e, Measure::Count)
}

/// What happened to each entry point's requests.
pub fn entry_results(report: &Report) -> Table {
    let mut t = Table::new(&[
        ("entry point", TEXT),
        ("requests", NUM),
        ("succeeded", NUM),
        ("availability", NUM),
        ("p50", NUM),
        ("p95", NUM),
        ("p99", NUM),
        ("all work done, p99", NUM),
        ("failed (by cause)", TEXT),
    ]);
    for e in &report.simulation().results.entry_points {
        let f = &e.failed;
        let causes: Vec<String> = [
            ("down", &f.down),
            ("timeout", &f.timeout),
            ("error", &f.error),
            ("rejected", &f.rejected),
            ("unfinished", &f.unfinished),
        ]
        .into_iter()
        .filter(|(_, v)| v.mean > 0.0)
        .map(|(k, v)| format!("{k} {}", text::estimate(v, Measure::Count)))
        .collect();
        t.row(vec![
            e.name.clone().into(),
            count(&e.attempted),
            count(&e.succeeded),
            est(&e.availability, Measure::Percent),
            est(&e.latency_ms.p50, Measure::Ms),
            est(&e.latency_ms.p95, Measure::Ms),
            est(&e.latency_ms.p99, Measure::Ms),
            est(&e.flow_completion_ms.p99, Measure::Ms),
            if causes.is_empty() {
                "none".to_owned()
            } else {
                causes.join(", ")
            }
            .into(),
        ]);
    }
    t
}

/// How busy each service and store was.
pub fn services(report: &Report) -> Table {
    let mut t = Table::new(&[
        ("service or store", TEXT),
        ("occupied", NUM),
        ("own work", NUM),
        ("blocked share", NUM),
        ("mean queue", NUM),
        ("max queue", NUM),
        ("arrivals per s", NUM),
    ]);
    let design = &report.design;
    for s in &report.simulation().results.services {
        let id = crate::model::NodeId::new(s.node.as_str());
        t.row(vec![
            design.display_name(&id).to_owned().into(),
            est(&s.occupancy, Measure::Percent),
            est(&s.utilisation, Measure::Percent),
            est(&s.blocked_share, Measure::Percent),
            est(&s.mean_queue, Measure::Plain),
            est(&s.max_queue, Measure::Count),
            est(&s.arrival_rate_per_s, Measure::Plain),
        ]);
    }
    t
}

/// What went through each broker.
pub fn brokers(report: &Report) -> Table {
    let mut t = Table::new(&[
        ("broker", TEXT),
        ("published", NUM),
        ("mean backlog", NUM),
        ("max backlog", NUM),
        ("dead-lettered", NUM),
    ]);
    let design = &report.design;
    for b in &report.simulation().results.brokers {
        let id = crate::model::NodeId::new(b.node.as_str());
        t.row(vec![
            design.display_name(&id).to_owned().into(),
            count(&b.published),
            est(&b.mean_backlog, Measure::Plain),
            count(&b.max_backlog),
            count(&b.dead_lettered),
        ]);
    }
    t
}

/// What went over each link.
pub fn links(report: &Report) -> Table {
    let mut t = Table::new(&[
        ("link", TEXT),
        ("style", TEXT),
        ("messages", NUM),
        ("most in flight", NUM),
        ("timeouts", NUM),
        ("failed calls", NUM),
        ("retries", NUM),
        ("lost", NUM),
    ]);
    let design = &report.design;
    for (l, r) in design.links.iter().zip(&report.simulation().results.links) {
        t.row(vec![
            format!(
                "{} → {}",
                design.display_name(&l.from),
                design.display_name(&l.to)
            )
            .into(),
            l.style.as_str().to_owned().into(),
            count(&r.messages),
            count(&r.max_in_flight),
            count(&r.timeouts),
            count(&r.errors),
            count(&r.retries),
            count(&r.lost),
        ]);
    }
    t
}

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
            text::count(*users as usize, "user", "users"),
            describe_distribution(think_time)
        ),
    }
}

/// A fault, in words.
pub fn fault(f: &Fault, design: &Design) -> String {
    let node = |id: &crate::model::NodeId| design.display_name(id).to_owned();
    let link = |l: &LinkRef| format!("{} → {}", node(&l.from), node(&l.to));
    let percent = |x: f64| text::value(x, Measure::Percent);
    let window = |at: f64, length: f64| {
        format!(
            "from {} for {}",
            format_ms(at * 1000.0),
            format_ms(length * 1000.0)
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
            format_ms(restart_s * 1000.0)
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
                format_ms(sim.duration_s * 1000.0),
                format_ms(sim.warmup_s * 1000.0),
                format_ms(design.scenario.drain_s * 1000.0)
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
    if design.scenario.faults.is_empty() {
        rows.push(("faults", "none injected".into()));
    }
    rows.push(("archsim", env!("CARGO_PKG_VERSION").to_owned()));
    if let Some(t) = report.generated_unix_s {
        rows.push(("generated", text::utc(t)));
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
