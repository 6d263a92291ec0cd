//! Builds the syntax tree from tokens without recursion: open brackets push a
//! frame, closers pop it. Depth is bounded by [`MAX_DEPTH`], so 100,000 nested
//! parentheses give one error, not a stack overflow. Unclosed brackets are
//! reported at the opener, stray closers at themselves. A form after `#_` is
//! read and dropped, as Clojure's reader drops it; the text keeps it (the
//! formatter keeps it beside the comments).

use crate::error::{Error, ErrorKind, LineIndex, Span};

use super::ast::{Expr, ExprKind};
use super::lexer::{lex, Delim, Tok, Token};
use super::MAX_DEPTH;

/// Parsing stops collecting after this many errors; the rest are noise.
const MAX_ERRORS: usize = 20;

struct Frame {
    delim: Delim,
    /// The opener's span, computed when it was read.
    open: Span,
    items: Vec<Expr>,
    /// The `#_`s at this level still waiting for the form they drop.
    discards: Vec<Span>,
}

/// Computes spans for positions that mostly move forward, in time linear in
/// the text: a 10 MB rule on one line must not recount its line per token.
pub(crate) struct Locator<'s> {
    src: &'s str,
    lines: LineIndex,
    offset: usize,
    line: usize,
    col: usize,
}

