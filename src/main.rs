fn main() {
    hookwright_web::services::crash::install_panic_hook();
    // Its own root, not the body: the on-demand views' app lives beside it in `#tools`.
    let root = gloo::utils::document()
        .get_element_by_id("page")
        .expect("index.html has the page root");
    yew::Renderer::<hookwright_web::App>::with_root(root).render();
}
