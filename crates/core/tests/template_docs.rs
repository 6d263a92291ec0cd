//! `docs/templates.md` lists every template function with what it prints;
//! the table there is the one `functions::docs()` holds, so the page, the
//! editor's autocomplete and the docs say the same thing.

use hookwright_core::template::functions;

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
    for f in functions::ALL {
        assert_eq!(f.doc().function, f);
    }
}
