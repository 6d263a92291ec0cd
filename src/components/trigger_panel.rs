//! The Trigger section: when the connection fires. Rule- or event-based, a
//! visual builder and the rule text kept in sync both ways, live evaluation
//! against a sample context, and the catalog's checks as you type.

use std::rc::Rc;

use hookwright_core::analysis::{
    catalog_for, firing_rule, head_of, record_id_field, sample_choice, Mark, SampleChoice,
    CUSTOM_SAMPLE,
};
use hookwright_core::catalog::Catalog;
use hookwright_core::connection::{Connection, Trigger};
use hookwright_core::dryrun::thousands;
use hookwright_core::rule::model::{Item, RuleModel};
use hookwright_core::rule::{self, functions, Date, TokenClass};
use hookwright_core::{samples, Error, Value};
use yew::prelude::*;

use super::code_editor::{CodeEditor, Completer, Completion, CompletionQuery, Paint, PLAIN_ABOVE};
use super::custom_context::CustomContext;
use super::dry_run::DryCounts;
use super::dry_run_island::DryRunHost;
use super::dry_run_protocol::ClauseCount;
use super::error_list::{diagnostic_paints, error_list};
use super::rule_analysis::{
    use_analysis_worker, use_rule_analysis, RuleInput, RuleJob, Shared, WireEdit,
};
use super::rule_builder::{self, RuleBuilder};
use super::sample_picker::sample_picker;
use super::templating::{use_custom_sample, LIVE_ANALYSIS_MAX};
use super::trigger_kind::trigger_kind;
use super::use_dispatch;
use super::worker_link::use_newest;
use crate::actions::Edit;
use crate::state::{Action, Dispatcher};
use hookwright_core::rule::edit::{self as rule_edit, Edit as BuilderEdit, Path};

#[derive(Properties, PartialEq)]
pub struct TriggerPanelProps {
    pub connection: Rc<Connection>,
}

/// Today's date in UTC from the browser's clock (the engine reads none).
fn today() -> Option<Date> {
    let now = js_sys::Date::new_0();
    Date::new(
        now.get_utc_full_year() as i32,
        now.get_utc_month() + 1,
        now.get_utc_date(),
    )
}

/// The engine's true/false marks as paints on the rule text.
fn mark_paints(marks: &[Mark]) -> Vec<Paint> {
    marks
        .iter()
        .map(|m| Paint {
            range: m.range.clone(),
            class: if m.holds { "mark-true" } else { "mark-false" },
            title: Some(
                if m.holds {
                    "true for this sample"
                } else {
                    "false for this sample"
                }
                .into(),
            ),
        })
        .collect()
}

/// Colours for the rule text from the engine's tokens.
fn highlight_paints(text: &str) -> Vec<Paint> {
    // The editor shows a text this long uncoloured.
    if text.len() > PLAIN_ABOVE {
        return Vec::new();
    }
    rule::highlight(text)
        .into_iter()
        .map(|h| {
            let class = match h.class {
                TokenClass::Bracket => "tok-paren",
                TokenClass::Function => "tok-fn",
                TokenClass::Variable => "tok-var",
                TokenClass::Text => "tok-str",
                TokenClass::Number => "tok-num",
                TokenClass::Literal => "tok-lit",
                TokenClass::Keyword => "tok-kw",
                TokenClass::Comment => "tok-comment",
            };
            Paint::new(h.start..h.end, class)
        })
        .collect()
}

/// Completes the symbol being typed (variables and functions), outside strings.
fn complete_symbol(text: &str, caret: usize) -> Option<CompletionQuery> {
    let before = text.get(..caret)?;
    let quotes = before.bytes().filter(|&b| b == b'"').count() - before.matches("\\\"").count();
    if quotes % 2 == 1 {
        return None;
    }
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || "-_./?!*<>=".contains(*c))
        .last()
        .map_or(caret, |(i, _)| i);
    let prefix = &before[start..];
    (!prefix.is_empty() && !prefix.starts_with(|c: char| c.is_ascii_digit())).then(|| {
        CompletionQuery {
            start,
            prefix: prefix.to_string(),
            group: None,
        }
    })
}

fn completions(catalog: &Catalog) -> Vec<Completion> {
    let variables = catalog.variables.iter().map(|v| Completion {
        label: v.name.clone(),
        detail: v.ty.as_str().to_string(),
        insert: v.name.clone(),
        group: "",
    });
    let functions = functions::names().into_iter().map(|name| Completion {
        detail: "function".into(),
        insert: name.clone(),
        label: name,
        group: "",
    });
    variables.chain(functions).collect()
}

