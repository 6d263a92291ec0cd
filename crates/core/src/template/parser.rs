//! Turns template source into nodes: finds each `[[ ... ]]` tag (and each
//! Blitz logic tag `{{ IF … }}`), lexes its inside, and builds loops and
//! conditionals with an explicit stack (no recursion over blocks), so hostile
//! nesting is refused with an error instead of exhausting the stack.
//!
//! What a tag may hold:
//! - `[[v('path')]]`, `[[$field]]`, `[[fn(args)]]` where an argument may be
//!   quoted text, a number, a call, or a nested placeholder
//!   (`[[formatNumber([[evalFormula('…')]], '2')]]`);
//! - `[[BEGIN list]]` … `[[END]]` loops;
//! - `IF cond`, `ELSEIF cond` (or `ELSE IF`), `UNLESS cond`, `ELSE`, `END`
//!   in `{{ }}` (Blitz, as LoanPro documents it) or `[[ ]]` (as LoanPro's
//!   support page writes it); keywords in any case.
//!
//! `{{ … }}` holding anything but those keywords is left as text (JSON bodies
//! may carry other templating for the receiver).

use std::cell::Cell;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::ast::{
    Arg, Branch, CmpOp, Cond, Expr, Formula, JsonTransition, Node, Path, Spanned, UrlTransition,
};
use super::functions::{Function, Role};
use crate::error::{Error, ErrorKind, LineIndex, Span};
use crate::rule::{ExprKind, Rule};

/// Blocks (`BEGIN` loops and `IF` conditionals together) nested deeper than
/// this are refused (wasm has a small stack, and no real template nests
/// anywhere near this far).
pub const MAX_LOOP_DEPTH: usize = 32;
/// Function calls (and nested placeholders) deeper than this inside one tag are refused.
pub const MAX_CALL_DEPTH: usize = 16;
/// Brackets and `!` nested deeper than this inside one condition are refused.
pub const MAX_COND_DEPTH: usize = 32;
/// A broken 10 MB template should not produce a million errors.
pub const MAX_ERRORS: usize = 100;

/// The nodes of a template, and warnings that do not stop it rendering.
pub struct Parsed {
    pub nodes: Vec<Node>,
    pub notes: Vec<Error>,
}

