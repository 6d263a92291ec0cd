//! Editing the visual rule builder's tree: the engine's `RuleModel` shown as a
//! top group, addressed by paths of child indexes. Pure functions, tested natively.

use hookwright_core::catalog::{Catalog, VarType, Variable};
use hookwright_core::rule::model::{
    Condition, Group, Item, Literal, Match, Operand, Operator, RuleModel,
};
use hookwright_core::rule::Rule;

/// A position in the tree: indexes of children from the top group. A NOT has
/// one child, index 0.
pub type Path = Vec<usize>;

/// The builder always shows a top group; a rule that is one condition is
/// shown as "all of" that one condition.
pub fn top_group(model: &RuleModel) -> Group {
    match &model.root {
        Item::Group(group) => group.clone(),
        other => Group {
            mode: Match::All,
            items: vec![other.clone()],
        },
    }
}

/// The rule text for a top group. "All of" one item is written as that item alone.
pub fn text_of(top: &Group) -> String {
    let root = match (top.mode, top.items.as_slice()) {
        (Match::All, [only]) => only.clone(),
        _ => Item::Group(top.clone()),
    };
    RuleModel { root }.to_text()
}

/// The model of rule text, or of an empty rule (an empty "all of" group).
pub fn model_of(text: &str) -> Result<RuleModel, Vec<hookwright_core::Error>> {
    if text.trim().is_empty() {
        return Ok(RuleModel {
            root: Item::Group(Group {
                mode: Match::All,
                items: Vec::new(),
            }),
        });
    }
    Rule::parse(text).map(|rule| RuleModel::from_rule(&rule))
}

pub fn item_at<'a>(top: &'a Group, path: &[usize]) -> Option<&'a Item> {
    let (first, rest) = path.split_first()?;
    let mut item = top.items.get(*first)?;
    for &i in rest {
        item = match item {
            Item::Group(g) => g.items.get(i)?,
            Item::Not(inner) if i == 0 => inner,
            _ => return None,
        };
    }
    Some(item)
}

fn item_at_mut<'a>(top: &'a mut Group, path: &[usize]) -> Option<&'a mut Item> {
    let (first, rest) = path.split_first()?;
    let mut item = top.items.get_mut(*first)?;
    for &i in rest {
        item = match item {
            Item::Group(g) => g.items.get_mut(i)?,
            Item::Not(inner) if i == 0 => inner,
            _ => return None,
        };
    }
    Some(item)
}

/// The group at `path` (the top group for an empty path).
fn group_at_mut<'a>(top: &'a mut Group, path: &[usize]) -> Option<&'a mut Group> {
    if path.is_empty() {
        return Some(top);
    }
    match item_at_mut(top, path)? {
        Item::Group(g) => Some(g),
        Item::Not(inner) => match inner.as_mut() {
            Item::Group(g) => Some(g),
            _ => None,
        },
        _ => None,
    }
}

/// One change the builder can make.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    SetMode(Match),
    Add(Item),
    Remove,
    /// Moves an item up (-1) or down (+1) among its siblings.
    Move(isize),
    ToggleNot,
    Replace(Item),
}

/// Applies `edit` at `path`; `None` when the path does not fit the edit.
pub fn apply(top: &Group, path: &[usize], edit: Edit) -> Option<Group> {
    let mut next = top.clone();
    match edit {
        Edit::SetMode(mode) => group_at_mut(&mut next, path)?.mode = mode,
        Edit::Add(item) => group_at_mut(&mut next, path)?.items.push(item),
        Edit::Remove | Edit::Move(_) => {
            let (&index, parent) = path.split_last()?;
            let siblings = &mut group_at_mut(&mut next, parent)?.items;
            if index >= siblings.len() {
                return None;
            }
            match edit {
                Edit::Remove => {
                    siblings.remove(index);
                }
                Edit::Move(delta) => {
                    let to = index
                        .checked_add_signed(delta)
                        .filter(|&t| t < siblings.len())?;
                    siblings.swap(index, to);
                }
                _ => unreachable!("matched above"),
            }
        }
        Edit::ToggleNot => {
            let item = item_at_mut(&mut next, path)?;
            *item = match std::mem::replace(item, Item::Group(empty_group(Match::All))) {
                Item::Not(inner) => *inner,
                other => Item::Not(Box::new(other)),
            };
        }
        Edit::Replace(item) => *item_at_mut(&mut next, path)? = item,
    }
    Some(next)
}

pub fn empty_group(mode: Match) -> Group {
    Group {
        mode,
        items: Vec::new(),
    }
}

/// The type the builder treats a variable as: the catalog's, else guessed
/// from the value it is compared with.
pub fn type_of(catalog: &Catalog, condition: &Condition) -> VarType {
    if let Some(variable) = catalog.variable(&condition.variable) {
        return variable.ty;
    }
    match &condition.value {
        Operand::One(Literal::Number(_)) => VarType::Number,
        Operand::None => VarType::Boolean,
        _ => VarType::Text,
    }
}

/// A new condition on `variable`, with an operator and value that fit its type.
pub fn condition_for(variable: &Variable) -> Condition {
    let operator = Operator::for_type(variable.ty)
        .first()
        .copied()
        .unwrap_or(Operator::Eq);
    Condition {
        variable: variable.name.clone(),
        operator,
        value: default_operand(variable, operator),
    }
}

