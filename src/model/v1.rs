//! Format 1 → format 2: an operation's calls move from its links into
//! ordered steps.
//!
//! Format 1 said what a service does with fields on its links
//! (`from_op`, `calls_per_request`, `parallel_group`, `access`,
//! `response_work`, `needs_response`) and a `service_time` on the
//! operation, with a fixed order: the own work, then every event,
//! asynchronous request and write in link order, then the `sync` calls in
//! link order (calls sharing a `parallel_group` together, at the first
//! one's place). [`migrate`] writes exactly that as steps, so a format-1
//! file simulates the same as its `archsim fmt` output. The format-1
//! fields are read by the loader only for this, and are empty afterwards.

use foldhash::{HashMap, HashMapExt};

use super::error::{Invalid, Problem};
use super::path::FieldPath;
use super::{
    Access, CallStep, Design, Distribution, LinkIdx, LinkNames, NodeKind, RequestStep, Step, Style,
};

/// Where each step made from format 1 came from: the path of the step in
/// the migrated design, and the format-1 field it was written as (the
/// operation's `service_time`, or the link).
pub(crate) type PathMap = Vec<(FieldPath, FieldPath)>;

/// Rewrites a format-1 design as format 2 in place. Returns the problems
/// only format 1 can have (a `from_op` naming no operation, a missing
/// `service_time`), located at the format-1 fields, and where the steps
/// came from, so that later problems point at the text that was there.
pub(crate) fn migrate(design: &mut Design) -> (Vec<Problem>, PathMap) {
    let mut problems = Vec::new();
    let mut paths = PathMap::new();
    name_ambiguous_links(design);
    let references: Vec<String> = {
        let names = LinkNames::new(design);
        design
            .links
            .iter()
            .enumerate()
            .map(|(i, l)| {
                names
                    .reference(l, LinkIdx(i))
                    .unwrap_or_else(|| l.to.to_string())
            })
            .collect()
    };
    let mut programs: HashMap<(usize, usize), Program> = HashMap::new();
    let node_of: HashMap<String, usize> = design
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.to_string(), i))
        .collect();
    for (i, link) in design.links.iter().enumerate() {
        let path = FieldPath::root().field("links").index(i);
        let Some(&from) = node_of.get(link.from.as_str()) else {
            continue;
        };
        let NodeKind::Service(service) = &design.nodes[from].kind else {
            continue;
        };
        let op = match &link.from_op {
            None => 0,
            Some(name) => match service.operations.iter().position(|o| &o.name == name) {
                Some(op) => op,
                None => {
                    problems.push(Problem::new(
                        path.field("from_op"),
                        Invalid::UnknownOperation {
                            what: format!("link \"{link}\""),
                            node: link.from.to_string(),
                            op: name.clone(),
                            known: service
                                .operations
                                .iter()
                                .map(|o| o.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", "),
                        },
                    ));
                    continue;
                }
            },
        };
        if service.operations.is_empty() {
            continue;
        }
        let to_store = node_of
            .get(link.to.as_str())
            .is_some_and(|&t| matches!(design.nodes[t].kind, NodeKind::DataStore(_)));
        let reference = references[i].clone();
        let mut call = CallStep::to(reference.clone());
        call.times = link.calls_per_request.unwrap_or(1.0);
        call.needs_response = link.needs_response.unwrap_or(true);
        let program = programs.entry((from, op)).or_default();
        match link.style {
            Style::Sync => {
                let step = if to_store {
                    match link.access.unwrap_or_default() {
                        Access::Read => Step::Read(call),
                        Access::Write => Step::Write(call),
                        Access::ReadWrite => Step::Update(call),
                    }
                } else {
                    Step::Call(call)
                };
                match link.parallel_group {
                    Some(group) => match program.groups.get(&group) {
                        Some(&at) => program.calls[at].push((step, i)),
                        None => {
                            program.groups.insert(group, program.calls.len());
                            program.calls.push(vec![(step, i)]);
                        }
                    },
                    None => program.calls.push(vec![(step, i)]),
                }
            }
            Style::AsyncRequest => {
                let mut request = RequestStep::to(reference);
                request.times = call.times;
                if let Some(work) = link
                    .response_work
                    .clone()
                    .filter(|w| *w != Distribution::ZERO)
                {
                    request.then = vec![Step::Work(work)];
                }
                program.one_way.push((Step::Request(request), i));
            }
            Style::Event => program
                .one_way
                .push((repeated(Step::Publish(reference), call.times), i)),
            Style::CommonData => program.one_way.push((Step::Write(call), i)),
        }
    }
    for (n, node) in design.nodes.iter_mut().enumerate() {
        let NodeKind::Service(service) = &mut node.kind else {
            continue;
        };
        for (o, op) in service.operations.iter_mut().enumerate() {
            let path = FieldPath::root()
                .field("nodes")
                .index(n)
                .field("kind")
                .field("operations")
                .index(o);
            if !op.steps.is_empty() {
                problems.push(Problem::new(
                    path.field("steps"),
                    Invalid::FormatTwoField { field: "steps" },
                ));
                continue;
            }
            let Some(work) = op.service_time.take() else {
                if op.steps.is_empty() {
                    problems.push(Problem::new(
                        path,
                        Invalid::MissingServiceTime {
                            op: op.name.clone(),
                        },
                    ));
                }
                continue;
            };
            let steps_path = path.field("steps");
            paths.push((steps_path.index(0), path.field("service_time")));
            let link_path = |i: usize| FieldPath::root().field("links").index(i);
            let mut steps = vec![Step::Work(work)];
            if let Some(program) = programs.remove(&(n, o)) {
                for (step, i) in program.one_way {
                    paths.push((steps_path.index(steps.len()), link_path(i)));
                    steps.push(step);
                }
                for mut group in program.calls {
                    let at = steps_path.index(steps.len());
                    if group.len() == 1 {
                        let (step, i) = group.remove(0);
                        paths.push((at, link_path(i)));
                        steps.push(step);
                    } else {
                        for (j, (_, i)) in group.iter().enumerate() {
                            paths.push((at.index(0).index(j), link_path(*i)));
                        }
                        steps.push(Step::Parallel(group.into_iter().map(|(s, _)| s).collect()));
                    }
                }
            }
            op.steps = steps;
        }
    }
    for link in &mut design.links {
        link.from_op = None;
        link.calls_per_request = None;
        link.needs_response = None;
        link.parallel_group = None;
        link.access = None;
        link.response_work = None;
    }
    design.format = super::FORMAT_VERSION;
    (problems, paths)
}

