//! The dry run's Web Worker: Trunk builds it from index.html's
//! `data-type="worker"` link; the page starts it on the first dry run.

fn main() {
    hookwright_web::components::dry_run_worker::run_worker();
}
