//! The things alive during a run (flows, messages, calls, jobs) and the
//! per-node, per-link and per-entry accumulators.

use std::collections::VecDeque;

use hdrhistogram::Histogram;

use super::super::plan::Ix;
use super::super::program::Block;
use super::super::time::Nanos;
use super::events::Cause;

/// One entry-point request and everything it triggered. Lives until all of
/// that work is done (`outstanding` reaches zero).
#[derive(Debug)]
pub(crate) struct Flow {
    pub entry: Ix,
    pub start: Nanos,
    /// Arrived inside the measurement window.
    pub measured: bool,
    /// Calls, messages and jobs of this flow still alive.
    pub outstanding: u32,
    /// The client has its answer.
    pub client_done: bool,
    /// The answer was a success (flow completion is measured for those).
    pub client_ok: bool,
}

/// A message travelling along a link, or waiting in a broker for its
/// consumer to come back.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Msg {
    pub link: Ix,
    /// The operation it runs at its destination.
    pub op: Option<Ix>,
    pub flow: Ix,
    /// The call waiting for the answer, if any.
    pub reply: Option<(Ix, u32)>,
    pub poison: bool,
    /// How many times it has been delivered (1 on the first delivery).
    pub deliveries: u32,
    /// The broker or store the consumer pulls it from: pulled messages wait
    /// there (not in the consumer's queue) and survive the consumer's
    /// outages when the source is durable.
    pub pulled_from: Option<Ix>,
    /// The span that sent it (0: none, or spans are not recorded).
    pub span: u32,
}

/// Who waits for a call to end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Caller {
    /// An entry point's client.
    Client,
    /// A strand of a job, blocked on this sync call.
    Strand { strand: Ix, epoch: u32 },
    /// Nobody waits: an asynchronous request, whose outcome starts the
    /// continuation of instruction `instr` at `node` as new work.
    Request { node: Ix, instr: u32 },
}

/// A request-response interaction over a link, through its retries and
/// repeats.
#[derive(Debug)]
pub(crate) struct Call {
    pub link: Ix,
    pub op: Option<Ix>,
    pub caller: Caller,
    pub flow: Ix,
    /// Retries used so far in the current repetition.
    pub attempt: u32,
    /// Further calls to make after this one succeeds.
    pub repeats_left: u32,
    /// The span of the job that made it (0: none).
    pub parent_span: u32,
    /// The client span of the current attempt (0: none).
    pub attempt_span: u32,
}

/// What a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Work {
    /// Run an operation's steps.
    Op(Ix),
    /// Run a continuation: the steps after an asynchronous reply.
    Continue(Block),
}

/// Where a strand is in its program: the rest of the current block and
/// the blocks to return to.
#[derive(Debug, Default)]
pub(crate) struct Cursor {
    pub pc: u32,
    pub end: u32,
    /// Where to go on when the current block ends (empty at top level,
    /// so a flat operation never allocates).
    pub frames: Vec<(u32, u32)>,
}

impl Cursor {
    /// A cursor at the start of `block`.
    pub(crate) fn at(block: Block) -> Self {
        Self {
            pc: block.start,
            end: block.end,
            frames: Vec::new(),
        }
    }

    /// Enters `block`, returning to the current place when it ends.
    pub(crate) fn enter(&mut self, block: Block) {
        self.frames.push((self.pc, self.end));
        self.pc = block.start;
        self.end = block.end;
    }

    /// The next instruction, leaving finished blocks; `None` at the end.
    pub(crate) fn next(&mut self) -> Option<u32> {
        loop {
            if self.pc < self.end {
                self.pc += 1;
                return Some(self.pc - 1);
            }
            let (pc, end) = self.frames.pop()?;
            self.pc = pc;
            self.end = end;
        }
    }
}

/// A thread of control of a job: the job's main steps, or one branch of a
/// parallel block.
#[derive(Debug)]
pub(crate) struct Strand {
    pub job: Ix,
    /// The job's epoch: a strand of a job that already ended is dropped
    /// when it next gets control.
    pub job_epoch: u32,
    /// The job's node (still known after the job ended).
    pub node: Ix,
    pub cursor: Cursor,
    /// The strand waiting for this one to end; `None` for the main strand.
    pub parent: Option<Ix>,
    /// Branches still running (a parallel block under way).
    pub pending: u32,
    /// The instruction it waits on (a call, for its fallback; a work, for
    /// its error rate).
    pub waiting: u32,
}

