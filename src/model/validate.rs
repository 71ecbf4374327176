//! Semantic checks of a design: everything the type system cannot say.
//!
//! A design that passes [`validate`] can be simulated, analysed and drawn
//! without further checks: every reference resolves, every number is finite
//! and in range, every link makes sense for the kinds of node it joins.
//! A cycle of `sync` calls is allowed (it is an analysis finding, not an
//! error).

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::collections::hash_map::Entry;
use std::fmt;

use super::error::{Invalid, Measurements, Problem};
use super::path::FieldPath;
use super::style::{ASYNC_CONSUMPTION, REQUEST_RESPONSE, kind_rule_violation};
use super::{
    Availability, Broker, BrokerKind, Bucket, Design, Distribution, EntryPoint, FORMAT_VERSION,
    Fault, Link, LinkNames, Load, MAX_GAMMA_CV, MAX_MEASUREMENTS, Node, NodeId, NodeKind, Style,
    Thresholds,
};

mod loops;
mod steps;

/// A number as a message shows it: as written for everyday values, with
/// an exponent for huge and tiny ones (`1e300`, not 301 digits).
pub(crate) fn number_text(v: f64) -> String {
    let size = v.abs();
    if size != 0.0 && size.is_finite() && !(1e-6..1e16).contains(&size) {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

/// Up to this many operations, a linear scan beats hashing.
const SMALL: usize = 8;

/// The most problems reported for one design; a broken generated file
/// should not print a million lines.
pub const MAX_PROBLEMS: usize = 100;

/// Every problem with `design`, in document order (nodes, links, entry
/// points, scenario, thresholds). Empty when the design is valid.
pub fn validate(design: &Design) -> Vec<Problem> {
    let mut c = Checker::new(design);
    c.check();
    c.problems
}

/// The thing a problem is about, named only when a problem is reported:
/// building the name of every node and link up front cost a fifth of the
/// time to validate a large design.
#[derive(Clone, Copy)]
enum What<'a> {
    Node(&'a Node),
    Link(&'a Link),
    Entry(&'a EntryPoint),
    /// The fault and its index in the list.
    Fault(usize, &'a Fault),
    Scenario,
    Thresholds,
}

impl fmt::Display for What<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            What::Node(n) => write!(f, "{} \"{}\"", n.kind_name(), n.id),
            What::Link(l) => write!(f, "link \"{}\"", l.label()),
            What::Entry(e) => write!(f, "entry point \"{}\"", e.name),
            What::Fault(i, fault) => write!(f, "fault {} ({})", i + 1, fault.kind_name()),
            What::Scenario => f.write_str("the scenario"),
            What::Thresholds => f.write_str("thresholds"),
        }
    }
}

/// What a number must be.
#[derive(Clone, Copy)]
enum Rule {
    NonNegative,
    Positive,
    AtLeastOne,
    Probability,
}

impl Rule {
    fn holds(self, v: f64) -> bool {
        v.is_finite()
            && match self {
                Rule::NonNegative => v >= 0.0,
                Rule::Positive => v > 0.0,
                Rule::AtLeastOne => v >= 1.0,
                Rule::Probability => (0.0..=1.0).contains(&v),
            }
    }

    fn words(self) -> &'static str {
        match self {
            Rule::NonNegative => "a finite number ≥ 0",
            Rule::Positive => "a finite number > 0",
            Rule::AtLeastOne => "a finite number ≥ 1",
            Rule::Probability => "a probability between 0 and 1",
        }
    }
}

/// Walks a design once, with indexes so that every check is a lookup: a
/// file of many thousands of links, entry points or faults is validated in
/// linear time.
struct Checker<'d> {
    design: &'d Design,
    /// The first node with each id.
    by_id: HashMap<&'d str, &'d Node>,
    /// The operation names of each service with many of them (the first
    /// node with an id); a few are simply scanned.
    many_ops: HashMap<&'d str, HashSet<&'d str>>,
    /// The links from one node to another.
    between: HashMap<(&'d str, &'d str), Pair<'d>>,
    /// How steps name links.
    names: LinkNames<'d>,
    problems: Vec<Problem>,
    suppressed: usize,
}

impl<'d> Checker<'d> {
    fn new(design: &'d Design) -> Self {
        let mut by_id = HashMap::with_capacity(design.nodes.len());
        let mut many_ops = HashMap::new();
        for n in &design.nodes {
            // Of nodes sharing an id (reported later), the first counts.
            let Entry::Vacant(slot) = by_id.entry(n.id.as_str()) else {
                continue;
            };
            slot.insert(n);
            if let Some(s) = n.as_service()
                && s.operations.len() > SMALL
            {
                let names = s.operations.iter().map(|o| o.name.as_str()).collect();
                many_ops.insert(n.id.as_str(), names);
            }
        }
        let mut between: HashMap<(&str, &str), Pair<'_>> =
            HashMap::with_capacity(design.links.len());
        for l in &design.links {
            let pair = between.entry((l.from.as_str(), l.to.as_str())).or_default();
            pair.pulled |= by_id
                .get(l.from.as_str())
                .is_some_and(|n| l.consumes_async(&n.kind));
            pair.first.get_or_insert(l);
            match &l.to_op {
                None => pair.any_op = true,
                Some(op) => {
                    pair.ops.insert(op);
                }
            }
        }
        Self {
            design,
            by_id,
            many_ops,
            between,
            names: LinkNames::new(design),
            problems: Vec::new(),
            suppressed: 0,
        }
    }

