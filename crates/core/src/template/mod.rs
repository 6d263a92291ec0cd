//! Context Engine templates: `[[v('customer.primary.id')]]` placeholders,
//! LoanPro's formatting and math functions (`evalFormula` runs the rule
//! engine), nested placeholders as arguments, `[[BEGIN list]]...[[END]]`
//! loops and Blitz conditionals (`{{ IF $x > 1 }}…{{ ELSE }}…{{ END }}`),
//! rendered as text, as JSON that is valid whatever the data holds, or as a URL.
//!
//! ```text
//! Template::parse(src: &str) -> Result<Template, Vec<Error>>
//! Template::render(&self, &Context, Mode, &RenderOptions) -> Result<Rendered, Vec<Error>>
//! Template::preview(&self, &Context, Mode, &RenderOptions) -> Preview   // output + every error, for the editor
//! Template::notes(&self) -> &[Error]   // warnings that do not stop a render (curly quotes, …)
//! highlight(src) -> Vec<Highlight>     // token classes for the editor
//! envelope(variables: &[String], event_name, &Context, trace: &str, lenient) -> Result<Rendered, Vec<Error>>
//! uuid_v4(bytes: [u8; 16]) -> String
//! render_request(&Connection, &Context, &RequestOptions) -> Result<RenderedRequest, Vec<FieldError>>
//! json::check(text) -> Result<(), JsonProblem>   // byte offset of the first JSON problem
//! ```
//!
//! Stages: `parser` (tags, then tokens inside each tag) → `ast` → `render`
//! (one pass that also maps output bytes back to template spans) → the
//! mode's output check (`json`, `url`).

mod ast;
mod calls;
pub mod envelope;
pub mod functions;
mod highlight;
pub mod json;
mod parser;
mod render;
pub mod request;
pub mod url;

pub use ast::{Arg, Branch, CmpOp, Cond, Expr, Formula, Node, Path, Spanned};
pub use envelope::{envelope, uuid_v4, variable_list};
pub use highlight::{highlight, Highlight, TokenClass};
pub use parser::{MAX_CALL_DEPTH, MAX_COND_DEPTH, MAX_ERRORS, MAX_LOOP_DEPTH};
pub use render::{write_text, MAX_OUTPUT, MAX_STEPS};
pub use request::{render_request, FieldError, RenderedRequest, RequestOptions};

use crate::context::Context;
use crate::error::{Error, Span};

/// How placeholder values are written into the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// Values as text; numbers exactly as the context wrote them.
    #[default]
    Text,
    /// The template is a JSON document: values are escaped inside strings and
    /// written as JSON literals elsewhere; the output must parse.
    Json,
    /// Values are percent-encoded for the URL part they land in; the output
    /// must be an absolute http(s) URL.
    Url,
    /// An `application/x-www-form-urlencoded` body: every value percent-encoded.
    Form,
}

impl Mode {
    /// The mode a custom body renders in, from its content type.
    pub fn for_content_type(content_type: &str) -> Mode {
        let essence = media_type(content_type);
        if essence == "application/json" || essence.ends_with("+json") {
            Mode::Json
        } else if essence == "application/x-www-form-urlencoded" {
            Mode::Form
        } else {
            Mode::Text
        }
    }
}

/// A content type's media type, lower-cased and without parameters:
/// `Application/JSON; charset=utf-8` is `application/json`.
pub fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RenderOptions {
    /// Render unknown variables empty (as LoanPro does) instead of failing;
    /// `Rendered::empty_variables` lists them. In JSON value position an
    /// empty variable is written `null` so the body stays valid.
    pub lenient: bool,
}

/// A successful render.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rendered {
    pub output: String,
    /// Lenient mode only: each variable that rendered empty, with its place.
    pub empty_variables: Vec<(String, Span)>,
}

/// Everything the editor shows for a template: the output as far as it could
/// be produced, and every error (JSON or URL problems mapped back to the
/// template position that caused them).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Preview {
    pub output: String,
    pub empty_variables: Vec<(String, Span)>,
    pub errors: Vec<Error>,
}

/// A parsed template, ready to render many times.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    source: String,
    nodes: Vec<Node>,
    notes: Vec<Error>,
}

impl Template {
    /// Parses `source`, reporting every syntax error found (up to [`MAX_ERRORS`]).
    pub fn parse(source: &str) -> Result<Template, Vec<Error>> {
        let parsed = parser::parse(source)?;
        Ok(Template {
            nodes: parsed.nodes,
            notes: parsed.notes,
            source: source.to_string(),
        })
    }

