//! What can be wrong with a design file, in words a person can act on.

use std::fmt;

use super::path::FieldPath;

/// A line and column in a named file (both counted from 1, columns in
/// characters), printed as `file:line:col`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file as the user named it.
    pub file: String,
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub col: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// Why a design file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read at all.
    #[error("{file}: cannot read the file: {source}")]
    Read {
        /// The file.
        file: String,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than any design could reasonably be.
    #[error("{file}: the file is {bytes} bytes; archsim refuses designs over {limit} bytes")]
    TooLarge {
        /// The file.
        file: String,
        /// Its size.
        bytes: u64,
        /// The largest size accepted.
        limit: u64,
    },
    /// The file has nothing in it.
    #[error(
        "{file}: the file is empty; a design starts with `(format: 2, name: \"...\", nodes: [...])` (see docs/file-format.md)"
    )]
    Empty {
        /// The file.
        file: String,
    },
    /// The file is not text.
    #[error("{at}: the file is not UTF-8 text; is it really a .archsim.ron design?")]
    NotText {
        /// Where the first byte that is not UTF-8 is.
        at: Location,
    },
    /// The text is not well-formed RON, or a value has the wrong shape.
    #[error("{at}: {message}")]
    Syntax {
        /// Where the parser stopped.
        at: Location,
        /// What it expected, in plain words.
        message: String,
    },
    /// A field name that archsim does not know (often a typo).
    #[error("{at}: unknown field `{field}`{context}; the known fields are: {known}")]
    UnknownField {
        /// Where the field is.
        at: Location,
        /// The field as written.
        field: String,
        /// ` in Service` and the like, or empty.
        context: String,
        /// The fields allowed there, comma-separated.
        known: String,
    },
    /// A required field is missing.
    #[error("{at}: missing field `{field}`{context}; add it (see docs/file-format.md)")]
    MissingField {
        /// Where the struct that lacks it ends.
        at: Location,
        /// The missing field.
        field: String,
        /// ` in Service` and the like, or empty.
        context: String,
    },
    /// An enum value that archsim does not know.
    #[error("{at}: unknown value `{found}`{context}; allowed: {known}")]
    UnknownVariant {
        /// Where it is.
        at: Location,
        /// The value as written.
        found: String,
        /// ` for Style` and the like, or empty.
        context: String,
        /// The allowed values, comma-separated.
        known: String,
    },
    /// The file says it is in a format version this archsim cannot read.
    #[error(
        "{at}: format version {found} is not supported; this archsim reads formats 1 to {supported} (a newer archsim may have written the file)"
    )]
    UnsupportedFormat {
        /// Where the `format` field is.
        at: Location,
        /// The version in the file.
        found: u64,
        /// The version this archsim reads.
        supported: u32,
    },
    /// The file says it is in a format version older than the first one:
    /// no archsim ever wrote it, so a newer archsim would not read it either.
    #[error(
        "{at}: `format: {found}` is not an archsim design format version this program knows: versions start at {first}, and this archsim writes {newest}; is the file an archsim design? If it is, set `format` to the version it was written for"
    )]
    UnknownFormat {
        /// Where the `format` field is.
        at: Location,
        /// The version in the file.
        found: u64,
        /// The first version there ever was.
        first: u32,
        /// The version this archsim writes.
        newest: u32,
    },
    /// The file parsed but describes an impossible design.
    #[error("{}", render_problems(file, problems))]
    Invalid {
        /// The file.
        file: String,
        /// Every problem found, in file order.
        problems: Vec<Problem>,
    },
}

impl LoadError {
    /// Where the (first) error is, when it has a place in the file.
    pub fn location(&self) -> Option<Location> {
        match self {
            Self::NotText { at }
            | Self::Syntax { at, .. }
            | Self::UnknownField { at, .. }
            | Self::MissingField { at, .. }
            | Self::UnknownVariant { at, .. }
            | Self::UnsupportedFormat { at, .. }
            | Self::UnknownFormat { at, .. } => Some(at.clone()),
            Self::Invalid { file, problems } => problems.first().and_then(|p| p.location_in(file)),
            Self::Read { .. } | Self::TooLarge { .. } | Self::Empty { .. } => None,
        }
    }
}

