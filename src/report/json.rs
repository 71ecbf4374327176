//! JSON for programs: the envelope every machine-readable output of
//! archsim shares (the command line's `--json` and the JSON report), the
//! view of findings they share, and the report's body.
//!
//! docs/cli-json.md describes every field; docs/report.schema.json is the
//! report's exact schema, checked by the tests.

use serde::Serialize;

use crate::advice::{Advice, Suggestion};
use crate::analysis::{Analysis, EntrySummary, Finding};
use crate::model::{Design, Load, NodeKind, file};
use crate::sim::{Estimate, Results, SimReport, TimeSeries, Warning};
use crate::study::Studies;

use super::content;
use super::format::Format;
use super::gather::Report;
use super::text;

/// Version of the JSON outputs; raised when a field is removed, renamed or
/// changes meaning.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Envelope<'a, T> {
    archsim_json: u32,
    kind: &'a str,
    archsim_version: &'a str,
    #[serde(flatten)]
    body: &'a T,
}

/// `body` wrapped in the envelope (`archsim_json`, `kind`,
/// `archsim_version`), pretty-printed. Numbers that are not finite are
/// written as `null`.
pub fn to_string<T: Serialize>(kind: &str, body: &T) -> String {
    let envelope = Envelope {
        archsim_json: SCHEMA_VERSION,
        kind,
        archsim_version: env!("CARGO_PKG_VERSION"),
        body,
    };
    serde_json::to_string_pretty(&envelope)
        .unwrap_or_else(|e| format!("{{\"archsim_json\": {SCHEMA_VERSION}, \"error\": \"{e}\"}}"))
}

/// A finding with its id and its links written `from -> to`.
#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    /// [`Finding::id`].
    pub id: String,
    /// The finding.
    #[serde(flatten)]
    pub finding: Finding,
    /// Its links as `from -> to`.
    pub link_labels: Vec<String>,
}

/// An analysis with ids and link labels, for readers.
#[derive(Debug, Clone, Serialize)]
pub struct AnalysisView {
    /// The findings, most severe first.
    pub findings: Vec<FindingView>,
    /// Per entry point: what it depends on.
    pub entry_points: Vec<EntrySummary>,
}

impl AnalysisView {
    /// The view of `analysis` of `design`.
    pub fn new(design: &Design, analysis: &Analysis) -> Self {
        Self {
            findings: analysis
                .findings
                .iter()
                .map(|f| FindingView {
                    id: f.id(design),
                    link_labels: f
                        .links
                        .iter()
                        .filter_map(|&l| design.link(l))
                        .map(|l| l.label())
                        .collect(),
                    finding: f.clone(),
                })
                .collect(),
            entry_points: analysis.entry_points.clone(),
        }
    }
}

#[derive(Serialize)]
struct Body<'a> {
    generated_utc: Option<String>,
    reproduce: Reproduce<'a>,
    design: DesignView<'a>,
    summary: Vec<SummaryRow<'a>>,
    analysis: AnalysisView,
    simulation: Simulation<'a>,
    series: Option<Series<'a>>,
    suggestions: &'a Advice,
    unmeasured_suggestions: &'a [Suggestion],
    studies: &'a Studies,
}

#[derive(Serialize)]
struct Reproduce<'a> {
    design_file: &'a str,
    unsaved_changes: bool,
    what_ifs: &'a [String],
    command: String,
    seed: u64,
    replications: u32,
    duration_s: f64,
    warmup_s: f64,
    drain_s: f64,
    load_multiplier: f64,
    series_buckets: u32,
    max_suggestions: usize,
}

#[derive(Serialize)]
struct DesignView<'a> {
    name: &'a str,
    description: &'a str,
    positions_from_layout: bool,
    nodes: Vec<NodeView<'a>>,
    links: Vec<LinkView<'a>>,
    entry_points: Vec<EntryView<'a>>,
    faults: Vec<String>,
    file: Option<String>,
}

#[derive(Serialize)]
struct NodeView<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'static str,
    notes: &'a str,
    x: f32,
    y: f32,
}

#[derive(Serialize)]
struct LinkView<'a> {
    index: usize,
    label: String,
    from: &'a str,
    to: &'a str,
    style: &'static str,
    technology: &'static str,
    via: Option<&'a str>,
    notes: &'a str,
}

#[derive(Serialize)]
struct EntryView<'a> {
    name: &'a str,
    client: &'a str,
    target: &'a str,
    operation: Option<&'a str>,
    load: String,
    rate_per_s: Option<f64>,
    users: Option<u32>,
}

#[derive(Serialize)]
struct SummaryRow<'a> {
    entry_point: &'a str,
    latency_p99_ms: Estimate,
    availability: Estimate,
    coupling_set_size: usize,
    compound_availability: Option<f64>,
    blocking_chain_calls: usize,
    blocking_chain: Vec<&'a str>,
}

#[derive(Serialize)]
struct Simulation<'a> {
    results: &'a Results<Estimate>,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
struct Run<'a> {
    seed: u64,
    simulated_s: f64,
    events: u64,
    warnings: &'a [Warning],
}

#[derive(Serialize)]
struct Series<'a> {
    bucket_s: f64,
    entry_points: Vec<EntrySeries<'a>>,
    nodes: Vec<NodeSeries<'a>>,
}

