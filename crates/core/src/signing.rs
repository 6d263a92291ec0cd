//! Signing and checking webhook deliveries with either scheme Hookwright knows: YouLend's
//! `X-YL-Webhook-Signature: sha256=<base64>` over the body, and Standard Webhooks'
//! `webhook-id` / `webhook-timestamp` / `webhook-signature: v1,<base64>` over `id.timestamp.body`.
//! The CLI's `sign`, `verify` and `listen`, the simulator and the page's signed test sends all
//! call these; nothing here reads the clock or randomness (callers pass them).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::connection::Header;
use crate::standard_webhooks as standard;
use crate::youlend::signature as youlend;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// YouLend: `X-YL-Webhook-Signature: sha256=<base64>`.
    Youlend,
    /// Standard Webhooks: `webhook-signature: v1,<base64>` with `webhook-id` and `webhook-timestamp`.
    Standard,
}

impl Scheme {
    pub const ALL: [Scheme; 2] = [Scheme::Youlend, Scheme::Standard];

    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Youlend => "youlend",
            Scheme::Standard => "standard",
        }
    }

    /// For people: "YouLend (X-YL-Webhook-Signature)".
    pub fn label(self) -> &'static str {
        match self {
            Scheme::Youlend => "YouLend (X-YL-Webhook-Signature)",
            Scheme::Standard => "Standard Webhooks (webhook-signature)",
        }
    }

    /// The scheme whose signature header a delivery carries, if any.
    pub fn detect(headers: &[Header]) -> Option<Scheme> {
        if header(headers, standard::SIGNATURE_HEADER).is_some()
            || header(headers, standard::SVIX_HEADERS[2]).is_some()
        {
            Some(Scheme::Standard)
        } else if header(headers, youlend::HEADER_NAME).is_some() {
            Some(Scheme::Youlend)
        } else {
            None
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scheme {
    type Err = String;
    fn from_str(s: &str) -> Result<Scheme, String> {
        match s.to_ascii_lowercase().as_str() {
            "youlend" => Ok(Scheme::Youlend),
            "standard" | "standard-webhooks" => Ok(Scheme::Standard),
            other => Err(format!(
                "unknown signing scheme `{other}`: use youlend or standard"
            )),
        }
    }
}

/// Which bytes of a YouLend secret key the HMAC: YouLend's docs leave it open, so the sender
/// picks and the checker tries both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum KeyReading {
    /// The base64-decoded bytes when the secret is base64, else its text.
    #[default]
    Decoded,
    /// The secret's text as UTF-8 bytes.
    Text,
}

/// The HMAC key for a YouLend secret read as `reading`.
pub fn youlend_key(secret: &str, reading: KeyReading) -> Vec<u8> {
    let secret = secret.trim();
    match reading {
        KeyReading::Text => secret.as_bytes().to_vec(),
        KeyReading::Decoded => {
            youlend::decode_secret(secret).unwrap_or_else(|| secret.as_bytes().to_vec())
        }
    }
}

/// What to sign a body with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignWith<'a> {
    pub scheme: Scheme,
    pub secret: &'a str,
    /// Standard Webhooks: the message id (`webhook-id`).
    pub id: &'a str,
    /// Standard Webhooks: seconds since 1970 (`webhook-timestamp`).
    pub timestamp: i64,
    /// YouLend: which bytes of the secret are the key.
    pub key_reading: KeyReading,
}

/// The headers that sign `body`, in the order a sender puts them.
pub fn sign(with: &SignWith, body: &[u8]) -> Result<Vec<Header>, String> {
    if with.secret.trim().is_empty() {
        return Err("the signing secret is empty".to_string());
    }
    let header = |name: &str, value: String| Header::new(name, value);
    match with.scheme {
        Scheme::Youlend => Ok(vec![header(
            youlend::HEADER_NAME,
            youlend::sign(&youlend_key(with.secret, with.key_reading), body),
        )]),
        Scheme::Standard => {
            if with.id.is_empty() {
                return Err("a Standard Webhooks message needs an id (webhook-id)".to_string());
            }
            // The id is sent as a header: a line break would cut the printed header in two.
            if with.id.chars().any(char::is_control) {
                return Err(format!(
                    "the message id cannot be the {} header: it holds a line break or another control character",
                    standard::ID_HEADER
                ));
            }
            if with.timestamp < 0 {
                return Err("the timestamp must be seconds since 1970".to_string());
            }
            let signature = standard::sign(with.secret, with.id, with.timestamp, body)
                .map_err(|e| e.to_string())?;
            Ok(vec![
                header(standard::ID_HEADER, with.id.to_string()),
                header(standard::TIMESTAMP_HEADER, with.timestamp.to_string()),
                header(standard::SIGNATURE_HEADER, signature),
            ])
        }
    }
}

/// The first value of header `name` (case-insensitive).
pub fn header<'h>(headers: &'h [Header], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

/// A delivery's Standard Webhooks id, timestamp and signature: the `webhook-*` headers, or
/// Svix's `svix-*` when those are all there and the `webhook-*` set is not, as Svix's libraries
/// read them (missing ones are empty, for the checker to name).
fn standard_headers(headers: &[Header]) -> [&str; 3] {
    let named = |names: [&str; 3]| names.map(|name| header(headers, name));
    let webhook = named([
        standard::ID_HEADER,
        standard::TIMESTAMP_HEADER,
        standard::SIGNATURE_HEADER,
    ]);
    let svix = named(standard::SVIX_HEADERS);
    let chosen = if webhook.iter().all(Option::is_none)
        || (!webhook.iter().all(Option::is_some) && svix.iter().all(Option::is_some))
    {
        svix
    } else {
        webhook
    };
    chosen.map(|value| value.unwrap_or(""))
}

