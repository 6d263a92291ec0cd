//! Gzipped portfolios (`.gz`), undone as the bytes arrive: pure Rust (flate2's
//! miniz_oxide backend), so the page's worker runs it too.

use std::io::Write as _;

use flate2::write::MultiGzDecoder;

use super::split::FileError;

/// Whether `head` (the file's first bytes) starts a gzip stream.
pub fn is_gzip(head: &[u8]) -> bool {
    head.starts_with(&[0x1f, 0x8b])
}

/// A push decoder: compressed bytes in, portfolio bytes out. Feed it small
/// pieces (64 KB) to keep what comes out of each bounded.
pub struct Gunzip {
    decoder: MultiGzDecoder<Vec<u8>>,
}

impl Default for Gunzip {
    fn default() -> Self {
        Gunzip::new()
    }
}

impl Gunzip {
    pub fn new() -> Gunzip {
        Gunzip {
            decoder: MultiGzDecoder::new(Vec::new()),
        }
    }

    /// Decompresses `chunk`; returns what it yielded.
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<u8>, FileError> {
        self.decoder.write_all(chunk).map_err(broken)?;
        Ok(std::mem::take(self.decoder.get_mut()))
    }

    /// The end of the compressed file; a cut-off stream is an error.
    pub fn finish(self) -> Result<Vec<u8>, FileError> {
        self.decoder.finish().map_err(broken)
    }
}

fn broken(e: std::io::Error) -> FileError {
    FileError(format!("the gzip file is damaged or cut off: {e}"))
}
