//! Walks a parsed template against a context and writes the output for one
//! mode, recording which template span produced each output byte so a
//! problem found in the output (bad JSON, a CR in a header) points at its cause.

use std::collections::HashSet;
use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::ast::{Arg, CmpOp, Cond, Expr, Formula, JsonState, Node, Path, Spanned, UrlPart};
use super::calls::Call;
use super::functions::{self, Function, Role};
use super::{json, url, Mode};
use crate::context::{lookup_in, Context};
use crate::error::{Error, ErrorKind, Span};
use crate::suggest;
use crate::value::{escape_json_into, write_json, Value};

/// Output beyond this is refused: loops multiply, and a template should not
/// be able to make the page allocate gigabytes.
pub const MAX_OUTPUT: usize = 64 * 1024 * 1024;
/// Evaluation fuel: nodes visited plus loop iterations.
pub const MAX_STEPS: usize = 5_000_000;
/// Work units one `evalFormula` may use (the rule engine's fuel).
pub const FORMULA_FUEL: u64 = 1_000_000;

/// A stretch of output and the template bytes that produced it.
#[derive(Debug, Clone, Copy)]
struct Segment {
    out: usize,
    src_start: usize,
    src_end: usize,
    /// Literal text maps byte for byte; a placeholder maps to its whole tag.
    literal: bool,
}

/// The output of one render with everything learned along the way.
pub(crate) struct Outcome {
    pub output: String,
    pub errors: Vec<Error>,
    pub empty: Vec<(String, Span)>,
    segments: Vec<Segment>,
}

impl Outcome {
    /// The template span that wrote output byte `offset`.
    pub fn span_of(&self, src: &str, offset: usize) -> Span {
        let i = self.segments.partition_point(|s| s.out <= offset);
        let Some(seg) = i.checked_sub(1).map(|i| self.segments[i]) else {
            return Span::locate(src, 0, 0);
        };
        if seg.literal {
            let at = (seg.src_start + offset - seg.out).min(seg.src_end);
            let width = src[at..].chars().next().map_or(0, char::len_utf8);
            Span::locate(src, at, at + width)
        } else {
            Span::locate(src, seg.src_start, seg.src_end)
        }
    }
}

pub(crate) fn render<'t>(
    src: &'t str,
    nodes: &'t [Node],
    ctx: &'t Context,
    mode: Mode,
    lenient: bool,
) -> Outcome {
    let mut r = Renderer {
        src,
        ctx,
        mode,
        lenient,
        out: String::with_capacity(src.len() + 64),
        segments: Vec::with_capacity(nodes.len()),
        json: JsonState::Outside,
        url: UrlPart::Path,
        scopes: Vec::new(),
        errors: Vec::new(),
        empty: Vec::new(),
        empty_seen: HashSet::new(),
        steps: 0,
        stopped: false,
    };
    r.nodes(nodes);
    let mut outcome = Outcome {
        output: r.out,
        errors: r.errors,
        empty: r.empty,
        segments: r.segments,
    };
    // Only check the assembled output when every value rendered: gaps left
    // by earlier errors would only produce confusing follow-on errors.
    if outcome.errors.is_empty() {
        let problem = match mode {
            Mode::Json => json::check(&outcome.output)
                .err()
                .map(|p| (p.offset, p.message, ErrorKind::Json)),
            Mode::Url => url::check(&outcome.output)
                .err()
                .map(|(at, m)| (at, m, ErrorKind::Invalid)),
            Mode::Text | Mode::Form => None,
        };
        if let Some((offset, message, kind)) = problem {
            let span = outcome.span_of(src, offset);
            outcome.errors.push(Error::at(kind, message, span));
        }
    }
    outcome
}

/// A value found or computed; `Empty` after an error or a lenient miss.
enum Val<'t> {
    Ref(&'t Value),
    Own(Value),
    Empty,
}

impl Val<'_> {
    fn get(&self) -> Option<&Value> {
        match self {
            Val::Ref(v) => Some(v),
            Val::Own(v) => Some(v),
            Val::Empty => None,
        }
    }
}

