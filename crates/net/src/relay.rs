//! `hookwright relay`: sends the page's test requests with a real HTTP client, so they reach
//! servers that answer no CORS (LoanPro's API, most webhook receivers) and may carry headers a
//! browser forbids. The page POSTs the rendered request as JSON to `/send` with the pairing
//! token; the relay sends exactly that method, URL, headers and body and answers with the
//! response as JSON.
//!
//! Only for this machine: it binds 127.0.0.1, answers only a page whose `Origin` is on the
//! loopback and only under a loopback `Host`, wants the token, refuses to send to itself, caps
//! request and response sizes (413) and times out (504).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hookwright_core::connection::Header;
use hookwright_core::header_value::{non_latin1_at, non_latin1_message};
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;

use crate::guard;
use crate::{read_capped, size, Capped};

pub const DEFAULT_PORT: u16 = 7420;

#[derive(Debug, Clone)]
pub struct Config {
    /// The pairing token the page must send as `Authorization: Bearer <token>`.
    pub token: String,
    /// The largest request the page may hand over (the JSON, body included).
    pub max_request_bytes: usize,
    /// The largest response body the relay reads back.
    pub max_response_bytes: usize,
    /// Used when the page asks for none; the page's own timeout is capped at `max_timeout`.
    pub default_timeout: Duration,
    pub max_timeout: Duration,
}

impl Config {
    pub fn new(token: String) -> Config {
        Config {
            token,
            max_request_bytes: 5 * 1024 * 1024,
            max_response_bytes: 10 * 1024 * 1024,
            default_timeout: Duration::from_secs(30),
            max_timeout: Duration::from_secs(300),
        }
    }
}

/// What the page sends to `/send`: the rendered request, as the preview shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendRequest {
    pub method: String,
    pub url: String,
    #[serde(default)]
    pub headers: Vec<Header>,
    #[serde(default)]
    pub body: Option<String>,
    /// Milliseconds; capped by the relay.
    #[serde(default)]
    pub timeout_ms: Option<u64>,
}

/// What `/send` answers when the server answered (whatever its status).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendResponse {
    pub status: u16,
    pub status_text: String,
    /// Values read as ISO-8859-1, as a browser reads them.
    pub headers: Vec<Header>,
    /// UTF-8 text, or base64 when the bytes are not UTF-8 (see `bodyEncoding`).
    pub body: String,
    pub body_encoding: hookwright_core::delivery::BodyEncoding,
    pub millis: f64,
}

/// What `/send` answers when the relay did not get a response: `{"error": "...", "kind": "..."}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RelayError {
    pub error: String,
    pub kind: String,
}

struct Shared {
    config: Config,
    local: SocketAddr,
    client: reqwest::Client,
}

/// Serves the relay on `listener` until the process ends.
pub async fn serve(listener: TcpListener, config: Config) -> std::io::Result<()> {
    let local = listener.local_addr()?;
    let client = reqwest::Client::builder()
        // A test send shows what the server answered, redirects included.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(std::io::Error::other)?;
    let shared = Arc::new(Shared {
        config,
        local,
        client,
    });
    let app = Router::new()
        .route("/", get(hello))
        .route("/send", any(send))
        .fallback(not_found)
        .with_state(shared);
    axum::serve(listener, app).await
}

