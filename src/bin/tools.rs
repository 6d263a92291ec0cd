//! The on-demand bundle of the Reconcile, Verify and Inbox views and of the
//! Preview's test-send panel: Trunk builds it from index.html's second
//! `data-type="worker"` link (an ES module, not started by the page's loader);
//! the page imports it (`services::tools_bundle`), which runs `main`, and
//! mounts the test-send panel through `mount_test_send`.

use hookwright_web::components::test_send::{PageSide, TestSend, TestSendProps};
use wasm_bindgen::prelude::*;

fn main() {
    hookwright_web::services::crash::install_panic_hook();
    let root = gloo::utils::document()
        .get_element_by_id(hookwright_web::components::tools_host::TOOLS_ROOT)
        .expect("index.html has the tools root");
    // The first root of this app: id 1, as the page's. The test-send panel's
    // roots come after it, so the page never takes their events for its own.
    yew::Renderer::<hookwright_web::components::tools_app::ToolsApp>::with_root(root).render();
}

/// The test-send panel mounted into the page's host element.
#[wasm_bindgen]
pub struct TestSendIsland {
    app: Option<yew::AppHandle<TestSend>>,
    page: PageSide,
}

/// Mounts the test-send panel into `host` with the page's inputs (`SendInput`
/// as JSON) and functions (see `test_send::PageSide`).
#[wasm_bindgen]
pub fn mount_test_send(
    host: web_sys::Element,
    input: String,
    current: js_sys::Function,
    on_sent: js_sys::Function,
) -> TestSendIsland {
    let page = PageSide { current, on_sent };
    let props = TestSendProps {
        input: input.into(),
        page: page.clone(),
    };
    let app = yew::Renderer::<TestSend>::with_root_and_props(host, props).render();
    TestSendIsland {
        app: Some(app),
        page,
    }
}

#[wasm_bindgen]
impl TestSendIsland {
    /// New inputs from the page.
    pub fn update(&mut self, input: String) {
        if let Some(app) = &mut self.app {
            app.update(TestSendProps {
                input: input.into(),
                page: self.page.clone(),
            });
        }
    }

    /// Takes the panel out of the page.
    pub fn destroy(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }
}
