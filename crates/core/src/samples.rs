//! Sample contexts: ready-made loans and YouLend events that rules, templates
//! and lint are previewed against, built in so the editor works with no setup.
//! Loan samples are a data file, completed from the LoanPro catalog's examples
//! for every variable the file leaves out (so each loan holds every catalog
//! variable); each YouLend event's sample is its catalog entry's payload.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::catalog;
use crate::connection::{Connection, Source, Trigger};
use crate::context::{from_json_value, json_error, Context};
use crate::error::{Error, ErrorKind};

#[derive(Debug, Clone, PartialEq)]
pub struct SampleContext {
    /// Stable id a connection's `sample` field names: `loan-5-days-past-due`, `LOA10040`.
    pub id: String,
    pub name: String,
    pub description: String,
    pub source: Source,
    /// The event this sample is a payload of; `None` for a loan's Context Engine variables.
    pub event: Option<String>,
    pub context: Context,
}

/// A sample file's entry: the format of `data/loan-samples.json`, which a
/// user's own sample file follows too.
#[derive(Deserialize)]
struct RawSample {
    id: String,
    name: String,
    #[serde(default)]
    description: String,
    source: Source,
    #[serde(default)]
    event: Option<String>,
    context: serde_json::Value,
}

#[derive(Deserialize)]
struct RawSampleFile {
    samples: Vec<RawSample>,
}

/// Reads a sample file (`{"samples": [{id, name, description, source, event?, context}]}`).
pub fn samples_from_json(text: &str) -> Result<Vec<SampleContext>, Error> {
    samples_from_json_completed(text, None)
}

/// Reads a sample file and, when a catalog is given, completes each loan
/// context (no event) with the catalog's examples; see [`complete_from_catalog`].
pub fn samples_from_json_completed(
    text: &str,
    catalog: Option<&catalog::Catalog>,
) -> Result<Vec<SampleContext>, Error> {
    let raw: RawSampleFile = serde_json::from_str(text).map_err(|e| json_error(text, &e))?;
    complete(raw.samples, catalog)
}