pub(super) struct Renderer<'t> {
    src: &'t str,
    ctx: &'t Context,
    mode: Mode,
    lenient: bool,
    out: String,
    segments: Vec<Segment>,
    json: JsonState,
    url: UrlPart,
    /// The items of the loops we are inside (with each loop's list name), innermost last.
    scopes: Vec<(&'t Value, &'t String)>,
    errors: Vec<Error>,
    empty: Vec<(String, Span)>,
    empty_seen: HashSet<usize>,
    steps: usize,
    stopped: bool,
}

impl<'t> Renderer<'t> {
    fn error(&mut self, error: Error) {
        // Loops repeat placeholders: one report per place is enough.
        if self.errors.len() < super::parser::MAX_ERRORS
            && !self
                .errors
                .iter()
                .any(|e| e.span == error.span && e.message == error.message)
        {
            self.errors.push(error);
        }
    }

    fn nodes(&mut self, nodes: &'t [Node]) {
        for node in nodes {
            if self.stopped {
                return;
            }
            self.steps += 1;
            if self.steps > MAX_STEPS || self.out.len() > MAX_OUTPUT {
                let what = if self.steps > MAX_STEPS {
                    "takes too many steps"
                } else {
                    "output is too large"
                };
                let span = node.span();
                self.error(Error::at(
                    ErrorKind::Limit,
                    format!("rendering stopped: the template {what}"),
                    span,
                ));
                self.stopped = true;
                return;
            }
            match node {
                Node::Text { span, json, url } => {
                    self.segments.push(Segment {
                        out: self.out.len(),
                        src_start: span.start,
                        src_end: span.end,
                        literal: true,
                    });
                    self.out.push_str(&self.src[span.start..span.end]);
                    self.json = json.after(self.json);
                    self.url = url.after(self.url);
                }
                Node::Output { expr, span } => {
                    let value = self.eval(expr);
                    self.segments.push(Segment {
                        out: self.out.len(),
                        src_start: span.start,
                        src_end: span.end,
                        literal: false,
                    });
                    let before = self.out.len();
                    self.emit(value.get());
                    // A value right after a `\` in a JSON string completes that escape.
                    if self.json == JsonState::Escape && self.out.len() > before {
                        self.json = JsonState::InString;
                    }
                }
                Node::Loop { list, body, .. } => {
                    let items = match self.var(list) {
                        Val::Ref(Value::Vector(items) | Value::Set(items)) => items.as_slice(),
                        Val::Ref(Value::Nil) | Val::Empty => &[],
                        found => {
                            let type_name = found.get().map_or("nothing", Value::type_name);
                            self.error(Error::at(
                                ErrorKind::Type,
                                format!(
                                    "`{}` is a {type_name}, not a list; `[[BEGIN]]` loops over lists",
                                    list.name
                                ),
                                list.span,
                            ));
                            &[]
                        }
                    };
                    for item in items {
                        self.steps += 1;
                        self.scopes.push((item, &list.name));
                        self.nodes(body);
                        self.scopes.pop();
                        if self.stopped {
                            return;
                        }
                    }
                }
                Node::If {
                    branches,
                    otherwise,
                    ..
                } => {
                    let taken = branches
                        .iter()
                        .find(|branch| self.holds(&branch.cond))
                        .map(|branch| branch.body.as_slice())
                        .or(otherwise.as_deref());
                    if let Some(body) = taken {
                        self.nodes(body);
                    }
                }
            }
        }
    }

    /// Whether a condition holds, with PHP's truthiness and loose comparison
    /// (as Blitz, LoanPro's template engine, uses them). A variable that is
    /// missing is `null`, never an error: `[[IF customer.secondary.full-name]]`
    /// is how LoanPro tests for one.
    fn holds(&mut self, cond: &'t Cond) -> bool {
        self.steps += 1;
        match cond {
            Cond::Not(inner, _) => !self.holds(inner),
            Cond::And(a, b) => self.holds(a) && self.holds(b),
            Cond::Or(a, b) => self.holds(a) || self.holds(b),
            Cond::Compare {
                op, left, right, ..
            } => {
                let (l, r) = (self.operand(left), self.operand(right));
                php::compare(*op, &l, &r)
            }
            other => php::truthy(&self.operand(other)),
        }
    }

