//! Checkers shared by the report tests.

pub mod mermaid;
pub mod schema;
