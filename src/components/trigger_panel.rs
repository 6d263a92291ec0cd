//! The Trigger section: when the connection fires.

use hookwright_core::connection::{Connection, Trigger};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TriggerPanelProps {
    pub connection: Connection,
}

#[component]
pub fn TriggerPanel(props: &TriggerPanelProps) -> Html {
    html! {
        <section class="panel" aria-labelledby="trigger-title">
            <h3 id="trigger-title">{ "Trigger" }</h3>
            { trigger(&props.connection.trigger) }
        </section>
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
