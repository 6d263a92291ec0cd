//! Token classes for colouring template text in the editor: each tag as a
//! whole, and inside it the delimiters, keywords, functions, variables,
//! literals and operators; an `evalFormula`'s formula is coloured as rule
//! text. Works on any text, valid or not: errors are the parser's business.

use super::functions::{self, Function};
use super::parser::opening_quote;
use crate::rule::{self, TokenClass as RuleClass};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenClass {
    /// A whole tag, `[[ … ]]` or a logic `{{ … }}` (drawn under the rest).
    Tag,
    /// `[[`, `]]`, `{{`, `}}`.
    Delimiter,
    /// `BEGIN`, `END`, `IF`, `ELSEIF`, `ELSE`, `UNLESS`.
    Keyword,
    Function,
    Variable,
    /// Quoted literal text.
    Text,
    Number,
    /// `true`, `false`, `null`, and a formula's `nil` and `:keywords`.
    Literal,
    /// `==`, `!=`, `<`, `<=`, `>`, `>=`, `&&`, `||`, `!`.
    Operator,
    /// `(`, `)`, `,`.
    Bracket,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Highlight {
    pub start: usize,
    pub end: usize,
    pub class: TokenClass,
}

const KEYWORDS: [&str; 6] = ["IF", "ELSEIF", "ELSE", "UNLESS", "END", "BEGIN"];

/// The coloured ranges of `src`, in order of their start (a tag's range
/// comes before the tokens inside it).
pub fn highlight(src: &str) -> Vec<Highlight> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        let b = bytes[i];
        if !(b == b'[' || b == b'{') || bytes[i + 1] != b {
            i += 1;
            continue;
        }
        if b == b'{' && !logic_follows(src, i + 2) {
            i += 2;
            continue;
        }
        let mut open = i;
        if b == b'[' {
            while bytes.get(open + 2) == Some(&b'[') {
                open += 1;
            }
        }
        let (close, closed) = close_of(bytes, open, b);
        let end = if closed { close + 2 } else { close };
        out.push(Highlight {
            start: open,
            end,
            class: TokenClass::Tag,
        });
        push(&mut out, open, open + 2, TokenClass::Delimiter);
        inside(src, open + 2, close, &mut out);
        if closed {
            push(&mut out, close, close + 2, TokenClass::Delimiter);
        }
        i = end.max(i + 2);
    }
    out
}

fn push(out: &mut Vec<Highlight>, start: usize, end: usize, class: TokenClass) {
    if start < end {
        out.push(Highlight { start, end, class });
    }
}

/// Whether a logic keyword follows a `{{`.
fn logic_follows(src: &str, from: usize) -> bool {
    let rest = src[from..].trim_start();
    let word: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
    let after = rest[word.len()..].chars().next();
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(&word))
        && after.is_none_or(|c| !(c.is_ascii_alphanumeric() || "-_.".contains(c)))
}

/// Where the tag opened at `open` closes (`[[` nest), skipping quotes; an
/// unclosed tag runs to the end of its line.
fn close_of(bytes: &[u8], open: usize, kind: u8) -> (usize, bool) {
    let close = if kind == b'[' { b']' } else { b'}' };
    let mut depth = 1;
    let mut i = open + 2;
    let mut quote: Option<&[u8]> = None;
    while i < bytes.len() {
        match quote {
            Some(q) if bytes[i..].starts_with(q) => {
                i += q.len();
                quote = None;
                continue;
            }
            Some(_) if bytes[i] == b'\\' => i += 1,
            Some(_) if bytes[i] == b'\n' => return (i, false),
            Some(_) => {}
            None => {
                if let Some((q, width)) = opening_quote(&bytes[i..]) {
                    quote = Some(q);
                    i += width;
                    continue;
                }
                if bytes[i] == close && bytes.get(i + 1) == Some(&close) {
                    depth -= 1;
                    if depth == 0 {
                        return (i, true);
                    }
                    i += 2;
                    continue;
                }
                if kind == b'[' && bytes[i] == b'[' && bytes.get(i + 1) == Some(&b'[') {
                    depth += 1;
                    i += 2;
                    continue;
                }
            }
        }
        i += 1;
    }
    (bytes.len(), false)
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'$')
}

