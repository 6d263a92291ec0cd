//! The `schema`, `catalog` and `lint` subcommands, run as a user runs them.

mod common;
use common::*;

#[test]
fn schema_prints_the_committed_schema() {
    let out = hookwright(&["schema"]);
    assert!(out.status.success());
    let committed =
        std::fs::read_to_string(repo().join("crates/core/data/connection-file.schema.json"))
            .unwrap();
    assert_eq!(stdout(&out), committed);
}

#[test]
fn catalog_lists_groups_and_events() {
    let out = hookwright(&["catalog", "loanpro"]);
    assert!(out.status.success());
    let text = stdout(&out);
    for needle in [
        "\nloan\n",
        "\npayments array\n",
        "customer.primary.full-name",
        "\"Open - Repaying\"",
        "Account Activated",
        "Payment Posted to account",
        "payload: {\"eventName\":\"Account Activated\"",
        "  status-amount-due  ",
        "currency",
        "[amounts]",
        "\npages\n",
        "arrive as []",
    ] {
        assert!(text.contains(needle), "listing lacks {needle:?}");
    }
    let text = stdout(&hookwright(&["catalog", "youlend"]));
    assert!(text.contains("LOA10055") && text.contains("EventProperties.PaymentsToLenders.Amount"));
    assert!(text.contains("[deprecated: use ONB10028]"));
}

