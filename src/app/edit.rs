//! The edits the editor makes to a design, as plain functions on
//! [`Design`], so they are tested without a window and every caller (canvas,
//! palette, inspector, menu) makes the same change the same way.
//!
//! Edits keep the design consistent where they can: deleting a node removes
//! its links, the entry points and faults that name it; renaming a node or
//! an operation renames every reference to it.

use std::collections::BTreeSet;

use crate::model::style_allowed;
use crate::model::{
    Availability, Broker, BrokerKind, DataStore, Design, Distribution, Fault, Link, LinkIdx, Node,
    NodeId, NodeKind, Position, Service, Step, StoreKind, Style, Technology,
};
use crate::visual::NodeShape;

/// The kinds of node the palette adds, each with sensible starting values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NewNode {
    /// A service with a few workers and one operation.
    Service,
    /// A durable queue.
    Broker,
    /// A database.
    DataStore,
    /// A client (where load enters).
    Client,
}

impl NewNode {
    /// Every kind, in palette order.
    pub const ALL: [NewNode; 4] = [
        NewNode::Service,
        NewNode::Broker,
        NewNode::DataStore,
        NewNode::Client,
    ];

    /// The name shown on the palette button and given to new nodes.
    pub fn label(self) -> &'static str {
        match self {
            Self::Service => "Service",
            Self::Broker => "Broker",
            Self::DataStore => "Data store",
            Self::Client => "Client",
        }
    }

    /// What the palette says about the kind, as its tooltip.
    pub fn hint(self) -> &'static str {
        match self {
            Self::Service => "A process with a pool of workers that serves requests",
            Self::Broker => "A queue or log that carries events and asynchronous requests",
            Self::DataStore => "A database, cache or file share; services share data through it",
            Self::Client => "Where load enters: users, a browser, a partner system",
        }
    }

    /// The kind the node of `kind` would be added as.
    pub fn of(kind: &NodeKind) -> Self {
        match kind {
            NodeKind::Service(_) => Self::Service,
            NodeKind::Broker(_) => Self::Broker,
            NodeKind::DataStore(_) => Self::DataStore,
            NodeKind::Client => Self::Client,
        }
    }

    /// Its outline on the canvas.
    pub fn shape(self) -> NodeShape {
        NodeShape::of(&self.kind())
    }

    /// A new node's properties: a starting point people adjust.
    pub fn kind(self) -> NodeKind {
        match self {
            Self::Service => NodeKind::Service(Service::simple(
                4,
                Distribution::Exponential { mean_ms: 10.0 },
            )),
            Self::Broker => NodeKind::Broker(Broker {
                kind: BrokerKind::Queue,
                durable: true,
                delivery_latency: Distribution::Constant { ms: 1.0 },
                retention_s: None,
            }),
            Self::DataStore => NodeKind::DataStore(DataStore {
                kind: StoreKind::Database,
                read_latency: Distribution::Exponential { mean_ms: 2.0 },
                write_latency: Distribution::Exponential { mean_ms: 5.0 },
                connections: None,
                poll_interval_s: 1.0,
                availability: Availability::Always,
            }),
            Self::Client => NodeKind::Client,
        }
    }

    fn id_base(self) -> &'static str {
        match self {
            Self::Service => "service",
            Self::Broker => "broker",
            Self::DataStore => "store",
            Self::Client => "client",
        }
    }
}

/// Adds a node of `kind` centred at `pos`, with a fresh id and a name to
/// match (`service_2`, "Service 2"). Returns its id.
pub fn add_node(design: &mut Design, kind: NewNode, pos: Position) -> NodeId {
    let id = design.fresh_node_id(kind.id_base());
    let suffix = id.as_str().strip_prefix(kind.id_base()).unwrap_or_default();
    let name = format!("{}{}", kind.label(), suffix.replace('_', " "));
    design.nodes.push(Node {
        id: id.clone(),
        name,
        pos,
        notes: String::new(),
        kind: kind.kind(),
    });
    id
}

/// The styles a link may have from a node of kind `from` to one of kind
/// `to`, in menu order.
pub fn allowed_styles(from: &NodeKind, to: &NodeKind) -> Vec<Style> {
    Style::ALL
        .into_iter()
        .filter(|s| style_allowed(*s, from, to))
        .collect()
}

/// The technology a new link of `style` to a node of kind `to` usually has.
fn usual_technology(style: Style, to: &NodeKind) -> Technology {
    match (style, to) {
        (_, NodeKind::DataStore(d)) => match d.kind {
            StoreKind::FileShare | StoreKind::DataLake => Technology::File,
            StoreKind::Database | StoreKind::Cache => Technology::Database,
        },
        (Style::Sync, _) => Technology::Rest,
        (Style::AsyncRequest, _) => Technology::RabbitMq,
        (Style::Event, _) => Technology::Kafka,
        (Style::CommonData, _) => Technology::Database,
    }
}

