//! The `eval`, `check` and `fmt` contract, run against the built binary.

mod common;
use common::*;

const SEED: &str =
    r#"(and (= status-days-past-due 5) (or (= loan-status "Open") (= loan-status "Collections")))"#;

fn context() -> String {
    temp_file(
        "ctx.json",
        r#"{"status-days-past-due": 5, "loan-status": "Open", "status-amount-due": 158.70, "current-date": "2022-09-26"}"#,
    )
}

#[test]
fn eval_prints_one_json_value() {
    let ctx = context();
    let o = hookwright(&["eval", SEED, "--context", &ctx]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "true\n");
    let o = hookwright(&["eval", "status-amount-due", "--context", &ctx]);
    assert_eq!(stdout(&o), "158.70\n");
    let o = hookwright(&[
        "eval",
        "(u/today :format :date)",
        "--context",
        &ctx,
        "--today",
        "2024-08-09",
    ]);
    assert_eq!(stdout(&o), "\"2024-08-09\"\n");
    let o = hookwright(&["eval", "(u/today)", "--context", &ctx]);
    assert_eq!(stdout(&o), "\"2022-09-26\"\n");
    let o = hookwright(&["eval", "(get {} 1)", "--context", &ctx]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn eval_reads_rule_files_and_explains() {
    let ctx = context();
    let rule = temp_file("seed.clj", format!("{SEED}\n"));
    let o = hookwright(&[
        "eval",
        &format!("@{}", rule),
        "--context",
        &ctx,
        "--explain",
    ]);
    assert!(o.status.success());
    assert_eq!(stdout(&o), "true\n");
    assert!(
        stderr(&o).contains("(= status-days-past-due 5)  → true"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn eval_errors_exit_1_with_line_and_column() {
    let ctx = context();
    let o = hookwright(&[
        "eval",
        "(and\n  (= loan-stauts \"Open\"))",
        "--context",
        &ctx,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    assert!(err.contains("--> 2:6"), "{err}");
    assert!(err.contains("did you mean `loan-status`?"), "{err}");
    let o = hookwright(&["eval", "(and (= 1 1)", "--context", &ctx]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("unclosed `(`\n --> 1:1"),
        "{}",
        stderr(&o)
    );
    let o = hookwright(&["eval", "(/ 1 0)", "--context", &ctx]);
    assert_eq!(o.status.code(), Some(1));
    let o = hookwright(&["eval", "true", "--context", "/nonexistent/ctx.json"]);
    assert_eq!(o.status.code(), Some(1));
    let o = hookwright(&["eval", "true", "--context", &ctx, "--today", "2024-13-01"]);
    assert_ne!(o.status.code(), Some(0));
}

#[test]
fn context_files_a_user_meets() {
    // A number past the exact range is named as written, at its line:col.
    let huge = temp_file("huge.json", "{\n  \"status-amount-due\": 1e400\n}\n");
    run(&["eval", "status-amount-due", "--context", &huge])
        .exits(1)
        .err_has("number 1e400 is outside the exact range")
        .err_has("--> 2:24");
    run(&["render", "[[v('status-amount-due')]]", "--context", &huge])
        .exits(1)
        .err_has("--> 2:24");
    // A file saved with a byte order mark reads as without one, as dryrun and reconcile read it.
    let marked = temp_file("bom.json", "\u{feff}{\"loan-status\": \"Open\"}\r\n");
    run(&["eval", "(= loan-status \"Open\")", "--context", &marked])
        .exits(0)
        .out_has("true");
    // Bytes that are not UTF-8 are named at their line:col, as lint names them.
    let latin1 = temp_file("latin1.json", b"{\"loan-status\":\n \"Cr\xe9dit\"}");
    for command in ["eval", "render"] {
        run(&[command, "loan-status", "--context", &latin1])
            .exits(1)
            .err_has("the file is not UTF-8 text\n --> 2:5");
    }
    // `-` reads the context from standard input.
    let piped = run_command(
        command()
            .args(["eval", "(= loan-status \"Open\")", "--context", "-"])
            .stdin(std::fs::File::open(&marked).unwrap()),
    );
    piped.exits(0).out_has("true");
}

#[test]
fn check_exit_codes_follow_errors_not_warnings() {
    let o = hookwright(&["check", SEED]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = hookwright(&["check", r#"(= loan-status "Opne")"#]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("warning: `loan-status` is never \"Opne\"; did you mean `Open`?"),
        "{}",
        stderr(&o)
    );
    let o = hookwright(&["check", "(> loan-status 3)", "--catalog", "loanpro"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("error: expected a number or a date"),
        "{}",
        stderr(&o)
    );
    let o = hookwright(&[
        "check",
        r#"(= EventCode "LOA10040")"#,
        "--catalog",
        "youlend",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let catalog = temp_file(
        "catalog.json",
        r#"{"name": "mine", "variables": [{"name": "score", "type": "number"}]}"#,
    );
    let o = hookwright(&["check", "(> score 600)", "--catalog", &catalog.clone()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = hookwright(&["check", "(> scor 600)", "--catalog", &catalog.clone()]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn fmt_prints_the_canonical_text() {
    let o = hookwright(&["fmt", "(and\n (= status-days-past-due 5)\n (or (= loan-status \"Open\")   (= loan-status \"Collections\")))"]);
    assert!(o.status.success());
    assert_eq!(stdout(&o), format!("{SEED}\n"));
    let o = hookwright(&["fmt", "(and"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn fmt_keeps_comments() {
    // A rule file with CRLF line ends and comments: every comment is printed, beside its item.
    let rule = temp_file(
        "commented.clj",
        "; day 5 only\r\n(and (= status-days-past-due 5) ; LoanPro's count\r\n  (= loan-status \"Open\"))\r\n",
    );
    run(&["fmt", &format!("@{rule}")]).exits(0).out_has(
        "; day 5 only\n(and\n  (= status-days-past-due 5) ; LoanPro's count\n  (= loan-status \"Open\"))\n",
    );
}

#[test]
fn fmt_check_says_whether_a_rule_is_laid_out() {
    let laid_out = temp_file("laid-out.clj", format!("{SEED}\n"));
    let o = run(&["fmt", "--check", &format!("@{laid_out}")]).exits(0);
    assert_eq!(o.stdout, "");
    let spaced = temp_file(
        "spaced.clj",
        "; fires on day 5\n(and (= status-days-past-due 5)\n     (= loan-status \"Open\"))\n",
    );
    let o = run(&["fmt", "--check", &format!("@{spaced}")])
        .exits(1)
        .err_has("spaced.clj: not in the canonical layout from line 2");
    assert_eq!(o.stdout, "");
    // Line endings are not layout: the canonical text with CRLF passes.
    let canonical = run(&["fmt", &format!("@{spaced}")]).exits(0).stdout;
    assert!(canonical.trim_end().contains('\n'), "{canonical}");
    let crlf = temp_file("crlf.clj", canonical.replace('\n', "\r\n"));
    run(&["fmt", "--check", &format!("@{crlf}")]).exits(0);
    run(&["fmt", "--check", "(and   true)"])
        .exits(1)
        .err_has("the rule: not in the canonical layout from line 1");
    run(&["fmt", "--check", "(and"])
        .exits(1)
        .err_has("unclosed `(`");
}

#[test]
fn check_names_the_place_in_a_bad_catalog_file() {
    // Not an object: our message at the value, no Rust struct named.
    let array = temp_file("array.json", "\n  []\n");
    run(&["check", "(= a 1)", "--catalog", &array])
        .exits(1)
        .err_has("a catalog file is a JSON object")
        .err_has("--> 2:3");
    let o = run(&["check", "(= a 1)", "--catalog", &array]);
    assert!(!o.stderr.contains("struct"), "{}", o.stderr);
    // A field of the wrong type: at its line:col.
    let wrong = temp_file(
        "wrong.json",
        "{\"name\": \"mine\",\n \"variables\": [{\"name\": 5}]}",
    );
    run(&["check", "(= a 1)", "--catalog", &wrong])
        .exits(1)
        .err_has("--> 2:25");
    // A catalog of one's own is used.
    let own = temp_file(
        "own.json",
        r#"{"name": "mine", "variables": [{"name": "a", "type": "number"}]}"#,
    );
    run(&["check", "(= a 1)", "--catalog", &own]).exits(0);
    run(&["check", "(= b 1)", "--catalog", &own])
        .exits(1)
        .err_has("unknown variable `b`");
}
