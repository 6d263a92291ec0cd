//! Snapshot tests over `fixtures/template/*.txt`: each file holds one case —
//! header lines (`mode`, `context`, `lenient`, envelope settings), then
//! `--- template` and `--- expected` sections. Failing cases are named `err_*`
//! and their snapshot is the caret rendering of every error. The harness
//! (`snapshot/`, `UPDATE_FIXTURES=1` rewrites) is the rules' and YouLend's too.
//!
//! `fixtures/template/loanpro-docs/` holds LoanPro's own documented examples,
//! copied as the help pages print them: each names its page in a `source:`
//! header, and every one must render.

use std::fs;
use std::path::{Path, PathBuf};

use hookwright_core::template::{envelope, Mode, RenderOptions, Template};
use hookwright_core::{Context, Error};

mod snapshot;
use snapshot::{txt_files, Fixture, Snapshots};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/template")
}

fn context(case: &Fixture) -> Context {
    let text = match (case.header("context"), case.section("context")) {
        (Some(file), _) => {
            fs::read_to_string(case.path.with_file_name(file.trim_start_matches('@'))).unwrap()
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
fn run(case: &Fixture) -> Result<String, String> {
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
            Ok(out)
        }
        Err(errors) => Err(errors),
    }
}

#[test]
fn fixtures() {
    run_folder(&dir(), 20);
}

#[test]
fn loanpro_documented_examples_render() {
    let folder = dir().join("loanpro-docs");
    run_folder(&folder, 25);
    for path in txt_files(&folder, 25) {
        let case = Fixture::read(&path);
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
    let mut snapshots = Snapshots::new();
    for path in txt_files(folder, at_least) {
        let case = Fixture::read(&path);
        snapshots.check(
            &case.name(),
            run(&case),
            case.section("expected"),
            |actual| case.rewrite("expected", actual),
        );
    }
    snapshots.finish();
}
