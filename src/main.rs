fn main() {
    // A panic must report itself rather than leave a silently dead page.
    console_error_panic_hook::set_once();
    yew::Renderer::<hookwright_web::App>::new().render();
}
