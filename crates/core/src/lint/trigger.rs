//! The trigger fits its source: YouLend only sends events, and a rule or
//! event is there; YouLend event codes are ones its catalog knows.

use super::{Finding, Subject};
use crate::connection::{Source, Trigger};
use crate::error::ErrorKind;
use crate::suggest;

pub fn check_trigger(s: &Subject) -> Vec<Finding> {
    let mut out = Vec::new();
    match (&s.connection.trigger, s.connection.source) {
        (Trigger::Rule { .. }, Source::Youlend) => out.push(Finding::error(
            "trigger.type",
            ErrorKind::Invalid,
            "YouLend only sends events: use an event trigger with a YouLend event code",
        )),
        (Trigger::Rule { rule }, Source::Loanpro) if rule.trim().is_empty() => {
            out.push(Finding::error(
                "trigger.rule",
                ErrorKind::Syntax,
                crate::analysis::NEEDS_A_RULE,
            ))
        }
        (Trigger::Event { event, .. }, _) if event.trim().is_empty() => out.push(Finding::error(
            "trigger.event",
            ErrorKind::Invalid,
            "the event is empty",
        )),
        (Trigger::Event { event, .. }, Source::Youlend) => match s.catalog.event(event) {
            None => {
                let near =
                    suggest::did_you_mean(event, s.catalog.events.iter().map(|e| e.code.as_str()));
                out.push(Finding::error(
                    "trigger.event",
                    ErrorKind::Invalid,
                    format!(
                        "unknown YouLend event code `{event}`{}",
                        suggest::hint(&near)
                    ),
                ));
            }
            Some(known) => {
                if let Some(replacement) = &known.deprecated_by {
                    out.push(Finding::warning(
                        "trigger.event",
                        ErrorKind::Invalid,
                        format!(
                            "YouLend deprecated {event} ({}); use {replacement}",
                            known.name
                        ),
                    ));
                }
            }
        },
        // LoanPro event names are free text: tenants see events the public docs do not list.
        _ => {}
    }
    out
}
