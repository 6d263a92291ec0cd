//! The built-in catalogs and sample contexts: complete, typed consistently,
//! and faithful to the seeds' payloads.

use hookwright_core::catalog::{self, Catalog, VarType, Variable};
use hookwright_core::connection::{self, Source, Trigger};
use hookwright_core::context::{lookup_in, parse_json};
use hookwright_core::samples::{self, samples_for, SampleContext};
use hookwright_core::Value;

/// Every variable that the seeds and `shared/reference/loanpro.md` use.
const LOANPRO_NAMED: &[&str] = &[
    "loan-id",
    "loan-display-id",
    "loan-status",
    "loan-token",
    "status-days-past-due",
    "status-amount-due",
    "status-next-payment-amount",
    "status-due-fees",
    "status-full-due",
    "status-stoplight",
    "date-of-first-delinquency",
    "next-scheduled-payment-date",
    "next-scheduled-payment-amount",
    "setup-loan-amount",
    "setup-interest-rate",
    "setup-payment-frequency",
    "setup-underwriting",
    "setup-custom-fields",
    "setup-custom-fields.1.value",
    "customer.primary.id",
    "customer.primary.full-name",
    "customer.primary.ofac-match",
    "customer.primary.credit-score-equifax",
    "customer.secondary.id",
    "customer.secondary.full-name",
    "customer.secondary.ofac-match",
    "customer.secondary.credit-score-experian",
    "current-date",
    "current-time",
    "payments",
    "payments.system-id",
    "payments.display-id",
    "payments.payment-method",
    "payments.payment-date",
    "payments.payment-amount",
    "payments.full-payment-amount",
    "payments.after-days-past-due",
    "payments.0.payment-date",
    "status-delinquent-bucket-balance.1.days-past-due",
    "billing-period-values-array.last.start-date",
];

const YOULEND_CODES: &[&str] = &[
    "LOA10055", "LOA10040", "LOA10013", "LOA10036", "ONB10009", "ONB10010", "ONB10011", "ONB10012",
    "ONB10018", "ONB10025", "ONB10026", "ONB10022", "ONB10023", "ONB10024", "ONB10027", "ONB10028",
    "ONB10029", "ONB10030",
];

const SEED_LOA10055: &str = r#"{
  "EventCode": "LOA10055",
  "Message": "A settlement from a partner has been processed - payments towards the loan have been initiated",
  "EventProperties": {
    "LoanId": "a3c3279c-d84a-4ec7-9191-b2b371515bd9",
    "TotalSettlementAmount": "600",
    "SettlementReference": "test repayment",
    "PaymentsToLenders": [
      {
        "Amount": "400",
        "PaymentCorrelationId": "a61e16ef-e63a-4cda-b755-95b22ddfae3a"
      },
      {
        "Amount": "200",
        "PaymentCorrelationId": "a5ee16ef-e443a-4cda-b6665-55b12ddfae3a"
      }
    ],
    "LeadId": "d8c38d41-6256-44b2-8bd2-3d0219f04b4e"
  }
}"#;

const SEED_LOA10040: &str = "{
    \"EventCode\": \"LOA10040\",
    \"EventProperties\": {
      \t\"CorrelationId\": \"cf08c5de-ef80-460c-aedd-76a49c2ca388\",
        \"LeadId\": \"113222a1-1a89-4ef0-bda3-bad07224fe11\",
        \"LoanId\": \"d90c9fc1-cdd0-4dfc-810a-e2bab1f76199\",
        \"PaymentAmount\": \"10.00\",
        \"PaymentDate\": \"2023-10-20T00:00:00Z\",
        \"PrincipalRemaining\": \"9880.40\"
    },
    \"Message\": \"A repayment was made towards the loan\"
}";

#[test]
fn loanpro_catalog_is_large_grouped_and_complete() {
    let c = catalog::loanpro();
    assert!(
        c.variables.len() >= 60,
        "only {} variables",
        c.variables.len()
    );
    for group in [
        "loan",
        "status and amounts",
        "next payment",
        "setup terms",
        "customer",
        "dates",
        "payments array",
    ] {
        assert!(c.groups().contains(&group), "no group {group}");
    }
    for name in LOANPRO_NAMED {
        assert!(c.variable(name).is_some(), "LoanPro catalog lacks {name}");
    }
    let status = c.variable("loan-status").unwrap();
    assert_eq!(status.ty, VarType::Enum);
    for value in [
        "Open",
        "Collections",
        "Open - Repaying",
        "Closed",
        "Paid Off",
        "Pending",
    ] {
        assert!(
            status.values.iter().any(|v| v == value),
            "loan-status lacks {value}"
        );
    }
    assert!(c.event("Account Activated").is_some_and(|e| e.documented));
}

