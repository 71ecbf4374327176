//! Request-response over a link: sending, network latency, timeouts,
//! retries with backoff, repeated calls, and who is told when a call ends.

use super::super::plan::Ix;
use super::super::spans::SpanKind;
use super::super::time::Nanos;
use super::super::trace::HopKind;
use super::Engine;
use super::events::{Cause, Ev, Outcome};
use super::messaging::chance;
use super::spans::SpanAt;
use super::state::{Call, Caller, Msg};

impl Engine<'_> {
    /// Starts a call over `link` for `caller` (whose span is
    /// `parent_span`); `repeats` further calls follow each success (a
    /// step's `times` above one).
    pub(crate) fn start_call(
        &mut self,
        caller: Caller,
        link: Ix,
        op: Option<Ix>,
        flow: Ix,
        repeats: u32,
        parent_span: u32,
    ) -> Ix {
        let (c, _) = self.calls.insert(Call {
            link,
            op,
            caller,
            flow,
            attempt: 0,
            repeats_left: repeats,
            parent_span,
            attempt_span: 0,
        });
        self.flow_add(flow);
        let acc = &mut self.links[link as usize];
        acc.in_flight += 1;
        if self.measuring {
            acc.max_in_flight = acc.max_in_flight.max(acc.in_flight);
        }
        self.send_attempt(c);
        c
    }

    /// Sends (or re-sends) the request of a call.
    pub(crate) fn send_attempt(&mut self, c: Ix) {
        let Some(call) = self.calls.get(c) else {
            return;
        };
        let (link, flow, attempt) = (call.link, call.flow, call.attempt);
        let op = call.op.or(self.plan.links[link as usize].to_op);
        let epoch = self.calls.epoch(c);
        let span = if self.spans.is_some() {
            let span = self.open_span(SpanAt {
                kind: SpanKind::Client,
                node: self.plan.links[link as usize].from,
                link: Some(link),
                op,
                parent: call.parent_span,
            });
            if let Some(call) = self.calls.get_mut(c) {
                call.attempt_span = span;
            }
            span
        } else {
            0
        };
        let l = &self.plan.links[link as usize];
        let acc = &mut self.links[link as usize];
        acc.messages += 1;
        if attempt > 0 {
            acc.retries += 1;
        }
        let now = self.now;
        if let Some(timeout) = l.timeout {
            self.events
                .push(now.saturating_add(timeout), Ev::Timeout { call: c, epoch });
        }
        let arrives = now.saturating_add(l.latency.sample(&mut self.rng_links[link as usize], 1.0));
        if self.lost_in_transit(link, flow, arrives) {
            return;
        }
        let rng = &mut self.rng_links[link as usize];
        if chance(rng, l.error_p) {
            self.record_hop(link, false, HopKind::Request, flow, now, arrives);
            let to = l.to;
            self.respond(
                link,
                flow,
                c,
                epoch,
                Outcome::failed(Cause::Error, to),
                arrives,
            );
            return;
        }
        let poison = chance(rng, l.poison_p);
        let mut at = arrives;
        if let Some(via) = l.via {
            self.brokers[via as usize].requests += 1;
            at = at.saturating_add(self.delivery_delay(via, arrives));
        }
        let m = self.put_msg(Msg {
            link,
            op,
            flow,
            reply: Some((c, epoch)),
            poison,
            deliveries: 1,
            pulled_from: l.via,
            span,
        });
        self.flow_add(flow);
        self.record_hop(link, false, HopKind::Request, flow, now, at);
        self.events.push(at, Ev::Arrive { msg: m });
    }

    /// Sends the answer to call `(call, epoch)` back over `link` at `sent`;
    /// it arrives after the link's latency.
    pub(crate) fn respond(
        &mut self,
        link: Ix,
        flow: Ix,
        call: Ix,
        epoch: u32,
        outcome: Outcome,
        sent: Nanos,
    ) {
        let kind = if outcome.is_ok() {
            HopKind::Response
        } else {
            HopKind::Error
        };
        let at = sent.saturating_add(self.sample_latency(link));
        self.record_hop(link, true, kind, flow, sent, at);
        self.events.push(
            at,
            Ev::Response {
                call,
                epoch,
                outcome,
            },
        );
    }

    /// The answer to an attempt arrived.
    pub(crate) fn on_response(&mut self, c: Ix, epoch: u32, outcome: Outcome) {
        if !self.calls.is_current(c, epoch) {
            // A late answer to an attempt that timed out: ignored.
            return;
        }
        self.attempt_finished(c, outcome);
    }

    /// The caller stopped waiting for an attempt.
    pub(crate) fn on_timeout(&mut self, c: Ix, epoch: u32) {
        if !self.calls.is_current(c, epoch) {
            return;
        }
        let Some(call) = self.calls.get(c) else {
            return;
        };
        let link = call.link;
        self.links[link as usize].timeouts += 1;
        let to = self.plan.links[link as usize].to;
        self.attempt_finished(c, Outcome::failed(Cause::Timeout, to));
    }

    /// An attempt ended: repeat after a success, retry after a failure, or
    /// end the call.
    pub(crate) fn attempt_finished(&mut self, c: Ix, outcome: Outcome) {
        if self.spans.is_some()
            && let Some(span) = self.calls.get(c).map(|call| call.attempt_span)
        {
            self.close_span(span, !outcome.is_ok());
        }
        let Some(call) = self.calls.get_mut(c) else {
            return;
        };
        let l = &self.plan.links[call.link as usize];
        if outcome.is_ok() {
            if call.repeats_left > 0 {
                call.repeats_left -= 1;
                call.attempt = 0;
                self.calls.bump(c);
                self.send_attempt(c);
            } else {
                self.finish_call(c, outcome);
            }
        } else if call.attempt < l.retries {
            call.attempt += 1;
            let exponent = i32::try_from(call.attempt - 1).unwrap_or(i32::MAX);
            let wait = l.backoff as f64 * l.backoff_multiplier.powi(exponent);
            let wait = if wait.is_finite() {
                wait.min(u64::MAX as f64) as Nanos
            } else {
                Nanos::MAX
            };
            let epoch = self.calls.bump(c);
            self.events
                .push(self.now.saturating_add(wait), Ev::Retry { call: c, epoch });
        } else {
            let link = call.link;
            self.links[link as usize].errors += 1;
            self.finish_call(c, outcome);
        }
    }

    /// One sample of `link`'s network latency.
    pub(crate) fn sample_latency(&mut self, link: Ix) -> Nanos {
        self.plan.links[link as usize]
            .latency
            .sample(&mut self.rng_links[link as usize], 1.0)
    }

    /// The call is over; tell whoever waits.
    fn finish_call(&mut self, c: Ix, outcome: Outcome) {
        let Some(call) = self.calls.remove(c) else {
            return;
        };
        let acc = &mut self.links[call.link as usize];
        acc.in_flight = acc.in_flight.saturating_sub(1);
        match call.caller {
            Caller::Client => self.client_answered(call.flow, outcome),
            Caller::Strand { strand, epoch } => self.call_ended(strand, epoch, outcome),
            Caller::Request { node, instr } => {
                self.request_ended(node, instr, call.flow, outcome, call.parent_span);
            }
        }
        self.flow_done(call.flow);
    }
}
