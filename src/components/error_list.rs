//! Every error and warning the page shows, in every panel, the same way:
//! severity, place (line and column in the field's text) and message, with
//! the engine's caret rendering beneath when the panel has it; in the
//! field's editor, the same errors underlined ([`diagnostic_paints`]).

use hookwright_core::Error;
use yew::prelude::*;

use super::code_editor::Paint;

/// The list of `errors`, with `id` (for the field's `aria-describedby`) and
/// `label` (what the list is, for assistive technology: `Rule problems`);
/// `carets` are `Error::render` of each error, drawn under it (same order;
/// may be empty, or hold an empty text for an error without one); `empty` is shown when there is nothing to list. A plain
/// function, not a component: it holds no state, and each component costs the
/// page's wasm a copy of Yew's lifecycle.
pub fn error_list(
    id: AttrValue,
    label: AttrValue,
    errors: &[Error],
    carets: &[String],
    testid: Option<&'static str>,
    empty: Option<&'static str>,
) -> Html {
    html! {
        <>
            <ul class="findings" {id} aria-label={label}
                data-testid={testid} hidden={errors.is_empty()}>
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
                                if let Some(caret) = carets.get(i).filter(|c| !c.is_empty()) {
                                    <pre class="caret">{ caret }</pre>
                                }
                            </span>
                        </li>
                    }
                }) }
            </ul>
            if errors.is_empty() {
                if let Some(empty) = empty {
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
