//! The workspace's connections: search, add (blank or from an example),
//! duplicate, delete, enable/disable, and choosing which one is open.

use std::rc::Rc;

use hookwright_core::connection::{self, Connection};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::{use_dispatch, use_editor};
use crate::services::focus;
use crate::state::{Action, Blueprint};

#[component]
pub fn Sidebar() -> Html {
    let editor = use_editor();
    // Below 900 px the list folds away behind a toggle (CSS decides when it shows).
    let open = use_state(|| false);
    let on_fold = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let on_search = {
        let editor = editor.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            editor.dispatch(Action::Search(input.value()));
        })
    };
    let on_add = {
        let editor = editor.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let choice = select.value();
            select.set_value("");
            let blueprint = match choice.as_str() {
                "" => return,
                "blank" => Blueprint::Blank,
                example => Blueprint::Example(example.to_string()),
            };
            editor.dispatch(Action::Add(blueprint));
        })
    };
    let visible: Vec<_> = editor.visible_connections().collect();
    let items = visible.iter().map(|connection| {
        let selected = editor.selected.as_deref() == Some(connection.id.as_str());
        html! {
            <ConnectionRow key={connection.id.clone()} connection={(*connection).clone()} {selected}
                fold={open.setter()} />
        }
    });
    let examples = use_memo((), |_| connection::examples());
    let empty = if editor.connections.is_empty() {
        Some(html! { <p class="empty">{ "No connections yet. Add one above." }</p> })
    } else if visible.is_empty() {
        Some(
            html! { <p class="empty">{ format!("No connection matches “{}”.", editor.search.trim()) }</p> },
        )
    } else {
        None
    };
    html! {
        <nav class={classes!("sidebar", open.then_some("open"))} aria-label="Connections">
            <button type="button" class="button sidebar-toggle" aria-expanded={open.to_string()}
                aria-controls="sidebar-content" onclick={on_fold}>
                <span aria-hidden="true">{ if *open { "▾ " } else { "▸ " } }</span>
                { format!("Connection list ({})", editor.connections.len()) }
            </button>
            <div class="sidebar-content" id="sidebar-content">
                <div class="sidebar-head">
                    <h2 class="sidebar-title">{ "Connections" }</h2>
                    <select class="add-select" aria-label="Add connection" onchange={on_add}>
                        <option value="" selected=true>{ "+ Add…" }</option>
                        <option value="blank">{ "Blank connection" }</option>
                        <optgroup label="From an example">
                            { for examples.iter().map(|c| html! {
                                <option value={c.id.clone()}>{ c.name.clone() }</option>
                            }) }
                        </optgroup>
                    </select>
                    <super::workspace_menu::WorkspaceMenu />
                </div>
                <input type="search" class="search" placeholder="Search connections"
                    aria-label="Search connections" value={editor.search.clone()} oninput={on_search} />
                <ul class="connection-list">{ for items }</ul>
                { for empty }
            </div>
        </nav>
    }
}

#[derive(Properties, PartialEq)]
struct ConnectionRowProps {
    connection: Rc<Connection>,
    selected: bool,
    /// Folds the list away (on a narrow screen) once a connection is chosen.
    fold: UseStateSetter<bool>,
}

/// One connection in the list. It only dispatches, so typing in one
/// connection re-renders its row alone, not all of them.
#[component]
fn ConnectionRow(props: &ConnectionRowProps) -> Html {
    let editor = use_dispatch();
    let connection = &props.connection;
    let selected = props.selected;
    let id = connection.id.clone();
    let dispatch = |action: fn(String) -> Action| {
        let editor = editor.clone();
        let id = id.clone();
        Callback::from(move |_: MouseEvent| editor.dispatch(action(id.clone())))
    };
    let on_select = {
        let editor = editor.clone();
        let id = id.clone();
        let fold = props.fold.clone();
        Callback::from(move |_: MouseEvent| {
            fold.set(false);
            editor.dispatch(Action::Select(id.clone()));
        })
    };
    let on_delete = {
        let editor = editor.clone();
        let id = id.clone();
        Callback::from(move |_: MouseEvent| {
            editor.dispatch(Action::Delete(id.clone()));
            // Its row is gone: focus goes to the connection selected in its place
            // (or, with none left, to adding one), not back to the top of the page.
            focus::after_render(vec![
                ".connection-item[aria-current]".into(),
                ".empty-actions .button".into(),
            ]);
        })
    };
    let on_toggle = {
        let editor = editor.clone();
        let id = id.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            editor.dispatch(Action::SetEnabled {
                id: id.clone(),
                enabled: input.checked(),
            });
        })
    };
    let name = connection.display_name();
    html! {
        <li class={classes!("connection-row", selected.then_some("selected"))}>
            <button
                type="button"
                class="connection-item"
                aria-current={selected.then_some("true")}
                onclick={on_select}
            >
                <span class="connection-name" title={name.to_string()}>{ name }</span>
                <span class="connection-meta">
                    <span class={classes!("badge", format!("source-{}", connection.source.label().to_lowercase()))}>
                        { connection.source.label() }
                    </span>
                    if !connection.enabled {
                        <span class="badge disabled">{ "disabled" }</span>
                    }
                </span>
            </button>
            <span class="row-actions">
                <label class="switch" title={if connection.enabled { "Enabled" } else { "Disabled" }}>
                    <input type="checkbox" checked={connection.enabled} onchange={on_toggle}
                        aria-label={format!("Enabled: {name}")} />
                    <span class="switch-track" aria-hidden="true"></span>
                </label>
                <button type="button" class="button icon" title="Duplicate"
                    aria-label={format!("Duplicate {name}")} onclick={dispatch(Action::Duplicate)}>{ icon_duplicate() }</button>
                <button type="button" class="button icon danger" title="Delete"
                    aria-label={format!("Delete {name}")} onclick={on_delete}>{ icon_delete() }</button>
            </span>
        </li>
    }
}

fn icon_duplicate() -> Html {
    html! {
        <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.5">
            <rect x="5" y="5" width="9" height="9" rx="1.5" />
            <path d="M11 5V3.5A1.5 1.5 0 0 0 9.5 2h-6A1.5 1.5 0 0 0 2 3.5v6A1.5 1.5 0 0 0 3.5 11H5" />
        </svg>
    }
}

fn icon_delete() -> Html {
    html! {
        <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.5">
            <path d="M2.5 4h11M6 4V2.5h4V4M4 4l.7 9.5h6.6L12 4M6.5 6.5v5M9.5 6.5v5" />
        </svg>
    }
}
