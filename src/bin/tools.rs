//! The on-demand bundle of the Reconcile, Verify and Inbox views and of two
//! islands in the editor (the Dry run section and the Preview's test-send
//! half): Trunk builds it from index.html's second `data-type="worker"` link
//! (an ES module, not started by the page's loader); the page imports it
//! (`services::tools_bundle`), which runs `main`, and mounts each island
//! through its export (`components::island`).

use std::cell::RefCell;
use std::rc::Rc;

use hookwright_web::components::dry_run_island::DryRunIsland;
use hookwright_web::components::island::{IslandProps, PageSide};
use hookwright_web::components::test_send::TestSend;
use wasm_bindgen::prelude::*;
use yew::BaseComponent;

fn main() {
    hookwright_web::services::crash::install_panic_hook();
    let root = gloo::utils::document()
        .get_element_by_id(hookwright_web::components::tools_host::TOOLS_ROOT)
        .expect("index.html has the tools root");
    // The first root of this app: id 1, as the page's. The islands' roots come
    // after it, so the page never takes their events for its own.
    yew::Renderer::<hookwright_web::components::tools_app::ToolsApp>::with_root(root).render();
}

/// An island mounted into the page's host element.
#[wasm_bindgen]
pub struct Island {
    update: Box<dyn Fn(String)>,
    destroy: Option<Box<dyn FnOnce()>>,
}

#[wasm_bindgen]
impl Island {
    /// New input from the page (JSON).
    pub fn update(&self, input: String) {
        (self.update)(input);
    }

    /// Takes the island out of the page.
    pub fn destroy(&mut self) {
        if let Some(destroy) = self.destroy.take() {
            destroy();
        }
    }
}

fn mount<C: BaseComponent<Properties = IslandProps>>(
    host: web_sys::Element,
    input: String,
    page: js_sys::Function,
) -> Island {
    let page = PageSide(page);
    let props = IslandProps {
        input: input.into(),
        page: page.clone(),
    };
    let app = Rc::new(RefCell::new(Some(
        yew::Renderer::<C>::with_root_and_props(host, props).render(),
    )));
    let updated = app.clone();
    Island {
        update: Box::new(move |input| {
            if let Some(app) = &mut *updated.borrow_mut() {
                app.update(IslandProps {
                    input: input.into(),
                    page: page.clone(),
                });
            }
        }),
        destroy: Some(Box::new(move || {
            if let Some(app) = app.borrow_mut().take() {
                app.destroy();
            }
        })),
    }
}

/// The Preview's test-send half (`components::test_send`).
#[wasm_bindgen]
pub fn mount_test_send(host: web_sys::Element, input: String, page: js_sys::Function) -> Island {
    mount::<TestSend>(host, input, page)
}

/// The Dry run section (`components::dry_run_island`).
#[wasm_bindgen]
pub fn mount_dry_run(host: web_sys::Element, input: String, page: js_sys::Function) -> Island {
    mount::<DryRunIsland>(host, input, page)
}
