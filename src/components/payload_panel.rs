//! The Payload section: a LoanPro variable list or a custom body.

use hookwright_core::connection::{Connection, Payload};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PayloadPanelProps {
    pub connection: Connection,
}

#[component]
pub fn PayloadPanel(props: &PayloadPanelProps) -> Html {
    html! {
        <section class="panel" aria-labelledby="payload-title">
            <h3 id="payload-title">{ "Payload" }</h3>
            { payload(&props.connection.request.payload) }
        </section>
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
