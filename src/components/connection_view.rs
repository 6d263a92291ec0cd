//! The selected connection: its trigger and the request it sends.

use hookwright_core::connection::{Auth, Connection, Payload, Trigger};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::use_editor;
use crate::state::{Action, EditorHandle};

#[component]
pub fn ConnectionView() -> Html {
    let editor = use_editor();
    match editor.selected_connection() {
        Some(connection) => view(&editor, connection),
        None => html! {
            <div class="empty-state">
                <h2>{ "No connection selected" }</h2>
                <p>{ "Pick a connection from the list to see when it fires and what it sends." }</p>
            </div>
        },
    }
}

fn view(editor: &EditorHandle, connection: &Connection) -> Html {
    let request = &connection.request;
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
    html! {
        <article class="connection-view" aria-labelledby="connection-title">
            <header class="connection-header">
                <h2 id="connection-title" class="visually-hidden">{ &connection.name }</h2>
                <input class="title-input" aria-label="Connection name" value={connection.name.clone()}
                    oninput={on_rename} spellcheck="false" />
                <p class="connection-id">{ "id " }<code>{ &connection.id }</code>
                    if !connection.enabled { <span class="badge disabled">{ "disabled" }</span> }</p>
                <p class="description">{ &connection.description }</p>
            </header>
            <section class="panel" aria-labelledby="trigger-title">
                <h3 id="trigger-title">{ "Trigger" }</h3>
                { trigger(&connection.trigger) }
            </section>
            <section class="panel" aria-labelledby="request-title">
                <h3 id="request-title">{ "Request" }</h3>
                <p class="request-line">
                    <span class={classes!("method", format!("method-{}", request.method.as_str().to_lowercase()))}>
                        { request.method.as_str() }
                    </span>
                    <code class="url">{ &request.url }</code>
                </p>
                if !request.headers.is_empty() {
                    <table class="headers">
                        <thead><tr><th scope="col">{ "Header" }</th><th scope="col">{ "Value" }</th></tr></thead>
                        <tbody>
                            { for request.headers.iter().map(|h| html! {
                                <tr><td><code>{ &h.name }</code></td><td><code>{ &h.value }</code></td></tr>
                            }) }
                        </tbody>
                    </table>
                }
                <p class="auth">{ "Auth: " }{ auth(&request.auth) }</p>
            </section>
            <section class="panel" aria-labelledby="payload-title">
                <h3 id="payload-title">{ "Payload" }</h3>
                { payload(&request.payload) }
            </section>
        </article>
    }
}

fn trigger(trigger: &Trigger) -> Html {
    match trigger {
        Trigger::Rule { rule } => html! {
            <>
                <p>{ "Fires when this rule is true for a loan:" }</p>
                <pre class="code"><code>{ rule }</code></pre>
            </>
        },
        Trigger::Event { event, rule } => html! {
            <>
                <p>{ "Fires on the event " }<code>{ event }</code></p>
                if !rule.is_empty() {
                    <p>{ "when this filter is true:" }</p>
                    <pre class="code"><code>{ rule }</code></pre>
                }
            </>
        },
    }
}

fn auth(auth: &Auth) -> Html {
    match auth {
        Auth::None => html! { "none" },
        Auth::Bearer { redacted, .. } => html! {
            <>{ "bearer token " }{ secret_state(*redacted) }</>
        },
        Auth::Basic {
            username, redacted, ..
        } => html! {
            <>{ format!("basic, user {username}, password ") }{ secret_state(*redacted) }</>
        },
    }
}

fn secret_state(redacted: bool) -> Html {
    if redacted {
        html! { <span class="badge warning">{ "must be filled in" }</span> }
    } else {
        html! { <span class="masked">{ "••••••••" }</span> }
    }
}

fn payload(payload: &Payload) -> Html {
    match payload {
        Payload::Variables {
            variables,
            event_name,
        } => html! {
            <>
                <p>
                    { "LoanPro envelope" }
                    if let Some(name) = event_name {
                        { " for event " }<q>{ name }</q>
                    }
                    { format!(" with {} variables:", variables.len()) }
                </p>
                <ol class="variable-list">
                    { for variables.iter().map(|v| html! { <li><code>{ v }</code></li> }) }
                </ol>
            </>
        },
        Payload::Custom { content_type, body } => html! {
            <>
                <p>{ "Custom body, " }<code>{ content_type }</code></p>
                <pre class="code"><code>{ body }</code></pre>
            </>
        },
    }
}
