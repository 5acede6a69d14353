//! The `tapegrad` command-line tool.

use std::process::ExitCode;

const USAGE: &str = "\
tapegrad: reverse-mode automatic differentiation you can watch

USAGE:
    tapegrad [COMMAND]

The commands (train, grad, trace, eval, predict) are being built; see the
README. Meanwhile, run an example:

    cargo run --release --example gradients
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("-h") | Some("--help") | Some("help") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("tapegrad: unknown command `{other}`\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
