//! Messages for the user: what just happened (with Undo after a delete), what
//! went wrong on load, a failed save (until it succeeds), and another tab's
//! changes waiting for a decision.

use hookwright_core::connection::ConnectionFile;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::use_editor;
use crate::services::{download, focus, storage};
use crate::state::{Action, NoticeKind, SaveEvent, SaveHandle};

#[derive(Properties, PartialEq)]
pub struct NoticesProps {
    /// `App`'s saves (a failed one stays until it succeeds).
    pub saves: SaveHandle,
}

#[component]
pub fn Notices(props: &NoticesProps) -> Html {
    let editor = use_editor();
    let saves = &props.saves;
    let with_secrets = use_state(|| false);
    let export_error = use_state(|| None::<String>);
    let save_failed = saves.failure.as_ref().map(|why| {
        let export = {
            let editor = editor.clone();
            let with_secrets = *with_secrets;
            let export_error = export_error.clone();
            Callback::from(move |_: MouseEvent| {
                let connections = editor.connections.iter().map(|c| (**c).clone()).collect();
                let text = ConnectionFile::new(connections).export(with_secrets);
                let saved = download::save_text(
                    "hookwright-workspace.json",
                    "application/json",
                    &(text + "\n"),
                );
                export_error.set(saved.err());
            })
        };
        let on_secrets = {
            let with_secrets = with_secrets.clone();
            Callback::from(move |e: Event| {
                let input: HtmlInputElement = e.target_unchecked_into();
                with_secrets.set(input.checked());
            })
        };
        let retry = {
            let saves = saves.clone();
            Callback::from(move |_: MouseEvent| saves.dispatch(SaveEvent::Retry))
        };
        html! {
            <div class="notice warning save-failed" role="alert" data-testid="save-failed">
                <span>{ format!(
                    "Hookwright could not save your work: {why}. Autosave is paused so nothing half-written replaces what is stored; export the workspace to keep your changes, then try again."
                ) }</span>
                <button type="button" class="button primary" onclick={export}>{ "Export now" }</button>
                <label class="check">
                    <input type="checkbox" checked={*with_secrets} onchange={on_secrets} />
                    { " Include secrets" }
                </label>
                <button type="button" class="button" onclick={retry}>{ "Try again" }</button>
                if let Some(why) = &*export_error { <span class="inline-note error">{ why }</span> }
            </div>
        }
    });
    let conflict = editor.conflict.then(|| {
        let load = {
            let editor = editor.clone();
            Callback::from(move |_| {
                if let storage::Loaded::Restored(stored) = storage::parse(storage::read().as_deref()) {
                    // This tab's selection stays open if the other copy has it.
                    let view = storage::View {
                        selected: editor.selected.clone(),
                        scroll: 0,
                    };
                    editor.dispatch(Action::AdoptExternal(stored.snapshot(&view)));
                } else {
                    editor.dispatch(Action::KeepMine);
                }
            })
        };
        let keep = {
            let editor = editor.clone();
            Callback::from(move |_| editor.dispatch(Action::KeepMine))
        };
        html! {
            <div class="notice warning" role="alert" data-testid="conflict">
                <span>{ "This workspace was changed in another tab. Saving here is paused so neither copy is lost." }</span>
                <button type="button" class="button" onclick={load}>{ "Load the other tab's version" }</button>
                <button type="button" class="button" onclick={keep}>{ "Keep this tab's version" }</button>
            </div>
        }
    });
    let notices = editor.notices.iter().map(|notice| {
        let dismiss = {
            let editor = editor.clone();
            let id = notice.id;
            Callback::from(move |_| editor.dispatch(Action::Dismiss(id)))
        };
        let undo = {
            let editor = editor.clone();
            Callback::from(move |_| {
                editor.dispatch(Action::Undo);
                // The notice goes with its button: focus goes back to the list, on the selected connection.
                focus::after_render(vec![".connection-item[aria-current]".into()]);
            })
        };
        let kind = match notice.kind {
            NoticeKind::Info => "info",
            NoticeKind::Warning => "warning",
        };
        html! {
            <div key={notice.id} class={classes!("notice", kind)} data-testid="notice">
                <span>{ &notice.text }</span>
                if notice.undoable {
                    <button type="button" class="button" onclick={undo}>{ "Undo" }</button>
                }
                <button type="button" class="button icon" aria-label="Dismiss" title="Dismiss" onclick={dismiss}>{ "×" }</button>
            </div>
        }
    });
    html! {
        <div class="notices" role="status" aria-live="polite">
            { for save_failed }
            { for conflict }
            { for notices }
        </div>
    }
}
