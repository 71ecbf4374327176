//! Advice: refactorings as transformations of a design, measured before and
//! after.
//!
//! Each finding of [`crate::analysis`] carries [`Suggestion`]s; a
//! suggestion's [`Refactor`] turns the design into a new, valid design.
//! [`evaluate`] applies every suggestion, re-runs the analysis, simulates
//! before and after with the same seeds, and ranks the suggestions by what
//! they measurably change.

mod evaluate;
mod refactor;

pub use evaluate::{
    Advice, AdviceError, Change, Counts, EntryChange, Evaluation, evaluate, evaluate_at_most,
    evaluate_one, suggestions,
};
pub(crate) use refactor::nice_ms;
pub use refactor::{Refactor, RefactorError, Suggestion};