/// Adds a link from `from` to `to`, in style `preferred` when the two kinds
/// allow it, otherwise in the first style they allow. Request-response
/// links get a timeout, as every request-response should have one.
/// Returns the new link's index, or why the two cannot be linked.
pub fn connect(
    design: &mut Design,
    from: &NodeId,
    to: &NodeId,
    preferred: Style,
) -> Result<LinkIdx, String> {
    if from == to {
        return Err("a node cannot link to itself".into());
    }
    let (Some(a), Some(b)) = (design.node(from), design.node(to)) else {
        return Err("both ends must be nodes of the design".into());
    };
    let styles = allowed_styles(&a.kind, &b.kind);
    let Some(&first) = styles.first() else {
        return Err(format!(
            "no communication style goes from a {} to a {}",
            a.kind_name(),
            b.kind_name()
        ));
    };
    let style = if styles.contains(&preferred) {
        preferred
    } else {
        first
    };
    let mut link = Link::new(from.clone(), to.clone(), style);
    link.technology = usual_technology(style, &b.kind);
    link.latency = Distribution::Constant { ms: 1.0 };
    if matches!(style, Style::Sync | Style::AsyncRequest) {
        link.timeout_ms = Some(1000.0);
    }
    design.links.push(link);
    let index = LinkIdx(design.links.len() - 1);
    // A new arrow from a service says "it calls that one": the call goes
    // at the end of its first operation, where the user can move it.
    if let Some(step) = design.step_for_link(index, 1.0)
        && let Some(op) = design
            .node_mut(from)
            .and_then(|n| n.as_service_mut())
            .and_then(|s| s.operations.first_mut())
    {
        op.steps.push(step);
    }
    Ok(index)
}

/// Changes a link's style and clears the properties that mean nothing in
/// the new style (a timeout on an event), so the change does not leave the
/// design invalid. A technology that was the usual one for the old style
/// becomes the usual one for the new.
pub fn restyle(design: &mut Design, index: usize, style: Style) {
    let to_kind = design
        .links
        .get(index)
        .and_then(|l| design.node(&l.to))
        .map(|n| n.kind.clone());
    let from_is_broker = design
        .links
        .get(index)
        .and_then(|l| design.node(&l.from))
        .is_some_and(|n| n.as_broker().is_some());
    let Some(link) = design.links.get_mut(index) else {
        return;
    };
    if let Some(to) = &to_kind
        && link.technology == usual_technology(link.style, to)
    {
        link.technology = usual_technology(style, to);
    }
    link.style = style;
    let request_response = matches!(style, Style::Sync | Style::AsyncRequest);
    if !request_response {
        link.timeout_ms = None;
        link.retries = 0;
        link.backoff_ms = 0.0;
        link.backoff_multiplier = 1.0;
    } else if link.timeout_ms.is_none() {
        link.timeout_ms = Some(1000.0);
    }
    if style != Style::AsyncRequest {
        link.via = None;
    }
    let consumes_async = style == Style::AsyncRequest || (style == Style::Event && from_is_broker);
    if !consumes_async {
        link.max_deliveries = None;
        link.dead_letter = None;
    }
    // The steps through the link become the step of its new style, made
    // as many times as before.
    let Some(fresh) = design.step_for_link(LinkIdx(index), 1.0) else {
        return;
    };
    design.replace_link_steps(LinkIdx(index), |old| {
        let mut step = fresh.clone();
        if let (Some(times), Step::Call(c) | Step::Read(c) | Step::Write(c) | Step::Update(c)) =
            (step_times(old), &mut step)
        {
            c.times = times;
        }
        vec![step]
    });
}

/// How many times a step runs per request, for the steps that say.
fn step_times(step: &Step) -> Option<f64> {
    match step {
        Step::Call(c) | Step::Read(c) | Step::Write(c) | Step::Update(c) => Some(c.times),
        Step::Request(r) => Some(r.times),
        _ => None,
    }
}

