//! Fuzzes the engine's JSON tokenizer with raw text: lexing never panics,
//! its tokens (resuming after errors) and the whitespace between them are
//! the input byte for byte, the checker accepts exactly what serde_json
//! accepts, and every string token decodes as serde_json decodes it.
//! Run: `cargo +nightly fuzz run json` from the repository root.
#![no_main]

use hookwright_core::json::{check, decode_string, highlight, raw_offset, Lexer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut at = 0;
    for token in Lexer::new(text) {
        let (start, end) = match &token {
            Ok(t) => (t.span.start, t.span.end),
            Err(e) => (e.start, e.end),
        };
        assert!(start >= at && end > start && end <= text.len());
        assert!(text[at..start].bytes().all(|b| b" \t\r\n".contains(&b)));
        if let Ok(t) = &token {
            if let hookwright_core::json::TokenKind::String { .. } = t.kind {
                let raw = t.text(text);
                let ours = decode_string(raw);
                let theirs: String = serde_json::from_str(raw).expect("a lexed string is JSON");
                assert_eq!(ours, theirs);
                assert_eq!(raw_offset(raw, ours.len()), raw.len() - 1);
            }
        }
        at = end;
    }
    assert!(text[at..].bytes().all(|b| b" \t\r\n".contains(&b)));
    // Nesting past serde_json's own limit is refused by both, at slightly different depths.
    let shallow = text.bytes().filter(|b| matches!(b, b'[' | b'{')).count() < 100;
    if shallow {
        let serde = serde_json::from_str::<serde_json::Value>(text).is_ok();
        assert_eq!(check(text).is_ok(), serde, "{text:?}");
    }
    let _ = highlight(text, &[]);
});
