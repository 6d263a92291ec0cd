//! A report table: sortable columns (click or Enter/Space on a header, `aria-sort` says which),
//! a text filter, an optional status filter, a row limit so 100,000 rows never reach the DOM at
//! once, and a CSV export of the rows as filtered and sorted (all of them, not just those shown).
//! The rows live in the worker that reconciled them ([`Table`]); the page's [`DataTable`] asks it
//! for the first rows of a view ([`TableQuery`]) and shows what comes back ([`RowsWindow`]).

use std::cell::{Cell as Flag, OnceCell};
use std::cmp::Ordering;
use std::rc::Rc;

use hookwright_core::youlend::{Amount, PaymentDate};
use serde::{Deserialize, Serialize};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::csv;
use crate::services::tools_bundle::next_paint;

/// Rows shown at first ("Show more" adds five times as many): one table of this many rows is
/// laid out in about 10 ms, and a new report's tables draw them a frame apart.
const PAGE: usize = 50;

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub label: &'static str,
    /// Right-aligned, and compared as numbers when sorting.
    pub numeric: bool,
}

impl Column {
    pub const fn text(label: &'static str) -> Column {
        Column {
            label,
            numeric: false,
        }
    }

    pub const fn number(label: &'static str) -> Column {
        Column {
            label,
            numeric: true,
        }
    }
}

/// What a cell sorts by: money and dates by value (exact decimals, instants), never by text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    Empty,
    Count(usize),
    Amount(Amount),
    Date(PaymentDate),
    Text,
}

/// How a cell is drawn beyond its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tone {
    Plain,
    Code,
    Ok,
    Warn,
    Bad,
    Muted,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    pub key: Key,
    pub tone: Tone,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            key: Key::Text,
            tone: Tone::Plain,
        }
    }

    /// An identifier (a loan id, a correlation id): monospace.
    pub fn code(text: impl Into<String>) -> Cell {
        let text = text.into();
        if text.is_empty() {
            return Cell::empty();
        }
        Cell {
            text,
            key: Key::Text,
            tone: Tone::Code,
        }
    }

    pub fn amount(amount: Amount) -> Cell {
        Cell {
            text: amount.to_string(),
            key: Key::Amount(amount),
            tone: Tone::Plain,
        }
    }

    pub fn optional_amount(amount: Option<Amount>) -> Cell {
        amount.map_or_else(Cell::empty, Cell::amount)
    }

    pub fn date(date: &PaymentDate) -> Cell {
        Cell {
            text: date.as_str().to_string(),
            key: Key::Date(date.clone()),
            tone: Tone::Plain,
        }
    }

    pub fn count(n: usize) -> Cell {
        Cell {
            text: n.to_string(),
            key: Key::Count(n),
            tone: Tone::Plain,
        }
    }

    /// A status word drawn as a badge.
    pub fn badge(text: impl Into<String>, tone: Tone) -> Cell {
        Cell {
            text: text.into(),
            key: Key::Text,
            tone,
        }
    }

    pub fn empty() -> Cell {
        Cell {
            text: String::new(),
            key: Key::Empty,
            tone: Tone::Muted,
        }
    }

    fn compare(&self, other: &Cell) -> Ordering {
        match (&self.key, &other.key) {
            (Key::Text, Key::Text) => natural(&self.text, &other.text),
            (a, b) => a.cmp(b),
        }
    }
}

/// Case-insensitive first, so "april" and "March" sort as a reader expects.
fn natural(a: &str, b: &str) -> Ordering {
    let fold = |s: &str| s.chars().flat_map(char::to_lowercase).collect::<String>();
    fold(a).cmp(&fold(b)).then_with(|| a.cmp(b))
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub cells: Vec<Cell>,
    /// The value the status filter matches (e.g. `repaid`), if the table has one.
    pub status: Option<&'static str>,
    /// Draws the whole row as needing attention.
    pub flagged: bool,
}

/// A table's data, built once per report.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Choices for the status filter, as (value, label).
    pub statuses: Vec<(&'static str, &'static str)>,
    /// Each row's text in lower case, made on the first filtering, so typing in the filter
    /// does not lower-case 100,000 rows per keystroke.
    pub haystack: OnceCell<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    Ascending,
    Descending,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sort {
    pub column: usize,
    pub direction: Direction,
}

impl Sort {
    /// Clicking a column sorts ascending; clicking it again flips the direction.
    pub fn toggled(current: Option<Sort>, column: usize) -> Sort {
        match current {
            Some(Sort {
                column: c,
                direction: Direction::Ascending,
            }) if c == column => Sort {
                column,
                direction: Direction::Descending,
            },
            _ => Sort {
                column,
                direction: Direction::Ascending,
            },
        }
    }
}

