//! The expression translator: each rule sub-expression becomes a [`Tr`], its
//! SQL value (`NULL` is `nil`) with the boolean conditions the engine's
//! semantics need — when evaluating it errs, when it is truthy. Everything
//! here mirrors `rule/compile.rs`; where SQL cannot say the same thing the
//! translator refuses with the construct's span.

use rust_decimal::Decimal;

use crate::catalog::{Catalog, VarType};
use crate::context::Context;
use crate::error::{Error, ErrorKind, Span};
use crate::rule::ast::{Expr, ExprKind};
use crate::rule::functions::{Builtin, Callee};
use crate::rule::{Date, EvalOptions};
use crate::value::Value;

use super::{Dialect, Options, Source};

/// The largest scale the engine's decimals hold.
const MAX_SCALE: u32 = 28;

// ---------------------------------------------------------------- SQL text

/// How an SQL fragment binds, to parenthesise only where needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum K {
    /// A name, literal, call or CASE: never needs parentheses.
    Atom,
    /// A comparison, `IS NULL`, `IN`: fine inside AND / OR / NOT.
    Cmp,
    And,
    Or,
    /// Arithmetic, concatenation: parenthesised as any operand.
    Expr,
    /// `NOT x` of an atom `x`.
    NotAtom,
    /// `NOT (x)`.
    NotWrapped,
}

#[derive(Debug, Clone)]
pub(crate) struct S {
    pub text: String,
    pub k: K,
    /// For `NOT (x)`: how `x` binds, to give it back when negated again.
    inner: Option<K>,
}

impl S {
    pub fn new(text: impl Into<String>, k: K) -> S {
        S {
            text: text.into(),
            k,
            inner: None,
        }
    }

    pub fn atom(text: impl Into<String>) -> S {
        S::new(text, K::Atom)
    }

    /// The text as an operand of an operator or comparison.
    pub fn p(&self) -> String {
        if self.k == K::Atom {
            self.text.clone()
        } else {
            format!("({})", self.text)
        }
    }
}

/// A boolean SQL condition, with constants folded.
#[derive(Debug, Clone)]
pub(crate) enum B {
    T,
    F,
    S(S),
}

impl B {
    pub fn of(b: bool) -> B {
        if b {
            B::T
        } else {
            B::F
        }
    }

    pub fn cmp(text: impl Into<String>) -> B {
        B::S(S::new(text, K::Cmp))
    }

    pub fn atom(text: impl Into<String>) -> B {
        B::S(S::atom(text))
    }

    pub fn and(self, other: B) -> B {
        match (self, other) {
            (B::F, _) | (_, B::F) => B::F,
            (B::T, x) | (x, B::T) => x,
            (B::S(a), B::S(b)) => {
                let side = |s: &S| match s.k {
                    K::Or | K::Expr => format!("({})", s.text),
                    _ => s.text.clone(),
                };
                B::S(S::new(format!("{} AND {}", side(&a), side(&b)), K::And))
            }
        }
    }

    pub fn or(self, other: B) -> B {
        match (self, other) {
            (B::T, _) | (_, B::T) => B::T,
            (B::F, x) | (x, B::F) => x,
            (B::S(a), B::S(b)) => {
                let side = |s: &S| match s.k {
                    K::And | K::Expr | K::NotAtom | K::NotWrapped => format!("({})", s.text),
                    _ => s.text.clone(),
                };
                B::S(S::new(format!("{} OR {}", side(&a), side(&b)), K::Or))
            }
        }
    }

    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> B {
        match self {
            B::T => B::F,
            B::F => B::T,
            // Negating a negation built here gives the original back.
            B::S(s) => match s.k {
                K::NotAtom => B::S(S::atom(&s.text[4..])),
                K::NotWrapped => B::S(S::new(
                    &s.text[5..s.text.len() - 1],
                    s.inner.unwrap_or(K::Or),
                )),
                K::Atom => B::S(S::new(format!("NOT {}", s.text), K::NotAtom)),
                K::Cmp if s.text.ends_with(" IS NOT NULL") => {
                    B::cmp(format!("{} IS NULL", &s.text[..s.text.len() - 12]))
                }
                K::Cmp if s.text.ends_with(" IS NULL") => {
                    B::cmp(format!("{} IS NOT NULL", &s.text[..s.text.len() - 8]))
                }
                k => B::S(S {
                    inner: Some(k),
                    ..S::new(format!("NOT ({})", s.text), K::NotWrapped)
                }),
            },
        }
    }

    pub fn any(items: impl IntoIterator<Item = B>) -> B {
        items.into_iter().fold(B::F, B::or)
    }

    pub fn is_true(&self) -> bool {
        matches!(self, B::T)
    }

    /// As an SQL value of type BOOLEAN.
    pub fn sql(&self) -> S {
        match self {
            B::T => S::atom("TRUE"),
            B::F => S::atom("FALSE"),
            B::S(s) => s.clone(),
        }
    }

    /// `CASE WHEN c THEN a ELSE b END` over booleans, folded.
    pub fn choose(c: &B, a: B, b: B) -> B {
        match c {
            B::T => a,
            B::F => b,
            c => c.clone().and(a).or(c.clone().not().and(b)),
        }
    }
}

// ---------------------------------------------------------------- types

/// The type of a scalar column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Scalar {
    Num(u32),
    Text,
    Date,
    Bool,
}

/// What a custom-field map reference points at.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct MapRef {
    /// The map variable's path segments.
    pub path: Vec<String>,
}

/// The static type of a sub-expression's non-nil values.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ty {
    /// Always nil.
    Nil,
    Bool,
    Num(u32),
    Text,
    Date,
    Keyword,
    /// A constant vector, set or map (an argument of `contains?`, `get-in`).
    Coll,
    /// A custom-field map (`setup-custom-fields`).
    Map(MapRef),
    /// One entry of it: `(get setup-custom-fields :1)`.
    Entry(MapRef, String),
    /// Branches of different types: only truthiness can be used.
    Mixed,
}

impl Ty {
    fn describe(&self) -> &'static str {
        match self {
            Ty::Nil => "nil",
            Ty::Bool => "a boolean",
            Ty::Num(_) => "a number",
            Ty::Text => "text",
            Ty::Date => "a date",
            Ty::Keyword => "a keyword",
            Ty::Coll => "a collection",
            Ty::Map(_) => "a map",
            Ty::Entry(..) => "a map entry",
            Ty::Mixed => "a value whose type depends on a branch",
        }
    }
}

/// A translated sub-expression.
#[derive(Debug, Clone)]
pub(crate) struct Tr {
    pub ty: Ty,
    /// The value; `None` for mixed types and constant collections.
    pub val: Option<S>,
    /// The engine's value when the expression reads no variable.
    pub konst: Option<Value>,
    /// Whether the value may be nil (when there is no error).
    pub nullable: bool,
    /// True when evaluation errs. Never NULL.
    pub err: B,
    /// The value is neither nil nor false. Never NULL when `err` is false.
    pub truthy: B,
    /// TRUE exactly when truthy; may be NULL where `truthy` is FALSE.
    pub pos: B,
    /// The value is not nil. Never NULL when `err` is false.
    pub nonnil: B,
}

// ---------------------------------------------------------------- columns

/// A value the query's `loans` CTE projects for the rule to read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum ColKey {
    /// A scalar catalog variable, guarded against values of another type.
    Value(Vec<String>),
    /// Whether the variable's key is present (not missing) in the loan.
    Present(Vec<String>),
    /// The custom-field map is not null.
    MapSet(Vec<String>),
    /// The map has the key.
    MapHas(Vec<String>, String),
    /// The map's entry under the key is not null.
    EntrySet(Vec<String>, String),
    /// A field of the map's entry: `(-> setup-custom-fields (get :1) :value)`.
    Field(Vec<String>, String, String),
}

#[derive(Debug, Clone)]
pub(crate) struct Column {
    pub key: ColKey,
    pub alias: String,
    /// The column's type for value columns; `None` for boolean flags.
    pub scalar: Option<Scalar>,
}

pub(crate) struct Translator<'a> {
    pub catalog: &'a Catalog,
    pub dialect: Dialect,
    /// Whether the source tells missing keys from nulls (a file, a jsonb column).
    pub presence: bool,
    today: Option<Date>,
    pub columns: Vec<Column>,
}

fn refuse(message: impl Into<String>, span: Span) -> Error {
    Error::at(ErrorKind::Untranslatable, message, span)
}

/// How a catalog variable maps to SQL.
pub(crate) enum VarShape {
    Scalar(Scalar),
    /// A map keyed by id whose entries have these fields.
    Map(Vec<(String, Scalar)>),
}

