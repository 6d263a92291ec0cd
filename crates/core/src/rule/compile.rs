//! The compiled form of a rule and its evaluator. Compiling resolves every
//! function once and gives each distinct variable a slot; evaluating walks the
//! tree with borrowed values (`Cow`), so a rule like the seed's allocates
//! nothing per context. Fuel bounds the work; tree depth is bounded by the parser.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::atomic::{AtomicUsize, Ordering as Atomic};

use rust_decimal::{Decimal, RoundingStrategy};

use crate::context::{lookup_in, Context};
use crate::error::{Error, ErrorKind, Span};
use crate::value::Value;

use super::arith;
use super::ast::{Expr, ExprKind};
use super::date::{parse_date_of, parse_instant, Date};
use super::functions::{resolve_call, Builtin, Callee};
use super::print;
use super::EvalOptions;

/// Work units an evaluation may spend unless [`EvalOptions::fuel`] says otherwise:
/// far above any real rule, low enough that hostile input stops quickly.
pub const DEFAULT_FUEL: u64 = 50_000_000;

/// A rule ready to run many times: functions resolved, variables in slots.
#[derive(Debug)]
pub struct CompiledRule {
    root: Node,
    consts: Vec<Value>,
    paths: Vec<String>,
    /// Per slot, where the variable sat in the last context's top-level map.
    /// Contexts from one source share their key order, so this turns most
    /// lookups into one string comparison. Atomic so the rule stays `Sync`.
    hints: Vec<AtomicUsize>,
    spans: Vec<Span>,
}

#[derive(Debug)]
struct Node {
    kind: NodeKind,
    /// Index into `spans` (and the explanation); spans live apart to keep
    /// nodes small, since a 10 MB rule has millions of them.
    id: u32,
}

#[derive(Debug)]
enum NodeKind {
    /// Index into `consts`.
    Const(u32),
    Var(usize),
    Vector(Vec<Node>),
    Set(Vec<Node>),
    Call(Callee, Vec<Node>),
    /// `->` / `->>`, run as a loop so long chains never deepen the stack.
    Thread {
        last: bool,
        init: Box<Node>,
        steps: Vec<Step>,
    },
}

impl Node {
    fn is_operand(&self) -> bool {
        matches!(self.kind, NodeKind::Const(_) | NodeKind::Var(_))
    }
}

#[derive(Debug)]
struct Step {
    callee: Callee,
    args: Vec<Node>,
    span: Span,
    id: u32,
}

struct Compiler {
    consts: Vec<Value>,
    paths: Vec<String>,
    spans: Vec<Span>,
    errors: Vec<Error>,
}

pub(crate) fn compile(expr: &Expr) -> Result<CompiledRule, Vec<Error>> {
    let mut c = Compiler {
        consts: Vec::new(),
        paths: Vec::new(),
        spans: Vec::new(),
        errors: Vec::new(),
    };
    let root = c.node(expr);
    if !c.errors.is_empty() {
        return Err(c.errors);
    }
    Ok(CompiledRule {
        root,
        consts: c.consts,
        hints: c.paths.iter().map(|_| AtomicUsize::new(0)).collect(),
        paths: c.paths,
        spans: c.spans,
    })
}

impl Compiler {
    fn constant(&mut self, v: Value) -> NodeKind {
        self.consts.push(v);
        NodeKind::Const((self.consts.len() - 1) as u32)
    }

    fn id(&mut self, span: Span) -> u32 {
        self.spans.push(span);
        (self.spans.len() - 1) as u32
    }

    fn node(&mut self, e: &Expr) -> Node {
        let id = self.id(e.span);
        let kind = match &e.kind {
            ExprKind::Nil => self.constant(Value::Nil),
            ExprKind::Bool(b) => self.constant(Value::Bool(*b)),
            ExprKind::Number(n) => self.constant(Value::Number(*n)),
            ExprKind::Text(s) => self.constant(Value::Text(s.clone())),
            ExprKind::Keyword(k) => self.constant(Value::Keyword(k.clone())),
            ExprKind::Symbol(name) => {
                let slot = match self.paths.iter().position(|p| p == name) {
                    Some(slot) => slot,
                    None => {
                        self.paths.push(name.clone());
                        self.paths.len() - 1
                    }
                };
                NodeKind::Var(slot)
            }
            ExprKind::Vector(items) | ExprKind::Set(items) => {
                let is_set = matches!(e.kind, ExprKind::Set(_));
                let nodes: Vec<Node> = items.iter().map(|i| self.node(i)).collect();
                if nodes.iter().all(|n| matches!(n.kind, NodeKind::Const(_))) {
                    // Literal collections are built once, here, not per evaluation.
                    self.spans.truncate(id as usize + 1);
                    let values: Vec<Value> = nodes
                        .into_iter()
                        .map(|n| match n.kind {
                            NodeKind::Const(i) => std::mem::take(&mut self.consts[i as usize]),
                            _ => Value::Nil,
                        })
                        .collect();
                    self.constant(if is_set {
                        Value::Set(dedup(values))
                    } else {
                        Value::Vector(values)
                    })
                } else if is_set {
                    NodeKind::Set(nodes)
                } else {
                    NodeKind::Vector(nodes)
                }
            }
            ExprKind::List(items) => match resolve_call(items, e.span, 0) {
                Err(err) => {
                    self.errors.push(err);
                    self.constant(Value::Nil)
                }
                Ok(Callee::Builtin(b @ (Builtin::ThreadFirst | Builtin::ThreadLast))) => {
                    let init = Box::new(self.node(&items[1]));
                    let steps = items[2..].iter().filter_map(|s| self.step(s)).collect();
                    NodeKind::Thread {
                        last: b == Builtin::ThreadLast,
                        init,
                        steps,
                    }
                }
                Ok(callee) => {
                    NodeKind::Call(callee, items[1..].iter().map(|i| self.node(i)).collect())
                }
            },
        };
        Node { kind, id }
    }

