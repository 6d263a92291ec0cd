//! Preview and test send: the rendered request, what the browser will do with
//! it, sending it with fetch (timeout, cancel), the response as text, and the
//! last sends of this connection (secrets masked).

use hookwright_core::connection::Connection;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::preview::{render_for_sample, CopyCurl, RequestPreview};
use super::templating::use_custom_sample;
use super::templating::use_debounced;
use crate::outbound::{browser_plan, curl, pretty_body, remember, Outcome, SendRecord};
use crate::services::fetch::{self, Cancel};
use crate::services::{crypto, send_history};

#[derive(Properties, PartialEq)]
pub struct TestPanelProps {
    pub connection: Connection,
}

const DEFAULT_TIMEOUT_S: f64 = 30.0;

#[component]
pub fn TestPanel(props: &TestPanelProps) -> Html {
    let connection = &props.connection;
    let trace = use_state(crypto::trace_id);
    let timeout_s = use_state(|| DEFAULT_TIMEOUT_S);
    let lenient = use_state(|| false);
    let sending = use_state(|| None::<Cancel>);
    let history = use_state(send_history::read);
    // Which send the response panel shows: an index into this connection's history.
    let shown = use_state(|| 0usize);
    let settled = use_debounced(connection.clone(), 150);
    // Typing waits for a pause; opening another connection does not.
    let settled = if settled.id == connection.id {
        settled
    } else {
        connection.clone()
    };

    let custom = use_custom_sample();
    let rendered = render_for_sample(&settled, &custom, &trace, *lenient);
    let page_origin = gloo::utils::window()
        .location()
        .origin()
        .unwrap_or_default();
    let plan = rendered
        .as_ref()
        .ok()
        .map(|r| browser_plan(r, &page_origin));
    let records: Vec<SendRecord> = history.get(&connection.id).cloned().unwrap_or_default();

    let on_timeout = {
        let timeout_s = timeout_s.clone();
        Callback::from(move |e: InputEvent| {
            let value = e
                .target_unchecked_into::<HtmlInputElement>()
                .value_as_number();
            if value.is_finite() && value > 0.0 {
                timeout_s.set(value);
            }
        })
    };
    let on_lenient = {
        let lenient = lenient.clone();
        Callback::from(move |e: Event| {
            lenient.set(e.target_unchecked_into::<HtmlInputElement>().checked())
        })
    };
    let on_send = {
        let connection = connection.clone();
        let custom = custom.clone();
        let lenient = *lenient;
        let trace = trace.clone();
        let sending = sending.clone();
        let history = history.clone();
        let shown = shown.clone();
        let timeout_ms = (*timeout_s * 1000.0).clamp(1.0, 600_000.0) as u32;
        Callback::from(move |_: MouseEvent| {
            let Ok(request) = render_for_sample(&connection, &custom, &trace, lenient) else {
                return;
            };
            let cancel = Cancel::new();
            sending.set(Some(cancel.clone()));
            let (id, sent) = (connection.id.clone(), connection.clone());
            let (sending, history, shown, trace) = (
                sending.clone(),
                history.clone(),
                shown.clone(),
                trace.clone(),
            );
            spawn_local(async move {
                let at = js_sys::Date::now();
                let outcome = fetch::send(&request, timeout_ms, &cancel).await;
                let record = SendRecord {
                    at,
                    method: request.method.clone(),
                    url: request.url.clone(),
                    request_headers: request.headers.clone(),
                    request_body: request.body.clone(),
                    outcome,
                };
                // Re-read: another tab (or connection) may have sent meanwhile.
                let mut all = send_history::read();
                remember(all.entry(id).or_default(), record, &sent);
                send_history::write(&all);
                history.set(all);
                shown.set(0);
                sending.set(None);
                trace.set(crypto::trace_id());
            });
        })
    };
    let on_cancel = {
        let sending = sending.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(cancel) = &*sending {
                cancel.cancel();
            }
        })
    };

    let explain = plan.map(|plan| {
        html! {
            <ul class="browser-plan" aria-label="What the browser will do">
                if plan.cross_origin {
                    if plan.needs_preflight() {
                        <li>{ "The browser first sends a CORS preflight (OPTIONS), because " }
                            { plan.preflight_reasons.join("; ") }
                            { ". The server must answer it with Access-Control-Allow-Origin, -Methods and -Headers, or the request is never sent." }</li>
                    } else {
                        <li>{ "A simple cross-origin request: no preflight, but the page can only read the response if the server sends Access-Control-Allow-Origin." }</li>
                    }
                } else {
                    <li>{ "Same origin as this page: no CORS rules apply." }</li>
                }
                if !plan.dropped.is_empty() {
                    <li class="warning">{ format!("Browsers do not let a page set {}; the test send goes without {}. LoanPro would send {}.",
                        plan.dropped.join(", "), if plan.dropped.len() == 1 { "it" } else { "them" },
                        if plan.dropped.len() == 1 { "it" } else { "them" }) }</li>
                }
                if plan.credentials_in_url {
                    <li class="warning">{ "The URL carries a user name or password (user:pass@): browsers refuse to send such a request from a page. Use Copy as curl, or move the credential to the Auth section." }</li>
                }
                if plan.mixed_content {
                    <li class="warning">{ "This page is https and the URL is http: the browser blocks it (mixed content). Use Copy as curl." }</li>
                }
                <li>{ "The browser adds headers of its own (Origin, User-Agent, Accept…)." }</li>
            </ul>
        }
    });

    let is_sending = sending.is_some();
    let current = records.get((*shown).min(records.len().saturating_sub(1)));
    html! {
        <section class="panel test-panel" aria-labelledby="test-title">
            <h3 id="test-title">{ "Preview and test send" }</h3>
            <label class="check">
                <input type="checkbox" checked={*lenient} onchange={on_lenient} />
                { " Render missing variables as empty, as LoanPro does" }
            </label>
            <RequestPreview connection={(settled).clone()} trace={AttrValue::from((*trace).clone())} lenient={*lenient} />
            { for explain }
            <div class="toolbar send-bar">
                <label class="field">
                    <span class="field-label">{ "Timeout (seconds)" }</span>
                    <input type="number" min="0.1" step="0.1" class="timeout-input" aria-label="Timeout (seconds)"
                        value={timeout_s.to_string()} oninput={on_timeout} />
                </label>
                <button type="button" class="button primary" onclick={on_send}
                    disabled={is_sending || rendered.is_err()}>{ if is_sending { "Sending…" } else { "Send test" } }</button>
                <button type="button" class="button" onclick={on_cancel} disabled={!is_sending}>{ "Cancel" }</button>
                if rendered.is_err() {
                    <span class="muted">{ "Fix the request's problems to send it." }</span>
                }
            </div>
            <div class="response" aria-live="polite">
                { match current {
                    None => html! { <p class="empty">{ "No test sends yet. The response will show here, as plain text." }</p> },
                    Some(record) => response_view(record, rendered.as_ref().ok().map(curl)),
                } }
            </div>
            if !records.is_empty() {
                <details class="send-history">
                    <summary>{ format!("Last sends ({} kept, secrets masked)", records.len()) }</summary>
                    <ol>
                        { for records.iter().enumerate().map(|(i, r)| {
                            let shown = shown.clone();
                            html! {
                                <li>
                                    <button type="button" class="button small" aria-pressed={(i == *shown).to_string()}
                                        onclick={Callback::from(move |_: MouseEvent| shown.set(i))}>
                                        { format!("{} {} — {}", r.method, r.url, summary(&r.outcome)) }
                                    </button>
                                    <span class="muted small">{ format!(" {}", when(r.at)) }</span>
                                </li>
                            }
                        }) }
                    </ol>
                </details>
            }
        </section>
    }
}

