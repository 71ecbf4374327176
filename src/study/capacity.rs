//! The capacity study: how far the load can grow before an entry point
//! misses its objectives, and what saturates first.
//!
//! The load multiplier is searched adaptively: doubled (or halved) from
//! the design's own load until every entry point has a load it meets and
//! one it misses (a step up goes no further than just past where the
//! busiest worker pool saturates), then bisected where a bracket is
//! widest, within a budget of load points. Every point runs the same replications with the same
//! seeds, so neighbouring points differ by the load alone.
//!
//! An entry point is judged by the objectives it states (`objectives` in
//! the format: every one must be met on average); one that states none by
//! whether it keeps up with how it does at the design's load: its median
//! latency at most [`SLOWDOWN`] times as long and, for an open workload,
//! at least [`KEEPS_UP`] of the share of offered requests delivered there.
//! (That is relative: objectives give an absolute answer.) The capacity is where the first of
//! its margins (target minus measured) crosses zero, interpolated between
//! the two points around the crossing; its interval is where the margin
//! crosses zero at the bad and at the good end of each point's 95 %
//! interval.

use foldhash::HashSet;

use serde::Serialize;

use super::Runs;
use crate::model::{Design, Load, NodeId, NodeKind};
use crate::numbers::{Measure, percent, setting, setting_percent, value};
use crate::sim::{Estimate, SimError, SimReport};

/// An open entry point without objectives keeps up while the share of the
/// requests offered that it delivers is at least this fraction of that
/// share at the design's load (where faults may already lose some)...
pub const KEEPS_UP: f64 = 0.95;

/// ... and while its median latency is at most this many times its median
/// at the design's load (the point where waiting starts to dominate).
pub const SLOWDOWN: f64 = 2.0;

/// How to run a capacity study.
#[derive(Debug, Clone)]
pub struct CapacityOptions {
    /// Replications, seeds, duration and deadline of every load point.
    pub runs: Runs,
    /// Most load points simulated.
    pub max_points: u32,
    /// The search never goes below this multiple of the design's load.
    pub min_load: f64,
    /// ... nor above this one.
    pub max_load: f64,
    /// Bisection stops when a bracket is narrower than this fraction of
    /// its lower end.
    pub precision: f64,
}

impl Default for CapacityOptions {
    fn default() -> Self {
        Self {
            runs: Runs::default(),
            max_points: 12,
            min_load: 1.0 / 32.0,
            max_load: 16.0,
            precision: 0.03,
        }
    }
}

/// What an entry point is judged by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// The objectives it states.
    Objectives,
    /// No objectives: its median latency stays within [`SLOWDOWN`] times
    /// the design's load's and (open workloads) the share of offered
    /// requests it delivers within [`KEEPS_UP`] of the design's load's.
    KeepsUp,
    /// No objectives, and no request succeeded at the design's load:
    /// nothing to compare with.
    Unjudged,
}

/// One margin of an entry point at one load: how far a measured figure is
/// on the good side of its target, in the figure's unit (negative: missed).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Margin {
    /// `mean`, `p50`, `p95`, `p99`, `availability`, or without objectives
    /// `slowdown` and `keeps_up`.
    pub objective: &'static str,
    /// The target: ms, a fraction, or requests per second delivered.
    pub target: f64,
    /// What was measured, with its interval.
    pub measured: Estimate,
    /// Target minus measured for a latency, measured minus target for
    /// availability and throughput; `-inf` when nothing was measured.
    pub mean: f64,
    /// The margin at the bad end of the interval.
    pub worst: f64,
    /// The margin at the good end of the interval.
    pub best: f64,
}

impl Margin {
    /// A ceiling on a latency.
    fn at_most(objective: &'static str, target: f64, measured: Estimate) -> Self {
        let (low, high) = measured.interval();
        Self::new(
            objective,
            target,
            measured,
            target - measured.mean,
            target - high,
            target - low,
        )
    }

    /// A floor on availability or throughput.
    fn at_least(objective: &'static str, target: f64, measured: Estimate) -> Self {
        let (low, high) = measured.interval();
        Self::new(
            objective,
            target,
            measured,
            measured.mean - target,
            low - target,
            high - target,
        )
    }

    fn new(
        objective: &'static str,
        target: f64,
        measured: Estimate,
        mean: f64,
        worst: f64,
        best: f64,
    ) -> Self {
        let or_missed = |m: f64| if m.is_nan() { f64::NEG_INFINITY } else { m };
        Self {
            objective,
            target,
            measured,
            mean: or_missed(mean),
            worst: or_missed(worst),
            best: or_missed(best),
        }
    }

