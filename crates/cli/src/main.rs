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
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => {
            use clap::CommandFactory;
            // A bare `hookwright` explains itself rather than failing.
            let _ = Cli::command().print_help();
            ExitCode::SUCCESS
        }
        Some(command) => match command {},
    }
}
