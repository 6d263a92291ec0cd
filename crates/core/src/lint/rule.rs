//! The trigger's rule, parsed and checked against the source's catalog.

use super::{Finding, Subject};
use crate::rule::{self, Rule};

/// The trigger's rule parses and type-checks against the source's catalog.
/// An event trigger's empty rule means "no filter"; a rule trigger's empty
/// rule is [`check_trigger`]'s error, so both are skipped here.
pub fn check_rule(s: &Subject) -> Vec<Finding> {
    let source = s.connection.trigger.rule();
    if source.trim().is_empty() {
        return Vec::new();
    }
    let errors = match Rule::parse(source) {
        Ok(rule) => rule::check(&rule, s.catalog),
        Err(errors) => errors,
    };
    errors
        .into_iter()
        .map(|error| Finding {
            field: "trigger.rule".into(),
            error,
        })
        .collect()
}
