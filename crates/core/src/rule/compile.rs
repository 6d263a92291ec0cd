//! The compiler: a rule's syntax tree to the form the evaluator (`eval.rs`)
//! runs. Every call is resolved to its row of the function table once, each
//! distinct variable gets a slot, literal collections are built here, and
//! `->` chains become loops. Tree depth is bounded by the parser.

use std::sync::atomic::AtomicUsize;

use crate::error::{Error, ErrorKind, Span};
use crate::value::Value;

use super::ast::{Expr, ExprKind};
use super::builtins::comparison::equal;
use super::functions::{resolve_call, Callee};

/// A rule ready to run many times: functions resolved, variables in slots.
#[derive(Debug)]
pub struct CompiledRule {
    pub(super) root: Node,
    pub(super) consts: Vec<Value>,
    pub(super) paths: Vec<String>,
    /// Per slot, where the variable sat in the last context's top-level map.
    /// Contexts from one source share their key order, so this turns most
    /// lookups into one string comparison. Atomic so the rule stays `Sync`.
    pub(super) hints: Vec<AtomicUsize>,
    pub(super) spans: Vec<Span>,
    /// How many names `let` forms bind: each binding has its own local slot.
    pub(super) locals: usize,
}

#[derive(Debug)]
pub(super) struct Node {
    pub(super) kind: NodeKind,
    /// Index into `spans` (and the explanation); spans live apart to keep
    /// nodes small, since a 10 MB rule has millions of them.
    pub(super) id: u32,
}

#[derive(Debug)]
pub(super) enum NodeKind {
    /// Index into `consts`.
    Const(u32),
    Var(usize),
    /// A name a `let` bound: index into the evaluation's locals.
    Local(u32),
    /// `(let [name value ...] body ...)`: each value into its local slot, in
    /// order, then the body; the last body form is the result (nil if none).
    Let {
        bindings: Vec<(u32, Node)>,
        body: Vec<Node>,
    },
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
    pub(super) fn is_operand(&self) -> bool {
        matches!(self.kind, NodeKind::Const(_) | NodeKind::Var(_))
    }
}

#[derive(Debug)]
pub(super) struct Step {
    pub(super) callee: Callee,
    pub(super) args: Vec<Node>,
    pub(super) span: Span,
    pub(super) id: u32,
}

struct Compiler {
    consts: Vec<Value>,
    paths: Vec<String>,
    spans: Vec<Span>,
    errors: Vec<Error>,
    /// The names bound by the enclosing `let` forms, innermost last.
    scope: Vec<(String, u32)>,
    locals: u32,
}

/// A `let` form's parts: `(let [name value ...] body ...)`, each name a plain
/// symbol (no destructuring). `None` when `items` is not a `let` at all.
#[allow(clippy::type_complexity)]
pub(crate) fn let_form(
    items: &[Expr],
    span: Span,
) -> Option<Result<(Vec<(&str, &Expr)>, &[Expr]), Error>> {
    if !matches!(items.first().map(|h| &h.kind), Some(ExprKind::Symbol(h)) if h == "let") {
        return None;
    }
    let Some(Expr {
        kind: ExprKind::Vector(pairs),
        span: vspan,
    }) = items.get(1)
    else {
        return Some(Err(Error::at(
            ErrorKind::Type,
            "`let` takes a vector of bindings first: (let [name value] body)",
            items.get(1).map_or(span, |e| e.span),
        )));
    };
    if pairs.len() % 2 == 1 {
        return Some(Err(Error::at(
            ErrorKind::Arity,
            "`let` needs a value for every name: its bindings vector has an odd number of forms",
            *vspan,
        )));
    }
    let mut bindings = Vec::with_capacity(pairs.len() / 2);
    for pair in pairs.chunks(2) {
        match &pair[0].kind {
            ExprKind::Symbol(name) if !name.contains('.') && !name.contains('/') => {
                bindings.push((name.as_str(), &pair[1]));
            }
            _ => {
                return Some(Err(Error::at(
                    ErrorKind::Type,
                    "`let` binds plain names only (no destructuring)",
                    pair[0].span,
                )))
            }
        }
    }
    Some(Ok((bindings, &items[2..])))
}