/// Deletes the nodes `nodes` and links `links` (by index), with everything
/// that cannot stand without them: links touching a deleted node, entry
/// points naming one, faults on a deleted node or on a link that no longer
/// exists, and `via` / `dead_letter` references to a deleted broker.
pub fn delete(design: &mut Design, nodes: &BTreeSet<NodeId>, links: &BTreeSet<usize>) {
    let pairs_before: BTreeSet<(NodeId, NodeId)> = design
        .links
        .iter()
        .map(|l| (l.from.clone(), l.to.clone()))
        .collect();
    // The steps through doomed links go first, while their references
    // still resolve.
    let doomed: Vec<usize> = (0..design.links.len())
        .filter(|i| {
            let l = &design.links[*i];
            links.contains(i) || nodes.contains(&l.from) || nodes.contains(&l.to)
        })
        .collect();
    for &i in &doomed {
        design.replace_link_steps(LinkIdx(i), |_| Vec::new());
    }
    let mut index = 0;
    design.links.retain(|l| {
        let keep = !links.contains(&index) && !nodes.contains(&l.from) && !nodes.contains(&l.to);
        index += 1;
        keep
    });
    for link in &mut design.links {
        if link.via.as_ref().is_some_and(|v| nodes.contains(v)) {
            link.via = None;
        }
        if link.dead_letter.as_ref().is_some_and(|v| nodes.contains(v)) {
            link.dead_letter = None;
        }
    }
    design.nodes.retain(|n| !nodes.contains(&n.id));
    design
        .entry_points
        .retain(|e| !nodes.contains(&e.client) && !nodes.contains(&e.target));
    let pairs_after: BTreeSet<(NodeId, NodeId)> = design
        .links
        .iter()
        .map(|l| (l.from.clone(), l.to.clone()))
        .collect();
    design
        .scenario
        .faults
        .retain(|f| match (f.node(), f.link()) {
            (Some(node), _) => !nodes.contains(node),
            (_, Some(link)) => {
                let pair = (link.from.clone(), link.to.clone());
                !pairs_before.contains(&pair) || pairs_after.contains(&pair)
            }
            (None, None) => true,
        });
}

/// Moves the nodes `ids` by `(dx, dy)` graph units.
pub fn move_nodes(design: &mut Design, ids: &BTreeSet<NodeId>, dx: f32, dy: f32) {
    for node in design.nodes.iter_mut().filter(|n| ids.contains(&n.id)) {
        node.pos.x += dx;
        node.pos.y += dy;
    }
}

/// Puts node `i` at `positions[i]` (as computed by the auto layout).
pub fn set_positions(design: &mut Design, positions: &[Position]) {
    for (node, pos) in design.nodes.iter_mut().zip(positions) {
        node.pos = *pos;
    }
}

/// Gives node `old` the id `new` and updates every reference to it.
pub fn rename_node(design: &mut Design, old: &NodeId, new: &NodeId) {
    let rename = |id: &mut NodeId| {
        if id == old {
            *id = new.clone();
        }
    };
    for node in &mut design.nodes {
        rename(&mut node.id);
    }
    for link in &mut design.links {
        rename(&mut link.from);
        rename(&mut link.to);
        link.via.as_mut().map(rename);
        link.dead_letter.as_mut().map(rename);
    }
    for entry in &mut design.entry_points {
        rename(&mut entry.client);
        rename(&mut entry.target);
    }
    // Steps that name the node as their link's target.
    for node in &mut design.nodes {
        if let Some(s) = node.as_service_mut() {
            for op in &mut s.operations {
                crate::model::walk_mut(&mut op.steps, &mut |step| {
                    if let Some(l) = step.link_mut()
                        && l.as_str() == old.as_str()
                    {
                        *l = new.to_string();
                    }
                });
            }
        }
    }
    for fault in &mut design.scenario.faults {
        match fault {
            Fault::Crash { node, .. } | Fault::SlowDown { node, .. } => rename(node),
            Fault::Drop { link, .. } | Fault::Error { link, .. } | Fault::Poison { link, .. } => {
                rename(&mut link.from);
                rename(&mut link.to);
            }
        }
    }
}

/// Points the steps of service `from` that name a link `old` at `new`
/// (the link was renamed).
pub fn rename_link_references(design: &mut Design, from: &NodeId, old: &str, new: &str) {
    let Some(s) = design.node_mut(from).and_then(|n| n.as_service_mut()) else {
        return;
    };
    for op in &mut s.operations {
        crate::model::walk_mut(&mut op.steps, &mut |step| {
            if let Some(l) = step.link_mut()
                && l.as_str() == old
            {
                *l = new.to_owned();
            }
        });
    }
}

