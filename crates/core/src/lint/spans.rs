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

/// The connection file's JSON Schema, generated from the connection types (its committed copy,
/// which a test holds equal to what schemars generates: the page then carries a few KB of JSON
/// instead of schemars' generator). Lint reads from it which keys serde reads at each place,
/// and what each value must be.
fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA
        .get_or_init(|| serde_json::from_str(crate::connection::SCHEMA_FILE).unwrap_or(Value::Null))
}

/// `shape` with `$ref`s followed.
fn resolve(shape: &'static Value) -> &'static Value {
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

/// Keys of the file object itself that serde would ignore, as (path, key).
pub fn unknown_file_keys(root: &Node) -> Vec<(String, String)> {
    root.members()
        .unwrap_or(&[])
        .iter()
        .filter(|(key, _)| schema()["properties"].get(key).is_none())
        .map(|(key, _)| (key.clone(), key.clone()))
        .collect()
}

/// A connection read against its schema in one walk.
#[derive(Default)]
pub struct SchemaCheck<'n> {
    /// Keys serde would silently ignore (a typo like `heders` would otherwise vanish), as (path
    /// of the key's value, key).
    pub unknown_keys: Vec<(String, String)>,
    /// The first value, in file order, of a type or value the schema does not allow, or an
    /// object missing a required key, as (field path, that value, its schema). serde finds the
    /// same fault but says where its reading stopped, which inside `trigger`, `auth` and
    /// `payload` (read whole before their variant) is the end of the enclosing object:
    /// `"variables": ["loan-id", 5]` was `request`, at `request`'s closing brace.
    pub fault: Option<(String, &'n Node, &'static Value)>,
}

pub fn check_connection<'n>(text: &str, connection: &'n Node) -> SchemaCheck<'n> {
    let mut check = SchemaCheck::default();
    check.walk(
        text,
        &schema()["$defs"]["Connection"],
        connection,
        String::new(),
        0,
    );
    check
}

/// What kind of JSON value `node` is, in words (`an object`, `text`, `a number`).
pub fn json_type(text: &str, node: &Node) -> &'static str {
    match &node.kind {
        Kind::Object(_) => "an object",
        Kind::Array(_) => "an array",
        Kind::String => "text",
        Kind::Other => match text.as_bytes()[node.start] {
            b't' | b'f' => "a boolean",
            b'n' => "null",
            _ => "a number",
        },
    }
}

impl<'n> SchemaCheck<'n> {
    fn walk(
        &mut self,
        text: &str,
        schema: &'static Value,
        node: &'n Node,
        path: String,
        depth: usize,
    ) {
        let schema = resolve(schema);
        if depth > MAX_DEPTH {
            return;
        }
        let join = |key: &str| match path.as_str() {
            "" => key.to_string(),
            path => format!("{path}.{key}"),
        };
        let mut fault = |at: String, node: &'n Node| {
            self.fault.get_or_insert((at, node, schema));
        };
        if let Some(variants) = schema["oneOf"].as_array() {
            // A tagged enum: its `type` picks the variant whose keys apply; when none does,
            // the keys of any variant are known.
            let tag = node.get("type");
            let written = tag.and_then(|t| t.str_value(text));
            let variant = variants
                .iter()
                .map(resolve)
                .find(|v| v["properties"]["type"]["const"].as_str() == written.as_deref());
            if let Some(variant) = variant {
                return self.walk(text, variant, node, path, depth + 1);
            }
            match tag {
                Some(tag) => fault(join("type"), tag),
                None => fault(path.clone(), node),
            }
            for (key, _) in node.members().unwrap_or(&[]) {
                if !variants
                    .iter()
                    .any(|v| resolve(v)["properties"].get(key).is_some())
                {
                    self.unknown_keys.push((join(key), key.clone()));
                }
            }
            return;
        }
        let found = json_type(text, node);
        let allowed = |t: &Value| {
            matches!(
                (t.as_str().unwrap_or(""), found),
                ("object", "an object")
                    | ("array", "an array")
                    | ("string", "text")
                    | ("boolean", "a boolean")
                    | ("null", "null")
                    | ("number" | "integer", "a number")
            )
        };
        let type_fits = match &schema["type"] {
            Value::Array(types) => types.iter().any(allowed),
            Value::Null => true,
            one => allowed(one),
        };
        let listed = |values: &Vec<Value>| {
            node.str_value(text)
                .is_none_or(|w| values.contains(&w.into()))
        };
        if !type_fits || !schema["enum"].as_array().is_none_or(listed) {
            return fault(path, node);
        }
        match &node.kind {
            Kind::Object(members) => {
                for (key, child) in members {
                    self.member(text, schema, key, child, join(key), depth);
                }
                // After any fault inside it, as serde reports a missing field.
                let required = schema["required"].as_array().into_iter().flatten();
                if required
                    .filter_map(Value::as_str)
                    .any(|key| node.get(key).is_none())
                {
                    self.fault.get_or_insert((path, node, schema));
                }
            }
            Kind::Array(items) if schema["items"].is_object() => {
                for (i, item) in items.iter().enumerate() {
                    let at = format!("{path}[{i}]");
                    self.walk(text, &schema["items"], item, at, depth + 1);
                }
            }
            _ => {}
        }
    }

    /// One member of an object whose schema is `schema`.
    fn member(
        &mut self,
        text: &str,
        schema: &'static Value,
        key: &str,
        child: &'n Node,
        path: String,
        depth: usize,
    ) {
        match schema["properties"].get(key) {
            Some(known) => self.walk(text, known, child, path, depth + 1),
            None if schema["additionalProperties"].is_object() => {
                self.walk(
                    text,
                    &schema["additionalProperties"],
                    child,
                    path,
                    depth + 1,
                );
            }
            None if schema["properties"].is_object() => {
                self.unknown_keys.push((path, key.to_string()));
            }
            None => {}
        }
    }
}