    fn step(&mut self, e: &Expr) -> Option<Step> {
        let id = self.id(e.span);
        let (callee, args) = match &e.kind {
            ExprKind::Symbol(_) | ExprKind::Keyword(_) => {
                (resolve_call(std::slice::from_ref(e), e.span, 1), &[][..])
            }
            ExprKind::List(items) => (
                resolve_call(items, e.span, 1),
                items.get(1..).unwrap_or(&[]),
            ),
            _ => (
                Err(Error::at(
                    ErrorKind::Type,
                    "a step of `->` is a function name, a keyword or a call",
                    e.span,
                )),
                &[][..],
            ),
        };
        let callee = match callee {
            Ok(Callee::Builtin(b)) if b.is_special() => Err(Error::at(
                ErrorKind::Type,
                format!("`{}` cannot be a step of `->`", b.name()),
                e.span,
            )),
            other => other,
        };
        match callee {
            Ok(callee) => Some(Step {
                callee,
                args: args.iter().map(|a| self.node(a)).collect(),
                span: e.span,
                id,
            }),
            Err(err) => {
                self.errors.push(err);
                None
            }
        }
    }
}

fn dedup(values: Vec<Value>) -> Vec<Value> {
    // Atoms dedup through a hash of their canonical text, so a 20,000-member
    // set stays linear; collections (rare in sets) compare pairwise.
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<Value> = Vec::with_capacity(values.len());
    for v in values {
        let key = match &v {
            Value::Nil => Some("n".to_string()),
            Value::Bool(b) => Some(format!("b{b}")),
            Value::Number(n) => Some(format!("d{}", n.normalize())),
            Value::Text(t) => Some(format!("t{t}")),
            Value::Keyword(k) => Some(format!("k{k}")),
            _ => None,
        };
        let fresh = match key {
            Some(key) => seen.insert(key),
            None => !out.iter().any(|o| equal(o, &v)),
        };
        if fresh {
            out.push(v);
        }
    }
    out
}

/// Receives the outcome of every node evaluated; `explain` records them,
/// plain evaluation compiles the calls away.
pub(crate) trait Tracer {
    const ACTIVE: bool;
    fn record(&mut self, id: u32, outcome: Result<&Value, &Error>);
}

pub(crate) struct NoTrace;

impl Tracer for NoTrace {
    const ACTIVE: bool = false;
    fn record(&mut self, _: u32, _: Result<&Value, &Error>) {}
}

type V<'a> = Cow<'a, Value>;

struct Machine<'a, T> {
    rule: &'a CompiledRule,
    ctx: &'a Context,
    opts: &'a EvalOptions,
    fuel: u64,
    tracer: T,
}

/// The arguments of one call: nodes to evaluate on demand, plus the value
/// threaded in by `->` (first) or `->>` (last).
struct Args<'a> {
    nodes: &'a [Node],
    spans: &'a [Span],
    threaded: Option<V<'a>>,
    has_threaded: bool,
    threaded_last: bool,
    threaded_span: Span,
}

impl<'a> Args<'a> {
    fn plain(nodes: &'a [Node], spans: &'a [Span]) -> Args<'a> {
        Args {
            nodes,
            spans,
            threaded: None,
            has_threaded: false,
            threaded_last: false,
            // Unused without a threaded value; a constant keeps calls cheap.
            threaded_span: Span {
                start: 0,
                end: 0,
                line: 1,
                col: 1,
            },
        }
    }

    fn len(&self) -> usize {
        self.nodes.len() + usize::from(self.has_threaded)
    }

    /// `Ok(node)` for an argument written in the call, `Err(())` for the threaded one.
    fn slot(&self, i: usize) -> Result<&'a Node, ()> {
        if !self.has_threaded {
            return Ok(&self.nodes[i]);
        }
        match (self.threaded_last, i) {
            (false, 0) => Err(()),
            (false, i) => Ok(&self.nodes[i - 1]),
            (true, i) if i == self.nodes.len() => Err(()),
            (true, i) => Ok(&self.nodes[i]),
        }
    }

    fn span(&self, i: usize) -> Span {
        self.slot(i)
            .map_or(self.threaded_span, |n| self.spans[n.id as usize])
    }
}

impl CompiledRule {
    /// The variable paths the rule reads, in slot order.
    pub fn variables(&self) -> &[String] {
        &self.paths
    }

    /// Evaluates the rule against one context.
    pub fn eval(&self, ctx: &Context, opts: &EvalOptions) -> Result<Value, Error> {
        self.run(ctx, opts, NoTrace).0.map(Cow::into_owned)
    }

