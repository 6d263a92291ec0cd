//! The visual builder's edits. [`apply`] makes one on the builder's model (its
//! top group, see [`RuleModel::top_group`]); [`edit_text`] makes it on rule
//! text. Comments are not part of the model, so text rebuilt from the model
//! alone would lose every one: a rule holding comments is edited in place
//! instead, only the forms the edit touches rewritten, then laid out by
//! [`format`](super::format), which keeps comments.

use super::ast::{Expr, ExprKind};
use super::fmt::{format, has_comments};
use super::model::{condition, group_children, Group, Item, Match, RuleModel};
use super::Rule;
use std::ops::Range;

use crate::error::{Error, Span};

/// A builder item's place: indexes of children from the top group. A NOT has
/// one child, index 0; `[]` is the top group.
pub type Path = Vec<usize>;

/// One change the builder can make.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    SetMode(Match),
    Add(Item),
    Remove,
    /// Moves an item up (-1) or down (+1) among its siblings.
    Move(isize),
    ToggleNot,
    Replace(Item),
}

/// The model of rule text, or of an empty rule (an empty "all of" group).
pub fn model_of(text: &str) -> Result<RuleModel, Vec<Error>> {
    if text.trim().is_empty() {
        return Ok(RuleModel {
            root: Item::Group(empty_group(Match::All)),
        });
    }
    Rule::parse(text).map(|rule| RuleModel::from_rule(&rule))
}

/// The rule text for a top group. "All of" one item is written as that item alone.
pub fn text_of(top: &Group) -> String {
    let root = match (top.mode, top.items.as_slice()) {
        (Match::All, [only]) => only.clone(),
        _ => Item::Group(top.clone()),
    };
    RuleModel { root }.to_text()
}

pub fn empty_group(mode: Match) -> Group {
    Group {
        mode,
        items: Vec::new(),
    }
}

pub fn item_at<'a>(top: &'a Group, path: &[usize]) -> Option<&'a Item> {
    let (first, rest) = path.split_first()?;
    let mut item = top.items.get(*first)?;
    for &i in rest {
        item = match item {
            Item::Group(g) => g.items.get(i)?,
            Item::Not(inner) if i == 0 => inner,
            _ => return None,
        };
    }
    Some(item)
}

fn item_at_mut<'a>(top: &'a mut Group, path: &[usize]) -> Option<&'a mut Item> {
    let (first, rest) = path.split_first()?;
    let mut item = top.items.get_mut(*first)?;
    for &i in rest {
        item = match item {
            Item::Group(g) => g.items.get_mut(i)?,
            Item::Not(inner) if i == 0 => inner,
            _ => return None,
        };
    }
    Some(item)
}

/// The group at `path` (the top group for an empty path).
fn group_at_mut<'a>(top: &'a mut Group, path: &[usize]) -> Option<&'a mut Group> {
    if path.is_empty() {
        return Some(top);
    }
    match item_at_mut(top, path)? {
        Item::Group(g) => Some(g),
        Item::Not(inner) => match inner.as_mut() {
            Item::Group(g) => Some(g),
            _ => None,
        },
        _ => None,
    }
}

/// Applies `edit` at `path`; `None` when the path does not fit the edit.
pub fn apply(top: &Group, path: &[usize], edit: Edit) -> Option<Group> {
    let mut next = top.clone();
    match edit {
        Edit::SetMode(mode) => group_at_mut(&mut next, path)?.mode = mode,
        Edit::Add(item) => group_at_mut(&mut next, path)?.items.push(item),
        Edit::Remove => {
            let (&index, parent) = path.split_last()?;
            let siblings = &mut group_at_mut(&mut next, parent)?.items;
            (index < siblings.len()).then(|| siblings.remove(index))?;
        }
        Edit::Move(delta) => {
            let (&index, parent) = path.split_last()?;
            let siblings = &mut group_at_mut(&mut next, parent)?.items;
            let to = index
                .checked_add_signed(delta)
                .filter(|&t| t < siblings.len() && index < siblings.len())?;
            siblings.swap(index, to);
        }
        Edit::ToggleNot => {
            let item = item_at_mut(&mut next, path)?;
            *item = match std::mem::replace(item, Item::Group(empty_group(Match::All))) {
                Item::Not(inner) => *inner,
                other => Item::Not(Box::new(other)),
            };
        }
        Edit::Replace(item) => *item_at_mut(&mut next, path)? = item,
    }
    Some(next)
}

