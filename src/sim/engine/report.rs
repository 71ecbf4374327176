//! From accumulators to results: time series ticks, trace samples, the
//! final per-entry/service/link/broker figures, and warnings that name the
//! cause when a run had to be stopped.

use super::super::plan::{Ix, PKind};
use super::super::results::{
    BrokerResult, EntryResult, Failures, LinkResult, Percentiles, Results, RootCause, ServiceResult,
};
use super::super::time::{NS_PER_MS, NS_PER_S, Nanos};
use super::super::trace::{EntrySeries, NodeSample, NodeSeries};
use super::super::{RunInfo, Warning, WarningKind};
use super::events::Cause;
use super::{Engine, RunOutput, Snapshot, Stop};
use crate::list::abbreviated;
use crate::model::Style;
use crate::scc::Components;

impl Engine<'_> {
    /// A time-series bucket ended: record each node's averages over it.
    pub(crate) fn on_tick(&mut self) {
        let now = self.now;
        let Some(rec) = &mut self.series else { return };
        let width = rec.width as f64;
        if rec.series.nodes.is_empty() {
            rec.series.nodes = vec![NodeSeries::default(); self.stations.len()];
        }
        for (n, st) in self.stations.iter_mut().enumerate() {
            st.touch(now);
            let (prev, cur) = (rec.previous[n], st.totals);
            let avg = |a: f64, b: f64| ((b - a) / width) as f32;
            let s = &mut rec.series.nodes[n];
            s.busy.push(avg(prev.busy_area, cur.busy_area));
            s.processing
                .push(avg(prev.processing_area, cur.processing_area));
            s.waiting
                .push(avg(prev.waiting_direct_area, cur.waiting_direct_area));
            s.backlog.push(avg(prev.backlog_area, cur.backlog_area));
            rec.previous[n] = cur;
        }
    }

    /// Counts an answer to a client in its time bucket.
    pub(crate) fn record_series_answer(&mut self, entry: Ix, ok: bool, latency: Nanos) {
        let now = self.now;
        let Some(rec) = &mut self.series else { return };
        let bucket = (now / rec.width) as usize;
        if bucket >= rec.buckets {
            return;
        }
        if rec.series.entries.is_empty() {
            rec.series.entries = (0..self.plan.entries.len())
                .map(|_| EntrySeries {
                    succeeded: vec![0; rec.buckets],
                    failed: vec![0; rec.buckets],
                    ..EntrySeries::default()
                })
                .collect();
        }
        let s = &mut rec.series.entries[entry as usize];
        if ok {
            s.succeeded[bucket] += 1;
            rec.latency[entry as usize][bucket].saturating_record((latency / 1_000).max(1));
        } else {
            s.failed[bucket] += 1;
        }
    }

    /// Samples every node's state for the animation.
    pub(crate) fn on_trace_sample(&mut self) {
        let now = self.now;
        let Some(rec) = &mut self.trace else { return };
        rec.trace.sample_times.push(now);
        rec.trace.samples.push(
            self.stations
                .iter()
                .map(|s| NodeSample {
                    busy: s.busy,
                    processing: s.processing,
                    waiting: s.queue.len() as u32 + s.parked.len() as u32,
                    backlog: s.backlog,
                    down: s.down > 0,
                })
                .collect(),
        );
    }

    /// Turns the run's accumulators into results.
    pub(crate) fn finish(mut self, wall: std::time::Duration) -> RunOutput {
        let end = self.now;
        let start = match self.window_start.take() {
            Some(s) => s,
            None => self.snapshot(),
        };
        let end_snap = match self.window_end.take() {
            Some(s) => s,
            None => self.snapshot(),
        };
        let window_ns = (self.plan.duration.min(end.max(self.plan.warmup)))
            .saturating_sub(self.plan.warmup)
            .max(1) as f64;
        let window_s = window_ns / NS_PER_S;
        let results = Results {
            entry_points: self.entry_results(window_s),
            services: self.service_results(&start, &end_snap, window_ns),
            links: self.link_results(&start, &end_snap),
            brokers: self.broker_results(&start, &end_snap, window_ns),
        };
        let mut warnings = Vec::new();
        if let Some(stop) = self.stop {
            warnings.push(self.describe_stop(stop));
        }
        warnings.extend(self.redelivery_warnings());
        for &(entry, asked, users) in &self.capped_users {
            let name = self
                .design
                .entry_points
                .get(entry as usize)
                .map_or("?", |e| e.name.as_str());
            warnings.push(Warning {
                kind: WarningKind::TooManyUsers,
                node: None,
                message: format!(
                    "entry point \"{name}\": {asked} closed-workload users exceed the limit of requests in flight; {users} were simulated"
                ),
            });
        }
        let info = RunInfo {
            seed: self.seed,
            simulated_s: end as f64 / NS_PER_S,
            events: self.processed,
            wall_ms: wall.as_secs_f64() * 1e3,
            warnings,
        };
        let series = self.series.take().map(|mut rec| {
            for (e, hists) in rec.latency.iter().enumerate() {
                if let Some(s) = rec.series.entries.get_mut(e) {
                    s.p50_ms = hists.iter().map(|h| quantile_ms(h, 0.5)).collect();
                    s.p99_ms = hists.iter().map(|h| quantile_ms(h, 0.99)).collect();
                }
            }
            rec.series
        });
        RunOutput {
            results,
            latency: self.entries.iter().map(|e| e.latency.clone()).collect(),
            info,
            series,
            trace: self.trace.take().map(|t| {
                let mut trace = t.trace;
                // Responses and pulled deliveries are recorded when they are
                // scheduled, before they leave: order by departure.
                trace.hops.sort_by_key(|h| h.sent);
                trace
            }),
            spans: self.spans.take().map(|rec| rec.finish(self.plan)),
        }
    }

    fn entry_results(&self, window_s: f64) -> Vec<EntryResult<f64>> {
        self.plan
            .entries
            .iter()
            .zip(&self.entries)
            .zip(&self.design.entry_points)
            .map(|((_, acc), ep)| {
                let failed: u64 = acc.failed.iter().sum();
                let unfinished = acc.attempted.saturating_sub(acc.succeeded + failed);
                let count = |c: Cause| acc.failed[c as usize] as f64;
                let mut roots: Vec<RootCause<f64>> = acc
                    .roots
                    .iter()
                    .map(|&(n, c)| RootCause {
                        node: self.design.nodes[n as usize].id.to_string(),
                        failures: c as f64,
                    })
                    .collect();
                roots.sort_by(|a, b| a.node.cmp(&b.node));
                EntryResult {
                    name: ep.name.clone(),
                    attempted: acc.attempted as f64,
                    succeeded: acc.succeeded as f64,
                    failed: Failures {
                        down: count(Cause::Down),
                        timeout: count(Cause::Timeout),
                        error: count(Cause::Error),
                        rejected: count(Cause::Rejected),
                        unfinished: unfinished as f64,
                    },
                    throughput_per_s: acc.completed_in_window as f64 / window_s,
                    availability: if acc.attempted > 0 {
                        acc.succeeded as f64 / acc.attempted as f64
                    } else {
                        f64::NAN
                    },
                    latency_ms: percentiles(&acc.latency, acc.latency_sum_ns),
                    flow_completion_ms: percentiles(
                        &acc.flow_completion,
                        acc.flow_completion_sum_ns,
                    ),
                    root_causes: roots,
                }
            })
            .collect()
    }

    fn service_results(
        &self,
        start: &Snapshot,
        end: &Snapshot,
        window_ns: f64,
    ) -> Vec<ServiceResult<f64>> {
        self.plan
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| matches!(n.kind, PKind::Service | PKind::Store { .. }))
            .map(|(i, node)| {
                let d = end.stations[i].since(&start.stations[i]);
                let workers = if node.workers == u32::MAX {
                    f64::NAN
                } else {
                    f64::from(node.workers)
                };
                let occupancy = d.busy_area / (window_ns * workers);
                let utilisation = d.processing_area / (window_ns * workers);
                ServiceResult {
                    node: self.design.nodes[i].id.to_string(),
                    occupancy,
                    utilisation,
                    blocked_share: if d.busy_area > 0.0 {
                        (d.busy_area - d.processing_area) / d.busy_area
                    } else {
                        0.0
                    },
                    mean_queue: d.waiting_direct_area / window_ns,
                    max_queue: f64::from(self.stations[i].max_waiting),
                    queue_at_end: f64::from(end.levels[i].0),
                    arrival_rate_per_s: d.arrivals as f64 / (window_ns / NS_PER_S),
                    handled: d.handled as f64,
                    mean_in_system: d.in_system_area / window_ns,
                    mean_sojourn_ms: if self.stations[i].totals.sojourn_n > 0 {
                        self.stations[i].totals.sojourn_sum_ns
                            / self.stations[i].totals.sojourn_n as f64
                            / NS_PER_MS
                    } else {
                        f64::NAN
                    },
                }
            })
            .collect()
    }

    fn link_results(&self, start: &Snapshot, end: &Snapshot) -> Vec<LinkResult<f64>> {
        self.design
            .links
            .iter()
            .zip(end.links.iter().zip(&start.links))
            .map(|(l, (end, start))| (l, end.since(start)))
            .map(|(l, acc)| LinkResult {
                link: l.label(),
                messages: acc.messages as f64,
                max_in_flight: f64::from(acc.max_in_flight),
                timeouts: acc.timeouts as f64,
                errors: acc.errors as f64,
                retries: acc.retries as f64,
                lost: acc.lost as f64,
                redeliveries: acc.redeliveries as f64,
            })
            .collect()
    }

    fn broker_results(
        &self,
        start: &Snapshot,
        end: &Snapshot,
        window_ns: f64,
    ) -> Vec<BrokerResult<f64>> {
        self.plan
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| matches!(n.kind, PKind::Broker { .. }))
            .map(|(i, _)| {
                let d = end.stations[i].since(&start.stations[i]);
                let counts = end.brokers[i].since(&start.brokers[i]);
                BrokerResult {
                    node: self.design.nodes[i].id.to_string(),
                    published: counts.published as f64,
                    requests: counts.requests as f64,
                    mean_backlog: d.backlog_area / window_ns,
                    max_backlog: f64::from(self.stations[i].max_backlog),
                    backlog_at_end: f64::from(end.levels[i].1),
                    dead_lettered: counts.dead_lettered as f64,
                }
            })
            .collect()
    }

    /// Says why the run stopped early, naming the likely cause.
    pub(crate) fn describe_stop(&self, stop: Stop) -> Warning {
        let at = format!("{:.1} s", self.now as f64 / NS_PER_S);
        let (kind, what) = match stop {
            Stop::Cancelled => {
                return Warning {
                    kind: WarningKind::Cancelled,
                    node: None,
                    message: format!(
                        "the run was cancelled at {at} of simulated time; results cover the time simulated so far"
                    ),
                };
            }
            Stop::WallTime => (
                WarningKind::WallTime,
                format!(
                    "the run took longer than its wall-time limit and stopped at {at} of simulated time"
                ),
            ),
            Stop::Deadline => (
                WarningKind::WallTime,
                format!(
                    "the time limit of the command ran out and the run stopped at {at} of simulated time"
                ),
            ),
            Stop::Events => (
                WarningKind::EventLimit,
                format!(
                    "the run stopped at {at} after {} events (the limit)",
                    self.processed
                ),
            ),
            Stop::Live => (
                WarningKind::InFlightLimit,
                format!(
                    "the run stopped at {at} with {} requests and messages in flight (the limit)",
                    self.jobs.live() + self.calls.live() + self.msgs.live()
                ),
            ),
        };
        let (node, cause) = match self.amplifying_cycle() {
            Some(cycle) => (None, format!("messages multiply in a cycle: {cycle}")),
            None => match self.fastest_growing_queue() {
                Some((n, text)) => (Some(self.design.nodes[n].id.to_string()), text),
                None => (None, self.plain_size_of_run()),
            },
        };
        Warning {
            kind,
            node,
            message: format!("{what}: {cause}"),
        }
    }

    /// A cycle of non-blocking links (events, asynchronous requests,
    /// common data), through which one message can trigger itself again.
    /// The walk is iterative: it runs on a replication's thread, whose
    /// stack is small, after a design of any length hit a limit.
    fn amplifying_cycle(&self) -> Option<String> {
        let n = self.plan.nodes.len();
        let mut edges: Vec<(Ix, Ix)> = self
            .plan
            .links
            .iter()
            .filter(|l| l.style != Style::Sync)
            .map(|l| (l.from, l.to))
            .collect();
        edges.sort_unstable();
        // Where each node's links start in `edges`, and the end.
        let mut starts = vec![0usize; n + 1];
        for &(from, _) in &edges {
            starts[from as usize + 1] += 1;
        }
        for i in 0..n {
            starts[i + 1] += starts[i];
        }
        let successors = |v: usize| {
            edges[starts[v]..starts[v + 1]]
                .iter()
                .map(|&(_, to)| to as usize)
        };
        let components = Components::of(n, successors);
        let cycle = components.iter().find(|c| match c {
            [v] => successors(*v as usize).any(|w| w == *v as usize),
            c => c.len() > 1,
        })?;
        // Round the cycle, back to where it started.
        let mut round: Vec<u32> = cycle.iter().rev().copied().collect();
        round.extend(round.first().copied());
        Some(abbreviated(&round, " -> ", |&n| {
            self.design.nodes[n as usize].id.as_str()
        }))
    }

    /// Why a run with no cycle and no growing queue hit a limit: it is
    /// simply long for it, at the pace it went.
    fn plain_size_of_run(&self) -> String {
        let simulated_s = self.now as f64 / NS_PER_S;
        let asked_s = self.plan.duration as f64 / NS_PER_S;
        let per_s = self.processed as f64 / simulated_s.max(1e-9);
        format!(
            "no queue grew and no cycle multiplied messages: {simulated_s:.1} s of the {asked_s} s asked (duration_s) took {} events, about {} per simulated second; shorten the duration or lower the load",
            self.processed,
            significant(per_s)
        )
    }

    /// The node with the most requests waiting, with its arrival rate and
    /// capacity, when it has any waiting.
    fn fastest_growing_queue(&self) -> Option<(usize, String)> {
        let (n, st) = self
            .stations
            .iter()
            .enumerate()
            .max_by_key(|(_, s)| s.queue.len() + s.parked.len() + s.backlog as usize)?;
        let waiting = st.queue.len() + st.parked.len() + st.backlog as usize;
        if waiting == 0 {
            return None;
        }
        let elapsed_s = (self.now as f64 / NS_PER_S).max(1e-9);
        let arrivals = st.totals.arrivals as f64 / elapsed_s;
        let name = self.design.nodes[n].display_name();
        let workers = self.plan.nodes[n].workers;
        let capacity = if st.totals.handled > 0 && st.totals.busy_area > 0.0 && workers != u32::MAX
        {
            let hold_s = st.totals.busy_area / st.totals.handled as f64 / NS_PER_S;
            Some(f64::from(workers) / hold_s)
        } else {
            None
        };
        let arrivals = significant(arrivals);
        let text = match capacity {
            Some(c) => format!(
                "queue at {name} grew without bound: arrivals {arrivals}/s > capacity {}/s ({waiting} waiting)",
                significant(c)
            ),
            None => format!(
                "queue at {name} grew without bound ({waiting} waiting, arrivals {arrivals}/s)"
            ),
        };
        Some((n, text))
    }

    /// Links where consumed messages kept coming back with no limit.
    fn redelivery_warnings(&self) -> Vec<Warning> {
        const MANY: u32 = 5;
        self.plan
            .links
            .iter()
            .zip(&self.links)
            .zip(&self.design.links)
            .filter(|((l, acc), _)| l.max_deliveries.is_none() && acc.max_deliveries_seen >= MANY)
            .map(|((l, acc), dl)| Warning {
                kind: WarningKind::EndlessRedelivery,
                node: Some(self.design.nodes[l.to as usize].id.to_string()),
                message: format!(
                    "link \"{}\": a message was delivered {} times and came back each time ({} redeliveries in all); with no max_deliveries a poison message keeps killing workers: set max_deliveries and a dead_letter queue",
                    dl.label(),
                    acc.max_deliveries_seen,
                    acc.redeliveries
                ),
            })
            .collect()
    }
}

/// A rate with three significant digits, as people read it.
fn significant(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

fn quantile_ms(h: &hdrhistogram::Histogram<u64>, q: f64) -> f64 {
    if h.is_empty() {
        f64::NAN
    } else {
        h.value_at_quantile(q) as f64 / 1e3
    }
}

/// Percentiles from the histogram (resolution 0.1 %), the mean from the
/// exact sum.
fn percentiles(h: &hdrhistogram::Histogram<u64>, sum_ns: f64) -> Percentiles<f64> {
    if h.is_empty() {
        return Percentiles {
            mean: f64::NAN,
            p50: f64::NAN,
            p95: f64::NAN,
            p99: f64::NAN,
            max: f64::NAN,
        };
    }
    Percentiles {
        mean: sum_ns / h.len() as f64 / NS_PER_MS,
        p50: quantile_ms(h, 0.5),
        p95: quantile_ms(h, 0.95),
        p99: quantile_ms(h, 0.99),
        max: h.max() as f64 / 1e3,
    }
}
