//! The project's own hand-written messages (fixtures/messages, made-up people), each checked
//! field by field against what the file says.

mod support;

use paxrisk_parsers::{Message, Severity, TravellerKind};
use support::{fixture, manifest, parse, push};

#[test]
fn d12b_over_type_b_with_every_person_segment() {
    let m = manifest(&fixture("paxlst_d12b_type_b.edi"));
    // Only a note that the Type B header was skipped.
    assert_eq!(m.diagnostics.len(), 1, "{:?}", m.diagnostics);
    assert_eq!(m.diagnostics[0].severity, Severity::Info);
    assert_eq!(
        (m.flight.carrier.as_str(), m.flight.number.as_str()),
        ("ZZ", "777")
    );
    assert_eq!(m.envelope.version.as_deref(), Some("D:12B"));
    let kinds: Vec<_> = m.travellers.iter().map(|t| t.kind).collect();
    assert_eq!(
        kinds,
        [
            TravellerKind::Passenger,
            TravellerKind::TransitPassenger,
            TravellerKind::Crew,
            TravellerKind::TransitCrew
        ]
    );
    let a = &m.travellers[0];
    assert_eq!(
        (a.surname.as_str(), a.given_names.as_str()),
        ("EXAMPLE", "ANNA MARIA LUISA")
    );
    assert_eq!(
        (a.gender.as_deref(), a.date_of_birth.as_deref()),
        (Some("F"), Some("1985-03-14"))
    );
    assert_eq!(
        (a.bag_count, a.bag_weight.as_deref()),
        (Some(2), Some("31 KGM"))
    );
    assert_eq!(a.bag_tags, ["ZZ100200", "ZZ100201"]);
    assert_eq!(a.verification, ["173"]);
    assert_eq!(
        (a.residence.as_deref(), a.birth_place.as_deref()),
        (Some("NLD"), Some("UTRECHT NLD"))
    );
    assert_eq!(
        (a.record_locator.as_deref(), a.seat.as_deref()),
        (Some("ZZQ1W2"), Some("14C"))
    );
    assert_eq!(a.documents.len(), 2);
    let p = &a.documents[0];
    assert_eq!((p.doc_type.as_str(), p.number.as_str()), ("P", "NX0000001"));
    assert_eq!(
        (p.expiry.as_deref(), p.issue_date.as_deref()),
        (Some("2031-01-01"), Some("2021-01-01"))
    );
    assert_eq!(a.documents[1].issuing_country.as_deref(), Some("ARE"));
    let b = &m.travellers[1];
    assert_eq!(
        (b.surname.as_str(), b.given_names.as_str()),
        ("SAMPLE", "BOB*JR"),
        "released element separator"
    );
    assert_eq!(b.date_of_birth.as_deref(), Some("1930-01-01"));
    assert_eq!(m.travellers[2].date_of_birth.as_deref(), Some("1999-12-31"));
    assert_eq!(m.travellers[2].crew_function.as_deref(), Some("CR1"));
    assert_eq!(m.travellers[3].gender.as_deref(), Some("X"));
    assert_eq!(m.totals, [("42".into(), 2), ("41".into(), 2)]);
}

#[test]
fn three_parts_in_one_interchange_inside_a_log() {
    let msgs = parse(&fixture("paxlst_three_parts_in_a_log.edi"));
    let parts: Vec<_> = msgs
        .iter()
        .map(|m| match m {
            Message::Paxlst(x) => {
                let p = x.part.expect("part");
                (
                    p.sequence,
                    p.first,
                    p.last,
                    x.travellers[0].given_names.clone(),
                )
            }
            other => panic!("not PAXLST: {other:?}"),
        })
        .collect();
    assert_eq!(
        parts,
        [
            (1, true, false, "EVE".into()),
            (2, false, false, "FRANK".into()),
            (3, false, true, "GINA".into())
        ]
    );
    let Message::Paxlst(first) = &msgs[0] else {
        unreachable!()
    };
    assert_eq!(first.travellers[0].surname, "O'TESTER");
    assert_eq!(
        first.envelope.common_access_ref.as_deref(),
        Some("ZZ888/261129/0800")
    );
    let Message::Paxlst(last) = &msgs[2] else {
        unreachable!()
    };
    assert_eq!(last.envelope.version.as_deref(), Some("D:15B"));
    // CNT 42:3 is the total of the three parts: no count mismatch is reported per part.
    let all: Vec<_> = msgs.iter().flat_map(|m| m.diagnostics()).collect();
    assert!(all.iter().all(|d| d.severity != Severity::Error), "{all:?}");
    assert!(all
        .iter()
        .any(|d| d.severity == Severity::Info && d.message.contains("before the first segment")));
    assert!(all
        .iter()
        .any(|d| d.message.contains("after the last interchange")));
}