/// The rule text after `edit` at `path` of `text`'s builder model; `None`
/// when the text does not parse or the path does not fit the edit.
///
/// Text without comments comes back in canonical layout ([`text_of`]). Text
/// with comments is edited in place and formatted, so every comment stays;
/// should that text not read back as the model the edit makes (a form the
/// in-place edit does not cover), the canonical text is the answer. An
/// expression typed in the builder that does not parse yet is put in place
/// as typed, the rest of the text as it was.
pub fn edit_text(text: &str, path: &[usize], edit: Edit) -> Option<String> {
    let rule = match text.trim().is_empty() {
        true => None,
        false => Some(Rule::parse(text).ok()?),
    };
    let model = rule.as_ref().map_or_else(
        || RuleModel {
            root: Item::Group(empty_group(Match::All)),
        },
        RuleModel::from_rule,
    );
    let next = apply(&model.top_group(), path, edit.clone())?;
    let canonical = text_of(&next);
    let Some(edited) = rule
        .filter(|rule| has_comments(text, rule.expr()))
        .and_then(|rule| in_place(text, rule.expr(), path, &edit))
    else {
        return Some(canonical);
    };
    match format(&edited) {
        Ok(formatted) if reads_as(&formatted, &next, &canonical) => Some(formatted),
        // An expression being typed that does not parse yet: neither text
        // parses, and the one edited in place still has the comments.
        Err(_) if Rule::parse(&canonical).is_err() => Some(edited),
        _ => Some(canonical),
    }
}

/// Whether `edited` gives the builder the model `next`, or the one its
/// canonical text reads as (NOT of an "any" group is written as a "none"
/// group); "all of" one item is that item.
pub fn reads_as(edited: &str, next: &Group, canonical: &str) -> bool {
    let root = |top: Group| match (top.mode, top.items.as_slice()) {
        (Match::All, [only]) => only.clone(),
        _ => Item::Group(top),
    };
    let read = |text: &str| model_of(text).ok().map(|m| root(m.top_group()));
    read(edited)
        .is_some_and(|edited| edited == root(next.clone()) || Some(edited) == read(canonical))
}

/// `text` with `edit` made on the forms at `path` and nowhere else.
fn in_place(text: &str, root: &Expr, path: &[usize], edit: &Edit) -> Option<String> {
    let source = |span: Span| &text[span.start..span.end];
    let top_is_group =
        condition(root).is_none() && group_children(root).is_some_and(|(is_group, _)| is_group);
    let node = if top_is_group {
        node_at(root, path)?
    } else {
        // The top group is "all of" the rule's one item, which has no form of its own.
        match (path.split_first(), edit) {
            (None, Edit::Add(item)) => {
                let written = format!("(and {} {})", source(root.span), item_text(item));
                return Some(replace(text, vec![(range(root.span), written)]));
            }
            (None, Edit::SetMode(mode)) => {
                let written = with_mode(*mode, &format!(" {})", source(root.span)));
                return Some(replace(text, vec![(range(root.span), written)]));
            }
            (Some((0, rest)), _) => node_at(root, rest)?,
            _ => return None,
        }
    };
    let changes = match edit {
        Edit::Replace(item) => vec![(range(node.span), item_text(item))],
        Edit::Remove => vec![(range(node.span), String::new())],
        Edit::Move(delta) => {
            let (&index, parent) = path.split_last()?;
            let mut sibling = parent.to_vec();
            sibling.push(index.checked_add_signed(*delta)?);
            let other = match top_is_group {
                true => node_at(root, &sibling)?,
                false => node_at(root, sibling.get(1..)?)?,
            };
            // Each item moves with its comments, which keep their own lines.
            let (here, there) = (
                with_comments(text, node.span),
                with_comments(text, other.span),
            );
            let moved = |from: &Range<usize>, form: Span| {
                let before = if from.start < form.start { "\n" } else { "" };
                let after = if from.end > form.end { "\n" } else { "" };
                format!("{before}{}{after}", &text[from.clone()])
            };
            vec![
                (here.clone(), moved(&there, other.span)),
                (there.clone(), moved(&here, node.span)),
            ]
        }
        Edit::ToggleNot => match (node.head(), node.args()) {
            // What lies between `(not` and `)`: the item and any comment beside it.
            (Some("not"), [inner]) if inner.head() != Some("or") => {
                vec![(range(node.span), inside(text, node)?.to_string())]
            }
            _ => vec![(range(node.span), format!("(not {})", source(node.span)))],
        },
        Edit::Add(item) => {
            let list = items_form(group_form(node));
            let close = list.span.end.checked_sub(1)?..list.span.end;
            vec![(close, format!(" {})", item_text(item)))]
        }
        Edit::SetMode(mode) => {
            let group = group_form(node);
            let list = items_form(group);
            let after_head = &text[head(list)?.span.end..list.span.end];
            let mut written = with_mode(*mode, after_head);
            // A none group's comments outside its `(or …)` stay beside it.
            if !std::ptr::eq(list, group) {
                let inside = inside(text, group)?;
                let at = list.span.start - head(group)?.span.end;
                let (before, after) = (
                    &inside[..at],
                    &inside[at + list.span.end - list.span.start..],
                );
                written = format!("{before}{written}{after}");
            }
            vec![(range(group.span), written)]
        }
    };
    Some(replace(text, changes))
}