    /// Met on average.
    pub fn met(&self) -> bool {
        self.mean >= 0.0
    }
}

/// One entry point at one load.
#[derive(Debug, Clone, Serialize)]
pub struct EntryAtLoad {
    /// The entry point's name.
    pub entry_point: String,
    /// Requests offered per second (the arrivals in the measured window).
    pub offered_per_s: f64,
    /// Successful answers delivered per second.
    pub throughput_per_s: Estimate,
    /// Mean client latency, ms.
    pub mean_ms: Estimate,
    /// Median client latency, ms.
    pub p50_ms: Estimate,
    /// 99th-percentile client latency, ms.
    pub p99_ms: Estimate,
    /// Succeeded / attempted.
    pub availability: Estimate,
    /// Its margins, one per objective (or keeps-up).
    pub margins: Vec<Margin>,
    /// Every margin met on average (always `true` with nothing to judge).
    pub meets: bool,
}

/// The resource that saturates first: the busiest service or data store.
#[derive(Debug, Clone, Serialize)]
pub struct Bottleneck {
    /// Its id.
    pub node: String,
    /// Its name.
    pub name: String,
    /// Mean fraction of its workers doing their own work.
    pub utilisation: f64,
    /// Mean fraction of its workers held (blocked on calls included).
    pub occupancy: f64,
}

/// One simulated load.
#[derive(Debug, Clone, Serialize)]
pub struct LoadPoint {
    /// The multiple of the design's load.
    pub load_multiplier: f64,
    /// Per entry point, in design order.
    pub entry_points: Vec<EntryAtLoad>,
    /// Per service and data store, in design order: (id, mean
    /// utilisation, mean occupancy).
    #[serde(skip)]
    busy: Vec<(String, f64, f64)>,
}

/// Where an entry point's capacity was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// Between two simulated loads.
    Found,
    /// Still met at the highest load tried: the capacity is at least it.
    AtLeast,
    /// Missed at the lowest load tried: the capacity is below it.
    Below,
    /// Nothing to judge by: no request succeeded at the design's load.
    NotJudged,
}

/// The capacity of one entry point.
#[derive(Debug, Clone, Serialize)]
pub struct EntryCapacity {
    /// The entry point's name.
    pub entry_point: String,
    /// What it is judged by.
    pub criterion: Criterion,
    /// How the capacity was bounded.
    pub bound: Bound,
    /// The highest load multiplier that meets every objective.
    pub load: f64,
    /// The 95 % interval of `load`: where the margins cross zero at the
    /// bad and at the good end of their intervals.
    pub low: f64,
    /// See `low`.
    pub high: f64,
    /// Requests per second offered at `load`.
    pub rate_per_s: f64,
    /// The objective that breaks first.
    pub limited_by: Option<&'static str>,
    /// The busiest resource this entry point reaches at the first load
    /// past its capacity.
    pub bottleneck: Option<Bottleneck>,
}

impl EntryCapacity {
    /// `3.74× (3.70–3.79×), 74.8 requests/s; limited by mean; bottleneck
    /// Server (99.1 % busy)`.
    pub fn describe(&self) -> String {
        let times = |m: f64| format!("{}×", value(m, Measure::Plain));
        let mut s = match self.bound {
            Bound::NotJudged => {
                return "not judged: no request succeeded at the design's load".into();
            }
            Bound::AtLeast => format!("at least {}, the highest load tried", times(self.load)),
            Bound::Below => format!("below {}, the lowest load tried", times(self.load)),
            Bound::Found => format!(
                "{} ({}–{})",
                times(self.load),
                value(self.low, Measure::Plain),
                times(self.high)
            ),
        };
        if self.rate_per_s.is_finite() && self.rate_per_s > 0.0 {
            s.push_str(&format!(
                ", {} requests/s",
                value(self.rate_per_s, Measure::Plain)
            ));
        }
        if let Some(objective) = self.limited_by {
            s.push_str(&format!("; limited by {}", objective_words(objective)));
        }
        if let Some(b) = &self.bottleneck {
            s.push_str(&format!(
                "; bottleneck {} ({} busy, {} of workers held)",
                b.name,
                percent(b.utilisation),
                percent(b.occupancy)
            ));
        }
        s
    }
}

/// `p99 latency`, `availability`, `keeping up`.
pub fn objective_words(objective: &str) -> String {
    match objective {
        "keeps_up" => format!(
            "keeping up ({} of the design's load's delivery)",
            setting_percent(KEEPS_UP)
        ),
        "slowdown" => format!(
            "median latency ({}× the design's load's)",
            setting(SLOWDOWN)
        ),
        "availability" => "availability".into(),
        latency => format!("{latency} latency"),
    }
}

