//! Targeting rules: validation errors and their paths, evaluation of every operator (with and
//! without data), explanations, facts derivation, scoring and bands, and the shipped examples.

use chrono::{NaiveDate, NaiveDateTime};
use paxrisk_parsers::{Contact, Document, Payment, Pnr, Segment, Traveller, TravellerKind};
use paxrisk_screening::rules::{
    catalogue, score, validate, Band, Bands, CompiledRule, Direction, ErrorCode, Facts,
    FlightFacts, HistoryFacts, PnrFacts, RuleError, RuleSet, RuleSpec, RuleState, Severity, Truth,
    MAX_DEPTH,
};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// Helpers

fn err(condition: Value) -> RuleError {
    validate(&condition).expect_err("condition should be refused")
}

fn assert_err(condition: Value, code: ErrorCode, path: &str) -> RuleError {
    let e = err(condition);
    assert_eq!(
        (e.code, e.path.as_str()),
        (code, path),
        "message: {}",
        e.message
    );
    e
}

fn rule(condition: Value) -> CompiledRule {
    CompiledRule::compile(&validate(&condition).expect("condition should be valid"))
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn departure() -> NaiveDateTime {
    date("2026-11-29").and_hms_opt(8, 5, 0).unwrap()
}

fn traveller() -> Traveller {
    Traveller {
        kind: TravellerKind::Passenger,
        surname: "Smithson".into(),
        given_names: "Jane Ann".into(),
        date_of_birth: Some("1990-11-30".into()),
        gender: Some("F".into()),
        nationality: Some("isl".into()),
        residence: Some("NOR".into()),
        documents: vec![
            Document {
                doc_type: "V".into(),
                number: "V1".into(),
                issuing_country: Some("ARE".into()),
                expiry: Some("2027-12-31".into()),
                issue_date: None,
            },
            Document {
                doc_type: "P".into(),
                number: "P1".into(),
                issuing_country: Some("GBR".into()),
                expiry: Some("2027-01-08".into()),
                issue_date: None,
            },
        ],
        seat: Some("12a".into()),
        bag_count: Some(2),
        ..Traveller::default()
    }
}

fn flight() -> FlightFacts {
    FlightFacts {
        carrier: Some("zz".into()),
        number: Some("101".into()),
        origin: Some("SIN".into()),
        destination: Some("KEF".into()),
        origin_country: Some("SGP".into()),
        destination_country: Some("ISL".into()),
        direction: Some(Direction::Inbound),
        departure_local: Some(departure()),
    }
}

fn pnr() -> PnrFacts {
    PnrFacts {
        booking_date: Some(date("2026-11-27")),
        payment_type: Some("CA".into()),
        payment_amount: Some(1250.5),
        one_way: Some(true),
        trip_duration_days: None,
        travellers_count: Some(1),
        bag_count: Some(3),
        agency: Some("AGT123".into()),
        route: vec!["SIN".into(), "DXB".into(), "KEF".into()],
        email_domain: Some("MAILINATOR.COM".into()),
        frequent_flyer: Some(false),
    }
}

fn history() -> HistoryFacts {
    HistoryFacts {
        previous_trips: Some(4),
        previous_hits: Some(0),
        hops_to_hit: None,
    }
}

fn facts() -> Facts {
    Facts::from_parts(&traveller(), &flight(), Some(&pnr()), &history())
}

fn without_pnr() -> Facts {
    Facts::from_parts(&traveller(), &flight(), None, &HistoryFacts::default())
}

fn truth(condition: Value, facts: &Facts) -> Truth {
    let r = rule(condition);
    let t = r.truth(facts);
    // The fast path, the resolved-table path and the explaining paths must always agree.
    let e = r.evaluate(facts);
    assert_eq!(e.truth, t);
    assert_eq!(r.matches(facts), t == Truth::True);
    assert_eq!(r.truth(&facts.table()), t);
    assert_eq!(r.explain(&facts.table()), e.explanation);
    t
}

fn leaf(field: &str, op: &str, value: Value) -> Value {
    json!({"field": field, "op": op, "value": value})
}

// ---------------------------------------------------------------------------------------------
// Validation

#[test]
fn error_body_has_the_api_shape() {
    let e = err(json!({"all": [leaf("traveller.nationalty", "eq", json!("ISL"))]}));
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        json!({
            "code": "unknown_field",
            "path": "/condition/all/0/field",
            "message": "unknown field `traveller.nationalty`; did you mean `traveller.nationality`?"
        })
    );
}

#[test]
fn every_error_code_has_a_stable_spelling() {
    let codes = [
        (ErrorCode::BadShape, "bad_shape"),
        (ErrorCode::MissingProperty, "missing_property"),
        (ErrorCode::UnknownProperty, "unknown_property"),
        (ErrorCode::UnknownField, "unknown_field"),
        (ErrorCode::UnknownOperator, "unknown_operator"),
        (ErrorCode::IncompatibleOperator, "incompatible_operator"),
        (ErrorCode::BadValue, "bad_value"),
        (ErrorCode::SensitiveValue, "sensitive_value"),
        (ErrorCode::TooDeep, "too_deep"),
        (ErrorCode::TooLarge, "too_large"),
    ];
    for (code, name) in codes {
        assert_eq!(serde_json::to_value(code).unwrap(), json!(name));
        assert_eq!(code.as_str(), name);
    }
}

#[test]
fn unknown_field_is_refused_with_its_path() {
    assert_err(
        json!({"any": [leaf("flight.origin", "eq", json!("SIN")), leaf("traveller.shoe_size", "gt", json!(44))]}),
        ErrorCode::UnknownField,
        "/condition/any/1/field",
    );
}