/// A request being served (or waiting to be) at a service or store.
#[derive(Debug)]
pub(crate) struct Job {
    pub node: Ix,
    pub work: Work,
    pub flow: Ix,
    /// The link it came over (for the response's latency and redelivery).
    pub link: Option<Ix>,
    pub reply: Option<(Ix, u32)>,
    pub arrived: Nanos,
    pub measured: bool,
    pub poison: bool,
    pub deliveries: u32,
    pub pulled_from: Option<Ix>,
    /// Strands of the job doing own work now: the worker counts as
    /// processing (not blocked) while any is, once however many.
    pub working: u32,
    /// The span that caused it (0: none).
    pub parent_span: u32,
    /// Its own span, once a worker took it (0: none).
    pub span: u32,
}

/// Time-weighted areas and counters of a station, cumulative since the
/// start; differences between two snapshots give window averages.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct StationTotals {
    pub busy_area: f64,
    pub processing_area: f64,
    pub waiting_direct_area: f64,
    pub in_system_area: f64,
    pub backlog_area: f64,
    pub arrivals: u64,
    pub handled: u64,
    pub sojourn_sum_ns: f64,
    pub sojourn_n: u64,
}

impl StationTotals {
    /// The areas and counts accumulated since `earlier`.
    pub(crate) fn since(&self, earlier: &StationTotals) -> StationTotals {
        StationTotals {
            busy_area: self.busy_area - earlier.busy_area,
            processing_area: self.processing_area - earlier.processing_area,
            waiting_direct_area: self.waiting_direct_area - earlier.waiting_direct_area,
            in_system_area: self.in_system_area - earlier.in_system_area,
            backlog_area: self.backlog_area - earlier.backlog_area,
            arrivals: self.arrivals - earlier.arrivals,
            handled: self.handled - earlier.handled,
            sojourn_sum_ns: self.sojourn_sum_ns - earlier.sojourn_sum_ns,
            sojourn_n: self.sojourn_n - earlier.sojourn_n,
        }
    }
}

/// A node's live state.
#[derive(Debug, Default)]
pub(crate) struct Station {
    pub busy: u32,
    pub processing: u32,
    /// Workers lost to poison messages, until they restart.
    pub lost: u32,
    pub queue: VecDeque<Ix>,
    /// Waiting jobs that came directly (not pulled from a broker or store).
    pub waiting_direct: u32,
    /// Messages waiting at this node as a broker or store.
    pub backlog: u32,
    /// Messages parked here (as a consumer) while it is down.
    pub parked: Vec<Ix>,
    /// Reasons to be down (outage process, crash windows).
    pub down: u32,
    /// Whether the up/down availability process is in a down period.
    pub outage: bool,
    pub slow: f64,
    pub max_waiting: u32,
    pub max_backlog: u32,
    pub totals: StationTotals,
    last: Nanos,
}

impl Station {
    pub(crate) fn new() -> Self {
        Self {
            slow: 1.0,
            ..Self::default()
        }
    }

    /// Integrates the areas up to `now`; call before every change.
    #[inline]
    pub(crate) fn touch(&mut self, now: Nanos) {
        let dt = now.saturating_sub(self.last) as f64;
        if dt > 0.0 {
            let t = &mut self.totals;
            t.busy_area += f64::from(self.busy) * dt;
            t.processing_area += f64::from(self.processing) * dt;
            t.waiting_direct_area += f64::from(self.waiting_direct) * dt;
            t.in_system_area += (f64::from(self.busy) + self.queue.len() as f64) * dt;
            t.backlog_area += f64::from(self.backlog) * dt;
            self.last = now;
        }
    }

    /// Workers free to start a job.
    #[inline]
    pub(crate) fn free_workers(&self, workers: u32) -> u32 {
        workers.saturating_sub(self.busy.saturating_add(self.lost))
    }
}

