//! Rules where the data lives: a rule compiled to one SQL query for DuckDB,
//! PostgreSQL or Spark SQL that returns the id of every loan the rule fires
//! for — the loans for which [`Rule::eval`] gives a truthy value without an
//! error, which is what the dry run fires.
//!
//! ```
//! use hookwright_core::{catalog, rule::Rule, sql::{self, Dialect, Options}};
//! let rule = Rule::parse(r#"(and (= status-days-past-due 5) (= loan-status "Open"))"#).unwrap();
//! let query = sql::to_sql(&rule, catalog::loanpro(), &Options::new(Dialect::Postgres)).unwrap();
//! assert!(query.contains("WHERE"));
//! ```
//!
//! # Table shapes
//!
//! - **DuckDB, `--from FILE`**: the portfolio (NDJSON, a JSON array or objects
//!   printed one after another, as the dry run reads them: `format = 'auto'`;
//!   each loan's Context Engine variables) read by `read_json` with the exact type of
//!   every variable the rule reads, from the catalog: `DECIMAL(38, scale)` for
//!   numbers and money, `DATE`, `VARCHAR`, `BOOLEAN`, `STRUCT` for dotted paths
//!   (`customer.primary.id`); custom fields are read from the raw JSON below
//!   (LoanPro sends an empty map or entry as `[]`, which a typed `MAP` read
//!   refuses for the whole file);
//!   the id field as `VARCHAR` unless the rule reads it (it is only printed).
//!   The same file is also read as raw JSON (`records = false`) and joined by
//!   position, which tells a missing key from a JSON `null` and checks that
//!   each value has the catalog's type; numbers are read again at wider scales
//!   to prove the exact column did not round them.
//! - **DuckDB and Spark, `--table NAME`** (default `loans`): one typed column
//!   per top-level variable (the types above; Spark's `MAP<STRING, STRUCT<...>>`).
//!   A table has every column in every row, so a variable there is never
//!   missing: SQL `NULL` is the JSON `null`.
//! - **PostgreSQL, `--table NAME`** (default `loans`): one `jsonb` column named
//!   `loan` holding each loan's JSON. `jsonb` keeps numbers exact, and tells a
//!   missing key from `null`.
//!
//! A value whose type is not the catalog's (text where a number belongs, a
//! number with more decimals than its scale, a timestamp where a date belongs,
//! a flat key `"customer.primary.id"` beside the nested object) stops the
//! query with an error naming the loan, rather than being read as something
//! else.
//!
//! # Three-valued logic
//!
//! Each sub-expression becomes a pair: its value (SQL `NULL` is the rule's
//! `nil`) and a boolean *error* condition, true when the engine's evaluation
//! of it would fail — a missing variable (for DuckDB `--from` and PostgreSQL,
//! which see missing keys), `nil` where a number or text is needed, division
//! by zero, a date out of range. A loan is selected when the whole rule's
//! error condition is false and its value is truthy (neither `nil` nor
//! `false`), so SQL's `NULL`, unknown, never decides anything by itself:
//!
//! - `(not x)`: error when `x` errs (a missing variable stays an error, not a
//!   match), else `x IS NULL OR x = FALSE` for a boolean (`nil` is falsey).
//! - `(= x nil)`: `x IS NULL` (true for a JSON `null`, an error when missing);
//!   `(= x y)` uses `IS NOT DISTINCT FROM` (`<=>` in Spark) when both may be
//!   `nil`, since `nil` equals `nil`.
//! - `(and a b)` / `(or a b)` short-circuit left to right as the engine does:
//!   the error of `b` counts only when `a` lets evaluation reach `b`.
//! - `<`, `>`, arithmetic, text functions: an operand that is `nil` is an error.
//!
//! # What is refused
//!
//! A construct with no exact SQL equivalent is an [`ErrorKind::Untranslatable`]
//! error at its span: `u/today` without an as-of date, division by anything
//! but a constant with a finite decimal inverse, `mod`/`quot`/`rem`, `str` of a
//! computed number (SQL prints the column's scale, the engine the value's),
//! ordering text that may or may not be a date, arrays, variables outside the
//! catalog, and results needing a scale above 28.
//!
//! [`Rule::eval`]: crate::rule::Rule::eval
//! [`ErrorKind::Untranslatable`]: crate::ErrorKind::Untranslatable

mod query;
mod translate;

use crate::catalog::Catalog;
use crate::error::Error;
use crate::rule::{Date, Rule};

/// The SQL engines a rule compiles for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    DuckDb,
    Postgres,
    Spark,
}

impl Dialect {
    pub const ALL: [Dialect; 3] = [Dialect::DuckDb, Dialect::Postgres, Dialect::Spark];

    /// The name the CLI takes: `duckdb`, `postgres`, `spark`.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::DuckDb => "duckdb",
            Dialect::Postgres => "postgres",
            Dialect::Spark => "spark",
        }
    }

    /// How people write the engine's name.
    pub fn label(self) -> &'static str {
        match self {
            Dialect::DuckDb => "DuckDB",
            Dialect::Postgres => "PostgreSQL",
            Dialect::Spark => "Spark SQL",
        }
    }

    pub fn parse(name: &str) -> Option<Dialect> {
        Dialect::ALL.into_iter().find(|d| d.name() == name)
    }
}

/// Where the loans are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A table of the dialect's shape (see the module docs).
    Table(String),
    /// A JSON portfolio file (NDJSON, an array, printed objects) DuckDB reads itself with `read_json`.
    File(String),
}

/// What to compile for.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub dialect: Dialect,
    pub source: Source,
    /// The variable whose value identifies a loan (default `loan-id`).
    pub id_field: String,
    /// The as-of date for `u/today`; without it `u/today` is refused.
    pub today: Option<Date>,
}

/// The table a query reads when none is named.
pub const DEFAULT_TABLE: &str = "loans";
/// The variable that identifies a loan when none is named.
pub const DEFAULT_ID_FIELD: &str = "loan-id";

impl Options {
    pub fn new(dialect: Dialect) -> Options {
        Options {
            dialect,
            source: Source::Table(DEFAULT_TABLE.to_string()),
            id_field: DEFAULT_ID_FIELD.to_string(),
            today: None,
        }
    }
}

/// One complete query returning the id of every loan `rule` fires for, or
/// why it cannot be written (each error names the construct and its span).
pub fn to_sql(rule: &Rule, catalog: &Catalog, opts: &Options) -> Result<String, Vec<Error>> {
    // A rule the engine cannot compile fires for no loan: report its errors.
    rule.compile()?;
    if let (Source::File(_), d) = (&opts.source, opts.dialect) {
        if d != Dialect::DuckDb {
            return Err(vec![Error::new(
                crate::ErrorKind::Untranslatable,
                format!(
                    "only DuckDB reads a file itself; for {} load the loans into a table and pass --table",
                    d.label()
                ),
                None,
            )]);
        }
    }
    if let Source::File(path) = &opts.source {
        let name = path.to_ascii_lowercase();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        if name.ends_with(".csv") || name.ends_with(".tsv") {
            return Err(vec![Error::new(
                crate::ErrorKind::Untranslatable,
                "--from reads a JSON portfolio (NDJSON, a JSON array), not CSV: the query tells a missing variable from a null by the JSON; convert the file to NDJSON, or load it into a table of the catalog's column types and pass --table",
                None,
            )]);
        }
    }
    let mut t = translate::Translator::new(catalog, opts);
    let cond = t.rule(rule.expr()).map_err(|e| vec![e])?;
    query::assemble(&mut t, &cond, opts).map_err(|e| vec![e])
}
