//! The user's own JSON context for the Trigger panel: validated as it is
//! typed, applied after a pause when large, summarised when huge; or a
//! dropped or picked file, which goes to the analysis worker as a File, so
//! the page never reads megabytes as one string (issue 15).

use std::rc::Rc;

use hookwright_core::dryrun::megabytes;
use hookwright_core::Error;
use yew::prelude::*;

use super::code_editor::CodeEditor;
use super::error_list::diagnostic_paints;
use super::file_drop::use_file_drop;
use super::rule_analysis::{use_analysis_worker, WORKER_CONTEXT_ABOVE};
use super::use_editor;
use crate::services::{files, storage};
use crate::state::{Action, ContextFile};

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
    // A file: a small one becomes the text to edit; a large one goes to the
    // worker as it is, and the page keeps its name and size.
    let worker = use_analysis_worker();
    let file_error = use_state(|| None::<String>);
    let take_file = {
        let editor = editor.clone();
        let file_error = file_error.clone();
        Callback::from(move |file: web_sys::File| {
            file_error.set(None);
            let bytes = file.size();
            match &worker {
                Some(worker) if bytes > WORKER_CONTEXT_ABOVE as f64 => {
                    worker.set_context_file(&file);
                    editor.dispatch(Action::SetCustomContextFile(ContextFile {
                        name: file.name(),
                        bytes,
                    }));
                }
                _ => {
                    let editor = editor.clone();
                    let file_error = file_error.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        match files::read_text(&file).await {
                            Ok(text) => editor.dispatch(Action::SetCustomContext(text)),
                            Err(why) => file_error.set(Some(why)),
                        }
                    });
                }
            }
        })
    };
    let on_pick = {
        let take_file = take_file.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = files::first(input.files()) {
                take_file.emit(file);
            }
            // The same file picked again is a new load.
            input.set_value("");
        })
    };
    let drop = use_file_drop(take_file);
    let loaded = editor.custom_file.clone();
    let blank = text.trim().is_empty() && loaded.is_none();
    let error = props.error.as_ref().filter(|_| !blank);
    let paints = diagnostic_paints(error.map(std::slice::from_ref).unwrap_or_default());
    let size_note = (text.len() > storage::CUSTOM_CONTEXT_LIMIT).then(|| {
        format!(
            " It is {} MB, too large to keep in this browser's storage: it stays until you reload.",
            megabytes(text.len() as u64)
        )
    });
    // A text area holding megabytes makes the browser itself slow on every
    // keystroke, so a large context is shown as a summary and replaced by
    // pasting, not edited in place.
    let huge = text.len() > HUGE_CONTEXT || loaded.is_some();
    let shown = if huge {
        AttrValue::Static("")
    } else {
        AttrValue::from(text.to_string())
    };
    let on_clear = {
        let editor = editor.clone();
        Callback::from(move |_| editor.dispatch(Action::SetCustomContext(String::new())))
    };
    let reading = error.is_some_and(|e| e.message.starts_with("reading the"));
    html! {
        <div class={classes!("custom-context", drop.dragging.then_some("dragging"))}
            ondrop={drop.ondrop} ondragover={drop.ondragover} ondragleave={drop.ondragleave}>
            <div class="context-file">
                <label class="button small">
                    { "Load a file…" }
                    <input type="file" class="visually-hidden" aria-label="Load the custom context from a file"
                        accept=".json,application/json,text/plain" onchange={on_pick} />
                </label>
                <span class="muted small">{ "or drop a JSON file here (any size: a large one is read off the page)." }</span>
            </div>
            if let Some(file) = &loaded {
                <p class="context-summary" data-testid="large-context">
                    { format!("The context is the file “{}” ({} MB), read off the page; it is not kept after a reload. Load or paste another to replace it, or ", file.name, megabytes(file.bytes as u64)) }
                    <button type="button" class="button small" onclick={on_clear.clone()}>{ "clear it" }</button>{ "." }
                </p>
            } else if huge {
                <p class="context-summary" data-testid="large-context">
                    { format!("A {} MB context is loaded. It is too large to edit here comfortably: paste below to replace it, or ", megabytes(text.len() as u64)) }
                    <button type="button" class="button small" onclick={on_clear}>{ "clear it" }</button>{ "." }
                </p>
            }
            if let Some(why) = &*file_error {
                <p class="context-status error" role="alert">{ format!("The file could not be read: {why}") }</p>
            }
            // A new key when the summary takes over: the text area holding
            // the megabytes is dropped, not kept behind the summary.
            <CodeEditor key={if huge { "summary" } else { "editor" }} label="Custom context" value={shown} {on_change} paints={Rc::new(paints)} rows={6}
                invalid={error.is_some()} described_by={Some(AttrValue::from("custom-context-status"))}
                placeholder="{\"loan-status\": \"Open\", \"status-days-past-due\": 5}" />
            <p id="custom-context-status" class={classes!("context-status", (error.is_some() && !reading).then_some("error"))}
                role="status" aria-busy={reading.then_some("true")}>
                { match error {
                    Some(e) if reading => format!("Reading: {}", e.message.trim_start_matches("reading ")),
                    Some(e) => format!("Not usable: {e}"),
                    None if blank => "Paste a loan's or event's JSON, or load or drop a file, to evaluate the rule against it.".to_string(),
                    None => "Valid JSON context.".to_string(),
                } }
                { size_note.unwrap_or_default() }
            </p>
        </div>
    }
}