#[test]
fn sensitive_fields_are_refused_exactly_like_unknown_ones() {
    let plain = err(leaf("traveller.shoe_size", "eq", json!("X")));
    for name in [
        "traveller.religion",
        "traveller.health",
        "traveller.ethnicity",
        "traveller.race",
        "traveller.sexual_orientation",
        "traveller.political_opinion",
        "traveller.trade_union",
        "traveller.disability",
        "traveller.medical",
        "pnr.meal_preference",
        "pnr.ssr_meal",
    ] {
        let e = err(json!({"all": [leaf(name, "eq", json!("X"))]}));
        assert_eq!(e.code, ErrorCode::UnknownField, "{name}");
        assert_eq!(e.path, "/condition/all/0/field");
        // Same sentence as any other unknown field: no hint that the field exists but is barred.
        assert_eq!(
            e.message,
            plain.message.replace("traveller.shoe_size", name),
            "{name}"
        );
    }
}

#[test]
fn the_catalogue_holds_no_sensitive_field() {
    let barred = [
        "relig", "health", "ethnic", "race", "sex", "politic", "union", "meal", "disab", "medic",
        "ssr",
    ];
    for f in catalogue() {
        for word in barred {
            assert!(!f.name.contains(word), "{} looks sensitive", f.name);
        }
    }
    // The fields DESIGN.md promises are all there.
    let names: Vec<&str> = catalogue().iter().map(|f| f.name).collect();
    for required in [
        "traveller.surname",
        "traveller.given_names",
        "traveller.nationality",
        "traveller.gender",
        "traveller.age",
        "traveller.document_type",
        "traveller.document_country",
        "traveller.document_expiry_days",
        "traveller.residence",
        "traveller.kind",
        "flight.carrier",
        "flight.number",
        "flight.origin",
        "flight.destination",
        "flight.origin_country",
        "flight.destination_country",
        "flight.direction",
        "flight.departure_hour",
        "pnr.payment_type",
        "pnr.booking_lead_days",
        "pnr.one_way",
        "pnr.trip_duration_days",
        "pnr.travellers_count",
        "pnr.bag_count",
        "pnr.agency",
        "pnr.route",
        "pnr.email_domain",
        "pnr.frequent_flyer",
        "pnr.seat",
        "history.previous_trips",
        "history.previous_hits",
    ] {
        assert!(
            names.contains(&required),
            "{required} missing from the catalogue"
        );
    }
}

#[test]
fn sensitive_values_are_refused() {
    let e = assert_err(
        json!({"all": [leaf("pnr.agency", "eq", json!("halal tours"))]}),
        ErrorCode::SensitiveValue,
        "/condition/all/0/value",
    );
    assert!(e.message.contains("HALAL"), "{}", e.message);
    assert_err(
        leaf("pnr.seat", "contains", json!("MOML")),
        ErrorCode::SensitiveValue,
        "/condition/value",
    );
    assert_err(
        leaf("pnr.agency", "in", json!(["AGT1", "KSML"])),
        ErrorCode::SensitiveValue,
        "/condition/value/1",
    );
    assert_err(
        leaf("traveller.given_names", "contains", json!("wchr")),
        ErrorCode::SensitiveValue,
        "/condition/value",
    );
}

#[test]
fn unknown_operator_is_refused() {
    let e = assert_err(
        json!({"all": [leaf("traveller.surname", "sounds_like", json!("SMITH"))]}),
        ErrorCode::UnknownOperator,
        "/condition/all/0/op",
    );
    assert!(
        e.message.contains("starts_with"),
        "lists the operators: {}",
        e.message
    );
}

#[test]
fn operators_must_fit_the_field_type() {
    assert_err(
        leaf("traveller.surname", "lt", json!("M")),
        ErrorCode::IncompatibleOperator,
        "/condition/op",
    );
    assert_err(
        leaf("traveller.age", "contains", json!(3)),
        ErrorCode::IncompatibleOperator,
        "/condition/op",
    );
    assert_err(
        leaf("pnr.one_way", "gt", json!(true)),
        ErrorCode::IncompatibleOperator,
        "/condition/op",
    );
    assert_err(
        leaf("pnr.route", "eq", json!("DXB")),
        ErrorCode::IncompatibleOperator,
        "/condition/op",
    );
}

#[test]
fn values_must_have_the_right_type_and_shape() {
    let cases = [
        (leaf("traveller.age", "gt", json!("30")), "/condition/value"),
        (leaf("traveller.age", "gt", json!(30.5)), "/condition/value"),
        (leaf("traveller.age", "gt", json!(400)), "/condition/value"),
        (
            leaf("traveller.age", "between", json!([30])),
            "/condition/value",
        ),
        (
            leaf("traveller.age", "between", json!(30)),
            "/condition/value",
        ),
        (
            leaf("traveller.age", "between", json!([40, 30])),
            "/condition/value/1",
        ),
        (
            leaf("traveller.age", "between", json!([18, "x"])),
            "/condition/value/1",
        ),
        (
            leaf("traveller.nationality", "in", json!("ISL")),
            "/condition/value",
        ),
        (
            leaf("traveller.nationality", "in", json!([])),
            "/condition/value",
        ),
        (
            leaf("traveller.nationality", "in", json!(["ISL", 3])),
            "/condition/value/1",
        ),
        (
            leaf("traveller.nationality", "eq", json!("Iceland")),
            "/condition/value",
        ),
        (
            leaf("traveller.nationality", "eq", json!("  ")),
            "/condition/value",
        ),
        (
            leaf("flight.origin", "eq", json!("SING")),
            "/condition/value",
        ),
        (leaf("flight.carrier", "eq", json!("Z")), "/condition/value"),
        (
            leaf("traveller.gender", "eq", json!("male")),
            "/condition/value",
        ),
        (
            leaf("flight.direction", "eq", json!("sideways")),
            "/condition/value",
        ),
        (leaf("pnr.one_way", "eq", json!("yes")), "/condition/value"),
        (
            leaf("pnr.booking_date", "lt", json!("29/11/2026")),
            "/condition/value",
        ),
        (
            leaf("pnr.payment_amount", "gt", json!("1000")),
            "/condition/value",
        ),
        (
            json!({"field": "traveller.surname", "op": "eq"}),
            "/condition/value",
        ),
        (
            leaf("traveller.surname", "is_empty", json!("X")),
            "/condition/value",
        ),
        (
            leaf("pnr.route", "contains", json!("DUBAI")),
            "/condition/value",
        ),
    ];
    for (condition, path) in cases {
        let e = err(condition.clone());
        assert_eq!(
            (e.code, e.path.as_str()),
            (ErrorCode::BadValue, path),
            "{condition}: {}",
            e.message
        );
    }
}

