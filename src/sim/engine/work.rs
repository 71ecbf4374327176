//! Queues and workers: a request arriving at a service or store, waiting,
//! being served, making its calls, and being answered; and the node's
//! condition (down, slowed, workers lost to poison).

use rand::{Rng, RngExt as _};
use rand_distr::{Distribution as _, Exp};

use super::super::plan::{Ix, PKind};
use super::super::spans::SpanKind;
use super::super::time::Nanos;
use super::Engine;
use super::events::{Cause, Ev, NodeChange, Outcome};
use super::spans::SpanAt;
use super::state::{Job, Msg, Work};
use crate::model::{Availability, Style, WhenDown};

impl Engine<'_> {
    /// A message reached a service or store: turn it into a job, or fail it
    /// when the node is down or its queue is full.
    pub(crate) fn deliver_to_station(&mut self, m: Ix, msg: Msg, node: Ix) {
        let pulled = msg.pulled_from.is_some();
        let explicitly_down = self.stations[node as usize].down > 0;
        // A consumer pulls from a broker or store when it is up, so a
        // per-call availability draw does not apply to pulled messages.
        let down = explicitly_down || (!pulled && self.draws_down(node));
        if down {
            if let Some(source) = msg.pulled_from
                && self.keeps_messages(source)
            {
                let st = &mut self.stations[source as usize];
                st.touch(self.now);
                st.backlog += 1;
                st.max_backlog = st.max_backlog.max(st.backlog);
                self.stations[node as usize].parked.push(m);
                return;
            }
            self.take_msg(m);
            match msg.reply {
                Some((call, epoch))
                    if self.plan.nodes[node as usize].when_down == WhenDown::Refuse =>
                {
                    let outcome = Outcome::failed(Cause::Down, node);
                    self.respond(msg.link, msg.flow, call, epoch, outcome, self.now);
                }
                // An omission: the caller hears nothing and waits for its
                // timeout.
                Some(_) => {}
                // A one-way message nobody can take is lost.
                None => self.links[msg.link as usize].lost += 1,
            }
            self.flow_done(msg.flow);
            return;
        }
        let pnode = &self.plan.nodes[node as usize];
        let st = &self.stations[node as usize];
        if !pulled
            && let Some(cap) = pnode.queue_capacity
            && st.free_workers(pnode.workers) == 0
            && st.waiting_direct >= cap
        {
            self.take_msg(m);
            if let Some((call, epoch)) = msg.reply {
                let outcome = Outcome::failed(Cause::Rejected, node);
                self.respond(msg.link, msg.flow, call, epoch, outcome, self.now);
            }
            self.flow_done(msg.flow);
            return;
        }
        let Some(op) = msg.op else {
            // Nothing to run there (validation makes this impossible).
            self.take_msg(m);
            self.flow_done(msg.flow);
            return;
        };
        let job = Job {
            node,
            work: Work::Op(op),
            flow: msg.flow,
            link: Some(msg.link),
            reply: msg.reply,
            arrived: self.now,
            measured: self.in_window(self.now),
            poison: msg.poison,
            deliveries: msg.deliveries,
            pulled_from: msg.pulled_from,
            working: 0,
            parent_span: msg.span,
            span: 0,
        };
        self.take_msg(m);
        self.add_job(job);
        self.flow_done(msg.flow);
    }

    /// Whether a node with per-call availability is found down by this call.
    fn draws_down(&mut self, node: Ix) -> bool {
        match self.plan.nodes[node as usize].availability {
            Availability::Fraction(a) => self.rng_nodes[node as usize].random::<f64>() >= a,
            Availability::Always | Availability::Mttf { .. } => false,
        }
    }

    /// Whether messages pulled from `source` wait for a consumer that is
    /// down (durable brokers and stores) rather than being lost.
    fn keeps_messages(&self, source: Ix) -> bool {
        match &self.plan.nodes[source as usize].kind {
            PKind::Broker { durable, .. } => *durable,
            _ => true,
        }
    }

    /// Registers a new job at its node: starts it or queues it.
    pub(crate) fn add_job(&mut self, job: Job) {
        let node = job.node;
        let flow = job.flow;
        let pulled_from = job.pulled_from;
        let (j, _) = self.jobs.insert(job);
        self.flow_add(flow);
        let now = self.now;
        let workers = self.plan.nodes[node as usize].workers;
        let st = &mut self.stations[node as usize];
        st.touch(now);
        st.totals.arrivals += 1;
        if st.free_workers(workers) > 0 && st.queue.is_empty() {
            self.start_job(j);
            return;
        }
        st.queue.push_back(j);
        match pulled_from {
            Some(source) => {
                let src = &mut self.stations[source as usize];
                src.touch(now);
                src.backlog += 1;
                src.max_backlog = src.max_backlog.max(src.backlog);
            }
            None => {
                st.waiting_direct += 1;
                if self.measuring {
                    st.max_waiting = st.max_waiting.max(st.waiting_direct);
                }
            }
        }
    }

    /// A worker takes the job and starts its steps.
    fn start_job(&mut self, j: Ix) {
        let Some(job) = self.jobs.get(j) else { return };
        let node = job.node;
        let st = &mut self.stations[node as usize];
        st.touch(self.now);
        st.busy += 1;
        if self.records_work(node) {
            self.open_job_span(j);
        }
        self.start_program(j);
    }

    /// Opens the span of job `j` as a worker takes it.
    fn open_job_span(&mut self, j: Ix) {
        let Some(job) = self.jobs.get(j) else { return };
        let (kind, op) = match job.work {
            Work::Continue(_) => (SpanKind::Internal, None),
            Work::Op(op) if job.pulled_from.is_some() => (SpanKind::Consumer, Some(op)),
            Work::Op(op) => (SpanKind::Server, Some(op)),
        };
        let at = SpanAt {
            kind,
            node: job.node,
            link: job.link,
            op,
            parent: job.parent_span,
        };
        let span = self.open_span(at);
        if let Some(job) = self.jobs.get_mut(j) {
            job.span = span;
        }
    }

    /// Starts queued jobs while workers are free.
    fn start_waiting(&mut self, node: Ix) {
        let workers = self.plan.nodes[node as usize].workers;
        let outer = self.starting.replace(node);
        self.start_queued(node, workers);
        self.starting = outer;
    }

    fn start_queued(&mut self, node: Ix, workers: u32) {
        loop {
            let st = &mut self.stations[node as usize];
            if st.free_workers(workers) == 0 {
                return;
            }
            let Some(j) = st.queue.pop_front() else {
                return;
            };
            st.touch(self.now);
            match self.jobs.get(j).and_then(|job| job.pulled_from) {
                Some(source) => {
                    let src = &mut self.stations[source as usize];
                    src.touch(self.now);
                    src.backlog = src.backlog.saturating_sub(1);
                }
                None => st.waiting_direct = st.waiting_direct.saturating_sub(1),
            }
            self.start_job(j);
        }
    }

    /// The job is done (or failed): free the worker, answer the caller or
    /// redeliver, and start the next waiting job.
    pub(crate) fn finish_job(&mut self, j: Ix, outcome: Outcome) {
        let Some(job) = self.jobs.remove(j) else {
            return;
        };
        self.close_span(job.span, !outcome.is_ok());
        let now = self.now;
        let node = job.node;
        let st = &mut self.stations[node as usize];
        st.touch(now);
        st.busy = st.busy.saturating_sub(1);
        if job.working > 0 {
            st.processing = st.processing.saturating_sub(1);
        }
        st.totals.handled += 1;
        if job.measured {
            st.totals.sojourn_sum_ns += (now - job.arrived) as f64;
            st.totals.sojourn_n += 1;
        }
        let redelivers = job
            .link
            .is_some_and(|l| self.plan.links[l as usize].redelivers);
        if !outcome.is_ok() && redelivers {
            self.redeliver(&job, now);
        } else {
            if let (Some((call, epoch)), Some(link)) = (job.reply, job.link) {
                self.respond(link, job.flow, call, epoch, outcome, now);
            }
            if outcome.is_ok()
                && let Some(link) = job.link
                && self.plan.links[link as usize].style == Style::CommonData
                && matches!(self.plan.nodes[node as usize].kind, PKind::Store { .. })
            {
                self.publish_to_readers(node, job.flow, job.parent_span);
            }
        }
        self.flow_done(job.flow);
        // A job that ends as it starts (no own work) must not start the
        // next one from inside `start_waiting`: its loop goes on instead.
        if self.starting != Some(node) {
            self.start_waiting(node);
        }
    }

    /// A consumed message failed: back to the queue, or to the dead-letter
    /// queue once it has been delivered `max_deliveries` times.
    fn redeliver(&mut self, job: &Job, at: Nanos) {
        let Some(link) = job.link else { return };
        let Work::Op(op) = job.work else { return };
        let l = &self.plan.links[link as usize];
        if l.max_deliveries.is_some_and(|max| job.deliveries >= max) {
            match l.dead_letter {
                Some(dlq) => self.dead_letter(dlq, job.flow),
                None => self.links[link as usize].lost += 1,
            }
            return;
        }
        let acc = &mut self.links[link as usize];
        acc.redeliveries += 1;
        acc.max_deliveries_seen = acc.max_deliveries_seen.max(job.deliveries + 1);
        let m = self.put_msg(Msg {
            link,
            op: Some(op),
            flow: job.flow,
            reply: job.reply,
            poison: job.poison,
            deliveries: job.deliveries + 1,
            pulled_from: job.pulled_from,
            span: job.parent_span,
        });
        self.flow_add(job.flow);
        self.events.push(at, Ev::Arrive { msg: m });
    }

    /// A poison message killed the worker handling it: the worker restarts
    /// after the link's restart time, when the message also goes back to
    /// the queue (its lock timed out).
    pub(crate) fn kill_worker(&mut self, j: Ix) {
        let Some(job) = self.jobs.remove(j) else {
            return;
        };
        self.close_span(job.span, true);
        let node = job.node;
        let restart = job
            .link
            .map_or(0, |l| self.plan.links[l as usize].poison_restart);
        let st = &mut self.stations[node as usize];
        st.touch(self.now);
        st.busy = st.busy.saturating_sub(1);
        if job.working > 0 {
            st.processing = st.processing.saturating_sub(1);
        }
        st.lost += 1;
        let back = self.now.saturating_add(restart);
        self.events.push(back, Ev::WorkerBack { node });
        // A caller waiting on the killed worker hears nothing: only its
        // timeout ends its wait. A consumed message goes back to the queue.
        if job
            .link
            .is_some_and(|l| self.plan.links[l as usize].redelivers)
        {
            self.redeliver(&job, back);
        }
        self.flow_done(job.flow);
    }

    pub(crate) fn on_worker_back(&mut self, node: Ix) {
        let st = &mut self.stations[node as usize];
        st.touch(self.now);
        st.lost = st.lost.saturating_sub(1);
        self.start_waiting(node);
    }

    /// Crash and slow-down windows from the scenario; the up/down process
    /// of nodes with an MTTF.
    pub(crate) fn schedule_node_faults(&mut self) {
        for f in &self.plan.node_faults {
            let (start, end) = match f.slow_factor {
                None => (NodeChange::Down, NodeChange::Up),
                Some(k) => (NodeChange::Slow(k as f32), NodeChange::Fast(k as f32)),
            };
            self.events.push(
                f.from,
                Ev::Node {
                    node: f.node,
                    change: start,
                },
            );
            self.events.push(
                f.until,
                Ev::Node {
                    node: f.node,
                    change: end,
                },
            );
        }
        for (n, node) in self.plan.nodes.iter().enumerate() {
            if let Availability::Mttf { mttf_s, mttr_s } = node.availability {
                let rng = &mut self.rng_nodes[n];
                // Start in steady state: down with probability MTTR/(MTTF+MTTR),
                // for a memoryless remaining time.
                let down = rng.random::<f64>() < mttr_s / (mttf_s + mttr_s);
                let mean = if down { mttr_s } else { mttf_s };
                let first = exp_duration(rng, mean);
                if down {
                    self.stations[n].outage = true;
                    self.stations[n].down += 1;
                }
                self.events.push(first, Ev::Flip { node: n as Ix });
            }
        }
    }

    /// The alternating up/down process of a node flips.
    pub(crate) fn on_flip(&mut self, node: Ix) {
        let Availability::Mttf { mttf_s, mttr_s } = self.plan.nodes[node as usize].availability
        else {
            return;
        };
        let outage = !self.stations[node as usize].outage;
        self.stations[node as usize].outage = outage;
        let mean = if outage { mttr_s } else { mttf_s };
        let next = self
            .now
            .saturating_add(exp_duration(&mut self.rng_nodes[node as usize], mean));
        self.events.push(next, Ev::Flip { node });
        let change = if outage {
            NodeChange::Down
        } else {
            NodeChange::Up
        };
        self.on_node_change(node, change);
    }

    pub(crate) fn on_node_change(&mut self, node: Ix, change: NodeChange) {
        let now = self.now;
        let st = &mut self.stations[node as usize];
        st.touch(now);
        match change {
            NodeChange::Down => st.down += 1,
            NodeChange::Up => {
                st.down = st.down.saturating_sub(1);
                if st.down == 0 {
                    let parked = std::mem::take(&mut st.parked);
                    for m in parked {
                        if let Some(source) = self.msgs.get(m).and_then(|msg| msg.pulled_from) {
                            let src = &mut self.stations[source as usize];
                            src.touch(now);
                            src.backlog = src.backlog.saturating_sub(1);
                        }
                        self.events.push(now, Ev::Arrive { msg: m });
                    }
                }
            }
            NodeChange::Slow(k) => st.slow *= f64::from(k),
            NodeChange::Fast(k) => st.slow /= f64::from(k),
        }
    }
}

/// An exponentially distributed duration with the given mean in seconds.
fn exp_duration(rng: &mut impl Rng, mean_s: f64) -> Nanos {
    match Exp::new(1.0 / mean_s) {
        Ok(e) if mean_s > 0.0 => super::super::time::from_s(e.sample(rng)),
        _ => super::super::time::from_s(mean_s),
    }
}
