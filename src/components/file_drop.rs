//! A panel files can be dropped on, highlighted while something is dragged
//! over it (the dry run's portfolio, Reconcile's batch).

use web_sys::{DragEvent, File};
use yew::prelude::*;

use crate::services::files;

/// The drop target's state and handlers, to spread on its element.
pub struct FileDrop {
    pub dragging: bool,
    pub ondragover: Callback<DragEvent>,
    pub ondragleave: Callback<DragEvent>,
    pub ondrop: Callback<DragEvent>,
}

#[hook]
pub fn use_file_drop(on_file: Callback<File>) -> FileDrop {
    let dragging = use_state(|| false);
    let ondragover = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if !*dragging {
                dragging.set(true);
            }
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let ondrop = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            if let Some(file) = files::dropped(e.data_transfer()) {
                on_file.emit(file);
            }
        })
    };
    FileDrop {
        dragging: *dragging,
        ondragover,
        ondragleave,
        ondrop,
    }
}
