//! The Inbox view: webhooks a `hookwright listen` on this machine receives, live, over
//! Server-Sent Events. Each delivery opens to its headers, body and signature verdict, and can be
//! sent to Reconcile or used as the sample context the connection previews render against.

use std::rc::Rc;

use gloo::events::EventListener;
use hookwright_core::context::Context;
use hookwright_core::delivery::{BodyEncoding, Delivery};
use hookwright_core::value::Value;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::outbound::pretty_body;

pub const URL_KEY: &str = "hookwright.inbox";
pub const DEFAULT_URL: &str = "http://127.0.0.1:7421";
/// The listener's stream, under the URL it prints (see `hookwright_net::listen::EVENTS_PATH`).
pub const EVENTS_PATH: &str = "/_hookwright/events";
/// Deliveries kept on screen; the listener's file keeps them all.
const KEEP: usize = 1000;

/// The stream URL for what the user typed. The listener streams at its root only; any path is
/// dropped: the URL deliveries are sent to (`…:7421/webhooks`, as the hint above shows it) is
/// what people paste, and the stream asked for under it was recorded as a delivery (a GET of
/// `/webhooks/_hookwright/events`, one more each Connect) while the Inbox said it could not connect.
pub fn events_url(listener: &str) -> String {
    let typed = listener.trim();
    let (scheme, rest) = typed.split_once("://").unwrap_or(("http", typed));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    format!("{scheme}://{authority}{EVENTS_PATH}")
}

/// Text handed to the Reconcile view; `id` makes the same text twice a new handoff.
#[derive(Debug, Clone, PartialEq)]
pub struct Handoff {
    pub id: u64,
    pub text: Rc<str>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    Idle,
    Connecting,
    Connected,
    /// The browser retries a stream that was open.
    Retrying,
    /// The browser retries a stream that never opened: no listener answers yet.
    Unreachable,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Inbox {
    pub deliveries: Vec<Rc<Delivery>>,
    pub status: Option<Status>,
}

pub enum InboxAction {
    Add(Delivery),
    Status(Status),
    Clear,
}

impl Reducible for Inbox {
    type Action = InboxAction;
    fn reduce(self: Rc<Self>, action: InboxAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            InboxAction::Add(d) => {
                let known = next
                    .deliveries
                    .iter()
                    .any(|k| k.seq == d.seq && k.received_at == d.received_at);
                if known {
                    return self;
                }
                next.deliveries.push(Rc::new(d));
                if next.deliveries.len() > KEEP {
                    next.deliveries.remove(0);
                }
            }
            InboxAction::Status(status) => {
                let never_opened =
                    matches!(next.status, Some(Status::Connecting | Status::Unreachable));
                let status = match status {
                    Status::Retrying if never_opened => Status::Unreachable,
                    other => other,
                };
                if next.status.as_ref() == Some(&status) {
                    return self;
                }
                next.status = Some(status);
            }
            InboxAction::Clear => next.deliveries.clear(),
        }
        Rc::new(next)
    }
}

fn read_url() -> String {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(URL_KEY).ok().flatten())
        .unwrap_or_else(|| DEFAULT_URL.to_string())
}

/// Whether the Inbox was connected when the view was left (this tab only): coming back connects again.
const CONNECTED_KEY: &str = "hookwright.inbox-connected";

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn was_connected() -> bool {
    session()
        .and_then(|s| s.get_item(CONNECTED_KEY).ok().flatten())
        .is_some()
}

fn set_connected(connected: bool) {
    if let Some(s) = session() {
        let _ = if connected {
            s.set_item(CONNECTED_KEY, "1")
        } else {
            s.remove_item(CONNECTED_KEY)
        };
    }
}

fn write_url(url: &str) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(URL_KEY, url);
    }
}

/// An open stream and its listeners; dropping it closes the stream.
struct Stream {
    source: web_sys::EventSource,
    _listeners: Vec<EventListener>,
}

impl Drop for Stream {
    fn drop(&mut self) {
        self.source.close();
    }
}

