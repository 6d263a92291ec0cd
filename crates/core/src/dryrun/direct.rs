//! The dry run's evaluation for rules made of `and`, `or`, `not` and
//! comparisons between a top-level variable and a constant (most trigger
//! rules): `=` / `not=` with a scalar, `<` `>` `<=` `>=` with a number. Each
//! comparison reads the member's text where the scanner found it, without
//! building a context. A plain string is compared byte for byte and a plain
//! integer by its digits; anything else is converted exactly as the full
//! parse converts it and compared by the engine's own `equal`; an ordering
//! of anything but two numbers (a date, or the engine's error) is left to
//! the engine. Each
//! node's outcome is recorded as `CompiledRule::truthy_traced` records it,
//! in the same left-to-right, short-circuiting order, so clause counts and
//! near misses are the same.

use std::cmp::Ordering;

use crate::rule::compile::{Logic, Operand};
use crate::rule::functions::Builtin;
use crate::rule::{equal, CompiledRule};
use crate::value::Value;

use super::scan::{member_value, Member, Wanted};

/// A rule in the direct form.
#[derive(Debug)]
pub(crate) enum Direct {
    All(u32, Vec<Direct>),
    Any(u32, Vec<Direct>),
    Not(u32, Box<Direct>),
    Compare(Box<Compare>),
}

#[derive(Debug)]
pub(crate) struct Compare {
    id: u32,
    op: Op,
    /// The variable's index among the scan's wanted names.
    member: usize,
    /// Whether the variable is the first operand.
    var_first: bool,
    var_id: u32,
    const_id: u32,
    constant: Value,
    /// The constant's text when it is a whole number without sign or
    /// scale (`5`): a JSON integer is equal to it exactly when its digits are.
    digits: Option<String>,
}

#[derive(Debug, Clone, Copy)]
enum Op {
    /// `=` (true) or `not=` (false).
    Equal(bool),
    /// `<` and the others: whether the ordering of the first operand to the
    /// second holds.
    Order(fn(Ordering) -> bool),
}

/// Why a direct evaluation stopped; the caller then takes its usual path.
#[derive(Debug, PartialEq)]
pub(crate) enum Stop {
    /// A variable the record does not have: the engine's error.
    Missing,
    /// An ordering of anything but two numbers (a date, or the engine's
    /// error), or a value that would not convert (the scan accepted it, so
    /// never seen): the engine decides.
    Unsure,
}

impl Direct {
    /// The direct form of `rule`, when every comparison reads a top-level
    /// member the scan keeps.
    pub(crate) fn of(rule: &CompiledRule, wanted: &Wanted) -> Option<Direct> {
        Direct::from_logic(rule.logic()?, wanted)
    }

