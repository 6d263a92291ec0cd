//! "Copy as SQL": the rule as one query for DuckDB, PostgreSQL or Spark SQL
//! that returns the loans it fires for, or why it cannot be one. The
//! translation runs in the analysis worker (`rule_analysis`), so the SQL
//! translator is not part of the page's wasm: a small rule is translated as
//! it is typed, a large one when "Copy as SQL" is pressed.

use std::rc::Rc;

use gloo::timers::callback::Timeout;
use hookwright_core::rule::{Date, Rule};
use hookwright_core::sql::{self, Dialect};
use serde::{Deserialize, Serialize};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::dry_run_protocol::{AnalysisReply, ToWorker};
use super::rule_analysis::use_analysis_worker;
use super::templating::LIVE_ANALYSIS_MAX;
use super::worker_link::use_newest;

use crate::services::clipboard;

/// How long the rule must stay the same before its query is asked for.
const SQL_DELAY_MS: u32 = 100;

/// What a query is written from, on the wire: the rule, the dialect's name
/// and the as-of date (`YYYY-MM-DD`, empty when unset).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SqlRequest {
    pub rule: String,
    pub dialect: String,
    pub today: String,
}

/// In the analysis worker: the query, or why the rule has none.
pub fn answer(version: u32, request: &SqlRequest) {
    let result = match Dialect::parse(&request.dialect) {
        Some(dialect) => rule_sql(&request.rule, dialect, request.today.parse().ok()),
        None => Err(format!("unknown SQL dialect {:?}", request.dialect)),
    };
    super::dry_run_worker::post(&AnalysisReply::Sql { version, result }, None);
}

/// The rule as SQL for the chosen dialect, with the as-of date for
/// `u/today`, or the reasons it cannot be written exactly.
pub fn rule_sql(rule: &str, dialect: Dialect, today: Option<Date>) -> Result<String, String> {
    let parsed = Rule::parse(rule).map_err(|errors| render_errors(&errors, rule))?;
    let opts = sql::Options {
        today,
        ..sql::Options::new(dialect)
    };
    sql::to_sql(&parsed, hookwright_core::catalog::loanpro(), &opts)
        .map_err(|errors| render_errors(&errors, rule))
}

fn render_errors(errors: &[hookwright_core::Error], source: &str) -> String {
    errors
        .iter()
        .map(|e| e.render(source))
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[derive(Properties, PartialEq)]
pub struct CopySqlProps {
    /// The connection's rule text.
    pub rule: AttrValue,
    /// Shown first in the same row: "Copy as curl".
    #[prop_or_default]
    pub children: Html,
}

/// Where each dialect's query reads the loans, in a few words.
fn table_shape(d: Dialect) -> &'static str {
    match d {
        Dialect::DuckDb => "Reads the table loans, one typed column per variable (STRUCT for dotted names). For an NDJSON file: hookwright sql --dialect duckdb --from FILE.",
        Dialect::Postgres => "Reads the table loans with one jsonb column, loan, holding each loan's variables.",
        Dialect::Spark => "Reads the table loans, one typed column per variable (STRUCT for dotted names).",
    }
}

/// What a query is written from: the rule, the dialect and the as-of date.
type SqlInput = (AttrValue, Dialect, Option<Date>);

/// The worker's answer and what it answers.
type Answered = Rc<(SqlInput, Result<String, String>)>;