/// Points `path`, a place in the migrated design, at the format-1 text it
/// was made from: the longest mapped step that contains it, with the rest
/// of the path kept below the format-1 field (a Work step's parameters
/// become `service_time`'s) or dropped (a step made from a link points at
/// the link).
pub(crate) fn original_path(paths: &PathMap, path: &FieldPath) -> Option<FieldPath> {
    let (step, old) = paths
        .iter()
        .filter(|(step, _)| path.starts_with(step))
        .max_by_key(|(step, _)| step.0.len())?;
    if old.last_field() == Some("service_time") {
        let mut mapped = old.clone();
        mapped.0.extend(path.0[step.0.len()..].iter().cloned());
        Some(mapped)
    } else {
        Some(old.clone())
    }
}

/// The steps of one format-1 operation, gathered from its links.
#[derive(Default)]
struct Program {
    /// Events, asynchronous requests and writes, in link order, each with
    /// the index of its link.
    one_way: Vec<(Step, usize)>,
    /// Sync calls in link order; a parallel group is one entry.
    calls: Vec<Vec<(Step, usize)>>,
    /// Where each parallel group sits in `calls`.
    groups: HashMap<u32, usize>,
}

/// A publish made `times` times per request: format 1's
/// `calls_per_request` on an event link. Whole repetitions become copies;
/// a fraction becomes an either/or, and so does none at all (an either/or
/// that never publishes: an empty block would not be valid, and the link
/// stays used, as a call made 0 times is).
fn repeated(step: Step, times: f64) -> Step {
    if times == 1.0 || !times.is_finite() || times < 0.0 {
        return step;
    }
    let whole = times.floor() as usize;
    let extra = times - times.floor();
    let mut steps = vec![step.clone(); whole.min(1_000)];
    if extra > 0.0 || whole == 0 {
        steps.push(Step::Choice(vec![
            super::Branch {
                probability: extra,
                steps: vec![step],
            },
            super::Branch {
                probability: 1.0 - extra,
                steps: Vec::new(),
            },
        ]));
    }
    if steps.len() == 1 {
        steps.remove(0)
    } else {
        Step::Sequence(steps)
    }
}

