//! `hookwright listen`: a webhook receiver on 127.0.0.1 that answers 2xx at once, checks each
//! delivery's signature, appends it as one NDJSON line to the output file (written before the
//! answer, so a 2xx means recorded and Ctrl-C loses nothing), prints a line per delivery and
//! streams deliveries to the page's Inbox over Server-Sent Events at [`EVENTS_PATH`].

use std::collections::VecDeque;
use std::convert::Infallible;
use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Router;
use futures_util::stream::{self, Stream};
use hookwright_core::connection::Header;
use hookwright_core::delivery::Delivery;
use hookwright_core::signing::{self, Scheme};
use tokio::net::TcpListener;
use tokio::sync::broadcast;

use crate::guard;
use crate::time;
use crate::{read_capped, size, Capped};

pub const DEFAULT_PORT: u16 = 7421;
/// Where the page's Inbox connects (`EventSource`); every other path is a delivery.
pub const EVENTS_PATH: &str = "/_hookwright/events";
/// Deliveries kept in memory for an Inbox that connects (or reconnects) later.
const KEEP: usize = 1000;

pub struct Config {
    pub secret: Option<String>,
    /// `None`: detect each delivery's scheme from its headers.
    pub scheme: Option<Scheme>,
    /// Opened (append) by the caller, so that an unwritable path fails before listening.
    pub out: Option<std::fs::File>,
    pub max_body_bytes: usize,
    /// Print a line per delivery on standard output.
    pub print: bool,
}

