//! Import: file picker, drag and drop or paste; every problem listed, a bad
//! file changes nothing, id clashes ask, the secrets to fill in are listed.

use hookwright_core::connection::Connection;
use hookwright_core::secret;
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::dialog_frame::dialog_frame;
use super::use_editor;
use super::workspace_menu::*;
use crate::services::focus;
use crate::state::{Action, OnConflict};

#[derive(Properties, PartialEq)]
pub struct ImportDialogProps {
    pub review: Option<ImportReview>,
    pub on_close: Callback<()>,
    pub on_review: Callback<ImportReview>,
}

#[component]
pub fn ImportDialog(props: &ImportDialogProps) -> Html {
    let editor = use_editor();
    let paste = use_node_ref();
    // The choice per clashing id; "keep both" unless the user says otherwise.
    let choices = use_state(std::collections::HashMap::<String, OnConflict>::new);
    let on_read_paste = {
        let paste = paste.clone();
        let on_review = props.on_review.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(area) = paste.cast::<HtmlTextAreaElement>() {
                on_review.emit(review_import("the pasted text", &area.value()));
                // Check is gone once the review is drawn: its default action takes focus.
                focus::after_render(vec![
                    "dialog.dialog .dialog-actions .button:last-child".into()
                ]);
            }
        })
    };
    let Some(review) = &props.review else {
        return html! {
            { dialog_frame("Import connections", &props.on_close, html! { <>
                <p>{ "Paste a connection file, choose one with Import, or drop one anywhere on the page." }</p>
                <label class="field">
                    <span class="field-label">{ "Connection file" }</span>
                    <textarea ref={paste} class="mono" rows="10" aria-label="Connection file to import" spellcheck="false" autofocus=true />
                </label>
                <div class="dialog-actions">
                    <button type="button" class="button primary" onclick={on_read_paste}>{ "Check" }</button>
                </div>
            </> }) }
        };
    };
    let clashes: Vec<&Connection> = review
        .connections
        .iter()
        .filter(|c| editor.connections.iter().any(|e| e.id == c.id))
        .collect();
    let on_add = {
        let editor = editor.clone();
        let items: Vec<(Connection, OnConflict)> = review
            .connections
            .iter()
            .map(|c| {
                (
                    c.clone(),
                    choices.get(&c.id).copied().unwrap_or(OnConflict::KeepBoth),
                )
            })
            .collect();
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| {
            editor.dispatch(Action::Import(items.clone()));
            on_close.emit(());
        })
    };
    let blocked = review.blocked();
    html! {
        { dialog_frame("Import connections", &props.on_close, html! { <>
            <p>{ format!("From {}: ", review.source) }
                { if blocked {
                    format!(
                        "this {} cannot be imported. Nothing was changed.",
                        if review.source == "the share link" { "link" } else { "file" }
                    )
                } else {
                    format!("{} connection{} ready.", review.connections.len(), if review.connections.len() == 1 { "" } else { "s" })
                } }
            </p>
            if !review.problems.is_empty() {
                <ul class="import-problems" aria-label="Problems in the file">
                    { for review.problems.iter().map(|p| html! {
                        <li class={if p.blocking { "error" } else { "warning" }}>
                            if !p.location.is_empty() { <span class="where">{ format!("{}: ", p.location) }</span> }
                            { &p.message }
                        </li>
                    }) }
                </ul>
                if !blocked {
                    <p class="muted small">{ "These problems do not stop the import; fix them in the editor." }</p>
                }
            }
            if !blocked && !review.to_fill_in.is_empty() {
                <div class="notice warning inline" data-testid="secrets-to-fill-in">
                    <p>{ format!("Secrets to fill in after importing (the file left them out; they read {}):", secret::PLACEHOLDER) }</p>
                    { secret_list("Secrets to fill in", &review.to_fill_in) }
                </div>
            }
            if !clashes.is_empty() {
                <fieldset>
                    <legend>{ "Already in your workspace" }</legend>
                    { for clashes.iter().map(|c| {
                        let choices = choices.clone();
                        let id = c.id.clone();
                        let current = choices.get(&c.id).copied().unwrap_or(OnConflict::KeepBoth);
                        let onchange = Callback::from(move |e: Event| {
                            let choice = match e.target_unchecked_into::<HtmlSelectElement>().value().as_str() {
                                "replace" => OnConflict::Replace,
                                "skip" => OnConflict::Skip,
                                _ => OnConflict::KeepBoth,
                            };
                            let mut next = (*choices).clone();
                            next.insert(id.clone(), choice);
                            choices.set(next);
                        });
                        html! {
                            <label class="field conflict-row">
                                <span><code>{ &c.id }</code>{ format!(" ({})", c.name) }</span>
                                <select aria-label={format!("When {} exists", c.id)} {onchange}>
                                    <option value="replace" selected={current == OnConflict::Replace}>{ "Replace mine" }</option>
                                    <option value="keep" selected={current == OnConflict::KeepBoth}>{ "Keep both" }</option>
                                    <option value="skip" selected={current == OnConflict::Skip}>{ "Skip" }</option>
                                </select>
                            </label>
                        }
                    }) }
                </fieldset>
            }
            <div class="dialog-actions">
                <button type="button" class="button" onclick={props.on_close.reform(|_: MouseEvent| ())}>{ "Cancel" }</button>
                if !blocked {
                    <button type="button" class="button primary" onclick={on_add}>{ "Add to workspace" }</button>
                }
            </div>
        </> }) }
    }
}
