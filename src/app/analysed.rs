//! The static analysis of the open design, kept up to date: redone when
//! the design's revision changes (the rules run in linear time), and only
//! for a valid design — findings on a design that does not validate would
//! be about the mistakes, not the architecture.

use crate::analysis::{self, Analysis, EntrySummary};
use crate::model::Design;

/// The analysis of the design at one revision.
#[derive(Debug, Default)]
pub struct Analysed {
    revision: Option<u64>,
    analysis: Option<Analysis>,
}

impl Analysed {
    /// Brings the analysis up to date with `design` at `revision`, which
    /// is `valid` or not.
    pub fn update(&mut self, design: &Design, revision: u64, valid: bool) {
        if self.revision == Some(revision) {
            return;
        }
        self.revision = Some(revision);
        self.analysis = valid.then(|| analysis::analyse(design));
    }

    /// The analysis, when the design is valid.
    pub fn get(&self) -> Option<&Analysis> {
        self.analysis.as_ref()
    }

    /// What entry point `name` depends on.
    pub fn entry(&self, name: &str) -> Option<&EntrySummary> {
        self.analysis
            .as_ref()?
            .entry_points
            .iter()
            .find(|e| e.entry_point == name)
    }
}
