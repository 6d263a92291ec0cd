//! LoanPro's rule language: a small Clojure dialect deciding whether a
//! connection fires for a loan or event. Text goes lexer → parser → (checker)
//! → compiler → evaluator; every stage reports [`Error`]s with spans.
//!
//! ```
//! use hookwright_core::{rule::{self, Rule, EvalOptions}, Context, Value};
//! let rule = Rule::parse(r#"(and (= status-days-past-due 5) (= loan-status "Open"))"#).unwrap();
//! let ctx = Context::from_json(r#"{"status-days-past-due": 5, "loan-status": "Open"}"#).unwrap();
//! assert_eq!(rule.eval(&ctx, &EvalOptions::default()).unwrap(), Value::Bool(true));
//! assert!(rule::check(&rule, hookwright_core::catalog::loanpro()).is_empty());
//! assert_eq!(rule::format("(not   true)").unwrap(), "(not true)");
//! ```
//!
//! Public API:
//! - [`Rule::parse`] → [`Rule`]; [`Rule::eval`], [`Rule::explain`], [`Rule::compile`] → [`CompiledRule`]
//!   (fast repeated evaluation: [`CompiledRule::eval`], [`CompiledRule::matches`]).
//! - [`check`] against a [`Catalog`](crate::catalog::Catalog): errors and warnings by severity.
//! - [`format`] / [`format_expr`]: the canonical layout (100 columns).
//! - [`model`]: the visual builder's groups and conditions, lossless both ways;
//!   [`edit`]: the builder's edits, made on the text so its comments stay.
//! - [`Date`] and [`EvalOptions`]: the evaluation date, passed explicitly in wasm.
//! - [`pr_str`] / [`str_of`]: values printed as Clojure's `pr-str` and `str` print them.
//!
//! Evaluation follows Clojure 1.11 with decimals as `BigDecimal`s; the
//! deliberate differences are listed in `docs/clojure-differences.md` and
//! checked against real Clojure by `scripts/clojure-diff`.

mod arith;
pub mod ast;
mod builtins;
mod check;
pub(crate) mod compile;
pub(crate) mod date;
pub mod edit;
pub(crate) mod eval;
mod explain;
mod fmt;
pub mod functions;
mod highlight;
mod lexer;
pub mod model;
mod parser;
mod print;

pub use ast::{Expr, ExprKind};
pub(crate) use builtins::comparison::equal;
pub use check::check;
pub use compile::CompiledRule;
pub use date::Date;
pub use eval::DEFAULT_FUEL;
pub use explain::{ExplainStep, Explanation, Outcome};
pub use fmt::{format, format_expr, WIDTH};
pub use highlight::{highlight, Highlight, TokenClass};
pub use print::{pr_str, str_of};

use crate::context::Context;
use crate::error::Error;
use crate::value::Value;

/// The deepest nesting of brackets a rule may have. Every stage recurses at
/// most this deep, which keeps wasm's small stack safe.
pub const MAX_DEPTH: usize = 200;

/// The most tokens (brackets, atoms) a rule may have. Real rules have tens;
/// the bound keeps parse, compile and evaluation of hostile input well under
/// a second and its memory in the tens of megabytes.
pub const MAX_TOKENS: usize = 500_000;

/// How to evaluate: the date `u/today` and date helpers use (else the
/// context's `current-date`, else the system clock, which wasm does not
/// have), and how much work to allow.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvalOptions {
    pub today: Option<Date>,
    /// Work units (one per sub-expression evaluated); `None` is [`DEFAULT_FUEL`].
    pub fuel: Option<u64>,
}

impl EvalOptions {
    pub fn today(date: Date) -> EvalOptions {
        EvalOptions {
            today: Some(date),
            ..EvalOptions::default()
        }
    }
}

/// A parsed rule: its source text and syntax tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    source: String,
    expr: Expr,
}

impl Rule {
    /// Parses rule text, collecting several syntax errors where it can.
    pub fn parse(source: &str) -> Result<Rule, Vec<Error>> {
        let expr = parser::parse(source)?;
        Ok(Rule {
            source: source.to_string(),
            expr,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// Resolves functions and variable slots once, for repeated evaluation.
    /// Fails on unknown functions, wrong arities and malformed forms.
    pub fn compile(&self) -> Result<CompiledRule, Vec<Error>> {
        compile::compile(&self.expr)
    }

    /// Evaluates the rule against a context. For many contexts, [`compile`](Rule::compile) once.
    pub fn eval(&self, ctx: &Context, opts: &EvalOptions) -> Result<Value, Error> {
        let compiled = self.compile().map_err(first)?;
        compiled.eval(ctx, opts)
    }

    /// The result and the outcome of every sub-expression.
    pub fn explain(&self, ctx: &Context, opts: &EvalOptions) -> Explanation {
        let compiled = match self.compile() {
            Ok(c) => c,
            Err(errors) => {
                return Explanation {
                    result: Err(first(errors)),
                    steps: Vec::new(),
                }
            }
        };
        let recorder = explain::Recorder {
            outcomes: vec![None; compiled.spans().len()],
        };
        let (result, recorder) = compiled.run(ctx, opts, recorder);
        let steps = compiled
            .spans()
            .iter()
            .zip(recorder.outcomes)
            .map(|(&span, outcome)| ExplainStep {
                span,
                outcome: outcome.unwrap_or(Outcome::Skipped),
            })
            .collect();
        Explanation {
            result: result.map(std::borrow::Cow::into_owned),
            steps,
        }
    }

    /// The canonical text of this rule.
    pub fn to_text(&self) -> String {
        format_expr(&self.expr)
    }
}

fn first(mut errors: Vec<Error>) -> Error {
    errors.swap_remove(0)
}
