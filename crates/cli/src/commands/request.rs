//! `hookwright request FILE --id ID --context FILE`: prints, as JSON, exactly
//! the request a test send of one connection would transmit (auth header and
//! a fresh envelope trace id included). Exit 1 with every problem listed when
//! it cannot render, 2 when a file cannot be read.

use std::path::PathBuf;
use std::process::ExitCode;

use hookwright_core::connection::ConnectionFile;
use hookwright_core::error::quote;
use hookwright_core::samples;
use hookwright_core::suggest;
use hookwright_core::template::{render_request, FieldError, RequestOptions};
use hookwright_core::{Context, Error, ErrorKind};

use super::envelope::trace_or_fresh;
use super::read_input;

#[derive(clap::Args)]
#[command(group = clap::ArgGroup::new("ctx").required(true).args(["context", "sample"]))]
pub struct Args {
    /// The connection file (`-` for standard input).
    pub file: PathBuf,
    /// The id of the connection to render.
    #[arg(long, value_name = "ID")]
    pub id: String,
    /// A JSON file with the context: a loan's variables or a YouLend event.
    #[arg(long, value_name = "FILE")]
    pub context: Option<PathBuf>,
    /// A built-in sample context instead of a file, e.g. `loan-5-days-past-due` or `LOA10040`.
    #[arg(long, value_name = "ID")]
    pub sample: Option<String>,
    /// The envelope's trace id instead of a random one, to reproduce a logged delivery.
    #[arg(long, value_name = "UUID")]
    pub trace: Option<String>,
    /// Render variables missing from the context empty (as LoanPro does) and list them on stderr.
    #[arg(long)]
    pub lenient: bool,
}

/// Why the command stopped: exit 2 for a file it could not read, 1 otherwise.
enum Failure {
    Unreadable,
    Invalid,
}

pub fn run(args: Args) -> ExitCode {
    match render(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Unreadable) => ExitCode::from(2),
        Err(Failure::Invalid) => ExitCode::FAILURE,
    }
}

fn render(args: &Args) -> Result<(), Failure> {
    let file = read_text(&args.file)?;
    let shown = args.file.display();
    let connections = ConnectionFile::from_json(&file)
        .map_err(|e| {
            eprintln!("in {shown}:\n{}", e.render(&file));
            eprintln!("(`hookwright lint {shown}` lists every problem in the file)");
            Failure::Invalid
        })?
        .connections;
    let found = super::connection_by_id(&connections, &args.id).map_err(|message| {
        eprintln!("error: in {shown}, {message}");
        Failure::Invalid
    })?;
    let Some(connection) = found else {
        let ids = connections.iter().map(|c| c.id.as_str());
        let near = suggest::did_you_mean(&args.id, ids.clone());
        let listed: Vec<String> = ids.take(10).map(quote).collect();
        let more = match connections.len().saturating_sub(listed.len()) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        eprintln!(
            "error: {shown} has no connection `{}`{}",
            quote(&args.id),
            suggest::hint(&near)
        );
        eprintln!("its connections: {}{more}", listed.join(", "));
        return Err(Failure::Invalid);
    };
    let ctx = context(args)?;
    let trace = trace_or_fresh(args.trace.clone()).ok_or(Failure::Invalid)?;
    let options = RequestOptions {
        lenient: args.lenient,
        trace,
    };
    match render_request(connection, &ctx, &options) {
        Ok(request) => {
            for (field, name, span) in &request.empty_variables {
                eprintln!(
                    "{field}: warning: {}:{}: `{}` is not in the context and rendered empty",
                    span.line,
                    span.col,
                    quote(name)
                );
            }
            outln!(
                "{}",
                serde_json::to_string_pretty(&request).expect("a rendered request serialises")
            );
            Ok(())
        }
        Err(errors) => {
            print_problems(&errors);
            eprintln!(
                "{} {} in connection `{}`: nothing would be sent",
                errors.len(),
                if errors.len() == 1 {
                    "problem"
                } else {
                    "problems"
                },
                quote(&connection.id)
            );
            Err(Failure::Invalid)
        }
    }
}

/// The context from `--context FILE` or `--sample ID` (clap requires one).
fn context(args: &Args) -> Result<Context, Failure> {
    if let Some(id) = &args.sample {
        return match samples::sample(id) {
            Some(sample) => Ok(sample.context.clone()),
            None => {
                let near =
                    suggest::did_you_mean(id, samples::samples().iter().map(|s| s.id.as_str()));
                eprintln!(
                    "error: no built-in sample `{}`{}",
                    quote(id),
                    suggest::hint(&near)
                );
                let ids: Vec<&str> = samples::samples().iter().map(|s| s.id.as_str()).collect();
                eprintln!("the built-in samples: {}", ids.join(", "));
                Err(Failure::Invalid)
            }
        };
    }
    let path = args.context.as_ref().ok_or(Failure::Invalid)?;
    let text = read_text(path)?;
    super::parse_context(&text).map_err(|e| {
        eprintln!("in {}:\n{}", path.display(), e.render(&text));
        Failure::Invalid
    })
}

/// A file's text. Unreadable is exit 2; bytes that are not UTF-8 were read,
/// so, as in `lint`, they are a problem in the file (exit 1).
fn read_text(path: &std::path::Path) -> Result<String, Failure> {
    let bytes = read_input(path).map_err(|message| {
        eprintln!("{}", Error::new(ErrorKind::Io, message, None).render(""));
        Failure::Unreadable
    })?;
    String::from_utf8(bytes).map_err(|e| {
        eprintln!(
            "error: {} is not UTF-8 text (the first bad byte is at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        );
        Failure::Invalid
    })
}

/// `field: line:col: message`, then the caret view under it when the problem has a place.
fn print_problems(errors: &[FieldError]) {
    for (i, problem) in errors.iter().enumerate() {
        if i > 0 {
            eprintln!();
        }
        eprintln!("{problem}");
        if problem.error.span.is_some() {
            let view = problem.error.render(&problem.source);
            // The view's first line repeats the message printed just above.
            if let Some((_, carets)) = view.split_once('\n') {
                eprintln!("{carets}");
            }
        }
    }
}
