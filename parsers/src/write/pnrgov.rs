//! PNRGOV 13.1 writer (IATA PADIS; the subset a government push carries for risk assessment).
//!
//! Structure written: MSG, ORG, TVL (pushed flight), EQN, then per PNR: SRC, RCI, PNR-level SSRs,
//! DAT, IFT, ORG (booking agency), ADD, EBD, one TIF group per traveller (SSR DOCS/DOCO/DOCA/
//! CTCE/CTCM, other SSRs, FTI, FOP), one TVL group per itinerary segment, and for the pushed
//! flight the seats (SSR SEAT) and a check-in group (DAT, TRI/TIF/SSD/TBD).

use super::dates::{ddmmmyy, ddmmyy_hhmm};
use super::syntax::{MessageBody, Seg};
use super::{envelope, part_code, resolve, WriteOptions};
use crate::model::{CompactString, Flight, Pnr, PnrPush, Segment, Traveller};
use compact_str::format_compact;

/// SSR codes the writer derives from typed traveller and PNR fields; copies of them in
/// [`Pnr::ssrs`] are not written again, so a parsed PNR written back has each SSR once.
const DERIVED_SSRS: [&str; 7] = ["DOCS", "DOCO", "DOCA", "CTCE", "CTCM", "SEAT", "FQTV"];

/// Writes `p` as one PNRGOV 13.1 interchange (UNA, UNB `IATA:1`, UNG, UNH with the part in S010
/// when `p.part` is set, ..., UNT, UNE, UNZ with matching counts and references).
pub fn write_pnrgov(p: &PnrPush, opts: &WriteOptions) -> Vec<u8> {
    let r = resolve(opts, &p.envelope, &p.flight, "PNRGOV");
    let travellers: usize = p.pnrs.iter().map(|x| x.travellers.len()).sum();
    let mut b = MessageBody::new(
        opts.line_breaks,
        512 + 400 * p.pnrs.len() + 400 * travellers,
    );

    let unh = b
        .seg("UNH")
        .e(&r.message_ref)
        .e("PNRGOV")
        .c("13")
        .c("1")
        .c("IA")
        .e(&r.access);
    match p.part {
        Some(part) => {
            let (seq, flag) = part_code(&part);
            unh.e(&seq).c(flag);
        }
        None => drop(unh),
    }
    b.seg("MSG")
        .e("")
        .c(opts.pnr_function.as_deref().unwrap_or("22"));
    let origin = p
        .flight
        .legs
        .first()
        .map(|l| l.origin.as_str())
        .unwrap_or("");
    b.seg("ORG").e(&p.flight.carrier).c(origin);
    for leg in &p.flight.legs {
        tvl(
            b.seg("TVL"),
            leg.departure_local.as_deref(),
            leg.arrival_local.as_deref(),
            (&leg.origin, &leg.destination),
        )
        .e(&p.flight.carrier)
        .e(&p.flight.number);
    }
    let total = opts.pnr_total.unwrap_or(p.pnrs.len() as u32);
    b.seg("EQN").e(&total.to_string());

    for pnr in &p.pnrs {
        write_pnr(&mut b, pnr, &p.flight);
    }
    let count = (b.segments() + 1).to_string();
    b.seg("UNT").e(&count).e(&r.message_ref);

    let syntax = p.envelope.syntax.as_deref();
    envelope(
        &r,
        opts,
        syntax,
        b.into_bytes(),
        ("PNRGOV", "IA", "13:1", "IATA"),
    )
}

/// Writes the date/time element and the two airports of a TVL segment.
fn tvl<'a>(seg: Seg<'a>, dep: Option<&str>, arr: Option<&str>, airports: (&str, &str)) -> Seg<'a> {
    let (dd, dt) = dep.map(ddmmyy_hhmm).unwrap_or_default();
    let (ad, at) = arr.map(ddmmyy_hhmm).unwrap_or_default();
    seg.e(&dd)
        .co(dt.as_deref())
        .c(&ad)
        .co(at.as_deref())
        .e(airports.0)
        .e(airports.1)
}