fn error(status: StatusCode, kind: &str, message: impl Into<String>) -> Response {
    let body = serde_json::to_string(&RelayError {
        error: message.into(),
        kind: kind.to_string(),
    })
    .expect("plain strings serialise");
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// CORS for a loopback page: echo its origin, so it can read even the errors.
fn with_cors(request_headers: &HeaderMap, mut response: Response) -> Response {
    if let Some(origin) = guard::allowed_origin(request_headers) {
        let h = response.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    response
}

async fn hello(headers: HeaderMap) -> Response {
    if let Some(reason) = guard::refuse(&headers) {
        return error(StatusCode::FORBIDDEN, "origin", reason);
    }
    let body = format!(
        "{{\"relay\":\"hookwright\",\"version\":\"{}\"}}",
        env!("CARGO_PKG_VERSION")
    );
    with_cors(
        &headers,
        ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
    )
}

async fn not_found(headers: HeaderMap) -> Response {
    with_cors(
        &headers,
        error(
            StatusCode::NOT_FOUND,
            "not-found",
            "the relay answers POST /send only",
        ),
    )
}

async fn send(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let headers = request.headers().clone();
    let response = handle(&shared, request).await;
    with_cors(&headers, response)
}

async fn handle(shared: &Shared, request: Request) -> Response {
    let config = &shared.config;
    if let Some(reason) = guard::refuse(request.headers()) {
        return error(StatusCode::FORBIDDEN, "origin", reason);
    }
    if request.method() == Method::OPTIONS {
        // The page's CORS preflight: POST with a JSON body and the token.
        let mut allowed = vec![
            (
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("POST"),
            ),
            (
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static("authorization, content-type"),
            ),
            (
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("600"),
            ),
        ];
        if request
            .headers()
            .contains_key("access-control-request-private-network")
        {
            allowed.push((
                HeaderName::from_static("access-control-allow-private-network"),
                HeaderValue::from_static("true"),
            ));
        }
        return guard::preflight(allowed);
    }
    if request.method() != Method::POST {
        return error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method",
            "send the request to relay with POST /send",
        );
    }
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !same_secret(presented.trim(), &config.token) {
        let message = if presented.is_empty() {
            "no relay token: paste the pairing token `hookwright relay` printed into Relay token"
        } else {
            "wrong relay token: paste the pairing token this relay printed (it changes each time the relay starts)"
        };
        return error(StatusCode::UNAUTHORIZED, "token", message);
    }
    let bytes = match read_capped(request.into_body(), config.max_request_bytes).await {
        Ok(bytes) => bytes,
        Err(Capped::TooLarge) => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                format!(
                    "the request is larger than the relay's {} limit",
                    size(config.max_request_bytes)
                ),
            )
        }
        Err(Capped::Failed(e)) => {
            return error(
                StatusCode::BAD_REQUEST,
                "bad-request",
                format!("the request could not be read: {e}"),
            )
        }
    };
    let send: SendRequest = match serde_json::from_slice(&bytes) {
        Ok(send) => send,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                "bad-request",
                format!("the relay expects {{method, url, headers, body}} as JSON: {e}"),
            )
        }
    };
    let prepared = match prepare(shared, &send).await {
        Ok(prepared) => prepared,
        Err(response) => return response,
    };
    let timeout = send
        .timeout_ms
        .map_or(config.default_timeout, Duration::from_millis)
        .min(config.max_timeout);
    let started = Instant::now();
    let outcome = tokio::time::timeout(timeout, exchange(shared, prepared)).await;
    let millis = (started.elapsed().as_secs_f64() * 1000.0 * 10.0).round() / 10.0;
    match outcome {
        Err(_) => error(
            StatusCode::GATEWAY_TIMEOUT,
            "timeout",
            format!(
                "no complete answer within {} ms; the relay gave up",
                timeout.as_millis()
            ),
        ),
        Ok(Err(response)) => response,
        Ok(Ok((status, headers, body))) => {
            let (body, body_encoding) = match String::from_utf8(body) {
                Ok(text) => (text, hookwright_core::delivery::BodyEncoding::Text),
                Err(e) => (
                    STANDARD.encode(e.as_bytes()),
                    hookwright_core::delivery::BodyEncoding::Base64,
                ),
            };
            let answer = SendResponse {
                status: status.as_u16(),
                status_text: status.canonical_reason().unwrap_or("").to_string(),
                headers,
                body,
                body_encoding,
                millis,
            };
            (
                [(header::CONTENT_TYPE, "application/json")],
                serde_json::to_string(&answer).expect("plain data serialises"),
            )
                .into_response()
        }
    }
}

/// Compares in time independent of where the strings differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && !b.is_empty()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

struct Prepared {
    request: reqwest::Request,
    /// The URL as the page gave it, for messages: the page masks the secrets in its history by
    /// their text as written, and the parsed URL re-encodes them (a password `S3cr;et` becomes
    /// `S3cr%3Bet`), which would pass the mask.
    url: String,
}

