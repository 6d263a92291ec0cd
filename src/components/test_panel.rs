//! Preview and test send: the rendered request, what the browser will do with
//! it, sending it with fetch or through the local relay (timeout, cancel),
//! optionally signed, the response as text, and the last sends of this
//! connection (secrets masked).

use std::rc::Rc;

use hookwright_core::connection::{Connection, Header};
use hookwright_core::signing::{KeyReading, Scheme, SignWith};
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::preview::{render_for_sample, CopyCurl, RequestPreview};
use super::preview_worker::use_rendered;
use super::send_options::{SendThrough, SignOptions};
use super::templating::use_custom_sample;
use super::templating::use_debounced;
use crate::outbound::{
    browser_plan, curl, pretty_body, remember, with_signature, Outcome, SendRecord, Through,
};
use crate::services::fetch::{self, Cancel};
use crate::services::{crypto, relay, send_history};

#[derive(Properties, PartialEq)]
pub struct TestPanelProps {
    pub connection: Rc<Connection>,
}

const DEFAULT_TIMEOUT_S: f64 = 30.0;
/// A signing stamp older than this is renewed when sending (Standard Webhooks allows 5 minutes).
const STAMP_MAX_AGE_S: i64 = 120;

fn unix_now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// The id and timestamp a signed send uses: shown in the preview, renewed after each send.
fn fresh_stamp() -> (String, i64) {
    use base64::Engine as _;
    let id = format!(
        "msg_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(crypto::random_bytes(16))
    );
    (id, unix_now())
}

