//! The visual rule builder's defaults from the catalog: the type a condition's
//! variable is treated as, and the operator and value a new or changed
//! condition gets. The edits themselves are the engine's (`rule::edit`).

use hookwright_core::catalog::{Catalog, VarType, Variable};
use hookwright_core::rule::model::{Condition, Literal, Operand, Operator};

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