/// A group's form with `mode`, its head followed by `rest` (items and closing bracket).
fn with_mode(mode: Match, rest: &str) -> String {
    match mode {
        Match::All => format!("(and{rest}"),
        Match::Any => format!("(or{rest}"),
        Match::None => format!("(not (or{rest})"),
    }
}

/// The form of the item at `path` below `e`, counted as the builder counts.
fn node_at<'e>(mut e: &'e Expr, path: &[usize]) -> Option<&'e Expr> {
    for &i in path {
        if condition(e).is_some() {
            return None;
        }
        e = group_children(e)?.1.get(i)?;
    }
    Some(e)
}

/// A list form's head (`and` in `(and …)`).
fn head(list: &Expr) -> Option<&Expr> {
    match &list.kind {
        ExprKind::List(forms) => forms.first(),
        _ => None,
    }
}

/// The text of a list form between its head and its closing bracket.
fn inside<'t>(text: &'t str, list: &Expr) -> Option<&'t str> {
    text.get(head(list)?.span.end..list.span.end.checked_sub(1)?)
}

/// The form of the group an edit at `node`'s path changes: a NOT's edits
/// change the group inside it, as [`apply`] does.
fn group_form(node: &Expr) -> &Expr {
    match (node.head(), node.args()) {
        (Some("not"), [inner]) if inner.head() != Some("or") => inner,
        _ => node,
    }
}

/// The list form holding a group's items: `(or …)` inside `(not (or …))`.
fn items_form(group: &Expr) -> &Expr {
    match (group.head(), group.args()) {
        (Some("not"), [inner]) => inner,
        _ => group,
    }
}

/// An item's form with the comments that go with it: the whole-line
/// comments right above it and the comment ending its line.
fn with_comments(text: &str, form: Span) -> Range<usize> {
    let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |n| n + 1);
    let mut start = form.start;
    while text[line_start(start)..start].trim().is_empty() && line_start(start) > 0 {
        let above_end = line_start(start) - 1;
        let above = &text[line_start(above_end)..above_end];
        let comment = above.trim_start();
        if !comment.starts_with(';') {
            break;
        }
        start = above_end - comment.len();
    }
    let line_end = text[form.end..]
        .find('\n')
        .map_or(text.len(), |n| form.end + n);
    let after = &text[form.end..line_end];
    let end = match after.trim_start().starts_with(';') {
        true => form.end + after.trim_end().len(),
        false => form.end,
    };
    start..end
}

fn item_text(item: &Item) -> String {
    match item {
        Item::Expression(e) => e.text.clone(),
        other => RuleModel {
            root: other.clone(),
        }
        .to_text(),
    }
}

fn range(span: Span) -> Range<usize> {
    span.start..span.end
}

