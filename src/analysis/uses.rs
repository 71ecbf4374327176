//! How each operation uses its links, read off its steps once for every
//! rule: which calls the caller waits for, which of those its answer
//! depends on, and the expected time until the caller has its answer.
//!
//! A call the caller *waits for* is a blocking call made before `Reply`,
//! outside continuations (the worker holds the caller's connection). It is
//! *required* when its failure fails the answer too: not protected by a
//! fallback. Calls in either/or branches count as both (they happen on
//! some requests); calls after `Reply` or in continuations as neither.

use crate::model::{Access, Design, LinkIdx, LinkNames, NodeId, Step, Style};

/// One link an operation's steps go through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Use {
    /// The link.
    pub link: LinkIdx,
    /// A blocking call the caller waits for.
    pub waited: bool,
    /// Waited for, and its failure fails the operation.
    pub required: bool,
    /// For a store: what the step does there.
    pub access: Access,
}

/// Whether `step` through `link` holds its worker until the answer: a call
/// or store access over a `sync` link.
pub fn waits(design: &Design, link: LinkIdx, step: &Step) -> bool {
    design.links[link.0].style == Style::Sync
        && matches!(
            step,
            Step::Call(_) | Step::Read(_) | Step::Write(_) | Step::Update(_)
        )
}

/// Where a step sits, for the flags of its uses.
#[derive(Clone, Copy)]
struct Place {
    before_reply: bool,
    in_fallback: bool,
    in_continuation: bool,
}

/// The links the steps of operation `steps` of node `node` use, in step
/// order, each link once (its first, strongest use).
pub fn uses(design: &Design, names: &LinkNames<'_>, node: &NodeId, steps: &[Step]) -> Vec<Use> {
    let mut out: Vec<Use> = Vec::new();
    let place = Place {
        before_reply: true,
        in_fallback: false,
        in_continuation: false,
    };
    collect(design, names, node, steps, place, &mut out);
    out
}

/// Walks a block; returns whether the caller may still be waiting after it.
fn collect(
    design: &Design,
    names: &LinkNames<'_>,
    node: &NodeId,
    steps: &[Step],
    mut place: Place,
    out: &mut Vec<Use>,
) -> bool {
    for step in steps {
        if let Some(link) = step.link().and_then(|name| names.get(node, name)) {
            let waited = waits(design, link, step) && place.before_reply && !place.in_continuation;
            let has_fallback = matches!(
                step,
                Step::Call(c) | Step::Read(c) | Step::Write(c) | Step::Update(c) if c.fallback.is_some()
            );
            let access = match step {
                Step::Read(_) => Access::Read,
                Step::Write(_) => Access::Write,
                _ => Access::ReadWrite,
            };
            let new = Use {
                link,
                waited,
                required: waited && !has_fallback && !place.in_fallback,
                access,
            };
            match out.iter_mut().find(|u| u.link == link) {
                Some(u) => {
                    u.waited |= new.waited;
                    u.required |= new.required;
                }
                None => out.push(new),
            }
        }
        match step {
            Step::Reply => place.before_reply = false,
            Step::Sequence(s) => place.before_reply = collect(design, names, node, s, place, out),
            Step::Parallel(s) => {
                collect(design, names, node, s, place, out);
            }
            Step::Choice(branches) => {
                let mut waiting = false;
                for b in branches {
                    waiting |= collect(design, names, node, &b.steps, place, out);
                }
                place.before_reply = waiting;
            }
            Step::Call(c) | Step::Read(c) | Step::Write(c) | Step::Update(c) => {
                if let Some(f) = &c.fallback {
                    let inner = Place {
                        in_fallback: true,
                        ..place
                    };
                    collect(design, names, node, f, inner, out);
                }
            }
            Step::Request(r) => {
                let later = Place {
                    in_continuation: true,
                    ..place
                };
                collect(design, names, node, &r.then, later, out);
                collect(design, names, node, &r.on_failure, later, out);
            }
            Step::Work(_) | Step::Publish(_) => {}
        }
    }
    place.before_reply
}

/// The expected time from the start of `steps` until the caller has its
/// answer, ms: own work and calls before `Reply`, either/or branches
/// weighted by probability, a parallel block as its slowest branch (a
/// lower bound on the mean of the maximum), each call `times` over and
/// waited for at most its timeout. `call_ms` gives one call's wait.
pub fn answer_ms(
    names: &LinkNames<'_>,
    node: &NodeId,
    steps: &[Step],
    call_ms: &dyn Fn(LinkIdx, Access) -> f64,
) -> f64 {
    walk_answer(names, node, steps, 1.0, call_ms).0
}

/// (expected cost, probability the caller still waits afterwards).
fn walk_answer(
    names: &LinkNames<'_>,
    node: &NodeId,
    steps: &[Step],
    mut open: f64,
    call_ms: &dyn Fn(LinkIdx, Access) -> f64,
) -> (f64, f64) {
    let mut cost = 0.0;
    for step in steps {
        if open <= 0.0 {
            break;
        }
        match step {
            Step::Work(d) => cost += open * d.mean_ms(),
            Step::Reply => open = 0.0,
            Step::Call(c) | Step::Read(c) | Step::Write(c) | Step::Update(c) => {
                if let Some(link) = names.get(node, &c.link) {
                    let access = match step {
                        Step::Read(_) => Access::Read,
                        Step::Write(_) => Access::Write,
                        _ => Access::ReadWrite,
                    };
                    cost += open * c.times.max(0.0) * call_ms(link, access);
                }
            }
            Step::Sequence(s) => {
                let (c, o) = walk_answer(names, node, s, open, call_ms);
                cost += c;
                open = o;
            }
            Step::Parallel(s) => {
                cost += s
                    .iter()
                    .map(|b| walk_answer(names, node, std::slice::from_ref(b), open, call_ms).0)
                    .fold(0.0, f64::max);
            }
            Step::Choice(branches) => {
                let mut still = 0.0;
                for b in branches {
                    let (c, o) = walk_answer(names, node, &b.steps, open * b.probability, call_ms);
                    cost += c;
                    still += o;
                }
                open = still;
            }
            Step::Publish(_) | Step::Request(_) => {}
        }
    }
    (cost, open)
}
