//! Messages for the user: what just happened (with Undo after a delete), what
//! went wrong on load, and another tab's changes waiting for a decision.

use yew::prelude::*;

use super::use_editor;
use crate::services::storage;
use crate::state::{Action, NoticeKind};

#[component]
pub fn Notices() -> Html {
    let editor = use_editor();
    let conflict = editor.conflict.then(|| {
        let load = {
            let editor = editor.clone();
            Callback::from(move |_| {
                if let storage::Loaded::Restored(stored) = storage::parse(storage::read().as_deref()) {
                    editor.dispatch(Action::AdoptExternal(stored.snapshot()));
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
            Callback::from(move |_| editor.dispatch(Action::Undo))
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
            { for conflict }
            { for notices }
        </div>
    }
}