/// What the page knows of a table before asking for rows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TableHead {
    /// Label and whether it is numeric.
    pub columns: Vec<(String, bool)>,
    /// The status filter's choices, as (value, label).
    pub statuses: Vec<(String, String)>,
    pub rows: u32,
}

/// A view of one table the page asks the worker for: its first `limit` rows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TableQuery {
    pub table: usize,
    pub filter: String,
    pub status: String,
    pub sort: Option<Sort>,
    pub limit: u32,
}

/// A row as the page draws it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowView {
    pub cells: Vec<(String, Tone)>,
    pub flagged: bool,
}

/// The worker's answer to a [`TableQuery`]: how many rows pass, and the first of them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RowsWindow {
    pub query: TableQuery,
    pub visible: u32,
    pub rows: Vec<RowView>,
}

impl Table {
    /// `columns` names them in one line, `|` between them, a leading `#` for a numeric one.
    pub fn new(
        columns: &'static str,
        statuses: &[(&'static str, &'static str)],
        rows: impl Iterator<Item = Row>,
    ) -> Table {
        Table {
            columns: columns
                .split('|')
                .map(|c| match c.strip_prefix('#') {
                    Some(label) => Column::number(label),
                    None => Column::text(c),
                })
                .collect(),
            rows: rows.collect(),
            statuses: statuses.to_vec(),
            haystack: OnceCell::new(),
        }
    }

    pub fn head(&self) -> TableHead {
        TableHead {
            columns: self
                .columns
                .iter()
                .map(|c| (c.label.to_string(), c.numeric))
                .collect(),
            statuses: self
                .statuses
                .iter()
                .map(|(v, l)| (v.to_string(), l.to_string()))
                .collect(),
            rows: self.rows.len() as u32,
        }
    }

    /// The rows a query names, as the page draws them.
    pub fn window(&self, query: &TableQuery) -> RowsWindow {
        let visible = self.visible(&query.filter, &query.status, query.sort);
        RowsWindow {
            query: query.clone(),
            visible: visible.len() as u32,
            rows: visible
                .iter()
                .take(query.limit as usize)
                .map(|&i| {
                    let row = &self.rows[i];
                    RowView {
                        cells: row.cells.iter().map(|c| (c.text.clone(), c.tone)).collect(),
                        flagged: row.flagged,
                    }
                })
                .collect(),
        }
    }

    /// The rows that pass the filters, in display order (the report's own order when unsorted;
    /// ties keep it too).
    pub fn visible(&self, filter: &str, status: &str, sort: Option<Sort>) -> Vec<usize> {
        let needle: String = filter.trim().chars().flat_map(char::to_lowercase).collect();
        let haystack = (!needle.is_empty()).then(|| {
            self.haystack.get_or_init(|| {
                self.rows
                    .iter()
                    .map(|row| {
                        let texts: Vec<&str> = row.cells.iter().map(|c| c.text.as_str()).collect();
                        texts.join("\u{1f}").to_lowercase()
                    })
                    .collect()
            })
        });
        let mut rows: Vec<usize> = (0..self.rows.len())
            .filter(|&i| {
                (status.is_empty() || self.rows[i].status == Some(status))
                    && haystack.is_none_or(|h| h[i].contains(&needle))
            })
            .collect();
        if let Some(sort) = sort {
            let cell = |i: usize| &self.rows[i].cells[sort.column];
            let texts = rows
                .iter()
                .all(|&i| matches!(cell(i).key, Key::Text | Key::Empty));
            if texts {
                // Lower-cased once per row, not once per comparison.
                let folded: Vec<(String, usize)> = rows
                    .iter()
                    .map(|&i| (cell(i).text.to_lowercase(), i))
                    .collect();
                let mut order: Vec<usize> = (0..folded.len()).collect();
                order.sort_by(|&a, &b| {
                    let (fa, ia) = &folded[a];
                    let (fb, ib) = &folded[b];
                    fa.cmp(fb).then_with(|| cell(*ia).text.cmp(&cell(*ib).text))
                });
                rows = order.into_iter().map(|k| folded[k].1).collect();
            } else {
                rows.sort_by(|&a, &b| cell(a).compare(cell(b)));
            }
            if sort.direction == Direction::Descending {
                // Reversed, ties included: a stable sort read backwards.
                rows.reverse();
            }
        }
        rows
    }

    /// The given rows as CSV, with a header line.
    pub fn to_csv(&self, rows: &[usize]) -> String {
        let mut out = String::new();
        csv::write_row(&mut out, self.columns.iter().map(|c| (c.label, c.numeric)));
        for &i in rows {
            let row = &self.rows[i];
            csv::write_row(
                &mut out,
                row.cells
                    .iter()
                    .zip(&self.columns)
                    .map(|(cell, column)| (cell.text.as_str(), column.numeric)),
            );
        }
        out
    }
}

