//! Where a command's secret comes from, so it need not show in the process list: `--secret-file
//! FILE`, else the `HOOKWRIGHT_SECRET` environment variable, else `--secret KEY` (visible to
//! anyone who can list processes; kept for quick local use).

use std::path::PathBuf;

pub const ENV: &str = "HOOKWRIGHT_SECRET";

#[derive(clap::Args, Debug, Clone)]
pub struct SecretArgs {
    /// The secret key. Visible in the process list: prefer --secret-file or HOOKWRIGHT_SECRET.
    #[arg(long, value_name = "KEY", conflicts_with = "secret_file")]
    secret: Option<String>,
    /// A file holding the secret key (surrounding whitespace and the final line break are ignored,
    /// and so are line breaks inside a base64 key wrapped over lines).
    /// Without --secret or --secret-file, the HOOKWRIGHT_SECRET environment variable is read.
    #[arg(long, value_name = "FILE")]
    secret_file: Option<PathBuf>,
}

impl SecretArgs {
    /// The secret, if one was given by any of the three ways.
    pub fn resolve(&self) -> Result<Option<String>, String> {
        if let Some(secret) = &self.secret {
            return Ok(Some(secret.clone()));
        }
        if let Some(path) = &self.secret_file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the secret file {}: {e}", path.display()))?;
            let secret = text.trim();
            if secret.is_empty() {
                return Err(format!("the secret file {} is empty", path.display()));
            }
            return Ok(Some(secret.to_string()));
        }
        match std::env::var(ENV) {
            Ok(secret) if !secret.trim().is_empty() => Ok(Some(secret.trim().to_string())),
            _ => Ok(None),
        }
    }

    /// The secret, or an error saying the three ways to give it.
    pub fn require(&self) -> Result<String, String> {
        self.resolve()?.ok_or_else(|| {
            format!("a secret is needed: --secret-file FILE, the {ENV} environment variable, or --secret KEY")
        })
    }
}
