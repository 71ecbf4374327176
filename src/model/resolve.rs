//! How a step names its link, written once: by the link's `name`, or by
//! the id of the node it goes to when only one link of the service goes
//! there. Validation, the engine, analysis and the editor all resolve
//! through [`LinkNames`].

use foldhash::HashMap;

use super::{Design, LinkIdx, NodeId};

/// What a reference from one node resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Exactly this link.
    One(LinkIdx),
    /// This many links go to that node and none is named so: the step
    /// must use a link name.
    Ambiguous(usize),
    /// No link of the node answers to the name.
    Missing,
}

/// The links of every node by name and by target, built once per design.
#[derive(Debug, Default)]
pub struct LinkNames<'d> {
    by_name: HashMap<(&'d str, &'d str), LinkIdx>,
    /// The first link from one node to another, and how many there are
    /// (one entry per pair: a million links need no million lists).
    by_target: HashMap<(&'d str, &'d str), (LinkIdx, usize)>,
}

impl<'d> LinkNames<'d> {
    /// Indexes the links of `design`. Of links sharing a name at one node
    /// (a validation error), the first counts.
    pub fn new(design: &'d Design) -> Self {
        let mut names = Self::default();
        for (i, l) in design.links.iter().enumerate() {
            if let Some(name) = &l.name {
                names
                    .by_name
                    .entry((l.from.as_str(), name.as_str()))
                    .or_insert(LinkIdx(i));
            }
            names
                .by_target
                .entry((l.from.as_str(), l.to.as_str()))
                .and_modify(|(_, count)| *count += 1)
                .or_insert((LinkIdx(i), 1));
        }
        names
    }

    /// The link of node `from` that `name` means.
    pub fn resolve(&self, from: &NodeId, name: &str) -> Resolved {
        if let Some(&l) = self.by_name.get(&(from.as_str(), name)) {
            return Resolved::One(l);
        }
        match self.by_target.get(&(from.as_str(), name)) {
            Some(&(one, 1)) => Resolved::One(one),
            Some(&(_, many)) => Resolved::Ambiguous(many),
            None => Resolved::Missing,
        }
    }

    /// The shortest reference a step of `link`'s sending node can use for
    /// it (the link at `idx`): the target's id when no other link goes
    /// there and no link is named like it, else the link's name.
    pub fn reference(&self, link: &super::Link, idx: LinkIdx) -> Option<String> {
        let from = link.from.as_str();
        let to = link.to.as_str();
        let alone = self
            .by_target
            .get(&(from, to))
            .is_some_and(|&(_, n)| n == 1);
        let shadowed = self.by_name.get(&(from, to)).is_some_and(|&l| l != idx);
        if alone && !shadowed {
            Some(to.to_owned())
        } else {
            link.name.clone()
        }
    }

    /// The link `name` means, when it means exactly one.
    pub fn get(&self, from: &NodeId, name: &str) -> Option<LinkIdx> {
        match self.resolve(from, name) {
            Resolved::One(l) => Some(l),
            _ => None,
        }
    }
}

impl Design {
    /// The shortest reference a step of `link`'s sending node can use for
    /// it ([`LinkNames::reference`]). Indexes the design: callers with
    /// many links build one [`LinkNames`] instead.
    pub fn step_reference(&self, link: LinkIdx) -> Option<String> {
        LinkNames::new(self).reference(self.link(link)?, link)
    }
}
