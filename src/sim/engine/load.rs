//! Load: open arrivals (Poisson or evenly spaced) and closed users who
//! think between requests; and what the client does with the answer.

use rand_distr::{Distribution as _, Exp};

use super::super::plan::{Ix, PLoad};
use super::super::time::{NS_PER_S, Nanos};
use super::Engine;
use super::events::{Ev, Outcome};
use super::state::{Caller, Flow};
use crate::model::Style;

impl Engine<'_> {
    /// The first request of every entry point (and every closed user).
    pub(crate) fn schedule_arrivals(&mut self) {
        for e in 0..self.plan.entries.len() {
            match &self.plan.entries[e].load {
                PLoad::Open { .. } => {
                    let gap = self.next_gap(e as Ix);
                    self.events.push(gap, Ev::Arrival { entry: e as Ix });
                }
                PLoad::Closed { users, think } => {
                    let asked = scale_users(*users, self.load_multiplier);
                    // Every user can have a request in flight, which is a
                    // call, a message and a job or more: a quarter of the
                    // in-flight limit is as many users as can be simulated.
                    let most = u32::try_from(self.limits.max_live / 4)
                        .unwrap_or(u32::MAX)
                        .max(1);
                    let users = asked.min(most);
                    if users < asked {
                        self.capped_users.push((e as Ix, asked, users));
                    }
                    self.entries[e].users = users;
                    for _ in 0..users {
                        let t = think.sample(&mut self.rng_entries[e], 1.0);
                        self.events.push(t, Ev::UserSends { entry: e as Ix });
                    }
                }
            }
        }
    }

    /// Time to the next open arrival of an entry point.
    fn next_gap(&mut self, e: Ix) -> Nanos {
        let PLoad::Open {
            poisson,
            rate_per_s,
        } = self.plan.entries[e as usize].load
        else {
            return Nanos::MAX;
        };
        let rate = rate_per_s * self.load_multiplier;
        if !(rate > 0.0 && rate.is_finite()) {
            return Nanos::MAX;
        }
        let seconds = if poisson {
            match Exp::new(rate) {
                Ok(d) => d.sample(&mut self.rng_entries[e as usize]),
                Err(_) => return Nanos::MAX,
            }
        } else {
            1.0 / rate
        };
        let ns = seconds * NS_PER_S;
        if ns >= Nanos::MAX as f64 {
            Nanos::MAX
        } else {
            (ns as Nanos).max(1)
        }
    }

    pub(crate) fn on_arrival(&mut self, e: Ix) {
        self.send_entry_request(e);
        let next = self.now.saturating_add(self.next_gap(e));
        if next < self.plan.duration {
            self.events.push(next, Ev::Arrival { entry: e });
        }
    }

    /// A client sends one request of an entry point: a new flow.
    pub(crate) fn send_entry_request(&mut self, e: Ix) {
        if self.now >= self.plan.duration {
            return;
        }
        let measured = self.in_window(self.now);
        let (flow, _) = self.flows.insert(Flow {
            entry: e,
            start: self.now,
            measured,
            outstanding: 0,
            client_done: false,
            client_ok: false,
        });
        if measured {
            self.entries[e as usize].attempted += 1;
        }
        let entry = &self.plan.entries[e as usize];
        let (link, op) = (entry.link, entry.op);
        match self.plan.links[link as usize].style {
            Style::Sync | Style::AsyncRequest => {
                self.start_call(Caller::Client, link, Some(op), flow, 0, 0);
            }
            // Publishing an event or writing data: the client is done once
            // the message is handed over; the flow goes on without it.
            Style::Event | Style::CommonData => {
                self.flow_add(flow);
                self.send_message(link, self.plan.links[link as usize].to_op, flow, 0);
                self.client_answered(flow, Outcome::OK);
                self.flow_done(flow);
            }
        }
    }

    /// The client got its answer: count it, and let a closed user think
    /// before the next request.
    pub(crate) fn client_answered(&mut self, flow: Ix, outcome: Outcome) {
        let Some(f) = self.flows.get_mut(flow) else {
            return;
        };
        f.client_done = true;
        f.client_ok = outcome.is_ok();
        let (e, start, measured) = (f.entry, f.start, f.measured);
        let latency = self.now - start;
        let answered_in_window = self.in_window(self.now);
        let acc = &mut self.entries[e as usize];
        if answered_in_window && outcome.is_ok() {
            acc.completed_in_window += 1;
        }
        if measured {
            match outcome.failure {
                None => {
                    acc.succeeded += 1;
                    acc.latency.saturating_record((latency / 1_000).max(1));
                    acc.latency_sum_ns += latency as f64;
                }
                Some(cause) => acc.fail(cause, outcome.root),
            }
        }
        self.record_series_answer(e, outcome.is_ok(), latency);
        if let PLoad::Closed { think, .. } = &self.plan.entries[e as usize].load {
            let t = think.sample(&mut self.rng_entries[e as usize], 1.0);
            self.events
                .push(self.now.saturating_add(t), Ev::UserSends { entry: e });
        }
    }
}

/// Closed-workload users under a load multiplier (at least one).
fn scale_users(users: u32, multiplier: f64) -> u32 {
    let scaled = (f64::from(users) * multiplier).round();
    if scaled >= f64::from(u32::MAX) {
        u32::MAX
    } else {
        (scaled as u32).max(1)
    }
}
