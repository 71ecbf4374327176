//! Operations compiled for the engine: each operation's steps become a
//! block of instructions in one flat table, nested blocks (parallel
//! branches, either/or branches, fallbacks, continuations) as ranges of the
//! same table, so the interpreter walks indices, never the model's tree.

use super::plan::{Ix, stable_key};
use super::sampler::Sampler;
use crate::model::{LinkNames, NodeId, Step, Style};

/// A range of instructions in [`Code::instrs`], run in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Block {
    pub start: u32,
    pub end: u32,
}

/// How many times a step runs per request: the whole part always, one
/// more with the fraction's probability.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Times {
    pub whole: u32,
    pub extra_p: f64,
}

impl Times {
    fn new(times: f64) -> Self {
        let t = if times.is_finite() {
            times.max(0.0)
        } else {
            0.0
        };
        Self {
            whole: t.floor().min(f64::from(u32::MAX)) as u32,
            extra_p: t - t.floor(),
        }
    }

    /// Whether the count needs a random draw.
    pub(crate) fn is_random(&self) -> bool {
        self.extra_p > 0.0
    }
}

/// One instruction.
#[derive(Debug)]
pub(crate) enum Instr {
    /// Own work; `may_error`: the node's `error_rate` is drawn when it ends
    /// (the first own work of an operation).
    Work { work: Sampler, may_error: bool },
    /// A request-response call the strand waits for.
    Call {
        link: Ix,
        op: Option<Ix>,
        times: Times,
        fallback: Option<Block>,
    },
    /// A one-way message (an event, a common-data write).
    Send {
        link: Ix,
        op: Option<Ix>,
        times: Times,
    },
    /// An asynchronous request; the strand goes on at once.
    Request {
        link: Ix,
        times: Times,
        then: Option<Block>,
        on_failure: Option<Block>,
    },
    /// Runs the blocks `forks[first..first + count]` at the same time and
    /// waits for all of them.
    Fork { first: u32, count: u32 },
    /// Runs one of `choices[first..first + count]`, chosen by probability.
    Choose { first: u32, count: u32 },
    /// Runs a block in line (a sequence).
    Enter(Block),
    /// Answers the caller now.
    Reply,
}

/// Every operation's instructions.
#[derive(Debug, Default)]
pub(crate) struct Code {
    pub instrs: Vec<Instr>,
    /// The branches of parallel blocks.
    pub forks: Vec<Block>,
    /// The branches of choices: cumulative probability and block.
    pub choices: Vec<(f64, Block)>,
    /// A stable key per instruction for its random stream: the node, the
    /// operation and the place in it, so streams survive edits elsewhere.
    pub keys: Vec<u64>,
}

/// What compiling needs to know about the design.
pub(crate) struct Resolver<'a, 'd> {
    pub names: &'a LinkNames<'d>,
    /// Index of each node id.
    pub node_ix: &'a dyn Fn(&NodeId) -> Ix,
    /// The styles and destination of each link.
    pub links: &'d [crate::model::Link],
    /// The operation a link invokes at a service.
    pub to_op: &'a dyn Fn(Ix) -> Option<Ix>,
    /// A store's read, write and read-write operations.
    pub store_ops: &'a dyn Fn(Ix) -> Option<(Ix, Ix, Ix)>,
}

impl Code {
    /// Compiles the steps of an operation of `node`; the first top-level
    /// work may draw the node's error rate. Also says whether there is no
    /// such work, so the error is drawn as the operation starts.
    pub(crate) fn operation(
        &mut self,
        node: &NodeId,
        op: &str,
        steps: &[Step],
        r: &Resolver<'_, '_>,
    ) -> (Block, bool) {
        let first = self.instrs.len();
        let block = self.block(node, steps, r);
        self.keys.extend((0..self.instrs.len() - first).map(|i| {
            stable_key(&[
                b"step:",
                node.as_str().as_bytes(),
                op.as_bytes(),
                &(i as u64).to_le_bytes(),
            ])
        }));
        let top = self.instrs[block.start as usize..block.end as usize].iter_mut();
        match top.into_iter().find(|i| matches!(i, Instr::Work { .. })) {
            Some(Instr::Work { may_error, .. }) => {
                *may_error = true;
                (block, false)
            }
            _ => (block, true),
        }
    }