#[test]
fn malformed_shapes_are_refused() {
    assert_err(
        json!("nationality = ISL"),
        ErrorCode::BadShape,
        "/condition",
    );
    assert_err(json!({"all": [], }), ErrorCode::BadShape, "/condition/all");
    assert_err(
        json!({"any": {"field": "x"}}),
        ErrorCode::BadShape,
        "/condition/any",
    );
    assert_err(
        json!({"all": [leaf("flight.origin", "eq", json!("SIN"))], "any": []}),
        ErrorCode::BadShape,
        "/condition",
    );
    assert_err(
        json!({"not": {"field": "flight.origin", "op": "eq", "value": "SIN", "weight": 3}}),
        ErrorCode::BadShape,
        "/condition/not/weight",
    );
    assert_err(
        json!({"op": "eq", "value": "SIN"}),
        ErrorCode::BadShape,
        "/condition",
    );
    assert_err(
        json!({"field": 3, "op": "eq"}),
        ErrorCode::BadShape,
        "/condition/field",
    );
}

#[test]
fn nesting_is_limited() {
    let mut ok = leaf("flight.origin", "eq", json!("SIN"));
    for _ in 0..MAX_DEPTH {
        ok = json!({"not": ok});
    }
    assert!(validate(&ok).is_ok());
    let too_deep = json!({"all": [ok]});
    let e = assert_err(
        too_deep,
        ErrorCode::TooDeep,
        &format!("/condition/all/0{}", "/not".repeat(MAX_DEPTH - 1)),
    );
    assert!(e.message.contains("nested"), "{}", e.message);

    // Far deeper input gives the same clear error rather than exhausting the stack.
    let mut deep = leaf("flight.origin", "eq", json!("SIN"));
    for _ in 0..5_000 {
        // Built by moving, not with `json!`, which would re-serialise (and recurse into) `deep`.
        let mut group = serde_json::Map::new();
        group.insert("any".into(), Value::Array(vec![deep]));
        deep = Value::Object(group);
    }
    assert_eq!(validate(&deep).unwrap_err().code, ErrorCode::TooDeep);
    // serde_json drops values recursively, which a 5,000-deep value would overflow on a test
    // thread's stack; the server never holds one, as its JSON parser stops at depth 128.
    std::mem::forget(deep);
    let text = format!(
        "{}{}{}",
        r#"{"not":"#.repeat(5_000),
        r#"{"field":"flight.origin","op":"is_empty"}"#,
        "}".repeat(5_000)
    );
    assert!(serde_json::from_str::<Value>(&text).is_err());
}

#[test]
fn size_is_limited() {
    let many: Vec<Value> = (0..300)
        .map(|_| leaf("flight.origin", "eq", json!("SIN")))
        .collect();
    assert_eq!(err(json!({"any": many})).code, ErrorCode::TooLarge);
    let long: Vec<Value> = (0..1_001).map(|i| json!(i % 100)).collect();
    assert_err(
        leaf("traveller.age", "in", json!(long)),
        ErrorCode::TooLarge,
        "/condition/value",
    );
}

#[test]
fn constants_are_canonical_and_round_trip() {
    let c = validate(&json!({"all": [
        leaf("traveller.nationality", "in", json!(["isl", " nor "])),
        leaf("flight.direction", "eq", json!("INBOUND")),
        leaf("pnr.booking_date", "between", json!(["2026-01-01", "2026-12-31"])),
        {"field": "pnr.agency", "op": "is_not_empty"},
        leaf("pnr.payment_amount", "ge", json!(1000.5)),
    ]}))
    .unwrap();
    let out = serde_json::to_value(&c).unwrap();
    assert_eq!(
        out,
        json!({"all": [
            leaf("traveller.nationality", "in", json!(["ISL", "NOR"])),
            leaf("flight.direction", "eq", json!("inbound")),
            leaf("pnr.booking_date", "between", json!(["2026-01-01", "2026-12-31"])),
            {"field": "pnr.agency", "op": "is_not_empty"},
            leaf("pnr.payment_amount", "ge", json!(1000.5)),
        ]})
    );
    // Stored JSON reads back through the same validation.
    let again: paxrisk_screening::rules::Condition = serde_json::from_value(out).unwrap();
    assert_eq!(again, c);
    assert!(
        serde_json::from_value::<paxrisk_screening::rules::Condition>(json!({"all": []})).is_err()
    );
}

// ---------------------------------------------------------------------------------------------
// Facts