/// The least a latency histogram holds: an hour, in µs.
const AN_HOUR_US: u64 = 3_600_000_000;

/// Margin above the longest possible latency, in µs (a minute): latencies
/// are recorded rounded to whole µs.
const MARGIN_US: u64 = 60_000_000;

/// Latency histogram in microseconds, with `sigfig` significant digits,
/// from 1 µs to `longest` (the run's duration plus drain: no flow can take
/// longer) and a margin, and at least an hour. Memory grows with the
/// logarithm of the run length (about one bucket per doubling).
pub(crate) fn latency_histogram(sigfig: u8, longest: Nanos) -> Histogram<u64> {
    let high = (longest / 1_000).saturating_add(MARGIN_US).max(AN_HOUR_US);
    Histogram::new_with_bounds(1, high, sigfig)
        .expect("bounds from 1 to at least an hour and 1..=5 significant digits are valid")
}

/// Per-entry-point accumulators.
#[derive(Debug)]
pub(crate) struct EntryAcc {
    pub attempted: u64,
    pub succeeded: u64,
    /// Successful answers that reached their client inside the measured
    /// window, whenever the request arrived: the throughput's numerator.
    pub completed_in_window: u64,
    pub failed: [u64; 4],
    /// Latencies of successes in µs (percentiles), and their exact sum in
    /// ns (the mean, free of the histogram's bucket rounding).
    pub latency: Histogram<u64>,
    pub latency_sum_ns: f64,
    pub flow_completion: Histogram<u64>,
    pub flow_completion_sum_ns: f64,
    /// Failures by root node.
    pub roots: Vec<(Ix, u64)>,
    /// Closed workload: users that have not yet sent their first request.
    pub users: u32,
}

impl EntryAcc {
    /// Empty accumulators for a run in which no flow takes longer than
    /// `longest`.
    pub(crate) fn new(longest: Nanos) -> Self {
        Self {
            attempted: 0,
            succeeded: 0,
            completed_in_window: 0,
            failed: [0; 4],
            latency: latency_histogram(3, longest),
            latency_sum_ns: 0.0,
            flow_completion: latency_histogram(3, longest),
            flow_completion_sum_ns: 0.0,
            roots: Vec::new(),
            users: 0,
        }
    }

    pub(crate) fn fail(&mut self, cause: Cause, root: Ix) {
        self.failed[cause as usize] += 1;
        match self.roots.iter_mut().find(|(n, _)| *n == root) {
            Some((_, c)) => *c += 1,
            None => self.roots.push((root, 1)),
        }
    }
}

/// Per-link accumulators.
#[derive(Debug, Default, Clone)]
pub(crate) struct LinkAcc {
    pub messages: u64,
    pub in_flight: u32,
    pub max_in_flight: u32,
    pub timeouts: u64,
    pub errors: u64,
    pub retries: u64,
    pub lost: u64,
    pub redeliveries: u64,
    pub max_deliveries_seen: u32,
}

impl LinkAcc {
    /// The counts since `earlier`; maxima as they stand.
    pub(crate) fn since(&self, earlier: &LinkAcc) -> LinkAcc {
        LinkAcc {
            messages: self.messages - earlier.messages,
            timeouts: self.timeouts - earlier.timeouts,
            errors: self.errors - earlier.errors,
            retries: self.retries - earlier.retries,
            lost: self.lost - earlier.lost,
            redeliveries: self.redeliveries - earlier.redeliveries,
            ..self.clone()
        }
    }
}

/// Per-broker accumulators (indexed by node).
#[derive(Debug, Default, Clone)]
pub(crate) struct BrokerAcc {
    pub published: u64,
    /// Asynchronous requests put on it as a queue.
    pub requests: u64,
    pub dead_lettered: u64,
}

impl BrokerAcc {
    /// The counts since `earlier`.
    pub(crate) fn since(&self, earlier: &BrokerAcc) -> BrokerAcc {
        BrokerAcc {
            published: self.published - earlier.published,
            requests: self.requests - earlier.requests,
            dead_lettered: self.dead_lettered - earlier.dead_lettered,
        }
    }
}
