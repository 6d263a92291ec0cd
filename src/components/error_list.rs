//! Every error and warning the page shows, in every panel, the same way:
//! severity, place (line and column in the field's text) and message, with
//! the engine's caret rendering beneath when the panel has it; in the
//! field's editor, the same errors underlined ([`diagnostic_paints`]).

use hookwright_core::Error;
use yew::prelude::*;

use super::code_editor::Paint;

#[derive(Properties, PartialEq)]
pub struct ErrorListProps {
    /// The list's id, for the field's `aria-describedby`.
    pub id: AttrValue,
    /// What the list is, for assistive technology (`Rule problems`).
    pub label: AttrValue,
    pub errors: Vec<Error>,
    /// `Error::render` of each error, drawn under it (same order); may be empty.
    #[prop_or_default]
    pub carets: Vec<String>,
    #[prop_or_default]
    pub testid: Option<AttrValue>,
    /// Shown when there is nothing to list; nothing is shown when `None`.
    #[prop_or_default]
    pub empty: Option<AttrValue>,
}

#[component]
pub fn ErrorList(props: &ErrorListProps) -> Html {
    let errors = &props.errors;
    html! {
        <>
            <ul class="findings" id={props.id.clone()} aria-label={props.label.clone()}
                data-testid={props.testid.clone()} hidden={errors.is_empty()}>
                { for errors.iter().enumerate().map(|(i, e)| {
                    let severity = if e.is_warning() { "warning" } else { "error" };
                    html! {
                        <li class={severity}>
                            <span class="severity">{ severity }</span>
                            <span class="message">
                                if let Some(span) = e.span {
                                    <span class="where">{ format!("line {}, column {}: ", span.line, span.col) }</span>
                                }
                                { &e.message }
                                if let Some(caret) = props.carets.get(i) {
                                    <pre class="caret">{ caret }</pre>
                                }
                            </span>
                        </li>
                    }
                }) }
            </ul>
            if errors.is_empty() {
                if let Some(empty) = &props.empty {
                    <p class="no-findings">{ empty }</p>
                }
            }
        </>
    }
}

/// Each error underlined at its span (at least one character), with its
/// message as the tooltip.
pub fn diagnostic_paints(errors: &[Error]) -> Vec<Paint> {
    errors
        .iter()
        .filter_map(|e| {
            let span = e.span?;
            Some(Paint {
                range: span.start..span.end.max(span.start + 1),
                class: if e.is_warning() {
                    "diag-warning"
                } else {
                    "diag-error"
                },
                title: Some(e.message.clone()),
            })
        })
        .collect()
}
