//! Every built-in op's gradient agrees with finite differences (f64), on
//! random shapes and values, one op family at a time; binary ops on every
//! kind of broadcast.

use proptest::prelude::*;
use proptest::sample::select;
use tape::check::gradcheck;
use tape::testing::{
    arb_broadcast_pair, arb_shape_with, arb_shaped_tensor, arb_tensor, proptest_config,
};
use tape::{Shape, Tensor, Var};

#[derive(Clone, Copy, Debug)]
enum Unary {
    Neg,
    AddScalar,
    SubScalar,
    MulScalar,
    DivScalar,
    RSubScalar,
    RDivScalar,
    Exp,
    Ln,
    Sqrt,
    Powf(f64),
    Powi(i32),
    Square,
    Abs,
    Sigmoid,
    Relu,
    Tanh,
    Sign,
    Step,
}

const UNARY: [Unary; 22] = [
    Unary::Neg,
    Unary::AddScalar,
    Unary::SubScalar,
    Unary::MulScalar,
    Unary::DivScalar,
    Unary::RSubScalar,
    Unary::RDivScalar,
    Unary::Exp,
    Unary::Ln,
    Unary::Sqrt,
    Unary::Powf(0.5),
    Unary::Powf(-1.5),
    Unary::Powf(2.5),
    Unary::Powi(3),
    Unary::Powi(-2),
    Unary::Square,
    Unary::Abs,
    Unary::Sigmoid,
    Unary::Relu,
    Unary::Tanh,
    Unary::Sign,
    Unary::Step,
];

impl Unary {
    /// ln, sqrt, fractional powers need positive inputs.
    fn positive_only(self) -> bool {
        matches!(self, Unary::Ln | Unary::Sqrt | Unary::Powf(_))
    }

