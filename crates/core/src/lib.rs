//! Hookwright's engine: the rule language, the template renderer, connection
//! files and the LoanPro and YouLend catalogs. Pure Rust with no web
//! dependencies: the page (compiled to wasm) and the `hookwright` CLI both use it.
#![forbid(unsafe_code)]

pub mod analysis;
pub mod catalog;
pub mod connection;
pub mod context;
pub mod delivery;
pub mod dryrun;
pub mod error;
pub mod header_name;
pub mod header_value;
pub mod json;
pub mod lint;
pub mod order;
pub mod random;
pub mod rule;
pub mod samples;
pub mod secret;
pub mod signing;
pub mod sql;
pub mod standard_webhooks;
pub mod suggest;
pub mod template;
pub mod value;
pub mod youlend;

pub use context::Context;
pub use error::{Error, ErrorKind, Severity, Span};
pub use template::{Mode, Template};
pub use value::Value;