#[test]
fn unoc_is_decoded_as_latin1() {
    let m = manifest(&fixture("paxlst_unoc_latin1.edi"));
    assert_eq!(
        (
            m.travellers[0].surname.as_str(),
            m.travellers[0].given_names.as_str()
        ),
        ("M\u{dc}LLER-EXEMPEL", "J\u{d6}RG")
    );
    assert!(m.diagnostics.is_empty(), "{:?}", m.diagnostics);
}

#[test]
fn unoy_is_decoded_as_utf8() {
    let m = manifest(&fixture("paxlst_unoy_utf8.edi"));
    assert_eq!(
        m.travellers[0].surname,
        "\u{41f}\u{420}\u{418}\u{41c}\u{415}\u{420}\u{41e}\u{412}"
    );
    assert!(m.diagnostics.is_empty(), "{:?}", m.diagnostics);
}

#[test]
fn damage_costs_only_the_damaged_segments() {
    let m = manifest(&fixture("paxlst_damaged.edi"));
    let names: Vec<_> = m.travellers.iter().map(|t| t.surname.as_str()).collect();
    assert_eq!(names, ["GOODPERSON", "SECONDPERSON", "THIRDPERSON"]);
    assert_eq!(m.travellers[0].date_of_birth, None, "30 February");
    assert_eq!(m.travellers[0].gender.as_deref(), Some("M"));
    assert_eq!(m.travellers[0].documents[0].expiry, None);
    assert_eq!(
        m.travellers[1].date_of_birth, None,
        "the DTM belongs to the skipped party"
    );
    assert_eq!(m.flight.legs[0].departure_local, None, "month 13");
    let has = |seg: &str, sev: Severity, words: &str| {
        m.diagnostics
            .iter()
            .any(|d| d.segment == seg && d.severity == sev && d.message.contains(words))
    };
    assert!(has("DTM", Severity::Warning, "date of birth"));
    assert!(has("", Severity::Error, "do not start with a segment tag"));
    assert!(has("NAD", Severity::Warning, "ZZZ"));
    assert!(has("QTY", Severity::Info, "skipped"));
    assert!(has(
        "CNT",
        Severity::Warning,
        "declares 7 passengers but the message holds 3"
    ));
    assert!(has("UNT", Severity::Warning, "declares 99"));
    assert!(has("UNT", Severity::Warning, "reference"));
    assert!(has("UNZ", Severity::Warning, "reference"));
    assert!(has("", Severity::Warning, "after the last interchange"));
    for d in &m.diagnostics {
        for personal in ["GOODPERSON", "ALPHA", "AA0000001", "800230"] {
            assert!(!d.message.contains(personal), "personal data in {d:?}");
        }
    }
}