#[derive(Serialize)]
struct EntrySeries<'a> {
    name: &'a str,
    succeeded: &'a [u32],
    failed: &'a [u32],
    p50_ms: &'a [f64],
    p99_ms: &'a [f64],
}

#[derive(Serialize)]
struct NodeSeries<'a> {
    node: &'a str,
    busy: &'a [f32],
    processing: &'a [f32],
    waiting: &'a [f32],
    backlog: &'a [f32],
}

fn kind(k: &NodeKind) -> &'static str {
    match k {
        NodeKind::Service(_) => "service",
        NodeKind::Broker(_) => "broker",
        NodeKind::DataStore(_) => "data_store",
        NodeKind::Client => "client",
    }
}

fn design_view(report: &Report) -> DesignView<'_> {
    let d = &report.design;
    DesignView {
        name: &d.name,
        description: &d.description,
        positions_from_layout: report.laid_out,
        nodes: d
            .nodes
            .iter()
            .zip(&report.positions)
            .map(|(n, p)| NodeView {
                id: n.id.as_str(),
                name: &n.name,
                kind: kind(&n.kind),
                notes: &n.notes,
                x: p.x,
                y: p.y,
            })
            .collect(),
        links: d
            .links
            .iter()
            .enumerate()
            .map(|(index, l)| LinkView {
                index,
                label: l.label(),
                from: l.from.as_str(),
                to: l.to.as_str(),
                style: l.style.as_str(),
                technology: l.technology.label(),
                via: l.via.as_ref().map(|v| v.as_str()),
                notes: &l.notes,
            })
            .collect(),
        entry_points: d
            .entry_points
            .iter()
            .map(|e| EntryView {
                name: &e.name,
                client: e.client.as_str(),
                target: e.target.as_str(),
                operation: e.operation.as_deref(),
                load: content::load(e),
                rate_per_s: e.load.open_rate_per_s(),
                users: match e.load {
                    Load::Closed { users, .. } => Some(users),
                    Load::Open { .. } => None,
                },
            })
            .collect(),
        faults: d
            .scenario
            .faults
            .iter()
            .map(|f| content::fault(f, d))
            .collect(),
        file: file::to_string(d).ok(),
    }
}

fn summary(report: &Report) -> Vec<SummaryRow<'_>> {
    let results = &report.simulation().results;
    report
        .design
        .entry_points
        .iter()
        .zip(&results.entry_points)
        .map(|(e, r)| {
            let s = report
                .analysis
                .entry_points
                .iter()
                .find(|s| s.entry_point == e.name);
            SummaryRow {
                entry_point: &e.name,
                latency_p99_ms: r.latency_ms.p99,
                availability: r.availability,
                coupling_set_size: s.map_or(0, |s| s.coupling_set.len()),
                compound_availability: s.map(|s| s.compound_availability),
                blocking_chain_calls: s.map_or(0, |s| s.chain_links.len()),
                blocking_chain: s
                    .map_or_else(Vec::new, |s| s.chain.iter().map(|id| id.as_str()).collect()),
            }
        })
        .collect()
}

fn series<'a>(report: &'a Report, sim: &'a SimReport) -> Option<Series<'a>> {
    let s: &TimeSeries = sim.series.as_ref()?;
    Some(Series {
        bucket_s: s.bucket_s,
        entry_points: report
            .design
            .entry_points
            .iter()
            .zip(&s.entries)
            .map(|(e, x)| EntrySeries {
                name: &e.name,
                succeeded: &x.succeeded,
                failed: &x.failed,
                p50_ms: &x.p50_ms,
                p99_ms: &x.p99_ms,
            })
            .collect(),
        nodes: report
            .design
            .nodes
            .iter()
            .zip(&s.nodes)
            .filter(|(n, _)| !n.is_client())
            .map(|(n, x)| NodeSeries {
                node: n.id.as_str(),
                busy: &x.busy,
                processing: &x.processing,
                waiting: &x.waiting,
                backlog: &x.backlog,
            })
            .collect(),
    })
}

/// The report as JSON (`kind: "report"`).
pub fn render(report: &Report) -> String {
    let sim = report.simulation();
    let body = Body {
        generated_utc: report.generated_unix_s.map(text::iso_utc),
        reproduce: Reproduce {
            design_file: &report.source.design,
            unsaved_changes: report.source.unsaved_changes,
            what_ifs: &report.source.what_ifs,
            command: report.command(Format::Json),
            seed: sim.seed,
            replications: sim.replications,
            duration_s: sim.duration_s,
            warmup_s: sim.warmup_s,
            drain_s: report.design.scenario.drain_s,
            load_multiplier: sim.load_multiplier,
            series_buckets: super::SERIES_BUCKETS,
            max_suggestions: report.max_suggestions,
        },
        design: design_view(report),
        summary: summary(report),
        analysis: AnalysisView::new(&report.design, &report.analysis),
        simulation: Simulation {
            results: &sim.results,
            runs: sim
                .runs
                .iter()
                .map(|r| Run {
                    seed: r.seed,
                    simulated_s: r.simulated_s,
                    events: r.events,
                    warnings: &r.warnings,
                })
                .collect(),
        },
        series: series(report, sim),
        suggestions: &report.advice,
        unmeasured_suggestions: &report.unmeasured,
        studies: &report.studies,
    };
    let mut out = to_string("report", &body);
    out.push('\n');
    out
}
