//! The step interpreter: a job's strands walk its operation's compiled
//! instructions, stopping where they wait (own work, a call, the branches
//! of a parallel block) and going on when that ends.

use rand::RngExt as _;

use super::super::plan::Ix;
use super::super::program::{Block, Instr, Times};
use super::Engine;
use super::events::{Cause, Ev, Outcome};
use super::messaging::chance;
use super::state::{Caller, Cursor, Job, Strand, Work};

impl Engine<'_> {
    /// A worker took job `j`: its main strand starts at the beginning.
    pub(crate) fn start_program(&mut self, j: Ix) {
        let Some(job) = self.jobs.get(j) else { return };
        let node = job.node;
        let block = match job.work {
            Work::Op(op) => {
                let op = &self.plan.ops[op as usize];
                // An operation with no own work of its own fails, when
                // it does, as it starts.
                let error_rate = self.plan.nodes[node as usize].error_rate;
                if op.error_at_start && chance(&mut self.rng_nodes[node as usize], error_rate) {
                    self.finish_job(j, Outcome::failed(Cause::Error, node));
                    return;
                }
                op.body
            }
            Work::Continue(block) => block,
        };
        let (s, _) = self.strands.insert(Strand {
            job: j,
            job_epoch: self.jobs.epoch(j),
            node: job.node,
            cursor: Cursor::at(block),
            parent: None,
            pending: 0,
            waiting: u32::MAX,
        });
        self.run_strand(s);
    }

    /// Runs strand `s` until it waits or ends.
    pub(crate) fn run_strand(&mut self, s: Ix) {
        let plan = self.plan;
        loop {
            let Some(strand) = self.strands.get_mut(s) else {
                return;
            };
            let (j, node, job_epoch) = (strand.job, strand.node, strand.job_epoch);
            let next = strand.cursor.next();
            if !self.jobs.is_current(j, job_epoch) {
                self.strand_ended(s);
                return;
            }
            let Some(pc) = next else {
                self.strand_ended(s);
                return;
            };
            let flow = self.jobs.get(j).map_or(0, |job| job.flow);
            match &plan.code.instrs[pc as usize] {
                Instr::Work { work, .. } => {
                    self.wait_on(s, pc);
                    let first = self.jobs.get_mut(j).is_some_and(|job| {
                        job.working += 1;
                        job.working == 1
                    });
                    let st = &mut self.stations[node as usize];
                    st.touch(self.now);
                    if first {
                        st.processing += 1;
                    }
                    let took = work.sample(&mut self.rng_nodes[node as usize], st.slow);
                    let epoch = self.strands.epoch(s);
                    self.events.push(
                        self.now.saturating_add(took),
                        Ev::WorkDone { strand: s, epoch },
                    );
                    return;
                }
                Instr::Call {
                    link, op, times, ..
                } => {
                    let n = self.draw_times(pc, *times);
                    if n == 0 {
                        continue;
                    }
                    self.wait_on(s, pc);
                    let epoch = self.strands.epoch(s);
                    let span = self.job_span(j);
                    let caller = Caller::Strand { strand: s, epoch };
                    self.start_call(caller, *link, *op, flow, n - 1, span);
                    return;
                }
                Instr::Send { link, op, times } => {
                    let span = self.job_span(j);
                    for _ in 0..self.draw_times(pc, *times) {
                        if self.over_live_limit() {
                            break;
                        }
                        self.send_message(*link, *op, flow, span);
                    }
                }
                Instr::Request { link, times, .. } => {
                    let span = self.job_span(j);
                    for _ in 0..self.draw_times(pc, *times) {
                        if self.over_live_limit() {
                            break;
                        }
                        let caller = Caller::Request { node, instr: pc };
                        self.start_call(caller, *link, None, flow, 0, span);
                    }
                }
                Instr::Enter(block) => self.enter(s, *block),
                Instr::Choose { first, count } => {
                    let branches = &plan.code.choices[*first as usize..(*first + *count) as usize];
                    let u: f64 = self.rng_steps[pc as usize].random();
                    // The last branch takes what rounding leaves over.
                    let block = branches
                        .iter()
                        .find(|(cumulative, _)| u < *cumulative)
                        .or(branches.last())
                        .map_or(Block::default(), |(_, b)| *b);
                    self.enter(s, block);
                }
                Instr::Fork { first, count } => {
                    if let Some(strand) = self.strands.get_mut(s) {
                        strand.pending = count + 1;
                    }
                    for b in *first..*first + *count {
                        let block = plan.code.forks[b as usize];
                        let (child, _) = self.strands.insert(Strand {
                            job: j,
                            job_epoch,
                            node,
                            cursor: Cursor::at(block),
                            parent: Some(s),
                            pending: 0,
                            waiting: u32::MAX,
                        });
                        self.run_strand(child);
                    }
                    // Branches that ended at once have counted down; the
                    // extra one kept the block from resuming inside them.
                    let Some(strand) = self.strands.get_mut(s) else {
                        return;
                    };
                    strand.pending -= 1;
                    if strand.pending > 0 {
                        return;
                    }
                }
                Instr::Reply => self.reply_now(j),
            }
        }
    }

    /// Strand `s` waits on instruction `pc`.
    fn wait_on(&mut self, s: Ix, pc: u32) {
        if let Some(strand) = self.strands.get_mut(s) {
            strand.waiting = pc;
        }
    }

    /// Strand `s` runs `block` in line, then goes on where it was.
    fn enter(&mut self, s: Ix, block: Block) {
        if let Some(strand) = self.strands.get_mut(s) {
            strand.cursor.enter(block);
        }
    }

    /// How many times instruction `pc` runs this time.
    fn draw_times(&mut self, pc: u32, times: Times) -> u32 {
        if times.is_random() {
            times.whole + u32::from(chance(&mut self.rng_steps[pc as usize], times.extra_p))
        } else {
            times.whole
        }
    }

    /// A strand ran off its end (or belongs to a job that ended): the job
    /// is done when it is the main strand; a branch counts down its
    /// parallel block.
    fn strand_ended(&mut self, s: Ix) {
        let Some(strand) = self.strands.remove(s) else {
            return;
        };
        match strand.parent {
            None => {
                if self.jobs.is_current(strand.job, strand.job_epoch) {
                    self.finish_job(strand.job, Outcome::OK);
                }
            }
            Some(parent) => {
                let Some(p) = self.strands.get_mut(parent) else {
                    return;
                };
                p.pending = p.pending.saturating_sub(1);
                if p.pending == 0 {
                    self.run_strand(parent);
                }
            }
        }
    }

    /// Own work of strand `s` ended: poison kills the worker, the first
    /// work of an operation may fail with the node's error rate.
    pub(crate) fn on_work_done(&mut self, s: Ix, epoch: u32) {
        if !self.strands.is_current(s, epoch) {
            return;
        }
        let Some(strand) = self.strands.get(s) else {
            return;
        };
        let (j, node, pc) = (strand.job, strand.node, strand.waiting);
        if !self.jobs.is_current(j, strand.job_epoch) {
            // The job ended while this branch worked; it counted itself.
            self.strand_ended(s);
            return;
        }
        let done = self.jobs.get_mut(j).is_some_and(|job| {
            job.working = job.working.saturating_sub(1);
            job.working == 0
        });
        if done {
            let st = &mut self.stations[node as usize];
            st.touch(self.now);
            st.processing = st.processing.saturating_sub(1);
        }
        if self.jobs.get(j).is_some_and(|job| job.poison) {
            self.kill_worker(j);
            self.strand_ended(s);
            return;
        }
        if let Some(Instr::Work {
            may_error: true, ..
        }) = self.plan.code.instrs.get(pc as usize)
        {
            let error_rate = self.plan.nodes[node as usize].error_rate;
            if chance(&mut self.rng_nodes[node as usize], error_rate) {
                self.finish_job(j, Outcome::failed(Cause::Error, node));
                self.strand_ended(s);
                return;
            }
        }
        self.run_strand(s);
    }

    /// A call strand `s` waited for ended: on to the next step, or its
    /// fallback, or the job fails.
    pub(crate) fn call_ended(&mut self, s: Ix, epoch: u32, outcome: Outcome) {
        if !self.strands.is_current(s, epoch) {
            return;
        }
        let Some(strand) = self.strands.get_mut(s) else {
            return;
        };
        if outcome.is_ok() {
            self.run_strand(s);
            return;
        }
        if let Some(Instr::Call {
            fallback: Some(block),
            ..
        }) = self.plan.code.instrs.get(strand.waiting as usize)
        {
            strand.cursor.enter(*block);
            self.run_strand(s);
            return;
        }
        // Fail fast: the job answers with the failure; its other strands
        // find it gone when they next get control.
        let (j, job_epoch) = (strand.job, strand.job_epoch);
        if self.jobs.is_current(j, job_epoch) {
            self.finish_job(j, outcome);
        }
        self.strand_ended(s);
    }

    /// An asynchronous request of instruction `instr` at `node`, made by
    /// the job whose span is `parent_span`, ended: its `then` (success) or
    /// `on_failure` steps run as new work.
    pub(crate) fn request_ended(
        &mut self,
        node: Ix,
        instr: u32,
        flow: Ix,
        outcome: Outcome,
        parent_span: u32,
    ) {
        let Some(Instr::Request {
            then, on_failure, ..
        }) = self.plan.code.instrs.get(instr as usize)
        else {
            return;
        };
        let next = if outcome.is_ok() { then } else { on_failure };
        let Some(block) = *next else {
            return;
        };
        let job = Job {
            node,
            work: Work::Continue(block),
            flow,
            link: None,
            reply: None,
            arrived: self.now,
            measured: self.in_window(self.now),
            poison: false,
            deliveries: 1,
            pulled_from: None,
            working: 0,
            parent_span,
            span: 0,
        };
        self.add_job(job);
    }

    /// The job answers its caller now; the rest of its steps still run.
    fn reply_now(&mut self, j: Ix) {
        let Some(job) = self.jobs.get_mut(j) else {
            return;
        };
        let (Some((call, epoch)), Some(link)) = (job.reply.take(), job.link) else {
            return;
        };
        let (flow, span) = (job.flow, job.span);
        // The server span ends as it answers; the rest is after it.
        self.close_span(span, false);
        // `respond` adds the link's latency on the way back.
        self.respond(link, flow, call, epoch, Outcome::OK, self.now);
    }
}