/// Gives a name to each link that shares its two ends with another, so
/// that the steps made from them can tell them apart: the operation it
/// invokes, else what it does, else its position.
fn name_ambiguous_links(design: &mut Design) {
    let mut count: HashMap<(String, String), usize> = HashMap::new();
    for l in &design.links {
        *count
            .entry((l.from.to_string(), l.to.to_string()))
            .or_default() += 1;
    }
    let mut taken: Vec<(String, String)> = design
        .links
        .iter()
        .filter_map(|l| Some((l.from.to_string(), l.name.clone()?)))
        .collect();
    for i in 0..design.links.len() {
        let l = &design.links[i];
        if l.name.is_some() || count[&(l.from.to_string(), l.to.to_string())] < 2 {
            continue;
        }
        let base = match (&l.to_op, l.access) {
            (Some(op), _) => format!("{}_{op}", l.to),
            (None, Some(access)) => format!("{}_{}", l.to, access.as_str()),
            (None, None) => format!("{}_{}", l.to, l.style),
        };
        let from = l.from.to_string();
        let mut name = base.clone();
        let mut k = 2;
        while taken.iter().any(|(f, n)| f == &from && n == &name) {
            name = format!("{base}_{k}");
            k += 1;
        }
        taken.push((from, name.clone()));
        design.links[i].name = Some(name);
    }
}

/// Format 1's fields in a format-2 file: each is a problem that says what
/// to write instead.
pub(crate) fn leftovers(design: &Design) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (i, l) in design.links.iter().enumerate() {
        let path = FieldPath::root().field("links").index(i);
        let fields: [(&'static str, bool, &'static str); 6] = [
            (
                "from_op",
                l.from_op.is_some(),
                "list the call in the steps of that operation",
            ),
            (
                "calls_per_request",
                l.calls_per_request.is_some(),
                "give the step `times:`",
            ),
            (
                "needs_response",
                l.needs_response.is_some(),
                "give the Call step `needs_response: false`",
            ),
            (
                "parallel_group",
                l.parallel_group.is_some(),
                "put the calls in a `Parallel([...])` step",
            ),
            (
                "access",
                l.access.is_some(),
                "use a Read, Write or Update step",
            ),
            (
                "response_work",
                l.response_work.is_some(),
                "give the Request step `then: [Work(...)]`",
            ),
        ];
        for (field, present, instead) in fields {
            if present {
                problems.push(Problem::new(
                    path.field(field),
                    Invalid::FormatOneField { field, instead },
                ));
            }
        }
    }
    for (n, node) in design.nodes.iter().enumerate() {
        let NodeKind::Service(s) = &node.kind else {
            continue;
        };
        for (o, op) in s.operations.iter().enumerate() {
            if op.service_time.is_some() {
                problems.push(Problem::new(
                    FieldPath::root()
                        .field("nodes")
                        .index(n)
                        .field("kind")
                        .field("operations")
                        .index(o)
                        .field("service_time"),
                    Invalid::FormatOneField {
                        field: "service_time",
                        instead: "write the work as the first step: `steps: [Work(...)]`",
                    },
                ));
            }
        }
    }
    problems
}

/// Format 1 and 2 both accept `latency_ms: x` for a constant latency.
pub(crate) fn latency_shorthand(design: &mut Design) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (i, l) in design.links.iter_mut().enumerate() {
        let Some(ms) = l.latency_ms.take() else {
            continue;
        };
        let path = || {
            FieldPath::root()
                .field("links")
                .index(i)
                .field("latency_ms")
        };
        if !(ms.is_finite() && ms >= 0.0) {
            problems.push(Problem::new(
                path(),
                Invalid::BadNumber {
                    what: format!("link \"{l}\""),
                    field: "latency_ms".into(),
                    value: super::validate::number_text(ms),
                    rule: "a finite number ≥ 0",
                },
            ));
            continue;
        }
        if l.latency != Distribution::ZERO {
            problems.push(Problem::new(
                FieldPath::root()
                    .field("links")
                    .index(i)
                    .field("latency_ms"),
                Invalid::FieldTwice {
                    field: "latency_ms",
                    other: "latency",
                },
            ));
            continue;
        }
        l.latency = Distribution::Constant { ms };
    }
    problems
}
