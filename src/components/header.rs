use yew::prelude::*;

use super::use_editor;
use crate::state::Action;

#[component]
pub fn Header() -> Html {
    let editor = use_editor();
    let undo = {
        let editor = editor.clone();
        Callback::from(move |_| editor.dispatch(Action::Undo))
    };
    let redo = {
        let editor = editor.clone();
        Callback::from(move |_| editor.dispatch(Action::Redo))
    };
    html! {
        <header class="app-header">
            <a class="skip-link" href="#main">{ "Skip to editor" }</a>
            <span class="logo" aria-hidden="true">{ "⚓" }</span>
            <h1 class="product">{ "Hookwright" }</h1>
            <span class="tagline">{ "Webhook connections for lending platforms" }</span>
            <span class="spacer"></span>
            <div class="toolbar" role="toolbar" aria-label="History">
                <button type="button" class="button" onclick={undo} disabled={!editor.can_undo()}
                    aria-keyshortcuts="Control+Z Meta+Z" title="Undo (Ctrl/⌘+Z)">{ "↶ Undo" }</button>
                <button type="button" class="button" onclick={redo} disabled={!editor.can_redo()}
                    aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z Control+Y" title="Redo (Ctrl/⌘+Shift+Z)">{ "↷ Redo" }</button>
            </div>
        </header>
    }
}
