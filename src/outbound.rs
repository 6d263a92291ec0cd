//! A rendered request as it leaves the page: what the browser will change or
//! ask first (forbidden headers, CORS preflight, mixed content), the same
//! request as a curl command, and the masked record a test send leaves behind.
//! Plain Rust, tested natively; `services::fetch` does the sending.

use hookwright_core::connection::{Connection, Header};
use hookwright_core::secret::mask_request;
use hookwright_core::template::RenderedRequest;
use serde::{Deserialize, Serialize};

pub use hookwright_core::secret::MASK;

/// Headers a page may not set: fetch drops them silently (Fetch standard,
/// "forbidden request-header"). `Proxy-` and `Sec-` prefixes are forbidden too.
const FORBIDDEN: &[&str] = &[
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];

pub fn is_forbidden_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    FORBIDDEN.contains(&lower.as_str()) || lower.starts_with("proxy-") || lower.starts_with("sec-")
}

/// What the browser will do with a request, in words for the user.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BrowserPlan {
    /// Headers fetch will drop (a page may not set them).
    pub dropped: Vec<String>,
    /// Why a CORS preflight (`OPTIONS`) goes first; empty when it does not.
    pub preflight_reasons: Vec<String>,
    /// The target is another origin: its answer must allow this page.
    pub cross_origin: bool,
    /// An `http:` URL from an `https:` page (other than loopback): blocked.
    pub mixed_content: bool,
    /// The URL carries `user:pass@`: fetch refuses to build such a request.
    pub credentials_in_url: bool,
    /// A GET or HEAD with a body: fetch may not send one, so the body stays behind.
    pub body_dropped: bool,
}

impl BrowserPlan {
    pub fn needs_preflight(&self) -> bool {
        !self.preflight_reasons.is_empty()
    }
}

/// Header names a page may send cross-origin without a preflight.
const SAFELISTED: &[&str] = &[
    "accept",
    "accept-language",
    "content-language",
    "content-type",
];
const SIMPLE_TYPES: &[&str] = &[
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "text/plain",
];

/// Works out what fetch will do with `request` from a page at `page_origin`
/// (`scheme://host:port`).
pub fn browser_plan(request: &RenderedRequest, page_origin: &str) -> BrowserPlan {
    let mut plan = BrowserPlan::default();
    let target = origin_of(&request.url);
    plan.cross_origin = target.as_deref() != Some(page_origin);
    plan.mixed_content = page_origin.starts_with("https:")
        && request.url.to_ascii_lowercase().starts_with("http:")
        && !is_loopback(&request.url);
    plan.credentials_in_url = hookwright_core::secret::url_layout(&request.url)
        .user_secret
        .is_some();
    for h in &request.headers {
        if is_forbidden_header(&h.name) {
            plan.dropped.push(h.name.clone());
        }
    }
    plan.body_dropped = matches!(request.method.as_str(), "GET" | "HEAD")
        && request.body.as_deref().is_some_and(|b| !b.is_empty());
    if !plan.cross_origin {
        return plan;
    }
    if !matches!(request.method.as_str(), "GET" | "HEAD" | "POST") {
        plan.preflight_reasons.push(format!(
            "the method {} is not GET, HEAD or POST",
            request.method
        ));
    }
    for h in &request.headers {
        let lower = h.name.to_ascii_lowercase();
        if is_forbidden_header(&h.name) {
            continue;
        }
        if !SAFELISTED.contains(&lower.as_str()) {
            plan.preflight_reasons.push(format!(
                "the header {} is not one a page may send freely",
                h.name
            ));
        } else if lower == "content-type" {
            let essence = hookwright_core::template::media_type(&h.value);
            if !SIMPLE_TYPES.contains(&essence.as_str()) {
                plan.preflight_reasons.push(format!(
                    "the content type {} is not form data or plain text",
                    h.value
                ));
            }
        }
    }
    plan
}

/// `scheme://host[:port]` of an absolute URL, lower-cased, default ports dropped.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?.to_ascii_lowercase();
    let default = match scheme.as_str() {
        "http" => ":80",
        "https" => ":443",
        _ => "",
    };
    let host_port = host_port.strip_suffix(default).unwrap_or(&host_port);
    Some(format!("{scheme}://{host_port}"))
}

