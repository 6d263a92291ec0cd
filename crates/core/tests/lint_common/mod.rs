//! What the lint tests share: a file around connections written as text,
//! patches to a base connection, and the report's lines.

use hookwright_core::lint::LintReport;

const HEADER: &str = r#"{"format": "hookwright/connections", "version": 1, "connections": ["#;

/// `base` with `patch` applied: `old=>new` replacements separated by `;;`.
pub fn apply(base: &str, patch: &str) -> String {
    let mut out = base.to_string();
    for p in patch.split(";;").filter(|p| !p.is_empty()) {
        let (old, new) = p.split_once("=>").unwrap();
        assert!(out.contains(old), "patch target {old} not found");
        out = out.replacen(old, new, 1);
    }
    out
}

/// A LoanPro connection `id` that fires on `(= status-days-past-due 5)` and
/// sends `request` (its JSON text), with `patch` applied (see [`apply`]).
pub fn loanpro_connection(id: &str, request: &str, patch: &str) -> String {
    let base = format!(
        r#"{{"id": "{id}", "name": "Test {id}", "source": "loanpro",
  "trigger": {{"type": "rule", "rule": "(= status-days-past-due 5)"}},
  "request": {request}}}"#
    );
    apply(&base, patch)
}

/// A connection file holding `connections`, one per line group.
pub fn file(connections: &[String]) -> String {
    format!("{HEADER}\n{}\n]}}\n", connections.join(",\n"))
}

/// The report's one-line problems.
pub fn lines(report: &LintReport) -> Vec<String> {
    report
        .problems
        .iter()
        .map(|p| p.line(&report.file))
        .collect()
}

/// Line `i` exists and contains `needle`.
#[track_caller]
pub fn assert_has(lines: &[String], i: usize, needle: &str) {
    let line = lines.get(i).map_or("", String::as_str);
    assert!(line.contains(needle), "line {i}: {line}\nall: {lines:#?}");
}
