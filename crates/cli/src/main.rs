//! `hookwright`: the engine for scripts and CI. Each subcommand lives in
//! `commands/`; this file only parses arguments and maps results to exit codes.

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "hookwright",
    version,
    arg_required_else_help = true,
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
    /// Print the connection file's JSON Schema
    Schema(commands::schema::Args),
    /// List a catalog's variables and events
    Catalog(commands::catalog::Args),
    /// Check connection files without sending anything
    Lint(commands::lint::Args),
    /// Check a webhook signature against the raw body: YouLend's (X-YL-Webhook-Signature) or Standard Webhooks'.
    Verify(commands::verify::Args),
    /// Print the signature headers for a body: Standard Webhooks (v1,...) or YouLend (sha256=...).
    Sign(commands::sign::Args),
    /// Send the page's test requests with a real HTTP client, past CORS (127.0.0.1 only).
    Relay(commands::relay::Args),
    /// Receive webhooks on 127.0.0.1: check signatures, record NDJSON, stream to the page's Inbox.
    Listen(commands::listen::Args),
    /// Send a realistic, signed sequence of webhooks to a URL (YouLend in a box).
    Simulate(commands::simulate::Args),
    /// Reconcile a batch of YouLend events: settlements, repayments, manual payments, duplicates.
    Reconcile(commands::reconcile::Args),
    /// Render a template against a context: text, JSON (validated), URL or a form body.
    Render(commands::render::Args),
    /// Print the envelope LoanPro sends for a variable-list payload.
    Envelope(commands::envelope::Args),
    /// Evaluate a rule against a JSON context; prints the result as JSON
    Eval(commands::eval::Args),
    /// Dry-run a rule over a portfolio: which loans fire, which nearly do, which err
    Dryrun(commands::dryrun::Args),
    /// Check a rule against a variable catalog without evaluating it
    Check(commands::check::Args),
    /// Print a rule in the canonical layout
    Fmt(commands::fmt::Args),
    /// Print one SQL query (DuckDB, PostgreSQL, Spark SQL) returning the id of every loan a rule fires for
    Sql(commands::sql::Args),
    /// Print the request a connection would send (method, URL, headers, body) as JSON.
    Request(commands::request::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Schema(args) => commands::schema::run(args),
        Command::Catalog(args) => commands::catalog::run(args),
        Command::Lint(args) => commands::lint::run(args),
        Command::Verify(args) => commands::verify::run(args),
        Command::Sign(args) => commands::sign::run(args),
        Command::Relay(args) => commands::relay::run(args),
        Command::Listen(args) => commands::listen::run(args),
        Command::Simulate(args) => commands::simulate::run(args),
        Command::Reconcile(args) => commands::reconcile::run(args),
        Command::Render(args) => commands::render::run(args),
        Command::Envelope(args) => commands::envelope::run(args),
        Command::Eval(args) => commands::eval::run(args),
        Command::Dryrun(args) => commands::dryrun::run(args),
        Command::Check(args) => commands::check::run(args),
        Command::Fmt(args) => commands::fmt::run(args),
        Command::Request(args) => commands::request::run(args),
        Command::Sql(args) => commands::sql::run(args),
    }
}
