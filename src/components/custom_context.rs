//! The user's own JSON context for the Trigger panel: validated as it is
//! typed, applied after a pause when large, summarised when huge.

use std::rc::Rc;

use hookwright_core::Error;
use yew::prelude::*;

use super::code_editor::CodeEditor;
use super::error_list::diagnostic_paints;
use super::use_editor;
use crate::services::storage;
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct CustomContextProps {
    /// Why the pasted text is not a usable context, if it is not.
    pub error: Option<Error>,
}

/// Pasted contexts larger than this are applied after a pause in typing, so
/// parsing megabytes never sits on the keystroke path.
const LARGE_CONTEXT: usize = 64 * 1024;
/// Above this a pasted context is summarised instead of shown for editing.
const HUGE_CONTEXT: usize = 512 * 1024;

/// The user's own JSON context, validated as it is typed.
#[component]
pub fn CustomContext(props: &CustomContextProps) -> Html {
    let editor = use_editor();
    let text = editor.custom_context.clone();
    let timer = use_mut_ref(|| None::<gloo::timers::callback::Timeout>);
    let on_change = {
        let editor = editor.clone();
        Callback::from(move |text: String| {
            if text.len() > LARGE_CONTEXT {
                let editor = editor.clone();
                *timer.borrow_mut() = Some(gloo::timers::callback::Timeout::new(300, move || {
                    editor.dispatch(Action::SetCustomContext(text))
                }));
            } else {
                timer.borrow_mut().take();
                editor.dispatch(Action::SetCustomContext(text));
            }
        })
    };
    let blank = text.trim().is_empty();
    let error = props.error.as_ref().filter(|_| !blank);
    let paints = diagnostic_paints(error.map(std::slice::from_ref).unwrap_or_default());
    let size_note = (text.len() > storage::CUSTOM_CONTEXT_LIMIT).then(|| {
        format!(
            " It is {:.1} MB, too large to keep in this browser's storage: it stays until you reload.",
            text.len() as f64 / 1_000_000.0
        )
    });
    // A text area holding megabytes makes the browser itself slow on every
    // keystroke, so a large context is shown as a summary and replaced by
    // pasting, not edited in place.
    let huge = text.len() > HUGE_CONTEXT;
    let shown = if huge {
        AttrValue::Static("")
    } else {
        AttrValue::from(text.to_string())
    };
    let on_clear = {
        let editor = editor.clone();
        Callback::from(move |_| editor.dispatch(Action::SetCustomContext(String::new())))
    };
    html! {
        <div class="custom-context">
            if huge {
                <p class="context-summary" data-testid="large-context">
                    { format!("A {:.1} MB context is loaded. It is too large to edit here comfortably: paste below to replace it, or ", text.len() as f64 / 1_000_000.0) }
                    <button type="button" class="button small" onclick={on_clear}>{ "clear it" }</button>{ "." }
                </p>
            }
            // A new key when the summary takes over: the text area holding
            // the megabytes is dropped, not kept behind the summary.
            <CodeEditor key={if huge { "summary" } else { "editor" }} label="Custom context" value={shown} {on_change} paints={Rc::new(paints)} rows={6}
                invalid={error.is_some()} described_by={Some(AttrValue::from("custom-context-status"))}
                placeholder="{\"loan-status\": \"Open\", \"status-days-past-due\": 5}" />
            <p id="custom-context-status" class={classes!("context-status", error.is_some().then_some("error"))} role="status">
                { match error {
                    Some(e) => format!("Not usable: {e}"),
                    None if blank => "Paste a loan's or event's JSON to evaluate the rule against it.".to_string(),
                    None => "Valid JSON context.".to_string(),
                } }
                { size_note.unwrap_or_default() }
            </p>
        </div>
    }
}