/// The built-in loan samples: what [`samples_from_json_completed`] reads (a
/// test holds the two equal), walked from a `serde_json::Value` instead of
/// serde's derived decoder, so the page's wasm need not carry that decoder.
fn built_in_loans(text: &str) -> Vec<SampleContext> {
    let root: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
    let text_of = |s: &serde_json::Value, key: &str| s[key].as_str().map(str::to_string);
    let raw = root["samples"]
        .as_array()
        .map(|samples| {
            samples
                .iter()
                .filter_map(|s| {
                    Some(RawSample {
                        id: text_of(s, "id")?,
                        name: text_of(s, "name")?,
                        description: text_of(s, "description").unwrap_or_default(),
                        source: match s["source"].as_str()? {
                            "loanpro" => Source::Loanpro,
                            "youlend" => Source::Youlend,
                            _ => return None,
                        },
                        event: text_of(s, "event"),
                        context: s["context"].clone(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    complete(raw, Some(catalog::loanpro()))
        .expect("the built-in loan samples are valid; a test guards this")
}

/// Each sample's context completed from `catalog` (loans only) and checked.
fn complete(
    raw: Vec<RawSample>,
    catalog: Option<&catalog::Catalog>,
) -> Result<Vec<SampleContext>, Error> {
    raw.into_iter()
        .map(|mut s| {
            if let (Some(catalog), None) = (catalog, &s.event) {
                complete_from_catalog(&mut s.context, catalog);
            }
            let root = from_json_value(&s.context).map_err(|message| {
                Error::new(
                    ErrorKind::Json,
                    format!("sample `{}`: {message}", s.id),
                    None,
                )
            })?;
            Ok(SampleContext {
                id: s.id,
                name: s.name,
                description: s.description,
                source: s.source,
                event: s.event,
                context: Context::new(root),
            })
        })
        .collect()
}

/// Adds every catalog variable `context` lacks, with the catalog's example,
/// without touching what is there. Dotted names nest (`customer.primary.id`);
/// item fields go into every item of their array, or every entry of their
/// keyed object (an empty one gets one item first, keyed as the parent's
/// example keys it: `collateral-position` → `id1`).
pub fn complete_from_catalog(context: &mut serde_json::Value, catalog: &catalog::Catalog) {
    use serde_json::{Map, Value as Json};
    for v in &catalog.variables {
        let parent = catalog
            .variables
            .iter()
            .filter(|p| {
                p.ty.has_items()
                    && v.name.len() > p.name.len()
                    && v.name.starts_with(p.name.as_str())
                    && v.name.as_bytes()[p.name.len()] == b'.'
            })
            .max_by_key(|p| p.name.len());
        let Some(parent) = parent else {
            insert_path(context, &v.name, &v.example);
            continue;
        };
        let field = &v.name[parent.name.len() + 1..];
        insert_path(context, &parent.name, &parent.example);
        let Some(container) = lookup_mut(context, &parent.name) else {
            continue;
        };
        let items: Vec<&mut Json> = match container {
            Json::Array(items) => {
                if items.is_empty() {
                    items.push(Json::Object(Map::new()));
                }
                items.iter_mut().collect()
            }
            Json::Object(entries) => {
                if entries.is_empty() {
                    let key = parent
                        .example
                        .as_object()
                        .and_then(|e| e.keys().next().cloned())
                        .unwrap_or_else(|| "1".to_string());
                    entries.insert(key, Json::Object(Map::new()));
                }
                entries.values_mut().collect()
            }
            _ => continue,
        };
        for item in items {
            insert_path(item, field, &v.example);
        }
    }
}

/// Sets `path` (dotted) in `root` to `value` unless something is there; creates objects on the way.
fn insert_path(root: &mut serde_json::Value, path: &str, value: &serde_json::Value) {
    let mut at = root;
    let mut segments = path.split('.').peekable();
    while let Some(segment) = segments.next() {
        let serde_json::Value::Object(map) = at else {
            return;
        };
        if segments.peek().is_none() {
            map.entry(segment.to_string())
                .or_insert_with(|| value.clone());
            return;
        }
        at = map
            .entry(segment.to_string())
            .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
    }
}

fn lookup_mut<'a>(
    root: &'a mut serde_json::Value,
    path: &str,
) -> Option<&'a mut serde_json::Value> {
    path.split('.')
        .try_fold(root, |at, segment| at.get_mut(segment))
}

/// One sample per catalog event that documents a payload, its id the event code.
pub fn event_samples(catalog: &catalog::Catalog, source: Source) -> Vec<SampleContext> {
    catalog
        .events
        .iter()
        .filter_map(|event| {
            let payload = event.sample.as_ref()?;
            let root = from_json_value(payload).ok()?;
            Some(SampleContext {
                id: event.code.clone(),
                name: format!("{} {}", event.code, event.name),
                description: event.description.clone(),
                source,
                event: Some(event.code.clone()),
                context: Context::new(root),
            })
        })
        .collect()
}

/// Every built-in sample: the loans first, then one per YouLend event.
pub fn samples() -> &'static [SampleContext] {
    static SAMPLES: OnceLock<Vec<SampleContext>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let mut all = built_in_loans(include_str!("../data/loan-samples.json"));
        all.extend(event_samples(catalog::youlend(), Source::Youlend));
        all
    })
}

/// The built-in sample with this id.
pub fn sample(id: &str) -> Option<&'static SampleContext> {
    samples().iter().find(|s| s.id == id)
}

/// The built-in samples a connection can fire on; see [`samples_for_in`].
pub fn samples_for(connection: &Connection) -> Vec<&'static SampleContext> {
    samples_for_in(samples(), connection)
}

/// The samples in `all` that a connection can fire on. LoanPro delivers a
/// loan's variables for rule and event triggers alike, so every LoanPro
/// connection gets the loan samples; a YouLend event trigger gets that
/// event's payloads only.
pub fn samples_for_in<'a>(
    all: &'a [SampleContext],
    connection: &Connection,
) -> Vec<&'a SampleContext> {
    all.iter()
        .filter(|s| s.source == connection.source)
        .filter(|s| match (connection.source, &connection.trigger) {
            (Source::Loanpro, _) => s.event.is_none(),
            (Source::Youlend, Trigger::Event { event, .. }) => s.event.as_deref() == Some(event),
            // A rule trigger is not something YouLend sends; lint says so.
            (Source::Youlend, Trigger::Rule { .. }) => true,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in loans are read without serde's derived decoder (see
    /// `built_in_loans`): they must read exactly as a user's file does.
    #[test]
    fn built_in_loans_read_as_a_sample_file_reads_them() {
        let text = include_str!("../data/loan-samples.json");
        let read = samples_from_json_completed(text, Some(catalog::loanpro()))
            .expect("the built-in loan samples are valid");
        assert!(read.len() >= 4);
        assert_eq!(built_in_loans(text), read);
    }
}
