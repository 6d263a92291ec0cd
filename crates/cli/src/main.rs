//! `hookwright`: the engine for scripts and CI. Each subcommand lives in
//! `commands/`; this file only parses arguments and maps results to exit codes.

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "hookwright",
    version,
    about = "Design, check and test webhook connections for lending platforms",
    long_about = "Design, check and test webhook connections for lending platforms.\n\n\
                  The same engine as the Hookwright editor: LoanPro rules, Context Engine \
                  templates, connection files and YouLend webhooks."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate a rule against a JSON context; prints the result as JSON
    Eval(commands::eval::Args),
    /// Check a rule against a variable catalog without evaluating it
    Check(commands::check::Args),
    /// Print a rule in the canonical layout
    Fmt(commands::fmt::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Eval(args) => commands::eval::run(args),
        Command::Check(args) => commands::check::run(args),
        Command::Fmt(args) => commands::fmt::run(args),
    }
}