#[component]
pub fn TestPanel(props: &TestPanelProps) -> Html {
    let connection = &props.connection;
    let trace = use_state(crypto::trace_id);
    let timeout_s = use_state(|| DEFAULT_TIMEOUT_S);
    let lenient = use_state(|| false);
    let sending = use_state(|| None::<Cancel>);
    // The send in flight, read when it ends: a send that was cancelled (or replaced) while it ran
    // must not clear the panel's state for a later one.
    let current = use_mut_ref(|| None::<Cancel>);
    let settings = use_state(relay::read_settings);
    let token = use_state(relay::read_token);
    let sign_scheme = use_state(|| None::<Scheme>);
    let sign_secret = use_state(String::new);
    let stamp = use_state(fresh_stamp);
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
    // A large body is rendered in the analysis worker (`preview_worker`); until it answers, nothing to send.
    let rendered = use_rendered(settled.clone(), custom.clone(), (*trace).clone(), *lenient)
        .map_or_else(|| Err(Vec::new()), |r| (*r).clone());
    let page_origin = gloo::utils::window()
        .location()
        .origin()
        .unwrap_or_default();
    let plan = rendered
        .as_ref()
        .ok()
        .map(|r| browser_plan(r, &page_origin));
    let records: Vec<SendRecord> = history.get(&connection.id).cloned().unwrap_or_default();
    let signing_preview: Option<Result<Vec<Header>, String>> = sign_scheme.map(|scheme| {
        if sign_secret.trim().is_empty() {
            return Err("Enter the signing secret to sign the test send.".to_string());
        }
        let body = rendered
            .as_ref()
            .ok()
            .and_then(|r| r.body.as_deref())
            .unwrap_or("");
        let with = SignWith {
            scheme,
            secret: &sign_secret,
            id: &stamp.0,
            timestamp: stamp.1,
            key_reading: KeyReading::Decoded,
        };
        hookwright_core::signing::sign(&with, body.as_bytes())
    });
    let on_settings = {
        let settings = settings.clone();
        Callback::from(move |next: relay::Settings| {
            relay::write_settings(&next);
            settings.set(next);
        })
    };
    let on_token = {
        let token = token.clone();
        Callback::from(move |next: String| {
            relay::write_token(&next);
            token.set(next);
        })
    };
    let on_sign_scheme = {
        let sign_scheme = sign_scheme.clone();
        Callback::from(move |next: Option<Scheme>| sign_scheme.set(next))
    };
    let on_sign_secret = {
        let sign_secret = sign_secret.clone();
        Callback::from(move |next: String| sign_secret.set(next))
    };

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
        let current = current.clone();
        let history = history.clone();
        let shown = shown.clone();
        let settings = (*settings).clone();
        let token = (*token).clone();
        let sign_scheme = *sign_scheme;
        let sign_secret = (*sign_secret).clone();
        let stamp = stamp.clone();
        let timeout_ms = (*timeout_s * 1000.0).clamp(1.0, 600_000.0) as u32;
        Callback::from(move |_: MouseEvent| {
            let Ok(mut request) = render_for_sample(&connection, &custom, &trace, lenient) else {
                return;
            };
            if let Some(scheme) = sign_scheme {
                // A stamp the preview showed long ago would be outside a receiver's tolerance.
                let mut used = (*stamp).clone();
                if unix_now() - used.1 > STAMP_MAX_AGE_S {
                    used = fresh_stamp();
                }
                let with = SignWith {
                    scheme,
                    secret: &sign_secret,
                    id: &used.0,
                    timestamp: used.1,
                    key_reading: KeyReading::Decoded,
                };
                match with_signature(&request, &with) {
                    Ok(signed) => request = signed,
                    // The signing preview already says why.
                    Err(_) => return,
                }
            }
            let cancel = Cancel::new();
            *current.borrow_mut() = Some(cancel.clone());
            sending.set(Some(cancel.clone()));
            let (id, sent) = (connection.id.clone(), connection.clone());
            let (sending, current, history, shown, trace, stamp) = (
                sending.clone(),
                current.clone(),
                history.clone(),
                shown.clone(),
                trace.clone(),
                stamp.clone(),
            );
            let (settings, token) = (settings.clone(), token.clone());
            spawn_local(async move {
                let at = js_sys::Date::now();
                let outcome = match settings.through {
                    Through::Browser => fetch::send(&request, timeout_ms, &cancel).await,
                    Through::Relay => {
                        relay::send(&settings.url, &token, &request, timeout_ms, &cancel).await
                    }
                };
                let record = SendRecord {
                    at,
                    method: request.method.clone(),
                    url: request.url.clone(),
                    request_headers: request.headers.clone(),
                    request_body: request.body.clone(),
                    outcome,
                    through: settings.through,
                };
                // Re-read: another tab (or connection) may have sent meanwhile.
                let mut all = send_history::read();
                remember(all.entry(id).or_default(), record, &sent);
                send_history::write(&all);
                history.set(all);
                shown.set(0);
                let still_current = current.borrow().as_ref() == Some(&cancel);
                if still_current {
                    *current.borrow_mut() = None;
                    sending.set(None);
                }
                trace.set(crypto::trace_id());
                stamp.set(fresh_stamp());
            });
        })
    };
    let on_cancel = {
        let sending = sending.clone();
        let current = current.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(cancel) = current.borrow_mut().take() {
                cancel.cancel();
            }
            // The panel is free again at once, whatever the send does next.
            sending.set(None);
        })
    };

    let through = settings.through;
    let explain = plan.map(|plan| {
        if through == Through::Relay {
            return html! {
                <ul class="browser-plan" aria-label="What the relay will do">
                    <li>{ format!("Sent by the local relay at {} with a real HTTP client: no CORS, no preflight; the response comes back here.", settings.url.trim()) }</li>
                    if !plan.dropped.is_empty() {
                        <li class="ok">{ format!("A browser would drop {}; through the relay {} sent as written.",
                            plan.dropped.join(", "), if plan.dropped.len() == 1 { "it is" } else { "they are" }) }</li>
                    }
                    <li>{ "The relay adds only what HTTP needs (Host, Content-Length, Accept)." }</li>
                </ul>
            };
        }
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
            <SignOptions scheme={*sign_scheme} secret={AttrValue::from((*sign_secret).clone())}
                preview={signing_preview.clone()} on_scheme={on_sign_scheme} on_secret={on_sign_secret} />
            <SendThrough settings={(*settings).clone()} token={AttrValue::from((*token).clone())}
                {on_settings} {on_token} />
            <div class="toolbar send-bar">
                <label class="field">
                    <span class="field-label">{ "Timeout (seconds)" }</span>
                    <input type="number" min="0.1" step="0.1" class="timeout-input" aria-label="Timeout (seconds)"
                        value={timeout_s.to_string()} oninput={on_timeout} />
                </label>
                <button type="button" class="button primary" onclick={on_send}
                    disabled={is_sending || rendered.is_err() || matches!(signing_preview, Some(Err(_)))}>{ if is_sending { "Sending…" } else { "Send test" } }</button>
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
        Outcome::Refused { .. } => "not sent (refused by the browser)".into(),
        Outcome::RelayError { status: 0, .. } => "relay not reached".into(),
        Outcome::RelayError { status, .. } => format!("relay refused ({status})"),
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
        Outcome::Refused { millis, message } => html! {
            <div class="response-view failed">
                <p><strong data-testid="response-status" class="bad">{ "Not sent" }</strong>{ format!(" after {millis} ms") }</p>
                <p>{ "The browser would not build this request, so nothing left the page:" }</p>
                <p class="muted small">{ message }</p>
            </div>
        },
        Outcome::RelayError {
            millis,
            status,
            message,
        } => html! {
            <div class="response-view failed">
                <p><strong data-testid="response-status" class="bad">{ if *status == 0 { "Relay not reached".to_string() } else { format!("Relay refused ({status})") } }</strong>
                    { format!(" after {millis} ms") }</p>
                <p data-testid="relay-message">{ message }</p>
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
