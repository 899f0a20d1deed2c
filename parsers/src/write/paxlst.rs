//! PAXLST D05B writer (WCO/IATA/ICAO API guidelines, air mode).

use super::dates::{yymmdd, yymmddhhmm};
use super::syntax::MessageBody;
use super::{envelope, part_code, resolve, WriteOptions};
use crate::model::{Manifest, Traveller, TravellerKind};

/// Writes `m` as one PAXLST D05B interchange: UNA, UNB, UNG, UNH (with the part in S010 when
/// `m.part` is set), BGM, the reporting party, one TDT/LOC/DTM block per leg, one NAD group per
/// traveller, CNT totals, and trailers with matching counts and references.
pub fn write_paxlst(m: &Manifest, opts: &WriteOptions) -> Vec<u8> {
    let r = resolve(opts, &m.envelope, &m.flight, "CUSTOMS");
    let mut b = MessageBody::new(opts.line_breaks, 512 + 256 * m.travellers.len());

    let unh = b
        .seg("UNH")
        .e(&r.message_ref)
        .e("PAXLST")
        .c("D")
        .c("05B")
        .c("UN")
        .c("IATA")
        .e(&r.access);
    match m.part {
        Some(p) => {
            let (seq, flag) = part_code(&p);
            unh.e(&seq).c(flag);
        }
        None => drop(unh),
    }
    let crew_only = !m.travellers.is_empty() && m.travellers.iter().all(|t| is_crew(t.kind));
    let code = m
        .document_code
        .as_deref()
        .unwrap_or(if crew_only { "250" } else { "745" });
    // The parser keeps BGM's document identifier (`CP`, `CLOB`...) as a `BGM:` reference.
    let identifier = m.references.iter().find_map(|r| r.strip_prefix("BGM:"));
    b.seg("BGM").e(code).eo(identifier);
    for reference in m.references.iter().filter(|r| !r.starts_with("BGM:")) {
        let (qualifier, value) = reference.split_once(':').unwrap_or(("TN", reference));
        b.seg("RFF").e(qualifier).c(value);
    }
    if let Some(party) = &m.reporting_party {
        b.seg("NAD").e("MS").e("").e("").e(party);
    }
    if !m.reporting_contacts.is_empty() {
        let mut com = b.seg("COM");
        for contact in &m.reporting_contacts {
            com = com.e(contact).c(contact_kind(contact));
        }
    }

    let flight_id = format!("{}{}", m.flight.carrier, m.flight.number);
    for leg in &m.flight.legs {
        b.seg("TDT")
            .e("20")
            .e(&flight_id)
            .e("")
            .e("")
            .e(&m.flight.carrier);
        b.seg("LOC").e("125").e(&leg.origin);
        if let Some(t) = &leg.departure_local {
            b.seg("DTM").e("189").c(&yymmddhhmm(t)).c("201");
        }
        b.seg("LOC").e("87").e(&leg.destination);
        if let Some(t) = &leg.arrival_local {
            b.seg("DTM").e("232").c(&yymmddhhmm(t)).c("201");
        }
    }

    for t in &m.travellers {
        traveller(&mut b, t);
    }

    if m.totals.is_empty() {
        let crew = m.travellers.iter().filter(|t| is_crew(t.kind)).count();
        let passengers = m.travellers.len() - crew;
        if passengers > 0 || crew == 0 {
            b.seg("CNT").e("42").c(&passengers.to_string());
        }
        if crew > 0 {
            b.seg("CNT").e("41").c(&crew.to_string());
        }
    } else {
        for (qualifier, count) in &m.totals {
            b.seg("CNT").e(qualifier).c(&count.to_string());
        }
    }
    let count = (b.segments() + 1).to_string();
    b.seg("UNT").e(&count).e(&r.message_ref);

    let syntax = m.envelope.syntax.as_deref();
    envelope(
        &r,
        opts,
        syntax,
        b.into_bytes(),
        ("PAXLST", "UN", "D:05B", "UNOA"),
    )
}

