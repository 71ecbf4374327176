//! The discrete-event engine: one run of a compiled design with one seed.
//!
//! The semantics (docs/simulation.md) live in the handler modules:
//! [`load`] (arrivals), [`calls`] (request-response, retries, timeouts),
//! [`messaging`] (events, brokers, common data), [`work`] (queues, workers,
//! failures of a node), and [`report`] (turning accumulators into results).

mod calls;
pub(crate) mod events;
mod load;
mod messaging;
mod report;
mod run;
mod slab;
mod spans;
pub(crate) mod state;
mod work;

use std::sync::atomic::Ordering;
use std::time::Instant;

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

use self::events::{Ev, EventQueue};
use self::slab::Slab;
use self::state::{
    BrokerAcc, Call, EntryAcc, Flow, Job, LinkAcc, Msg, Station, StationTotals, Strand,
};
use super::RunInfo;
use super::options::{Limits, RunControl};
use super::plan::{Plan, stable_key};
use super::results::Results;
use super::time::{Nanos, from_s};
use super::trace::{TimeSeries, Trace, TraceWindow};
use crate::model::Design;

/// Everything one run produced.
#[derive(Debug)]
pub(crate) struct RunOutput {
    pub results: Results<f64>,
    /// Client latencies of each entry point's measured successes, µs.
    pub latency: Vec<hdrhistogram::Histogram<u64>>,
    pub info: RunInfo,
    pub series: Option<TimeSeries>,
    pub trace: Option<Trace>,
    /// The spans, when asked for.
    pub spans: Option<super::SimSpans>,
}

/// Why a run stopped before its natural end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    Events,
    Live,
    WallTime,
    Deadline,
    Cancelled,
}

/// The cumulative counters at one instant: the difference between the
/// snapshots at the start and end of measurement is what the results
/// report, so every figure covers the same window.
#[derive(Debug, Clone)]
pub(crate) struct Snapshot {
    pub stations: Vec<StationTotals>,
    /// Per node: requests waiting for a worker, messages waiting in it.
    pub levels: Vec<(u32, u32)>,
    pub links: Vec<LinkAcc>,
    pub brokers: Vec<BrokerAcc>,
}

/// Per-bucket recording for the charts.
#[derive(Debug)]
pub(crate) struct SeriesRecorder {
    pub width: Nanos,
    pub buckets: usize,
    pub series: TimeSeries,
    pub previous: Vec<StationTotals>,
    pub latency: Vec<Vec<hdrhistogram::Histogram<u64>>>,
}

/// Trace recording in a window.
#[derive(Debug)]
pub(crate) struct TraceRecorder {
    pub window: TraceWindow,
    pub trace: Trace,
}

/// One run in progress.
pub(crate) struct Engine<'a> {
    pub(crate) plan: &'a Plan,
    pub(crate) design: &'a Design,
    pub(crate) now: Nanos,
    pub(crate) events: EventQueue,
    pub(crate) stations: Vec<Station>,
    pub(crate) jobs: Slab<Job>,
    pub(crate) strands: Slab<Strand>,
    pub(crate) calls: Slab<Call>,
    pub(crate) msgs: Slab<Msg>,
    pub(crate) flows: Slab<Flow>,
    pub(crate) rng_nodes: Vec<Pcg64Mcg>,
    pub(crate) rng_links: Vec<Pcg64Mcg>,
    pub(crate) rng_entries: Vec<Pcg64Mcg>,
    /// One stream per instruction that draws (either/or, fractional
    /// `times`), so a paired comparison stays paired step by step.
    pub(crate) rng_steps: Vec<Pcg64Mcg>,
    /// The node whose queue `start_waiting` is emptying, if any.
    pub(crate) starting: Option<super::plan::Ix>,
    /// Offset of each common-data reader's polling clock.
    pub(crate) poll_phase: Vec<Nanos>,
    pub(crate) entries: Vec<EntryAcc>,
    pub(crate) links: Vec<LinkAcc>,
    pub(crate) brokers: Vec<BrokerAcc>,
    pub(crate) measuring: bool,
    pub(crate) window_start: Option<Snapshot>,
    pub(crate) window_end: Option<Snapshot>,
    pub(crate) series: Option<SeriesRecorder>,
    pub(crate) trace: Option<TraceRecorder>,
    pub(crate) spans: Option<spans::SpanRecorder>,
    pub(crate) load_multiplier: f64,
    /// This run's seed, reported with its results.
    pub(crate) seed: u64,
    /// Closed workloads simulated with fewer users than asked:
    /// (entry, asked, simulated).
    pub(crate) capped_users: Vec<(u32, u32, u32)>,
    pub(crate) limits: Limits,
    control: RunControl,
    processed: u64,
    stop: Option<Stop>,
}

