//! The future event list: what happens next, in time order, ties broken by
//! the order of scheduling so that runs are deterministic.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::super::plan::Ix;
use super::super::time::Nanos;

/// Why a call, a job or a request failed, as the results count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Cause {
    /// The callee (or something it called) was down.
    Down,
    /// The caller stopped waiting.
    Timeout,
    /// The callee answered with an error.
    Error,
    /// A full queue turned the request away.
    Rejected,
}

/// How a call ended: success, or the cause and the node where the failure
/// started (for naming the root of a cascade).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub failure: Option<Cause>,
    pub root: Ix,
}

impl Outcome {
    pub(crate) const OK: Outcome = Outcome {
        failure: None,
        root: 0,
    };

    pub(crate) fn failed(cause: Cause, root: Ix) -> Self {
        Self {
            failure: Some(cause),
            root,
        }
    }

    pub(crate) fn is_ok(self) -> bool {
        self.failure.is_none()
    }
}

/// A change in a node's condition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum NodeChange {
    /// One more reason to be down (an outage or a crash window starts).
    Down,
    /// One reason fewer (it ends).
    Up,
    /// A slow-down window starts (multiply service times) or ends (divide).
    Slow(f32),
    Fast(f32),
}

/// Everything that can happen.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ev {
    /// The next open-workload request of an entry point.
    Arrival {
        entry: Ix,
    },
    /// A closed-workload user finished thinking and sends a request.
    UserSends {
        entry: Ix,
    },
    /// A message (request, event, write, delivery) reaches its link's
    /// destination.
    Arrive {
        msg: Ix,
    },
    /// A response reaches the caller of a call.
    Response {
        call: Ix,
        epoch: u32,
        outcome: Outcome,
    },
    /// A call's timeout fires.
    Timeout {
        call: Ix,
        epoch: u32,
    },
    /// A call's backoff is over: try again.
    Retry {
        call: Ix,
        epoch: u32,
    },
    /// A strand's own work is finished.
    WorkDone {
        strand: Ix,
        epoch: u32,
    },
    /// A node's condition changes.
    Node {
        node: Ix,
        change: NodeChange,
    },
    /// An alternating up/down availability process flips.
    Flip {
        node: Ix,
    },
    /// A worker killed by a poison message is back.
    WorkerBack {
        node: Ix,
    },
    /// Measurement starts (end of warm-up) or stops (end of duration).
    MeasureStart,
    MeasureEnd,
    /// A time-series bucket ends.
    Tick,
    /// The trace samples node states.
    TraceSample,
}

/// An event with its key: time in the high 64 bits, scheduling order in
/// the low 64, so one integer comparison orders by time, then FIFO.
#[derive(Debug)]
struct Scheduled {
    key: u128,
    ev: Ev,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> Ordering {
        // BinaryHeap is a max-heap: reverse for earliest first.
        other.key.cmp(&self.key)
    }
}

/// A priority queue of events by time, FIFO among equal times. Events after
/// the end of the run are not kept: they could never happen, and a timeout
/// far in the future for every call would otherwise pile up for the whole
/// run.
#[derive(Debug)]
pub(crate) struct EventQueue {
    heap: BinaryHeap<Scheduled>,
    seq: u64,
    horizon: Nanos,
}

impl EventQueue {
    /// An empty queue for a run that ends at `horizon`.
    pub(crate) fn new(horizon: Nanos) -> Self {
        Self {
            heap: BinaryHeap::new(),
            seq: 0,
            horizon,
        }
    }

    #[inline]
    pub(crate) fn push(&mut self, at: Nanos, ev: Ev) {
        if at > self.horizon {
            return;
        }
        self.seq += 1;
        self.heap.push(Scheduled {
            key: (u128::from(at) << 64) | u128::from(self.seq),
            ev,
        });
    }

    #[inline]
    pub(crate) fn pop(&mut self) -> Option<(Nanos, Ev)> {
        self.heap.pop().map(|s| ((s.key >> 64) as Nanos, s.ev))
    }

    pub(crate) fn peek_time(&self) -> Option<Nanos> {
        self.heap.peek().map(|s| (s.key >> 64) as Nanos)
    }

    /// Events waiting.
    pub(crate) fn len(&self) -> usize {
        self.heap.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_come_out_by_time_then_in_scheduling_order() {
        let mut q = EventQueue::new(u64::MAX);
        q.push(5, Ev::Tick);
        q.push(3, Ev::MeasureStart);
        q.push(5, Ev::MeasureEnd);
        q.push(u64::MAX, Ev::TraceSample);
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert!(matches!(order[0], (3, Ev::MeasureStart)));
        assert!(matches!(order[1], (5, Ev::Tick)));
        assert!(matches!(order[2], (5, Ev::MeasureEnd)));
        assert!(matches!(order[3], (u64::MAX, Ev::TraceSample)));
    }

    #[test]
    fn events_after_the_end_of_the_run_are_not_kept() {
        let mut q = EventQueue::new(10);
        q.push(10, Ev::Tick);
        q.push(11, Ev::Tick);
        assert_eq!(q.len(), 1);
    }

    #[test]
    fn a_scheduled_event_stays_small() {
        // The heap moves these around on every push and pop.
        assert!(std::mem::size_of::<Scheduled>() <= 48);
    }
}