#[test]
fn every_variable_has_a_description_and_a_fitting_example() {
    for c in [catalog::loanpro(), catalog::youlend()] {
        let mut seen = std::collections::HashSet::new();
        for v in &c.variables {
            assert!(seen.insert(&v.name), "{}: {} listed twice", c.name, v.name);
            assert!(!v.description.is_empty(), "{} has no description", v.name);
            assert!(!v.group.is_empty(), "{} has no group", v.name);
            check_example(v);
        }
    }
}

fn check_example(v: &Variable) {
    let ex = &v.example;
    let ok = match v.ty {
        VarType::Number => ex.is_number(),
        // YouLend sends amounts as strings; LoanPro as numbers.
        VarType::Money => ex.is_number() || ex.as_str().is_some_and(|s| s.parse::<f64>().is_ok()),
        VarType::Text => ex.is_string(),
        VarType::Date => ex
            .as_str()
            .is_some_and(|s| s.len() >= 10 && s.as_bytes()[4] == b'-'),
        VarType::Boolean => ex.is_boolean(),
        VarType::Enum => ex.as_str().is_some_and(|s| v.values.iter().any(|x| x == s)),
        VarType::Array => ex.is_array(),
        VarType::Object => ex.is_object(),
    };
    assert!(ok, "{}: example {ex} is not a {}", v.name, v.ty.as_str());
    if v.ty == VarType::Enum {
        assert!(!v.values.is_empty(), "{} is an enum without values", v.name);
    }
}

#[test]
fn youlend_catalog_has_every_documented_event() {
    let c = catalog::youlend();
    for code in YOULEND_CODES {
        let event = c.event(code).unwrap_or_else(|| panic!("no event {code}"));
        assert!(
            !event.name.is_empty() && !event.description.is_empty(),
            "{code}"
        );
        assert!(!event.fields.is_empty(), "{code} has no fields");
        let sample = event
            .sample
            .as_ref()
            .unwrap_or_else(|| panic!("{code} has no sample"));
        assert_eq!(sample["EventCode"], *code);
        assert!(sample["Message"].is_string());
    }
    assert_eq!(c.events.len(), YOULEND_CODES.len());
    assert_eq!(
        c.event("ONB10010").unwrap().deprecated_by.as_deref(),
        Some("ONB10028")
    );
    let codes = &c.variable("EventCode").unwrap().values;
    assert_eq!(codes.len(), YOULEND_CODES.len());
}

#[test]
fn youlend_seed_payloads_are_verbatim() {
    let c = catalog::youlend();
    for (code, seed) in [("LOA10055", SEED_LOA10055), ("LOA10040", SEED_LOA10040)] {
        let seed: serde_json::Value = serde_json::from_str(seed).unwrap();
        let ours = c.event(code).unwrap().sample.as_ref().unwrap();
        assert_eq!(ours, &seed, "{code}");
        // Key order too, since the sample is shown as the payload.
        assert_eq!(ours.to_string(), seed.to_string(), "{code}");
    }
}

#[test]
fn youlend_fields_are_variables_with_their_events() {
    let c = catalog::youlend();
    let amount = c
        .variable("EventProperties.PaymentsToLenders.0.Amount")
        .unwrap();
    assert_eq!(amount.ty, VarType::Money);
    assert_eq!(amount.events, ["LOA10055"]);
    let loan_id = c.variable("EventProperties.LoanId").unwrap();
    assert!(
        loan_id.events.contains(&"LOA10040".to_string())
            && loan_id.events.contains(&"LOA10055".to_string())
    );
    assert_eq!(
        c.variable("EventProperties.PaymentAmount").unwrap().ty,
        VarType::Money
    );
    for name in [
        "EventCode",
        "Message",
        "EventProperties.CorrelationId",
        "EventProperties.PaymentsToLenders.PaymentCorrelationId",
    ] {
        assert!(c.variable(name).is_some(), "{name}");
    }
}

/// Every non-optional field an event declares is in its sample payload.
#[test]
fn youlend_samples_carry_their_fields() {
    for event in &catalog::youlend().events {
        let payload = parse_json(&event.sample.as_ref().unwrap().to_string()).unwrap();
        for field in event.fields.iter().filter(|f| !f.optional) {
            assert!(
                holds(&payload, &field.name),
                "{} sample lacks {}",
                event.code,
                field.name
            );
        }
    }
}

/// Whether `root` has `path`, looking inside the first item of arrays and
/// the first entry of keyed objects for item variables.
fn holds(root: &Value, path: &str) -> bool {
    if lookup_in(root, path).is_some() {
        return true;
    }
    let mut current = root;
    for segment in path.split('.') {
        let next = match current {
            Value::Vector(items) => items.first().and_then(|item| lookup_in(item, segment)),
            Value::Map(map) => map.get(segment).or_else(|| {
                map.values()
                    .next()
                    .and_then(|first| lookup_in(first, segment))
            }),
            _ => None,
        };
        match next {
            Some(v) => current = v,
            None => return false,
        }
    }
    true
}

