//! Preview and test send: the rendered request for the sample (with "Copy as
//! curl" and "Copy as SQL"), drawn by the page, and below it the test-send
//! half (what the browser will do, sending, signing, the response and the
//! last sends), which the on-demand `tools` bundle draws (`test_send_host`).

use std::rc::Rc;

use hookwright_core::connection::Connection;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::preview::RequestPreview;
use super::preview_worker::use_rendered;
use super::templating::{use_custom_sample, use_debounced};
use super::test_send_host::TestSendHost;
use crate::services::crypto;

#[derive(Properties, PartialEq)]
pub struct TestPanelProps {
    pub connection: Rc<Connection>,
}

#[component]
pub fn TestPanel(props: &TestPanelProps) -> Html {
    let connection = &props.connection;
    let trace = use_state(crypto::trace_id);
    let lenient = use_state(|| false);
    let settled = use_debounced(connection.clone(), 150);
    // Typing waits for a pause; opening another connection does not.
    let settled = if settled.id == connection.id {
        settled
    } else {
        connection.clone()
    };
    let custom = use_custom_sample();
    // Once for the Preview and the test send: a large body in the analysis worker.
    let rendered = use_rendered(settled.clone(), custom.clone(), (*trace).clone(), *lenient);
    let on_lenient = {
        let lenient = lenient.clone();
        Callback::from(move |e: Event| {
            lenient.set(e.target_unchecked_into::<HtmlInputElement>().checked())
        })
    };
    // A send ended: the next one gets a trace id of its own.
    let on_sent = {
        let trace = trace.clone();
        Callback::from(move |()| trace.set(crypto::trace_id()))
    };
    let trace = AttrValue::from((*trace).clone());
    html! {
        <section class="panel test-panel" aria-labelledby="test-title">
            <h3 id="test-title">{ "Preview and test send" }</h3>
            <label class="check">
                <input type="checkbox" checked={*lenient} onchange={on_lenient} />
                { " Render missing variables as empty, as LoanPro does" }
            </label>
            <RequestPreview connection={settled.clone()} rendered={rendered.clone()} />
            <TestSendHost connection={connection.clone()} {settled} {rendered} {custom} {trace} lenient={*lenient} {on_sent} />
        </section>
    }
}
