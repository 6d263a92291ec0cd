//! Turns template source into nodes: finds each `[[ ... ]]` tag, lexes its
//! inside, and builds loops with an explicit stack (no recursion over loops),
//! so hostile nesting is refused with an error instead of exhausting the stack.

use std::cell::Cell;

use rust_decimal::Decimal;

use super::ast::{Arg, Expr, JsonTransition, Node, Path, UrlTransition};
use super::functions::Function;
use crate::error::{Error, ErrorKind, LineIndex, Span};

/// Loops deeper than this are refused (wasm has a small stack, and no real
/// template nests anywhere near this far).
pub const MAX_LOOP_DEPTH: usize = 32;
/// Function calls nested deeper than this inside one placeholder are refused.
pub const MAX_CALL_DEPTH: usize = 16;
/// A broken 10 MB template should not produce a million errors.
pub const MAX_ERRORS: usize = 100;

pub fn parse(source: &str) -> Result<Vec<Node>, Vec<Error>> {
    Parser {
        src: source,
        lines: LineIndex::new(source),
        cursor: Cell::new((0, 1, 1)),
        errors: Vec::new(),
    }
    .run()
}

struct Parser<'s> {
    src: &'s str,
    lines: LineIndex,
    /// The last located offset with its line and column: spans are made in
    /// nearly increasing order, so locating from here keeps parsing linear
    /// even on one 10 MB line (counting from the line start would not be).
    cursor: Cell<(usize, usize, usize)>,
    errors: Vec<Error>,
}

/// An open `[[BEGIN ...]]` waiting for its `[[END]]`.
struct Frame {
    list: Path,
    span: Span,
    nodes: Vec<Node>,
}

impl<'s> Parser<'s> {
    fn span(&self, start: usize, end: usize) -> Span {
        let (pos, mut line, mut col) = self.cursor.get();
        if start >= pos {
            for c in self.src[pos..start].chars() {
                if c == '\n' {
                    line += 1;
                    col = 1;
                } else {
                    col += 1;
                }
            }
        } else if !self.src[start..pos].contains('\n') {
            col -= self.src[start..pos].chars().count();
        } else {
            return self.lines.span(self.src, start, end);
        }
        self.cursor.set((start, line, col));
        Span {
            start,
            end,
            line,
            col,
        }
    }

    fn error(&mut self, kind: ErrorKind, message: impl Into<String>, start: usize, end: usize) {
        if self.errors.len() < MAX_ERRORS {
            let span = self.span(start, end);
            self.errors.push(Error::at(kind, message, span));
        }
    }

    fn text(&self, start: usize, end: usize) -> Node {
        let bytes = &self.src.as_bytes()[start..end];
        Node::Text {
            span: self.span(start, end),
            json: JsonTransition::of(bytes),
            url: UrlTransition::of(bytes),
        }
    }

