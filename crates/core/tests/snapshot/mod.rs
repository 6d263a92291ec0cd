//! The one snapshot harness of the engine's tests (rules, templates, YouLend
//! reports, SQL): a case's output is compared with the expectation stored for
//! it, a case named `err_*` must fail and every other must succeed, and
//! `UPDATE_FIXTURES=1` rewrites expectations after a deliberate change (review
//! the diff). A case with no expectation, or an empty one, fails: it never
//! writes itself.
#![allow(dead_code)] // each test file uses its own part

use std::fs;
use std::path::{Path, PathBuf};

/// A fixture file: a head (a context, or `key: value` lines), then
/// `--- name` sections. A section's last line break belongs to the layout.
pub struct Fixture {
    pub path: PathBuf,
    pub head: String,
    pub sections: Vec<(String, String)>,
}

impl Fixture {
    pub fn read(path: &Path) -> Fixture {
        let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut head = String::new();
        let mut sections: Vec<(String, String)> = Vec::new();
        for line in text.split_inclusive('\n') {
            if let Some(name) = line.strip_prefix("--- ") {
                sections.push((name.trim().to_string(), String::new()));
            } else if let Some((_, body)) = sections.last_mut() {
                body.push_str(line);
            } else {
                head.push_str(line);
            }
        }
        for (_, body) in &mut sections {
            if body.ends_with('\n') {
                body.pop();
            }
        }
        Fixture {
            path: path.to_path_buf(),
            head,
            sections,
        }
    }

    /// The file's name without `.txt`.
    pub fn name(&self) -> String {
        self.path
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    }

    pub fn section(&self, name: &str) -> Option<&str> {
        self.sections
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.as_str())
    }

    /// The head's `key: value` lines.
    pub fn header(&self, key: &str) -> Option<&str> {
        self.head
            .lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim() == key)
            .map(|(_, v)| v.trim())
    }

    /// Stores `actual` as the file's `section` (in its place, or last),
    /// reading the file again so that several sections can be rewritten.
    pub fn rewrite(&self, section: &str, actual: &str) {
        let mut current = Fixture::read(&self.path);
        match current.sections.iter_mut().find(|(n, _)| n == section) {
            Some((_, body)) => *body = actual.to_string(),
            None => current
                .sections
                .push((section.to_string(), actual.to_string())),
        }
        let mut out = current.head;
        for (name, body) in &current.sections {
            out.push_str(&format!("--- {name}\n{body}\n"));
        }
        fs::write(&self.path, out).unwrap();
    }
}

/// The `*.txt` files of a fixture folder, sorted; at least `at_least` of them.
pub fn txt_files(dir: &Path, at_least: usize) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert!(
        files.len() >= at_least,
        "{}: fixtures went missing ({} left)",
        dir.display(),
        files.len()
    );
    files
}

/// Collects every case's mismatch, then fails once listing them all.
#[derive(Default)]
pub struct Snapshots {
    failures: Vec<String>,
}

impl Snapshots {
    pub fn new() -> Snapshots {
        Snapshots::default()
    }

    /// One case: its name (`err_*` must fail), what it produced, what is
    /// stored, and how to store a new expectation under `UPDATE_FIXTURES=1`.
    pub fn check(
        &mut self,
        name: &str,
        outcome: Result<String, String>,
        expected: Option<&str>,
        rewrite: impl FnOnce(&str),
    ) {
        let failed = outcome.is_err();
        let (Ok(actual) | Err(actual)) = outcome;
        if failed != name.starts_with("err_") {
            self.failures.push(format!(
                "{name}: {} but its name says otherwise:\n{actual}",
                if failed { "failed" } else { "succeeded" }
            ));
            return;
        }
        if expected == Some(actual.as_str()) {
            return;
        }
        if std::env::var_os("UPDATE_FIXTURES").is_some() {
            rewrite(&actual);
        } else if expected.is_none_or(str::is_empty) {
            self.failures.push(format!(
                "{name}: no expectation stored (UPDATE_FIXTURES=1 writes it; review it):\n{actual}"
            ));
        } else {
            self.failures.push(format!(
                "{name}:\n--- expected\n{}\n--- actual\n{actual}",
                expected.unwrap_or_default()
            ));
        }
    }

    /// Fails listing every mismatch.
    pub fn finish(self) {
        assert!(self.failures.is_empty(), "{}", self.failures.join("\n\n"));
    }
}
