//! Checks a rule against a variable catalog without evaluating it: unknown
//! variables and functions (with did-you-mean), arity, type errors, enum
//! values that cannot match and comparisons that are always false — including
//! those LoanPro's payloads make so: digits sent as text (`"727"`) and empty
//! objects sent as `[]`. Errors and warnings are told apart by
//! [`Severity`](crate::error::Severity).

use crate::catalog::{Catalog, VarType, Variable};
use crate::error::{Error, ErrorKind, Span};
use crate::suggest;

use super::ast::{Expr, ExprKind};
use super::compile::let_form;
use super::date::parse_instant;
use super::functions::{resolve_call, Builtin, Callee, Lint, Param, Returns};
use super::Rule;

/// What a sub-expression is known to produce before any context exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Any,
    Nil,
    Bool,
    Number,
    Text,
    /// A money variable the catalog shows arriving as a JSON string
    /// (`"10.00"`, as YouLend sends amounts): text at run time.
    MoneyText,
    Date,
    Keyword,
    Coll,
}

impl Ty {
    fn label(self) -> &'static str {
        match self {
            Ty::Any => "a value",
            Ty::Nil => "nil",
            Ty::Bool => "a boolean",
            Ty::Number => "a number",
            Ty::Text | Ty::MoneyText => "text",
            Ty::Date => "a date",
            Ty::Keyword => "a keyword",
            Ty::Coll => "a collection",
        }
    }
}

struct Info<'c> {
    ty: Ty,
    var: Option<&'c Variable>,
    literal: Option<&'c Expr>,
    span: Span,
}

struct Checker<'c> {
    catalog: &'c Catalog,
    out: Vec<Error>,
    /// The names bound by the enclosing `let` forms, innermost last.
    scope: Vec<(&'c str, Ty)>,
}

/// Every problem `rule` has against `catalog`, in source order.
pub fn check(rule: &Rule, catalog: &Catalog) -> Vec<Error> {
    let mut c = Checker {
        catalog,
        out: Vec::new(),
        scope: Vec::new(),
    };
    c.expr(rule.expr());
    crate::order::sort_by_key(&mut c.out, |e| e.span.map_or(0, |s| s.start));
    c.out
}

impl<'c> Checker<'c> {
    fn error(&mut self, kind: ErrorKind, message: String, span: Span) {
        self.out.push(Error::at(kind, message, span));
    }

    fn warn(&mut self, kind: ErrorKind, message: String, span: Span) {
        self.out.push(Error::warning(kind, message, Some(span)));
    }

