//! The canonical layout: a form that fits in [`WIDTH`] columns stays on one
//! line; a longer one puts its head on the opening line and each argument on
//! its own line, indented two columns. The layout depends only on the syntax
//! tree, so formatting is idempotent and never changes meaning.
//! Comments are not part of the tree and are dropped.

use crate::error::Error;

use super::ast::{Expr, ExprKind};
use super::parser;
use super::print;

/// The line width the formatter keeps to.
pub const WIDTH: usize = 100;

/// Parses `source` and prints it in the canonical layout.
pub fn format(source: &str) -> Result<String, Vec<Error>> {
    Ok(format_expr(&parser::parse(source)?))
}

/// Prints a syntax tree in the canonical layout.
pub fn format_expr(expr: &Expr) -> String {
    let mut sizes = Vec::new();
    measure(expr, &mut sizes);
    let mut out = String::new();
    let mut next = 0;
    write(expr, 0, &sizes, &mut next, &mut out);
    out
}

/// Per node in pre-order: (width on one line, number of nodes in its subtree).
fn measure(e: &Expr, sizes: &mut Vec<(usize, usize)>) -> (usize, usize) {
    let index = sizes.len();
    sizes.push((0, 1));
    let size = match children(e) {
        None => (atom(e).chars().count(), 1),
        Some((open, items, close)) => {
            let mut width = open.len() + close.len() + items.len().saturating_sub(1);
            let mut count = 1;
            for item in items {
                let (w, c) = measure(item, sizes);
                width += w;
                count += c;
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

fn write(e: &Expr, col: usize, sizes: &[(usize, usize)], next: &mut usize, out: &mut String) {
    let (width, count) = sizes[*next];
    let Some((open, items, close)) = children(e) else {
        *next += 1;
        out.push_str(&atom(e));
        return;
    };
    if col + width <= WIDTH || items.is_empty() {
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
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push('\n');
            out.extend(std::iter::repeat_n(' ', inner));
            write(item, inner, sizes, next, out);
        } else {
            write(item, col + open.len(), sizes, next, out);
        }
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
