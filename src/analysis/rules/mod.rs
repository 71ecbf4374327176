//! The static rules, grouped by what they look at.

mod calls;
mod chains;
mod coupling;
mod data;
mod messaging;

use serde::Serialize;

use super::Finding;
use super::graph::DesignGraph;
use crate::advice::{Refactor, Suggestion};
use crate::list::abbreviated;
use crate::model::{Design, LinkIdx, NodeId, Thresholds};

/// What one entry point depends on: the facts behind the coupling and chain
/// findings, and what the app highlights when the entry point is chosen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntrySummary {
    /// The entry point's name.
    pub entry_point: String,
    /// The node its requests arrive at.
    pub target: NodeId,
    /// Services and stores a request may need up to succeed: everything
    /// reached over `sync` calls it waits for and that have no fallback.
    pub coupling_set: Vec<NodeId>,
    /// The `sync` links among them.
    pub coupling_links: Vec<LinkIdx>,
    /// The members of the coupling set only some requests need: behind an
    /// either/or branch, or with a fallback elsewhere that covers them.
    /// Every request fails while any other member is down.
    pub sometimes_needed: Vec<NodeId>,
    /// The chance that what a request needs is up, from the steps: calls
    /// with a fallback and either/or branches counted by how they decide
    /// success (see [`crate::analysis::availability`]). The product of the
    /// members' availabilities when every request needs them all.
    pub compound_availability: f64,
    /// The availability of the entry's own node.
    pub entry_availability: f64,
    /// The longest chain of blocking calls, in order.
    pub chain: Vec<NodeId>,
    /// Its links.
    pub chain_links: Vec<LinkIdx>,
    /// Expected time a request spends on the chain, ms (own work and
    /// network along it, with everything each hop waits for).
    pub chain_latency_ms: f64,
    /// Expected latency of the entry's operation with all its sync calls,
    /// ms (parallel calls counted by their slowest mean).
    pub expected_latency_ms: f64,
    /// Connections held open along the chain at once, on average, at the
    /// entry's arrival rate (Little's law on each hop's wait).
    pub held_connections: f64,
}

/// What every rule may read.
pub(crate) struct Ctx<'g, 'd> {
    pub g: &'g DesignGraph<'d>,
    pub design: &'d Design,
    pub thresholds: &'d Thresholds,
    /// Expected latency of every endpoint, ms.
    pub latencies: Vec<f64>,
    pub entries: Vec<EntrySummary>,
    /// Each entry's coupling set as node indices, in the same order.
    pub coupling_nodes: Vec<Vec<crate::model::NodeIdx>>,
    /// Per link, the time a call over it takes if it is a `sync` call to a
    /// service, NaN otherwise (empty without entry points).
    pub movable_latency: Vec<f64>,
}

impl<'d> Ctx<'_, 'd> {
    /// The display name of a node.
    pub fn name<'a>(&'a self, id: &'a NodeId) -> &'a str {
        self.node(id)
            .map_or(id.as_str(), crate::model::Node::display_name)
    }

    /// Display names joined by arrows, abbreviated when long (see
    /// [`abbreviated`]; the finding's `nodes` still list them all).
    pub fn path(&self, ids: &[NodeId]) -> String {
        abbreviated(ids, " → ", |id| self.name(id))
    }

    /// A suggestion for this design.
    pub fn suggest(&self, refactor: Refactor) -> Suggestion {
        Suggestion::with_names(self.design, refactor, &|id| self.name(id).to_owned())
    }

    /// The node with id `id`, in constant time.
    pub fn node(&self, id: &NodeId) -> Option<&'d crate::model::Node> {
        self.g.node_by_id(id)
    }

    /// The nodes link `l` joins, found without an id lookup (rules that
    /// look at every link use this).
    pub fn ends(&self, l: LinkIdx) -> Option<(&'d crate::model::Node, &'d crate::model::Node)> {
        self.g.link_nodes(l)
    }

    /// The display names of the nodes link `l` joins.
    pub fn end_names(&self, l: LinkIdx) -> (&'d str, &'d str) {
        self.ends(l)
            .map_or(("?", "?"), |(a, b)| (a.display_name(), b.display_name()))
    }

    /// The link at `l`.
    pub fn link(&self, l: LinkIdx) -> &crate::model::Link {
        &self.design.links[l.0]
    }
}

/// Runs every static rule.
pub(crate) fn run(g: &DesignGraph<'_>) -> (Vec<Finding>, Vec<EntrySummary>) {
    let latencies = g.expected_latencies_ms();
    let (entries, coupling_nodes) = coupling::summaries(g, &latencies);
    let movable_latency = if entries.is_empty() {
        Vec::new()
    } else {
        coupling::movable_latencies(g, &latencies)
    };
    let ctx = Ctx {
        g,
        design: g.design,
        thresholds: &g.design.thresholds,
        latencies,
        entries,
        coupling_nodes,
        movable_latency,
    };
    let mut findings = Vec::new();
    coupling::temporal_coupling(&ctx, &mut findings);
    coupling::single_point_of_failure(&ctx, &mut findings);
    chains::long_blocking_chain(&ctx, &mut findings);
    chains::sync_cycle(&ctx, &mut findings);
    chains::sequential_fanout(&ctx, &mut findings);
    chains::long_running_sync(&ctx, &mut findings);
    data::shared_writable_store(&ctx, &mut findings);
    messaging::event_callback(&ctx, &mut findings);
    messaging::unbounded_retries(&ctx, &mut findings);
    messaging::technology_mismatch(&ctx, &mut findings);
    calls::no_timeout(&ctx, &mut findings);
    calls::response_not_needed(&ctx, &mut findings);
    calls::unused_link(&ctx, &mut findings);
    (findings, ctx.entries)
}
