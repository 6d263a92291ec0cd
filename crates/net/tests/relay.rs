//! The relay on an ephemeral 127.0.0.1 port: the bytes it sends are the request it was given
//! (query strings, percent-encoding, non-ASCII, repeated keys, a fragment left out as every
//! client leaves it out), and each refusal is a clear error: wrong token 401, foreign Origin or
//! Host 403, too large 413, itself 508, too slow 504, unreachable 502.

mod common;

use std::time::Duration;

use common::{client, ok_answer, raw_server, split, Answer};
use hookwright_net::relay::{self, Config, RelayError, SendResponse};
use serde_json::json;

const TOKEN: &str = "test-token-123";

async fn start(config: Config) -> String {
    let listener = hookwright_net::bind_loopback(0).await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(relay::serve(listener, config));
    url
}

async fn post(
    relay: &str,
    token: &str,
    origin: Option<&str>,
    body: serde_json::Value,
) -> reqwest::Response {
    let mut request = client()
        .post(format!("{relay}/send"))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .body(body.to_string());
    if let Some(origin) = origin {
        request = request.header("Origin", origin);
    }
    request.send().await.unwrap()
}

async fn error_of(response: reqwest::Response) -> (u16, RelayError) {
    let status = response.status().as_u16();
    (
        status,
        serde_json::from_slice(&response.bytes().await.unwrap()).unwrap(),
    )
}

#[tokio::test]
async fn sends_exactly_the_given_method_url_headers_and_body() {
    let upstream = raw_server(ok_answer("done: ✓")).await;
    let relay = start(Config::new(TOKEN.into())).await;
    let url = format!(
        "{}/b/caf%C3%A9/na\u{ef}ve?who=3579&tag=a%20b&tag=c&name=Jos\u{e9}&empty=#section-2",
        upstream.url
    );
    let body = "{\"amount\":\"10.00\",\"note\":\"€ and ü\"}\n";
    let response = post(
        &relay,
        TOKEN,
        Some("http://127.0.0.1:8080"),
        json!({
            "method": "PATCH",
            "url": url,
            "headers": [
                {"name": "Content-Type", "value": "application/json"},
                {"name": "X-Tag", "value": "one"},
                {"name": "X-Tag", "value": "two"},
                {"name": "X-Name", "value": "Jos\u{e9}"},
                // Forbidden to a page, sent as written by the relay.
                {"name": "Cookie", "value": "session=abc"}
            ],
            "body": body,
        }),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "http://127.0.0.1:8080"
    );
    let answer: SendResponse = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(answer.status, 201);
    assert_eq!(answer.status_text, "Created");
    assert_eq!(answer.body, "done: ✓");
    let upstream_header = answer
        .headers
        .iter()
        .find(|h| h.name == "x-upstream")
        .unwrap();
    assert_eq!(upstream_header.value, "caf\u{e9}", "read as ISO-8859-1");

    let received = upstream.received.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    let (head, sent_body) = split(&received[0]);
    // The WHATWG URL serialisation a browser sends: non-ASCII as UTF-8 percent-encoded, the
    // query kept as written (no `&` added), the fragment never sent.
    assert_eq!(
        String::from_utf8(head[0].clone()).unwrap(),
        "PATCH /b/caf%C3%A9/na%C3%AFve?who=3579&tag=a%20b&tag=c&name=Jos%C3%A9&empty= HTTP/1.1"
    );
    let lines: Vec<Vec<u8>> = head[1..].to_vec();
    let has = |line: &[u8]| lines.iter().any(|l| l.eq_ignore_ascii_case(line));
    assert!(has(b"content-type: application/json"));
    assert!(
        has(b"x-tag: one") && has(b"x-tag: two"),
        "repeated headers both sent"
    );
    assert!(
        has(b"x-name: Jos\xe9"),
        "ISO-8859-1 bytes, as a browser sends them"
    );
    assert!(has(b"cookie: session=abc"));
    assert_eq!(sent_body, body.as_bytes());
    // Nothing else but what HTTP itself needs.
    for line in &lines {
        let name = String::from_utf8_lossy(line)
            .split(':')
            .next()
            .unwrap()
            .to_ascii_lowercase();
        assert!(
            [
                "content-type",
                "x-tag",
                "x-name",
                "cookie",
                "host",
                "content-length",
                "accept"
            ]
            .contains(&name.as_str()),
            "unexpected header {name}"
        );
    }
}

#[tokio::test]
async fn a_wrong_or_missing_token_is_401_with_a_message() {
    let relay = start(Config::new(TOKEN.into())).await;
    let request = json!({"method": "GET", "url": "http://127.0.0.1:9/"});
    let (status, e) = error_of(
        post(
            &relay,
            "wrong",
            Some("http://localhost:3000"),
            request.clone(),
        )
        .await,
    )
    .await;
    assert_eq!((status, e.kind.as_str()), (401, "token"));
    assert!(e.error.contains("wrong relay token"), "{}", e.error);
    let (status, e) = error_of(post(&relay, "", None, request).await).await;
    assert_eq!(status, 401);
    assert!(e.error.contains("no relay token"), "{}", e.error);
}

