//! The selected connection: its name and an outline of its sections, then a
//! section each for its trigger, request, payload and preview.

use std::rc::Rc;

use hookwright_core::analysis::catalog_for;
use hookwright_core::connection::{self, Connection};
use hookwright_core::lint;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::error_list::error_list;
use super::outline::SectionOutline;
use super::payload_panel::payload_panel;
use super::request_panel::RequestPanel;
use super::trigger_panel::TriggerPanel;
use crate::state::{Action, Blueprint, EditorHandle};

/// The selected connection's page. A plain function of `App`, which
/// re-renders on every change anyway: each component costs the page's wasm a
/// copy of Yew's lifecycle.
///
/// `complete`: whether all of the page's code is in (`services::page_code`);
/// until it is, the sections below the trigger are drawn as their headings.
pub fn connection_view(editor: &EditorHandle, complete: bool) -> Html {
    match editor.selected_connection() {
        Some(connection) => view(editor, connection, complete),
        None if editor.connections.is_empty() => {
            let add = |blueprint: Blueprint| {
                let editor = editor.clone();
                Callback::from(move |_: MouseEvent| editor.dispatch(Action::Add(blueprint.clone())))
            };
            html! {
                <div class="empty-state">
                    <h2>{ "No connections yet" }</h2>
                    <p>{ "Start from a blank connection or from an example, or bring a connection file in with Import." }</p>
                    <div class="empty-actions">
                        <button type="button" class="button primary" onclick={add(Blueprint::Blank)}>{ "New blank connection" }</button>
                        { for connection::examples().into_iter().map(|example| html! {
                            <button type="button" class="button" onclick={add(Blueprint::Example(example.id))}>
                                { format!("Example: {}", example.name) }
                            </button>
                        }) }
                    </div>
                </div>
            }
        }
        None => html! {
            <div class="empty-state">
                <h2>{ "No connection selected" }</h2>
                <p>{ "Pick a connection from the list to see when it fires and what it sends." }</p>
            </div>
        },
    }
}

fn view(editor: &EditorHandle, connection: &Rc<Connection>, complete: bool) -> Html {
    let on_rename = {
        let editor = editor.clone();
        let id = connection.id.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            editor.dispatch(Action::Rename {
                id: id.clone(),
                name: input.value(),
            });
        })
    };
    // lint's check of the id and name alone: cheap enough for every render.
    let subject = lint::Subject {
        connection,
        catalog: catalog_for(connection.source),
        samples: Vec::new(),
        all_samples: &[],
    };
    let name_problems: Vec<_> = lint::check_identity(&subject)
        .into_iter()
        .map(|f| f.error)
        .collect();
    html! {
        <article class="connection-view" aria-labelledby="connection-title">
            <header class="connection-header">
                <h2 id="connection-title" class="visually-hidden">{ connection.display_name() }</h2>
                <input type="text" class="title-input" aria-label="Connection name" value={connection.name.clone()}
                    oninput={on_rename} spellcheck="false" aria-describedby="name-problems" />
                { error_list("name-problems".into(), "Name problems".into(), &name_problems, &[], None, None) }
                <p class="connection-id">{ "id " }<code>{ &connection.id }</code>
                    if !connection.enabled { <span class="badge disabled">{ "disabled" }</span> }</p>
                <p class="description">{ &connection.description }</p>
            </header>
            <SectionOutline />
            <TriggerPanel connection={connection.clone()} />
            if complete {
                <RequestPanel connection={connection.clone()} />
                { payload_panel(&editor.dispatcher(), connection) }
                <super::test_panel::TestPanel connection={connection.clone()} />
            } else {
                { loading_section("request", "Request") }
                { loading_section("payload", "Payload") }
                { loading_section("test", "Preview and test send") }
            }
        </article>
    }
}

/// A section whose code is still on its way: its heading (the outline's
/// target) and a short loading state.
fn loading_section(name: &str, title: &str) -> Html {
    html! {
        <section class={classes!("panel", format!("{name}-panel"))} aria-labelledby={format!("{name}-title")} aria-busy="true">
            <h3 id={format!("{name}-title")}>{ title }</h3>
            <p class="muted" role="status">{ "Loading…" }</p>
        </section>
    }
}
