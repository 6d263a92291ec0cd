//! The on-demand bundle of the Reconcile, Verify and Inbox views: Trunk builds it from
//! index.html's second `data-type="worker"` link (an ES module, not started by the page's
//! loader); the page imports it on the first visit to one of those views, which runs `main`.

fn main() {
    hookwright_web::services::crash::install_panic_hook();
    let root = gloo::utils::document()
        .get_element_by_id(hookwright_web::components::tools_host::TOOLS_ROOT)
        .expect("index.html has the tools root");
    yew::Renderer::<hookwright_web::components::tools_app::ToolsApp>::with_root(root).render();
}
