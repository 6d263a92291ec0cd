//! The Dry run section as an island (`island`) the on-demand `tools` bundle
//! draws: `DryRunHost` in the page hands it `DryRunProps` as JSON
//! (`DryRunInput`) and gets each finished run's counts back (`counts`) for the
//! marks on the text and the builder; `DryRunIsland` in the bundle renders the
//! section (`dry_run::DryRun`) from them. The section's worker is started by
//! the host once the page has painted, and handed to the island (`page("worker")`): the
//! bundle comes after the first paint, and the worker's files, its helpers'
//! and its compiling then came late for a portfolio picked at once.

use std::rc::Rc;

use js_sys::{Object, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

use super::dry_run::{worker_url, DryCounts, DryRun, DryRunProps, EarlyWorker};
use super::dry_run_protocol::{AnalysisReply, ClauseCount};
use super::island::{IslandHost, IslandProps};
use super::templating::use_settled;
use super::worker_link::WorkerLink;
use crate::services::tools_bundle;

/// `DryRunProps` on the wire, without the callback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DryRunInput {
    pub rule: String,
    pub rule_ok: bool,
    pub id_field: String,
    pub items: Vec<(usize, String, String)>,
    pub noun: String,
}

type Counts = (Vec<ClauseCount>, Vec<[f64; 3]>);

/// A rule this long reaches the island once it has not changed for
/// `SETTLE_MS`: handed over on every key (written as JSON here, read again in
/// the bundle), it cost typing in a 167 KB rule several ms a key.
const LARGE_RULE: usize = 16 * 1024;
const SETTLE_MS: u32 = 300;

/// What the island is handed, as the page holds it (cheap to clone and compare).
type Handed = (
    AttrValue,
    bool,
    AttrValue,
    Rc<Vec<(usize, String, String)>>,
    AttrValue,
);

/// In the page: the section's host.
#[component]
pub fn DryRunHost(props: &DryRunProps) -> Html {
    let now: Handed = (
        props.rule.clone(),
        props.rule_ok,
        props.id_field.clone(),
        props.items.clone(),
        props.noun.clone(),
    );
    let large = now.0.len() > LARGE_RULE;
    let handed = use_settled(now, large, SETTLE_MS);
    let json = use_memo(handed, |(rule, rule_ok, id_field, items, noun)| {
        let input = DryRunInput {
            rule: rule.to_string(),
            rule_ok: *rule_ok,
            id_field: id_field.to_string(),
            items: (**items).clone(),
            noun: noun.to_string(),
        };
        AttrValue::from(serde_json::to_string(&input).unwrap_or_default())
    });
    let json = (*json).clone();
    // The section's worker starts now, and its helpers as soon as it is up
    // (only its Ready is read here); stopped with the host unless the island took it.
    let early = use_mut_ref(|| None::<WorkerLink<AnalysisReply>>);
    {
        let early = early.clone();
        use_effect_with((), move |_| {
            let gone = Rc::new(std::cell::Cell::new(false));
            {
                let (early, gone) = (early.clone(), gone.clone());
                // After the first paint, which it would slow.
                wasm_bindgen_futures::spawn_local(async move {
                    tools_bundle::painted().await;
                    if gone.get() {
                        return;
                    }
                    // It starts its helpers as it starts, so their files
                    // load early too (`dry_run::worker_url`).
                    let link = WorkerLink::at(worker_url(), Callback::noop());
                    if link.start() {
                        *early.borrow_mut() = Some(link);
                    }
                });
            }
            move || {
                gone.set(true);
                drop(early.borrow_mut().take());
            }
        });
    }
    let on_take = Callback::from(move |kind: String| {
        let handed = (kind == "worker")
            .then(|| early.borrow_mut().take())
            .flatten()
            .and_then(|link| link.hand_over());
        match handed {
            Some((worker, ready)) => {
                let answer = Object::new();
                let _ = Reflect::set(&answer, &"worker".into(), &worker);
                let _ = Reflect::set(&answer, &"ready".into(), &JsValue::from_bool(ready));
                answer.into()
            }
            None => JsValue::UNDEFINED,
        }
    });
    let on_counts = props.on_counts.clone();
    let on_call = Callback::from(move |(kind, data): (String, String)| {
        if kind == "counts" {
            if let Ok(counts) = serde_json::from_str::<Counts>(&data) {
                on_counts.emit(Rc::new(counts));
            }
        }
        String::new()
    });
    html! {
        <div class="island-section">
            <IslandHost mount="mount_dry_run" input={json} {on_call} {on_take} what="the dry run" testid="dryrun"
                section={Some(("dry-run", "dry-run-title", "Dry run"))} />
        </div>
    }
}

/// In the bundle: the section, from the page's input.
#[component]
pub fn DryRunIsland(props: &IslandProps) -> Html {
    let input = use_memo(props.input.clone(), |json| {
        serde_json::from_str::<DryRunInput>(json).ok()
    });
    // The worker the page started, taken once.
    let page = props.page.clone();
    let early = use_memo((), move |_| {
        let answer = page.answer("worker", "");
        let worker = Reflect::get(&answer, &"worker".into())
            .ok()
            .and_then(|w| w.dyn_into::<web_sys::Worker>().ok());
        let ready = Reflect::get(&answer, &"ready".into())
            .ok()
            .and_then(|r| r.as_bool())
            .unwrap_or(false);
        EarlyWorker(Rc::new(std::cell::RefCell::new(worker.map(|w| (w, ready)))))
    });
    let on_counts = {
        let page = props.page.clone();
        Callback::from(move |counts: DryCounts| {
            let json = serde_json::to_string(&*counts).unwrap_or_default();
            page.call("counts", &json);
        })
    };
    let Some(input) = input.as_ref() else {
        return html! { <p class="bad">{ "The dry run could not read the rule." }</p> };
    };
    html! {
        <DryRun rule={AttrValue::from(input.rule.clone())} rule_ok={input.rule_ok}
            id_field={AttrValue::from(input.id_field.clone())} items={Rc::new(input.items.clone())}
            noun={AttrValue::from(input.noun.clone())} {on_counts} early={(*early).clone()} />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_input_and_the_counts_cross_as_json() {
        let input = DryRunInput {
            rule: "(= status-days-past-due 5)".into(),
            rule_ok: true,
            id_field: "loan-id".into(),
            items: vec![(0, "all of".into(), "(= status-days-past-due 5)".into())],
            noun: "loans".into(),
        };
        let json = serde_json::to_string(&input).unwrap();
        assert_eq!(serde_json::from_str::<DryRunInput>(&json).unwrap(), input);
        let counts: Counts = (
            vec![ClauseCount {
                text: "(= status-days-past-due 5)".into(),
                start: 0,
                end: 26,
                line: 1,
                col: 1,
                counts: [3.0, 1.0, 0.0],
            }],
            vec![[3.0, 1.0, 0.0]],
        );
        let json = serde_json::to_string(&counts).unwrap();
        assert_eq!(serde_json::from_str::<Counts>(&json).unwrap(), counts);
    }
}