#[derive(Properties, PartialEq)]
pub struct DataTableProps {
    /// Used for `data-testid`, element ids and the CSV's file name.
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// What to say when the report has no rows for this table.
    pub empty: &'static str,
    /// Which of the worker's tables this is.
    pub index: usize,
    pub head: Rc<TableHead>,
    /// The rows last sent for this table, if any yet.
    pub window: Option<Rc<RowsWindow>>,
    /// Asks the worker for a view's rows.
    pub on_query: Callback<TableQuery>,
    /// Asks the worker for a view's rows as CSV.
    pub on_export: Callback<TableQuery>,
}

#[component]
pub fn DataTable(props: &DataTableProps) -> Html {
    let head = &props.head;
    let filter = use_state(String::new);
    let status = use_state(String::new);
    let sort = use_state(|| None::<Sort>);
    let limit = use_state(|| PAGE);
    let query = TableQuery {
        table: props.index,
        filter: (*filter).clone(),
        status: (*status).clone(),
        sort: *sort,
        limit: *limit as u32,
    };
    {
        let on_query = props.on_query.clone();
        use_effect_with(query.clone(), move |query| on_query.emit(query.clone()));
    }
    // A new report's tables draw their first rows a painted frame apart, in
    // order: six tables of 50 rows laid out in one frame took 30 - 90 ms here,
    // one a frame stays near 10 ms. Later views (sort, filter, more) draw at once.
    let drawn = use_state(|| props.index == 0);
    {
        let drawn = drawn.clone();
        let index = props.index;
        use_effect_with(props.window.is_some(), move |arrived| {
            let called_off = Rc::new(Flag::new(false));
            if !*arrived && *drawn && index > 0 {
                drawn.set(false);
            } else if *arrived && !*drawn {
                let called_off = called_off.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    for _ in 0..index {
                        next_paint().await;
                    }
                    if !called_off.get() {
                        drawn.set(true);
                    }
                });
            }
            move || called_off.set(true)
        });
    }

    let on_filter = {
        let filter = filter.clone();
        let limit = limit.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            filter.set(input.value());
            limit.set(PAGE);
        })
    };
    let on_status = {
        let status = status.clone();
        let limit = limit.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            status.set(select.value());
            limit.set(PAGE);
        })
    };
    let on_export = {
        let on_export = props.on_export.clone();
        let query = query.clone();
        Callback::from(move |_: MouseEvent| on_export.emit(query.clone()))
    };
    let show_more = {
        let limit = limit.clone();
        Callback::from(move |_: MouseEvent| limit.set(*limit + PAGE * 5))
    };

    let headers = head.columns.iter().enumerate().map(|(i, (label, numeric))| {
        let current = sort.filter(|s| s.column == i).map(|s| s.direction);
        let aria_sort = match current {
            Some(Direction::Ascending) => "ascending",
            Some(Direction::Descending) => "descending",
            None => "none",
        };
        let arrow = match current {
            Some(Direction::Ascending) => "▲",
            Some(Direction::Descending) => "▼",
            None => "↕",
        };
        let onclick = {
            let sort = sort.clone();
            Callback::from(move |_: MouseEvent| sort.set(Some(Sort::toggled(*sort, i))))
        };
        html! {
            <th scope="col" aria-sort={aria_sort} class={classes!(numeric.then_some("numeric"))}>
                <button type="button" class="sort-button" {onclick}
                    title={format!("Sort by {}", label.to_lowercase())}>
                    { label }
                    <span class={classes!("sort-arrow", current.is_some().then_some("active"))} aria-hidden="true">{ arrow }</span>
                </button>
            </th>
        }
    });
    // Until the view asked for arrives, the last one stays on screen, marked busy.
    let arrived = props.window.as_ref().filter(|_| *drawn);
    let busy = arrived.is_none_or(|w| w.query != query);
    let window = arrived.cloned().unwrap_or_default();
    let visible = window.visible as usize;
    let total = head.rows as usize;
    let rows = window.rows.iter().map(|row| {
        html! {
            <tr class={classes!(row.flagged.then_some("flagged"))}>
                { for row.cells.iter().zip(&head.columns).map(|((text, tone), (_, numeric))| cell_html(text, *tone, *numeric)) }
            </tr>
        }
    });
    let shown = window.rows.len();
    let filter_id = format!("{}-filter", props.id);
    let status_id = format!("{}-status", props.id);
    let title_id = format!("{}-title", props.id);
    let rows_word = if total == 1 { "row" } else { "rows" };
    let count = if visible == total {
        format!("{total} {rows_word}")
    } else {
        format!("{visible} of {total} {rows_word}")
    };
    html! {
        <section class="panel report-table" aria-labelledby={title_id.clone()}
            aria-busy={busy.then_some("true")}>
            <div class="table-head">
                <div>
                    <h3 id={title_id.clone()}>{ props.title }{ " " }<span class="row-count">{ count }</span></h3>
                    <p class="hint">{ props.description }</p>
                </div>
                if total > 0 {
                    <div class="table-tools">
                        <label class="field inline" for={filter_id.clone()}>
                            <span>{ "Filter" }</span>
                            <input id={filter_id} type="search" placeholder="Any column contains…"
                                value={(*filter).clone()} oninput={on_filter} />
                        </label>
                        if !head.statuses.is_empty() {
                            <label class="field inline" for={status_id.clone()}>
                                <span>{ "Status" }</span>
                                <select id={status_id} onchange={on_status}>
                                    <option value="" selected={status.is_empty()}>{ "All" }</option>
                                    { for head.statuses.iter().map(|(value, label)| html! {
                                        <option value={value.clone()} selected={*status == *value}>{ label }</option>
                                    }) }
                                </select>
                            </label>
                        }
                        <button type="button" class="button" onclick={on_export}
                            title="Download the rows as filtered and sorted, all of them, as CSV">
                            { format!("Export CSV ({visible})") }
                        </button>
                    </div>
                }
            </div>
            if total == 0 {
                <p class="table-empty">{ props.empty }</p>
            } else {
                <div class="table-scroll">
                    <table class="data" data-testid={props.id} aria-labelledby={title_id}>
                        <thead><tr>{ for headers }</tr></thead>
                        <tbody>{ for rows }</tbody>
                    </table>
                </div>
                if visible == 0 && arrived.is_some() {
                    <p class="table-empty">{ "No row matches these filters." }</p>
                }
                if shown < visible {
                    <p class="more">
                        { format!("Showing {shown} of {visible} rows. ") }
                        <button type="button" class="button" onclick={show_more}>{ "Show more" }</button>
                    </p>
                }
            }
        </section>
    }
}

