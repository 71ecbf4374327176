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
        "{file}: the file is empty; a design starts with `(format: 1, name: \"...\", nodes: [...])` (see docs/file-format.md)"
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
        "{at}: format version {found} is not supported; this archsim reads format {supported} (a newer archsim may have written the file)"
    )]
    UnsupportedFormat {
        /// Where the `format` field is.
        at: Location,
        /// The version in the file.
        found: u64,
        /// The version this archsim reads.
        supported: u32,
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
            | Self::UnsupportedFormat { at, .. } => Some(at.clone()),
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
        "service \"{node}\" has no operations; give it at least one, e.g. (name: \"handle\", service_time: Exponential(mean_ms: 10.0))"
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