#[test]
fn facts_are_derived_from_the_parsed_records() {
    let f = facts();
    let t = &f.traveller;
    // Born 1990-11-30, departing 2026-11-29: the 36th birthday is the day after departure.
    assert_eq!(t.age, Some(35));
    // The passport is the main document even when a visa comes first.
    assert_eq!(t.document_type.as_deref(), Some("P"));
    assert_eq!(t.document_country.as_deref(), Some("GBR"));
    assert_eq!(t.document_expiry_days, Some(40));
    assert_eq!(t.nationality.as_deref(), Some("ISL"));
    assert_eq!(t.surname.as_deref(), Some("SMITHSON"));
    assert_eq!(t.kind.as_deref(), Some("passenger"));
    assert_eq!(t.seat.as_deref(), Some("12A"));
    assert_eq!(f.flight.carrier.as_deref(), Some("ZZ"));

    let mut born_on_departure_day = traveller();
    born_on_departure_day.date_of_birth = Some("2000-11-29".into());
    let g = Facts::from_parts(
        &born_on_departure_day,
        &flight(),
        None,
        &HistoryFacts::default(),
    );
    assert_eq!(g.traveller.age, Some(26));
    assert_eq!(
        truth(leaf("traveller.age", "eq", json!(26)), &g),
        Truth::True
    );

    let mut leap = traveller();
    leap.date_of_birth = Some("2004-02-29".into());
    let h = Facts::from_parts(&leap, &flight(), None, &HistoryFacts::default());
    assert_eq!(h.traveller.age, Some(22));

    let mut unknown = traveller();
    unknown.date_of_birth = None;
    let u = Facts::from_parts(&unknown, &flight(), None, &HistoryFacts::default());
    assert_eq!(u.traveller.age, None);
}

#[test]
fn pnr_facts_are_derived_from_a_pnr() {
    let seg = |o: &str, d: &str, day: &str| Segment {
        carrier: "ZZ".into(),
        number: "1".into(),
        origin: o.into(),
        destination: d.into(),
        departure_local: Some(format!("{day}T10:00").into()),
        ..Segment::default()
    };
    let p = Pnr {
        record_locator: "ABC123".into(),
        booking_date: Some("2026-11-20".into()),
        travellers: vec![traveller(), traveller()],
        itinerary: vec![
            seg("SIN", "DXB", "2026-11-29"),
            seg("DXB", "KEF", "2026-11-29"),
            seg("KEF", "SIN", "2026-12-06"),
        ],
        contacts: vec![
            Contact {
                kind: "phone".into(),
                value: "+354 555".into(),
            },
            Contact {
                kind: "email".into(),
                value: "j.doe@Example.org".into(),
            },
        ],
        payments: vec![Payment {
            payment_type: "cc".into(),
            card: None,
            amount: Some("812.40".into()),
        }],
        frequent_flyer: vec!["ZZ 12345".into()],
        agency: Some("agt9".into()),
        ..Pnr::default()
    };
    let f = PnrFacts::from_pnr(&p);
    assert_eq!(f.route, ["SIN", "DXB", "KEF", "SIN"]);
    assert_eq!(f.one_way, Some(false));
    assert_eq!(f.trip_duration_days, Some(7));
    assert_eq!(f.travellers_count, Some(2));
    assert_eq!(f.email_domain.as_deref(), Some("EXAMPLE.ORG"));
    assert_eq!(f.payment_type.as_deref(), Some("CC"));
    assert_eq!(f.payment_amount, Some(812.4));
    assert_eq!(f.booking_date, Some(date("2026-11-20")));
    assert_eq!(f.frequent_flyer, Some(true));
    assert_eq!(f.agency.as_deref(), Some("AGT9"));

    let all = Facts::from_parts(&traveller(), &flight(), Some(&f), &history());
    assert_eq!(
        truth(leaf("pnr.booking_lead_days", "eq", json!(9)), &all),
        Truth::True
    );
    assert_eq!(truth(leaf("pnr.stops", "eq", json!(2)), &all), Truth::True);

    let one_way = PnrFacts::from_pnr(&Pnr {
        itinerary: vec![seg("SIN", "KEF", "2026-11-29")],
        ..p
    });
    assert_eq!(one_way.one_way, Some(true));
    assert_eq!(one_way.trip_duration_days, None);
}

// ---------------------------------------------------------------------------------------------
// Evaluation of every operator

#[test]
fn text_operators() {
    let f = facts();
    let cases = [
        (
            leaf("traveller.nationality", "eq", json!("ISL")),
            Truth::True,
        ),
        (
            leaf("traveller.nationality", "eq", json!("isl")),
            Truth::True,
        ),
        (
            leaf("traveller.nationality", "eq", json!("NOR")),
            Truth::False,
        ),
        (
            leaf("traveller.nationality", "ne", json!("NOR")),
            Truth::True,
        ),
        (
            leaf("traveller.nationality", "ne", json!("ISL")),
            Truth::False,
        ),
        (
            leaf("traveller.nationality", "in", json!(["NOR", "isl", "SWE"])),
            Truth::True,
        ),
        (
            leaf("traveller.nationality", "in", json!(["NOR", "SWE"])),
            Truth::False,
        ),
        (
            leaf("traveller.nationality", "not_in", json!(["NOR", "SWE"])),
            Truth::True,
        ),
        (
            leaf("traveller.nationality", "not_in", json!(["ISL"])),
            Truth::False,
        ),
        (
            leaf("traveller.surname", "starts_with", json!("smith")),
            Truth::True,
        ),
        (
            leaf("traveller.surname", "starts_with", json!("SON")),
            Truth::False,
        ),
        (
            leaf("traveller.surname", "ends_with", json!("son")),
            Truth::True,
        ),
        (
            leaf("traveller.surname", "ends_with", json!("SMITH")),
            Truth::False,
        ),
        (
            leaf("traveller.surname", "contains", json!("THS")),
            Truth::True,
        ),
        (
            leaf("traveller.surname", "contains", json!("JONES")),
            Truth::False,
        ),
        (
            leaf("pnr.email_domain", "ends_with", json!(".com")),
            Truth::True,
        ),
        (
            leaf("traveller.kind", "eq", json!("passenger")),
            Truth::True,
        ),
        (
            leaf("flight.direction", "eq", json!("outbound")),
            Truth::False,
        ),
        (leaf("flight.carrier", "eq", json!("ZZ")), Truth::True),
        (
            json!({"field": "pnr.agency", "op": "is_empty"}),
            Truth::False,
        ),
        (
            json!({"field": "pnr.agency", "op": "is_not_empty"}),
            Truth::True,
        ),
    ];
    for (condition, expected) in cases {
        assert_eq!(truth(condition.clone(), &f), expected, "{condition}");
    }
}

