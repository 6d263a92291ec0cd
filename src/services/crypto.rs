//! Randomness from the browser's `crypto.getRandomValues`: bearer tokens and
//! envelope trace ids. The engine takes the bytes; it never asks the OS.

use base64::Engine as _;

/// `n` bytes from the browser's cryptographic generator.
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; n];
    let crypto = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .expect("the page runs where crypto.getRandomValues exists");
    crypto
        .get_random_values_with_u8_array(&mut bytes)
        .expect("getRandomValues accepts up to 65536 bytes");
    bytes
}

/// A strong bearer token: 32 random bytes, base64url without padding (43 characters).
pub fn token() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes(32))
}

/// A fresh version 4 UUID for an envelope's trace.
pub fn trace_id() -> String {
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&random_bytes(16));
    hookwright_core::template::uuid_v4(bytes)
}
