//! The root of the on-demand `tools` bundle (`src/bin/tools.rs`): the Reconcile, Verify and
//! Inbox views, a Yew app of its own mounted into `#tools` beside the page's app. It follows the
//! view the page announces and talks back only through `services::views`' window events.

use yew::prelude::*;

use super::inbox::{Handoff, InboxView};
use super::youlend::reconcile::ReconcileView;
use super::youlend::verify::VerifyPanel;
use super::youlend::{keep_text_undo, View};
use crate::services::views;

#[component]
pub fn ToolsApp() -> Html {
    let view = use_state(views::current_view);
    {
        let view = view.clone();
        use_effect_with((), move |_| {
            let listener = views::listen(views::VIEW, move |hash| view.set(View::from_hash(&hash)));
            move || drop(listener)
        });
    }
    // Deliveries the Inbox hands to Reconcile; kept while the user visits other views.
    let handoff = use_state(|| None::<Handoff>);
    let on_reconcile = {
        let handoff = handoff.clone();
        let view = view.clone();
        Callback::from(move |(text, source): (String, String)| {
            let id = handoff.as_ref().map_or(1, |h| h.id + 1);
            handoff.set(Some(Handoff {
                id,
                text: text.into(),
                source,
            }));
            view.set(View::Reconcile);
            views::announce(views::NAVIGATE, View::Reconcile.hash());
        })
    };
    // The page makes the body its custom sample and shows the connections.
    let on_sample = Callback::from(|body: String| views::announce(views::USE_SAMPLE, &body));
    let shown = match *view {
        View::Connections => return html! {},
        View::Reconcile => html! { <ReconcileView handoff={(*handoff).clone()} /> },
        View::Inbox => html! { <InboxView {on_reconcile} {on_sample} /> },
        View::Verify => html! { <VerifyPanel /> },
    };
    html! {
        <div class="app-body">
            <main class="main-pane youlend-pane" id="main" tabindex="-1" onkeydown={keep_text_undo()}>
                { shown }
            </main>
        </div>
    }
}
