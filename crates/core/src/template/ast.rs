//! The parsed form of a template: literal text, placeholders, loops and
//! conditionals, each with the span of the source that wrote it so render
//! errors point back there.

use std::sync::Arc;

use rust_decimal::Decimal;

use crate::error::Span;
use crate::rule::{CompiledRule, Rule};

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
    /// `{{ IF cond }} … {{ ELSEIF cond }} … {{ ELSE }} … {{ END }}` (or the
    /// same with `[[ ]]`, or `UNLESS`): the first branch whose condition holds
    /// renders, else `otherwise`. `span` covers the opening tag.
    If {
        branches: Vec<Branch>,
        otherwise: Option<Vec<Node>>,
        span: Span,
    },
}

impl Node {
    /// The source this node was written as (for a loop or conditional, its opening tag).
    pub fn span(&self) -> Span {
        match self {
            Node::Text { span, .. }
            | Node::Output { span, .. }
            | Node::Loop { span, .. }
            | Node::If { span, .. } => *span,
        }
    }
}

/// One `IF` / `ELSEIF` / `UNLESS` arm: its condition (an `UNLESS` arm is
/// stored negated) and the nodes it renders. `span` covers its tag.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    pub cond: Cond,
    pub body: Vec<Node>,
    pub span: Span,
}

/// A literal as written in the template (quoted text, a number) and its place.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// A Blitz condition, with PHP's meaning: `!` binds tightest, then `< <= > >=`,
/// then `== !=`, then `&&`, then `||`. Bare names and `$names` are variables.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// A variable: the current loop items are searched innermost first, then the context.
    Var(Path),
    Text(Spanned<String>),
    Number(Spanned<Decimal>),
    Bool {
        value: bool,
        span: Span,
    },
    Null {
        span: Span,
    },
    Not(Box<Cond>, Span),
    Compare {
        op: CmpOp,
        left: Box<Cond>,
        right: Box<Cond>,
        span: Span,
    },
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
}

impl Cond {
    pub fn span(&self) -> Span {
        match self {
            Cond::Var(path) => path.span,
            Cond::Text(Spanned { span, .. })
            | Cond::Number(Spanned { span, .. })
            | Cond::Bool { span, .. }
            | Cond::Null { span }
            | Cond::Not(_, span)
            | Cond::Compare { span, .. } => *span,
            Cond::And(a, b) | Cond::Or(a, b) => {
                let (a, b) = (a.span(), b.span());
                Span {
                    start: a.start,
                    end: b.end,
                    line: a.line,
                    col: a.col,
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
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
    Text(Spanned<String>),
    Number(Spanned<Decimal>),
    Expr(Expr),
    /// `evalFormula`'s quoted rule, parsed and compiled with the template.
    Formula(Box<Formula>),
}

impl Arg {
    pub fn span(&self) -> Span {
        match self {
            Arg::Text(Spanned { span, .. }) | Arg::Number(Spanned { span, .. }) => *span,
            Arg::Expr(expr) => expr.span(),
            Arg::Formula(formula) => formula.span,
        }
    }
}

/// The rule-language formula of an `evalFormula('…')`, compiled once when the
/// template is parsed and evaluated by the rule engine at each render.
#[derive(Debug, Clone)]
pub struct Formula {
    /// The formula as the rule engine reads it (quotes and escapes removed).
    pub text: String,
    /// The quoted argument in the template.
    pub span: Span,
    /// Where the formula's first byte sits in the template.
    pub(crate) start: usize,
    /// Formula offsets of characters written with a `\` before them in the
    /// template, so formula spans map back exactly.
    pub(crate) escapes: Vec<usize>,
    pub rule: Rule,
    pub(crate) compiled: Arc<CompiledRule>,
    /// Steps one evaluation is charged against the render's budget: the
    /// formula's node count.
    pub(crate) cost: usize,
}

impl Formula {
    /// The template byte offset of formula byte `at`.
    pub fn source_offset(&self, at: usize) -> usize {
        self.start + at + self.escapes.iter().filter(|&&e| e <= at).count()
    }
}

impl PartialEq for Formula {
    fn eq(&self, other: &Formula) -> bool {
        self.text == other.text && self.span == other.span
    }
}

/// Where JSON text stands lexically; the tokenizer's resumable state.
pub use crate::json::LexState as JsonState;

/// The JSON state after a literal text, for each state before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonTransition(pub [JsonState; 3]);

impl JsonTransition {
    pub fn of(text: &[u8]) -> JsonTransition {
        let from_string = JsonState::InString.after(text);
        JsonTransition([
            JsonState::Outside.after(text),
            from_string,
            // After a backslash the first byte is escaped: then as inside a string.
            match text.split_first() {
                Some((_, rest)) => JsonState::InString.after(rest),
                None => JsonState::Escape,
            },
        ])
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
