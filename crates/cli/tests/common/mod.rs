//! What every CLI test file needs: the built binary run from the repository
//! root, its output as text, and temp files that parallel tests never share.
#![allow(dead_code)] // each test file uses its own part

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's root (examples and fixtures are named from there).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The built `hookwright`, to run in the repository root, with no secret
/// from the environment unless a test sets one.
pub fn command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookwright"));
    command.current_dir(repo()).env_remove("HOOKWRIGHT_SECRET");
    command
}

/// Runs `hookwright ARGS` in the repository root and waits for it.
pub fn hookwright(args: &[&str]) -> Output {
    command().args(args).output().expect("hookwright runs")
}

/// Standard output, which must be UTF-8.
pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

/// Standard error, which must be UTF-8.
pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

/// A file in a directory of its own (under Cargo's `target/tmp`, not the
/// system's temp folder): tests run in parallel threads, and a
/// shared path could be read by one while another is rewriting it.
pub fn temp_file(name: &str, contents: impl AsRef<[u8]>) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    static SWEPT: std::sync::Once = std::sync::Once::new();
    SWEPT.call_once(sweep_finished_runs);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "hookwright-cli-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path.to_string_lossy().into_owned()
}

/// Removes the folders [`temp_file`] made in runs that have ended (their process is gone), so
/// the files of past test runs do not pile up in `target/tmp`. Linux only (it asks `/proc`).
fn sweep_finished_runs() {
    let proc = Path::new("/proc/self");
    let Ok(entries) = std::fs::read_dir(env!("CARGO_TARGET_TMPDIR")) else {
        return;
    };
    if !proc.exists() {
        return;
    }
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name
            .to_str()
            .and_then(|n| n.strip_prefix("hookwright-cli-"))
        else {
            continue;
        };
        let pid = rest.split('-').next().unwrap_or("");
        if !pid.is_empty() && !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// One run of `hookwright`, checked in a chain:
/// `run(&["sql", rule]).exits(1).err_has("line 2")`.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `hookwright ARGS` in the repository root (see [`hookwright`]).
pub fn run(args: &[&str]) -> Run {
    Run::from(hookwright(args))
}

/// Runs a prepared command (extra environment, standard input …).
pub fn run_command(command: &mut Command) -> Run {
    Run::from(command.output().expect("hookwright runs"))
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code(),
            stdout: stdout(&output),
            stderr: stderr(&output),
        }
    }
}

impl Run {
    /// It exited with `code`.
    pub fn exits(self, code: i32) -> Run {
        assert_eq!(self.code, Some(code), "{}{}", self.stdout, self.stderr);
        self
    }

    /// It exited with some failure code.
    pub fn fails(self) -> Run {
        assert!(self.code != Some(0), "{}{}", self.stdout, self.stderr);
        self
    }

    /// Standard output contains `needle`.
    pub fn out_has(self, needle: &str) -> Run {
        assert!(self.stdout.contains(needle), "{}", self.stdout);
        self
    }

    /// Standard error contains `needle`.
    pub fn err_has(self, needle: &str) -> Run {
        assert!(self.stderr.contains(needle), "{}", self.stderr);
        self
    }
}
