//! One-way messages: events through brokers (or straight to subscribers),
//! asynchronous requests sent by a job, common data written to a store and
//! read by pollers, dead letters; and the trace of every hop.

use rand::RngExt as _;

use super::super::plan::{Ix, PKind, down_at, slowdown_at};
use super::super::time::Nanos;
use super::super::trace::{Hop, HopKind};
use super::Engine;
use super::events::Ev;
use super::state::Msg;

impl Engine<'_> {
    /// Sends a one-way message (an event or a write) over `link`, to run
    /// `op` where it arrives; `parent_span` is the sender's span.
    pub(crate) fn send_message(&mut self, link: Ix, op: Option<Ix>, flow: Ix, parent_span: u32) {
        let span = self.message_span(link, op, parent_span);
        let now = self.now;
        self.links[link as usize].messages += 1;
        let arrives = now.saturating_add(self.sample_latency(link));
        if self.lost_in_transit(link, flow, arrives) {
            return;
        }
        // Nobody pulls these from a queue: they are never poison.
        let m = self.put_msg(Msg {
            link,
            op,
            flow,
            reply: None,
            poison: false,
            deliveries: 1,
            pulled_from: None,
            span,
        });
        self.flow_add(flow);
        self.record_hop(link, false, HopKind::Event, flow, now, arrives);
        self.events.push(arrives, Ev::Arrive { msg: m });
    }

    /// A message reached the end of its link.
    pub(crate) fn on_arrive(&mut self, m: Ix) {
        let Some(&msg) = self.msgs.get(m) else { return };
        let to = self.plan.links[msg.link as usize].to;
        match self.plan.nodes[to as usize].kind {
            PKind::Broker { .. } => {
                self.take_msg(m);
                self.publish(to, msg.flow, msg.span);
                self.flow_done(msg.flow);
            }
            PKind::Service | PKind::Store { .. } => {
                if let Some(source) = msg.pulled_from
                    && self.held_by_crashed_broker(m, msg, source)
                {
                    return;
                }
                self.deliver_to_station(m, msg, to);
            }
            PKind::Client => {
                self.take_msg(m);
                self.flow_done(msg.flow);
            }
        }
    }

    /// A broker received a message: every subscription gets its own copy
    /// after the broker's delivery latency and the subscription link's
    /// network latency.
    fn publish(&mut self, broker: Ix, flow: Ix, span: u32) {
        self.brokers[broker as usize].published += 1;
        let plan = self.plan;
        let PKind::Broker { subscriptions, .. } = &plan.nodes[broker as usize].kind else {
            return;
        };
        for &sub in subscriptions {
            self.links[sub as usize].messages += 1;
            let delay = self.delivery_delay(broker, self.now);
            let sent = self.now.saturating_add(delay);
            let at = sent.saturating_add(self.sample_latency(sub));
            let poison_p = plan.links[sub as usize].poison_p;
            let poisoned = chance(&mut self.rng_links[sub as usize], poison_p);
            self.deliver_copy(sub, flow, poisoned, broker, (sent, at), span);
        }
    }

    /// The delivery latency of a message that reaches `broker` at `at`:
    /// the broker's `delivery_latency`, times the factor of its slow-downs
    /// then.
    pub(crate) fn delivery_delay(&mut self, broker: Ix, at: Nanos) -> Nanos {
        let PKind::Broker {
            delivery, faults, ..
        } = &self.plan.nodes[broker as usize].kind
        else {
            return 0;
        };
        delivery.sample(
            &mut self.rng_nodes[broker as usize],
            slowdown_at(faults, at),
        )
    }

    /// The broker `source` hands out nothing while it is down: a durable
    /// one keeps message `m` until it is back (in its backlog), one that
    /// is not durable loses it. Returns whether the broker kept or lost
    /// the message (false: `source` is up, or not a broker).
    fn held_by_crashed_broker(&mut self, m: Ix, msg: Msg, source: Ix) -> bool {
        let PKind::Broker { durable, .. } = self.plan.nodes[source as usize].kind else {
            return false;
        };
        let st = &mut self.stations[source as usize];
        if st.down == 0 {
            return false;
        }
        if durable {
            // Handed out again when the broker is back (see the node's
            // change to up), out of its backlog.
            st.touch(self.now);
            st.backlog += 1;
            st.max_backlog = st.max_backlog.max(st.backlog);
            st.parked.push(m);
        } else {
            self.take_msg(m);
            self.links[msg.link as usize].lost += 1;
            self.flow_done(msg.flow);
        }
        true
    }

    /// A write (span `span`) reached a store: every reader sees it at its
    /// next poll, plus the store's read latency and the link's network
    /// latency.
    pub(crate) fn publish_to_readers(&mut self, store: Ix, flow: Ix, span: u32) {
        let plan = self.plan;
        let PKind::Store {
            readers,
            poll,
            read,
        } = &plan.nodes[store as usize].kind
        else {
            return;
        };
        for &reader in readers {
            self.links[reader as usize].messages += 1;
            let phase = self.poll_phase[reader as usize];
            let next_poll = next_tick(self.now, phase, *poll);
            let read_time = read.sample(&mut self.rng_nodes[store as usize], 1.0);
            let sent = next_poll.saturating_add(read_time);
            let at = sent.saturating_add(self.sample_latency(reader));
            self.deliver_copy(reader, flow, false, store, (sent, at), span);
        }
    }

    /// Schedules a copy of a message (sent by span `span`) to be pulled
    /// over `link` from `source` (a broker or store), leaving and arriving
    /// at `(sent, at)`.
    fn deliver_copy(
        &mut self,
        link: Ix,
        flow: Ix,
        poison: bool,
        source: Ix,
        (sent, at): (Nanos, Nanos),
        span: u32,
    ) {
        let m = self.put_msg(Msg {
            link,
            op: self.plan.links[link as usize].to_op,
            flow,
            reply: None,
            poison,
            deliveries: 1,
            pulled_from: Some(source),
            span,
        });
        self.flow_add(flow);
        self.record_hop(link, false, HopKind::Event, flow, sent, at);
        self.events.push(at, Ev::Arrive { msg: m });
    }

    /// A message given up after its last delivery goes to the dead-letter
    /// queue, where it waits for people (or for the queue's own
    /// subscribers, if it has any).
    pub(crate) fn dead_letter(&mut self, dlq: Ix, flow: Ix) {
        self.brokers[dlq as usize].dead_lettered += 1;
        let has_subscribers = matches!(
            &self.plan.nodes[dlq as usize].kind,
            PKind::Broker { subscriptions, .. } if !subscriptions.is_empty()
        );
        if has_subscribers {
            self.publish(dlq, flow, 0);
        } else {
            let st = &mut self.stations[dlq as usize];
            st.touch(self.now);
            st.backlog += 1;
            st.max_backlog = st.max_backlog.max(st.backlog);
        }
    }

    /// Loses a message leaving over `link` now, to arrive at `arrives`:
    /// with the link's drop probability, or when it would reach a broker
    /// (the link's `to`, or its `via` queue) that is down then. Counts it
    /// and traces it. Returns whether it was lost.
    pub(crate) fn lost_in_transit(&mut self, link: Ix, flow: Ix, arrives: Nanos) -> bool {
        let plan = self.plan;
        let l = &plan.links[link as usize];
        let dropped = chance(&mut self.rng_links[link as usize], l.drop_p);
        let broker = l.via.unwrap_or(l.to);
        let refused = matches!(
            &plan.nodes[broker as usize].kind,
            PKind::Broker { faults, .. } if down_at(faults, arrives)
        );
        if !dropped && !refused {
            return false;
        }
        self.links[link as usize].lost += 1;
        self.record_hop(link, false, HopKind::Lost, flow, self.now, arrives);
        true
    }

    /// Stores a message on its way; a one-way message (no call waits for
    /// it) counts as in flight on its link until it is taken.
    pub(crate) fn put_msg(&mut self, msg: Msg) -> Ix {
        if msg.reply.is_none() {
            let acc = &mut self.links[msg.link as usize];
            acc.in_flight += 1;
            if self.measuring {
                acc.max_in_flight = acc.max_in_flight.max(acc.in_flight);
            }
        }
        self.msgs.insert(msg).0
    }

    /// Removes a message that arrived, was turned away or was lost.
    pub(crate) fn take_msg(&mut self, m: Ix) {
        if let Some(msg) = self.msgs.remove(m)
            && msg.reply.is_none()
        {
            let acc = &mut self.links[msg.link as usize];
            acc.in_flight = acc.in_flight.saturating_sub(1);
        }
    }

    /// Records a hop in the trace, if tracing and inside the window.
    #[inline]
    pub(crate) fn record_hop(
        &mut self,
        link: Ix,
        backwards: bool,
        kind: HopKind,
        flow: Ix,
        sent: Nanos,
        arrives: Nanos,
    ) {
        let Some(rec) = &mut self.trace else { return };
        if arrives < rec.trace.from || sent > rec.trace.to {
            return;
        }
        if rec.trace.hops.len() >= rec.window.max_hops {
            rec.trace.hops_dropped += 1;
            rec.trace.full_at.get_or_insert(self.now);
            return;
        }
        rec.trace.hops.push(Hop {
            sent,
            arrives,
            link,
            backwards,
            kind,
            flow,
        });
    }
}

/// Whether something of probability `p` happens. Nothing is drawn when `p`
/// is 0, so links and nodes without that fault keep their random streams
/// as they were.
#[inline]
pub(crate) fn chance(rng: &mut impl rand::Rng, p: f64) -> bool {
    p > 0.0 && rng.random::<f64>() < p
}

/// The first poll at or after `now` of a clock that ticks every `period`
/// starting at `phase`.
fn next_tick(now: Nanos, phase: Nanos, period: Nanos) -> Nanos {
    if now <= phase {
        return phase;
    }
    let periods = (now - phase).div_ceil(period);
    phase.saturating_add(periods.saturating_mul(period))
}

#[cfg(test)]
mod tests {
    use super::next_tick;

    #[test]
    fn a_write_is_read_at_the_next_poll() {
        assert_eq!(next_tick(0, 3, 10), 3);
        assert_eq!(next_tick(3, 3, 10), 3);
        assert_eq!(next_tick(4, 3, 10), 13);
        assert_eq!(next_tick(13, 3, 10), 13);
        assert_eq!(next_tick(25, 3, 10), 33);
    }
}
