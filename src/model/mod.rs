//! The design document: what a user draws and saves.
//!
//! A [`Design`] is plain data (nodes, links, entry points, a scenario). It is
//! loaded from and saved to `.archsim.ron` by [`file`], checked by
//! [`validate`], and read by every other part of archsim. Nothing here knows
//! about simulation or drawing.

mod canonical;
mod disk;
mod distribution;
mod entry;
mod error;
pub mod file;
mod ids;
mod link;
mod locate;
mod node;
mod path;
mod program;
pub(crate) mod read;
mod resolve;
mod scenario;
mod serde_defaults;
mod step;
mod style;
mod temp;
mod thresholds;
mod v1;
pub mod validate;

use foldhash::HashMap;

use serde::{Deserialize, Serialize};

pub use disk::DiskStamp;
pub use distribution::{Bucket, Distribution, MAX_GAMMA_CV, MAX_MEASUREMENTS};
pub(crate) use distribution::{gamma_shape_scale, spans};
pub use entry::{Arrival, EntryPoint, Load, Objectives};
pub use error::{Invalid, LoadError, Location, Measurements, Problem};
pub use ids::{LinkIdx, NodeId, NodeIdx};
pub use link::{Access, Link, Style, Technology};
pub use node::{
    Availability, Broker, BrokerKind, DataStore, Node, NodeKind, Operation, Position, Service,
    StoreKind, WhenDown,
};
pub use path::{FieldPath, PathSeg};
pub use resolve::{LinkNames, Resolved};
pub use scenario::{Fault, LinkRef, Scenario};
pub use step::{Branch, CallStep, MAX_STEP_DEPTH, Nesting, RequestStep, Step, walk, walk_mut};
pub use style::{step_link_violation, steps_for_link, style_allowed};
pub use thresholds::Thresholds;

use serde_defaults::is_default;

/// The file format version this archsim writes and reads.
pub const FORMAT_VERSION: u32 = 2;

/// A whole design: the content of one `.archsim.ron` file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Design {
    /// File format version, so later versions of archsim can migrate.
    pub format: u32,
    /// Title of the design.
    pub name: String,
    /// What the design shows or teaches, in a few sentences.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The boxes.
    #[serde(default)]
    pub nodes: Vec<Node>,
    /// The arrows: who can talk to whom, in which style, over what
    /// transport. What a service does with them is in its steps.
    #[serde(default)]
    pub links: Vec<Link>,
    /// Where load enters.
    #[serde(default)]
    pub entry_points: Vec<EntryPoint>,
    /// Duration, seed and faults of a simulation run.
    #[serde(default)]
    pub scenario: Scenario,
    /// Analysis thresholds for this design.
    #[serde(default, skip_serializing_if = "is_default")]
    pub thresholds: Thresholds,
}

impl Default for Design {
    fn default() -> Self {
        Self::new("Untitled design")
    }
}

impl Design {
    /// An empty design with the current format version.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            format: FORMAT_VERSION,
            name: name.into(),
            description: String::new(),
            nodes: Vec::new(),
            links: Vec::new(),
            entry_points: Vec::new(),
            scenario: Scenario::default(),
            thresholds: Thresholds::default(),
        }
    }

    /// The node with id `id`.
    pub fn node(&self, id: &NodeId) -> Option<&Node> {
        self.nodes.iter().find(|n| &n.id == id)
    }

    /// The node with id `id`, for editing.
    pub fn node_mut(&mut self, id: &NodeId) -> Option<&mut Node> {
        self.nodes.iter_mut().find(|n| &n.id == id)
    }

    /// A map from node id to its index, for code that looks up many ids.
    pub fn node_index(&self) -> HashMap<&NodeId, NodeIdx> {
        self.nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (&n.id, NodeIdx(i)))
            .collect()
    }

    /// The link at `idx`.
    pub fn link(&self, idx: LinkIdx) -> Option<&Link> {
        self.links.get(idx.0)
    }

    /// The links leaving `id`, with their indices, in file order.
    pub fn links_from<'a>(
        &'a self,
        id: &'a NodeId,
    ) -> impl Iterator<Item = (LinkIdx, &'a Link)> + 'a {
        self.links
            .iter()
            .enumerate()
            .filter(move |(_, l)| &l.from == id)
            .map(|(i, l)| (LinkIdx(i), l))
    }

    /// The links arriving at `id`, with their indices, in file order.
    pub fn links_to<'a>(
        &'a self,
        id: &'a NodeId,
    ) -> impl Iterator<Item = (LinkIdx, &'a Link)> + 'a {
        self.links
            .iter()
            .enumerate()
            .filter(move |(_, l)| &l.to == id)
            .map(|(i, l)| (LinkIdx(i), l))
    }

    /// The display name of a node, falling back to its id.
    pub fn display_name<'a>(&'a self, id: &'a NodeId) -> &'a str {
        self.node(id).map_or(id.as_str(), Node::display_name)
    }

    /// A node id not used yet, built from `base` (`service`, `service_2`...),
    /// for nodes added in the editor or by a refactoring.
    pub fn fresh_node_id(&self, base: &str) -> NodeId {
        let taken = |candidate: &str| self.nodes.iter().any(|n| n.id.as_str() == candidate);
        if !taken(base) {
            return NodeId::new(base);
        }
        (2..)
            .map(|i| format!("{base}_{i}"))
            .find(|c| !taken(c))
            .map(NodeId)
            .unwrap_or_else(|| NodeId::new(base))
    }

    /// The operation an entry point's requests invoke: its `operation`, or
    /// else the first operation of its target. `None` when it names none
    /// and the target is not a service with operations.
    pub fn entry_operation<'a>(&'a self, entry: &'a EntryPoint) -> Option<&'a str> {
        match &entry.operation {
            Some(op) => Some(op),
            None => self
                .node(&entry.target)?
                .as_service()?
                .operations
                .first()
                .map(|o| o.name.as_str()),
        }
    }

    /// The link that carries an entry point's requests: from its client to
    /// its target, invoking its operation. A link without `to_op` carries
    /// requests for any operation of its target.
    pub fn entry_link(&self, entry: &EntryPoint) -> Option<LinkIdx> {
        let op = self.entry_operation(entry);
        self.links
            .iter()
            .position(|l| carries(l, entry, op))
            .map(LinkIdx)
    }

    /// Checks the design; an empty list means it is valid.
    pub fn problems(&self) -> Vec<Problem> {
        validate::validate(self)
    }
}

/// Whether `link` carries the requests of `entry`, whose operation is `op`
/// (see [`Design::entry_operation`]).
fn carries(link: &Link, entry: &EntryPoint, op: Option<&str>) -> bool {
    link.from == entry.client
        && link.to == entry.target
        && match &link.to_op {
            None => true,
            Some(to_op) => Some(to_op.as_str()) == op,
        }
}
