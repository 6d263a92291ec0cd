//! The canonical layout: a form that fits in [`WIDTH`] columns stays on one
//! line; a longer one puts its head on the opening line and each argument on
//! its own line, indented two columns. The layout depends only on the syntax
//! tree, so formatting is idempotent and never changes meaning.
//! Comments are not part of the tree: [`format`] takes them from the text
//! between its nodes and keeps each one, on its line after the item it
//! followed there or on a line of its own before the next; a form holding one
//! is never put on one line (a comment runs to the end of its line). A form
//! dropped by `#_` is kept the same way, as written.

use crate::error::Error;

use super::ast::{Expr, ExprKind};
use super::parser;
use super::print;

/// The line width the formatter keeps to.
pub const WIDTH: usize = 100;

/// Parses `source` and prints it in the canonical layout, its comments kept.
pub fn format(source: &str) -> Result<String, Vec<Error>> {
    let expr = parser::parse(source)?;
    let mut comments = Comments::of(source, &expr);
    let mut out = String::new();
    while let Some(text) = comments.before(expr.span.start) {
        out.push_str(text);
        out.push('\n');
    }
    write_tree(&expr, &mut comments, &mut out);
    if let Some(text) = comments.same_line(source.len()) {
        out.push(' ');
        out.push_str(text);
    }
    while let Some(text) = comments.before(source.len()) {
        out.push('\n');
        out.push_str(text);
    }
    Ok(out)
}

/// Prints a syntax tree in the canonical layout.
pub fn format_expr(expr: &Expr) -> String {
    let mut out = String::new();
    write_tree(expr, &mut Comments::default(), &mut out);
    out
}

/// Whether `source`, read as `expr`, holds a comment.
pub(super) fn has_comments(source: &str, expr: &Expr) -> bool {
    !Comments::of(source, expr).list.is_empty()
}

fn write_tree(expr: &Expr, comments: &mut Comments, out: &mut String) {
    let mut sizes = Vec::new();
    measure(expr, comments, &mut sizes);
    let mut next = 0;
    write(expr, 0, &sizes, &mut next, comments, out);
}

/// A rule's comments in text order, each with whether it follows an item on
/// that item's line; `next` is the first not yet written.
#[derive(Default)]
struct Comments<'s> {
    list: Vec<(usize, &'s str, bool)>,
    next: usize,
}

impl<'s> Comments<'s> {
    /// The comments between `expr`'s nodes (all the text outside its atoms
    /// that is not whitespace, a comma or a bracket).
    fn of(source: &'s str, expr: &Expr) -> Comments<'s> {
        let mut list = Vec::new();
        gap(source, 0, expr.span.start, false, &mut list);
        collect(source, expr, &mut list);
        gap(source, expr.span.end, source.len(), true, &mut list);
        Comments { list, next: 0 }
    }

    /// Whether a comment lies inside `span`.
    fn inside(&self, span: &crate::error::Span) -> bool {
        let i = self.list.partition_point(|c| c.0 < span.start);
        self.list.get(i).is_some_and(|c| c.0 < span.end)
    }

    /// The next comment, if it starts before `end`.
    fn before(&mut self, end: usize) -> Option<&'s str> {
        let &(start, text, _) = self.list.get(self.next)?;
        (start < end).then(|| {
            self.next += 1;
            text
        })
    }

    /// The next comment, if it starts before `end` on the line of the item just written.
    fn same_line(&mut self, end: usize) -> Option<&'s str> {
        match self.list.get(self.next) {
            Some(&(start, _, true)) if start < end => self.before(end),
            _ => None,
        }
    }
}

/// The comments of every gap between a form's brackets and items, in text order.
fn collect<'s>(source: &'s str, e: &Expr, list: &mut Vec<(usize, &'s str, bool)>) {
    let Some((open, items, close)) = children(e) else {
        return;
    };
    let mut from = (e.span.start + open.len(), false);
    for item in items {
        gap(source, from.0, item.span.start, from.1, list);
        collect(source, item, list);
        from = (item.span.end, true);
    }
    let end = e.span.end.saturating_sub(close.len()).max(from.0);
    gap(source, from.0, end, from.1, list);
}

/// The `;` comments and `#_` forms in `source[start..end]`, which holds no
/// token of the tree; the first is on an item's line when `after_item` and no
/// line break comes before it. A `#_` form is kept as written, like a comment.
fn gap<'s>(
    source: &'s str,
    start: usize,
    end: usize,
    after_item: bool,
    list: &mut Vec<(usize, &'s str, bool)>,
) {
    let Some(text) = source.get(start..end) else {
        return;
    };
    let (mut at, mut broken) = (0, !after_item);
    while let Some(found) = text[at..].find([';', '#']) {
        let from = at + found;
        broken |= text[at..from].contains('\n');
        let to = match text[from..].starts_with(';') {
            true => text[from..].find('\n').map_or(text.len(), |n| from + n),
            false => dropped_end(text, from),
        };
        list.push((start + from, text[from..to].trim_end(), !broken));
        at = to.max(from + 1);
    }
}