    /// Whether the rule is true (truthy) for `ctx`: the connection would fire.
    /// Allocates nothing for rules that only compare and combine.
    pub fn matches(&self, ctx: &Context, opts: &EvalOptions) -> Result<bool, Error> {
        let mut m = Machine {
            rule: self,
            ctx,
            opts,
            fuel: opts.fuel.unwrap_or(DEFAULT_FUEL),
            tracer: NoTrace,
        };
        m.truthy(&self.root)
    }

    pub(crate) fn spans(&self) -> &[Span] {
        &self.spans
    }

    pub(crate) fn run<'a, T: Tracer>(
        &'a self,
        ctx: &'a Context,
        opts: &'a EvalOptions,
        tracer: T,
    ) -> (Result<V<'a>, Error>, T) {
        let mut m = Machine {
            rule: self,
            ctx,
            opts,
            fuel: opts.fuel.unwrap_or(DEFAULT_FUEL),
            tracer,
        };
        let result = m.eval(&self.root);
        (result, m.tracer)
    }
}

fn type_error(what: &str, v: &Value, span: Span) -> Error {
    let mut message = format!("expected {what}, got {}", describe(v));
    if let Value::Text(s) = v {
        if what.contains("number") && Decimal::from_str_exact(s.trim()).is_ok() {
            message.push_str("; convert text to a number with (v/parse-float ...)");
        }
    }
    Error::at(ErrorKind::Type, message, span)
}

/// A value as an error message names it: its type and a short preview.
fn describe(v: &Value) -> String {
    let json = v.to_json();
    let preview = if json.chars().count() > 40 {
        format!("{}…", json.chars().take(40).collect::<String>())
    } else {
        json
    };
    match v {
        Value::Nil => "nil".to_string(),
        Value::Keyword(k) => format!("keyword `:{k}`"),
        _ => format!("{} `{preview}`", v.type_name()),
    }
}

fn num(v: &Value, span: Span) -> Result<Decimal, Error> {
    match v {
        Value::Number(n) => Ok(*n),
        _ => Err(type_error("a number", v, span)),
    }
}

fn text(v: &Value, span: Span) -> Result<&str, Error> {
    match v {
        Value::Text(s) => Ok(s),
        _ => Err(type_error("text", v, span)),
    }
}

/// A value's text as Clojure's `.toString` gives it (text itself, `12`,
/// `true`, `[1 2]`); nil has none.
fn text_of(v: &Value, span: Span) -> Result<Cow<'_, str>, Error> {
    match v {
        Value::Text(s) => Ok(Cow::Borrowed(s)),
        Value::Nil => Err(type_error("text", v, span)),
        other => Ok(Cow::Owned(print::str_of(other))),
    }
}

fn integer(v: &Value, span: Span) -> Result<i64, Error> {
    let n = num(v, span)?;
    if n.fract().is_zero() {
        i64::try_from(n.trunc())
            .map_err(|_| Error::at(ErrorKind::Arithmetic, "integer out of range", span))
    } else {
        Err(type_error("a whole number", v, span))
    }
}

fn overflow(span: Span) -> Error {
    Error::at(
        ErrorKind::Arithmetic,
        "number out of range (28 significant digits)",
        span,
    )
}

/// Clojure's `=`: numbers by value (`5` = `5.00`), collections by contents.
pub(crate) fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y,
        (Value::Vector(x), Value::Vector(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equal(p, q))
        }
        (Value::Set(x), Value::Set(y)) => {
            x.len() == y.len() && x.iter().all(|p| y.iter().any(|q| equal(p, q)))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len() && x.iter().all(|(k, p)| y.get(k).is_some_and(|q| equal(p, q)))
        }
        _ => a == b,
    }
}

#[derive(PartialEq, PartialOrd)]
enum OrderKey {
    Number(Decimal),
    Instant(i64, u32),
}

fn order_key(v: &Value, span: Span) -> Result<OrderKey, Error> {
    match v {
        Value::Number(n) => Ok(OrderKey::Number(*n)),
        Value::Text(s) => match parse_instant(s) {
            Some((secs, nanos)) => Ok(OrderKey::Instant(secs, nanos)),
            None => Err(Error::at(
                ErrorKind::Type,
                format!(
                    "cannot order {}: only numbers and dates (YYYY-MM-DD) can be compared with < > <= >=",
                    describe(v)
                ),
                span,
            )),
        },
        _ => Err(Error::at(
            ErrorKind::Type,
            format!("cannot order {}: only numbers and dates can be compared with < > <= >=", describe(v)),
            span,
        )),
    }
}

fn compare(a: &OrderKey, b: &OrderKey, span: Span) -> Result<Ordering, Error> {
    match (a, b) {
        (OrderKey::Number(x), OrderKey::Number(y)) => Ok(x.cmp(y)),
        (OrderKey::Instant(..), OrderKey::Instant(..)) => {
            Ok(a.partial_cmp(b).unwrap_or(Ordering::Equal))
        }
        (OrderKey::Number(_), _) => Err(Error::at(
            ErrorKind::Type,
            "cannot compare a number with a date",
            span,
        )),
        _ => Err(Error::at(
            ErrorKind::Type,
            "cannot compare a date with a number",
            span,
        )),
    }
}

/// Looks `key` up the way Clojure's `get` does: map keys by name (`:1` finds
/// `"1"`), vector items by index, set members by themselves.
fn get<'v>(coll: &'v Value, key: &Value) -> Option<&'v Value> {
    match (coll, key) {
        (Value::Map(m), Value::Keyword(k) | Value::Text(k)) => m.get(k.as_str()),
        (Value::Map(m), Value::Number(n)) => m.get(n.to_string().as_str()),
        (Value::Vector(items), Value::Number(n)) => index(*n).and_then(|i| items.get(i)),
        (Value::Set(items), k) => items.iter().find(|i| equal(i, k)),
        _ => None,
    }
}

