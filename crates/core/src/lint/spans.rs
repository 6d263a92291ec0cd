//! Where things are in the file: a tree of byte spans over the JSON text (from
//! the engine's tokenizer), field paths to spans and back, places inside a
//! field's decoded text moved to the file, and keys the connection types do
//! not know (read from their generated JSON Schema, not a hand-kept list).

use std::sync::OnceLock;

use serde_json::Value;

use crate::error::{LineIndex, Span};
use crate::json::{decode_string, raw_offset, Lexer, Token, TokenKind};

/// Deeper than any connection file; serde_json has refused deeper input
/// already, this only keeps recursion bounded if that ever changes.
const MAX_DEPTH: usize = 200;

#[derive(Debug)]
pub enum Kind {
    Object(Vec<(String, Node)>),
    Array(Vec<Node>),
    String,
    Other,
}

/// A value in the file and its byte span.
#[derive(Debug)]
pub struct Node {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
}

/// The span tree of a well-formed JSON text (`None` when it is not one, or nests too deeply).
pub fn parse(text: &str) -> Option<Node> {
    let mut tokens = Lexer::new(text);
    let node = value(text, &mut tokens, None, 0)?;
    tokens.next().is_none().then_some(node)
}

fn value(text: &str, tokens: &mut Lexer, first: Option<Token>, depth: usize) -> Option<Node> {
    if depth > MAX_DEPTH {
        return None;
    }
    let token = match first {
        Some(t) => t,
        None => tokens.next()?.ok()?,
    };
    let start = token.span.start;
    let kind = match token.kind {
        TokenKind::BeginObject => {
            let mut members = Vec::new();
            loop {
                let t = tokens.next()?.ok()?;
                match t.kind {
                    TokenKind::EndObject => break,
                    TokenKind::Comma => {}
                    TokenKind::String { .. } => {
                        let key = decode_string(t.text(text)).into_owned();
                        if tokens.next()?.ok()?.kind != TokenKind::Colon {
                            return None;
                        }
                        members.push((key, value(text, tokens, None, depth + 1)?));
                    }
                    _ => return None,
                }
            }
            Kind::Object(members)
        }
        TokenKind::BeginArray => {
            let mut items = Vec::new();
            loop {
                let t = tokens.next()?.ok()?;
                match t.kind {
                    TokenKind::EndArray => break,
                    TokenKind::Comma => {}
                    _ => items.push(value(text, tokens, Some(t), depth + 1)?),
                }
            }
            Kind::Array(items)
        }
        TokenKind::String { .. } => Kind::String,
        TokenKind::Number | TokenKind::True | TokenKind::False | TokenKind::Null => Kind::Other,
        _ => return None,
    };
    Some(Node {
        start,
        end: tokens.offset(),
        kind,
    })
}

impl Node {
    pub fn members(&self) -> Option<&[(String, Node)]> {
        match &self.kind {
            Kind::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn items(&self) -> Option<&[Node]> {
        match &self.kind {
            Kind::Array(items) => Some(items),
            _ => None,
        }
    }

    /// A member by key; the last one wins, as in serde_json.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.members()?
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, n)| n)
    }

    pub fn raw<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }

    /// The contents of a string without escapes, borrowed from the text.
    pub fn raw_str<'t>(&self, text: &'t str) -> Option<&'t str> {
        match self.kind {
            Kind::String => match decode_string(self.raw(text)) {
                std::borrow::Cow::Borrowed(s) => Some(s),
                std::borrow::Cow::Owned(_) => None,
            },
            _ => None,
        }
    }

    pub fn str_value(&self, text: &str) -> Option<String> {
        match self.kind {
            Kind::String => Some(decode_string(self.raw(text)).into_owned()),
            _ => None,
        }
    }

    /// Where `inner`, a span in this string's decoded text (a rule, a
    /// template), is in the file: escapes such as `\n`, `\"` and `\u00e9`
    /// are counted as written.
    pub fn inner_span(&self, text: &str, lines: &LineIndex, inner: Span) -> Option<Span> {
        if !matches!(self.kind, Kind::String) {
            return None;
        }
        let raw = self.raw(text);
        Some(lines.span(
            text,
            self.start + raw_offset(raw, inner.start),
            self.start + raw_offset(raw, inner.end),
        ))
    }

    /// The node at a field path such as `request.headers[0].name`.
    pub fn find(&self, path: &str) -> Option<&Node> {
        let mut node = self;
        for part in path.split('.').filter(|p| !p.is_empty()) {
            let (key, indexes) = match part.find('[') {
                Some(i) => (&part[..i], &part[i..]),
                None => (part, ""),
            };
            if !key.is_empty() {
                node = node.get(key)?;
            }
            for index in indexes.split(['[', ']']).filter(|s| !s.is_empty()) {
                node = node.items()?.get(index.parse::<usize>().ok()?)?;
            }
        }
        Some(node)
    }

    /// The field path of the innermost value around byte `offset`.
    pub fn path_at(&self, offset: usize) -> String {
        let mut path = String::new();
        let mut node = self;
        'descend: loop {
            match &node.kind {
                Kind::Object(members) => {
                    for (key, child) in members {
                        if child.start <= offset && offset <= child.end {
                            if !path.is_empty() {
                                path.push('.');
                            }
                            path.push_str(key);
                            node = child;
                            continue 'descend;
                        }
                    }
                }
                Kind::Array(items) => {
                    for (i, child) in items.iter().enumerate() {
                        if child.start <= offset && offset <= child.end {
                            path.push_str(&format!("[{i}]"));
                            node = child;
                            continue 'descend;
                        }
                    }
                }
                _ => {}
            }
            return path;
        }
    }
}

