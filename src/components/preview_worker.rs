//! A large body's heavy work in the analysis worker: rendering the request
//! for the Preview and checking the body for the Payload panel. A body over
//! `WORKER_BODY_ABOVE` is rendered and checked there (2 MB took the page
//! 70–130 ms a time, several times after each change); a smaller one in the
//! page at once, as before. The worker picks the sample as the page does
//! (`analysis::preview_context`), with the custom context it holds. An answer
//! to an older request is dropped (`worker_link::Newest`).

use std::rc::Rc;

use hookwright_core::analysis::{analyze_field, preview_context};
use hookwright_core::connection::{Connection, Header, Payload};
use hookwright_core::template::{
    render_request, FieldError, Mode, RenderedRequest, RequestOptions,
};
use hookwright_core::{Context, Error, Span};
use serde::{Deserialize, Serialize};
use yew::prelude::*;

use super::dry_run_protocol::{AnalysisReply, ToWorker};
use super::rule_analysis::{use_analysis_worker, Held};
use super::templating::CustomSample;
use super::worker_link::use_newest;

/// Bodies longer than this are rendered and checked in the worker.
pub const WORKER_BODY_ABOVE: usize = 64 * 1024;

/// Whether the connection's body is large enough for the worker.
pub fn large_body(connection: &Connection) -> bool {
    matches!(&connection.request.payload, Payload::Custom { body, .. } if body.len() > WORKER_BODY_ABOVE)
}

/// What the worker does with a connection (sent as its JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum BodyJob {
    /// The request as `render_request` makes it.
    Render { trace: String, lenient: bool },
    /// The body's problems, as the Payload panel's check finds them.
    Check,
}

/// The rendered request on the wire (the engine's type is not `Deserialize`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Rendered {
    Request {
        method: String,
        url: String,
        headers: Vec<Header>,
        body: Option<String>,
        empty_variables: Vec<(String, String, Span)>,
    },
    /// `(field, the field's text, error)` for each problem.
    Errors(Vec<(String, String, Error)>),
    Checked(Vec<Error>),
}

/// In the analysis worker: runs `job` on the connection in `json`; the answer is JSON too.
pub fn in_worker(held: &Held, version: u32, json: &str, job: BodyJob) {
    let answer = match serde_json::from_str::<Connection>(json) {
        Ok(connection) => held.with_custom(|custom| run(&connection, custom, job)),
        Err(e) => Rendered::Errors(vec![(
            "connection".into(),
            String::new(),
            Error::new(hookwright_core::ErrorKind::Json, e.to_string(), None),
        )]),
    };
    let json = serde_json::to_string(&answer).unwrap_or_default();
    super::dry_run_worker::post(&AnalysisReply::BodyDone { version, json }, None);
}

fn run(connection: &Connection, custom: Option<&Context>, job: BodyJob) -> Rendered {
    let ctx = preview_context(connection, custom).map(|(_, ctx)| ctx);
    match job {
        BodyJob::Render { trace, lenient } => {
            let Some(ctx) = ctx else {
                return Rendered::Errors(Vec::new());
            };
            match render_request(connection, ctx, &RequestOptions { lenient, trace }) {
                Ok(r) => Rendered::Request {
                    method: r.method,
                    url: r.url,
                    headers: r.headers,
                    body: r.body,
                    empty_variables: r.empty_variables,
                },
                Err(errors) => Rendered::Errors(
                    errors
                        .into_iter()
                        .map(|e| (e.field, e.source, e.error))
                        .collect(),
                ),
            }
        }
        BodyJob::Check => {
            let (body, mode) = match &connection.request.payload {
                Payload::Custom { content_type, body } => {
                    (body.as_str(), Mode::for_content_type(content_type))
                }
                Payload::Variables { .. } => ("", Mode::Json),
            };
            Rendered::Checked(analyze_field("request.payload.body", body, mode, ctx).errors)
        }
    }
}

/// A request the page renders as the engine does, or its errors.
pub type RenderResult = Result<RenderedRequest, Vec<FieldError>>;

/// Asks the worker to do `job` for `connection`; `answer` gets what the page
/// shows, `None` when no worker could start (the caller does it itself).
fn ask(
    connection: &Connection,
    job: BodyJob,
    answer: Callback<Rendered>,
    worker: &Option<super::rule_analysis::AnalysisWorker>,
) -> bool {
    let Some(worker) = worker else { return false };
    let Ok(json) = serde_json::to_string(connection) else {
        return false;
    };
    let reply = Callback::from(move |reply: AnalysisReply| {
        if let AnalysisReply::BodyDone { json, .. } = reply {
            if let Ok(rendered) = serde_json::from_str::<Rendered>(&json) {
                answer.emit(rendered);
            }
        }
    });
    worker.ask(|version| ToWorker::Body { version, json, job }, None, reply)
}

