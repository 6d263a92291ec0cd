//! The page's end of a worker running the `dryrun_worker` binary (the dry
//! run, and reconciling YouLend batches): started on first use, messages held
//! until it says Ready, each reply handed to a callback with the Blob beside it.
//! `Newest`: the one way a caller drops an answer older than its newest request.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, MessageEvent, Worker};
use yew::{hook, use_memo, Callback};

use super::dry_run_protocol::{attached_blob, pack, unpack, AnalysisReply, FromWorker, ToWorker};

/// The worker's loader, next to the page (Trunk's `data-loader-shim`).
pub const WORKER_URL: &str = "./dryrun_worker_loader.js";

/// A caller's requests of one kind to a worker, numbered as they are made:
/// only the newest one's answer is taken (the worker answers in order, so an
/// older answer arriving after a newer request is stale).
#[derive(Clone, Default)]
pub struct Newest(Rc<Cell<u32>>);

impl Newest {
    /// A new request, from now on the newest: `answer` wrapped so that it
    /// runs only while no later request has been made through `self`.
    pub fn request<T: 'static>(&self, answer: impl Fn(T) + 'static) -> Callback<T> {
        let ticket = self.0.get().wrapping_add(1);
        self.0.set(ticket);
        let newest = self.0.clone();
        Callback::from(move |value| {
            if newest.get() == ticket {
                answer(value);
            }
        })
    }
}

/// A component's [`Newest`], the same for its life.
#[hook]
pub fn use_newest() -> Newest {
    (*use_memo((), |_| Newest::default())).clone()
}

/// A reply and the Blob beside it (an export, a generated portfolio).
pub type Reply = (FromWorker, Option<Blob>);

/// What a link reads its worker's replies as: `FromWorker`, or only the
/// analysis worker's (`AnalysisReply`), so the page carries only their decoder.
pub trait WorkerReply: serde::de::DeserializeOwned + 'static {
    /// The worker's first message: its handler is installed.
    fn is_ready(&self) -> bool;
}

impl WorkerReply for FromWorker {
    fn is_ready(&self) -> bool {
        matches!(self, FromWorker::Ready)
    }
}

impl WorkerReply for AnalysisReply {
    fn is_ready(&self) -> bool {
        matches!(self, AnalysisReply::Ready)
    }
}

struct Link<R> {
    /// The worker's script (`WORKER_URL`, perhaps with a query the worker reads).
    url: String,
    worker: Option<Worker>,
    ready: bool,
    queue: Vec<(ToWorker, Option<Blob>)>,
    _handler: Option<Closure<dyn Fn(MessageEvent)>>,
    on_reply: Callback<(R, Option<Blob>)>,
}

/// Cheap to clone; every clone talks to the same worker.
pub struct WorkerLink<R = FromWorker>(Rc<RefCell<Link<R>>>);

impl<R> Clone for WorkerLink<R> {
    fn clone(&self) -> Self {
        WorkerLink(self.0.clone())
    }
}

fn post(worker: &Worker, message: &ToWorker, blob: Option<&Blob>) {
    if let Some(envelope) = pack(message, blob.map(|b| ("blob", b.as_ref()))) {
        let _ = worker.post_message(&envelope);
    }
}

impl<R: WorkerReply> WorkerLink<R> {
    pub fn new(on_reply: Callback<(R, Option<Blob>)>) -> WorkerLink<R> {
        Self::at(WORKER_URL.to_string(), on_reply)
    }

    /// A link to a worker of script `url` (`WORKER_URL` with a query).
    pub fn at(url: String, on_reply: Callback<(R, Option<Blob>)>) -> WorkerLink<R> {
        WorkerLink(Rc::new(RefCell::new(Link {
            url,
            worker: None,
            ready: false,
            queue: Vec::new(),
            _handler: None,
            on_reply,
        })))
    }

