//! Studies: many simulations of one design, varied on purpose, to answer
//! the questions a design review asks ("how much load does this take
//! before it breaks, and what breaks first?"). Each study runs its
//! simulations with the design's seeds (paired: common random numbers),
//! so the differences between its points come from what was varied, not
//! from luck.

pub mod capacity;
pub mod sensitivity;