#[test]
fn catalog_json_is_a_catalog_file() {
    let out = hookwright(&["catalog", "loanpro", "--json"]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["variables"].as_array().unwrap().len() >= 250);
    assert_eq!(json["events"].as_array().unwrap().len(), 28);
    assert!(json["sources"]["amounts"]["url"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    // All of it: every variable with its format and source, the notes, the pages.
    let catalog = hookwright_core::catalog::Catalog::from_json(&stdout(&out)).unwrap();
    assert_eq!(&catalog, hookwright_core::catalog::loanpro());
    let amount = &json["variables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "status-amount-due")
        .unwrap();
    assert_eq!(amount["format"], "currency");
    assert_eq!(amount["type"], "money");
    assert!(amount["source"].is_string() && amount["example"].is_number());
    let out = hookwright(&["catalog", "youlend", "--json"]);
    let catalog = hookwright_core::catalog::Catalog::from_json(&stdout(&out)).unwrap();
    assert_eq!(&catalog, hookwright_core::catalog::youlend());
}

#[test]
fn lint_passes_the_examples_with_warnings_only() {
    let out = hookwright(&[
        "lint",
        "examples/late-5-days-external.json",
        "examples/late-5-days-customer-note.json",
        "examples/youlend-repayment-ledger.json",
        "examples/youlend-manual-payment-note.json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(
        stdout(&out),
        "examples/late-5-days-customer-note.json:22:46: connection late-5-note: request.auth.token: warning: \
         the bearer token was left out of this export (redacted); fill it in before sending\n\
         examples/youlend-manual-payment-note.json:23:46: connection youlend-manual-payment-note: request.auth.token: warning: \
         the bearer token was left out of this export (redacted); fill it in before sending\n\
         0 errors, 2 warnings in 4 connections\n"
    );
}

#[test]
fn lint_exits_1_on_errors_with_one_line_each() {
    let bad = std::fs::read_to_string(repo().join("examples/late-5-days-external.json"))
        .unwrap()
        .replace("\"Content-Type\"", "\"Content Type\"")
        .replace("\"loan-status\",", "\"loan-stat\",");
    let path = temp_file("bad.json", bad.as_bytes());
    let out = hookwright(&["lint", &path]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(
        lines[0],
        format!("{path}:19:21: connection late-5-external: request.headers[0].name: header name `Content Type` is not a token: a space is not allowed")
    );
    assert!(
        lines[1].contains(": request.payload.variables[1]: unknown variable `loan-stat`"),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2], "2 errors, 0 warnings in 1 connection");
}

#[test]
fn lint_locates_malformed_files() {
    let truncated = temp_file("truncated.json", b"{\"format\": \"hookwright/connections\",\n  \"version\": 1,\n  \"connections\": [{\"id\": ");
    let out = hookwright(&["lint", &truncated]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).starts_with(&format!("{truncated}:3:")),
        "{}",
        stdout(&out)
    );
    let binary = temp_file("binary.json", [b'{', b'\n', 0xff, 0xfe, 0]);
    run(&["lint", &binary])
        .exits(1)
        .out_has(":2:1: the file is not UTF-8 text");
}

#[test]
fn lint_exits_2_when_a_file_cannot_be_read() {
    let out = hookwright(&[
        "lint",
        "examples/late-5-days-external.json",
        "no/such/file.json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/file.json: cannot read"));
    assert!(stdout(&out).ends_with("0 errors, 0 warnings in 1 connection\n"));
}

#[test]
fn lint_json_reports() {
    let out = hookwright(&["lint", "--json", "examples/late-5-days-customer-note.json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let problem = &json[0]["problems"][0];
    assert_eq!(problem["field"], "request.auth.token");
    assert_eq!(problem["error"]["severity"], "warning");
    assert!(problem["location"]["line"].as_u64().unwrap() > 1);
    // Added beside the old fields: the problem's own place in the file.
    assert_eq!(problem["position"], problem["location"]);
}

#[test]
fn a_connection_of_the_wrong_shape_is_said_in_json_words() {
    // serde's "expected struct Connection" named a Rust type; lint and request say "object".
    let file = temp_file(
        "shape.json",
        "{\"format\": \"hookwright/connections\", \"version\": 1,\n \"connections\": [5]}",
    );
    let lint = run(&["lint", &file]).exits(1);
    assert!(
        lint.stdout
            .contains(":2:18: connection #1: invalid type: integer `5`, expected an object"),
        "{}",
        lint.stdout
    );
    let request = run(&["request", &file, "--id", "x", "--sample", "LOA10040"]).exits(1);
    assert!(
        request.stderr.contains("expected an object\n --> 2:18"),
        "{}",
        request.stderr
    );
    for output in [&lint.stdout, &request.stderr] {
        assert!(!output.contains("struct"), "{output}");
    }
}

#[test]
fn a_connection_file_saved_with_a_byte_order_mark() {
    // Read as without the mark, every place still counted in the file as saved.
    let example =
        std::fs::read_to_string(repo().join("examples/late-5-days-external.json")).unwrap();
    let file = temp_file("bom.json", format!("\u{feff}{example}"));
    run(&["lint", &file])
        .exits(0)
        .out_has("0 errors, 0 warnings in 1 connection");
    let request = [
        "--id",
        "late-5-external",
        "--sample",
        "loan-5-days-past-due",
        "--trace",
        "t",
    ];
    let plain = run(&[
        &["request", "examples/late-5-days-external.json"][..],
        &request,
    ]
    .concat())
    .exits(0)
    .stdout;
    let marked = run(&[&["request", &file][..], &request].concat())
        .exits(0)
        .stdout;
    assert_eq!(marked, plain);
    let wrong = temp_file("bom-format.json", "\u{feff}{\"format\": 1}");
    run(&["lint", &wrong])
        .exits(1)
        .out_has(":1:13: this is a `1` file");
}

#[test]
fn output_to_a_closed_pipe_or_a_full_disk_never_panics() {
    use std::io::Read as _;
    // `| head -c 1`: the reader goes away with 86 KB unwritten; exit 0, nothing on stderr (it
    // was a panic with a backtrace).
    let mut child = command()
        .args(["catalog", "loanpro", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 1];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let done = child.wait_with_output().unwrap();
    assert_eq!(first, *b"{");
    assert_eq!(done.status.code(), Some(0), "{}", stderr(&done));
    assert_eq!(stderr(&done), "");
    // `> /dev/full`: output cut short is said, exit 2, not passed off as whole.
    if std::path::Path::new("/dev/full").exists() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        run_command(command().args(["schema"]).stdout(full))
            .exits(2)
            .err_has("cannot write the output");
    }
}