fn write_pnr(b: &mut MessageBody, pnr: &Pnr, flight: &Flight) {
    // The pushing carrier's own record; a PNR pushed without a flight names its first segment's.
    let carrier = match flight.carrier.as_str() {
        "" => pnr
            .itinerary
            .first()
            .map(|s| s.carrier.as_str())
            .unwrap_or(""),
        c => c,
    };
    let ssr = |b: &mut MessageBody, code: &str, text: &str, reference: Option<&str>| {
        let s = b
            .seg("SSR")
            .e(code)
            .c("HK")
            .c("1")
            .c(carrier)
            .c("")
            .c("")
            .c("")
            .c("")
            .c(text);
        s.e("").c("").co(reference);
    };

    b.seg("SRC");
    let (cd, ct) = pnr.created.as_deref().map(ddmmyy_hhmm).unwrap_or_default();
    b.seg("RCI")
        .e(carrier)
        .c(&pnr.record_locator)
        .c("")
        .c(&cd)
        .co(ct.as_deref());

    let refs: Vec<CompactString> = pnr
        .travellers
        .iter()
        .enumerate()
        .map(|(i, t)| reference(t, i))
        .collect();
    let known = |r: &Option<CompactString>| r.as_ref().is_some_and(|r| refs.contains(r));
    for s in pnr
        .ssrs
        .iter()
        .filter(|s| !DERIVED_SSRS.contains(&s.code.as_str()) && !known(&s.traveller_ref))
    {
        ssr(
            b,
            &s.code,
            s.text.as_deref().unwrap_or(""),
            s.traveller_ref.as_deref(),
        );
    }
    for c in &pnr.contacts {
        match c.kind.as_str() {
            "email" => ssr(b, "CTCE", &format!("/{}", airimp_email(&c.value)), None),
            "phone" => ssr(b, "CTCM", &format!("/{}", c.value), None),
            _ => {}
        }
    }
    if let Some(d) = &pnr.booking_date {
        let (d, t) = ddmmyy_hhmm(d);
        b.seg("DAT").e("700").c(&d).co(t.as_deref());
    }
    for remark in &pnr.remarks {
        b.seg("IFT").e("3").e(remark);
    }
    if let Some(agency) = &pnr.agency {
        let city = pnr
            .itinerary
            .first()
            .map(|s| s.origin.as_str())
            .unwrap_or("");
        b.seg("ORG").e(carrier).c(city).e(agency);
    }
    for c in pnr.contacts.iter().filter(|c| c.kind == "address") {
        b.seg("ADD").e("").e("700").c(&c.value);
    }
    if let Some(n) = pnr.bag_count {
        b.seg("EBD").e("").e(&n.to_string()).c("").c("N");
    }

    for (i, t) in pnr.travellers.iter().enumerate() {
        let tref = refs[i].as_str();
        let ptype = if t.infant { "IN" } else { "A" };
        b.seg("TIF")
            .e(&t.surname)
            .e(&t.given_names)
            .c(ptype)
            .c(tref);
        if i == 0 {
            for ff in &pnr.frequent_flyer {
                let (airline, number) = split_frequent_flyer(ff);
                b.seg("FTI").e(airline).c(number);
            }
        }
        for text in docs_texts(t) {
            ssr(b, text.0, &text.1, Some(tref));
        }
        for reference in &t.references {
            // Unique passenger reference and ticket number, as the parser keeps them.
            if let Some(v) = reference.strip_prefix("REF:") {
                b.seg("REF").e("").c(v);
            } else if let Some(v) = reference.strip_prefix("TKT:") {
                b.seg("TKT").e(v);
            }
        }
        for c in &t.contacts {
            if c.contains('@') {
                ssr(b, "CTCE", &format!("/{}", airimp_email(c)), Some(tref));
            } else {
                ssr(b, "CTCM", &format!("/{c}"), Some(tref));
            }
        }
        for s in pnr
            .ssrs
            .iter()
            .filter(|s| s.traveller_ref.as_deref() == Some(tref))
        {
            if !DERIVED_SSRS.contains(&s.code.as_str()) {
                ssr(b, &s.code, s.text.as_deref().unwrap_or(""), Some(tref));
            }
        }
        if i == 0 {
            payments(b, pnr);
        }
    }
    if pnr.travellers.is_empty() {
        payments(b, pnr);
    }

    for seg in &pnr.itinerary {
        itinerary_segment(b, seg, pnr, &refs, flight);
    }
    // Gr.8: PNRs split from this one.
    for split in &pnr.splits {
        let n = split.travellers.map(|n| n.to_string()).unwrap_or_default();
        b.seg("EQN").e(&n);
        if !split.record_locator.is_empty() {
            b.seg("RCI").e(carrier).c(&split.record_locator);
        }
    }
}