impl<'a> Engine<'a> {
    /// Prepares a run of `plan` (compiled from `design`) with `seed`.
    pub(crate) fn new(
        plan: &'a Plan,
        design: &'a Design,
        seed: u64,
        options: &super::SimOptions,
    ) -> Self {
        let stream = |key: u64| {
            Pcg64Mcg::seed_from_u64(stable_key(&[&seed.to_le_bytes(), &key.to_le_bytes()]))
        };
        let mut rng_links: Vec<Pcg64Mcg> = plan.links.iter().map(|l| stream(l.key)).collect();
        let poll_phase = plan
            .links
            .iter()
            .zip(rng_links.iter_mut())
            .map(|(l, rng)| match &plan.nodes[l.from as usize].kind {
                super::plan::PKind::Store { poll, .. } => rand::RngExt::random_range(rng, 0..*poll),
                _ => 0,
            })
            .collect();
        // No flow outlives the run.
        let longest = plan.duration.saturating_add(plan.drain);
        let series = options.series_buckets.map(|buckets| {
            let buckets = buckets.max(1) as usize;
            let width = (plan.duration / buckets as u64).max(1);
            SeriesRecorder {
                width,
                buckets,
                series: TimeSeries {
                    bucket_s: super::time::to_s(width),
                    ..TimeSeries::default()
                },
                previous: vec![StationTotals::default(); plan.nodes.len()],
                latency: (0..plan.entries.len())
                    .map(|_| {
                        (0..buckets)
                            .map(|_| state::latency_histogram(2, longest))
                            .collect()
                    })
                    .collect(),
            }
        });
        let trace = options.trace.map(|window| TraceRecorder {
            window,
            trace: Trace {
                from: from_s(window.from_s),
                to: from_s(window.to_s),
                ..Trace::default()
            },
        });
        Self {
            plan,
            design,
            now: 0,
            events: EventQueue::new(plan.duration.saturating_add(plan.drain)),
            stations: plan.nodes.iter().map(|_| Station::new()).collect(),
            jobs: Slab::default(),
            strands: Slab::default(),
            calls: Slab::default(),
            msgs: Slab::default(),
            flows: Slab::default(),
            rng_nodes: plan.nodes.iter().map(|n| stream(n.key)).collect(),
            rng_links,
            rng_entries: plan.entries.iter().map(|e| stream(e.key)).collect(),
            rng_steps: plan.code.keys.iter().map(|&k| stream(k)).collect(),
            starting: None,
            poll_phase,
            entries: plan
                .entries
                .iter()
                .map(|_| EntryAcc::new(longest))
                .collect(),
            links: vec![LinkAcc::default(); plan.links.len()],
            brokers: vec![BrokerAcc::default(); plan.nodes.len()],
            measuring: false,
            window_start: None,
            window_end: None,
            series,
            trace,
            spans: options.spans.map(spans::SpanRecorder::new),
            load_multiplier: options.load_multiplier,
            seed,
            capped_users: Vec::new(),
            limits: options.limits,
            control: options.control.clone(),
            processed: 0,
            stop: None,
        }
    }

    /// Runs to the end (duration plus drain) or until a limit stops it.
    pub(crate) fn run(mut self) -> RunOutput {
        let started = Instant::now();
        self.schedule_start();
        let end = self.plan.duration.saturating_add(self.plan.drain);
        while let Some((at, ev)) = self.events.pop() {
            if at > end {
                break;
            }
            self.now = at;
            self.processed += 1;
            self.dispatch(ev);
            if self.processed & 0x3FFF == 0 && self.check_control(started) {
                break;
            }
            if self.over_live_limit() {
                self.stop = Some(Stop::Live);
                break;
            }
            if self.processed >= self.limits.max_events {
                self.stop = Some(Stop::Events);
                break;
            }
            if self.drained() {
                break;
            }
        }
        self.control
            .progress_ns
            .store(self.now.min(end), Ordering::Relaxed);
        let wall = started.elapsed();
        // A flow lives exactly as long as something it triggered does.
        debug_assert!(
            self.jobs.live() + self.calls.live() + self.msgs.live() > 0 || self.flows.live() == 0,
            "{} flows outlived all their work",
            self.flows.live()
        );
        self.finish(wall)
    }

    /// Whether more requests, calls and messages are alive than the limit
    /// allows: loops that create many at once stop early, and the event
    /// loop stops the run.
    #[inline]
    pub(crate) fn over_live_limit(&self) -> bool {
        self.jobs.live() + self.calls.live() + self.msgs.live() > self.limits.max_live
    }

    /// Whether the run can end before its drain time: arrivals have
    /// stopped, nothing is alive, and no bookkeeping (series ticks, the
    /// end of measurement) is left at or before the duration.
    fn drained(&self) -> bool {
        self.now >= self.plan.duration
            && self.jobs.live() == 0
            && self.msgs.live() == 0
            && self.calls.live() == 0
            && self
                .events
                .peek_time()
                .is_none_or(|t| t > self.plan.duration)
    }

