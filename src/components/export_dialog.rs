//! Export: chosen connections as a version-1 connection file, secrets only
//! when asked; the dialog lists exactly which secrets stay out.

use hookwright_core::connection::{Connection, ConnectionFile};
use hookwright_core::secret;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::dialog_frame::dialog_frame;
use super::use_editor;
use super::workspace_menu::*;
use crate::services::download;

#[derive(Properties, PartialEq)]
pub struct ExportDialogProps {
    pub on_close: Callback<()>,
}

#[component]
pub fn ExportDialog(props: &ExportDialogProps) -> Html {
    let editor = use_editor();
    let chosen = use_state(|| {
        editor
            .connections
            .iter()
            .map(|c| c.id.clone())
            .collect::<Vec<_>>()
    });
    let secrets = use_state(|| false);
    let error = use_state(|| None::<String>);
    let picked: Vec<Connection> = editor
        .connections
        .iter()
        .filter(|c| chosen.contains(&c.id))
        .map(|c| (**c).clone())
        .collect();
    let on_download = {
        let picked = picked.clone();
        let secrets = *secrets;
        let on_close = props.on_close.clone();
        let error = error.clone();
        Callback::from(move |_: MouseEvent| {
            let text = ConnectionFile::new(picked.clone()).export(secrets);
            let name = match picked.as_slice() {
                [one] => format!("{}.json", one.id),
                _ => "hookwright-connections.json".to_string(),
            };
            match download::save_text(&name, "application/json", &(text + "\n")) {
                Ok(()) => on_close.emit(()),
                Err(why) => error.set(Some(why)),
            }
        })
    };
    let secret_items = left_out(&picked);
    let all = chosen.len() == editor.connections.len();
    let toggle_all = {
        let chosen = chosen.clone();
        let ids: Vec<String> = editor.connections.iter().map(|c| c.id.clone()).collect();
        Callback::from(move |_: Event| chosen.set(if all { Vec::new() } else { ids.clone() }))
    };
    html! {
        { dialog_frame("Export connections", &props.on_close, html! { <>
            <p>{ "Downloads a Hookwright connection file (version 1) that the CLI and this editor read." }</p>
            <fieldset>
                <legend>{ "Connections" }</legend>
                <label class="check"><input type="checkbox" checked={all} onchange={toggle_all} />{ " All" }</label>
                { for editor.connections.iter().map(|c| {
                    let checked = chosen.contains(&c.id);
                    let chosen = chosen.clone();
                    let id = c.id.clone();
                    let onchange = Callback::from(move |e: Event| {
                        let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                        let mut next = (*chosen).clone();
                        next.retain(|x| *x != id);
                        if on { next.push(id.clone()); }
                        chosen.set(next);
                    });
                    html! {
                        <label class="check"><input type="checkbox" {checked} {onchange} />
                            { format!(" {} ", c.name) }<code class="muted">{ &c.id }</code></label>
                    }
                }) }
            </fieldset>
            <label class="check">
                <input type="checkbox" checked={*secrets} onchange={{
                    let secrets = secrets.clone();
                    Callback::from(move |e: Event| secrets.set(e.target_unchecked_into::<HtmlInputElement>().checked()))
                }} />
                { " Include secrets (tokens, passwords, keys)" }
            </label>
            <div class="secrets-summary" data-testid="export-secrets">
                if secret_items.is_empty() {
                    <p class="muted small">{ "The chosen connections hold no secrets." }</p>
                } else if *secrets {
                    <p class="warning-text small">{ "The file will contain these secrets in plain text:" }</p>
                    { secret_list("Secrets included", &secret_items) }
                } else {
                    <p class="muted small">{ format!(
                        "Left out of the file (each replaced by {} or emptied, and listed as a secret to fill in when the file is loaded):",
                        secret::PLACEHOLDER
                    ) }</p>
                    { secret_list("Secrets left out", &secret_items) }
                }
            </div>
            if let Some(why) = &*error { <p class="inline-note error">{ why }</p> }
            <div class="dialog-actions">
                <button type="button" class="button primary" onclick={on_download} disabled={picked.is_empty()}>
                    { format!("Download {} connection{}", picked.len(), if picked.len() == 1 { "" } else { "s" }) }
                </button>
            </div>
        </> }) }
    }
}