    /// Sends now, or once the worker is ready; false when no worker could start.
    pub fn send(&self, message: ToWorker, blob: Option<&Blob>) -> bool {
        if self.0.borrow().worker.is_none() && !self.start() {
            return false;
        }
        let mut link = self.0.borrow_mut();
        match (&link.worker, link.ready) {
            (Some(worker), true) => post(worker, &message, blob),
            _ => link.queue.push((message, blob.cloned())),
        }
        true
    }

    /// Stops the worker at once, whatever it is doing; the next send starts a fresh one.
    pub fn stop(&self) {
        let mut link = self.0.borrow_mut();
        if let Some(worker) = link.worker.take() {
            worker.terminate();
        }
        link.ready = false;
        link.queue.clear();
        link._handler = None;
    }

    /// Hands the worker over to a link elsewhere (another wasm app's: the
    /// page starts the dry run's worker, the bundle that draws the section
    /// takes it): the worker and whether it has said Ready. This link forgets
    /// it without stopping it; messages it still held are dropped, so the
    /// new owner sends its own. `None` when there is no worker.
    pub fn hand_over(&self) -> Option<(Worker, bool)> {
        let mut link = self.0.borrow_mut();
        let worker = link.worker.take()?;
        worker.set_onmessage(None);
        link._handler = None;
        link.queue.clear();
        Some((worker, std::mem::take(&mut link.ready)))
    }

    /// A link to a worker another link handed over ([`hand_over`](Self::hand_over)).
    pub fn adopt(worker: Worker, ready: bool, on_reply: Callback<(R, Option<Blob>)>) -> Self {
        let link = WorkerLink::new(on_reply);
        link.attach(worker, ready);
        link
    }

    /// Starts the worker now, before any message (`send` starts it otherwise);
    /// false when it could not start.
    pub fn start(&self) -> bool {
        let url = self.0.borrow().url.clone();
        let Ok(worker) = Worker::new(&url) else {
            return false;
        };
        self.attach(worker, false);
        true
    }

    fn attach(&self, worker: Worker, ready: bool) {
        let weak: Weak<RefCell<Link<R>>> = Rc::downgrade(&self.0);
        let handler = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(link) = weak.upgrade() else { return };
            let data = event.data();
            let Some(message) = unpack::<R>(&data) else {
                return;
            };
            if message.is_ready() {
                let mut link = link.borrow_mut();
                link.ready = true;
                let queue = std::mem::take(&mut link.queue);
                if let Some(worker) = &link.worker {
                    for (m, b) in queue {
                        post(worker, &m, b.as_ref());
                    }
                }
                return;
            }
            let on_reply = link.borrow().on_reply.clone();
            on_reply.emit((message, attached_blob(&data, "blob")));
        });
        worker.set_onmessage(Some(handler.as_ref().unchecked_ref()));
        let mut link = self.0.borrow_mut();
        link.worker = Some(worker);
        link.ready = ready;
        link._handler = Some(handler);
    }
}

impl<R> Drop for Link<R> {
    fn drop(&mut self) {
        if let Some(worker) = self.worker.take() {
            worker.terminate();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Newest;
    use std::cell::RefCell;
    use std::rc::Rc;

    #[test]
    fn only_the_newest_requests_answer_is_taken() {
        let newest = Newest::default();
        let taken = Rc::new(RefCell::new(Vec::new()));
        let answer = |name: &'static str| {
            let taken = taken.clone();
            move |value: u32| taken.borrow_mut().push((name, value))
        };
        let first = newest.request(answer("first"));
        let second = newest.request(answer("second"));
        first.emit(1);
        second.emit(2);
        // Answered again (a second reply to one request) while still the newest.
        second.emit(3);
        let third = newest.request(answer("third"));
        second.emit(4);
        third.emit(5);
        assert_eq!(
            *taken.borrow(),
            [("second", 2), ("second", 3), ("third", 5)]
        );
        // Each holder's requests are numbered apart.
        let other = Newest::default().request(answer("other"));
        other.emit(6);
        assert_eq!(taken.borrow().last(), Some(&("other", 6)));
    }
}
