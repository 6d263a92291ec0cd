use proptest::prelude::*;

use super::*;

fn kinds(text: &str) -> Vec<TokenKind> {
    Lexer::new(text).map(|t| t.unwrap().kind).collect()
}

#[test]
fn tokens_carry_spans_and_line_col() {
    let text = "{\"é\": [1.50, true],\n  \"b\\n\": null}";
    let tokens: Vec<Token> = Lexer::new(text).map(Result::unwrap).collect();
    let shown: Vec<(&str, usize, usize)> = tokens
        .iter()
        .map(|t| (t.text(text), t.span.line, t.span.col))
        .collect();
    assert_eq!(
        shown,
        [
            ("{", 1, 1),
            ("\"é\"", 1, 2),
            (":", 1, 5),
            ("[", 1, 7),
            ("1.50", 1, 8),
            (",", 1, 12),
            ("true", 1, 14),
            ("]", 1, 18),
            (",", 1, 19),
            ("\"b\\n\"", 2, 3),
            (":", 2, 8),
            ("null", 2, 10),
            ("}", 2, 14),
        ]
    );
    assert_eq!(tokens[1].kind, TokenKind::String { escaped: false });
    assert_eq!(tokens[9].kind, TokenKind::String { escaped: true });
    for t in &tokens {
        assert_eq!(
            t.span,
            crate::error::Span::locate(text, t.span.start, t.span.end)
        );
    }
}