/// The builder's model, the rule text it is of, and the items it leaves out.
type Shown = (RuleModel, String, Rc<rule_builder::Cut>);

fn edit(editor: &Dispatcher, id: &str, edit: Edit, coalesce: Option<String>) {
    editor.dispatch(Action::Edit {
        id: id.to_string(),
        edit,
        coalesce,
    });
}

/// The texts the builder's edits made from the text it was drawn from, so it
/// can tell its own edits from text typed since. The page checks the rule it
/// last rendered, which may be an older text of the chain when keys come
/// faster than renders (a slow machine): any text of it is the builder's own.
#[derive(Default)]
struct BuilderEdits {
    base: String,
    made: Vec<String>,
}

impl BuilderEdits {
    fn made(&mut self, base: &str, next: &str) {
        if self.base != base {
            self.base = base.to_string();
            self.made.clear();
        }
        self.made.push(next.to_string());
    }

    /// Whether `rule` is a text the builder made from `base`; texts before it
    /// are dropped, since renders only move forward.
    fn made_since(&mut self, base: &str, rule: &str) -> bool {
        if self.base != base {
            return false;
        }
        match self.made.iter().position(|text| text == rule) {
            Some(at) => {
                self.made.drain(..at);
                true
            }
            None => false,
        }
    }
}

