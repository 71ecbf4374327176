//! The chance that a request finds up every service and store it needs,
//! from its step programs: a call with a fallback fails the request only
//! when the fallback fails too, an either/or branch is needed only on the
//! share of requests that take it, and a call after `Reply` or in a
//! continuation is not waited for at all.
//!
//! Each node is up or down for a whole request (an outage lasts far longer
//! than a request), so a node met twice on one request is met in the same
//! state. The request's steps become a formula over "node is up" (all of,
//! either this or its fallback, a mix of branches); nodes met more than
//! once are conditioned on exactly, up and down, and the rest are
//! independent, so the chance is exact for independent nodes. A program
//! too large or too deep for that (thousands of terms, calls 64 deep, more
//! than 8 nodes met twice) falls back to the product of the coupling set's
//! availabilities, as if every request needed every member.

use petgraph::graph::NodeIndex;

use super::graph::DesignGraph;
use super::uses::waits;
use crate::model::{NodeIdx, NodeKind, Step};

/// Most terms in one request's formula; a larger one is bounded instead.
const MOST_TERMS: usize = 4096;
/// Deepest chain of calls followed; a deeper one is bounded instead.
const DEEPEST: usize = 64;
/// Most nodes met more than once that are conditioned on exactly (two
/// evaluations of the formula per node).
const MOST_REPEATED: usize = 8;

/// What a request to one endpoint needs to be up.
pub struct Needs {
    /// The chance that enough of what it needs is up for it to succeed.
    pub availability: f64,
    /// The nodes it may need, each with whether every request needs it
    /// (the request fails whenever that node is down).
    pub nodes: Vec<(NodeIdx, bool)>,
}

/// What a request arriving at `start` needs up, with `members` the nodes
/// it may need (its coupling set) and `up` each node's availability.
pub fn needs(
    g: &DesignGraph<'_>,
    start: NodeIndex,
    members: &[NodeIdx],
    up: &dyn Fn(NodeIdx) -> f64,
) -> Needs {
    let bound = || Needs {
        availability: members.iter().map(|&n| up(n)).product(),
        nodes: members.iter().map(|&n| (n, true)).collect(),
    };
    let mut f = Formula::default();
    let mut path = Vec::new();
    let Some(root) = f.endpoint(g, start, &mut path) else {
        return bound();
    };
    let mut repeated: Vec<NodeIdx> = f.counts().filter(|&(_, c)| c > 1).map(|(n, _)| n).collect();
    if repeated.len() > MOST_REPEATED {
        return bound();
    }
    repeated.sort_unstable();
    let chance = |forced: Option<NodeIdx>| f.conditioned(root, &repeated, forced, up);
    let availability = chance(None);
    // Every member is in the formula: the coupling set is what the
    // required calls reach, and each of those is a term.
    let nodes = members
        .iter()
        .map(|&n| (n, chance(Some(n)) <= f64::EPSILON))
        .collect();
    Needs {
        availability,
        nodes,
    }
}

/// One term of the formula; children come before their parents.
enum Term {
    /// This node is up.
    Up(NodeIdx),
    /// All of these hold.
    All(Vec<usize>),
    /// The first holds, or else the second (a call and its fallback).
    Else(usize, usize),
    /// One branch is taken, with its probability.
    Mix(Vec<(f64, usize)>),
}

/// A request's formula, built from its endpoint's steps and everything
/// they wait for.
#[derive(Default)]
struct Formula {
    terms: Vec<Term>,
}

impl Formula {
    fn push(&mut self, t: Term) -> Option<usize> {
        if self.terms.len() >= MOST_TERMS {
            return None;
        }
        self.terms.push(t);
        Some(self.terms.len() - 1)
    }

    /// The endpoint's node is up, and so is what its steps wait for.
    /// `path` holds the endpoints being expanded, to stop at a cycle.
    fn endpoint(
        &mut self,
        g: &DesignGraph<'_>,
        v: NodeIndex,
        path: &mut Vec<NodeIndex>,
    ) -> Option<usize> {
        let node = g.node(v);
        let own = self.push(Term::Up(node))?;
        let kind = &g.design.nodes[node.0].kind;
        let steps = match kind {
            NodeKind::Service(s) => s.operations.get(g.graph[v].op).map(|o| o.steps.as_slice()),
            _ => None,
        };
        // A cycle (a finding of its own) or a chain too deep: the node
        // itself, without what it calls again.
        let (Some(steps), false) = (steps, path.contains(&v)) else {
            return Some(own);
        };
        if path.len() >= DEEPEST {
            return None;
        }
        path.push(v);
        let mut all = vec![own];
        self.block(g, v, steps, &mut true, path, &mut all)?;
        path.pop();
        self.push(Term::All(all))
    }

