//! # tape: reverse-mode automatic differentiation as message passing
//!
//! Every operation on a [`Var`] is *recorded* on a [`Tape`] as a node: the
//! value it produced, the nodes it read (its inputs), and the op, which
//! knows its own local derivative. Nodes are appended in execution order,
//! so the tape is a graph already sorted so that inputs come before the
//! nodes that use them.
//!
//! [`Var::backward`] then runs **one generic pass of message passing** over
//! that graph, from the output back to the leaves:
//!
//! 1. the output receives the message `1` (d output / d output);
//! 2. walking the tape backwards, each node adds up the messages it has
//!    received (that sum is its gradient) and sends each of its inputs one
//!    message: the *vector-Jacobian product* (VJP) of its op, i.e. the
//!    gradient times the op's local derivative with respect to that input;
//! 3. the leaves keep their sums: those are the gradients.
//!
//! No layer or model writes a backward pass: each op states its forward
//! computation and its VJP once, side by side, and the pass is the same for
//! every graph. A node used twice simply receives two messages and adds
//! them, which is why shared subexpressions come out right.
//!
//! ```
//! use tape::Tape;
//!
//! // y = sigmoid(w * x + b), the smallest neuron.
//! let tape = Tape::new();
//! let x = tape.constant(2.0_f64).label("x");
//! let w = tape.var(0.5).label("w");
//! let b = tape.var(-1.0).label("b");
//! let y = (w * x + b).sigmoid().label("y");
//! assert_eq!(y.item(), 0.5); // sigmoid(0)
//!
//! let grads = y.backward();
//! // dy/dz = s(1 - s) = 0.25; dz/dw = x = 2; dz/db = 1.
//! assert_eq!(grads[w].item(), 0.5);
//! assert_eq!(grads[b].item(), 0.25);
//! assert!(grads.get(x).is_none()); // constants receive no messages
//! ```
//!
//! ## What is where
//!
//! - [`Tensor`]: dense row-major values (f32 or f64) and their kernels;
//!   scalars live inline without a heap allocation.
//! - [`Tape`] and [`Var`]: recording; ops are methods and operators on
//!   `Var` (`+ - * /` with numpy broadcasting, [`Var::matmul`],
//!   [`Var::sum_axis`], [`Var::tanh`] ...).
//! - [`Gradients`], [`Observer`]: the backward pass and a way to watch
//!   every message it sends.
//! - [`CustomOp`]: define your own op by its forward and VJP.
//! - [`Algebra`]: the operations VJPs are written in, the hook for
//!   higher-order gradients.
//!
//! Shape mismatches in model code panic with a message naming the op and
//! the shapes; data from outside goes through [`Tensor::try_from_vec`],
//! which returns a [`ShapeError`].

#![deny(missing_docs)]

mod algebra;
mod backward;
pub mod check;
mod error;
mod nodes;
mod ops;
pub mod parallel;
mod pass;
mod scalar;
mod shape;
mod tape;
mod tensor;
#[cfg(feature = "proptest")]
pub mod testing;
mod threads;
pub mod trace;

pub use algebra::Algebra;
pub use backward::{Gradients, Message, Observer};
pub use check::{gradcheck, gradcheck_directional, GradCheck, GradReport};
pub use error::ShapeError;
pub use ops::CustomOp;
pub use scalar::Scalar;
pub use shape::{Dims, Shape};
pub use tape::{NodeId, Tape, Var};
pub use tensor::gemm::{kernel_isa as matmul_kernel_isa, matmul_threads};
pub use tensor::Tensor;
pub use trace::{Anomaly, Trace, TraceError};