    fn apply(self, x: Var<'_, f64>) -> Var<'_, f64> {
        match self {
            Unary::Neg => -x,
            Unary::AddScalar => x + 0.75,
            Unary::SubScalar => x - 1.25,
            Unary::MulScalar => x * -3.0,
            Unary::DivScalar => x / 4.0,
            Unary::RSubScalar => 2.0 - x,
            Unary::RDivScalar => 2.0 / x,
            Unary::Exp => x.exp(),
            Unary::Ln => x.ln(),
            Unary::Sqrt => x.sqrt(),
            Unary::Powf(p) => x.powf(p),
            Unary::Powi(n) => x.powi(n),
            Unary::Square => x.square(),
            Unary::Abs => x.abs(),
            Unary::Sigmoid => x.sigmoid(),
            Unary::Relu => x.relu(),
            Unary::Tanh => x.tanh(),
            Unary::Sign => x.sign(),
            Unary::Step => x.step(),
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Binary {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Clone, Copy, Debug)]
enum Reduce {
    Sum,
    Mean,
    SumAxis,
    MeanAxis,
    MaxAxis,
}

fn tensor_pair() -> impl Strategy<Value = (Tensor<f64>, Tensor<f64>)> {
    arb_broadcast_pair().prop_flat_map(|(a, b)| (arb_tensor(a), arb_tensor(b)))
}

/// Shape with rank in 1..=3, a tensor of it, and an axis of it.
fn tensor_and_axis() -> impl Strategy<Value = (Tensor<f64>, usize)> {
    arb_shape_with(1..4, 1..5).prop_flat_map(|s| {
        let rank = s.rank();
        (arb_tensor(s), 0..rank)
    })
}

/// Operands of `matmul_t(ta, tb)`: `[m, k] @ [k, n]` stored transposed where
/// flagged, with a batch axis on neither, both or one side.
fn matmul_case() -> impl Strategy<Value = (Tensor<f64>, bool, Tensor<f64>, bool)> {
    (
        1..5usize,
        1..5usize,
        1..5usize,
        0..4u8,
        1..4usize,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_flat_map(|(m, k, n, batching, b, ta, tb)| {
            let mut left = if ta { vec![k, m] } else { vec![m, k] };
            let mut right = if tb { vec![n, k] } else { vec![k, n] };
            if batching == 1 || batching == 2 {
                left.insert(0, b);
            }
            if batching == 1 || batching == 3 {
                right.insert(0, b);
            }
            (
                arb_tensor(Shape::from(left)),
                Just(ta),
                arb_tensor(Shape::from(right)),
                Just(tb),
            )
        })
}

proptest! {
    #![proptest_config(proptest_config(256))]

    #[test]
    fn elementwise_unary_ops(op in select(&UNARY[..]), x in arb_shaped_tensor()) {
        let x = if op.positive_only() { x.abs() } else { x };
        gradcheck(|v| op.apply(v[0]), &[x]).assert_ok();
    }

    #[test]
    fn binary_ops_broadcast(
        op in select(vec![Binary::Add, Binary::Sub, Binary::Mul, Binary::Div]),
        (a, b) in tensor_pair(),
        swap in any::<bool>(),
    ) {
        let inputs = if swap { [b, a] } else { [a, b] };
        gradcheck(
            |v| match op {
                Binary::Add => v[0] + v[1],
                Binary::Sub => v[0] - v[1],
                Binary::Mul => v[0] * v[1],
                Binary::Div => v[0] / v[1],
            },
            &inputs,
        )
        .assert_ok();
    }

    #[test]
    fn binary_ops_with_a_shared_operand((a, b) in tensor_pair()) {
        // a used three times, b twice: messages from every use add up.
        gradcheck(|v| (v[0] * v[1] + v[0] / v[1]) * v[0], &[a, b]).assert_ok();
    }

    #[test]
    fn reductions(
        op in select(vec![Reduce::Sum, Reduce::Mean, Reduce::SumAxis, Reduce::MeanAxis, Reduce::MaxAxis]),
        (x, axis) in tensor_and_axis(),
        keepdim in any::<bool>(),
    ) {
        gradcheck(
            |v| match op {
                Reduce::Sum => v[0].sum(),
                Reduce::Mean => v[0].mean(),
                Reduce::SumAxis => v[0].sum_axis(axis, keepdim),
                Reduce::MeanAxis => v[0].mean_axis(axis, keepdim),
                Reduce::MaxAxis => v[0].max_axis(axis, keepdim),
            },
            &[x],
        )
        .assert_ok();
    }

    #[test]
    fn max_mask_and_sum_to((x, axis) in tensor_and_axis(), drop in 0..4usize, ones in any::<u8>()) {
        // max_mask has derivative 0; multiply it in to give it a path.
        gradcheck(|v| v[0].max_mask(axis) * v[0].tanh(), std::slice::from_ref(&x)).assert_ok();
        let dims = &x.dims()[drop.min(x.rank())..];
        let target: Vec<usize> = dims
            .iter()
            .enumerate()
            .map(|(k, &d)| if ones >> k & 1 == 1 { 1 } else { d })
            .collect();
        gradcheck(|v| v[0].sum_to(target.clone()), &[x]).assert_ok();
    }

    #[test]
    fn matmul_in_every_transposition_and_batching((a, ta, b, tb) in matmul_case()) {
        gradcheck(|v| v[0].matmul_t(ta, v[1], tb), &[a.clone(), b.clone()]).assert_ok();
        if !ta && !tb {
            gradcheck(|v| v[0].matmul(v[1]), &[a, b]).assert_ok();
        }
    }

    #[test]
    fn transpose_reshape_broadcast(
        x in arb_shape_with(2..4, 1..5).prop_flat_map(arb_tensor),
        lead in 1..4usize,
    ) {
        let n = x.numel();
        gradcheck(|v| v[0].transpose() * v[0].t().t().transpose(), std::slice::from_ref(&x)).assert_ok();
        gradcheck(|v| v[0].reshape([n]).exp(), std::slice::from_ref(&x)).assert_ok();
        let mut wide = vec![lead];
        wide.extend(x.dims());
        gradcheck(|v| v[0].broadcast_to(wide.clone()).sigmoid(), &[x]).assert_ok();
    }

    #[test]
    fn narrow_pad_and_rows(
        (x, axis) in tensor_and_axis(),
        start in 0..4usize,
        extra in 0..3usize,
        picks in proptest::collection::vec(0..16usize, 1..6),
    ) {
        let len = x.dims()[axis];
        let start = start % len;
        let take = len - start;
        gradcheck(|v| v[0].narrow(axis, start, take).tanh(), std::slice::from_ref(&x)).assert_ok();
        gradcheck(|v| v[0].pad(axis, extra, len + extra + 1).exp(), std::slice::from_ref(&x)).assert_ok();
        let rows = x.dims()[0];
        let indices: Vec<usize> = picks.iter().map(|p| p % rows).collect();
        gradcheck(|v| curved(v[0].index_rows(&indices)), std::slice::from_ref(&x)).assert_ok();
        gradcheck(|v| v[0].rows(start % rows..rows).square(), std::slice::from_ref(&x)).assert_ok();
        // index_add_rows takes one index per row of its input.
        let targets: Vec<usize> = (0..rows).map(|r| picks[r % picks.len()] % 3).collect();
        gradcheck(|v| v[0].index_add_rows(&targets, 3).square(), &[x]).assert_ok();
    }

    #[test]
    fn concat_and_stack((x, axis) in tensor_and_axis(), grow in 1..3usize) {
        let mut dims = x.dims().to_vec();
        dims[axis] = grow;
        let other = Tensor::from_vec(
            (0..dims.iter().product::<usize>()).map(|k| 0.3 + 0.1 * k as f64).collect(),
            dims,
        );
        gradcheck(
            |v| Var::concat(&[v[0], v[1].exp(), v[0]], axis).tanh(),
            &[x.clone(), other],
        )
        .assert_ok();
        let y = x.map(|e| e * 0.5 - 0.25);
        gradcheck(|v| Var::stack(&[v[0], v[1], v[0]], axis).sigmoid(), &[x, y]).assert_ok();
    }
}

/// `x tanh(x) + x`: a curved elementwise map, so that a message routed to
/// the wrong element shows up in the gradient.
fn curved(x: Var<'_, f64>) -> Var<'_, f64> {
    x * x.tanh() + x
}