    /// Adds to `all` the terms of `steps` run at endpoint `v` while the
    /// caller `waiting` is still waiting; clears it at `Reply`.
    fn block(
        &mut self,
        g: &DesignGraph<'_>,
        v: NodeIndex,
        steps: &[Step],
        waiting: &mut bool,
        path: &mut Vec<NodeIndex>,
        all: &mut Vec<usize>,
    ) -> Option<()> {
        let d = g.design;
        let id = &d.nodes[g.node(v).0].id;
        for step in steps {
            if !*waiting {
                break;
            }
            match step {
                Step::Reply => *waiting = false,
                Step::Call(c) | Step::Read(c) | Step::Write(c) | Step::Update(c) => {
                    let Some(link) = g.link_names().get(id, &c.link) else {
                        continue;
                    };
                    let (true, Some(callee)) = (waits(d, link, step), g.callee(link)) else {
                        continue;
                    };
                    if c.times <= 0.0 {
                        continue;
                    }
                    let call = self.endpoint(g, callee, path)?;
                    let term = match &c.fallback {
                        Some(fallback) => {
                            let mut instead = Vec::new();
                            self.block(g, v, fallback, &mut true, path, &mut instead)?;
                            let instead = self.push(Term::All(instead))?;
                            self.push(Term::Else(call, instead))?
                        }
                        None => call,
                    };
                    all.push(term);
                }
                Step::Sequence(s) => self.block(g, v, s, waiting, path, all)?,
                Step::Parallel(s) => {
                    for branch in s {
                        self.block(g, v, std::slice::from_ref(branch), &mut true, path, all)?;
                    }
                }
                Step::Choice(branches) => {
                    let mut mix = Vec::with_capacity(branches.len());
                    let mut still = false;
                    for b in branches {
                        let mut inner = Vec::new();
                        let mut w = true;
                        self.block(g, v, &b.steps, &mut w, path, &mut inner)?;
                        still |= w;
                        mix.push((b.probability, self.push(Term::All(inner))?));
                    }
                    all.push(self.push(Term::Mix(mix))?);
                    *waiting = still;
                }
                Step::Work(_) | Step::Publish(_) | Step::Request(_) => {}
            }
        }
        Some(())
    }

    /// How many times each node is met.
    fn counts(&self) -> impl Iterator<Item = (NodeIdx, usize)> {
        let mut counts: foldhash::HashMap<NodeIdx, usize> = Default::default();
        for t in &self.terms {
            if let Term::Up(n) = t {
                *counts.entry(*n).or_default() += 1;
            }
        }
        counts.into_iter()
    }

    /// The chance `root` holds, conditioning on each of `repeated` being up
    /// and down, with `forced` down on every request.
    fn conditioned(
        &self,
        root: usize,
        repeated: &[NodeIdx],
        forced: Option<NodeIdx>,
        up: &dyn Fn(NodeIdx) -> f64,
    ) -> f64 {
        let mut total = 0.0;
        for mask in 0u32..(1 << repeated.len()) {
            let is_up = |i: usize| mask & (1 << i) != 0;
            let mut weight = 1.0;
            for (i, &n) in repeated.iter().enumerate() {
                let a = if forced == Some(n) { 0.0 } else { up(n) };
                weight *= if is_up(i) { a } else { 1.0 - a };
            }
            if weight == 0.0 {
                continue;
            }
            let chance = |n: NodeIdx| match repeated.iter().position(|&r| r == n) {
                Some(i) => f64::from(u8::from(is_up(i))),
                None if forced == Some(n) => 0.0,
                None => up(n),
            };
            total += weight * self.evaluate(root, &chance);
        }
        total
    }

    /// The chance `root` holds when each node is up with `up`'s chance,
    /// independently.
    fn evaluate(&self, root: usize, up: &dyn Fn(NodeIdx) -> f64) -> f64 {
        let mut value = vec![0.0; root + 1];
        for (i, t) in self.terms[..=root].iter().enumerate() {
            value[i] = match t {
                Term::Up(n) => up(*n),
                Term::All(c) => c.iter().map(|&c| value[c]).product(),
                Term::Else(a, b) => value[*a] + (1.0 - value[*a]) * value[*b],
                Term::Mix(c) => c.iter().map(|&(p, c)| p * value[c]).sum(),
            };
        }
        value[root]
    }
}
