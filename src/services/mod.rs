//! Side effects at the edge: browser storage and other web APIs, as plain
//! functions called from effects. Nothing here decides what data means.

pub mod clipboard;
pub mod crash;
pub mod crypto;
pub mod download;
pub mod fetch;
pub mod files;
pub mod focus;
pub mod page_code;
pub mod relay;
pub mod send_history;
pub mod storage;
pub mod tools_bundle;
pub mod views;