/// `text` with each range replaced; the ranges do not overlap.
fn replace(text: &str, mut changes: Vec<(Range<usize>, String)>) -> String {
    // An edit changes one or two ranges (a move): in text order without a sort.
    if let [a, b] = changes.as_mut_slice() {
        if b.0.start < a.0.start {
            std::mem::swap(a, b);
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (range, written) in changes {
        out.push_str(&text[at..range.start]);
        out.push_str(&written);
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::model::{Condition, Literal, Operand, Operator};

    const SEED: &str = r#"(and (= status-days-past-due 5) (or (= loan-status "Open") (= loan-status "Collections")))"#;

    fn condition(variable: &str, value: Literal) -> Item {
        Item::Condition(Condition {
            variable: variable.into(),
            operator: Operator::Eq,
            value: Operand::One(value),
        })
    }

    fn open() -> Item {
        condition("loan-status", Literal::Text("Open".into()))
    }

    #[test]
    fn the_seed_rule_builds_from_an_empty_rule() {
        let top = model_of("").unwrap().top_group();
        let top = apply(
            &top,
            &[],
            Edit::Add(condition("status-days-past-due", Literal::Number(5.into()))),
        )
        .unwrap();
        assert_eq!(text_of(&top), "(= status-days-past-due 5)");
        let top = apply(&top, &[], Edit::Add(Item::Group(empty_group(Match::Any)))).unwrap();
        let top = apply(&top, &[1], Edit::Add(open())).unwrap();
        let collections = condition("loan-status", Literal::Text("Collections".into()));
        let top = apply(&top, &[1], Edit::Add(collections)).unwrap();
        assert_eq!(text_of(&top), SEED);
    }

    #[test]
    fn the_seed_rule_shows_two_groups_and_three_conditions() {
        let top = model_of(SEED).unwrap().top_group();
        assert_eq!(top.mode, Match::All);
        assert!(
            matches!(item_at(&top, &[1]), Some(Item::Group(g)) if g.mode == Match::Any && g.items.len() == 2)
        );
        assert_eq!(text_of(&top), SEED);
    }

    #[test]
    fn move_remove_and_not() {
        let top = model_of(SEED).unwrap().top_group();
        let moved = apply(&top, &[1], Edit::Move(-1)).unwrap();
        assert!(text_of(&moved).starts_with("(and (or"));
        assert!(apply(&top, &[0], Edit::Move(-1)).is_none());
        assert!(apply(&top, &[1], Edit::Move(1)).is_none());
        let negated = apply(&top, &[0], Edit::ToggleNot).unwrap();
        assert!(text_of(&negated).starts_with("(and (not (= status-days-past-due 5))"));
        assert_eq!(apply(&negated, &[0], Edit::ToggleNot).unwrap(), top);
        let removed = apply(&top, &[1, 0], Edit::Remove).unwrap();
        assert_eq!(
            text_of(&removed),
            r#"(and (= status-days-past-due 5) (or (= loan-status "Collections")))"#
        );
        assert!(apply(&top, &[2], Edit::Remove).is_none());
    }

    #[test]
    fn text_without_comments_comes_back_canonical() {
        let spaced = "(and   (= status-days-past-due 5)\n  (= loan-status \"Open\"))";
        assert_eq!(
            edit_text(spaced, &[1], Edit::Remove).unwrap(),
            "(= status-days-past-due 5)"
        );
        assert_eq!(
            edit_text("", &[], Edit::Add(open())).unwrap(),
            r#"(= loan-status "Open")"#
        );
        assert_eq!(edit_text("(and", &[], Edit::Add(open())), None);
        assert_eq!(edit_text(SEED, &[7], Edit::Remove), None);
    }

    /// Every builder edit on a commented rule keeps every comment, and the
    /// text means what the edit makes of the model.
    #[test]
    fn every_edit_keeps_the_comments() {
        let rule = "; fires on day 5\n(and (= status-days-past-due 5) ; the fifth day\n  ; open or in collections\n  (or (= loan-status \"Open\") (= loan-status \"Collections\")))\n; end";
        let comments = [
            "; fires on day 5",
            "; the fifth day",
            "; open or in collections",
            "; end",
        ];
        let edits = [
            (vec![], Edit::SetMode(Match::Any)),
            (vec![], Edit::SetMode(Match::None)),
            (vec![1], Edit::SetMode(Match::All)),
            (vec![], Edit::Add(open())),
            (vec![1], Edit::Add(open())),
            (vec![0], Edit::Replace(open())),
            (vec![1, 1], Edit::Remove),
            (vec![1], Edit::Move(-1)),
            (vec![0], Edit::Move(1)),
            (vec![0], Edit::ToggleNot),
            (vec![1], Edit::ToggleNot),
        ];
        let top = model_of(rule).unwrap().top_group();
        for (path, edit) in edits {
            let edited = edit_text(rule, &path, edit.clone()).unwrap();
            for comment in comments {
                assert!(
                    edited.contains(comment),
                    "{edit:?} at {path:?} lost {comment:?}:\n{edited}"
                );
            }
            let expected = apply(&top, &path, edit.clone()).unwrap();
            assert_eq!(
                model_of(&edited).unwrap().top_group(),
                model_of(&text_of(&expected)).unwrap().top_group(),
                "{edit:?} at {path:?}:\n{edited}"
            );
            assert_eq!(
                format(&edited).unwrap(),
                edited,
                "{edit:?} at {path:?} is laid out"
            );
        }
    }

    #[test]
    fn a_moved_item_takes_its_comments_along() {
        let rule = "(and\n  ; day five\n  (= status-days-past-due 5) ; exactly\n  (= loan-status \"Open\") ; open only\n)";
        let moved = edit_text(rule, &[1], Edit::Move(-1)).unwrap();
        assert_eq!(
            moved,
            "(and\n  (= loan-status \"Open\") ; open only\n  ; day five\n  (= status-days-past-due 5) ; exactly\n)"
        );
        // Moved first, a whole-line comment stays on a line of its own, not beside `and`.
        let rule = "(and (= status-days-past-due 5) ; exactly\n  ;; open only\n  (= loan-status \"Open\"))";
        assert_eq!(
            edit_text(rule, &[1], Edit::Move(-1)).unwrap(),
            "(and\n  ;; open only\n  (= loan-status \"Open\")\n  (= status-days-past-due 5) ; exactly\n)"
        );
    }

    #[test]
    fn a_negated_item_with_comments_is_unwrapped_and_wrapped_again() {
        let rule = "(and (not (= loan-status \"Open\")) ; not open\n  (= status-days-past-due 5))";
        let unwrapped = edit_text(rule, &[0], Edit::ToggleNot).unwrap();
        assert!(
            unwrapped.starts_with("(and\n  (= loan-status \"Open\") ; not open"),
            "{unwrapped}"
        );
        let again = edit_text(&unwrapped, &[0], Edit::ToggleNot).unwrap();
        assert_eq!(format(rule).unwrap(), again);
    }

    #[test]
    fn an_expression_being_typed_keeps_the_comments_around_it() {
        let rule = "(and (= loan-status \"Open\") ; open\n  (> (+ status-days-past-due 1) 5))";
        let typing = Item::Expression(crate::rule::model::Expression {
            text: "(> (+ status-days-past-due".into(),
        });
        assert_eq!(
            edit_text(rule, &[1], Edit::Replace(typing)).unwrap(),
            "(and (= loan-status \"Open\") ; open\n  (> (+ status-days-past-due)"
        );
    }

    #[test]
    fn a_single_commented_condition_becomes_a_group_with_its_comment() {
        let rule = "(= status-days-past-due 5) ; day five";
        let added = edit_text(rule, &[], Edit::Add(open())).unwrap();
        assert!(added.contains("; day five"), "{added}");
        assert_eq!(model_of(&added).unwrap().top_group().items.len(), 2);
        let any = edit_text(rule, &[], Edit::SetMode(Match::Any)).unwrap();
        assert!(
            any.starts_with("(or") && any.contains("; day five"),
            "{any}"
        );
        let replaced = edit_text(rule, &[0], Edit::Replace(open())).unwrap();
        assert_eq!(replaced, "(= loan-status \"Open\") ; day five");
    }
}