/// Keeps a condition meaningful after its variable or operator changes.
pub fn refit(catalog: &Catalog, mut condition: Condition) -> Condition {
    let Some(variable) = catalog.variable(&condition.variable) else {
        return condition;
    };
    let allowed = Operator::for_type(variable.ty);
    if !allowed.is_empty() && !allowed.contains(&condition.operator) {
        condition.operator = allowed[0];
    }
    let fits = match (&condition.value, condition.operator) {
        (Operand::None, Operator::IsTrue | Operator::IsFalse) => true,
        (Operand::Many(_), Operator::IsOneOf) => true,
        (Operand::One(Literal::Number(_)), _) => {
            matches!(variable.ty, VarType::Number | VarType::Money)
        }
        (Operand::One(Literal::Text(_)), _) => !matches!(
            variable.ty,
            VarType::Number | VarType::Money | VarType::Boolean
        ),
        _ => false,
    };
    if !fits
        || matches!(
            condition.operator,
            Operator::IsTrue | Operator::IsFalse | Operator::IsOneOf
        ) != matches!(condition.value, Operand::None | Operand::Many(_))
    {
        condition.value = default_operand(variable, condition.operator);
    }
    condition
}

fn default_operand(variable: &Variable, operator: Operator) -> Operand {
    match operator {
        Operator::IsTrue | Operator::IsFalse => Operand::None,
        Operator::IsOneOf => Operand::Many(
            variable
                .values
                .first()
                .map(|v| Literal::Text(v.clone()))
                .into_iter()
                .collect(),
        ),
        _ => Operand::One(example_literal(variable)),
    }
}

fn example_literal(variable: &Variable) -> Literal {
    let number = |text: &str| text.parse().ok().map(Literal::Number);
    match variable.ty {
        VarType::Number | VarType::Money => match &variable.example {
            serde_json::Value::Number(n) => number(&n.to_string()),
            serde_json::Value::String(s) => number(s),
            _ => None,
        }
        .unwrap_or(Literal::Number(0.into())),
        VarType::Enum => Literal::Text(variable.values.first().cloned().unwrap_or_default()),
        _ => Literal::Text(match &variable.example {
            serde_json::Value::String(s) => s.clone(),
            _ => String::new(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hookwright_core::catalog;

    const SEED: &str = r#"(and (= status-days-past-due 5) (or (= loan-status "Open") (= loan-status "Collections")))"#;

    fn condition(variable: &str, value: Literal) -> Item {
        Item::Condition(Condition {
            variable: variable.into(),
            operator: Operator::Eq,
            value: Operand::One(value),
        })
    }

    #[test]
    fn the_seed_rule_builds_from_an_empty_rule() {
        let top = top_group(&model_of("").unwrap());
        let top = apply(
            &top,
            &[],
            Edit::Add(condition("status-days-past-due", Literal::Number(5.into()))),
        )
        .unwrap();
        assert_eq!(text_of(&top), "(= status-days-past-due 5)");
        let top = apply(&top, &[], Edit::Add(Item::Group(empty_group(Match::Any)))).unwrap();
        let top = apply(
            &top,
            &[1],
            Edit::Add(condition("loan-status", Literal::Text("Open".into()))),
        )
        .unwrap();
        let top = apply(
            &top,
            &[1],
            Edit::Add(condition(
                "loan-status",
                Literal::Text("Collections".into()),
            )),
        )
        .unwrap();
        assert_eq!(text_of(&top), SEED);
    }

    #[test]
    fn the_seed_rule_shows_two_groups_and_three_conditions() {
        let top = top_group(&model_of(SEED).unwrap());
        assert_eq!(top.mode, Match::All);
        assert!(
            matches!(item_at(&top, &[1]), Some(Item::Group(g)) if g.mode == Match::Any && g.items.len() == 2)
        );
        assert_eq!(text_of(&top), SEED);
    }

    #[test]
    fn move_remove_and_not() {
        let top = top_group(&model_of(SEED).unwrap());
        let moved = apply(&top, &[1], Edit::Move(-1)).unwrap();
        assert!(text_of(&moved).starts_with("(and (or"));
        assert!(apply(&top, &[0], Edit::Move(-1)).is_none());
        let negated = apply(&top, &[0], Edit::ToggleNot).unwrap();
        assert!(text_of(&negated).starts_with("(and (not (= status-days-past-due 5))"));
        assert_eq!(apply(&negated, &[0], Edit::ToggleNot).unwrap(), top);
        let removed = apply(&top, &[1, 0], Edit::Remove).unwrap();
        assert_eq!(
            text_of(&removed),
            r#"(and (= status-days-past-due 5) (or (= loan-status "Collections")))"#
        );
    }

    #[test]
    fn refit_changes_operator_and_value_to_fit_the_type() {
        let catalog = catalog::loanpro();
        let c = Condition {
            variable: "loan-status".into(),
            operator: Operator::Lt,
            value: Operand::One(Literal::Number(3.into())),
        };
        let c = refit(catalog, c);
        assert_eq!(c.operator, Operator::Eq);
        assert!(matches!(c.value, Operand::One(Literal::Text(_))));
    }
}
