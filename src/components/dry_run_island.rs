//! The Dry run section as an island (`island`) the on-demand `tools` bundle
//! draws: `DryRunHost` in the page hands it `DryRunProps` as JSON
//! (`DryRunInput`) and gets each finished run's counts back (`counts`) for the
//! marks on the text and the builder; `DryRunIsland` in the bundle renders the
//! section (`dry_run::DryRun`) from them.

use std::rc::Rc;

use serde::{Deserialize, Serialize};
use yew::prelude::*;

use super::dry_run::{DryCounts, DryRun, DryRunProps};
use super::dry_run_protocol::ClauseCount;
use super::island::{IslandHost, IslandProps};

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

/// In the page: the section's host.
#[component]
pub fn DryRunHost(props: &DryRunProps) -> Html {
    let input = DryRunInput {
        rule: props.rule.to_string(),
        rule_ok: props.rule_ok,
        id_field: props.id_field.to_string(),
        items: (*props.items).clone(),
        noun: props.noun.to_string(),
    };
    let json = AttrValue::from(serde_json::to_string(&input).unwrap_or_default());
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
            <IslandHost mount="mount_dry_run" input={json} {on_call} what="the dry run" testid="dryrun"
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
            noun={AttrValue::from(input.noun.clone())} {on_counts} />
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
