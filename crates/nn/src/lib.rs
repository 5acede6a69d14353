//! # nn: neural-network building blocks on the `tape` crate
//!
//! Layers, losses and optimizers whose gradients all come from the tape's
//! message passing. (Under construction: see the project's issues.)

#![deny(missing_docs)]

pub use tape;