#[component]
pub fn TriggerPanel(props: &TriggerPanelProps) -> Html {
    let editor = use_dispatch();
    let connection = &props.connection;
    let catalog = catalog_for(connection.source);
    let text = connection.trigger.rule().to_string();
    let choice = sample_choice(connection);
    let event_trigger = matches!(connection.trigger, Trigger::Event { .. });

    // The custom context is parsed once for the page (App provides it).
    let custom = use_custom_sample();
    let context =
        use_memo(
            (choice.id().to_string(), custom.clone()),
            |(id, custom)| match samples::sample(id) {
                _ if id == CUSTOM_SAMPLE => Shared(custom.0.clone()),
                Some(s) => Shared(Rc::new(Ok(s.context.clone()))),
                None => Shared(Rc::new(Err(Error::new(
                    hookwright_core::ErrorKind::UnknownVariable,
                    "no sample context fits this trigger",
                    None,
                )))),
            },
        );
    // Which connection's builder asked for all its items ("Show all").
    let full = use_state(|| None::<String>);
    // A large rule is analysed in the analysis worker once typing pauses:
    // its text and colours follow the keys at once, its checks, marks and
    // builder (its first items) a moment later.
    let (analysed, analysing) = use_rule_analysis(RuleInput {
        id: connection.id.clone(),
        text: text.clone(),
        source: connection.source,
        sample: choice.id().to_string(),
        context: (*context).clone(),
        event_trigger,
        today: today(),
        full: full.as_deref() == Some(connection.id.as_str()),
    });
    // Marks and underlines are placed by offsets into the analysed text.
    let current = analysed.text == text;
    let (analysis, results) = (&analysed.analysis, &analysed.results);
    let analysis_paints = use_memo(Shared(analysed.clone()), |analysed| {
        let a = &analysed.0.analysis;
        let mut paints = mark_paints(&a.marks);
        paints.extend(diagnostic_paints(&a.findings));
        paints
    });
    let completion_list = use_memo(connection.source, |source| {
        Rc::new(completions(catalog_for(*source)))
    });
    // The builder keeps showing the last rule that parsed while the text has
    // errors: its model, the text it is of, and the items the page does not have.
    let last_valid = use_mut_ref(|| None::<(String, Shown)>);
    // No answer yet for a large rule is not an error: the builder waits.
    let broken = !analysed.parses() && !analysed.text.is_empty();
    let (shown, stale) = match &analysis.model {
        Some(model) => {
            let shown = (model.clone(), analysed.text.clone(), analysed.cut.clone());
            *last_valid.borrow_mut() = Some((connection.id.clone(), shown.clone()));
            (Some(shown), false)
        }
        None if analysed.too_many.is_some() => (None, false),
        None => match &*last_valid.borrow() {
            Some((id, shown)) if *id == connection.id => (Some(shown.clone()), broken),
            _ => (None, broken),
        },
    };
    let model = shown.as_ref().map(|(model, _, _)| model.clone());
    let cut = shown
        .as_ref()
        .map(|(_, _, cut)| cut.clone())
        .unwrap_or_default();

    let on_text = {
        let editor = editor.clone();
        let id = connection.id.clone();
        Callback::from(move |text: String| {
            let coalesce = Some(format!("rule:{id}"));
            edit(&editor, &id, Edit::SetRule(text), coalesce);
        })
    };
    // One callback for the panel's life, reading the connection and model of
    // the latest render: the builder then re-renders only when its rule or
    // results change, not on every keystroke elsewhere.
    let latest = use_mut_ref(|| (connection.clone(), shown.clone()));
    *latest.borrow_mut() = (connection.clone(), shown.clone());
    let worker = use_analysis_worker();
    // The texts builder edits made since it was drawn: while the rule is one
    // of them, the builder (drawn from the older text) may edit again, e.g.
    // the next key typed in a value.
    let builder_made = use_mut_ref(BuilderEdits::default);
    // A large rule's new text, made in the worker: only the latest job's is
    // applied, and only while the rule is still the text it was asked for, so
    // typing in the meantime is never overwritten.
    let jobs = use_newest();
    let apply_from_worker = {
        let editor = editor.clone();
        let latest = latest.clone();
        let builder_made = builder_made.clone();
        move |asked_for: String, builder_base: Option<String>, coalesce: Option<String>| {
            let editor = editor.clone();
            let latest = latest.clone();
            let builder_made = builder_made.clone();
            jobs.request(move |next: Option<String>| {
                let connection = latest.borrow().0.clone();
                let Some(next) = next.filter(|_| connection.trigger.rule() == asked_for) else {
                    return;
                };
                if let Some(base) = &builder_base {
                    builder_made.borrow_mut().made(base, &next);
                }
                edit(
                    &editor,
                    &connection.id,
                    Edit::SetRule(next),
                    coalesce.clone(),
                );
            })
        }
    };
    let on_edit = {
        let editor = editor.clone();
        let worker = worker.clone();
        let apply_from_worker = apply_from_worker.clone();
        let builder_made = builder_made.clone();
        use_callback(
            (),
            move |(path, change, coalesce): (Path, BuilderEdit, Option<String>), _| {
                // A copy: dispatching must not hold the borrow.
                let (connection, shown) = latest.borrow().clone();
                let Some((_, made_of, cut)) = &shown else {
                    return;
                };
                // Text typed since the builder was drawn would be lost: the
                // builder catches up with it first.
                let rule = connection.trigger.rule();
                if rule != made_of && !builder_made.borrow_mut().made_since(made_of, rule) {
                    return;
                }
                let key = coalesce.map(|k| format!("builder:{}:{k}", connection.id));
                // The page has only the first items of a large rule's model:
                // the worker edits the whole one.
                if let Some(worker) = worker.as_ref().filter(|_| !cut.is_empty()) {
                    let job = RuleJob::Builder {
                        path,
                        edit: WireEdit::new(change),
                    };
                    let answer = apply_from_worker(rule.to_string(), Some(made_of.clone()), key);
                    worker.edit_rule(made_of.clone(), job, answer);
                    return;
                }
                // Made on the text the model was read from, so its comments stay.
                if let Some(next) = rule_edit::edit_text(made_of, &path, change) {
                    builder_made.borrow_mut().made(made_of, &next);
                    edit(&editor, &connection.id, Edit::SetRule(next), key);
                }
            },
        )
    };
    // Formatting a large rule takes longer than a frame: the worker does it.
    let formatting = use_state(|| None::<String>);
    let on_format = {
        let editor = editor.clone();
        let id = connection.id.clone();
        let text = text.clone();
        let formatting = formatting.clone();
        Callback::from(move |_| {
            if text.len() > LIVE_ANALYSIS_MAX {
                if let Some(worker) = &worker {
                    formatting.set(Some(text.clone()));
                    let done = apply_from_worker(text.clone(), None, None);
                    let formatting = formatting.clone();
                    let answer = Callback::from(move |next: Option<String>| {
                        formatting.set(None);
                        done.emit(next);
                    });
                    if worker.edit_rule(text.clone(), RuleJob::Format, answer) {
                        return;
                    }
                }
            }
            if let Ok(formatted) = rule::format(&text) {
                edit(&editor, &id, Edit::SetRule(formatted), None);
            }
        })
    };
    let is_formatting = formatting.as_deref() == Some(text.as_str());
    // Stable while the connection is, like `on_edit`: a new callback would
    // re-render the builder's rows on every keystroke.
    let on_show_all = {
        let full = full.clone();
        use_callback(connection.id.clone(), move |_: (), id| {
            full.set(Some(id.clone()))
        })
    };

    // The last dry run's counts, for the text it ran on.
    let dry_counts = use_state(|| None::<(String, DryCounts)>);
    let on_counts = {
        let dry_counts = dry_counts.clone();
        let text = text.clone();
        Callback::from(move |counts: DryCounts| dry_counts.set(Some((text.clone(), counts))))
    };
    let dry_items = use_memo(Shared(analysed.clone()), |analysed| {
        Rc::new(
            analysed
                .0
                .analysis
                .dry_run_items
                .iter()
                .map(|i| (i.depth, i.label.clone(), i.text.clone()))
                .collect::<Vec<_>>(),
        )
    });
    let dry_marks = dry_counts
        .as_ref()
        .filter(|(ran_on, _)| *ran_on == text && !event_trigger)
        .map(|(_, c)| c.clone());
    let builder_counts: Rc<rule_builder::Counts> = Rc::new(match (&dry_marks, &model) {
        (Some(c), Some(model)) => dry_run_paths(model)
            .into_iter()
            .zip(c.1.iter().copied())
            .collect(),
        _ => Default::default(),
    });

    let colours = use_memo(text.clone(), |text| highlight_paints(text));
    let mut paints = (*colours).clone();
    // An event filter runs inside an event-code check, so its offsets differ.
    if let Some(counts) = &dry_marks {
        paints.extend(dry_run_paints(&text, &counts.0));
    }
    if current {
        paints.extend(analysis_paints.iter().cloned());
    }
    let errors_id = format!("rule-errors-{}", connection.id);
    let has_errors = analysis.findings.iter().any(|e| !e.is_warning());

    html! {
        <>
        <section class="panel trigger-panel" aria-labelledby="trigger-title">
            <div class="panel-head">
                <h3 id="trigger-title">{ "Trigger" }</h3>
                <span class="spacer"></span>
                { sample_picker(&editor, connection) }
            </div>
            { trigger_kind(&editor, connection) }
            if analysing {
                <p class="rule-result pending" data-testid="rule-result" data-value="pending" role="status" aria-live="polite" aria-busy="true">
                    <span class="result-dot" aria-hidden="true"></span>{ "Analysing the rule…" }
                </p>
            } else {
                { result_banner(analysis.result.as_ref(), context.0.as_ref().as_ref().err(), event_trigger) }
            }
            if choice == SampleChoice::Custom {
                <CustomContext error={context.0.as_ref().as_ref().err().cloned()} />
            }
            <div class="rule-areas">
                <div class="rule-area">
                    <h4>{ if event_trigger { "Filter (optional): builder" } else { "Rule: builder" } }</h4>
                    if stale && model.is_some() {
                        <p class="notice warning inline" role="status">
                            { "The rule text has errors, so the builder shows the last rule that parsed. Editing here replaces the text (Undo brings it back)." }
                        </p>
                    }
                    if let Some(items) = analysed.too_many {
                        <p class="empty" data-testid="builder-too-large">
                            { format!("This rule has {} groups and conditions, too many for the builder: edit it as text below.", thousands(items as u64)) }
                        </p>
                    } else if let Some(model) = &model {
                        <RuleBuilder top={model.top_group()} {catalog} results={results.clone()} counts={builder_counts.clone()} cut={cut.clone()} {on_show_all} {on_edit} />
                    } else if analysing {
                        <p class="empty" aria-busy="true">{ "Analysing the rule…" }</p>
                    } else {
                        <p class="empty">{ "Fix the rule text below and the builder will show it." }</p>
                    }
                </div>
                <div class="rule-area">
                    <div class="area-head">
                        <h4>{ "Rule: text" }</h4>
                        <span class="spacer"></span>
                        <button type="button" class="button" onclick={on_format} disabled={!analysed.parses() || text.trim().is_empty() || is_formatting}
                            aria-busy={is_formatting.then_some("true")}
                            title="Canonical layout: short forms on one line, long ones broken and indented">{ if is_formatting { "Formatting…" } else { "Format" } }</button>
                    </div>
                    <CodeEditor label="Rule" value={text.clone()} on_change={on_text} paints={Rc::new(paints)}
                        completions={(*completion_list).clone()} completer={Some(Completer(complete_symbol))}
                        rows={4} invalid={has_errors} described_by={Some(AttrValue::from(errors_id.clone()))}
                        placeholder="(and (= status-days-past-due 5) (= loan-status \"Open\"))" />
                    { error_list(errors_id.clone().into(), "Rule problems".into(), &analysis.findings, &[],
                        Some("rule-errors"), Some("No problems found.")) }
                </div>
            </div>
        </section>
        <DryRunHost rule={AttrValue::from(firing_rule(&connection.trigger))} rule_ok={analysed.parses()}
            id_field={record_id_field(connection.source)}
            noun={if event_trigger { "events" } else { "loans" }}
            items={(*dry_items).clone()} {on_counts} />
        </>
    }
}

