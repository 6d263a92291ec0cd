//! The evaluator: walks a [`CompiledRule`] with borrowed values (`Cow`), so a
//! rule like the seed's allocates nothing per context. Calls go to their row's
//! implementation in [`TABLE`](super::functions::TABLE); fuel is spent in
//! [`Machine::spend`] only, once per node and per `->` step.

use std::borrow::Cow;
use std::sync::atomic::Ordering as Atomic;

use rust_decimal::Decimal;

use crate::context::{lookup_in, Context};
use crate::error::{Error, ErrorKind, Span};
use crate::value::Value;

use super::builtins::{collections, comparison::equal, integer, num, type_error, V};
use super::compile::{dedup, CompiledRule, Node, NodeKind, Step};
use super::date::{parse_date_of, Date};
use super::functions::{Builtin, Callee, Run};
use super::EvalOptions;

/// Work units an evaluation may spend unless [`EvalOptions::fuel`] says otherwise:
/// far above any real rule, low enough that hostile input stops quickly.
pub const DEFAULT_FUEL: u64 = 50_000_000;

/// Receives the outcome of every node evaluated; `explain` and the dry run
/// record them, plain evaluation skips the calls.
pub(crate) trait Tracer {
    const ACTIVE: bool;
    fn record(&mut self, id: u32, outcome: Result<&Value, &Error>);
}

pub(crate) struct NoTrace;

impl Tracer for NoTrace {
    const ACTIVE: bool = false;
    fn record(&mut self, _: u32, _: Result<&Value, &Error>) {}
}

/// [`Tracer`] as an object, so built-ins are plain function pointers.
trait Sink {
    fn sink(&mut self, id: u32, outcome: Result<&Value, &Error>);
}

impl<T: Tracer> Sink for T {
    fn sink(&mut self, id: u32, outcome: Result<&Value, &Error>) {
        self.record(id, outcome);
    }
}

/// One evaluation in progress: the rule, the context, the fuel left.
pub(crate) struct Machine<'a, 't> {
    rule: &'a CompiledRule,
    ctx: &'a Context,
    opts: &'a EvalOptions,
    fuel: u64,
    tracing: bool,
    tracer: &'t mut dyn Sink,
    /// The values `let` forms bound, by local slot.
    locals: Vec<V<'a>>,
}

/// The arguments of one call: nodes to evaluate on demand, plus the value
/// threaded in by `->` (first) or `->>` (last).
pub(crate) struct Args<'a> {
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

    pub(crate) fn len(&self) -> usize {
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

    pub(crate) fn span(&self, i: usize) -> Span {
        self.slot(i)
            .map_or(self.threaded_span, |n| self.spans[n.id as usize])
    }
}

impl CompiledRule {
    /// Evaluates the rule against one context.
    pub fn eval(&self, ctx: &Context, opts: &EvalOptions) -> Result<Value, Error> {
        self.run(ctx, opts, NoTrace).0.map(Cow::into_owned)
    }

    /// Whether the rule is true (truthy) for `ctx`: the connection would fire.
    /// Allocates nothing for rules that only compare and combine.
    pub fn matches(&self, ctx: &Context, opts: &EvalOptions) -> Result<bool, Error> {
        let mut tracer = NoTrace;
        let mut m = Machine::new(self, ctx, opts, &mut tracer, false);
        m.truthy(&self.root)
    }

    /// [`matches`](CompiledRule::matches) with `tracer` hearing each node's
    /// outcome; the nodes [`Machine::truthy`] decides without building a
    /// value are heard as `true` or `false`, which has the truthiness the
    /// value [`run`](CompiledRule::run) would give them has.
    pub(crate) fn truthy_traced<T: Tracer>(
        &self,
        ctx: &Context,
        opts: &EvalOptions,
        mut tracer: T,
    ) -> (Result<bool, Error>, T) {
        let mut m = Machine::new(self, ctx, opts, &mut tracer, T::ACTIVE);
        let result = m.truthy(&self.root);
        (result, tracer)
    }

    pub(crate) fn run<'a, T: Tracer>(
        &'a self,
        ctx: &'a Context,
        opts: &'a EvalOptions,
        mut tracer: T,
    ) -> (Result<V<'a>, Error>, T) {
        let mut m = Machine::new(self, ctx, opts, &mut tracer, T::ACTIVE);
        let result = m.eval(&self.root);
        (result, tracer)
    }
}