fn loan_samples() -> Vec<&'static SampleContext> {
    samples::samples()
        .iter()
        .filter(|s| s.source == Source::Loanpro)
        .collect()
}

#[test]
fn every_loan_sample_holds_every_loanpro_variable() {
    let loans = loan_samples();
    assert!(loans.len() >= 4);
    for sample in loans {
        for v in &catalog::loanpro().variables {
            assert!(
                holds(sample.context.root(), &v.name),
                "{} lacks {}",
                sample.id,
                v.name
            );
        }
    }
}

#[test]
fn loan_sample_values_fit_the_catalog_types() {
    let c = catalog::loanpro();
    for sample in loan_samples() {
        for path in sample.context.paths() {
            // `payments.0` is an item, which the catalog types only field by field.
            if path
                .rsplit('.')
                .next()
                .is_some_and(|last| last.parse::<usize>().is_ok())
            {
                continue;
            }
            let Some(v) = c.variable(&path) else { continue };
            let value = sample.context.lookup(&path).unwrap();
            let ok = match (v.ty, value) {
                (_, Value::Nil) => v.name == "date-of-first-delinquency",
                (VarType::Number | VarType::Money, Value::Number(_)) => true,
                (VarType::Text | VarType::Date, Value::Text(_)) => true,
                (VarType::Enum, Value::Text(t)) => v.values.contains(t),
                (VarType::Boolean, Value::Bool(_)) => true,
                (VarType::Array, Value::Vector(_)) | (VarType::Object, Value::Map(_)) => true,
                _ => false,
            };
            assert!(
                ok,
                "{}: {path} = {} is not a {}",
                sample.id,
                value.to_json(),
                v.ty.as_str()
            );
        }
    }
}

#[test]
fn the_seed_loan_matches_the_seed_envelope() {
    let s = samples::sample("loan-5-days-past-due").unwrap();
    let text = |p: &str| s.context.lookup(p).unwrap().to_text();
    assert_eq!(text("current-date"), "2022-09-26");
    assert_eq!(text("next-scheduled-payment-amount"), "89.24");
    assert_eq!(text("loan-id"), "3579");
    assert_eq!(text("loan-status"), "Open");
    assert_eq!(text("next-scheduled-payment-date"), "2022-10-20");
    assert_eq!(text("status-days-past-due"), "5");
    assert_eq!(text("status-amount-due"), "158.70");
    assert_eq!(text("customer.primary.full-name"), "Douglas McCallagher");
    // Nested as LoanPro's envelope nests dotted names.
    assert!(
        matches!(s.context.root(), Value::Map(m) if m.contains_key("customer") && !m.contains_key("customer.primary.full-name"))
    );
    for (id, status) in [
        ("loan-collections", "Collections"),
        ("loan-current", "Open"),
        ("loan-paid-off", "Paid Off"),
    ] {
        assert_eq!(
            samples::sample(id)
                .unwrap()
                .context
                .lookup("loan-status")
                .unwrap()
                .to_text(),
            status
        );
    }
}

#[test]
fn every_youlend_event_has_a_sample_context() {
    for code in YOULEND_CODES {
        let s = samples::sample(code).unwrap_or_else(|| panic!("no sample {code}"));
        assert_eq!(s.event.as_deref(), Some(*code));
        assert_eq!(s.context.lookup("EventCode").unwrap().to_text(), *code);
    }
    let s = samples::sample("LOA10055").unwrap();
    assert_eq!(
        s.context
            .lookup("EventProperties.PaymentsToLenders.1.Amount")
            .unwrap()
            .to_text(),
        "200"
    );
}

#[test]
fn samples_fit_the_trigger() {
    let examples = connection::examples();
    let loanpro_rule = examples
        .iter()
        .find(|c| matches!(c.trigger, Trigger::Rule { .. }))
        .unwrap();
    let ids: Vec<&str> = samples_for(loanpro_rule)
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "loan-5-days-past-due",
            "loan-collections",
            "loan-current",
            "loan-paid-off"
        ]
    );
    let youlend = examples
        .iter()
        .find(|c| c.source == Source::Youlend)
        .unwrap();
    let ids: Vec<&str> = samples_for(youlend).iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["LOA10040"]);
}

#[test]
fn a_user_catalog_in_the_same_format_loads() {
    let text = r#"{"name": "mine", "variables": [{"name": "a", "type": "number"}],
        "events": [{"code": "E1", "name": "One", "fields": [{"name": "b.c", "type": "money"}]}]}"#;
    let c = Catalog::from_json(text).unwrap();
    assert_eq!(c.variable("b.c").unwrap().events, ["E1"]);
    let err = Catalog::from_json("{\"name\": \"x\", \"variables\": [{\"name\": 1}]}").unwrap_err();
    assert!(err.span.is_some());
}
