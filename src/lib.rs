//! archsim: design microservice architectures, simulate them, and see
//! temporal coupling, long blocking chains and cascading failures.
//!
//! The library is the whole product without a window: [`model`] is the
//! design document and its file format, [`library`] the built-in example
//! designs. The desktop app (feature `gui`) and the command line are thin
//! layers over it. See ARCHITECTURE.md for the map.

pub mod advice;
pub mod analysis;
pub mod library;
pub mod model;
pub mod sim;
