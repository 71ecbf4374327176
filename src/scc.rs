//! Strongly connected components without recursion, for the analysis (sync
//! cycles, reachability) and the engine (the cycle that made a run
//! explode).
//!
//! A design file decides how long a chain of calls is, so no walk may
//! recurse once per hop: petgraph's `tarjan_scc` does, and a chain of a
//! hundred thousand services overflowed the stack (more easily on worker
//! threads, whose stacks are small). This is Tarjan's algorithm with an
//! explicit stack: memory is a few words per vertex, whatever the shape.

/// The strongly connected components of a graph, callees first: every
/// component comes after all the components it reaches (reverse
/// topological order), as Tarjan's algorithm finds them.
#[derive(Debug, Clone, Default)]
pub struct Components {
    /// The vertices of every component, one component after another.
    members: Vec<u32>,
    /// Where each component starts in `members`, plus the end.
    starts: Vec<u32>,
    /// Each vertex's component.
    of: Vec<u32>,
}

impl Components {
    /// The components of the graph of `n` vertices whose edges leave
    /// vertex `v` towards `successors(v)`.
    pub fn of<I>(n: usize, successors: impl Fn(usize) -> I) -> Self
    where
        I: Iterator<Item = usize>,
    {
        let mut walk = Walk {
            index: vec![Walk::NEW; n],
            low: vec![0; n],
            on_stack: fixedbitset::FixedBitSet::with_capacity(n),
            stack: Vec::new(),
            next_index: 0,
        };
        let mut out = Self {
            members: Vec::with_capacity(n),
            starts: vec![0],
            of: vec![0; n],
        };
        // The vertices being visited, each with the successors it has not
        // looked at yet: the recursion of Tarjan's algorithm, on the heap.
        let mut calls: Vec<(usize, I)> = Vec::new();
        for root in 0..n {
            if walk.index[root] != Walk::NEW {
                continue;
            }
            walk.enter(root);
            calls.push((root, successors(root)));
            while let Some((v, successors_left)) = calls.last_mut() {
                let v = *v;
                match successors_left.next() {
                    Some(w) if walk.index[w] == Walk::NEW => {
                        walk.enter(w);
                        calls.push((w, successors(w)));
                    }
                    Some(w) => {
                        if walk.on_stack.contains(w) {
                            walk.low[v] = walk.low[v].min(walk.index[w]);
                        }
                    }
                    None => {
                        calls.pop();
                        if let Some(&(caller, _)) = calls.last() {
                            walk.low[caller] = walk.low[caller].min(walk.low[v]);
                        }
                        if walk.low[v] == walk.index[v] {
                            out.close(v, &mut walk);
                        }
                    }
                }
            }
        }
        out
    }

    /// Pops the component whose root is `root` off the walk's stack.
    fn close(&mut self, root: usize, walk: &mut Walk) {
        let component = self.len() as u32;
        while let Some(w) = walk.stack.pop() {
            walk.on_stack.set(w as usize, false);
            self.of[w as usize] = component;
            self.members.push(w);
            if w as usize == root {
                break;
            }
        }
        self.starts.push(self.members.len() as u32);
    }

    /// How many components there are.
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// Whether the graph had no vertex.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The vertices of component `c`.
    pub fn members(&self, c: usize) -> &[u32] {
        &self.members[self.starts[c] as usize..self.starts[c + 1] as usize]
    }

    /// Every component, callees first.
    pub fn iter(&self) -> impl Iterator<Item = &[u32]> + '_ {
        (0..self.len()).map(|c| self.members(c))
    }

    /// The component of vertex `v`: its position in [`Self::iter`], so a
    /// vertex can only reach vertices of components at or before its own.
    pub fn component_of(&self, v: usize) -> usize {
        self.of[v] as usize
    }
}

/// The state of Tarjan's walk.
struct Walk {
    /// Order of discovery; [`Walk::NEW`] until discovered.
    index: Vec<u32>,
    /// The lowest index reachable through the vertex's subtree.
    low: Vec<u32>,
    on_stack: fixedbitset::FixedBitSet,
    /// Discovered vertices whose component is not closed yet.
    stack: Vec<u32>,
    next_index: u32,
}

impl Walk {
    const NEW: u32 = u32::MAX;

    fn enter(&mut self, v: usize) {
        self.index[v] = self.next_index;
        self.low[v] = self.next_index;
        self.next_index += 1;
        self.stack.push(v as u32);
        self.on_stack.insert(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn components(n: usize, edges: &[(usize, usize)]) -> Vec<Vec<u32>> {
        let c = Components::of(n, |v| {
            edges.iter().filter(move |(a, _)| *a == v).map(|&(_, b)| b)
        });
        c.iter()
            .map(|m| {
                let mut m = m.to_vec();
                m.sort();
                m
            })
            .collect()
    }

    #[test]
    fn cycles_are_grouped_and_callees_come_first() {
        // 0 → 1 ⇄ 2 → 3, 4 alone, 5 → 5.
        let found = components(6, &[(0, 1), (1, 2), (2, 1), (2, 3), (5, 5)]);
        assert_eq!(found, vec![vec![3], vec![1, 2], vec![0], vec![4], vec![5]]);
    }

    #[test]
    fn a_chain_of_a_million_needs_no_deep_stack() {
        let n = 1_000_000;
        let run = move || {
            let c = Components::of(n, |v| (v + 1 < n).then_some(v + 1).into_iter());
            // Singletons, the end of the chain first.
            assert_eq!(c.len(), n);
            assert_eq!(c.members(0), &[n as u32 - 1]);
            assert!(c.component_of(0) > c.component_of(1));
        };
        // A thread with a small stack, like a worker's.
        std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(run)
            .expect("spawns")
            .join()
            .expect("no overflow");
    }

    #[test]
    fn a_ring_is_one_component() {
        let n = 100_000;
        let c = Components::of(n, |v| std::iter::once((v + 1) % n));
        assert_eq!(c.len(), 1);
        assert_eq!(c.members(0).len(), n);
    }
}
