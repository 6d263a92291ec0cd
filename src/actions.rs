//! Domain edits of one connection, applied by the `Editor` reducer
//! (`Action::Edit`): what a component asks for in the domain's words, with
//! the knock-on changes (a sample that no longer fits, YouLend's events
//! only) made by the engine's refits, not in component closures. Pure, tested natively.

use hookwright_core::analysis::{retrigger, trigger_for_source, trigger_of_kind};
use hookwright_core::connection::{Auth, Connection, Header, Method, Payload, Source, Trigger};
use hookwright_core::secret::is_credential_name;

#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// The trigger's rule (or an event trigger's filter).
    SetRule(String),
    /// Rule-based (`false`) or event-based (`true`).
    SetEventBased(bool),
    SetSource(Source),
    /// The event an event trigger listens for.
    SetEvent(String),
    /// The sample context the connection previews against.
    SetSample(String),
    SetMethod(Method),
    /// The URL; a URL is one line, so pasted line breaks are dropped.
    SetUrl(String),
    SetHeaders(Vec<Header>),
    SetPayload(Payload),
    /// A custom body's text; nothing for a variable-list payload.
    SetBody(String),
    SetContentType(String),
    /// A variable-list payload's variables.
    SetVariables(Vec<String>),
    /// A variable-list payload's event name; empty is none.
    SetEventName(String),
    SetAuth(Auth),
    /// Marks a URL query parameter secret or not. A choice that matches
    /// what the name implies is stored as no mark, so the file stays as it
    /// was unless the user goes against the convention.
    MarkQuerySecret {
        name: String,
        secret: bool,
    },
}

/// The connection after `edit`.
pub fn apply(connection: &Connection, edit: Edit) -> Connection {
    let mut next = connection.clone();
    match edit {
        Edit::SetRule(text) => match &mut next.trigger {
            Trigger::Rule { rule } | Trigger::Event { rule, .. } => *rule = text,
        },
        Edit::SetEventBased(event_based) => {
            let trigger = trigger_of_kind(&next.trigger, next.source, event_based);
            next = retrigger(&next, trigger, next.source);
        }
        Edit::SetSource(source) => {
            let trigger = trigger_for_source(&next.trigger, source);
            next = retrigger(&next, trigger, source);
        }
        Edit::SetEvent(code) => {
            if let Trigger::Event { rule, .. } = &next.trigger {
                let trigger = Trigger::Event {
                    event: code,
                    rule: rule.clone(),
                };
                next = retrigger(&next, trigger, next.source);
            }
        }
        Edit::SetSample(id) => next.sample = Some(id),
        Edit::SetMethod(method) => next.request.method = method,
        Edit::SetUrl(url) => next.request.url = url.replace(['\r', '\n'], ""),
        Edit::SetHeaders(headers) => next.request.headers = headers,
        Edit::SetPayload(payload) => next.request.payload = payload,
        Edit::SetBody(text) => {
            if let Payload::Custom { body, .. } = &mut next.request.payload {
                *body = text;
            }
        }
        Edit::SetContentType(text) => {
            if let Payload::Custom { content_type, .. } = &mut next.request.payload {
                *content_type = text;
            }
        }
        Edit::SetVariables(list) => {
            if let Payload::Variables { variables, .. } = &mut next.request.payload {
                *variables = list;
            }
        }
        Edit::SetEventName(name) => {
            if let Payload::Variables { event_name, .. } = &mut next.request.payload {
                *event_name = (!name.is_empty()).then_some(name);
            }
        }
        Edit::SetAuth(auth) => next.request.auth = auth,
        Edit::MarkQuerySecret { name, secret } => {
            if secret == is_credential_name(&name) {
                next.request.query_secrets.remove(&name);
            } else {
                next.request.query_secrets.insert(name, secret);
            }
        }
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use hookwright_core::connection::examples;

    fn loanpro() -> Connection {
        let c = examples().into_iter().next().unwrap();
        assert_eq!(c.source, Source::Loanpro);
        c
    }

    #[test]
    fn the_rule_is_set_for_either_trigger() {
        let c = apply(&loanpro(), Edit::SetRule("(= a 1)".into()));
        assert_eq!(c.trigger.rule(), "(= a 1)");
        let e = apply(&c, Edit::SetEventBased(true));
        assert_eq!(e.trigger.rule(), "(= a 1)");
        assert_eq!(apply(&e, Edit::SetRule("x".into())).trigger.rule(), "x");
    }

    #[test]
    fn youlend_is_event_based_and_its_samples_fit() {
        let mut c = loanpro();
        c.sample = Some("loan-current".into());
        let y = apply(&c, Edit::SetSource(Source::Youlend));
        assert!(
            matches!(&y.trigger, Trigger::Event { event, rule } if event == "LOA10040" && rule.is_empty())
        );
        assert_eq!(y.sample.as_deref(), Some("LOA10040"));
        let other = apply(&y, Edit::SetEvent("LOA10055".into()));
        assert_eq!(other.sample.as_deref(), Some("LOA10055"));
        // Rule-based is LoanPro's; picking it keeps the text.
        let back = apply(&y, Edit::SetSource(Source::Loanpro));
        assert!(matches!(back.trigger, Trigger::Event { .. }));
        assert!(matches!(
            apply(&back, Edit::SetEventBased(false)).trigger,
            Trigger::Rule { .. }
        ));
    }

    #[test]
    fn request_edits() {
        let c = apply(&loanpro(), Edit::SetUrl("https://a\r\n.example".into()));
        assert_eq!(c.request.url, "https://a.example");
        let c = apply(
            &c,
            Edit::SetPayload(Payload::Custom {
                content_type: "application/json".into(),
                body: "{}".into(),
            }),
        );
        let c = apply(&c, Edit::SetBody("{\"a\": 1}".into()));
        let c = apply(&c, Edit::SetContentType("text/plain".into()));
        assert_eq!(
            c.request.payload,
            Payload::Custom {
                content_type: "text/plain".into(),
                body: "{\"a\": 1}".into()
            }
        );
    }

    #[test]
    fn query_secret_marks_are_stored_only_against_the_convention() {
        let c = loanpro();
        let marked = apply(
            &c,
            Edit::MarkQuerySecret {
                name: "code".into(),
                secret: true,
            },
        );
        assert_eq!(marked.request.query_secrets.get("code"), Some(&true));
        let back = apply(
            &marked,
            Edit::MarkQuerySecret {
                name: "code".into(),
                secret: false,
            },
        );
        assert_eq!(back.request.query_secrets.get("code"), None);
        let unmarked = apply(
            &c,
            Edit::MarkQuerySecret {
                name: "token".into(),
                secret: false,
            },
        );
        assert_eq!(unmarked.request.query_secrets.get("token"), Some(&false));
        let v = apply(
            &c,
            Edit::SetPayload(Payload::Variables {
                variables: vec![],
                event_name: None,
            }),
        );
        let v = apply(&v, Edit::SetVariables(vec!["loan-id".into()]));
        let v = apply(&v, Edit::SetEventName("Paid".into()));
        assert_eq!(
            v.request.payload,
            Payload::Variables {
                variables: vec!["loan-id".into()],
                event_name: Some("Paid".into())
            }
        );
        assert_eq!(
            apply(&v, Edit::SetAuth(Auth::None)).request.auth,
            Auth::None
        );
    }
}
