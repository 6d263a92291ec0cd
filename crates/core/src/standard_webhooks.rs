//! Standard Webhooks signatures (<https://www.standardwebhooks.com>): the sender puts
//! `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256>` on each
//! delivery, the MAC taken over `id.timestamp.body` with the secret's base64-decoded bytes
//! (`whsec_` prefix optional). Pure Rust, no clock: callers pass "now", so the page can sign too.

use std::fmt;

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

pub const ID_HEADER: &str = "webhook-id";
pub const TIMESTAMP_HEADER: &str = "webhook-timestamp";
pub const SIGNATURE_HEADER: &str = "webhook-signature";
/// The same three under Svix's names (`svix-id`, `svix-timestamp`, `svix-signature`): what
/// Svix, where the scheme comes from, sends by default, and what its libraries read when the
/// `webhook-*` set is not all there.
pub const SVIX_HEADERS: [&str; 3] = ["svix-id", "svix-timestamp", "svix-signature"];
/// The prefix the spec puts on serialised secrets.
pub const SECRET_PREFIX: &str = "whsec_";
/// How far a delivery's timestamp may be from "now", either way: the reference libraries' 5 minutes.
pub const TOLERANCE_SECONDS: i64 = 5 * 60;
const VERSION: &str = "v1";

/// Secrets as the reference libraries read them: padding optional, stray trailing bits allowed
/// (Python's `b64decode` accepts `MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS=`; a strict decoder does not).
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Why a signature was not made or not accepted. Each variant's doc names an input that triggers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "reason")]
pub enum StandardError {
    /// `""` or `"whsec_"`.
    EmptySecret,
    /// `whsec_not*base64`.
    SecretNotBase64,
    /// No `webhook-id`.
    MissingId,
    /// No `webhook-timestamp`, or `hello`, `-5`, `1.5`.
    BadTimestamp { found: String },
    /// No `webhook-signature`, or one with no `v1,` entry.
    NoSignature,
    /// `v1,***`.
    BadSignatureEncoding { found: String },
    /// Well-formed signatures, none made with this secret over these bytes.
    NoMatch,
    /// The signature matches but the timestamp is older than the tolerance.
    TooOld { seconds: i64 },
    /// The signature matches but the timestamp is further ahead than the tolerance.
    TooNew { seconds: i64 },
}

impl fmt::Display for StandardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StandardError::EmptySecret => f.write_str("the secret is empty"),
            StandardError::SecretNotBase64 => write!(
                f,
                "the secret is not base64 (a Standard Webhooks secret is `{SECRET_PREFIX}` followed by base64)"
            ),
            StandardError::MissingId => write!(f, "the {ID_HEADER} header is missing"),
            StandardError::BadTimestamp { found } if found.is_empty() => {
                write!(f, "the {TIMESTAMP_HEADER} header is missing")
            }
            StandardError::BadTimestamp { found } => write!(
                f,
                "the {TIMESTAMP_HEADER} `{found}` is not a whole number of seconds since 1970"
            ),
            StandardError::NoSignature => write!(
                f,
                "the {SIGNATURE_HEADER} header has no `{VERSION},` signature"
            ),
            StandardError::BadSignatureEncoding { found } => write!(
                f,
                "the signature `{found}` is not 32 bytes of base64 after `{VERSION},`"
            ),
            StandardError::NoMatch => write!(
                f,
                "no signature in {SIGNATURE_HEADER} matches this secret over id.timestamp.body"
            ),
            StandardError::TooOld { seconds } => write!(
                f,
                "the signature matches, but the timestamp is {} old, outside the {}-minute tolerance (a replay?)",
                duration(*seconds),
                TOLERANCE_SECONDS / 60
            ),
            StandardError::TooNew { seconds } => write!(
                f,
                "the signature matches, but the timestamp is {} in the future, outside the {}-minute tolerance (is a clock wrong?)",
                duration(*seconds),
                TOLERANCE_SECONDS / 60
            ),
        }
    }
}

impl std::error::Error for StandardError {}

fn duration(seconds: i64) -> String {
    match seconds {
        s if s < 120 => format!("{s} seconds"),
        s if s < 7200 => format!("{} minutes", s / 60),
        s if s < 172_800 => format!("{} hours", s / 3600),
        s => format!("{} days", s / 86_400),
    }
}

/// The HMAC key a secret stands for: `whsec_` dropped, base64 decoded (padding optional).
/// Whitespace inside is skipped, as the Python and Go reference libraries' decoders skip line
/// breaks (`b64decode`, `DecodeString`): the spec allows keys of up to 64 bytes, which `base64` and
/// `openssl rand -base64` write wrapped over two lines.
pub fn decode_secret(secret: &str) -> Result<Vec<u8>, StandardError> {
    let compact: String = secret
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let encoded = compact.strip_prefix(SECRET_PREFIX).unwrap_or(&compact);
    if encoded.is_empty() {
        return Err(StandardError::EmptySecret);
    }
    let key = LENIENT
        .decode(encoded)
        .map_err(|_| StandardError::SecretNotBase64)?;
    if key.is_empty() {
        return Err(StandardError::EmptySecret);
    }
    Ok(key)
}

