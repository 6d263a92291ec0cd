//! CSV portfolios: a header row of variable names (dotted names nest:
//! `customer.primary.full-name`), then a loan a row. A cell that reads as a
//! JSON number is that exact number, `true`/`false` are booleans, an empty
//! cell is absent, anything else is text.

use crate::context::parse_number;
use crate::value::{Map, Value};

use super::split::FileError;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Header {
    /// Each column's path segments; `None` for a column without a name (ignored).
    columns: Vec<Option<Vec<String>>>,
}

impl Header {
    pub(crate) fn parse(line: &str) -> Result<Header, FileError> {
        let cells = split_row(line.trim_end_matches('\r'))
            .map_err(|m| FileError(format!("the CSV header row: {m}")))?;
        let columns: Vec<Option<Vec<String>>> = cells
            .iter()
            .map(|c| {
                let c = c.trim();
                (!c.is_empty()).then(|| c.split('.').map(str::to_string).collect())
            })
            .collect();
        // A name that is also the start of a dotted name cannot be both a value and a group.
        let names: Vec<String> = columns.iter().flatten().map(|p| p.join(".")).collect();
        for (i, a) in names.iter().enumerate() {
            // Two columns of one name: whichever came last would silently win.
            if names[..i].contains(a) {
                return Err(FileError(format!(
                    "the CSV header names `{}` twice: a loan's value for it would be a guess",
                    crate::error::quote(a)
                )));
            }
            if let Some(b) = names.iter().find(|b| b.starts_with(&format!("{a}."))) {
                return Err(FileError(format!(
                    "the CSV header has both `{a}` and `{b}`: `{a}` cannot be a value and hold `{b}`"
                )));
            }
        }
        if names.is_empty() {
            return Err(FileError("the CSV header row names no variables".into()));
        }
        // One column named `a;b;c`: a file separated by semicolons (Excel in many locales) or
        // tabs, whose every loan would be an error naming the whole header.
        if let [only] = names.as_slice() {
            if let Some((_, sep)) = [(';', "`;`"), ('\t', "tabs")]
                .into_iter()
                .find(|(c, _)| only.contains(*c))
            {
                return Err(FileError(format!(
                    "the CSV header row has no comma but {sep} between its names (`{}`): a portfolio's CSV is comma-separated; save it as CSV with commas",
                    crate::error::quote(only)
                )));
            }
        }
        Ok(Header { columns })
    }

    pub fn is_empty(&self) -> bool {
        self.columns.iter().all(Option::is_none)
    }

    pub fn names(&self) -> Vec<String> {
        self.columns.iter().flatten().map(|p| p.join(".")).collect()
    }

    pub fn len(&self) -> usize {
        self.columns.len()
    }

    /// The loan of one data row, or why the row cannot be read.
    pub(crate) fn row(&self, text: &str) -> Result<Value, String> {
        let text = text.strip_suffix('\r').unwrap_or(text);
        let cells = split_row(text)?;
        if cells.len() != self.columns.len() {
            return Err(format!(
                "this row has {} cells; the header has {}",
                cells.len(),
                self.columns.len()
            ));
        }
        let mut root = Map::new();
        for (path, cell) in self.columns.iter().zip(cells) {
            let Some(path) = path else { continue };
            let Some(value) = cell_value(&cell).map_err(|e| format!("{}: {e}", path.join(".")))?
            else {
                continue;
            };
            let (last, parents) = path.split_last().expect("names are not empty");
            let mut map = &mut root;
            for p in parents {
                let entry = map
                    .entry(p.clone())
                    .or_insert_with(|| Value::Map(Map::new()));
                map = match entry {
                    Value::Map(m) => m,
                    _ => unreachable!("the header refuses a value that is also a group"),
                };
            }
            map.insert(last.clone(), value);
        }
        Ok(Value::Map(root))
    }
}

/// A cell's value: exact number, boolean, text; `None` when empty. A number past the exact
/// range is an error, as it is in a JSON record: read as text, it would make `=` and `not=`
/// quietly answer for a different value.
pub fn cell_value(cell: &str) -> Result<Option<Value>, String> {
    Ok(match cell {
        "" => None,
        "true" => Some(Value::Bool(true)),
        "false" => Some(Value::Bool(false)),
        _ if is_json_number(cell) => Some(Value::Number(parse_number(cell)?)),
        _ => Some(Value::Text(cell.to_string())),
    })
}

/// JSON's number grammar, the whole cell: so `00123` (a zip code) stays text.
pub(crate) fn is_json_number(s: &str) -> bool {
    super::scan::number_grammar(s.as_bytes(), 0).is_some_and(|(end, _, _)| end == s.len())
}

/// Splits one CSV row (RFC 4180: commas, quoted cells with `""` for a quote).
pub fn split_row(row: &str) -> Result<Vec<String>, String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = row.chars().peekable();
    let mut at_start = true;
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cell.push('"');
                } else {
                    quoted = false;
                    match chars.peek() {
                        None | Some(',') => {}
                        Some(_) => {
                            return Err(format!(
                                "cell {} has text after its closing quote",
                                cells.len() + 1
                            ))
                        }
                    }
                }
            } else {
                cell.push(c);
            }
            continue;
        }
        match c {
            ',' => {
                cells.push(std::mem::take(&mut cell));
                at_start = true;
                continue;
            }
            '"' if at_start => quoted = true,
            c => cell.push(c),
        }
        at_start = false;
    }
    if quoted {
        return Err(format!(
            "cell {} opens a quote that never closes",
            cells.len() + 1
        ));
    }
    cells.push(cell);
    Ok(cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_nest_and_keep_exact_numbers() {
        let h = Header::parse("loan-id,customer.primary.full-name,status-amount-due,ok,zip,note")
            .unwrap();
        let v = h.row("7,\"Doe, Jane\",158.70,true,00123,").unwrap();
        assert_eq!(
            v.to_json(),
            r#"{"loan-id":7,"customer":{"primary":{"full-name":"Doe, Jane"}},"status-amount-due":158.70,"ok":true,"zip":"00123"}"#
        );
        assert!(h
            .row("1,2")
            .unwrap_err()
            .contains("2 cells; the header has 6"));
        assert!(Header::parse("a,a.b").is_err());
        let twice = Header::parse("loan-id,x, loan-id").unwrap_err();
        assert!(twice.0.contains("names `loan-id` twice"), "{}", twice.0);
        assert_eq!(
            split_row(r#"a,"b ""c""",d"#).unwrap(),
            ["a", "b \"c\"", "d"]
        );
    }
}
