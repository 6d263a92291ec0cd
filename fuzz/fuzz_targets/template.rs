//! Fuzzes the template engine with raw text: the first line is the template's
//! mode and leniency, the rest the template (placeholders, nested
//! placeholders, `evalFormula`, `{{ IF }}` blocks). Parsing, highlighting and
//! rendering must never panic, and a JSON-mode render that succeeds must pass
//! the JSON check.
#![no_main]

use hookwright_core::template::{highlight, json, Mode, RenderOptions, Template};
use hookwright_core::Context;
use libfuzzer_sys::fuzz_target;

const CONTEXT: &str = r#"{"loan-id": 3579, "status-amount-due": 158.70, "loan-status": "Open \"q\" \\ </script>",
  "current-date": "2022-09-26", "customer": {"primary": {"id": 1842, "full-name": "Douglas McCallagher"}},
  "setup-payment": "125.50", "computation-fields": {"5": {"calculated-value": 412.35}}, "empty": [],
  "payments": [{"payment-date": "2022-08-20", "payment-amount": 89.24, "items": [1, 2]}, {"payment-date": "bad"}]}"#;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (head, source) = text.split_once('\n').unwrap_or(("", text));
    let mode = match head.bytes().next().unwrap_or(0) % 4 {
        0 => Mode::Text,
        1 => Mode::Json,
        2 => Mode::Url,
        _ => Mode::Form,
    };
    let options = RenderOptions {
        lenient: head.contains('l'),
    };
    let ctx = Context::from_json(CONTEXT).expect("fixed context parses");
    let _ = json::check(source);
    let _ = highlight(source);
    if let Ok(template) = Template::parse(source) {
        let _ = template.variables();
        if let Ok(rendered) = template.render(&ctx, mode, &options) {
            if mode == Mode::Json {
                assert!(json::check(&rendered.output).is_ok());
            }
        }
        let _ = template.preview(&ctx, mode, &options);
    }
});
