//! `hookwright sql RULE --dialect duckdb|postgres|spark [--from FILE | --table NAME]
//! [--id-field NAME] [--today YYYY-MM-DD]`: prints one complete query that
//! returns the id of every loan the rule fires for. Constructs SQL cannot say
//! exactly are errors with their line:col, never an approximate query.

use std::path::PathBuf;
use std::process::ExitCode;

use hookwright_core::catalog;
use hookwright_core::rule::Date;
use hookwright_core::sql::{self, Dialect, Options, Source, DEFAULT_ID_FIELD, DEFAULT_TABLE};

use super::eval::{parsed_rule, report};

#[derive(clap::Args)]
pub struct Args {
    /// The rule text, or @path to read it from a file
    rule: String,
    /// The SQL engine: duckdb, postgres or spark
    #[arg(long, value_name = "DIALECT", value_parser = parse_dialect)]
    dialect: Dialect,
    /// DuckDB only: read this portfolio (NDJSON, a JSON array or objects one after another) with read_json
    #[arg(long, value_name = "FILE", conflicts_with = "table")]
    from: Option<PathBuf>,
    /// The table holding the loans (default: loans); see the docs for its shape
    #[arg(long, value_name = "NAME")]
    table: Option<String>,
    /// The variable that identifies a loan, returned by the query
    #[arg(long, value_name = "NAME", default_value = DEFAULT_ID_FIELD)]
    id_field: String,
    /// The as-of date for u/today (required when the rule uses it)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    today: Option<Date>,
}

fn parse_dialect(s: &str) -> Result<Dialect, String> {
    Dialect::parse(s)
        .ok_or_else(|| format!("`{s}` is not a dialect: use duckdb, postgres or spark"))
}

fn parse_date(s: &str) -> Result<Date, String> {
    s.parse()
}

pub fn run(args: Args) -> ExitCode {
    let (source, rule) = match parsed_rule(&args.rule) {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    let source_of_loans = match (args.from, args.table) {
        (Some(path), _) => Source::File(path.to_string_lossy().into_owned()),
        (None, Some(table)) => Source::Table(table),
        (None, None) => Source::Table(DEFAULT_TABLE.to_string()),
    };
    let opts = Options {
        dialect: args.dialect,
        source: source_of_loans,
        id_field: args.id_field,
        today: args.today,
    };
    match sql::to_sql(&rule, catalog::loanpro(), &opts) {
        Ok(query) => {
            out!("{query}");
            ExitCode::SUCCESS
        }
        Err(errors) => {
            report(&errors, &source);
            ExitCode::FAILURE
        }
    }
}
