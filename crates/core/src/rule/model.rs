//! The visual rule builder's model: groups (all / any / none), NOT, conditions
//! (variable, operator, value) and an opaque expression node for anything the
//! builder cannot show, so nothing is ever dropped. Text → model → text keeps
//! the syntax tree; model → text → model is the identity (property-tested).
//!
//! Each model form has exactly one text form:
//! - all: `(and …)`, any: `(or …)`, none: `(not (or …))`, NOT: `(not …)`
//! - `= ≠ < ≤ > ≥` (and is / is not / on / before / after, by variable type):
//!   `(= var value)`, `(not= var value)`, `(< var value)` …
//! - is one of: `(contains? #{"Open" "Collections"} var)`
//! - contains / starts with: `(clojure.string/includes? var "x")`, `(clojure.string/starts-with? var "x")`
//! - is true / is false: `(= var true)`, `(= var false)`

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::catalog::VarType;
use crate::error::Span;

use super::ast::{Expr, ExprKind};
use super::fmt::{format, format_expr, quote};
use super::Rule;

#[derive(Debug, Clone, PartialEq)]
pub struct RuleModel {
    /// Usually a group; a rule that is a single condition or expression has that as its root.
    pub root: Item,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Group(Group),
    Not(Box<Item>),
    Condition(Condition),
    Expression(Expression),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Match {
    /// `(and …)`
    All,
    /// `(or …)`
    Any,
    /// `(not (or …))`
    None,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub mode: Match,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    pub variable: String,
    pub operator: Operator,
    pub value: Operand,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Operator {
    Eq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    IsOneOf,
    Contains,
    StartsWith,
    IsTrue,
    IsFalse,
}

/// What a condition compares with: nothing (is true / is false), one
/// literal, or several (is one of).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Operand {
    None,
    One(Literal),
    Many(Vec<Literal>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Literal {
    Nil,
    Number(#[serde(with = "decimal_text")] Decimal),
    Text(String),
}

/// Rule text the builder shows as is, in canonical layout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expression {
    pub text: String,
}

impl Operator {
    /// The operators the builder offers for a variable of type `ty`.
    pub fn for_type(ty: VarType) -> &'static [Operator] {
        use Operator::*;
        match ty {
            VarType::Number | VarType::Money => &[Eq, NotEq, Lt, Le, Gt, Ge],
            VarType::Text | VarType::Enum => &[Eq, NotEq, IsOneOf, Contains, StartsWith],
            VarType::Date => &[Eq, NotEq, Lt, Gt, Le, Ge],
            VarType::Boolean => &[IsTrue, IsFalse],
            VarType::Array | VarType::Object => &[],
        }
    }

    /// How the builder names the operator for a variable of type `ty`.
    pub fn label(self, ty: VarType) -> &'static str {
        use Operator::*;
        match (ty, self) {
            (VarType::Text | VarType::Enum, Eq) => "is",
            (VarType::Text | VarType::Enum, NotEq) => "is not",
            (VarType::Date, Eq) => "on",
            (VarType::Date, NotEq) => "not on",
            (VarType::Date, Lt) => "before",
            (VarType::Date, Gt) => "after",
            (VarType::Date, Le) => "on or before",
            (VarType::Date, Ge) => "on or after",
            (_, Eq) => "=",
            (_, NotEq) => "≠",
            (_, Lt) => "<",
            (_, Le) => "≤",
            (_, Gt) => ">",
            (_, Ge) => "≥",
            (_, IsOneOf) => "is one of",
            (_, Contains) => "contains",
            (_, StartsWith) => "starts with",
            (_, IsTrue) => "is true",
            (_, IsFalse) => "is false",
        }
    }

    fn comparison(head: &str) -> Option<Operator> {
        Some(match head {
            "=" => Operator::Eq,
            "not=" => Operator::NotEq,
            "<" => Operator::Lt,
            "<=" => Operator::Le,
            ">" => Operator::Gt,
            ">=" => Operator::Ge,
            _ => return None,
        })
    }

    fn head(self) -> &'static str {
        use Operator::*;
        match self {
            Eq | IsTrue | IsFalse => "=",
            NotEq => "not=",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            IsOneOf => "contains?",
            Contains => "clojure.string/includes?",
            StartsWith => "clojure.string/starts-with?",
        }
    }
}

