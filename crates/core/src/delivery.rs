//! A webhook delivery as `hookwright listen` records it: one NDJSON line per delivery in its
//! `--out` file, the same JSON on its Server-Sent Events stream, read back by the page's Inbox and
//! by `reconcile`, which takes a listener's file as it takes a batch of events.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::connection::Header;
use crate::signing::{Scheme, Verdict};

/// How [`Delivery::body`] holds the bytes received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyEncoding {
    /// The body was UTF-8: kept as text, byte for byte.
    #[default]
    Text,
    /// The body was not UTF-8: its bytes in base64.
    Base64,
}

/// One delivery. `receivedAt` is written first, so a reader can tell a listener's line from an
/// event by its first key (see [`Delivery::looks_like`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// RFC 3339, UTC, milliseconds: `2026-11-30T04:53:24.123Z`.
    pub received_at: String,
    pub method: String,
    /// The request target: path and query as received.
    pub path: String,
    /// In the order received, repeats kept; a value that is not UTF-8 is read as ISO-8859-1.
    pub headers: Vec<Header>,
    /// The raw body: text when it was UTF-8, else base64 (see `bodyEncoding`).
    pub body: String,
    #[serde(default)]
    pub body_encoding: BodyEncoding,
    /// `true`/`false` when a secret was given, `null` when nothing was checked.
    pub verified: Option<bool>,
    /// The scheme checked: `youlend`, `standard`, or `null` when none applies.
    pub scheme: Option<Scheme>,
    /// Why it verified or not, in words.
    #[serde(default)]
    pub verdict: String,
    /// The listener's count of deliveries, from 1.
    #[serde(default)]
    pub seq: u64,
}

impl Delivery {
    /// A delivery of `body`, kept as text when it is UTF-8 and as base64 otherwise.
    pub fn new(
        received_at: String,
        method: String,
        path: String,
        headers: Vec<Header>,
        body: &[u8],
        verdict: Verdict,
    ) -> Delivery {
        let (body, body_encoding) = match std::str::from_utf8(body) {
            Ok(text) => (text.to_string(), BodyEncoding::Text),
            Err(_) => (STANDARD.encode(body), BodyEncoding::Base64),
        };
        Delivery {
            received_at,
            method,
            path,
            headers,
            body,
            body_encoding,
            verified: verdict.verified,
            scheme: verdict.scheme,
            verdict: verdict.message,
            seq: 0,
        }
    }

    /// The body's bytes as received.
    pub fn body_bytes(&self) -> Result<Vec<u8>, String> {
        match self.body_encoding {
            BodyEncoding::Text => Ok(self.body.as_bytes().to_vec()),
            BodyEncoding::Base64 => STANDARD
                .decode(&self.body)
                .map_err(|e| format!("the delivery's base64 body does not decode: {e}")),
        }
    }

    /// True for a line a listener wrote (its first key is `receivedAt`), false for an event.
    pub fn looks_like(text: &str) -> bool {
        text.trim_start()
            .strip_prefix('{')
            .is_some_and(|rest| rest.trim_start().starts_with("\"receivedAt\""))
    }

    /// The event a listener's line carries, for reconciling: its body bytes, unless the signature
    /// was checked and failed (a forged or mangled delivery must not count as money).
    pub fn event_bytes(text: &str) -> Result<Vec<u8>, String> {
        let delivery: Delivery = serde_json::from_str(text).map_err(|e| {
            format!(
                "a listener's delivery line that does not parse: {} (column {})",
                crate::context::serde_reason(&e),
                e.column()
            )
        })?;
        if delivery.verified == Some(false) {
            return Err(format!(
                "delivery {} {} received {} did not verify ({}); not reconciled",
                delivery.method, delivery.path, delivery.received_at, delivery.verdict
            ));
        }
        delivery.body_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(verified: Option<bool>) -> Verdict {
        Verdict {
            verified,
            scheme: Some(Scheme::Youlend),
            message: "m".into(),
        }
    }

    #[test]
    fn bodies_that_are_not_utf8_round_trip_as_base64() {
        let d = Delivery::new(
            "t".into(),
            "POST".into(),
            "/".into(),
            vec![],
            b"\xff\x00a",
            verdict(None),
        );
        assert_eq!(d.body_encoding, BodyEncoding::Base64);
        let line = serde_json::to_string(&d).unwrap();
        assert!(line.starts_with("{\"receivedAt\":"), "{line}");
        assert!(Delivery::looks_like(&line));
        assert_eq!(Delivery::event_bytes(&line).unwrap(), b"\xff\x00a");
        assert!(!Delivery::looks_like(r#"{"EventCode":"LOA10040"}"#));
    }

    #[test]
    fn failed_signatures_are_not_reconciled() {
        let d = Delivery::new(
            "t".into(),
            "POST".into(),
            "/".into(),
            vec![],
            b"{}",
            verdict(Some(false)),
        );
        let err = Delivery::event_bytes(&serde_json::to_string(&d).unwrap()).unwrap_err();
        assert!(err.contains("did not verify"), "{err}");
    }

    #[test]
    fn a_broken_delivery_line_says_why_in_json_words() {
        // serde's own text ended "at line 1 column 31" (the report gives the line) and could
        // name a Rust struct.
        for line in [
            r#"{"receivedAt": "x", "method": 5}"#,
            r#"{"receivedAt": []}"#,
        ] {
            let err = Delivery::event_bytes(line).unwrap_err();
            assert!(err.contains("(column "), "{err}");
            assert!(
                !err.contains(" at line ") && !err.contains("struct"),
                "{err}"
            );
        }
    }
}
