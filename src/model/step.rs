//! Steps: what an operation does, in order (format 2).
//!
//! An operation is a list of [`Step`]s run one after another by the worker
//! that took the request: its own work, calls through drawn links (which
//! block the worker), asynchronous requests (which do not, and run their
//! `then` steps as new work when the reply comes back), events, store
//! accesses, parallel blocks, either/or branches and the point where the
//! caller gets its answer. The exact semantics are in docs/simulation.md.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::distribution::Distribution;
use super::serde_defaults::{is_one, is_true, one_second, yes};

/// Nesting of blocks (parallel, either/or, fallback, continuation) deeper
/// than this is refused: no design needs it, and it keeps hostile input
/// from exhausting the interpreter's stack.
pub const MAX_STEP_DEPTH: usize = 8;

/// One thing an operation does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Step {
    /// The service's own work: the worker is busy for a sampled time.
    Work(Distribution),
    /// A request-response call through a `sync` link to a service: the
    /// worker waits for the answer or the timeout.
    #[serde(serialize_with = "short::call")]
    Call(CallStep),
    /// A read from a data store through a `sync` link (its read latency).
    #[serde(serialize_with = "short::call")]
    Read(CallStep),
    /// A write to a data store, through a `sync` link (the worker waits)
    /// or a `common_data` link (readers see it at their next poll).
    #[serde(serialize_with = "short::call")]
    Write(CallStep),
    /// A read then a write of a data store through a `sync` or
    /// `common_data` link.
    #[serde(serialize_with = "short::call")]
    Update(CallStep),
    /// An event published through an `event` link; nobody waits.
    Publish(String),
    /// An asynchronous request through an `async_request` link: the worker
    /// goes on at once; the reply runs `then` as new work.
    #[serde(serialize_with = "short::request")]
    Request(RequestStep),
    /// Steps that run at the same time; the block ends when all have.
    Parallel(Vec<Step>),
    /// Steps one after another, as one step (a branch of a parallel block).
    Sequence(Vec<Step>),
    /// Exactly one branch runs, chosen with the branches' probabilities.
    Choice(Vec<Branch>),
    /// The caller gets its answer here; the steps after it still run and
    /// still hold the worker.
    Reply,
}

/// A call through a link that answers: to a service or a store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallStep {
    /// The link: its name, or the id of the node it goes to when only one
    /// link of this node goes there.
    pub link: String,
    /// How many calls per request; a fraction is a probability (1.5: one
    /// call, and a second one half of the time). Repeated calls run one
    /// after another.
    #[serde(skip_serializing_if = "is_one")]
    pub times: f64,
    /// The steps run instead when the call fails (after its retries): a
    /// cached or default answer. Without one, a failed call fails the
    /// operation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback: Option<Vec<Step>>,
    /// The earlier calls (by link) whose results this call needs. Only
    /// analysis reads it: calls that use nothing could run in parallel.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub uses: Vec<String>,
    /// Whether the operation uses the answer. A `sync` call whose answer
    /// is not needed could be an event.
    #[serde(skip_serializing_if = "is_true")]
    pub needs_response: bool,
}

impl CallStep {
    /// A plain call through `link`: once, no fallback.
    pub fn to(link: impl Into<String>) -> Self {
        Self {
            link: link.into(),
            times: 1.0,
            fallback: None,
            uses: Vec::new(),
            needs_response: true,
        }
    }

    /// Whether the step is the short form `Call("link")` in the file.
    fn is_plain(&self) -> bool {
        self.times == 1.0 && self.fallback.is_none() && self.uses.is_empty() && self.needs_response
    }
}

/// An asynchronous request and what to do with its outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestStep {
    /// The `async_request` link, by name or target id.
    pub link: String,
    /// How many requests per request of the operation (as for calls).
    #[serde(skip_serializing_if = "is_one")]
    pub times: f64,
    /// Steps run as new work at this service when the reply arrives (the
    /// continuation of a saga). Empty: the reply is not handled.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub then: Vec<Step>,
    /// Steps run as new work when the request fails or times out after its
    /// retries (a compensation).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub on_failure: Vec<Step>,
}

impl RequestStep {
    /// A request through `link` whose reply is not handled.
    pub fn to(link: impl Into<String>) -> Self {
        Self {
            link: link.into(),
            times: 1.0,
            then: Vec::new(),
            on_failure: Vec::new(),
        }
    }

    fn is_plain(&self) -> bool {
        self.times == 1.0 && self.then.is_empty() && self.on_failure.is_empty()
    }
}

/// One branch of an either/or.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Branch {
    /// The chance this branch is taken; the branches of a choice sum to 1.
    pub probability: f64,
    /// What the branch does (may be empty: nothing).
    #[serde(default)]
    pub steps: Vec<Step>,
}

/// The ways a step can run its nested steps, for code that walks programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    /// Runs in line with its parent (a sequence, an either/or branch).
    InLine,
    /// Runs at the same time as its siblings.
    Parallel,
    /// Runs only when a call failed.
    Fallback,
    /// Runs later, as new work, when a reply arrived or a request failed.
    Continuation,
}

impl Step {
    /// The link the step goes through, if it names one.
    pub fn link(&self) -> Option<&str> {
        match self {
            Self::Call(c) | Self::Read(c) | Self::Write(c) | Self::Update(c) => Some(&c.link),
            Self::Publish(l) => Some(l),
            Self::Request(r) => Some(&r.link),
            _ => None,
        }
    }

    /// The link the step goes through, for editing.
    pub fn link_mut(&mut self) -> Option<&mut String> {
        match self {
            Self::Call(c) | Self::Read(c) | Self::Write(c) | Self::Update(c) => Some(&mut c.link),
            Self::Publish(l) => Some(l),
            Self::Request(r) => Some(&mut r.link),
            _ => None,
        }
    }