    /// Whether another problem would still be listed; checks whose message
    /// is costly to build skip building it when not.
    fn listing(&mut self) -> bool {
        if self.problems.len() < MAX_PROBLEMS {
            true
        } else {
            self.suppressed += 1;
            false
        }
    }

    /// The links from `from` to `to`, when there are any.
    fn links_between(&self, from: &'d NodeId, to: &'d NodeId) -> Option<&Pair<'d>> {
        self.between.get(&(from.as_str(), to.as_str()))
    }

    fn report(&mut self, path: FieldPath, invalid: Invalid) {
        if self.listing() {
            self.problems.push(Problem::new(path, invalid));
        }
    }

    /// Reports the problem `build` describes, building it only if it will
    /// be listed: a file with a mistake in each of thousands of elements
    /// must not format thousands of messages nobody sees.
    fn report_with(&mut self, build: impl FnOnce(&Self) -> (FieldPath, Invalid)) {
        if self.listing() {
            let (path, invalid) = build(self);
            self.problems.push(Problem::new(path, invalid));
        }
    }

    fn check(&mut self) {
        let root = FieldPath::root();
        if self.design.format != FORMAT_VERSION {
            self.report(
                root.field("format"),
                Invalid::FormatVersion {
                    found: self.design.format,
                    supported: FORMAT_VERSION,
                },
            );
        }
        for (i, node) in self.design.nodes.iter().enumerate() {
            let path = root.field("nodes").index(i);
            // A later node with the id of an earlier one.
            let first = self.by_id.get(node.id.as_str());
            if first.is_some_and(|first| !std::ptr::eq(*first, node)) {
                self.report(
                    path.field("id"),
                    Invalid::DuplicateNodeId {
                        id: node.id.to_string(),
                    },
                );
            }
            self.node(&path, node);
            self.operation_names(&path, node);
        }
        for (i, link) in self.design.links.iter().enumerate() {
            let path = root.field("links").index(i);
            self.link(&path, link);
            self.backoff(&path, link);
        }
        let mut names = HashSet::with_capacity(self.design.entry_points.len());
        for (i, entry) in self.design.entry_points.iter().enumerate() {
            let path = root.field("entry_points").index(i);
            if entry.name.trim().is_empty() {
                self.report(
                    path.field("name"),
                    Invalid::EmptyEntryName {
                        number: i + 1,
                        client: entry.client.to_string(),
                        target: entry.target.to_string(),
                    },
                );
            } else if !names.insert(entry.name.as_str()) {
                self.report(
                    path.field("name"),
                    Invalid::DuplicateEntryPoint {
                        name: entry.name.clone(),
                    },
                );
            }
            self.entry(&path, entry);
        }
        self.endless_requests();
        self.scenario(&root.field("scenario"));
        self.thresholds(&root.field("thresholds"), &self.design.thresholds);
        if self.suppressed > 0 {
            let more = self.suppressed;
            self.problems
                .push(Problem::new(root, Invalid::MoreProblems { count: more }));
        }
    }

    /// Reports `value` when it breaks `rule`. The path is only built then:
    /// most numbers are fine, and building a path allocates.
    fn number(
        &mut self,
        path: impl FnOnce() -> FieldPath,
        what: What<'_>,
        field: &str,
        value: f64,
        rule: Rule,
    ) {
        if !rule.holds(value) {
            self.report_with(|_| {
                let invalid = Invalid::BadNumber {
                    what: what.to_string(),
                    field: field.to_owned(),
                    value: number_text(value),
                    rule: rule.words(),
                };
                (path(), invalid)
            });
        }
    }

    /// Checks a distribution; each problem points at the parameter at
    /// fault (`service_time.mean_ms`, `service_time.values_ms[3]`). The
    /// rules between parameters are checked once each is in range.
    fn distribution(
        &mut self,
        path: &dyn Fn() -> FieldPath,
        what: What<'_>,
        field: &dyn fmt::Display,
        d: &Distribution,
    ) {
        let mut in_range = true;
        for p in d.parameters() {
            if !Rule::NonNegative.holds(p.value) {
                in_range = false;
                self.number(
                    || p.path_in(&path()),
                    what,
                    &format!("{field}.{p}"),
                    p.value,
                    Rule::NonNegative,
                );
            }
        }
        let bad = |param: &'static str, value: f64, rule: &'static str| {
            let invalid = Invalid::BadNumber {
                what: what.to_string(),
                field: format!("{field}.{param}"),
                value: number_text(value),
                rule,
            };
            (path().field(param), invalid)
        };
        let measurements = |list: &'static str, problem: Measurements| {
            let invalid = Invalid::BadMeasurements {
                what: what.to_string(),
                field: format!("{field}.{list}"),
                problem,
            };
            (path().field(list), invalid)
        };
        let problem = match d {
            Distribution::Uniform { min_ms, max_ms } if min_ms > max_ms => {
                Some(bad("min_ms", *min_ms, "at most max_ms"))
            }
            // Log-normal and gamma parameters come from mean and sd; a
            // spread around a mean of 0 has none (log-space sigma, or the
            // gamma's scale, would be infinite).
            Distribution::LogNormal { mean_ms, sd_ms } if *mean_ms == 0.0 && *sd_ms > 0.0 => {
                Some(bad(
                    "mean_ms",
                    *mean_ms,
                    "> 0 when sd_ms > 0 (a log-normal with a spread needs a positive mean)",
                ))
            }
            Distribution::Gamma { mean_ms, sd_ms } if *mean_ms == 0.0 && *sd_ms > 0.0 => {
                Some(bad(
                    "mean_ms",
                    *mean_ms,
                    "> 0 when sd_ms > 0 (a gamma with a spread needs a positive mean)",
                ))
            }
            Distribution::Gamma { mean_ms, sd_ms } if *sd_ms > MAX_GAMMA_CV * mean_ms => {
                Some(bad(
                    "sd_ms",
                    *sd_ms,
                    "at most 1e6 × mean_ms (the gamma's shape (mean_ms / sd_ms)² must be at least 1e-12); lower sd_ms or raise mean_ms",
                ))
            }
            Distribution::Erlang { k: 0, .. } => Some(bad(
                "k",
                0.0,
                "a whole number ≥ 1 (the number of exponential phases; 1 is the exponential)",
            )),
            Distribution::Empirical { values_ms } if values_ms.is_empty() => {
                Some(measurements("values_ms", Measurements::NoValues))
            }
            Distribution::Empirical { values_ms } if values_ms.len() > MAX_MEASUREMENTS => Some(
                measurements(
                    "values_ms",
                    Measurements::TooManyValues {
                        count: values_ms.len(),
                        max: MAX_MEASUREMENTS,
                    },
                ),
            ),
            Distribution::Histogram { buckets } => histogram_problem(buckets).map(|p| match p {
                HistogramProblem::Bounds(i) => {
                    let invalid = Invalid::BadNumber {
                        what: what.to_string(),
                        field: format!("{field}.buckets[{i}].up_to_ms"),
                        value: number_text(buckets[i].up_to_ms),
                        rule: "greater than the previous bucket's up_to_ms (list the buckets by increasing bound, each bound once)",
                    };
                    (path().field("buckets").index(i).field("up_to_ms"), invalid)
                }
                HistogramProblem::List(problem) => measurements("buckets", problem),
            }),
            _ => None,
        };
        if in_range && let Some((path, invalid)) = problem {
            self.report(path, invalid);
        }
    }

    /// Checks the `availability` field of the node kind at `kind`.
    fn availability(&mut self, kind: &FieldPath, what: What<'_>, a: &Availability) {
        let path = || kind.field("availability");
        match *a {
            Availability::Always => {}
            Availability::Fraction(f) => {
                self.number(path, what, "availability", f, Rule::Probability)
            }
            Availability::Mttf { mttf_s, mttr_s } => {
                self.number(
                    || path().field("mttf_s"),
                    what,
                    "availability.mttf_s",
                    mttf_s,
                    Rule::Positive,
                );
                self.number(
                    || path().field("mttr_s"),
                    what,
                    "availability.mttr_s",
                    mttr_s,
                    Rule::NonNegative,
                );
            }
        }
    }

    fn node(&mut self, path: &FieldPath, node: &'d Node) {
        if !node.id.is_well_formed() {
            let suggestion: String = node
                .id
                .as_str()
                .trim()
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c.to_ascii_lowercase()
                    } else {
                        '_'
                    }
                })
                .collect();
            self.report(
                path.field("id"),
                Invalid::BadId {
                    id: node.id.to_string(),
                    suggestion: if suggestion.is_empty() {
                        "node".into()
                    } else {
                        suggestion
                    },
                },
            );
        }
        let what = What::Node(node);
        for (i, field, v) in [(0, "pos.x", node.pos.x), (1, "pos.y", node.pos.y)] {
            if !v.is_finite() {
                self.report(
                    path.field("pos").index(i),
                    Invalid::BadNumber {
                        what: what.to_string(),
                        field: field.into(),
                        value: number_text(f64::from(v)),
                        rule: "a finite number",
                    },
                );
            }
        }
        let kind = path.field("kind");
        match &node.kind {
            NodeKind::Service(s) => {
                if s.workers == 0 {
                    self.report(
                        kind.field("workers"),
                        Invalid::ZeroWorkers {
                            node: node.id.to_string(),
                        },
                    );
                }
                if s.operations.is_empty() {
                    self.report(
                        kind.field("operations"),
                        Invalid::NoOperations {
                            node: node.id.to_string(),
                        },
                    );
                }
                // Few services have many operations: a set only for those.
                let mut seen = (s.operations.len() > SMALL).then(HashSet::new);
                for (i, op) in s.operations.iter().enumerate() {
                    let op_path = || kind.field("operations").index(i);
                    let duplicate = match &mut seen {
                        Some(seen) => !seen.insert(op.name.as_str()),
                        None => s.operations[..i].iter().any(|o| o.name == op.name),
                    };
                    if duplicate {
                        self.report(
                            op_path().field("name"),
                            Invalid::DuplicateOperation {
                                node: node.id.to_string(),
                                op: op.name.clone(),
                            },
                        );
                    }
                    self.operation_steps(&op_path(), node, op);
                }
                self.availability(&kind, what, &s.availability);
                self.number(
                    || kind.field("error_rate"),
                    what,
                    "error_rate",
                    s.error_rate,
                    Rule::Probability,
                );
            }
            NodeKind::Broker(b) => self.broker(&kind, node, b),
            NodeKind::DataStore(d) => {
                self.distribution(
                    &|| kind.field("read_latency"),
                    what,
                    &"read_latency",
                    &d.read_latency,
                );
                self.distribution(
                    &|| kind.field("write_latency"),
                    what,
                    &"write_latency",
                    &d.write_latency,
                );
                if d.connections == Some(0) {
                    self.number(
                        || kind.field("connections"),
                        what,
                        "connections",
                        0.0,
                        Rule::AtLeastOne,
                    );
                }
                self.number(
                    || kind.field("poll_interval_s"),
                    what,
                    "poll_interval_s",
                    d.poll_interval_s,
                    Rule::Positive,
                );
                self.availability(&kind, what, &d.availability);
            }
            NodeKind::Client => {}
        }
    }

    /// The node `id`, reporting it as unknown when it does not exist.
    fn resolve(
        &mut self,
        path: impl FnOnce() -> FieldPath,
        what: What<'_>,
        id: &NodeId,
    ) -> Option<&'d Node> {
        let found = self.by_id.get(id.as_str()).copied();
        if found.is_none() {
            self.report_with(|c| {
                let invalid = Invalid::UnknownNode {
                    what: what.to_string(),
                    node: id.to_string(),
                    known: c.known_ids(),
                };
                (path(), invalid)
            });
        }
        found
    }

    fn known_ids(&self) -> String {
        const SHOWN: usize = 20;
        let mut ids: Vec<&str> = self
            .design
            .nodes
            .iter()
            .take(SHOWN)
            .map(|n| n.id.as_str())
            .collect();
        if self.design.nodes.len() > SHOWN {
            ids.push("…");
        }
        if ids.is_empty() {
            "none: the design has no nodes yet".into()
        } else {
            ids.join(", ")
        }
    }

    /// Checks that `node` is a service offering `op`; whether it is.
    fn operation(
        &mut self,
        path: impl FnOnce() -> FieldPath,
        what: What<'_>,
        node: &Node,
        op: &str,
    ) -> bool {
        match &node.kind {
            NodeKind::Service(s) => {
                let offered = if s.operations.len() > SMALL {
                    self.many_ops
                        .get(node.id.as_str())
                        .is_some_and(|names| names.contains(op))
                } else {
                    s.operations.iter().any(|o| o.name == op)
                };
                if !offered && self.listing() {
                    const SHOWN: usize = 20;
                    let mut names: Vec<&str> = s
                        .operations
                        .iter()
                        .take(SHOWN)
                        .map(|o| o.name.as_str())
                        .collect();
                    if s.operations.len() > SHOWN {
                        names.push("…");
                    }
                    let known = if names.is_empty() {
                        "none".to_owned()
                    } else {
                        names.join(", ")
                    };
                    self.report(
                        path(),
                        Invalid::UnknownOperation {
                            what: what.to_string(),
                            node: node.id.to_string(),
                            op: op.to_owned(),
                            known,
                        },
                    );
                }
                offered
            }
            other => {
                self.report(
                    path(),
                    Invalid::WrongKind {
                        what: what.to_string(),
                        field: "an operation",
                        node: node.id.to_string(),
                        found: other.name(),
                        expected: "service",
                    },
                );
                false
            }
        }
    }

    fn broker_ref(
        &mut self,
        path: impl Fn() -> FieldPath,
        what: What<'_>,
        field: &'static str,
        id: &NodeId,
    ) {
        if let Some(node) = self.resolve(&path, what, id)
            && node.as_broker().is_none()
        {
            self.report(
                path(),
                Invalid::WrongKind {
                    what: what.to_string(),
                    field,
                    node: id.to_string(),
                    found: node.kind_name(),
                    expected: "broker",
                },
            );
        }
    }

    fn not_applicable(
        &mut self,
        path: FieldPath,
        what: What<'_>,
        field: &'static str,
        applies_to: &'static str,
    ) {
        self.report(
            path,
            Invalid::FieldNotApplicable {
                what: what.to_string(),
                field,
                applies_to,
            },
        );
    }

    fn link(&mut self, path: &FieldPath, link: &Link) {
        let what = What::Link(link);
        let from = self.resolve(|| path.field("from"), what, &link.from);
        let to = self.resolve(|| path.field("to"), what, &link.to);
        if let (Some(from), Some(to)) = (from, to)
            && let Some(rule) = kind_rule_violation(link.style, &from.kind, &to.kind)
        {
            self.report(
                path.field("style"),
                Invalid::LinkKinds {
                    what: what.to_string(),
                    style: link.style.to_string(),
                    from_kind: from.kind_name(),
                    to_kind: to.kind_name(),
                    rule,
                },
            );
        }
        if let Some(name) = &link.name
            && self
                .names
                .get(&link.from, name)
                .is_some_and(|first| !std::ptr::eq(&self.design.links[first.0], link))
        {
            self.report(
                path.field("name"),
                Invalid::DuplicateLinkName {
                    what: what.to_string(),
                    from: link.from.to_string(),
                    name: name.clone(),
                },
            );
        }
        if let (Some(op), Some(to)) = (&link.to_op, to) {
            self.operation(|| path.field("to_op"), what, to, op);
        }
        let consumes_async = from.is_some_and(|n| link.consumes_async(&n.kind));
        let request_response = link.style.is_request_response();
        if let Some(via) = &link.via {
            if link.style == super::Style::AsyncRequest {
                self.broker_ref(|| path.field("via"), what, "via", via);
            } else {
                self.not_applicable(path.field("via"), what, "via", "async_request links");
            }
        }
        if let Some(dlq) = &link.dead_letter {
            if consumes_async {
                self.broker_ref(|| path.field("dead_letter"), what, "dead_letter", dlq);
            } else {
                self.not_applicable(
                    path.field("dead_letter"),
                    what,
                    "dead_letter",
                    ASYNC_CONSUMPTION,
                );
            }
        }
        if let Some(max) = link.max_deliveries {
            if !consumes_async {
                self.not_applicable(
                    path.field("max_deliveries"),
                    what,
                    "max_deliveries",
                    ASYNC_CONSUMPTION,
                );
            } else if max == 0 {
                self.number(
                    || path.field("max_deliveries"),
                    what,
                    "max_deliveries",
                    0.0,
                    Rule::AtLeastOne,
                );
            }
        }
        if let Some(t) = link.timeout_ms {
            if request_response {
                self.number(
                    || path.field("timeout_ms"),
                    what,
                    "timeout_ms",
                    t,
                    Rule::Positive,
                );
            } else {
                self.not_applicable(
                    path.field("timeout_ms"),
                    what,
                    "timeout_ms",
                    REQUEST_RESPONSE,
                );
            }
        }
        if link.retries > 0 && !request_response {
            self.not_applicable(path.field("retries"), what, "retries", REQUEST_RESPONSE);
        }
        self.distribution(&|| path.field("latency"), what, &"latency", &link.latency);
        self.number(
            || path.field("backoff_ms"),
            what,
            "backoff_ms",
            link.backoff_ms,
            Rule::NonNegative,
        );
        self.number(
            || path.field("backoff_multiplier"),
            what,
            "backoff_multiplier",
            link.backoff_multiplier,
            Rule::AtLeastOne,
        );
    }

    fn entry(&mut self, path: &FieldPath, entry: &'d EntryPoint) {
        let what = What::Entry(entry);
        self.objectives(path, entry);
        if let Some(client) = self.resolve(|| path.field("client"), what, &entry.client)
            && !client.is_client()
        {
            self.report(
                path.field("client"),
                Invalid::NotAnEntryNode {
                    entry: entry.name.clone(),
                    node: entry.client.to_string(),
                    kind: client.kind_name(),
                },
            );
        }
        if let Some(target) = self.resolve(|| path.field("target"), what, &entry.target) {
            let op = match &entry.operation {
                Some(op) => self
                    .operation(|| path.field("operation"), what, target, op)
                    .then_some(op.as_str()),
                None => target
                    .as_service()
                    .and_then(|s| s.operations.first())
                    .map(|o| o.name.as_str()),
            };
            // An unknown operation is reported above; a link cannot carry it.
            let op_known = entry.operation.is_none() || op.is_some();
            let pair = self.links_between(&entry.client, &entry.target);
            let carried = pair.is_some_and(|p| p.carries(op));
            if pair.is_none() {
                self.report(
                    path.field("target"),
                    Invalid::EntryWithoutLink {
                        entry: entry.name.clone(),
                        client: entry.client.to_string(),
                        target: entry.target.to_string(),
                    },
                );
            } else if !carried && op_known && self.listing() {
                let linked = self
                    .links_between(&entry.client, &entry.target)
                    .map(Pair::ops_list)
                    .unwrap_or_default();
                let at = if entry.operation.is_some() {
                    path.field("operation")
                } else {
                    path.field("target")
                };
                self.report(
                    at,
                    Invalid::EntryOperationNotLinked {
                        entry: entry.name.clone(),
                        client: entry.client.to_string(),
                        target: entry.target.to_string(),
                        op: op.unwrap_or_default().to_owned(),
                        linked,
                    },
                );
            }
        }
        match &entry.load {
            Load::Open { rate_per_s, .. } => {
                self.number(
                    || path.field("load").field("rate_per_s"),
                    what,
                    "rate_per_s",
                    *rate_per_s,
                    Rule::Positive,
                );
            }
            Load::Closed { users, think_time } => {
                let load = path.field("load");
                if *users == 0 {
                    self.number(|| load.field("users"), what, "users", 0.0, Rule::AtLeastOne);
                }
                self.distribution(
                    &|| load.field("think_time"),
                    what,
                    &"think_time",
                    think_time,
                );
            }
        }
    }

    fn objectives(&mut self, path: &FieldPath, entry: &'d EntryPoint) {
        let what = What::Entry(entry);
        let o = &entry.objectives;
        let path = path.field("objectives");
        for (field, value) in [
            ("mean_ms", o.mean_ms),
            ("p50_ms", o.p50_ms),
            ("p95_ms", o.p95_ms),
            ("p99_ms", o.p99_ms),
            ("budget_days", o.budget_days),
        ] {
            if let Some(v) = value {
                self.number(|| path.field(field), what, field, v, Rule::Positive);
            }
        }
        if let Some(a) = o.availability {
            self.number(
                || path.field("availability"),
                what,
                "availability",
                a,
                Rule::Probability,
            );
        }
    }

    fn scenario(&mut self, path: &FieldPath) {
        let s = &self.design.scenario;
        let what = What::Scenario;
        self.number(
            || path.field("duration_s"),
            what,
            "duration_s",
            s.duration_s,
            Rule::Positive,
        );
        self.number(
            || path.field("warmup_s"),
            what,
            "warmup_s",
            s.warmup_s,
            Rule::NonNegative,
        );
        self.number(
            || path.field("drain_s"),
            what,
            "drain_s",
            s.drain_s,
            Rule::NonNegative,
        );
        if s.warmup_s.is_finite() && s.duration_s.is_finite() && s.warmup_s >= s.duration_s {
            self.report(
                path.field("warmup_s"),
                Invalid::BadNumber {
                    what: what.to_string(),
                    field: "warmup_s".into(),
                    value: number_text(s.warmup_s),
                    rule: "less than duration_s, or nothing is measured",
                },
            );
        }
        for (i, fault) in s.faults.iter().enumerate() {
            self.fault(&path.field("faults").index(i), i, fault);
        }
    }

    fn fault(&mut self, path: &FieldPath, i: usize, fault: &'d Fault) {
        let what = What::Fault(i, fault);
        if let Some(id) = fault.node()
            && let Some(node) = self.resolve(|| path.field("node"), what, id)
            && node.is_client()
        {
            self.report(
                path.field("node"),
                Invalid::FaultOnClient {
                    what: what.to_string(),
                    node: id.to_string(),
                },
            );
        }
        if let Some(link) = fault.link() {
            let link_path = path.field("link");
            let from = self.resolve(|| link_path.field("from"), what, &link.from);
            let to = self.resolve(|| link_path.field("to"), what, &link.to);
            if from.is_some() && to.is_some() {
                // A named link is that link alone.
                let named = link.name.as_ref().map(|name| {
                    self.names
                        .get(&link.from, name)
                        .map(|l| &self.design.links[l.0])
                        .filter(|l| l.to == link.to && l.name.as_ref() == Some(name))
                });
                let pair = match named {
                    Some(Some(l)) => {
                        let pulled = from.is_some_and(|n| l.consumes_async(&n.kind));
                        Some((pulled, Some(l)))
                    }
                    Some(None) => None,
                    None => self
                        .links_between(&link.from, &link.to)
                        .map(|p| (p.pulled, p.first)),
                };
                match pair {
                    None if self.listing() => {
                        let known = self.links_from(&link.from);
                        self.report(
                            link_path,
                            Invalid::UnknownLink {
                                what: what.to_string(),
                                from: link.from.to_string(),
                                to: link.to.to_string(),
                                known,
                            },
                        );
                    }
                    Some((false, Some(first))) if matches!(fault, Fault::Poison { .. }) => {
                        let found = self.unpulled(first);
                        self.report(
                            link_path,
                            Invalid::PoisonNotConsumed {
                                what: what.to_string(),
                                from: link.from.to_string(),
                                to: link.to.to_string(),
                                found,
                            },
                        );
                    }
                    _ => {}
                }
            }
        }
        if let Fault::Crash { at_s, .. } | Fault::SlowDown { at_s, .. } = *fault {
            self.fault_start(path, what, at_s);
        }
        match *fault {
            Fault::Crash { at_s, for_s, .. } => {
                self.number(|| path.field("at_s"), what, "at_s", at_s, Rule::NonNegative);
                self.number(|| path.field("for_s"), what, "for_s", for_s, Rule::Positive);
            }
            Fault::SlowDown {
                at_s,
                for_s,
                factor,
                ..
            } => {
                self.number(|| path.field("at_s"), what, "at_s", at_s, Rule::NonNegative);
                self.number(|| path.field("for_s"), what, "for_s", for_s, Rule::Positive);
                self.number(
                    || path.field("factor"),
                    what,
                    "factor",
                    factor,
                    Rule::Positive,
                );
            }
            Fault::Drop { fraction, .. } | Fault::Error { fraction, .. } => {
                self.number(
                    || path.field("fraction"),
                    what,
                    "fraction",
                    fraction,
                    Rule::Probability,
                );
            }
            Fault::Poison {
                fraction,
                restart_s,
                ..
            } => {
                self.number(
                    || path.field("fraction"),
                    what,
                    "fraction",
                    fraction,
                    Rule::Probability,
                );
                self.number(
                    || path.field("restart_s"),
                    what,
                    "restart_s",
                    restart_s,
                    Rule::NonNegative,
                );
            }
        }
    }

    /// A fault that starts at or after the end of the run never happens.
    fn fault_start(&mut self, path: &FieldPath, what: What<'_>, at_s: f64) {
        let duration_s = self.design.scenario.duration_s;
        // Bad numbers themselves are reported elsewhere.
        if Rule::NonNegative.holds(at_s) && Rule::Positive.holds(duration_s) && at_s >= duration_s {
            self.report(
                path.field("at_s"),
                Invalid::FaultAfterRun {
                    what: what.to_string(),
                    at_s: number_text(at_s),
                    duration_s: number_text(duration_s),
                },
            );
        }
    }

    /// What `link`, which no consumer pulls from a queue, is, in words.
    fn unpulled(&self, link: &Link) -> &'static str {
        let to_broker = self
            .by_id
            .get(link.to.as_str())
            .is_some_and(|n| n.as_broker().is_some());
        match link.style {
            Style::Sync => "a sync call",
            Style::AsyncRequest => "an async_request without `via` (no queue)",
            Style::Event if to_broker => {
                "a publication (to poison what subscribers get, name the broker's link to the subscriber)"
            }
            Style::Event => "an event straight to a service (no broker)",
            Style::CommonData => "a common_data link",
        }
    }

    /// The parts of a broker.
    fn broker(&mut self, kind: &FieldPath, node: &Node, b: &Broker) {
        let what = What::Node(node);
        self.distribution(
            &|| kind.field("delivery_latency"),
            what,
            &"delivery_latency",
            &b.delivery_latency,
        );
        if let Some(r) = b.retention_s {
            if b.kind == BrokerKind::Queue {
                self.report(
                    kind.field("retention_s"),
                    Invalid::RetentionOnQueue {
                        node: node.id.to_string(),
                    },
                );
            } else {
                self.number(
                    || kind.field("retention_s"),
                    what,
                    "retention_s",
                    r,
                    Rule::NonNegative,
                );
            }
        }
    }

    /// Operation names must not be empty: links and entry points call
    /// operations by name.
    fn operation_names(&mut self, path: &FieldPath, node: &Node) {
        let Some(s) = node.as_service() else { return };
        for (i, op) in s.operations.iter().enumerate() {
            if op.name.trim().is_empty() {
                self.report(
                    path.field("kind")
                        .field("operations")
                        .index(i)
                        .field("name"),
                    Invalid::EmptyOperationName {
                        node: node.id.to_string(),
                        number: i + 1,
                    },
                );
            }
        }
    }

    /// A backoff waits before a retry: without retries it means nothing.
    fn backoff(&mut self, path: &FieldPath, link: &Link) {
        if link.retries > 0 {
            return;
        }
        // Negative or NaN values are reported as bad numbers.
        let set = [
            ("backoff_ms", link.backoff_ms > 0.0),
            ("backoff_multiplier", link.backoff_multiplier > 1.0),
        ];
        let request_response = matches!(link.style, Style::Sync | Style::AsyncRequest);
        for (field, _) in set.into_iter().filter(|(_, set)| *set) {
            let what = What::Link(link);
            if request_response {
                self.report(
                    path.field(field),
                    Invalid::BackoffWithoutRetries {
                        what: what.to_string(),
                        field,
                    },
                );
            } else {
                self.not_applicable(
                    path.field(field),
                    what,
                    field,
                    "request-response links (sync, async_request) that have `retries`",
                );
            }
        }
    }

    /// The ends of the links leaving `from`, for messages.
    fn links_from(&self, from: &NodeId) -> String {
        const SHOWN: usize = 20;
        let mut ends: Vec<String> = self
            .between
            .keys()
            .filter(|(f, _)| *f == from.as_str())
            .map(|(_, to)| format!("\"{to}\""))
            .collect();
        ends.sort_unstable();
        if ends.len() > SHOWN {
            ends.truncate(SHOWN);
            ends.push("…".into());
        }
        if ends.is_empty() {
            "nowhere".into()
        } else {
            ends.join(", ")
        }
    }

    fn thresholds(&mut self, path: &FieldPath, t: &Thresholds) {
        let what = What::Thresholds;
        self.number(
            || path.field("availability_loss"),
            what,
            "availability_loss",
            t.availability_loss,
            Rule::Probability,
        );
        self.number(
            || path.field("long_running_ms"),
            what,
            "long_running_ms",
            t.long_running_ms,
            Rule::NonNegative,
        );
        self.number(
            || path.field("saturation"),
            what,
            "saturation",
            t.saturation,
            Rule::Probability,
        );
        self.number(
            || path.field("blocked_share"),
            what,
            "blocked_share",
            t.blocked_share,
            Rule::Probability,
        );
    }
}