/// A number used as an index: a whole number written without a fraction
/// (Clojure's `1.0` is a decimal, which indexes nothing), not negative.
fn index(n: Decimal) -> Option<usize> {
    if n.scale() != 0 {
        return None;
    }
    usize::try_from(n).ok()
}

/// LoanPro's `v/parse-int`: the first run of digits (with a `-` right before
/// it), so `"2.984938"` → 2, `"L42-20132"` → 42, `"2024-08-09"` → 2024.
/// `v/parse-float` also keeps a decimal fraction. No digits gives nil.
fn parse_leading_number(s: &str, fraction: bool) -> Option<Decimal> {
    let b = s.as_bytes();
    let start = b.iter().position(u8::is_ascii_digit)?;
    let mut end = start;
    while end < b.len() && b[end].is_ascii_digit() {
        end += 1;
    }
    if fraction && b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(u8::is_ascii_digit) {
        end += 1;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
    }
    let negative = start > 0 && b[start - 1] == b'-';
    let digits = &s[start..end];
    // Beyond 28 digits the number cannot be held exactly; keep the leading ones.
    let digits = if digits.len() > 28 && !digits.contains('.') {
        &digits[..28]
    } else {
        digits
    };
    let n = Decimal::from_str_exact(digits).ok()?;
    Some(if negative { -n } else { n })
}

impl<'a> Machine<'a, NoTrace> {
    /// Whether `node` is truthy: the same answer (and errors, in the same
    /// order) as `eval(node)?.is_truthy()`, without building values for the
    /// logic and equality that rules are made of. Explanations never come here.
    fn truthy(&mut self, node: &'a Node) -> Result<bool, Error> {
        if let NodeKind::Call(Callee::Builtin(b), args) = &node.kind {
            match b {
                Builtin::And => {
                    self.spend(node)?;
                    for arg in args {
                        if !self.truthy(arg)? {
                            return Ok(false);
                        }
                    }
                    return Ok(true);
                }
                Builtin::Or => {
                    self.spend(node)?;
                    for arg in args {
                        if self.truthy(arg)? {
                            return Ok(true);
                        }
                    }
                    return Ok(false);
                }
                Builtin::Not => {
                    self.spend(node)?;
                    return Ok(!self.truthy(&args[0])?);
                }
                Builtin::Eq | Builtin::NotEq
                    if args.len() >= 2 && args.iter().all(Node::is_operand) =>
                {
                    self.spend(node)?;
                    let first = self.operand(&args[0])?;
                    let mut all = true;
                    for arg in &args[1..] {
                        all &= equal(first, self.operand(arg)?);
                    }
                    return Ok(all == (*b == Builtin::Eq));
                }
                _ => {}
            }
        }
        Ok(self.eval(node)?.is_truthy())
    }

    /// A constant or variable by reference (callers check [`Node::is_operand`]).
    fn operand(&mut self, node: &'a Node) -> Result<&'a Value, Error> {
        static NIL: Value = Value::Nil;
        match &node.kind {
            NodeKind::Const(i) => {
                self.spend(node)?;
                Ok(&self.rule.consts[*i as usize])
            }
            NodeKind::Var(slot) => {
                self.spend(node)?;
                self.var(*slot, self.rule.spans[node.id as usize])
            }
            _ => Ok(&NIL),
        }
    }
}

impl<'a, T: Tracer> Machine<'a, T> {
    fn spend(&mut self, node: &Node) -> Result<(), Error> {
        if self.fuel == 0 {
            return Err(Error::at(
                ErrorKind::Limit,
                "evaluation ran out of fuel (the rule is too large)",
                self.rule.spans[node.id as usize],
            ));
        }
        self.fuel -= 1;
        Ok(())
    }

    fn eval(&mut self, node: &'a Node) -> Result<V<'a>, Error> {
        if self.fuel == 0 {
            return Err(Error::at(
                ErrorKind::Limit,
                "evaluation ran out of fuel (the rule is too large)",
                self.rule.spans[node.id as usize],
            ));
        }
        self.fuel -= 1;
        let result = self.eval_kind(node);
        if T::ACTIVE {
            self.tracer.record(node.id, result.as_deref());
        }
        result
    }

    fn eval_kind(&mut self, node: &'a Node) -> Result<V<'a>, Error> {
        match &node.kind {
            NodeKind::Const(i) => Ok(Cow::Borrowed(&self.rule.consts[*i as usize])),
            NodeKind::Var(slot) => self
                .var(*slot, self.rule.spans[node.id as usize])
                .map(Cow::Borrowed),
            NodeKind::Call(callee, args) => self.call(
                callee,
                Args::plain(args, &self.rule.spans),
                self.rule.spans[node.id as usize],
            ),
            _ => self.eval_rare(node),
        }
    }

    /// Collections and threading, kept out of `eval_kind` so the frame on
    /// the recursive path stays small (wasm's stack is 1 MiB).
    #[inline(never)]
    fn eval_rare(&mut self, node: &'a Node) -> Result<V<'a>, Error> {
        match &node.kind {
            NodeKind::Vector(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.eval(item)?.into_owned());
                }
                Ok(Cow::Owned(Value::Vector(out)))
            }
            NodeKind::Set(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.eval(item)?.into_owned());
                }
                Ok(Cow::Owned(Value::Set(dedup(out))))
            }
            NodeKind::Thread { last, init, steps } => {
                let mut value = self.eval(init)?;
                let mut span = self.rule.spans[init.id as usize];
                for step in steps {
                    if self.fuel == 0 {
                        return Err(Error::at(
                            ErrorKind::Limit,
                            "evaluation ran out of fuel",
                            step.span,
                        ));
                    }
                    self.fuel -= 1;
                    let args = Args {
                        nodes: &step.args,
                        spans: &self.rule.spans,
                        threaded: Some(value),
                        has_threaded: true,
                        threaded_last: *last,
                        threaded_span: span,
                    };
                    let result = self.call(&step.callee, args, step.span);
                    if T::ACTIVE {
                        self.tracer.record(step.id, result.as_deref());
                    }
                    value = result?;
                    span = step.span;
                }
                Ok(value)
            }
            _ => unreachable!("eval_kind handles the rest"),
        }
    }