    fn run(mut self) -> Result<Vec<Node>, Vec<Error>> {
        let src = self.src;
        let mut root: Vec<Node> = Vec::new();
        let mut open: Vec<Frame> = Vec::new();
        let mut pos = 0;
        while pos < src.len() && self.errors.len() < MAX_ERRORS {
            let Some(found) = src[pos..].find("[[") else {
                current(&mut root, &mut open).push(self.text(pos, src.len()));
                break;
            };
            let mut open_at = pos + found;
            // In `[[[BEGIN x]]` the first `[` is JSON: a tag opens at the last `[[` of a run.
            while src.as_bytes().get(open_at + 2) == Some(&b'[') {
                open_at += 1;
            }
            if open_at > pos {
                let node = self.text(pos, open_at);
                current(&mut root, &mut open).push(node);
            }
            let Some(close_at) = self.find_close(open_at) else {
                break;
            };
            pos = close_at + 2;
            let tag_span = self.span(open_at, pos);
            let tokens = match self.lex(open_at + 2, close_at) {
                Some(tokens) => tokens,
                None => continue,
            };
            match self.tag(&tokens, open_at, pos) {
                Tag::Begin(list) => {
                    if open.len() >= MAX_LOOP_DEPTH {
                        self.error(
                            ErrorKind::Limit,
                            format!("loops nest deeper than {MAX_LOOP_DEPTH} levels"),
                            open_at,
                            pos,
                        );
                        // Further nesting would only repeat this error.
                        return Err(self.errors);
                    }
                    open.push(Frame {
                        list,
                        span: tag_span,
                        nodes: Vec::new(),
                    });
                }
                Tag::End => match open.pop() {
                    Some(frame) => current(&mut root, &mut open).push(Node::Loop {
                        list: frame.list,
                        body: frame.nodes,
                        span: frame.span,
                    }),
                    None => self.error(
                        ErrorKind::Syntax,
                        "`[[END]]` without a `[[BEGIN ...]]` before it",
                        open_at,
                        pos,
                    ),
                },
                Tag::Output(expr) => {
                    if let Expr::Var(Path { item: true, .. }) = &expr {
                        if open.is_empty() {
                            let s = expr.span();
                            self.error(
                                ErrorKind::Syntax,
                                "`$` reads the current loop item, but this is outside `[[BEGIN ...]]`",
                                s.start,
                                s.end,
                            );
                        }
                    }
                    current(&mut root, &mut open).push(Node::Output {
                        expr,
                        span: tag_span,
                    });
                }
                Tag::Invalid => {}
            }
        }
        for frame in open.iter().rev() {
            if self.errors.len() < MAX_ERRORS {
                self.errors.push(Error::at(
                    ErrorKind::Syntax,
                    format!(
                        "`[[BEGIN {}]]` is never closed by `[[END]]`",
                        frame.list.name
                    ),
                    frame.span,
                ));
            }
        }
        if self.errors.is_empty() {
            Ok(root)
        } else {
            Err(self.errors)
        }
    }

    /// The index of the `]]` closing the tag opened at `open_at`, skipping
    /// quoted text. An unclosed tag is reported at its `[[`.
    fn find_close(&mut self, open_at: usize) -> Option<usize> {
        let bytes = self.src.as_bytes();
        let mut i = open_at + 2;
        let mut quote: Option<(u8, usize)> = None;
        while i < bytes.len() {
            let b = bytes[i];
            match quote {
                Some((q, _)) if b == q => quote = None,
                Some((_, _)) if b == b'\\' => i += 1,
                Some((_, at)) if b == b'\n' => {
                    self.error(ErrorKind::Syntax, "unclosed quote", at, at + 1);
                    return None;
                }
                Some(_) => {}
                None if b == b'\'' || b == b'"' => quote = Some((b, i)),
                None if b == b']' && bytes.get(i + 1) == Some(&b']') => return Some(i),
                None if b == b'[' && bytes.get(i + 1) == Some(&b'[') => break,
                None => {}
            }
            i += 1;
        }
        match quote {
            Some((_, at)) => self.error(ErrorKind::Syntax, "unclosed quote", at, at + 1),
            None => self.error(
                ErrorKind::Syntax,
                "unclosed `[[`: expected `]]`",
                open_at,
                open_at + 2,
            ),
        }
        None
    }

