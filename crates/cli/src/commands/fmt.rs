//! `hookwright fmt RULE`: prints the rule in the canonical layout.

use std::process::ExitCode;

use hookwright_core::rule::format;

use super::eval::{report, rule_text};

#[derive(clap::Args)]
pub struct Args {
    /// The rule text, or @path to read it from a file
    rule: String,
}

pub fn run(args: Args) -> ExitCode {
    let source = match rule_text(&args.rule) {
        Ok(source) => source,
        Err(code) => return code,
    };
    match format(&source) {
        Ok(text) => {
            outln!("{text}");
            ExitCode::SUCCESS
        }
        Err(errors) => {
            report(&errors, &source);
            ExitCode::FAILURE
        }
    }
}
