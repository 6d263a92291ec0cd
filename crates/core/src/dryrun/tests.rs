use proptest::prelude::*;

use super::*;

const SEED: &str =
    r#"(and (= status-days-past-due 5) (or (= loan-status "Open") (= loan-status "Collections")))"#;

/// Runs a whole portfolio fed in chunks of `chunk` bytes.
fn run(rule: &str, text: &[u8], chunk: usize) -> Result<Report, FileError> {
    let plan = Plan::new(rule, Options::default()).unwrap();
    let mut reader = Reader::new();
    let mut ev = Evaluator::new(&plan);
    let mut total = plan.tally();
    for piece in text.chunks(chunk.max(1)) {
        let batch = reader.feed(piece)?;
        total.merge(ev.batch(&batch), plan.options());
    }
    let batch = reader.finish()?;
    total.merge(ev.batch(&batch), plan.options());
    Ok(plan.report(total))
}

fn ids(r: &Report) -> Vec<&str> {
    r.tally.fired_ids().collect()
}

#[test]
fn seed_rule_over_ndjson_counts_clauses_and_near_misses() {
    let text = r#"{"loan-id": 1, "status-days-past-due": 5, "loan-status": "Open"}
{"loan-id": 2, "status-days-past-due": 4, "loan-status": "Open"}

{"loan-id": "L-3", "status-days-past-due": 5, "loan-status": "Closed"}
{"loan-id": 4, "loan-status": "Open"}
{"loan-id": 5, "status-days-past-due": 5, "loan-status": "Collections"
{"loan-id": 6, "status-days-past-due": 5.0, "loan-status": "Collections"}
"#;
    for chunk in [1, 3, 17, 1000] {
        let r = run(SEED, text.as_bytes(), chunk).unwrap();
        let t = &r.tally;
        assert_eq!(
            (t.loans, t.fired, t.not_fired, t.error_count),
            (6, 2, 2, 2),
            "chunk {chunk}"
        );
        assert_eq!(ids(&r), ["1", "6"]);
        assert_eq!(t.errors[0].line, 5);
        assert_eq!(t.errors[0].id.as_deref(), Some("4"));
        assert!(t.errors[0]
            .message
            .contains("unknown variable `status-days-past-due`"));
        assert_eq!(t.errors[1].line, 6);
        assert!(
            t.errors[1].message.starts_with("unreadable record"),
            "{}",
            t.errors[1].message
        );
        // The root `and`: true 2, false 2, error 1.
        assert_eq!(r.clauses[0].text, SEED);
        assert_eq!(
            (
                r.clauses[0].true_count,
                r.clauses[0].false_count,
                r.clauses[0].error_count
            ),
            (2, 2, 1)
        );
        assert_eq!(r.clauses[1].text, "(= status-days-past-due 5)");
        assert_eq!(
            (
                r.clauses[1].true_count,
                r.clauses[1].false_count,
                r.clauses[1].error_count
            ),
            (3, 1, 1)
        );
        // Loan 2 misses on days past due; loan 3 on its status (either branch).
        assert_eq!(t.near_miss_count, 2);
        assert_eq!(
            r.conditions[t.near_misses.get(0).unwrap().conditions[0] as usize],
            "(= status-days-past-due 5)"
        );
        assert_eq!(t.near_misses.get(1).unwrap().id, Some("\"L-3\""));
        assert_eq!(t.near_misses.get(1).unwrap().conditions.len(), 2);
    }
}

#[test]
fn builder_counts_from_the_conditions_equal_counting_each_item() {
    let rules = [
        SEED,
        "(and (= loan-status \"Open\") (not (or (> status-days-past-due 30) (= loan-id 2))))",
        "(or (> status-amount-due 100) (and (= loan-status \"Open\") (> missing 1)))",
        "(= loan-status \"Open\")",
    ];
    let text = "{\"loan-id\": 1, \"status-days-past-due\": 5, \"loan-status\": \"Open\", \"status-amount-due\": 50}\n\
                {\"loan-id\": 2, \"status-days-past-due\": 40, \"loan-status\": \"Open\", \"status-amount-due\": 150}\n\
                {\"loan-id\": 3, \"loan-status\": \"Closed\"}\n\
                {\"loan-id\": 4, \"status-days-past-due\": \"x\", \"loan-status\": \"Collections\", \"status-amount-due\": 5}\n";
    for rule in rules {
        let texts = item_texts(&Rule::parse(rule).unwrap());
        let count = |items: Vec<String>| {
            let plan = Plan::new(
                rule,
                Options {
                    items,
                    ..Options::default()
                },
            )
            .unwrap();
            let mut ev = Evaluator::new(&plan);
            let mut reader = Reader::new();
            let mut t = plan.tally();
            t.merge(
                ev.batch(&reader.feed(text.as_bytes()).unwrap()),
                plan.options(),
            );
            t.merge(ev.batch(&reader.finish().unwrap()), plan.options());
            (plan.items_from_tree, t.item_counts)
        };
        let (fast, from_tree) = count(texts.clone());
        assert!(fast, "{rule}");
        // One item more than the tree's nodes: each is evaluated on its own.
        let mut more = texts.clone();
        more.push("true".into());
        let (fast, each) = count(more);
        assert!(!fast);
        assert_eq!(from_tree[..], each[..texts.len()], "{rule}: {texts:?}");
    }
}

#[test]
fn json_arrays_and_csv_give_the_same_answers() {
    let array = "[\n {\"loan-id\": 1, \"status-days-past-due\": 5, \"loan-status\": \"Open\"},\n {\"loan-id\": 2,\n  \"status-days-past-due\": 5, \"loan-status\": \"Collections\"}, 7\n]\n";
    for chunk in [1, 5, 4096] {
        let r = run(SEED, array.as_bytes(), chunk).unwrap();
        assert_eq!(
            (r.tally.loans, r.tally.fired, r.tally.error_count),
            (3, 2, 1)
        );
        assert_eq!(r.tally.errors[0].line, 4);
        assert_eq!(ids(&r), ["1", "2"]);
    }
    let csv = "loan-id,status-days-past-due,loan-status,customer.primary.full-name\n1,5,Open,\"Doe, J\"\n2,5,\"Collec\ntions\",x\n3,5.00,Collections,\n4,5\n";
    for chunk in [1, 7, 4096] {
        let r = run(SEED, csv.as_bytes(), chunk).unwrap();
        assert_eq!(
            (
                r.tally.loans,
                r.tally.fired,
                r.tally.not_fired,
                r.tally.error_count
            ),
            (4, 2, 1, 1),
            "chunk {chunk}"
        );
        assert_eq!(ids(&r), ["1", "3"]);
        assert_eq!(r.tally.errors[0].line, 6);
        assert!(r.tally.errors[0]
            .message
            .contains("2 cells; the header has 4"));
    }
}

#[test]
fn a_quote_inside_an_unquoted_csv_cell_is_text_not_the_start_of_a_quoted_cell() {
    // `12" TV` in a notes column: the row cutter took the `"` as opening a quoted cell, so every
    // later row was swallowed into one error "the file ends inside a quoted cell" (4 loans read
    // as 1). RFC 4180 quotes a cell only from its first character, as `split_row` reads it.
    let csv = "loan-id,status-days-past-due,loan-status,note\r\n1,5,Open,12\" TV\r\n2,5,Open,\"said \"\"hi\"\"\"\r\n3,5,Open,a\"b\"c\r\n4,5,Closed,\"two\nlines\"\r\n5,5,Open,\"\"\r\n";
    for chunk in [1, 3, 7, 4096] {
        let r = run(SEED, csv.as_bytes(), chunk).unwrap();
        assert_eq!(
            (
                r.tally.loans,
                r.tally.fired,
                r.tally.not_fired,
                r.tally.error_count
            ),
            (5, 4, 1, 0),
            "chunk {chunk}: {:?}",
            r.tally.errors
        );
        assert_eq!(ids(&r), ["1", "2", "3", "5"]);
    }
}

#[test]
fn json_objects_printed_over_several_lines_are_a_loan_each() {
    // `jq '.[]' loans.json` prints each loan over several lines, one after another (a first
    // line of `{` alone, as `reconcile` reads it): read as NDJSON, every line was a "loan" of
    // its own and an unreadable record (10 loans of errors for 2 loans).
    let text = "{\n  \"loan-id\": 1,\n  \"status-days-past-due\": 5,\n  \"loan-status\": \"Open\"\n}\r\n{\n  \"loan-id\": 2,\n  \"status-days-past-due\": 4,\n  \"loan-status\": \"Open\"\n}\n\n{\"loan-id\": 3, \"status-days-past-due\": 5, \"loan-status\": \"Collections\"}\n{\n  \"loan-id\": 4,\n  \"status-days-past-due\": 5\n";
    for chunk in [1, 2, 5, 4096] {
        let r = run(SEED, text.as_bytes(), chunk).unwrap();
        assert_eq!(
            (
                r.tally.loans,
                r.tally.fired,
                r.tally.not_fired,
                r.tally.error_count
            ),
            (4, 2, 1, 1),
            "chunk {chunk}: {:?}",
            r.tally.errors
        );
        assert_eq!(ids(&r), ["1", "3"]);
        assert_eq!(r.tally.errors[0].line, 13);
        assert!(
            r.tally.errors[0]
                .message
                .contains("the file ends inside this record"),
            "{}",
            r.tally.errors[0].message
        );
    }
    // The same objects with commas between them (an array's inside, its brackets cut off): a
    // comma was a record of its own, an unreadable one (2 loans read as 3).
    let commas = "{\n  \"loan-id\": 1,\n  \"status-days-past-due\": 5,\n  \"loan-status\": \"Open\"\n},\n{\n  \"loan-id\": 2,\n  \"status-days-past-due\": 5,\n  \"loan-status\": \"Open\"\n}\n";
    for chunk in [1, 3, 4096] {
        let r = run(SEED, commas.as_bytes(), chunk).unwrap();
        assert_eq!(
            (r.tally.loans, r.tally.fired, r.tally.error_count),
            (2, 2, 0),
            "chunk {chunk}: {:?}",
            r.tally.errors
        );
    }
    let mut reader = Reader::new();
    reader.feed(b" \n{\n").unwrap();
    assert_eq!(reader.format(), Some(Format::JsonObjects));
    // A head shared out by byte ranges must be NDJSON: not these objects, not gzip.
    assert!(shareable_head(b"{\"loan-id\": 1}\n{\"loan-id\": 2}\n"));
    assert!(!shareable_head(b"{\n  \"loan-id\": 1\n}\n"));
    assert!(!shareable_head(b"[{\"loan-id\": 1}]"));
}

#[test]
fn a_csv_row_of_empty_cells_is_a_blank_line_not_a_loan() {
    // Excel saves rows it once formatted as `,,` (every cell empty): each was counted as a loan
    // with no variables and an error "unknown variable …", as no blank line is.
    let csv =
        "loan-id,status-days-past-due,loan-status\r\n1,5,Open\r\n,,\r\n2,5,Closed\r\n , ,\r\n,,\n";
    for chunk in [1, 4, 4096] {
        let r = run(SEED, csv.as_bytes(), chunk).unwrap();
        assert_eq!(
            (r.tally.loans, r.tally.fired, r.tally.error_count),
            (2, 1, 0),
            "chunk {chunk}: {:?}",
            r.tally.errors
        );
    }
    // A row with one value is a loan: its missing variables are errors at its line.
    let r = run(
        SEED,
        b"loan-id,status-days-past-due,loan-status\n,,\n3,,\n",
        4096,
    )
    .unwrap();
    assert_eq!((r.tally.loans, r.tally.error_count), (1, 1));
    assert_eq!(r.tally.errors[0].line, 3);
}

#[test]
fn bad_files_say_what_is_wrong() {
    assert!(run(SEED, b"", 10).unwrap_err().0.contains("empty"));
    assert!(run(SEED, b"\n \n", 10).unwrap_err().0.contains("blank"));
    assert!(run(SEED, b"\x00\x01\x02binary", 10)
        .unwrap_err()
        .0
        .contains("binary"));
    let open = run(SEED, b"[{\"loan-id\": 1, \"status-days-past-due\": 5, \"loan-status\": \"Open\"},\n{\"loan-id\": 2", 8).unwrap();
    assert_eq!(
        (open.tally.loans, open.tally.fired, open.tally.error_count),
        (2, 1, 1)
    );
    assert!(open.tally.errors[0].message.contains("never closes"));
    let open = run(SEED, b"[{\"loan-id\": 1}", 8).unwrap();
    assert!(open
        .tally
        .errors
        .last()
        .unwrap()
        .message
        .contains("never closes"));
    let missing = run(SEED, b"{\"loan-id\": 1, \"status-amount-due\": 3, \"loan-status\": \"Open\", \"status-days-past-du\": 5}\n", 100).unwrap();
    assert_eq!(
        missing.notes,
        ["no loan has `status-days-past-due`; did you mean `status-days-past-du`?"]
    );
}

#[test]
fn gzip_is_undone_in_pieces() {
    use flate2::write::GzEncoder;
    use std::io::Write as _;
    let text = sample_portfolio(500, 3);
    let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(text.as_bytes()).unwrap();
    let gz = enc.finish().unwrap();
    assert!(is_gzip(&gz));
    let mut g = Gunzip::new();
    let mut out = Vec::new();
    for piece in gz.chunks(100) {
        out.extend(g.push(piece).unwrap());
    }
    out.extend(g.finish().unwrap());
    assert_eq!(out, text.as_bytes());
    let mut g = Gunzip::new();
    g.push(&gz[..gz.len() / 2]).unwrap();
    assert!(g.finish().is_err());
}

#[test]
fn diff_names_newly_and_no_longer_firing() {
    let d = diff(["1", "2", "3"], ["2", "3", "4"]);
    assert_eq!(d.newly_firing, ["4"]);
    assert_eq!(d.no_longer_firing, ["1"]);
}

#[test]
fn serde_json_keeps_number_text_as_written() {
    // Exponents are rewritten (`1E2` → `1e+2`); the scanner converts those through serde_json.
    for n in ["1.50", "-0", "0.000", "12345678901234567890.25", "-7"] {
        let v: serde_json::Value = serde_json::from_str(n).unwrap();
        assert_eq!(v.as_number().unwrap().as_str(), n);
    }
}

// ---- The property: each loan's result is exactly `hookwright eval`'s. ----

const RULES: &[&str] = &[
    SEED,
    "(> status-amount-due 100)",
    "(or (< status-days-past-due 3) (contains? #{\"Closed\" \"Paid Off\"} loan-status))",
    "(= customer.primary.full-name \"Ana\")",
    "(clojure.string/starts-with? loan-status \"Op\")",
    "(> (u/days-between current-date \"2022-10-01\") 3)",
    "(= (:a nested) 1)",
    "(not (= flat.key 2))",
    "(+ status-amount-due 1)",
    "(= (u/today) current-date)",
    "(get-in nested [:b 0])",
    "status-amount-due",
    "loan-id",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("status-days-past-due".to_string()),
        Just("loan-status".to_string()),
        Just("status-amount-due".to_string()),
        Just("loan-id".to_string()),
        Just("current-date".to_string()),
        Just("customer".to_string()),
        Just("customer.primary.full-name".to_string()),
        Just("nested".to_string()),
        Just("flat.key".to_string()),
        Just("flat".to_string()),
        Just("loan-stat\\u0075s".to_string()),
        "[a-z-]{1,12}",
    ]
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        (0i64..10).prop_map(|n| n.to_string()),
        Just("5.0".to_string()),
        Just("5.00".to_string()),
        Just("-0".to_string()),
        Just("1e2".to_string()),
        Just("12345678901234567890123456789012".to_string()),
        Just("158.70".to_string()),
        Just("0.50".to_string()),
        Just("999999999999999999".to_string()),
        Just("-3.10".to_string()),
        Just("10.0".to_string()),
        Just("\"Open\"".to_string()),
        Just("\"Collections\"".to_string()),
        Just("\"Op\\u0065n\"".to_string()),
        Just("\"\\ud83d\\ude00\"".to_string()),
        Just("\"\\ud800\"".to_string()),
        Just("\"2022-09-26\"".to_string()),
        Just("\"Ana\"".to_string()),
        Just("true".to_string()),
        Just("null".to_string()),
        Just(
            "{\"a\": 1, \"b\": [2, {\"c\": null}], \"primary\": {\"full-name\": \"Ana\"}}"
                .to_string()
        ),
        Just("{\"key\": 2}".to_string()),
        Just("[1, [2, []], {}]".to_string()),
        Just("01".to_string()),
        Just("[1,]".to_string()),
        Just("tru".to_string()),
        Just("false".to_string()),
        Just("50".to_string()),
        Just("5E0".to_string()),
        Just("\"5\"".to_string()),
        Just("\"\"".to_string()),
        Just("\"Öpen ✓\"".to_string()),
        Just("\"Open\\\"\"".to_string()),
    ]
}

