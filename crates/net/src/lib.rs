//! Hookwright's local network tools, used by the `hookwright` CLI: the relay that sends the
//! page's test requests with a real HTTP client (`relay`), the listener that records webhook
//! deliveries and streams them to the page (`listen`), and the YouLend simulator (`simulate`).
//! Every server binds 127.0.0.1 only. The engine (`hookwright-core`) does the signing, checking
//! and record formats; this crate only moves bytes.

pub mod guard;
pub mod listen;
pub mod relay;
pub mod simulate;
pub mod time;

/// A single-threaded Tokio runtime: these tools serve one person's machine.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// Binds `127.0.0.1:port` (0 picks a free port), saying which port when it is taken.
pub async fn bind_loopback(port: u16) -> Result<tokio::net::TcpListener, String> {
    tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse => format!(
                "port {port} on 127.0.0.1 is already in use (another relay or listener?); pick another with --port"
            ),
            _ => format!("cannot listen on 127.0.0.1:{port}: {e}"),
        })
}

/// Runs `server` until it ends or the user stops it with Ctrl-C (SIGINT) or SIGTERM: a stop
/// asked for is `Ok(true)`, not a death by signal (a shell's 130), so `relay` and `listen` exit
/// 0 as README's exit-code table says. Open connections (an Inbox's stream never ends) are
/// dropped, not waited for; the listener has flushed each delivery before answering it.
pub async fn until_stopped<F>(server: F) -> std::io::Result<bool>
where
    F: std::future::Future<Output = std::io::Result<()>>,
{
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    // A signal that cannot be watched must not read as one that arrived.
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        result = server => result.map(|()| false),
        () = interrupt => Ok(true),
        () = terminate => Ok(true),
    }
}

/// How much of a body over its limit is read and dropped so that its sender reads the 413: a
/// connection closed with a body still in flight reaches a sender that writes its whole body
/// before reading (Python's urllib, many webhook senders) as a broken pipe, not an answer.
const DRAIN_MAX: usize = 256 * 1024 * 1024;

/// Why a request's body was not read.
pub(crate) enum Capped {
    TooLarge,
    Failed(String),
}

/// A request's body if it is at most `limit` bytes; a larger one is read on (up to
/// [`DRAIN_MAX`] more) and dropped, so its sender gets the answer.
pub(crate) async fn read_capped(body: axum::body::Body, limit: usize) -> Result<Vec<u8>, Capped> {
    use futures_util::StreamExt as _;
    let mut chunks = body.into_data_stream();
    let mut kept = Vec::new();
    let mut read = 0usize;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| Capped::Failed(e.to_string()))?;
        read = read.saturating_add(chunk.len());
        if read <= limit {
            kept.extend_from_slice(&chunk);
        } else if read > limit.saturating_add(DRAIN_MAX) {
            break;
        }
    }
    if read > limit {
        Err(Capped::TooLarge)
    } else {
        Ok(kept)
    }
}

/// A limit as people read it: "10 MiB", "512 KiB".
pub(crate) fn size(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{} KiB", bytes / 1024)
    }
}

/// reqwest's error with its causes: "error sending request: connection refused" (its own
/// text names no cause), for the relay's answers and the simulator's lines.
pub(crate) fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

/// The runtime type, for callers that do not depend on tokio themselves.
pub use tokio::net::TcpListener;
pub use tokio::runtime::Runtime;
