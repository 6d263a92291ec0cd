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

/// Which keys serde reads at each place of a connection file, compiled once
/// from the JSON Schema generated from the connection types (its committed
/// copy, which a test holds equal to what schemars generates: the page then
/// carries a few KB of JSON instead of schemars' generator).
#[derive(Debug, Clone, Default)]
enum Shape {
    /// An object with these keys (any other is ignored by serde).
    Object(Vec<(String, Shape)>),
    Array(Box<Shape>),
    /// A tagged enum: the variant its `type` names, or when none matches,
    /// the keys of any variant.
    Tagged {
        variants: Vec<(String, Shape)>,
        any: Box<Shape>,
    },
    /// A map with free keys, or a scalar.
    #[default]
    Free,
}

struct Shapes {
    file: Vec<String>,
    connection: Shape,
}

fn shapes() -> &'static Shapes {
    static SHAPES: OnceLock<Shapes> = OnceLock::new();
    SHAPES.get_or_init(|| {
        let schema: Value =
            serde_json::from_str(crate::connection::SCHEMA_FILE).unwrap_or(Value::Null);
        let file = schema["properties"]
            .as_object()
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        let connection = compile(&schema, &schema["$defs"]["Connection"], 0);
        Shapes { file, connection }
    })
}

/// `shape` with `$ref`s followed.
fn resolve<'s>(root: &'s Value, shape: &'s Value) -> &'s Value {
    let mut shape = shape;
    for _ in 0..8 {
        match shape["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix("#/$defs/"))
        {
            Some(name) => shape = &root["$defs"][name],
            None => break,
        }
    }
    shape
}

fn compile(root: &Value, shape: &Value, depth: usize) -> Shape {
    let shape = resolve(root, shape);
    if depth > 16 {
        return Shape::Free;
    }
    let variants = shape["oneOf"]
        .as_array()
        .or_else(|| shape["anyOf"].as_array());
    if let Some(variants) = variants {
        let mut tagged = Vec::new();
        let mut any = Vec::new();
        for v in variants.iter().map(|v| resolve(root, v)) {
            if let Shape::Object(keys) = compile(root, v, depth + 1) {
                if let Some(tag) = v["properties"]["type"]["const"].as_str() {
                    tagged.push((tag.to_string(), Shape::Object(keys.clone())));
                }
                for (key, child) in keys {
                    if !any.iter().any(|(k, _): &(String, Shape)| *k == key) {
                        any.push((key, child));
                    }
                }
            }
        }
        return Shape::Tagged {
            variants: tagged,
            any: Box::new(Shape::Object(any)),
        };
    }
    if let Some(props) = shape["properties"].as_object() {
        return Shape::Object(
            props
                .iter()
                .map(|(k, s)| (k.clone(), compile(root, s, depth + 1)))
                .collect(),
        );
    }
    if shape["items"].is_object() {
        return Shape::Array(Box::new(compile(root, &shape["items"], depth + 1)));
    }
    Shape::Free
}

/// Keys of the file object itself that serde would ignore, as (path, key).
pub fn unknown_file_keys(root: &Node) -> Vec<(String, String)> {
    let known = &shapes().file;
    root.members()
        .unwrap_or(&[])
        .iter()
        .filter(|(key, _)| !known.contains(key))
        .map(|(key, _)| (key.clone(), key.clone()))
        .collect()
}

/// Keys of a connection object that serde would silently ignore (a typo like
/// `heders` would otherwise vanish), as (path of the key's value, key).
pub fn unknown_connection_keys(text: &str, connection: &Node) -> Vec<(String, String)> {
    let mut out = Vec::new();
    unknown_keys(text, connection, &shapes().connection, "", &mut out);
    out
}

fn unknown_keys(
    text: &str,
    node: &Node,
    shape: &Shape,
    path: &str,
    out: &mut Vec<(String, String)>,
) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match (shape, &node.kind) {
        (Shape::Tagged { variants, any }, _) => {
            let tag = node.get("type").and_then(|t| t.raw_str(text));
            let variant = variants.iter().find(|(t, _)| Some(t.as_str()) == tag);
            let shape = variant.map_or(&**any, |(_, s)| s);
            unknown_keys(text, node, shape, path, out);
        }
        (Shape::Object(known), Kind::Object(members)) => {
            for (key, child) in members {
                match known.iter().find(|(k, _)| k == key) {
                    Some((_, Shape::Free)) => {}
                    Some((_, shape)) => unknown_keys(text, child, shape, &join(key), out),
                    None => out.push((join(key), key.clone())),
                }
            }
        }
        (Shape::Array(item), Kind::Array(items)) if !matches!(**item, Shape::Free) => {
            for (i, child) in items.iter().enumerate() {
                unknown_keys(text, child, item, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}
