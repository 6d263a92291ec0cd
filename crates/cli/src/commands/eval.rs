//! `hookwright eval RULE --context FILE [--today YYYY-MM-DD] [--explain]`:
//! prints the rule's result as one JSON value; errors go to stderr with line:col.

use std::path::PathBuf;
use std::process::ExitCode;

use hookwright_core::rule::{Date, EvalOptions, Rule};
use hookwright_core::Error;

#[derive(clap::Args)]
pub struct Args {
    /// The rule text, or @path to read it from a file
    rule: String,
    /// The JSON context (a loan's variables or an event payload; `-` for standard input)
    #[arg(long, value_name = "FILE")]
    context: PathBuf,
    /// The evaluation date for u/today and date helpers (default: the
    /// context's current-date, an error when it is not a date; else today)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    today: Option<Date>,
    /// Also print every sub-expression's value to stderr
    #[arg(long)]
    explain: bool,
}

fn parse_date(s: &str) -> Result<Date, String> {
    s.parse()
}

/// The rule text of a RULE argument: itself, or a file's contents for `@path`.
pub fn read_rule(arg: &str) -> Result<String, String> {
    match arg.strip_prefix('@') {
        Some(path) => super::read_source_file(path)
            .map(|s| s.trim_end_matches(['\n', '\r']).to_string())
            .map_err(|e| format!("error: cannot read rule file {path}: {e}")),
        None => Ok(arg.to_string()),
    }
}

/// The rule text of a RULE argument, the message printed when it cannot be read.
pub fn rule_text(arg: &str) -> Result<String, ExitCode> {
    read_rule(arg).map_err(|message| {
        eprintln!("{message}");
        ExitCode::FAILURE
    })
}

/// The rule of a RULE argument, parsed, with its text; problems are printed (exit 1).
pub fn parsed_rule(arg: &str) -> Result<(String, Rule), ExitCode> {
    let source = rule_text(arg)?;
    match Rule::parse(&source) {
        Ok(rule) => Ok((source, rule)),
        Err(errors) => {
            report(&errors, &source);
            Err(ExitCode::FAILURE)
        }
    }
}

/// Prints each error with its caret view to stderr.
pub fn report(errors: &[Error], source: &str) {
    for e in errors {
        eprintln!("{}\n", e.render(source));
    }
}

pub fn run(args: Args) -> ExitCode {
    let Some(ctx) = super::render::load_context(&args.context) else {
        return ExitCode::FAILURE;
    };
    let (source, rule) = match parsed_rule(&args.rule) {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    let opts = EvalOptions {
        today: args.today,
        ..EvalOptions::default()
    };
    let result = if args.explain {
        let explanation = rule.explain(&ctx, &opts);
        eprint!("{}", explanation.render(&source));
        explanation.result
    } else {
        rule.eval(&ctx, &opts)
    };
    match result {
        Ok(value) => {
            outln!("{}", value.to_json());
            ExitCode::SUCCESS
        }
        Err(e) => {
            report(&[e], &source);
            ExitCode::FAILURE
        }
    }
}
