//! Editing the steps that go through a link, for the changes that touch
//! links: the editor deleting or restyling one, a refactoring turning a
//! call into an event or a request. Steps name links by name or target,
//! so these find a link's steps the way the engine does.

use super::{CallStep, Design, LinkIdx, LinkNames, NodeId, RequestStep, Step, Style};

impl Design {
    /// The references in steps of `link`'s sending node that mean `link`.
    fn references(&self, link: LinkIdx) -> (NodeId, Vec<String>) {
        let Some(l) = self.link(link) else {
            return (NodeId::new(""), Vec::new());
        };
        let names = LinkNames::new(self);
        let refs = [l.name.clone(), Some(l.to.to_string())]
            .into_iter()
            .flatten()
            .filter(|r| names.get(&l.from, r) == Some(link))
            .collect();
        (l.from.clone(), refs)
    }

    /// Replaces every step (nested ones included) that goes through
    /// `link` with what `replace` makes of it: nothing removes it.
    /// Returns how many steps were replaced.
    pub fn replace_link_steps(
        &mut self,
        link: LinkIdx,
        mut replace: impl FnMut(&Step) -> Vec<Step>,
    ) -> usize {
        let (from, refs) = self.references(link);
        if refs.is_empty() {
            return 0;
        }
        let mut count = 0;
        if let Some(service) = self.node_mut(&from).and_then(|n| n.as_service_mut()) {
            for op in &mut service.operations {
                count += replace_in(&mut op.steps, &refs, &mut replace);
            }
        }
        count
    }

    /// Points the steps that go through `link` at `reference` (after the
    /// link was renamed or moved to another node).
    pub fn rename_link_steps(&mut self, link: LinkIdx, reference: &str) {
        self.replace_link_steps(link, |step| {
            let mut step = step.clone();
            if let Some(l) = step.link_mut() {
                *l = reference.to_owned();
            }
            vec![step]
        });
    }

    /// Removes the link at `link` with every step that goes through it;
    /// the link, if there was one.
    pub fn remove_link(&mut self, link: LinkIdx) -> Option<super::Link> {
        self.link(link)?;
        self.replace_link_steps(link, |_| Vec::new());
        Some(self.links.remove(link.0))
    }

    /// The step a service would naturally take through `link`, `times`
    /// per request: a call, a store access (read and write), a publish,
    /// a request or a write of common data. `None` for links that do not
    /// leave a service, or that steps cannot tell apart from another
    /// (give it a name first).
    pub fn step_for_link(&self, link: LinkIdx, times: f64) -> Option<Step> {
        self.step_for_link_named(&LinkNames::new(self), &self.node_index(), link, times)
    }

    /// [`Self::step_for_link`] with the design's indexes built once.
    fn step_for_link_named(
        &self,
        names: &LinkNames<'_>,
        nodes: &foldhash::HashMap<&NodeId, super::NodeIdx>,
        link: LinkIdx,
        times: f64,
    ) -> Option<Step> {
        let l = self.link(link)?;
        let node = |id: &NodeId| nodes.get(id).map(|i| &self.nodes[i.0]);
        node(&l.from)?.as_service()?;
        let reference = names.reference(l, link)?;
        let to_store = node(&l.to).is_some_and(|n| n.as_store().is_some());
        let mut call = CallStep::to(reference.clone());
        call.times = times;
        Some(match l.style {
            Style::Sync if to_store => Step::Update(call),
            Style::Sync => Step::Call(call),
            Style::CommonData => Step::Write(call),
            Style::Event => Step::Publish(reference),
            Style::AsyncRequest => {
                let mut r = RequestStep::to(reference);
                r.times = times;
                Step::Request(r)
            }
        })
    }

