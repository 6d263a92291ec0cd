//! The built-in catalogs and sample contexts: complete, typed consistently,
//! and faithful to the seeds' payloads.

use hookwright_core::catalog::{self, Catalog, Format, VarType, Variable};
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

/// The glossary list (`data/loanpro-glossary.tsv`): every variable LoanPro's
/// public pages show, as the page writes it, with the page.
const GLOSSARY: &str = include_str!("../data/loanpro-glossary.tsv");

fn glossary_rows() -> Vec<(&'static str, &'static str)> {
    GLOSSARY
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (name, page) = l
                .split_once('\t')
                .unwrap_or_else(|| panic!("glossary row without a page: {l:?}"));
            (name, page)
        })
        .collect()
}

#[test]
fn loanpro_catalog_meets_the_counts() {
    let c = catalog::loanpro();
    assert!(
        c.variables.len() >= 250,
        "only {} variables",
        c.variables.len()
    );
    let documented = c.variables.iter().filter(|v| v.documented).count();
    assert!(documented >= 200, "only {documented} documented variables");
    assert_eq!(c.events.len(), 28, "LoanPro's webhook page lists 28 events");
    for e in &c.events {
        assert!(
            e.documented && c.sources.contains_key(&e.source),
            "{}",
            e.code
        );
        assert!(!e.description.contains("Assumed"), "{}", e.code);
    }
    for code in [
        "Payment Posted to account",
        "Payment Reversed",
        "Autopay Failed",
        "Autopay Scheduled/Created",
        "Account Created",
        "Account Modified",
        "Account Activated",
        "Archive Account",
        "Delete Account",
        "Customer Created",
        "Customer Updated",
        "Agent User Created",
    ] {
        assert!(c.event(code).is_some(), "no event {code}");
    }
}

#[test]
fn every_loanpro_variable_has_a_format_and_a_known_source() {
    let c = catalog::loanpro();
    let mut formats = std::collections::HashSet::new();
    for v in &c.variables {
        let format = v
            .format
            .unwrap_or_else(|| panic!("{} has no format", v.name));
        formats.insert(format);
        assert_eq!(
            v.documented,
            !v.source.is_empty(),
            "{}: documented exactly when a page is cited",
            v.name
        );
        if !v.source.is_empty() {
            let page = c
                .source_of(v)
                .unwrap_or_else(|| panic!("{}: unknown source {}", v.name, v.source));
            assert!(page.url.starts_with("https://"), "{}", page.url);
        }
    }
    for f in Format::ALL {
        assert!(
            formats.contains(&f),
            "no variable has format {}",
            f.as_str()
        );
    }
}

#[test]
fn every_glossary_variable_is_in_the_catalog() {
    let c = catalog::loanpro();
    let rows = glossary_rows();
    assert!(rows.len() >= 200, "only {} glossary rows", rows.len());
    for (name, page) in rows {
        assert!(c.sources.contains_key(page), "{name}: unknown page {page}");
        let v = c
            .variable(name)
            .unwrap_or_else(|| panic!("the catalog lacks {name} (from {page})"));
        assert!(
            v.documented,
            "{name} is on {page} but not marked documented"
        );
    }
}

#[test]
fn array_style_variables_carry_their_item_fields() {
    let c = catalog::loanpro();
    for (array, field) in [
        ("payments", "payment-date"),
        ("unfulfilled-promises", "due-date"),
        ("til-forecasted-payments", "principal-balance"),
        ("status-yearly-breakdown", "total"),
        ("status-delinquent-bucket-balance", "days-past-due"),
        ("escrow", "balance"),
        ("collateral-position", "collateral-vin"),
        ("funding-transactions", "funding-transaction-amount"),
        ("billing-period-values-array", "start-date"),
        ("cards-array", "card-status"),
        ("settings-custom-fields", "value"),
        ("setup-custom-fields", "value"),
        ("computation-fields", "calculated-value"),
    ] {
        let parent = c.variable(array).unwrap_or_else(|| panic!("no {array}"));
        assert!(parent.ty.has_items(), "{array} is a {}", parent.ty.as_str());
        let fields: Vec<&str> = c.items_of(array).map(|v| v.name.as_str()).collect();
        assert!(
            fields.contains(&format!("{array}.{field}").as_str()),
            "{array}: {fields:?}"
        );
    }
}

#[test]
fn the_catalog_documents_custom_fields_and_context_quirks() {
    let c = catalog::loanpro();
    let value = c.variable("settings-custom-fields.35.value").unwrap();
    assert_eq!(value.ty, VarType::Text);
    assert!(
        value.description.contains("option's id"),
        "{}",
        value.description
    );
    assert!(value.number_as_text());
    assert!(c.variable("setup-custom-fields.1.value").is_some());
    let display_id = c.variable("loan-display-id").unwrap();
    assert_eq!(display_id.example, "727");
    assert!(display_id.number_as_text());
    assert!(!c.variable("loan-token").unwrap().number_as_text());
    let notes = c.notes.join("\n");
    for needle in ["[]", "\"727\"", "option's id"] {
        assert!(notes.contains(needle), "the notes do not mention {needle}");
    }
    // The payload LoanPro's webhook page shows, verbatim.
    let activated = c.event("Account Activated").unwrap();
    let sample = activated.sample.as_ref().unwrap();
    assert_eq!(sample["eventName"], "Account Activated");
    assert_eq!(sample["context"]["loan-display-id"], "727");
    assert_eq!(sample["context"]["status-days-past-due"], 13);
    for key in sample["context"].as_object().unwrap().keys() {
        assert!(c.variable(key).is_some_and(|v| v.documented), "{key}");
    }
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
        // LoanPro sends an empty object as `[]`.
        VarType::Object => ex.is_object() || ex.as_array().is_some_and(Vec::is_empty),
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
                // LoanPro sends an empty object as `[]`.
                (VarType::Object, Value::Vector(items)) => items.is_empty(),
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
