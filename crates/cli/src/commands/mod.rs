//! One module per subcommand. Each exposes `Args` (clap) and `run(args) -> ExitCode`,
//! reading files and printing at this edge while the work happens in `hookwright_core`.

pub mod catalog;
pub mod check;
pub mod dryrun;
pub mod envelope;
pub mod eval;
pub mod fmt;
pub mod lint;
pub mod reconcile;
pub mod render;
pub mod request;
pub mod schema;
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
