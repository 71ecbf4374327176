//! Paths to a value inside a design (`links[3].to`), so that a problem can
//! be shown beside its field in the app and at its line and column in the
//! file.

use std::fmt;

/// One step of a [`FieldPath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathSeg {
    /// A named field of a struct or struct-like enum variant.
    Field(&'static str),
    /// An element of a list.
    Index(usize),
}

/// Where a value sits in a design: `nodes[2].kind.workers`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct FieldPath(pub Vec<PathSeg>);

impl FieldPath {
    /// The design itself.
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// This path extended by a field.
    pub fn field(&self, name: &'static str) -> Self {
        let mut p = self.clone();
        p.0.push(PathSeg::Field(name));
        p
    }

    /// This path extended by a list index.
    pub fn index(&self, i: usize) -> Self {
        let mut p = self.clone();
        p.0.push(PathSeg::Index(i));
        p
    }

    /// Whether `self` is `prefix` or lies inside it.
    pub fn starts_with(&self, prefix: &FieldPath) -> bool {
        self.0.starts_with(&prefix.0)
    }

    /// The name of the last field on the path, if it ends in one.
    pub fn last_field(&self) -> Option<&'static str> {
        self.0.iter().rev().find_map(|s| match s {
            PathSeg::Field(f) => Some(*f),
            PathSeg::Index(_) => None,
        })
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for seg in &self.0 {
            match seg {
                PathSeg::Field(name) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(name)?;
                }
                PathSeg::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        Ok(())
    }
}
