//! `hookwright sign`: the signature headers a sender would put on a body, under YouLend's scheme
//! (`X-YL-Webhook-Signature: sha256=<base64>`) or Standard Webhooks'
//! (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`), one `Name: value` a line.

use std::path::PathBuf;
use std::process::ExitCode;

use hookwright_core::signing::{self, KeyReading, Scheme, SignWith};

use super::secret::SecretArgs;

#[derive(clap::Args)]
pub struct Args {
    /// youlend or standard.
    #[arg(long, value_name = "SCHEME")]
    scheme: Scheme,
    #[command(flatten)]
    secret: SecretArgs,
    /// The body exactly as it will be sent (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    body: PathBuf,
    /// Standard Webhooks: the message id (default: a new random `msg_...`).
    #[arg(long, value_name = "ID")]
    id: Option<String>,
    /// Standard Webhooks: seconds since 1970 (default: now).
    #[arg(long, value_name = "UNIX", allow_hyphen_values = true,
          value_parser = clap::value_parser!(i64).range(0..))]
    timestamp: Option<i64>,
    /// YouLend: sign with the secret's base64-decoded bytes (`decoded`, the default) or its text (`text`);
    /// YouLend's docs allow either reading and `verify` accepts both.
    #[arg(long, value_name = "READING", default_value = "decoded", value_parser = super::parse_key_reading)]
    key_reading: KeyReading,
}

/// Exit 0 with the headers printed; 2 when the body or secret cannot be read or the secret is unusable.
pub fn run(args: Args) -> ExitCode {
    let (secret, body) = match super::secret_and_body(&args.secret, &args.body) {
        Ok(read) => read,
        Err(code) => return code,
    };
    let id = args.id.unwrap_or_else(super::random_message_id);
    let timestamp = args
        .timestamp
        .unwrap_or_else(hookwright_net::time::unix_seconds);
    let with = SignWith {
        scheme: args.scheme,
        secret: &secret,
        id: &id,
        timestamp,
        key_reading: args.key_reading,
    };
    match signing::sign(&with, &body) {
        Ok(headers) => {
            for h in headers {
                outln!("{}: {}", h.name, h.value);
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
