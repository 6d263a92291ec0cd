//! Property tests for JSON safety: any string, in any string position of a
//! JSON template (or as a bare value), renders to valid JSON that decodes back
//! to exactly that string — through `v()`, `evalFormula`, nested placeholders
//! and `IF` blocks alike.

use hookwright_core::template::{Mode, RenderOptions, Template};
use hookwright_core::value::Map;
use hookwright_core::{Context, Value};
use proptest::prelude::*;

fn context(s: &str) -> Context {
    let mut map = Map::new();
    map.insert("s".into(), Value::Text(s.into()));
    Context::new(Value::Map(map))
}

/// Strings biased towards what breaks naive JSON templating.
fn nasty() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "\"",
        "\\",
        "\\u0000",
        "\n",
        "\r",
        "\t",
        "\u{0}",
        "\u{1f}",
        "\u{7f}",
        "</script>",
        "<!--",
        "&amp;",
        "😀",
        "\u{2028}",
        "\u{2029}",
        "\u{feff}",
        "]]",
        "[[",
        "'",
        "é",
        " ",
    ]);
    prop_oneof![
        any::<String>(),
        prop::collection::vec(
            prop_oneof![pieces.prop_map(String::from), any::<String>()],
            0..8
        )
        .prop_map(|parts| parts.concat()),
    ]
}

const TEMPLATE: &str = r#"{"[[v('s')]]": "[[v('s')]]", "mid": "a[[v('s')]]b", "bare": [[v('s')]], "list": ["[[v('s')]][[v('s')]]", [[v('s')]]]}"#;

/// The same positions, filled by the newer forms: a formula's result, a
/// nested placeholder and both arms of conditionals.
const NEW_FORMS: &str = r#"{"f": "[[evalFormula('s')]]", "fs": "<[[evalFormula('(str s s)')]]>", "bare": [[evalFormula('s')]], "nested": "[[formatZipcode([[v('s')]])]]", "if": "{{ IF $s }}[[v('s')]]{{ ELSE }}[[v('s')]]{{ END }}", "sq": [[IF s == s]][[v('s')]][[ELSE]]null[[END]], "cmp": "{{ IF $s == 'x' }}x{{ ELSEIF $s != '' }}[[evalFormula('s')]]{{ ELSE }}{{ END }}"}"#;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn new_forms_render_valid_json_that_decodes_back(s in nasty()) {
        let template = Template::parse(NEW_FORMS).unwrap();
        let out = template
            .render(&context(&s), Mode::Json, &RenderOptions::default())
            .unwrap_or_else(|e| panic!("{s:?}: {e:?}"))
            .output;
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        prop_assert_eq!(json["f"].as_str().unwrap(), s.as_str());
        prop_assert_eq!(json["fs"].as_str().unwrap(), format!("<{s}{s}>"));
        prop_assert_eq!(json["bare"].as_str().unwrap(), s.as_str());
        prop_assert_eq!(json["nested"].as_str().unwrap(), hookwright_core::template::functions::format_zipcode(&s));
        prop_assert_eq!(json["if"].as_str().unwrap(), s.as_str());
        prop_assert_eq!(json["sq"].as_str().unwrap(), s.as_str());
        let cmp = if s == "x" { "x" } else { s.as_str() };
        prop_assert_eq!(json["cmp"].as_str().unwrap(), cmp);
        prop_assert!(!out.contains("</script>"));
    }

    #[test]
    fn new_syntax_never_panics(src in "(\\[\\[|\\]\\]|\\{\\{|\\}\\}| IF | ELSE | ELSEIF |END|BEGIN payments|[$a-z'\"(),. <>=!&|-]|evalFormula\\('|formatNumber\\(|v\\('loan-id'\\)|\\$loan-id|[0-9]){0,40}") {
        let ctx = Context::from_json(r#"{"loan-id": 1, "payments": [{"a": 1}], "a": "x"}"#).unwrap();
        if let Ok(t) = Template::parse(&src) {
            for mode in [Mode::Text, Mode::Json, Mode::Url, Mode::Form] {
                let _ = t.render(&ctx, mode, &RenderOptions { lenient: true });
                let _ = t.render(&ctx, mode, &RenderOptions::default());
            }
            let _ = t.variables();
        }
        let _ = hookwright_core::template::highlight(&src);
    }

    #[test]
    fn any_string_renders_valid_json_that_decodes_back(s in nasty()) {
        let template = Template::parse(TEMPLATE).unwrap();
        let out = template
            .render(&context(&s), Mode::Json, &RenderOptions::default())
            .unwrap_or_else(|e| panic!("{s:?}: {e:?}"))
            .output;
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        let object = json.as_object().unwrap();
        prop_assert_eq!(object.get(&s).and_then(|v| v.as_str()), Some(s.as_str()));
        prop_assert_eq!(object["mid"].as_str().unwrap(), format!("a{s}b"));
        prop_assert_eq!(object["bare"].as_str().unwrap(), s.as_str());
        prop_assert_eq!(object["list"][0].as_str().unwrap(), format!("{s}{s}"));
        prop_assert_eq!(object["list"][1].as_str().unwrap(), s.as_str());
        prop_assert!(!out.contains("</script>"));
    }

    #[test]
    fn json_context_strings_round_trip(s in nasty()) {
        // The same, but through a JSON context file as the CLI reads it.
        let ctx_text = serde_json::json!({ "s": s }).to_string();
        let ctx = Context::from_json(&ctx_text).unwrap();
        let out = Template::parse(TEMPLATE).unwrap().render(&ctx, Mode::Json, &RenderOptions::default()).unwrap().output;
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        prop_assert_eq!(json["bare"].as_str().unwrap(), s.as_str());
    }

    #[test]
    fn parsing_and_rendering_never_panic(src in "(\\[\\[|\\]\\]|[a-z$'\"(),. -]|BEGIN |END|v\\('loan-id'\\)|\\{|\\}){0,40}") {
        let ctx = Context::from_json(r#"{"loan-id": 1, "payments": [{"a": 1}]}"#).unwrap();
        if let Ok(t) = Template::parse(&src) {
            for mode in [Mode::Text, Mode::Json, Mode::Url, Mode::Form] {
                let _ = t.render(&ctx, mode, &RenderOptions { lenient: true });
                let _ = t.render(&ctx, mode, &RenderOptions::default());
            }
        }
    }
}

#[test]
fn lone_surrogates_in_a_context_are_a_clear_error() {
    for text in [
        r#"{"s": "\ud800"}"#,
        r#"{"s": "a\udc00b"}"#,
        r#"{"s": "\ud800\u0041"}"#,
    ] {
        let err = Context::from_json(text).unwrap_err();
        assert!(err.span.is_some(), "{text}: {err:?}");
        // serde_json's wording ("unexpected end of hex escape", "lone leading
        // surrogate in hex escape"); what matters is a located error, not a panic.
        assert!(err.message.contains("escape"), "{}", err.message);
    }
}

#[test]
fn a_lone_surrogate_written_in_the_template_is_reported_at_its_place() {
    let ctx = Context::from_json("{}").unwrap();
    let errors = Template::parse(r#"{"a": "x\ud800y"}"#)
        .unwrap()
        .render(&ctx, Mode::Json, &RenderOptions::default())
        .unwrap_err();
    assert_eq!(errors[0].span.map(|s| s.col), Some(9));
}
