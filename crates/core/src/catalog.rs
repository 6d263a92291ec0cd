//! Catalogs: the variables (and events) a source offers, with their types, so
//! rules and templates can be checked without evaluating them. Built-in
//! catalogs are data files compiled in; users may load their own in the same format.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::context::json_error;
use crate::error::{Error, ErrorKind, Span};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// What a user of the catalog should know about the platform's values as
    /// a whole (how empty objects and numbers arrive, how formats were chosen).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The public pages entries cite, by the key their `source` names.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sources: BTreeMap<String, SourcePage>,
    #[serde(default)]
    pub variables: Vec<Variable>,
    #[serde(default)]
    pub events: Vec<Event>,
    #[serde(skip)]
    index: SearchIndex,
}

/// A public page that documents catalog entries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourcePage {
    pub url: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawVariable")]
pub struct Variable {
    /// The variable's path. Items of an array variable are named through the
    /// array without an index: `payments.payment-date`.
    pub name: String,
    #[serde(default)]
    pub group: String,
    /// What the checker, the builder and the samples go by. In a data file it
    /// may be left out when `format` implies it.
    #[serde(rename = "type")]
    pub ty: VarType,
    /// The platform's own name for the value's format (LoanPro's: currency,
    /// percentage, selection …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    /// The allowed values of an `enum` variable.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    #[serde(default)]
    pub description: String,
    /// A value as the platform sends it: a number in quotes (`"727"`) means
    /// the variable arrives as text.
    #[serde(default)]
    pub example: serde_json::Value,
    /// Named in the platform's public docs; other names are realistic
    /// guesses that a team should check against its own tenant. A variable
    /// with a `source` is documented.
    #[serde(default, skip_serializing_if = "is_false")]
    pub documented: bool,
    /// The key (in the catalog's `sources`) of the page that documents it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// May be missing from a real payload (YouLend's `EventId`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub optional: bool,
    /// The events whose payloads carry this variable; empty when every
    /// context has it (all LoanPro variables, YouLend's envelope).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<String>,
    /// Digits after the decimal point a `number` or `money` variable holds
    /// (its exact SQL type is `DECIMAL(38, scale)`); when absent, 2 for money,
    /// 4 for percentages and 0 for other numbers. See [`Variable::decimal_scale`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<u32>,
}

impl Variable {
    /// The scale of a number or money variable: the catalog's, else 2 for
    /// money, 4 for percentages (LoanPro sends rates like `12.99`) and 0 for
    /// other numbers; `None` for other types.
    pub fn decimal_scale(&self) -> Option<u32> {
        match self.ty {
            VarType::Money => Some(self.scale.unwrap_or(2)),
            VarType::Number if self.format == Some(Format::Percentage) => {
                Some(self.scale.unwrap_or(4))
            }
            VarType::Number => Some(self.scale.unwrap_or(self.example_scale())),
            _ => None,
        }
    }
}

/// A variable as a data file writes it: `type` may be left to `format`.
#[derive(Deserialize)]
struct RawVariable {
    name: String,
    #[serde(default)]
    group: String,
    #[serde(rename = "type", default)]
    ty: Option<VarType>,
    #[serde(default)]
    format: Option<Format>,
    #[serde(default)]
    values: Vec<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    example: serde_json::Value,
    #[serde(default)]
    documented: bool,
    #[serde(default)]
    source: String,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    events: Vec<String>,
    #[serde(default)]
    scale: Option<u32>,
}

impl TryFrom<RawVariable> for Variable {
    type Error = String;

    fn try_from(raw: RawVariable) -> Result<Variable, String> {
        let ty = match (raw.ty, raw.format) {
            (Some(ty), _) => ty,
            (None, Some(format)) => format.var_type(!raw.values.is_empty()),
            (None, None) => {
                return Err(format!("variable `{}` needs a type or a format", raw.name))
            }
        };
        Ok(Variable {
            documented: raw.documented || !raw.source.is_empty(),
            name: raw.name,
            group: raw.group,
            ty,
            format: raw.format,
            values: raw.values,
            description: raw.description,
            example: raw.example,
            source: raw.source,
            optional: raw.optional,
            events: raw.events,
            scale: raw.scale,
        })
    }
}

impl Variable {
    /// Digits after the point in the example (`0.0525` → 4), 0 when it has none.
    fn example_scale(&self) -> u32 {
        match &self.example {
            serde_json::Value::Number(n) => n
                .to_string()
                .split_once('.')
                .map_or(0, |(_, frac)| frac.len() as u32),
            _ => 0,
        }
    }