impl RuleModel {
    pub fn from_rule(rule: &Rule) -> RuleModel {
        RuleModel::from_expr(rule.expr())
    }

    pub fn from_expr(expr: &Expr) -> RuleModel {
        RuleModel { root: item(expr) }
    }

    /// The builder's view of the model: always a top group; a rule that is
    /// one item is "all of" that item. [`ItemPath`]s count from this group.
    pub fn top_group(&self) -> Group {
        match &self.root {
            Item::Group(group) => group.clone(),
            other => Group {
                mode: Match::All,
                items: vec![other.clone()],
            },
        }
    }

    /// The rule text in canonical layout. An expression node whose text does
    /// not parse is kept verbatim (the result then does not parse either).
    pub fn to_text(&self) -> String {
        let mut flat = String::new();
        write_item(&self.root, &mut flat);
        format(&flat).unwrap_or(flat)
    }
}

/// A builder item's place: indexes of children from the top group (see
/// [`RuleModel::top_group`]); a NOT has one child, index 0. `[]` is the top group.
pub type ItemPath = Vec<usize>;

/// Where each item of [`RuleModel::from_rule`]'s model sits in the rule
/// text, in pre-order (a parent before its children). The top group of a
/// rule that is a single item has that item's span, as does the item at `[0]`.
/// Linear in the rule's size: items are matched to the syntax tree as the
/// model is built from it, never re-parsed.
pub fn item_spans(rule: &Rule) -> Vec<(ItemPath, Span)> {
    let root = rule.expr();
    let mut out = Vec::new();
    let top_is_group = condition(root).is_none() && group_children(root).is_some_and(|(g, _)| g);
    let start: ItemPath = if top_is_group {
        Vec::new()
    } else {
        out.push((Vec::new(), root.span));
        vec![0]
    };
    // (path, expression); the parser bounds the depth, the stack keeps it off the call stack.
    let mut stack = vec![(start, root)];
    while let Some((path, e)) = stack.pop() {
        out.push((path.clone(), e.span));
        if condition(e).is_some() {
            continue;
        }
        if let Some((_, children)) = group_children(e) {
            for (i, child) in children.iter().enumerate().rev() {
                let mut p = path.clone();
                p.push(i);
                stack.push((p, child));
            }
        }
    }
    out
}

/// The children an expression has as a builder item, and whether it is a
/// group (`false`: a NOT, whose one child is index 0); `None` for leaves.
/// Mirrors [`group`].
pub(super) fn group_children(e: &Expr) -> Option<(bool, &[Expr])> {
    let args = e.args();
    match e.head()? {
        "and" | "or" => Some((true, args)),
        "not" if args.len() == 1 => match args[0].head() {
            Some("or") => Some((true, args[0].args())),
            _ => Some((false, &args[..1])),
        },
        _ => None,
    }
}

fn literal(e: &Expr) -> Option<Literal> {
    match &e.kind {
        ExprKind::Nil => Some(Literal::Nil),
        ExprKind::Number(n) => Some(Literal::Number(*n)),
        ExprKind::Text(s) => Some(Literal::Text(s.clone())),
        _ => None,
    }
}

fn item(e: &Expr) -> Item {
    condition(e)
        .map(Item::Condition)
        .or_else(|| group(e))
        .unwrap_or_else(|| {
            Item::Expression(Expression {
                text: format_expr(e),
            })
        })
}