#[test]
fn strings_decode_once_validated() {
    assert_eq!(decode_string(r#""plain""#), "plain");
    assert_eq!(
        decode_string(r#""a\"b\\c\/\n\u00e9\ud83d\ude00""#),
        "a\"b\\c/\né😀"
    );
    let err = |s: &str| Lexer::new(s).next().unwrap().unwrap_err().problem;
    assert_eq!(err("\"abc").offset, 0);
    assert_eq!(
        err("\"a\\x\"").message,
        "invalid JSON: unknown escape in string"
    );
    assert_eq!(err("\"\\ud800\"").offset, 1);
    assert_eq!(
        err("\"\\u12\"").message,
        "invalid JSON: `\\u` needs four hex digits"
    );
    assert_eq!(err("\"a\nb\"").offset, 2);
}

#[test]
fn raw_offsets_account_for_escapes() {
    // Decoded: `a"b` + newline + `é!`.
    let raw = r#""a\"b\n\u00e9!""#;
    let decoded = decode_string(raw);
    assert_eq!(decoded, "a\"b\né!");
    let at = |d: usize| raw_offset(raw, d);
    assert_eq!(at(0), 1); // a
    assert_eq!(at(1), 2); // \"
    assert_eq!(at(2), 4); // b
    assert_eq!(at(3), 5); // \n
    assert_eq!(at(4), 7); // \u00e9
    assert_eq!(at(5), 7); // inside é: its escape
    assert_eq!(at(6), 13); // !
    assert_eq!(at(7), 14); // the end: the closing quote
    assert_eq!(raw_offset(r#""é""#, 2), 3);
}

#[test]
fn invalid_characters_and_holes_are_tokens() {
    assert_eq!(
        kinds("[tru, @]"),
        [
            TokenKind::BeginArray,
            TokenKind::Invalid,
            TokenKind::Invalid,
            TokenKind::Invalid,
            TokenKind::Comma,
            TokenKind::Invalid,
            TokenKind::EndArray
        ]
    );
    let text = "{\"a [[x]]\": [[y]]}";
    let holes = [(4, 9), (12, 17)];
    let tokens: Vec<(TokenKind, &str)> = Lexer::with_holes(text, &holes)
        .map(|t| t.unwrap())
        .map(|t| (t.kind, t.text(text)))
        .collect();
    assert_eq!(
        tokens,
        [
            (TokenKind::BeginObject, "{"),
            (TokenKind::String { escaped: false }, "\"a [[x]]\""),
            (TokenKind::Colon, ":"),
            (TokenKind::Hole, "[[y]]"),
            (TokenKind::EndObject, "}"),
        ]
    );
}

#[test]
fn check_reports_offsets() {
    let at = |s: &str| check(s).unwrap_err().offset;
    assert_eq!(at("{\"a\": 1,}"), 8);
    assert_eq!(at("{\"a\" 1}"), 5);
    assert_eq!(at("[01]"), 1);
    assert_eq!(at("\"abc"), 0);
    assert_eq!(at("1 2"), 2);
    assert_eq!(at(""), 0);
    assert_eq!(at("\"\\ud800\""), 1);
    assert_eq!(at("[\"a\nb\"]"), 3);
    assert_eq!(
        check("[1 -]").unwrap_err().message,
        "invalid JSON: expected `,` or `]`, found `-`"
    );
    assert_eq!(
        check("{-1: 2}").unwrap_err().message,
        "invalid JSON: expected a quoted key, found `-`"
    );
    assert_eq!(
        check("[1.]").unwrap_err().message,
        "invalid JSON: expected a digit after `.`, found `]`"
    );
    assert!(check(&"[".repeat(100_000)).is_err());
    assert!(check(&format!("{}{}", "[".repeat(128), "]".repeat(128))).is_ok());
    for ok in [
        "1",
        " -0.5e+3 ",
        "\"a\\u00e9\\ud83d\\ude00\"",
        "[]",
        "{}",
        "[1,[2,{\"a\":null}],true]",
        "{\"a\": {\"b\": [false]}}",
    ] {
        assert_eq!(check(ok), Ok(()), "{ok}");
    }
}

#[test]
fn highlight_colours_around_holes() {
    let text = r#"{"k": "x[[v('y')]]z", "n": -1.5, "t": [[v('q')]], "bad": 01}"#;
    let tag = |t: &str| {
        let at = text.find(t).unwrap();
        (at, at + t.len())
    };
    let holes = [tag("[[v('y')]]"), tag("[[v('q')]]")];
    let shown: Vec<(&str, JsonClass)> = highlight(text, &holes)
        .iter()
        .map(|h| (&text[h.start..h.end], h.class))
        .collect();
    assert_eq!(
        shown,
        [
            ("\"k\"", JsonClass::Key),
            ("\"x", JsonClass::String),
            ("z\"", JsonClass::String),
            ("\"n\"", JsonClass::Key),
            ("-1.5", JsonClass::Number),
            ("\"t\"", JsonClass::Key),
            ("\"bad\"", JsonClass::Key),
            ("01", JsonClass::Number),
        ]
    );
    // An unclosed string ends at the line break.
    let shown: Vec<_> = highlight("\"ab\n1", &[])
        .iter()
        .map(|h| (h.start, h.end, h.class))
        .collect();
    assert_eq!(
        shown,
        [(0, 3, JsonClass::String), (4, 5, JsonClass::Number)]
    );
}

#[test]
fn string_mask_covers_quotes_and_escapes() {
    let mask = string_mask(r#"(a "x\")" b)"#);
    let inside: String =
        r#"(a "x\")" b)"#.chars().zip(&mask).map(|(c, &m)| if m { c } else { '.' }).collect();
    assert_eq!(inside, r#"..."x\")"..."#);
}

/// Lexes like an editor would: resuming after every error.
fn lenient_pieces(text: &str) -> Vec<(usize, usize)> {
    Lexer::new(text)
        .map(|t| match t {
            Ok(t) => (t.span.start, t.span.end),
            Err(e) => (e.start, e.end),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Tokens and the whitespace between them are the input, byte for byte,
    /// whatever the input is.
    #[test]
    fn tokens_round_trip_any_text(text in "[ \\n\\t{}\\[\\]:,\"\\\\a-z0-9.eE+\\-é]{0,40}") {
        let mut rebuilt = String::new();
        let mut at = 0;
        for (start, end) in lenient_pieces(&text) {
            prop_assert!(start >= at && end > start, "{start}..{end} after {at}");
            prop_assert!(text[at..start].bytes().all(|b| b" \t\r\n".contains(&b)));
            rebuilt.push_str(&text[at..start]);
            rebuilt.push_str(&text[start..end]);
            at = end;
        }
        prop_assert!(text[at..].trim().is_empty());
        rebuilt.push_str(&text[at..]);
        prop_assert_eq!(rebuilt, text);
    }

    /// The checker accepts exactly what serde_json accepts.
    #[test]
    fn check_agrees_with_serde_json(text in "[ {}\\[\\]:,\"\\\\a-z0-9.eE+\\-]{0,24}") {
        let ours = check(&text).is_ok();
        let serde = serde_json::from_str::<serde_json::Value>(&text).is_ok();
        prop_assert_eq!(ours, serde, "{}", text);
    }

    /// Strings written by serde_json decode back to what was written, with
    /// each token's text the exact JSON text.
    #[test]
    fn strings_round_trip(s in "\\PC{0,12}", n in -1_000_000i64..1_000_000) {
        let text = serde_json::json!({ "s": s, "n": n }).to_string();
        let tokens: Vec<Token> = Lexer::new(&text).map(Result::unwrap).collect();
        prop_assert_eq!(decode_string(tokens[3].text(&text)), s.as_str());
        prop_assert_eq!(tokens[7].text(&text), n.to_string());
        prop_assert!(check(&text).is_ok());
    }
}
