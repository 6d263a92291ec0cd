//! `hookwright fmt RULE [--check]`: prints the rule in the canonical layout,
//! or with `--check` says whether it already is (for CI: exit 1 when not).

use std::process::ExitCode;

use hookwright_core::rule::format;

use super::eval::{report, rule_text};

#[derive(clap::Args)]
pub struct Args {
    /// The rule text, or @path to read it from a file
    rule: String,
    /// Print nothing; exit 1 (naming the first line that differs) when the
    /// rule is not in the canonical layout
    #[arg(long)]
    check: bool,
}

pub fn run(args: Args) -> ExitCode {
    let source = match rule_text(&args.rule) {
        Ok(source) => source,
        Err(code) => return code,
    };
    let text = match format(&source) {
        Ok(text) => text,
        Err(errors) => {
            report(&errors, &source);
            return ExitCode::FAILURE;
        }
    };
    if !args.check {
        outln!("{text}");
        return ExitCode::SUCCESS;
    }
    let Some(line) = first_difference(&source, &text) else {
        return ExitCode::SUCCESS;
    };
    let name = args.rule.strip_prefix('@').unwrap_or("the rule");
    eprintln!("{name}: not in the canonical layout from line {line}; `hookwright fmt` prints it");
    ExitCode::FAILURE
}

/// The first line (1-based) where `source` and its canonical layout differ.
/// Line endings are not layout: a file checked out with CRLF (Git's autocrlf
/// on Windows) is laid out as its LF original.
fn first_difference(source: &str, canonical: &str) -> Option<usize> {
    let (mut ours, mut theirs) = (source.lines(), canonical.lines());
    (1..).find_map(|line| match (ours.next(), theirs.next()) {
        (None, None) => Some(None),
        (a, b) if a != b => Some(Some(line)),
        _ => None,
    })?
}