pub fn parse(source: &str) -> Result<Parsed, Vec<Error>> {
    Parser {
        src: source,
        lines: LineIndex::new(source),
        cursor: Cell::new((0, 1, 1)),
        errors: Vec::new(),
        notes: Vec::new(),
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
    notes: Vec<Error>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Delim {
    /// `[[ … ]]`
    Square,
    /// `{{ … }}`
    Curly,
}

impl Delim {
    fn wrap(self, inner: &str) -> String {
        match self {
            Delim::Square => format!("[[{inner}]]"),
            Delim::Curly => format!("{{{{ {inner} }}}}"),
        }
    }
}

/// An open `[[BEGIN ...]]` or `IF` waiting for its `END`.
struct Frame {
    kind: FrameKind,
    span: Span,
    delim: Delim,
    nodes: Vec<Node>,
}

enum FrameKind {
    Loop(Path),
    If {
        /// Arms already closed by an `ELSEIF` or `ELSE`.
        done: Vec<Branch>,
        /// The arm being read, with its tag; `None` once inside `ELSE`.
        arm: Option<(Cond, Span)>,
        keyword: &'static str,
    },
}

/// The logic keywords that make `{{ … }}` a tag.
const KEYWORDS: [&str; 6] = ["IF", "ELSEIF", "ELSE", "UNLESS", "END", "BEGIN"];

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

    fn note(&mut self, message: impl Into<String>, start: usize, end: usize) {
        if self.notes.len() < MAX_ERRORS {
            let span = self.span(start, end);
            self.notes
                .push(Error::warning(ErrorKind::Syntax, message, Some(span)));
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

    fn run(mut self) -> Result<Parsed, Vec<Error>> {
        let src = self.src;
        let mut root: Vec<Node> = Vec::new();
        let mut open: Vec<Frame> = Vec::new();
        // `pos`: where pending literal text starts; tags are searched from there.
        let mut pos = 0;
        while pos < src.len() && self.errors.len() < MAX_ERRORS {
            let Some((mut open_at, delim)) = self.find_tag(pos) else {
                current(&mut root, &mut open).push(self.text(pos, src.len()));
                break;
            };
            if delim == Delim::Square {
                // In `[[[BEGIN x]]` the first `[` is JSON: a tag opens at the last `[[` of a run.
                while src.as_bytes().get(open_at + 2) == Some(&b'[') {
                    open_at += 1;
                }
            }
            if open_at > pos {
                let node = self.text(pos, open_at);
                current(&mut root, &mut open).push(node);
            }
            let Some(close_at) = self.find_close(open_at, delim) else {
                break;
            };
            pos = close_at + 2;
            let tag_span = self.span(open_at, pos);
            let tokens = match self.lex(open_at + 2, close_at) {
                Some(tokens) => tokens,
                None => continue,
            };
            match self.tag(&tokens, open_at, pos, delim) {
                tag @ (Tag::Begin(_) | Tag::If(..)) => {
                    if open.len() >= MAX_LOOP_DEPTH {
                        self.error(
                            ErrorKind::Limit,
                            format!("loops and IF blocks nest deeper than {MAX_LOOP_DEPTH} levels"),
                            open_at,
                            pos,
                        );
                        // Further nesting would only repeat this error.
                        return Err(self.errors);
                    }
                    let kind = match tag {
                        Tag::Begin(list) => FrameKind::Loop(list),
                        Tag::If(cond, keyword) => FrameKind::If {
                            done: Vec::new(),
                            arm: Some((cond, tag_span)),
                            keyword,
                        },
                        _ => unreachable!("matched above"),
                    };
                    open.push(Frame {
                        kind,
                        span: tag_span,
                        delim,
                        nodes: Vec::new(),
                    });
                }
                Tag::ElseIf(cond) => self.else_arm(&mut open, Some(cond), tag_span, delim),
                Tag::Else => self.else_arm(&mut open, None, tag_span, delim),
                Tag::End(name) => match open.pop() {
                    Some(frame) => {
                        if let Some((name, at)) = name {
                            self.check_end_name(&frame, &name, at);
                        }
                        let node = close(frame);
                        current(&mut root, &mut open).push(node);
                    }
                    None => self.error(
                        ErrorKind::Syntax,
                        format!(
                            "`{}` without a `[[BEGIN ...]]` or `IF` before it",
                            delim.wrap("END")
                        ),
                        open_at,
                        pos,
                    ),
                },
                Tag::Output(expr) => {
                    if let Expr::Var(Path { item: true, .. }) = &expr {
                        if !open.iter().any(|f| matches!(f.kind, FrameKind::Loop(_))) {
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
                let (opening, closing) = match &frame.kind {
                    FrameKind::Loop(list) => (
                        format!("[[BEGIN {}]]", list.name),
                        Delim::Square.wrap("END"),
                    ),
                    FrameKind::If { keyword, .. } => (
                        frame.delim.wrap(&format!("{keyword} …")),
                        frame.delim.wrap("END"),
                    ),
                };
                self.errors.push(Error::at(
                    ErrorKind::Syntax,
                    format!("`{opening}` is never closed by `{closing}`"),
                    frame.span,
                ));
            }
        }
        if self.errors.is_empty() {
            Ok(Parsed {
                nodes: root,
                notes: self.notes,
            })
        } else {
            Err(self.errors)
        }
    }

    /// `ELSEIF cond` (`cond` given) or `ELSE`: closes the arm being read.
    fn else_arm(&mut self, open: &mut [Frame], cond: Option<Cond>, tag: Span, delim: Delim) {
        let word = if cond.is_some() { "ELSEIF" } else { "ELSE" };
        let Some(frame) = open.last_mut() else {
            self.error(
                ErrorKind::Syntax,
                format!("`{}` without an `IF` before it", delim.wrap(word)),
                tag.start,
                tag.end,
            );
            return;
        };
        match &mut frame.kind {
            FrameKind::Loop(list) => {
                let message = format!(
                    "`{}` inside `[[BEGIN {}]]` belongs to no `IF` (close the loop with `[[END]]` first, or open an `IF` inside it)",
                    delim.wrap(word),
                    list.name
                );
                self.error(ErrorKind::Syntax, message, tag.start, tag.end);
            }
            FrameKind::If { done, arm, .. } => match arm.take() {
                Some((previous, span)) => {
                    done.push(Branch {
                        cond: previous,
                        body: std::mem::take(&mut frame.nodes),
                        span,
                    });
                    *arm = cond.map(|c| (c, tag));
                }
                None => {
                    let message = if cond.is_some() {
                        "`ELSEIF` after `ELSE`: the `ELSE` arm must come last"
                    } else {
                        "a second `ELSE` for the same `IF`"
                    };
                    self.error(ErrorKind::Syntax, message, tag.start, tag.end);
                }
            },
        }
    }

    /// `END name` must name the block it closes (`END payments`, `END IF`).
    fn check_end_name(&mut self, frame: &Frame, name: &str, at: Span) {
        let fits = match &frame.kind {
            FrameKind::Loop(list) => list.name == name,
            FrameKind::If { .. } => {
                name.eq_ignore_ascii_case("IF") || name.eq_ignore_ascii_case("UNLESS")
            }
        };
        if !fits {
            let closes = match &frame.kind {
                FrameKind::Loop(list) => format!("`[[BEGIN {}]]`", list.name),
                FrameKind::If { keyword, .. } => format!("an `{keyword}`"),
            };
            self.error(
                ErrorKind::Syntax,
                format!("`END {name}` closes {closes}"),
                at.start,
                at.end,
            );
        }
    }

    /// The next tag at or after `from`: every `[[`, and each `{{` that holds a
    /// logic keyword (other `{{` are text).
    fn find_tag(&mut self, from: usize) -> Option<(usize, Delim)> {
        let bytes = self.src.as_bytes();
        let mut i = from;
        loop {
            let at = i + bytes[i..].iter().position(|&b| b == b'[' || b == b'{')?;
            if bytes.get(at + 1) != Some(&bytes[at]) {
                i = at + 1;
                continue;
            }
            if bytes[at] == b'[' {
                return Some((at, Delim::Square));
            }
            match self.curly_kind(at + 2) {
                Some(true) => return Some((at, Delim::Curly)),
                Some(false) => self.note(
                    "`{{ $… }}` is Blitz's variable output, which LoanPro does not document: it is left as text here; write `[[v('…')]]`",
                    at,
                    at + 2,
                ),
                None => {}
            }
            i = at + 2;
        }
    }

    /// After a `{{`: `Some(true)` when a logic keyword follows, `Some(false)`
    /// for a `$variable` (Blitz output, left as text), `None` otherwise.
    fn curly_kind(&self, from: usize) -> Option<bool> {
        let bytes = self.src.as_bytes();
        let mut i = from;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes.get(i) == Some(&b'$') {
            return Some(false);
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let word = &self.src[start..i];
        let ends = bytes.get(i).is_none_or(|&b| !is_name_byte(b) || b == b'$');
        (ends && KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word))).then_some(true)
    }

    /// The index of the `]]` (or `}}`) closing the tag opened at `open_at`,
    /// skipping quoted text; `[[ … ]]` nest. An unclosed tag is reported at its opening.
    fn find_close(&mut self, open_at: usize, delim: Delim) -> Option<usize> {
        let bytes = self.src.as_bytes();
        let mut i = open_at + 2;
        let mut quote: Option<(&'static [u8], usize)> = None;
        let mut depth = 1usize;
        let close = if delim == Delim::Square { b']' } else { b'}' };
        while i < bytes.len() {
            let b = bytes[i];
            match quote {
                Some((q, _)) if bytes[i..].starts_with(q) => {
                    i += q.len();
                    quote = None;
                    continue;
                }
                Some((_, _)) if b == b'\\' => i += 1,
                Some((_, at)) if b == b'\n' => {
                    self.error(ErrorKind::Syntax, "unclosed quote", at, at + 1);
                    return None;
                }
                Some(_) => {}
                None => {
                    if let Some((closing, width)) = opening_quote(&bytes[i..]) {
                        quote = Some((closing, i));
                        i += width;
                        continue;
                    }
                    if b == close && bytes.get(i + 1) == Some(&close) {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i);
                        }
                        i += 2;
                        continue;
                    }
                    if delim == Delim::Square && b == b'[' && bytes.get(i + 1) == Some(&b'[') {
                        depth += 1;
                        i += 2;
                        continue;
                    }
                }
            }
            i += 1;
        }
        match quote {
            Some((_, at)) => self.error(ErrorKind::Syntax, "unclosed quote", at, at + 1),
            None => {
                let (opening, closing) = match delim {
                    Delim::Square => ("[[", "]]"),
                    Delim::Curly => ("{{", "}}"),
                };
                self.error(
                    ErrorKind::Syntax,
                    format!("unclosed `{opening}`: expected `{closing}`"),
                    open_at,
                    open_at + 2,
                )
            }
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
            if matches!(b, b' ' | b'\t' | b'\r' | b'\n') {
                i += 1;
                continue;
            }
            if let Some((kind, width)) = operator(&bytes[i..end]) {
                i += width;
                tokens.push(Token {
                    kind,
                    start: from,
                    end: i,
                });
                continue;
            }
            let kind = match b {
                _ if opening_quote(&bytes[i..end]).is_some() => {
                    // find_close guarantees the quote is closed before `end`.
                    let (closing, width) = opening_quote(&bytes[i..end]).expect("checked");
                    if width > 1 {
                        self.note(
                            "curly quotes, as LoanPro's help pages print them; they are read as `'`, but type straight quotes to be safe in LoanPro",
                            i,
                            i + width,
                        );
                    }
                    let mut value = String::new();
                    let mut escapes = Vec::new();
                    i += width;
                    let mut run = i;
                    while !bytes[i..].starts_with(closing) {
                        if bytes[i] == b'\\' {
                            value.push_str(&self.src[run..i]);
                            escapes.push(value.len());
                            run = i + 1;
                            i += 1;
                        }
                        i += 1;
                    }
                    value.push_str(&self.src[run..i]);
                    i += closing.len();
                    Tok::Str {
                        value,
                        escapes,
                        quote: width,
                    }
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
                    let shown = &self.src[from..from + width];
                    let hint = match shown {
                        "&" => "; write `&&`",
                        "|" => "; write `||`",
                        _ => "",
                    };
                    self.error(
                        ErrorKind::Syntax,
                        format!("unexpected `{shown}` in a placeholder{hint}"),
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

    fn tag(&mut self, tokens: &[Token], open_at: usize, close_end: usize, delim: Delim) -> Tag {
        let keyword = match tokens.first() {
            Some(Token {
                kind: Tok::Name(n), ..
            }) => KEYWORDS.iter().copied().find(|k| k.eq_ignore_ascii_case(n)),
            _ => None,
        };
        let rest = tokens.get(1..).unwrap_or(&[]);
        match (keyword, tokens) {
            (_, []) => {
                self.error(
                    ErrorKind::Syntax,
                    "empty placeholder `[[]]`",
                    open_at,
                    close_end,
                );
                Tag::Invalid
            }
            (Some("END"), _) => match rest {
                [] => Tag::End(None),
                [Token {
                    kind: Tok::Name(name),
                    start,
                    end,
                }] => Tag::End(Some((name.clone(), self.span(*start, *end)))),
                [t, ..] => {
                    let (s, e) = (t.start, t.end);
                    self.error(
                        ErrorKind::Syntax,
                        format!(
                            "`END` takes nothing after it but the block's name: `{}`",
                            delim.wrap("END")
                        ),
                        s,
                        e,
                    );
                    Tag::Invalid
                }
            },
            (Some("BEGIN"), _) => match rest {
                [Token {
                    kind: Tok::Name(name),
                    start,
                    end,
                }] => Tag::Begin(self.path(name, *start, *end)),
                [Token {
                    kind: Tok::Str { value, .. },
                    start,
                    end,
                }] => Tag::Begin(Path {
                    name: value.clone(),
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
                    // Still a block, so its END is not reported too.
                    Tag::Begin(Path {
                        name: String::new(),
                        item: false,
                        span: self.span(open_at, close_end),
                    })
                }
            },
            (Some("IF" | "UNLESS" | "ELSEIF"), _) => {
                let word = keyword.expect("matched");
                // A broken condition still opens its block (its error is
                // reported), so the matching END does not report another.
                let cond = self
                    .condition(rest, word, open_at, close_end, delim)
                    .unwrap_or(Cond::Null {
                        span: self.span(open_at, close_end),
                    });
                match word {
                    "ELSEIF" => Tag::ElseIf(cond),
                    "UNLESS" => {
                        let span = cond.span();
                        Tag::If(Cond::Not(Box::new(cond), span), "UNLESS")
                    }
                    _ => Tag::If(cond, "IF"),
                }
            }
            (Some("ELSE"), _) => match rest {
                [] => Tag::Else,
                [Token {
                    kind: Tok::Name(n), ..
                }, cond @ ..]
                    if n.eq_ignore_ascii_case("IF") =>
                {
                    let cond = self
                        .condition(cond, "ELSE IF", open_at, close_end, delim)
                        .unwrap_or(Cond::Null {
                            span: self.span(open_at, close_end),
                        });
                    Tag::ElseIf(cond)
                }
                [t, ..] => {
                    let (s, e) = (t.start, t.end);
                    self.error(
                        ErrorKind::Syntax,
                        format!(
                            "`ELSE` takes no condition; write `{}`",
                            delim.wrap("ELSEIF …")
                        ),
                        s,
                        e,
                    );
                    Tag::Invalid
                }
            },
            (
                _,
                [Token {
                    kind: Tok::Name(name),
                    start,
                    end,
                }],
            ) if name.starts_with('$') => Tag::Output(Expr::Var(self.path(name, *start, *end))),
            (
                _,
                [Token {
                    kind: Tok::Name(name),
                    start,
                    end,
                }],
            ) => {
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
                        let (s, e) = (t.start, t.end);
                        self.error(
                            ErrorKind::Syntax,
                            "unexpected text after the expression",
                            s,
                            e,
                        );
                        Tag::Invalid
                    }
                    None => Tag::Invalid,
                }
            }
        }
    }

    /// The whole condition of an `IF`-like tag.
    fn condition(
        &mut self,
        tokens: &[Token],
        word: &str,
        open_at: usize,
        close_end: usize,
        delim: Delim,
    ) -> Option<Cond> {
        if tokens.is_empty() {
            self.error(
                ErrorKind::Syntax,
                format!(
                    "`{word}` needs a condition: `{}`",
                    delim.wrap(&format!("{word} $setup-payment > 100"))
                ),
                open_at,
                close_end,
            );
            return None;
        }
        let mut at = 0;
        let cond = self.cond_or(tokens, &mut at, 0)?;
        if let Some(t) = tokens.get(at) {
            let (s, e) = (t.start, t.end);
            let message = match t.kind {
                Tok::Close => "`)` without a `(` before it".to_string(),
                Tok::Cmp(_) => "comparisons cannot be chained; join two with `&&`".to_string(),
                _ => format!("unexpected `{}` after the condition", &self.src[s..e]),
            };
            self.error(ErrorKind::Syntax, message, s, e);
            return None;
        }
        Some(cond)
    }

    fn cond_or(&mut self, tokens: &[Token], at: &mut usize, depth: usize) -> Option<Cond> {
        let mut left = self.cond_and(tokens, at, depth)?;
        while matches!(tokens.get(*at).map(|t| &t.kind), Some(Tok::Or)) {
            *at += 1;
            let right = self.cond_and(tokens, at, depth)?;
            left = Cond::Or(Box::new(left), Box::new(right));
        }
        Some(left)
    }

    fn cond_and(&mut self, tokens: &[Token], at: &mut usize, depth: usize) -> Option<Cond> {
        let mut left = self.cond_eq(tokens, at, depth)?;
        while matches!(tokens.get(*at).map(|t| &t.kind), Some(Tok::And)) {
            *at += 1;
            let right = self.cond_eq(tokens, at, depth)?;
            left = Cond::And(Box::new(left), Box::new(right));
        }
        Some(left)
    }

    /// `a == b`, `a != b`: one at most (PHP does not chain them).
    fn cond_eq(&mut self, tokens: &[Token], at: &mut usize, depth: usize) -> Option<Cond> {
        let left = self.cond_rel(tokens, at, depth)?;
        match tokens.get(*at).map(|t| &t.kind) {
            Some(&Tok::Cmp(op @ (CmpOp::Eq | CmpOp::Ne))) => {
                *at += 1;
                let right = self.cond_rel(tokens, at, depth)?;
                Some(compare(op, left, right))
            }
            _ => Some(left),
        }
    }

    fn cond_rel(&mut self, tokens: &[Token], at: &mut usize, depth: usize) -> Option<Cond> {
        let left = self.cond_unary(tokens, at, depth)?;
        match tokens.get(*at).map(|t| &t.kind) {
            Some(&Tok::Cmp(op @ (CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge))) => {
                *at += 1;
                let right = self.cond_unary(tokens, at, depth)?;
                Some(compare(op, left, right))
            }
            Some(Tok::Assign) => {
                let t = &tokens[*at];
                let (s, e) = (t.start, t.end);
                self.error(
                    ErrorKind::Syntax,
                    "`=` is not a comparison; write `==`",
                    s,
                    e,
                );
                None
            }
            _ => Some(left),
        }
    }

    fn cond_unary(&mut self, tokens: &[Token], at: &mut usize, depth: usize) -> Option<Cond> {
        let Some(t) = tokens.get(*at) else {
            let end = tokens.last().map_or(0, |t| t.end);
            self.error(
                ErrorKind::Syntax,
                "the condition ends where a value was expected",
                end,
                end,
            );
            return None;
        };
        let (start, end) = (t.start, t.end);
        if depth >= MAX_COND_DEPTH {
            self.error(
                ErrorKind::Limit,
                format!("a condition nests deeper than {MAX_COND_DEPTH} levels"),
                start,
                end,
            );
            return None;
        }
        let span = self.span(start, end);
        *at += 1;
        match &t.kind {
            Tok::Not => {
                let inner = self.cond_unary(tokens, at, depth + 1)?;
                let span = self.span(start, inner.span().end);
                Some(Cond::Not(Box::new(inner), span))
            }
            Tok::Open => {
                let inner = self.cond_or(tokens, at, depth + 1)?;
                match tokens.get(*at) {
                    Some(Token {
                        kind: Tok::Close, ..
                    }) => {
                        *at += 1;
                        Some(inner)
                    }
                    _ => {
                        self.error(ErrorKind::Syntax, "unclosed `(`", start, end);
                        None
                    }
                }
            }
            Tok::Str { value, .. } => Some(Cond::Text(Spanned {
                value: value.clone(),
                span,
            })),
            Tok::Num(value) => Some(Cond::Number(Spanned {
                value: *value,
                span,
            })),
            Tok::Name(name) => {
                if matches!(tokens.get(*at).map(|t| &t.kind), Some(Tok::Open)) {
                    self.error(
                        ErrorKind::Syntax,
                        format!("`{name}(…)`: a condition compares variables, text and numbers, not function calls"),
                        start,
                        end,
                    );
                    return None;
                }
                let lower = name.to_ascii_lowercase();
                Some(match lower.as_str() {
                    "true" | "false" => Cond::Bool {
                        value: lower == "true",
                        span,
                    },
                    "null" => Cond::Null { span },
                    _ => Cond::Var(self.path(name, start, end)),
                })
            }
            _ => {
                self.error(
                    ErrorKind::Syntax,
                    format!(
                        "expected a variable, text or number, not `{}`",
                        &self.src[start..end]
                    ),
                    start,
                    end,
                );
                None
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

    /// `name(args)` at `tokens[*at]`; `v('path')` becomes a variable; a nested
    /// `[[ … ]]` is the expression inside it.
    fn expr(&mut self, tokens: &[Token], at: &mut usize, depth: usize) -> Option<Expr> {
        let first = &tokens[*at];
        if depth >= MAX_CALL_DEPTH {
            self.error(
                ErrorKind::Limit,
                format!("function calls nest deeper than {MAX_CALL_DEPTH} levels"),
                first.start,
                first.end,
            );
            return None;
        }
        if let Tok::OpenTag = first.kind {
            let open_start = first.start;
            *at += 1;
            if tokens
                .get(*at)
                .is_none_or(|t| matches!(t.kind, Tok::CloseTag))
            {
                self.error(
                    ErrorKind::Syntax,
                    "empty placeholder `[[]]`",
                    open_start,
                    open_start + 2,
                );
                return None;
            }
            let inner = self.expr(tokens, at, depth + 1)?;
            return match tokens.get(*at) {
                Some(Token {
                    kind: Tok::CloseTag,
                    ..
                }) => {
                    *at += 1;
                    Some(inner)
                }
                Some(t) => {
                    let (s, e) = (t.start, t.end);
                    self.error(
                        ErrorKind::Syntax,
                        "expected `]]` to close the nested placeholder",
                        s,
                        e,
                    );
                    None
                }
                None => {
                    self.error(
                        ErrorKind::Syntax,
                        "unclosed nested `[[`",
                        open_start,
                        open_start + 2,
                    );
                    None
                }
            };
        }
        let Tok::Name(name) = &first.kind else {
            self.error(
                ErrorKind::Syntax,
                "expected a function such as `v('loan-id')`",
                first.start,
                first.end,
            );
            return None;
        };
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
        // Each quoted argument's token, for evalFormula's offsets.
        let mut quoted: Vec<Option<usize>> = Vec::new();
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
                Tok::Str { value, .. } => {
                    quoted.push(Some(*at));
                    args.push(Arg::Text(Spanned {
                        value: value.clone(),
                        span,
                    }));
                    *at += 1;
                }
                Tok::Num(value) => {
                    quoted.push(None);
                    args.push(Arg::Number(Spanned {
                        value: *value,
                        span,
                    }));
                    *at += 1;
                }
                Tok::Name(_) | Tok::OpenTag => {
                    quoted.push(None);
                    args.push(Arg::Expr(self.expr(tokens, at, depth + 1)?));
                }
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
                [Arg::Text(Spanned { value, .. })] => Some(Expr::Var(Path {
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
        if function.role(0) == Role::Formula {
            let formula = match (&args[0], quoted[0]) {
                (Arg::Text(Spanned { span, .. }), Some(index)) => {
                    self.formula(&tokens[index], *span)?
                }
                (arg, _) => {
                    let s = arg.span();
                    self.error(
                        ErrorKind::Type,
                        "`evalFormula` takes its formula as quoted text: `evalFormula('(- status-scheduled-payments 1)')`",
                        s.start,
                        s.end,
                    );
                    return None;
                }
            };
            args[0] = Arg::Formula(Box::new(formula));
        }
        Some(Expr::Call {
            function,
            args,
            span,
        })
    }

    /// Parses and compiles `evalFormula`'s quoted rule, reporting its errors
    /// where they sit in the template.
    fn formula(&mut self, token: &Token, span: Span) -> Option<Formula> {
        let Tok::Str {
            value,
            escapes,
            quote,
        } = &token.kind
        else {
            return None;
        };
        let start = token.start + quote;
        let offset = |at: usize| start + at + escapes.iter().filter(|&&e| e <= at).count();
        let compiled = Rule::parse(value).and_then(|rule| {
            let compiled = rule.compile()?;
            Ok((rule, compiled))
        });
        match compiled {
            Ok((rule, compiled)) => {
                let mut cost = 0;
                let mut stack = vec![rule.expr()];
                while let Some(e) = stack.pop() {
                    cost += 1;
                    if let ExprKind::List(items) | ExprKind::Vector(items) | ExprKind::Set(items) =
                        &e.kind
                    {
                        stack.extend(items);
                    }
                }
                Some(Formula {
                    text: value.clone(),
                    span,
                    start,
                    escapes: escapes.clone(),
                    compiled: Arc::new(compiled),
                    rule,
                    cost,
                })
            }
            Err(errors) => {
                for e in errors {
                    let (from, to) = match e.span {
                        Some(s) => (offset(s.start), offset(s.end)),
                        None => (span.start, span.end),
                    };
                    let to = to.min(span.end).max(from);
                    self.error(e.kind, format!("in evalFormula: {}", e.message), from, to);
                }
                None
            }
        }
    }
}

fn compare(op: CmpOp, left: Cond, right: Cond) -> Cond {
    let (l, r) = (left.span(), right.span());
    Cond::Compare {
        op,
        left: Box::new(left),
        right: Box::new(right),
        span: Span {
            start: l.start,
            end: r.end,
            line: l.line,
            col: l.col,
        },
    }
}

/// The node a closed block becomes.
fn close(frame: Frame) -> Node {
    match frame.kind {
        FrameKind::Loop(list) => Node::Loop {
            list,
            body: frame.nodes,
            span: frame.span,
        },
        FrameKind::If { mut done, arm, .. } => {
            let otherwise = match arm {
                Some((cond, span)) => {
                    done.push(Branch {
                        cond,
                        body: frame.nodes,
                        span,
                    });
                    None
                }
                None => Some(frame.nodes),
            };
            Node::If {
                branches: done,
                otherwise,
                span: frame.span,
            }
        }
    }
}

/// A quote opening at the start of `bytes`: the bytes that close it and its width.
/// `'` and `"` close themselves; LoanPro's help pages print `‘…’` and `“…”`.
pub(super) fn opening_quote(bytes: &[u8]) -> Option<(&'static [u8], usize)> {
    match bytes {
        [b'\'', ..] => Some((b"'", 1)),
        [b'"', ..] => Some((b"\"", 1)),
        [0xE2, 0x80, 0x98, ..] => Some(("\u{2019}".as_bytes(), 3)),
        [0xE2, 0x80, 0x9C, ..] => Some(("\u{201D}".as_bytes(), 3)),
        _ => None,
    }
}

fn current<'a>(root: &'a mut Vec<Node>, open: &'a mut [Frame]) -> &'a mut Vec<Node> {
    match open.last_mut() {
        Some(frame) => &mut frame.nodes,
        None => root,
    }
}

/// The punctuation or operator at the start of `rest` (a placeholder's
/// remaining text) and its width.
fn operator(rest: &[u8]) -> Option<(Tok, usize)> {
    let pair = |c: u8| rest.get(1) == Some(&c);
    Some(match rest.first()? {
        b'(' => (Tok::Open, 1),
        b')' => (Tok::Close, 1),
        b',' => (Tok::Comma, 1),
        b'[' if pair(b'[') => (Tok::OpenTag, 2),
        b']' if pair(b']') => (Tok::CloseTag, 2),
        b'=' if pair(b'=') => (Tok::Cmp(CmpOp::Eq), 2),
        b'!' if pair(b'=') => (Tok::Cmp(CmpOp::Ne), 2),
        b'<' if pair(b'=') => (Tok::Cmp(CmpOp::Le), 2),
        b'>' if pair(b'=') => (Tok::Cmp(CmpOp::Ge), 2),
        b'<' => (Tok::Cmp(CmpOp::Lt), 1),
        b'>' => (Tok::Cmp(CmpOp::Gt), 1),
        b'!' => (Tok::Not, 1),
        b'=' => (Tok::Assign, 1),
        b'&' if pair(b'&') => (Tok::And, 2),
        b'|' if pair(b'|') => (Tok::Or, 2),
        _ => return None,
    })
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
    /// Quoted text; `escapes` are the value offsets of characters written
    /// after a `\`, `quote` the width of the opening quote.
    Str {
        value: String,
        escapes: Vec<usize>,
        quote: usize,
    },
    Num(Decimal),
    Open,
    Close,
    Comma,
    /// A nested `[[` inside a tag.
    OpenTag,
    CloseTag,
    Cmp(CmpOp),
    Assign,
    And,
    Or,
    Not,
}

enum Tag {
    Begin(Path),
    End(Option<(String, Span)>),
    If(Cond, &'static str),
    ElseIf(Cond),
    Else,
    Output(Expr),
    Invalid,
}