fn digest(key: &[u8], id: &str, timestamp: &str, body: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// The `webhook-signature` value (`v1,<base64>`) for `body` sent as message `id` at `timestamp`.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Result<String, StandardError> {
    let key = decode_secret(secret)?;
    Ok(sign_with_key(&key, id, timestamp, body))
}

/// [`sign`] with the already decoded key.
pub fn sign_with_key(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    format!(
        "{VERSION},{}",
        STANDARD.encode(digest(key, id, &timestamp.to_string(), body))
    )
}

/// The timestamp header as seconds: a plain, non-negative integer.
pub fn parse_timestamp(text: &str) -> Result<i64, StandardError> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(StandardError::BadTimestamp {
            found: text.chars().take(24).collect(),
        });
    }
    text.parse().map_err(|_| StandardError::BadTimestamp {
        found: text.chars().take(24).collect(),
    })
}

/// Checks a delivery: `signatures` is the `webhook-signature` value (space-separated
/// `version,base64` entries; any `v1` entry may match, for key rotation). With `now`, the
/// timestamp must also be within [`TOLERANCE_SECONDS`] of it; `None` skips that check.
pub fn verify(
    secret: &str,
    id: &str,
    timestamp: &str,
    signatures: &str,
    body: &[u8],
    now: Option<i64>,
) -> Result<(), StandardError> {
    let key = decode_secret(secret)?;
    if id.is_empty() {
        return Err(StandardError::MissingId);
    }
    let seconds = parse_timestamp(timestamp)?;
    let expected = digest(&key, id, timestamp.trim(), body);
    let mut candidates = signatures
        .split(' ')
        .filter_map(|entry| entry.split_once(','))
        .filter(|(version, _)| *version == VERSION)
        .peekable();
    if candidates.peek().is_none() {
        return Err(StandardError::NoSignature);
    }
    let mut malformed = None;
    let mut matched = false;
    for (_, encoded) in candidates {
        match STANDARD.decode(encoded) {
            Ok(bytes) if bytes.len() == expected.len() => {
                // Constant time: fold every byte's difference.
                let diff = bytes
                    .iter()
                    .zip(expected.iter())
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b));
                matched |= diff == 0;
            }
            _ => {
                malformed.get_or_insert_with(|| encoded.chars().take(16).collect::<String>());
            }
        }
    }
    if !matched {
        return Err(match malformed {
            Some(found) if signatures.split(' ').filter(|s| !s.is_empty()).count() == 1 => {
                StandardError::BadSignatureEncoding { found }
            }
            _ => StandardError::NoMatch,
        });
    }
    if let Some(now) = now {
        if now - seconds > TOLERANCE_SECONDS {
            return Err(StandardError::TooOld {
                seconds: now - seconds,
            });
        }
        if seconds - now > TOLERANCE_SECONDS {
            return Err(StandardError::TooNew {
                seconds: seconds - now,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_with_and_without_prefix_and_padding() {
        let key = decode_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(
            decode_secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap(),
            key
        );
        assert_eq!(
            decode_secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS").unwrap(),
            decode_secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS=").unwrap()
        );
        assert_eq!(decode_secret("whsec_"), Err(StandardError::EmptySecret));
        assert_eq!(decode_secret(""), Err(StandardError::EmptySecret));
        assert_eq!(
            decode_secret("whsec_not*base64"),
            Err(StandardError::SecretNotBase64)
        );
    }

    /// The spec allows keys of up to 64 bytes; `openssl rand -base64 64` and `base64` print such
    /// a key over two lines. The Python and Go reference libraries skip the line break.
    #[test]
    fn a_key_wrapped_over_two_lines_decodes_whole() {
        let key: Vec<u8> = (0u8..64).map(|i| i.wrapping_mul(37)).collect();
        let one_line = STANDARD.encode(&key);
        let wrapped = format!("whsec_{}\r\n{}\n", &one_line[..64], &one_line[64..]);
        assert_eq!(decode_secret(&wrapped), Ok(key.clone()));
        assert_eq!(
            sign(&wrapped, "msg_1", 1614265330, b"{}"),
            Ok(sign_with_key(&key, "msg_1", 1614265330, b"{}"))
        );
    }

    #[test]
    fn timestamps_are_plain_integers() {
        assert_eq!(parse_timestamp("1614265330"), Ok(1614265330));
        for bad in ["", "hello", "-161426533", "161426533.0", "1e9"] {
            assert!(parse_timestamp(bad).is_err(), "{bad}");
        }
    }
}