/// The connection file's JSON Schema, generated from the types serde reads.
fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let schema = schemars::schema_for!(crate::connection::ConnectionFile);
        serde_json::to_value(&schema).unwrap_or(Value::Null)
    })
}

/// Keys of the file object itself that serde would ignore, as (path, key).
pub fn unknown_file_keys(root: &Node) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(members) = root.members() {
        let known = &schema()["properties"];
        for (key, _) in members {
            if known.get(key).is_none() {
                out.push((key.clone(), key.clone()));
            }
        }
    }
    out
}

/// Keys of a connection object that serde would silently ignore (a typo like
/// `heders` would otherwise vanish), as (path of the key's value, key).
pub fn unknown_connection_keys(text: &str, connection: &Node) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let shape = &schema()["$defs"]["Connection"];
    unknown_keys(text, connection, shape, String::new(), &mut out, 0);
    out
}

/// `shape` with `$ref`s followed.
fn resolve(shape: &Value) -> &Value {
    let mut shape = shape;
    for _ in 0..8 {
        match shape["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix("#/$defs/"))
        {
            Some(name) => shape = &schema()["$defs"][name],
            None => break,
        }
    }
    shape
}

fn unknown_keys(
    text: &str,
    node: &Node,
    shape: &Value,
    path: String,
    out: &mut Vec<(String, String)>,
    depth: usize,
) {
    let shape = resolve(shape);
    if depth > 16 {
        return;
    }
    // A tagged enum: the variant its `type` names, else any variant's keys.
    let variants = shape["oneOf"]
        .as_array()
        .or_else(|| shape["anyOf"].as_array());
    if let Some(variants) = variants {
        let tag = node.get("type").and_then(|t| t.str_value(text));
        let chosen = variants
            .iter()
            .map(resolve)
            .find(|v| tag.is_some() && v["properties"]["type"]["const"].as_str() == tag.as_deref());
        match chosen {
            Some(variant) => unknown_keys(text, node, variant, path, out, depth + 1),
            None => {
                let mut known = serde_json::Map::new();
                for v in variants.iter().map(resolve) {
                    if let Some(props) = v["properties"].as_object() {
                        known.extend(props.iter().map(|(k, s)| (k.clone(), s.clone())));
                    }
                }
                if !known.is_empty() {
                    let union = serde_json::json!({ "properties": known });
                    unknown_keys(text, node, &union, path, out, depth + 1);
                }
            }
        }
        return;
    }
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match (&node.kind, shape["properties"].as_object(), &shape["items"]) {
        (Kind::Object(members), Some(known), _) => {
            for (key, child) in members {
                match known.get(key) {
                    Some(child_shape) => {
                        unknown_keys(text, child, child_shape, join(key), out, depth + 1)
                    }
                    None => out.push((join(key), key.clone())),
                }
            }
        }
        (Kind::Array(items), _, items_shape) if items_shape.is_object() => {
            for (i, item) in items.iter().enumerate() {
                let at = format!("{path}[{i}]");
                unknown_keys(text, item, items_shape, at, out, depth + 1);
            }
        }
        _ => {}
    }
}
