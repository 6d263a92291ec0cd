//! `hookwright relay`: sends the page's test requests for it, so they reach servers that answer
//! no CORS. Binds 127.0.0.1 and prints its URL and a pairing token made for this run.

use std::process::ExitCode;

use base64::Engine as _;
use hookwright_net::relay::{self, Config};

#[derive(clap::Args)]
pub struct Args {
    /// The port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = relay::DEFAULT_PORT)]
    port: u16,
}

/// Runs until stopped (Ctrl-C or SIGTERM: exit 0); exit 2 when it cannot start.
pub fn run(args: Args) -> ExitCode {
    let mut bytes = [0u8; 24];
    if let Err(e) = getrandom::fill(&mut bytes) {
        eprintln!("error: no randomness for the pairing token: {e}");
        return ExitCode::from(2);
    }
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    super::serve(
        args.port,
        |url| {
            say!("Hookwright relay on {url}");
            say!("Pairing token: {token}");
            say!(
                "In the page's test panel, choose Send through: Local relay, with this Relay URL and Relay token."
            );
            say!(
                "Only pages served from this machine may use it; the token changes each run. Ctrl-C stops it."
            );
        },
        |listener| relay::serve(listener, Config::new(token.clone())),
    )
}
