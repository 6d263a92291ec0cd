//! The visual rule builder: "Match all / any / none of" groups, NOT, conditions
//! (variable, operator, value) and editable expression blocks for what the
//! builder cannot show. Each row shows whether it holds for the current sample.

use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;
use std::str::FromStr;

use hookwright_core::analysis::ItemOutcome;
use hookwright_core::catalog::{Catalog, VarType};
use hookwright_core::rule::model::{
    Condition, Expression, Group, Item, Literal, Match, Operand, Operator,
};
use rust_decimal::Decimal;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::variable_picker::VariablePicker;
use crate::builder::{condition_for, refit, type_of};
use crate::services::focus;
use hookwright_core::dryrun::thousands;
use hookwright_core::rule::edit::{empty_group, Edit, Path};

/// How each item came out for the sample (the engine's analysis).
pub type Results = HashMap<Path, ItemOutcome>;

/// How many loans of the last dry run each item was true / false / error for.
pub type Counts = HashMap<Path, [f64; 3]>;

/// Groups whose last items the page does not have (a large rule's builder
/// gets its first items from the analysis worker), by path, with how many.
pub type Cut = HashMap<Path, usize>;

#[derive(Properties, PartialEq)]
pub struct RuleBuilderProps {
    pub top: Group,
    pub catalog: &'static Catalog,
    pub results: Rc<Results>,
    /// The last dry run's counts, shown beside each item's result.
    #[prop_or_default]
    pub counts: Rc<Counts>,
    /// Items of `top` left out, by group; "Show all" then asks for them.
    #[prop_or_default]
    pub cut: Rc<Cut>,
    #[prop_or_default]
    pub on_show_all: Callback<()>,
    /// An edit at a path; the string is a coalesce key for typing in one field.
    pub on_edit: Callback<(Path, Edit, Option<String>)>,
}

/// Items drawn before "Show all": drawing thousands of rows would block the
/// page for longer than a frame on every change of the rule.
pub const FIRST_ROWS: usize = 250;
/// Items drawn a frame (each adds its rows' style and layout to that frame).
const SLICE: usize = 50;
/// Groups nested deeper than this wait for "Show all" too: the browser's
/// layout of a group grows with its depth (150 nested groups took it over 100 ms).
pub const FIRST_DEPTH: usize = 24;

#[derive(Clone)]
struct Scope {
    catalog: &'static Catalog,
    results: Rc<Results>,
    counts: Rc<Counts>,
    cut: Rc<Cut>,
    on_edit: Callback<(Path, Edit, Option<String>)>,
    /// Items still to draw, in reading order; the rest wait for "Show all".
    rows_left: Rc<Cell<usize>>,
    /// The depth below which items wait for "Show all".
    depth: usize,
    show_all: Callback<MouseEvent>,
}

impl Scope {
    fn edit(&self, path: &[usize], edit: Edit) -> Callback<MouseEvent> {
        let on_edit = self.on_edit.clone();
        let path = path.to_vec();
        Callback::from(move |_| {
            if let Edit::Move(delta) = edit {
                follow_move(&path, delta);
            }
            on_edit.emit((path.clone(), edit.clone(), None))
        })
    }

    fn badge(&self, path: &[usize]) -> Html {
        let counts = self.counts.get(path).map(|c| {
            html! {
                <span class="dry-count" data-testid="dryrun-count" title="Dry run: loans true / false / error">
                    { format!("✓{} ✗{}{}", thousands(c[0] as u64), thousands(c[1] as u64),
                        if c[2] > 0.0 { format!(" !{}", thousands(c[2] as u64)) } else { String::new() }) }
                </span>
            }
        });
        let (class, text, value) = match self.results.get(path) {
            Some(ItemOutcome::True) => ("result-badge true", "true", "true"),
            Some(ItemOutcome::False) => ("result-badge false", "false", "false"),
            Some(ItemOutcome::Error) => ("result-badge error", "error", "error"),
            Some(ItemOutcome::Skipped) => ("result-badge skipped", "not evaluated", "skipped"),
            None => return counts.unwrap_or_default(),
        };
        let title = if value == "skipped" {
            "Not evaluated for the selected sample: its group was decided before it"
        } else {
            "For the selected sample"
        };
        html! { <><span class={class} data-result={value} {title}>{ text }</span>{ counts.unwrap_or_default() }</> }
    }
}