/// Renames operation `old` of service `node` to `new`, in the service and
/// in every link and entry point that names it.
pub fn rename_operation(design: &mut Design, node: &NodeId, old: &str, new: &str) {
    if let Some(NodeKind::Service(s)) = design.node_mut(node).map(|n| &mut n.kind) {
        for op in s.operations.iter_mut().filter(|o| o.name == old) {
            op.name = new.to_owned();
        }
    }
    let rename = |op: &mut Option<String>| {
        if op.as_deref() == Some(old) {
            *op = Some(new.to_owned());
        }
    };
    for link in design.links.iter_mut().filter(|l| &l.to == node) {
        rename(&mut link.to_op);
    }
    for entry in design.entry_points.iter_mut().filter(|e| &e.target == node) {
        rename(&mut entry.operation);
    }
}

/// `base`, or `base_2`, `base_3`... : the first that `taken` says is free
/// (for new operations and entry points).
pub fn fresh_name(base: &str, taken: impl Fn(&str) -> bool) -> String {
    std::iter::once(base.to_owned())
        .chain((2..).map(|n| format!("{base}_{n}")))
        .find(|name| !taken(name))
        .unwrap_or_else(|| base.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntryPoint, LinkRef, Load};

    fn sample() -> Design {
        let mut d = Design::new("t");
        let c = add_node(&mut d, NewNode::Client, Position::default());
        let a = add_node(&mut d, NewNode::Service, Position::default());
        let b = add_node(&mut d, NewNode::Service, Position::default());
        connect(&mut d, &c, &a, Style::Sync).unwrap();
        connect(&mut d, &a, &b, Style::Sync).unwrap();
        d.entry_points.push(EntryPoint {
            name: "go".into(),
            client: c,
            target: a.clone(),
            operation: Some("handle".into()),
            objectives: Default::default(),
            load: Load::Open {
                arrival: crate::model::Arrival::Poisson,
                rate_per_s: 1.0,
            },
        });
        d.scenario.faults.push(Fault::Drop {
            link: LinkRef {
                from: a,
                to: b,
                name: None,
            },
            fraction: 0.1,
        });
        d
    }

    #[test]
    fn new_nodes_get_fresh_ids_and_matching_names() {
        let d = sample();
        assert_eq!(d.nodes[2].id.as_str(), "service_2");
        assert_eq!(d.nodes[2].name, "Service 2");
        assert!(d.problems().is_empty(), "{:?}", d.problems());
    }

    #[test]
    fn connect_picks_an_allowed_style() {
        let mut d = sample();
        let broker = add_node(&mut d, NewNode::Broker, Position::default());
        let link = connect(&mut d, &"service".into(), &broker, Style::Sync).unwrap();
        assert_eq!(d.links[link.0].style, Style::Event);
        assert!(connect(&mut d, &"client".into(), &"client".into(), Style::Sync).is_err());
        let c2 = add_node(&mut d, NewNode::Client, Position::default());
        assert!(connect(&mut d, &"client".into(), &c2, Style::Sync).is_err());
    }

    #[test]
    fn restyle_clears_what_does_not_apply() {
        let mut d = sample();
        restyle(&mut d, 1, Style::Event);
        let l = &d.links[1];
        assert_eq!((l.style, l.timeout_ms), (Style::Event, None));
        assert_eq!(l.technology, Technology::Kafka);
        // The call through it became a publish.
        let steps = &d.nodes[1].as_service().expect("a service").operations[0].steps;
        assert!(
            matches!(steps.last(), Some(Step::Publish(to)) if to == "service_2"),
            "{steps:?}"
        );
        assert!(d.problems().is_empty(), "{:?}", d.problems());
    }

    #[test]
    fn deleting_a_node_removes_what_names_it() {
        let mut d = sample();
        delete(
            &mut d,
            &BTreeSet::from(["service".into()]),
            &BTreeSet::new(),
        );
        assert_eq!(d.nodes.len(), 2);
        assert!(d.links.is_empty());
        assert!(d.entry_points.is_empty());
        assert!(d.scenario.faults.is_empty());
        assert!(d.problems().is_empty(), "{:?}", d.problems());
    }

    #[test]
    fn deleting_a_link_removes_its_faults() {
        let mut d = sample();
        delete(&mut d, &BTreeSet::new(), &BTreeSet::from([1]));
        assert_eq!(d.links.len(), 1);
        assert!(d.scenario.faults.is_empty());
    }

    #[test]
    fn renames_follow_every_reference() {
        let mut d = sample();
        rename_node(&mut d, &"service".into(), &"orders".into());
        rename_operation(&mut d, &"orders".into(), "handle", "place");
        assert!(d.problems().is_empty(), "{:?}", d.problems());
        assert_eq!(d.entry_points[0].target.as_str(), "orders");
        assert_eq!(d.entry_points[0].operation.as_deref(), Some("place"));
    }
}
