fn main() {
    hookwright_web::services::crash::install_panic_hook();
    yew::Renderer::<hookwright_web::App>::new().render();
}