#[test]
fn hand_filled_facts_compare_case_insensitively() {
    let mut f = Facts::default();
    f.traveller.nationality = Some("isl".into());
    f.flight.origin = Some("sin".into());
    f.pnr = Some(PnrFacts {
        route: vec!["sin".into(), "dxb".into()],
        ..PnrFacts::default()
    });
    assert_eq!(
        truth(leaf("traveller.nationality", "eq", json!("ISL")), &f),
        Truth::True
    );
    assert_eq!(
        truth(
            leaf("traveller.nationality", "in", json!(["NOR", "ISL"])),
            &f
        ),
        Truth::True
    );
    assert_eq!(
        truth(leaf("flight.origin", "ne", json!("SIN")), &f),
        Truth::False
    );
    assert_eq!(
        truth(leaf("pnr.route", "contains", json!("DXB")), &f),
        Truth::True
    );
    assert_eq!(
        truth(leaf("pnr.route", "ends_with", json!("DXB")), &f),
        Truth::True
    );
}

#[test]
fn list_operators() {
    let f = facts(); // route SIN, DXB, KEF
    let cases = [
        (leaf("pnr.route", "contains", json!("dxb")), Truth::True),
        (leaf("pnr.route", "contains", json!("IST")), Truth::False),
        (leaf("pnr.route", "in", json!(["IST", "DXB"])), Truth::True),
        (leaf("pnr.route", "in", json!(["IST", "DOH"])), Truth::False),
        (
            leaf("pnr.route", "not_in", json!(["IST", "DOH"])),
            Truth::True,
        ),
        (
            leaf("pnr.route", "not_in", json!(["IST", "DXB"])),
            Truth::False,
        ),
        (leaf("pnr.route", "starts_with", json!("SIN")), Truth::True),
        (leaf("pnr.route", "starts_with", json!("DXB")), Truth::False),
        (leaf("pnr.route", "ends_with", json!("KEF")), Truth::True),
        (
            json!({"field": "pnr.route", "op": "is_empty"}),
            Truth::False,
        ),
        (
            json!({"field": "pnr.route", "op": "is_not_empty"}),
            Truth::True,
        ),
    ];
    for (condition, expected) in cases {
        assert_eq!(truth(condition.clone(), &f), expected, "{condition}");
    }
    let mut empty = facts();
    empty.pnr.as_mut().unwrap().route.clear();
    assert_eq!(
        truth(json!({"field": "pnr.route", "op": "is_empty"}), &empty),
        Truth::True
    );
    assert_eq!(
        truth(leaf("pnr.route", "not_in", json!(["IST"])), &empty),
        Truth::True
    );
}

#[test]
fn numeric_and_date_operators() {
    let f = facts(); // age 35, booking lead 2 days, departure 08:05, amount 1250.5
    let cases = [
        (leaf("traveller.age", "eq", json!(35)), Truth::True),
        (leaf("traveller.age", "ne", json!(35)), Truth::False),
        (leaf("traveller.age", "lt", json!(35)), Truth::False),
        (leaf("traveller.age", "le", json!(35)), Truth::True),
        (leaf("traveller.age", "gt", json!(34)), Truth::True),
        (leaf("traveller.age", "ge", json!(36)), Truth::False),
        (leaf("traveller.age", "in", json!([18, 35])), Truth::True),
        (
            leaf("traveller.age", "not_in", json!([18, 35])),
            Truth::False,
        ),
        (
            leaf("traveller.age", "between", json!([18, 35])),
            Truth::True,
        ),
        (
            leaf("traveller.age", "between", json!([36, 40])),
            Truth::False,
        ),
        (leaf("pnr.booking_lead_days", "le", json!(3)), Truth::True),
        (
            leaf("flight.departure_hour", "between", json!([0, 5])),
            Truth::False,
        ),
        (leaf("flight.departure_hour", "eq", json!(8)), Truth::True),
        (leaf("pnr.payment_amount", "gt", json!(1000)), Truth::True),
        (
            leaf("pnr.payment_amount", "between", json!([0.5, 1250.5])),
            Truth::True,
        ),
        (
            leaf("traveller.document_expiry_days", "lt", json!(90)),
            Truth::True,
        ),
        (leaf("history.previous_trips", "ge", json!(5)), Truth::False),
        (
            leaf("pnr.booking_date", "lt", json!("2026-11-28")),
            Truth::True,
        ),
        (
            leaf("pnr.booking_date", "eq", json!("2026-11-27")),
            Truth::True,
        ),
        (
            leaf(
                "pnr.booking_date",
                "between",
                json!(["2026-12-01", "2026-12-31"]),
            ),
            Truth::False,
        ),
        (
            leaf("flight.departure_date", "in", json!(["2026-11-29"])),
            Truth::True,
        ),
        (
            json!({"field": "pnr.trip_duration_days", "op": "is_empty"}),
            Truth::True,
        ),
        (
            json!({"field": "traveller.age", "op": "is_not_empty"}),
            Truth::True,
        ),
    ];
    for (condition, expected) in cases {
        assert_eq!(truth(condition.clone(), &f), expected, "{condition}");
    }
}

#[test]
fn boolean_operators() {
    let f = facts(); // one-way, no frequent flyer, document GBR vs nationality ISL
    assert_eq!(
        truth(leaf("pnr.one_way", "eq", json!(true)), &f),
        Truth::True
    );
    assert_eq!(
        truth(leaf("pnr.one_way", "ne", json!(true)), &f),
        Truth::False
    );
    assert_eq!(
        truth(leaf("pnr.frequent_flyer", "eq", json!(false)), &f),
        Truth::True
    );
    assert_eq!(
        truth(
            leaf("traveller.document_country_differs", "eq", json!(true)),
            &f
        ),
        Truth::True
    );
    assert_eq!(
        truth(json!({"field": "pnr.one_way", "op": "is_empty"}), &f),
        Truth::False
    );
}

