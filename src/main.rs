//! The `tapegrad` command-line tool: a tour that trains and shows two
//! small networks (no command), training, scoring and predicting with MLPs
//! on built-in data or CSV files (`train`, `eval`, `predict`), and
//! differentiating an expression (`grad`) or watching its backward pass
//! message by message (`trace`). See `docs/cli.md` and `docs/train.md`.

#![deny(missing_docs)]

mod cli;
mod commands;
mod data;
mod diagnostic;
mod error;
mod expr;
mod fit;
mod model;
mod output;
mod plot;
mod progress;
mod value;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Usage errors exit with 2 and --help/--version with 0, through clap.
    let cli = cli::Cli::parse();
    let mut stdout = std::io::stdout();
    match commands::run(cli.command.as_ref(), &mut stdout) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is not worth a complaint.
        Err(error::CliError::Stdout(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", e.report());
            ExitCode::from(e.exit_code())
        }
    }
}