fn is_loopback(url: &str) -> bool {
    origin_of(url).is_some_and(|o| {
        let host = o.split("://").nth(1).unwrap_or("");
        host.starts_with("127.") || host.starts_with("localhost") || host.starts_with("[::1]")
    })
}

/// A shell-safe single-quoted word: `'` becomes `'\''`.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The request as a curl command that sends the same bytes: `--data-binary`
/// keeps newlines and does not add a content type of its own.
pub fn curl(request: &RenderedRequest) -> String {
    let mut out = format!("curl -X {} {}", request.method, shell_quote(&request.url));
    for h in &request.headers {
        out.push_str(" \\\n  -H ");
        out.push_str(&shell_quote(&format!("{}: {}", h.name, h.value)));
    }
    if let Some(body) = &request.body {
        out.push_str(" \\\n  --data-binary ");
        out.push_str(&shell_quote(body));
    }
    out
}

/// The body as shown: pretty-printed when it is JSON, else as it came.
pub fn pretty_body(body: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(body) {
        Ok(value) if !body.trim().is_empty() => {
            serde_json::to_string_pretty(&value).unwrap_or_else(|_| body.to_string())
        }
        _ => body.to_string(),
    }
}

/// How a test send leaves the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Through {
    /// The browser's fetch: CORS applies, forbidden headers are dropped.
    #[default]
    Browser,
    /// `hookwright relay` on this machine sends it with a real HTTP client.
    Relay,
}

impl Through {
    pub fn is_browser(&self) -> bool {
        *self == Through::Browser
    }

    pub fn label(self) -> &'static str {
        match self {
            Through::Browser => "Browser (fetch)",
            Through::Relay => "Local relay",
        }
    }
}

/// One test send, as kept in the history (secrets already masked).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendRecord {
    /// Milliseconds since the epoch.
    pub at: f64,
    pub method: String,
    pub url: String,
    pub request_headers: Vec<Header>,
    pub request_body: Option<String>,
    pub outcome: Outcome,
    #[serde(default, skip_serializing_if = "Through::is_browser")]
    pub through: Through,
}

/// The request with signature headers added (replacing any of the same name), for a test send
/// signed as YouLend or a Standard Webhooks sender would sign it.
pub fn with_signature(
    request: &RenderedRequest,
    with: &hookwright_core::signing::SignWith,
) -> Result<RenderedRequest, String> {
    let body = request.body.as_deref().unwrap_or("");
    let added = hookwright_core::signing::sign(with, body.as_bytes())?;
    let mut signed = request.clone();
    signed
        .headers
        .retain(|h| !added.iter().any(|a| a.name.eq_ignore_ascii_case(&h.name)));
    signed.headers.extend(added);
    Ok(signed)
}

/// Externally tagged (`{"response": {...}}`): serde buffers an internally
/// tagged enum's fields, and with serde_json's `arbitrary_precision` its
/// numbers then no longer read back as `u16`/`f64`, so a stored history
/// could not be read and each send replaced the last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Response {
        status: u16,
        status_text: String,
        millis: f64,
        headers: Vec<Header>,
        body: String,
    },
    /// Fetch failed without a status (CORS, unreachable host, refused).
    Failed {
        millis: f64,
        message: String,
    },
    /// The browser would not even build the request (a header value it refuses, a bad URL).
    Refused {
        millis: f64,
        message: String,
    },
    /// The local relay did not send it, or got no answer: its status (0 when the relay itself
    /// did not answer) and its message.
    RelayError {
        millis: f64,
        status: u16,
        message: String,
    },
    TimedOut {
        millis: f64,
    },
    Cancelled {
        millis: f64,
    },
}

/// How many sends are kept per connection.
pub const HISTORY_LIMIT: usize = 20;
/// Response bodies longer than this are cut in the history (not on screen).
const HISTORY_BODY_LIMIT: usize = 16 * 1024;