/// The tokens between a tag's delimiters.
fn inside(src: &str, start: usize, end: usize, out: &mut Vec<Highlight>) {
    let bytes = src.as_bytes();
    // The calls we are inside: (function name, argument index).
    let mut calls: Vec<(&str, usize)> = Vec::new();
    let mut first = true;
    let mut i = start;
    while i < end {
        let b = bytes[i];
        let from = i;
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if let Some((closing, width)) = opening_quote(&bytes[i..end]) {
            let mut j = i + width;
            while j < end && !bytes[j..].starts_with(closing) {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            let value_end = j.min(end);
            i = (j + closing.len()).min(end);
            let value = &src[from + width..value_end];
            match calls.last() {
                Some(("evalFormula", _)) => {
                    push(out, from, from + width, TokenClass::Text);
                    for h in rule::highlight(value) {
                        let class = match h.class {
                            RuleClass::Function => TokenClass::Function,
                            RuleClass::Variable => TokenClass::Variable,
                            RuleClass::Number => TokenClass::Number,
                            RuleClass::Literal | RuleClass::Keyword => TokenClass::Literal,
                            RuleClass::Bracket => TokenClass::Bracket,
                            RuleClass::Text | RuleClass::Comment => TokenClass::Text,
                        };
                        let offset = from + width;
                        push(out, offset + h.start, offset + h.end, class);
                    }
                    push(out, value_end, i, TokenClass::Text);
                }
                Some(("v", _)) => push(out, from, i, TokenClass::Variable),
                Some((name, index)) => {
                    let literal = Function::from_name(name)
                        .map(|f| functions::looks_literal(f.role(*index), value))
                        .unwrap_or(true);
                    let class = if literal && !value.starts_with('$') {
                        TokenClass::Text
                    } else {
                        TokenClass::Variable
                    };
                    push(out, from, i, class);
                }
                None => push(out, from, i, TokenClass::Text),
            }
            first = false;
            continue;
        }
        let two = &bytes[i..(i + 2).min(end)];
        let (class, width) = match (b, two) {
            (_, b"[[" | b"]]") => (TokenClass::Delimiter, 2),
            (_, b"==" | b"!=" | b"<=" | b">=" | b"&&" | b"||") => (TokenClass::Operator, 2),
            (b'<' | b'>' | b'!' | b'=', _) => (TokenClass::Operator, 1),
            (b'(', _) => (TokenClass::Bracket, 1),
            (b')', _) => {
                calls.pop();
                (TokenClass::Bracket, 1)
            }
            (b',', _) => {
                if let Some(call) = calls.last_mut() {
                    call.1 += 1;
                }
                (TokenClass::Bracket, 1)
            }
            (b'-' | b'0'..=b'9', _)
                if b != b'-' || bytes.get(i + 1).is_some_and(u8::is_ascii_digit) =>
            {
                let mut j = i + 1;
                while j < end && (bytes[j].is_ascii_digit() || bytes[j] == b'.') {
                    j += 1;
                }
                (TokenClass::Number, j - i)
            }
            _ if is_name_byte(b) => {
                let mut j = i;
                while j < end && is_name_byte(bytes[j]) {
                    j += 1;
                }
                let word = &src[i..j];
                let next = src[j..end].trim_start().as_bytes().first().copied();
                let keyword = (first && KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word)))
                    // `ELSE IF`, `END IF`
                    || (word.eq_ignore_ascii_case("IF")
                        && out.last().is_some_and(|h| h.class == TokenClass::Keyword));
                let class = if keyword {
                    TokenClass::Keyword
                } else if next == Some(b'(') {
                    calls.push((word, 0));
                    // The `(` is consumed with the name so the call is open before its arguments.
                    TokenClass::Function
                } else if ["true", "false", "null"]
                    .iter()
                    .any(|l| l.eq_ignore_ascii_case(word))
                {
                    TokenClass::Literal
                } else {
                    TokenClass::Variable
                };
                (class, j - i)
            }
            _ => {
                // Anything else: skip one character.
                let width = src[i..].chars().next().map_or(1, char::len_utf8);
                i += width;
                first = false;
                continue;
            }
        };
        push(out, i, i + width, class);
        i += width;
        first = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(src: &str) -> Vec<(&str, TokenClass)> {
        highlight(src)
            .into_iter()
            .map(|h| (&src[h.start..h.end], h.class))
            .collect()
    }

    #[test]
    fn placeholders_functions_and_variables() {
        let src = "Due [[formatNumber([[evalFormula('(* status-amount-due 2)')]],'2','.',',')]]!";
        let c = classes(src);
        assert!(c.contains(&(&src[4..src.len() - 1], TokenClass::Tag)));
        assert!(c.contains(&("formatNumber", TokenClass::Function)));
        assert!(c.contains(&("evalFormula", TokenClass::Function)));
        assert!(c.contains(&("*", TokenClass::Function)));
        assert!(c.contains(&("status-amount-due", TokenClass::Variable)));
        assert!(c.contains(&("2", TokenClass::Number)));
        assert!(c.contains(&("'2'", TokenClass::Text)));
        assert!(c.contains(&("[[", TokenClass::Delimiter)));
        let v = "[[v('loan-id')]] [[mathAdd('setup-loan-amount', '10')]]";
        let c = classes(v);
        assert!(c.contains(&("'loan-id'", TokenClass::Variable)));
        assert!(c.contains(&("'setup-loan-amount'", TokenClass::Variable)));
        assert!(c.contains(&("'10'", TokenClass::Text)));
    }

    #[test]
    fn logic_tags() {
        let src = "{{ IF $setup-payment > 100 }}big{{ else }}small{{ END }} {{name}} [[IF customer.secondary.full-name ]]";
        let c = classes(src);
        assert!(c.contains(&("IF", TokenClass::Keyword)));
        assert!(c.contains(&("else", TokenClass::Keyword)));
        assert!(c.contains(&("$setup-payment", TokenClass::Variable)));
        assert!(c.contains(&(">", TokenClass::Operator)));
        assert!(c.contains(&("100", TokenClass::Number)));
        assert!(c.contains(&("customer.secondary.full-name", TokenClass::Variable)));
        // `{{name}}` is not a logic tag: left as text.
        assert!(!c.iter().any(|(t, _)| t.contains("name}}")));
    }

    #[test]
    fn broken_text_still_highlights() {
        for src in ["[[", "{{ IF", "[[v('", "[[f(]]", "{{ IF ((( }}", "[[‘x"] {
            let _ = highlight(src);
        }
    }
}
