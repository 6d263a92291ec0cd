//! The connection file, version 1: what a finished connection is when it
//! leaves the editor, is kept in git, and is loaded again by the page or the CLI.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::context::json_error_after;
use crate::error::{Error, ErrorKind};

pub const FORMAT: &str = "hookwright/connections";
pub const VERSION: u64 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(title = "Hookwright connection file")]
/// Webhook connections designed in Hookwright, version 1.
pub struct ConnectionFile {
    /// Where editors find this schema; ignored on load.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    #[schemars(extend("const" = "hookwright/connections"))]
    pub format: String,
    #[schemars(extend("const" = 1))]
    pub version: u64,
    pub connections: Vec<Connection>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    /// Unique within the file; what `hookwright request --id` names.
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    pub source: Source,
    pub trigger: Trigger,
    pub request: Request,
    /// The sample context the editor previews this connection against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<String>,
}

fn enabled_by_default() -> bool {
    true
}

impl Connection {
    /// What to call the connection where it is listed: its name, or its id
    /// while the name is blank (lint warns of that), so no entry is nameless.
    pub fn display_name(&self) -> &str {
        if self.name.trim().is_empty() {
            &self.id
        } else {
            &self.name
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Loanpro,
    Youlend,
}

impl Source {
    pub fn label(self) -> &'static str {
        match self {
            Source::Loanpro => "LoanPro",
            Source::Youlend => "YouLend",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Trigger {
    /// LoanPro's trigger-based webhook: fires when the rule is true for a loan.
    Rule { rule: String },
    /// Fires on a named event, optionally filtered by a rule.
    Event {
        event: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        rule: String,
    },
}

impl Trigger {
    /// The rule text, empty for an unfiltered event trigger.
    pub fn rule(&self) -> &str {
        match self {
            Trigger::Rule { rule } | Trigger::Event { rule, .. } => rule,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    pub method: Method,
    pub url: String,
    #[serde(default)]
    pub headers: Vec<Header>,
    #[serde(default)]
    pub auth: Auth,
    pub payload: Payload,
    /// The user's choice per URL query parameter name: `true` keeps its value
    /// out of exports, share links and the send history, `false` lets it
    /// through. Names not listed are secret when they look like a credential
    /// (`token`, `api_key`, …; see `secret::is_credential_name`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub query_secrets: BTreeMap<String, bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub const ALL: [Method; 5] = [
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Header {
    pub name: String,
    pub value: String,
    /// The user's choice: `true` keeps the value out of exports, share links
    /// and the send history, `false` lets it through. Absent, the value is
    /// secret when the name carries credentials by convention
    /// (`Authorization`, `Cookie`, `X-Api-Key`, `*key*`, `*token*`, `*secret*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<bool>,
    /// The value was left out of an export and must be filled in.
    #[serde(default, skip_serializing_if = "is_false")]
    pub redacted: bool,
}

impl Header {
    /// A header with no secret mark of its own (the name decides).
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Header {
        Header {
            name: name.into(),
            value: value.into(),
            secret: None,
            redacted: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Auth {
    #[default]
    None,
    Bearer {
        token: String,
        /// The token was left out of an export and must be filled in.
        #[serde(default, skip_serializing_if = "is_false")]
        redacted: bool,
    },
    Basic {
        username: String,
        password: String,
        /// The password was left out of an export and must be filled in.
        #[serde(default, skip_serializing_if = "is_false")]
        redacted: bool,
    },
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Payload {
    /// LoanPro's "variables to include": sent as its JSON envelope.
    Variables {
        variables: Vec<String>,
        #[serde(rename = "eventName", default, skip_serializing_if = "Option::is_none")]
        event_name: Option<String>,
    },
    /// "Custom Body Formatting": any text with placeholders.
    Custom {
        #[serde(rename = "contentType")]
        content_type: String,
        body: String,
    },
}

/// The format gate, shared by reading and `lint`: `format` is the field as
/// written (`None` when absent). The error has no span; `lint` attaches its own.
pub fn check_format(format: Option<&str>) -> Result<(), Error> {
    match format {
        Some(FORMAT) => Ok(()),
        Some(other) => Err(Error::new(
            ErrorKind::Format,
            format!("this is a `{other}` file, not a Hookwright connection file (`{FORMAT}`)"),
            None,
        )),
        None => Err(Error::new(
            ErrorKind::Format,
            format!("not a Hookwright connection file: no \"format\": \"{FORMAT}\""),
            None,
        )),
    }
}

/// The version gate, shared by reading and `lint`: `version` is the field as
/// written (`None` when absent). The error has no span; `lint` attaches its own.
pub fn check_version(version: Option<&str>) -> Result<(), Error> {
    match version {
        Some(v) if v == VERSION.to_string() => Ok(()),
        other => Err(Error::new(
            ErrorKind::Format,
            format!(
                "connection file version {} is not supported; this build reads version {VERSION}",
                other.unwrap_or("missing")
            ),
            None,
        )),
    }
}

impl ConnectionFile {
    pub fn new(connections: Vec<Connection>) -> ConnectionFile {
        ConnectionFile {
            schema: None,
            format: FORMAT.to_string(),
            version: VERSION,
            connections,
        }
    }

    /// Reads a connection file, refusing another format or an unknown
    /// version before anything else, with the location of any bad JSON.
    /// A leading byte order mark (Windows editors write one) is skipped; errors are placed in `text`.
    pub fn from_json(text: &str) -> Result<ConnectionFile, Error> {
        let skip = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let body = &text[skip..];
        let located = |e: serde_json::Error| json_error_after(text, skip, &e);
        let raw: serde_json::Value = serde_json::from_str(body).map_err(located)?;
        check_format(raw.get("format").and_then(|f| f.as_str()))?;
        check_version(
            raw.get("version")
                .and_then(|v| v.as_u64())
                .map(|v| v.to_string())
                .as_deref(),
        )?;
        serde_json::from_str(body).map_err(located)
    }

    /// The file indented as people read it. Written compact and re-indented
    /// through `serde_json::Value` (the same text: fields keep their order,
    /// numbers their digits), so a program holds only the compact writer of
    /// the connection types: the page's wasm one copy fewer.
    pub fn to_json_pretty(&self) -> String {
        let compact = serde_json::to_string(self).expect("connection files always serialise");
        let value: serde_json::Value =
            serde_json::from_str(&compact).expect("compact JSON reads back");
        serde_json::to_string_pretty(&value).expect("JSON values always serialise")
    }

    /// A copy safe to share: every secret (see [`crate::secret`]) replaced
    /// by a placeholder and marked, so loading it says which to fill in.
    pub fn redacted(&self) -> ConnectionFile {
        let mut file = self.clone();
        for connection in &mut file.connections {
            *connection = crate::secret::redact(connection);
        }
        file
    }

    /// The file as exported: secrets left out unless the user asks for them.
    pub fn export(&self, include_secrets: bool) -> String {
        if include_secrets {
            self.to_json_pretty()
        } else {
            self.redacted().to_json_pretty()
        }
    }

    /// The secrets an export left out: (connection id, field path) pairs such
    /// as `("late-5-note", "request.auth.token")`.
    pub fn missing_secrets(&self) -> Vec<(String, String)> {
        self.connections
            .iter()
            .flat_map(|c| {
                crate::secret::missing(c)
                    .into_iter()
                    .map(|s| (c.id.clone(), s.field))
            })
            .collect()
    }
}

impl Auth {
    /// The same credentials with the secret emptied and marked redacted;
    /// usernames stay, since they are needed to know which secret to fill in.
    pub fn redacted(&self) -> Auth {
        match self {
            Auth::None => Auth::None,
            Auth::Bearer { .. } => Auth::Bearer {
                token: String::new(),
                redacted: true,
            },
            Auth::Basic { username, .. } => Auth::Basic {
                username: username.clone(),
                password: String::new(),
                redacted: true,
            },
        }
    }
}

/// The JSON Schema of the connection file, generated from these types; the
/// committed copy in `data/connection-file.schema.json` is checked against it.
pub fn schema() -> String {
    let schema = schemars::schema_for!(ConnectionFile);
    serde_json::to_string_pretty(&schema).expect("schemas always serialise") + "\n"
}

/// The committed schema file, for anyone who wants the bytes without generating.
pub const SCHEMA_FILE: &str = include_str!("../data/connection-file.schema.json");

/// The example connection files shipped in `examples/`, built into the engine.
pub const EXAMPLE_FILES: [(&str, &str); 3] = [
    (
        "late-5-days-external.json",
        include_str!("../../../examples/late-5-days-external.json"),
    ),
    (
        "late-5-days-customer-note.json",
        include_str!("../../../examples/late-5-days-customer-note.json"),
    ),
    (
        "youlend-repayment-ledger.json",
        include_str!("../../../examples/youlend-repayment-ledger.json"),
    ),
];

/// The built-in example connections, in the order the editor lists them.
pub fn examples() -> Vec<Connection> {
    EXAMPLE_FILES
        .iter()
        .flat_map(|(_, text)| {
            ConnectionFile::from_json(text)
                .expect("built-in examples are valid; a test guards this")
                .connections
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_name_is_listed_by_the_id() {
        let mut c = examples().remove(0);
        assert_eq!(c.display_name(), "Customer's Loan is 5 Days Past Due");
        c.name = "  ".into();
        assert_eq!(c.display_name(), "late-5-external");
    }

    #[test]
    fn examples_load_and_round_trip() {
        let all = examples();
        assert_eq!(all[0].name, "Customer's Loan is 5 Days Past Due");
        assert_eq!(all.len(), 3);
        let file = ConnectionFile::new(all.clone());
        let again = ConnectionFile::from_json(&file.to_json_pretty()).unwrap();
        assert_eq!(again.connections, all);
    }

    #[test]
    fn refuses_other_formats_and_versions() {
        let err = ConnectionFile::from_json(r#"{"format":"x","version":1,"connections":[]}"#)
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Format);
        let err = ConnectionFile::from_json(&format!(
            r#"{{"format":"{FORMAT}","version":2,"connections":[]}}"#
        ))
        .unwrap_err();
        assert!(err.message.contains("version 2"));
    }
}
