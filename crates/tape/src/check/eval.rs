//! The two sides of a check: the analytic gradients from one backward
//! pass, and the loss `L = Σ c ⊙ f(x)` at perturbed points.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::{Shape, Tape, Tensor, Var};

/// The analytic side: one recording with variables and one backward pass.
pub(crate) struct Analytic {
    pub(crate) grads: Vec<Tensor<f64>>,
    pub(crate) labels: Vec<Option<String>>,
    pub(crate) cotangent: Tensor<f64>,
    pub(crate) output_shape: Shape,
}

impl Analytic {
    pub(crate) fn compute<F>(f: &F, inputs: &[Tensor<f64>], seed: u64) -> Self
    where
        F: for<'t> Fn(&[Var<'t, f64>]) -> Var<'t, f64>,
    {
        let tape = Tape::new();
        let vars: Vec<Var<'_, f64>> = inputs.iter().map(|x| tape.var(x)).collect();
        let out = f(&vars);
        let shape = out.shape();
        let cotangent = if shape.numel() == 1 {
            Tensor::ones(shape.clone())
        } else {
            random_cotangent(&shape, seed)
        };
        let grads = out.backward_with(cotangent.clone());
        Analytic {
            grads: vars
                .iter()
                .map(|&v| {
                    grads
                        .get(v)
                        .cloned()
                        .unwrap_or_else(|| Tensor::zeros(v.shape()))
                })
                .collect(),
            labels: vars.iter().map(|v| v.name()).collect(),
            cotangent,
            output_shape: shape,
        }
    }
}

/// Evaluates `L(x) = Σ c ⊙ f(x)` at perturbed inputs, recording nothing.
pub(crate) struct Evaluator<'a, F> {
    f: &'a F,
    work: Vec<Tensor<f64>>,
    cotangent: &'a Tensor<f64>,
    tape: Tape<f64>,
}

impl<'a, F> Evaluator<'a, F>
where
    F: for<'t> Fn(&[Var<'t, f64>]) -> Var<'t, f64>,
{
    pub(crate) fn new(f: &'a F, inputs: &[Tensor<f64>], cotangent: &'a Tensor<f64>) -> Self {
        Evaluator {
            f,
            work: inputs.to_vec(),
            cotangent,
            tape: Tape::new(),
        }
    }

    /// `L` at the current working point.
    pub(crate) fn loss(&mut self) -> f64 {
        self.tape.reset();
        let tape = &self.tape;
        let out = tape.no_grad(|| {
            let vars: Vec<Var<'_, f64>> = self.work.iter().map(|x| tape.var(x)).collect();
            (self.f)(&vars).value()
        });
        assert_eq!(
            out.shape(),
            self.cotangent.shape(),
            "gradcheck: the function returned shape {:?} at a perturbed point but {:?} at \
             the original one; its output shape must not depend on the values",
            out.shape(),
            self.cotangent.shape()
        );
        out.data()
            .iter()
            .zip(self.cotangent.data())
            .map(|(y, c)| y * c)
            .sum()
    }

    /// `L` with element `j` of input `i` set to `value`.
    pub(crate) fn loss_with(&mut self, i: usize, j: usize, value: f64) -> f64 {
        let old = std::mem::replace(&mut self.work[i].data_mut()[j], value);
        let loss = self.loss();
        self.work[i].data_mut()[j] = old;
        loss
    }

    /// `L(x + t v)`.
    pub(crate) fn loss_along(&mut self, direction: &[Tensor<f64>], t: f64) -> f64 {
        let saved = self.work.clone();
        for (w, v) in self.work.iter_mut().zip(direction) {
            for (x, d) in w.data_mut().iter_mut().zip(v.data()) {
                *x += t * d;
            }
        }
        let loss = self.loss();
        self.work = saved;
        loss
    }
}

/// Entries `±[0.5, 1.5]`: random signs and sizes, never near zero.
pub(crate) fn random_cotangent(shape: &Shape, seed: u64) -> Tensor<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    let data = (0..shape.numel())
        .map(|_| {
            let m: f64 = rng.random_range(0.5..1.5);
            if rng.random::<bool>() {
                m
            } else {
                -m
            }
        })
        .collect();
    Tensor::from_vec(data, shape.clone())
}

/// A random direction over all inputs with Euclidean norm 1.
pub(crate) fn random_unit_direction(inputs: &[Tensor<f64>], rng: &mut StdRng) -> Vec<Tensor<f64>> {
    let mut v: Vec<Tensor<f64>> = inputs
        .iter()
        .map(|x| Tensor::randn(x.shape().clone(), rng))
        .collect();
    let norm = v
        .iter()
        .flat_map(|t| t.data())
        .map(|x| x * x)
        .sum::<f64>()
        .sqrt();
    if norm > 0.0 {
        for t in &mut v {
            for x in t.data_mut() {
                *x /= norm;
            }
        }
    }
    v
}

/// The multi-index of row-major offset `flat` in a tensor of shape `dims`.
pub(crate) fn unravel(mut flat: usize, dims: &[usize]) -> Vec<usize> {
    let mut index = vec![0; dims.len()];
    for (k, &d) in dims.iter().enumerate().rev() {
        index[k] = flat % d;
        flat /= d;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unravel_is_row_major() {
        assert_eq!(unravel(5, &[2, 3]), vec![1, 2]);
        assert_eq!(unravel(0, &[]), Vec::<usize>::new());
        assert_eq!(unravel(7, &[2, 2, 2]), vec![1, 1, 1]);
    }

    #[test]
    fn directions_are_unit_and_seeded() {
        let inputs = [Tensor::<f64>::zeros([3, 2]), Tensor::zeros([4])];
        let a = random_unit_direction(&inputs, &mut StdRng::seed_from_u64(3));
        let b = random_unit_direction(&inputs, &mut StdRng::seed_from_u64(3));
        assert!(a == b);
        let norm: f64 = a.iter().flat_map(|t| t.data()).map(|x| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-12);
    }

    #[test]
    fn cotangent_entries_stay_away_from_zero() {
        let c = random_cotangent(&Shape::new(&[50]), 9);
        assert!(c.data().iter().all(|x| (0.5..1.5).contains(&x.abs())));
        assert!(c.data().iter().any(|&x| x < 0.0) && c.data().iter().any(|&x| x > 0.0));
    }
}
