//! The tour (`tapegrad` with no command): the seed article's 3-2-1
//! network, one training step traced message by message and then trained,
//! and an MLP trained on two moons, with every output written to disk.

use std::io::Write;
use std::time::Instant;

use nn::loss::{mse, Reduction};
use nn::optim::{Optimizer, Sgd};
use nn::seed::{fmt_num, fmt_tensor, train_article_program, worked_example_data, SeedNet};
use nn::train::predict;
use nn::{Module, ParamStore};
use tape::{Tape, Trace};

use super::artifacts::{self, write_text};
use super::train;
use crate::cli::{Layers, TourArgs, TrainArgs};
use crate::error::CliError;
use crate::fit::OptimizerKind;
use crate::model::ActivationKind;
use crate::progress::Progress;
use crate::say;

/// The seed network's training: the article's program, done right.
const SEED_EPOCHS: usize = 1000;
const SEED_LR: f64 = 0.1;
const SEED_SEED: u64 = 5;

/// Runs the tour, writing into `args.out`.
pub fn run(args: &TourArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let started = Instant::now();
    say!(
        out,
        "tapegrad tour: reverse-mode autodiff you can watch. Two small networks are trained\n\
         here; every gradient comes from backpropagation over the recorded tape.\n"
    )?;
    artifacts::create_dir(&args.out)?;
    seed_network(args, out)?;
    say!(out)?;
    say!(
        out,
        "2. An MLP learns to separate two moons (1000 noisy points, 20% held out)"
    )?;
    let moons = TrainArgs {
        data: "moons".into(),
        target: None,
        standardize: false,
        task: None,
        layers: Layers(vec![16, 16]),
        activation: ActivationKind::Relu,
        loss: None,
        optimizer: OptimizerKind::Adam,
        lr: 0.01,
        epochs: 60,
        batch_size: 32,
        seed: 42,
        val_split: 0.2,
        samples: None,
        out: args.out.clone(),
        quiet: args.quiet,
    };
    train::run(&moons, out)?;
    say!(out)?;
    say!(
        out,
        "tour done in {}. Open {}/seed-step.html in a browser to step through the\n\
         messages, and see {}/decision-boundary.png. Next: `tapegrad train --help`.",
        crate::progress::duration_text(started.elapsed()),
        args.out.display(),
        args.out.display()
    )?;
    Ok(())
}

/// Part 1: the seed article's worked example traced, one SGD step, then
/// the article's training program.
fn seed_network(args: &TourArgs, out: &mut dyn Write) -> Result<(), CliError> {
    say!(
        out,
        "1. The seed article's 3-2-1 network: x = [1, 2, 3], target 0.5, sigmoid layers, MSE"
    )?;
    let mut store = ParamStore::<f64>::new();
    let net = SeedNet::article(&mut store);
    let data = worked_example_data::<f64>();
    let tape = Tape::new();
    let bound = store.bind_labelled(&tape);
    let x = tape.constant(data.x.clone()).label("x");
    let y = tape.constant(data.y.clone()).label("y");
    let loss = mse(net.forward(x, &bound), y, Reduction::Mean).label("loss");
    let before = loss.item();
    let trace = Trace::capture(loss);
    let value_of = |label: &str| {
        trace
            .nodes
            .iter()
            .find(|n| n.label.as_deref() == Some(label))
            .map(|n| n.value.summary())
            .unwrap_or_default()
    };
    say!(
        out,
        "   forward   z1 = x W1 + b1 = {} (the article writes 14: 1+4+9+1 is 15), \
         a2 = {}, loss = {}",
        value_of("z1"),
        value_of("a2"),
        fmt_num(before)
    )?;
    let grads = loss.backward();
    let dw2 = bound.grad(net.w2, &grads).expect("w2 is trainable");
    say!(
        out,
        "   backward  {} messages; dloss/dW2 = {}",
        trace.messages.len(),
        fmt_tensor(dw2)
    )?;
    Sgd::new(SEED_LR).step(&mut store, &bound, &grads);
    let after = predict(&net, &store, &data.x).data()[0];
    let loss_after = (after - 0.5).powi(2);
    say!(
        out,
        "   one SGD step (lr {SEED_LR}): loss {} -> {}, down by only {}: the output sigmoid \
         is saturated (z2 = {}), so every gradient is tiny",
        fmt_num(before),
        fmt_num(loss_after),
        fmt_num(before - loss_after),
        value_of("z2")
    )?;
    let page = write_text(
        "step-through of the seed network's training step",
        args.out.join("seed-step.html"),
        &trace.to_html(),
    )?;
    say!(out, "wrote     {}  ({})", page.path.display(), page.what)?;

    say!(
        out,
        "   training it as the article's program means to: inputs [[1,2,3],[4,5,6],[7,8,9]], \
         targets 0.5, SGD lr {SEED_LR}, {SEED_EPOCHS} epochs"
    )?;
    let mut progress = Progress::new("seed", SEED_EPOCHS, args.quiet);
    let result = train_article_program::<f64>(SEED_SEED, SEED_EPOCHS, SEED_LR, |s| {
        progress.report(s.epoch + 1, &format!("loss {}", fmt_num(s.loss)));
    });
    progress.finish();
    say!(
        out,
        "   final loss {}; outputs {} (targets 0.5)",
        fmt_num(result.final_loss),
        fmt_tensor(&result.outputs)
    )?;
    Ok(())
}
