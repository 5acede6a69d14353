//! The `tapegrad` command-line tool: differentiate an expression
//! (`tapegrad grad`) or watch its backward pass message by message
//! (`tapegrad trace`). See `docs/cli.md`.

#![deny(missing_docs)]

mod cli;
mod commands;
mod diagnostic;
mod error;
mod expr;
mod output;
mod value;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Usage errors exit with 2 and --help/--version with 0, through clap.
    let cli = cli::Cli::parse();
    match commands::run(&cli.command) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(out.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Ok(()) => ExitCode::SUCCESS,
                // A closed pipe (`| head`) is not worth a complaint.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: cannot write to standard output: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Err(e) => {
            eprintln!("{}", e.report());
            ExitCode::from(e.exit_code())
        }
    }
}
