//! YouLend webhook signatures: `X-YL-Webhook-Signature: sha256=<base64 HMAC-SHA256 of the raw body>`.
//! YouLend's docs leave open whether the (base64) secret is used as text or decoded, so both
//! key forms are tried, in constant time, and the verdict says which one matched.

use std::fmt;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use crate::error::{Error, ErrorKind};

/// The header YouLend puts its signature in.
pub const HEADER_NAME: &str = "X-YL-Webhook-Signature";
const PREFIX: &str = "sha256=";
const DIGEST_LEN: usize = 32;

type HmacSha256 = Hmac<Sha256>;

/// Which bytes of the `webhookSecretKey` made the matching HMAC key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum KeyEncoding {
    /// The secret's text as UTF-8 bytes, exactly as shown in YouLend's portal.
    Text,
    /// The bytes the secret's base64 text decodes to.
    Base64Decoded,
}

impl KeyEncoding {
    pub fn describe(self) -> &'static str {
        match self {
            KeyEncoding::Text => "the secret's text (UTF-8 bytes)",
            KeyEncoding::Base64Decoded => "the secret's base64-decoded bytes",
        }
    }
}

/// A signature that matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verified {
    pub key: KeyEncoding,
}

/// Why a signature was not accepted. Each variant's doc names an input that triggers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "reason")]
pub enum SignatureError {
    /// `--secret ""`.
    EmptySecret,
    /// `X-YL-Webhook-Signature:` with nothing after it.
    EmptyHeader,
    /// `md5=abc`, or a bare base64 digest without `sha256=`.
    MissingPrefix { found: String },
    /// `sha256=not*base64`.
    BadBase64 { detail: String },
    /// `sha256=AAAA` (3 bytes, not 32).
    WrongLength { bytes: usize },
    /// A well-formed signature computed with another key or over other bytes.
    NoMatch {
        /// False when the secret is not base64, so only its text form was tried.
        secret_is_base64: bool,
        /// The body would match without its trailing line break (often added by an editor).
        matches_without_trailing_newline: bool,
    },
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureError::EmptySecret => f.write_str("the secret key is empty"),
            SignatureError::EmptyHeader => write!(f, "the {HEADER_NAME} header value is empty"),
            SignatureError::MissingPrefix { found } => write!(
                f,
                "the signature must start with `{PREFIX}` (found `{found}`)"
            ),
            SignatureError::BadBase64 { detail } => {
                write!(f, "the signature after `{PREFIX}` is not base64: {detail}")
            }
            SignatureError::WrongLength { bytes } => write!(
                f,
                "the signature decodes to {bytes} bytes; an HMAC-SHA256 has {DIGEST_LEN}"
            ),
            SignatureError::NoMatch {
                secret_is_base64,
                matches_without_trailing_newline,
            } => {
                if *secret_is_base64 {
                    f.write_str("the signature matches neither the secret's text nor its base64-decoded bytes")?;
                } else {
                    f.write_str("the signature does not match the secret's text (the secret is not base64, so no decoded form was tried)")?;
                }
                if *matches_without_trailing_newline {
                    f.write_str("; it would match without the body's trailing line break: sign and check the raw bytes as received")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for SignatureError {}

impl From<SignatureError> for Error {
    fn from(e: SignatureError) -> Error {
        Error::new(ErrorKind::Invalid, e.to_string(), None)
    }
}

/// Checks `header_value` (`sha256=...`, optionally preceded by the header's name) against `body`,
/// the raw bytes as received: re-serialised JSON would not match.
pub fn verify(secret: &str, header_value: &str, body: &[u8]) -> Result<Verified, SignatureError> {
    let secret = secret.trim();
    if secret.is_empty() {
        return Err(SignatureError::EmptySecret);
    }
    let expected = parse_header(header_value)?;
    let decoded_secret = decode_secret(secret);
    let matches = |body: &[u8]| -> Option<KeyEncoding> {
        if mac(secret.as_bytes(), body).verify_slice(&expected).is_ok() {
            return Some(KeyEncoding::Text);
        }
        let decoded = decoded_secret.as_deref()?;
        mac(decoded, body)
            .verify_slice(&expected)
            .is_ok()
            .then_some(KeyEncoding::Base64Decoded)
    };
    if let Some(key) = matches(body) {
        return Ok(Verified { key });
    }
    let trimmed = body
        .strip_suffix(b"\n")
        .map(|b| b.strip_suffix(b"\r").unwrap_or(b));
    Err(SignatureError::NoMatch {
        secret_is_base64: decoded_secret.is_some(),
        matches_without_trailing_newline: trimmed.is_some_and(|b| matches(b).is_some()),
    })
}

/// The header value YouLend would send for `body` signed with `key` (as bytes).
pub fn sign(key: &[u8], body: &[u8]) -> String {
    format!(
        "{PREFIX}{}",
        STANDARD.encode(mac(key, body).finalize().into_bytes())
    )
}

/// The 32 digest bytes of a header value. Accepts `sha256=...` or the whole header line
/// `X-YL-Webhook-Signature: sha256=...`, with surrounding whitespace.
pub fn parse_header(header_value: &str) -> Result<[u8; DIGEST_LEN], SignatureError> {
    let mut value = header_value.trim();
    if let Some(rest) = strip_prefix_ignore_case(value, HEADER_NAME) {
        if let Some(rest) = rest.trim_start().strip_prefix(':') {
            value = rest.trim();
        }
    }
    if value.is_empty() {
        return Err(SignatureError::EmptyHeader);
    }
    let Some(encoded) = strip_prefix_ignore_case(value, PREFIX) else {
        let found: String = value.chars().take(12).collect();
        let ellipsis = if value.chars().count() > 12 {
            "…"
        } else {
            ""
        };
        return Err(SignatureError::MissingPrefix {
            found: format!("{found}{ellipsis}"),
        });
    };
    let encoded = encoded.trim();
    let bytes = decode_base64(encoded).ok_or_else(|| SignatureError::BadBase64 {
        detail: STANDARD
            .decode(encoded)
            .err()
            .map_or_else(|| "it is empty".to_string(), base64_problem),
    })?;
    <[u8; DIGEST_LEN]>::try_from(bytes.as_slice())
        .map_err(|_| SignatureError::WrongLength { bytes: bytes.len() })
}

/// What breaks a base64 text, in words, with the (1-based) character at fault:
/// the decoder's own `Invalid symbol 61, offset 43.` names a byte value.
fn base64_problem(e: base64::DecodeError) -> String {
    let shown = |byte: u8| match byte {
        b'!'..=b'~' => format!("`{}`", byte as char),
        b' ' => "a space".to_string(),
        _ => format!("byte 0x{byte:02x}"),
    };
    match e {
        base64::DecodeError::InvalidByte(at, b'=') => {
            format!("character {} is `=`, which may only end it", at + 1)
        }
        base64::DecodeError::InvalidByte(at, byte) => {
            format!(
                "character {} is {}, not a base64 character",
                at + 1,
                shown(byte)
            )
        }
        base64::DecodeError::InvalidLength(len) => {
            format!("{len} characters is not a length base64 can have")
        }
        base64::DecodeError::InvalidLastSymbol(at, byte) => format!(
            "its last character, {} (character {}), leaves stray bits: it was cut or changed",
            shown(byte),
            at + 1
        ),
        base64::DecodeError::InvalidPadding => "its `=` padding is wrong".to_string(),
    }
}

fn mac(key: &[u8], body: &[u8]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(body);
    mac
}

/// The bytes a base64 `webhookSecretKey` decodes to, `None` when it is not base64. Whitespace
/// inside is skipped, as common base64 decoders do (Python's `b64decode`, Go's `DecodeString`): a
/// key kept in a file the way `base64` and `openssl rand -base64` write one wraps at 76 or 64
/// characters, and the line break is no part of the key.
pub fn decode_secret(secret: &str) -> Option<Vec<u8>> {
    let compact: String = secret
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    decode_base64(&compact).filter(|bytes| !bytes.is_empty())
}

/// Standard or URL-safe alphabet, padded or not: the digest is still compared in full,
/// so leniency here costs no security.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    if text.is_empty() {
        return None;
    }
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(text).ok())
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_key_forms_verify_and_say_which() {
        let secret = "c2VjcmV0LWtleS1ieXRlcw=="; // base64 of "secret-key-bytes"
        let body = br#"{"EventCode":"LOA10040"}"#;
        let as_text = sign(secret.as_bytes(), body);
        let decoded = sign(b"secret-key-bytes", body);
        assert_eq!(
            verify(secret, &as_text, body).unwrap().key,
            KeyEncoding::Text
        );
        assert_eq!(
            verify(secret, &decoded, body).unwrap().key,
            KeyEncoding::Base64Decoded
        );
        let line = format!("  {HEADER_NAME}: {decoded}\n");
        assert_eq!(
            verify(secret, &line, body).unwrap().key,
            KeyEncoding::Base64Decoded
        );
    }

