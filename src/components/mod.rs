//! One component per file, its `Props` beside it.

pub mod connection_view;
pub mod header;
pub mod sidebar;
