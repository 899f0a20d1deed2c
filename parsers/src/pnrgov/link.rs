//! Linking SSR data (DOCS, DOCO, DOCA, contacts, INFT) to the PNR's travellers once the whole PNR
//! has been read: SSRs may come before the TIF they refer to, name the traveller by reference,
//! by position, or only by name, and infants' documents arrive under the adult's reference.
//! Nothing is dropped: data that fit no traveller make a traveller of their own.

use crate::edifact::Reader;
use crate::model::{Contact, Diagnostic, Document, Pnr, Severity, Traveller};
use compact_str::CompactString;

use super::index::Index;
use super::names::{key, same_person};
use super::ssr::{Doca, Doco, Docs};

/// What an SSR carries for a traveller.
#[derive(Debug, Clone)]
pub enum Item {
    Docs(Docs),
    Doco(Doco),
    Doca(Doca),
    Email(CompactString),
    Phone(CompactString),
    /// SSR INFT: surname, given names, date of birth.
    Infant(CompactString, CompactString, Option<CompactString>),
}

/// An item and how to find its traveller.
#[derive(Debug, Clone)]
pub struct Pending {
    pub item: Item,
    /// The traveller whose TIF group the SSR was in.
    pub context: Option<usize>,
    /// The traveller reference the SSR names (C332 9944).
    pub reference: Option<CompactString>,
    /// Position and index of the SSR, for diagnostics.
    pub position: usize,
    pub index: usize,
}

fn by_ref(pnr: &Pnr, ix: &Index, r: &str, infant: bool) -> Option<usize> {
    let pick = |want: bool| ix.by_ref(r).find(|&i| pnr.travellers[i].infant == want);
    pick(infant).or_else(|| pick(!infant))
}

/// Applies every pending item to the travellers of `pnr`.
/// `ix` indexes `pnr.travellers` as they are (the builder keeps it in step).
/// `pending` is left empty.
pub fn apply(r: &mut Reader, pnr: &mut Pnr, pending: &mut Vec<Pending>, ix: &mut Index) {
    for p in pending.drain(..) {
        let Pending {
            item,
            context,
            reference,
            position,
            index,
        } = p;
        let p = Where {
            context,
            reference,
            position,
            index,
        };
        let seg_diag = |r: &mut Reader, message: String| {
            r.diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                segment: "SSR".into(),
                position: p.position,
                index: Some(p.index),
                message,
            });
        };
        match item {
            Item::Docs(d) => {
                let target = if d.infant {
                    infant_target(pnr, ix, &d.surname, &d.given_names)
                } else {
                    p.reference
                        .as_deref()
                        .and_then(|x| by_ref(pnr, ix, x, false))
                        .or(p.context)
                        .or_else(|| by_name(pnr, ix, &d.surname, &d.given_names, false))
                        .or_else(|| only_adult(pnr))
                };
                let created = target.is_none();
                let i = match target {
                    Some(i) => i,
                    None => {
                        if !(d.surname.is_empty() && d.number.is_empty()) {
                            seg_diag(r, "SSR DOCS matches no TIF traveller; it was kept as a traveller of its own.".into());
                        }
                        pnr.travellers.push(Traveller {
                            infant: d.infant,
                            ..Traveller::default()
                        });
                        pnr.travellers.len() - 1
                    }
                };
                docs_into(&mut pnr.travellers[i], d);
                if created {
                    ix.add(i, &pnr.travellers[i]);
                }
            }
            Item::Doco(d) => {
                let Some(i) = target(pnr, ix, &p) else {
                    seg_diag(
                        r,
                        "SSR DOCO names no traveller of the PNR; it was skipped.".into(),
                    );
                    continue;
                };
                let t = &mut pnr.travellers[i];
                if t.birth_place.is_none() && !d.birth_place.is_empty() {
                    t.birth_place = Some(d.birth_place);
                }
                if !d.number.is_empty() {
                    t.documents.push(Document {
                        doc_type: d.doc_type,
                        number: d.number,
                        issuing_country: (!d.state.is_empty()).then_some(d.state),
                        expiry: None,
                        issue_date: d.issue_date,
                    });
                }
            }
            Item::Doca(d) => {
                let Some(i) = target(pnr, ix, &p) else {
                    seg_diag(
                        r,
                        "SSR DOCA names no traveller of the PNR; it was skipped.".into(),
                    );
                    continue;
                };
                let t = &mut pnr.travellers[i];
                if d.kind == "R" && !d.country.is_empty() {
                    t.residence = Some(d.country);
                }
                if !d.address.is_empty() && (d.kind == "R" || t.address.is_none()) {
                    t.address = Some(d.address);
                }
            }
            Item::Email(v) => contact(pnr, ix, &p, "email", v),
            Item::Phone(v) => contact(pnr, ix, &p, "phone", v),
            Item::Infant(surname, given, dob) => {
                if by_name(pnr, ix, &surname, &given, true).is_none() && !surname.is_empty() {
                    pnr.travellers.push(Traveller {
                        surname,
                        given_names: given,
                        date_of_birth: dob,
                        infant: true,
                        ..Traveller::default()
                    });
                    let i = pnr.travellers.len() - 1;
                    ix.add(i, &pnr.travellers[i]);
                }
            }
        }
    }
}

