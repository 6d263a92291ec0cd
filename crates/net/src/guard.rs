//! Who may talk to the local servers' control endpoints: a page served from this machine
//! (`Origin` on the loopback) reaching us by a loopback name (`Host`, against DNS rebinding),
//! and the CORS preflight answer that tells the browser what it may send.

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// A CORS preflight answer: 204 with exactly these `Access-Control-*` headers, in this order.
pub fn preflight(headers: impl IntoIterator<Item = (HeaderName, HeaderValue)>) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().extend(headers);
    response
}

/// True for `127.0.0.0/8`, `localhost` (and `*.localhost`), `[::1]`, with or without a port.
pub fn is_loopback_host(host_port: &str) -> bool {
    let host = if let Some(rest) = host_port.strip_prefix('[') {
        match rest.split_once(']') {
            Some((inner, _)) => inner,
            None => return false,
        }
    } else {
        host_port.rsplit_once(':').map_or(host_port, |(h, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                h
            } else {
                host_port
            }
        })
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") || host == "::1" {
        return true;
    }
    host.parse::<std::net::Ipv4Addr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// True for an `http(s)://` origin whose host is on the loopback.
pub fn is_loopback_origin(origin: &str) -> bool {
    let Some((scheme, rest)) = origin.split_once("://") else {
        return false;
    };
    matches!(scheme, "http" | "https") && !rest.contains('/') && is_loopback_host(rest)
}

/// Why a request to a control endpoint is refused, or `None` when it may proceed. A request
/// without `Origin` (curl, a script) is allowed: the token (relay) or loopback binding covers it.
pub fn refuse(headers: &HeaderMap) -> Option<String> {
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !is_loopback_host(host) {
        return Some(format!(
            "refused: Host `{host}` is not a loopback name (127.0.0.1 or localhost); DNS rebinding is not allowed"
        ));
    }
    match headers.get("origin").map(|v| v.to_str().unwrap_or("")) {
        None => None,
        Some(origin) if is_loopback_origin(origin) => None,
        Some(origin) => Some(format!(
            "refused: only a page served from this machine (http://127.0.0.1 or http://localhost) may use this; the page's origin is `{origin}`"
        )),
    }
}

/// The `Origin` to echo in `Access-Control-Allow-Origin`: only a loopback one.
pub fn allowed_origin(headers: &HeaderMap) -> Option<HeaderValue> {
    let origin = headers.get("origin")?;
    is_loopback_origin(origin.to_str().ok()?).then(|| origin.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names() {
        for ok in [
            "127.0.0.1:7420",
            "127.1.2.3",
            "localhost:80",
            "app.localhost",
            "[::1]:9",
            "LOCALHOST.",
        ] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in [
            "evil.test:7420",
            "10.0.0.1",
            "",
            "127.0.0.1.evil.test",
            "[::2]:1",
            "0.0.0.0:7420",
        ] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
        assert!(is_loopback_origin("http://127.0.0.1:8080"));
        assert!(is_loopback_origin("http://localhost"));
        assert!(!is_loopback_origin("null"));
        assert!(!is_loopback_origin("https://evil.test"));
        assert!(!is_loopback_origin("http://127.0.0.1.evil.test"));
    }

    #[test]
    fn preflight_is_204_with_the_given_headers_in_order() {
        let response = preflight([
            (
                axum::http::header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("POST"),
            ),
            (
                axum::http::header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("600"),
            ),
        ]);
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let names: Vec<&str> = response.headers().keys().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            ["access-control-allow-methods", "access-control-max-age"]
        );
    }
}
