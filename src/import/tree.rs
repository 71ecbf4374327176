//! One trace as a tree of spans, with what real traces get wrong
//! repaired: ids seen twice, parents that were never exported, and parent
//! references that form a cycle. Every walk over it is iterative, so no
//! trace can exhaust the stack.

use foldhash::{HashMap, HashMapExt};

use serde::Serialize;

use super::span::{Kind, Span};

/// The spans of one trace, by index, with their parents and children.
#[derive(Debug)]
pub struct Tree<'s> {
    /// The spans, each id once.
    pub spans: Vec<&'s Span>,
    /// Each span's parent, where it is in the trace.
    pub parent: Vec<Option<usize>>,
    /// Each span's children, by start time.
    pub children: Vec<Vec<usize>>,
}

/// What had to be repaired in the traces, counted.
#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct Repairs {
    /// Spans whose id was already taken in their trace (a span exported
    /// twice): the later copy is left out.
    pub duplicate_ids: usize,
    /// Spans whose parent is not in the traces (dropped by sampling or
    /// never exported): taken as where their trace starts.
    pub missing_parents: usize,
    /// Parent references that closed a cycle: cut.
    pub cycles_cut: usize,
    /// Server spans that did not fit inside their client span (the two
    /// services' clocks disagree): moved, with the spans their service
    /// recorded under them, to the middle of the client span.
    pub clock_skew: usize,
}

impl<'s> Tree<'s> {
    /// The tree of `spans` (one trace), repairing as it goes.
    pub fn new(spans: &'s [Span], repairs: &mut Repairs) -> Self {
        let mut index: HashMap<&str, usize> = HashMap::with_capacity(spans.len());
        let mut kept: Vec<&Span> = Vec::with_capacity(spans.len());
        for span in spans {
            if index.contains_key(span.id.as_str()) {
                repairs.duplicate_ids += 1;
                continue;
            }
            index.insert(&span.id, kept.len());
            kept.push(span);
        }
        let mut parent: Vec<Option<usize>> = kept
            .iter()
            .map(|s| {
                let p = s.parent.as_deref()?;
                let found = index.get(p).copied();
                if found.is_none() {
                    repairs.missing_parents += 1;
                }
                found
            })
            .collect();
        cut_cycles(&mut parent, repairs);
        let mut children = vec![Vec::new(); kept.len()];
        for (i, p) in parent.iter().enumerate() {
            if let Some(p) = *p {
                children[p].push(i);
            }
        }
        for c in &mut children {
            c.sort_by_key(|&i| (kept[i].start_ns, i));
        }
        Self {
            spans: kept,
            parent,
            children,
        }
    }

    /// The spans with clock skew between services corrected, when there
    /// was any: a server span that starts before its client span or ends
    /// after it (and fits in it) is moved to its middle, with everything
    /// below it; the corrections add up down the tree.
    pub fn without_skew(&self, repairs: &mut Repairs) -> Option<Vec<Span>> {
        let n = self.spans.len();
        let mut shift = vec![0i64; n];
        let mut corrected = false;
        let mut stack: Vec<usize> = (0..n).filter(|&i| self.parent[i].is_none()).collect();
        while let Some(i) = stack.pop() {
            for &c in &self.children[i] {
                let (p, s) = (self.spans[i], self.spans[c]);
                let inherited = shift[i];
                let (p_start, p_end) = (p.start_ns + inherited, p.end_ns + inherited);
                let (c_start, c_end) = (s.start_ns + inherited, s.end_ns + inherited);
                let skewed = p.kind == Kind::Client
                    && s.kind == Kind::Server
                    && s.service != p.service
                    && s.duration_ns() <= p.duration_ns()
                    && (c_start < p_start || c_end > p_end);
                shift[c] = if skewed {
                    repairs.clock_skew += 1;
                    corrected = true;
                    inherited + (p_start / 2 + p_end / 2) - (c_start / 2 + c_end / 2)
                } else {
                    inherited
                };
                stack.push(c);
            }
        }
        corrected.then(|| {
            self.spans
                .iter()
                .zip(&shift)
                .map(|(s, &d)| Span {
                    start_ns: s.start_ns.saturating_add(d),
                    end_ns: s.end_ns.saturating_add(d),
                    ..(*s).clone()
                })
                .collect()
        })
    }

    /// The nearest ancestor of `i` (not `i` itself) for which `pick` holds.
    pub fn ancestor(&self, i: usize, pick: impl Fn(usize) -> bool) -> Option<usize> {
        let mut at = self.parent[i];
        while let Some(p) = at {
            if pick(p) {
                return Some(p);
            }
            at = self.parent[p];
        }
        None
    }
}

/// Cuts every parent reference that closes a cycle, so each span's chain
/// of parents ends at a root.
fn cut_cycles(parent: &mut [Option<usize>], repairs: &mut Repairs) {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; parent.len()];
    let mut path = Vec::new();
    for start in 0..parent.len() {
        let mut at = Some(start);
        while let Some(i) = at {
            match state[i] {
                DONE => break,
                ON_PATH => {
                    parent[i] = None;
                    repairs.cycles_cut += 1;
                    break;
                }
                _ => {
                    state[i] = ON_PATH;
                    path.push(i);
                    at = parent[i];
                }
            }
        }
        for i in path.drain(..) {
            state[i] = DONE;
        }
    }
}
