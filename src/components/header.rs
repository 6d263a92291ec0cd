use yew::prelude::*;

use super::use_editor;
use super::youlend::View;
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// The view shown below the header.
    pub view: View,
    pub on_view: Callback<View>,
}

#[component]
pub fn Header(props: &HeaderProps) -> Html {
    let editor = use_editor();
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
            <div class="toolbar" role="toolbar" aria-label="History">
                <button type="button" class="button" onclick={undo} disabled={!editor.can_undo()}
                    aria-keyshortcuts="Control+Z Meta+Z" title="Undo (Ctrl/⌘+Z)">{ "↶ Undo" }</button>
                <button type="button" class="button" onclick={redo} disabled={!editor.can_redo()}
                    aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z Control+Y" title="Redo (Ctrl/⌘+Shift+Z)">{ "↷ Redo" }</button>
            </div>
        </header>
    }
}