    fn from_logic(logic: Logic<'_>, wanted: &Wanted) -> Option<Direct> {
        let all = |items: Vec<Logic<'_>>| {
            items
                .into_iter()
                .map(|l| Direct::from_logic(l, wanted))
                .collect::<Option<Vec<_>>>()
        };
        Some(match logic {
            Logic::All(id, items) => Direct::All(id, all(items)?),
            Logic::Any(id, items) => Direct::Any(id, all(items)?),
            Logic::Not(id, inner) => Direct::Not(id, Box::new(Direct::from_logic(*inner, wanted)?)),
            Logic::Compare { id, op, operands } => {
                let var_first = matches!(operands[0].1, Operand::Var(_));
                let ((var_id, path), (const_id, constant)) = match operands {
                    [(v, Operand::Var(p)), (c, Operand::Const(k))]
                    | [(c, Operand::Const(k)), (v, Operand::Var(p))] => ((v, p), (c, k)),
                    _ => return None,
                };
                // A dotted path reads inside a member: not this form.
                if path.contains('.') {
                    return None;
                }
                let member = wanted.names().iter().position(|n| n == path)?;
                let op = match op {
                    Builtin::Eq => Op::Equal(true),
                    Builtin::NotEq => Op::Equal(false),
                    Builtin::Lt => Op::Order(Ordering::is_lt),
                    Builtin::Gt => Op::Order(Ordering::is_gt),
                    Builtin::Le => Op::Order(Ordering::is_le),
                    Builtin::Ge => Op::Order(Ordering::is_ge),
                    _ => return None,
                };
                let scalar = match op {
                    Op::Equal(_) => matches!(
                        constant,
                        Value::Nil | Value::Bool(_) | Value::Number(_) | Value::Text(_)
                    ),
                    Op::Order(_) => matches!(constant, Value::Number(_)),
                };
                if !scalar {
                    return None;
                }
                let digits = match constant {
                    Value::Number(n) if n.scale() == 0 && !n.is_sign_negative() => {
                        Some(n.to_string())
                    }
                    _ => None,
                };
                Direct::Compare(Box::new(Compare {
                    id,
                    op,
                    var_first,
                    member,
                    var_id,
                    const_id,
                    constant: constant.clone(),
                    digits,
                }))
            }
        })
    }

    /// Whether the rule is true for the record `text` whose wanted members
    /// are `members`, recording each node's outcome in `states` (1 truthy,
    /// 2 falsey) as the engine's run does. `scratch` holds converted values.
    pub(crate) fn truthy(
        &self,
        text: &str,
        members: &[Option<Member>],
        states: &mut [u8],
        scratch: &mut Value,
    ) -> Result<bool, Stop> {
        let result = match self {
            Direct::All(_, items) => {
                let mut all = true;
                for item in items {
                    if !item.truthy(text, members, states, scratch)? {
                        all = false;
                        break;
                    }
                }
                all
            }
            Direct::Any(_, items) => {
                let mut any = false;
                for item in items {
                    if item.truthy(text, members, states, scratch)? {
                        any = true;
                        break;
                    }
                }
                any
            }
            Direct::Not(_, inner) => !inner.truthy(text, members, states, scratch)?,
            Direct::Compare(c) => {
                let member = members[c.member].ok_or(Stop::Missing)?;
                let raw = &text.as_bytes()[member.start..member.end];
                record(states, c.var_id, !matches!(raw, b"null" | b"false"));
                record(states, c.const_id, c.constant.is_truthy());
                match c.op {
                    Op::Equal(want) => want == c.same(text, member, raw, scratch)?,
                    Op::Order(holds) => holds(c.order(text, member, raw, scratch)?),
                }
            }
        };
        let id = match self {
            Direct::All(id, _) | Direct::Any(id, _) | Direct::Not(id, _) => *id,
            Direct::Compare(c) => c.id,
        };
        record(states, id, result);
        Ok(result)
    }
}

impl Compare {
    /// The ordering of the first operand to the second, when the member is
    /// a number (the constant is one).
    fn order(
        &self,
        text: &str,
        member: Member,
        raw: &[u8],
        scratch: &mut Value,
    ) -> Result<Ordering, Stop> {
        if !matches!(raw.first(), Some(b'-' | b'0'..=b'9')) {
            return Err(Stop::Unsure);
        }
        member_value(text, member, scratch).map_err(|_| Stop::Unsure)?;
        let (Value::Number(v), Value::Number(c)) = (&*scratch, &self.constant) else {
            return Err(Stop::Unsure);
        };
        Ok(if self.var_first { v.cmp(c) } else { c.cmp(v) })
    }

    /// Whether the member's value equals the constant, as `equal` says.
    fn same(
        &self,
        text: &str,
        member: Member,
        raw: &[u8],
        scratch: &mut Value,
    ) -> Result<bool, Stop> {
        Ok(match (raw.first(), &self.constant) {
            (Some(b'"'), Value::Text(t)) if !member.escaped => {
                &raw[1..raw.len() - 1] == t.as_bytes()
            }
            // A string (escaped or not) is never a number, a boolean or nil.
            (Some(b'"'), Value::Nil | Value::Bool(_) | Value::Number(_)) => false,
            (Some(b'0'..=b'9'), Value::Number(_))
                if self.digits.is_some() && raw.iter().all(u8::is_ascii_digit) =>
            {
                self.digits.as_deref().map(str::as_bytes) == Some(raw)
            }
            _ => {
                member_value(text, member, scratch).map_err(|_| Stop::Unsure)?;
                equal(scratch, &self.constant)
            }
        })
    }
}

#[inline]
fn record(states: &mut [u8], id: u32, truthy: bool) {
    if let Some(s) = states.get_mut(id as usize) {
        *s = if truthy { 1 } else { 2 };
    }
}
