//! Catalogs: the variables (and events) a source offers, with their types, so
//! rules and templates can be checked without evaluating them. Built-in
//! catalogs are data files compiled in; users may load their own in the same format.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::context::json_error;
use crate::error::Error;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    pub name: String,
    #[serde(default)]
    pub variables: Vec<Variable>,
    #[serde(default)]
    pub events: Vec<Event>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variable {
    /// The variable's path. Items of an array variable are named through the
    /// array without an index: `payments.payment-date`.
    pub name: String,
    #[serde(default)]
    pub group: String,
    #[serde(rename = "type")]
    pub ty: VarType,
    /// The allowed values of an `enum` variable.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub example: serde_json::Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VarType {
    Number,
    /// An exact decimal amount of money (may arrive as a JSON string, as YouLend sends it).
    Money,
    Text,
    /// `YYYY-MM-DD` or an ISO timestamp.
    Date,
    Boolean,
    Enum,
    Array,
    Object,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

impl Catalog {
    pub fn from_json(text: &str) -> Result<Catalog, Error> {
        serde_json::from_str(text).map_err(|e| json_error(text, &e))
    }

    /// The variable at `path`. Index segments (`1`, `first`, `last`) into an
    /// array variable name its items: `payments.0.payment-date` finds
    /// `payments.payment-date`.
    pub fn variable(&self, path: &str) -> Option<&Variable> {
        if let Some(found) = self.variables.iter().find(|v| v.name == path) {
            return Some(found);
        }
        let normalized: Vec<&str> = path
            .split('.')
            .filter(|s| !(s.parse::<usize>().is_ok() || *s == "first" || *s == "last"))
            .collect();
        let normalized = normalized.join(".");
        self.variables.iter().find(|v| v.name == normalized)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.variables.iter().map(|v| v.name.as_str())
    }
}

/// LoanPro's Context Engine variables and events.
pub fn loanpro() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        Catalog::from_json(include_str!("../data/loanpro-catalog.json"))
            .expect("the built-in LoanPro catalog is valid; a test guards this")
    })
}

/// YouLend's webhook events and the fields they carry.
pub fn youlend() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        Catalog::from_json(include_str!("../data/youlend-catalog.json"))
            .expect("the built-in YouLend catalog is valid; a test guards this")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_catalogs_load() {
        assert!(loanpro().variable("loan-status").is_some());
        assert!(youlend().variable("EventCode").is_some());
    }

    #[test]
    fn indexed_paths_find_array_items() {
        let c = youlend();
        assert!(c
            .variable("EventProperties.PaymentsToLenders.1.Amount")
            .is_some());
    }
}