#[test]
fn groups_combine_outcomes() {
    let f = facts();
    let t = leaf("flight.origin", "eq", json!("SIN"));
    let no = leaf("flight.origin", "eq", json!("LHR"));
    let unknown = leaf("pnr.trip_duration_days", "gt", json!(3));
    assert_eq!(truth(json!({"all": [t, t]}), &f), Truth::True);
    assert_eq!(truth(json!({"all": [t, no]}), &f), Truth::False);
    assert_eq!(truth(json!({"any": [no, t]}), &f), Truth::True);
    assert_eq!(truth(json!({"any": [no, no]}), &f), Truth::False);
    assert_eq!(truth(json!({"not": no}), &f), Truth::True);
    assert_eq!(truth(json!({"not": {"any": [no, t]}}), &f), Truth::False);
    // Three-valued logic: unknown decides only where the other members cannot.
    assert_eq!(truth(json!({"all": [t, unknown]}), &f), Truth::Unknown);
    assert_eq!(truth(json!({"all": [no, unknown]}), &f), Truth::False);
    assert_eq!(truth(json!({"any": [t, unknown]}), &f), Truth::True);
    assert_eq!(truth(json!({"any": [no, unknown]}), &f), Truth::Unknown);
}

#[test]
fn missing_data_never_makes_a_rule_match() {
    let f = without_pnr();
    for condition in [
        leaf("pnr.payment_type", "eq", json!("CA")),
        leaf("pnr.payment_type", "ne", json!("CA")),
        leaf("pnr.payment_type", "not_in", json!(["CC"])),
        leaf("pnr.route", "not_in", json!(["IST"])),
        leaf("pnr.one_way", "eq", json!(false)),
        leaf("pnr.booking_lead_days", "lt", json!(3)),
        leaf("history.previous_hits", "eq", json!(0)),
        json!({"not": leaf("pnr.payment_type", "eq", json!("CA"))}),
        json!({"not": {"all": [leaf("pnr.agency", "eq", json!("X"))]}}),
    ] {
        let r = rule(condition.clone());
        assert!(!r.matches(&f), "{condition}");
        let e = r.evaluate(&f);
        assert_eq!((e.matched, e.truth), (false, Truth::Unknown), "{condition}");
        assert!(
            e.explanation.contains("is not known"),
            "{condition}: {}",
            e.explanation
        );
    }
    // Asking whether the data is missing is the one question missing data answers.
    assert_eq!(
        truth(json!({"field": "pnr.payment_type", "op": "is_empty"}), &f),
        Truth::True
    );
    assert_eq!(
        truth(json!({"field": "pnr.route", "op": "is_not_empty"}), &f),
        Truth::False
    );
    // Facts the server fills by hand with everything missing evaluate without panicking.
    let nothing = Facts::default();
    for info in catalogue() {
        let r = rule(json!({"field": info.name, "op": "is_not_empty"}));
        assert_eq!(r.truth(&nothing), Truth::False, "{}", info.name);
        assert!(!r.evaluate(&nothing).explanation.is_empty());
    }
}

// ---------------------------------------------------------------------------------------------
// Explanations

#[test]
fn a_match_is_explained_by_its_true_leaves() {
    let r = rule(json!({"all": [
        leaf("traveller.nationality", "in", json!(["ISL"])),
        leaf("flight.origin", "eq", json!("SIN")),
    ]}));
    let e = r.evaluate(&facts());
    assert!(e.matched);
    assert_eq!(
        e.explanation,
        "nationality is ISL (in [ISL]) and origin is SIN"
    );
    assert_eq!(e.leaves.len(), 2);
    assert_eq!(e.leaves[1].path, "/condition/all/1");
    assert_eq!(e.leaves[1].field, "flight.origin");
    assert_eq!(e.leaves[1].truth, Truth::True);
}

#[test]
fn explanations_name_only_the_deciding_leaves() {
    let f = facts();
    let r = rule(json!({"all": [
        {"any": [leaf("flight.origin", "eq", json!("LHR")), leaf("pnr.route", "contains", json!("DXB"))]},
        leaf("pnr.booking_lead_days", "le", json!(3)),
        leaf("pnr.payment_type", "in", json!(["CA", "MS"])),
        {"not": leaf("traveller.age", "lt", json!(18))},
    ]}));
    let e = r.evaluate(&f);
    assert!(e.matched);
    assert_eq!(
        e.explanation,
        "route is SIN, DXB, KEF (includes DXB), booking lead time is 2 days (at most 3 days), \
         payment type is CA (in [CA, MS]) and age is 35 (not less than 18)"
    );

    let miss = rule(json!({"all": [
        leaf("traveller.nationality", "in", json!(["NOR", "SWE"])),
        leaf("flight.origin", "eq", json!("SIN")),
    ]}));
    let e = miss.evaluate(&f);
    assert!(!e.matched);
    assert_eq!(e.explanation, "nationality is ISL (not in [NOR, SWE])");

    let unknown = rule(
        json!({"all": [leaf("flight.origin", "eq", json!("SIN")), leaf("pnr.agency", "starts_with", json!("AGT"))]}),
    );
    let e = unknown.evaluate(&without_pnr());
    assert_eq!(e.truth, Truth::Unknown);
    assert_eq!(e.explanation, "booking agency is not known");

    let dates = rule(json!({"all": [
        leaf("pnr.booking_date", "ge", json!("2026-11-01")),
        leaf("pnr.one_way", "eq", json!(true)),
        leaf("traveller.document_expiry_days", "between", json!([0, 90])),
    ]}));
    assert_eq!(
        dates.evaluate(&f).explanation,
        "booking date is 2026-11-27 (on or after 2026-11-01), the booking is one-way and \
         document validity after departure is 40 days (between 0 days and 90 days)"
    );
}