    /// Warnings found while parsing that do not stop a render: curly quotes
    /// copied from LoanPro's help pages, Blitz output tags left as text.
    pub fn notes(&self) -> &[Error] {
        &self.notes
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    pub fn render(
        &self,
        ctx: &Context,
        mode: Mode,
        options: &RenderOptions,
    ) -> Result<Rendered, Vec<Error>> {
        let outcome = render::render(&self.source, &self.nodes, ctx, mode, options.lenient);
        if outcome.errors.is_empty() {
            Ok(Rendered {
                output: outcome.output,
                empty_variables: outcome.empty,
            })
        } else {
            Err(outcome.errors)
        }
    }

    pub fn preview(&self, ctx: &Context, mode: Mode, options: &RenderOptions) -> Preview {
        let outcome = render::render(&self.source, &self.nodes, ctx, mode, options.lenient);
        Preview {
            output: outcome.output,
            empty_variables: outcome.empty,
            errors: outcome.errors,
        }
    }

    /// The render with its output map, for callers that check the output further.
    pub(crate) fn outcome(&self, ctx: &Context, mode: Mode, lenient: bool) -> render::Outcome {
        render::render(&self.source, &self.nodes, ctx, mode, lenient)
    }

    /// Every variable the template reads (`$` item fields, and condition
    /// variables inside loops, which may be item fields, excluded), with its
    /// place, in source order: for autocomplete, lint and catalogs. Variables
    /// an `evalFormula` reads are included, placed where the formula names them.
    pub fn variables(&self) -> Vec<(String, Span)> {
        let mut out = Vec::new();
        // (nodes, inside a loop)
        let mut stack: Vec<(&[Node], bool)> = vec![(&self.nodes, false)];
        let mut exprs: Vec<&Expr> = Vec::new();
        let mut conds: Vec<&Cond> = Vec::new();
        while let Some((nodes, in_loop)) = stack.pop() {
            for node in nodes {
                match node {
                    Node::Text { .. } => {}
                    Node::Output { expr, .. } => exprs.push(expr),
                    Node::Loop { list, body, .. } => {
                        if !list.item {
                            out.push((list.name.clone(), list.span));
                        }
                        stack.push((body, true));
                    }
                    Node::If {
                        branches,
                        otherwise,
                        ..
                    } => {
                        for branch in branches {
                            if !in_loop {
                                conds.push(&branch.cond);
                            }
                            stack.push((&branch.body, in_loop));
                        }
                        if let Some(body) = otherwise {
                            stack.push((body, in_loop));
                        }
                    }
                }
            }
        }
        while let Some(cond) = conds.pop() {
            match cond {
                Cond::Var(path) => out.push((path.name.clone(), path.span)),
                Cond::Not(inner, _) => conds.push(inner),
                Cond::Compare { left, right, .. }
                | Cond::And(left, right)
                | Cond::Or(left, right) => {
                    conds.push(left);
                    conds.push(right);
                }
                Cond::Text(_) | Cond::Number(_) | Cond::Bool { .. } | Cond::Null { .. } => {}
            }
        }
        while let Some(expr) = exprs.pop() {
            match expr {
                Expr::Var(path) if !path.item => out.push((path.name.clone(), path.span)),
                Expr::Var(_) => {}
                Expr::Call { function, args, .. } => {
                    for (i, arg) in args.iter().enumerate() {
                        match arg {
                            Arg::Expr(e) => exprs.push(e),
                            Arg::Formula(formula) => {
                                out.extend(formula_variables(&self.source, formula))
                            }
                            Arg::Text(Spanned { value, span })
                                if !value.starts_with('$')
                                    && !functions::looks_literal(function.role(i), value) =>
                            {
                                out.push((value.clone(), *span))
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
        crate::order::sort_by_key(&mut out, |(_, span)| span.start);
        out
    }
}

/// The context variables a formula reads, each placed at the first symbol
/// that names it (or at the whole formula when it is reached another way).
fn formula_variables(source: &str, formula: &Formula) -> Vec<(String, Span)> {
    let mut symbols: Vec<(&str, Span)> = Vec::new();
    let mut stack = vec![formula.rule.expr()];
    while let Some(expr) = stack.pop() {
        match &expr.kind {
            crate::rule::ExprKind::Symbol(name) => symbols.push((name, expr.span)),
            crate::rule::ExprKind::List(items)
            | crate::rule::ExprKind::Vector(items)
            | crate::rule::ExprKind::Set(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    crate::order::sort_by_key(&mut symbols, |(_, span)| span.start);
    formula
        .compiled
        .variables()
        .iter()
        .map(|path| {
            let at = symbols
                .iter()
                .find(|(name, _)| name == path)
                .or_else(|| {
                    symbols
                        .iter()
                        .find(|(name, _)| path.starts_with(&format!("{name}.")))
                })
                .map(|(_, s)| {
                    Span::locate(
                        source,
                        formula.source_offset(s.start),
                        formula.source_offset(s.end),
                    )
                })
                .unwrap_or(formula.span);
            (path.clone(), at)
        })
        .collect()
}
