//! `hookwright listen`: a webhook receiver on 127.0.0.1 that checks signatures, records each
//! delivery as an NDJSON line and streams them to the page's Inbox.

use std::path::PathBuf;
use std::process::ExitCode;

use hookwright_core::signing::Scheme;
use hookwright_net::listen::{self, Config, EVENTS_PATH};

use super::secret::SecretArgs;

#[derive(clap::Args)]
pub struct Args {
    /// The port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = listen::DEFAULT_PORT)]
    port: u16,
    /// Check signatures with this secret (see also --secret-file and HOOKWRIGHT_SECRET); without
    /// one, deliveries are recorded unchecked (`"verified": null`).
    #[command(flatten)]
    secret: SecretArgs,
    /// youlend (X-YL-Webhook-Signature, both key readings) or standard (Standard Webhooks, its
    /// webhook-* headers or Svix's svix-*, 5-minute timestamp tolerance); default: whichever
    /// signature header each delivery carries.
    #[arg(long, value_name = "SCHEME")]
    scheme: Option<Scheme>,
    /// Append each delivery to FILE as one JSON line (receivedAt, method, path, headers, body,
    /// verified, scheme), flushed per line; `hookwright reconcile FILE` reads it.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Runs until stopped (Ctrl-C or SIGTERM: exit 0); exit 2 when it cannot start (port taken, FILE not writable).
pub fn run(args: Args) -> ExitCode {
    let secret = match args.secret.resolve() {
        Ok(secret) => secret,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    // Checked before starting: otherwise every delivery would be recorded unverified, with
    // the reason seen only in the Inbox or the file.
    if let (Some(secret), Some(Scheme::Standard)) = (&secret, args.scheme) {
        if let Err(e) = hookwright_core::standard_webhooks::decode_secret(secret) {
            eprintln!("error: {e}; nothing was started");
            return ExitCode::from(2);
        }
    }
    let out = match &args.out {
        None => None,
        Some(path) => match std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            Ok(file) => Some(file),
            Err(e) => {
                eprintln!(
                    "error: cannot write deliveries to {}: {e}; nothing was started",
                    path.display()
                );
                return ExitCode::from(2);
            }
        },
    };
    let checking = match (&secret, args.scheme) {
        (None, _) => "not checking signatures (no secret given)".to_string(),
        (Some(_), Some(Scheme::Youlend)) => {
            "checking X-YL-Webhook-Signature (YouLend; the secret as text and base64-decoded)"
                .to_string()
        }
        (Some(_), Some(Scheme::Standard)) => {
            "checking Standard Webhooks signatures (timestamp within 5 minutes)".to_string()
        }
        (Some(_), None) => {
            "checking each delivery's signature by the header it carries (YouLend or Standard Webhooks)"
                .to_string()
        }
    };
    let recording = args.out.as_ref().map(|p| p.display().to_string());
    let config = Config {
        secret,
        scheme: args.scheme,
        out,
        ..Config::new()
    };
    super::serve(
        args.port,
        |url| {
            say!("Hookwright listener on {url}: send webhooks to any path here.");
            say!("Inbox: connect the page's Inbox to {url} (it streams {EVENTS_PATH}).");
            say!("Signatures: {checking}.");
            match &recording {
                Some(file) => say!(
                    "Recording to {file}, one JSON line per delivery; `hookwright reconcile {file}` reads it."
                ),
                None => say!("Not recording to a file (--out FILE would)."),
            }
            say!("Ctrl-C stops it.");
        },
        |listener| listen::serve(listener, config),
    )
}