    fn lex(&mut self, start: usize, end: usize) -> Option<Vec<Token>> {
        let bytes = self.src.as_bytes();
        let mut tokens = Vec::new();
        let mut i = start;
        while i < end {
            let b = bytes[i];
            let from = i;
            let kind = match b {
                b' ' | b'\t' | b'\r' | b'\n' => {
                    i += 1;
                    continue;
                }
                b'(' => {
                    i += 1;
                    Tok::Open
                }
                b')' => {
                    i += 1;
                    Tok::Close
                }
                b',' => {
                    i += 1;
                    Tok::Comma
                }
                b'\'' | b'"' => {
                    // find_close guarantees the quote is closed before `end`.
                    let mut value = String::new();
                    i += 1;
                    let mut run = i;
                    while bytes[i] != b {
                        if bytes[i] == b'\\' {
                            value.push_str(&self.src[run..i]);
                            run = i + 1;
                            i += 1;
                        }
                        i += 1;
                    }
                    value.push_str(&self.src[run..i]);
                    i += 1;
                    Tok::Str(value)
                }
                b'-' | b'0'..=b'9'
                    if b != b'-' || bytes.get(i + 1).is_some_and(u8::is_ascii_digit) =>
                {
                    i += 1;
                    while i < end && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                        i += 1;
                    }
                    match Decimal::from_str_exact(&self.src[from..i]) {
                        Ok(n) => Tok::Num(n),
                        Err(_) => {
                            self.error(ErrorKind::Syntax, "not a number", from, i);
                            return None;
                        }
                    }
                }
                b if is_name_byte(b) => {
                    while i < end && is_name_byte(bytes[i]) {
                        i += 1;
                    }
                    Tok::Name(self.src[from..i].to_string())
                }
                _ => {
                    let width = self.src[from..].chars().next().map_or(1, char::len_utf8);
                    self.error(
                        ErrorKind::Syntax,
                        format!(
                            "unexpected `{}` in a placeholder",
                            &self.src[from..from + width]
                        ),
                        from,
                        from + width,
                    );
                    return None;
                }
            };
            tokens.push(Token {
                kind,
                start: from,
                end: i,
            });
        }
        Some(tokens)
    }

    fn tag(&mut self, tokens: &[Token], open_at: usize, close_end: usize) -> Tag {
        match tokens {
            [] => {
                self.error(
                    ErrorKind::Syntax,
                    "empty placeholder `[[]]`",
                    open_at,
                    close_end,
                );
                Tag::Invalid
            }
            [Token {
                kind: Tok::Name(n), ..
            }] if n.eq_ignore_ascii_case("END") => Tag::End,
            [Token {
                kind: Tok::Name(n), ..
            }, list @ ..]
                if n.eq_ignore_ascii_case("BEGIN") =>
            {
                match list {
                    [Token {
                        kind: Tok::Name(name),
                        start,
                        end,
                    }] => Tag::Begin(self.path(name, *start, *end)),
                    [Token {
                        kind: Tok::Str(name),
                        start,
                        end,
                    }] => Tag::Begin(Path {
                        name: name.clone(),
                        item: false,
                        span: self.span(*start, *end),
                    }),
                    _ => {
                        self.error(
                            ErrorKind::Syntax,
                            "expected one list name: `[[BEGIN payments]]`",
                            open_at,
                            close_end,
                        );
                        Tag::Invalid
                    }
                }
            }
            [Token {
                kind: Tok::Name(name),
                start,
                end,
            }] if name.starts_with('$') => Tag::Output(Expr::Var(self.path(name, *start, *end))),
            [Token {
                kind: Tok::Name(name),
                start,
                end,
            }] => {
                self.error(
                    ErrorKind::Syntax,
                    format!("a bare name prints nothing; write `[[v('{name}')]]`"),
                    *start,
                    *end,
                );
                Tag::Invalid
            }
            _ => {
                let mut at = 0;
                match self.expr(tokens, &mut at, 0) {
                    Some(expr) if at == tokens.len() => Tag::Output(expr),
                    Some(_) => {
                        let t = &tokens[at];
                        self.error(
                            ErrorKind::Syntax,
                            "unexpected text after the expression",
                            t.start,
                            t.end,
                        );
                        Tag::Invalid
                    }
                    None => Tag::Invalid,
                }
            }
        }
    }

    fn path(&self, name: &str, start: usize, end: usize) -> Path {
        let item = name.starts_with('$');
        Path {
            name: name.trim_start_matches('$').to_string(),
            item,
            span: self.span(start, end),
        }
    }

    /// `name(args)` at `tokens[*at]`; `v('path')` becomes a variable.
    fn expr(&mut self, tokens: &[Token], at: &mut usize, depth: usize) -> Option<Expr> {
        let first = &tokens[*at];
        let Tok::Name(name) = &first.kind else {
            self.error(
                ErrorKind::Syntax,
                "expected a function such as `v('loan-id')`",
                first.start,
                first.end,
            );
            return None;
        };
        if depth >= MAX_CALL_DEPTH {
            self.error(
                ErrorKind::Limit,
                format!("function calls nest deeper than {MAX_CALL_DEPTH} levels"),
                first.start,
                first.end,
            );
            return None;
        }
        if name.starts_with('$') {
            *at += 1;
            return Some(Expr::Var(self.path(name, first.start, first.end)));
        }
        let (name_start, name_end) = (first.start, first.end);
        *at += 1;
        match tokens.get(*at) {
            Some(Token {
                kind: Tok::Open, ..
            }) => *at += 1,
            Some(t) => {
                let (s, e) = (t.start, t.end);
                self.error(
                    ErrorKind::Syntax,
                    format!("expected `(` after `{name}`"),
                    s,
                    e,
                );
                return None;
            }
            None => {
                self.error(
                    ErrorKind::Syntax,
                    format!("expected `(` after `{name}`"),
                    name_end,
                    name_end,
                );
                return None;
            }
        }
        let mut args = Vec::new();
        let close_end;
        loop {
            let Some(t) = tokens.get(*at) else {
                self.error(ErrorKind::Syntax, "unclosed `(`", name_end, name_end + 1);
                return None;
            };
            match &t.kind {
                Tok::Close => {
                    close_end = t.end;
                    *at += 1;
                    break;
                }
                _ if !args.is_empty() => match &t.kind {
                    Tok::Comma => *at += 1,
                    _ => {
                        let (s, e) = (t.start, t.end);
                        self.error(ErrorKind::Syntax, "expected `,` or `)`", s, e);
                        return None;
                    }
                },
                _ => {}
            }
            let Some(t) = tokens.get(*at) else {
                self.error(ErrorKind::Syntax, "unclosed `(`", name_end, name_end + 1);
                return None;
            };
            let span = self.span(t.start, t.end);
            match &t.kind {
                Tok::Str(value) => {
                    args.push(Arg::Text {
                        value: value.clone(),
                        span,
                    });
                    *at += 1;
                }
                Tok::Num(value) => {
                    args.push(Arg::Number {
                        value: *value,
                        span,
                    });
                    *at += 1;
                }
                Tok::Name(_) => args.push(Arg::Expr(self.expr(tokens, at, depth + 1)?)),
                _ => {
                    let (s, e) = (t.start, t.end);
                    self.error(ErrorKind::Syntax, "expected an argument", s, e);
                    return None;
                }
            }
        }
        let span = self.span(name_start, close_end);
        if name == "v" {
            return match args.as_slice() {
                [Arg::Text { value, .. }] => Some(Expr::Var(Path {
                    name: value.trim_start_matches('$').to_string(),
                    item: value.starts_with('$'),
                    span,
                })),
                _ => {
                    self.error(
                        ErrorKind::Arity,
                        "`v` takes one quoted variable name: `v('loan-id')`",
                        name_start,
                        close_end,
                    );
                    None
                }
            };
        }
        let function = match Function::from_name(name) {
            Ok(f) => f,
            Err(message) => {
                self.error(ErrorKind::UnknownFunction, message, name_start, name_end);
                return None;
            }
        };
        let (min, max) = function.arity();
        if args.len() < min || args.len() > max {
            let want = if min == max {
                format!("{min}")
            } else {
                format!("{min} to {max}")
            };
            self.error(
                ErrorKind::Arity,
                format!(
                    "`{}` takes {want} argument{}, not {}",
                    function.name(),
                    if max == 1 { "" } else { "s" },
                    args.len()
                ),
                name_start,
                close_end,
            );
            return None;
        }
        Some(Expr::Call {
            function,
            args,
            span,
        })
    }
}

fn current<'a>(root: &'a mut Vec<Node>, open: &'a mut [Frame]) -> &'a mut Vec<Node> {
    match open.last_mut() {
        Some(frame) => &mut frame.nodes,
        None => root,
    }
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'$')
}

struct Token {
    kind: Tok,
    start: usize,
    end: usize,
}

enum Tok {
    Name(String),
    Str(String),
    Num(Decimal),
    Open,
    Close,
    Comma,
}

enum Tag {
    Begin(Path),
    End,
    Output(Expr),
    Invalid,
}