#[test]
fn pnrgov_15_1() {
    let p = push(&fixture("pnrgov_15_1.edi"));
    assert_eq!(p.pnrs.len(), 3);
    assert_eq!(p.envelope.version.as_deref(), Some("15:1"));
    let part = p.part.expect("01:C");
    assert_eq!((part.sequence, part.first, part.last), (1, true, false));
    assert_eq!(
        (p.flight.carrier.as_str(), p.flight.number.as_str()),
        ("ZZ", "101")
    );

    let a = &p.pnrs[0];
    assert_eq!(a.record_locator, "ABC123");
    assert_eq!(a.created.as_deref(), Some("2026-10-01T09:15"));
    assert_eq!(a.agency.as_deref(), Some("12345678"));
    assert_eq!(a.bag_count, Some(1));
    assert!(a
        .contacts
        .iter()
        .any(|c| c.kind == "email" && c.value == "SAMPLE.CONTACT@EXAMPLE.COM"));
    assert!(a
        .contacts
        .iter()
        .any(|c| c.kind == "address" && c.value == "1 EXAMPLE ROAD, SINGAPORE, SG, 000001"));
    assert!(a
        .contacts
        .iter()
        .any(|c| c.kind == "phone" && c.value == "6500000000"));
    let names: Vec<_> = a
        .travellers
        .iter()
        .map(|t| (t.given_names.as_str(), t.infant))
        .collect();
    assert_eq!(
        names,
        [("ANNA MARIA", false), ("LUCAS", false), ("MIA", true)],
        "INFT names the infant TIF, no duplicate"
    );
    let anna = &a.travellers[0];
    assert_eq!(
        (
            anna.date_of_birth.as_deref(),
            anna.gender.as_deref(),
            anna.nationality.as_deref()
        ),
        (Some("1985-03-14"), Some("F"), Some("NLD"))
    );
    assert_eq!(
        (anna.residence.as_deref(), anna.address.as_deref()),
        (Some("NLD"), Some("1 VOORBEELDSTRAAT, UTRECHT, 3500AA"))
    );
    assert_eq!(anna.birth_place.as_deref(), Some("UTRECHT"));
    let docs: Vec<_> = anna
        .documents
        .iter()
        .map(|d| {
            (
                d.doc_type.as_str(),
                d.number.as_str(),
                d.issuing_country.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        docs,
        [
            ("P", "NX0000001", Some("NLD")),
            ("V", "VV0000002", Some("ARE"))
        ]
    );
    assert_eq!(anna.contacts, ["6590000000"]);
    assert_eq!(
        (anna.seat.as_deref(), anna.bag_count),
        (Some("14A"), Some(2))
    );
    assert_eq!(anna.bag_tags, ["0176100200", "0176100201"]);
    assert_eq!(a.travellers[1].seat.as_deref(), Some("14B"));
    assert!(
        a.travellers[1].documents.is_empty(),
        "LUCAS has no DOCS and is still a traveller"
    );
    assert_eq!(
        a.travellers[2].date_of_birth, None,
        "the infant has a TIF but no DOCS"
    );
    assert_eq!(a.itinerary.len(), 2);
    assert_eq!(
        a.itinerary[0].operating_carrier.as_deref(),
        Some("YY"),
        "TRA"
    );
    assert_eq!(a.payments[0].amount.as_deref(), Some("731.00"));
    assert_eq!(a.frequent_flyer, ["ZZ123456789"]);
    assert_eq!(
        a.ssrs.iter().map(|s| s.code.as_str()).collect::<Vec<_>>(),
        ["VGML", "INFT"]
    );
    assert_eq!(a.unknown_segments, ["XYZ+SOMETHING:NEW"]);

    let b = &p.pnrs[1];
    assert_eq!(
        b.travellers.len(),
        1,
        "the TIF in history is a past name, not a traveller"
    );
    assert_eq!(b.travellers[0].given_names, "BOB");
    assert!(b.history.len() >= 3);

    let c = &p.pnrs[2];
    assert_eq!(c.record_locator, "");
    assert_eq!(c.travellers[0].date_of_birth.as_deref(), Some("1999-02-01"));
    assert!(p
        .diagnostics
        .iter()
        .any(|d| d.segment == "SRC" && d.message.contains("no RCI")));
    assert!(
        p.diagnostics.iter().all(|d| d.severity != Severity::Error),
        "{:?}",
        p.diagnostics
    );
}

#[test]
fn three_parts_reassemble_into_one_list() {
    let parts: Vec<_> = parse(&fixture("paxlst_three_parts_in_a_log.edi"))
        .into_iter()
        .filter_map(|m| {
            if let Message::Paxlst(x) = m {
                Some(x)
            } else {
                None
            }
        })
        .collect();
    let keys: Vec<_> = parts
        .iter()
        .map(paxrisk_parsers::paxlst::reassembly_key)
        .collect();
    assert!(keys.windows(2).all(|w| w[0] == w[1]), "one set: {keys:?}");
    let mut reversed = parts.clone();
    reversed.reverse();
    let whole = paxrisk_parsers::paxlst::reassemble(reversed).expect("complete set");
    let names: Vec<_> = whole
        .travellers
        .iter()
        .map(|t| t.given_names.as_str())
        .collect();
    assert_eq!(names, ["EVE", "FRANK", "GINA"]);
    assert_eq!(whole.totals, [("42".into(), 3)]);
    let missing = paxrisk_parsers::paxlst::reassemble(vec![parts[0].clone(), parts[2].clone()]);
    assert_eq!(
        missing,
        Err(paxrisk_parsers::paxlst::Incomplete::Missing(vec![2]))
    );
}