    /// Every 16k events: publish progress, honour cancel and the wall-time
    /// limit. Returns whether to stop.
    fn check_control(&mut self, started: Instant) -> bool {
        self.control.progress_ns.store(self.now, Ordering::Relaxed);
        if self.control.cancel.load(Ordering::Relaxed) {
            self.stop = Some(Stop::Cancelled);
        } else if self.events.len() > self.limits.max_live.saturating_mul(4) {
            // Pending events (timers above all) take memory too.
            self.stop = Some(Stop::Live);
        } else if self
            .limits
            .max_wall
            .is_some_and(|max| started.elapsed() > max)
        {
            self.stop = Some(Stop::WallTime);
        } else if self.limits.past_deadline() {
            self.stop = Some(Stop::Deadline);
        }
        self.stop.is_some()
    }

    fn schedule_start(&mut self) {
        self.events.push(self.plan.warmup, Ev::MeasureStart);
        self.events.push(self.plan.duration, Ev::MeasureEnd);
        if let Some(s) = &self.series {
            for k in 1..=s.buckets as u64 {
                self.events.push(k * s.width, Ev::Tick);
            }
        }
        if let Some(t) = &self.trace {
            let n = u64::from(t.window.samples.max(1));
            let span = t.trace.to.saturating_sub(t.trace.from);
            for k in 0..=n {
                // In 128 bits: a long window times many samples overflows 64.
                let offset = u128::from(span) * u128::from(k) / u128::from(n);
                let at = t
                    .trace
                    .from
                    .saturating_add(u64::try_from(offset).unwrap_or(span));
                self.events.push(at, Ev::TraceSample);
            }
        }
        self.schedule_node_faults();
        self.schedule_arrivals();
    }

    fn dispatch(&mut self, ev: Ev) {
        match ev {
            Ev::Arrival { entry } => self.on_arrival(entry),
            Ev::UserSends { entry } => self.send_entry_request(entry),
            Ev::Arrive { msg } => self.on_arrive(msg),
            Ev::Response {
                call,
                epoch,
                outcome,
            } => self.on_response(call, epoch, outcome),
            Ev::Timeout { call, epoch } => self.on_timeout(call, epoch),
            Ev::Retry { call, epoch } => {
                if self.calls.is_current(call, epoch) {
                    self.send_attempt(call);
                }
            }
            Ev::WorkDone { strand, epoch } => self.on_work_done(strand, epoch),
            Ev::Node { node, change } => self.on_node_change(node, change),
            Ev::Flip { node } => self.on_flip(node),
            Ev::WorkerBack { node } => self.on_worker_back(node),
            Ev::MeasureStart => {
                self.measuring = true;
                self.window_start = Some(self.snapshot());
            }
            Ev::MeasureEnd => {
                self.measuring = false;
                self.window_end = Some(self.snapshot());
            }
            Ev::Tick => self.on_tick(),
            Ev::TraceSample => self.on_trace_sample(),
        }
    }

    /// Every cumulative counter, integrated up to now.
    pub(crate) fn snapshot(&mut self) -> Snapshot {
        let now = self.now;
        Snapshot {
            stations: self
                .stations
                .iter_mut()
                .map(|s| {
                    s.touch(now);
                    s.totals
                })
                .collect(),
            levels: self
                .stations
                .iter()
                .map(|s| (s.queue.len() as u32 + s.parked.len() as u32, s.backlog))
                .collect(),
            links: self.links.clone(),
            brokers: self.brokers.clone(),
        }
    }

    /// Whether `t` lies in the measurement window.
    pub(crate) fn in_window(&self, t: Nanos) -> bool {
        t >= self.plan.warmup && t < self.plan.duration
    }

    /// One more live thing (call, message, job) for a flow.
    #[inline]
    pub(crate) fn flow_add(&mut self, flow: u32) {
        if let Some(f) = self.flows.get_mut(flow) {
            f.outstanding += 1;
        }
    }

    /// One live thing of a flow fewer; the flow completes at zero.
    #[inline]
    pub(crate) fn flow_done(&mut self, flow: u32) {
        let Some(f) = self.flows.get_mut(flow) else {
            return;
        };
        f.outstanding = f.outstanding.saturating_sub(1);
        if f.outstanding == 0 {
            let (entry, start, measured) = (f.entry, f.start, f.measured && f.client_ok);
            self.flows.remove(flow);
            if measured {
                let ns = self.now - start;
                let acc = &mut self.entries[entry as usize];
                acc.flow_completion.saturating_record((ns / 1_000).max(1));
                acc.flow_completion_sum_ns += ns as f64;
            }
        }
    }
}
