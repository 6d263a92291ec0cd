//! `hookwright envelope --variables LIST --event-name NAME --context FILE`:
//! prints the JSON LoanPro sends for a variable-list payload, with a fresh
//! v4 trace id (or `--trace`, to reproduce a logged delivery).

use std::path::PathBuf;
use std::process::ExitCode;

use hookwright_core::template::{envelope, uuid_v4, variable_list};
use hookwright_core::{Error, ErrorKind};

use super::render::{load_context, print_errors};

#[derive(clap::Args)]
pub struct Args {
    /// Comma-separated Context Engine variables, e.g. `loan-id,customer.primary.full-name`.
    #[arg(long, value_name = "LIST")]
    pub variables: String,
    /// The envelope's `eventName`: the editor's "Event name", or the connection's name where that is left blank.
    #[arg(long, value_name = "NAME")]
    pub event_name: String,
    /// A JSON file with the context (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    pub context: PathBuf,
    /// The trace id to send instead of a random one.
    #[arg(long, value_name = "UUID")]
    pub trace: Option<String>,
    /// Send unknown variables as null instead of failing.
    #[arg(long)]
    pub lenient: bool,
}

pub fn run(args: Args) -> ExitCode {
    let Some(ctx) = load_context(&args.context) else {
        return ExitCode::FAILURE;
    };
    let variables: Vec<String> = variable_list(&args.variables)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    if variables.is_empty() {
        eprintln!(
            "{}",
            Error::new(ErrorKind::Invalid, "--variables lists no variables", None).render("")
        );
        return ExitCode::FAILURE;
    }
    let Some(trace) = trace_or_fresh(args.trace) else {
        return ExitCode::FAILURE;
    };
    // Spans point into the list as the engine joins it, so show that text.
    let shown = variables.join(",");
    match envelope(&variables, &args.event_name, &ctx, &trace, args.lenient) {
        Ok(rendered) => {
            for (name, span) in &rendered.empty_variables {
                let warning = Error::warning(
                    ErrorKind::UnknownVariable,
                    format!("`{name}` is not in the context and is sent as null"),
                    Some(*span),
                );
                eprintln!("{}", warning.render(&shown));
            }
            outln!("{}", rendered.output);
            ExitCode::SUCCESS
        }
        Err(errors) => {
            print_errors(&errors, &shown);
            ExitCode::FAILURE
        }
    }
}

/// `given`, or a fresh v4 trace id from OS randomness (the core has none in
/// wasm); `None` after printing why when the OS gives no randomness.
pub(super) fn trace_or_fresh(given: Option<String>) -> Option<String> {
    if given.is_some() {
        return given;
    }
    let mut bytes = [0u8; 16];
    match getrandom::fill(&mut bytes) {
        Ok(()) => Some(uuid_v4(bytes)),
        Err(e) => {
            eprintln!("error: no randomness for the trace id: {e}");
            None
        }
    }
}