/// What checking a delivery's signature found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    /// `None`: nothing to check against (no secret given).
    pub verified: Option<bool>,
    /// The scheme checked (given, or detected from the headers).
    pub scheme: Option<Scheme>,
    /// Why, in words: which key reading matched, or what is wrong.
    pub message: String,
}

/// Checks a received delivery. `scheme` `None` detects it from the headers; `now` (seconds since
/// 1970) enforces Standard Webhooks' timestamp tolerance.
pub fn verify(
    scheme: Option<Scheme>,
    secret: Option<&str>,
    headers: &[Header],
    body: &[u8],
    now: i64,
) -> Verdict {
    let scheme = scheme.or_else(|| Scheme::detect(headers));
    let Some(secret) = secret.filter(|s| !s.trim().is_empty()) else {
        return Verdict {
            verified: None,
            scheme,
            message: "not checked: no secret given".to_string(),
        };
    };
    let Some(scheme) = scheme else {
        return Verdict {
            verified: Some(false),
            scheme: None,
            message: format!(
                "unsigned: neither {} nor {} (or Svix's {}) is present",
                youlend::HEADER_NAME,
                standard::SIGNATURE_HEADER,
                standard::SVIX_HEADERS[2]
            ),
        };
    };
    let result = match scheme {
        Scheme::Youlend => match header(headers, youlend::HEADER_NAME) {
            None => Err(format!("the {} header is missing", youlend::HEADER_NAME)),
            Some(value) => youlend::verify(secret, value, body)
                .map(|v| format!("signature matches, with {} as the key", v.key.describe()))
                .map_err(|e| e.to_string()),
        },
        Scheme::Standard => {
            let [id, timestamp, signatures] = standard_headers(headers);
            standard::verify(secret, id, timestamp, signatures, body, Some(now))
                .map(|()| "signature matches, timestamp within 5 minutes".to_string())
                .map_err(|e| e.to_string())
        }
    };
    match result {
        Ok(message) => Verdict {
            verified: Some(true),
            scheme: Some(scheme),
            message,
        },
        Err(message) => Verdict {
            verified: Some(false),
            scheme: Some(scheme),
            message,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_headers_verify_under_either_scheme() {
        let body = br#"{"EventCode":"LOA10040"}"#;
        for scheme in Scheme::ALL {
            let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
            let headers = sign(
                &SignWith {
                    scheme,
                    secret,
                    id: "msg_1",
                    timestamp: 1_700_000_000,
                    key_reading: KeyReading::Text,
                },
                body,
            )
            .unwrap();
            assert_eq!(Scheme::detect(&headers), Some(scheme));
            let verdict = verify(None, Some(secret), &headers, body, 1_700_000_010);
            assert_eq!(
                verdict.verified,
                Some(true),
                "{scheme}: {}",
                verdict.message
            );
            let tampered = verify(None, Some(secret), &headers, b"{}", 1_700_000_010);
            assert_eq!(tampered.verified, Some(false));
        }
    }

    #[test]
    fn a_wrapped_youlend_key_is_read_whole() {
        // "c2VjcmV0LWtleS1ieXRlcw==" split over two lines, as a file may hold it.
        assert_eq!(
            youlend_key("c2VjcmV0LWtl\neS1ieXRlcw==\n", KeyReading::Decoded),
            b"secret-key-bytes"
        );
        assert_eq!(
            youlend_key("not base64!", KeyReading::Decoded),
            b"not base64!"
        );
    }

    /// Svix sends the Standard Webhooks signature as `svix-id`, `svix-timestamp` and
    /// `svix-signature` (Clerk's and Resend's webhooks come so), and its libraries read either
    /// set. These deliveries were "unsigned: neither … is present" with the right secret.
    #[test]
    fn svix_named_headers_are_standard_webhooks() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        let svix = |signature: &str| {
            vec![
                Header::new("Svix-Id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
                Header::new("Svix-Timestamp", "1614265330"),
                Header::new("Svix-Signature", signature),
            ]
        };
        let good = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        let headers = svix(good);
        assert_eq!(Scheme::detect(&headers), Some(Scheme::Standard));
        let verdict = verify(None, Some(secret), &headers, body, 1614265330);
        assert_eq!(verdict.verified, Some(true), "{}", verdict.message);
        let forged = verify(None, Some(secret), &svix("v1,AAAA"), body, 1614265330);
        assert_eq!(forged.verified, Some(false));
        // A complete webhook-* set is the one read.
        let mut both = svix("v1,AAAA");
        both.extend(
            sign(
                &SignWith {
                    scheme: Scheme::Standard,
                    secret,
                    id: "msg_2",
                    timestamp: 1614265330,
                    key_reading: KeyReading::Decoded,
                },
                body,
            )
            .unwrap(),
        );
        assert_eq!(
            verify(None, Some(secret), &both, body, 1614265330).verified,
            Some(true)
        );
    }

    #[test]
    fn no_secret_is_not_checked_and_no_header_is_unsigned() {
        assert_eq!(verify(None, None, &[], b"", 0).verified, None);
        let v = verify(None, Some("k"), &[], b"", 0);
        assert_eq!((v.verified, v.scheme), (Some(false), None));
        assert!(v.message.contains("unsigned"));
    }
}