/// The request for the connection's sample: rendered in the page for a small
/// body, in the worker for a large one (`None` until its first answer for
/// this connection; later, the last answer until the next arrives).
#[hook]
pub fn use_rendered(
    connection: Rc<Connection>,
    custom: CustomSample,
    trace: String,
    lenient: bool,
) -> Option<Rc<RenderResult>> {
    let large = large_body(&connection);
    let here = use_memo(
        (
            PtrKey(connection.clone()),
            custom.clone(),
            trace.clone(),
            lenient,
            large,
        ),
        |(connection, custom, trace, lenient, large)| {
            (!large).then(|| {
                Rc::new(super::preview::render_for_sample(
                    &connection.0,
                    custom,
                    trace,
                    *lenient,
                ))
            })
        },
    );
    let answer = use_state(|| None::<(PtrKey, Rc<RenderResult>)>);
    let newest = use_newest();
    let worker = use_analysis_worker();
    {
        let answer = answer.clone();
        use_effect_with(
            large.then(|| {
                (
                    PtrKey(connection.clone()),
                    custom.clone(),
                    trace.clone(),
                    lenient,
                )
            }),
            move |asked| {
                let Some((key, custom, trace, lenient)) = asked.clone() else {
                    return;
                };
                let reply = {
                    let key = key.clone();
                    let answer = answer.clone();
                    newest.request(move |rendered: Rendered| {
                        let result = match rendered {
                            Rendered::Request {
                                method,
                                url,
                                headers,
                                body,
                                empty_variables,
                            } => Ok(RenderedRequest {
                                method,
                                url,
                                headers,
                                body,
                                empty_variables,
                            }),
                            Rendered::Errors(errors) => Err(errors
                                .into_iter()
                                .map(|(field, source, error)| FieldError {
                                    field,
                                    source,
                                    error,
                                })
                                .collect()),
                            Rendered::Checked(_) => return,
                        };
                        answer.set(Some((key.clone(), Rc::new(result))));
                    })
                };
                let job = BodyJob::Render {
                    trace: trace.clone(),
                    lenient,
                };
                if !ask(&key.0, job, reply, &worker) {
                    // No worker (a test page without its script): here.
                    let result =
                        super::preview::render_for_sample(&key.0, &custom, &trace, lenient);
                    answer.set(Some((key, Rc::new(result))));
                }
            },
        );
    }
    if let Some(here) = &*here {
        return Some(here.clone());
    }
    // The last answer for this connection stays until the next arrives (a
    // few hundred milliseconds stale, rather than blank after every key).
    answer
        .as_ref()
        .filter(|(key, _)| key.0.id == connection.id)
        .map(|(_, result)| result.clone())
}

/// The body's problems for the Payload panel: `None` until the worker
/// answers for a large body; a small one is checked by `check` in the page.
#[hook]
pub fn use_body_check(
    connection: Rc<Connection>,
    custom: CustomSample,
    settled: bool,
) -> Option<(Rc<Connection>, Rc<Vec<Error>>)> {
    let large = large_body(&connection);
    let answer = use_state(|| None::<(Rc<Connection>, Rc<Vec<Error>>)>);
    let newest = use_newest();
    let worker = use_analysis_worker();
    {
        let answer = answer.clone();
        use_effect_with(
            (large && settled).then(|| (PtrKey(connection.clone()), custom)),
            move |asked| {
                let Some((key, _)) = asked.clone() else {
                    return;
                };
                let reply = {
                    let key = key.clone();
                    newest.request(move |rendered: Rendered| {
                        if let Rendered::Checked(errors) = rendered {
                            answer.set(Some((key.0.clone(), Rc::new(errors))));
                        }
                    })
                };
                ask(&key.0, BodyJob::Check, reply, &worker);
            },
        );
    }
    (*answer).clone().filter(|_| large)
}

/// A connection compared by address: a new edit is a new `Rc`.
#[derive(Clone)]
struct PtrKey(Rc<Connection>);

impl PartialEq for PtrKey {
    fn eq(&self, other: &PtrKey) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_renders_and_checks_as_the_page_does() {
        let mut connection = hookwright_core::connection::examples().remove(0);
        connection.request.payload = Payload::Custom {
            content_type: "application/json".into(),
            body: "{\"id\": [[v('loan-id')]], \"bad\": [[v('nope')]]}".into(),
        };
        let none = CustomSample(Rc::new(Err(Error::new(
            hookwright_core::ErrorKind::Json,
            "none",
            None,
        ))));
        let page = super::super::preview::render_for_sample(&connection, &none, "t", true);
        let Rendered::Request { body, .. } = run(
            &connection,
            None,
            BodyJob::Render {
                trace: "t".into(),
                lenient: true,
            },
        ) else {
            panic!("not rendered");
        };
        assert_eq!(body, page.unwrap().body);
        let Rendered::Checked(errors) = run(&connection, None, BodyJob::Check) else {
            panic!("not checked");
        };
        assert!(
            errors.iter().any(|e| e.message.contains("nope")),
            "{errors:?}"
        );
    }
}
