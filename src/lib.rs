//! archsim: design microservice architectures, simulate them, and see
//! temporal coupling, long blocking chains and cascading failures.
//!
//! The library is the whole product without a window: [`model`] is the
//! design document and its file format, [`library`] the built-in example
//! designs, [`sim`] the discrete-event simulation, [`analysis`] the
//! findings, [`advice`] the refactorings measured before and after,
//! [`study`] the studies of many simulations (capacity, sensitivity,
//! chaos), [`import`] designs inferred from distributed traces,
//! [`visual`] the rules every picture of a design follows, [`layout`]
//! the automatic layered layout, [`placement`] room for added nodes, and
//! [`report`] the HTML, Markdown, JSON and SVG reports; [`scc`], [`list`]
//! and [`terminal`] are small helpers
//! they share (graph components without recursion, lists and lines of text
//! that any design can be put in safely). The desktop app (feature `gui`,
//! module `app`) and the command line are thin layers over it. See
//! ARCHITECTURE.md for the map.

pub mod advice;
pub mod analysis;
#[cfg(feature = "gui")]
pub mod app;
pub mod import;
pub mod layout;
pub mod library;
pub mod list;
pub mod model;
pub mod numbers;
pub mod placement;
pub mod report;
pub mod scc;
pub mod sim;
pub mod study;
pub mod terminal;
pub mod visual;