    fn var(&mut self, slot: usize, span: Span) -> Result<&'a Value, Error> {
        let path = &self.rule.paths[slot];
        let root = self.ctx.root();
        if let Value::Map(map) = root {
            let hint = &self.rule.hints[slot];
            if let Some((key, value)) = map.get_index(hint.load(Atomic::Relaxed)) {
                if key == path {
                    return Ok(value);
                }
            }
            if let Some((i, _, value)) = map.get_full(path.as_str()) {
                hint.store(i, Atomic::Relaxed);
                return Ok(value);
            }
        }
        match lookup_in(root, path) {
            Some(v) => Ok(v),
            None => Err(match self.ctx.lookup(path) {
                Err(missing) => missing.into_error(Some(span)),
                Ok(_) => Error::at(
                    ErrorKind::UnknownVariable,
                    format!("unknown variable `{path}`"),
                    span,
                ),
            }),
        }
    }

    fn arg(&mut self, args: &mut Args<'a>, i: usize) -> Result<V<'a>, Error> {
        match args.slot(i) {
            Ok(node) => self.eval(node),
            Err(()) => Ok(args.threaded.take().unwrap_or(Cow::Owned(Value::Nil))),
        }
    }

    fn num_arg(&mut self, args: &mut Args<'a>, i: usize) -> Result<Decimal, Error> {
        let v = self.arg(args, i)?;
        num(&v, args.span(i))
    }

    fn divide(&self, x: Decimal, y: Decimal, y_span: Span, span: Span) -> Result<Decimal, Error> {
        if y.is_zero() {
            return Err(Error::at(ErrorKind::Arithmetic, "division by zero", y_span));
        }
        arith::div(x, y).ok_or_else(|| overflow(span))
    }

    fn int_arg(&mut self, args: &mut Args<'a>, i: usize) -> Result<i64, Error> {
        let v = self.arg(args, i)?;
        integer(&v, args.span(i))
    }

    fn today(&self, span: Span) -> Result<Date, Error> {
        if let Some(d) = self.opts.today {
            return Ok(d);
        }
        if let Ok(Value::Text(s)) = self.ctx.lookup("current-date") {
            if let Some(d) = parse_date_of(s) {
                return Ok(d);
            }
        }
        Date::today_utc().map_err(|m| Error::at(ErrorKind::Invalid, m, span))
    }

    fn date_arg(&mut self, args: &mut Args<'a>, i: usize) -> Result<Date, Error> {
        let v = self.arg(args, i)?;
        match &*v {
            Value::Text(s) => parse_date_of(s),
            _ => None,
        }
        .ok_or_else(|| type_error("a date (YYYY-MM-DD)", &v, args.span(i)))
    }

    fn call(&mut self, callee: &'a Callee, mut args: Args<'a>, span: Span) -> Result<V<'a>, Error> {
        let n = args.len();
        let b = match callee {
            Callee::Keyword(k) => return self.keyword(k, &mut args),
            Callee::Builtin(b) => *b,
        };
        let a = &mut args;
        let owned = |v: Value| -> Result<V<'a>, Error> { Ok(Cow::Owned(v)) };
        match b {
            Builtin::And => {
                let mut last = Cow::Owned(Value::Bool(true));
                for i in 0..n {
                    let v = self.arg(a, i)?;
                    if !v.is_truthy() {
                        return Ok(v);
                    }
                    last = v;
                }
                Ok(last)
            }
            Builtin::Or => {
                let mut last = Cow::Owned(Value::Nil);
                for i in 0..n {
                    let v = self.arg(a, i)?;
                    if v.is_truthy() {
                        return Ok(v);
                    }
                    last = v;
                }
                Ok(last)
            }
            Builtin::Not => owned(Value::Bool(!self.arg(a, 0)?.is_truthy())),
            Builtin::If => {
                if self.arg(a, 0)?.is_truthy() {
                    self.arg(a, 1)
                } else if n == 3 {
                    self.arg(a, 2)
                } else {
                    owned(Value::Nil)
                }
            }
            Builtin::When => {
                let mut last = Cow::Owned(Value::Nil);
                if self.arg(a, 0)?.is_truthy() {
                    for i in 1..n {
                        last = self.arg(a, i)?;
                    }
                }
                Ok(last)
            }
            Builtin::Cond => {
                for i in (0..n).step_by(2) {
                    if self.arg(a, i)?.is_truthy() {
                        return self.arg(a, i + 1);
                    }
                }
                owned(Value::Nil)
            }
            Builtin::ThreadFirst | Builtin::ThreadLast => owned(Value::Nil),
            Builtin::Eq
            | Builtin::NotEq
            | Builtin::Lt
            | Builtin::Gt
            | Builtin::Le
            | Builtin::Ge => self.compare(b, a),
            Builtin::Add
            | Builtin::Sub
            | Builtin::Mul
            | Builtin::Div
            | Builtin::Mod
            | Builtin::Quot
            | Builtin::Rem
            | Builtin::Inc
            | Builtin::Dec
            | Builtin::Abs
            | Builtin::Min
            | Builtin::Max
            | Builtin::Round => self.arith(b, a, span),
            Builtin::Str
            | Builtin::Subs
            | Builtin::Count
            | Builtin::UpperCase
            | Builtin::LowerCase
            | Builtin::Trim
            | Builtin::Blank
            | Builtin::Empty
            | Builtin::StartsWith
            | Builtin::EndsWith
            | Builtin::Includes => self.text(b, a, span),
            _ => self.other(b, a, span),
        }
    }

    #[inline(never)]
    fn keyword(&mut self, k: &str, a: &mut Args<'a>) -> Result<V<'a>, Error> {
        let coll = self.arg(a, 0)?;
        let default = if a.len() == 2 {
            Some(self.arg(a, 1)?)
        } else {
            None
        };
        let key = Value::Keyword(k.to_string());
        Ok(lookup_cow(coll, &key)
            .or(default)
            .unwrap_or(Cow::Owned(Value::Nil)))
    }

    #[inline(never)]
    fn compare(&mut self, b: Builtin, a: &mut Args<'a>) -> Result<V<'a>, Error> {
        let n = a.len();
        let owned = |v: Value| -> Result<V<'a>, Error> { Ok(Cow::Owned(v)) };
        match b {
            Builtin::Eq | Builtin::NotEq => {
                // Every argument is evaluated, as Clojure's `=` is a function.
                let first = self.arg(a, 0)?;
                let mut all = true;
                for i in 1..n {
                    let v = self.arg(a, i)?;
                    all &= equal(&first, &v);
                }
                owned(Value::Bool(all == (b == Builtin::Eq)))
            }
            Builtin::Lt | Builtin::Gt | Builtin::Le | Builtin::Ge => {
                // As in Clojure: every argument is evaluated, then pairs are
                // compared until one fails, so `(> 1 2 nil)` is false and
                // `(< x)` is true whatever `x` is.
                let holds = |ord: Ordering| match b {
                    Builtin::Lt => ord == Ordering::Less,
                    Builtin::Gt => ord == Ordering::Greater,
                    Builtin::Le => ord != Ordering::Greater,
                    _ => ord != Ordering::Less,
                };
                if n == 2 {
                    let x = self.arg(a, 0)?;
                    let y = self.arg(a, 1)?;
                    let kx = order_key(&x, a.span(0))?;
                    let ky = order_key(&y, a.span(1))?;
                    return owned(Value::Bool(holds(compare(&kx, &ky, a.span(1))?)));
                }
                let mut values = Vec::with_capacity(n);
                for i in 0..n {
                    values.push(self.arg(a, i)?);
                }
                for i in 1..n {
                    let prev = order_key(&values[i - 1], a.span(i - 1))?;
                    let key = order_key(&values[i], a.span(i))?;
                    if !holds(compare(&prev, &key, a.span(i))?) {
                        return owned(Value::Bool(false));
                    }
                }
                owned(Value::Bool(true))
            }
            _ => unreachable!("dispatched by call"),
        }
    }

    #[inline(never)]
    fn arith(&mut self, b: Builtin, a: &mut Args<'a>, span: Span) -> Result<V<'a>, Error> {
        let n = a.len();
        let owned = |v: Value| -> Result<V<'a>, Error> { Ok(Cow::Owned(v)) };
        match b {
            Builtin::Add | Builtin::Mul if n == 1 => {
                // Clojure's one-argument `+` and `*` return their argument
                // (a number, or nil).
                let v = self.arg(a, 0)?;
                match &*v {
                    Value::Number(_) | Value::Nil => Ok(v),
                    other => Err(type_error("a number", other, a.span(0))),
                }
            }
            Builtin::Add | Builtin::Mul => {
                let mut acc = if b == Builtin::Add {
                    Decimal::ZERO
                } else {
                    Decimal::ONE
                };
                for i in 0..n {
                    let x = self.num_arg(a, i)?;
                    acc = if i == 0 {
                        x
                    } else if b == Builtin::Add {
                        arith::add(acc, x).ok_or_else(|| overflow(span))?
                    } else {
                        arith::mul(acc, x).ok_or_else(|| overflow(span))?
                    };
                }
                owned(Value::Number(acc))
            }
            Builtin::Sub | Builtin::Div => {
                let first = self.num_arg(a, 0)?;
                if n == 1 {
                    return owned(Value::Number(if b == Builtin::Sub {
                        arith::neg(first)
                    } else {
                        self.divide(Decimal::ONE, first, a.span(0), span)?
                    }));
                }
                let mut acc = first;
                for i in 1..n {
                    let x = self.num_arg(a, i)?;
                    acc = if b == Builtin::Sub {
                        arith::sub(acc, x).ok_or_else(|| overflow(span))?
                    } else {
                        self.divide(acc, x, a.span(i), span)?
                    };
                }
                owned(Value::Number(acc))
            }
            Builtin::Mod | Builtin::Quot | Builtin::Rem => {
                let x = self.num_arg(a, 0)?;
                let y = self.num_arg(a, 1)?;
                if y.is_zero() {
                    return Err(Error::at(
                        ErrorKind::Arithmetic,
                        "division by zero",
                        a.span(1),
                    ));
                }
                let result = match b {
                    Builtin::Rem => arith::rem(x, y),
                    Builtin::Mod => arith::modulo(x, y),
                    _ => arith::quot(x, y),
                };
                owned(Value::Number(result.ok_or_else(|| overflow(span))?))
            }
            Builtin::Inc | Builtin::Dec | Builtin::Abs => {
                let x = self.num_arg(a, 0)?;
                owned(Value::Number(match b {
                    Builtin::Inc => arith::add(x, Decimal::ONE).ok_or_else(|| overflow(span))?,
                    Builtin::Dec => arith::sub(x, Decimal::ONE).ok_or_else(|| overflow(span))?,
                    _ => x.abs(),
                }))
            }
            Builtin::Min | Builtin::Max if n == 1 => self.arg(a, 0),
            Builtin::Min | Builtin::Max => {
                // On a tie Clojure keeps the later argument (`(min 1.0 1.00)` is 1.00).
                let mut best = self.num_arg(a, 0)?;
                for i in 1..n {
                    let x = self.num_arg(a, i)?;
                    if (b == Builtin::Min && x <= best) || (b == Builtin::Max && x >= best) {
                        best = x;
                    }
                }
                owned(Value::Number(best))
            }
            Builtin::Round => {
                let x = self.num_arg(a, 0)?;
                let places = if n == 2 { self.int_arg(a, 1)? } else { 0 };
                if !(0..=28).contains(&places) {
                    return Err(Error::at(
                        ErrorKind::Arithmetic,
                        "round to 0 to 28 places",
                        a.span(1),
                    ));
                }
                owned(Value::Number(x.round_dp_with_strategy(
                    places as u32,
                    RoundingStrategy::MidpointAwayFromZero,
                )))
            }
            _ => unreachable!("dispatched by call"),
        }
    }

    #[inline(never)]
    fn text(&mut self, b: Builtin, a: &mut Args<'a>, span: Span) -> Result<V<'a>, Error> {
        let n = a.len();
        let owned = |v: Value| -> Result<V<'a>, Error> { Ok(Cow::Owned(v)) };
        match b {
            Builtin::Str => {
                let mut out = String::new();
                for i in 0..n {
                    let v = self.arg(a, i)?;
                    print::write_str(&v, &mut out);
                }
                owned(Value::Text(out))
            }
            Builtin::Subs => {
                let v = self.arg(a, 0)?;
                let s = text(&v, a.span(0))?;
                let len = s.chars().count() as i64;
                let start = self.int_arg(a, 1)?;
                let end = if n == 3 { self.int_arg(a, 2)? } else { len };
                if start < 0 || start > len || end < start || end > len {
                    return Err(Error::at(
                        ErrorKind::Invalid,
                        format!(
                            "`subs` range {start}..{end} is outside the text's {len} characters"
                        ),
                        span,
                    ));
                }
                let out: String = s
                    .chars()
                    .skip(start as usize)
                    .take((end - start) as usize)
                    .collect();
                owned(Value::Text(out))
            }
            Builtin::Count => {
                let v = self.arg(a, 0)?;
                let count = match &*v {
                    Value::Nil => 0,
                    Value::Text(s) => s.chars().count(),
                    Value::Vector(items) | Value::Set(items) => items.len(),
                    Value::Map(m) => m.len(),
                    other => return Err(type_error("text or a collection", other, a.span(0))),
                };
                owned(Value::Number(Decimal::from(count)))
            }
            Builtin::UpperCase | Builtin::LowerCase => {
                // Clojure applies these to any value's text (`(lower-case 12)` is "12").
                let v = self.arg(a, 0)?;
                let s = text_of(&v, a.span(0))?;
                owned(Value::Text(if b == Builtin::UpperCase {
                    s.to_uppercase()
                } else {
                    s.to_lowercase()
                }))
            }
            Builtin::Trim => {
                let v = self.arg(a, 0)?;
                owned(Value::Text(text(&v, a.span(0))?.trim().to_string()))
            }
            Builtin::Blank => {
                // Clojure's `blank?` takes text, and nil or false (both blank).
                let v = self.arg(a, 0)?;
                let blank = match &*v {
                    Value::Nil | Value::Bool(false) => true,
                    other => text(other, a.span(0))?.trim().is_empty(),
                };
                owned(Value::Bool(blank))
            }
            Builtin::Empty => {
                let v = self.arg(a, 0)?;
                let empty = match &*v {
                    Value::Nil => true,
                    Value::Text(s) => s.is_empty(),
                    Value::Vector(items) | Value::Set(items) => items.is_empty(),
                    Value::Map(m) => m.is_empty(),
                    other => return Err(type_error("text or a collection", other, a.span(0))),
                };
                owned(Value::Bool(empty))
            }
            Builtin::StartsWith | Builtin::EndsWith | Builtin::Includes => {
                // The text searched may be any value's text, as in Clojure; what
                // is searched for must be text.
                let hay = self.arg(a, 0)?;
                let needle = self.arg(a, 1)?;
                let hay = text_of(&hay, a.span(0))?;
                let needle = text(&needle, a.span(1))?;
                owned(Value::Bool(match b {
                    Builtin::StartsWith => hay.starts_with(needle),
                    Builtin::EndsWith => hay.ends_with(needle),
                    _ => hay.contains(needle),
                }))
            }
            _ => unreachable!("dispatched by call"),
        }
    }

    #[inline(never)]
    fn other(&mut self, b: Builtin, a: &mut Args<'a>, span: Span) -> Result<V<'a>, Error> {
        let n = a.len();
        let owned = |v: Value| -> Result<V<'a>, Error> { Ok(Cow::Owned(v)) };
        match b {
            Builtin::Contains => {
                let coll = self.arg(a, 0)?;
                let key = self.arg(a, 1)?;
                let found = match (&*coll, &*key) {
                    (Value::Nil, _) => false,
                    (Value::Set(items), k) => items.iter().any(|i| equal(i, k)),
                    (Value::Map(_), _) => get(&coll, &key).is_some(),
                    // As in Clojure, `contains?` on a vector or text asks about an index.
                    (Value::Vector(items), Value::Number(i)) => {
                        index(*i).is_some_and(|i| i < items.len())
                    }
                    (Value::Text(s), Value::Number(i)) => {
                        index(*i).is_some_and(|i| i < s.chars().count())
                    }
                    (Value::Vector(_) | Value::Text(_), _) => false,
                    (other, _) => return Err(type_error("a set, map or vector", other, a.span(0))),
                };
                owned(Value::Bool(found))
            }
            Builtin::Get => {
                let coll = self.arg(a, 0)?;
                let key = self.arg(a, 1)?;
                let default = if n == 3 { Some(self.arg(a, 2)?) } else { None };
                Ok(lookup_cow(coll, &key)
                    .or(default)
                    .unwrap_or(Cow::Owned(Value::Nil)))
            }
            Builtin::GetIn => {
                let mut coll = Some(self.arg(a, 0)?);
                let keys = self.arg(a, 1)?;
                let default = if n == 3 { Some(self.arg(a, 2)?) } else { None };
                let keys = match &*keys {
                    Value::Vector(k) => k,
                    other => return Err(type_error("a vector of keys", other, a.span(1))),
                };
                for key in keys {
                    coll = coll.and_then(|c| lookup_cow(c, key));
                }
                Ok(coll.or(default).unwrap_or(Cow::Owned(Value::Nil)))
            }
            Builtin::IsNil | Builtin::IsSome | Builtin::IsTrue | Builtin::IsFalse => {
                let v = self.arg(a, 0)?;
                owned(Value::Bool(match b {
                    Builtin::IsNil => *v == Value::Nil,
                    Builtin::IsSome => *v != Value::Nil,
                    Builtin::IsTrue => *v == Value::Bool(true),
                    _ => *v == Value::Bool(false),
                }))
            }
            Builtin::ParseInt | Builtin::ParseFloat => {
                let v = self.arg(a, 0)?;
                let fraction = b == Builtin::ParseFloat;
                let parsed = match &*v {
                    Value::Nil => None,
                    Value::Number(x) => Some(if fraction { *x } else { x.trunc() }),
                    Value::Text(s) => parse_leading_number(s, fraction),
                    other => return Err(type_error("text", other, a.span(0))),
                };
                owned(parsed.map_or(Value::Nil, Value::Number))
            }
            Builtin::Today => {
                if n > 0 {
                    let key = self.arg(a, 0)?;
                    let format = if n == 2 { Some(self.arg(a, 1)?) } else { None };
                    let ok = *key == Value::Keyword("format".into())
                        && format.as_deref() == Some(&Value::Keyword("date".into()));
                    if !ok {
                        return Err(Error::at(
                            ErrorKind::Invalid,
                            "`u/today` takes no options or `:format :date`",
                            span,
                        ));
                    }
                }
                owned(Value::Text(self.today(span)?.to_string()))
            }
            Builtin::DaysBetween => {
                let from = self.date_arg(a, 0)?;
                let to = self.date_arg(a, 1)?;
                owned(Value::Number(Decimal::from(to.days() - from.days())))
            }
            Builtin::AddDays => {
                let from = self.date_arg(a, 0)?;
                let days = self.int_arg(a, 1)?;
                let date = from
                    .days()
                    .checked_add(days)
                    .and_then(Date::from_days)
                    .ok_or_else(|| {
                        Error::at(
                            ErrorKind::Arithmetic,
                            "date out of range (years 0 to 9999)",
                            span,
                        )
                    })?;
                owned(Value::Text(date.to_string()))
            }
            _ => unreachable!("dispatched by call"),
        }
    }
}

/// `get` that keeps borrowing when the collection is borrowed.
fn lookup_cow<'a>(coll: V<'a>, key: &Value) -> Option<V<'a>> {
    match coll {
        Cow::Borrowed(c) => get(c, key).map(Cow::Borrowed),
        Cow::Owned(c) => get(&c, key).cloned().map(Cow::Owned),
    }
}
