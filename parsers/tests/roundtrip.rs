//! Round trips: model → write → parse → the same model, for every field the writers write.
//!
//! Values are drawn across the ranges the formats can carry without loss: two-digit years place
//! dates of birth in the hundred years up to the reference date and travel and expiry dates in
//! this century, so the parser is run with a pinned reference date.

use chrono::NaiveDate;
use paxrisk_parsers::write::{write_paxlst, write_pnrgov, WriteOptions};
use paxrisk_parsers::*;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
}

/// A date between `from` and `to` (inclusive) as `YYYY-MM-DD`.
fn date(from: (i32, u32, u32), to: (i32, u32, u32)) -> impl Strategy<Value = String> {
    let a = NaiveDate::from_ymd_opt(from.0, from.1, from.2).unwrap();
    let b = NaiveDate::from_ymd_opt(to.0, to.1, to.2).unwrap();
    (0..=(b - a).num_days()).prop_map(move |d| {
        (a + chrono::Duration::days(d))
            .format("%Y-%m-%d")
            .to_string()
    })
}

fn birth_date() -> impl Strategy<Value = String> {
    date((1927, 1, 1), (2026, 11, 29))
}

fn past_date() -> impl Strategy<Value = String> {
    date((2000, 1, 1), (2026, 11, 29))
}

fn future_date() -> impl Strategy<Value = String> {
    date((2000, 1, 1), (2070, 12, 31))
}

/// A local travel time `YYYY-MM-DDTHH:MM`.
fn local_time() -> impl Strategy<Value = String> {
    (future_date(), 0..24u32, 0..60u32).prop_map(|(d, h, m)| format!("{d}T{h:02}:{m:02}"))
}

/// Names with every EDIFACT service character in them, to exercise escaping.
fn name() -> impl Strategy<Value = String> {
    "[A-Z][A-Z'?:+-]{0,10}( [A-Z][A-Z'?:+-]{0,8})?"
}

fn given_names() -> impl Strategy<Value = String> {
    prop_oneof![1 => Just(String::new()), 6 => "[A-Z][A-Z'?:+-]{0,8}( [A-Z][A-Z'-]{0,8}){0,2}"]
}

fn code3() -> impl Strategy<Value = String> {
    "[A-Z]{3}"
}

fn leg() -> impl Strategy<Value = Leg> {
    (
        code3(),
        code3(),
        option::of(local_time()),
        option::of(local_time()),
    )
        .prop_map(|(o, d, dep, arr)| Leg {
            origin: o.into(),
            destination: d.into(),
            departure_local: dep.map(Into::into),
            arrival_local: arr.map(Into::into),
        })
}

fn flight() -> impl Strategy<Value = Flight> {
    ("[A-Z]{2}", "[1-9][0-9]{0,3}", vec(leg(), 1..3)).prop_map(|(carrier, number, legs)| Flight {
        carrier: carrier.into(),
        number: number.into(),
        legs,
    })
}

fn document() -> impl Strategy<Value = Document> {
    (
        prop::sample::select(vec!["P", "I", "V", "AC", "IP"]),
        "[A-Z0-9]{5,12}",
        option::of(code3()),
        option::of(future_date()),
        option::of(past_date()),
    )
        .prop_map(
            |(t, number, issuing_country, expiry, issue_date)| Document {
                doc_type: t.into(),
                number: number.into(),
                issuing_country: issuing_country.map(Into::into),
                expiry: expiry.map(Into::into),
                issue_date: issue_date.map(Into::into),
            },
        )
}

fn kind() -> impl Strategy<Value = TravellerKind> {
    prop::sample::select(vec![
        TravellerKind::Passenger,
        TravellerKind::Crew,
        TravellerKind::TransitPassenger,
        TravellerKind::TransitCrew,
    ])
}

fn gender() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["M", "F", "U", "X"]).prop_map(str::to_string)
}

