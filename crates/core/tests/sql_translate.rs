//! Golden tests of the SQL text for each dialect — Spark SQL's only proof, as
//! no Spark runs here — and the refusals, which must name the construct and
//! its position. One file per case under `fixtures/sql/`:
//!
//! ```text
//! --- rule
//! (= loan-status "Open")
//! --- duckdb
//! WITH loan_values AS (...
//! --- postgres
//! ...
//! --- spark
//! ...
//! ```
//!
//! Optional sections before the dialects: `--- today` (the as-of date) and
//! `--- from` (DuckDB reads this file instead of the `loans` table). A dialect
//! section holds the query or the rendered errors. The harness
//! (`snapshot/`, `UPDATE_FIXTURES=1` rewrites) is the one every fixture folder uses.

use std::path::Path;

use hookwright_core::catalog;
use hookwright_core::rule::Rule;
use hookwright_core::sql::{self, Dialect, Options, Source};
use hookwright_core::ErrorKind;

mod snapshot;
use snapshot::{txt_files, Fixture, Snapshots};

fn translate(rule: &str, dialect: Dialect, today: Option<&str>, from: Option<&str>) -> String {
    let parsed = Rule::parse(rule).expect("fixture rules parse");
    let mut opts = Options::new(dialect);
    opts.today = today.map(|t| t.parse().unwrap());
    if let (Some(f), Dialect::DuckDb) = (from, dialect) {
        opts.source = Source::File(f.to_string());
    }
    match sql::to_sql(&parsed, catalog::loanpro(), &opts) {
        Ok(q) => q.trim_end().to_string(),
        Err(errors) => errors
            .iter()
            .map(|e| e.render(rule))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[test]
fn sql_fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sql");
    let mut snapshots = Snapshots::new();
    for path in txt_files(&dir, 10) {
        let case = Fixture::read(&path);
        let rule = case
            .section("rule")
            .expect("a rule section")
            .trim_end_matches('\n');
        for d in Dialect::ALL {
            let got = translate(rule, d, case.section("today"), case.section("from"));
            snapshots.check(
                &format!("{} ({})", case.name(), d.name()),
                Ok(got),
                case.section(d.name()).map(|s| s.trim_end_matches('\n')),
                |actual| case.rewrite(d.name(), actual),
            );
        }
    }
    snapshots.finish();
}

fn refusal(rule: &str, opts: &Options) -> (String, usize, usize) {
    let parsed = Rule::parse(rule).unwrap();
    let errors = sql::to_sql(&parsed, catalog::loanpro(), opts).unwrap_err();
    let e = &errors[0];
    assert_eq!(e.kind, ErrorKind::Untranslatable, "{rule}: {e:?}");
    let span = e.span.expect("a position");
    (e.message.clone(), span.line, span.col)
}

#[test]
fn refusals_name_the_construct_and_its_position() {
    let duck = Options::new(Dialect::DuckDb);
    let cases: &[(&str, &str, usize, usize)] = &[
        ("(> (u/today) next-scheduled-payment-date)", "needs an as-of date", 1, 4),
        ("(and true\n  (< (/ status-amount-due 3) 1))", "division by 3", 2, 27),
        ("(= (mod status-days-past-due 2) 0)", "`mod` is not translated", 1, 4),
        ("(< loan-status \"2022-01-01\")", "`<` on text", 1, 4),
        ("(= no-such-variable 1)", "not in the LoanPro", 1, 4),
        ("(= payments.payment-amount 1)", "array `payments`", 1, 4),
        ("(= (str status-amount-due) \"1\")", "`str` of a computed number", 1, 9),
        ("(= (/ status-amount-due setup-payment-amount) 1)", "division by a computed number", 1, 25),
        ("(< next-scheduled-payment-date \"2022-10-20T10:00:00Z\")", "timestamp", 1, 32),
        ("(= setup-custom-fields.value \"x\")", "keyed by id", 1, 4),
        ("(= (* status-amount-due status-amount-due status-amount-due status-amount-due status-amount-due status-amount-due status-amount-due status-amount-due status-amount-due status-amount-due status-amount-due status-amount-due status-amount-due status-amount-due status-amount-due) 1)", "28", 1, 4),
    ];
    for (rule, needle, line, col) in cases {
        let (message, l, c) = refusal(rule, &duck);
        assert!(message.contains(needle), "{rule}: {message}");
        assert_eq!((l, c), (*line, *col), "{rule}: {message}");
    }
}

#[test]
fn only_duckdb_reads_a_file() {
    let rule = Rule::parse("(= loan-status \"Open\")").unwrap();
    for d in [Dialect::Postgres, Dialect::Spark] {
        let opts = Options {
            source: Source::File("loans.ndjson".into()),
            ..Options::new(d)
        };
        let errors = sql::to_sql(&rule, catalog::loanpro(), &opts).unwrap_err();
        assert!(errors[0].message.contains("--table"), "{errors:?}");
    }
}

#[test]
fn the_id_field_must_be_a_catalog_variable() {
    let rule = Rule::parse("true").unwrap();
    let opts = Options {
        id_field: "nope".into(),
        ..Options::new(Dialect::DuckDb)
    };
    let errors = sql::to_sql(&rule, catalog::loanpro(), &opts).unwrap_err();
    assert!(errors[0].message.contains("`nope`"), "{errors:?}");
    let opts = Options {
        id_field: "loan-display-id".into(),
        ..Options::new(Dialect::Postgres)
    };
    let q = sql::to_sql(&rule, catalog::loanpro(), &opts).unwrap();
    assert!(q.contains("t.loan ->> 'loan-display-id' AS \"$id\""), "{q}");
    assert!(q.contains("SELECT \"$id\" AS \"loan-display-id\""), "{q}");
}

#[test]
fn rules_that_do_not_compile_give_the_engine_errors() {
    let rule = Rule::parse("(frob 1)").unwrap();
    let errors = sql::to_sql(&rule, catalog::loanpro(), &Options::new(Dialect::Spark)).unwrap_err();
    assert_eq!(errors[0].kind, ErrorKind::UnknownFunction);
}

/// Any rule at all, translated or refused, never panics and never refuses
/// with another kind of error.
#[test]
fn generated_rules_translate_or_refuse() {
    use proptest::prelude::*;
    let atom = prop_oneof![
        Just("status-amount-due".to_string()),
        Just("loan-status".to_string()),
        Just("next-scheduled-payment-date".to_string()),
        Just("loan-active".to_string()),
        Just("setup-custom-fields".to_string()),
        Just("nil".to_string()),
        Just("0.10".to_string()),
        Just("\"2022-10-20\"".to_string()),
        Just(":1".to_string()),
        Just("#{1 \"a\" nil}".to_string()),
        Just("[:1 :value]".to_string()),
        Just("(u/today)".to_string()),
    ];
    let heads = [
        "and",
        "or",
        "not",
        "if",
        "when",
        "cond",
        "->",
        "->>",
        "=",
        "not=",
        "<",
        ">=",
        "+",
        "-",
        "*",
        "/",
        "inc",
        "abs",
        "min",
        "round",
        "str",
        "subs",
        "count",
        "upper-case",
        "trim",
        "blank?",
        "empty?",
        "starts-with?",
        "includes?",
        "contains?",
        "get",
        "get-in",
        "nil?",
        "some?",
        "true?",
        "v/parse-int",
        "u/days-between",
        "u/add-days",
        ":value",
    ];
    let expr = atom.prop_recursive(4, 40, 4, move |inner| {
        (
            proptest::sample::select(heads.to_vec()),
            prop::collection::vec(inner, 0..4),
        )
            .prop_map(|(h, args)| format!("({h} {})", args.join(" ")))
    });
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
        cases: 2000,
        ..Default::default()
    });
    runner
        .run(&expr, |text| {
            let Ok(rule) = Rule::parse(&text) else {
                return Ok(());
            };
            for d in Dialect::ALL {
                for today in [None, Some("2022-09-26")] {
                    let mut opts = Options::new(d);
                    opts.today = today.map(|t| t.parse().unwrap());
                    if let Err(errors) = sql::to_sql(&rule, catalog::loanpro(), &opts) {
                        let compiles = rule.compile().is_ok();
                        for e in errors {
                            prop_assert!(
                                !compiles || e.kind == ErrorKind::Untranslatable,
                                "{text}: {e:?}"
                            );
                            prop_assert!(!compiles || e.span.is_some(), "{text}: {e:?}");
                        }
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}
