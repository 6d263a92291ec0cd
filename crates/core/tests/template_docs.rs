//! `docs/templates.md` lists every template function with what it prints;
//! the table there is the one `functions::docs()` holds, so the page, the
//! editor's autocomplete and the docs say the same thing.

use hookwright_core::template::{functions, RenderOptions};
use hookwright_core::{Context, Mode, Template};

#[test]
fn the_docs_table_matches_the_engine() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/templates.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut expected =
        String::from("| function | what it does | what it prints |\n|---|---|---|\n");
    for doc in functions::docs() {
        expected.push_str(&format!(
            "| `{}` | {} | {} |\n",
            doc.signature,
            doc.description.replace('|', "\\|"),
            doc.output.replace('|', "\\|")
        ));
    }
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let start = text.find("| function | what it does").expect("table start");
        let end = start + text[start..].find("\n\n").expect("table end") + 1;
        std::fs::write(
            &path,
            format!("{}{}{}", &text[..start], expected, &text[end..]),
        )
        .unwrap();
        return;
    }
    assert!(
        text.contains(&expected),
        "docs/templates.md's function table is out of date; rerun with UPDATE_DOCS=1:\n{expected}"
    );
    for row in functions::docs() {
        assert!(text.contains(&format!("| `{}` |", row.signature)));
    }
}

/// Every row of the function table renders a call written with arguments its
/// roles accept, at every arity it allows.
#[test]
fn every_function_renders() {
    use functions::Role;
    let ctx = Context::from_json(r#"{"loan-id": 7}"#).unwrap();
    for row in functions::docs() {
        assert_eq!(row.function.definition().name, row.name);
        for n in row.min..=row.roles.len() {
            let args: Vec<&str> = (0..n)
                .map(|i| match row.function.role(i) {
                    Role::Number | Role::Setting => "'2'",
                    Role::Date => "'2022-09-26'",
                    Role::Text => "'8015551234'",
                    Role::Country => "'usa'",
                    Role::Collection => "'loan.frequency.monthly'",
                    Role::Formula => "'(+ loan-id 1)'",
                })
                .collect();
            let source = format!("[[{}({})]]", row.name, args.join(", "));
            let rendered = Template::parse(&source)
                .unwrap_or_else(|e| panic!("{source}: {e:?}"))
                .render(&ctx, Mode::Text, &RenderOptions::default())
                .unwrap_or_else(|e| panic!("{source}: {e:?}"));
            assert!(!rendered.output.is_empty(), "{source}");
        }
    }
}