fn connect(url: &str, inbox: UseReducerDispatcher<Inbox>) -> Result<Stream, String> {
    let source = web_sys::EventSource::new(&events_url(url))
        .map_err(|e| crate::services::fetch::js_message(&e))?;
    inbox.dispatch(InboxAction::Status(Status::Connecting));
    let on_delivery = {
        let inbox = inbox.clone();
        EventListener::new(&source, "delivery", move |event| {
            let Some(data) = event
                .dyn_ref::<web_sys::MessageEvent>()
                .and_then(|m| m.data().as_string())
            else {
                return;
            };
            if let Ok(delivery) = serde_json::from_str::<Delivery>(&data) {
                inbox.dispatch(InboxAction::Add(delivery));
            }
        })
    };
    let on_open = {
        let inbox = inbox.clone();
        EventListener::new(&source, "open", move |_| {
            inbox.dispatch(InboxAction::Status(Status::Connected))
        })
    };
    let on_error = {
        let source = source.clone();
        EventListener::new(&source.clone(), "error", move |_| {
            // CLOSED: the browser gave up (refused, not an event stream); else it retries.
            let status = if source.ready_state() == web_sys::EventSource::CLOSED {
                Status::Failed
            } else {
                Status::Retrying
            };
            inbox.dispatch(InboxAction::Status(status));
        })
    };
    Ok(Stream {
        source,
        _listeners: vec![on_delivery, on_open, on_error],
    })
}

#[derive(Properties, PartialEq)]
pub struct InboxViewProps {
    /// Hand deliveries (NDJSON of the listener's lines) to the Reconcile view.
    pub on_reconcile: Callback<(String, String)>,
    /// A delivery's body to become the custom sample context (the app then shows the connections).
    pub on_sample: Callback<String>,
}

