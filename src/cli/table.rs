//! Plain text tables for the terminal, columns sized to their content.

use archsim::report::content;
use archsim::terminal::one_line;

/// A plain text table with columns sized to their content.
pub struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with this header row.
    pub fn new(header: &[&str]) -> Self {
        Self {
            rows: vec![header.iter().map(|h| (*h).to_owned()).collect()],
        }
    }

    /// A report's table as text: each estimate with its interval beside
    /// it.
    pub fn of(table: &content::Table) -> Self {
        let mut t = Self {
            rows: vec![
                table
                    .columns
                    .iter()
                    .map(|(title, _)| title.clone())
                    .collect(),
            ],
        };
        for row in &table.rows {
            t.row(row.iter().map(content::Cell::joined).collect());
        }
        t
    }

    /// Adds a row below the others.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The table's lines, columns padded to the widest cell as it will
    /// be printed (escaped).
    pub fn render(&self) -> Vec<String> {
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|s| one_line(s).chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        self.rows
            .iter()
            .map(|row| {
                let cells: Vec<String> = row
                    .iter()
                    .zip(&widths)
                    .map(|(cell, w)| format!("{:<w$}", one_line(cell)))
                    .collect();
                cells.join("  ").trim_end().to_owned()
            })
            .collect()
    }
}