fn record() -> impl Strategy<Value = String> {
    let members = prop::collection::vec((key(), scalar()), 0..7);
    (members, 0u8..8).prop_map(|(members, mangle)| {
        let body: Vec<String> = members
            .iter()
            .map(|(k, v)| format!("\"{k}\": {v}"))
            .collect();
        let mut text = format!("{{{}}}", body.join(", "));
        match mangle {
            0 => text.push_str(" x"),
            1 => text = text.replacen('{', "[", 1),
            2 => text.push('\t'),
            _ => {}
        }
        text
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn each_loan_is_what_eval_gives(rule in 0..RULES.len(), rec in record(), today in any::<bool>(), before in prop::collection::vec(record(), 0..4)) {
        let source = RULES[rule];
        let options = Options {
            today: today.then(|| Date::new(2022, 10, 3).unwrap()),
            ..Options::default()
        };
        let plan = Plan::new(source, options.clone()).unwrap();
        let mut ev = Evaluator::new(&plan);
        // Warm the reused context with another record first, as a run would.
        let _ = ev.loan(r#"{"loan-status": "Closed", "nested": {"a": 1}, "status-days-past-due": 5}"#);
        for other in &before {
            let _ = ev.loan(other);
        }
        let got = ev.loan(&rec);
        // What `hookwright eval RULE --context FILE [--today]` computes.
        let opts = EvalOptions { today: options.today, ..EvalOptions::default() };
        let want = match Context::from_json(&rec) {
            Err(e) => LoanResult::Unreadable(e.message),
            Ok(ctx) => match Rule::parse(source).unwrap().eval(&ctx, &opts) {
                Ok(v) => LoanResult::Value(v),
                Err(e) => LoanResult::Error(e),
            },
        };
        match (&got, &want) {
            (LoanResult::Unreadable(g), LoanResult::Unreadable(w)) => prop_assert!(g.contains(w.as_str()), "{g} / {w}"),
            (LoanResult::Value(g), LoanResult::Value(w)) => {
                // Numbers compare by value; their written scale must match too.
                prop_assert_eq!(g, w, "record {}", rec);
                prop_assert_eq!(g.to_json(), w.to_json(), "record {}", rec);
            }
            _ => prop_assert_eq!(&got, &want, "record {}", rec),
        }
    }
}

#[test]
fn thousands_are_grouped_by_commas() {
    for (n, shown) in [
        (0, "0"),
        (999, "999"),
        (1_000, "1,000"),
        (1_234_567, "1,234,567"),
    ] {
        assert_eq!(thousands(n), shown);
    }
}

#[test]
fn megabytes_have_one_decimal_rounded_half_up() {
    for (bytes, shown) in [
        (0, "0.0"),
        (49_999, "0.0"),
        (50_000, "0.1"),
        (2_000_000, "2.0"),
        (20_971_520, "21.0"),
        (1_549_999, "1.5"),
        (u64::MAX, "18446744073709.5"),
    ] {
        assert_eq!(megabytes(bytes), shown);
    }
}

#[test]
fn counted_items_are_the_builder_items_in_pre_order_with_depth_and_label() {
    let rule = r#"(and (= status-days-past-due 5) (not (or (= loan-status "Open") (= loan-status "Collections"))))"#;
    let parsed = Rule::parse(rule).unwrap();
    let shown: Vec<(usize, String)> = counted_items(&parsed)
        .into_iter()
        .map(|i| (i.depth, i.label))
        .collect();
    let want = [
        (0, "all of 2 items"),
        (1, "(= status-days-past-due 5)"),
        (1, "none of 2 items"),
        (2, r#"(= loan-status "Open")"#),
        (2, r#"(= loan-status "Collections")"#),
    ];
    let want: Vec<(usize, String)> = want.iter().map(|(d, l)| (*d, l.to_string())).collect();
    assert_eq!(shown, want);
    let texts = item_texts(&parsed);
    assert_eq!(texts.len(), 5);
    assert_eq!(texts[0], rule);

    let negated = Rule::parse("(not (and (= a 1) (= b 2)))").unwrap();
    let labels: Vec<String> = counted_items(&negated)
        .into_iter()
        .map(|i| i.label)
        .collect();
    assert!(labels.contains(&"NOT".to_string()), "{labels:?}");
}

/// The page's options for `rule`: fired rows, near misses and the builder's items.
fn page_options(rule: &str) -> Options {
    let parsed = Rule::parse(rule).unwrap();
    Options {
        keep_rows: true,
        items: item_texts(&parsed),
        ..Options::default()
    }
}

/// A tally with what depends on how the file was shared out set aside: the
/// names sampled for did-you-mean, and how many readers saw each variable.
fn comparable(mut t: Tally) -> Tally {
    t.sample_paths.clear();
    for p in &mut t.present {
        *p = (*p > 0).into();
    }
    t
}

/// `text` read as byte ranges cut at `cuts`, each range fed in `chunk`-byte
/// pieces to its own reader and evaluator, the tallies merged in file order.
fn run_in_ranges(plan: &Plan, text: &[u8], cuts: &[usize], chunk: usize) -> Tally {
    let mut bounds = vec![0];
    bounds.extend(cuts.iter().map(|&c| c.min(text.len())));
    bounds.push(text.len());
    bounds.sort_unstable();
    let mut total = plan.tally();
    let mut lines_before = 0;
    for (k, pair) in bounds.windows(2).enumerate() {
        let mut range = LineRange::new(pair[0] as u64, pair[1] as u64);
        let mut reader = if k == 0 {
            Reader::new()
        } else {
            Reader::ndjson_from_middle()
        };
        let mut ev = Evaluator::new(plan);
        let mut tally = plan.tally();
        let mut at = range.read_from() as usize;
        while at < text.len() && !range.done() {
            let piece = &text[at..(at + chunk.max(1)).min(text.len())];
            let take = range.take(piece.len(), |from| {
                memchr::memchr(b'\n', &piece[from..]).map(|i| from + i)
            });
            tally.merge(
                ev.batch(&reader.feed(&piece[take]).unwrap()),
                plan.options(),
            );
            at += piece.len();
        }
        tally.merge(ev.batch(&reader.finish().unwrap()), plan.options());
        tally.shift_lines(lines_before);
        lines_before += reader.lines_read();
        total.merge(tally, plan.options());
    }
    total
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Workers sharing a file by byte ranges give the one reader's answer:
    /// every loan once, lines and file order kept.
    #[test]
    fn byte_ranges_merge_to_the_whole_files_tally(
        rule in 0..RULES.len(),
        recs in prop::collection::vec(prop_oneof![4 => record(), 1 => Just(String::new()), 1 => Just("  ".to_string())], 0..24),
        cuts in prop::collection::vec(0usize..2_000, 0..4),
        chunk in 1usize..300,
        trailing in any::<bool>(),
    ) {
        let mut text = recs.join("\n");
        if trailing {
            text.push('\n');
        }
        let source = RULES[rule];
        let plan = Plan::new(source, page_options(source)).unwrap();
        let whole = match run_whole(&plan, text.as_bytes()) {
            Some(t) => t,
            // Not a portfolio at all (blank, or not NDJSON): the page does not share those out.
            None => return Ok(()),
        };
        // The page shares out only files whose first range holds their first record.
        let first = text.bytes().position(|b| !b.is_ascii_whitespace()).unwrap_or(0);
        let cuts: Vec<usize> = cuts.iter().map(|c| c % (text.len() + 1)).filter(|&c| c > first).collect();
        let shared = run_in_ranges(&plan, text.as_bytes(), &cuts, chunk);
        prop_assert_eq!(comparable(shared), comparable(whole));
    }

    /// A condition's outcome taken from the rule's own run is the one it
    /// has evaluated alone, loan after loan with one reused context.
    #[test]
    fn conditions_from_the_rules_run_are_their_own_outcomes(
        rule in 0..RULES.len(),
        recs in prop::collection::vec(record(), 1..8),
    ) {
        let source = RULES[rule];
        let plan = Plan::new(source, page_options(source)).unwrap();
        let mut ev = Evaluator::new(&plan);
        for rec in &recs {
            let batch = Batch::lines(rec.clone().into_bytes(), 1);
            let tally = ev.batch(&batch);
            let Ok(ctx) = Context::from_json(rec) else { continue };
            if tally.error_count > 0 || !plan.items_from_tree {
                continue;
            }
            let alone: Vec<Option<bool>> = plan.leaves.iter().map(|(_, c)| c.matches(&ctx, &plan.opts).ok()).collect();
            prop_assert_eq!(&ev.trace.leaf_values, &alone, "record {}", rec);
        }
    }
}

/// Rules of logic and equality, which the batch's run decides without building values.
const LOGIC_RULES: &[&str] = &[
    r#"(and (not (= loan-status "Open")) (or (= status-days-past-due 5) (> status-amount-due 100)))"#,
    r#"(or (= customer.primary.full-name "Ana") (not= loan-status "Closed" "Open"))"#,
    r#"(and (= status-days-past-due 5 status-amount-due) (not (or)) (and))"#,
    r#"(or (and (= loan-id 1) (= (:a nested) 1)) (not (not (= current-date "2022-09-26"))))"#,
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    /// A batch's run decides only whether the rule fired (`truthy_traced`):
    /// the tally, clause and builder counts included, is the one a run that
    /// builds every value gives.
    #[test]
    fn deciding_only_truthiness_keeps_the_tally(
        rule in 0..RULES.len() + LOGIC_RULES.len(),
        recs in prop::collection::vec(record(), 1..12),
    ) {
        let source = RULES.get(rule).copied().unwrap_or_else(|| LOGIC_RULES[rule - RULES.len()]);
        let plan = Plan::new(source, page_options(source)).unwrap();
        let text = recs.join("\n").into_bytes();
        let mut quick = Evaluator::new(&plan);
        let mut full = Evaluator::new(&plan);
        full.truthiness_only = false;
        let quick = comparable(quick.batch(&Batch::lines(text.clone(), 1)));
        prop_assert_eq!(quick, comparable(full.batch(&Batch::lines(text, 1))));
    }
}

/// The whole text through one reader, or `None` when it is no NDJSON portfolio.
fn run_whole(plan: &Plan, text: &[u8]) -> Option<Tally> {
    let mut reader = Reader::new();
    let mut ev = Evaluator::new(plan);
    let mut tally = plan.tally();
    tally.merge(ev.batch(&reader.feed(text).ok()?), plan.options());
    tally.merge(ev.batch(&reader.finish().ok()?), plan.options());
    (reader.format() == Some(Format::Ndjson)).then_some(tally)
}

#[test]
fn a_stray_closing_brace_in_a_json_array_is_an_unreadable_record() {
    // It used to send the array reader round in a loop, growing without end.
    let r = run(SEED, br#"[{"loan-id": 1}}, {"loan-id": 2}]"#, 1000).unwrap();
    assert_eq!((r.tally.loans, r.tally.unreadable), (3, 1));
    let r = run(SEED, br#"["a": 1}]"#, 3).unwrap();
    assert!(r.tally.error_count > 0);
}

#[test]
fn a_line_range_starts_after_a_break_and_finishes_its_last_line() {
    let text = b"aa\nbbbb\n\ncc\n";
    let cut = |start: u64, end: u64| {
        let mut r = LineRange::new(start, end);
        let from = r.read_from() as usize;
        let piece = &text[from..];
        let take = r.take(piece.len(), |i| {
            memchr::memchr(b'\n', &piece[i..]).map(|j| i + j)
        });
        String::from_utf8_lossy(&piece[take]).into_owned()
    };
    assert_eq!(cut(0, 1), "aa\n");
    assert_eq!(cut(0, 3), "aa\n");
    assert_eq!(cut(0, 4), "aa\nbbbb\n");
    assert_eq!(cut(1, 3), "");
    assert_eq!(cut(3, 4), "bbbb\n");
    assert_eq!(cut(4, 8), "");
    assert_eq!(cut(4, 9), "\n");
    assert_eq!(cut(8, 12), "\ncc\n");
    assert_eq!(cut(9, 12), "cc\n");
    assert_eq!(cut(12, 12), "");
}

#[test]
fn counted_item_texts_mean_what_their_builder_items_mean() {
    // Each text is the item's own place in the source: parsed again, it is
    // the model's item (comments, odd spacing and a lone condition included).
    fn pre_order(item: &Item, out: &mut Vec<String>) {
        out.push(RuleModel { root: item.clone() }.to_text());
        match item {
            Item::Group(g) => g.items.iter().for_each(|i| pre_order(i, out)),
            Item::Not(inner) => pre_order(inner, out),
            _ => {}
        }
    }
    for rule in [
        SEED,
        r#"(= loan-status "Open")"#,
        "(and (not (= a 1)) ; a comment\n  (not (or (= b 2)\n (= c 3))) (or) (+ 1 2))",
        "(or (and (= a 1) (and (= b 2) (not (not (= c 3))))) (> (count x) 2))",
    ] {
        let parsed = Rule::parse(rule).unwrap();
        let mut canonical = Vec::new();
        pre_order(&RuleModel::from_rule(&parsed).root, &mut canonical);
        let texts = item_texts(&parsed);
        let reparsed: Vec<String> = texts
            .iter()
            .map(|t| RuleModel::from_rule(&Rule::parse(t).unwrap()).to_text())
            .collect();
        assert_eq!(reparsed, canonical, "{rule}");
    }
}

#[test]
fn near_misses_are_kept_in_file_order_up_to_the_limit() {
    let text: String = (0..10)
        .map(|i| {
            let dpd = if i % 2 == 0 { 4 } else { 5 };
            format!("{{\"loan-id\": \"L-{i}\", \"status-days-past-due\": {dpd}, \"loan-status\": \"Open\"}}\n")
        })
        .collect();
    for chunk in [1, 7, 64, 1000] {
        let options = Options {
            max_near_misses: 3,
            ..Options::default()
        };
        let plan = Plan::new(SEED, options).unwrap();
        let mut reader = Reader::new();
        let mut ev = Evaluator::new(&plan);
        let mut total = plan.tally();
        for piece in text.as_bytes().chunks(chunk) {
            total.merge(ev.batch(&reader.feed(piece).unwrap()), plan.options());
        }
        total.merge(ev.batch(&reader.finish().unwrap()), plan.options());
        assert_eq!(total.near_miss_count, 5);
        let kept: Vec<(u64, Option<&str>, &[u16])> = total
            .near_misses
            .iter()
            .map(|m| (m.line, m.id, m.conditions))
            .collect();
        let days: &[u16] = &[0];
        assert_eq!(
            kept,
            [
                (1, Some("\"L-0\""), days),
                (3, Some("\"L-2\""), days),
                (5, Some("\"L-4\""), days)
            ],
            "chunk {chunk}"
        );
        assert_eq!(total.near_misses.get(3), None);
    }
}

/// Rules of the direct form (`direct.rs`), and some just outside it.
const DIRECT_RULES: &[&str] = &[
    SEED,
    r#"(or (not= loan-status "Open") (= status-days-past-due 5.0))"#,
    r#"(and (= 0 status-days-past-due) (not (= loan-status nil)) (= current-date "2022-09-26"))"#,
    r#"(or (= loan-status true) (= false loan-status) (= status-amount-due 158.7) (= loan-id 5))"#,
    r#"(not (and (= loan-status "Öpen ✓") (or)))"#,
    r#"(or (= loan-status "") (= loan-status "5") (= status-days-past-due 100) (= status-days-past-due -3.10))"#,
    r#"(and (= nested 1) (= customer "Ana") (not= loan-status "Open\""))"#,
    r#"(and (> status-amount-due 1) (<= 5 status-days-past-due))"#,
    r#"(or (< status-days-past-due 5.0) (>= status-amount-due -3.1) (not (> 0.5 loan-status)))"#,
    r#"(and (= status-days-past-due 5) (= flat.key 2))"#,
    r#"(and (= status-days-past-due loan-id) (= loan-status "Open"))"#,
];

/// A record with every member the direct rules read, so presence is settled.
const EVERY_MEMBER: &str = r#"{"loan-id": 1, "loan-status": "Open", "status-days-past-due": 5, "status-amount-due": 1, "current-date": "2022-09-26", "nested": 1, "customer": 1, "flat": {"key": 2}}"#;

/// `recs` as the page counts them, with or without the direct form, after
/// the first loans (sampled for names, and settling presence).
fn direct_tally(plan: &Plan, recs: &[String], direct: bool) -> (Tally, u64) {
    let mut ev = Evaluator::new(plan);
    ev.use_direct = direct;
    let warm = std::iter::repeat_n(EVERY_MEMBER, 20)
        .collect::<Vec<_>>()
        .join("\n");
    ev.batch(&Batch::lines(warm.into_bytes(), 1));
    let tally = comparable(ev.batch(&Batch::lines(recs.join("\n").into_bytes(), 1)));
    (tally, ev.direct_loans)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_000, ..ProptestConfig::default() })]

    /// The direct form counts every loan as the engine's run does: fired
    /// ids, rows, clause and builder counts, near misses, errors.
    #[test]
    fn the_direct_form_keeps_the_tally(
        rule in 0..DIRECT_RULES.len(),
        recs in prop::collection::vec(record(), 1..12),
    ) {
        let source = DIRECT_RULES[rule];
        let plan = Plan::new(source, page_options(source)).unwrap();
        let (direct, _) = direct_tally(&plan, &recs, true);
        let (engine, none) = direct_tally(&plan, &recs, false);
        prop_assert_eq!(none, 0);
        prop_assert_eq!(direct, engine);
    }
}

#[test]
fn the_direct_form_takes_comparisons_of_top_level_members() {
    let direct = |rule: &str| {
        Plan::new(rule, page_options(rule))
            .unwrap()
            .direct
            .is_some()
    };
    for rule in &DIRECT_RULES[..9] {
        assert!(direct(rule), "{rule}");
    }
    for rule in &DIRECT_RULES[9..] {
        assert!(!direct(rule), "{rule}");
    }
    assert!(!direct(r#"(> current-date "2022-09-26")"#));
    assert!(!direct("(< 1 status-amount-due 100)"));
    assert!(!direct(r#"(= loan-status :open)"#));
    assert!(!direct(r#"(= loan-status "Open" "Open")"#));
    let dotted_id = Options {
        id_field: "customer.id".into(),
        ..page_options(SEED)
    };
    assert!(Plan::new(SEED, dotted_id).unwrap().direct.is_none());
    // The seed over a generated portfolio: every loan after the first ones.
    let plan = Plan::new(SEED, page_options(SEED)).unwrap();
    let text = sample_portfolio(500, 7);
    let (_, direct_loans) = direct_tally(
        &plan,
        &text.lines().map(str::to_string).collect::<Vec<_>>(),
        true,
    );
    assert_eq!(direct_loans, 500);
}