    /// The value a condition operand stands for (a sub-condition is a boolean).
    fn operand(&mut self, cond: &'t Cond) -> php::Operand<'t> {
        match cond {
            Cond::Var(path) => match self.cond_var(&path.name) {
                Some(v) => php::Operand::Value(v),
                None => php::Operand::Null,
            },
            Cond::Text(Spanned { value, .. }) => php::Operand::Text(value),
            Cond::Number(Spanned { value, .. }) => php::Operand::Number(*value),
            Cond::Bool { value, .. } => php::Operand::Bool(*value),
            Cond::Null { .. } => php::Operand::Null,
            nested => php::Operand::Bool(self.holds(nested)),
        }
    }

    /// A condition's variable: a field of the current loop items (innermost
    /// first, also written through the loop's list name: `$payments.amount`),
    /// else the context.
    fn cond_var(&self, name: &str) -> Option<&'t Value> {
        for (item, list) in self.scopes.iter().rev() {
            if let Some(found) = lookup_in(item, name) {
                return Some(found);
            }
            if let Some(field) = name
                .strip_prefix(list.as_str())
                .and_then(|rest| rest.strip_prefix('.'))
            {
                if let Some(found) = lookup_in(item, field) {
                    return Some(found);
                }
            }
        }
        lookup_in(self.ctx.root(), name)
    }

    /// Writes a value where output stands, as the mode requires.
    fn emit(&mut self, value: Option<&Value>) {
        let out = &mut self.out;
        match self.mode {
            Mode::Text => {
                if let Some(v) = value {
                    write_text(v, out);
                }
            }
            Mode::Json => match (self.json, value) {
                (JsonState::Outside, None) => out.push_str("null"),
                (JsonState::Outside, Some(Value::Number(n))) => {
                    let _ = write!(out, "{n}");
                }
                (JsonState::Outside, Some(v)) => write_json(v, out),
                (_, None) => {}
                (_, Some(Value::Text(s))) => escape_json_into(s, out),
                (_, Some(Value::Number(n))) => {
                    let _ = write!(out, "{n}");
                }
                (_, Some(v)) => {
                    let mut text = String::new();
                    write_text(v, &mut text);
                    escape_json_into(&text, out);
                }
            },
            Mode::Url | Mode::Form => {
                let part = if self.mode == Mode::Form {
                    UrlPart::Query
                } else {
                    self.url
                };
                match value {
                    None => {}
                    Some(Value::Text(s)) => url::encode_into(s, part, out),
                    Some(v) => {
                        let mut text = String::new();
                        write_text(v, &mut text);
                        url::encode_into(&text, part, out);
                    }
                }
            }
        }
    }

