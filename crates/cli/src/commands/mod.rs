//! One module per subcommand. Each exposes `Args` (clap) and `run(args) -> ExitCode`,
//! reading files and printing at this edge while the work happens in `hookwright_core`.

pub mod catalog;
pub mod check;
pub mod dryrun;
pub mod envelope;
pub mod eval;
pub mod fmt;
pub mod lint;
pub mod listen;
pub mod reconcile;
pub mod relay;
pub mod render;
pub mod request;
pub mod schema;
pub mod secret;
pub mod sign;
pub mod simulate;
pub mod sql;
pub mod verify;

/// The bytes of `path`, or of standard input for `-`; the message names the path on failure.
pub(crate) fn read_input(path: &std::path::Path) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        return std::io::stdin()
            .read_to_end(&mut bytes)
            .map(|_| bytes)
            .map_err(|e| format!("cannot read standard input: {e}"));
    }
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// A Standard Webhooks message id: `msg_` and 16 random bytes, base64url.
pub(crate) fn random_message_id() -> String {
    use base64::Engine as _;
    let mut bytes = [0u8; 16];
    let _ = getrandom::fill(&mut bytes);
    format!(
        "msg_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// Runs a server on a fresh runtime until it stops; a message means it could not start (exit 2).
pub(crate) fn serve(
    run: impl FnOnce(&hookwright_net::Runtime) -> Result<(), String>,
) -> std::process::ExitCode {
    let runtime = match hookwright_net::runtime() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    match run(&runtime) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::ExitCode::from(2)
        }
    }
}

/// `--key-reading`: a YouLend secret used as its base64-decoded bytes
/// (`decoded`) or as its text (`text`).
pub fn parse_key_reading(text: &str) -> Result<hookwright_core::signing::KeyReading, String> {
    use hookwright_core::signing::KeyReading;
    match text {
        "decoded" => Ok(KeyReading::Decoded),
        "text" => Ok(KeyReading::Text),
        _ => Err("use decoded or text".to_string()),
    }
}