    /// The name of the step as written in the file.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Self::Work(_) => "Work",
            Self::Call(_) => "Call",
            Self::Read(_) => "Read",
            Self::Write(_) => "Write",
            Self::Update(_) => "Update",
            Self::Publish(_) => "Publish",
            Self::Request(_) => "Request",
            Self::Parallel(_) => "Parallel",
            Self::Sequence(_) => "Sequence",
            Self::Choice(_) => "Choice",
            Self::Reply => "Reply",
        }
    }

    /// The step's nested blocks, with how each runs.
    pub fn blocks(&self) -> Vec<(Nesting, &[Step])> {
        match self {
            Self::Parallel(s) => vec![(Nesting::Parallel, s.as_slice())],
            Self::Sequence(s) => vec![(Nesting::InLine, s.as_slice())],
            Self::Choice(branches) => branches
                .iter()
                .map(|b| (Nesting::InLine, b.steps.as_slice()))
                .collect(),
            Self::Call(c) | Self::Read(c) | Self::Write(c) | Self::Update(c) => c
                .fallback
                .iter()
                .map(|f| (Nesting::Fallback, f.as_slice()))
                .collect(),
            Self::Request(r) => vec![
                (Nesting::Continuation, r.then.as_slice()),
                (Nesting::Continuation, r.on_failure.as_slice()),
            ],
            Self::Work(_) | Self::Publish(_) | Self::Reply => Vec::new(),
        }
    }

    /// The step's nested blocks, for editing, in the order of [`Step::blocks`].
    pub fn blocks_mut(&mut self) -> Vec<&mut Vec<Step>> {
        match self {
            Self::Parallel(s) | Self::Sequence(s) => vec![s],
            Self::Choice(branches) => branches.iter_mut().map(|b| &mut b.steps).collect(),
            Self::Call(c) | Self::Read(c) | Self::Write(c) | Self::Update(c) => {
                c.fallback.iter_mut().collect()
            }
            Self::Request(r) => vec![&mut r.then, &mut r.on_failure],
            Self::Work(_) | Self::Publish(_) | Self::Reply => Vec::new(),
        }
    }
}

/// Calls `visit` on every step of `steps`, nested ones included, depth
/// first in file order, with the nestings that lead to it.
pub fn walk<'a>(steps: &'a [Step], visit: &mut impl FnMut(&'a Step, &[Nesting])) {
    fn go<'a>(
        steps: &'a [Step],
        path: &mut Vec<Nesting>,
        visit: &mut impl FnMut(&'a Step, &[Nesting]),
    ) {
        for step in steps {
            visit(step, path);
            for (nesting, block) in step.blocks() {
                path.push(nesting);
                go(block, path, visit);
                path.pop();
            }
        }
    }
    go(steps, &mut Vec::new(), visit);
}

/// Calls `edit` on every step, nested ones included, for rewriting links.
pub fn walk_mut(steps: &mut [Step], edit: &mut impl FnMut(&mut Step)) {
    for step in steps {
        edit(step);
        for block in step.blocks_mut() {
            walk_mut(block, edit);
        }
    }
}

/// The serde form of a call: `Call("link")` or `Call(link: "link", ...)`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CallFields {
    link: String,
    #[serde(default = "one_second")]
    times: f64,
    #[serde(default)]
    fallback: Option<Vec<Step>>,
    #[serde(default)]
    uses: Vec<String>,
    #[serde(default = "yes")]
    needs_response: bool,
}

/// The serde form of a request: `Request("link")` or `Request(link: ...)`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestFields {
    link: String,
    #[serde(default = "one_second")]
    times: f64,
    #[serde(default)]
    then: Vec<Step>,
    #[serde(default)]
    on_failure: Vec<Step>,
}

/// Reads a link name or the full fields of a step: the short form keeps a
/// simple design a few lines long.
struct ShortOrFull<F>(std::marker::PhantomData<F>);

impl<'de, F: Deserialize<'de>> Visitor<'de> for ShortOrFull<F> {
    type Value = Result<String, F>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a link name in double quotes, or `link: \"...\"` and the step's fields")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Ok(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Ok(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        F::deserialize(de::value::MapAccessDeserializer::new(map)).map(Err)
    }
}

impl<'de> Deserialize<'de> for CallStep {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(
            match d.deserialize_any(ShortOrFull::<CallFields>(std::marker::PhantomData))? {
                Ok(link) => CallStep::to(link),
                Err(f) => CallStep {
                    link: f.link,
                    times: f.times,
                    fallback: f.fallback,
                    uses: f.uses,
                    needs_response: f.needs_response,
                },
            },
        )
    }
}

impl<'de> Deserialize<'de> for RequestStep {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(
            match d.deserialize_any(ShortOrFull::<RequestFields>(std::marker::PhantomData))? {
                Ok(link) => RequestStep::to(link),
                Err(f) => RequestStep {
                    link: f.link,
                    times: f.times,
                    then: f.then,
                    on_failure: f.on_failure,
                },
            },
        )
    }
}

/// Writes the short form when nothing but the link is set.
pub(crate) mod short {
    use super::*;
    use serde::Serializer;

    /// Serializes a call step as `"link"` when it is plain.
    pub(crate) fn call<S: Serializer>(c: &CallStep, s: S) -> Result<S::Ok, S::Error> {
        if c.is_plain() {
            s.serialize_str(&c.link)
        } else {
            c.serialize(s)
        }
    }

    /// Serializes a request step as `"link"` when it is plain.
    pub(crate) fn request<S: Serializer>(r: &RequestStep, s: S) -> Result<S::Ok, S::Error> {
        if r.is_plain() {
            s.serialize_str(&r.link)
        } else {
            r.serialize(s)
        }
    }
}
