//! The tokenizer itself: one pass over the bytes, no recursion, no allocation
//! per token. A token that cannot be lexed is an error that says how far it
//! reached, so a lenient caller (the editor's colouring) resumes after it.

use std::borrow::Cow;

use crate::error::Span;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    BeginObject,
    EndObject,
    BeginArray,
    EndArray,
    Colon,
    Comma,
    /// A string, quotes included; `escaped` when it holds a backslash (else
    /// its text is exactly the bytes between the quotes).
    String {
        escaped: bool,
    },
    /// A number; its token text is the exact number as written.
    Number,
    True,
    False,
    Null,
    /// A range the caller asked to step over (a template placeholder) that
    /// stands outside any string.
    Hole,
    /// One character that starts no JSON token; the caller's grammar says
    /// what it expected instead.
    Invalid,
}

/// One token and where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

impl Token {
    /// The token as written.
    pub fn text<'t>(&self, source: &'t str) -> &'t str {
        &source[self.span.start..self.span.end]
    }
}

/// The first problem in a JSON text: where (a byte offset into it) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub offset: usize,
    pub message: String,
}

impl Problem {
    pub(crate) fn new(offset: usize, message: impl Into<String>) -> Problem {
        Problem {
            offset,
            message: message.into(),
        }
    }

    /// `invalid JSON: expected {expected}, found …` for the text at `offset`.
    pub(crate) fn unexpected(text: &str, offset: usize, expected: &str) -> Problem {
        let found = match text.get(offset..).and_then(|rest| rest.chars().next()) {
            None => "the end".to_string(),
            Some(c) => format!("`{c}`"),
        };
        Problem::new(
            offset,
            format!("invalid JSON: expected {expected}, found {found}"),
        )
    }
}

/// A string or number that could not be lexed: what it was meant to be, the
/// bytes it took (lexing resumes at `end`), and its first problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
    pub problem: Problem,
}