/// A manifest traveller with every field PAXLST carries.
fn api_traveller() -> impl Strategy<Value = Traveller> {
    let identity = (
        kind(),
        name(),
        given_names(),
        option::of(birth_date()),
        option::of(gender()),
        option::of(code3()),
    );
    let places = (
        option::of(code3()),
        option::of("[A-Z]{3,12}"),
        option::of(code3()),
        option::of(code3()),
        option::of(code3()),
    );
    let extra = (
        vec(document(), 0..3),
        option::of("[0-9]{1,4} [A-Z]{4,10} ST"),
        vec("[0-9]{6,12}", 0..2),
        option::of("[1-9][0-9]?[A-K]"),
        option::of("[A-Z0-9]{6}"),
        vec(
            (
                prop::sample::select(vec!["ABO", "YZY", "AEA", "CR"]),
                "[A-Z0-9]{4,12}",
            ),
            0..3,
        ),
    );
    let bags = (
        option::of(0..9u32),
        option::of("[1-9][0-9]? (KGM|LBR)"),
        vec("[0-9]{10}", 0..3),
        vec(prop::sample::select(vec!["173", "174"]), 0..2),
        option::of("CR[1-5]"),
    );
    (identity, places, extra, bags).prop_map(|(i, p, e, b)| Traveller {
        kind: i.0,
        surname: i.1.into(),
        given_names: i.2.into(),
        date_of_birth: i.3.map(Into::into),
        gender: i.4.map(Into::into),
        nationality: i.5.map(Into::into),
        residence: p.0.map(Into::into),
        birth_place: p.1.map(Into::into),
        embarkation: p.2.map(Into::into),
        debarkation: p.3.map(Into::into),
        clearance: p.4.map(Into::into),
        documents: e.0,
        address: e.1.map(Into::into),
        contacts: e.2.into_iter().map(Into::into).collect(),
        seat: e.3.map(Into::into),
        record_locator: e.4.map(Into::into),
        references: e
            .5
            .into_iter()
            .map(|(q, v)| format!("{q}:{v}"))
            .map(Into::into)
            .collect(),
        bag_count: b.0,
        bag_weight: b.1.map(Into::into),
        bag_tags: b.2.into_iter().map(Into::into).collect(),
        verification: b
            .3
            .into_iter()
            .map(str::to_string)
            .map(Into::into)
            .collect(),
        crew_function: b.4.map(Into::into),
        ..Traveller::default()
    })
}

fn part() -> impl Strategy<Value = Option<Part>> {
    option::of((1..6u32, any::<bool>()).prop_map(|(sequence, last)| Part {
        sequence,
        first: sequence == 1,
        last,
    }))
}

fn manifest() -> impl Strategy<Value = Manifest> {
    (
        part(),
        flight(),
        vec(api_traveller(), 0..12),
        prop::sample::select(vec!["745", "250", "266"]),
        option::of("[A-Z][A-Z ]{0,15}[A-Z]"),
        vec("[0-9]{6,12}", 0..2),
        option::of("[A-Z0-9]{6,14}"),
        option::of(prop::sample::select(vec!["CP", "CLOB", "C"])),
    )
        .prop_map(
            |(part, flight, travellers, code, party, contacts, tn, bgm)| {
                let mut references: Vec<String> =
                    bgm.map(|b| format!("BGM:{b}")).into_iter().collect();
                references.extend(tn.map(|t| format!("TN:{t}")));
                Manifest {
                    part,
                    flight,
                    travellers,
                    document_code: Some(code.into()),
                    reporting_party: party.map(Into::into),
                    reporting_contacts: contacts.into_iter().map(Into::into).collect(),
                    references: references.into_iter().map(Into::into).collect(),
                    ..Manifest::default()
                }
            },
        )
}

/// The only message in `bytes`, which must carry no error or warning.
fn parse_one(bytes: &[u8]) -> Message {
    let mut messages = parse_with(bytes, today());
    assert_eq!(messages.len(), 1, "{}", String::from_utf8_lossy(bytes));
    let m = messages.remove(0);
    let serious: Vec<_> = m
        .diagnostics()
        .iter()
        .filter(|d| d.severity != Severity::Info)
        .collect();
    assert!(
        serious.is_empty(),
        "{serious:#?}\n{}",
        String::from_utf8_lossy(bytes)
    );
    m
}

fn options() -> WriteOptions {
    WriteOptions {
        interchange_ref: Some("42".into()),
        message_ref: Some("M1".into()),
        common_access_ref: Some("ZZ101/261129/0800".into()),
        ..WriteOptions::default()
    }
}