#[component]
pub fn RuleBuilder(props: &RuleBuilderProps) -> Html {
    let all = use_state(|| false);
    // Drawn in slices, a frame apart: a large rule's builder never holds the
    // page for one long task. The count grows only while items wait, so a
    // large rule arriving in a builder that showed a small one starts again
    // at one slice (drawing 250 rows at once was a 100–240 ms task).
    let rows = use_state(|| SLICE);
    let waiting = item_count(&props.top) > *rows;
    {
        let rows = rows.clone();
        use_effect_with((*rows, waiting), move |&(drawn, waiting)| {
            let timer = (waiting && drawn < FIRST_ROWS)
                .then(|| gloo::timers::callback::Timeout::new(0, move || rows.set(drawn + SLICE)));
            move || drop(timer)
        });
    }
    let scope = Scope {
        catalog: props.catalog,
        results: props.results.clone(),
        counts: props.counts.clone(),
        cut: props.cut.clone(),
        on_edit: props.on_edit.clone(),
        rows_left: Rc::new(Cell::new(if *all { usize::MAX } else { *rows })),
        depth: if *all { usize::MAX } else { FIRST_DEPTH },
        show_all: {
            let on_show_all = props.on_show_all.clone();
            Callback::from(move |_| {
                all.set(true);
                on_show_all.emit(());
            })
        },
    };
    group_view(&scope, &props.top, &[], None)
}

/// The items below `top`, counted without recursion (a rule nests 200 deep).
fn item_count(top: &Group) -> usize {
    let mut count = 0;
    let mut stack: Vec<&Item> = top.items.iter().collect();
    while let Some(item) = stack.pop() {
        count += 1;
        match item {
            Item::Group(g) => stack.extend(g.items.iter()),
            Item::Not(inner) => stack.push(inner),
            _ => {}
        }
    }
    count
}

fn group_view(scope: &Scope, group: &Group, path: &[usize], siblings: Option<usize>) -> Html {
    let on_mode = {
        let on_edit = scope.on_edit.clone();
        let path = path.to_vec();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let mode = match select.value().as_str() {
                "any" => Match::Any,
                "none" => Match::None,
                _ => Match::All,
            };
            on_edit.emit((path.clone(), Edit::SetMode(mode), None));
        })
    };
    let mode = match group.mode {
        Match::All => "all",
        Match::Any => "any",
        Match::None => "none",
    };
    let new_condition = scope
        .catalog
        .variables
        .iter()
        .find(|v| !matches!(v.ty, VarType::Array | VarType::Object))
        .map(|v| Item::Condition(condition_for(v)));
    let add_condition = new_condition.map(|item| scope.edit(path, Edit::Add(item)));
    let add_group = scope.edit(path, Edit::Add(Item::Group(empty_group(Match::Any))));
    // Items the page does not have are not drawn either.
    let mut hidden = scope.cut.get(path).copied().unwrap_or(0);
    let count = group.items.len() + hidden;
    let children: Vec<Html> = group
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let left = scope.rows_left.get();
            if left == 0 || path.len() >= scope.depth {
                hidden += 1;
                return None;
            }
            scope.rows_left.set(left - 1);
            let mut child = path.to_vec();
            child.push(i);
            Some(item_view(scope, item, &child, Some(count)))
        })
        .collect();
    let label = if path.is_empty() { "Rule" } else { "Group" };
    html! {
        <div class={classes!("group", path.is_empty().then_some("top"))} data-testid="group" role="group" data-path={path_key(path)}
            aria-label={format!("{label}: match {mode} of")} onkeydown={reorder_keys(scope, path, siblings)}>
            <div class="group-head">
                <label class="group-mode">
                    { "Match " }
                    <select aria-label="Match" onchange={on_mode}>
                        <option value="all" selected={mode == "all"}>{ "all" }</option>
                        <option value="any" selected={mode == "any"}>{ "any" }</option>
                        <option value="none" selected={mode == "none"}>{ "none" }</option>
                    </select>
                    { " of the following" }
                </label>
                { scope.badge(path) }
                <span class="spacer"></span>
                { row_actions(scope, path, siblings, "group") }
            </div>
            <div class="group-items">
                { for children }
                if hidden > 0 {
                    <p class="group-more" data-testid="builder-more">
                        { format!("{hidden} more item{} of this group not drawn here (the rule text has them all). ", if hidden == 1 { "" } else { "s" }) }
                        <button type="button" class="button small" onclick={scope.show_all.clone()}>{ "Show all" }</button>
                    </p>
                }
                if group.items.is_empty() {
                    <p class="group-empty">{ "No conditions yet: this group always matches. Add a condition below." }</p>
                }
            </div>
            <div class="group-add">
                if let Some(onclick) = add_condition {
                    <button type="button" class="button" {onclick}>{ "+ Condition" }</button>
                }
                <button type="button" class="button" onclick={add_group}>{ "+ Group" }</button>
            </div>
        </div>
    }
}