/// The builder path of each of the engine's `dryrun::counted_items`, in the same order: the
/// top group is `[]`; a rule that is not a group sits at `[0]` of the top group.
fn dry_run_paths(model: &RuleModel) -> Vec<Path> {
    let root: Path = if matches!(model.root, Item::Group(_)) {
        Vec::new()
    } else {
        vec![0]
    };
    let mut out = Vec::new();
    // Borrowed items: cloning each subtree would be quadratic in the nesting.
    let mut stack: Vec<(Path, &Item)> = vec![(root, &model.root)];
    while let Some((path, item)) = stack.pop() {
        match item {
            Item::Group(g) => stack.extend(g.items.iter().enumerate().rev().map(|(i, child)| {
                let mut p = path.clone();
                p.push(i);
                (p, child)
            })),
            Item::Not(inner) => {
                let mut p = path.clone();
                p.push(0);
                stack.push((p, inner));
            }
            _ => {}
        }
        out.push(path);
    }
    out
}

/// Marks the heads of the rule text's clauses with the dry run's counts.
fn dry_run_paints(text: &str, clauses: &[ClauseCount]) -> Vec<Paint> {
    clauses
        .iter()
        .filter_map(|c| {
            Some(Paint {
                range: head_of(text, c.start..c.end)?,
                class: "mark-count",
                title: Some(format!(
                    "dry run: true for {}, false for {}, error for {}",
                    c.counts[0], c.counts[1], c.counts[2]
                )),
            })
        })
        .collect()
}

