//! The editor's state and every change to it: a `Workspace` reduced by
//! `Action`s. Plain Rust, tested natively; components only dispatch actions.

use std::rc::Rc;

use hookwright_core::connection::{self, Connection};
use yew::prelude::*;

/// Shared through a `ContextProvider` so any component can read and dispatch.
pub type WorkspaceHandle = UseReducerHandle<Workspace>;

#[derive(Debug, Clone, PartialEq)]
pub struct Workspace {
    pub connections: Vec<Connection>,
    /// The id of the connection open in the main pane.
    pub selected: Option<String>,
}

pub enum Action {
    Select(String),
}

impl Workspace {
    /// A first start: the built-in examples, the first one open.
    pub fn with_examples() -> Workspace {
        let connections = connection::examples();
        let selected = connections.first().map(|c| c.id.clone());
        Workspace {
            connections,
            selected,
        }
    }

    pub fn selected_connection(&self) -> Option<&Connection> {
        let id = self.selected.as_deref()?;
        self.connections.iter().find(|c| c.id == id)
    }
}

impl Reducible for Workspace {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Select(id) if self.connections.iter().any(|c| c.id == id) => {
                Rc::new(Workspace {
                    selected: Some(id),
                    ..(*self).clone()
                })
            }
            Action::Select(_) => self,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_start_opens_the_seed_connection() {
        let ws = Workspace::with_examples();
        assert_eq!(
            ws.selected_connection().map(|c| c.name.as_str()),
            Some("Customer's Loan is 5 Days Past Due")
        );
    }

    #[test]
    fn select_ignores_unknown_ids() {
        let ws = Rc::new(Workspace::with_examples());
        let second = ws.connections[1].id.clone();
        let ws = ws.reduce(Action::Select(second.clone()));
        assert_eq!(ws.selected.as_deref(), Some(second.as_str()));
        let ws = ws.reduce(Action::Select("nope".into()));
        assert_eq!(ws.selected.as_deref(), Some(second.as_str()));
    }
}
