//! The editor's reducer at a real size: one typing action (a coalesced rule
//! edit) on a workspace of 200 connections with a full undo history. A plain
//! binary (no criterion): `cargo bench -p hookwright-web --bench editor`.

use std::hint::black_box;
use std::rc::Rc;
use std::time::{Duration, Instant};

use hookwright_core::connection::{self, Connection, Trigger};
use hookwright_web::state::{shared, Action, Editor, Snapshot};
use yew::Reducible;

const CONNECTIONS: usize = 200;

/// 200 connections (the examples, renumbered) with every undo step taken.
fn full_editor() -> Rc<Editor> {
    let examples = connection::examples();
    let connections: Vec<Connection> = (0..CONNECTIONS)
        .map(|i| {
            let mut c = examples[i % examples.len()].clone();
            c.id = format!("c{i}");
            c
        })
        .collect();
    let mut editor = Rc::new(Editor::new(Snapshot {
        connections: shared(connections),
        selected: Some("c0".into()),
    }));
    // Each toggle is its own undo step; 400 of them fill the history.
    for i in 0..2 * CONNECTIONS {
        editor = editor.reduce(Action::SetEnabled {
            id: format!("c{}", i % CONNECTIONS),
            enabled: i % 2 == 1,
        });
    }
    editor
}

fn with_rule(c: &Connection, rule: String) -> Connection {
    let mut c = c.clone();
    c.trigger = Trigger::Rule { rule };
    c
}

fn main() {
    let mut editor = full_editor();
    let typed = editor.selected_connection().unwrap().clone();
    let mut rule = match &typed.trigger {
        Trigger::Rule { rule } => rule.clone(),
        Trigger::Event { .. } => String::new(),
    };
    let (mut keys, mut spent) = (0u32, Duration::ZERO);
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(1) {
        rule.push(' ');
        // What a component dispatches; built outside the timing.
        let action = Action::Replace {
            connection: Box::new(with_rule(&typed, rule.clone())),
            coalesce: Some("rule".into()),
        };
        // Yew keeps the previous state alive while reducing.
        let previous = editor.clone();
        let t = Instant::now();
        editor = black_box(previous.clone().reduce(action));
        spent += t.elapsed();
        drop(previous);
        keys += 1;
    }
    assert!(editor.can_undo());
    let each = spent / keys;
    println!(
        "one typing action, {CONNECTIONS} connections, full history: {:.1} µs ({keys} actions)",
        each.as_secs_f64() * 1e6
    );
}
