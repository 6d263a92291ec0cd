//! `hookwright verify`: checks a YouLend webhook signature against the raw body bytes,
//! trying the secret both as text and base64-decoded, and says which form matched.

use std::path::PathBuf;
use std::process::ExitCode;

use hookwright_core::youlend;

#[derive(clap::Args)]
pub struct Args {
    /// The subscription's webhookSecretKey (base64 text, as YouLend shows it).
    #[arg(long, value_name = "KEY")]
    secret: String,
    /// The X-YL-Webhook-Signature value (`sha256=...`), with or without the header's name.
    #[arg(long, value_name = "HEADER_VALUE", allow_hyphen_values = true)]
    signature: String,
    /// The raw body exactly as received (`-` for standard input); any edit, even a trailing newline, breaks the signature.
    #[arg(long, value_name = "FILE")]
    body: PathBuf,
}

/// Exit 0 when the signature matches, 1 when it does not or is malformed, 2 when the body cannot be read.
pub fn run(args: Args) -> ExitCode {
    let body = match super::read_input(&args.body) {
        Ok(body) => body,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    match youlend::verify(&args.secret, &args.signature, &body) {
        Ok(verified) => {
            println!(
                "valid: the signature matches, with {} as the HMAC key",
                verified.key.describe()
            );
            ExitCode::SUCCESS
        }
        Err(reason) => {
            println!("invalid: {reason}");
            ExitCode::from(1)
        }
    }
}
