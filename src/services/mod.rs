//! Side effects at the edge: browser storage and other web APIs, as plain
//! functions called from effects. Nothing here decides what data means.

pub mod download;
pub mod files;
pub mod storage;
