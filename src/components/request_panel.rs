//! The Request section: method, URL, headers and auth.

use hookwright_core::connection::{Auth, Connection};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RequestPanelProps {
    pub connection: Connection,
}

#[component]
pub fn RequestPanel(props: &RequestPanelProps) -> Html {
    let request = &props.connection.request;
    html! {
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
