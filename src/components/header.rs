use yew::prelude::*;

use super::use_editor;
use super::youlend::View;
use crate::services::storage;
use crate::state::{Action, SaveHandle};

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// The view shown below the header.
    pub view: View,
    pub on_view: Callback<View>,
}

#[component]
pub fn Header(props: &HeaderProps) -> Html {
    let editor = use_editor();
    let saves = use_context::<SaveHandle>().expect("rendered inside App's ContextProvider");
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
    let tabs = View::ALL.into_iter().map(|view| {
        let current = view == props.view;
        let onclick = props.on_view.reform(move |_: MouseEvent| view);
        html! {
            <button type="button" class={classes!("view-tab", current.then_some("current"))}
                aria-current={current.then_some("page")} {onclick}>{ view.label() }</button>
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
