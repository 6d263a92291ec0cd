//! `hookwright lint FILE...`: checks connection files without sending
//! anything. Exit 0 when clean (warnings allowed), 1 on any error, 2 when a
//! file cannot be read.

use std::process::ExitCode;

use hookwright_core::lint::{self, LintReport};
use hookwright_core::{Error, ErrorKind, Span};

#[derive(clap::Args)]
pub struct Args {
    /// Connection files to check.
    #[arg(required = true)]
    files: Vec<String>,
    /// Print the reports as JSON (one array, one report per file).
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> ExitCode {
    let mut reports = Vec::new();
    let mut unreadable = false;
    for path in &args.files {
        match std::fs::read(path) {
            Ok(bytes) => reports.push(lint_bytes(path, &bytes)),
            Err(e) => {
                eprintln!("{path}: cannot read: {e}");
                unreadable = true;
            }
        }
    }
    if args.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&reports).expect("reports serialise")
        );
    } else {
        for report in &reports {
            for p in &report.problems {
                outln!("{}", p.line(&report.file));
            }
        }
        let total = |f: fn(&LintReport) -> usize| reports.iter().map(f).sum::<usize>();
        outln!(
            "{}",
            lint::summary(
                total(LintReport::errors),
                total(LintReport::warnings),
                total(|r| r.connections)
            )
        );
    }
    if unreadable {
        ExitCode::from(2)
    } else if reports.iter().any(LintReport::has_errors) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Text that is not UTF-8 is a problem in the file (located at the first
/// bad byte), not a failure to read it.
fn lint_bytes(path: &str, bytes: &[u8]) -> LintReport {
    match std::str::from_utf8(bytes) {
        Ok(text) => lint::lint_file(path, text),
        Err(e) => {
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
            let span = Span::locate(valid, valid.len(), valid.len());
            let error = Error::at(ErrorKind::Json, "the file is not UTF-8 text", span);
            LintReport {
                file: path.to_string(),
                connections: 0,
                problems: vec![lint::Problem::in_file(error)],
            }
        }
    }
}
