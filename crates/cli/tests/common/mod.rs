//! What every CLI test file needs: the built binary run from the repository
//! root, its output as text, and temp files that parallel tests never share.
#![allow(dead_code)] // each test file uses its own part

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's root (examples and fixtures are named from there).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `hookwright ARGS` in the repository root and waits for it.
pub fn hookwright(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hookwright"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("hookwright runs")
}

/// Standard output, which must be UTF-8.
pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

/// Standard error, which must be UTF-8.
pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

/// A file in a directory of its own: tests run in parallel threads, and a
/// shared path could be read by one while another is rewriting it.
pub fn temp_file(name: &str, contents: impl AsRef<[u8]>) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "hookwright-cli-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path.to_string_lossy().into_owned()
}