/// What the parser adds of its own (envelope, diagnostics, the totals the writer derives).
fn expected_manifest(mut m: Manifest, parsed: &Manifest) -> Manifest {
    let crew = m
        .travellers
        .iter()
        .filter(|t| matches!(t.kind, TravellerKind::Crew | TravellerKind::TransitCrew))
        .count();
    let passengers = m.travellers.len() - crew;
    if passengers > 0 || crew == 0 {
        m.totals.push(("42".into(), passengers as u32));
    }
    if crew > 0 {
        m.totals.push(("41".into(), crew as u32));
    }
    m.envelope = parsed.envelope.clone();
    m.diagnostics = parsed.diagnostics.clone();
    m
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn paxlst_round_trips(m in manifest()) {
        let bytes = write_paxlst(&m, &options());
        let Message::Paxlst(parsed) = parse_one(&bytes) else { panic!("not PAXLST") };
        prop_assert_eq!(parsed.envelope.interchange_ref.as_deref(), Some("42"));
        prop_assert_eq!(parsed.envelope.message_ref.as_deref(), Some("M1"));
        prop_assert_eq!(parsed.envelope.common_access_ref.as_deref(), Some("ZZ101/261129/0800"));
        let expected = expected_manifest(m, &parsed);
        prop_assert_eq!(parsed, expected);
    }
}

/// TIF given names the parser will not take for a title (`JOHNMR` is JOHN with MR glued on).
fn booking_given_names() -> impl Strategy<Value = String> {
    "[A-Z][A-Z'-]{1,8}( [A-Z][A-Z'-]{1,8}){0,2}".prop_filter("ends like a title", |g| {
        paxrisk_parsers::pnrgov::strip_title(g) == *g
    })
}

/// A booked traveller of PNR `index`; `pushed` says whether seats and bags can be carried
/// (they travel in the pushed flight's check-in group).
fn pnr_traveller(index: usize, pushed: bool) -> impl Strategy<Value = Traveller> {
    let identity = (
        name(),
        booking_given_names(),
        option::of(birth_date()),
        option::of(prop::sample::select(vec!["M", "F"])),
        option::of(code3()),
    );
    let docs = vec(
        (
            prop::sample::select(vec!["P", "I"]),
            "[A-Z0-9]{5,12}",
            option::of(code3()),
            option::of(future_date()),
        )
            .prop_map(|(t, number, issuing_country, expiry)| Document {
                doc_type: t.into(),
                number: number.into(),
                issuing_country: issuing_country.map(Into::into),
                expiry: expiry.map(Into::into),
                issue_date: None,
            }),
        0..2,
    );
    let contact = prop_oneof!["[A-Z]{1,8}\\.[A-Z]{1,8}@EXAMPLE\\.COM", "\\+?[0-9]{6,12}"];
    let extra = (
        vec(contact, 0..2),
        option::of((code3(), option::of("[0-9]{1,4} [A-Z]{4,10} ST"))),
        option::of("[1-9][0-9]?[A-K]"),
        option::of((0..4u32, option::of(1_000_000_000u64..9_000_000_000))),
        option::of("[0-9]{9,13}"),
    );
    (identity, docs, extra).prop_map(move |(i, documents, e)| {
        let (bag_count, bag_tags) = match e.3.filter(|_| pushed) {
            Some((n, Some(first))) if n > 0 => (
                Some(n),
                (0..n as u64)
                    .map(|k| format!("{:010}", first + k))
                    .collect(),
            ),
            Some((n, _)) => (Some(n), Vec::new()),
            None => (None, Vec::new()),
        };
        Traveller {
            surname: i.0.into(),
            given_names: i.1.into(),
            date_of_birth: i.2.map(Into::into),
            gender: i.3.map(str::to_string).map(Into::into),
            nationality: i.4.map(Into::into),
            documents,
            contacts: e.0.into_iter().map(Into::into).collect(),
            residence: e.1.as_ref().map(|r| r.0.clone()).map(Into::into),
            address: e.1.and_then(|r| r.1).map(Into::into),
            seat: e.2.filter(|_| pushed).map(Into::into),
            bag_count,
            bag_tags: bag_tags.into_iter().map(Into::into).collect(),
            references: e
                .4
                .map(|r| format!("REF:{r}"))
                .into_iter()
                .map(Into::into)
                .collect(),
            traveller_ref: Some((index + 1).to_string().into()),
            ..Traveller::default()
        }
    })
}