impl<'a, 't> Machine<'a, 't> {
    fn new(
        rule: &'a CompiledRule,
        ctx: &'a Context,
        opts: &'a EvalOptions,
        tracer: &'t mut dyn Sink,
        tracing: bool,
    ) -> Machine<'a, 't> {
        Machine {
            rule,
            ctx,
            opts,
            fuel: opts.fuel.unwrap_or(DEFAULT_FUEL),
            tracing,
            tracer,
            locals: vec![Cow::Owned(Value::Nil); rule.locals],
        }
    }

    /// The one place fuel is spent: a unit per node or `->` step evaluated.
    #[inline]
    fn spend(&mut self, id: u32) -> Result<(), Error> {
        if self.fuel == 0 {
            return Err(Error::at(
                ErrorKind::Limit,
                "evaluation ran out of fuel (the rule is too large)",
                self.rule.spans[id as usize],
            ));
        }
        self.fuel -= 1;
        Ok(())
    }

    /// Whether `node` is truthy: the same answer (and errors, in the same
    /// order) as `eval(node)?.is_truthy()`, without building values for the
    /// logic and equality that rules are made of. Explanations, which keep
    /// values, never come here; the dry run's outcome states do.
    fn truthy(&mut self, node: &'a Node) -> Result<bool, Error> {
        if !self.tracing {
            return self.truthy_of(node);
        }
        // Nodes `eval` takes record themselves; the others are recorded here.
        let decided_here = match &node.kind {
            NodeKind::Call(Callee::Builtin(b), args) => match b {
                Builtin::And | Builtin::Or | Builtin::Not => true,
                Builtin::Eq | Builtin::NotEq => {
                    args.len() >= 2 && args.iter().all(Node::is_operand)
                }
                _ => false,
            },
            _ => false,
        };
        // A node whose fuel runs out is not evaluated, so `eval` records nothing for it.
        let decided_here = decided_here && self.fuel > 0;
        let result = self.truthy_of(node);
        if decided_here {
            static TRUE: Value = Value::Bool(true);
            static FALSE: Value = Value::Bool(false);
            let outcome = match &result {
                Ok(true) => Ok(&TRUE),
                Ok(false) => Ok(&FALSE),
                Err(e) => Err(e),
            };
            self.tracer.sink(node.id, outcome);
        }
        result
    }

    fn truthy_of(&mut self, node: &'a Node) -> Result<bool, Error> {
        if let NodeKind::Call(Callee::Builtin(b), args) = &node.kind {
            match b {
                Builtin::And => {
                    self.spend(node.id)?;
                    for arg in args {
                        if !self.truthy(arg)? {
                            return Ok(false);
                        }
                    }
                    return Ok(true);
                }
                Builtin::Or => {
                    self.spend(node.id)?;
                    for arg in args {
                        if self.truthy(arg)? {
                            return Ok(true);
                        }
                    }
                    return Ok(false);
                }
                Builtin::Not => {
                    self.spend(node.id)?;
                    return Ok(!self.truthy(&args[0])?);
                }
                Builtin::Eq | Builtin::NotEq
                    if args.len() >= 2 && args.iter().all(Node::is_operand) =>
                {
                    self.spend(node.id)?;
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
                self.spend(node.id)?;
                let value = &self.rule.consts[*i as usize];
                if self.tracing {
                    self.tracer.sink(node.id, Ok(value));
                }
                Ok(value)
            }
            NodeKind::Var(slot) => {
                self.spend(node.id)?;
                let value = self.var(*slot, self.rule.spans[node.id as usize]);
                if self.tracing {
                    self.tracer.sink(node.id, value.as_deref());
                }
                value
            }
            _ => Ok(&NIL),
        }
    }

    fn eval(&mut self, node: &'a Node) -> Result<V<'a>, Error> {
        self.spend(node.id)?;
        let result = self.eval_kind(node);
        if self.tracing {
            self.tracer.sink(node.id, result.as_deref());
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
            NodeKind::Local(i) => Ok(self.locals[*i as usize].clone()),
            NodeKind::Let { bindings, body } => self.let_(bindings, body),
            NodeKind::Vector(items) => self.collection(items, false),
            NodeKind::Set(items) => self.collection(items, true),
            NodeKind::Thread { last, init, steps } => self.thread(*last, init, steps),
        }
    }

    /// Kept out of `eval_kind` (as `thread` is) so the frame on the
    /// recursive path stays small (wasm's stack is 1 MiB).
    #[inline(never)]
    fn collection(&mut self, items: &'a [Node], set: bool) -> Result<V<'a>, Error> {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.push(self.eval(item)?.into_owned());
        }
        Ok(Cow::Owned(if set {
            Value::Set(dedup(out))
        } else {
            Value::Vector(out)
        }))
    }

    /// `let`: kept out of `eval_kind` for the same reason as `collection`.
    #[inline(never)]
    fn let_(&mut self, bindings: &'a [(u32, Node)], body: &'a [Node]) -> Result<V<'a>, Error> {
        for (local, value) in bindings {
            self.locals[*local as usize] = self.eval(value)?;
        }
        let mut last = Cow::Owned(Value::Nil);
        for form in body {
            last = self.eval(form)?;
        }
        Ok(last)
    }

    /// `->` / `->>`, run as a loop so long chains never deepen the stack.
    #[inline(never)]
    fn thread(&mut self, last: bool, init: &'a Node, steps: &'a [Step]) -> Result<V<'a>, Error> {
        let mut value = self.eval(init)?;
        let mut span = self.rule.spans[init.id as usize];
        for step in steps {
            self.spend(step.id)?;
            let args = Args {
                nodes: &step.args,
                spans: &self.rule.spans,
                threaded: Some(value),
                has_threaded: true,
                threaded_last: last,
                threaded_span: span,
            };
            let result = self.call(&step.callee, args, step.span);
            if self.tracing {
                self.tracer.sink(step.id, result.as_deref());
            }
            value = result?;
            span = step.span;
        }
        Ok(value)
    }

