//! The parsed form of a template: literal text, placeholders and loops, each
//! with the span of the source that wrote it so render errors point back there.

use rust_decimal::Decimal;

use crate::error::Span;

/// One piece of a template, in source order.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Text copied byte for byte. `json` and `url` are precomputed lexical
    /// transitions so rendering never rescans literal text.
    Text {
        span: Span,
        json: JsonTransition,
        url: UrlTransition,
    },
    /// `[[ ... ]]` that prints a value.
    Output { expr: Expr, span: Span },
    /// `[[BEGIN list]] body [[END]]`: `span` covers the `[[BEGIN ...]]` tag.
    Loop {
        list: Path,
        body: Vec<Node>,
        span: Span,
    },
}

/// A variable path as written, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    pub name: String,
    /// True for `$field`: read from the current loop item, not the context.
    pub item: bool,
    pub span: Span,
}

/// What a placeholder computes.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `v('path')` or `$field`.
    Var(Path),
    /// `formatNumber(...)`, `mathAdd(...)`, ...
    Call {
        function: super::functions::Function,
        args: Vec<Arg>,
        span: Span,
    },
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Var(path) => path.span,
            Expr::Call { span, .. } => *span,
        }
    }
}

/// A function argument. Quoted text is a variable name or a literal,
/// depending on the function (LoanPro writes `mathAdd('setup-loan-amount', ...)`
/// and `formatNumber('1000', '2', ...)` alike).
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text { value: String, span: Span },
    Number { value: Decimal, span: Span },
    Expr(Expr),
}

impl Arg {
    pub fn span(&self) -> Span {
        match self {
            Arg::Text { span, .. } | Arg::Number { span, .. } => *span,
            Arg::Expr(expr) => expr.span(),
        }
    }
}

/// Where JSON text stands lexically: outside any string, inside one, or
/// just after a backslash inside one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonState {
    Outside = 0,
    InString = 1,
    Escape = 2,
}

/// The JSON state after a literal text, for each state before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonTransition(pub [JsonState; 3]);

impl JsonTransition {
    pub fn of(text: &[u8]) -> JsonTransition {
        use JsonState::*;
        let mut states = [Outside, InString, Escape];
        for &b in text {
            for s in &mut states {
                *s = match (*s, b) {
                    (Outside, b'"') => InString,
                    (Outside, _) => Outside,
                    (InString, b'"') => Outside,
                    (InString, b'\\') => Escape,
                    (InString, _) => InString,
                    (Escape, _) => InString,
                };
            }
        }
        JsonTransition(states)
    }

    pub fn after(self, before: JsonState) -> JsonState {
        self.0[before as usize]
    }
}

/// Which part of a URL output has reached, for percent-encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum UrlPart {
    /// Scheme, authority and path: values are encoded as one path segment.
    Path,
    Query,
    Fragment,
}

/// How a literal text moves the URL part along (`?` starts the query, `#` the fragment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrlTransition {
    pub query: bool,
    pub fragment: bool,
}

impl UrlTransition {
    pub fn of(text: &[u8]) -> UrlTransition {
        UrlTransition {
            query: text.contains(&b'?'),
            fragment: text.contains(&b'#'),
        }
    }

    pub fn after(self, before: UrlPart) -> UrlPart {
        if self.fragment {
            UrlPart::Fragment
        } else if self.query && before == UrlPart::Path {
            UrlPart::Query
        } else {
            before
        }
    }
}
