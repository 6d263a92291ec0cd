//! The app's header: the views, the last save, Undo and Redo.

use yew::prelude::*;

use super::youlend::View;
use crate::services::storage;
use crate::state::{Action, EditorHandle, SaveHandle};

/// The header above `view`. A plain function of `App`, which holds the
/// editor and the saves and re-renders with either: each component costs the
/// page's wasm a copy of Yew's lifecycle.
pub fn header(
    view: View,
    on_view: &Callback<View>,
    editor: &EditorHandle,
    saves: &SaveHandle,
) -> Html {
    // What is true of the stored copy right now.
    let (save_class, save_text, save_title) = if saves.failure.is_some() {
        (
            "bad",
            "Not saved".to_string(),
            "The last save failed; see the notice.".to_string(),
        )
    } else if editor.conflict {
        (
            "bad",
            "Saving paused".to_string(),
            "Another tab changed the workspace; see the notice.".to_string(),
        )
    } else {
        match saves.last_saved {
            Some(at) => (
                "",
                format!("Saved {}", storage::clock(at)),
                "When the workspace was last saved in this browser; edits save within half a second.".to_string(),
            ),
            None => ("", "Not saved yet".to_string(), "Edits save in this browser within half a second.".to_string()),
        }
    };
    let tabs = View::ALL.into_iter().map(|tab| {
        let current = tab == view;
        let onclick = on_view.reform(move |_: MouseEvent| tab);
        html! {
            <button type="button" class={classes!("view-tab", current.then_some("current"))}
                aria-current={current.then_some("page")} {onclick}>{ tab.label() }</button>
        }
    });
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
            <nav class="view-tabs" aria-label="Views">{ for tabs }</nav>
            <span class="spacer"></span>
            <span class={classes!("save-status", save_class)} data-testid="save-status" title={save_title}>{ save_text }</span>
            <div class="toolbar" role="toolbar" aria-label="History">
                <button type="button" class="button" onclick={undo} disabled={!editor.can_undo()}
                    aria-keyshortcuts="Control+Z Meta+Z" title="Undo (Ctrl/⌘+Z)">{ "↶ Undo" }</button>
                <button type="button" class="button" onclick={redo} disabled={!editor.can_redo()}
                    aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z Control+Y" title="Redo (Ctrl/⌘+Shift+Z)">{ "↷ Redo" }</button>
            </div>
        </header>
    }
}
