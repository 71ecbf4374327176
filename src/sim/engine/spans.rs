//! Recording spans as the run goes (only when asked: every hook is a
//! no-op returning span 0 otherwise).

use super::super::plan::{Ix, PKind, Plan};
use super::super::spans::{OPEN, SimSpan, SimSpans, SpanKind};
use super::Engine;

/// The spans recorded so far, and how many more may be.
#[derive(Debug)]
pub(crate) struct SpanRecorder {
    spans: Vec<SimSpan>,
    most: usize,
    dropped: u64,
}

impl SpanRecorder {
    /// A recorder keeping at most `most` spans.
    pub(crate) fn new(most: usize) -> Self {
        Self {
            spans: Vec::new(),
            most,
            dropped: 0,
        }
    }

    /// The spans, with the names of the operations they refer to.
    pub(crate) fn finish(self, plan: &Plan) -> SimSpans {
        SimSpans {
            spans: self.spans,
            dropped: self.dropped,
            operations: plan.ops.iter().map(|o| o.span_op.clone()).collect(),
        }
    }
}

/// Where a span is and what it is about.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SpanAt {
    pub kind: SpanKind,
    pub node: Ix,
    pub link: Option<Ix>,
    pub op: Option<Ix>,
    pub parent: u32,
}

impl Engine<'_> {
    /// Opens a span now; its id, or 0 when spans are not recorded (or no
    /// more are kept).
    #[inline]
    pub(crate) fn open_span(&mut self, at: SpanAt) -> u32 {
        let now = self.now;
        let Some(rec) = &mut self.spans else { return 0 };
        if rec.spans.len() >= rec.most {
            rec.dropped += 1;
            return 0;
        }
        let id = rec.spans.len() as u32 + 1;
        rec.spans.push(SimSpan {
            id,
            parent: at.parent,
            kind: at.kind,
            node: at.node,
            link: at.link,
            op: at.op,
            start: now,
            end: OPEN,
            error: false,
        });
        id
    }

    /// Ends span `id` now, unless it ended already (a server span ends at
    /// its reply, before its job does).
    #[inline]
    pub(crate) fn close_span(&mut self, id: u32, error: bool) {
        let now = self.now;
        let Some(rec) = &mut self.spans else { return };
        let Some(span) = id
            .checked_sub(1)
            .and_then(|i| rec.spans.get_mut(i as usize))
        else {
            return;
        };
        if span.end == OPEN {
            span.end = now;
            span.error = error;
        }
    }

    /// The span of a one-way message sent over `link` now, by the job
    /// whose span is `parent`: a producer span, or a client span for a
    /// write to a store; 0 when spans are not recorded.
    pub(crate) fn message_span(&mut self, link: Ix, op: Option<Ix>, parent: u32) -> u32 {
        if self.spans.is_none() {
            return 0;
        }
        let l = &self.plan.links[link as usize];
        let kind = match self.plan.nodes[l.to as usize].kind {
            PKind::Store { .. } => SpanKind::Client,
            _ => SpanKind::Producer,
        };
        let at = SpanAt {
            kind,
            node: l.from,
            link: Some(link),
            op,
            parent,
        };
        let id = self.open_span(at);
        self.close_span(id, false);
        id
    }

    /// The span of job `j`, if it has one.
    #[inline]
    pub(crate) fn job_span(&self, j: Ix) -> u32 {
        if self.spans.is_none() {
            return 0;
        }
        self.jobs.get(j).map_or(0, |job| job.span)
    }

    /// Whether the spans of a node's work are recorded: stores (like real
    /// databases) record none, their callers' client spans show them.
    pub(crate) fn records_work(&self, node: Ix) -> bool {
        self.spans.is_some() && matches!(self.plan.nodes[node as usize].kind, PKind::Service)
    }
}