fn result_banner(
    result: Option<&Result<Value, Error>>,
    context_error: Option<&Error>,
    event_trigger: bool,
) -> Html {
    let (value, class, text) = match (result, context_error) {
        (_, Some(error)) => (
            "error",
            "error",
            format!(
                "Cannot evaluate: the sample context is not usable ({})",
                error
            ),
        ),
        (None, None) => (
            "error",
            "error",
            "Cannot evaluate: fix the rule's errors first.".to_string(),
        ),
        (Some(Err(error)), None) => ("error", "error", format!("Evaluation error: {error}")),
        (Some(Ok(v)), None) if v.is_truthy() => (
            "true",
            "fires",
            match v {
                Value::Bool(true) => "Fires for this sample".to_string(),
                other => format!(
                    "Fires for this sample (the rule gives {}, which counts as true)",
                    other.to_json()
                ),
            },
        ),
        (Some(Ok(v)), None) => (
            "false",
            "quiet",
            match v {
                Value::Bool(false) => "Does not fire for this sample".to_string(),
                other => format!(
                    "Does not fire for this sample (the rule gives {})",
                    other.to_json()
                ),
            },
        ),
    };
    let _ = event_trigger;
    html! {
        <p class={classes!("rule-result", class)} data-testid="rule-result" data-value={value} role="status" aria-live="polite">
            <span class="result-dot" aria-hidden="true"></span>{ text }
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hookwright_core::rule::Rule;

    #[test]
    fn completes_symbols_outside_strings() {
        assert_eq!(
            complete_symbol("(= loan-st", 10),
            Some(CompletionQuery {
                start: 3,
                prefix: "loan-st".into(),
                group: None,
            })
        );
        assert_eq!(complete_symbol("(= \"Op", 6), None);
        assert_eq!(complete_symbol("(= 5", 4), None);
    }

    #[test]
    fn dry_run_paths_follow_the_engines_counting_order() {
        for text in [
            SEED_FOR_DRY_RUN,
            "(= loan-status \"Open\")",
            "(and (not (= a 1)) (not (or (= b 2) (= c 3))) (or))",
        ] {
            let model = RuleModel::from_rule(&Rule::parse(text).unwrap());
            let texts = hookwright_core::dryrun::item_texts(&Rule::parse(text).unwrap());
            // Each item's builder path leads to that item.
            let top = model.top_group();
            let paths = dry_run_paths(&model);
            assert_eq!(paths.len(), texts.len());
            for (path, text) in paths.iter().zip(&texts) {
                let item = if path.is_empty() {
                    Item::Group(top.clone())
                } else {
                    rule_edit::item_at(&top, path).unwrap().clone()
                };
                let counted = RuleModel::from_rule(&Rule::parse(text).unwrap());
                assert_eq!(
                    RuleModel { root: item }.to_text(),
                    counted.to_text(),
                    "{path:?}"
                );
            }
        }
    }

    const SEED_FOR_DRY_RUN: &str = r#"(and (= status-days-past-due 5) (or (= loan-status "Open") (= loan-status "Collections")))"#;
}