fn render_problems(file: &str, problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| p.render(file))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One thing wrong with an otherwise well-formed design.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The value at fault, for the app to show the message beside it.
    pub path: FieldPath,
    /// Line and column in the file, once located (files only).
    pub line_col: Option<(usize, usize)>,
    /// What is wrong.
    pub invalid: Invalid,
}

impl Problem {
    /// A problem at `path`, not yet located in a file.
    pub fn new(path: FieldPath, invalid: Invalid) -> Self {
        Self {
            path,
            line_col: None,
            invalid,
        }
    }

    /// The problem's place in `file`, when known.
    pub fn location_in(&self, file: &str) -> Option<Location> {
        self.line_col.map(|(line, col)| Location {
            file: file.to_owned(),
            line,
            col,
        })
    }

    /// `file:line:col: message` (or `file: message` where no place is known),
    /// on one line even when an id or name in it has a line break.
    pub fn render(&self, file: &str) -> String {
        let message = self.invalid.to_string();
        let message = one_line(&message);
        match self.location_in(file) {
            Some(at) => format!("{at}: {message}"),
            None => format!("{file}: {message} (at {})", self.path),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&one_line(&self.invalid.to_string()))
    }
}

/// Messages quote what a person wrote on one line: tools and people read
/// one problem per line.
pub(crate) use crate::terminal::one_line;