fn other_segment() -> impl Strategy<Value = Segment> {
    (
        "[A-Z]{2}",
        "[1-9][0-9]{0,3}",
        code3(),
        code3(),
        option::of(local_time()),
        option::of(local_time()),
        option::of("[A-Z]{2}"),
    )
        .prop_map(
            |(carrier, number, origin, destination, dep, arr, operating_carrier)| Segment {
                carrier: carrier.into(),
                number: number.into(),
                origin: origin.into(),
                destination: destination.into(),
                departure_local: dep.map(Into::into),
                arrival_local: arr.map(Into::into),
                operating_carrier: operating_carrier.map(Into::into),
            },
        )
}

fn pnr(flight: Flight) -> impl Strategy<Value = Pnr> {
    let leg = flight.legs[0].clone();
    let this = Segment {
        carrier: flight.carrier.clone(),
        number: flight.number.clone(),
        origin: leg.origin,
        destination: leg.destination,
        departure_local: leg.departure_local,
        arrival_local: leg.arrival_local,
        operating_carrier: None,
    };
    let travellers = (1..4usize, any::<bool>()).prop_flat_map(|(n, pushed)| {
        let all: Vec<_> = (0..n).map(|i| pnr_traveller(i, pushed)).collect();
        (all, Just(pushed))
    });
    let head = (
        "[A-Z0-9]{6}",
        option::of(prop_oneof![
            past_date(),
            (past_date(), 0..24u32, 0..60u32).prop_map(|(d, h, m)| format!("{d}T{h:02}:{m:02}"))
        ]),
        option::of(past_date()),
        option::of("[0-9]{8}"),
        option::of(0..5u32),
    );
    let contact = prop_oneof![
        "[A-Z]{1,8}\\.[A-Z]{1,8}@EXAMPLE\\.COM".prop_map(|v| Contact {
            kind: "email".into(),
            value: v.into()
        }),
        "\\+?[0-9]{6,12}".prop_map(|v| Contact {
            kind: "phone".into(),
            value: v.into()
        }),
        "[0-9]{1,4} [A-Z]{4,10} ROAD".prop_map(|v| Contact {
            kind: "address".into(),
            value: v.into()
        }),
    ];
    let payment = (
        prop::sample::select(vec!["CC", "CA", "MS", "IN"]),
        option::of("X{12}[0-9]{4}"),
        option::of("[1-9][0-9]{0,3}\\.[0-9]{2}"),
    )
        .prop_map(|(t, card, amount)| Payment {
            payment_type: t.into(),
            card: card.map(Into::into),
            amount: amount.map(Into::into),
        });
    let ssr = (
        prop::sample::select(vec!["TKNE", "VGML", "WCHR", "OTHS"]),
        option::of("[A-Z0-9]{4,14}"),
        option::of(1..6usize),
    );
    let split = (option::of("[A-Z0-9]{6}"), option::of(1..9u32)).prop_map(|(l, n)| SplitPnr {
        record_locator: l.unwrap_or_default().into(),
        travellers: n,
    });
    let body = (
        vec(contact, 0..3),
        vec(payment, 0..2),
        vec("[A-Z]{2}[0-9]{5,9}", 0..2),
        vec("[A-Z]{3,8}( [A-Z]{2,8}){0,3}", 0..2),
        vec(ssr, 0..4),
        vec(other_segment(), 0..3),
        option::of("[6-9][0-9][A-K]"),
    );
    (head, travellers, body, vec(split, 0..2)).prop_map(
        move |(h, (travellers, pushed), b, splits)| {
            let mut itinerary = b.5;
            itinerary.insert(0, this.clone());
            // Seats not assigned to anyone ride on the pushed segment too.
            let seats =
                b.6.filter(|s| {
                    pushed
                        && !travellers
                            .iter()
                            .any(|t| t.seat.as_deref() == Some(s.as_str()))
                })
                .into_iter()
                .map(Into::into)
                .collect();
            let ssrs =
                b.4.into_iter()
                    .map(|(code, text, who)| Ssr {
                        code: code.into(),
                        text: text.map(Into::into),
                        traveller_ref: who
                            .map(|w| ((w - 1) % travellers.len() + 1).to_string())
                            .map(Into::into),
                    })
                    .collect();
            Pnr {
                record_locator: h.0.into(),
                created: h.1.map(Into::into),
                booking_date: h.2.map(Into::into),
                agency: h.3.map(Into::into),
                bag_count: h.4,
                travellers,
                itinerary,
                contacts: b.0,
                payments: b.1,
                frequent_flyer: b.2.into_iter().map(Into::into).collect(),
                remarks: b.3.into_iter().map(Into::into).collect(),
                ssrs,
                seats,
                splits,
                ..Pnr::default()
            }
        },
    )
}

