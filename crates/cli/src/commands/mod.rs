//! One module per subcommand. Each exposes `Args` (clap) and `run(args) -> ExitCode`,
//! reading files and printing at this edge while the work happens in `hookwright_core`.

/// `outln!(...)`: `println!` through [`print_out`], which never panics on a closed pipe.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::commands::print_out(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `out!(...)`: `print!` through [`print_out`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::commands::print_out(&format!($($arg)*))
    };
}

/// `say!(...)`: a line for the person watching a server (its banner), never a panic: a closed
/// standard output (`hookwright listen | head -1`) must not stop a server that is running.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

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

/// Writes `text` to standard output (`println!` panics when it cannot). A reader that stopped
/// reading (`| head`) ends the command quietly with exit 0: a closed pipe is not an error of
/// ours. Any other failure (a full disk under `> out.json`) is said, exit 2: output cut short
/// must not pass for whole.
pub(crate) fn print_out(text: &str) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write the output: {e}");
        std::process::exit(2);
    }
}

/// The connection `--id ID` names, if any. Ids are unique in a valid file (lint says so); in a
/// file with two of one id, which one was meant is not clear, so neither is taken (the first one
/// was, silently, even when the second was the one just edited). The error says which they are.
pub(crate) fn connection_by_id<'c>(
    connections: &'c [hookwright_core::connection::Connection],
    id: &str,
) -> Result<Option<&'c hookwright_core::connection::Connection>, String> {
    let positions: Vec<usize> = (0..connections.len())
        .filter(|&i| connections[i].id == id)
        .collect();
    match positions.as_slice() {
        [] => Ok(None),
        [only] => Ok(Some(&connections[*only])),
        several => {
            let numbers: Vec<String> = several.iter().map(|i| format!("#{}", i + 1)).collect();
            Err(format!(
                "{} connections have the id `{}` ({}): ids must be unique (`hookwright lint` reports it), so which one is meant is not clear",
                several.len(),
                hookwright_core::error::quote(id),
                numbers.join(", ")
            ))
        }
    }
}

/// A context file's text as a context. A loan's variables and a YouLend event are JSON
/// objects; anything else is refused at its first character (a portfolio's array read as one
/// loan made every variable "unknown", with a did-you-mean of `0.loan-id`).
pub(crate) fn parse_context(
    text: &str,
) -> Result<hookwright_core::Context, hookwright_core::Error> {
    use hookwright_core::value::Value;
    let context = hookwright_core::Context::from_json(text)?;
    let found = match context.root() {
        Value::Map(_) => return Ok(context),
        Value::Vector(_) => "an array (for many loans, `hookwright dryrun --portfolio FILE`)",
        Value::Text(_) => "text",
        Value::Nil => "null",
        Value::Bool(_) => "a boolean",
        _ => "a number",
    };
    let start = text.len()
        - text
            .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
            .len();
    Err(hookwright_core::Error::at(
        hookwright_core::ErrorKind::Json,
        format!(
            "a context is a JSON object of variables (a loan's, or a YouLend event), not {found}"
        ),
        hookwright_core::Span::locate(text, start, start + 1),
    ))
}

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

/// The text of a rule or template file (`@path`): a byte order mark, which Windows editors
/// write, marks the file's encoding and is not part of the text (it would be an invisible
/// first character of the rule, or of the body sent).
pub(crate) fn read_source_file(path: &str) -> std::io::Result<String> {
    let text = std::fs::read_to_string(path)?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
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

/// Serves on 127.0.0.1:`port` until stopped: binds on a fresh runtime, prints
/// `banner(url)` (flushed, so that whoever started it can read the URL), then
/// runs `server` on the listener until Ctrl-C or SIGTERM (exit 0, "Stopped." on
/// standard error). A message means it could not start (exit 2).
pub(crate) fn serve<F>(
    port: u16,
    banner: impl FnOnce(&str),
    server: impl FnOnce(hookwright_net::TcpListener) -> F,
) -> std::process::ExitCode
where
    F: std::future::Future<Output = std::io::Result<()>>,
{
    use std::io::Write as _;
    let started = hookwright_net::runtime()
        .map_err(|e| format!("cannot start: {e}"))
        .and_then(|runtime| {
            runtime.block_on(async {
                let listener = hookwright_net::bind_loopback(port).await?;
                let port = listener.local_addr().map_err(|e| e.to_string())?.port();
                banner(&format!("http://127.0.0.1:{port}"));
                let _ = std::io::stdout().flush();
                hookwright_net::until_stopped(server(listener))
                    .await
                    .map_err(|e| e.to_string())
            })
        });
    match started {
        Ok(stopped) => {
            if stopped {
                eprintln!("Stopped.");
            }
            std::process::ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            std::process::ExitCode::from(2)
        }
    }
}

/// The secret (`--secret`, `--secret-file` or `HOOKWRIGHT_SECRET`) and the
/// body to sign or verify; the error is printed here (exit 2).
pub(crate) fn secret_and_body(
    secret: &secret::SecretArgs,
    body: &std::path::Path,
) -> Result<(String, Vec<u8>), std::process::ExitCode> {
    secret
        .require()
        .and_then(|secret| read_input(body).map(|body| (secret, body)))
        .map_err(|message| {
            eprintln!("error: {message}");
            std::process::ExitCode::from(2)
        })
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
