//! Values printed as Clojure prints them: [`pr_str`] is `pr-str` (text in
//! quotes) and [`str_of`] is what `str` and the `clojure.string` functions
//! see (text bare, nil empty). Collections print Clojure's way, `[1 2]`,
//! `#{:a}`, `{:id 5, :name "x"}`, never as JSON.
//!
//! Deliberate differences (docs/clojure-differences.md): decimals print
//! without Clojure's `M` suffix, sets in the order written and maps in the
//! context's key order, where Clojure follows hashes.

use crate::value::Value;

/// `(pr-str v)`: the value as Clojure's reader would read it back.
pub fn pr_str(v: &Value) -> String {
    let mut out = String::new();
    write_pr(v, &mut out);
    out
}

/// `(str v)`: text as it is, nil as nothing, anything else as [`pr_str`].
pub fn str_of(v: &Value) -> String {
    let mut out = String::new();
    write_str(v, &mut out);
    out
}

/// Appends `(str v)` to `out`.
pub fn write_str(v: &Value, out: &mut String) {
    match v {
        Value::Nil => {}
        Value::Text(s) => out.push_str(s),
        other => write_pr(other, out),
    }
}

/// Appends `(pr-str v)` to `out`.
pub fn write_pr(v: &Value, out: &mut String) {
    match v {
        Value::Nil => out.push_str("nil"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::Text(s) => write_quoted(s, false, out),
        Value::Keyword(k) => {
            out.push(':');
            out.push_str(k);
        }
        Value::Vector(items) => write_items("[", items, "]", out),
        Value::Set(items) => write_items("#{", items, "}", out),
        Value::Map(map) => {
            // Context maps come from JSON objects; LoanPro reads their keys as keywords.
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push(':');
                out.push_str(key);
                out.push(' ');
                write_pr(item, out);
            }
            out.push('}');
        }
    }
}

fn write_items(open: &str, items: &[Value], close: &str, out: &mut String) {
    write_joined(open, items, close, out, write_pr);
}

/// `open`, the items written by `write` with a space between, `close`: how
/// Clojure prints a collection and the formatter lays one out on a line.
pub(crate) fn write_joined<T>(
    open: &str,
    items: &[T],
    close: &str,
    out: &mut String,
    mut write: impl FnMut(&T, &mut String),
) {
    out.push_str(open);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        write(item, out);
    }
    out.push_str(close);
}

/// Text in double quotes with Clojure's escapes (`char-escape-string`), which the rule lexer reads
/// back too. With `escape_controls`, other control characters are written
/// `\uXXXX` (the formatter's canonical text stays on one line); without, they
/// are written as they are, as Clojure's `pr-str` does.
pub(crate) fn write_quoted(s: &str, escape_controls: bool, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{c}' => out.push_str("\\f"),
            '\u{8}' => out.push_str("\\b"),
            c if escape_controls && ((c as u32) < 0x20 || c == '\u{7f}') => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::parse_json;
    use rust_decimal::Decimal;

    #[test]
    fn collections_print_as_clojure_does() {
        let v = Value::Vector(vec![
            Value::Number(Decimal::new(150, 2)),
            Value::Text("a\"b\n".into()),
            Value::Nil,
            Value::Keyword("k".into()),
            Value::Set(vec![Value::Bool(true)]),
            Value::Vector(vec![]),
        ]);
        assert_eq!(pr_str(&v), r#"[1.50 "a\"b\n" nil :k #{true} []]"#);
        assert_eq!(str_of(&v), pr_str(&v));
        let m =
            parse_json(r#"{"id": 5, "name": "x", "tags": [], "none": null, "empty": {}}"#).unwrap();
        assert_eq!(
            str_of(&m),
            r#"{:id 5, :name "x", :tags [], :none nil, :empty {}}"#
        );
    }

    #[test]
    fn str_of_atoms() {
        assert_eq!(str_of(&Value::Nil), "");
        assert_eq!(str_of(&Value::Text("a\"".into())), "a\"");
        assert_eq!(str_of(&Value::Keyword("date".into())), ":date");
        assert_eq!(str_of(&Value::Bool(false)), "false");
        assert_eq!(pr_str(&Value::Nil), "nil");
        assert_eq!(pr_str(&Value::Text("é\\".into())), "\"é\\\\\"");
    }
}