/// The whole study.
#[derive(Debug, Clone, Serialize)]
pub struct CapacityStudy {
    /// The design's name.
    pub design: String,
    /// Seed of the first replication at every point.
    pub seed: u64,
    /// Replications per point.
    pub replications: u32,
    /// Seconds of arrivals of every simulation.
    pub duration_s: f64,
    /// Per entry point, in design order.
    pub capacities: Vec<EntryCapacity>,
    /// Every load simulated, the load rising: the curves.
    pub points: Vec<LoadPoint>,
    /// The simulations' warnings, each once, with the load it came at.
    pub warnings: Vec<String>,
    /// Whether the study stopped (cancelled, or out of time) before its
    /// search finished.
    pub cancelled: bool,
}

/// Runs the capacity study of `design`.
pub fn capacity(design: &Design, options: &CapacityOptions) -> Result<CapacityStudy, SimError> {
    let range_ok = options.min_load > 0.0
        && options.min_load <= 1.0
        && options.max_load >= 1.0
        && options.max_load.is_finite();
    if !range_ok {
        return Err(SimError::BadOption(format!(
            "the load range must contain 1 (the design's load): {}–{}",
            options.min_load, options.max_load
        )));
    }
    if options.max_points < 2 {
        return Err(SimError::BadOption(
            "a capacity study needs at least 2 load points".into(),
        ));
    }
    let mut criteria: Vec<Criterion> = design
        .entry_points
        .iter()
        .map(|e| {
            if e.objectives.is_empty() {
                Criterion::KeepsUp
            } else {
                Criterion::Objectives
            }
        })
        .collect();
    let mut points: Vec<LoadPoint> = Vec::new();
    let mut warnings = Vec::new();
    let mut seed = 0;
    let mut cancelled = false;
    let mut baseline = Vec::new();
    let mut next = Some(1.0);
    while let Some(load) = next {
        if options.runs.stopped() {
            cancelled = true;
            break;
        }
        let report = options.runs.simulate(design, load)?;
        seed = report.seed;
        for w in report.warnings() {
            let line = format!("at {}×: {}", value(load, Measure::Plain), w.message);
            if !warnings.contains(&line) {
                warnings.push(line);
            }
        }
        // The first point is the design's own load: the median that
        // `SLOWDOWN` is counted from.
        if points.is_empty() {
            baseline = Baseline::of(&report);
            for (c, b) in criteria.iter_mut().zip(&baseline) {
                if *c == Criterion::KeepsUp && !(b.p50_ms.is_finite() && b.delivered > 0.0) {
                    *c = Criterion::Unjudged;
                }
            }
        }
        let point = load_point(design, &criteria, &baseline, &report);
        let at = points.partition_point(|p| p.load_multiplier < load);
        points.insert(at, point);
        next = (points.len() < options.max_points as usize)
            .then(|| next_load(&points, &criteria, options))
            .flatten();
    }
    let capacities = design
        .entry_points
        .iter()
        .enumerate()
        .map(|(i, entry)| entry_capacity(design, &entry.target, i, criteria[i], &points))
        .collect();
    Ok(CapacityStudy {
        design: design.name.clone(),
        seed,
        replications: options.runs.replications,
        duration_s: options.runs.duration_s(design),
        capacities,
        points,
        warnings,
        cancelled,
    })
}

/// How an entry point does at the design's load: what an entry point
/// without objectives is compared with.
#[derive(Debug, Clone, Copy)]
struct Baseline {
    /// Median client latency, ms.
    p50_ms: f64,
    /// Successful answers delivered per request offered (at most 1).
    delivered: f64,
}

impl Baseline {
    /// Per entry point, from the simulation at the design's load.
    fn of(report: &SimReport) -> Vec<Self> {
        let window = (report.duration_s - report.warmup_s).max(f64::MIN_POSITIVE);
        report
            .results
            .entry_points
            .iter()
            .map(|e| Self {
                p50_ms: e.latency_ms.p50.mean,
                delivered: (e.throughput_per_s.mean * window / e.attempted.mean).min(1.0),
            })
            .collect()
    }
}

