//! Typed identifiers, so a node id can never be mixed up with a name or an
//! operation.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The stable identifier of a node, as written in the file (`"payment"`).
///
/// Ids are what links, entry points and faults refer to, and what the command
/// line, reports and Mermaid diagrams print, so they are restricted to ASCII
/// letters, digits, `_` and `-` (checked by validation).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NodeId(pub String);

impl NodeId {
    /// Wraps a string as a node id (validation checks its characters).
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The id as written in the file.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the id uses only the characters ids may contain.
    pub fn is_well_formed(&self) -> bool {
        !self.0.is_empty()
            && self
                .0
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for NodeId {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

/// The position of a link in [`crate::model::Design::links`].
///
/// Links have no id of their own in the file (they are named `from -> to`
/// for people); inside the program a link is its index. Transformations
/// produce a new design, so an index is valid for the design it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LinkIdx(pub usize);

/// The position of a node in [`crate::model::Design::nodes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NodeIdx(pub usize);
