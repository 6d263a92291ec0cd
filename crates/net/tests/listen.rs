//! The listener on an ephemeral 127.0.0.1 port: each delivery answered 2xx, checked, appended as
//! one NDJSON line before the answer, streamed over SSE (backlog, then live, resumable by
//! Last-Event-ID); a malformed signature is recorded as unverified, a body that is not UTF-8
//! as base64, an oversized one refused with 413 and not recorded.

mod common;

use std::io::BufRead as _;
use std::time::Duration;

use common::client;
use hookwright_core::delivery::{BodyEncoding, Delivery};
use hookwright_core::signing::{self, KeyReading, Scheme, SignWith};
use hookwright_net::listen::{self, Config, EVENTS_PATH};

const SECRET: &str = "c2VjcmV0LWtleS1ieXRlcw==";

struct Started {
    url: String,
    file: std::path::PathBuf,
    _dir: TempDir,
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn start(scheme: Option<Scheme>, max_body: usize) -> Started {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "hookwright-listen-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("deliveries.ndjson");
    let out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&file)
        .unwrap();
    let listener = hookwright_net::bind_loopback(0).await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let config = Config {
        secret: Some(SECRET.into()),
        scheme,
        out: Some(out),
        max_body_bytes: max_body,
        print: false,
    };
    tokio::spawn(listen::serve(listener, config));
    Started {
        url,
        file,
        _dir: TempDir(dir),
    }
}

fn lines(file: &std::path::Path) -> Vec<Delivery> {
    std::io::BufReader::new(std::fs::File::open(file).unwrap())
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect()
}

fn youlend_headers(body: &[u8]) -> Vec<(String, String)> {
    signing::sign(
        &SignWith {
            scheme: Scheme::Youlend,
            secret: SECRET,
            id: "",
            timestamp: 0,
            key_reading: KeyReading::Text,
        },
        body,
    )
    .unwrap()
    .into_iter()
    .map(|h| (h.name, h.value))
    .collect()
}

async fn deliver(
    url: &str,
    path: &str,
    headers: &[(String, String)],
    body: Vec<u8>,
) -> reqwest::Response {
    let mut request = client().post(format!("{url}{path}")).body(body);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn records_each_delivery_as_one_checked_line() {
    let s = start(None, 1 << 20).await;
    let body = br#"{"EventCode":"LOA10040","EventProperties":{}}"#.to_vec();
    let response = deliver(
        &s.url,
        "/hooks/youlend?attempt=1",
        &youlend_headers(&body),
        body.clone(),
    )
    .await;
    assert_eq!(response.status(), 200);
    // A malformed signature: recorded (nothing lost), marked, with the reason.
    let bad = vec![(
        "X-YL-Webhook-Signature".to_string(),
        "sha256=***".to_string(),
    )];
    assert_eq!(
        deliver(&s.url, "/hooks", &bad, body.clone()).await.status(),
        200
    );
    // Not UTF-8: kept as base64.
    assert_eq!(
        deliver(&s.url, "/bin", &[], vec![0xff, 0xfe, 0x00, b'a'])
            .await
            .status(),
        200
    );
    // A Standard Webhooks delivery, stamped now, and one stamped an hour ago.
    let now = hookwright_net::time::unix_seconds();
    for (id, ts) in [("msg_now", now), ("msg_old", now - 3600)] {
        let headers: Vec<(String, String)> = signing::sign(
            &SignWith {
                scheme: Scheme::Standard,
                secret: SECRET,
                id,
                timestamp: ts,
                key_reading: KeyReading::Decoded,
            },
            &body,
        )
        .unwrap()
        .into_iter()
        .map(|h| (h.name, h.value))
        .collect();
        assert_eq!(
            deliver(&s.url, "/std", &headers, body.clone())
                .await
                .status(),
            200
        );
    }

    let got = lines(&s.file);
    assert_eq!(got.len(), 5, "one line per delivery");
    assert_eq!(
        got.iter().map(|d| d.seq).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    let first = &got[0];
    assert_eq!(
        (first.method.as_str(), first.path.as_str()),
        ("POST", "/hooks/youlend?attempt=1")
    );
    assert_eq!(first.body.as_bytes(), &body[..]);
    assert_eq!(
        (first.verified, first.scheme),
        (Some(true), Some(Scheme::Youlend))
    );
    assert!(first.verdict.contains("text"), "{}", first.verdict);
    assert!(first
        .headers
        .iter()
        .any(|h| h.name == "x-yl-webhook-signature"));
    assert!(first.received_at.ends_with('Z') && first.received_at.len() == 24);

    assert_eq!(got[1].verified, Some(false));
    assert!(got[1].verdict.contains("not base64"), "{}", got[1].verdict);

    assert_eq!(got[2].body_encoding, BodyEncoding::Base64);
    assert_eq!(got[2].body_bytes().unwrap(), [0xff, 0xfe, 0x00, b'a']);
    assert_eq!(got[2].verified, Some(false), "unsigned, with a secret set");

    assert_eq!(
        (got[3].verified, got[3].scheme),
        (Some(true), Some(Scheme::Standard))
    );
    assert_eq!(got[4].verified, Some(false));
    assert!(got[4].verdict.contains("old"), "{}", got[4].verdict);

    // The file reconciles: the verified event counts, the forged one is an error, not money.
    let text = std::fs::read_to_string(&s.file).unwrap();
    let report = hookwright_core::youlend::reconcile(text.as_bytes());
    assert!(report
        .errors
        .iter()
        .any(|e| e.line == 2 && e.reason.contains("did not verify")));
}

#[tokio::test]
async fn an_oversized_body_is_413_and_not_recorded() {
    let s = start(Some(Scheme::Youlend), 1024).await;
    let response = deliver(&s.url, "/", &[], vec![b'x'; 4096]).await;
    assert_eq!(response.status(), 413);
    let text = response.text().await.unwrap();
    assert!(text.contains("limit"), "{text}");
    assert_eq!(lines(&s.file).len(), 0);
}

/// A sender that writes its whole body before reading (Python's urllib, many
/// webhook senders) still reads the 413 of a body far over the limit: the
/// listener reads on and drops the rest instead of closing a connection with a
/// body still in flight, which such a sender saw as a broken pipe.
#[tokio::test]
async fn a_body_far_over_the_limit_still_gets_its_413() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let s = start(None, 1024).await;
    let body = vec![b'x'; 8 * 1024 * 1024];
    let address = s.url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream
        .write_all(&body)
        .await
        .expect("the whole body is read");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("not recorded"), "{answer}");
    assert_eq!(lines(&s.file).len(), 0);
}

