//! The test-send half of the Preview, rendered by the on-demand `tools` bundle
//! into a host element the page's `TestPanel` draws (`test_send_host`): what
//! the browser (or the relay) will do with the request, sending it with fetch
//! or through the local relay (timeout, cancel), optionally signed, the
//! response as text, and the last sends of this connection (secrets masked).
//! The page hands it the request's inputs as JSON (`SendInput`), and at the
//! moment of sending the newest ones (`current`), through `island::PageSide`.

use std::rc::Rc;

use hookwright_core::connection::{Connection, Header};
use hookwright_core::signing::{KeyReading, Scheme, SignWith};
use hookwright_core::template::RenderedRequest;
use serde::{Deserialize, Serialize};
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::island::IslandProps;
use super::preview::CopyCurl;
use super::send_options::{SendThrough, SignOptions};
use crate::outbound::{
    browser_plan, curl, pretty_body, remember, with_signature, Outcome, SendRecord, Through,
};
use crate::services::fetch::{self, Cancel};
use crate::services::{crypto, relay, send_history};

/// What the panel sends, as the page hands it over: the connection (its id
/// names the history, its secret marks mask it) and the request the page
/// rendered for its sample, `None` when it cannot be rendered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SendInput<C> {
    pub connection: C,
    pub request: Option<WireRequest>,
}

/// A `RenderedRequest` on the wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<Header>,
    pub body: Option<String>,
}

impl<'a> SendInput<&'a Connection> {
    pub fn new(connection: &'a Connection, request: Option<RenderedRequest>) -> Self {
        SendInput {
            connection,
            request: request.map(|r| WireRequest {
                method: r.method,
                url: r.url,
                headers: r.headers,
                body: r.body,
            }),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The inputs decoded in the bundle.
struct Decoded {
    connection: Rc<Connection>,
    request: Result<RenderedRequest, ()>,
}

fn decode(json: &str) -> Option<Decoded> {
    let input: SendInput<Connection> = serde_json::from_str(json).ok()?;
    Some(Decoded {
        connection: Rc::new(input.connection),
        request: input
            .request
            .map(|r| RenderedRequest {
                method: r.method,
                url: r.url,
                headers: r.headers,
                body: r.body,
                empty_variables: Vec::new(),
            })
            .ok_or(()),
    })
}

const DEFAULT_TIMEOUT_S: f64 = 30.0;
/// The longest a test send waits: what `hookwright relay` allows (its `max_timeout`).
const MAX_TIMEOUT_S: f64 = 300.0;

/// The typed timeout in seconds, when a send can use it.
fn timeout_of(text: &str) -> Option<f64> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|s| *s >= 0.1 && *s <= MAX_TIMEOUT_S)
}
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
pub fn TestSend(props: &IslandProps) -> Html {
    let decoded = use_memo(props.input.clone(), |json| decode(json));
    let page = props.page.clone();
    // As typed: a value no send can use is said at the field, never replaced unseen.
    let timeout_text = use_state(|| DEFAULT_TIMEOUT_S.to_string());
    let timeout_s = timeout_of(&timeout_text);
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
    // After every hook: the page's JSON is always readable, this is a guard.
    let Some(input) = decoded.as_ref() else {
        return html! { <p class="bad">{ "The test send could not read the request." }</p> };
    };
    let settled = &input.connection;
    let rendered = &input.request;
    let page_origin = gloo::utils::window()
        .location()
        .origin()
        .unwrap_or_default();
    let plan = rendered
        .as_ref()
        .ok()
        .map(|r| browser_plan(r, &page_origin));
    let records: Vec<SendRecord> = history.get(&settled.id).cloned().unwrap_or_default();
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
        let timeout_text = timeout_text.clone();
        Callback::from(move |e: InputEvent| {
            timeout_text.set(e.target_unchecked_into::<HtmlInputElement>().value());
        })
    };
    let on_send = {
        let sending = sending.clone();
        let current = current.clone();
        let history = history.clone();
        let shown = shown.clone();
        let settings = (*settings).clone();
        let token = (*token).clone();
        let sign_scheme = *sign_scheme;
        let sign_secret = (*sign_secret).clone();
        let stamp = stamp.clone();
        let timeout_ms = (timeout_s.unwrap_or(DEFAULT_TIMEOUT_S) * 1000.0) as u32;
        Callback::from(move |_: MouseEvent| {
            // The newest inputs (`current`): the page hands the panel its inputs once typing pauses.
            let newest = page.call("current", "").and_then(|json| decode(&json));
            let Some(Decoded {
                connection,
                request: Ok(mut request),
            }) = newest
            else {
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
            let (sending, current, history, shown, page, stamp) = (
                sending.clone(),
                current.clone(),
                history.clone(),
                shown.clone(),
                page.clone(),
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
                // The page draws a new trace id for the next send.
                page.call("sent", "");
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
                if plan.body_dropped {
                    <li class="warning">{ "Browsers send no body with GET: the test send goes without it. Copy as curl and the local relay send it as written." }</li>
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
        <>
            { for explain }
            <SignOptions scheme={*sign_scheme} secret={AttrValue::from((*sign_secret).clone())}
                preview={signing_preview.clone()} on_scheme={on_sign_scheme} on_secret={on_sign_secret} />
            <SendThrough settings={(*settings).clone()} token={AttrValue::from((*token).clone())}
                {on_settings} {on_token} />
            <div class="toolbar send-bar">
                <label class="field">
                    <span class="field-label">{ "Timeout (seconds)" }</span>
                    <input type="number" min="0.1" max={MAX_TIMEOUT_S.to_string()} step="0.1" class="timeout-input" aria-label="Timeout (seconds)"
                        value={(*timeout_text).clone()} oninput={on_timeout}
                        aria-invalid={timeout_s.is_none().then_some("true")} aria-describedby="timeout-problem" />
                </label>
                <button type="button" class="button primary" onclick={on_send}
                    disabled={is_sending || rendered.is_err() || timeout_s.is_none() || matches!(signing_preview, Some(Err(_)))}>{ if is_sending { "Sending…" } else { "Send test" } }</button>
                <button type="button" class="button" onclick={on_cancel} disabled={!is_sending}>{ "Cancel" }</button>
                if rendered.is_err() {
                    <span class="muted">{ "Fix the request's problems to send it." }</span>
                }
                if timeout_s.is_none() {
                    <span class="bad" id="timeout-problem" role="alert">
                        { format!("The timeout must be from 0.1 to {MAX_TIMEOUT_S} seconds.") }
                    </span>
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
        </>
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeout_is_used_only_when_a_send_can_wait_that_long() {
        assert_eq!(timeout_of("30"), Some(30.0));
        assert_eq!(timeout_of(" 0.5 "), Some(0.5));
        for bad in ["", "0", "-5", "300.5", "1e9", "NaN", "inf"] {
            assert_eq!(timeout_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_page_hands_over_the_connection_and_its_rendered_request_as_json() {
        let connection = hookwright_core::connection::examples().remove(0);
        let request = RenderedRequest {
            method: "POST".into(),
            url: "https://example.com/hook?x=1&y=2".into(),
            headers: vec![Header::new("Authorization", "Bearer s3cret")],
            body: Some("{\"amount\": 158.70}".into()),
            empty_variables: Vec::new(),
        };
        let json = SendInput::new(&connection, Some(request.clone())).to_json();
        let back = decode(&json).unwrap();
        assert_eq!(*back.connection, connection);
        assert_eq!(back.request, Ok(request));
        let none = decode(&SendInput::new(&connection, None).to_json()).unwrap();
        assert_eq!(none.request, Err(()));
    }
}