fn group(e: &Expr) -> Option<Item> {
    let args = e.args();
    match e.head()? {
        "and" => Some(Item::Group(Group {
            mode: Match::All,
            items: args.iter().map(item).collect(),
        })),
        "or" => Some(Item::Group(Group {
            mode: Match::Any,
            items: args.iter().map(item).collect(),
        })),
        "not" if args.len() == 1 => Some(match args[0].head() {
            Some("or") => Item::Group(Group {
                mode: Match::None,
                items: args[0].args().iter().map(item).collect(),
            }),
            _ => Item::Not(Box::new(item(&args[0]))),
        }),
        _ => None,
    }
}

pub(super) fn condition(e: &Expr) -> Option<Condition> {
    let head = e.head()?;
    let [a, b] = e.args() else { return None };
    let symbol = |x: &Expr| match &x.kind {
        ExprKind::Symbol(s) => Some(s.clone()),
        _ => None,
    };
    let (variable, operator, value) = match head {
        "contains?" => {
            let ExprKind::Set(items) = &a.kind else {
                return None;
            };
            let values = items.iter().map(literal).collect::<Option<Vec<_>>>()?;
            (symbol(b)?, Operator::IsOneOf, Operand::Many(values))
        }
        "clojure.string/includes?" | "clojure.string/starts-with?" => {
            let ExprKind::Text(s) = &b.kind else {
                return None;
            };
            let op = if head.ends_with("includes?") {
                Operator::Contains
            } else {
                Operator::StartsWith
            };
            (symbol(a)?, op, Operand::One(Literal::Text(s.clone())))
        }
        "=" if matches!(b.kind, ExprKind::Bool(_)) => {
            let op = if b.kind == ExprKind::Bool(true) {
                Operator::IsTrue
            } else {
                Operator::IsFalse
            };
            (symbol(a)?, op, Operand::None)
        }
        _ => (
            symbol(a)?,
            Operator::comparison(head)?,
            Operand::One(literal(b)?),
        ),
    };
    Some(Condition {
        variable,
        operator,
        value,
    })
}

fn write_literal(l: &Literal, out: &mut String) {
    match l {
        Literal::Nil => out.push_str("nil"),
        Literal::Number(n) => out.push_str(&n.to_string()),
        Literal::Text(s) => out.push_str(&quote(s)),
    }
}

fn write_items(head: &str, items: &[Item], out: &mut String) {
    out.push('(');
    out.push_str(head);
    for i in items {
        out.push(' ');
        write_item(i, out);
    }
    out.push(')');
}

fn write_item(item: &Item, out: &mut String) {
    match item {
        Item::Group(g) => match g.mode {
            Match::All => write_items("and", &g.items, out),
            Match::Any => write_items("or", &g.items, out),
            Match::None => {
                out.push_str("(not ");
                write_items("or", &g.items, out);
                out.push(')');
            }
        },
        Item::Not(inner) => {
            out.push_str("(not ");
            write_item(inner, out);
            out.push(')');
        }
        Item::Expression(x) => out.push_str(&x.text),
        Item::Condition(c) => {
            out.push('(');
            out.push_str(c.operator.head());
            out.push(' ');
            match (c.operator, &c.value) {
                (Operator::IsOneOf, Operand::Many(values)) => {
                    out.push_str("#{");
                    for (i, v) in values.iter().enumerate() {
                        if i > 0 {
                            out.push(' ');
                        }
                        write_literal(v, out);
                    }
                    out.push_str("} ");
                    out.push_str(&c.variable);
                }
                (Operator::IsTrue, _) => {
                    out.push_str(&c.variable);
                    out.push_str(" true");
                }
                (Operator::IsFalse, _) => {
                    out.push_str(&c.variable);
                    out.push_str(" false");
                }
                (_, value) => {
                    out.push_str(&c.variable);
                    out.push(' ');
                    match value {
                        Operand::One(v) => write_literal(v, out),
                        Operand::Many(vs) => vs.first().map_or((), |v| write_literal(v, out)),
                        Operand::None => out.push_str("nil"),
                    }
                }
            }
            out.push(')');
        }
    }
}

/// Decimals cross a worker's boundary as their exact text (`158.70`), never as binary floats.
mod decimal_text {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
