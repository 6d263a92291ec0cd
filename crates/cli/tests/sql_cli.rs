//! `hookwright sql`, run as a user runs it: the exact flags of the contract,
//! the query on stdout, refusals with line:col on stderr. The query's meaning
//! is proven against DuckDB and PostgreSQL by `crates/core/tests/sql_differential.rs`
//! (scripts/sql-engines); here the DuckDB one-liner runs when DuckDB is there.

mod common;
use common::*;

use std::process::Command;

const SEED: &str = r#"(and (= status-days-past-due 5) (= loan-status "Open"))"#;

#[test]
fn each_dialect_prints_one_query() {
    for (dialect, quote) in [
        ("duckdb", "\"loan-id\""),
        ("postgres", "\"loan-id\""),
        ("spark", "`loan-id`"),
    ] {
        let out = hookwright(&["sql", SEED, "--dialect", dialect]);
        assert!(out.status.success(), "{dialect}: {}", stderr(&out));
        let q = stdout(&out);
        assert!(q.starts_with("WITH loan_values AS ("), "{q}");
        assert!(
            q.contains(&format!("AS {quote}\nFROM loan_values\nWHERE ")),
            "{q}"
        );
        assert!(
            q.trim_end().ends_with(';') && q.matches(';').count() == 1,
            "one statement: {q}"
        );
        assert!(q.contains("FROM loans AS t"), "{q}");
    }
}

#[test]
fn from_table_id_field_and_today() {
    let out = hookwright(&[
        "sql",
        "(> (u/days-between next-scheduled-payment-date (u/today)) 0)",
        "--dialect",
        "postgres",
        "--table",
        "lending.loan_docs",
        "--id-field",
        "loan-display-id",
        "--today",
        "2022-09-26",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let q = stdout(&out);
    assert!(q.contains("FROM lending.loan_docs AS t"), "{q}");
    assert!(q.contains("DATE '2022-09-26'"), "{q}");
    assert!(q.contains("SELECT \"$id\" AS \"loan-display-id\""), "{q}");

    let out = hookwright(&["sql", SEED, "--dialect", "duckdb", "--from", "loans.ndjson"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let q = stdout(&out);
    assert!(
        q.contains("read_json('loans.ndjson', format = 'auto', records = true,"),
        "{q}"
    );
    assert!(
        q.contains("'status-days-past-due': 'DECIMAL(38, 0)'"),
        "{q}"
    );
    assert!(q.contains("'loan-status': 'VARCHAR'"), "{q}");
}

#[test]
fn the_query_is_the_engine_s_and_rules_can_come_from_files() {
    use hookwright_core::rule::Rule;
    use hookwright_core::sql::{self, Dialect, Options};
    let rule_file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("hookwright-sql-cli-{}.clj", std::process::id()));
    std::fs::write(&rule_file, format!("{SEED}\n")).unwrap();
    let at = format!("@{}", rule_file.display());
    let out = hookwright(&["sql", &at, "--dialect", "spark"]);
    let want = sql::to_sql(
        &Rule::parse(SEED).unwrap(),
        hookwright_core::catalog::loanpro(),
        &Options::new(Dialect::Spark),
    )
    .unwrap();
    assert_eq!(stdout(&out), want);
    let _ = std::fs::remove_file(rule_file);
}

#[test]
fn untranslatable_rules_say_why_and_where() {
    let out = hookwright(&[
        "sql",
        "(and true\n  (> (u/today) next-scheduled-payment-date))",
        "--dialect",
        "duckdb",
    ]);
    assert!(!out.status.success());
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("error: `u/today` needs an as-of date: pass --today YYYY-MM-DD"),
        "{err}"
    );
    assert!(err.contains(" --> 2:6"), "{err}");

    run(&[
        "sql",
        "(< (/ status-amount-due 3) 1)",
        "--dialect",
        "postgres",
    ])
    .fails()
    .err_has("division by 3 has no finite decimal result");
}

#[test]
fn the_flags_are_checked() {
    run(&["sql", SEED, "--dialect", "mysql"])
        .fails()
        .err_has("use duckdb, postgres or spark");

    run(&["sql", SEED]).fails().err_has("--dialect");

    run(&[
        "sql",
        SEED,
        "--dialect",
        "duckdb",
        "--from",
        "a.ndjson",
        "--table",
        "t",
    ])
    .fails()
    .err_has("cannot be used with");

    run(&["sql", SEED, "--dialect", "spark", "--from", "a.ndjson"])
        .fails()
        .err_has("only DuckDB reads a file itself");

    run(&["sql", SEED, "--dialect", "duckdb", "--today", "2022-02-30"]).fails();

    run(&["sql", SEED, "--dialect", "duckdb", "--id-field", "payments"])
        .fails()
        .err_has("the id field `payments`");
}

/// The README's one-liner, `duckdb -c "$(hookwright sql … --from loans.ndjson)"`,
/// with DuckDB's Python package standing in for its shell: the printed text
/// runs as printed. Runs when `HOOKWRIGHT_DUCKDB_PYTHON` names a Python with
/// `duckdb` (scripts/sql-engines sets it); skipped otherwise.
#[test]
fn the_duckdb_query_runs_as_printed() {
    let Ok(python) = std::env::var("HOOKWRIGHT_DUCKDB_PYTHON") else {
        eprintln!("skipped: HOOKWRIGHT_DUCKDB_PYTHON is not set");
        return;
    };
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("hookwright-sql-cli-duck-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("loans.ndjson");
    std::fs::write(
        &file,
        concat!(
            "{\"loan-id\": 3579, \"status-days-past-due\": 5, \"loan-status\": \"Open\"}\n",
            "{\"loan-id\": 3580, \"status-days-past-due\": 5, \"loan-status\": \"Closed\"}\n",
            "{\"loan-id\": 3581, \"loan-status\": \"Open\"}\n",
            "{\"loan-id\": 3582, \"status-days-past-due\": 5.0, \"loan-status\": \"Open\"}\n",
        ),
    )
    .unwrap();
    let out = hookwright(&[
        "sql",
        SEED,
        "--dialect",
        "duckdb",
        "--from",
        file.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let run = Command::new(python)
        .args([
            "-c",
            "import duckdb, sys\nfor row in duckdb.sql(sys.argv[1]).fetchall(): print(row[0])",
            &stdout(&out),
        ])
        .output()
        .expect("python runs");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(stdout(&run), "3579\n3582\n");
}

#[test]
fn a_csv_from_file_is_refused_with_what_to_do() {
    // `dryrun --portfolio loans.csv` reads a CSV; `sql --from loans.csv` printed a query that
    // DuckDB stopped with "Malformed JSON in file loans.csv … unexpected character".
    for file in ["loans.csv", "exports/Loans.CSV.gz", "loans.tsv"] {
        run(&["sql", SEED, "--dialect", "duckdb", "--from", file])
            .fails()
            .err_has("--from reads a JSON portfolio (NDJSON, a JSON array), not CSV");
    }
    run(&[
        "sql",
        SEED,
        "--dialect",
        "duckdb",
        "--from",
        "loans.json.gz",
    ])
    .exits(0);
}