    fn eval(&mut self, expr: &'t Expr) -> Val<'t> {
        match expr {
            Expr::Var(path) => self.var(path),
            Expr::Call {
                function,
                args,
                span,
            } => self.call(*function, args, *span),
        }
    }

    fn var(&mut self, path: &'t Path) -> Val<'t> {
        self.lookup(&path.name, path.item, path.span)
    }

    fn lookup(&mut self, name: &str, item: bool, span: Span) -> Val<'t> {
        let found = if item {
            if name.is_empty() {
                self.scopes.last().map(|(item, _)| *item)
            } else {
                self.scopes
                    .iter()
                    .rev()
                    .find_map(|(scope, _)| lookup_in(scope, name))
            }
        } else {
            // Not `Context::lookup`: it computes did-you-mean on every miss,
            // which only the reported errors need.
            lookup_in(self.ctx.root(), name)
        };
        if let Some(value) = found {
            return Val::Ref(value);
        }
        if self.lenient {
            // Loops visit a placeholder many times; list it once.
            if self.empty_seen.insert(span.start) {
                self.empty.push((name.to_string(), span));
            }
            return Val::Empty;
        }
        if self.errors.len() >= super::parser::MAX_ERRORS {
            return Val::Empty;
        }
        let message = if item {
            let keys: Vec<&str> = match self.scopes.last() {
                Some((Value::Map(map), _)) => map.keys().map(String::as_str).collect(),
                _ => Vec::new(),
            };
            format!(
                "the loop item has no field `{name}`{}",
                suggest::hint(&suggest::did_you_mean(name, keys))
            )
        } else {
            match self.ctx.lookup(name) {
                Err(missing) => missing.message(),
                Ok(_) => unreachable!("lookup failed a moment ago"),
            }
        };
        self.error(Error::at(ErrorKind::UnknownVariable, message, span));
        Val::Empty
    }

    fn call(&mut self, function: Function, args: &'t [Arg], span: Span) -> Val<'t> {
        let result = (function.definition().render)(Call {
            renderer: self,
            function,
            args,
            span,
        });
        match result {
            Ok(value) => Val::Own(value),
            Err(Some(error)) => {
                self.error(error);
                Val::Empty
            }
            // Already reported, or a lenient miss: the call renders empty.
            Err(None) => Val::Empty,
        }
    }

    /// Runs an `evalFormula` rule against the context, in exact decimals;
    /// its errors point into the formula's text in the template.
    pub(super) fn formula(&mut self, formula: &'t Formula) -> Result<Value, Option<Error>> {
        self.steps += formula.cost;
        let options = crate::rule::EvalOptions {
            today: None,
            fuel: Some(FORMULA_FUEL),
        };
        formula.compiled.eval(self.ctx, &options).map_err(|e| {
            // Lenient (as LoanPro renders): a formula reading a variable this
            // context lacks renders empty, and the variable is listed.
            if self.lenient && e.kind == ErrorKind::UnknownVariable {
                for path in formula.compiled.variables() {
                    if lookup_in(self.ctx.root(), path).is_none()
                        && !self
                            .empty
                            .iter()
                            .any(|(n, s)| n == path && *s == formula.span)
                    {
                        self.empty.push((path.clone(), formula.span));
                    }
                }
                return None;
            }
            let span = match e.span {
                Some(s) => Span::locate(
                    self.src,
                    formula.source_offset(s.start),
                    formula.source_offset(s.end).min(formula.span.end),
                ),
                None => formula.span,
            };
            Some(Error::at(
                e.kind,
                format!("in evalFormula: {}", e.message),
                span,
            ))
        })
    }

    /// A numeric argument: a literal, a variable name, or a nested call.
    pub(super) fn number(
        &mut self,
        function: Function,
        arg: &'t Arg,
    ) -> Result<Decimal, Option<Error>> {
        debug_assert_eq!(function.role(0), Role::Number);
        let (value, span) = match arg {
            Arg::Number(Spanned { value, .. }) => return Ok(*value),
            Arg::Formula(formula) => (Val::Own(self.formula(formula)?), formula.span),
            Arg::Text(Spanned { value, span }) => {
                if let Ok(n) = Decimal::from_str_exact(value.trim()) {
                    return Ok(n);
                }
                let item = value.starts_with('$');
                (
                    self.lookup(value.trim_start_matches('$'), item, *span),
                    *span,
                )
            }
            Arg::Expr(expr) => (self.eval(expr), expr.span()),
        };
        match value.get() {
            None => Err(None),
            Some(Value::Number(n)) => Ok(*n),
            Some(Value::Text(t)) if Decimal::from_str_exact(t.trim()).is_ok() => {
                Ok(Decimal::from_str_exact(t.trim()).expect("checked just above"))
            }
            Some(other) => Err(Some(Error::at(
                ErrorKind::Type,
                format!(
                    "`{}` needs a number here, not the {} {}",
                    function.name(),
                    other.type_name(),
                    other.to_json()
                ),
                span,
            ))),
        }
    }

    /// A date or text argument: a variable name, or a literal when no
    /// variable has that name and it looks like the literal the role expects.
    pub(super) fn text(
        &mut self,
        function: Function,
        index: usize,
        arg: &'t Arg,
    ) -> Result<String, Option<Error>> {
        let value = match arg {
            Arg::Number(Spanned { value, .. }) => return Ok(value.to_string()),
            Arg::Text(Spanned { value, span }) => {
                let item = value.starts_with('$');
                let name = value.trim_start_matches('$');
                let literal = functions::looks_literal(function.role(index), value);
                if literal && !item && lookup_in(self.ctx.root(), name).is_none() {
                    return Ok(value.clone());
                }
                self.lookup(name, item, *span)
            }
            Arg::Expr(expr) => self.eval(expr),
            Arg::Formula(formula) => Val::Own(self.formula(formula)?),
        };
        let mut text = String::new();
        match value.get() {
            None => return Err(None),
            Some(v) => write_text(v, &mut text),
        }
        Ok(text)
    }

    /// A setting such as decimals or a separator: always literal text.
    pub(super) fn setting(&mut self, arg: &'t Arg) -> Result<String, Option<Error>> {
        match arg {
            Arg::Text(Spanned { value, .. }) => Ok(value.clone()),
            Arg::Number(Spanned { value, .. }) => Ok(value.to_string()),
            Arg::Formula(formula) => {
                let mut text = String::new();
                write_text(&self.formula(formula)?, &mut text);
                Ok(text)
            }
            Arg::Expr(expr) => match self.eval(expr).get() {
                Some(v) => {
                    let mut text = String::new();
                    write_text(v, &mut text);
                    Ok(text)
                }
                None => Err(None),
            },
        }
    }
}

/// A value as text mode prints it: strings bare, numbers exactly as written,
/// nil empty, collections as JSON.
pub fn write_text(value: &Value, out: &mut String) {
    match value {
        Value::Nil => {}
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Text(s) => out.push_str(s),
        Value::Keyword(k) => {
            out.push(':');
            out.push_str(k);
        }
        _ => write_json(value, out),
    }
}

/// PHP's truthiness and loose comparison (PHP 8 rules), which Blitz applies
/// to `IF` conditions.
mod php {
    use std::cmp::Ordering;

    use rust_decimal::Decimal;

    use super::CmpOp;
    use crate::value::Value;

    /// A condition operand before PHP's conversions.
    pub enum Operand<'t> {
        Value(&'t Value),
        Text(&'t str),
        Number(Decimal),
        Bool(bool),
        Null,
    }

    /// The PHP type an operand has.
    enum Php<'a> {
        Null,
        Bool(bool),
        Num(Decimal),
        Str(&'a str),
        /// An array, by its elements (maps and lists alike).
        Arr(&'a Value, usize),
    }

    fn php<'a>(operand: &'a Operand<'_>) -> Php<'a> {
        match operand {
            Operand::Null => Php::Null,
            Operand::Bool(b) => Php::Bool(*b),
            Operand::Number(n) => Php::Num(*n),
            Operand::Text(s) => Php::Str(s),
            Operand::Value(v) => match v {
                Value::Nil => Php::Null,
                Value::Bool(b) => Php::Bool(*b),
                Value::Number(n) => Php::Num(*n),
                Value::Text(s) | Value::Keyword(s) => Php::Str(s),
                Value::Vector(items) | Value::Set(items) => Php::Arr(v, items.len()),
                Value::Map(map) => Php::Arr(v, map.len()),
            },
        }
    }

    /// PHP: `null`, `false`, `0`, `""`, `"0"` and an empty array are false.
    pub fn truthy(operand: &Operand<'_>) -> bool {
        match php(operand) {
            Php::Null => false,
            Php::Bool(b) => b,
            Php::Num(n) => !n.is_zero(),
            Php::Str(s) => !(s.is_empty() || s == "0"),
            Php::Arr(_, len) => len > 0,
        }
    }

    /// A numeric string as PHP 8 reads one (surrounding whitespace allowed).
    fn numeric(s: &str) -> Option<Decimal> {
        let t = s.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c'));
        if t.is_empty() {
            return None;
        }
        Decimal::from_str_exact(t)
            .ok()
            .or_else(|| Decimal::from_scientific(t).ok())
    }

    fn number_text(n: Decimal) -> String {
        n.normalize().to_string()
    }

    /// PHP 8's `<=>` between two loose values; `None` when PHP finds them
    /// uncomparable (arrays of different keys), which makes only `!=` true.
    fn order(a: &Php<'_>, b: &Php<'_>) -> Option<Ordering> {
        use Php::*;
        let truth = |p: &Php<'_>| match p {
            Null => false,
            Bool(b) => *b,
            Num(n) => !n.is_zero(),
            Str(s) => !(s.is_empty() || *s == "0"),
            Arr(_, len) => *len > 0,
        };
        match (a, b) {
            (Null, Str(s)) => Some("".cmp(s)),
            (Str(s), Null) => Some((*s).cmp("")),
            (Null | Bool(_), _) | (_, Null | Bool(_)) => Some(truth(a).cmp(&truth(b))),
            (Num(x), Num(y)) => Some(x.cmp(y)),
            (Num(x), Str(s)) => Some(match numeric(s) {
                Some(y) => x.cmp(&y),
                None => number_text(*x).as_str().cmp(s),
            }),
            (Str(s), Num(y)) => Some(match numeric(s) {
                Some(x) => x.cmp(y),
                None => (*s).cmp(number_text(*y).as_str()),
            }),
            (Str(x), Str(y)) => Some(match (numeric(x), numeric(y)) {
                (Some(m), Some(n)) => m.cmp(&n),
                _ => x.cmp(y),
            }),
            (Arr(x, m), Arr(y, n)) => match m.cmp(n) {
                Ordering::Equal => (x.to_json() == y.to_json()).then_some(Ordering::Equal),
                other => Some(other),
            },
            (Arr(..), _) => Some(Ordering::Greater),
            (_, Arr(..)) => Some(Ordering::Less),
        }
    }

    pub fn compare(op: CmpOp, a: &Operand<'_>, b: &Operand<'_>) -> bool {
        let ord = order(&php(a), &php(b));
        match op {
            CmpOp::Eq => ord == Some(Ordering::Equal),
            CmpOp::Ne => ord != Some(Ordering::Equal),
            CmpOp::Lt => ord == Some(Ordering::Less),
            CmpOp::Le => matches!(ord, Some(Ordering::Less | Ordering::Equal)),
            CmpOp::Gt => ord == Some(Ordering::Greater),
            CmpOp::Ge => matches!(ord, Some(Ordering::Greater | Ordering::Equal)),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn n(s: &str) -> Operand<'static> {
            Operand::Number(Decimal::from_str_exact(s).unwrap())
        }

        #[test]
        fn truthiness_is_php() {
            for (o, t) in [
                (Operand::Null, false),
                (Operand::Text(""), false),
                (Operand::Text("0"), false),
                (Operand::Text("0.0"), true),
                (Operand::Text(" "), true),
                (n("0.00"), false),
                (n("-1"), true),
                (Operand::Bool(false), false),
            ] {
                assert_eq!(truthy(&o), t);
            }
        }

        #[test]
        fn loose_comparison_is_php_8() {
            // Numbers compare with numeric text numerically ("727" as LoanPro sends ids).
            assert!(compare(CmpOp::Eq, &n("727"), &Operand::Text("727")));
            assert!(compare(CmpOp::Eq, &n("5"), &Operand::Text(" 5.00")));
            assert!(compare(CmpOp::Gt, &n("158.70"), &n("100")));
            assert!(compare(
                CmpOp::Lt,
                &Operand::Text("9"),
                &Operand::Text("10")
            ));
            // PHP 8: a number and non-numeric text compare as text.
            assert!(!compare(CmpOp::Eq, &n("0"), &Operand::Text("a")));
            assert!(compare(
                CmpOp::Lt,
                &Operand::Text("abc"),
                &Operand::Text("abd")
            ));
            // null is "" against text, false against the rest.
            assert!(compare(CmpOp::Eq, &Operand::Null, &Operand::Text("")));
            assert!(!compare(CmpOp::Eq, &Operand::Null, &Operand::Text("0")));
            assert!(compare(CmpOp::Eq, &Operand::Null, &n("0")));
            assert!(!compare(CmpOp::Gt, &Operand::Null, &n("100")));
            assert!(compare(
                CmpOp::Eq,
                &Operand::Bool(true),
                &Operand::Text("x")
            ));
        }
    }
}