/// Adds a send to a connection's history, newest first, at most 20, with
/// every secret of `connection` (the one that was sent) masked: the request's
/// secret headers and URL parts, and any secret text wherever else it turns
/// up (the body, a response that echoes the request).
pub fn remember(history: &mut Vec<SendRecord>, mut record: SendRecord, connection: &Connection) {
    let rendered = RenderedRequest {
        method: record.method.clone(),
        url: record.url.clone(),
        headers: record.request_headers.clone(),
        body: record.request_body.clone(),
        empty_variables: Vec::new(),
    };
    let m = mask_request(connection, &rendered);
    record.url = m.request.url.clone();
    record.request_headers = m.request.headers.clone();
    record.request_body = m.request.body.clone();
    match &mut record.outcome {
        Outcome::Response { headers, body, .. } => {
            for h in headers.iter_mut() {
                h.value = m.hide(&h.value);
            }
            *body = m.hide(body);
            if body.len() > HISTORY_BODY_LIMIT {
                let mut cut = HISTORY_BODY_LIMIT;
                while !body.is_char_boundary(cut) {
                    cut -= 1;
                }
                body.truncate(cut);
                body.push_str("\n… (cut)");
            }
        }
        Outcome::Failed { message, .. }
        | Outcome::Refused { message, .. }
        | Outcome::RelayError { message, .. } => *message = m.hide(message),
        Outcome::TimedOut { .. } | Outcome::Cancelled { .. } => {}
    }
    history.insert(0, record);
    history.truncate(HISTORY_LIMIT);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> RenderedRequest {
        RenderedRequest {
            method: method.into(),
            url: url.into(),
            headers: headers.iter().map(|(n, v)| Header::new(*n, *v)).collect(),
            body: body.map(str::to_string),
            empty_variables: Vec::new(),
        }
    }

    #[test]
    fn curl_quotes_single_quotes_and_keeps_bytes() {
        let r = request(
            "PUT",
            "https://x.test/a?b=1",
            &[("Content-Type", "application/json")],
            Some("{\"a\": \"it's\"}\n"),
        );
        assert_eq!(
            curl(&r),
            "curl -X PUT 'https://x.test/a?b=1' \\\n  -H 'Content-Type: application/json' \\\n  --data-binary '{\"a\": \"it'\\''s\"}\n'"
        );
    }

    #[test]
    fn plan_finds_forbidden_headers_and_preflight_reasons() {
        let r = request(
            "PUT",
            "http://127.0.0.1:9/x",
            &[
                ("Host", "evil"),
                ("Autopal-Instance-Id", "1"),
                ("Content-Type", "application/json"),
            ],
            None,
        );
        let plan = browser_plan(&r, "http://127.0.0.1:8080");
        assert_eq!(plan.dropped, ["Host"]);
        assert!(plan.cross_origin);
        assert_eq!(
            plan.preflight_reasons.len(),
            3,
            "{:?}",
            plan.preflight_reasons
        );
        let simple = request(
            "POST",
            "http://a.test/",
            &[("Content-Type", "text/plain")],
            None,
        );
        assert!(!browser_plan(&simple, "http://b.test").needs_preflight());
        // The engine's reading of a content type: parameters and case do not count.
        let with_charset = request(
            "POST",
            "http://a.test/",
            &[("Content-Type", "Text/Plain; charset=utf-8")],
            None,
        );
        assert!(!browser_plan(&with_charset, "http://b.test").needs_preflight());
        assert!(!browser_plan(&r, "http://127.0.0.1:9").cross_origin);
        assert!(browser_plan(&simple, "https://b.test").mixed_content);
        assert!(!browser_plan(&simple, "http://b.test").credentials_in_url);
        let with_user = request("POST", "http://u:p@a.test/", &[], None);
        assert!(browser_plan(&with_user, "http://b.test").credentials_in_url);
        assert!(!browser_plan(&r, "http://b.test").body_dropped);
        let get = request("GET", "http://a.test/", &[], Some("{}"));
        assert!(browser_plan(&get, "http://b.test").body_dropped);
        assert!(
            !browser_plan(
                &request("GET", "http://a.test/", &[], None),
                "http://b.test"
            )
            .body_dropped
        );
    }

    #[test]
    fn origins_drop_default_ports_and_paths() {
        assert_eq!(
            origin_of("HTTPS://A.test:443/x?y").as_deref(),
            Some("https://a.test")
        );
        assert_eq!(
            origin_of("http://a.test:81").as_deref(),
            Some("http://a.test:81")
        );
        assert_eq!(origin_of("nope"), None);
    }

    #[test]
    fn history_masks_every_secret_and_keeps_twenty() {
        let mut connection = hookwright_core::connection::examples().remove(0);
        connection.request.url = "https://ops:urlpass-1@x.test/?token=tok-secret-1&n=1".into();
        connection.request.headers = vec![
            Header::new("Authorization", "Bearer s3cret-bearer"),
            Header::new("X-Api-Key", "key-secret-1"),
        ];
        let mut history = Vec::new();
        for i in 0..25 {
            let record = SendRecord {
                at: i as f64,
                method: "POST".into(),
                url: connection.request.url.clone(),
                request_headers: connection.request.headers.clone(),
                request_body: Some("echo key-secret-1".into()),
                outcome: Outcome::Response {
                    status: 200,
                    status_text: "OK".into(),
                    millis: 1.0,
                    headers: vec![Header::new("X-Echo", "tok-secret-1")],
                    body: "you sent s3cret-bearer".into(),
                },
                through: Through::Browser,
            };
            remember(&mut history, record, &connection);
        }
        assert_eq!(history.len(), HISTORY_LIMIT);
        assert_eq!(history[0].at, 24.0);
        let text = serde_json::to_string(&history).unwrap();
        for secret in ["s3cret-bearer", "key-secret-1", "tok-secret-1", "urlpass-1"] {
            assert!(!text.contains(secret), "{secret}: {text}");
        }
        assert_eq!(
            history[0].request_headers[0].value,
            format!("Bearer {MASK}")
        );
        assert_eq!(
            history[0].url,
            format!("https://ops:{MASK}@x.test/?token={MASK}&n=1")
        );
    }

    #[test]
    fn a_stored_history_reads_back() {
        let mut history = Vec::new();
        let connection = hookwright_core::connection::examples().remove(0);
        for outcome in [
            Outcome::Response {
                status: 200,
                status_text: "OK".into(),
                millis: 12.5,
                headers: vec![Header::new("X-A", "1")],
                body: "{}".into(),
            },
            Outcome::Failed {
                millis: 1.0,
                message: "no".into(),
            },
            Outcome::TimedOut { millis: 30000.0 },
            Outcome::Cancelled { millis: 3.0 },
        ] {
            let record = SendRecord {
                at: 1_700_000_000_000.0,
                method: "POST".into(),
                url: "https://x.test/".into(),
                request_headers: Vec::new(),
                request_body: None,
                outcome,
                through: Through::Browser,
            };
            remember(&mut history, record, &connection);
        }
        let text = serde_json::to_string(&history).unwrap();
        let back: Vec<SendRecord> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, history);
    }

    #[test]
    fn pretty_body_only_touches_json() {
        assert_eq!(pretty_body("{\"a\":1.50}"), "{\n  \"a\": 1.50\n}");
        assert_eq!(pretty_body("<img src=x>"), "<img src=x>");
        assert_eq!(pretty_body(""), "");
    }

    #[test]
    fn signing_adds_or_replaces_the_signature_headers() {
        use hookwright_core::signing::{KeyReading, Scheme, SignWith};
        let r = request(
            "POST",
            "https://x.test/",
            &[("webhook-id", "old"), ("Content-Type", "application/json")],
            Some(r#"{"test": 2432232314}"#),
        );
        let signed = with_signature(
            &r,
            &SignWith {
                scheme: Scheme::Standard,
                secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
                timestamp: 1614265330,
                key_reading: KeyReading::Decoded,
            },
        )
        .unwrap();
        let names: Vec<&str> = signed.headers.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Content-Type",
                "webhook-id",
                "webhook-timestamp",
                "webhook-signature"
            ]
        );
        assert_eq!(
            signed.headers[3].value,
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        // Browser sends are kept as before (no `through`), relay sends say so.
        let record = |through| SendRecord {
            at: 1.0,
            method: "GET".into(),
            url: "u".into(),
            request_headers: vec![],
            request_body: None,
            outcome: Outcome::Cancelled { millis: 1.0 },
            through,
        };
        let browser = serde_json::to_string(&record(Through::Browser)).unwrap();
        assert!(!browser.contains("through"), "{browser}");
        let relayed = serde_json::to_string(&record(Through::Relay)).unwrap();
        assert!(relayed.contains(r#""through":"relay""#), "{relayed}");
    }
}