/// "Copy as SQL" with its dialect and as-of date; when the rule has no exact
/// SQL the button is disabled and the reason shown, with its position.
#[component]
pub fn CopySql(props: &CopySqlProps) -> Html {
    let dialect = use_state(|| Dialect::DuckDb);
    let today = use_state(|| None::<Date>);
    let state = use_state(|| None::<Result<(), String>>);
    let answered = use_state(|| None::<Answered>);
    let newest = use_newest();
    // A large rule's query asked for by "Copy as SQL", until it comes.
    let asking = use_state(|| None::<SqlInput>);
    let worker = use_analysis_worker();
    // The box is far below the first screen: its first query waits until the
    // user heads there, so the analysis worker does not start with the page.
    let boxed = use_node_ref();
    let seen = use_state(|| false);
    {
        let boxed = boxed.clone();
        let seen = seen.clone();
        use_effect_with((), move |_| {
            if let Some(element) = boxed.cast::<web_sys::Element>() {
                spawn_local(async move {
                    crate::services::tools_bundle::near(&element).await;
                    seen.set(true);
                });
            }
        });
    }
    let input: SqlInput = (props.rule.clone(), *dialect, *today);
    // Asks the worker for `input`'s query; `copy` copies it when it comes.
    let ask = {
        let answered = answered.clone();
        let state = state.clone();
        Callback::from(move |(input, copy): (SqlInput, bool)| {
            let reply = {
                let answered = answered.clone();
                let state = state.clone();
                let input = input.clone();
                newest.request(move |reply: AnalysisReply| {
                    let AnalysisReply::Sql { result, .. } = reply else {
                        return;
                    };
                    if let (true, Ok(query)) = (copy, &result) {
                        let state = state.clone();
                        let query = query.clone();
                        spawn_local(async move {
                            state.set(Some(clipboard::write_text(&query).await));
                        });
                    }
                    answered.set(Some(Rc::new((input.clone(), result))));
                })
            };
            let (rule, dialect, today) = &input;
            let request = SqlRequest {
                rule: rule.to_string(),
                dialect: dialect.name().to_string(),
                today: today.map(|d| d.to_string()).unwrap_or_default(),
            };
            let sent = worker
                .as_ref()
                .is_some_and(|w| w.ask(|version| ToWorker::Sql { version, request }, None, reply));
            if !sent {
                answered.set(Some(Rc::new((
                    input,
                    Err("The SQL translator runs in the page's analysis worker, which could not start.".to_string()),
                ))));
            }
        })
    };
    // A small rule is translated as it is typed; a large one (its translation
    // takes longer than a frame) only when "Copy as SQL" is pressed.
    let blank = props.rule.trim().is_empty();
    let live = !blank && props.rule.len() <= LIVE_ANALYSIS_MAX;
    {
        let ask = ask.clone();
        // Asked once typing pauses briefly, and after the page's first paint.
        use_effect_with((input.clone(), live && *seen), move |(input, live)| {
            let input = input.clone();
            let timer = live.then(|| Timeout::new(SQL_DELAY_MS, move || ask.emit((input, false))));
            move || drop(timer)
        });
    }
    let current = answered.as_ref().filter(|a| a.0 == input);
    let result: Option<Result<String, String>> = if blank {
        Some(Err(String::new()))
    } else {
        current.map(|a| a.1.clone())
    };
    // While a small rule's new query is on its way the last one stays in view.
    let shown = match (&result, live) {
        (None, true) => answered.as_ref().map(|a| (a.0 .1, a.1.clone())),
        _ => result.clone().map(|r| (*dialect, r)),
    };
    let pending = result.is_none() && (live || asking.as_ref() == Some(&input));
    let on_dialect = {
        let dialect = dialect.clone();
        let state = state.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Some(d) = Dialect::parse(&select.value()) {
                dialect.set(d);
                state.set(None);
            }
        })
    };
    let on_today = {
        let today = today.clone();
        let state = state.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            today.set(Date::parse(&input.value()));
            state.set(None);
        })
    };
    let onclick = {
        let state = state.clone();
        let result = result.clone();
        let input = input.clone();
        Callback::from(move |_: MouseEvent| match result.clone() {
            Some(Ok(query)) => {
                let state = state.clone();
                spawn_local(async move {
                    state.set(Some(clipboard::write_text(&query).await));
                });
            }
            Some(Err(_)) => {}
            None => {
                asking.set(Some(input.clone()));
                ask.emit((input.clone(), true));
            }
        })
    };
    let label = dialect.label();
    html! {
        <div class="copy-sql" data-testid="copy-sql" aria-busy={pending.to_string()} ref={boxed}>
            <div class="toolbar">
                { props.children.clone() }
                <div class="copy-sql-controls" role="group" aria-label="Copy as SQL">
                <label class="field">
                    <span class="field-label">{ "SQL dialect" }</span>
                    <select aria-label="SQL dialect" onchange={on_dialect}>
                        { for Dialect::ALL.iter().map(|d| html! {
                            <option value={d.name()} selected={*d == *dialect}>{ d.label() }</option>
                        }) }
                    </select>
                </label>
                <label class="field">
                    <span class="field-label">{ "As of (for u/today)" }</span>
                    <input type="date" aria-label="As-of date for u/today" onchange={on_today}
                        value={today.map(|d| d.to_string()).unwrap_or_default()} />
                </label>
                <button type="button" class="button" onclick={onclick} disabled={matches!(result, Some(Err(_)))}
                    title={format!("A {label} query returning the id of every loan this rule fires for")}>
                    { "Copy as SQL" }
                </button>
                { match &*state {
                    Some(Ok(())) => html! { <span class="ok" role="status">{ format!(" Copied the {label} query.") }</span> },
                    _ => Html::default(),
                } }
                </div>
            </div>
            { match &shown {
                None if pending => html! {
                    <p class="muted small" data-testid="sql-pending">{ "Writing the query…" }</p>
                },
                None => html! {
                    <p class="muted small" data-testid="sql-on-request">{ "A long rule: its query is written when you press “Copy as SQL”." }</p>
                },
                // A blank rule is not a translation problem: nothing to say yet.
                Some((_, Err(_))) if blank => html! {
                    <p class="muted small" data-testid="sql-empty">{ "Write the trigger's rule to copy it as SQL." }</p>
                },
                Some((d, Err(why))) => html! {
                    <div class="notice warning inline" data-testid="sql-untranslatable">
                        <p>{ format!("This rule cannot be written exactly in {}:", d.label()) }</p>
                        <pre class="caret">{ why }</pre>
                        if why.contains("as-of date") {
                            <p>{ "Set “As of” above to the date the rule should be evaluated for." }</p>
                        }
                    </div>
                },
                Some((d, Ok(query))) => html! {
                    <details class="sql-query" open={matches!(&*state, Some(Err(_)))}>
                        <summary>{ format!("The {} query", d.label()) }</summary>
                        <p class="muted small">{ table_shape(*d) }</p>
                        if let Some(Err(_)) = &*state {
                            <p class="muted small">{ "The browser would not copy; copy the query from here:" }</p>
                        }
                        <pre class="code" data-testid="sql-text" aria-label={format!("{} query", d.label())}>{ query }</pre>
                    </details>
                },
            } }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_becomes_each_dialects_query_or_the_reason_it_cannot() {
        let query = rule_sql("(= status-days-past-due 5)", Dialect::Postgres, None).unwrap();
        assert!(query.starts_with("WITH loan_values AS ("), "{query}");
        let why = rule_sql("(< (/ status-amount-due 3) 10)", Dialect::DuckDb, None).unwrap_err();
        assert!(why.contains("division by 3"), "{why}");
        assert!(rule_sql("", Dialect::Spark, None).is_err());
    }
}