/// An item and its row: `siblings` is how many items its group holds, `None`
/// for a NOT's child, whose actions are the NOT's.
fn item_view(scope: &Scope, item: &Item, path: &[usize], siblings: Option<usize>) -> Html {
    match item {
        Item::Group(group) => group_view(scope, group, path, siblings),
        Item::Not(inner) => {
            let mut child = path.to_vec();
            child.push(0);
            html! {
                <div class="not-wrapper" role="group" aria-label="NOT" data-path={path_key(path)}
                    onkeydown={reorder_keys(scope, path, siblings)}>
                    <div class="not-head">
                        <span class="not-label">{ "NOT" }</span>
                        { scope.badge(path) }
                        <span class="spacer"></span>
                        <span class="row-buttons">
                            { move_buttons(scope, path, siblings, "negated item") }
                            <button type="button" class="button small" onclick={scope.edit(path, Edit::ToggleNot)}
                                title="Remove the NOT">{ "Un-NOT" }</button>
                            if siblings.is_some() {
                                <button type="button" class="button icon danger" aria-label="Remove negated item" title="Remove"
                                    onclick={scope.edit(path, Edit::Remove)}>{ "✕" }</button>
                            }
                        </span>
                    </div>
                    { item_view_inner(scope, inner, &child) }
                </div>
            }
        }
        leaf => html! {
            <Leaf item={leaf.clone()} path={path.to_vec()} {siblings} row={RowScope {
                catalog: scope.catalog,
                on_edit: scope.on_edit.clone(),
                outcome: scope.results.get(path).copied(),
                count: scope.counts.get(path).copied(),
            }} />
        },
    }
}

/// What a condition or expression row shows besides its item, compared
/// cheaply (the catalog by address).
#[derive(Clone)]
struct RowScope {
    catalog: &'static Catalog,
    on_edit: Callback<(Path, Edit, Option<String>)>,
    outcome: Option<ItemOutcome>,
    count: Option<[f64; 3]>,
}

impl PartialEq for RowScope {
    fn eq(&self, other: &RowScope) -> bool {
        std::ptr::eq(self.catalog, other.catalog)
            && self.on_edit == other.on_edit
            && self.outcome == other.outcome
            && self.count == other.count
    }
}

#[derive(Properties, PartialEq)]
struct LeafProps {
    item: Item,
    path: Path,
    siblings: Option<usize>,
    row: RowScope,
}

/// A condition or expression row as a component of its own: Yew redraws it
/// only when its item, place, result or count changes, so drawing a large
/// builder 50 rows a frame does not redraw the rows already drawn.
#[component]
fn Leaf(props: &LeafProps) -> Html {
    let row = &props.row;
    let path = &props.path;
    let scope = Scope {
        catalog: row.catalog,
        results: Rc::new(row.outcome.map(|o| (path.clone(), o)).into_iter().collect()),
        counts: Rc::new(row.count.map(|c| (path.clone(), c)).into_iter().collect()),
        cut: Rc::default(),
        on_edit: row.on_edit.clone(),
        rows_left: Rc::new(Cell::new(0)),
        depth: 0,
        show_all: Callback::noop(),
    };
    match &props.item {
        Item::Condition(condition) => condition_view(&scope, condition, path, props.siblings),
        Item::Expression(expression) => expression_view(&scope, expression, path, props.siblings),
        _ => Html::default(),
    }
}

/// The child of a NOT: it has no siblings to move among, and the NOT's row moves, un-negates or removes it.
fn item_view_inner(scope: &Scope, item: &Item, path: &[usize]) -> Html {
    item_view(scope, item, path, None)
}

