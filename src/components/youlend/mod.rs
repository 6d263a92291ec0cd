//! The YouLend views beside the connection editor: reconciling a batch of repayment events and
//! verifying a webhook's signature. Both run the engine in `hookwright_core::youlend` in the page.

pub mod csv;
pub mod reconcile;
pub mod sample;
pub mod table;
pub mod tables;
pub mod verify;

use yew::prelude::*;

/// The app's top-level views, switched by the header's tabs and kept in the URL's hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Connections,
    Reconcile,
    Verify,
    Inbox,
}

impl View {
    pub const ALL: [View; 4] = [
        View::Connections,
        View::Reconcile,
        View::Verify,
        View::Inbox,
    ];

    pub fn label(self) -> &'static str {
        match self {
            View::Connections => "Connections",
            View::Reconcile => "Reconcile",
            View::Verify => "Verify",
            View::Inbox => "Inbox",
        }
    }

    pub fn hash(self) -> &'static str {
        match self {
            View::Connections => "",
            View::Reconcile => "#reconcile",
            View::Verify => "#verify",
            View::Inbox => "#inbox",
        }
    }

    /// The view a URL hash names; anything else (including the skip link's `#main`) is Connections.
    pub fn from_hash(hash: &str) -> View {
        match hash {
            "#reconcile" => View::Reconcile,
            "#verify" => View::Verify,
            "#inbox" => View::Inbox,
            _ => View::Connections,
        }
    }
}

/// In these views Ctrl/⌘+Z in a text field undoes typing, not the workspace: the key stops here
/// before the document-wide history shortcut sees it.
pub fn keep_text_undo() -> Callback<KeyboardEvent> {
    Callback::from(|e: KeyboardEvent| {
        let key = e.key().to_lowercase();
        let in_field = e
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA"));
        if in_field && (e.ctrl_key() || e.meta_key()) && (key == "z" || key == "y") {
            e.stop_propagation();
        }
    })
}

#[cfg(test)]
mod tests {
    use super::View;

    #[test]
    fn views_round_trip_through_the_hash() {
        for view in View::ALL {
            assert_eq!(View::from_hash(view.hash()), view);
        }
        assert_eq!(View::from_hash("#main"), View::Connections);
    }
}