#[tokio::test]
async fn only_loopback_pages_and_hosts() {
    let relay = start(Config::new(TOKEN.into())).await;
    let request = json!({"method": "GET", "url": "http://127.0.0.1:9/"});
    for origin in ["https://evil.test", "null", "http://127.0.0.1.evil.test"] {
        let response = post(&relay, TOKEN, Some(origin), request.clone()).await;
        assert!(response
            .headers()
            .get("access-control-allow-origin")
            .is_none());
        let (status, e) = error_of(response).await;
        assert_eq!((status, e.kind.as_str()), (403, "origin"), "{origin}");
    }
    // DNS rebinding: our address under another name.
    let response = client()
        .post(format!("{relay}/send"))
        .header("Host", "rebind.evil.test")
        .header("Authorization", format!("Bearer {TOKEN}"))
        .body(request.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    // The page's preflight is answered for a loopback origin.
    let preflight = client()
        .request(reqwest::Method::OPTIONS, format!("{relay}/send"))
        .header("Origin", "http://localhost:8080")
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "authorization,content-type",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 204);
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        "http://localhost:8080"
    );
    assert!(preflight.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .contains("authorization"));
}

#[tokio::test]
async fn oversized_requests_and_responses_are_413() {
    let big = "x".repeat(4096);
    let upstream = raw_server(ok_answer(&big)).await;
    let mut config = Config::new(TOKEN.into());
    config.max_request_bytes = 2048;
    config.max_response_bytes = 1024;
    let relay = start(config).await;
    let (status, e) = error_of(
        post(
            &relay,
            TOKEN,
            None,
            json!({"method": "POST", "url": upstream.url, "body": big}),
        )
        .await,
    )
    .await;
    assert_eq!((status, e.kind.as_str()), (413, "too-large"));
    assert!(e.error.contains("limit"), "{}", e.error);
    let (status, e) = error_of(
        post(
            &relay,
            TOKEN,
            None,
            json!({"method": "GET", "url": upstream.url}),
        )
        .await,
    )
    .await;
    assert_eq!((status, e.kind.as_str()), (413, "response-too-large"));
    assert!(e.error.contains("201"), "{}", e.error);
}

#[tokio::test]
async fn refuses_to_send_to_itself() {
    let relay = start(Config::new(TOKEN.into())).await;
    let port = relay.rsplit(':').next().unwrap();
    for url in [
        format!("{relay}/send"),
        format!("http://localhost:{port}/send"),
        format!("http://[::1]:{port}/"),
    ] {
        let (status, e) =
            error_of(post(&relay, TOKEN, None, json!({"method": "POST", "url": url})).await).await;
        assert_eq!((status, e.kind.as_str()), (508, "loop"), "{url}");
    }
}

#[tokio::test]
async fn times_out_fails_and_refuses_bad_input_clearly() {
    let hanging = raw_server(Answer::Hang).await;
    let relay = start(Config::new(TOKEN.into())).await;
    let started = std::time::Instant::now();
    let (status, e) = error_of(
        post(
            &relay,
            TOKEN,
            None,
            json!({"method": "GET", "url": hanging.url, "timeoutMs": 300}),
        )
        .await,
    )
    .await;
    assert_eq!((status, e.kind.as_str()), (504, "timeout"));
    assert!(started.elapsed() < Duration::from_secs(5));

    // Nothing listens on the port of a listener just closed.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (status, e) = error_of(
        post(
            &relay,
            TOKEN,
            None,
            json!({"method": "GET", "url": format!("http://127.0.0.1:{closed}/")}),
        )
        .await,
    )
    .await;
    assert_eq!((status, e.kind.as_str()), (502, "unreachable"));

    let (status, e) = error_of(
        post(&relay, TOKEN, None, json!({"method": "GET", "url": hanging.url, "headers": [{"name": "X-Price", "value": "€10"}]})).await,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        e.error.contains("ISO-8859-1") && e.error.contains("%E2%82%AC"),
        "{}",
        e.error
    );
    let (status, _) = error_of(post(&relay, TOKEN, None, json!({"url": "nope"})).await).await;
    assert_eq!(status, 400);
    let (status, e) = error_of(
        post(
            &relay,
            TOKEN,
            None,
            json!({"method": "GET", "url": "file:///etc/passwd"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 400);
    assert!(e.error.contains("http and https only"), "{}", e.error);
}

/// A test send through the relay to a host that does not answer: the page keeps the relay's
/// message in its send history, masked by the connection's secrets as written. The message
/// named the URL as parsed, twice (once in reqwest's own text), with the password of
/// `ops:S3cr;et=!@` re-encoded as `S3cr%3Bet%3D!`, which the mask does not know: the password
/// was stored in the browser. Now the URL is the one given, and masking leaves nothing of it.
#[tokio::test]
async fn an_unreachable_host_is_named_as_given_so_the_page_can_mask_it() {
    use hookwright_core::connection::examples;
    use hookwright_core::secret::mask_request;
    use hookwright_core::template::RenderedRequest;

    let relay = start(Config::new(TOKEN.into())).await;
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://ops:S3cr;et=!@127.0.0.1:{closed}/hook?token=tok en\"1&n=1");
    let (status, e) = error_of(
        post(
            &relay,
            TOKEN,
            None,
            json!({"method": "POST", "url": url, "body": "{}"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, e.kind.as_str()), (502, "unreachable"));
    assert!(e.error.contains(&url), "{}", e.error);

    let mut connection = examples().remove(0);
    connection.request.url = url.clone();
    let rendered = RenderedRequest {
        method: "POST".into(),
        url,
        headers: Vec::new(),
        body: Some("{}".into()),
        empty_variables: Vec::new(),
    };
    let stored = mask_request(&connection, &rendered).hide(&e.error);
    for part in ["S3cr", "%3B", "tok en", "tok%20en"] {
        assert!(!stored.contains(part), "{part}: {stored}");
    }
}