/// The kinds of semantic mistake in a design, each saying what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Invalid {
    /// A reference to a node id that does not exist.
    #[error("{what} names unknown node \"{node}\" (known: {known})")]
    UnknownNode {
        /// The thing that refers (`link "a -> b"`).
        what: String,
        /// The id it names.
        node: String,
        /// The ids that exist, comma-separated.
        known: String,
    },
    /// A fault names a link (`from -> to`) that the design does not have.
    #[error(
        "{what} names link \"{from} -> {to}\", which is not in the design (links from \"{from}\" go to: {known}); name a link that exists, or draw it"
    )]
    UnknownLink {
        /// The thing that refers (`fault 1 (Drop)`).
        what: String,
        /// The sending end.
        from: String,
        /// The receiving end.
        to: String,
        /// Where the links from `from` go, comma-separated.
        known: String,
    },
    /// A `Poison` fault on a link where no consumer pulls messages from a
    /// queue, so there is nothing to redeliver and no worker to kill.
    #[error(
        "{what}: \"{from} -> {to}\" is {found}, but poison only applies where a consumer pulls messages from a queue: a subscription (an event link from a broker to a service) or an async_request through a queue (`via`); name such a link, or remove the fault"
    )]
    PoisonNotConsumed {
        /// The fault (`fault 2 (Poison)`).
        what: String,
        /// The sending end of the link named.
        from: String,
        /// The receiving end.
        to: String,
        /// What the link is, in words (`a sync call`).
        found: &'static str,
    },
    /// A `Crash` or `SlowDown` fault on a client.
    #[error(
        "{what}: \"{node}\" is a client, and a client is load, not a server: it cannot crash or slow down; name a service, data store or broker, or change the entry points' load instead"
    )]
    FaultOnClient {
        /// The fault (`fault 1 (Crash)`).
        what: String,
        /// The client named.
        node: String,
    },
    /// A fault that starts when the run is already over.
    #[error(
        "{what} starts at {at_s} s, but the run lasts {duration_s} s (`scenario.duration_s`), so it never happens; start it before {duration_s} s, or make the run longer"
    )]
    FaultAfterRun {
        /// The fault.
        what: String,
        /// Its `at_s`, as written.
        at_s: String,
        /// The scenario's `duration_s`.
        duration_s: String,
    },
    /// Two nodes share an id.
    #[error("node id \"{id}\" is used twice; give each node its own id")]
    DuplicateNodeId {
        /// The id.
        id: String,
    },
    /// Two entry points share a name.
    #[error("entry point name \"{name}\" is used twice; give each its own name")]
    DuplicateEntryPoint {
        /// The name.
        name: String,
    },
    /// Two operations of one service share a name.
    #[error("service \"{node}\" has two operations called \"{op}\"")]
    DuplicateOperation {
        /// The service.
        node: String,
        /// The operation name.
        op: String,
    },
    /// An operation whose name is empty (or only spaces).
    #[error(
        "service \"{node}\": operation {number} has an empty `name`; name it, e.g. \"get_details\" (links and entry points call operations by name)"
    )]
    EmptyOperationName {
        /// The service.
        node: String,
        /// The operation's place in the list, from 1.
        number: usize,
    },
    /// An entry point whose name is empty (or only spaces).
    #[error(
        "entry point {number} (from \"{client}\" to \"{target}\") has an empty `name`; name it, e.g. \"place_order\" (results are shown by entry point name)"
    )]
    EmptyEntryName {
        /// The entry point's place in the list, from 1.
        number: usize,
        /// Its client.
        client: String,
        /// Its target.
        target: String,
    },
    /// An id with characters ids may not have.
    #[error(
        "node id \"{id}\" may only use letters, digits, `_` and `-` (ids appear in commands and diagrams); try \"{suggestion}\""
    )]
    BadId {
        /// The id as written.
        id: String,
        /// A cleaned-up version.
        suggestion: String,
    },
    /// A service without operations.
    #[error(
        "service \"{node}\" has no operations; give it at least one, e.g. (name: \"handle\", steps: [Work(Exponential(mean_ms: 10.0))])"
    )]
    NoOperations {
        /// The service.
        node: String,
    },
    /// A reference to an operation a service does not offer.
    #[error("{what} names unknown operation \"{op}\" of \"{node}\" (known: {known})")]
    UnknownOperation {
        /// The thing that refers.
        what: String,
        /// The node.
        node: String,
        /// The operation named.
        op: String,
        /// The operations that exist.
        known: String,
    },
    /// A link whose style makes no sense between these kinds of node.
    #[error("{what}: a {style} link cannot go from a {from_kind} to a {to_kind}; {rule}")]
    LinkKinds {
        /// The link.
        what: String,
        /// Its style.
        style: String,
        /// Kind of its `from` node.
        from_kind: &'static str,
        /// Kind of its `to` node.
        to_kind: &'static str,
        /// The rule for the style, and what to do.
        rule: &'static str,
    },
    /// A node reference of the wrong kind (a `via` that is not a broker).
    #[error("{what}: \"{node}\" is a {found}, but {field} must name a {expected}")]
    WrongKind {
        /// The thing that refers.
        what: String,
        /// The field.
        field: &'static str,
        /// The node named.
        node: String,
        /// Its kind.
        found: &'static str,
        /// The kind required.
        expected: &'static str,
    },
    /// `retention_s` on a queue broker: only a log keeps consumed messages.
    #[error(
        "broker \"{node}\" is a Queue, which removes a message once it is consumed: `retention_s` only applies to Log brokers; remove it, or make the broker `kind: Log`"
    )]
    RetentionOnQueue {
        /// The broker.
        node: String,
    },
    /// A backoff on a link that never retries.
    #[error(
        "{what}: `{field}` is set, but `retries` is 0, so no retry ever waits; set `retries` (how many times a failed call is tried again), or remove `{field}`"
    )]
    BackoffWithoutRetries {
        /// The link.
        what: String,
        /// `backoff_ms` or `backoff_multiplier`.
        field: &'static str,
    },
    /// A field that means nothing for this link's style.
    #[error("{what}: `{field}` only applies to {applies_to}; remove it or change the style")]
    FieldNotApplicable {
        /// The link.
        what: String,
        /// The field.
        field: &'static str,
        /// Where it applies.
        applies_to: &'static str,
    },
    /// A number out of its allowed range (negative, NaN, infinite...).
    #[error("{what}: `{field}` is {value}, but it must be {rule}")]
    BadNumber {
        /// The thing that has the number.
        what: String,
        /// The field.
        field: String,
        /// The value as read.
        value: String,
        /// The allowed range in words.
        rule: &'static str,
    },
    /// Measured values or histogram buckets that describe no distribution.
    #[error("{what}: `{field}` {problem}")]
    BadMeasurements {
        /// The thing that has the distribution.
        what: String,
        /// The list (`service_time.values_ms`).
        field: String,
        /// What is wrong with it.
        problem: Measurements,
    },
    /// A service with no workers can never serve anything.
    #[error("service \"{node}\" has 0 workers; it needs at least 1 to serve anything")]
    ZeroWorkers {
        /// The service.
        node: String,
    },
    /// An entry point on a node that is not a client.
    #[error(
        "entry point \"{entry}\": \"{node}\" is a {kind}, but load enters at client nodes; add a Client node that calls \"{node}\" and name it as `client`"
    )]
    NotAnEntryNode {
        /// The entry point.
        entry: String,
        /// The node named as client.
        node: String,
        /// Its kind.
        kind: &'static str,
    },
    /// An entry point whose client has no link to its target.
    #[error(
        "entry point \"{entry}\": there is no link from \"{client}\" to \"{target}\"; draw one (it carries the requests)"
    )]
    EntryWithoutLink {
        /// The entry point.
        entry: String,
        /// Its client.
        client: String,
        /// Its target.
        target: String,
    },
    /// An entry point whose client does call its target, but only for other
    /// operations.
    #[error(
        "entry point \"{entry}\" invokes operation \"{op}\" of \"{target}\", but the links from \"{client}\" to \"{target}\" invoke only {linked}; set `to_op: \"{op}\"` on one of them, or draw another"
    )]
    EntryOperationNotLinked {
        /// The entry point.
        entry: String,
        /// Its client.
        client: String,
        /// Its target.
        target: String,
        /// The operation it invokes (its own, or the target's first).
        op: String,
        /// The operations the links invoke, quoted and comma-separated.
        linked: String,
    },
    /// Only the first [`super::validate::MAX_PROBLEMS`] problems are listed.
    #[error("... and {count} more problems (fix the ones above first)")]
    MoreProblems {
        /// How many were not listed.
        count: usize,
    },
    /// The file's format version is not one this archsim writes.
    #[error("`format` is {found}, but this archsim writes format {supported}")]
    FormatVersion {
        /// The version in the design.
        found: u32,
        /// The supported version.
        supported: u32,
    },
    /// A format-1 operation without its `service_time`.
    #[error(
        "operation \"{op}\" has no `service_time` (format 1) and no steps; add `service_time: Constant(ms: 0.0)` or convert the file with `archsim fmt`"
    )]
    MissingServiceTime {
        /// The operation.
        op: String,
    },
    /// A format-1 field in a format-2 file.
    #[error("`{field}` is a format-1 field; in format 2, {instead} (see docs/file-format.md)")]
    FormatOneField {
        /// The field.
        field: &'static str,
        /// What to write instead.
        instead: &'static str,
    },
    /// A format-2 field in a format-1 file.
    #[error(
        "`{field}` is a format-2 field, but the file says `format: 1`; write `format: 2` (and no format-1 fields), or leave it out"
    )]
    FormatTwoField {
        /// The field.
        field: &'static str,
    },
    /// Two fields that say the same thing, both given.
    #[error("`{field}` and `{other}` say the same thing; keep one")]
    FieldTwice {
        /// The field reported.
        field: &'static str,
        /// The other field.
        other: &'static str,
    },
    /// Two links of one node with the same name.
    #[error(
        "{what}: another link from \"{from}\" is already called \"{name}\"; give each its own name"
    )]
    DuplicateLinkName {
        /// The link.
        what: String,
        /// Its sending node.
        from: String,
        /// The name.
        name: String,
    },
    /// A step names a link its service does not have.
    #[error(
        "{op}: step {step} goes through \"{link}\", but \"{node}\" has no link called that or to a node with that id (its links go to: {known})"
    )]
    UnknownStepLink {
        /// The operation, as `service "x" operation "y"`.
        op: String,
        /// The step's kind.
        step: &'static str,
        /// The reference.
        link: String,
        /// The service.
        node: String,
        /// What it could name.
        known: String,
    },
    /// A step names a node that several links of the service go to.
    #[error(
        "{op}: step {step} goes to \"{link}\", but {count} links of \"{node}\" go there; give them a `name` and use it in the step"
    )]
    AmbiguousStepLink {
        /// The operation.
        op: String,
        /// The step's kind.
        step: &'static str,
        /// The reference.
        link: String,
        /// The service.
        node: String,
        /// How many links go there.
        count: usize,
    },
    /// A step goes through a link of the wrong style or to the wrong kind.
    #[error("{op}: step {step} goes through link \"{link}\" ({style} to a {to_kind}); {rule}")]
    WrongStepLink {
        /// The operation.
        op: String,
        /// The step's kind.
        step: &'static str,
        /// The link.
        link: String,
        /// Its style.
        style: String,
        /// What it goes to.
        to_kind: &'static str,
        /// What would fit.
        rule: &'static str,
    },
    /// A choice whose probabilities do not add up to 1.
    #[error(
        "{op}: the branches of this Choice have probabilities adding up to {sum}; they must add up to 1"
    )]
    ProbabilitiesSum {
        /// The operation.
        op: String,
        /// Their sum.
        sum: String,
    },
    /// A block that must have steps has none.
    #[error("{op}: this {step} has no steps; give it at least one or remove it")]
    EmptyBlock {
        /// The operation.
        op: String,
        /// The step's kind.
        step: &'static str,
    },
    /// Reply where the caller can no longer be answered.
    #[error("{op}: Reply {place}; {hint}")]
    MisplacedReply {
        /// The operation.
        op: String,
        /// Where it is, in words.
        place: &'static str,
        /// What to do instead.
        hint: &'static str,
    },
    /// Blocks nested deeper than the limit.
    #[error(
        "{op}: steps nested {depth} deep; archsim allows {limit} (move a branch into an operation of its own)"
    )]
    TooDeep {
        /// The operation.
        op: String,
        /// How deep.
        depth: usize,
        /// The limit.
        limit: usize,
    },
    /// `uses` names no earlier call.
    #[error(
        "{op}: `uses` names \"{name}\", which no earlier Call, Read, Write, Update or Request of this operation goes through"
    )]
    UnknownUse {
        /// The operation.
        op: String,
        /// The name.
        name: String,
    },
    /// Requests that start each other for ever.
    #[error(
        "{op}: every request of this operation leads back to it ({cycle}); each request starts another without end — make one request of the loop conditional (inside a Choice) or remove it"
    )]
    EndlessLoop {
        /// The operation.
        op: String,
        /// The loop, as `a.op -> b.op -> a.op`.
        cycle: String,
    },
}

/// What makes a list of measurements unusable as a distribution; each
/// message says what to write instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Measurements {
    /// An `Empirical` distribution without values.
    #[error("is empty; list the measured durations, e.g. `values_ms: [12.5, 14, 31]`")]
    NoValues,
    /// A `Histogram` without buckets.
    #[error(
        "is empty; list the buckets, e.g. `buckets: [(up_to_ms: 10, count: 90), (up_to_ms: 50, count: 10)]`"
    )]
    NoBuckets,
    /// More measured values than archsim takes.
    #[error(
        "has {count} values, more than the {max} archsim takes; keep a random sample of them, or summarise them as a `Histogram`"
    )]
    TooManyValues {
        /// How many there are.
        count: usize,
        /// The limit, [`super::MAX_MEASUREMENTS`].
        max: usize,
    },
    /// More histogram buckets than archsim takes.
    #[error("has {count} buckets, more than the {max} archsim takes; merge neighbouring buckets")]
    TooManyBuckets {
        /// How many there are.
        count: usize,
        /// The limit, [`super::MAX_MEASUREMENTS`].
        max: usize,
    },
    /// Every bucket of a histogram has a count of 0.
    #[error("has only counts of 0; give each bucket the number of measurements that fell in it")]
    NoCounts,
}
