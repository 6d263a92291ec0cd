//! Test sends through `hookwright relay` on this machine: the rendered request goes to the
//! relay as JSON with its pairing token, the relay sends it with a real HTTP client (no CORS,
//! no forbidden headers) and the answer comes back as the same `Outcome` a fetch gives.
//!
//! Where to send is remembered in localStorage (`hookwright.relay`, not the workspace); the
//! token only in this tab's sessionStorage, never in the workspace, an export or a share link.

use base64::Engine as _;
use hookwright_core::connection::Header;
use hookwright_core::template::RenderedRequest;
use serde::{Deserialize, Serialize};

use super::fetch::{self, Cancel, Failure};
use super::storage;
use crate::outbound::{Outcome, Through};

pub const SETTINGS_KEY: &str = "hookwright.relay";
pub const TOKEN_KEY: &str = "hookwright.relay-token";
pub const DEFAULT_URL: &str = "http://127.0.0.1:7420";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub through: Through,
    pub url: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            through: Through::Browser,
            url: DEFAULT_URL.to_string(),
        }
    }
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

pub fn read_settings() -> Settings {
    storage::read_json(SETTINGS_KEY).unwrap_or_default()
}

pub fn write_settings(settings: &Settings) {
    storage::write_json(SETTINGS_KEY, settings);
}

pub fn read_token() -> String {
    session()
        .and_then(|s| s.get_item(TOKEN_KEY).ok().flatten())
        .unwrap_or_default()
}

pub fn write_token(token: &str) {
    if let Some(storage) = session() {
        let _ = if token.is_empty() {
            storage.remove_item(TOKEN_KEY)
        } else {
            storage.set_item(TOKEN_KEY, token)
        };
    }
}

/// The relay's `/send` URL for what the user typed (`127.0.0.1:7420`, with or without a slash).
pub fn send_url(relay: &str) -> String {
    let relay = relay.trim().trim_end_matches('/');
    let relay = relay.strip_suffix("/send").unwrap_or(relay);
    if relay.contains("://") {
        format!("{relay}/send")
    } else {
        format!("http://{relay}/send")
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SendRequest<'a> {
    method: &'a str,
    url: &'a str,
    headers: &'a [Header],
    body: Option<&'a str>,
    timeout_ms: u32,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SendResponse {
    status: u16,
    status_text: String,
    headers: Vec<Header>,
    body: String,
    #[serde(default)]
    body_encoding: String,
    millis: f64,
}

#[derive(Deserialize)]
struct RelayError {
    error: String,
}

/// Sends `request` through the relay at `relay` with `token`; never fails, every end is an `Outcome`.
pub async fn send(
    relay: &str,
    token: &str,
    request: &RenderedRequest,
    timeout_ms: u32,
    cancel: &Cancel,
) -> Outcome {
    let started = fetch::now();
    // The relay times the server out itself; the page waits a little longer for its answer.
    let (timer, timed_out) = fetch::arm_timeout(timeout_ms.saturating_add(2000), cancel);
    let payload = serde_json::to_string(&SendRequest {
        method: &request.method,
        url: &request.url,
        headers: &request.headers,
        body: request.body.as_deref(),
        timeout_ms,
    })
    .expect("plain data serialises");
    let endpoint = send_url(relay);
    let headers = [
        Header::new("Content-Type", "application/json"),
        Header::new("Authorization", format!("Bearer {}", token.trim())),
    ];
    let result = fetch::exchange("POST", &endpoint, &headers, Some(&payload), cancel).await;
    drop(timer);
    let millis = (fetch::now() - started).round();
    match result {
        Ok(answer) if answer.status == 200 => match serde_json::from_str::<SendResponse>(&answer.body) {
            Ok(r) => Outcome::Response {
                status: r.status,
                status_text: r.status_text,
                millis: r.millis.round(),
                headers: r.headers,
                body: if r.body_encoding == "base64" {
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(&r.body)
                        .map_or(0, |b| b.len());
                    format!("(not UTF-8 text: {bytes} bytes, shown as base64)\n{}", r.body)
                } else {
                    r.body
                },
            },
            Err(_) => Outcome::RelayError {
                millis,
                status: answer.status,
                message: format!(
                    "{endpoint} answered, but not as a Hookwright relay does. Is Relay URL the address `hookwright relay` printed?"
                ),
            },
        },
        Ok(answer) => Outcome::RelayError {
            millis,
            status: answer.status,
            message: serde_json::from_str::<RelayError>(&answer.body)
                .map(|e| e.error)
                .unwrap_or_else(|_| format!("{} {}", answer.status, answer.status_text)),
        },
        Err(_) if cancel.is_cancelled() => Outcome::Cancelled { millis },
        Err(_) if timed_out.get() => Outcome::TimedOut { millis },
        Err(Failure::Refused(message)) => Outcome::Refused { millis, message },
        Err(Failure::Network(message)) => Outcome::RelayError {
            millis,
            status: 0,
            message: format!(
                "The relay at {} did not answer. Start it with `hookwright relay` and check Relay URL. (Browser: {message})",
                relay.trim()
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn send_urls_from_what_people_type() {
        for typed in [
            "http://127.0.0.1:7420",
            "http://127.0.0.1:7420/",
            "127.0.0.1:7420",
            " http://127.0.0.1:7420/send ",
        ] {
            assert_eq!(
                super::send_url(typed),
                "http://127.0.0.1:7420/send",
                "{typed}"
            );
        }
    }
}
