//! The page's end of the test-send panel (`test_send`), an island the
//! on-demand `tools` bundle draws (`island`): the page renders the request
//! and hands it over with the connection (`SendInput` as JSON) when the inputs
//! settle; at the moment of sending the island asks for the newest
//! (`current`), and it says when a send ended (`sent`).

use std::rc::Rc;

use hookwright_core::connection::Connection;
use yew::prelude::*;

use super::island::IslandHost;
use super::preview::render_for_sample;
use super::preview_worker::RenderResult;
use super::templating::CustomSample;
use super::test_send::SendInput;

#[derive(Properties, PartialEq)]
pub struct TestSendHostProps {
    /// The connection as it is now (what a send sends).
    pub connection: Rc<Connection>,
    /// The connection once typing paused (what the panel shows).
    pub settled: Rc<Connection>,
    /// `settled`'s request, as the Preview shows it (`preview_worker::use_rendered`).
    pub rendered: Option<Rc<RenderResult>>,
    pub custom: CustomSample,
    pub trace: AttrValue,
    pub lenient: bool,
    pub on_sent: Callback<()>,
}

/// The island's input: the connection and the request rendered for its sample.
fn input(connection: &Connection, rendered: Option<&RenderResult>) -> String {
    let request = rendered.and_then(|r| r.as_ref().ok()).cloned();
    SendInput::new(connection, request).to_json()
}

#[component]
pub fn TestSendHost(props: &TestSendHostProps) -> Html {
    let shown = use_memo(
        (props.settled.clone(), props.rendered.clone()),
        |(settled, rendered)| AttrValue::from(input(settled, rendered.as_deref())),
    );
    // The newest inputs, made JSON only when the island asks.
    let live = (
        props.connection.clone(),
        props.custom.clone(),
        props.trace.clone(),
        props.lenient,
    );
    let on_sent = props.on_sent.clone();
    let on_call = Callback::from(move |(kind, _): (String, String)| match kind.as_str() {
        "current" => {
            let (connection, custom, trace, lenient) = &live;
            let request = render_for_sample(connection, custom, trace, *lenient);
            input(connection, Some(&request))
        }
        "sent" => {
            on_sent.emit(());
            String::new()
        }
        _ => String::new(),
    });
    html! {
        <IslandHost mount="mount_test_send" input={(*shown).clone()} {on_call}
            what="the test send" testid="test-send" />
    }
}
