//! YouLend webhooks: checking their signatures and reconciling settlements (LOA10055) with
//! repayments (LOA10040). Plain functions over bytes and text, shared by the CLI and the page.

pub mod event;
pub mod reconcile;
pub mod signature;

pub use event::{
    parse_event, Amount, Event, LenderPayment, PaymentDate, Repayment, SettlementProcessed,
};
pub use reconcile::{reconcile, reconcile_with_progress, Progress, Reading, Reconciler, Report};
pub use signature::{sign, verify, KeyEncoding, SignatureError, Verified, HEADER_NAME};
