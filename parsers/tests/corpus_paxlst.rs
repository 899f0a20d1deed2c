//! Every PAXLST file of the shared corpus yields its travellers. The expected numbers were
//! written down by reading each file (counting traveller NAD groups and PDT segments) and agree
//! with the independent acceptance reader (`shared/acceptance/edi.py`); a few files are checked
//! field by field against what the file says.

mod support;

use paxrisk_parsers::{Message, Severity, TravellerKind};
use support::{corpus, counts, manifest};

/// (file under corpus/, travellers)
const EXPECTED: &[(&str, usize)] = &[
    ("gtas-inline-test-strings/paxlst-legacy-us/PaxlstParserUSedifactTest__testManyPassengers.edi", 20),
    ("gtas-inline-test-strings/paxlst-legacy-us/PaxlstParserUSedifactTest__testMultipleFlights.edi", 1),
    ("gtas-inline-test-strings/paxlst-legacy-us/PaxlstParserUSedifactTest__testSingleFlight.edi", 4),
    ("gtas/_old_versions/551c4ef/gtas-job-scheduler-war/tamr-integration-data/flight2.txt", 10),
    ("gtas/_old_versions/f58cddc/gtas-job-scheduler-war/tamr-integration-data/flight3.txt", 10),
    ("gtas/gtas-job-scheduler-war/tamr-integration-data/flight1.txt", 10),
    ("gtas/gtas-job-scheduler-war/tamr-integration-data/flight2.txt", 10),
    ("gtas/gtas-job-scheduler-war/tamr-integration-data/flight3.txt", 10),
    ("gtas/gtas-loader/apis-messages/Test1.txt", 8),
    ("gtas/gtas-loader/apis-messages/Test3.txt", 260),
    ("gtas/gtas-loader/apis-messages/airline2.edi", 10),
    ("gtas/gtas-loader/apis-messages/multiple_flight_leg_apis.txt", 2),
    ("gtas/gtas-parsers/apis-messages/apisMessage.txt", 2),
    ("gtas/synthetic-2017/Synthetic PNR_Stories for Demo/Story_1_Human Trafficking_KE94_IAD_ICN_20170420 1335_Passenger List.txt", 268),
    ("gtas/synthetic-2017/Synthetic PNR_Stories for Demo/Story_2_First Class Cash_UA123_LHR_IAD_20170420 0730_Passenger List.txt", 268),
    ("gtas/synthetic-2017/Synthetic PNR_Stories for Demo/Story_3_Biological Event_SN241_FNA_ROB_20170419 1815_Passenger List.txt", 268),
    ("gtas/synthetic-2017/Synthetic PNR_Stories for Demo/Story_3_Biological Event_SN241_ROB_BRU_20170419 2035_Passenger List.txt", 268),
    ("gtas/synthetic-2017/Synthetic PNR_Stories for Demo/Story_3_Biological Event_SN515_BRU_IAD_20170420 1015_Passenger List.txt", 268),
    ("minelytics-GTAS/paxlst/sample01__text_001_nonascii_empty_fields.edi", 10),
    ("minelytics-GTAS/paxlst/sample02__d05b_with_ung.edi", 1),
    ("minelytics-GTAS/paxlst/sample03__single_NAD_segment_fragment.edi", 1),
    ("minelytics-GTAS/paxlst/sample04__d05b_no_ung.edi", 1),
    ("minelytics-GTAS/paxlst/sample05__d02b_invalid_codes.edi", 1),
    ("minelytics-GTAS/paxlst/test_paxlst_header__truncated.edi", 0),
    // A US ACE land-border crew list: its only party is NAD+VW, not an air traveller role.
    ("smooks-unedifact/paxlst/d03b_PAXLST_message_01.edi", 0),
];