/// Tokens of a JSON text, in order, whitespace skipped.
pub struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    holes: &'a [(usize, usize)],
    next_hole: usize,
    line: usize,
    line_start: usize,
    /// Column (in characters) of byte `col_pos`, so locating tokens in order stays linear.
    col_pos: usize,
    col: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(text: &'a str) -> Lexer<'a> {
        Lexer::with_holes(text, &[])
    }

    /// A lexer that steps over `holes` (sorted, non-overlapping byte ranges on
    /// character boundaries, such as a template's placeholders): outside a
    /// string a hole is a [`TokenKind::Hole`] token, inside one it is part of the string.
    pub fn with_holes(text: &'a str, holes: &'a [(usize, usize)]) -> Lexer<'a> {
        Lexer {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            holes,
            next_hole: 0,
            line: 1,
            line_start: 0,
            col_pos: 0,
            col: 1,
        }
    }

    /// The byte offset lexing has reached.
    pub fn offset(&self) -> usize {
        self.pos
    }

    fn hole_start(&mut self) -> usize {
        while self
            .holes
            .get(self.next_hole)
            .is_some_and(|h| h.0 < self.pos)
        {
            self.next_hole += 1;
        }
        self.holes.get(self.next_hole).map_or(usize::MAX, |h| h.0)
    }

    fn skip_hole(&mut self) {
        let (start, end) = self.holes[self.next_hole];
        let end = end.clamp(start + 1, self.bytes.len());
        self.newlines(start, end);
        self.pos = end;
        self.next_hole += 1;
    }

    fn newlines(&mut self, from: usize, to: usize) {
        for (i, &b) in self.bytes[from..to].iter().enumerate() {
            if b == b'\n' {
                self.line += 1;
                self.line_start = from + i + 1;
            }
        }
    }

    fn skip_whitespace(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                    self.line_start = self.pos;
                }
                _ => break,
            }
        }
    }

    /// The span of `start..end`, where `start` is the current token's start.
    fn span(&mut self, start: usize, end: usize) -> Span {
        if self.col_pos < self.line_start {
            self.col_pos = self.line_start;
            self.col = 1;
        }
        self.col += self.bytes[self.col_pos..start]
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count();
        self.col_pos = start;
        Span {
            start,
            end,
            line: self.line,
            col: self.col,
        }
    }

    fn string(&mut self, start: usize) -> Result<bool, (usize, Problem)> {
        self.pos = start + 1;
        let mut escaped = false;
        let mut first: Option<Problem> = None;
        let mut hole = self.hole_start();
        loop {
            // The common case: plain text up to the next quote, backslash or control byte.
            while let Some(&b) = self.bytes.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 || self.pos == hole {
                    break;
                }
                self.pos += 1;
            }
            match self.bytes.get(self.pos) {
                None => {
                    return Err((
                        self.pos,
                        first.unwrap_or_else(|| {
                            Problem::new(start, "invalid JSON: unclosed string")
                        }),
                    ))
                }
                Some(_) if self.pos == hole => {
                    self.skip_hole();
                    hole = self.hole_start();
                }
                Some(b'"') => {
                    self.pos += 1;
                    return match first {
                        None => Ok(escaped),
                        Some(problem) => Err((self.pos, problem)),
                    };
                }
                Some(b'\\') => {
                    escaped = true;
                    if let Err(problem) = self.escape() {
                        first.get_or_insert(problem);
                    }
                    hole = self.hole_start();
                }
                Some(_) => {
                    return Err((
                        self.pos,
                        first.unwrap_or_else(|| {
                            Problem::new(
                                self.pos,
                                "invalid JSON: control character in string (write it as an escape)",
                            )
                        }),
                    ))
                }
            }
        }
    }

    /// One escape, the backslash at `pos`.
    fn escape(&mut self) -> Result<(), Problem> {
        let at = self.pos;
        self.pos += 1;
        match self.bytes.get(self.pos) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                self.pos += 1;
                Ok(())
            }
            Some(b'u') => {
                self.pos += 1;
                let unit = self.hex4(at)?;
                if (0xD800..0xDC00).contains(&unit) {
                    let low = if self.bytes[self.pos..].starts_with(b"\\u") {
                        self.pos += 2;
                        Some(self.hex4(at)?)
                    } else {
                        None
                    };
                    if !low.is_some_and(|l| (0xDC00..0xE000).contains(&l)) {
                        return Err(Problem::new(
                            at,
                            "invalid JSON: lone surrogate `\\u` escape",
                        ));
                    }
                } else if (0xDC00..0xE000).contains(&unit) {
                    return Err(Problem::new(
                        at,
                        "invalid JSON: lone surrogate `\\u` escape",
                    ));
                }
                Ok(())
            }
            // A control byte or the end is the string loop's to report.
            Some(&b) if b >= 0x20 && b != b'"' => {
                self.pos += 1;
                Err(Problem::new(at, "invalid JSON: unknown escape in string"))
            }
            _ => Err(Problem::new(at, "invalid JSON: unknown escape in string")),
        }
    }

    fn hex4(&mut self, escape_at: usize) -> Result<u32, Problem> {
        match self.bytes.get(self.pos..self.pos + 4) {
            Some(d) if d.iter().all(u8::is_ascii_hexdigit) => {
                self.pos += 4;
                Ok(d.iter().fold(0, |n, &h| n * 16 + hex_value(h)))
            }
            _ => Err(Problem::new(
                escape_at,
                "invalid JSON: `\\u` needs four hex digits",
            )),
        }
    }

    fn number(&mut self) -> Result<(), Problem> {
        let digits = |l: &mut Self| {
            let from = l.pos;
            while l.bytes.get(l.pos).is_some_and(u8::is_ascii_digit) {
                l.pos += 1;
            }
            l.pos - from
        };
        if self.bytes[self.pos] == b'-' {
            self.pos += 1;
        }
        let int_start = self.pos;
        match digits(self) {
            0 => return Err(Problem::unexpected(self.text, self.pos, "a digit")),
            n if n > 1 && self.bytes[int_start] == b'0' => {
                return Err(Problem::new(
                    int_start,
                    "invalid JSON: numbers may not start with 0",
                ))
            }
            _ => {}
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if digits(self) == 0 {
                return Err(Problem::unexpected(
                    self.text,
                    self.pos,
                    "a digit after `.`",
                ));
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(Problem::unexpected(
                    self.text,
                    self.pos,
                    "a digit in the exponent",
                ));
            }
        }
        Ok(())
    }
}

fn hex_value(h: u8) -> u32 {
    match h {
        b'0'..=b'9' => u32::from(h - b'0'),
        b'a'..=b'f' => u32::from(h - b'a' + 10),
        _ => u32::from(h - b'A' + 10),
    }
}

impl Iterator for Lexer<'_> {
    type Item = Result<Token, LexError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.skip_whitespace();
        let start = self.pos;
        let &b = self.bytes.get(start)?;
        if self.hole_start() == start {
            let span = self.span(start, start);
            self.skip_hole();
            return Some(Ok(Token {
                kind: TokenKind::Hole,
                span: Span {
                    end: self.pos,
                    ..span
                },
            }));
        }
        let span = self.span(start, start);
        let (kind, len) = match b {
            b'{' => (TokenKind::BeginObject, 1),
            b'}' => (TokenKind::EndObject, 1),
            b'[' => (TokenKind::BeginArray, 1),
            b']' => (TokenKind::EndArray, 1),
            b':' => (TokenKind::Colon, 1),
            b',' => (TokenKind::Comma, 1),
            b'"' => {
                return Some(match self.string(start) {
                    Ok(escaped) => Ok(Token {
                        kind: TokenKind::String { escaped },
                        span: Span {
                            end: self.pos,
                            ..span
                        },
                    }),
                    Err((end, problem)) => {
                        self.pos = end;
                        Err(LexError {
                            kind: TokenKind::String { escaped: true },
                            start,
                            end,
                            problem,
                        })
                    }
                })
            }
            b'-' | b'0'..=b'9' => {
                return Some(match self.number() {
                    Ok(()) => Ok(Token {
                        kind: TokenKind::Number,
                        span: Span {
                            end: self.pos,
                            ..span
                        },
                    }),
                    Err(problem) => {
                        // Resume after what still looks like part of the number.
                        while self
                            .bytes
                            .get(self.pos)
                            .is_some_and(|b| b.is_ascii_digit() || b"+-.eE".contains(b))
                        {
                            self.pos += 1;
                        }
                        Err(LexError {
                            kind: TokenKind::Number,
                            start,
                            end: self.pos.max(start + 1),
                            problem,
                        })
                    }
                });
            }
            _ => {
                let rest = &self.bytes[start..];
                if rest.starts_with(b"true") {
                    (TokenKind::True, 4)
                } else if rest.starts_with(b"false") {
                    (TokenKind::False, 5)
                } else if rest.starts_with(b"null") {
                    (TokenKind::Null, 4)
                } else {
                    let c = self.text[start..].chars().next().map_or(1, char::len_utf8);
                    (TokenKind::Invalid, c)
                }
            }
        };
        self.pos = start + len;
        Some(Ok(Token {
            kind,
            span: Span {
                end: self.pos,
                ..span
            },
        }))
    }
}

