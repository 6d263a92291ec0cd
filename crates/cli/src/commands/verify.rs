//! `hookwright verify`: checks a webhook signature against the raw body bytes. YouLend's
//! (`--scheme youlend`, the default) tries the secret both as text and base64-decoded and says
//! which form matched; Standard Webhooks' (`--scheme standard`) signs `id.timestamp.body` and
//! wants the timestamp within 5 minutes of now unless `--ignore-timestamp`.

use std::path::PathBuf;
use std::process::ExitCode;

use hookwright_core::signing::Scheme;
use hookwright_core::standard_webhooks;
use hookwright_core::youlend;

use super::secret::SecretArgs;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    secret: SecretArgs,
    /// The signature header's value: X-YL-Webhook-Signature (`sha256=...`, with or without the
    /// header's name) or webhook-signature (`v1,...`, several separated by spaces).
    #[arg(long, value_name = "HEADER_VALUE", allow_hyphen_values = true)]
    signature: String,
    /// The raw body exactly as received (`-` for standard input); any edit, even a trailing newline, breaks the signature.
    #[arg(long, value_name = "FILE")]
    body: PathBuf,
    /// youlend (X-YL-Webhook-Signature) or standard (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature).
    #[arg(long, value_name = "SCHEME", default_value = "youlend")]
    scheme: Scheme,
    /// Standard Webhooks: the webhook-id header's value.
    #[arg(long, value_name = "ID", required_if_eq("scheme", "standard"))]
    id: Option<String>,
    /// Standard Webhooks: the webhook-timestamp header's value (seconds since 1970).
    #[arg(
        long,
        value_name = "UNIX",
        required_if_eq("scheme", "standard"),
        allow_hyphen_values = true
    )]
    timestamp: Option<String>,
    /// Standard Webhooks: check the signature only, not that the timestamp is within 5 minutes
    /// of now (for a delivery captured earlier).
    #[arg(long)]
    ignore_timestamp: bool,
}

/// Exit 0 when the signature matches, 1 when it does not or is malformed, 2 when the body or
/// secret cannot be read or the secret is unusable (as `sign`: a mistyped secret is not a
/// forged delivery, and a script must be able to tell them apart).
pub fn run(args: Args) -> ExitCode {
    let (secret, body) = match super::secret_and_body(&args.secret, &args.body) {
        Ok(read) => read,
        Err(code) => return code,
    };
    // A secret that cannot be used says so with exit 2 (as `sign` does), whichever way it came:
    // `--secret "$UNSET_VARIABLE"` is a configuration mistake, not a forged delivery.
    let unusable = match args.scheme {
        Scheme::Standard => standard_webhooks::decode_secret(&secret)
            .err()
            .map(|e| e.to_string()),
        Scheme::Youlend => secret
            .trim()
            .is_empty()
            .then(|| youlend::SignatureError::EmptySecret.to_string()),
    };
    if let Some(e) = unusable {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    let verdict = match args.scheme {
        Scheme::Youlend => youlend::verify(&secret, &args.signature, &body)
            .map(|v| format!("with {} as the HMAC key", v.key.describe()))
            .map_err(|e| e.to_string()),
        Scheme::Standard => {
            let now = (!args.ignore_timestamp).then(hookwright_net::time::unix_seconds);
            standard_webhooks::verify(
                &secret,
                args.id.as_deref().unwrap_or(""),
                args.timestamp.as_deref().unwrap_or(""),
                &args.signature,
                &body,
                now,
            )
            .map(|()| {
                if args.ignore_timestamp {
                    "over id.timestamp.body (timestamp not checked)".to_string()
                } else {
                    "over id.timestamp.body, timestamp within 5 minutes".to_string()
                }
            })
            .map_err(|e| match e {
                standard_webhooks::StandardError::TooOld { .. }
                | standard_webhooks::StandardError::TooNew { .. } => {
                    format!("{e}; --ignore-timestamp checks the signature alone")
                }
                e => e.to_string(),
            })
        }
    };
    match verdict {
        Ok(how) => {
            outln!("valid: the signature matches, {how}");
            ExitCode::SUCCESS
        }
        Err(reason) => {
            outln!("invalid: {reason}");
            ExitCode::from(1)
        }
    }
}