/// Move up/down, NOT and remove, for any item but the top group.
fn row_actions(scope: &Scope, path: &[usize], siblings: Option<usize>, what: &str) -> Html {
    if siblings.is_none() {
        return Html::default();
    }
    html! {
        <span class="row-buttons">
            { move_buttons(scope, path, siblings, what) }
            <button type="button" class="button small" aria-label={format!("NOT (negate {what})")} title="Wrap in NOT"
                onclick={scope.edit(path, Edit::ToggleNot)}>{ "NOT" }</button>
            <button type="button" class="button icon danger" aria-label={format!("Remove {what}")} title="Remove"
                onclick={scope.edit(path, Edit::Remove)}>{ "✕" }</button>
        </span>
    }
}

/// Move up and down among `siblings` items (none for a NOT's child).
fn move_buttons(scope: &Scope, path: &[usize], siblings: Option<usize>, what: &str) -> Html {
    let Some(count) = siblings else {
        return Html::default();
    };
    let index = path.last().copied().unwrap_or(0);
    html! {
        <>
            <button type="button" class="button icon" aria-label={format!("Move {what} up")} title="Move up (Alt+↑)"
                disabled={index == 0} onclick={scope.edit(path, Edit::Move(-1))}>{ "↑" }</button>
            <button type="button" class="button icon" aria-label={format!("Move {what} down")} title="Move down (Alt+↓)"
                disabled={index + 1 >= count} onclick={scope.edit(path, Edit::Move(1))}>{ "↓" }</button>
        </>
    }
}

/// Alt+↑ / Alt+↓ move the focused row among its siblings.
fn reorder_keys(scope: &Scope, path: &[usize], siblings: Option<usize>) -> Callback<KeyboardEvent> {
    let on_edit = scope.on_edit.clone();
    let path = path.to_vec();
    Callback::from(move |e: KeyboardEvent| {
        if siblings.is_none() || !e.alt_key() {
            return;
        }
        let delta = match e.key().as_str() {
            "ArrowUp" => -1,
            "ArrowDown" => 1,
            _ => return,
        };
        e.prevent_default();
        e.stop_propagation();
        let index = path.last().copied().unwrap_or(0);
        if index
            .checked_add_signed(delta)
            .is_none_or(|to| Some(to) >= siblings)
        {
            return;
        }
        follow_move(&path, delta);
        on_edit.emit((path.clone(), Edit::Move(delta), None));
    })
}