/// The text of a string token that lexed without error (quotes included in
/// `raw`). One without escapes is borrowed as it is.
pub fn decode_string(raw: &str) -> Cow<'_, str> {
    let inner = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(raw);
    if !inner.contains('\\') {
        return Cow::Borrowed(inner);
    }
    let mut out = String::with_capacity(inner.len());
    let mut rest = inner;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let (c, len) = escape_at(&rest[at..]);
        out.push(c);
        rest = &rest[at + len..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The character an escape at the start of `text` stands for, and how many
/// bytes it takes (a surrogate pair is one escape of 12).
fn escape_at(text: &str) -> (char, usize) {
    let b = text.as_bytes();
    let simple = |c| (c, 2);
    match b.get(1) {
        Some(b'n') => simple('\n'),
        Some(b't') => simple('\t'),
        Some(b'r') => simple('\r'),
        Some(b'b') => simple('\u{8}'),
        Some(b'f') => simple('\u{c}'),
        Some(b'u') => {
            let unit = |from: usize| {
                b.get(from..from + 4)
                    .filter(|d| d.iter().all(u8::is_ascii_hexdigit))
                    .map(|d| d.iter().fold(0u32, |n, &h| n * 16 + hex_value(h)))
            };
            match unit(2) {
                Some(high @ 0xD800..=0xDBFF) if b.get(6..8) == Some(b"\\u") => match unit(8) {
                    Some(low @ 0xDC00..=0xDFFF) => {
                        let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                        (char::from_u32(c).unwrap_or('\u{FFFD}'), 12)
                    }
                    _ => ('\u{FFFD}', 6),
                },
                Some(unit) => (char::from_u32(unit).unwrap_or('\u{FFFD}'), 6),
                None => ('\u{FFFD}', 2.min(text.len())),
            }
        }
        Some(&c) if c.is_ascii() => simple(char::from(c)),
        // Not produced by the lexer; kept total so bad input cannot panic.
        _ => ('\\', 1),
    }
}

/// Where, in a string token's text `raw` (quotes included), the byte
/// `decoded` of its decoded text comes from: a place in a rule or template
/// found after decoding, back in the file. A place inside what one escape
/// decodes to maps to the escape's backslash.
pub fn raw_offset(raw: &str, decoded: usize) -> usize {
    let body_end = raw.len().saturating_sub(1);
    let mut i = 1.min(raw.len());
    let mut d = 0;
    while i < body_end {
        let (raw_len, decoded_len) = if raw.as_bytes()[i] == b'\\' {
            let (c, len) = escape_at(&raw[i..]);
            (len, c.len_utf8())
        } else {
            let len = raw[i..].chars().next().map_or(1, char::len_utf8);
            (len, len)
        };
        if d + decoded_len > decoded {
            break;
        }
        d += decoded_len;
        i += raw_len;
    }
    i
}

/// Where JSON text stands lexically: outside any string, inside one, or just
/// after a backslash inside one. Template text between placeholders is
/// scanned piece by piece with it: each piece resumes in the state the one
/// before left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LexState {
    Outside = 0,
    InString = 1,
    Escape = 2,
}

impl LexState {
    pub fn step(self, b: u8) -> LexState {
        match (self, b) {
            (LexState::Outside, b'"') => LexState::InString,
            (LexState::Outside, _) => LexState::Outside,
            (LexState::InString, b'"') => LexState::Outside,
            (LexState::InString, b'\\') => LexState::Escape,
            (LexState::InString, _) | (LexState::Escape, _) => LexState::InString,
        }
    }

    /// The state after `text`, starting in this one.
    pub fn after(self, text: &[u8]) -> LexState {
        text.iter().fold(self, |s, &b| s.step(b))
    }
}
