//! Test sends with the browser's fetch: the rendered request as is, an AbortController for
//! Cancel and the timeout, and the response read as text.
//!
//! Written on `web_sys` directly, where every call that can throw returns a `Result`: gloo-net's
//! builder appended `&` to every URL with a query string (it rebuilt the query from its own,
//! empty, parameter list) and threw from inside (`unwrap_throw`) on a header value outside
//! ISO-8859-1, which killed the send's future and left the panel "Sending…" until a reload.

use std::cell::Cell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use hookwright_core::connection::Header;
use hookwright_core::template::RenderedRequest;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::outbound::Outcome;

/// Cancels a send in flight.
#[derive(Clone)]
pub struct Cancel {
    controller: Option<web_sys::AbortController>,
    cancelled: Rc<Cell<bool>>,
}

impl PartialEq for Cancel {
    fn eq(&self, other: &Cancel) -> bool {
        Rc::ptr_eq(&self.cancelled, &other.cancelled)
    }
}

impl Cancel {
    pub fn new() -> Cancel {
        Cancel {
            controller: web_sys::AbortController::new().ok(),
            cancelled: Rc::new(Cell::new(false)),
        }
    }

    pub fn cancel(&self) {
        self.cancelled.set(true);
        if let Some(controller) = &self.controller {
            controller.abort();
        }
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.get()
    }
}

impl Default for Cancel {
    fn default() -> Self {
        Cancel::new()
    }
}

pub fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// A JS exception as text.
pub fn js_message(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}

/// A response as fetch gave it.
pub struct Answer {
    pub status: u16,
    pub status_text: String,
    pub headers: Vec<Header>,
    pub body: String,
}

/// Why fetch gave no response.
pub enum Failure {
    /// The request could not even be built (a header the browser refuses, a bad URL).
    Refused(String),
    /// fetch rejected: CORS, unreachable, aborted.
    Network(String),
}

/// Builds and sends one request, aborting with `cancel`. Never throws.
pub async fn exchange(
    method: &str,
    url: &str,
    headers: &[Header],
    body: Option<&str>,
    cancel: &Cancel,
) -> Result<Answer, Failure> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    let h = web_sys::Headers::new().map_err(|e| Failure::Refused(js_message(&e)))?;
    for header in headers {
        h.append(&header.name, &header.value).map_err(|e| {
            Failure::Refused(format!(
                "the browser refused the header {}: {}",
                header.name,
                js_message(&e)
            ))
        })?;
    }
    init.set_headers(&h);
    if let Some(body) = body {
        if method != "GET" && method != "HEAD" {
            init.set_body(&JsValue::from_str(body));
        }
    }
    if let Some(controller) = &cancel.controller {
        init.set_signal(Some(&controller.signal()));
    }
    let request = web_sys::Request::new_with_str_and_init(url, &init)
        .map_err(|e| Failure::Refused(js_message(&e)))?;
    let window = web_sys::window().ok_or_else(|| Failure::Refused("no window".into()))?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|e| Failure::Network(js_message(&e)))?
        .dyn_into()
        .map_err(|e| Failure::Network(js_message(&e)))?;
    let mut names_values = Vec::new();
    if let Ok(Some(entries)) = js_sys::try_iter(&response.headers()) {
        for entry in entries.flatten() {
            let pair = js_sys::Array::from(&entry);
            names_values.push(Header::new(
                pair.get(0).as_string().unwrap_or_default(),
                pair.get(1).as_string().unwrap_or_default(),
            ));
        }
    }
    let text = response
        .text()
        .map_err(|e| Failure::Network(js_message(&e)))?;
    let body = JsFuture::from(text)
        .await
        .map_err(|e| Failure::Network(js_message(&e)))?
        .as_string()
        .unwrap_or_default();
    Ok(Answer {
        status: response.status(),
        status_text: response.status_text(),
        headers: names_values,
        body,
    })
}

/// Runs `send` with a timer that aborts it after `timeout_ms`; says whether it fired.
pub fn arm_timeout(timeout_ms: u32, cancel: &Cancel) -> (Timeout, Rc<Cell<bool>>) {
    let timed_out = Rc::new(Cell::new(false));
    let fired = timed_out.clone();
    let controller = cancel.controller.clone();
    let timer = Timeout::new(timeout_ms, move || {
        fired.set(true);
        if let Some(controller) = controller {
            controller.abort();
        }
    });
    (timer, timed_out)
}

/// Sends `request` with the browser's fetch, giving up after `timeout_ms`; never fails, every
/// end is an `Outcome`.
pub async fn send(request: &RenderedRequest, timeout_ms: u32, cancel: &Cancel) -> Outcome {
    let started = now();
    let (timer, timed_out) = arm_timeout(timeout_ms, cancel);
    let result = exchange(
        &request.method,
        &request.url,
        &request.headers,
        request.body.as_deref(),
        cancel,
    )
    .await;
    drop(timer);
    let millis = (now() - started).round();
    match result {
        Ok(answer) => Outcome::Response {
            status: answer.status,
            status_text: answer.status_text,
            millis,
            headers: answer.headers,
            body: answer.body,
        },
        Err(_) if cancel.is_cancelled() => Outcome::Cancelled { millis },
        Err(_) if timed_out.get() => Outcome::TimedOut { millis },
        Err(Failure::Refused(message)) => Outcome::Refused { millis, message },
        Err(Failure::Network(message)) => Outcome::Failed { millis, message },
    }
}