/// The `data-path` of an item's row: its path, dotted (the top group's is empty).
fn path_key(path: &[usize]) -> String {
    path.iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// Keeps focus with a row that moves (Alt+↑/↓ or its arrow buttons), so it can
/// be moved again at once: once the builder shows the row at its new place,
/// the same control there (the other arrow if that one is now disabled, else
/// the row's first control) takes focus. Given up after a second.
fn follow_move(path: &[usize], delta: isize) {
    let Some(to) = path.last().and_then(|i| i.checked_add_signed(delta)) else {
        return;
    };
    let document = gloo::utils::document();
    let Some(row) = document
        .query_selector(&format!("[data-path=\"{}\"]", path_key(path)))
        .ok()
        .flatten()
    else {
        return;
    };
    let row_label = row.get_attribute("aria-label");
    let control = document
        .active_element()
        .filter(|active| row.contains(Some(active)))
        .and_then(|active| active.get_attribute("aria-label"));
    let mut moved = path.to_vec();
    *moved.last_mut().expect("a moved item has a place") = to;
    let key = path_key(&moved);
    // The first look finds the old rows: the move is drawn by a later render.
    let looked = Cell::new(false);
    focus::once_drawn(move |document| {
        if !looked.replace(true) {
            return None;
        }
        let row = document
            .query_selector(&format!("[data-path=\"{key}\"]"))
            .ok()
            .flatten()
            .filter(|row| row.get_attribute("aria-label") == row_label)?;
        let own = |selector: &str| row.query_selector(selector).ok().flatten();
        control
            .as_deref()
            .and_then(|label| own(&focus::labelled(label)))
            .or_else(|| own("button.icon:not(:disabled)"))
            .or_else(|| own("select, input, textarea, button"))
    });
}

fn condition_view(
    scope: &Scope,
    condition: &Condition,
    path: &[usize],
    siblings: Option<usize>,
) -> Html {
    let ty = type_of(scope.catalog, condition);
    let replace = {
        let on_edit = scope.on_edit.clone();
        let path = path.to_vec();
        let catalog = scope.catalog;
        move |c: Condition, coalesce: Option<String>| {
            on_edit.emit((
                path.clone(),
                Edit::Replace(Item::Condition(refit(catalog, c))),
                coalesce,
            ));
        }
    };
    let on_pick = {
        let replace = replace.clone();
        let condition = condition.clone();
        let catalog = scope.catalog;
        Callback::from(move |name: String| {
            let next = match catalog.variable(&name) {
                Some(variable) if condition.variable != name => condition_for(variable),
                _ => Condition {
                    variable: name,
                    ..condition.clone()
                },
            };
            replace(next, None);
        })
    };
    let operators = Operator::for_type(ty);
    let operators: Vec<Operator> =
        if operators.contains(&condition.operator) || operators.is_empty() {
            let mut all = operators.to_vec();
            if !all.contains(&condition.operator) {
                all.push(condition.operator);
            }
            all
        } else {
            operators.to_vec()
        };
    let on_operator = {
        let replace = replace.clone();
        let condition = condition.clone();
        let operators = operators.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let Some(&operator) = select
                .value()
                .parse::<usize>()
                .ok()
                .and_then(|i| operators.get(i))
            else {
                return;
            };
            let value = match (operator, &condition.value) {
                (Operator::IsOneOf, Operand::One(one)) => Operand::Many(vec![one.clone()]),
                (Operator::IsTrue | Operator::IsFalse, _) => Operand::None,
                (_, Operand::Many(many)) if operator != Operator::IsOneOf => Operand::One(
                    many.first()
                        .cloned()
                        .unwrap_or(Literal::Text(String::new())),
                ),
                (_, value) => value.clone(),
            };
            replace(
                Condition {
                    operator,
                    value,
                    ..condition.clone()
                },
                None,
            );
        })
    };
    let coalesce = format!("value:{path:?}");
    html! {
        <div class="condition" data-testid="condition" role="group" aria-label={format!("Condition on {}", condition.variable)} data-path={path_key(path)}
            onkeydown={reorder_keys(scope, path, siblings)}>
            <VariablePicker value={condition.variable.clone()} catalog={scope.catalog} {on_pick} />
            <select class="operator" aria-label="Operator" onchange={on_operator}>
                { for operators.iter().enumerate().map(|(i, op)| html! {
                    <option value={i.to_string()} selected={*op == condition.operator}>{ op.label(ty) }</option>
                }) }
            </select>
            { value_input(scope, condition, ty, move |c| replace(c, Some(coalesce.clone()))) }
            { scope.badge(path) }
            <span class="spacer"></span>
            { row_actions(scope, path, siblings, "condition") }
        </div>
    }
}

