//! The dry run's evaluation for rules made of `and`, `or`, `not` and `=` /
//! `not=` between a top-level variable and a scalar constant (most trigger
//! rules): each comparison reads the member's text where the scanner found
//! it, without building a context. A plain string is compared byte for byte
//! and a plain integer by its digits; anything else is converted exactly as
//! the full parse converts it and compared by the engine's own `equal`. Each
//! node's outcome is recorded as `CompiledRule::truthy_traced` records it,
//! in the same left-to-right, short-circuiting order, so clause counts and
//! near misses are the same.

use crate::rule::compile::{Logic, Operand};
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
    /// `=` (else `not=`).
    equal: bool,
    /// The variable's index among the scan's wanted names.
    member: usize,
    var_id: u32,
    const_id: u32,
    constant: Value,
    /// The constant's text when it is a whole number without sign or
    /// scale (`5`): a JSON integer is equal to it exactly when its digits are.
    digits: Option<String>,
}

/// Why a direct evaluation stopped; the caller then takes its usual path.
#[derive(Debug, PartialEq)]
pub(crate) enum Stop {
    /// A variable the record does not have: the engine's error.
    Missing,
    /// A value that would not convert (the scan accepted it, so never seen).
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
            Logic::Compare {
                id,
                equal,
                operands,
            } => {
                let ((var_id, path), (const_id, constant)) = match operands {
                    [(v, Operand::Var(p)), (c, Operand::Const(k))]
                    | [(c, Operand::Const(k)), (v, Operand::Var(p))] => ((v, p), (c, k)),
                    _ => return None,
                };
                // The variable before the constant: the order its outcome is
                // recorded in matters not (the states are read afterwards),
                // but a dotted path reads inside a member: not this form.
                if path.contains('.') {
                    return None;
                }
                let member = wanted.names().iter().position(|n| n == path)?;
                if !matches!(
                    constant,
                    Value::Nil | Value::Bool(_) | Value::Number(_) | Value::Text(_)
                ) {
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
                    equal,
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
                c.equal == c.same(text, member, raw, scratch)?
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
