//! Assembles the query: a `loans` CTE that reads each value the rule needs
//! from the dialect's table shape (checking it has the catalog's type), and
//! the selection over it.

use std::collections::BTreeMap;

use crate::error::{Error, ErrorKind, Span};

use super::translate::{
    quote_ident, raise, string_literal, ColKey, Scalar, Translator, VarShape, B,
};
use super::{Dialect, Options, Source};

/// The CTE's name for the loan id column.
pub(crate) const ID_ALIAS: &str = "$id";

/// A nested column type for DuckDB's `read_json(columns = ...)`.
enum Node {
    Leaf(String),
    Struct(BTreeMap<String, Node>),
}

fn insert(tree: &mut BTreeMap<String, Node>, path: &[String], leaf: String) -> Result<(), String> {
    let (first, rest) = path.split_first().expect("non-empty path");
    if rest.is_empty() {
        match tree.get(first) {
            Some(Node::Struct(_)) => return Err(first.clone()),
            Some(Node::Leaf(existing)) if *existing != leaf => return Err(first.clone()),
            _ => {}
        }
        tree.insert(first.clone(), Node::Leaf(leaf));
        return Ok(());
    }
    let node = tree
        .entry(first.clone())
        .or_insert_with(|| Node::Struct(BTreeMap::new()));
    match node {
        Node::Struct(children) => insert(children, rest, leaf),
        Node::Leaf(_) => Err(first.clone()),
    }
}