/// The figures and margins of every entry point in one simulation.
fn load_point(
    design: &Design,
    criteria: &[Criterion],
    baseline: &[Baseline],
    report: &SimReport,
) -> LoadPoint {
    let window = (report.duration_s - report.warmup_s).max(f64::MIN_POSITIVE);
    let entry_points = design
        .entry_points
        .iter()
        .zip(&report.results.entry_points)
        .zip(criteria)
        .zip(baseline)
        .map(|(((entry, r), criterion), baseline)| {
            let offered_per_s = r.attempted.mean / window;
            let o = &entry.objectives;
            let mut margins: Vec<Margin> = o
                .latency()
                .map(|(name, target)| {
                    let measured = match name {
                        "mean" => r.latency_ms.mean,
                        "p50" => r.latency_ms.p50,
                        "p95" => r.latency_ms.p95,
                        _ => r.latency_ms.p99,
                    };
                    Margin::at_most(name, target, measured)
                })
                .collect();
            if let Some(target) = o.availability {
                margins.push(Margin::at_least("availability", target, r.availability));
            }
            if *criterion == Criterion::KeepsUp {
                margins.push(Margin::at_most(
                    "slowdown",
                    SLOWDOWN * baseline.p50_ms,
                    r.latency_ms.p50,
                ));
                if matches!(entry.load, Load::Open { .. }) {
                    margins.push(Margin::at_least(
                        "keeps_up",
                        KEEPS_UP * baseline.delivered * offered_per_s,
                        r.throughput_per_s,
                    ));
                }
            }
            EntryAtLoad {
                entry_point: entry.name.clone(),
                offered_per_s,
                throughput_per_s: r.throughput_per_s,
                mean_ms: r.latency_ms.mean,
                p50_ms: r.latency_ms.p50,
                p99_ms: r.latency_ms.p99,
                availability: r.availability,
                meets: margins.iter().all(Margin::met),
                margins,
            }
        })
        .collect();
    LoadPoint {
        load_multiplier: report.load_multiplier,
        entry_points,
        busy: report
            .results
            .services
            .iter()
            .map(|s| (s.node.clone(), s.utilisation.mean, s.occupancy.mean))
            .collect(),
    }
}

/// Where entry point `i` stands: the index of the first point it misses
/// (`None`: it meets every one).
fn first_missed(points: &[LoadPoint], i: usize) -> Option<usize> {
    points.iter().position(|p| !p.entry_points[i].meets)
}

/// The next load to simulate: first widen the range until every judged
/// entry point has a point it meets below one it misses, then halve the
/// widest bracket; `None` when every bracket is narrow enough.
fn next_load(points: &[LoadPoint], criteria: &[Criterion], o: &CapacityOptions) -> Option<f64> {
    let lowest = points.first()?.load_multiplier;
    let highest = points.last()?.load_multiplier;
    let judged = || (0..criteria.len()).filter(|&i| criteria[i] != Criterion::Unjudged);
    let mut widest: Option<(f64, f64)> = None;
    for i in judged() {
        match first_missed(points, i) {
            None if highest < o.max_load => return Some(step_up(points, o)),
            Some(0) if lowest > o.min_load => return Some((lowest / 2.0).max(o.min_load)),
            Some(miss) if miss > 0 => {
                let (good, bad) = (
                    points[miss - 1].load_multiplier,
                    points[miss].load_multiplier,
                );
                let width = (bad - good) / good;
                if width > o.precision && widest.is_none_or(|(w, _)| width > w) {
                    widest = Some((width, (good + bad) / 2.0));
                }
            }
            _ => {}
        }
    }
    widest.map(|(_, load)| load)
}

/// The next load above every point so far: double it, but not far past
/// where the busiest worker pool would be saturated. A pool's occupancy
/// grows at least in proportion to the load (holding times only grow with
/// contention), so `load / occupancy` is the most the pool can take; a
/// point just past it brackets the knee without simulating a deep
/// overload, which costs the most and tells the least.
///
/// Never less than a step of twice the precision, so the search moves on.
fn step_up(points: &[LoadPoint], o: &CapacityOptions) -> f64 {
    let Some(top) = points.last() else {
        return 1.0;
    };
    let highest = top.load_multiplier;
    let busiest = top
        .busy
        .iter()
        .map(|(_, _, occupancy)| *occupancy)
        .filter(|o| o.is_finite())
        .fold(0.0, f64::max);
    // A pool already saturated (a background consumer whose backlog
    // grows without hurting the answer) says nothing about the next step.
    let saturation = if busiest > 0.0 && busiest < 0.95 {
        highest / busiest * 1.05
    } else {
        f64::INFINITY
    };
    saturation
        .min(highest * 2.0)
        .max(highest * (1.0 + 2.0 * o.precision))
        .min(o.max_load)
}