/// Where the forms dropped by the `#_` at `from` end (`#_ #_ a b` drops two).
/// The parser has read them, so they are whole.
fn dropped_end(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let (mut at, mut waiting) = (from, 0);
    loop {
        while at < bytes.len() && (bytes[at].is_ascii_whitespace() || bytes[at] == b',') {
            at += 1;
        }
        if bytes.get(at) == Some(&b';') {
            at = text[at..].find('\n').map_or(text.len(), |n| at + n);
            continue;
        }
        if text[at..].starts_with("#_") {
            waiting += 1;
            at += 2;
            continue;
        }
        if waiting == 0 || at >= bytes.len() {
            return at.min(text.len());
        }
        at = form_end(text, at);
        waiting -= 1;
        if waiting == 0 {
            return at;
        }
    }
}

/// The end of the form starting at `at`: a bracketed form to its closer
/// (strings and comments skipped), a string to its quote, an atom to a delimiter.
fn form_end(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = at;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                if depth == 0 {
                    return i.min(text.len());
                }
                continue;
            }
            b';' if depth > 0 => {
                i = text[i..].find('\n').map_or(text.len(), |n| i + n);
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            c if depth == 0 && (c.is_ascii_whitespace() || c == b',' || c == b';') => return i,
            _ => {}
        }
        i += 1;
    }
    text.len()
}

/// Per node in pre-order: (width on one line, number of nodes in its subtree).
/// A form holding a comment is wider than any line.
fn measure(e: &Expr, comments: &Comments, sizes: &mut Vec<(usize, usize)>) -> (usize, usize) {
    let index = sizes.len();
    sizes.push((0, 1));
    let size = match children(e) {
        None => (atom(e).chars().count(), 1),
        Some((open, items, close)) => {
            let mut width = open.len() + close.len() + items.len().saturating_sub(1);
            let mut count = 1;
            for item in items {
                let (w, c) = measure(item, comments, sizes);
                width = width.saturating_add(w);
                count += c;
            }
            if comments.inside(&e.span) {
                width = usize::MAX;
            }
            (width, count)
        }
    };
    sizes[index] = size;
    size
}

fn children(e: &Expr) -> Option<(&'static str, &[Expr], &'static str)> {
    match &e.kind {
        ExprKind::List(items) => Some(("(", items, ")")),
        ExprKind::Vector(items) => Some(("[", items, "]")),
        ExprKind::Set(items) => Some(("#{", items, "}")),
        _ => None,
    }
}

fn write(
    e: &Expr,
    col: usize,
    sizes: &[(usize, usize)],
    next: &mut usize,
    comments: &mut Comments,
    out: &mut String,
) {
    let (width, count) = sizes[*next];
    let Some((open, items, close)) = children(e) else {
        *next += 1;
        out.push_str(&atom(e));
        return;
    };
    if col.saturating_add(width) <= WIDTH || (items.is_empty() && width != usize::MAX) {
        *next += count;
        write_flat(e, out);
        return;
    }
    *next += 1;
    out.push_str(open);
    // Lists keep their head on the first line; collections their first item.
    let inner = match e.kind {
        ExprKind::List(_) => col + 2,
        _ => col + open.len(),
    };
    let new_line = |out: &mut String, indent: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', indent));
    };
    // A comment runs to the end of its line, so a line break always follows one.
    let mut after_comment = false;
    for (i, item) in items.iter().enumerate() {
        let indent = if i > 0 { inner } else { col + open.len() };
        if i > 0 {
            new_line(out, indent);
        }
        while let Some(text) = comments.before(item.span.start) {
            out.push_str(text);
            new_line(out, indent);
        }
        write(item, indent, sizes, next, comments, out);
        let bound = items.get(i + 1).map_or(e.span.end, |n| n.span.start);
        after_comment = match comments.same_line(bound) {
            Some(text) => {
                out.push(' ');
                out.push_str(text);
                true
            }
            None => false,
        };
    }
    while let Some(text) = comments.before(e.span.end) {
        new_line(out, inner);
        out.push_str(text);
        after_comment = true;
    }
    if after_comment {
        new_line(out, col);
    }
    out.push_str(close);
}

fn write_flat(e: &Expr, out: &mut String) {
    match children(e) {
        None => out.push_str(&atom(e)),
        Some((open, items, close)) => print::write_joined(open, items, close, out, write_flat),
    }
}

/// An atom as canonical text.
pub(crate) fn atom(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Nil => "nil".into(),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Number(n) => n.to_string(),
        ExprKind::Text(s) => quote(s),
        ExprKind::Keyword(k) => format!(":{k}"),
        ExprKind::Symbol(s) => s.clone(),
        _ => String::new(),
    }
}

/// A string literal that the lexer reads back as `s`.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    print::write_quoted(s, true, &mut out);
    out
}