pub(crate) fn compile(expr: &Expr) -> Result<CompiledRule, Vec<Error>> {
    let mut c = Compiler {
        consts: Vec::new(),
        paths: Vec::new(),
        spans: Vec::new(),
        errors: Vec::new(),
        scope: Vec::new(),
        locals: 0,
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
        locals: c.locals as usize,
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
            ExprKind::Symbol(name) if self.scope.iter().any(|(n, _)| n == name) => {
                let local = self.scope.iter().rev().find(|(n, _)| n == name);
                NodeKind::Local(local.map_or(0, |(_, i)| *i))
            }
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
            ExprKind::List(items) if let_form(items, e.span).is_some() => {
                match let_form(items, e.span) {
                    Some(Ok((bindings, body))) => self.let_node(&bindings, body),
                    Some(Err(err)) => {
                        self.errors.push(err);
                        self.constant(Value::Nil)
                    }
                    None => self.constant(Value::Nil),
                }
            }
            ExprKind::List(items) => match resolve_call(items, e.span, 0) {
                Err(err) => {
                    self.errors.push(err);
                    self.constant(Value::Nil)
                }
                Ok(callee) => match callee.thread() {
                    Some(last) => {
                        let init = Box::new(self.node(&items[1]));
                        let steps = items[2..].iter().filter_map(|s| self.step(s)).collect();
                        NodeKind::Thread { last, init, steps }
                    }
                    None => {
                        NodeKind::Call(callee, items[1..].iter().map(|i| self.node(i)).collect())
                    }
                },
            },
        };
        Node { kind, id }
    }

    fn let_node(&mut self, bindings: &[(&str, &Expr)], body: &[Expr]) -> NodeKind {
        let depth = self.scope.len();
        let mut nodes = Vec::with_capacity(bindings.len());
        for (name, value) in bindings {
            // The value sees the names bound before it, not its own.
            let node = self.node(value);
            let local = self.locals;
            self.locals += 1;
            nodes.push((local, node));
            self.scope.push((name.to_string(), local));
        }
        let body = body.iter().map(|b| self.node(b)).collect();
        self.scope.truncate(depth);
        NodeKind::Let {
            bindings: nodes,
            body,
        }
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

pub(super) fn dedup(values: Vec<Value>) -> Vec<Value> {
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

impl CompiledRule {
    /// The variable paths the rule reads, in slot order.
    pub fn variables(&self) -> &[String] {
        &self.paths
    }

    pub(crate) fn spans(&self) -> &[Span] {
        &self.spans
    }
}

/// A rule made only of `and`, `or`, `not` and comparisons (`=`, `not=`, `<`,
/// `>`, `<=`, `>=`) between one variable and one constant: the shape most
/// trigger rules have, which
/// the dry run evaluates straight from a record's text (`dryrun::direct`).
/// Each node keeps its id, whose outcome the dry run records.
#[derive(Debug)]
pub(crate) enum Logic<'r> {
    All(u32, Vec<Logic<'r>>),
    Any(u32, Vec<Logic<'r>>),
    Not(u32, Box<Logic<'r>>),
    Compare {
        id: u32,
        /// `Eq`, `NotEq`, `Lt`, `Gt`, `Le` or `Ge`.
        op: super::functions::Builtin,
        /// The operands in written order: a variable's path or a constant.
        operands: [(u32, Operand<'r>); 2],
    },
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Operand<'r> {
    Var(&'r str),
    Const(&'r Value),
}

impl CompiledRule {
    /// The rule as [`Logic`], when it has that shape.
    pub(crate) fn logic(&self) -> Option<Logic<'_>> {
        self.logic_of(&self.root)
    }

    fn logic_of<'r>(&'r self, node: &'r Node) -> Option<Logic<'r>> {
        use super::functions::Builtin;
        let NodeKind::Call(Callee::Builtin(b), args) = &node.kind else {
            return None;
        };
        let all = || {
            args.iter()
                .map(|a| self.logic_of(a))
                .collect::<Option<Vec<_>>>()
        };
        Some(match b {
            Builtin::And => Logic::All(node.id, all()?),
            Builtin::Or => Logic::Any(node.id, all()?),
            Builtin::Not if args.len() == 1 => {
                Logic::Not(node.id, Box::new(self.logic_of(&args[0])?))
            }
            Builtin::Eq
            | Builtin::NotEq
            | Builtin::Lt
            | Builtin::Gt
            | Builtin::Le
            | Builtin::Ge
                if args.len() == 2 =>
            {
                let operand = |n: &'r Node| match &n.kind {
                    NodeKind::Var(slot) => Some((n.id, Operand::Var(&self.paths[*slot]))),
                    NodeKind::Const(i) => Some((n.id, Operand::Const(&self.consts[*i as usize]))),
                    _ => None,
                };
                let operands = [operand(&args[0])?, operand(&args[1])?];
                let vars = operands
                    .iter()
                    .filter(|(_, o)| matches!(o, Operand::Var(_)))
                    .count();
                if vars != 1 {
                    return None;
                }
                Logic::Compare {
                    id: node.id,
                    op: *b,
                    operands,
                }
            }
            _ => return None,
        })
    }
}