fn read(rel: &str) -> Option<Vec<u8>> {
    let dir = corpus()?;
    Some(std::fs::read(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}")))
}

#[test]
fn every_paxlst_file_yields_its_travellers() {
    let Some(dir) = corpus() else { return };
    let mut wrong = Vec::new();
    for (rel, want) in EXPECTED {
        let bytes = std::fs::read(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let (got, _) = counts(&bytes);
        if got != *want {
            wrong.push(format!("{rel}: {got} travellers instead of {want}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_table_covers_every_paxlst_file_of_the_corpus() {
    let Some(dir) = corpus() else { return };
    let mut found = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("readable corpus").flatten() {
            let p = e.path();
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let data_file = !name.starts_with("LICENSE")
                && ![".md", ".tsv", ".csv", ".json"]
                    .iter()
                    .any(|x| name.ends_with(x));
            if p.is_dir() {
                stack.push(p);
            } else if data_file
                && std::fs::read(&p).is_ok_and(|b| {
                    b.windows(7).any(|w| w == b"PAXLST:") || b.starts_with(b"NAD+FL")
                })
            {
                found.push(
                    p.strip_prefix(&dir)
                        .expect("under corpus")
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    for f in &found {
        assert!(
            EXPECTED.iter().any(|(rel, _)| rel == f),
            "corpus file {f} has no expectation"
        );
    }
    assert_eq!(found.len(), EXPECTED.len());
}

#[test]
fn apis_message_progressive_flight() {
    let Some(bytes) = read("gtas/gtas-parsers/apis-messages/apisMessage.txt") else {
        return;
    };
    let m = manifest(&bytes);
    // UNA after a leading space on every line; TDT AA123 ATL-ORD then AA124 ORD-JFK (LOC 92).
    assert_eq!(
        (m.flight.carrier.as_str(), m.flight.number.as_str()),
        ("AA", "123")
    );
    let legs: Vec<_> = m
        .flight
        .legs
        .iter()
        .map(|l| {
            (
                l.origin.as_str(),
                l.destination.as_str(),
                l.departure_local.as_deref(),
                l.arrival_local.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        legs,
        [
            (
                "ATL",
                "ORD",
                Some("2007-02-19T15:40"),
                Some("2007-02-19T17:40")
            ),
            (
                "ORD",
                "JFK",
                Some("2007-02-19T18:40"),
                Some("2007-02-19T19:55")
            ),
        ]
    );
    let t = &m.travellers;
    assert_eq!(
        (t[0].surname.as_str(), t[0].given_names.as_str()),
        ("CLARK", "MICHAEL")
    );
    assert_eq!(t[0].gender.as_deref(), Some("M"));
    assert_eq!(t[0].date_of_birth.as_deref(), Some("1972-09-07"));
    assert_eq!(
        (t[0].embarkation.as_deref(), t[0].debarkation.as_deref()),
        (Some("ATL"), Some("JFK"))
    );
    assert_eq!(t[0].record_locator.as_deref(), Some("TYR123"));
    assert_eq!(
        t[0].references,
        ["ABO:ABC123", "AEA:1234567890ABC", "CR:20060907NY123"]
    );
    assert_eq!(
        (t[1].surname.as_str(), t[1].given_names.as_str()),
        ("CLARK", "CHERYL")
    );
    assert_eq!(t[1].date_of_birth.as_deref(), Some("1973-04-07"));
    assert_eq!(m.totals, [("42".into(), 2)]);
    assert_eq!(m.references, ["TN:AJYTR1070219"]);
    assert!(m.diagnostics.is_empty(), "{:?}", m.diagnostics);
}

#[test]
fn d05b_with_every_person_segment() {
    let Some(bytes) = read("minelytics-GTAS/paxlst/sample02__d05b_with_ung.edi") else {
        return;
    };
    let m = manifest(&bytes);
    let t = &m.travellers[0];
    assert_eq!(t.kind, TravellerKind::Passenger);
    assert_eq!(
        (t.surname.as_str(), t.given_names.as_str()),
        ("DOE", "JOHN WAYNE")
    );
    assert_eq!(
        t.address.as_deref(),
        Some("20 MAIN ST, ANYCITY, VA, 10053, USA")
    );
    assert_eq!(t.date_of_birth.as_deref(), Some("1957-01-21"));
    assert_eq!(t.bag_tags, ["UA123456", "UA123457", "UA123458"]);
    assert_eq!(t.clearance.as_deref(), Some("JFK"));
    assert_eq!(
        (t.embarkation.as_deref(), t.debarkation.as_deref()),
        (Some("YVR"), Some("ATL"))
    );
    assert_eq!(
        (t.residence.as_deref(), t.nationality.as_deref()),
        (Some("CAN"), Some("CAN"))
    );
    assert_eq!(t.contacts, ["502-555-1234"]);
    assert_eq!(t.seat.as_deref(), Some("23C"));
    assert_eq!(t.record_locator.as_deref(), Some("ABC123"));
    let d = &t.documents[0];
    assert_eq!((d.doc_type.as_str(), d.number.as_str()), ("P", "MB1402411"));
    assert_eq!(
        (d.issuing_country.as_deref(), d.expiry.as_deref()),
        (Some("CAN"), Some("2008-10-21"))
    );
    // UNH S010 `01` without a first/last flag: a whole message.
    let p = m.part.expect("part");
    assert_eq!((p.sequence, p.first, p.last), (1, true, true));
    assert_eq!(
        m.envelope.sender.as_deref(),
        Some("APIS*ABE"),
        "no repetition split of the CBP sender"
    );
    assert_eq!(m.envelope.version.as_deref(), Some("D:05B"));
    // The file declares UNT+35 for 37 segments: reported, not fatal.
    assert!(m
        .diagnostics
        .iter()
        .any(|d| d.segment == "UNT" && d.severity == Severity::Warning));
}

#[test]
fn legacy_us_format() {
    let Some(bytes) = read(
        "gtas-inline-test-strings/paxlst-legacy-us/PaxlstParserUSedifactTest__testSingleFlight.edi",
    ) else {
        return;
    };
    let m = manifest(&bytes);
    assert_eq!(
        (m.flight.carrier.as_str(), m.flight.number.as_str()),
        ("SA", "812")
    );
    let l = &m.flight.legs[0];
    assert_eq!((l.origin.as_str(), l.destination.as_str()), ("AKL", "LAX"));
    assert_eq!(l.departure_local.as_deref(), Some("2002-01-31T10:30"));
    assert_eq!(
        m.reporting_party.as_deref(),
        Some("FRED SAMPLES"),
        "escaped space"
    );
    let t = &m.travellers[0];
    assert_eq!(
        (t.surname.as_str(), t.given_names.as_str()),
        ("MANGUS", "SIMON P")
    );
    assert_eq!(
        (t.date_of_birth.as_deref(), t.gender.as_deref()),
        (Some("1959-04-29"), Some("M"))
    );
    let d = &t.documents[0];
    assert_eq!(
        (d.doc_type.as_str(), d.number.as_str(), d.expiry.as_deref()),
        ("P", "182345345", Some("1999-09-09"))
    );
    let t = &m.travellers[3];
    assert_eq!(
        (t.surname.as_str(), t.given_names.as_str()),
        ("O'LEARY", "KRIS ANN")
    );
    assert_eq!(t.date_of_birth.as_deref(), Some("1933-12-31"));
}

#[test]
fn legacy_many_passengers_keeps_the_one_with_an_impossible_birth_date() {
    let Some(bytes) =
        read("gtas-inline-test-strings/paxlst-legacy-us/PaxlstParserUSedifactTest__testManyPassengers.edi")
    else {
        return;
    };
    let m = manifest(&bytes);
    let smith = m
        .travellers
        .iter()
        .find(|t| t.surname == "SMITH")
        .expect("SMITH is listed");
    assert_eq!(smith.date_of_birth, None, "502010 has month 20");
    assert!(m
        .diagnostics
        .iter()
        .any(|d| d.segment == "PDT" && d.message.contains("date of birth")));
    let part = m.part.expect("01:C");
    assert_eq!((part.sequence, part.first, part.last), (1, true, false));
}

#[test]
fn crew_list_with_mixed_case_names() {
    let Some(bytes) = read("gtas/gtas-loader/apis-messages/Test1.txt") else {
        return;
    };
    let m = manifest(&bytes);
    assert_eq!(m.document_code.as_deref(), Some("250"));
    assert!(m.travellers.iter().all(|t| t.kind == TravellerKind::Crew));
    assert_eq!(
        (
            m.travellers[0].surname.as_str(),
            m.travellers[0].given_names.as_str()
        ),
        ("Steur", "Andrea Pat")
    );
    assert_eq!(m.travellers[0].birth_place.as_deref(), Some("Hartford USA"));
    assert_eq!(
        m.totals,
        [("41".into(), 8)],
        "CNT+41+8 with the count in its own element"
    );
}

#[test]
fn non_default_separators_and_trailing_space_tag() {
    let Some(bytes) = read("gtas/gtas-loader/apis-messages/airline2.edi") else {
        return;
    };
    let m = manifest(&bytes);
    assert_eq!(
        (m.flight.carrier.as_str(), m.flight.number.as_str()),
        ("TN", "506")
    );
    assert_eq!(m.travellers[0].surname, "BETTON");
    assert_eq!(m.envelope.version.as_deref(), Some("D:02B"));
    let p = m.part.expect("10:F");
    assert_eq!((p.sequence, p.first, p.last), (10, false, true));
}

#[test]
fn utf8_in_a_unoa_interchange_is_kept_and_reported() {
    let Some(bytes) = read("minelytics-GTAS/paxlst/sample01__text_001_nonascii_empty_fields.edi")
    else {
        return;
    };
    let m = manifest(&bytes);
    assert_eq!(m.travellers[0].surname, "ALI YY\u{c9}");
    let d = m
        .diagnostics
        .iter()
        .find(|d| d.message.contains("character set"))
        .expect("reported");
    assert_eq!(d.segment, "NAD");
    assert!(!d.message.contains("ALI"), "diagnostics never quote names");
}

#[test]
fn stray_8_bit_byte_is_read_as_windows_1252() {
    let Some(bytes) = read("gtas/synthetic-2017/Synthetic PNR_Stories for Demo/Story_3_Biological Event_SN515_BRU_IAD_20170420 1015_Passenger List.txt") else { return };
    let m = manifest(&bytes);
    assert!(m.travellers.iter().any(|t| t.surname == "NOVOTN\u{dd}"));
}

#[test]
fn fragment_without_header_is_read_as_paxlst() {
    let Some(bytes) = read("minelytics-GTAS/paxlst/sample03__single_NAD_segment_fragment.edi")
    else {
        return;
    };
    let m = manifest(&bytes);
    assert_eq!(m.travellers[0].surname, "DOE");
    assert!(m.diagnostics.iter().any(|d| d.message.contains("No UNH")));
}

#[test]
fn cuscar_is_an_unsupported_message() {
    let Some(bytes) = read("minelytics-GTAS/other/simple__CUSCAR_not_paxlst.edi") else {
        return;
    };
    let msgs = support::parse(&bytes);
    assert_eq!(msgs.len(), 1);
    let Message::Other(o) = &msgs[0] else {
        panic!("not Other: {:?}", msgs[0])
    };
    assert_eq!(o.message_type, "CUSCAR");
    let json = serde_json::to_value(&msgs[0]).expect("serialisable");
    assert_eq!(json["type"], "CUSCAR");
    assert_eq!(json["diagnostics"][0]["severity"], "error");
    assert_eq!(
        json["diagnostics"][0]["message"],
        "unsupported message type CUSCAR"
    );
}