// ---------------------------------------------------------------------------------------------
// Rule sets

#[test]
fn a_rule_set_finds_exactly_what_each_rule_finds() {
    let conditions = [
        leaf("traveller.nationality", "in", json!(["ISL", "NOR"])),
        json!({"all": [leaf("flight.origin", "eq", json!("SIN")), leaf("traveller.age", "ge", json!(30))]}),
        json!({"all": [leaf("pnr.route", "in", json!(["DXB", "KEF"])), leaf("pnr.one_way", "eq", json!(true))]}),
        json!({"any": [leaf("traveller.nationality", "eq", json!("SWE")), leaf("pnr.payment_type", "eq", json!("CA"))]}),
        json!({"all": [leaf("pnr.email_domain", "eq", json!("MAILINATOR.COM")), leaf("traveller.gender", "eq", json!("F"))]}),
        json!({"not": leaf("traveller.nationality", "eq", json!("ISL"))}),
        leaf("traveller.nationality", "eq", json!("SWE")),
        json!({"all": [leaf("pnr.route", "contains", json!("DXB")), leaf("flight.carrier", "in", json!(["ZZ", "YY"]))]}),
    ];
    let rules: Vec<(String, CompiledRule)> = conditions
        .iter()
        .enumerate()
        .map(|(i, c)| (format!("r{i}"), rule(c.clone())))
        .collect();
    let set = RuleSet::new(rules.clone());
    assert_eq!(set.len(), conditions.len());

    let mut lower = facts();
    lower.traveller.nationality = Some("nor".into());
    let mut swede = without_pnr();
    swede.traveller.nationality = Some("SWE".into());
    let mut stateless = facts();
    stateless.traveller.nationality = None;
    for f in [
        facts(),
        without_pnr(),
        lower,
        swede,
        stateless,
        Facts::default(),
    ] {
        let expected: Vec<usize> = rules
            .iter()
            .enumerate()
            .filter(|(_, (_, r))| r.matches(&f))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(set.matching(&f), expected);
        let screened = set.screen(&f);
        assert_eq!(
            screened.iter().map(|m| m.position).collect::<Vec<_>>(),
            expected
        );
        for m in &screened {
            assert_eq!(m.key, &rules[m.position].0);
            assert_eq!(m.explanation, rules[m.position].1.explain(&f));
        }
    }
    // The sample traveller: ISL, from SIN, aged 35, one-way via DXB to KEF, cash, mailinator.
    assert_eq!(set.matching(&facts()), vec![0, 1, 2, 3, 4, 7]);
}

// ---------------------------------------------------------------------------------------------
// Scores, bands and rule metadata

#[test]
fn compiled_rules_can_be_shared_across_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<CompiledRule>();
    shared::<RuleSpec>();
}

#[test]
fn scores_sum_weights_and_cap_at_100() {
    assert_eq!(score([].into_iter()), 0);
    assert_eq!(score([30u8, 20].into_iter()), 50);
    assert_eq!(score([60u8, 50].into_iter()), 100);
    assert_eq!(score(std::iter::repeat_n(255u8, 10_000)), 100);
}

#[test]
fn bands_have_default_and_configurable_thresholds() {
    let b = Bands::default();
    assert_eq!((b.high, b.medium), (70, 40));
    assert_eq!(b.band(0), Band::Low);
    assert_eq!(b.band(39), Band::Low);
    assert_eq!(b.band(40), Band::Medium);
    assert_eq!(b.band(69), Band::Medium);
    assert_eq!(b.band(70), Band::High);
    assert_eq!(b.band(100), Band::High);
    let strict = Bands::new(50, 20).unwrap();
    assert_eq!(strict.band(25), Band::Medium);
    assert_eq!(strict.band(50), Band::High);
    assert!(Bands::new(30, 40).is_err());
    assert!(Bands::new(101, 40).is_err());
    assert!(Bands::new(70, 0).is_err());
    assert_eq!(serde_json::to_value(Band::High).unwrap(), json!("high"));
    assert!(Band::High > Band::Medium && Band::Medium > Band::Low);
}

fn body() -> Value {
    json!({
        "name": "Travellers of Iceland from SIN",
        "category": "drugs",
        "severity": "high",
        "weight": 50,
        "state": "live",
        "condition": {"all": [
            leaf("traveller.nationality", "in", json!(["ISL"])),
            leaf("flight.origin", "eq", json!("SIN")),
        ]},
        "rationale": "Made-up example.",
        "review_by": "2027-06-30",
    })
}

fn body_with(key: &str, value: Value) -> Value {
    let mut b = body();
    b[key] = value;
    b
}

#[test]
fn a_rule_body_validates_as_a_whole() {
    let spec = RuleSpec::validate(&body()).unwrap();
    assert_eq!(spec.weight, 50);
    assert_eq!(spec.state, RuleState::Live);
    assert_eq!(spec.severity, Severity::High);
    assert_eq!(spec.review_by, Some(date("2027-06-30")));
    assert_eq!(spec.scored_weight(), 50);
    assert!(CompiledRule::compile(&spec.condition).matches(&facts()));
    // Stored JSON reads back as the same rule.
    let stored = serde_json::to_value(&spec).unwrap();
    assert_eq!(serde_json::from_value::<RuleSpec>(stored).unwrap(), spec);
    assert_eq!(
        serde_json::to_value(RuleState::Shadow).unwrap(),
        json!("shadow")
    );
}