fn cell_html(text: &str, tone: Tone, numeric: bool) -> Html {
    let class = classes!(numeric.then_some("numeric"));
    let content = match tone {
        Tone::Plain => html! { text },
        Tone::Code => html! { <code>{ text }</code> },
        Tone::Muted => {
            html! { <span class="muted">{ if text.is_empty() { "—" } else { text } }</span> }
        }
        Tone::Ok => html! { <span class="badge ok">{ text }</span> },
        Tone::Warn => html! { <span class="badge warning">{ text }</span> },
        Tone::Bad => html! { <span class="badge bad">{ text }</span> },
    };
    html! { <td {class}>{ content }</td> }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let amount = |s: &str| Cell::amount(Amount::parse(s).unwrap());
        Table {
            columns: vec![Column::text("Reference"), Column::number("Amount")],
            rows: vec![
                Row {
                    cells: vec![Cell::text("march"), amount("99.90")],
                    status: Some("repaid"),
                    flagged: false,
                },
                Row {
                    cells: vec![Cell::text("April"), amount("300.10")],
                    status: Some("pending"),
                    flagged: false,
                },
                Row {
                    cells: vec![Cell::text("=cmd, \"x\""), amount("100")],
                    status: Some("repaid"),
                    flagged: true,
                },
            ],
            statuses: vec![("repaid", "Repaid"), ("pending", "Pending")],
            haystack: OnceCell::new(),
        }
    }

    #[test]
    fn sorts_amounts_by_value_and_text_ignoring_case() {
        let t = table();
        let by_amount = Sort::toggled(None, 1);
        assert_eq!(t.visible("", "", Some(by_amount)), [0, 2, 1]);
        let flipped = Sort::toggled(Some(by_amount), 1);
        assert_eq!(flipped.direction, Direction::Descending);
        assert_eq!(t.visible("", "", Some(flipped)), [1, 2, 0]);
        assert_eq!(t.visible("", "", Some(Sort::toggled(None, 0))), [2, 1, 0]);
        assert_eq!(t.visible("", "", None), [0, 1, 2]);
    }

    #[test]
    fn filters_by_text_and_status() {
        let t = table();
        assert_eq!(t.visible("MAR", "", None), [0]);
        assert_eq!(t.visible("", "repaid", None), [0, 2]);
        assert_eq!(t.visible("300", "repaid", None), Vec::<usize>::new());
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let t = table();
        assert_eq!(
            t.to_csv(&[2, 0]),
            "Reference,Amount\r\n\"'=cmd, \"\"x\"\"\",100\r\nmarch,99.90\r\n"
        );
    }
}
