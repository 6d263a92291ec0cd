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
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
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
    /// Named in the platform's public docs; other names are realistic
    /// guesses that a team should check against its own tenant.
    #[serde(default, skip_serializing_if = "is_false")]
    pub documented: bool,
    /// May be missing from a real payload (YouLend's `EventId`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub optional: bool,
    /// The events whose payloads carry this variable; empty when every
    /// context has it (all LoanPro variables, YouLend's envelope).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<String>,
    /// Digits after the decimal point a `number` or `money` variable holds
    /// (its exact SQL type is `DECIMAL(38, scale)`); when absent, 2 for money
    /// and 0 for numbers. See [`Variable::decimal_scale`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<u32>,
}

impl Variable {
    /// The scale of a number or money variable: the catalog's, else 2 for
    /// money and 0 for numbers; `None` for other types.
    pub fn decimal_scale(&self) -> Option<u32> {
        match self.ty {
            VarType::Money => Some(self.scale.unwrap_or(2)),
            VarType::Number => Some(self.scale.unwrap_or(0)),
            _ => None,
        }
    }
}

fn is_false(b: &bool) -> bool {
    !*b
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

impl VarType {
    pub fn as_str(self) -> &'static str {
        match self {
            VarType::Number => "number",
            VarType::Money => "money",
            VarType::Text => "text",
            VarType::Date => "date",
            VarType::Boolean => "boolean",
            VarType::Enum => "enum",
            VarType::Array => "array",
            VarType::Object => "object",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// What a trigger names: a YouLend code (`LOA10040`) or a LoanPro event name.
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub documented: bool,
    /// The event that replaces this deprecated one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated_by: Option<String>,
    /// The payload fields the event carries, as variable paths
    /// (`EventProperties.LoanId`). Loading adds them to the catalog's variables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Variable>,
    /// A whole example payload, exactly as the platform documents it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<serde_json::Value>,
}

impl Catalog {
    /// Reads a catalog (built-in or a user's own, same format). Event fields
    /// become variables, tagged with the events that carry them, so checkers
    /// need only [`Catalog::variable`].
    pub fn from_json(text: &str) -> Result<Catalog, Error> {
        let mut catalog: Catalog = serde_json::from_str(text).map_err(|e| json_error(text, &e))?;
        catalog.merge_event_fields();
        Ok(catalog)
    }

    fn merge_event_fields(&mut self) {
        for event in &self.events {
            for field in &event.fields {
                match self.variables.iter_mut().find(|v| v.name == field.name) {
                    Some(known) => {
                        if !known.events.contains(&event.code) {
                            known.events.push(event.code.clone());
                        }
                    }
                    None => {
                        let mut variable = field.clone();
                        if variable.group.is_empty() {
                            variable.group = "event fields".to_string();
                        }
                        variable.events = vec![event.code.clone()];
                        self.variables.push(variable);
                    }
                }
            }
        }
    }

    pub fn event(&self, code: &str) -> Option<&Event> {
        self.events.iter().find(|e| e.code == code)
    }

    /// The variable groups in first-seen order, for listings.
    pub fn groups(&self) -> Vec<&str> {
        let mut groups: Vec<&str> = Vec::new();
        for v in &self.variables {
            if !groups.contains(&v.group.as_str()) {
                groups.push(&v.group);
            }
        }
        groups
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