/// The load where `margin` first crosses zero, interpolated between the
/// points around the crossing; `None` when it never does.
fn crossing(points: &[LoadPoint], margin: impl Fn(&LoadPoint) -> f64) -> Option<f64> {
    let miss = points.iter().position(|p| margin(p) < 0.0)?;
    let (l1, m1) = (points[miss].load_multiplier, margin(&points[miss]));
    if miss == 0 {
        return Some(l1);
    }
    let (l0, m0) = (points[miss - 1].load_multiplier, margin(&points[miss - 1]));
    if !m1.is_finite() {
        return Some(l0);
    }
    Some(l0 + (l1 - l0) * m0 / (m0 - m1))
}

/// The capacity of entry point `i`, from every point simulated.
fn entry_capacity(
    design: &Design,
    target: &NodeId,
    i: usize,
    criterion: Criterion,
    points: &[LoadPoint],
) -> EntryCapacity {
    let name = design.entry_points[i].name.clone();
    let rate_at = |load: f64| match design.entry_points[i].load {
        Load::Open { rate_per_s, .. } => rate_per_s * load,
        Load::Closed { .. } => f64::NAN,
    };
    let not_judged = EntryCapacity {
        entry_point: name.clone(),
        criterion,
        bound: Bound::NotJudged,
        load: f64::NAN,
        low: f64::NAN,
        high: f64::NAN,
        rate_per_s: f64::NAN,
        limited_by: None,
        bottleneck: None,
    };
    let (Some(lowest), Some(highest)) = (points.first(), points.last()) else {
        return not_judged;
    };
    if criterion == Criterion::Unjudged {
        return not_judged;
    }
    let objectives = lowest.entry_points[i].margins.len();
    let cross = |k: usize, pick: fn(&Margin) -> f64| {
        crossing(points, |p| pick(&p.entry_points[i].margins[k]))
    };
    // The objective that breaks first, on average.
    let first = (0..objectives)
        .filter_map(|k| Some((k, cross(k, |m| m.mean)?)))
        .min_by(|a, b| a.1.total_cmp(&b.1));
    let lowest_crossing = |pick: fn(&Margin) -> f64| {
        (0..objectives)
            .filter_map(|k| cross(k, pick))
            .min_by(f64::total_cmp)
    };
    let top = highest.load_multiplier;
    let (bound, load, limited_by) = match (first, first_missed(points, i)) {
        (_, None) => (Bound::AtLeast, top, None),
        (_, Some(0)) => (
            Bound::Below,
            lowest.load_multiplier,
            first.map(|(k, _)| lowest.entry_points[i].margins[k].objective),
        ),
        (Some((k, load)), Some(_)) => (
            Bound::Found,
            load,
            Some(lowest.entry_points[i].margins[k].objective),
        ),
        (None, Some(_)) => (Bound::AtLeast, top, None),
    };
    let low = lowest_crossing(|m| m.worst).unwrap_or(top).min(load);
    let high = lowest_crossing(|m| m.best).unwrap_or(top).max(load);
    let past = first_missed(points, i).map(|miss| &points[miss]);
    EntryCapacity {
        entry_point: name,
        criterion,
        bound,
        load,
        low,
        high,
        rate_per_s: rate_at(load),
        limited_by,
        bottleneck: past.and_then(|p| bottleneck(design, target, p)),
    }
}

/// The busiest service or data store that requests to `target` reach,
/// at `point`.
fn bottleneck(design: &Design, target: &NodeId, point: &LoadPoint) -> Option<Bottleneck> {
    let reached = downstream(design, target);
    point
        .busy
        .iter()
        .filter(|(id, utilisation, _)| {
            utilisation.is_finite() && reached.contains(&NodeId::new(id))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1).then(a.2.total_cmp(&b.2)))
        .map(|(id, utilisation, occupancy)| Bottleneck {
            node: id.clone(),
            name: design.display_name(&NodeId::new(id)).to_owned(),
            utilisation: *utilisation,
            occupancy: *occupancy,
        })
}

/// `target` and every service and data store its links lead to, directly
/// or through others (a broker's subscribers included).
fn downstream<'d>(design: &'d Design, target: &'d NodeId) -> HashSet<&'d NodeId> {
    let mut seen = HashSet::from_iter([target]);
    let mut todo = vec![target];
    while let Some(node) = todo.pop() {
        for link in design.links.iter().filter(|l| &l.from == node) {
            for next in [Some(&link.to), link.via.as_ref()].into_iter().flatten() {
                if seen.insert(next) {
                    todo.push(next);
                }
            }
        }
    }
    seen.retain(|id| {
        design
            .node(id)
            .is_some_and(|n| matches!(n.kind, NodeKind::Service(_) | NodeKind::DataStore(_)))
    });
    seen
}