/// COM channel: `EM` for an e-mail address, `TE` for anything else.
fn contact_kind(contact: &str) -> &'static str {
    if contact.contains('@') || contact.contains(".AT.") {
        "EM"
    } else {
        "TE"
    }
}

fn is_crew(kind: TravellerKind) -> bool {
    matches!(kind, TravellerKind::Crew | TravellerKind::TransitCrew)
}

/// One SG4 group, segments in the IG's order: NAD ATT DTM MEA GEI FTX LOC COM NAT RFF, then SG5.
fn traveller(b: &mut MessageBody, t: &Traveller) {
    let function = match t.kind {
        TravellerKind::Passenger => "FL",
        TravellerKind::Crew => "FM",
        TravellerKind::TransitPassenger => "DDU",
        TravellerKind::TransitCrew => "DDT",
    };
    b.seg("NAD")
        .e(function)
        .e("")
        .e("")
        .e(&t.surname)
        .c(&t.given_names)
        .eo(t.address.as_deref());
    if let Some(g) = &t.gender {
        b.seg("ATT").e("2").e("").e(g);
    }
    if let Some(dob) = &t.date_of_birth {
        b.seg("DTM").e("329").c(&yymmdd(dob));
    }
    if let Some(n) = t.bag_count {
        b.seg("MEA").e("CT").e("").e("").c(&n.to_string());
    }
    if let Some(w) = &t.bag_weight {
        // The model holds `13 KGM`; MEA wants unit and value as two components.
        let (value, unit) = w.split_once(' ').unwrap_or((w, ""));
        b.seg("MEA").e("WT").e("").e(unit).c(value);
    }
    for flag in &t.verification {
        b.seg("GEI").e("4").e(flag);
    }
    for tag in &t.bag_tags {
        b.seg("FTX").e("BAG").e("").e("").e(tag).c("1");
    }
    if let Some(p) = &t.clearance {
        b.seg("LOC").e("22").e(p);
    }
    if let Some(c) = &t.residence {
        b.seg("LOC").e("174").e(c);
    }
    if let Some(p) = &t.embarkation {
        b.seg("LOC").e("178").e(p);
    }
    if let Some(p) = &t.debarkation {
        b.seg("LOC").e("179").e(p);
    }
    if let Some(p) = &t.birth_place {
        b.seg("LOC").e("180").e("").c("").c("").c(p);
    }
    for contact in &t.contacts {
        b.seg("COM").e(contact).c(contact_kind(contact));
    }
    if let Some(f) = &t.crew_function {
        b.seg("EMP").e("1").e(f).c("110").c("111");
    }
    if let Some(n) = &t.nationality {
        b.seg("NAT").e("2").e(n);
    }
    if let Some(l) = &t.record_locator {
        b.seg("RFF").e("AVF").c(l);
    }
    if let Some(s) = &t.seat {
        b.seg("RFF").e("SEA").c(s);
    }
    for reference in &t.references {
        let (qualifier, value) = reference.split_once(':').unwrap_or(("ZZZ", reference));
        b.seg("RFF").e(qualifier).c(value);
    }
    for d in &t.documents {
        b.seg("DOC").e(&d.doc_type).c("110").c("111").e(&d.number);
        if let Some(x) = &d.expiry {
            b.seg("DTM").e("36").c(&yymmdd(x));
        }
        if let Some(x) = &d.issue_date {
            b.seg("DTM").e("182").c(&yymmdd(x));
        }
        if let Some(c) = &d.issuing_country {
            b.seg("LOC").e("91").e(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, Flight, Leg, Part};

    fn sample() -> Manifest {
        Manifest {
            flight: Flight {
                carrier: "ZZ".into(),
                number: "101".into(),
                legs: vec![Leg {
                    origin: "SIN".into(),
                    destination: "DXB".into(),
                    departure_local: Some("2026-11-29T08:00".into()),
                    arrival_local: Some("2026-11-29T11:30".into()),
                }],
            },
            reporting_party: Some("ZZ OPERATIONS".into()),
            travellers: vec![Traveller {
                surname: "O'NEIL".into(),
                given_names: "JANE ANN".into(),
                date_of_birth: Some("1980-02-01".into()),
                gender: Some("F".into()),
                nationality: Some("GBR".into()),
                embarkation: Some("SIN".into()),
                debarkation: Some("DXB".into()),
                documents: vec![Document {
                    doc_type: "P".into(),
                    number: "123456789".into(),
                    issuing_country: Some("GBR".into()),
                    expiry: Some("2030-01-01".into()),
                    issue_date: None,
                }],
                ..Traveller::default()
            }],
            ..Manifest::default()
        }
    }

    fn text(m: &Manifest) -> String {
        String::from_utf8(write_paxlst(m, &WriteOptions::default())).unwrap()
    }

    #[test]
    fn writes_the_d05b_shape() {
        let s = text(&sample());
        let expected = "UNA:+.? '\n\
            UNB+UNOA:4+ZZAIR+CUSTOMS+261129:0800+1++PAXLST'\n\
            UNG+PAXLST+ZZAIR+CUSTOMS+261129:0800+1+UN+D:05B'\n\
            UNH+1+PAXLST:D:05B:UN:IATA+ZZ101/261129/0800'\n\
            BGM+745'\n\
            NAD+MS+++ZZ OPERATIONS'\n\
            TDT+20+ZZ101+++ZZ'\n\
            LOC+125+SIN'\n\
            DTM+189:2611290800:201'\n\
            LOC+87+DXB'\n\
            DTM+232:2611291130:201'\n\
            NAD+FL+++O?'NEIL:JANE ANN'\n\
            ATT+2++F'\n\
            DTM+329:800201'\n\
            LOC+178+SIN'\n\
            LOC+179+DXB'\n\
            NAT+2+GBR'\n\
            DOC+P:110:111+123456789'\n\
            DTM+36:300101'\n\
            LOC+91+GBR'\n\
            CNT+42:1'\n\
            UNT+19+1'\n\
            UNE+1+1'\n\
            UNZ+1+1'\n";
        assert_eq!(s, expected);
    }

    #[test]
    fn unt_counts_unh_to_unt() {
        let s = text(&sample());
        let from = s.find("UNH+").unwrap();
        let to = s.find("UNT+").unwrap();
        let counted = s[from..to].matches("'\n").count() + 1;
        assert_eq!(
            s[to..].split(['+', '\'']).nth(1),
            Some(counted.to_string().as_str())
        );
    }

    #[test]
    fn writes_parts_and_crew_lists() {
        let mut m = sample();
        m.travellers[0].kind = TravellerKind::Crew;
        for (part, code) in [
            (
                Part {
                    sequence: 1,
                    first: true,
                    last: false,
                },
                "+01:C'",
            ),
            (
                Part {
                    sequence: 2,
                    first: false,
                    last: false,
                },
                "+02'",
            ),
            (
                Part {
                    sequence: 3,
                    first: false,
                    last: true,
                },
                "+03:F'",
            ),
            (
                Part {
                    sequence: 1,
                    first: true,
                    last: true,
                },
                "+01:F'",
            ),
        ] {
            m.part = Some(part);
            let s = text(&m);
            let unh = s.lines().find(|l| l.starts_with("UNH")).unwrap();
            assert!(unh.ends_with(code), "{unh} should end with {code}");
            assert!(s.contains("BGM+250'") && s.contains("NAD+FM+++") && s.contains("CNT+41:1'"));
        }
    }

    #[test]
    fn non_ascii_names_switch_the_syntax_identifier() {
        let mut m = sample();
        m.travellers[0].surname = "MÜLLER".into();
        assert!(text(&m).contains("UNB+UNOW:4+"));
    }
}
