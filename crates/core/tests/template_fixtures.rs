//! Snapshot tests over `fixtures/template/*.txt`: each file holds one case —
//! header lines (`mode`, `context`, `lenient`, envelope settings), then
//! `--- template` and `--- expected` sections. Failing cases are named `err_*`
//! and their snapshot is the caret rendering of every error.
//! `UPDATE_FIXTURES=1 cargo test --test template_fixtures` rewrites the snapshots.
//!
//! `fixtures/template/loanpro-docs/` holds LoanPro's own documented examples,
//! copied as the help pages print them: each names its page in a `source:`
//! header, and every one must render.

use std::fs;
use std::path::{Path, PathBuf};

use hookwright_core::template::{envelope, Mode, RenderOptions, Template};
use hookwright_core::{Context, Error};

struct Case {
    /// The folder the case's file is in (`context: @file` is read from there).
    base: PathBuf,
    headers: Vec<(String, String)>,
    sections: Vec<(String, String)>,
}

impl Case {
    fn parse(text: &str, base: &Path) -> Case {
        let mut headers = Vec::new();
        let mut sections: Vec<(String, String)> = Vec::new();
        for line in text.split_inclusive('\n') {
            if let Some(name) = line.strip_prefix("--- ") {
                sections.push((name.trim().to_string(), String::new()));
            } else if let Some((_, body)) = sections.last_mut() {
                body.push_str(line);
            } else if let Some((k, v)) = line.split_once(':') {
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        // The newline before the next marker (or the file's last one) belongs to the file layout.
        for (_, body) in &mut sections {
            if body.ends_with('\n') {
                body.pop();
            }
        }
        Case {
            base: base.to_path_buf(),
            headers,
            sections,
        }
    }

    fn header(&self, key: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn section(&self, name: &str) -> Option<&str> {
        self.sections
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.as_str())
    }

    fn write(&self, expected: &str) -> String {
        let mut out = String::new();
        for (k, v) in &self.headers {
            out.push_str(&format!("{k}: {v}\n"));
        }
        for (name, body) in &self.sections {
            if name != "expected" {
                out.push_str(&format!("--- {name}\n{body}\n"));
            }
        }
        out.push_str(&format!("--- expected\n{expected}\n"));
        out
    }
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/template")
}

fn context(case: &Case) -> Context {
    let text = match (case.header("context"), case.section("context")) {
        (Some(file), _) => {
            fs::read_to_string(case.base.join(file.trim_start_matches('@'))).unwrap()
        }
        (None, Some(inline)) => inline.to_string(),
        (None, None) => "{}".to_string(),
    };
    Context::from_json(&text).unwrap_or_else(|e| panic!("fixture context: {}", e.render(&text)))
}

fn render_errors(errors: &[Error], source: &str) -> String {
    errors
        .iter()
        .map(|e| e.render(source))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// What the case produces: the output, or the rendered errors.
fn run(case: &Case) -> (bool, String) {
    let ctx = context(case);
    let template = case.section("template").unwrap_or("");
    let lenient = case.header("lenient") == Some("true");
    let result = match case.header("mode").unwrap_or("text") {
        "envelope" => {
            let vars: Vec<String> = template.split(',').map(|s| s.trim().to_string()).collect();
            let trace = case
                .header("trace")
                .unwrap_or("00000000-0000-4000-8000-000000000000");
            let event = case.header("event-name").unwrap_or("");
            envelope(&vars, event, &ctx, trace, lenient)
                .map_err(|e| render_errors(&e, &vars.join(",")))
        }
        mode => {
            let mode = match mode {
                "text" => Mode::Text,
                "json" => Mode::Json,
                "url" => Mode::Url,
                "form" => Mode::Form,
                other => panic!("unknown mode {other}"),
            };
            Template::parse(template)
                .and_then(|t| t.render(&ctx, mode, &RenderOptions { lenient }))
                .map_err(|e| render_errors(&e, template))
        }
    };
    match result {
        Ok(rendered) => {
            let mut out = rendered.output;
            if !rendered.empty_variables.is_empty() {
                out.push_str("\n=== empty variables");
                for (name, span) in rendered.empty_variables {
                    out.push_str(&format!("\n{}:{} {name}", span.line, span.col));
                }
            }
            (true, out)
        }
        Err(errors) => (false, errors),
    }
}

fn txt_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
}

#[test]
fn fixtures() {
    run_folder(&dir(), 20);
}

#[test]
fn loanpro_documented_examples_render() {
    let folder = dir().join("loanpro-docs");
    run_folder(&folder, 25);
    for path in txt_files(&folder) {
        let case = Case::parse(&fs::read_to_string(&path).unwrap(), &folder);
        let name = path.file_name().unwrap().to_string_lossy();
        let source = case.header("source").unwrap_or("");
        assert!(
            source.contains("https://"),
            "{name}: a documented example names its page (`source: Title — URL`)"
        );
        assert!(
            !name.starts_with("err_"),
            "{name}: documented examples must render"
        );
    }
}

fn run_folder(folder: &Path, at_least: usize) {
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    let files = txt_files(folder);
    assert!(
        files.len() >= at_least,
        "fixtures went missing: {}",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let text = fs::read_to_string(path).unwrap();
        let case = Case::parse(&text, folder);
        let (ok, actual) = run(&case);
        if ok == name.starts_with("err_") {
            failures.push(format!(
                "{name}: {} but the name says otherwise:\n{actual}",
                if ok { "rendered" } else { "failed" }
            ));
            continue;
        }
        if update {
            fs::write(path, case.write(&actual)).unwrap();
        } else if case.section("expected") != Some(actual.as_str()) {
            failures.push(format!(
                "{name}:\n--- expected\n{}\n--- actual\n{actual}",
                case.section("expected").unwrap_or("<none>")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