fn render_type(node: &Node) -> String {
    match node {
        Node::Leaf(t) => t.clone(),
        Node::Struct(children) => format!(
            "STRUCT({})",
            children
                .iter()
                .map(|(k, v)| format!("{} {}", quote_ident(k, Dialect::DuckDb), render_type(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn duck_type(s: Scalar) -> String {
    match s {
        Scalar::Num(n) => format!("DECIMAL(38, {n})"),
        Scalar::Text => "VARCHAR".into(),
        Scalar::Date => "DATE".into(),
        Scalar::Bool => "BOOLEAN".into(),
    }
}

/// The largest magnitude a value of scale `s` may have for the engine to hold
/// it exactly (96-bit mantissa): `2^96 / 10^s`.
fn bound(s: u32) -> String {
    let max = "79228162514264337593543950336";
    let digits = max.len() as u32;
    if s == 0 {
        max.to_string()
    } else if s < digits {
        let (a, b) = max.split_at((digits - s) as usize);
        format!("{a}.{b}")
    } else {
        format!("0.{}{max}", "0".repeat((s - digits) as usize))
    }
}

/// A JSONPath for DuckDB's json functions: `$."a"."b"`.
fn json_path(path: &[String]) -> String {
    let mut out = String::from("$");
    for seg in path {
        out.push_str(".\"");
        out.push_str(&seg.replace('\\', "\\\\").replace('"', "\\\""));
        out.push('"');
    }
    out
}

struct Ctx {
    d: Dialect,
    file: bool,
    /// The loan id as SQL in the CTE, for error messages.
    id: String,
}

impl Ctx {
    fn lit(&self, s: &str) -> String {
        string_literal(s, self.d)
    }

    fn q(&self, s: &str) -> String {
        quote_ident(s, self.d)
    }

    /// Field access on the typed row: `t."a"."b"`.
    fn typed(&self, alias: &str, path: &[String]) -> String {
        let mut out = alias.to_string();
        for seg in path {
            out.push('.');
            out.push_str(&self.q(seg));
        }
        out
    }

    /// PostgreSQL: `t.loan -> 'a' -> 'b'`.
    fn pg(&self, path: &[String]) -> String {
        let mut out = String::from("t.loan");
        for seg in path {
            out.push_str(" -> ");
            out.push_str(&self.lit(seg));
        }
        out
    }

    fn raise(&self, text: &str, ty: Scalar) -> String {
        raise(self.d, &self.id, text, ty)
    }

    fn case(&self, checks: &[(String, String)], ty: Scalar, value: String) -> String {
        if checks.is_empty() {
            return value;
        }
        let mut out = String::from("CASE");
        for (cond, text) in checks {
            out.push_str(&format!(
                "\n      WHEN {cond} THEN {}",
                self.raise(text, ty)
            ));
        }
        out.push_str(&format!("\n      ELSE {value} END"));
        out
    }

    fn name(path: &[String]) -> String {
        path.join(".")
    }

    /// The guards of a number: within the engine's exact range, and (for a
    /// file) not rounded by the typed read.
    fn number_checks(
        &self,
        path_label: &str,
        scale: u32,
        value: &str,
        wide: &[(u32, String)],
    ) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (w, expr) in wide {
            if *w > scale {
                out.push((
                    format!("{expr} IS NOT NULL AND {expr} <> {value}"),
                    format!(
                        "`{path_label}` has more than {scale} decimal places (the catalog's scale)"
                    ),
                ));
            }
        }
        out.push((
            format!("abs({value}) >= {}", bound(scale)),
            format!("`{path_label}` is beyond the engine's 28 significant digits"),
        ));
        out
    }

    /// The checks that a dotted path is read the way the engine reads it:
    /// every object on the way is an object (or null), and no flat key such
    /// as `"customer.primary"` would win over the nested one.
    fn path_checks(&self, path: &[String]) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let label = Self::name(path);
        for i in 1..path.len() {
            let prefix = &path[..i];
            let cond = match self.d {
                Dialect::DuckDb if self.file => format!(
                    "json_type(r.loan, {}) NOT IN ('OBJECT', 'NULL')",
                    self.lit(&json_path(prefix))
                ),
                Dialect::Postgres => format!(
                    "jsonb_typeof({}) NOT IN ('object', 'null')",
                    self.pg(prefix)
                ),
                _ => continue,
            };
            out.push((cond, format!("`{}` is not an object", Self::name(prefix))));
        }
        for i in 0..path.len() {
            for j in i + 2..=path.len() {
                let mut at = path[..i].to_vec();
                at.push(path[i..j].join("."));
                let cond = match self.d {
                    Dialect::DuckDb if self.file => {
                        format!("json_exists(r.loan, {})", self.lit(&json_path(&at)))
                    }
                    Dialect::Postgres => format!("({}) IS NOT NULL", self.pg(&at)),
                    _ => continue,
                };
                out.push((
                    cond,
                    format!(
                        "has a flat key `{}` beside the nested `{label}`",
                        at.join("`.`")
                    ),
                ));
            }
        }
        out
    }

    /// A scalar read at `path` (typed, guarded). `map_field` reads inside a
    /// custom-field map, where a miss is nil and flat keys do not apply.
    fn scalar(
        &self,
        path: &[String],
        s: Scalar,
        map_field: bool,
        wide: &[(u32, String)],
    ) -> String {
        let label = Self::name(path);
        let mut checks = if map_field {
            Vec::new()
        } else {
            self.path_checks(path)
        };
        match self.d {
            Dialect::DuckDb | Dialect::Spark => {
                // A custom field's value is read from the raw JSON: LoanPro sends an empty map
                // (or entry) as `[]`, which a typed `MAP` read refuses for the whole file.
                let value = if self.file && map_field {
                    self.raw_scalar(path, s)
                } else {
                    self.typed_access(path, map_field, "t")
                };
                if self.file {
                    let jp = self.lit(&json_path(path));
                    let (allowed, what) = match s {
                        Scalar::Num(_) => ("'UBIGINT', 'BIGINT', 'HUGEINT', 'DOUBLE'", "a number"),
                        Scalar::Text => ("'VARCHAR'", "text"),
                        Scalar::Date => ("'VARCHAR'", "a date"),
                        Scalar::Bool => ("'BOOLEAN'", "a boolean"),
                    };
                    checks.push((
                        format!("json_type(r.loan, {jp}) NOT IN ('NULL', {allowed})"),
                        format!("`{label}` is not {what}"),
                    ));
                    if s == Scalar::Date {
                        checks.push((
                            format!(
                                "NOT regexp_full_match(json_extract_string(r.loan, {jp}), '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}')"
                            ),
                            format!("`{label}` is not a date written YYYY-MM-DD"),
                        ));
                    }
                }
                if let Scalar::Num(scale) = s {
                    checks.extend(self.number_checks(&label, scale, &value, wide));
                }
                self.case(&checks, s, value)
            }
            Dialect::Postgres => {
                let j = self.pg(path);
                let (json_ty, what, convert) = match s {
                    Scalar::Num(n) => (
                        "number",
                        "a number",
                        format!("CAST(({j})::numeric AS numeric(38, {n}))"),
                    ),
                    Scalar::Text => ("string", "text", format!("({j}) #>> '{{}}'")),
                    Scalar::Date => (
                        "string",
                        "a date",
                        format!("CAST(({j}) #>> '{{}}' AS date)"),
                    ),
                    Scalar::Bool => ("boolean", "a boolean", format!("({j})::boolean")),
                };
                let mut all = vec![(
                    format!("jsonb_typeof({j}) <> '{json_ty}'"),
                    format!("`{label}` is not {what}"),
                )];
                if s == Scalar::Date {
                    all.push((
                        format!("(({j}) #>> '{{}}') !~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$'"),
                        format!("`{label}` is not a date written YYYY-MM-DD"),
                    ));
                }
                if let Scalar::Num(scale) = s {
                    let raw = format!("({j})::numeric");
                    all.push((
                        format!("round({raw}, {scale}) <> {raw}"),
                        format!(
                            "`{label}` has more than {scale} decimal places (the catalog's scale)"
                        ),
                    ));
                    all.push((
                        format!("abs({raw}) >= {}", bound(scale)),
                        format!("`{label}` is beyond the engine's 28 significant digits"),
                    ));
                }
                checks.extend(all);
                let mut out = format!(
                    "CASE\n      WHEN ({j}) IS NULL OR jsonb_typeof({j}) = 'null' THEN NULL"
                );
                for (cond, text) in &checks {
                    out.push_str(&format!("\n      WHEN {cond} THEN {}", self.raise(text, s)));
                }
                out.push_str(&format!("\n      ELSE {convert} END"));
                out
            }
        }
    }

    /// Typed access: struct fields, or `m['k'].f` inside a map.
    /// A value read from the file's raw JSON (DuckDB `--from`), as the catalog's type; the
    /// checks beside it stop the query on a value of another type first.
    fn raw_scalar(&self, path: &[String], s: Scalar) -> String {
        let jp = self.lit(&json_path(path));
        match s {
            Scalar::Text => format!("json_extract_string(r.loan, {jp})"),
            Scalar::Date => format!("CAST(json_extract_string(r.loan, {jp}) AS DATE)"),
            Scalar::Bool => format!("CAST(json_extract(r.loan, {jp}) AS BOOLEAN)"),
            Scalar::Num(scale) => {
                format!("CAST(json_extract_string(r.loan, {jp}) AS DECIMAL(38, {scale}))")
            }
        }
    }

    fn typed_access(&self, path: &[String], map_field: bool, alias: &str) -> String {
        if !map_field {
            return self.typed(alias, path);
        }
        let n = path.len();
        let (map, key, field) = (&path[..n - 2], &path[n - 2], &path[n - 1]);
        let m = self.typed(alias, map);
        let entry = match self.d {
            Dialect::Spark => format!("try_element_at({m}, {})", self.lit(key)),
            _ => format!("{m}[{}]", self.lit(key)),
        };
        format!("{entry}.{}", self.q(field))
    }
}

pub(crate) fn assemble(t: &mut Translator, cond: &B, opts: &Options) -> Result<String, Error> {
    let d = opts.dialect;
    let file = matches!(opts.source, Source::File(_));
    let id_path: Vec<String> = opts.id_field.split('.').map(str::to_string).collect();
    let no_span = Span {
        start: 0,
        end: 0,
        line: 1,
        col: 1,
    };
    let id_scalar = match t.shape(&opts.id_field, no_span) {
        Ok(VarShape::Scalar(s)) => s,
        _ => {
            return Err(Error::new(
                ErrorKind::Untranslatable,
                format!(
                    "the id field `{}` is not a plain variable of the {} catalog",
                    opts.id_field, t.catalog.name
                ),
                None,
            ))
        }
    };
    let id_sql = match d {
        Dialect::Postgres => {
            let (last, init) = id_path.split_last().expect("non-empty");
            let mut out = String::from("t.loan");
            for seg in init {
                out.push_str(&format!(" -> {}", string_literal(seg, d)));
            }
            out.push_str(&format!(" ->> {}", string_literal(last, d)));
            out
        }
        _ => {
            let mut out = String::from("t");
            for seg in &id_path {
                out.push('.');
                out.push_str(&quote_ident(seg, d));
            }
            out
        }
    };
    let ctx = Ctx {
        d,
        file,
        id: id_sql.clone(),
    };

    // The wide re-reads (DuckDB file only) that prove numbers were not rounded.
    let mut wide_scales: Vec<u32> = Vec::new();
    if file {
        let min_scale = t
            .columns
            .iter()
            .filter_map(|c| match c.scalar {
                Some(Scalar::Num(s)) => Some(s),
                _ => None,
            })
            .min();
        if let Some(min) = min_scale {
            wide_scales = [28, 18, 9].into_iter().filter(|w| *w > min).collect();
        }
    }

    let mut select: Vec<String> = vec![format!("{id_sql} AS {}", quote_ident(ID_ALIAS, d))];
    let mut typed_tree: BTreeMap<String, Node> = BTreeMap::new();
    let mut wide_tree: BTreeMap<String, Node> = BTreeMap::new();
    let conflict = |name: String| {
        Error::new(
            ErrorKind::Untranslatable,
            format!("`{name}` is read both as a value and as an object"),
            None,
        )
    };
    if file {
        // An id the rule does not read is only printed: read as text, so an id
        // of another type than the catalog's ("L-1" for the numeric loan-id)
        // cannot stop the query. One the rule reads has the catalog's type.
        let read = t
            .columns
            .iter()
            .any(|c| matches!(&c.key, ColKey::Value(path) if *path == id_path));
        let id_type = if read {
            duck_type(id_scalar)
        } else {
            duck_type(Scalar::Text)
        };
        insert(&mut typed_tree, &id_path, id_type).map_err(conflict)?;
    }
    for col in t.columns.clone() {
        let alias = quote_ident(&col.alias, d);
        let expr = match &col.key {
            ColKey::Value(path) => {
                let s = col.scalar.expect("value columns are typed");
                let wide: Vec<(u32, String)> = wide_scales
                    .iter()
                    .map(|w| (*w, ctx.typed(&format!("w{w}"), path)))
                    .collect();
                if file {
                    insert(&mut typed_tree, path, duck_type(s)).map_err(conflict)?;
                    if let Scalar::Num(_) = s {
                        insert(&mut wide_tree, path, "WIDE".into()).map_err(conflict)?;
                    }
                }
                ctx.scalar(path, s, false, &wide)
            }
            ColKey::Present(path) => match d {
                Dialect::Postgres => format!("({}) IS NOT NULL", ctx.pg(path)),
                _ if file => format!("json_exists(r.loan, {})", ctx.lit(&json_path(path))),
                _ => "TRUE".into(),
            },
            ColKey::MapSet(path) => match d {
                Dialect::Postgres => {
                    format!("COALESCE(jsonb_typeof({}) <> 'null', FALSE)", ctx.pg(path))
                }
                _ if file => format!(
                    "COALESCE(json_type(r.loan, {}) <> 'NULL', FALSE)",
                    ctx.lit(&json_path(path))
                ),
                _ => format!("{} IS NOT NULL", ctx.typed("t", path)),
            },
            ColKey::MapHas(path, key) => {
                let mut p = path.clone();
                p.push(key.clone());
                match d {
                    Dialect::Postgres => format!("({}) IS NOT NULL", ctx.pg(&p)),
                    _ if file => format!("json_exists(r.loan, {})", ctx.lit(&json_path(&p))),
                    Dialect::Spark => format!(
                        "COALESCE(map_contains_key({}, {}), FALSE)",
                        ctx.typed("t", path),
                        ctx.lit(key)
                    ),
                    _ => format!(
                        "COALESCE(map_contains({}, {}), FALSE)",
                        ctx.typed("t", path),
                        ctx.lit(key)
                    ),
                }
            }
            ColKey::EntrySet(path, key) => {
                let mut p = path.clone();
                p.push(key.clone());
                match d {
                    Dialect::Postgres => {
                        format!("COALESCE(jsonb_typeof({}) <> 'null', FALSE)", ctx.pg(&p))
                    }
                    _ if file => format!(
                        "COALESCE(json_type(r.loan, {}) <> 'NULL', FALSE)",
                        ctx.lit(&json_path(&p))
                    ),
                    Dialect::Spark => format!(
                        "try_element_at({}, {}) IS NOT NULL",
                        ctx.typed("t", path),
                        ctx.lit(key)
                    ),
                    _ => format!("{}[{}] IS NOT NULL", ctx.typed("t", path), ctx.lit(key)),
                }
            }
            ColKey::Field(path, key, field) => {
                let s = col.scalar.expect("field columns are typed");
                let mut p = path.clone();
                p.push(key.clone());
                p.push(field.clone());
                // Numbers inside custom fields are read exactly only in PostgreSQL.
                if file {
                    if let Scalar::Num(_) = s {
                        return Err(Error::new(
                            ErrorKind::Untranslatable,
                            format!(
                                "a number inside `{}` cannot be proven exact when read from a file",
                                path.join(".")
                            ),
                            None,
                        ));
                    }
                }
                ctx.scalar(&p, s, true, &[])
            }
        };
        select.push(format!("{expr} AS {alias}"));
    }

    let from = match (&opts.source, d) {
        (Source::File(path), _) => {
            let file_lit = string_literal(path, d);
            let columns = |tree: &BTreeMap<String, Node>, wide: Option<u32>| -> String {
                tree.iter()
                    .map(|(k, v)| {
                        let ty = render_type(v);
                        let ty = match wide {
                            Some(w) => ty.replace("WIDE", &format!("DECIMAL(38, {w})")),
                            None => ty,
                        };
                        format!("{}: {}", string_literal(k, d), string_literal(&ty, d))
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            // `auto`: NDJSON, a JSON array or objects printed one after another, the JSON
            // shapes the dry run reads (each read of the file detects the same one).
            let mut out = format!(
                "read_json({file_lit}, format = 'auto', records = true,\n    columns = {{{}}}) AS t\n  POSITIONAL JOIN read_json({file_lit}, format = 'auto', records = false,\n    columns = {{'loan': 'JSON'}}) AS r",
                columns(&typed_tree, None)
            );
            for w in &wide_scales {
                out.push_str(&format!(
                    "\n  POSITIONAL JOIN read_json({file_lit}, format = 'auto', records = true, ignore_errors = true,\n    columns = {{{}}}) AS w{w}",
                    columns(&wide_tree, Some(*w))
                ));
            }
            out
        }
        (Source::Table(name), _) => format!("{} AS t", table_name(name, d)),
    };

    let where_sql = match cond {
        B::T => "TRUE".to_string(),
        B::F => "FALSE".to_string(),
        B::S(s) => s.text.clone(),
    };
    Ok(format!(
        "WITH loan_values AS (\n  SELECT\n    {}\n  FROM {from}\n)\nSELECT {} AS {}\nFROM loan_values\nWHERE {where_sql};\n",
        select.join(",\n    "),
        quote_ident(ID_ALIAS, d),
        quote_ident(&opts.id_field, d),
    ))
}

/// A table name as given: `schema.table` stays qualified, each part quoted when needed.
fn table_name(name: &str, d: Dialect) -> String {
    name.split('.')
        .map(|part| {
            let plain = !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && !part.starts_with(|c: char| c.is_ascii_digit());
            if plain {
                part.to_string()
            } else {
                quote_ident(part, d)
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}