/// What is wrong with a histogram's buckets, if anything.
enum HistogramProblem {
    /// The bound of this bucket is not above the one before.
    Bounds(usize),
    /// The list as a whole.
    List(Measurements),
}

/// The first problem with `buckets` (bounds already known to be finite and
/// ≥ 0): none, too many, bounds out of order, no counts.
fn histogram_problem(buckets: &[Bucket]) -> Option<HistogramProblem> {
    if buckets.is_empty() {
        return Some(HistogramProblem::List(Measurements::NoBuckets));
    }
    if buckets.len() > MAX_MEASUREMENTS {
        return Some(HistogramProblem::List(Measurements::TooManyBuckets {
            count: buckets.len(),
            max: MAX_MEASUREMENTS,
        }));
    }
    if let Some(i) = (1..buckets.len()).find(|&i| buckets[i].up_to_ms <= buckets[i - 1].up_to_ms) {
        return Some(HistogramProblem::Bounds(i));
    }
    buckets
        .iter()
        .all(|b| b.count == 0)
        .then_some(HistogramProblem::List(Measurements::NoCounts))
}

/// What the links from one node to another invoke.
#[derive(Default)]
struct Pair<'d> {
    /// The first of them, to describe them in messages.
    first: Option<&'d Link>,
    /// Whether a consumer pulls the messages of one of them from a queue.
    pulled: bool,
    /// Whether one of them has no `to_op`, so it carries any operation.
    any_op: bool,
    /// The operations named by their `to_op`.
    ops: Names<'d>,
}