    /// Gives every link of a service that no step uses a step at the end
    /// of the service's first operation (naming links that share both
    /// ends), `times` per request: how generated designs and a freshly
    /// drawn arrow say "this service calls that one".
    pub fn use_every_link(&mut self, times: f64) {
        let mut pairs: foldhash::HashMap<(String, String), usize> = foldhash::HashMap::default();
        for l in &self.links {
            *pairs
                .entry((l.from.to_string(), l.to.to_string()))
                .or_default() += 1;
        }
        for i in 0..self.links.len() {
            let l = &self.links[i];
            if l.name.is_none() && pairs[&(l.from.to_string(), l.to.to_string())] > 1 {
                self.links[i].name = Some(format!("link{i}"));
            }
        }
        let mut added: Vec<(NodeId, Step)> = Vec::new();
        let names = LinkNames::new(self);
        let nodes = self.node_index();
        let mut used = foldhash::HashSet::default();
        for node in &self.nodes {
            let Some(s) = node.as_service() else { continue };
            for op in &s.operations {
                super::walk(&op.steps, &mut |step, _| {
                    if let Some(l) = step.link().and_then(|r| names.get(&node.id, r)) {
                        used.insert(l);
                    }
                });
            }
        }
        for i in 0..self.links.len() {
            if used.contains(&LinkIdx(i)) {
                continue;
            }
            if let Some(step) = self.step_for_link_named(&names, &nodes, LinkIdx(i), times) {
                added.push((self.links[i].from.clone(), step));
            }
        }
        drop(names);
        drop(nodes);
        let index = self.node_index();
        let mut by_node: Vec<Vec<Step>> = vec![Vec::new(); self.nodes.len()];
        for (from, step) in added {
            if let Some(&n) = index.get(&from) {
                by_node[n.0].push(step);
            }
        }
        drop(index);
        for (node, steps) in self.nodes.iter_mut().zip(by_node) {
            if let Some(op) = node.as_service_mut().and_then(|s| s.operations.first_mut()) {
                op.steps.extend(steps);
            }
        }
    }

    /// Removes the steps whose link is not in the design (a service copied
    /// without the nodes it calls), and the blocks that leaves empty.
    pub fn drop_dangling_steps(&mut self) {
        let dangling: Vec<(NodeId, String)> = {
            let names = LinkNames::new(self);
            let mut found = Vec::new();
            for node in &self.nodes {
                let Some(s) = node.as_service() else { continue };
                for op in &s.operations {
                    super::walk(&op.steps, &mut |step, _| {
                        if let Some(r) = step.link()
                            && names.get(&node.id, r).is_none()
                        {
                            found.push((node.id.clone(), r.to_owned()));
                        }
                    });
                }
            }
            found
        };
        for (node, reference) in dangling {
            if let Some(s) = self.node_mut(&node).and_then(|n| n.as_service_mut()) {
                let refs = [reference];
                for op in &mut s.operations {
                    replace_in(&mut op.steps, &refs, &mut |_| Vec::new());
                }
            }
        }
    }

    /// Whether some step of the sending service goes through `link`.
    pub fn link_is_used(&self, link: LinkIdx) -> bool {
        let (from, refs) = self.references(link);
        let Some(service) = self.node(&from).and_then(|n| n.as_service()) else {
            return false;
        };
        let mut used = false;
        for op in &service.operations {
            super::walk(&op.steps, &mut |step, _| {
                used |= step.link().is_some_and(|l| refs.iter().any(|r| r == l));
            });
        }
        used
    }
}

/// Replaces the steps of `steps` that name one of `refs`, depth first.
fn replace_in(
    steps: &mut Vec<Step>,
    refs: &[String],
    replace: &mut impl FnMut(&Step) -> Vec<Step>,
) -> usize {
    let mut count = 0;
    let mut i = 0;
    while i < steps.len() {
        let mut inner = 0;
        for block in steps[i].blocks_mut() {
            inner += replace_in(block, refs, replace);
        }
        count += inner;
        // A block whose steps all went goes too (an empty one is invalid).
        if inner > 0 && matches!(&steps[i], Step::Parallel(s) | Step::Sequence(s) if s.is_empty()) {
            steps.remove(i);
            continue;
        }
        if steps[i].link().is_some_and(|l| refs.iter().any(|r| r == l)) {
            let new = replace(&steps[i]);
            let n = new.len();
            steps.splice(i..=i, new);
            count += 1;
            i += n;
        } else {
            i += 1;
        }
    }
    count
}