/// The value field that fits the variable's type and the operator.
fn value_input(
    scope: &Scope,
    condition: &Condition,
    ty: VarType,
    replace: impl Fn(Condition) + Clone + 'static,
) -> Html {
    let with_value = {
        let condition = condition.clone();
        move |value: Operand| Condition {
            value,
            ..condition.clone()
        }
    };
    match (&condition.value, condition.operator) {
        (Operand::None, _) => Html::default(),
        (Operand::Many(values), Operator::IsOneOf) => {
            let options = scope
                .catalog
                .variable(&condition.variable)
                .map(|v| v.values.clone())
                .unwrap_or_default();
            if options.is_empty() {
                // Free text: comma-separated values.
                let text = values
                    .iter()
                    .map(literal_text)
                    .collect::<Vec<_>>()
                    .join(", ");
                let oninput = Callback::from(move |e: InputEvent| {
                    let input: HtmlInputElement = e.target_unchecked_into();
                    let items = input
                        .value()
                        .split(',')
                        .map(|s| s.trim())
                        .filter(|s| !s.is_empty())
                        .map(|s| Literal::Text(s.to_string()))
                        .collect();
                    replace(with_value(Operand::Many(items)));
                });
                return html! {
                    <input type="text" class="value" aria-label="Values (comma-separated)" value={text} {oninput} />
                };
            }
            let mut all = options;
            for v in values.iter().map(literal_text) {
                if !all.contains(&v) {
                    all.push(v);
                }
            }
            html! {
                <fieldset class="value multi" aria-label="Values">
                    { for all.into_iter().map(|option| {
                        let checked = values.iter().any(|v| literal_text(v) == option);
                        let onchange = {
                            let values = values.clone();
                            let option = option.clone();
                            let replace = replace.clone();
                            let with_value = with_value.clone();
                            Callback::from(move |e: Event| {
                                let input: HtmlInputElement = e.target_unchecked_into();
                                let mut next: Vec<Literal> = values.iter().filter(|v| literal_text(v) != option).cloned().collect();
                                if input.checked() {
                                    next.push(Literal::Text(option.clone()));
                                }
                                replace(with_value(Operand::Many(next)));
                            })
                        };
                        html! { <label class="chip"><input type="checkbox" {checked} {onchange} />{ option.clone() }</label> }
                    }) }
                </fieldset>
            }
        }
        (value, _) => {
            let current = match value {
                Operand::One(literal) => literal_text(literal),
                Operand::Many(many) => many.first().map(literal_text).unwrap_or_default(),
                Operand::None => String::new(),
            };
            let enum_values = scope
                .catalog
                .variable(&condition.variable)
                .filter(|v| v.ty == VarType::Enum)
                .map(|v| v.values.clone());
            if let Some(mut values) = enum_values {
                if !values.contains(&current) {
                    values.push(current.clone());
                }
                let onchange = Callback::from(move |e: Event| {
                    let select: HtmlSelectElement = e.target_unchecked_into();
                    replace(with_value(Operand::One(Literal::Text(select.value()))));
                });
                return html! {
                    <select class="value" aria-label="Value" {onchange}>
                        { for values.into_iter().map(|v| html! {
                            <option value={v.clone()} selected={v == current}>{ v }</option>
                        }) }
                    </select>
                };
            }
            let numeric = matches!(ty, VarType::Number | VarType::Money);
            let oninput = Callback::from(move |e: InputEvent| {
                let input: HtmlInputElement = e.target_unchecked_into();
                let text = input.value();
                let literal = if numeric {
                    // Half-typed numbers ("5.", "-") wait until they parse.
                    match Decimal::from_str(text.trim()) {
                        Ok(n) => Literal::Number(n),
                        Err(_) => return,
                    }
                } else {
                    Literal::Text(text)
                };
                replace(with_value(Operand::One(literal)));
            });
            let (kind, mode) = match ty {
                VarType::Number | VarType::Money => ("number", "decimal"),
                VarType::Date => ("date", "numeric"),
                _ => ("text", "text"),
            };
            html! {
                <input type={kind} step={numeric.then_some("any")} inputmode={mode} class="value"
                    aria-label="Value" value={current} {oninput} />
            }
        }
    }
}

fn expression_view(
    scope: &Scope,
    expression: &Expression,
    path: &[usize],
    siblings: Option<usize>,
) -> Html {
    let on_edit = scope.on_edit.clone();
    let at = path.to_vec();
    let oninput = Callback::from(move |e: InputEvent| {
        let area: HtmlTextAreaElement = e.target_unchecked_into();
        let item = Item::Expression(Expression { text: area.value() });
        on_edit.emit((
            at.clone(),
            Edit::Replace(item),
            Some(format!("expr:{at:?}")),
        ));
    });
    let rows = expression.text.lines().count().clamp(1, 8);
    html! {
        <div class="condition expression" data-testid="expression" role="group" aria-label="Expression" data-path={path_key(path)}
            onkeydown={reorder_keys(scope, path, siblings)}>
            <span class="expression-label" title="Rule text the builder cannot show as a condition">{ "Expression" }</span>
            <textarea class="expression-input" aria-label="Expression" rows={rows.to_string()} spellcheck="false"
                value={expression.text.clone()} {oninput} />
            { scope.badge(path) }
            { row_actions(scope, path, siblings, "expression") }
        </div>
    }
}

fn literal_text(literal: &Literal) -> String {
    match literal {
        Literal::Nil => "nil".into(),
        Literal::Number(n) => n.to_string(),
        Literal::Text(t) => t.clone(),
    }
}