/// Reads SSE `data:` lines until `count` deliveries arrived.
async fn read_events(response: &mut reqwest::Response, count: usize) -> Vec<Delivery> {
    read_events_with_ids(response, count)
        .await
        .into_iter()
        .map(|(_, d)| d)
        .collect()
}

/// Reads events until `count` deliveries arrived, each with its `id:` (what a browser sends
/// back as `Last-Event-ID` when it reconnects).
async fn read_events_with_ids(
    response: &mut reqwest::Response,
    count: usize,
) -> Vec<(String, Delivery)> {
    let mut buffer = String::new();
    let mut out = Vec::new();
    while out.len() < count {
        let chunk = tokio::time::timeout(Duration::from_secs(5), response.chunk())
            .await
            .expect("an event within 5 s")
            .unwrap()
            .expect("the stream stays open");
        buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        while let Some(end) = buffer.find("\n\n") {
            let event: String = buffer.drain(..end + 2).collect();
            if let Some(data) = event.lines().find_map(|l| l.strip_prefix("data: ")) {
                let id = event
                    .lines()
                    .find_map(|l| l.strip_prefix("id: "))
                    .expect("each delivery has an id");
                out.push((id.to_string(), serde_json::from_str(data).unwrap()));
            }
        }
    }
    out
}

#[tokio::test]
async fn streams_deliveries_to_a_loopback_page() {
    let s = start(None, 1 << 20).await;
    let body = b"{\"EventCode\":\"ONB10009\"}".to_vec();
    deliver(&s.url, "/early", &youlend_headers(&body), body.clone()).await;

    let mut stream = client()
        .get(format!("{}{EVENTS_PATH}", s.url))
        .header("Origin", "http://127.0.0.1:8080")
        .header("Accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    assert_eq!(
        stream.headers()["access-control-allow-origin"],
        "http://127.0.0.1:8080"
    );
    let backlog = read_events(&mut stream, 1).await;
    assert_eq!(backlog[0].path, "/early");
    deliver(&s.url, "/live", &[], body.clone()).await;
    let live = read_events_with_ids(&mut stream, 1).await;
    let (last_id, live) = &live[0];
    assert_eq!((live.path.as_str(), live.seq), ("/live", 2));

    // Reconnecting with Last-Event-ID gets only what came after.
    deliver(&s.url, "/third", &[], body).await;
    let mut resumed = client()
        .get(format!("{}{EVENTS_PATH}", s.url))
        .header("Last-Event-ID", last_id)
        .send()
        .await
        .unwrap();
    let after = read_events(&mut resumed, 1).await;
    assert_eq!((after[0].path.as_str(), after[0].seq), ("/third", 3));

    // An id this run never gave (an earlier run's) gets everything.
    for other in ["99", "2"] {
        let mut restarted = client()
            .get(format!("{}{EVENTS_PATH}", s.url))
            .header("Last-Event-ID", other)
            .send()
            .await
            .unwrap();
        assert_eq!(read_events(&mut restarted, 3).await[0].seq, 1, "{other}");
    }

    // Another site's page may not watch.
    let foreign = client()
        .get(format!("{}{EVENTS_PATH}", s.url))
        .header("Origin", "https://evil.test")
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);
    assert!(foreign
        .headers()
        .get("access-control-allow-origin")
        .is_none());
}

/// The listener restarted while the page's Inbox stayed open: the browser reconnects with the
/// last id it saw, from the earlier run. The new run counts from 1 again, and when it already
/// has as many deliveries as that id counts (a sender was quick, or the browser slow to
/// reconnect), the id must not skip them: they were sent from 4 on, the first 3 never shown.
#[tokio::test]
async fn an_inbox_open_across_a_listener_restart_loses_nothing() {
    let body = b"{\"EventCode\":\"LOA10040\"}".to_vec();
    let first = start(None, 1 << 20).await;
    for path in ["/a1", "/a2", "/a3"] {
        deliver(&first.url, path, &[], body.clone()).await;
    }
    let mut stream = client()
        .get(format!("{}{EVENTS_PATH}", first.url))
        .send()
        .await
        .unwrap();
    let seen = read_events_with_ids(&mut stream, 3).await;
    let last_id = seen[2].0.clone();
    drop(stream);

    let second = start(None, 1 << 20).await;
    for path in ["/b1", "/b2", "/b3", "/b4", "/b5"] {
        deliver(&second.url, path, &[], body.clone()).await;
    }
    let mut reconnected = client()
        .get(format!("{}{EVENTS_PATH}", second.url))
        .header("Last-Event-ID", &last_id)
        .send()
        .await
        .unwrap();
    let paths: Vec<String> = read_events(&mut reconnected, 5)
        .await
        .into_iter()
        .map(|d| d.path)
        .collect();
    assert_eq!(paths, ["/b1", "/b2", "/b3", "/b4", "/b5"]);
}
