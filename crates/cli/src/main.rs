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
    /// Render a template against a context: text, JSON (validated) or URL.
    Render(commands::render::Args),
    /// Print the envelope LoanPro sends for a variable-list payload.
    Envelope(commands::envelope::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Render(args) => commands::render::run(args),
        Command::Envelope(args) => commands::envelope::run(args),
    }
}