    fn expr(&mut self, e: &'c Expr) -> Info<'c> {
        let info = |ty| Info {
            ty,
            var: None,
            literal: Some(e),
            span: e.span,
        };
        match &e.kind {
            ExprKind::Nil => info(Ty::Nil),
            ExprKind::Bool(_) => info(Ty::Bool),
            ExprKind::Number(_) => info(Ty::Number),
            ExprKind::Text(s) if parse_instant(s).is_some() => info(Ty::Date),
            ExprKind::Text(_) => info(Ty::Text),
            ExprKind::Keyword(_) => info(Ty::Keyword),
            ExprKind::Symbol(name) => self.variable(name, e.span),
            ExprKind::Vector(items) | ExprKind::Set(items) => {
                for item in items {
                    self.expr(item);
                }
                info(Ty::Coll)
            }
            ExprKind::List(items) if let_form(items, e.span).is_some() => {
                let ty = self.let_(items, e.span);
                Info {
                    literal: None,
                    ..info(ty)
                }
            }
            ExprKind::List(items) => {
                let ty = self.call(items, e.span);
                // `(-> settings-custom-fields :35 :value)` reads a catalog variable.
                if let Some(var) = self.threaded_variable(items) {
                    return Info {
                        ty: var_ty(var),
                        var: Some(var),
                        literal: None,
                        span: e.span,
                    };
                }
                Info {
                    literal: None,
                    ..info(ty)
                }
            }
        }
    }

    /// `(let [name value ...] body ...)`: each name has its value's type in the body.
    fn let_(&mut self, items: &'c [Expr], span: Span) -> Ty {
        let (bindings, body) = match let_form(items, span) {
            Some(Ok(parts)) => parts,
            Some(Err(err)) => {
                self.out.push(err);
                return Ty::Any;
            }
            None => return Ty::Any,
        };
        let depth = self.scope.len();
        for (name, value) in bindings {
            let ty = self.expr(value).ty;
            self.scope.push((name, ty));
        }
        let mut ty = Ty::Nil;
        for form in body {
            ty = self.expr(form).ty;
        }
        self.scope.truncate(depth);
        ty
    }

    fn variable(&mut self, name: &str, span: Span) -> Info<'c> {
        if let Some((_, ty)) = self.scope.iter().rev().find(|(n, _)| *n == name) {
            return Info {
                ty: *ty,
                var: None,
                literal: None,
                span,
            };
        }
        let Some(var) = self.catalog.variable(name) else {
            let hint = suggest::hint(&suggest::did_you_mean(name, self.catalog.names()));
            self.error(
                ErrorKind::UnknownVariable,
                format!("unknown variable `{name}`{hint}"),
                span,
            );
            return Info {
                ty: Ty::Any,
                var: None,
                literal: None,
                span,
            };
        };
        Info {
            ty: var_ty(var),
            var: Some(var),
            literal: None,
            span,
        }
    }