impl Config {
    pub fn new() -> Config {
        Config {
            secret: None,
            scheme: None,
            out: None,
            max_body_bytes: 10 * 1024 * 1024,
            print: true,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config::new()
    }
}

struct Recorded {
    seq: u64,
    line: Arc<str>,
}

struct Shared {
    config: Config,
    /// This run of the listener, in every event id (`<run>-<seq>`): its counts start again at 1
    /// on each start, so an Inbox reconnecting with an id from an earlier run must get everything.
    run: String,
    state: Mutex<Log>,
    live: broadcast::Sender<Arc<Recorded>>,
}

struct Log {
    seq: u64,
    out: Option<std::fs::File>,
    kept: VecDeque<Arc<Recorded>>,
}

/// Serves until the process ends.
pub async fn serve(listener: TcpListener, mut config: Config) -> std::io::Result<()> {
    let out = config.out.take();
    let (live, _) = broadcast::channel(256);
    // The start time tells runs apart; the count, listeners started at once in one process.
    static STARTED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let run = format!(
        "{:x}.{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
        STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let shared = Arc::new(Shared {
        config,
        run,
        state: Mutex::new(Log {
            seq: 0,
            out,
            kept: VecDeque::new(),
        }),
        live,
    });
    let app = Router::new().fallback(dispatch).with_state(shared);
    axum::serve(listener, app).await
}

async fn dispatch(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    if request.uri().path() == EVENTS_PATH {
        return events(&shared, request.headers());
    }
    if request.method() == Method::OPTIONS {
        // A test send from a page: let it through (and read our answer).
        let asked = request
            .headers()
            .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
            .cloned()
            .unwrap_or(HeaderValue::from_static("*"));
        return guard::preflight([
            (
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            ),
            (
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("GET, POST, PUT, PATCH, DELETE"),
            ),
            (header::ACCESS_CONTROL_ALLOW_HEADERS, asked),
        ]);
    }
    let mut response = deliver(&shared, request).await;
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

fn json(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn deliver(shared: &Shared, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts
        .uri
        .path_and_query()
        .map_or("/".to_string(), |p| p.as_str().to_string());
    let limit = shared.config.max_body_bytes;
    let body = match read_capped(body, limit).await {
        Ok(body) => body,
        Err(unread) => {
            let message = match &unread {
                Capped::TooLarge => format!(
                    "the body is larger than the listener's {} limit; not recorded",
                    size(limit)
                ),
                Capped::Failed(e) => format!("the body could not be read: {e}; not recorded"),
            };
            say(
                std::io::stderr(),
                &format!("{} {path}: {message}", parts.method),
            );
            let status = match unread {
                Capped::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                Capped::Failed(_) => StatusCode::BAD_REQUEST,
            };
            return json(status, serde_json::json!({ "error": message }).to_string());
        }
    };
    let headers: Vec<Header> = parts
        .headers
        .iter()
        .map(|(name, value)| {
            // UTF-8 when it is, else ISO-8859-1 (HTTP's own reading, one byte a character).
            let value = String::from_utf8(value.as_bytes().to_vec())
                .unwrap_or_else(|_| value.as_bytes().iter().map(|&b| b as char).collect());
            Header::new(name.as_str(), value)
        })
        .collect();
    let verdict = signing::verify(
        shared.config.scheme,
        shared.config.secret.as_deref(),
        &headers,
        &body,
        time::unix_seconds(),
    );
    let mut delivery = Delivery::new(
        time::now_rfc3339(),
        parts.method.to_string(),
        path,
        headers,
        &body,
        verdict,
    );

    let recorded = {
        let mut log = shared
            .state
            .lock()
            .expect("no panics while holding the log");
        delivery.seq = log.seq + 1;
        let line = serde_json::to_string(&delivery).expect("deliveries serialise");
        if let Some(out) = log.out.as_mut() {
            // One write of the whole line, then flush: a line is either there or not.
            let before = out.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
            let written = out
                .write_all(format!("{line}\n").as_bytes())
                .and_then(|()| out.flush());
            if let Err(e) = written {
                // A disk that filled up mid-line keeps the part written: cut it off, or the
                // retry's line would be appended to it and both read as one broken line.
                if let Some(length) = before {
                    let _ = out.set_len(length);
                }
                say(
                    std::io::stderr(),
                    &format!("error: could not append delivery to the output file: {e}; answered 500 so the sender retries"),
                );
                return json(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    serde_json::json!({ "error": format!("the listener could not record this delivery: {e}") })
                        .to_string(),
                );
            }
        }
        log.seq = delivery.seq;
        let recorded = Arc::new(Recorded {
            seq: delivery.seq,
            line: line.into(),
        });
        log.kept.push_back(recorded.clone());
        if log.kept.len() > KEEP {
            log.kept.pop_front();
        }
        recorded
    };
    if shared.config.print {
        say(std::io::stdout(), &summary(&delivery, body.len()));
    }
    // Nobody watching is fine.
    let _ = shared.live.send(recorded.clone());
    json(
        StatusCode::OK,
        serde_json::json!({ "received": recorded.seq, "verified": delivery.verified }).to_string(),
    )
}

/// Prints a line for the person watching, if anyone is: under `listen | head -3` the pipe
/// closes, and `println!` would panic in the middle of a delivery already recorded, dropping
/// the connection unanswered, so the sender retries it.
fn say(mut to: impl std::io::Write, line: &str) {
    let _ = writeln!(to, "{line}");
}

/// `#3 04:53:24 POST /hooks 312 B  verified: youlend, signature matches…`
fn summary(d: &Delivery, bytes: usize) -> String {
    let clock = d.received_at.get(11..19).unwrap_or("");
    let verdict = match d.verified {
        Some(true) => "verified",
        Some(false) => "NOT VERIFIED",
        None => "unchecked",
    };
    let scheme = d.scheme.map_or(String::new(), |s| format!("{s}, "));
    format!(
        "#{} {clock} {} {} {bytes} B  {verdict}: {scheme}{}",
        d.seq, d.method, d.path, d.verdict
    )
}

/// The Inbox's stream: every kept delivery after `Last-Event-ID`, then each new one.
fn events(shared: &Arc<Shared>, headers: &HeaderMap) -> Response {
    if let Some(reason) = guard::refuse(headers) {
        return json(
            StatusCode::FORBIDDEN,
            serde_json::json!({ "error": reason }).to_string(),
        );
    }
    // An id of an earlier run (the listener was restarted while the Inbox stayed open) counts
    // other deliveries: send everything this run kept, even when it already has as many.
    let after: u64 = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once('-'))
        .filter(|(run, _)| *run == shared.run)
        .and_then(|(_, seq)| seq.parse().ok())
        .unwrap_or(0);
    // Subscribe before copying the backlog, so nothing falls between the two.
    let live = shared.live.subscribe();
    let log = shared
        .state
        .lock()
        .expect("no panics while holding the log");
    let backlog: Vec<Arc<Recorded>> = log.kept.iter().filter(|r| r.seq > after).cloned().collect();
    drop(log);
    let last = backlog.last().map_or(after, |r| r.seq);
    let run = shared.run.clone();
    let stream = stream::iter(backlog)
        .chain(following(live, last))
        .map(move |r| {
            Ok::<_, Infallible>(
                Event::default()
                    .id(format!("{run}-{}", r.seq))
                    .event("delivery")
                    .data(r.line.as_ref()),
            )
        });
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    if let Some(origin) = guard::allowed_origin(headers) {
        let h = response.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    response
}

use futures_util::StreamExt as _;

/// New deliveries after `last`, skipping any already sent from the backlog.
fn following(
    live: broadcast::Receiver<Arc<Recorded>>,
    last: u64,
) -> impl Stream<Item = Arc<Recorded>> {
    stream::unfold((live, last), |(mut live, last)| async move {
        loop {
            match live.recv().await {
                Ok(r) if r.seq > last => {
                    let seq = r.seq;
                    return Some((r, (live, seq)));
                }
                Ok(_) => continue,
                // A slow reader missed some; the page reconnects with Last-Event-ID for them.
                Err(broadcast::error::RecvError::Lagged(_)) => return None,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
}