/// Checks and builds the outgoing request: an absolute http(s) URL that is not this relay,
/// a method, header names and ISO-8859-1 values, exactly as given.
async fn prepare(shared: &Shared, send: &SendRequest) -> Result<Prepared, Response> {
    let bad = |message: String| error(StatusCode::BAD_REQUEST, "bad-request", message);
    let url = reqwest::Url::parse(&send.url)
        .map_err(|e| bad(format!("the URL `{}` is not absolute: {e}", send.url)))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad(format!(
            "the relay sends http and https only, not `{}:`",
            url.scheme()
        )));
    }
    if targets_self(shared.local, &url).await {
        return Err(error(
            StatusCode::LOOP_DETECTED,
            "loop",
            format!(
                "refused: {} is this relay itself; point the connection's URL at the server to test",
                send.url
            ),
        ));
    }
    let method = Method::from_bytes(send.method.as_bytes())
        .map_err(|_| bad(format!("`{}` is not an HTTP method", send.method)))?;
    let mut request = reqwest::Request::new(method, url);
    for h in &send.headers {
        let name = HeaderName::from_bytes(h.name.as_bytes())
            .map_err(|_| bad(format!("`{}` is not a header name", h.name)))?;
        if let Some((_, c)) = non_latin1_at(&h.value) {
            return Err(bad(format!("header {}: {}", h.name, non_latin1_message(c))));
        }
        // ISO-8859-1: each character is one byte, as a browser sends it.
        let bytes: Vec<u8> = h.value.chars().map(|c| c as u32 as u8).collect();
        let value = HeaderValue::from_bytes(&bytes).map_err(|_| {
            bad(format!(
                "header {}: the value has a control character or line break",
                h.name
            ))
        })?;
        request.headers_mut().append(name, value);
    }
    if let Some(body) = &send.body {
        *request.body_mut() = Some(reqwest::Body::from(body.clone()));
    }
    Ok(Prepared {
        request,
        url: send.url.clone(),
    })
}

/// True when `url` would reach this relay: a loopback (or unspecified) address, by literal or
/// by name, on the relay's port.
async fn targets_self(local: SocketAddr, url: &reqwest::Url) -> bool {
    let Some(port) = url.port_or_known_default() else {
        return false;
    };
    if port != local.port() {
        return false;
    }
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if guard::is_loopback_host(host) || host == "0.0.0.0" || host == "::" {
        return true;
    }
    match tokio::net::lookup_host((host, port)).await {
        Ok(mut addrs) => addrs.any(|a| a.ip().is_loopback() || a.ip().is_unspecified()),
        Err(_) => false,
    }
}

type Exchanged = (StatusCode, Vec<Header>, Vec<u8>);

async fn exchange(shared: &Shared, prepared: Prepared) -> Result<Exchanged, Response> {
    let url = prepared.url;
    let mut response = shared.client.execute(prepared.request).await.map_err(|e| {
        error(
            StatusCode::BAD_GATEWAY,
            "unreachable",
            format!(
                "no response from {url}: {}",
                crate::describe(&e.without_url())
            ),
        )
    })?;
    let status = response.status();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            Header::new(
                name.as_str().to_string(),
                value
                    .as_bytes()
                    .iter()
                    .map(|&b| b as char)
                    .collect::<String>(),
            )
        })
        .collect();
    let limit = shared.config.max_response_bytes;
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > limit {
                    return Err(error(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "response-too-large",
                        format!(
                            "the server answered {status} with a body larger than the relay's {} limit; it was not read",
                            size(limit)
                        ),
                    ));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => {
                return Err(error(
                    StatusCode::BAD_GATEWAY,
                    "unreachable",
                    format!(
                        "the response from {url} broke off: {}",
                        crate::describe(&e.without_url())
                    ),
                ))
            }
        }
    }
    Ok((status, headers, body))
}

#[cfg(test)]
mod tests {
    use super::same_secret;

    #[test]
    fn tokens_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abd", "abc"));
        assert!(!same_secret("ab", "abc"));
        assert!(!same_secret("", ""));
    }
}
