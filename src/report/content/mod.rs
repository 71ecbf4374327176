//! What a report says, as plain text and tables, the same for every
//! format: the HTML and Markdown renderers only lay these out (and escape
//! them), so the two never disagree. [`figures`] holds the simulation's
//! tables, [`findings`] the sentences about findings, [`advice`] the
//! measured suggestions, [`scenario`] how the report was made,
//! [`studies`] the studies (which `archsim study` prints too).

mod advice;
mod figures;
mod findings;
mod scenario;
pub mod studies;

use crate::sim::Estimate;

use crate::numbers::{self, Measure};

pub use advice::{changes, evaluation, measurable, unmeasured_note};
pub use figures::{brokers, entry_results, links, services, summary};
pub use findings::{findings_count, headline, involves};
pub use scenario::{fault, load, provenance};

/// How a cell reads: plain, or marked good or bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Nothing to mark.
    Plain,
    /// Measurably better.
    Good,
    /// Measurably worse.
    Bad,
}

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// What it says.
    pub text: String,
    /// For an estimate, the half-width of its 95 % interval (`± 3.9 ms`),
    /// which the page sets under the value.
    pub interval: Option<String>,
    /// How it reads.
    pub tone: Tone,
}

impl Cell {
    /// The text and interval together, on one line.
    pub fn joined(&self) -> String {
        match &self.interval {
            Some(pm) => format!("{} {pm}", self.text),
            None => self.text.clone(),
        }
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Self {
            text,
            interval: None,
            tone: Tone::Plain,
        }
    }
}

/// An estimate's cell: the value, and its interval apart.
pub(super) fn est(e: &Estimate, m: Measure) -> Cell {
    let (text, interval) = numbers::estimate_parts(e, m);
    Cell {
        text,
        interval,
        tone: Tone::Plain,
    }
}

/// A table: column titles and rows of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The column titles, each with whether the column holds numbers
    /// (drawn right-aligned).
    pub columns: Vec<(String, bool)>,
    /// The rows, each as long as `columns`.
    pub rows: Vec<Vec<Cell>>,
}

/// A column of words.
pub(super) const TEXT: bool = false;
/// A column of numbers.
pub(super) const NUM: bool = true;

impl Table {
    pub(super) fn new(columns: &[(&str, bool)]) -> Self {
        Self {
            columns: columns.iter().map(|(t, n)| ((*t).to_owned(), *n)).collect(),
            rows: Vec::new(),
        }
    }

    pub(super) fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }

    /// Whether column `i` holds numbers.
    pub fn numeric(&self, i: usize) -> bool {
        self.columns.get(i).is_some_and(|c| c.1)
    }
}