#[component]
pub fn InboxView(props: &InboxViewProps) -> Html {
    let inbox = use_reducer(Inbox::default);
    let url = use_state(read_url);
    let stream = use_mut_ref(|| None::<Stream>);
    let open = use_state(|| None::<(u64, String)>);
    let error = use_state(|| None::<String>);
    let on_sample = props.on_sample.clone();

    // Leaving the view closes the stream; coming back connects again (the listener resends
    // what it kept, so the list fills up as it was).
    {
        let stream = stream.clone();
        let inbox = inbox.dispatcher();
        let url = (*url).clone();
        let error = error.clone();
        use_effect_with((), move |_| {
            if was_connected() {
                match connect(&url, inbox) {
                    Ok(s) => *stream.borrow_mut() = Some(s),
                    Err(message) => error.set(Some(message)),
                }
            }
            move || {
                stream.borrow_mut().take();
            }
        });
    }

    let connected = stream.borrow().is_some();
    let on_url = {
        let url = url.clone();
        Callback::from(move |e: InputEvent| {
            url.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_connect = {
        let stream = stream.clone();
        let inbox = inbox.clone();
        let url = url.clone();
        let error = error.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if stream.borrow_mut().take().is_some() {
                set_connected(false);
                inbox.dispatch(InboxAction::Status(Status::Idle));
                return;
            }
            write_url(&url);
            // The listener sends what it kept first: start from an empty list.
            inbox.dispatch(InboxAction::Clear);
            match connect(&url, inbox.dispatcher()) {
                Ok(s) => {
                    *stream.borrow_mut() = Some(s);
                    set_connected(true);
                    error.set(None);
                }
                Err(message) => {
                    error.set(Some(format!("Cannot connect to {}: {message}", *url)));
                    inbox.dispatch(InboxAction::Status(Status::Failed));
                }
            }
        })
    };
    let on_clear = {
        let inbox = inbox.clone();
        Callback::from(move |_: MouseEvent| inbox.dispatch(InboxAction::Clear))
    };
    let on_reconcile_all = {
        let inbox = inbox.clone();
        let on_reconcile = props.on_reconcile.clone();
        Callback::from(move |_: MouseEvent| {
            let text: String = inbox
                .deliveries
                .iter()
                .filter_map(|d| serde_json::to_string(d.as_ref()).ok())
                .map(|line| line + "\n")
                .collect();
            on_reconcile.emit((text, format!("{} inbox deliveries", inbox.deliveries.len())));
        })
    };

    let status_text = match (&inbox.status, connected) {
        (_, false) if inbox.status != Some(Status::Failed) => "Not connected.".to_string(),
        (Some(Status::Connected), _) => format!(
            "Connected to {}: deliveries appear here as they arrive.",
            url.trim()
        ),
        (Some(Status::Retrying), _) => {
            "Connection lost; retrying (is `hookwright listen` still running?)…".to_string()
        }
        (Some(Status::Unreachable), _) => format!(
            "No listener answers at {} yet; retrying… Start `hookwright listen` and check the URL it prints.",
            url.trim()
        ),
        (Some(Status::Failed), _) => format!(
            "Could not connect to {}. Start `hookwright listen` and check the URL it prints.",
            url.trim()
        ),
        _ => "Connecting…".to_string(),
    };
    let status_class = match inbox.status {
        Some(Status::Connected) if connected => "ok",
        Some(Status::Failed | Status::Retrying | Status::Unreachable) => "bad",
        _ => "muted",
    };

    html! {
        <div class="youlend-view inbox-view">
            <header class="view-header">
                <h2>{ "Inbox" }</h2>
                <p class="hint">
                    { "Webhooks arriving at a listener on this machine, live. Run " }
                    <code>{ "hookwright listen --secret-file secret.txt --out deliveries.ndjson" }</code>
                    { " (or " }<code>{ "hookwright simulate youlend --to http://127.0.0.1:7421/webhooks" }</code>
                    { " to see YouLend's webhooks arrive), then connect. Nothing is uploaded; the listener's file keeps every delivery." }
                </p>
            </header>
            <section class="panel" aria-labelledby="inbox-connect-title">
                <h3 id="inbox-connect-title" class="visually-hidden">{ "Listener" }</h3>
                <form class="toolbar inbox-connect" onsubmit={on_connect}>
                    <label class="field grow">
                        <span class="field-label">{ "Listener URL" }</span>
                        <input type="text" aria-label="Listener URL" spellcheck="false" value={(*url).clone()}
                            oninput={on_url} disabled={connected} />
                    </label>
                    <button type="submit" class={classes!("button", (!connected).then_some("primary"))}>
                        { if connected { "Disconnect" } else { "Connect" } }</button>
                </form>
                <p class={classes!("inbox-status", status_class)} role="status" data-testid="inbox-status">{ status_text }</p>
                if let Some(message) = &*error {
                    <p class="field-error" role="alert">{ message }</p>
                }
            </section>
            <section class="panel" aria-labelledby="inbox-list-title">
                <div class="toolbar">
                    <h3 id="inbox-list-title">{ format!("Deliveries ({})", inbox.deliveries.len()) }</h3>
                    <span class="spacer"></span>
                    <button type="button" class="button" onclick={on_reconcile_all}
                        disabled={inbox.deliveries.is_empty()}>{ "Send all to Reconcile" }</button>
                    <button type="button" class="button" onclick={on_clear}
                        disabled={inbox.deliveries.is_empty()}>{ "Clear" }</button>
                </div>
                if inbox.deliveries.is_empty() {
                    <p class="empty">{ "No deliveries yet." }</p>
                } else {
                    <div class="table-scroll"><table class="data inbox-table" data-testid="inbox-table">
                        <thead><tr>
                            <th scope="col">{ "#" }</th>
                            <th scope="col">{ "Received (UTC)" }</th>
                            <th scope="col">{ "Request" }</th>
                            <th scope="col">{ "Event" }</th>
                            <th scope="col">{ "Size" }</th>
                            <th scope="col">{ "Signature" }</th>
                        </tr></thead>
                        <tbody>
                            { for inbox.deliveries.iter().rev().map(|d| row(d, &open, &props.on_reconcile, &on_sample)) }
                        </tbody>
                    </table></div>
                }
            </section>
        </div>
    }
}

/// What a body says it is: YouLend's `EventCode` or a Standard Webhooks payload's `type`.
fn event_of(d: &Delivery) -> Option<String> {
    if d.body_encoding != BodyEncoding::Text {
        return None;
    }
    let value: serde_json::Value = serde_json::from_str(&d.body).ok()?;
    ["EventCode", "type"]
        .iter()
        .find_map(|k| value.get(k)?.as_str().map(str::to_string))
}

fn verdict_badge(d: &Delivery) -> Html {
    let (class, text) = match d.verified {
        Some(true) => ("ok", "verified"),
        Some(false) => ("bad", "not verified"),
        None => ("muted", "not checked"),
    };
    let scheme = d.scheme.map(|s| format!(" ({s})")).unwrap_or_default();
    html! { <span class={classes!("badge", class)} title={d.verdict.clone()}>{ format!("{text}{scheme}") }</span> }
}

fn row(
    d: &Rc<Delivery>,
    open: &UseStateHandle<Option<(u64, String)>>,
    on_reconcile: &Callback<(String, String)>,
    on_sample: &Callback<String>,
) -> Html {
    let key = (d.seq, d.received_at.clone());
    let is_open = open.as_ref() == Some(&key);
    let toggle = {
        let open = open.clone();
        let key = key.clone();
        Callback::from(move |_: MouseEvent| {
            open.set(if is_open { None } else { Some(key.clone()) })
        })
    };
    let size = d.body_bytes().map_or(0, |b| b.len());
    let clock = d
        .received_at
        .get(11..19)
        .unwrap_or(&d.received_at)
        .to_string();
    html! {
        <>
            <tr class={classes!(is_open.then_some("open"))} data-testid="inbox-row">
                <td>{ d.seq }</td>
                <td><time datetime={d.received_at.clone()}>{ clock }</time></td>
                <td>
                    <button type="button" class="link-button plain" aria-expanded={is_open.to_string()} onclick={toggle}>
                        <span class="method">{ &d.method }</span>{ " " }<code>{ &d.path }</code>
                    </button>
                </td>
                <td>{ event_of(d).map(|e| html! { <code class="event-code">{ e }</code> }).unwrap_or_default() }</td>
                <td>{ format!("{size} B") }</td>
                <td>{ verdict_badge(d) }</td>
            </tr>
            if is_open {
                <tr class="inbox-detail"><td colspan="6">{ detail(d, on_reconcile, on_sample) }</td></tr>
            }
        </>
    }
}

fn detail(
    d: &Delivery,
    on_reconcile: &Callback<(String, String)>,
    on_sample: &Callback<String>,
) -> Html {
    let body_text = match d.body_encoding {
        BodyEncoding::Text => pretty_body(&d.body),
        BodyEncoding::Base64 => format!("(not UTF-8 text; base64)\n{}", d.body),
    };
    let reconcile = {
        let on_reconcile = on_reconcile.clone();
        let line = serde_json::to_string(d).unwrap_or_default();
        let source = format!("inbox delivery #{}", d.seq);
        Callback::from(move |_: MouseEvent| {
            on_reconcile.emit((format!("{line}\n"), source.clone()))
        })
    };
    let sample = {
        let on_sample = on_sample.clone();
        let body = d.body.clone();
        Callback::from(move |_: MouseEvent| on_sample.emit(body.clone()))
    };
    // Read as the custom context will read it (the engine's parse, exact numbers).
    let usable_as_sample = d.body_encoding == BodyEncoding::Text
        && Context::from_json(&d.body).is_ok_and(|c| matches!(c.root(), Value::Map(_)));
    html! {
        <div class="delivery-detail" data-testid="delivery-detail">
            <p class={classes!("verdict", match d.verified { Some(true) => "ok", Some(false) => "bad", None => "muted" })}>
                <strong>{ match d.verified { Some(true) => "Verified: ", Some(false) => "Not verified: ", None => "Not checked: " } }</strong>
                { &d.verdict }
            </p>
            <details open=true>
                <summary>{ format!("Headers ({})", d.headers.len()) }</summary>
                <table class="preview-headers"><tbody>
                    { for d.headers.iter().map(|h| html! {
                        <tr><th scope="row"><code>{ &h.name }</code></th><td><code>{ &h.value }</code></td></tr>
                    }) }
                </tbody></table>
            </details>
            if d.body.is_empty() {
                <p class="muted">{ "Empty body." }</p>
            } else {
                <pre class="code response-body" data-testid="delivery-body">{ body_text }</pre>
            }
            <div class="actions">
                <button type="button" class="button" onclick={reconcile}>{ "Send to Reconcile" }</button>
                <button type="button" class="button" onclick={sample} disabled={!usable_as_sample}
                    title={if usable_as_sample { "Preview connections against this body" } else { "Only a JSON object body can be a sample context" }}>
                    { "Use as sample context" }</button>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use yew::Reducible;

    use super::{Inbox, InboxAction, Status};

    fn after(statuses: &[Status]) -> Option<Status> {
        let mut inbox = Rc::new(Inbox::default());
        for status in statuses {
            inbox = inbox.reduce(InboxAction::Status(status.clone()));
        }
        inbox.status.clone()
    }

    #[test]
    fn a_stream_that_never_opened_is_unreachable_not_lost() {
        use Status::*;
        assert_eq!(after(&[Connecting, Retrying]), Some(Unreachable));
        assert_eq!(after(&[Connecting, Retrying, Retrying]), Some(Unreachable));
        assert_eq!(after(&[Connecting, Connected, Retrying]), Some(Retrying));
        assert_eq!(after(&[Connecting, Retrying, Connected]), Some(Connected));
        assert_eq!(after(&[Connecting, Retrying, Failed]), Some(Failed));
    }

    #[test]
    fn stream_urls_from_what_people_type() {
        for typed in [
            "http://127.0.0.1:7421",
            "http://127.0.0.1:7421/",
            "127.0.0.1:7421",
            "http://127.0.0.1:7421/_hookwright/events",
            // Where deliveries go, as `simulate --to` and the listener's banner have it.
            "http://127.0.0.1:7421/webhooks",
            "127.0.0.1:7421/webhooks/youlend?x=1",
            " http://127.0.0.1:7421/hooks/_hookwright/events ",
        ] {
            assert_eq!(
                super::events_url(typed),
                "http://127.0.0.1:7421/_hookwright/events",
                "{typed}"
            );
        }
    }
}