fn itinerary_segment(
    b: &mut MessageBody,
    seg: &Segment,
    pnr: &Pnr,
    refs: &[CompactString],
    flight: &Flight,
) {
    let t = tvl(
        b.seg("TVL"),
        seg.departure_local.as_deref(),
        seg.arrival_local.as_deref(),
        (&seg.origin, &seg.destination),
    );
    t.e(&seg.carrier)
        .co(seg.operating_carrier.as_deref())
        .e(&seg.number);
    // Seats and check-in belong to the flight being pushed; other segments carry no DCS data.
    let pushed = seg.carrier == flight.carrier
        && seg.number == flight.number
        && flight.legs.first().is_none_or(|l| l.origin == seg.origin);
    if !pushed {
        return;
    }
    let board_off = format!("{}:{}", seg.origin, seg.destination);
    let seat_ssr = |b: &mut MessageBody, seat: &str, tref: Option<&str>| {
        let s = b
            .seg("SSR")
            .e("SEAT")
            .c("HK")
            .c("1")
            .c(&seg.carrier)
            .c("")
            .c("");
        let (board, off) = board_off.split_once(':').unwrap_or_default();
        s.c(board).c(off).e(seat).c("").co(tref);
    };
    for (i, t) in pnr.travellers.iter().enumerate() {
        if let Some(seat) = &t.seat {
            seat_ssr(b, seat, Some(&refs[i]));
        }
    }
    for seat in pnr
        .seats
        .iter()
        .filter(|s| !pnr.travellers.iter().any(|t| t.seat.as_ref() == Some(*s)))
    {
        seat_ssr(b, seat, None);
    }
    let checked: Vec<usize> = (0..pnr.travellers.len())
        .filter(|&i| pnr.travellers[i].seat.is_some() || pnr.travellers[i].bag_count.is_some())
        .collect();
    if checked.is_empty() {
        return;
    }
    let (d, t) = seg
        .departure_local
        .as_deref()
        .map(ddmmyy_hhmm)
        .unwrap_or_default();
    b.seg("DAT").e("2").c(&d).co(t.as_deref());
    for (n, &i) in checked.iter().enumerate() {
        let t = &pnr.travellers[i];
        b.seg("TRI")
            .e("")
            .e(&(n + 1).to_string())
            .c("")
            .c("")
            .c(&refs[i]);
        b.seg("TIF")
            .e(&t.surname)
            .e(&t.given_names)
            .c(if t.infant { "IN" } else { "A" })
            .c(&refs[i]);
        if let Some(seat) = &t.seat {
            b.seg("SSD").e(seat).e("").e("").e("").e("Y");
        }
        if let Some(bags) = t.bag_count {
            let tbd = b.seg("TBD").e("").e(&bags.to_string());
            match t.bag_tags.first() {
                Some(tag) => {
                    let count = t.bag_tags.len().to_string();
                    tbd.e("")
                        .e("")
                        .e(&seg.carrier)
                        .c(tag)
                        .c(&count)
                        .c(&seg.destination);
                }
                None => drop(tbd),
            }
        }
    }
}

fn payments(b: &mut MessageBody, pnr: &Pnr) {
    for p in &pnr.payments {
        b.seg("FOP")
            .e(&p.payment_type)
            .c("")
            .co(p.amount.as_deref())
            .c("")
            .co(p.card.as_deref());
    }
}

/// The traveller reference (TIF 9944) that links SSRs and seats to the traveller.
fn reference(t: &Traveller, index: usize) -> CompactString {
    t.traveller_ref
        .clone()
        .unwrap_or_else(|| format_compact!("{}", index + 1))
}

/// `ZZ12345678` or `ZZ:12345678` → (`ZZ`, `12345678`): FTI wants airline and number apart.
fn split_frequent_flyer(ff: &str) -> (&str, &str) {
    if let Some((a, n)) = ff.split_once(':') {
        return (a, n);
    }
    match ff.char_indices().nth(2) {
        Some((i, _)) => (&ff[..i], &ff[i..]),
        None => (ff, ""),
    }
}

/// AIRIMP has no `@` or `_`: they are written `//` and `..`.
fn airimp_email(e: &str) -> String {
    e.replace('@', "//").replace('_', "..")
}