/// An operand of an ordering: its SQL and scale, its kind (`number` or
/// `date`), and when it is nil.
type Orderable = ((S, u32), &'static str, B);

impl<'a> Translator<'a> {
    pub fn new(catalog: &'a Catalog, opts: &Options) -> Translator<'a> {
        let presence = matches!(
            (&opts.source, opts.dialect),
            (Source::File(_), _) | (_, Dialect::Postgres)
        );
        Translator {
            catalog,
            dialect: opts.dialect,
            presence,
            today: opts.today,
            columns: Vec::new(),
        }
    }

    /// The WHERE condition: the rule evaluates without error to a truthy value.
    pub fn rule(&mut self, e: &Expr) -> Result<B, Error> {
        let e = desugar(e);
        let t = self.tr(&e)?;
        self.fires(&e, &t)
    }

    /// The selection condition, spelled readably for `and` / `or` at the top.
    fn fires(&mut self, e: &Expr, t: &Tr) -> Result<B, Error> {
        if let Some(name) = e.head() {
            let b = Builtin::lookup(name);
            if matches!(b, Some(Builtin::And | Builtin::Or)) && t.konst.is_none() {
                let args = e.args();
                if args.is_empty() {
                    return Ok(B::of(b == Some(Builtin::And)));
                }
                let mut out = if b == Some(Builtin::And) { B::T } else { B::F };
                // Walk right to left: or(a, rest) = fires(a) OR (a ok, falsey, and rest fires).
                let mut rest: Option<B> = None;
                for arg in args.iter().rev() {
                    let ta = self.tr(arg)?;
                    let fa = self.fires(arg, &ta)?;
                    rest = Some(match (b, rest) {
                        (_, None) => fa,
                        (Some(Builtin::And), Some(r)) => fa.and(r),
                        (_, Some(r)) => {
                            fa.or(ta.err.clone().not().and(ta.truthy.clone().not()).and(r))
                        }
                    });
                }
                out = match b {
                    Some(Builtin::And) => out.and(rest.unwrap_or(B::T)),
                    _ => out.or(rest.unwrap_or(B::F)),
                };
                return Ok(out);
            }
        }
        Ok(t.err.clone().not().and(t.pos.clone()))
    }

    // ------------------------------------------------------------ atoms

    fn konst(&self, v: Value) -> Tr {
        let d = self.dialect;
        let (ty, val, nullable) = match &v {
            Value::Nil => (Ty::Nil, Some(S::atom("NULL")), true),
            Value::Bool(b) => (Ty::Bool, Some(B::of(*b).sql()), false),
            Value::Number(n) => (Ty::Num(n.scale()), Some(number_literal(*n, d)), false),
            Value::Text(s) => (Ty::Text, Some(S::atom(string_literal(s, d))), false),
            Value::Keyword(k) => (
                Ty::Keyword,
                Some(S::atom(string_literal(&format!(":{k}"), d))),
                false,
            ),
            _ => (Ty::Coll, None, false),
        };
        let truthy = B::of(v.is_truthy());
        Tr {
            ty,
            val,
            nullable,
            err: B::F,
            pos: truthy.clone(),
            truthy,
            nonnil: B::of(v != Value::Nil),
            konst: Some(v),
        }
    }

    /// A value of type `ty` (not Mixed): nonnil, truthy and pos follow.
    fn value(&self, ty: Ty, val: S, nullable: bool, err: B) -> Tr {
        let nonnil = if nullable {
            B::cmp(format!("{} IS NOT NULL", val.p()))
        } else {
            B::T
        };
        let (truthy, pos) = match ty {
            Ty::Nil => (B::F, B::F),
            Ty::Bool => {
                if nullable {
                    (
                        B::atom(format!("COALESCE({}, FALSE)", val.text)),
                        B::S(val.clone()),
                    )
                } else {
                    (B::S(val.clone()), B::S(val.clone()))
                }
            }
            _ => (nonnil.clone(), nonnil.clone()),
        };
        Tr {
            ty,
            val: Some(val),
            konst: None,
            nullable,
            err,
            truthy,
            pos,
            nonnil,
        }
    }

    /// A boolean that is never nil.
    fn boolean(&self, b: B, err: B) -> Tr {
        let mut t = self.value(Ty::Bool, b.sql(), false, err);
        t.truthy = b.clone();
        t.pos = b;
        t
    }

    /// Like [`boolean`](Self::boolean), with a cheaper positive form.
    fn boolean_pos(&self, b: B, pos: B, err: B) -> Tr {
        let mut t = self.boolean(b, err);
        t.pos = pos;
        t
    }

    fn column(&mut self, key: ColKey, scalar: Option<Scalar>) -> S {
        if let Some(c) = self.columns.iter().find(|c| c.key == key) {
            return S::atom(quote_ident(&c.alias, self.dialect));
        }
        let alias = match &key {
            ColKey::Value(p) => p.join("."),
            ColKey::Present(p) => format!("{}?", p.join(".")),
            ColKey::MapSet(p) => format!("{} is set", p.join(".")),
            ColKey::MapHas(p, k) => format!("{} has {k}", p.join(".")),
            ColKey::EntrySet(p, k) => format!("{}[{k}] is set", p.join(".")),
            ColKey::Field(p, k, f) => format!("{}[{k}].{f}", p.join(".")),
        };
        self.columns.push(Column {
            key,
            alias: alias.clone(),
            scalar,
        });
        S::atom(quote_ident(&alias, self.dialect))
    }

    fn present(&mut self, path: &[String]) -> B {
        if self.presence {
            B::S(self.column(ColKey::Present(path.to_vec()), None))
        } else {
            B::T
        }
    }

    /// The shape of catalog variable `name`, or why it cannot be read.
    pub fn shape(&self, name: &str, span: Span) -> Result<VarShape, Error> {
        let segs: Vec<&str> = name.split('.').collect();
        if segs
            .iter()
            .any(|s| s.parse::<usize>().is_ok() || *s == "first" || *s == "last" || s.is_empty())
        {
            return Err(refuse(
                format!("`{name}` indexes into an array; arrays are not translated to SQL"),
                span,
            ));
        }
        for i in 1..segs.len() {
            let prefix = segs[..i].join(".");
            if let Some(v) = self.catalog.variables.iter().find(|v| v.name == prefix) {
                return Err(match v.ty {
                    VarType::Array => refuse(
                        format!("`{name}` reads the items of the array `{prefix}`; arrays are not translated to SQL"),
                        span,
                    ),
                    _ => refuse(
                        format!("`{prefix}` is keyed by id: read a field with (-> {prefix} (get :ID) :{})", segs[i..].join(".")),
                        span,
                    ),
                });
            }
        }
        let Some(var) = self.catalog.variables.iter().find(|v| v.name == name) else {
            return Err(refuse(
                format!(
                    "`{name}` is not in the {} catalog, so its SQL type is unknown",
                    self.catalog.name
                ),
                span,
            ));
        };
        let scalar = |v: &crate::catalog::Variable| -> Option<Scalar> {
            match v.ty {
                VarType::Number | VarType::Money => v.decimal_scale().map(Scalar::Num),
                VarType::Text | VarType::Enum => Some(Scalar::Text),
                VarType::Date => Some(Scalar::Date),
                VarType::Boolean => Some(Scalar::Bool),
                _ => None,
            }
        };
        if let Some(s) = scalar(var) {
            if let Scalar::Num(scale) = s {
                if scale > MAX_SCALE {
                    return Err(refuse(
                        format!("`{name}` has scale {scale}, above the engine's 28"),
                        span,
                    ));
                }
            }
            return Ok(VarShape::Scalar(s));
        }
        match var.ty {
            VarType::Object => {
                let prefix = format!("{name}.");
                let fields: Vec<(String, Scalar)> = self
                    .catalog
                    .variables
                    .iter()
                    .filter_map(|v| {
                        let field = v.name.strip_prefix(&prefix)?;
                        (!field.contains('.')).then_some(())?;
                        Some((field.to_string(), scalar(v)?))
                    })
                    .collect();
                if fields.is_empty() {
                    Err(refuse(
                        format!("`{name}` is an object without known fields"),
                        span,
                    ))
                } else {
                    Ok(VarShape::Map(fields))
                }
            }
            _ => Err(refuse(
                format!("`{name}` is an array; arrays are not translated to SQL"),
                span,
            )),
        }
    }

    fn variable(&mut self, name: &str, span: Span) -> Result<Tr, Error> {
        let path: Vec<String> = name.split('.').map(str::to_string).collect();
        let shape = self.shape(name, span)?;
        let err = self.present(&path).not();
        Ok(match shape {
            VarShape::Scalar(s) => {
                let col = self.column(ColKey::Value(path), Some(s));
                self.value(scalar_ty(s), col, true, err)
            }
            VarShape::Map(_) => {
                let set = self.column(ColKey::MapSet(path.clone()), None);
                let mut t = self.value(Ty::Map(MapRef { path }), S::atom("NULL"), true, err);
                t.val = None;
                t.nonnil = B::S(set);
                t.truthy = t.nonnil.clone();
                t.pos = t.nonnil.clone();
                t
            }
        })
    }

    // ------------------------------------------------------------ the walk

    pub fn tr(&mut self, e: &Expr) -> Result<Tr, Error> {
        if is_constant(e, self.today.is_some()) {
            return Ok(self.fold(e));
        }
        match &e.kind {
            ExprKind::Symbol(name) => self.variable(name, e.span),
            ExprKind::Vector(_) | ExprKind::Set(_) => Err(refuse(
                "a collection built from variables has no SQL equivalent here",
                e.span,
            )),
            ExprKind::List(items) => {
                let callee = match &items[0].kind {
                    ExprKind::Keyword(k) => Callee::Keyword(k.clone()),
                    ExprKind::Symbol(name) if name == "let" => {
                        return Err(refuse(
                            "`let` is not translated: name the value where it is used",
                            items[0].span,
                        ))
                    }
                    ExprKind::Symbol(name) => match Builtin::lookup(name) {
                        Some(b) => Callee::Builtin(b),
                        None => {
                            return Err(refuse(format!("unknown function `{name}`"), items[0].span))
                        }
                    },
                    _ => {
                        return Err(refuse(
                            "only a function name or keyword can be called",
                            e.span,
                        ))
                    }
                };
                self.call(callee, &items[1..], e)
            }
            _ => Ok(self.fold(e)),
        }
    }

    /// Evaluates a sub-expression that reads no variable with the engine itself.
    fn fold(&self, e: &Expr) -> Tr {
        let opts = EvalOptions {
            today: self.today,
            ..EvalOptions::default()
        };
        let result = crate::rule::compile::compile(e)
            .map_err(|_| ())
            .and_then(|c| c.eval(&Context::default(), &opts).map_err(|_| ()));
        match result {
            Ok(v) => self.konst(v),
            Err(()) => {
                let mut t = self.konst(Value::Nil);
                t.konst = None;
                t.err = B::T;
                t
            }
        }
    }

    fn args(&mut self, args: &[Expr]) -> Result<Vec<Tr>, Error> {
        args.iter().map(|a| self.tr(a)).collect()
    }

    fn call(&mut self, callee: Callee, args: &[Expr], e: &Expr) -> Result<Tr, Error> {
        let span = e.span;
        let b = match callee {
            Callee::Keyword(k) => {
                if args.len() == 2 {
                    return Err(refuse(
                        format!("`(:{k} m default)`: a default value is not translated"),
                        span,
                    ));
                }
                let m = self.tr(&args[0])?;
                return self.lookup(m, &Value::Keyword(k), span);
            }
            Callee::Builtin(b) => b,
        };
        let name = b.name();
        match b {
            Builtin::And | Builtin::Or => {
                let mut ts = self.args(args)?;
                let Some(mut acc) = ts.pop() else {
                    return Ok(self.konst(Value::Bool(b == Builtin::And)));
                };
                while let Some(a) = ts.pop() {
                    acc = self.and_or(b == Builtin::And, a, acc, span)?;
                }
                Ok(acc)
            }
            Builtin::Not => {
                let a = self.tr(&args[0])?;
                let v = a.truthy.clone().not();
                Ok(self.boolean(v, a.err))
            }
            Builtin::If => {
                let c = self.tr(&args[0])?;
                let x = self.tr(&args[1])?;
                let y = match args.get(2) {
                    Some(y) => self.tr(y)?,
                    None => self.konst(Value::Nil),
                };
                self.branch(c, x, y, span)
            }
            Builtin::When => {
                let c = self.tr(&args[0])?;
                let body = self.args(&args[1..])?;
                let err = B::any(body.iter().map(|t| t.err.clone()));
                let mut last = match body.last() {
                    Some(t) => t.clone(),
                    None => self.konst(Value::Nil),
                };
                last.err = err;
                let nil = self.konst(Value::Nil);
                self.branch(c, last, nil, span)
            }
            Builtin::Cond => {
                let ts = self.args(args)?;
                let mut acc = self.konst(Value::Nil);
                for pair in ts.chunks(2).rev() {
                    acc = self.branch(pair[0].clone(), pair[1].clone(), acc, span)?;
                }
                Ok(acc)
            }
            Builtin::ThreadFirst | Builtin::ThreadLast => {
                unreachable!("desugared before translation")
            }
            Builtin::Eq | Builtin::NotEq => {
                let ts = self.args(args)?;
                let err = B::any(ts.iter().map(|t| t.err.clone()));
                let mut all = B::T;
                let mut pos = B::T;
                for (t, arg) in ts[1..].iter().zip(&args[1..]) {
                    let (exact, p) = self.eq(&ts[0], t, arg.span)?;
                    all = all.and(exact);
                    pos = pos.and(p);
                }
                Ok(if b == Builtin::Eq {
                    self.boolean_pos(all, pos, err)
                } else {
                    self.boolean(all.not(), err)
                })
            }
            Builtin::Lt | Builtin::Gt | Builtin::Le | Builtin::Ge => {
                let ts = self.args(args)?;
                self.order(b, &ts, args)
            }
            Builtin::Add | Builtin::Sub | Builtin::Mul => {
                let ts = self.args(args)?;
                self.arith(b, ts, args, span)
            }
            Builtin::Div => self.divide(args, span),
            Builtin::Mod | Builtin::Quot | Builtin::Rem => Err(refuse(
                format!("`{name}` is not translated: SQL's remainder on decimals is not exact in every dialect"),
                span,
            )),
            Builtin::Inc | Builtin::Dec => {
                let one = Expr::new(ExprKind::Number(Decimal::ONE), span);
                let mut ts = self.args(args)?;
                ts.push(self.tr(&one)?);
                let op = if b == Builtin::Inc { Builtin::Add } else { Builtin::Sub };
                self.arith(op, ts, &[args[0].clone(), one], span)
            }
            Builtin::Abs => {
                let a = self.tr(&args[0])?;
                let (x, err, s) = self.number(&a, &args[0])?;
                Ok(self.value(Ty::Num(s), S::atom(format!("abs({})", x.text)), false, err))
            }
            Builtin::Min | Builtin::Max => {
                let ts = self.args(args)?;
                let mut err = B::F;
                let mut xs = Vec::new();
                let mut scale = 0;
                for (t, arg) in ts.iter().zip(args) {
                    let (x, e, s) = self.number(t, arg)?;
                    err = err.or(e);
                    xs.push((x, s));
                    scale = scale.max(s);
                }
                let mut xs: Vec<String> = self.unify(xs).into_iter().map(|x| x.text).collect();
                let f = if b == Builtin::Min { "least" } else { "greatest" };
                let val = if xs.len() == 1 {
                    S::atom(xs.remove(0))
                } else {
                    S::atom(format!("{f}({})", xs.join(", ")))
                };
                Ok(self.value(Ty::Num(scale), val, false, err))
            }
            Builtin::Round => {
                let a = self.tr(&args[0])?;
                let places = match args.get(1) {
                    None => 0,
                    Some(p) => {
                        let pt = self.tr(p)?;
                        if pt.err.is_true() {
                            return Ok(self.error_value());
                        }
                        match pt.konst {
                            Some(Value::Number(n))
                                if n.fract().is_zero()
                                    && n >= Decimal::ZERO
                                    && n <= Decimal::from(28) =>
                            {
                                n.trunc().to_string().parse::<u32>().unwrap_or(0)
                            }
                            Some(_) => return Ok(self.error_value()),
                            None => {
                                return Err(refuse(
                                    "`round` to a computed number of places is not translated",
                                    p.span,
                                ))
                            }
                        }
                    }
                };
                let (x, err, s) = self.number(&a, &args[0])?;
                let val = if places >= s {
                    x
                } else {
                    S::atom(format!("round({}, {places})", x.text))
                };
                Ok(self.value(Ty::Num(s.min(places)), val, false, err))
            }
            Builtin::Str => {
                let ts = self.args(args)?;
                let mut err = B::F;
                let mut parts = Vec::new();
                for (t, arg) in ts.iter().zip(args) {
                    err = err.or(t.err.clone());
                    if let Some(v) = &t.konst {
                        let text = match v {
                            Value::Text(s) => s.clone(),
                            other => other.to_text(),
                        };
                        if !text.is_empty() {
                            parts.push(string_literal(&text, self.dialect));
                        }
                        continue;
                    }
                    let val = t.val.clone();
                    let part = match (&t.ty, val) {
                        (Ty::Nil, _) => continue,
                        (Ty::Text, Some(v)) => coalesce_empty(&v, t.nullable),
                        (Ty::Date, Some(v)) => coalesce_empty(&self.date_text(&v), t.nullable),
                        (Ty::Bool, Some(v)) => format!(
                            "CASE WHEN {} THEN 'true' WHEN NOT {} THEN 'false' ELSE '' END",
                            v.text,
                            v.p()
                        ),
                        (Ty::Num(_), _) => {
                            return Err(refuse(
                                "`str` of a computed number: SQL prints the column's scale, the engine the value's own",
                                arg.span,
                            ))
                        }
                        (ty, _) => {
                            return Err(refuse(format!("`str` of {} is not translated", ty.describe()), arg.span))
                        }
                    };
                    parts.push(part);
                }
                let val = match parts.len() {
                    0 => S::atom("''"),
                    1 => S::new(parts.remove(0), K::Atom),
                    _ => match self.dialect {
                        Dialect::Spark => S::atom(format!("concat({})", parts.join(", "))),
                        _ => S::new(parts.join(" || "), K::Expr),
                    },
                };
                Ok(self.value(Ty::Text, val, false, err))
            }
            Builtin::Subs => self.subs(args, span),
            Builtin::Count => {
                let a = self.tr(&args[0])?;
                let err = a.err.clone();
                match (&a.ty, &a.val) {
                    (Ty::Text, Some(v)) => {
                        let len = S::atom(format!("{}({})", self.length_fn(), v.text));
                        let val = if a.nullable {
                            S::atom(format!("COALESCE({}, 0)", len.text))
                        } else {
                            len
                        };
                        Ok(self.value(Ty::Num(0), val, false, err))
                    }
                    (Ty::Date, _) => Ok(self.value(
                        Ty::Num(0),
                        S::atom(format!("CASE WHEN {} THEN 10 ELSE 0 END", a.nonnil.sql().text)),
                        false,
                        err,
                    )),
                    (Ty::Nil, _) => Ok(self.value(Ty::Num(0), S::atom("0"), false, err)),
                    (Ty::Num(_) | Ty::Bool, _) => {
                        // Counting a number or boolean errs; nil counts 0.
                        let err = err.or(a.nonnil.clone());
                        Ok(self.value(Ty::Num(0), S::atom("0"), false, err))
                    }
                    (ty, _) => Err(refuse(format!("`count` of {} is not translated", ty.describe()), args[0].span)),
                }
            }
            Builtin::UpperCase | Builtin::LowerCase | Builtin::Trim => {
                let a = self.tr(&args[0])?;
                let (x, err) = self.text(&a, &args[0], name)?;
                let val = match b {
                    Builtin::Trim => self.trim(&x),
                    _ => {
                        let f = if b == Builtin::UpperCase { "upper" } else { "lower" };
                        let mapped = format!("{f}({})", x.text);
                        if a.ty == Ty::Date || a.konst.is_some() {
                            S::atom(mapped)
                        } else {
                            let msg = format!("`{name}` of text outside ASCII: SQL maps case differently from the engine");
                            S::atom(format!(
                                "CASE WHEN {} THEN {} ELSE {mapped} END",
                                self.non_ascii(&x),
                                self.raise_text(&msg)
                            ))
                        }
                    }
                };
                Ok(self.value(Ty::Text, val, false, err))
            }
            Builtin::Blank | Builtin::Empty => {
                let a = self.tr(&args[0])?;
                let err = a.err.clone();
                match (&a.ty, &a.val) {
                    (Ty::Nil, _) => Ok(self.boolean(B::T, err)),
                    (Ty::Text, Some(v)) => {
                        let test = if b == Builtin::Blank {
                            format!("{} = ''", self.trim(v).p())
                        } else {
                            format!("{} = ''", v.p())
                        };
                        let val = if a.nullable {
                            B::cmp(format!("{} IS NULL", v.p())).or(B::cmp(test))
                        } else {
                            B::cmp(test)
                        };
                        Ok(self.boolean(val, err))
                    }
                    (Ty::Date, _) => {
                        let val = a.nonnil.clone().not();
                        Ok(self.boolean(val, err))
                    }
                    (Ty::Num(_) | Ty::Bool | Ty::Keyword, _) => {
                        let err = err.or(a.nonnil.clone());
                        Ok(self.boolean(a.nonnil.clone().not(), err))
                    }
                    (ty, _) => Err(refuse(format!("`{name}` of {} is not translated", ty.describe()), args[0].span)),
                }
            }
            Builtin::StartsWith | Builtin::EndsWith | Builtin::Includes => {
                let h = self.tr(&args[0])?;
                let n = self.tr(&args[1])?;
                let (hay, e1) = self.text(&h, &args[0], name)?;
                let (needle, e2) = self.text(&n, &args[1], name)?;
                let test = self.text_test(b, &hay, &needle);
                Ok(self.boolean(test, e1.or(e2)))
            }
            Builtin::Contains => self.contains(args, span),
            Builtin::Get => {
                if args.len() == 3 {
                    return Err(refuse("`get` with a default value is not translated", span));
                }
                let mut m = self.tr(&args[0])?;
                let k = self.tr(&args[1])?;
                m.err = m.err.clone().or(k.err.clone());
                match k.konst {
                    Some(key) => self.lookup(m, &key, span),
                    None => Err(refuse("`get` with a computed key is not translated", args[1].span)),
                }
            }
            Builtin::GetIn => {
                if args.len() == 3 {
                    return Err(refuse("`get-in` with a default value is not translated", span));
                }
                let mut m = self.tr(&args[0])?;
                let keys = self.tr(&args[1])?;
                m.err = m.err.clone().or(keys.err.clone());
                match keys.konst {
                    Some(Value::Vector(keys)) => {
                        for key in &keys {
                            m = self.lookup(m, key, span)?;
                        }
                        Ok(m)
                    }
                    _ => Err(refuse("`get-in` takes a literal vector of keys here", args[1].span)),
                }
            }
            Builtin::IsNil | Builtin::IsSome => {
                let a = self.tr(&args[0])?;
                let v = if b == Builtin::IsNil {
                    a.nonnil.clone().not()
                } else {
                    a.nonnil.clone()
                };
                Ok(self.boolean(v, a.err))
            }
            Builtin::IsTrue | Builtin::IsFalse => {
                let a = self.tr(&args[0])?;
                let v = match (&a.ty, &a.val) {
                    (Ty::Bool, Some(v)) => {
                        let want = if b == Builtin::IsTrue { "TRUE" } else { "FALSE" };
                        if a.nullable {
                            B::cmp(format!("{} IS {want}", v.p()))
                        } else if b == Builtin::IsTrue {
                            B::S(v.clone())
                        } else {
                            B::S(v.clone()).not()
                        }
                    }
                    (Ty::Mixed, _) => {
                        return Err(refuse(format!("`{name}` of {}", Ty::Mixed.describe()), args[0].span))
                    }
                    _ => B::F,
                };
                Ok(self.boolean(v, a.err))
            }
            Builtin::ParseInt | Builtin::ParseFloat => {
                let a = self.tr(&args[0])?;
                match (&a.ty, &a.val) {
                    (Ty::Nil, _) => Ok(a),
                    (Ty::Num(s), Some(v)) => {
                        if b == Builtin::ParseFloat || *s == 0 {
                            Ok(a)
                        } else {
                            let val = S::atom(format!("trunc({})", v.text));
                            Ok(self.value(Ty::Num(0), val, a.nullable, a.err))
                        }
                    }
                    _ => Err(refuse(
                        format!("`{name}` of {} is not translated (only numbers and nil)", a.ty.describe()),
                        args[0].span,
                    )),
                }
            }
            Builtin::TakeLast | Builtin::Nth => Err(refuse(
                format!("`{name}` is not translated: it builds a sequence SQL has no column for"),
                span,
            )),
            Builtin::Today => Err(refuse(
                "`u/today` needs an as-of date: pass --today YYYY-MM-DD",
                span,
            )),
            Builtin::DaysBetween => {
                let a = self.tr(&args[0])?;
                let c = self.tr(&args[1])?;
                let (x, e1) = self.date(&a, &args[0])?;
                let (y, e2) = self.date(&c, &args[1])?;
                let val = match self.dialect {
                    Dialect::Spark => S::atom(format!("datediff({}, {})", y.text, x.text)),
                    _ => S::new(format!("{} - {}", y.p(), x.p()), K::Expr),
                };
                Ok(self.value(Ty::Num(0), val, false, e1.or(e2)))
            }
            Builtin::AddDays => {
                let a = self.tr(&args[0])?;
                let n = self.tr(&args[1])?;
                let (d, e1) = self.date(&a, &args[0])?;
                let (days, e2) = self.integer(&n, &args[1])?;
                let sum = match self.dialect {
                    Dialect::Spark => S::atom(format!("date_add({}, {})", d.text, days.text)),
                    _ => S::new(format!("{} + {}", d.p(), days.p()), K::Expr),
                };
                // The engine's calendar ends at 9999-12-31 (an error past it);
                // before year 1 the SQL calendars differ, so the query stops.
                let late = B::cmp(format!("{} > DATE '9999-12-31'", sum.p()));
                let early = format!("{} < DATE '0001-01-01'", sum.p());
                let val = S::atom(format!(
                    "CASE WHEN {early} THEN {} ELSE {} END",
                    self.raise_typed("`u/add-days` reached before year 1", Scalar::Date),
                    sum.text
                ));
                let err = e1.or(e2);
                let err = err.clone().or(late);
                Ok(self.value(Ty::Date, val, false, err))
            }
        }
    }

    fn error_value(&self) -> Tr {
        let mut t = self.konst(Value::Nil);
        t.konst = None;
        t.err = B::T;
        t
    }

    // ------------------------------------------------------------ logic

    fn same_value_type(&self, a: &Tr, b: &Tr) -> Option<Ty> {
        match (&a.ty, &b.ty) {
            (Ty::Nil, t) | (t, Ty::Nil)
                if !matches!(
                    t,
                    Ty::Coll | Ty::Map(_) | Ty::Entry(..) | Ty::Mixed | Ty::Keyword
                ) =>
            {
                Some(t.clone())
            }
            (Ty::Num(x), Ty::Num(y)) => Some(Ty::Num((*x).max(*y))),
            (x, y) if x == y && matches!(x, Ty::Bool | Ty::Text | Ty::Date) => Some(x.clone()),
            _ => None,
        }
    }

    /// `CASE WHEN c THEN x ELSE y END` with the engine's truthiness and errors.
    fn branch(&mut self, c: Tr, x: Tr, y: Tr, _span: Span) -> Result<Tr, Error> {
        let tc = c.truthy.clone();
        let err = c
            .err
            .clone()
            .or(tc.clone().and(x.err.clone()))
            .or(tc.clone().not().and(y.err.clone()));
        let truthy = B::choose(&tc, x.truthy.clone(), y.truthy.clone());
        let nonnil = B::choose(&tc, x.nonnil.clone(), y.nonnil.clone());
        let pos = B::choose(&tc, x.pos.clone(), y.pos.clone());
        let (ty, val) = match (self.same_value_type(&x, &y), &x.val, &y.val) {
            (Some(ty), Some(xv), Some(yv)) => {
                let (xv, yv) = match (&x.ty, &y.ty) {
                    (Ty::Num(sx), Ty::Num(sy)) => {
                        let mut v = self.unify(vec![(xv.clone(), *sx), (yv.clone(), *sy)]);
                        let yv = v.pop().unwrap();
                        (v.pop().unwrap(), yv)
                    }
                    _ => (xv.clone(), yv.clone()),
                };
                let (xv, yv) = (&xv, &yv);
                let val = match &tc {
                    B::T => xv.clone(),
                    B::F => yv.clone(),
                    B::S(c) => S::atom(format!(
                        "CASE WHEN {} THEN {} ELSE {} END",
                        c.text, xv.text, yv.text
                    )),
                };
                (ty, Some(val))
            }
            _ => (Ty::Mixed, None),
        };
        Ok(Tr {
            ty,
            val,
            konst: None,
            nullable: x.nullable || y.nullable || !nonnil.is_true(),
            err,
            truthy,
            pos,
            nonnil,
        })
    }

    /// `(and a b)` / `(or a b)`: the first falsey (truthy) value or the last.
    fn and_or(&mut self, and: bool, a: Tr, b: Tr, span: Span) -> Result<Tr, Error> {
        let ta = a.truthy.clone();
        let err = if and {
            a.err.clone().or(ta.clone().and(b.err.clone()))
        } else {
            a.err.clone().or(ta.clone().not().and(b.err.clone()))
        };
        let (truthy, pos) = if and {
            (
                ta.clone().and(b.truthy.clone()),
                a.pos.clone().and(b.pos.clone()),
            )
        } else {
            (
                ta.clone().or(b.truthy.clone()),
                a.pos.clone().or(b.pos.clone()),
            )
        };
        // and: a falsey → a's value, else b's. or: a truthy → a's, else b's.
        let pick_a = if and { ta.not() } else { ta };
        let cond = Tr {
            truthy: pick_a,
            err: B::F,
            ..a.clone()
        };
        let mut t = self.branch(cond, a, b, span)?;
        t.err = err;
        t.truthy = truthy;
        t.pos = pos;
        Ok(t)
    }

    // ------------------------------------------------------------ comparisons

    /// Null-safe equality of two values, as the engine's `equal`: exact and positive forms.
    fn eq(&mut self, a: &Tr, b: &Tr, span: Span) -> Result<(B, B), Error> {
        if let (Some(x), Some(y)) = (&a.konst, &b.konst) {
            let r = B::of(crate::rule::equal(x, y));
            return Ok((r.clone(), r));
        }
        for t in [a, b] {
            if matches!(t.ty, Ty::Map(_) | Ty::Entry(..) | Ty::Mixed) {
                return Err(refuse(
                    format!("comparing {} is not translated", t.ty.describe()),
                    span,
                ));
            }
        }
        let both_nil = |a: &Tr, b: &Tr| {
            let r = a.nonnil.clone().not().and(b.nonnil.clone().not());
            (r.clone(), r)
        };
        // A date's text is always YYYY-MM-DD: text compares with it as a date
        // when it is one, and never equals it otherwise.
        let date_of_text = |t: &Tr| match &t.konst {
            Some(Value::Text(s)) => Date::parse(s),
            _ => None,
        };
        let (x, y) = match (&a.ty, &b.ty) {
            (Ty::Nil, _) => return Ok(both_nil(a, b)),
            (_, Ty::Nil) => return Ok(both_nil(a, b)),
            (Ty::Num(sa), Ty::Num(sb)) => {
                let mut v = self.unify(vec![
                    (a.val.clone().unwrap(), *sa),
                    (b.val.clone().unwrap(), *sb),
                ]);
                let y = v.pop().unwrap();
                (v.pop().unwrap(), y)
            }
            (Ty::Bool, Ty::Bool) | (Ty::Text, Ty::Text) | (Ty::Date, Ty::Date) => {
                (a.val.clone().unwrap(), b.val.clone().unwrap())
            }
            (Ty::Text, Ty::Date) | (Ty::Date, Ty::Text) => {
                let (text, date) = if a.ty == Ty::Text { (a, b) } else { (b, a) };
                if text.konst.is_some() {
                    match date_of_text(text) {
                        Some(d) => (date.val.clone().unwrap(), S::atom(format!("DATE '{d}'"))),
                        None => return Ok((B::F, B::F)),
                    }
                } else {
                    (
                        text.val.clone().unwrap(),
                        self.date_text(date.val.as_ref().unwrap()),
                    )
                }
            }
            _ => return Ok(both_nil(a, b)),
        };
        let nullable = a.nullable || b.nullable;
        let plain = B::cmp(format!("{} = {}", x.p(), y.p()));
        let exact = if !nullable {
            plain.clone()
        } else if !a.nullable || !b.nullable {
            B::atom(format!("COALESCE({} = {}, FALSE)", x.p(), y.p()))
        } else {
            B::cmp(self.null_safe_eq(&x, &y))
        };
        let pos = if !a.nullable || !b.nullable {
            plain
        } else {
            exact.clone()
        };
        Ok((exact, pos))
    }

    fn null_safe_eq(&self, x: &S, y: &S) -> String {
        match self.dialect {
            Dialect::Spark => format!("{} <=> {}", x.p(), y.p()),
            _ => format!("{} IS NOT DISTINCT FROM {}", x.p(), y.p()),
        }
    }

    /// `(< a b c …)` as the engine orders: every argument is evaluated (an
    /// argument's own error is the result's), then pairs are compared until
    /// one fails, so a pair that cannot be ordered (nil, another type, two
    /// kinds) errs only when every pair before it held: `(> 1 2 nil)` is false.
    fn order(&mut self, b: Builtin, ts: &[Tr], args: &[Expr]) -> Result<Tr, Error> {
        let mut err = B::any(ts.iter().map(|t| t.err.clone()));
        // Each operand: its SQL and scale, its kind, and when it is nil; `None`
        // when it can never be ordered.
        let mut operands: Vec<Option<Orderable>> = Vec::new();
        for (t, arg) in ts.iter().zip(args) {
            let nil = if t.nullable {
                t.nonnil.clone().not()
            } else {
                B::F
            };
            let operand = match (&t.ty, &t.konst) {
                (_, Some(Value::Text(s))) => match Date::parse(s) {
                    Some(d) => Some(((S::atom(format!("DATE '{d}'")), 0), "date", nil)),
                    None if crate::rule::date::parse_instant(s).is_some() => {
                        return Err(refuse(
                            "ordering against a timestamp is not translated; compare with a date (YYYY-MM-DD)",
                            arg.span,
                        ))
                    }
                    None => None,
                },
                (Ty::Num(s), _) => Some(((t.val.clone().unwrap(), *s), "number", nil)),
                (Ty::Date, _) => Some(((t.val.clone().unwrap(), 0), "date", nil)),
                (Ty::Text, _) => {
                    return Err(refuse(
                        format!(
                            "`{}` on text: the engine orders text only when it is a date, which SQL cannot know in advance",
                            b.name()
                        ),
                        arg.span,
                    ))
                }
                (Ty::Mixed | Ty::Map(_) | Ty::Entry(..), _) => {
                    return Err(refuse(format!("ordering {} is not translated", t.ty.describe()), arg.span))
                }
                // nil, booleans, keywords, collections: the engine cannot order them.
                _ => None,
            };
            operands.push(operand);
        }
        let op = match b {
            Builtin::Lt => "<",
            Builtin::Gt => ">",
            Builtin::Le => "<=",
            _ => ">=",
        };
        // Numbers of different scales meet at one type, as everywhere else.
        let numbers: Vec<(S, u32)> = operands
            .iter()
            .flatten()
            .filter(|(_, k, _)| *k == "number")
            .map(|(x, _, _)| x.clone())
            .collect();
        let mut unified = self.unify(numbers).into_iter();
        let sql: Vec<Option<(S, &'static str, B)>> = operands
            .into_iter()
            .map(|o| {
                o.map(|((x, _), k, nil)| {
                    let x = if k == "number" {
                        unified.next().unwrap_or(x)
                    } else {
                        x
                    };
                    (x, k, nil)
                })
            })
            .collect();
        // `held`: every pair so far compared true.
        let mut held = B::T;
        for (i, pair) in sql.windows(2).enumerate() {
            match (&pair[0], &pair[1]) {
                (Some((x, kx, nx)), Some((y, ky, ny))) if kx == ky => {
                    // The left operand's nil was already an error at the pair before.
                    let nil = if i == 0 {
                        nx.clone().or(ny.clone())
                    } else {
                        ny.clone()
                    };
                    err = err.or(held.clone().and(nil));
                    held = held.and(B::cmp(format!("{} {op} {}", x.p(), y.p())));
                }
                _ => {
                    err = err.or(held);
                    held = B::F;
                    break;
                }
            }
        }
        Ok(self.boolean(held, err))
    }

    // ------------------------------------------------------------ numbers

    /// A number operand: its SQL, its error (nil and other types err) and scale.
    fn number(&mut self, t: &Tr, arg: &Expr) -> Result<(S, B, u32), Error> {
        match (&t.ty, &t.val) {
            (Ty::Num(s), Some(v)) => {
                let mut err = t.err.clone();
                if t.nullable {
                    err = err.or(t.nonnil.clone().not());
                }
                Ok((v.clone(), err, *s))
            }
            (Ty::Mixed | Ty::Map(_) | Ty::Entry(..), _) => Err(refuse(
                format!("arithmetic on {} is not translated", t.ty.describe()),
                arg.span,
            )),
            _ => Ok((S::atom("0"), B::T, 0)),
        }
    }

    fn checked(&self, val: S, scale: u32, span: Span) -> Result<S, Error> {
        if scale > MAX_SCALE {
            return Err(refuse(
                format!("the result needs {scale} decimal places; the engine rounds past 28, so this is not translated"),
                span,
            ));
        }
        // Within DECIMAL(28, s) the engine's 96-bit decimals are exact; past it
        // the cast fails and the query stops rather than differ.
        Ok(S::atom(format!(
            "CAST({} AS {})",
            val.text,
            self.decimal(28, scale)
        )))
    }

    /// Numbers of different scales meeting in one comparison, CASE, IN list
    /// or least/greatest: DuckDB and Spark would pick a common type that can
    /// round the finer one, so each is cast to DECIMAL(38, the finest scale)
    /// first (a value that does not fit stops the query). PostgreSQL's
    /// numeric needs no cast.
    fn unify(&self, parts: Vec<(S, u32)>) -> Vec<S> {
        let max = parts.iter().map(|(_, s)| *s).max().unwrap_or(0);
        let same = parts.iter().all(|(_, s)| *s == max);
        parts
            .into_iter()
            .map(|(x, s)| {
                // A literal is narrow: the common type keeps the finest scale.
                let literal = x.text.trim_end_matches("BD").parse::<Decimal>().is_ok();
                if same || self.dialect == Dialect::Postgres || s == max || literal {
                    x
                } else {
                    S::atom(format!("CAST({} AS {})", x.text, self.decimal(38, max)))
                }
            })
            .collect()
    }

    pub fn decimal(&self, precision: u32, scale: u32) -> String {
        match self.dialect {
            Dialect::Postgres => format!("numeric({precision}, {scale})"),
            _ => format!("DECIMAL({precision}, {scale})"),
        }
    }

    fn arith(&mut self, b: Builtin, ts: Vec<Tr>, args: &[Expr], span: Span) -> Result<Tr, Error> {
        let mut err = B::F;
        let mut acc: Option<(S, u32)> = None;
        let op = match b {
            Builtin::Add => "+",
            Builtin::Sub => "-",
            _ => "*",
        };
        if ts.len() == 1 && b == Builtin::Sub {
            let (x, e, s) = self.number(&ts[0], &args[0])?;
            let val = self.checked(S::new(format!("-{}", x.p()), K::Expr), s, span)?;
            return Ok(self.value(Ty::Num(s), val, false, e));
        }
        for (t, arg) in ts.iter().zip(args) {
            let (x, e, s) = self.number(t, arg)?;
            err = err.or(e);
            acc = Some(match acc {
                None => (x, s),
                Some((a, sa)) => {
                    let scale = if b == Builtin::Mul { sa + s } else { sa.max(s) };
                    let val = S::new(format!("{} {op} {}", a.p(), x.p()), K::Expr);
                    (self.checked(val, scale, span)?, scale)
                }
            });
        }
        let (val, scale) = acc.expect("arithmetic has arguments here");
        Ok(self.value(Ty::Num(scale), val, false, err))
    }

    /// `(/ x c ...)` with constant divisors whose inverse is a finite decimal.
    fn divide(&mut self, args: &[Expr], span: Span) -> Result<Tr, Error> {
        if args.len() == 1 {
            return Err(refuse(
                "`/` of one computed number (its inverse) is not translated",
                span,
            ));
        }
        let x = self.tr(&args[0])?;
        let (mut val, mut err, mut scale) = self.number(&x, &args[0])?;
        for arg in &args[1..] {
            let d = self.tr(arg)?;
            err = err.or(d.err.clone());
            let divisor = match &d.konst {
                Some(Value::Number(n)) => *n,
                Some(_) => return Ok(self.error_value()),
                None if d.err.is_true() => return Ok(self.error_value()),
                None => {
                    return Err(refuse(
                        "division by a computed number is not translated: SQL's decimal division rounds differently from the engine's",
                        arg.span,
                    ))
                }
            };
            if divisor.is_zero() {
                err = err.or(B::T);
                continue;
            }
            let Some(inverse) = exact_inverse(divisor) else {
                return Err(refuse(
                    format!("division by {divisor} has no finite decimal result; the engine rounds it to 28 digits"),
                    arg.span,
                ));
            };
            let s = inverse.scale();
            scale += s;
            let lit = number_literal(inverse, self.dialect);
            val = self.checked(
                S::new(format!("{} * {}", val.p(), lit.p()), K::Expr),
                scale,
                span,
            )?;
        }
        Ok(self.value(Ty::Num(scale), val, false, err))
    }

    /// A whole-number operand, as SQL INTEGER; fractions err as in the engine.
    fn integer(&mut self, t: &Tr, arg: &Expr) -> Result<(S, B), Error> {
        if let Some(Value::Number(n)) = &t.konst {
            let whole = n.trunc().normalize();
            let err = t.err.clone().or(B::of(!n.fract().is_zero()));
            return Ok((number_literal(whole, Dialect::DuckDb), err));
        }
        let (x, mut err, s) = self.number(t, arg)?;
        if s > 0 {
            err = err.or(B::cmp(format!("{} <> trunc({})", x.p(), x.text)));
        }
        let ty = match self.dialect {
            Dialect::Postgres => "integer",
            _ => "INTEGER",
        };
        Ok((S::atom(format!("CAST({} AS {ty})", x.text)), err))
    }

    // ------------------------------------------------------------ text

    /// A text operand (dates read as their YYYY-MM-DD text); nil and other types err.
    fn text(&mut self, t: &Tr, arg: &Expr, name: &str) -> Result<(S, B), Error> {
        let mut err = t.err.clone();
        if t.nullable {
            err = err.or(t.nonnil.clone().not());
        }
        match (&t.ty, &t.val) {
            (Ty::Text, Some(v)) => Ok((v.clone(), err)),
            (Ty::Date, Some(v)) => Ok((self.date_text(v), err)),
            (Ty::Mixed | Ty::Map(_) | Ty::Entry(..), _) => Err(refuse(
                format!("`{name}` of {} is not translated", t.ty.describe()),
                arg.span,
            )),
            _ => Ok((S::atom("''"), B::T)),
        }
    }

    pub fn date_text(&self, v: &S) -> S {
        S::atom(match self.dialect {
            Dialect::DuckDb => format!("strftime({}, '%Y-%m-%d')", v.text),
            Dialect::Postgres => format!("to_char({}, 'YYYY-MM-DD')", v.text),
            Dialect::Spark => format!("date_format({}, 'yyyy-MM-dd')", v.text),
        })
    }

    fn length_fn(&self) -> &'static str {
        match self.dialect {
            Dialect::Postgres => "char_length",
            _ => "length",
        }
    }

    /// Rust's `str::trim`: every Unicode White_Space character, both ends.
    fn trim(&self, x: &S) -> S {
        // Java's `Character.isWhitespace`, as the engine's `trim` and `blank?`.
        const WHITE: &[u32] = &[
            0x9, 0xA, 0xB, 0xC, 0xD, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x1680, 0x2000, 0x2001, 0x2002,
            0x2003, 0x2004, 0x2005, 0x2006, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x205F, 0x3000,
        ];
        let chars: Vec<String> = WHITE.iter().map(|c| format!("chr({c})")).collect();
        S::atom(match self.dialect {
            Dialect::DuckDb => format!("trim({}, {})", x.text, chars.join(" || ")),
            Dialect::Postgres => format!("btrim({}, {})", x.text, chars.join(" || ")),
            // Spark's `chr` wraps past 255; its string literals take `\uXXXX`.
            Dialect::Spark => {
                let chars: String = WHITE.iter().map(|c| format!("\\u{c:04X}")).collect();
                format!("trim(BOTH '{chars}' FROM {})", x.text)
            }
        })
    }

    fn non_ascii(&self, x: &S) -> String {
        match self.dialect {
            Dialect::DuckDb => format!("regexp_matches({}, '[^\\x00-\\x7F]')", x.text),
            Dialect::Postgres => format!("{} ~ '[^\\x01-\\x7F]'", x.p()),
            Dialect::Spark => format!("{} RLIKE '[^\\\\x00-\\\\x7F]'", x.p()),
        }
    }

    fn text_test(&self, b: Builtin, hay: &S, needle: &S) -> B {
        let (h, n) = (&hay.text, &needle.text);
        match (self.dialect, b) {
            (Dialect::DuckDb, Builtin::StartsWith) => B::atom(format!("starts_with({h}, {n})")),
            (Dialect::DuckDb, Builtin::EndsWith) => B::atom(format!("ends_with({h}, {n})")),
            (Dialect::DuckDb, _) => B::atom(format!("contains({h}, {n})")),
            (Dialect::Postgres, Builtin::StartsWith) => B::atom(format!("starts_with({h}, {n})")),
            (Dialect::Postgres, Builtin::EndsWith) => {
                B::cmp(format!("right({h}, char_length({n})) = {}", needle.p()))
            }
            (Dialect::Postgres, _) => B::cmp(format!("strpos({h}, {n}) > 0")),
            (Dialect::Spark, Builtin::StartsWith) => B::atom(format!("startswith({h}, {n})")),
            (Dialect::Spark, Builtin::EndsWith) => B::atom(format!("endswith({h}, {n})")),
            (Dialect::Spark, _) => B::atom(format!("contains({h}, {n})")),
        }
    }

    fn subs(&mut self, args: &[Expr], _span: Span) -> Result<Tr, Error> {
        let s = self.tr(&args[0])?;
        let (text, mut err) = self.text(&s, &args[0], "subs")?;
        let start = self.tr(&args[1])?;
        let (from, e1) = self.integer(&start, &args[1])?;
        err = err.or(e1);
        let len = S::atom(format!("{}({})", self.length_fn(), text.text));
        let to = match args.get(2) {
            Some(a) => {
                let end = self.tr(a)?;
                let (to, e2) = self.integer(&end, a)?;
                err = err.or(e2);
                to
            }
            None => len.clone(),
        };
        let range = int_cmp(&from, "<", &S::atom("0"))
            .or(int_cmp(&from, ">", &len))
            .or(int_cmp(&to, "<", &from))
            .or(int_cmp(&to, ">", &len));
        err = err.or(range);
        let (start, count) = match (int_of(&from), int_of(&to)) {
            (Some(a), Some(b)) => ((a + 1).to_string(), (b - a).max(0).to_string()),
            (Some(a), None) => ((a + 1).to_string(), format!("{} - {a}", to.p())),
            _ => (
                format!("{} + 1", from.p()),
                format!("{} - {}", to.p(), from.p()),
            ),
        };
        let val = match self.dialect {
            Dialect::Postgres => format!("substring({} FROM {start} FOR {count})", text.text),
            _ => format!("substring({}, {start}, {count})", text.text),
        };
        // A negative length is an error in some dialects: clamp it; the error condition holds anyway.
        let val = match int_cmp(&to, ">=", &from) {
            B::T => S::atom(val),
            c => S::atom(format!("CASE WHEN {} THEN {val} ELSE '' END", c.sql().text)),
        };
        Ok(self.value(Ty::Text, val, false, err))
    }

    // ------------------------------------------------------------ dates

    /// A date operand: a date column or a literal the engine reads as a date.
    fn date(&mut self, t: &Tr, arg: &Expr) -> Result<(S, B), Error> {
        match (&t.ty, &t.konst, &t.val) {
            (_, Some(Value::Text(s)), _) => match crate::rule::date::parse_date_of(s) {
                Some(d) => Ok((S::atom(format!("DATE '{d}'")), t.err.clone())),
                None => Ok((S::atom("NULL"), B::T)),
            },
            (Ty::Date, _, Some(v)) => {
                let mut err = t.err.clone();
                if t.nullable {
                    err = err.or(t.nonnil.clone().not());
                }
                Ok((v.clone(), err))
            }
            (Ty::Text, _, _) => Err(refuse(
                "a date helper over text: SQL cannot know in advance which texts the engine reads as dates",
                arg.span,
            )),
            (Ty::Mixed | Ty::Map(_) | Ty::Entry(..), _, _) => Err(refuse(
                format!("a date helper over {} is not translated", t.ty.describe()),
                arg.span,
            )),
            _ => Ok((S::atom("NULL"), B::T)),
        }
    }

    // ------------------------------------------------------------ collections

    fn contains(&mut self, args: &[Expr], span: Span) -> Result<Tr, Error> {
        let coll = self.tr(&args[0])?;
        let key = self.tr(&args[1])?;
        let err = coll.err.clone().or(key.err.clone());
        match (&coll.ty, &coll.konst) {
            (Ty::Map(m), _) => {
                let Some(k) = key.konst.as_ref().and_then(map_key) else {
                    return Err(refuse("`contains?` on a map with a computed key is not translated", args[1].span));
                };
                let has = self.column(ColKey::MapHas(m.path.clone(), k), None);
                Ok(self.boolean(B::S(has), err))
            }
            (_, Some(Value::Set(members))) => {
                let mut out = B::F;
                let mut literals = Vec::new();
                let mut numbers: Vec<Decimal> = Vec::new();
                for m in members {
                    if let Some(v) = &key.konst {
                        out = out.or(B::of(crate::rule::equal(m, v)));
                        continue;
                    }
                    match (m, &key.ty) {
                        (Value::Nil, _) => out = out.or(key.nonnil.clone().not()),
                        (Value::Number(n), Ty::Num(_)) => numbers.push(*n),
                        (Value::Text(s), Ty::Text) => literals.push(string_literal(s, self.dialect)),
                        (Value::Text(s), Ty::Date) => {
                            if let Some(d) = Date::parse(s) {
                                literals.push(format!("DATE '{d}'"));
                            }
                        }
                        (Value::Bool(b), Ty::Bool) => literals.push(B::of(*b).sql().text),
                        (_, Ty::Mixed | Ty::Map(_) | Ty::Entry(..)) => {
                            return Err(refuse(
                                format!("`contains?` of {} is not translated", key.ty.describe()),
                                args[1].span,
                            ))
                        }
                        _ => {}
                    }
                }
                let mut key_sql = key.val.clone();
                if let (Ty::Num(ks), false) = (&key.ty, numbers.is_empty()) {
                    let mut parts = vec![(key_sql.clone().expect("typed key"), *ks)];
                    parts.extend(numbers.iter().map(|n| (number_literal(*n, self.dialect), n.scale())));
                    let mut unified = self.unify(parts).into_iter();
                    key_sql = unified.next();
                    literals.extend(unified.map(|s| s.text));
                }
                let (exact, pos) = if literals.is_empty() {
                    (out.clone(), out)
                } else {
                    let v = key_sql.expect("typed key");
                    let test = format!("{} IN ({})", v.p(), literals.join(", "));
                    if key.nullable {
                        (
                            out.clone().or(B::atom(format!("COALESCE({test}, FALSE)"))),
                            out.or(B::cmp(test)),
                        )
                    } else {
                        (out.clone().or(B::cmp(test.clone())), out.or(B::cmp(test)))
                    }
                };
                Ok(self.boolean_pos(exact, pos, err))
            }
            (_, Some(Value::Nil)) => Ok(self.boolean(B::F, err)),
            (_, Some(_)) => Err(refuse(
                "`contains?` on a vector or text asks about an index; only sets and maps are translated",
                span,
            )),
            (Ty::Nil, None) => Ok(self.boolean(B::F, err)),
            _ => Err(refuse(
                format!("`contains?` on {} is not translated", coll.ty.describe()),
                args[0].span,
            )),
        }
    }

    /// `(get m k)`, `(:k m)`: map entries and their fields; a miss is nil.
    fn lookup(&mut self, m: Tr, key: &Value, span: Span) -> Result<Tr, Error> {
        let err = m.err.clone();
        match &m.ty {
            Ty::Nil => Ok(Tr {
                err,
                ..self.konst(Value::Nil)
            }),
            Ty::Map(r) => {
                let Some(k) = map_key(key) else {
                    return Ok(Tr {
                        err,
                        ..self.konst(Value::Nil)
                    });
                };
                let set = self.column(ColKey::EntrySet(r.path.clone(), k.clone()), None);
                Ok(Tr {
                    ty: Ty::Entry(r.clone(), k),
                    val: None,
                    konst: None,
                    nullable: true,
                    err,
                    truthy: B::S(set.clone()),
                    pos: B::S(set.clone()),
                    nonnil: B::S(set),
                })
            }
            Ty::Entry(r, k) => {
                let Some(field) = map_key(key) else {
                    return Ok(Tr {
                        err,
                        ..self.konst(Value::Nil)
                    });
                };
                let name = r.path.join(".");
                let fields = match self.shape(&name, span)? {
                    VarShape::Map(fields) => fields,
                    VarShape::Scalar(_) => unreachable!("a map"),
                };
                let Some((_, scalar)) = fields.iter().find(|(f, _)| *f == field) else {
                    return Err(refuse(
                        format!("`{name}` entries have no field `{field}` in the catalog"),
                        span,
                    ));
                };
                let col = self.column(
                    ColKey::Field(r.path.clone(), k.clone(), field),
                    Some(*scalar),
                );
                Ok(self.value(scalar_ty(*scalar), col, true, err))
            }
            Ty::Num(_) | Ty::Text | Ty::Date | Ty::Bool | Ty::Keyword => Ok(Tr {
                err,
                ..self.konst(Value::Nil)
            }),
            ty => Err(refuse(
                format!("looking up a key in {} is not translated", ty.describe()),
                span,
            )),
        }
    }

    // ------------------------------------------------------------ raising

    /// An expression of type `ty` that stops the query, naming the loan.
    fn raise_typed(&self, message: &str, ty: Scalar) -> String {
        raise(
            self.dialect,
            &quote_ident(super::query::ID_ALIAS, self.dialect),
            message,
            ty,
        )
    }

    fn raise_text(&self, message: &str) -> String {
        self.raise_typed(message, Scalar::Text)
    }
}

/// An expression of type `ty` that stops the query with `text`, naming the
/// loan whose id is the SQL `id`.
pub(crate) fn raise(d: Dialect, id: &str, text: &str, ty: Scalar) -> String {
    let to_text = match d {
        Dialect::DuckDb => "VARCHAR",
        Dialect::Postgres => "text",
        Dialect::Spark => "STRING",
    };
    let id = format!("COALESCE(CAST({id} AS {to_text}), '?')");
    let head = string_literal("hookwright: loan ", d);
    let tail = string_literal(&format!(": {text}"), d);
    let msg = match d {
        Dialect::Spark => format!("concat({head}, {id}, {tail})"),
        _ => format!("{head} || {id} || {tail}"),
    };
    match d {
        Dialect::DuckDb => format!("error({msg})"),
        Dialect::Spark => format!("raise_error({msg})"),
        // PostgreSQL has no raise function in plain SQL: a failing cast stops
        // the query, and its message carries the text. The message depends on
        // the row, so the planner cannot fold it where it is never reached.
        Dialect::Postgres => {
            let target = match ty {
                Scalar::Num(_) | Scalar::Text => "numeric",
                Scalar::Date => "date",
                Scalar::Bool => "boolean",
            };
            let cast = format!("CAST({msg} AS {target})");
            if ty == Scalar::Text {
                format!("CAST({cast} AS text)")
            } else {
                cast
            }
        }
    }
}

// ---------------------------------------------------------------- helpers

/// An integer literal's value.
fn int_of(s: &S) -> Option<i64> {
    s.text
        .trim_start_matches('(')
        .trim_end_matches(')')
        .parse()
        .ok()
}

/// `a op b`, folded when both are integer literals.
fn int_cmp(a: &S, op: &str, b: &S) -> B {
    match (int_of(a), int_of(b)) {
        (Some(x), Some(y)) => B::of(match op {
            "<" => x < y,
            ">" => x > y,
            ">=" => x >= y,
            _ => x <= y,
        }),
        _ => B::cmp(format!("{} {op} {}", a.p(), b.p())),
    }
}

pub(crate) fn scalar_ty(s: Scalar) -> Ty {
    match s {
        Scalar::Num(n) => Ty::Num(n),
        Scalar::Text => Ty::Text,
        Scalar::Date => Ty::Date,
        Scalar::Bool => Ty::Bool,
    }
}

fn coalesce_empty(v: &S, nullable: bool) -> String {
    if nullable {
        format!("COALESCE({}, '')", v.text)
    } else {
        v.text.clone()
    }
}

/// The text key a map lookup uses, as the engine's `get` does: `:1`, `"1"`, `1`.
fn map_key(key: &Value) -> Option<String> {
    match key {
        Value::Keyword(k) | Value::Text(k) => Some(k.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `1 / d` when it is a finite decimal within the engine's range.
fn exact_inverse(d: Decimal) -> Option<Decimal> {
    let inv = Decimal::ONE.checked_div(d)?.normalize();
    (inv.checked_mul(d)? == Decimal::ONE && inv.scale() < MAX_SCALE).then_some(inv)
}

pub(crate) fn number_literal(n: Decimal, d: Dialect) -> S {
    let text = n.to_string();
    let text = match d {
        Dialect::Spark => format!("{text}BD"),
        _ => text,
    };
    if n.is_sign_negative() && !n.is_zero() {
        S::new(text, K::Expr)
    } else {
        S::atom(text)
    }
}

pub(crate) fn string_literal(s: &str, d: Dialect) -> String {
    match d {
        Dialect::Spark => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        _ => format!("'{}'", s.replace('\'', "''")),
    }
}

pub(crate) fn quote_ident(name: &str, d: Dialect) -> String {
    match d {
        Dialect::Spark => format!("`{}`", name.replace('`', "``")),
        _ => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

/// Whether `e` reads no variable (and no clock), so the engine can fold it.
fn is_constant(e: &Expr, have_today: bool) -> bool {
    match &e.kind {
        ExprKind::Symbol(_) => false,
        ExprKind::List(items) => {
            let head_ok = match items.first().map(|h| &h.kind) {
                Some(ExprKind::Symbol(name)) => {
                    have_today || Builtin::lookup(name) != Some(Builtin::Today)
                }
                Some(_) => is_constant(&items[0], have_today),
                None => true,
            };
            head_ok && items[1..].iter().all(|i| is_constant(i, have_today))
        }
        ExprKind::Vector(items) | ExprKind::Set(items) => {
            items.iter().all(|i| is_constant(i, have_today))
        }
        _ => true,
    }
}

/// Rewrites `->` and `->>` into the nested calls they mean.
pub(crate) fn desugar(e: &Expr) -> Expr {
    match &e.kind {
        ExprKind::List(items) if !items.is_empty() => {
            let thread = match &items[0].kind {
                ExprKind::Symbol(name) => match Builtin::lookup(name) {
                    Some(Builtin::ThreadFirst) => Some(false),
                    Some(Builtin::ThreadLast) => Some(true),
                    _ => None,
                },
                _ => None,
            };
            let items: Vec<Expr> = items.iter().map(desugar).collect();
            let Some(last) = thread else {
                return Expr::new(ExprKind::List(items), e.span);
            };
            let mut acc = items[1].clone();
            for step in &items[2..] {
                let call = match &step.kind {
                    ExprKind::List(parts) => {
                        let mut parts = parts.clone();
                        if last {
                            parts.push(acc);
                        } else {
                            parts.insert(1, acc);
                        }
                        parts
                    }
                    _ => vec![step.clone(), acc],
                };
                acc = Expr::new(ExprKind::List(call), step.span);
            }
            acc
        }
        ExprKind::Vector(items) => Expr::new(
            ExprKind::Vector(items.iter().map(desugar).collect()),
            e.span,
        ),
        ExprKind::Set(items) => {
            Expr::new(ExprKind::Set(items.iter().map(desugar).collect()), e.span)
        }
        _ => e.clone(),
    }
}