/// A contact goes to the traveller the SSR names, else to the PNR.
fn contact(pnr: &mut Pnr, ix: &Index, p: &Where, kind: &str, value: CompactString) {
    if value.is_empty() {
        return;
    }
    match p
        .reference
        .as_deref()
        .and_then(|x| by_ref(pnr, ix, x, false))
        .or(p.context)
    {
        Some(i) => pnr.travellers[i].contacts.push(value),
        None => pnr.contacts.push(Contact {
            kind: kind.into(),
            value,
        }),
    }
}

/// Where an item came from (a [`Pending`] without its item).
struct Where {
    context: Option<usize>,
    reference: Option<CompactString>,
    position: usize,
    index: usize,
}

/// Traveller of a DOCO/DOCA/contact: by reference, else the TIF group, else the only adult.
fn target(pnr: &Pnr, ix: &Index, p: &Where) -> Option<usize> {
    p.reference
        .as_deref()
        .and_then(|x| by_ref(pnr, ix, x, false))
        .or(p.context)
        .or_else(|| only_adult(pnr))
}

fn by_name(pnr: &Pnr, ix: &Index, surname: &str, given: &str, infant: bool) -> Option<usize> {
    ix.by_surname(surname).find(|&i| {
        let t = &pnr.travellers[i];
        t.infant == infant && same_person(&t.surname, &t.given_names, surname, given)
    })
}

/// The only adult of the PNR. Looks at a bounded number of travellers: a PNR of thousands of
/// infants is hostile input, not a family, and must not make linking quadratic.
fn only_adult(pnr: &Pnr) -> Option<usize> {
    let mut adults = pnr
        .travellers
        .iter()
        .take(256)
        .enumerate()
        .filter(|(_, t)| !t.infant);
    match (adults.next(), adults.next()) {
        (Some((i, _)), None) if pnr.travellers.len() <= 256 => Some(i),
        _ => None,
    }
}

/// An infant's document: the infant of that name, else the one infant without a document
/// (bounded like [`only_adult`]).
fn infant_target(pnr: &Pnr, ix: &Index, surname: &str, given: &str) -> Option<usize> {
    by_name(pnr, ix, surname, given, true).or_else(|| {
        if pnr.travellers.len() > 256 {
            return None;
        }
        let mut bare = pnr
            .travellers
            .iter()
            .enumerate()
            .filter(|(_, t)| t.infant && t.documents.is_empty() && t.date_of_birth.is_none());
        match (bare.next(), bare.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    })
}

/// Adds DOCS data to a traveller: fills what is missing, never overwrites the booking name.
fn docs_into(t: &mut Traveller, d: Docs) {
    // A title glued to the booking name (`KAYLAMS`) shows once the document names `KAYLA`.
    // Every title ends in S or R: a booking name whose last letter is another (most) has none,
    // and neither name's key need be made.
    let may_end_in_title = t
        .given_names
        .chars()
        .rev()
        .find(|c| c.is_alphabetic())
        .and_then(|c| c.to_uppercase().last())
        .is_some_and(|c| c == 'S' || c == 'R');
    if may_end_in_title {
        let doc_given = key(&d.given_names);
        if !doc_given.is_empty() {
            let booked = key(&t.given_names);
            for title in ["MS", "MISS", "DR", "MRS", "MR", "MSTR"] {
                if booked.as_bytes().strip_prefix(doc_given.as_bytes()) == Some(title.as_bytes()) {
                    if let Some(g) = t.given_names.trim_end().strip_suffix(title) {
                        t.given_names = g.trim_end().into();
                    }
                    break;
                }
            }
        }
    }
    if t.surname.is_empty() {
        t.surname = d.surname.clone();
        t.given_names = d.given_names.clone();
    } else if t.given_names.is_empty() {
        t.given_names = d.given_names.clone();
    }
    let fill = |slot: &mut Option<CompactString>, v: CompactString| {
        if slot.is_none() && !v.is_empty() {
            *slot = Some(v);
        }
    };
    if t.date_of_birth.is_none() {
        t.date_of_birth = d.date_of_birth.clone();
    }
    fill(&mut t.gender, d.gender);
    // Three-letter codes (ICAO 9303) beat the two-letter ones some DOCS carry.
    if t.nationality.as_ref().is_some_and(|n| n.len() == 2) && d.nationality.len() == 3 {
        t.nationality = None;
    }
    fill(&mut t.nationality, d.nationality);
    if d.doc_type.is_empty() && d.number.is_empty() {
        return;
    }
    let issuing = (!d.issuing_country.is_empty()).then_some(d.issuing_country);
    // The same document is often sent at PNR level and again per flight.
    if let Some(existing) = t
        .documents
        .iter_mut()
        .find(|x| !d.number.is_empty() && x.number == d.number)
    {
        if existing.expiry.is_none() {
            existing.expiry = d.expiry;
        }
        if issuing.as_ref().is_some_and(|c| c.len() == 3) || existing.issuing_country.is_none() {
            existing.issuing_country = issuing.or(existing.issuing_country.take());
        }
        return;
    }
    t.documents.push(Document {
        doc_type: d.doc_type,
        number: d.number,
        issuing_country: issuing,
        expiry: d.expiry,
        issue_date: None,
    });
}