    /// 64 random bytes, as `head -c 64 /dev/urandom | base64` writes them: wrapped at 76
    /// characters. The line break is not part of the key: its decoded form still verifies.
    #[test]
    fn a_key_wrapped_over_two_lines_decodes_whole() {
        let key: Vec<u8> = (0u8..64).map(|i| i.wrapping_mul(37)).collect();
        let one_line = base64::engine::general_purpose::STANDARD.encode(&key);
        let wrapped = format!("{}\n{}\n", &one_line[..76], &one_line[76..]);
        assert_eq!(decode_secret(&wrapped), Some(key.clone()));
        assert_eq!(decode_secret(" \t\r\n"), None);
        let body = br#"{"EventCode":"LOA10040"}"#;
        assert_eq!(
            verify(&wrapped, &sign(&key, body), body).unwrap().key,
            KeyEncoding::Base64Decoded
        );
    }

    #[test]
    fn malformed_headers_say_why() {
        let body = b"{}";
        assert!(matches!(
            verify("k", "md5=abc", body),
            Err(SignatureError::MissingPrefix { .. })
        ));
        assert!(matches!(
            verify("k", "sha256=***", body),
            Err(SignatureError::BadBase64 { .. })
        ));
        assert!(matches!(
            verify("k", "sha256=", body),
            Err(SignatureError::BadBase64 { .. })
        ));
        assert_eq!(
            verify("k", "sha256=AAAA", body),
            Err(SignatureError::WrongLength { bytes: 3 })
        );
        assert_eq!(
            verify("", "sha256=AAAA", body),
            Err(SignatureError::EmptySecret)
        );
        assert_eq!(
            verify("k", "X-YL-Webhook-Signature:  ", body),
            Err(SignatureError::EmptyHeader)
        );
    }

    #[test]
    fn bad_base64_is_said_in_words_at_its_character() {
        let reason = |header: &str| verify("k", header, b"{}").unwrap_err().to_string();
        let valid = "hAN0J0SDk9vxNgSNnMQDt9p+YGfsqNENM3kgoAcRJ7c=";
        assert_eq!(
            reason(&format!("sha256={valid}x")),
            "the signature after `sha256=` is not base64: character 44 is `=`, which may only end it"
        );
        assert_eq!(
            reason("sha256=hAN0J0SDk9vx!gSNnMQDt9p+YGfsqNENM3kgoAcRJ7c="),
            "the signature after `sha256=` is not base64: character 13 is `!`, not a base64 character"
        );
        assert_eq!(
            reason("sha256="),
            "the signature after `sha256=` is not base64: it is empty"
        );
    }

    #[test]
    fn trailing_newline_is_diagnosed_not_forgiven() {
        let header = sign(b"not base64!", b"{}");
        let err = verify("not base64!", &header, b"{}\n").unwrap_err();
        assert_eq!(
            err,
            SignatureError::NoMatch {
                secret_is_base64: false,
                matches_without_trailing_newline: true
            }
        );
        assert!(err.to_string().contains("not base64"));
    }
}