    /// A block of plain work (a store's operations).
    pub(crate) fn work(&mut self, works: &[Sampler]) -> Block {
        let start = self.instrs.len() as u32;
        for w in works {
            self.instrs.push(Instr::Work {
                work: w.clone(),
                may_error: false,
            });
            self.keys.push(0);
        }
        Block {
            start,
            end: self.instrs.len() as u32,
        }
    }

    fn block(&mut self, node: &NodeId, steps: &[Step], r: &Resolver<'_, '_>) -> Block {
        let start = self.instrs.len();
        // One slot per step first, so the block is contiguous; nested
        // blocks go after it.
        self.instrs.extend(steps.iter().map(|_| Instr::Reply));
        for (i, step) in steps.iter().enumerate() {
            let instr = self.step(node, step, r);
            self.instrs[start + i] = instr;
        }
        Block {
            start: start as u32,
            end: (start + steps.len()) as u32,
        }
    }

    fn optional_block(
        &mut self,
        node: &NodeId,
        steps: &[Step],
        r: &Resolver<'_, '_>,
    ) -> Option<Block> {
        (!steps.is_empty()).then(|| self.block(node, steps, r))
    }

    fn step(&mut self, node: &NodeId, step: &Step, r: &Resolver<'_, '_>) -> Instr {
        let link = step
            .link()
            .and_then(|name| r.names.get(node, name))
            .map(|l| l.0 as Ix);
        match step {
            Step::Work(d) => Instr::Work {
                work: Sampler::new(d),
                may_error: false,
            },
            Step::Reply => Instr::Reply,
            Step::Sequence(steps) => Instr::Enter(self.block(node, steps, r)),
            Step::Parallel(steps) => {
                let blocks: Vec<Block> = steps
                    .iter()
                    .map(|s| self.block(node, std::slice::from_ref(s), r))
                    .collect();
                let first = self.forks.len() as u32;
                self.forks.extend(blocks);
                Instr::Fork {
                    first,
                    count: steps.len() as u32,
                }
            }
            Step::Choice(branches) => {
                let mut cumulative = 0.0;
                let blocks: Vec<(f64, Block)> = branches
                    .iter()
                    .map(|b| {
                        cumulative += b.probability;
                        (cumulative, self.block(node, &b.steps, r))
                    })
                    .collect();
                let first = self.choices.len() as u32;
                self.choices.extend(blocks);
                Instr::Choose {
                    first,
                    count: branches.len() as u32,
                }
            }
            Step::Publish(_) => match link {
                Some(link) => Instr::Send {
                    link,
                    op: (r.to_op)(link),
                    times: Times::new(1.0),
                },
                None => Instr::Enter(Block::default()),
            },
            Step::Request(req) => match link {
                Some(link) => Instr::Request {
                    link,
                    times: Times::new(req.times),
                    then: self.optional_block(node, &req.then, r),
                    on_failure: self.optional_block(node, &req.on_failure, r),
                },
                None => Instr::Enter(Block::default()),
            },
            Step::Call(c) | Step::Read(c) | Step::Write(c) | Step::Update(c) => {
                let Some(link) = link else {
                    return Instr::Enter(Block::default());
                };
                let l = &r.links[link as usize];
                let to = (r.node_ix)(&l.to);
                let op = match (r.store_ops)(to) {
                    Some((read, write, both)) => Some(match step {
                        Step::Read(_) => read,
                        Step::Write(_) => write,
                        _ => both,
                    }),
                    None => (r.to_op)(link),
                };
                let times = Times::new(c.times);
                if l.style == Style::CommonData {
                    return Instr::Send { link, op, times };
                }
                Instr::Call {
                    link,
                    op,
                    times,
                    fallback: c.fallback.as_ref().map(|f| self.block(node, f, r)),
                }
            }
        }
    }
}
