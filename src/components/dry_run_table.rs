//! A virtualised table of one of the dry run's tables: only the rows in view
//! (and a margin) are in the page; the worker sorts, filters and sends them.
//! A million rows scroll as smoothly as ten.

use std::rc::Rc;

use hookwright_core::dryrun::thousands;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::dry_run_protocol::TableKind;

/// Pixels per row; fixed, so a scroll position names a row.
pub const ROW_HEIGHT: f64 = 26.0;
/// Rows the viewport shows.
const VISIBLE: u32 = 12;
/// Rows asked for at once: the visible ones and a margin on each side.
pub const WINDOW: u32 = 80;

/// Rows the worker sent: where they start and how many rows pass the filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Window {
    pub total: u32,
    pub offset: u32,
    pub rows: Rc<Vec<Vec<String>>>,
}

/// What the table asks the worker for.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub table: TableKind,
    pub sort: Option<(usize, bool)>,
    pub filter: String,
    pub offset: u32,
}

#[derive(Properties, PartialEq)]
pub struct DryRunTableProps {
    pub table: TableKind,
    pub title: AttrValue,
    pub columns: Rc<Vec<String>>,
    pub window: Window,
    pub on_query: Callback<Query>,
    pub on_export: Callback<TableKind>,
    pub testid: AttrValue,
}

#[component]
pub fn DryRunTable(props: &DryRunTableProps) -> Html {
    let sort = use_state(|| None::<(usize, bool)>);
    let filter = use_state(String::new);
    let first = use_state(|| 0u32);
    let viewport = use_node_ref();
    let window = &props.window;

    let query = {
        let on_query = props.on_query.clone();
        let table = props.table;
        move |sort: Option<(usize, bool)>, filter: String, first: u32| {
            on_query.emit(Query {
                table,
                sort,
                filter,
                offset: first.saturating_sub(WINDOW / 4),
            })
        }
    };
    let on_scroll = {
        let viewport = viewport.clone();
        let first = first.clone();
        let sort = sort.clone();
        let filter = filter.clone();
        let window = window.clone();
        let query = query.clone();
        Callback::from(move |_: Event| {
            let Some(el) = viewport.cast::<web_sys::Element>() else {
                return;
            };
            let top = (f64::from(el.scroll_top()) / ROW_HEIGHT).floor() as u32;
            first.set(top);
            let loaded_end = window.offset + window.rows.len() as u32;
            let needed_end = (top + VISIBLE).min(window.total);
            if top < window.offset || needed_end > loaded_end {
                query(*sort, (*filter).clone(), top);
            }
        })
    };
    let on_filter = {
        let filter = filter.clone();
        let sort = sort.clone();
        let viewport = viewport.clone();
        let first = first.clone();
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            filter.set(value.clone());
            first.set(0);
            if let Some(el) = viewport.cast::<web_sys::Element>() {
                el.set_scroll_top(0);
            }
            query(*sort, value, 0);
        })
    };
    let header = props.columns.iter().enumerate().map(|(i, name)| {
        let state = match *sort {
            Some((c, false)) if c == i => "ascending",
            Some((c, true)) if c == i => "descending",
            _ => "none",
        };
        let onclick = {
            let sort = sort.clone();
            let filter = filter.clone();
            let query = query.clone();
            let first = first.clone();
            Callback::from(move |_| {
                let next = match *sort {
                    Some((c, false)) if c == i => Some((i, true)),
                    _ => Some((i, false)),
                };
                sort.set(next);
                query(next, (*filter).clone(), *first);
            })
        };
        html! {
            <div role="columnheader" class="dr-cell" aria-sort={state}>
                <button type="button" class="sort" {onclick}>
                    { name }
                    <span aria-hidden="true">{ match state { "ascending" => " ▲", "descending" => " ▼", _ => "" } }</span>
                </button>
            </div>
        }
    });
    let columns = props.columns.len().max(1);
    let grid = format!("grid-template-columns: repeat({columns}, minmax(0, 1fr));");
    let body_height = f64::from(window.total) * ROW_HEIGHT;
    let rows = window.rows.iter().enumerate().map(|(k, row)| {
        let top = f64::from(window.offset + k as u32) * ROW_HEIGHT;
        html! {
            <div role="row" class="dr-row" style={format!("{grid} top: {top}px; height: {ROW_HEIGHT}px;")}
                aria-rowindex={(window.offset + k as u32 + 2).to_string()}>
                { for row.iter().map(|cell| html! { <div role="cell" class="dr-cell" title={cell.clone()}>{ cell }</div> }) }
            </div>
        }
    });
    let on_export = {
        let cb = props.on_export.clone();
        let table = props.table;
        Callback::from(move |_| cb.emit(table))
    };
    let label = format!("Filter {}", props.title.to_lowercase());
    html! {
        <div class="dr-table" data-testid={props.testid.clone()} data-total={window.total.to_string()}>
            <div class="dr-table-head">
                <h5>{ &props.title }{ format!(" ({})", thousands(u64::from(window.total))) }</h5>
                <span class="spacer"></span>
                <input type="search" aria-label={label.clone()} placeholder="Filter" value={(*filter).clone()} oninput={on_filter} />
                <button type="button" class="button" onclick={on_export} disabled={window.total == 0}>{ "Export CSV" }</button>
            </div>
            <div role="table" aria-label={props.title.clone()} aria-rowcount={(window.total + 1).to_string()}>
                <div role="row" class="dr-row dr-header" style={grid.clone()}>{ for header }</div>
                <div class="dr-viewport" ref={viewport} onscroll={on_scroll} style={format!("height: {}px;", f64::from(window.total.min(VISIBLE)) * ROW_HEIGHT)}>
                    <div class="dr-body" style={format!("height: {body_height}px;")}>{ for rows }</div>
                </div>
            </div>
            if window.total == 0 {
                <p class="empty">{ if filter.is_empty() { "No rows.".to_string() } else { format!("No rows match \u{201c}{}\u{201d}.", *filter) } }</p>
            }
        </div>
    }
}
