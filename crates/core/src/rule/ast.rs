//! The syntax tree of a rule: atoms and bracketed forms, each with the span it
//! was read from. The parser guarantees nesting no deeper than
//! [`MAX_DEPTH`](super::MAX_DEPTH), so walking it recursively is safe.

use rust_decimal::Decimal;

use crate::error::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Nil,
    Bool(bool),
    /// Exact, with the scale it was written with (`158.70`).
    Number(Decimal),
    Text(String),
    /// `:date`, stored without its colon.
    Keyword(String),
    /// A function name in head position, a variable path anywhere else.
    Symbol(String),
    /// `(f arg ...)`
    List(Vec<Expr>),
    /// `[a b]`
    Vector(Vec<Expr>),
    /// `#{a b}`
    Set(Vec<Expr>),
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }

    /// Structural equality that ignores spans but not how a number was
    /// written (`5` and `5.0` differ): what "formatting keeps the meaning" and
    /// the builder round trip promise.
    pub fn same(&self, other: &Expr) -> bool {
        use ExprKind::*;
        match (&self.kind, &other.kind) {
            (Number(a), Number(b)) => a == b && a.scale() == b.scale(),
            (List(a), List(b)) | (Vector(a), Vector(b)) | (Set(a), Set(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(y))
            }
            (a, b) => a == b,
        }
    }

    /// The function name of a call: `and` in `(and ...)`.
    pub fn head(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::List(items) => match items.first().map(|e| &e.kind) {
                Some(ExprKind::Symbol(name)) => Some(name),
                _ => None,
            },
            _ => None,
        }
    }

    /// The arguments of a call (everything after the head).
    pub fn args(&self) -> &[Expr] {
        match &self.kind {
            ExprKind::List(items) if !items.is_empty() => &items[1..],
            _ => &[],
        }
    }

    pub fn is_atom(&self) -> bool {
        !matches!(
            self.kind,
            ExprKind::List(_) | ExprKind::Vector(_) | ExprKind::Set(_)
        )
    }
}