    /// Whether the variable holds digits that arrive as a JSON string (as
    /// LoanPro sends `"loan-display-id": "727"`), so comparing it with a
    /// number is always false. Read from the example: text that is a number.
    pub fn number_as_text(&self) -> bool {
        matches!(self.ty, VarType::Text | VarType::Enum)
            && self
                .example
                .as_str()
                .is_some_and(|s| !s.is_empty() && s.parse::<rust_decimal::Decimal>().is_ok())
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

    /// The type a data file names (`"money"`), `None` for any other text.
    fn from_name(name: &str) -> Option<VarType> {
        [
            VarType::Number,
            VarType::Money,
            VarType::Text,
            VarType::Date,
            VarType::Boolean,
            VarType::Enum,
            VarType::Array,
            VarType::Object,
        ]
        .into_iter()
        .find(|ty| ty.as_str() == name)
    }

    /// Whether the variable holds items (an array, or an object keyed by id).
    pub fn has_items(self) -> bool {
        matches!(self, VarType::Array | VarType::Object)
    }
}

/// LoanPro's format names for Context Engine values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Array,
    Boolean,
    Currency,
    Date,
    Email,
    Numeric,
    Percentage,
    Phone,
    Selection,
    Text,
    Url,
}

impl Format {
    pub const ALL: [Format; 11] = [
        Format::Array,
        Format::Boolean,
        Format::Currency,
        Format::Date,
        Format::Email,
        Format::Numeric,
        Format::Percentage,
        Format::Phone,
        Format::Selection,
        Format::Text,
        Format::Url,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Array => "array",
            Format::Boolean => "boolean",
            Format::Currency => "currency",
            Format::Date => "date",
            Format::Email => "email",
            Format::Numeric => "numeric",
            Format::Percentage => "percentage",
            Format::Phone => "phone",
            Format::Selection => "selection",
            Format::Text => "text",
            Format::Url => "url",
        }
    }

    /// The format a data file names (`"currency"`), `None` for any other text.
    fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// The checker's type for a value of this format; a selection with a
    /// known list of values is an enum, otherwise text.
    pub fn var_type(self, has_values: bool) -> VarType {
        match self {
            Format::Array => VarType::Array,
            Format::Boolean => VarType::Boolean,
            Format::Currency => VarType::Money,
            Format::Date => VarType::Date,
            Format::Numeric | Format::Percentage => VarType::Number,
            Format::Selection if has_values => VarType::Enum,
            Format::Selection | Format::Email | Format::Phone | Format::Text | Format::Url => {
                VarType::Text
            }
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
    /// The key (in the catalog's `sources`) of the page that lists the event.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
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

/// Lower-cased search text per variable, built on the first search and
/// shared by clones; never part of a catalog's identity.
#[derive(Debug, Clone, Default)]
struct SearchIndex(OnceLock<Vec<String>>);

impl PartialEq for SearchIndex {
    fn eq(&self, _: &SearchIndex) -> bool {
        true
    }
}

/// Whether a path segment picks an item rather than naming a field: an index
/// (`0`), `first`, `last`, `current`, or an id (`id3`).
fn is_index_segment(segment: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(segment)
        || matches!(segment, "first" | "last" | "current")
        || segment.strip_prefix("id").is_some_and(digits)
}

impl Catalog {
    /// Reads a catalog (built-in or a user's own, same format). Event fields
    /// become variables, tagged with the events that carry them, so checkers
    /// need only [`Catalog::variable`]. Entries with a `source` are documented.
    pub fn from_json(text: &str) -> Result<Catalog, Error> {
        // Anything but an object gets a message of ours, not serde's naming the Rust struct
        // ("invalid length 0, expected struct Catalog with 6 elements").
        let raw: serde_json::Value =
            serde_json::from_str(text).map_err(|e| json_error(text, &e))?;
        if !raw.is_object() {
            let start = text.len() - text.trim_start().len();
            return Err(Error::at(
                ErrorKind::Invalid,
                "a catalog file is a JSON object: {\"name\": …, \"variables\": [{\"name\": …, \"type\": …}]}",
                Span::locate(text, start, start + 1),
            ));
        }
        let mut catalog: Catalog = serde_json::from_str(text).map_err(|e| json_error(text, &e))?;
        for event in &mut catalog.events {
            event.documented |= !event.source.is_empty();
        }
        catalog.merge_event_fields();
        Ok(catalog)
    }

    /// Reads a built-in catalog: what [`Catalog::from_json`] reads (a test
    /// holds the two equal on every built-in file), walked from a
    /// `serde_json::Value` instead of serde's derived decoders, which were
    /// most of the catalog's code in the page's wasm. Built-in data is checked
    /// by that test, so nothing here says where a mistake is.
    fn built_in(text: &str) -> Catalog {
        use serde_json::Value;
        fn text_of(object: &Value, key: &str) -> String {
            object[key].as_str().unwrap_or_default().to_string()
        }
        fn flag(object: &Value, key: &str) -> bool {
            object[key].as_bool().unwrap_or_default()
        }
        fn texts(object: &Value, key: &str) -> Vec<String> {
            object[key]
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        }
        fn variables(list: &Value) -> Vec<Variable> {
            let Some(list) = list.as_array() else {
                return Vec::new();
            };
            list.iter()
                .filter_map(|v| {
                    let format = v["format"].as_str().and_then(Format::from_name);
                    let values = texts(v, "values");
                    let ty = match (v["type"].as_str().and_then(VarType::from_name), format) {
                        (Some(ty), _) => ty,
                        (None, Some(format)) => format.var_type(!values.is_empty()),
                        (None, None) => return None,
                    };
                    let source = text_of(v, "source");
                    Some(Variable {
                        name: text_of(v, "name"),
                        group: text_of(v, "group"),
                        ty,
                        format,
                        values,
                        description: text_of(v, "description"),
                        example: v["example"].clone(),
                        documented: flag(v, "documented") || !source.is_empty(),
                        source,
                        optional: flag(v, "optional"),
                        events: texts(v, "events"),
                        scale: v["scale"].as_u64().and_then(|s| u32::try_from(s).ok()),
                    })
                })
                .collect()
        }
        let root: Value = serde_json::from_str(text).unwrap_or_default();
        // Inserted one by one: collecting into a map sorts, a sort compiled for this type alone.
        let mut sources = BTreeMap::new();
        for (key, page) in root["sources"].as_object().into_iter().flatten() {
            let page = SourcePage {
                url: text_of(page, "url"),
                title: text_of(page, "title"),
            };
            sources.insert(key.clone(), page);
        }
        let events = root["events"]
            .as_array()
            .map(|events| {
                events
                    .iter()
                    .map(|e| {
                        let source = text_of(e, "source");
                        Event {
                            code: text_of(e, "code"),
                            name: text_of(e, "name"),
                            description: text_of(e, "description"),
                            documented: flag(e, "documented") || !source.is_empty(),
                            source,
                            deprecated_by: e["deprecatedBy"].as_str().map(str::to_string),
                            fields: variables(&e["fields"]),
                            sample: Some(e["sample"].clone()).filter(|s| !s.is_null()),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut catalog = Catalog {
            name: text_of(&root, "name"),
            description: text_of(&root, "description"),
            notes: texts(&root, "notes"),
            sources,
            variables: variables(&root["variables"]),
            events,
            index: SearchIndex::default(),
        };
        catalog.merge_event_fields();
        catalog
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

    /// The variable at `path`. Index segments into a variable with items
    /// (`1`, `first`, `last`, `current`, `id3`) name its items:
    /// `payments.0.payment-date` finds `payments.payment-date`,
    /// `collateral-position.id1.collateral-vin` finds `collateral-position.collateral-vin`.
    pub fn variable(&self, path: &str) -> Option<&Variable> {
        if let Some(found) = self.variables.iter().find(|v| v.name == path) {
            return Some(found);
        }
        let normalized: Vec<&str> = path.split('.').filter(|s| !is_index_segment(s)).collect();
        let normalized = normalized.join(".");
        self.variables.iter().find(|v| v.name == normalized)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.variables.iter().map(|v| v.name.as_str())
    }

    /// The item fields of an array (or keyed) variable: `payments` gives
    /// `payments.payment-date` and its siblings, not deeper paths.
    pub fn items_of<'a>(&'a self, parent: &'a str) -> impl Iterator<Item = &'a Variable> + 'a {
        self.variables.iter().filter(move |v| {
            v.name
                .strip_prefix(parent)
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|field| !field.contains('.'))
        })
    }

    /// The page that documents `v`, if the catalog names it.
    pub fn source_of(&self, v: &Variable) -> Option<&SourcePage> {
        self.sources.get(&v.source)
    }

    /// Variables whose name, description or group contain every word of the
    /// query (case-insensitive), best first: the exact name, names that start
    /// with the query, names that hold every word (starting with the first
    /// before the others), names that start with or hold the first word, then
    /// the rest, each in catalog order. At most `limit`. The lower-cased text is built once
    /// per catalog, so a keystroke costs one pass of substring tests.
    pub fn search(&self, query: &str, limit: usize) -> Vec<&Variable> {
        let index = self.index.0.get_or_init(|| {
            self.variables
                .iter()
                .map(|v| format!("{}\n{}\n{}", v.name, v.description, v.group).to_lowercase())
                .collect()
        });
        let query = query.trim().to_lowercase();
        let words: Vec<&str> = query.split_whitespace().collect();
        let mut found: Vec<(u8, usize)> = index
            .iter()
            .enumerate()
            .filter(|(_, text)| words.iter().all(|w| text.contains(w)))
            .map(|(i, text)| {
                let name = text.split('\n').next().unwrap_or_default();
                let first = words.first().copied().unwrap_or_default();
                let rank = if query.is_empty() {
                    6
                } else if name == query {
                    0
                } else if name.starts_with(query.as_str()) {
                    1
                } else if words.iter().all(|w| name.contains(w)) {
                    // "escrow bal" → escrow.balance before escrow.
                    if name.starts_with(first) {
                        2
                    } else {
                        3
                    }
                } else if name.starts_with(first) {
                    4
                } else if name.contains(first) {
                    5
                } else {
                    6
                };
                (rank, i)
            })
            .collect();
        crate::order::sort(&mut found);
        found
            .into_iter()
            .take(limit)
            .map(|(_, i)| &self.variables[i])
            .collect()
    }
}

/// LoanPro's Context Engine variables and events.
pub fn loanpro() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::built_in(include_str!("../data/loanpro-catalog.json")))
}

/// YouLend's webhook events and the fields they carry.
pub fn youlend() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::built_in(include_str!("../data/youlend-catalog.json")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-ins are read without serde's derived decoders (see
    /// `Catalog::built_in`): they must read exactly as a user's file does.
    #[test]
    fn built_in_catalogs_read_as_from_json_reads_them() {
        for text in [
            include_str!("../data/loanpro-catalog.json"),
            include_str!("../data/youlend-catalog.json"),
        ] {
            let read = Catalog::from_json(text).expect("the built-in catalogs are valid");
            assert_eq!(Catalog::built_in(text), read);
            assert!(read.variables.len() > 10 && !read.events.is_empty());
        }
    }

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
        let c = loanpro();
        for path in [
            "escrow.1.balance",
            "collateral-position.id1.collateral-vin",
            "billing-period-values-array.current.end-date",
            "cards-array.id456.card-status",
        ] {
            assert!(c.variable(path).is_some(), "{path}");
        }
        assert!(c.variable("customer.primary.id").is_some());
        assert!(c.variable("customer.id3").is_none());
    }

    #[test]
    fn type_follows_format_unless_given() {
        let c = loanpro();
        assert_eq!(c.variable("setup-loan-amount").unwrap().ty, VarType::Money);
        assert_eq!(
            c.variable("setup-interest-rate").unwrap().ty,
            VarType::Number
        );
        assert_eq!(c.variable("loan-status").unwrap().ty, VarType::Enum);
        assert_eq!(c.variable("escrow").unwrap().ty, VarType::Object);
        let err = Catalog::from_json(r#"{"name": "x", "variables": [{"name": "a"}]}"#).unwrap_err();
        assert!(err.message.contains("type or a format"), "{}", err.message);
    }

    #[test]
    fn search_ranks_names_before_descriptions() {
        let c = loanpro();
        let found = c.search("loan-status", 5);
        assert_eq!(found[0].name, "loan-status");
        let found: Vec<&str> = c
            .search("escrow", 100)
            .iter()
            .map(|v| v.name.as_str())
            .collect();
        assert_eq!(found[0], "escrow");
        assert!(found.contains(&"status-due-escrow"));
        let found: Vec<&str> = c
            .search("days past", 100)
            .iter()
            .map(|v| v.name.as_str())
            .collect();
        assert!(found.contains(&"status-days-past-due"), "{found:?}");
        assert_eq!(c.search("", 7).len(), 7);
    }
}
