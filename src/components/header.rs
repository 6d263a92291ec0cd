use yew::prelude::*;

#[component]
pub fn Header() -> Html {
    html! {
        <header class="app-header">
            <a class="skip-link" href="#main">{ "Skip to editor" }</a>
            <span class="logo" aria-hidden="true">{ "⚓" }</span>
            <h1 class="product">{ "Hookwright" }</h1>
            <span class="tagline">{ "Webhook connections for lending platforms" }</span>
        </header>
    }
}
