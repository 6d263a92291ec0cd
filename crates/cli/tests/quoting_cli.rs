//! Error messages and reports quote at most a line's worth of the input: a
//! 10 MB identifier, event code or variable name is cut, never echoed whole.

mod common;
use common::*;

const HUGE: usize = 10_000_000;

fn longest_line(bytes: &[u8]) -> usize {
    bytes
        .split(|&b| b == b'\n')
        .map(<[u8]>::len)
        .max()
        .unwrap_or(0)
}

fn connection_file(id: &str) -> String {
    serde_json::json!({
        "format": "hookwright/connections",
        "version": 1,
        "connections": [{
            "id": id,
            "name": "n",
            "source": "loanpro",
            "trigger": {"type": "rule", "rule": "(= loan-status \"Open\")"},
            "request": {
                "method": "POST",
                "url": "https://h.test/[[v('no-such-variable')]]",
                "payload": {"type": "variables", "variables": ["loan-id"]}
            }
        }]
    })
    .to_string()
}

#[test]
fn a_huge_connection_id_is_cut_in_every_message() {
    let id = "q".repeat(HUGE);
    let file = temp_file("c.json", connection_file(&id).as_bytes());
    // Not found: the id asked for and the ids listed are quoted short.
    let out = hookwright(&[
        "request",
        &file,
        "--id",
        "qqq",
        "--sample",
        "loan-5-days-past-due",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.len() < 2_000, "{} bytes", out.stderr.len());
    assert!(String::from_utf8_lossy(&out.stderr).contains("(10000000 characters)"));
    // Found, but it cannot render: the summary names the id, short.
    let out = hookwright(&[
        "request",
        &file,
        "--id",
        &id[..100_000],
        "--sample",
        "loan-5-days-past-due",
    ]);
    assert!(out.stderr.len() < 2_000, "{} bytes", out.stderr.len());
    // Lint names the connection the same way.
    let out = hookwright(&["lint", &file]);
    assert!(longest_line(&out.stdout) < 1_000 && longest_line(&out.stderr) < 1_000);
}

#[test]
fn a_huge_format_name_is_cut() {
    let text = format!(
        r#"{{"format": "{}", "version": 1, "connections": []}}"#,
        "z".repeat(HUGE)
    );
    let file = temp_file("f.json", text.as_bytes());
    for args in [
        vec!["lint", file.as_str()],
        vec![
            "request",
            file.as_str(),
            "--id",
            "a",
            "--sample",
            "loan-5-days-past-due",
        ],
    ] {
        let out = hookwright(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(out.stdout.len() + out.stderr.len() < 2_000, "{args:?}");
    }
}

#[test]
fn a_huge_rule_identifier_is_cut() {
    let rule = format!("(= {} 1)", "a".repeat(HUGE));
    let file = temp_file("r.txt", rule.as_bytes());
    let at = format!("@{file}");
    let out = hookwright(&["check", &at]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.len() < 2_000, "{} bytes", out.stderr.len());
}

#[test]
fn a_huge_event_code_is_cut_in_the_reconcile_report() {
    let mut batch = format!("{{\"EventCode\": \"{}\"}}\n", "E".repeat(HUGE));
    batch.push_str(&"x".repeat(HUGE));
    batch.push('\n');
    let file = temp_file("b.jsonl", batch.as_bytes());
    let out = hookwright(&["reconcile", &file]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.len() < 10_000, "{} bytes", out.stdout.len());
    assert!(String::from_utf8_lossy(&out.stdout).contains("EEEE… (10000000 characters)"));
}