impl<'s> Locator<'s> {
    pub(crate) fn new(src: &'s str) -> Locator<'s> {
        Locator {
            src,
            lines: LineIndex::new(src),
            offset: 0,
            line: 1,
            col: 1,
        }
    }

    pub(crate) fn span(&mut self, start: usize, end: usize) -> Span {
        if start < self.offset || !self.src.is_char_boundary(start) {
            return self.lines.span(self.src, start, end);
        }
        for c in self.src[self.offset..start].chars() {
            if c == '\n' {
                self.line += 1;
                self.col = 1;
            } else {
                self.col += 1;
            }
        }
        self.offset = start;
        Span {
            start,
            end: end.clamp(start, self.src.len()),
            line: self.line,
            col: self.col,
        }
    }
}

/// Parses one rule expression.
pub(crate) fn parse(src: &str) -> Result<Expr, Vec<Error>> {
    let (tokens, mut errors) = lex(src, &mut Locator::new(src));
    if let Some(limit) = errors.iter().find(|e| e.kind == ErrorKind::Limit) {
        // The text was cut short; anything else said about it would be noise.
        return Err(vec![limit.clone()]);
    }
    let mut locator = Locator::new(src);
    let mut span = |start, end| locator.span(start, end);
    let mut stack: Vec<Frame> = Vec::new();
    let mut top: Vec<Expr> = Vec::new();
    let mut top_discards: Vec<Span> = Vec::new();

    for Token { tok, start, end } in tokens {
        if errors.len() >= MAX_ERRORS {
            break;
        }
        let atom = match tok {
            Tok::Open(delim) => {
                if stack.len() >= MAX_DEPTH {
                    errors.push(Error::at(
                        ErrorKind::Limit,
                        format!("nesting deeper than {MAX_DEPTH} levels"),
                        span(start, end),
                    ));
                    return Err(errors);
                }
                stack.push(Frame {
                    delim,
                    open: span(start, end),
                    items: Vec::new(),
                    discards: Vec::new(),
                });
                continue;
            }
            Tok::Discard => {
                match stack.last_mut() {
                    Some(frame) => frame.discards.push(span(start, end)),
                    None => top_discards.push(span(start, end)),
                }
                continue;
            }
            Tok::Close(delim) => {
                let Some(frame) = stack.pop() else {
                    errors.push(Error::at(
                        ErrorKind::Syntax,
                        format!("unexpected `{}`: nothing to close", delim.close()),
                        span(start, end),
                    ));
                    continue;
                };
                if frame.delim == delim {
                    close(frame, end, &mut errors)
                } else {
                    let opener = frame.open;
                    errors.push(Error::at(
                        ErrorKind::Syntax,
                        format!(
                            "expected `{}` to close `{}` at {}:{}, found `{}`",
                            frame.delim.close(),
                            frame.delim.open(),
                            opener.line,
                            opener.col,
                            delim.close()
                        ),
                        span(start, end),
                    ));
                    // If an outer bracket matches, the inner one was left open:
                    // close it here and let the closer close the outer one, so
                    // one typo gives one error.
                    if stack.last().is_some_and(|f| f.delim == delim) {
                        let inner = close(frame, start, &mut errors);
                        let mut outer = stack.pop().expect("checked above");
                        outer.items.push(inner);
                        close(outer, end, &mut errors)
                    } else {
                        close(frame, end, &mut errors)
                    }
                }
            }
            Tok::Text(s) => Expr::new(ExprKind::Text(s), span(start, end)),
            Tok::Number(n) => Expr::new(ExprKind::Number(n), span(start, end)),
            Tok::Keyword(k) => Expr::new(ExprKind::Keyword(k), span(start, end)),
            Tok::Symbol(s) => Expr::new(ExprKind::Symbol(s), span(start, end)),
            Tok::Nil => Expr::new(ExprKind::Nil, span(start, end)),
            Tok::Bool(b) => Expr::new(ExprKind::Bool(b), span(start, end)),
        };
        // A form right after `#_` is dropped.
        let (items, discards) = match stack.last_mut() {
            Some(frame) => (&mut frame.items, &mut frame.discards),
            None => (&mut top, &mut top_discards),
        };
        if discards.pop().is_none() {
            items.push(atom);
        }
    }
    for discard in top_discards.into_iter().take(1) {
        errors.push(nothing_to_discard(discard));
    }
    // An unterminated string swallowed the closers; its error says enough.
    let string_open = errors.iter().any(|e| e.message == "unterminated string");
    for frame in stack.iter().filter(|_| !string_open).take(MAX_ERRORS) {
        errors.push(Error::at(
            ErrorKind::Syntax,
            format!("unclosed `{}`", frame.delim.open()),
            frame.open,
        ));
    }
    if !errors.is_empty() {
        crate::order::sort_by_key(&mut errors, |e| e.span.map_or(0, |s| s.start));
        errors.truncate(MAX_ERRORS);
        return Err(errors);
    }
    match top.len() {
        0 => Err(vec![Error::new(
            ErrorKind::Syntax,
            "empty rule: write an expression such as (= loan-status \"Open\")",
            None,
        )]),
        1 => Ok(top.pop().expect("one expression")),
        _ => {
            let extra = Span::locate(src, top[1].span.start, top[top.len() - 1].span.end);
            Err(vec![Error::at(
                ErrorKind::Syntax,
                "a rule is one expression; wrap several in (and ...) or (or ...)",
                extra,
            )])
        }
    }
}

fn nothing_to_discard(at: Span) -> Error {
    Error::at(
        ErrorKind::Syntax,
        "`#_` drops the form after it, and none follows",
        at,
    )
}

fn close(frame: Frame, end: usize, errors: &mut Vec<Error>) -> Expr {
    if let Some(&discard) = frame.discards.first() {
        errors.push(nothing_to_discard(discard));
    }
    let whole = Span {
        end: end.max(frame.open.start),
        ..frame.open
    };
    if frame.delim == Delim::Set {
        check_set_duplicates(&frame.items, errors);
    }
    let kind = match frame.delim {
        Delim::Paren => ExprKind::List(frame.items),
        Delim::Bracket => ExprKind::Vector(frame.items),
        Delim::Set => ExprKind::Set(frame.items),
    };
    Expr::new(kind, whole)
}

/// Whether Clojure's reader counts two literal members as one: equal text,
/// keywords, booleans, nil, and equal numbers of the same kind (`1` and `1`,
/// `1.0` and `1.00`; `1` and `1.0` are a long and a decimal, both kept).
fn same_member(a: &Expr, b: &Expr) -> bool {
    match (&a.kind, &b.kind) {
        (ExprKind::Number(x), ExprKind::Number(y)) => {
            x == y && (x.scale() == 0) == (y.scale() == 0)
        }
        (x, y) => x == y,
    }
}

/// Clojure refuses `#{"Open" "Open"}`; so do we, for literal members.
fn check_set_duplicates(items: &[Expr], errors: &mut Vec<Error>) {
    // The check is quadratic; huge sets (hostile input) skip it.
    if items.len() > 512 {
        return;
    }
    for (i, item) in items.iter().enumerate() {
        if !item.is_atom() || matches!(item.kind, ExprKind::Symbol(_)) {
            continue;
        }
        if items[..i].iter().any(|earlier| same_member(earlier, item)) {
            errors.push(Error::at(
                ErrorKind::Syntax,
                "duplicate member in set literal",
                item.span,
            ));
        }
    }
}
