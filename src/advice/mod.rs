//! Advice: refactorings as transformations of a design, measured before and
//! after.

mod refactor;

pub(crate) use refactor::nice_ms;
pub use refactor::{Refactor, RefactorError, Suggestion};