#[test]
fn rule_body_errors_name_the_property() {
    let cases = [
        (
            body_with("weight", json!(101)),
            ErrorCode::BadValue,
            "/weight",
        ),
        (
            body_with("weight", json!(-1)),
            ErrorCode::BadValue,
            "/weight",
        ),
        (
            body_with("weight", json!("50")),
            ErrorCode::BadValue,
            "/weight",
        ),
        (
            body_with("weight", json!(50.5)),
            ErrorCode::BadValue,
            "/weight",
        ),
        (body_with("name", json!("  ")), ErrorCode::BadValue, "/name"),
        (
            body_with("state", json!("enabled")),
            ErrorCode::BadValue,
            "/state",
        ),
        (
            body_with("severity", json!("top")),
            ErrorCode::BadValue,
            "/severity",
        ),
        (
            body_with("review_by", json!("next year")),
            ErrorCode::BadValue,
            "/review_by",
        ),
        (
            body_with("wieght", json!(3)),
            ErrorCode::UnknownProperty,
            "/wieght",
        ),
        (
            body_with("condition", json!(null)),
            ErrorCode::MissingProperty,
            "/condition",
        ),
        (
            body_with(
                "condition",
                json!({"all": [leaf("flight.origin", "eq", json!("SIN")), leaf("traveller.religion", "eq", json!("X"))]}),
            ),
            ErrorCode::UnknownField,
            "/condition/all/1/field",
        ),
        (
            body_with("valid_to", json!("2026-01-01"))
                .as_object()
                .cloned()
                .map(|mut o| {
                    o.insert("valid_from".into(), json!("2026-02-01"));
                    Value::Object(o)
                })
                .unwrap(),
            ErrorCode::BadValue,
            "/valid_to",
        ),
        (json!([]), ErrorCode::BadShape, ""),
    ];
    for (b, code, path) in cases {
        let e = RuleSpec::validate(&b).expect_err("should be refused");
        assert_eq!((e.code, e.path.as_str()), (code, path), "{}", e.message);
    }
    let mut no_name = body();
    no_name.as_object_mut().unwrap().remove("name");
    let e = RuleSpec::validate(&no_name).unwrap_err();
    assert_eq!(
        (e.code, e.path.as_str()),
        (ErrorCode::MissingProperty, "/name")
    );
}

#[test]
fn validity_window_and_states() {
    let spec = RuleSpec::validate(&json!({
        "name": "n", "category": "c", "severity": "low", "weight": 10, "state": "shadow",
        "condition": leaf("flight.origin", "eq", json!("SIN")),
        "valid_from": "2026-01-01", "valid_to": "2026-12-31",
    }))
    .unwrap();
    assert!(spec.in_force_on(date("2026-01-01")));
    assert!(spec.in_force_on(date("2026-12-31")));
    assert!(!spec.in_force_on(date("2027-01-01")));
    assert!(!spec.in_force_on(date("2025-12-31")));
    // Shadow rules run but do not score.
    assert!(spec.state.is_evaluated());
    assert_eq!(spec.scored_weight(), 0);
    assert!(!RuleState::Draft.is_evaluated() && !RuleState::Retired.is_evaluated());
}

#[test]
fn shipped_example_rules_validate() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/rules/examples.json"
    );
    let text = std::fs::read_to_string(path).expect("fixtures/rules/examples.json");
    let examples: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert!(examples.len() >= 5);
    let mut names = std::collections::HashSet::new();
    for (i, e) in examples.iter().enumerate() {
        let spec = RuleSpec::validate(e).unwrap_or_else(|err| panic!("example {i}: {err}"));
        assert!(
            names.insert(spec.name.clone()),
            "duplicate name {}",
            spec.name
        );
        assert!(spec.rationale.is_some(), "example {i} has no rationale");
        assert!(
            spec.review_by.is_some(),
            "example {i} has no review_by date"
        );
        // Examples must not profile protected characteristics: nationality and gender are
        // never the only thing a rule looks at.
        let fields = spec.condition.fields();
        let profiling = ["traveller.nationality", "traveller.gender"];
        assert!(
            fields.iter().any(|f| !profiling.contains(&f.name())),
            "example {i} profiles people"
        );
    }
    // The sample traveller (cash, booked two days ahead, one-way via DXB) trips some of them.
    let hits = examples
        .iter()
        .map(|e| RuleSpec::validate(e).unwrap())
        .filter(|s| CompiledRule::compile(&s.condition).matches(&facts()))
        .count();
    assert!(hits >= 1);
}

#[test]
fn the_operators_listed_for_a_type_are_the_ones_validation_accepts() {
    use paxrisk_screening::rules::{catalogue, operators_for, Op};
    let all = [
        "eq",
        "ne",
        "lt",
        "le",
        "gt",
        "ge",
        "in",
        "not_in",
        "between",
        "starts_with",
        "ends_with",
        "contains",
        "is_empty",
        "is_not_empty",
    ];
    for f in catalogue() {
        let listed: Vec<&str> = operators_for(f.ty).into_iter().map(Op::as_str).collect();
        assert!(!listed.is_empty(), "{}", f.name);
        for op in all {
            // A value of the right shape for each operator; only the operator may be refused.
            let value = match op {
                "is_empty" | "is_not_empty" => None,
                "in" | "not_in" => Some(json!([sample(f.ty)])),
                "between" => Some(json!([sample(f.ty), sample(f.ty)])),
                _ => Some(sample(f.ty)),
            };
            let mut leaf = json!({"field": f.name, "op": op});
            if let Some(v) = value {
                leaf["value"] = v;
            }
            let refused = matches!(
                paxrisk_screening::rules::validate(&leaf),
                Err(e) if e.code == ErrorCode::IncompatibleOperator
            );
            assert_eq!(listed.contains(&op), !refused, "{} {op}", f.name);
        }
    }
}

fn sample(ty: paxrisk_screening::rules::FieldType) -> Value {
    use paxrisk_screening::rules::FieldType::*;
    match ty {
        Text | TextList => json!("X"),
        Integer => json!(1),
        Number => json!(1.5),
        Boolean => json!(true),
        Date => json!("2026-01-01"),
    }
}
