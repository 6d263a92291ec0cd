//! One module per subcommand. Each exposes `Args` (clap) and `run(args) -> ExitCode`,
//! reading files and printing at this edge while the work happens in `hookwright_core`.

pub mod check;
pub mod eval;
pub mod fmt;