    /// The catalog variable a `->` form reads when every step is a key:
    /// `(-> settings-custom-fields :35 :value)` or `(-> x (get :1) :value)`.
    fn threaded_variable(&self, items: &'c [Expr]) -> Option<&'c Variable> {
        let [head, start, steps @ ..] = items else {
            return None;
        };
        let (ExprKind::Symbol(arrow), ExprKind::Symbol(start)) = (&head.kind, &start.kind) else {
            return None;
        };
        if arrow != "->" {
            return None;
        }
        let mut path = start.clone();
        for step in steps {
            let key = match &step.kind {
                ExprKind::Keyword(k) => k,
                ExprKind::List(call) => match (step.head(), call.get(1).map(|e| &e.kind)) {
                    (Some("get"), Some(ExprKind::Keyword(k))) if call.len() == 2 => k,
                    _ => return None,
                },
                _ => return None,
            };
            path.push('.');
            path.push_str(key);
        }
        self.catalog.variable(&path)
    }

    fn call(&mut self, items: &'c [Expr], span: Span) -> Ty {
        let callee = resolve_call(items, span, 0);
        let b = match callee {
            Err(err) => {
                self.out.push(err);
                for arg in items.iter().skip(1) {
                    self.expr(arg);
                }
                return Ty::Any;
            }
            Ok(Callee::Keyword(_)) => {
                for arg in &items[1..] {
                    self.expr(arg);
                }
                return Ty::Any;
            }
            Ok(Callee::Builtin(b)) => b,
        };
        if b.function().is_thread() {
            self.expr(&items[1]);
            for step in &items[2..] {
                self.thread_step(step);
            }
            return Ty::Any;
        }
        let args: Vec<Info<'c>> = items[1..].iter().map(|a| self.expr(a)).collect();
        self.builtin(b, &args)
    }

    fn thread_step(&mut self, step: &'c Expr) {
        let resolved = match &step.kind {
            ExprKind::Symbol(_) | ExprKind::Keyword(_) => {
                resolve_call(std::slice::from_ref(step), step.span, 1)
            }
            ExprKind::List(items) => {
                for arg in items.iter().skip(1) {
                    self.expr(arg);
                }
                resolve_call(items, step.span, 1)
            }
            _ => Err(Error::at(
                ErrorKind::Type,
                "a step of `->` is a function name, a keyword or a call",
                step.span,
            )),
        };
        match resolved {
            Err(err) => self.out.push(err),
            Ok(Callee::Builtin(b)) if b.is_special() => self.error(
                ErrorKind::Type,
                format!("`{}` cannot be a step of `->`", b.name()),
                step.span,
            ),
            Ok(_) => {}
        }
    }

    /// A call's problems and result type, from its row's [`Signature`](super::functions::Signature).
    fn builtin(&mut self, b: Builtin, args: &[Info<'c>]) -> Ty {
        let sig = &b.function().signature;
        match sig.returns {
            // `(min x)` is `x`, whatever `x` is; `(+ nil)` is nil.
            Returns::NumberOrSole if args.len() == 1 => return args[0].ty,
            Returns::NumberOrSoleNil if args.len() == 1 && args[0].ty == Ty::Nil => return Ty::Nil,
            _ => {}
        }
        for (i, a) in args.iter().enumerate() {
            self.param(sig.param(i), a);
        }
        match sig.lint {
            Lint::None => {}
            Lint::Equality => self.equality(args),
            // One argument: Clojure's `(< x)` is true whatever `x` is.
            Lint::Ordering if args.len() == 1 => {}
            Lint::Ordering => self.ordering(args),
            Lint::Divisor => {
                for a in args.iter().skip(1) {
                    if matches!(a.literal.map(|l| &l.kind), Some(ExprKind::Number(n)) if n.is_zero())
                    {
                        self.error(ErrorKind::Arithmetic, "division by zero".into(), a.span);
                    }
                }
            }
            Lint::NeverNil => self.never_nil(&args[0]),
            Lint::Contains => self.contains(args),
        }
        match sig.returns {
            Returns::Any => Ty::Any,
            Returns::Bool => Ty::Bool,
            Returns::Number
            | Returns::NumberOrNil
            | Returns::NumberOrSole
            | Returns::NumberOrSoleNil => Ty::Number,
            Returns::Text => Ty::Text,
            Returns::Date => Ty::Date,
            Returns::BoolIfAllBool if !args.is_empty() && args.iter().all(|a| a.ty == Ty::Bool) => {
                Ty::Bool
            }
            Returns::BoolIfAllBool => Ty::Any,
        }
    }

    /// Flags an argument that can never be what `param` asks for.
    fn param(&mut self, param: Param, a: &Info<'c>) {
        match param {
            // `Ordered` is checked across the arguments by `ordering`.
            Param::Any | Param::Ordered => {}
            Param::Number => self.expect_number(a),
            Param::Text => self.expect_text(a),
            // Any value's text is read; only nil has none.
            Param::TextOf => {
                if a.ty == Ty::Nil {
                    self.type_error("text", a);
                }
            }
            Param::TextOrFalsy => {
                if !matches!(a.ty, Ty::Nil | Ty::Bool) {
                    self.expect_text(a);
                }
            }
            Param::Date => {
                if matches!(a.ty, Ty::Number | Ty::Bool | Ty::Keyword | Ty::Coll)
                    || (a.ty == Ty::Text && a.literal.is_some())
                {
                    self.type_error("a date (YYYY-MM-DD)", a);
                }
            }
            Param::Collection => {
                if matches!(a.ty, Ty::Number | Ty::Bool | Ty::Keyword) {
                    self.type_error("a set, map or vector", a);
                }
            }
            Param::Keys => {
                // No keys (nil) are no steps, as in Clojure.
                if !matches!(a.ty, Ty::Coll | Ty::Any | Ty::Nil) {
                    self.type_error("a vector of keys", a);
                }
            }
            Param::Keyword => {
                if !matches!(a.ty, Ty::Keyword | Ty::Any) {
                    self.type_error("a keyword", a);
                }
            }
        }
    }

    fn type_error(&mut self, expected: &str, a: &Info<'c>) {
        let what = match a.var {
            Some(v) => format!("`{}` is {}", v.name, a.ty.label()),
            None => format!("this is {}", a.ty.label()),
        };
        let hint = match a.var {
            _ if a.ty == Ty::MoneyText => {
                " (it arrives as text; convert it with (v/parse-float ...))".to_string()
            }
            Some(v) if v.number_as_text() => format!(
                " (it arrives as text such as {}; convert it with (v/parse-int ...))",
                v.example
            ),
            _ => String::new(),
        };
        self.error(
            ErrorKind::Type,
            format!("expected {expected}, but {what}{hint}"),
            a.span,
        );
    }

    fn expect_number(&mut self, a: &Info<'c>) {
        if !matches!(a.ty, Ty::Number | Ty::Any) {
            self.type_error("a number", a);
        }
    }

    fn expect_text(&mut self, a: &Info<'c>) {
        if !matches!(a.ty, Ty::Text | Ty::MoneyText | Ty::Date | Ty::Any) {
            self.type_error("text", a);
        }
    }

    fn ordering(&mut self, args: &[Info<'c>]) {
        let mut seen: Option<Ty> = None;
        for a in args {
            let kind = match a.ty {
                Ty::Number => Ty::Number,
                Ty::Date => Ty::Date,
                Ty::Any => continue,
                _ => {
                    let message = if a.var.is_some_and(|v| v.ty == VarType::Enum) {
                        "a number or a date (this is one of a fixed set of values)"
                    } else {
                        "a number or a date"
                    };
                    self.type_error(message, a);
                    continue;
                }
            };
            match seen {
                Some(prev) if prev != kind => {
                    self.error(
                        ErrorKind::Type,
                        format!("cannot compare {} with {}", prev.label(), kind.label()),
                        a.span,
                    );
                }
                _ => seen = Some(kind),
            }
        }
    }

    /// `(= a b ...)`: flags enum values that are not in the catalog and
    /// operands whose types can never be equal.
    fn equality(&mut self, args: &[Info<'c>]) {
        let Some(first) = args.first() else { return };
        for (i, a) in args.iter().enumerate() {
            for b in &args[..i] {
                self.enum_value(a, b);
                self.enum_value(b, a);
            }
            if i == 0 {
                continue;
            }
            for (x, y) in [(first, a), (a, first)] {
                if matches!(y.literal.map(|l| &l.kind), Some(ExprKind::Nil)) {
                    self.never_nil(x);
                }
                if matches!(y.literal.map(|l| &l.kind), Some(ExprKind::Vector(v)) if v.is_empty()) {
                    self.empty_as_vector(x, y.span);
                }
            }
            if never_equal(first.ty, a.ty) {
                let quirk = [first, a]
                    .into_iter()
                    .find_map(|x| x.var.filter(|v| v.number_as_text()));
                let hint = if first.ty == Ty::MoneyText || a.ty == Ty::MoneyText {
                    "; the amount arrives as text: compare (v/parse-float ...)".to_string()
                } else if let Some(v) = quirk {
                    format!(
                        "; `{}` arrives as text (such as {}): compare with text or convert it with (v/parse-int ...)",
                        v.name, v.example
                    )
                } else {
                    String::new()
                };
                self.warn(
                    ErrorKind::Unmatchable,
                    format!(
                        "always false: {} never equals {}{hint}",
                        first.ty.label(),
                        a.ty.label()
                    ),
                    a.span,
                );
            } else if let (Some(x), Some(y)) = (first.literal, a.literal) {
                if x.is_atom()
                    && y.is_atom()
                    && !x.same(y)
                    && !matches!((&x.kind, &y.kind), (ExprKind::Number(p), ExprKind::Number(q)) if p == q)
                {
                    self.warn(
                        ErrorKind::Unmatchable,
                        "always false: two different constants".into(),
                        a.span,
                    );
                }
            }
        }
    }

    /// `nil?`, `some?` and `(= x nil)` on a keyed object: LoanPro sends an
    /// empty one as `[]`, never nil, so the test is constant.
    fn never_nil(&mut self, a: &Info<'c>) {
        if let Some(v) = a.var.filter(|v| v.ty == VarType::Object) {
            self.warn(
                ErrorKind::Unmatchable,
                format!(
                    "`{}` is never nil: LoanPro sends an empty object as []; test it with (empty? {})",
                    v.name, v.name
                ),
                a.span,
            );
        }
    }

    /// `(= x [])` on a keyed object holds only while LoanPro keeps sending an
    /// empty object as `[]`; an empty `{}` (another sender, a pasted context) is not `[]`.
    fn empty_as_vector(&mut self, a: &Info<'c>, span: Span) {
        if let Some(v) = a.var.filter(|v| v.ty == VarType::Object) {
            self.warn(
                ErrorKind::Unmatchable,
                format!(
                    "`{}` is an object that LoanPro sends as [] only when empty; an empty {{}} is not [] — test it with (empty? {})",
                    v.name, v.name
                ),
                span,
            );
        }
    }

    /// Warns when `literal` is text that the enum variable `var` never holds.
    fn enum_value(&mut self, var: &Info<'c>, literal: &Info<'c>) {
        let (
            Some(v),
            Some(Expr {
                kind: ExprKind::Text(text),
                span,
            }),
        ) = (var.var, literal.literal)
        else {
            return;
        };
        if v.ty != VarType::Enum || v.values.is_empty() || v.values.contains(text) {
            return;
        }
        let suggestions = suggest::did_you_mean(text, v.values.iter().map(String::as_str));
        let hint = if suggestions.is_empty() {
            format!("; its values are {}", v.values.join(", "))
        } else {
            suggest::hint(&suggestions)
        };
        self.warn(
            ErrorKind::Unmatchable,
            format!("`{}` is never \"{text}\"{hint}", v.name),
            *span,
        );
    }

    fn contains(&mut self, args: &[Info<'c>]) {
        let (coll, key) = (&args[0], &args[1]);
        if let Some(Expr {
            kind: ExprKind::Set(items),
            ..
        }) = items_of(coll)
        {
            for item in items {
                let member = Info {
                    ty: Ty::Text,
                    var: None,
                    literal: Some(item),
                    span: item.span,
                };
                self.enum_value(key, &member);
            }
        }
        if matches!(items_of(coll).map(|e| &e.kind), Some(ExprKind::Vector(_))) {
            self.warn(
                ErrorKind::Unmatchable,
                "`contains?` on a vector asks about indexes, not values; use a set #{...}".into(),
                coll.span,
            );
        }
    }
}

/// The collection literal an argument was written as, if any.
fn items_of<'c>(a: &Info<'c>) -> Option<&'c Expr> {
    a.literal
        .filter(|e| matches!(e.kind, ExprKind::Set(_) | ExprKind::Vector(_)))
}

/// What a catalog variable holds at run time.
fn var_ty(var: &Variable) -> Ty {
    match var.ty {
        VarType::Money if var.example.is_string() => Ty::MoneyText,
        VarType::Number | VarType::Money => Ty::Number,
        VarType::Text | VarType::Enum => Ty::Text,
        VarType::Date => Ty::Date,
        VarType::Boolean => Ty::Bool,
        VarType::Array | VarType::Object => Ty::Coll,
    }
}

/// Types whose values can never be `=`: a number and text, a boolean and a number…
fn never_equal(a: Ty, b: Ty) -> bool {
    let class = |t: Ty| match t {
        Ty::Any | Ty::Nil => None,
        Ty::Text | Ty::Date | Ty::MoneyText => Some(0),
        Ty::Number => Some(1),
        Ty::Bool => Some(2),
        Ty::Keyword => Some(3),
        Ty::Coll => Some(4),
    };
    matches!((class(a), class(b)), (Some(x), Some(y)) if x != y)
}
