//! `hookwright schema`: prints the connection file's JSON Schema, generated
//! from the engine's types, for editors and CI validators to point `$schema` at.

use std::process::ExitCode;

use hookwright_core::connection;

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> ExitCode {
    out!("{}", connection::schema());
    ExitCode::SUCCESS
}