impl Pair<'_> {
    /// Whether one of the links carries requests for `op` (mirrors
    /// [`carries`], without walking every link).
    fn carries(&self, op: Option<&str>) -> bool {
        self.any_op || op.is_some_and(|op| self.ops.contains(op))
    }

    /// The operations the links invoke, quoted, sorted and comma-separated.
    fn ops_list(&self) -> String {
        const SHOWN: usize = 20;
        let mut ops: Vec<&str> = self.ops.list.clone();
        ops.sort_unstable();
        let mut quoted: Vec<String> = ops.iter().take(SHOWN).map(|o| format!("\"{o}\"")).collect();
        if ops.len() > SHOWN {
            quoted.push("…".into());
        }
        quoted.join(", ")
    }
}

/// A set of names that costs no hashing while it is small (the usual
/// case) and stays fast when it is large.
#[derive(Default)]
struct Names<'d> {
    /// Every name, in the order inserted.
    list: Vec<&'d str>,
    /// The same names, once there are more than [`SMALL`].
    set: Option<HashSet<&'d str>>,
}

impl<'d> Names<'d> {
    fn contains(&self, name: &str) -> bool {
        match &self.set {
            Some(set) => set.contains(name),
            None => self.list.contains(&name),
        }
    }

    fn insert(&mut self, name: &'d str) {
        if self.contains(name) {
            return;
        }
        self.list.push(name);
        match &mut self.set {
            Some(set) => {
                set.insert(name);
            }
            None if self.list.len() > SMALL => {
                self.set = Some(self.list.iter().copied().collect());
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::number_text;

    #[test]
    fn numbers_in_messages_read_as_written() {
        assert_eq!(number_text(-20.0), "-20");
        assert_eq!(number_text(1.5), "1.5");
        assert_eq!(number_text(0.0), "0");
        assert_eq!(number_text(f64::NAN), "NaN");
        assert_eq!(number_text(f64::NEG_INFINITY), "-inf");
        assert_eq!(number_text(-1e300), "-1e300");
        assert_eq!(number_text(5e-324), "5e-324");
        assert_eq!(number_text(0.000_5), "0.0005");
    }
}
