//! The `dryrun` contract, run against the built binary: output shape, exit
//! codes, rule sources, and each loan's result equal to `hookwright eval`'s.

mod common;
use common::*;

use proptest::prelude::*;
use serde_json::Value;

const SEED: &str =
    r#"(and (= status-days-past-due 5) (or (= loan-status "Open") (= loan-status "Collections")))"#;

const PORTFOLIO: &str = r#"{"loan-id": 1, "status-days-past-due": 5, "loan-status": "Open", "current-date": "2022-09-26"}
{"loan-id": 2, "status-days-past-due": 4, "loan-status": "Open"}
{"loan-id": "L-3", "status-days-past-due": 5, "loan-status": "Collections"}
{"loan-id": 4, "loan-status": "Open"}
{"loan-id": 5, "status-days-past-due": 5,
{"loan-id": 6, "status-days-past-due": 5.00, "loan-status": "Closed"}
"#;

/// `hookwright dryrun --connection examples/FILE --id ID --portfolio PORTFOLIO EXTRA…`.
fn from_example(file: &str, id: &str, portfolio: &str, extra: &[&str]) -> Run {
    let file = format!("examples/{file}");
    let mut args = vec![
        "dryrun",
        "--connection",
        &file,
        "--id",
        id,
        "--portfolio",
        portfolio,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

fn json_run(args: &[&str]) -> Value {
    let o = hookwright(args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

#[test]
fn json_has_the_contract_fields() {
    let file = temp_file("p.ndjson", PORTFOLIO.as_bytes());
    let v = json_run(&["dryrun", SEED, "--portfolio", &file, "--json"]);
    assert_eq!(v["loans"], 6);
    assert_eq!(v["fired"], 2);
    assert_eq!(v["errorCount"], 2);
    assert_eq!(v["firedIds"], serde_json::json!([1, "L-3"]));
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors[0]["line"], 4);
    assert_eq!(errors[0]["id"], 4);
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .contains("unknown variable `status-days-past-due`"));
    assert_eq!(errors[1]["line"], 5);
    assert_eq!(errors[1]["id"], Value::Null);
    let clauses = v["clauses"].as_array().unwrap();
    assert_eq!(clauses.len(), 5);
    assert_eq!(clauses[0]["text"], SEED);
    assert_eq!(
        (clauses[0]["line"].clone(), clauses[0]["col"].clone()),
        (1.into(), 1.into())
    );
    assert_eq!(clauses[1]["text"], "(= status-days-past-due 5)");
    assert_eq!(clauses[1]["col"], 6);
    assert_eq!(clauses[1]["trueCount"], 3);
    assert_eq!(clauses[1]["falseCount"], 1);
    assert_eq!(clauses[1]["errorCount"], 1);
    assert_eq!(v["notFired"], 2);
    assert_eq!(v["nearMissCount"], 2);
    // The same answer whatever the number of threads.
    for threads in ["1", "7"] {
        let run = json_run(&[
            "dryrun",
            SEED,
            "--portfolio",
            &file,
            "--json",
            "--threads",
            threads,
        ]);
        assert_eq!(run, v, "--threads {threads}");
    }
}

#[test]
fn lists_keep_their_documented_lengths() {
    // README: `errors` and `nearMisses` hold the first 1,000 (in file order), `firedIds` all of
    // them; every loan is counted once.
    let mut text = String::new();
    for i in 0..1_500 {
        text += &format!(
            "{{\"loan-id\": \"F{i}\", \"status-days-past-due\": 5, \"loan-status\": \"Open\"}}\n"
        );
        text += &format!(
            "{{\"loan-id\": \"N{i}\", \"status-days-past-due\": 5, \"loan-status\": \"Closed\"}}\n"
        );
        text += &format!("{{\"loan-id\": \"E{i}\", \"status-days-past-due\": true, \"loan-status\": \"Open\"}}\n");
    }
    let file = temp_file("many.ndjson", text.as_bytes());
    let rule = r#"(and (>= status-days-past-due 5) (= loan-status "Open"))"#;
    let v = json_run(&["dryrun", rule, "--portfolio", &file, "--json"]);
    assert_eq!(
        (&v["loans"], &v["fired"], &v["notFired"], &v["errorCount"]),
        (&4_500.into(), &1_500.into(), &1_500.into(), &1_500.into())
    );
    let fired = v["firedIds"].as_array().unwrap();
    assert_eq!(fired.len(), 1_500);
    assert_eq!((&fired[0], &fired[1_499]), (&"F0".into(), &"F1499".into()));
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1_000);
    assert_eq!(
        (&errors[0]["line"], &errors[0]["id"]),
        (&3.into(), &"E0".into())
    );
    assert_eq!(errors[999]["id"], "E999");
    assert_eq!(v["nearMissCount"], 1_500);
    let near = v["nearMisses"].as_array().unwrap();
    assert_eq!(near.len(), 1_000);
    assert_eq!(
        (&near[0]["line"], &near[0]["id"]),
        (&2.into(), &"N0".into())
    );
    assert_eq!(
        near[0]["conditions"],
        serde_json::json!([r#"(= loan-status "Open")"#])
    );
    assert_eq!(near[999]["id"], "N999");
}

#[test]
fn readable_summary_and_rule_sources() {
    let file = temp_file("p.ndjson", PORTFOLIO.as_bytes());
    let o = hookwright(&["dryrun", SEED, "--portfolio", &file]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("6 loans read"), "{out}");
    assert!(out.contains("fired      2"), "{out}");
    assert!(out.contains("line 5: unreadable record"), "{out}");
    let rule = temp_file("rule.clj", format!("{SEED}\n").as_bytes());
    let from_file = json_run(&[
        "dryrun",
        &format!("@{rule}"),
        "--portfolio",
        &file,
        "--json",
    ]);
    assert_eq!(from_file["fired"], 2);
    let example = "late-5-days-external.json";
    let from_connection = from_example(example, "late-5-external", &file, &["--json"]).exits(0);
    let from_connection: Value = serde_json::from_str(&from_connection.stdout).unwrap();
    assert_eq!(from_connection["firedIds"], serde_json::json!([1, "L-3"]));
    from_example(example, "nope", &file, &[])
        .exits(1)
        .err_has("no connection `nope`");
}

#[test]
fn an_event_connection_runs_over_a_batch_of_events() {
    let events = temp_file(
        "events.ndjson",
        br#"{"EventCode": "LOA10040", "EventProperties": {"LoanId": "L-1", "CorrelationId": "", "EventId": "e1"}}
{"EventCode": "LOA10055", "EventProperties": {"LoanId": "L-2", "CorrelationId": "", "EventId": "e2"}}
{"EventCode": "LOA10040", "EventProperties": {"LoanId": "L-3", "CorrelationId": "P-A", "EventId": "e3"}}
"#,
    );
    let v = from_example(
        "youlend-manual-payment-note.json",
        "youlend-manual-payment-note",
        &events,
        &["--id-field", "EventProperties.EventId", "--json"],
    )
    .exits(0);
    let v: Value = serde_json::from_str(&v.stdout).unwrap();
    assert_eq!(v["loans"], 3);
    assert_eq!(v["firedIds"], serde_json::json!(["e1"]));
    // Without --id-field a YouLend connection's events are named by their loan's
    // id, as in the page (events have no loan-id; the default named a top-level
    // EventId no YouLend event has, so every id was null).
    let default = from_example(
        "youlend-manual-payment-note.json",
        "youlend-manual-payment-note",
        &events,
        &["--json"],
    )
    .exits(0);
    let default: Value = serde_json::from_str(&default.stdout).unwrap();
    assert_eq!(default["firedIds"], serde_json::json!(["L-1"]));
}

#[test]
fn today_and_id_field() {
    let file = temp_file(
        "p.ndjson",
        br#"{"ref": "a", "next-scheduled-payment-date": "2022-10-01", "current-date": "2022-09-26"}
{"ref": "b", "next-scheduled-payment-date": "2022-10-20", "current-date": "2022-09-26"}
"#,
    );
    let rule = "(< (u/days-between (u/today) next-scheduled-payment-date) 10)";
    let fired = |today: &[&str]| {
        let mut args = vec!["dryrun", rule, "--portfolio", &file, "--json"];
        args.extend_from_slice(&["--id-field", "ref"]);
        args.extend_from_slice(today);
        json_run(&args)["firedIds"].clone()
    };
    assert_eq!(fired(&[]), serde_json::json!(["a"]));
    assert_eq!(
        fired(&["--today", "2022-10-15"]),
        serde_json::json!(["a", "b"])
    );
    // A misspelt --id-field leaves every id null: a note says so, with the nearest name.
    let v = json_run(&[
        "dryrun",
        rule,
        "--portfolio",
        &file,
        "--json",
        "--id-field",
        "reff",
    ]);
    assert_eq!(v["firedIds"], serde_json::json!([null]));
    let notes = v["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n.as_str().unwrap().contains("`reff`")
            && n.as_str().unwrap().contains("did you mean `ref`?")),
        "{notes:?}"
    );
    let right = json_run(&[
        "dryrun",
        rule,
        "--portfolio",
        &file,
        "--json",
        "--id-field",
        "ref",
    ]);
    assert_eq!(right["notes"], serde_json::json!([]));
}

#[test]
fn a_portfolio_from_standard_input() {
    // `--portfolio -`: a pipe (`zcat … |`, a download) gives the file's answer; an empty
    // pipe is exit 2 like an empty file, named as standard input.
    let file = temp_file("p.ndjson", PORTFOLIO.as_bytes());
    let from_file = json_run(&["dryrun", SEED, "--portfolio", &file, "--json"]);
    let piped = run_command(
        command()
            .args(["dryrun", SEED, "--portfolio", "-", "--json"])
            .stdin(std::fs::File::open(&file).unwrap()),
    )
    .exits(0);
    assert_eq!(
        serde_json::from_str::<Value>(&piped.stdout).unwrap(),
        from_file
    );
    run_command(
        command()
            .args(["dryrun", SEED, "--portfolio", "-"])
            .stdin(std::process::Stdio::null()),
    )
    .exits(2)
    .err_has("standard input: the file is empty");
}

#[test]
fn exit_codes_for_bad_rules_and_bad_files() {
    let file = temp_file("p.ndjson", PORTFOLIO.as_bytes());
    let o = hookwright(&["dryrun", "(and (= x 1)", "--portfolio", &file]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("1:"), "{}", stderr(&o));
    let o = hookwright(&["dryrun", "(frobnicate x)", "--portfolio", &file]);
    assert_eq!(o.status.code(), Some(1));
    let o = hookwright(&["dryrun", SEED, "--portfolio", "/no/such/portfolio.ndjson"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot open portfolio"));
    let empty = temp_file("empty.ndjson", b"");
    let o = hookwright(&["dryrun", SEED, "--portfolio", &empty]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("empty"), "{}", stderr(&o));
    let binary = temp_file("x.bin", [0x7f, b'E', b'L', b'F', 0, 0, 1, 2, 3]);
    let o = hookwright(&["dryrun", SEED, "--portfolio", &binary]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("binary"), "{}", stderr(&o));
    // A CSV naming a column twice: the last one silently won.
    let twice = temp_file(
        "twice.csv",
        b"loan-id,status-days-past-due,loan-status,status-days-past-due\n1,5,Open,4\n",
    );
    run(&["dryrun", SEED, "--portfolio", &twice])
        .exits(2)
        .err_has("names `status-days-past-due` twice");
}

#[test]
fn csv_arrays_gzip_and_absent_variables() {
    let csv = temp_file(
        "p.csv",
        b"loan-id,status-days-past-due,loan-status\n1,5,Open\n2,5\n3,5,Collections\n",
    );
    let v = json_run(&["dryrun", SEED, "--portfolio", &csv, "--json"]);
    assert_eq!(v["firedIds"], serde_json::json!([1, 3]));
    assert_eq!(v["errors"][0]["line"], 3);
    let array = temp_file("p.json", b"[{\"loan-id\": 1, \"status-days-past-due\": 5, \"loan-status\": \"Open\"},\n{\"loan-id\": 2");
    let v = json_run(&["dryrun", SEED, "--portfolio", &array, "--json"]);
    assert_eq!(v["fired"], 1);
    assert!(v["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("never closes"));
    // gzip
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut enc, PORTFOLIO.as_bytes()).unwrap();
    let gz = temp_file("p.ndjson.gz", enc.finish().unwrap());
    let v = json_run(&["dryrun", SEED, "--portfolio", &gz, "--json"]);
    assert_eq!(v["firedIds"], serde_json::json!([1, "L-3"]));
    let o = hookwright(&["dryrun", "(= status-amount-du 5)", "--portfolio", &csv]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).contains("no loan has `status-amount-du`"),
        "{}",
        stdout(&o)
    );
    let o = hookwright(&[
        "dryrun",
        "(= loan-stat \"Open\")",
        "--portfolio",
        &csv,
        "--json",
    ]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v["notes"][0],
        "no loan has `loan-stat`; did you mean `loan-status`?"
    );
}

// ---- Each loan's result is exactly what `hookwright eval` gives for it. ----

const RULES: &[&str] = &[
    SEED,
    "(> status-amount-due 100)",
    "(contains? #{\"Closed\" \"Paid Off\"} loan-status)",
    "(= customer.primary.full-name \"Ana\")",
    "(> (u/days-between current-date \"2022-10-01\") 3)",
];

fn member() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("status-days-past-due"),
        Just("loan-status"),
        Just("status-amount-due"),
        Just("current-date"),
        Just("customer"),
        Just("other"),
    ];
    let value = prop_oneof![
        Just("5"),
        Just("5.00"),
        Just("150.25"),
        Just("\"Open\""),
        Just("\"Closed\""),
        Just("\"2022-09-26\""),
        Just("{\"primary\": {\"full-name\": \"Ana\"}}"),
        Just("null"),
        Just("tru"),
    ];
    (key, value).prop_map(|(k, v)| format!("\"{k}\": {v}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn each_loan_matches_eval(rule in 0..RULES.len(), loans in prop::collection::vec(prop::collection::vec(member(), 0..5), 1..6)) {
        let records: Vec<String> = loans
            .iter()
            .enumerate()
            .map(|(i, members)| {
                let mut all = vec![format!("\"loan-id\": {i}")];
                all.extend(members.iter().cloned());
                format!("{{{}}}", all.join(", "))
            })
            .collect();
        let file = temp_file("p.ndjson", (records.join("\n") + "\n").as_bytes());
        let v = json_run(&["dryrun", RULES[rule], "--portfolio", &file, "--json", "--today", "2022-10-09"]);
        let fired: Vec<Value> = v["firedIds"].as_array().unwrap().clone();
        let error_lines: Vec<u64> = v["errors"].as_array().unwrap().iter().map(|e| e["line"].as_u64().unwrap()).collect();
        for (i, record) in records.iter().enumerate() {
            let ctx = temp_file("ctx.json", record.as_bytes());
            let o = hookwright(&["eval", RULES[rule], "--context", &ctx, "--today", "2022-10-09"]);
            let line = i as u64 + 1;
            if o.status.success() {
                let value: Value = serde_json::from_str(&stdout(&o)).unwrap();
                let truthy = !matches!(value, Value::Null | Value::Bool(false));
                prop_assert_eq!(fired.contains(&Value::from(i)), truthy, "{}", record);
                prop_assert!(!error_lines.contains(&line), "{}", record);
            } else {
                prop_assert!(error_lines.contains(&line), "{} / {}", record, stderr(&o));
                let error = v["errors"].as_array().unwrap().iter().find(|e| e["line"] == line).unwrap();
                let message = error["message"].as_str().unwrap();
                if !message.starts_with("unreadable record") {
                    // The same error, word for word, as eval prints it.
                    prop_assert!(stderr(&o).contains(message), "{} / {}", message, stderr(&o));
                }
                prop_assert!(!fired.contains(&Value::from(i)));
            }
        }
    }
}

#[test]
fn one_loan_is_counted_in_the_singular() {
    // The summary said "1 loans read" and "near misses: 1 loans would fire".
    let file = temp_file(
        "one.ndjson",
        br#"{"loan-id": 1, "status-days-past-due": 4, "loan-status": "Open"}
"#,
    );
    run(&["dryrun", SEED, "--portfolio", &file])
        .exits(0)
        .out_has("(NDJSON): 1 loan read in")
        .out_has("near misses: 1 loan would fire if one condition came out the other way");
}

#[test]
fn a_latin_1_name_is_an_error_at_its_line_not_a_binary_file() {
    // One Windows-1252 `Muñoz` (byte F1) near the top refused the whole file as "binary"
    // (exit 2), while the same record further down was an error at its line. README: unreadable
    // records are errors with their line.
    let ndjson = temp_file(
        "latin1.ndjson",
        b"{\"loan-id\": 1, \"status-days-past-due\": 5, \"loan-status\": \"Open\", \"name\": \"Mu\xf1oz\"}\n\
          {\"loan-id\": 2, \"status-days-past-due\": 5, \"loan-status\": \"Open\"}\n",
    );
    let v = json_run(&["dryrun", SEED, "--portfolio", &ndjson, "--json"]);
    assert_eq!(
        (&v["loans"], &v["fired"], &v["errorCount"]),
        (&2.into(), &1.into(), &1.into())
    );
    assert_eq!(v["errors"][0]["line"], 1, "{v}");
    assert_eq!(
        v["errors"][0]["message"],
        "the record is not valid UTF-8 text: byte 0xF1 at column 77 (a file saved as Latin-1 or Windows-1252? save it as UTF-8)"
    );
    let csv = temp_file(
        "latin1.csv",
        b"loan-id,status-days-past-due,loan-status,name\n1,5,Open,Mu\xf1oz\n2,5,Open,Smith\n",
    );
    let v = json_run(&["dryrun", SEED, "--portfolio", &csv, "--json"]);
    assert_eq!(
        (&v["loans"], &v["fired"], &v["errorCount"]),
        (&2.into(), &1.into(), &1.into())
    );
    assert_eq!(v["errors"][0]["line"], 2, "{v}");
    // Bytes that are mostly not UTF-8 (and hold no NUL) are still not a portfolio.
    let noise: Vec<u8> = (0..4096u32).map(|i| 0x80 | (i * 37 % 128) as u8).collect();
    let noise = temp_file("noise.bin", noise);
    run(&["dryrun", SEED, "--portfolio", &noise])
        .exits(2)
        .err_has("the file looks binary");
}

#[test]
fn a_record_that_is_not_an_object_is_unreadable() {
    // `[1, "L2", null, {...}]`: each non-object was an error "unknown variable
    // `status-days-past-due`", and under a rule reading no variable it fired as a loan.
    let file = temp_file(
        "scalars.json",
        br#"[1, "L2", null, [5], {"loan-id": 5, "status-days-past-due": 5, "loan-status": "Open"}]"#,
    );
    let v = json_run(&["dryrun", SEED, "--portfolio", &file, "--json"]);
    assert_eq!(
        (&v["loans"], &v["fired"], &v["errorCount"]),
        (&5.into(), &1.into(), &4.into())
    );
    let messages: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "unreadable record: it is a number, not an object of the loan's variables",
            "unreadable record: it is a string, not an object of the loan's variables",
            "unreadable record: it is null, not an object of the loan's variables",
            "unreadable record: it is an array, not an object of the loan's variables",
        ]
    );
    let v = json_run(&["dryrun", "(= 1 1)", "--portfolio", &file, "--json"]);
    assert_eq!((&v["fired"], &v["errorCount"]), (&1.into(), &4.into()));
}

#[test]
fn a_csv_number_past_the_exact_range_is_an_error_not_text() {
    // NDJSON's 30-digit number is an unreadable record at its line; the same cell in a CSV was
    // read as the text "1000…", so `not=` fired for it and `=` quietly said false.
    let file = temp_file(
        "wide.csv",
        "loan-id,status-amount-due\nA,100000000000000000000000000000.5\nB,12.50\n",
    );
    let v = json_run(&[
        "dryrun",
        "(not= status-amount-due 0)",
        "--portfolio",
        &file,
        "--json",
    ]);
    assert_eq!(v["firedIds"], serde_json::json!(["B"]), "{v}");
    assert_eq!(v["errors"][0]["line"], 2, "{v}");
    assert_eq!(
        v["errors"][0]["message"],
        "status-amount-due: number 100000000000000000000000000000.5 is outside the exact range (28 significant digits)"
    );
}

#[test]
fn a_csv_separated_by_semicolons_or_tabs_is_not_read_as_one_column() {
    // Excel in many locales saves `;`-separated "CSV"; a TSV is tab-separated. The header was
    // read as one column named `loan-id;status-days-past-due;loan-status`, so every loan was
    // an error "unknown variable …; did you mean `loan-id;status-days-past-due;loan-status`?".
    for (sep, name) in [(";", "`;`"), ("\t", "tabs")] {
        let text = ["loan-id", "status-days-past-due", "loan-status"].join(sep)
            + "\n"
            + &["1", "5", "Open"].join(sep)
            + "\n";
        let file = temp_file("semi.csv", text.as_bytes());
        run(&["dryrun", SEED, "--portfolio", &file])
            .exits(2)
            .err_has(&format!(
                "the CSV header row has no comma but {name} between its names"
            ));
    }
    // One column whose name holds no separator is still a portfolio.
    let one = temp_file("one.csv", b"loan-id\n1\n");
    run(&["dryrun", "(= 1 1)", "--portfolio", &one]).exits(0);
}

#[test]
fn a_utf_16_portfolio_is_named_as_such_not_binary() {
    // Windows PowerShell's `Out-File` and Excel's "Unicode Text" write UTF-16 with a byte order
    // mark: the file was refused as "the file looks binary", which says nothing of the fix.
    for bom in [[0xFF, 0xFE], [0xFE, 0xFF]] {
        let mut bytes = bom.to_vec();
        for unit in "{\"loan-id\": 1}\r\n".encode_utf16() {
            let pair = if bom[0] == 0xFF {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            };
            bytes.extend(pair);
        }
        let file = temp_file("u16.ndjson", bytes);
        run(&["dryrun", SEED, "--portfolio", &file])
            .exits(2)
            .err_has(
            "the file is UTF-16 text (it starts with a UTF-16 byte order mark): save it as UTF-8",
        );
    }
}
