//! `hookwright check RULE [--catalog loanpro|youlend|FILE]`: reports problems
//! without evaluating; exit 0 when there is no error (warnings are printed).

use std::process::ExitCode;

use hookwright_core::catalog::{self, Catalog};
use hookwright_core::rule::check;

use super::eval::{parsed_rule, report};

#[derive(clap::Args)]
pub struct Args {
    /// The rule text, or @path to read it from a file
    rule: String,
    /// The variable catalog: loanpro, youlend, or a catalog JSON file
    #[arg(long, default_value = "loanpro", value_name = "loanpro|youlend|FILE")]
    catalog: String,
}

fn load_catalog(name: &str) -> Result<Catalog, String> {
    match name {
        "loanpro" => Ok(catalog::loanpro().clone()),
        "youlend" => Ok(catalog::youlend().clone()),
        path => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("error: cannot read catalog {path}: {e}"))?;
            Catalog::from_json(&text)
                .map_err(|e| format!("in catalog {path}:\n{}", e.render(&text)))
        }
    }
}

pub fn run(args: Args) -> ExitCode {
    let catalog = match load_catalog(&args.catalog) {
        Ok(catalog) => catalog,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    let (source, rule) = match parsed_rule(&args.rule) {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    let findings = check(&rule, &catalog);
    report(&findings, &source);
    if findings.iter().any(|f| !f.is_warning()) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