/// SSR DOCS (one per passport or identity card, or one with only the personal data when there is
/// no document) and DOCO (one per visa), as AIRIMP free text; DOCA for the address.
fn docs_texts(t: &Traveller) -> Vec<(&'static str, String)> {
    let dob = t.date_of_birth.as_deref().map(ddmmmyy).unwrap_or_default();
    let gender = match (t.gender.as_deref(), t.infant) {
        (Some(g @ ("M" | "F")), true) => format!("{g}I"),
        (Some(g), _) => g.to_string(),
        (None, _) => String::new(),
    };
    let nationality = t.nationality.as_deref().unwrap_or("");
    let mut out = Vec::new();
    let personal = |doc_type: &str, issuer: &str, number: &str, expiry: &str| {
        format!(
            "/{doc_type}/{issuer}/{number}/{nationality}/{dob}/{gender}/{expiry}/{}/{}",
            t.surname, t.given_names
        )
    };
    for d in t.documents.iter().filter(|d| d.doc_type != "V") {
        let expiry = d.expiry.as_deref().map(ddmmmyy).unwrap_or_default();
        out.push((
            "DOCS",
            personal(
                &d.doc_type,
                d.issuing_country.as_deref().unwrap_or(""),
                &d.number,
                &expiry,
            ),
        ));
    }
    let has_personal = t.date_of_birth.is_some() || t.gender.is_some() || t.nationality.is_some();
    if out.is_empty() && has_personal {
        out.push(("DOCS", personal("", "", "", "")));
    }
    for d in t.documents.iter().filter(|d| d.doc_type == "V") {
        let issued = d.issue_date.as_deref().map(ddmmmyy).unwrap_or_default();
        let state = d.issuing_country.as_deref().unwrap_or("");
        let birth = t.birth_place.as_deref().unwrap_or("");
        out.push(("DOCO", format!("/{birth}/V/{}//{issued}/{state}", d.number)));
    }
    if t.address.is_some() || t.residence.is_some() {
        let (country, address) = (
            t.residence.as_deref().unwrap_or(""),
            t.address.as_deref().unwrap_or(""),
        );
        out.push(("DOCA", format!("/R/{country}/{address}")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Contact, Document, Leg, Payment};

    fn push() -> PnrPush {
        let seg = Segment {
            carrier: "ZZ".into(),
            number: "101".into(),
            origin: "SIN".into(),
            destination: "DXB".into(),
            departure_local: Some("2026-11-29T08:00".into()),
            arrival_local: Some("2026-11-29T11:30".into()),
            operating_carrier: None,
        };
        PnrPush {
            flight: Flight {
                carrier: "ZZ".into(),
                number: "101".into(),
                legs: vec![Leg {
                    origin: "SIN".into(),
                    destination: "DXB".into(),
                    departure_local: seg.departure_local.clone(),
                    arrival_local: seg.arrival_local.clone(),
                }],
            },
            pnrs: vec![Pnr {
                record_locator: "ABC123".into(),
                created: Some("2026-10-01T09:15".into()),
                travellers: vec![Traveller {
                    surname: "DOE".into(),
                    given_names: "JANE ANN".into(),
                    date_of_birth: Some("1980-02-01".into()),
                    gender: Some("F".into()),
                    nationality: Some("GBR".into()),
                    seat: Some("12A".into()),
                    bag_count: Some(1),
                    documents: vec![Document {
                        doc_type: "P".into(),
                        number: "123456789".into(),
                        issuing_country: Some("GBR".into()),
                        expiry: Some("2030-01-01".into()),
                        issue_date: None,
                    }],
                    contacts: vec!["JANE_DOE@EXAMPLE.COM".into()],
                    ..Traveller::default()
                }],
                itinerary: vec![seg],
                contacts: vec![Contact {
                    kind: "phone".into(),
                    value: "+44 7700 900123".into(),
                }],
                payments: vec![Payment {
                    payment_type: "CC".into(),
                    card: Some("XXXXXXXXXXXX1234".into()),
                    amount: Some("731.00".into()),
                }],
                ..Pnr::default()
            }],
            ..PnrPush::default()
        }
    }

    #[test]
    fn writes_the_pnrgov_shape() {
        let s = String::from_utf8(write_pnrgov(&push(), &WriteOptions::default())).unwrap();
        let expected = "UNA:+.? '\n\
            UNB+IATA:1+ZZAIR+PNRGOV+261129:0800+1++PNRGOV'\n\
            UNG+PNRGOV+ZZAIR+PNRGOV+261129:0800+1+IA+13:1'\n\
            UNH+1+PNRGOV:13:1:IA+ZZ101/261129/0800'\n\
            MSG+:22'\n\
            ORG+ZZ:SIN'\n\
            TVL+291126:0800:291126:1130+SIN+DXB+ZZ+101'\n\
            EQN+1'\n\
            SRC'\n\
            RCI+ZZ:ABC123::011026:0915'\n\
            SSR+CTCM:HK:1:ZZ:::::/?+44 7700 900123'\n\
            TIF+DOE+JANE ANN:A:1'\n\
            SSR+DOCS:HK:1:ZZ:::::/P/GBR/123456789/GBR/01FEB80/F/01JAN30/DOE/JANE ANN+::1'\n\
            SSR+CTCE:HK:1:ZZ:::::/JANE..DOE//EXAMPLE.COM+::1'\n\
            FOP+CC::731.00::XXXXXXXXXXXX1234'\n\
            TVL+291126:0800:291126:1130+SIN+DXB+ZZ+101'\n\
            SSR+SEAT:HK:1:ZZ:::SIN:DXB+12A::1'\n\
            DAT+2:291126:0800'\n\
            TRI++1:::1'\n\
            TIF+DOE+JANE ANN:A:1'\n\
            SSD+12A++++Y'\n\
            TBD++1'\n\
            UNT+20+1'\n\
            UNE+1+1'\n\
            UNZ+1+1'\n";
        assert_eq!(s, expected);
    }
}
