//! Computes and prints the gradients of a small expression, and every
//! message the backward pass sends to get them.
//!
//! ```text
//! cargo run --release --example gradients
//! ```
//!
//! The expression is one neuron with a squared error:
//! `loss = (tanh(w * x + b) - y)^2` at `x = 2, w = 0.5, b = -0.25, y = 1`.

use tape::{Message, Observer, Tape};

/// Prints each backward message as it is sent.
struct PrintMessages<'a> {
    tape: &'a Tape<f64>,
}

impl PrintMessages<'_> {
    fn name(&self, id: tape::NodeId) -> String {
        match self.tape.label_of(id) {
            Some(label) => label,
            None => format!("{id}:{}", self.tape.op_name_of(id)),
        }
    }
}

impl Observer<f64> for PrintMessages<'_> {
    fn message(&mut self, m: &Message<'_, f64>) {
        println!(
            "  {:>8} --[{:^10}]--> {:<8} message {:>10.6}   {} now holds {:>10.6}",
            self.name(m.from),
            m.op,
            self.name(m.to),
            m.value.item(),
            self.name(m.to),
            m.total.item()
        );
    }
}

fn main() {
    let tape = Tape::new();
    let x = tape.constant(2.0).label("x");
    let y = tape.constant(1.0).label("y");
    let w = tape.var(0.5).label("w");
    let b = tape.var(-0.25).label("b");

    let z = (w * x + b).label("z");
    let a = z.tanh().label("a");
    let loss = (a - y).square().label("loss");

    println!("Forward pass (each line is one recorded node):");
    for id in tape.node_ids() {
        let inputs: Vec<String> = tape
            .inputs_of(id)
            .into_iter()
            .map(|i| tape.label_of(i).unwrap_or_else(|| i.to_string()))
            .collect();
        println!(
            "  {:<4} {:<8} {:<10} = {:.6}",
            tape.label_of(id).unwrap_or_else(|| id.to_string()),
            tape.op_name_of(id),
            inputs.join(", "),
            tape.value_of(id).item()
        );
    }

    println!("\nBackward pass (messages in the order they are sent):");
    let grads = loss.backward_observed(&mut PrintMessages { tape: &tape });

    let (zv, av) = (z.item(), a.item());
    println!("\nGradients:");
    println!("  dloss/dw = {:.6}", grads[w].item());
    println!("  dloss/db = {:.6}", grads[b].item());
    // By hand: dloss/da = 2(a - y), da/dz = 1 - a^2, dz/dw = x, dz/db = 1.
    let by_hand = 2.0 * (av - 1.0) * (1.0 - av * av);
    println!("\nBy hand: dloss/dz = 2(a - y)(1 - a^2) = {by_hand:.6} at z = {zv}, a = {av:.6};");
    println!("         dloss/dw = dloss/dz * x = {:.6}", by_hand * 2.0);
}
