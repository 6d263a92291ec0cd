//! Test sends with the browser's fetch (gloo-net): the rendered request as is,
//! an AbortController for Cancel and the timeout, and the response read as text.

use std::cell::Cell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use gloo_net::http::{Method, RequestBuilder};
use hookwright_core::connection::Header;
use hookwright_core::template::RenderedRequest;

use crate::outbound::Outcome;

/// Cancels a send in flight.
#[derive(Clone)]
pub struct Cancel {
    controller: web_sys::AbortController,
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
            controller: web_sys::AbortController::new().expect("AbortController exists"),
            cancelled: Rc::new(Cell::new(false)),
        }
    }

    pub fn cancel(&self) {
        self.cancelled.set(true);
        self.controller.abort();
    }
}

impl Default for Cancel {
    fn default() -> Self {
        Cancel::new()
    }
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

fn method(name: &str) -> Method {
    match name {
        "GET" => Method::GET,
        "PUT" => Method::PUT,
        "PATCH" => Method::PATCH,
        "DELETE" => Method::DELETE,
        _ => Method::POST,
    }
}

/// Sends `request`, giving up after `timeout_ms`; never fails, every end is an `Outcome`.
pub async fn send(request: &RenderedRequest, timeout_ms: u32, cancel: &Cancel) -> Outcome {
    let started = now();
    let timed_out = Rc::new(Cell::new(false));
    let timer = {
        let timed_out = timed_out.clone();
        let controller = cancel.controller.clone();
        Timeout::new(timeout_ms, move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let signal = cancel.controller.signal();
    let mut builder = RequestBuilder::new(&request.url)
        .method(method(&request.method))
        .abort_signal(Some(&signal));
    for h in &request.headers {
        builder = builder.header(&h.name, &h.value);
    }
    let built = match &request.body {
        Some(body) if request.method != "GET" => builder.body(body.as_str()),
        _ => builder.build(),
    };
    let result = match built {
        Ok(req) => match req.send().await {
            Ok(response) => {
                let status = response.status();
                let status_text = response.status_text();
                let headers: Vec<Header> = response
                    .headers()
                    .entries()
                    .map(|(name, value)| Header::new(name, value))
                    .collect();
                match response.text().await {
                    Ok(body) => Ok((status, status_text, headers, body)),
                    Err(e) => Err(e.to_string()),
                }
            }
            Err(e) => Err(e.to_string()),
        },
        Err(e) => Err(e.to_string()),
    };
    drop(timer);
    let millis = (now() - started).round();
    match result {
        Ok((status, status_text, headers, body)) => Outcome::Response {
            status,
            status_text,
            millis,
            headers,
            body,
        },
        Err(_) if cancel.cancelled.get() => Outcome::Cancelled { millis },
        Err(_) if timed_out.get() => Outcome::TimedOut { millis },
        Err(message) => Outcome::Failed { millis, message },
    }
}
