//! The design's validation problems, kept up to date with its revision,
//! and where each one belongs (a node, a link, or the design itself).

use std::collections::BTreeSet;

use crate::model::{FieldPath, PathSeg, Problem};

use super::document::Document;

/// What a problem is about, from its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// `nodes[i]...`
    Node(usize),
    /// `links[i]...`
    Link(usize),
    /// Anything else: name, entry points, scenario, thresholds.
    Design,
}

impl Owner {
    /// The owner of the value at `path`.
    pub fn of(path: &FieldPath) -> Self {
        match path.0.as_slice() {
            [PathSeg::Field("nodes"), PathSeg::Index(i), ..] => Self::Node(*i),
            [PathSeg::Field("links"), PathSeg::Index(i), ..] => Self::Link(*i),
            _ => Self::Design,
        }
    }
}

/// The problems of the current design.
#[derive(Debug, Default)]
pub struct Validation {
    revision: Option<u64>,
    problems: Vec<Problem>,
    nodes: BTreeSet<usize>,
    links: BTreeSet<usize>,
}

impl Validation {
    /// Validates the document again if it changed since last time.
    pub fn update(&mut self, doc: &Document) {
        if self.revision == Some(doc.revision()) {
            return;
        }
        self.revision = Some(doc.revision());
        self.problems = doc.design().problems();
        self.nodes.clear();
        self.links.clear();
        for p in &self.problems {
            match Owner::of(&p.path) {
                Owner::Node(i) => {
                    self.nodes.insert(i);
                }
                Owner::Link(i) => {
                    self.links.insert(i);
                }
                Owner::Design => {}
            }
        }
    }

    /// Every problem, in document order.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Whether node `i` has a problem.
    pub fn node_has_problem(&self, i: usize) -> bool {
        self.nodes.contains(&i)
    }

    /// Whether link `i` has a problem.
    pub fn link_has_problem(&self, i: usize) -> bool {
        self.links.contains(&i)
    }
}
