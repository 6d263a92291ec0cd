//! `hookwright render TEMPLATE --context FILE [--mode text|json|url|form] [--lenient]`:
//! prints exactly the rendered output (no added newline); errors go to stderr
//! with their line:col and caret view, and exit 1. Warnings (curly quotes
//! copied from LoanPro's help pages) go to stderr and do not fail.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use hookwright_core::template::{Mode, RenderOptions, Template};
use hookwright_core::{Context, Error, ErrorKind, Span};

#[derive(clap::Args)]
pub struct Args {
    /// The template text, or `@path` to read it from a file.
    pub template: String,
    /// A JSON file with the context (a loan's variables or an event; `-` for standard input).
    #[arg(long, value_name = "FILE")]
    pub context: PathBuf,
    /// What the template is, so each value is escaped for where it lands (a custom
    /// body's content type picks the same in a connection).
    #[arg(long, value_enum, default_value_t = ModeArg::Text)]
    pub mode: ModeArg,
    /// Render unknown variables empty (as LoanPro does) and list them on stderr.
    #[arg(long)]
    pub lenient: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ModeArg {
    /// Values as written.
    Text,
    /// A JSON document: values escaped inside strings, literals elsewhere; the output must parse.
    Json,
    /// An absolute http(s) URL: values percent-encoded for their part of it.
    Url,
    /// An application/x-www-form-urlencoded body: every value percent-encoded.
    Form,
}

pub fn run(args: Args) -> ExitCode {
    let source = match args.template.strip_prefix('@') {
        Some(path) => match super::read_source_file(path) {
            Ok(text) => text,
            Err(e) => {
                eprintln!(
                    "{}",
                    Error::new(ErrorKind::Io, format!("cannot read {path}: {e}"), None).render("")
                );
                return ExitCode::FAILURE;
            }
        },
        None => args.template.clone(),
    };
    let Some(ctx) = load_context(&args.context) else {
        return ExitCode::FAILURE;
    };
    let mode = match args.mode {
        ModeArg::Text => Mode::Text,
        ModeArg::Json => Mode::Json,
        ModeArg::Url => Mode::Url,
        ModeArg::Form => Mode::Form,
    };
    let result = Template::parse(&source).and_then(|t| {
        for note in t.notes() {
            eprintln!("{}", note.render(&source));
        }
        t.render(
            &ctx,
            mode,
            &RenderOptions {
                lenient: args.lenient,
            },
        )
    });
    match result {
        Ok(rendered) => {
            for (name, span) in &rendered.empty_variables {
                let warning = Error::warning(
                    ErrorKind::UnknownVariable,
                    format!("`{name}` is not in the context and rendered empty"),
                    Some(*span),
                );
                eprintln!("{}", warning.render(&source));
            }
            super::print_out(&rendered.output);
            ExitCode::SUCCESS
        }
        Err(errors) => {
            print_errors(&errors, &source);
            ExitCode::FAILURE
        }
    }
}

/// Reads (`-`: standard input) and parses a JSON context, printing the located error on failure.
pub(super) fn load_context(path: &Path) -> Option<Context> {
    let bytes = match super::read_input(path) {
        Ok(bytes) => bytes,
        Err(message) => {
            eprintln!("{}", Error::new(ErrorKind::Io, message, None).render(""));
            return None;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            // Located at the first bad byte, as lint locates it.
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            let at = Span::locate(valid, valid.len(), valid.len());
            let error = Error::at(ErrorKind::Json, "the file is not UTF-8 text", at);
            eprintln!("in {}:\n{}", path.display(), error.render(valid));
            return None;
        }
    };
    match super::parse_context(&text) {
        Ok(ctx) => Some(ctx),
        Err(e) => {
            eprintln!("in {}:\n{}", path.display(), e.render(&text));
            None
        }
    }
}

/// Every error in caret view, blank lines between.
pub(super) fn print_errors(errors: &[Error], source: &str) {
    for (i, error) in errors.iter().enumerate() {
        if i > 0 {
            eprintln!();
        }
        eprintln!("{}", error.render(source));
    }
}