fn push() -> impl Strategy<Value = PnrPush> {
    (
        part(),
        flight().prop_filter("needs a departure", |f| f.legs[0].departure_local.is_some()),
    )
        .prop_flat_map(|(part, flight)| (Just(part), Just(flight.clone()), vec(pnr(flight), 0..4)))
        .prop_map(|(part, flight, pnrs)| PnrPush {
            part,
            flight,
            pnrs,
            ..PnrPush::default()
        })
}

/// Puts what the parser orders its own way (contacts typed after free ones, SSRs by group) in
/// one order on both sides.
fn canonical(mut p: PnrPush) -> PnrPush {
    for pnr in &mut p.pnrs {
        pnr.contacts
            .sort_by(|a, b| (&a.kind, &a.value).cmp(&(&b.kind, &b.value)));
        pnr.ssrs.sort_by(|a, b| {
            (&a.traveller_ref, &a.code, &a.text).cmp(&(&b.traveller_ref, &b.code, &b.text))
        });
    }
    p.diagnostics.clear();
    p.envelope = Envelope::default();
    p
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// A push written in parts (each its own interchange, EQN the push's total) and read back
    /// part by part reassembles, out of order and with a part sent twice, to the whole push.
    #[test]
    fn pnrgov_parts_reassemble(p in push(), n in 1..4usize, twice in 0..4usize) {
        let mut p = p;
        p.part = None;
        let total = p.pnrs.len() as u32;
        let size = p.pnrs.len().div_ceil(n).max(1);
        let chunks: Vec<Vec<Pnr>> = if p.pnrs.is_empty() {
            vec![Vec::new()]
        } else {
            p.pnrs.chunks(size).map(<[Pnr]>::to_vec).collect()
        };
        let k = chunks.len();
        let mut parsed = Vec::new();
        for (i, pnrs) in chunks.into_iter().enumerate() {
            let part = PnrPush {
                part: Some(Part { sequence: i as u32 + 1, first: i == 0, last: i + 1 == k }),
                pnrs,
                ..p.clone()
            };
            let opts = WriteOptions { pnr_total: Some(total), ..options() };
            let Message::Pnrgov(x) = parse_one(&write_pnrgov(&part, &opts)) else {
                panic!("not PNRGOV")
            };
            prop_assert_eq!(x.part, part.part, "each part carries its sequence");
            prop_assert!(
                !x.diagnostics.iter().any(|d| d.message.contains("EQN")),
                "a part's EQN is the push's total, not a mismatch"
            );
            parsed.push(x);
        }
        parsed.reverse();
        let again = parsed[twice % parsed.len()].clone();
        parsed.push(again);
        let whole = paxrisk_parsers::pnrgov::reassemble(parsed).expect("complete");
        prop_assert_eq!(whole.part.map(|x| (x.first, x.last)), Some((true, true)));
        let mut expected = p.clone();
        expected.part = whole.part;
        prop_assert_eq!(canonical(whole), canonical(expected));
    }

}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn pnrgov_round_trips(p in push()) {
        let bytes = write_pnrgov(&p, &options());
        let Message::Pnrgov(parsed) = parse_one(&bytes) else { panic!("not PNRGOV") };
        prop_assert_eq!(parsed.envelope.interchange_ref.as_deref(), Some("42"));
        prop_assert_eq!(parsed.envelope.message_ref.as_deref(), Some("M1"));
        prop_assert_eq!(canonical(parsed), canonical(p));
    }
}