fn summary(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Response { status, millis, .. } => format!("{status} in {millis} ms"),
        Outcome::Failed { .. } => "failed (no response)".into(),
        Outcome::TimedOut { millis } => format!("timed out after {millis} ms"),
        Outcome::Cancelled { .. } => "cancelled".into(),
    }
}

fn when(at: f64) -> String {
    String::from(js_sys::Date::new(&at.into()).to_locale_time_string("en-GB"))
}

fn response_view(record: &SendRecord, curl_command: Option<String>) -> Html {
    match &record.outcome {
        Outcome::Response {
            status,
            status_text,
            millis,
            headers,
            body,
        } => {
            let class = if (200..300).contains(status) {
                "ok"
            } else {
                "bad"
            };
            html! {
                <div class="response-view">
                    <p class="response-line">
                        <strong class={classes!("status", class)} data-testid="response-status">{ status }</strong>
                        { format!(" {status_text} · {millis} ms") }
                    </p>
                    <details>
                        <summary>{ format!("Response headers ({})", headers.len()) }</summary>
                        <table class="preview-headers"><tbody>
                            { for headers.iter().map(|h| html! {
                                <tr><th scope="row"><code>{ &h.name }</code></th><td><code>{ &h.value }</code></td></tr>
                            }) }
                        </tbody></table>
                    </details>
                    if body.is_empty() {
                        <p class="muted">{ "Empty body." }</p>
                    } else {
                        // Always text: Yew writes it as a text node, never as markup.
                        <pre class="code response-body" data-testid="response-body">{ pretty_body(body) }</pre>
                    }
                </div>
            }
        }
        Outcome::Failed { millis, message } => html! {
            <div class="response-view failed">
                <p><strong data-testid="response-status" class="bad">{ "No response" }</strong>{ format!(" after {millis} ms") }</p>
                <p>{ "The browser could not complete the request. Most likely the server does not allow this page (CORS), or the host is unreachable (wrong address, not running, blocked). The browser does not say which. Try the same request from a terminal:" }</p>
                { for curl_command.map(|command| html! { <CopyCurl {command} /> }) }
                <p class="muted small">{ format!("Browser message: {message}") }</p>
            </div>
        },
        Outcome::TimedOut { millis } => html! {
            <div class="response-view failed">
                <p><strong data-testid="response-status" class="bad">{ "Timed out" }</strong>
                    { format!(" — no answer within {millis} ms; the request was cancelled.") }</p>
            </div>
        },
        Outcome::Cancelled { millis } => html! {
            <div class="response-view">
                <p><strong data-testid="response-status">{ "Cancelled" }</strong>{ format!(" after {millis} ms.") }</p>
            </div>
        },
    }
}