    fn call(&mut self, callee: &'a Callee, mut args: Args<'a>, span: Span) -> Result<V<'a>, Error> {
        match callee {
            Callee::Keyword(k) => collections::keyword(self, k, &mut args),
            Callee::Builtin(b) => match b.function().run {
                Run::Function(run) | Run::Special(run) => run(self, &mut args, span),
                // The compiler turns every `->` into a thread node.
                Run::Thread { .. } => Ok(Cow::Owned(Value::Nil)),
            },
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

    /// Argument `i`, evaluated now (built-ins decide when).
    pub(crate) fn arg(&mut self, args: &mut Args<'a>, i: usize) -> Result<V<'a>, Error> {
        match args.slot(i) {
            Ok(node) => self.eval(node),
            Err(()) => Ok(args.threaded.take().unwrap_or(Cow::Owned(Value::Nil))),
        }
    }

    pub(crate) fn num_arg(&mut self, args: &mut Args<'a>, i: usize) -> Result<Decimal, Error> {
        let v = self.arg(args, i)?;
        num(&v, args.span(i))
    }

    pub(crate) fn int_arg(&mut self, args: &mut Args<'a>, i: usize) -> Result<i64, Error> {
        let v = self.arg(args, i)?;
        integer(&v, args.span(i))
    }

    pub(crate) fn date_arg(&mut self, args: &mut Args<'a>, i: usize) -> Result<Date, Error> {
        let v = self.arg(args, i)?;
        match &*v {
            Value::Text(s) => parse_date_of(s),
            _ => None,
        }
        .ok_or_else(|| type_error("a date (YYYY-MM-DD)", &v, args.span(i)))
    }

    /// The evaluation date: the options', else the context's `current-date`,
    /// else the system clock (which wasm does not have). A `current-date` that
    /// is there but not a date is an error: falling back to the clock would
    /// quietly evaluate as of another day.
    pub(crate) fn today(&self, span: Span) -> Result<Date, Error> {
        if let Some(d) = self.opts.today {
            return Ok(d);
        }
        if let Ok(given) = self.ctx.lookup("current-date") {
            let date = match given {
                Value::Nil => None,
                Value::Text(s) => Some(parse_date_of(s)),
                _ => Some(None),
            };
            if let Some(date) = date {
                return date.ok_or_else(|| {
                    Error::at(
                        ErrorKind::Type,
                        format!(
                            "the context's `current-date` is {}, not a date (YYYY-MM-DD); give the evaluation date instead",
                            crate::error::quote(&given.to_json())
                        ),
                        span,
                    )
                });
            }
        }
        Date::today_utc().map_err(|m| Error::at(ErrorKind::Invalid, m, span))
    }
}
