//! One person of a PAXLST message (SG4: NAD FL/FM/DDU/DDT and what follows it) and their travel
//! documents (SG5: DOC, DTM 36/182, LOC 91).

use crate::edifact::dates::Pivot;
use crate::edifact::{shown_code, Reader, Segment};
use crate::model::{CompactString, Document, Traveller, TravellerKind};
use compact_str::format_compact;

/// The traveller role of a NAD party qualifier, `None` for other parties.
pub fn kind_of(qualifier: &str) -> Option<TravellerKind> {
    Some(match qualifier {
        "FL" => TravellerKind::Passenger,
        "FM" => TravellerKind::Crew,
        "DDU" => TravellerKind::TransitPassenger,
        "DDT" => TravellerKind::TransitCrew,
        _ => return None,
    })
}

/// Document type codes of the IG and the US CBP guide (reference/messages.md §2.2).
const DOC_TYPES: &[&str] = &[
    "P", "V", "I", "A", "C", "AC", "IP", "T", "F", "C1", "G", "IA", "IN", "M", "PR", "PT", "VB",
    "VI", "VN", "L",
];

/// RFF qualifiers used at person level.
const RFF_QUALIFIERS: &[&str] = &[
    "AVF", "ABO", "SEA", "YZY", "AEA", "CR", "ANX", "AGK", "AGU", "ANK", "AVP", "GN", "CN", "TN",
];

/// Starts a traveller from NAD. The name is C080: surname, then given names; carriers that put
/// each given name in its own component get them joined with spaces (the sixth component is a
/// name format code, not a name).
pub fn nad<'a>(r: &mut Reader<'a>, seg: &Segment<'a>, kind: TravellerKind) -> Traveller {
    let surname = r.text(seg, 3, 0);
    // Joined as read: no vector of given names, no copy of each.
    let mut given_names = CompactString::default();
    for c in 1..=4 {
        let g = r.str(seg, 3, c);
        if !g.is_empty() {
            if !given_names.is_empty() {
                given_names.push(' ');
            }
            given_names.push_str(&g);
        }
    }
    let mut t = Traveller {
        kind,
        surname,
        given_names,
        ..Traveller::default()
    };
    if t.surname.is_empty() {
        // C058 (unstructured name and address) as a fallback keeps the person.
        let unstructured = r.text(seg, 2, 0);
        if unstructured.is_empty() {
            r.warn(
                seg,
                "The traveller's NAD has no surname; the traveller was kept without one.".into(),
            );
        } else {
            t.surname = unstructured;
            r.warn(
                seg,
                "The traveller's name is unstructured (C058); it was read as the surname.".into(),
            );
        }
    }
    let mut address = r.components(seg, 4, 0);
    for e in 5..=8 {
        if let Some(v) = r.opt(seg, e, 0) {
            address.push(v);
        }
    }
    if !address.is_empty() {
        t.address = Some(address.join(", ").into());
    }
    t
}

/// Applies a segment of SG4/SG5 to the traveller. `in_doc` is true while the last DOC is open;
/// returns whether the segment opened (true) or closed (false) the document scope.
/// `q` is the segment's first value (its qualifier), already read by the caller.
pub fn apply<'a>(
    r: &mut Reader<'a>,
    seg: &Segment<'a>,
    q: &str,
    t: &mut Traveller,
    in_doc: bool,
) -> bool {
    match seg.tag {
        b"ATT" => {
            let g = r.text(seg, 2, 0);
            if q != "2" {
                r.info(
                    seg,
                    format!(
                        "ATT qualifier {} is not gender (2) and was not used.",
                        shown_code(q)
                    ),
                );
            } else if !g.is_empty() {
                if !matches!(g.as_str(), "M" | "F" | "U" | "X") {
                    r.warn(
                        seg,
                        "The gender code is not M, F, U or X; it was kept as sent.".into(),
                    );
                }
                t.gender = Some(g);
            }
            false
        }
        b"DTM" => {
            let value = r.str(seg, 0, 1);
            match q {
                "329" => {
                    if let Some(d) = r.ymd(seg, &value, Pivot::Past, "date of birth") {
                        if t.date_of_birth.is_some() {
                            r.warn(
                                seg,
                                "A second date of birth for one traveller was ignored.".into(),
                            );
                        } else {
                            t.date_of_birth = Some(d);
                        }
                    }
                    in_doc
                }
                "36" | "182" if in_doc => {
                    let (pivot, what) = if q == "36" {
                        (Pivot::Future, "expiry date")
                    } else {
                        (Pivot::Past, "issue date")
                    };
                    let d = r.ymd(seg, &value, pivot, what);
                    if let (Some(d), Some(doc)) = (d, t.documents.last_mut()) {
                        let slot = if q == "36" {
                            &mut doc.expiry
                        } else {
                            &mut doc.issue_date
                        };
                        if slot.is_some() {
                            r.warn(
                                seg,
                                format!("A second {what} for one document was ignored."),
                            );
                        } else {
                            *slot = Some(d);
                        }
                    }
                    true
                }
                "36" | "182" => {
                    if !value.is_empty() {
                        r.warn(
                            seg,
                            format!("DTM {} outside a DOC group was ignored.", shown_code(q)),
                        );
                    }
                    false
                }
                _ => {
                    r.info(
                        seg,
                        format!(
                            "DTM qualifier {} is not used for travellers; it was skipped.",
                            shown_code(q)
                        ),
                    );
                    in_doc
                }
            }
        }
        b"MEA" => {
            let unit = r.str(seg, 2, 0);
            let value = r.str(seg, 2, 1);
            match q {
                "CT" => {
                    // D05B writes `MEA+CT++:2`; older messages `MEA+CT++2`.
                    let v = if value.is_empty() { unit } else { value };
                    match v.parse::<u32>() {
                        Ok(n) => t.bag_count = Some(t.bag_count.unwrap_or(0) + n),
                        Err(_) if v.is_empty() => {}
                        Err(_) => r.warn(
                            seg,
                            "The bag count is not a number; it was left out.".into(),
                        ),
                    }
                }
                "WT" if !value.is_empty() => {
                    t.bag_weight = Some(format_compact!("{value} {unit}").trim().into())
                }
                "WT" => {}
                _ => r.info(
                    seg,
                    format!("MEA qualifier {} was not used.", shown_code(q)),
                ),
            }
            false
        }
        b"GEI" => {
            if let Some(v) = r.opt(seg, 1, 0) {
                t.verification.push(v);
            }
            false
        }
        b"FTX" => {
            if q == "BAG" {
                let tag = r.text(seg, 3, 0);
                let count = r.text(seg, 3, 1);
                let n = crate::pnrgov::bag_run(r, seg, &count);
                if n == 1 && !tag.is_empty() {
                    t.bag_tags.push(tag); // one tag, the usual case: no run to expand
                } else {
                    expand_tags_into(&tag, n, &mut t.bag_tags);
                }
            } else {
                r.info(
                    seg,
                    format!(
                        "FTX qualifier {} is not used for travellers; it was skipped.",
                        shown_code(q)
                    ),
                );
            }
            false
        }
        b"LOC" => {
            if q == "91" && in_doc {
                let country = r.opt(seg, 1, 0).or_else(|| r.opt(seg, 1, 3));
                if let (Some(c), Some(doc)) = (country, t.documents.last_mut()) {
                    doc.issuing_country = Some(c);
                }
                return true;
            }
            // The code (C517 3225), else the place name (3224); a birth place prefers the name.
            let code = r.opt(seg, 1, 0);
            if q == "180" {
                t.birth_place = r.opt(seg, 1, 3).or(code);
                return false;
            }
            let place = code.or_else(|| r.opt(seg, 1, 3));
            match q {
                "22" => t.clearance = place,
                "174" => t.residence = place,
                "178" => t.embarkation = place,
                "179" => t.debarkation = place,
                "91" if place.is_some() => r.warn(
                    seg,
                    "LOC 91 (document issuing country) outside a DOC group was ignored.".into(),
                ),
                "91" => {}
                _ => r.info(
                    seg,
                    format!(
                        "LOC qualifier {} is not used for travellers; it was skipped.",
                        shown_code(q)
                    ),
                ),
            }
            false
        }
        b"COM" => {
            let contacts = (0..r.element_count(seg))
                .filter_map(|e| r.opt(seg, e, 0))
                .collect::<Vec<_>>();
            t.contacts.extend(contacts);
            false
        }
        b"EMP" => {
            t.crew_function = r.opt(seg, 1, 0);
            false
        }
        b"NAT" => {
            t.nationality = r.opt(seg, 1, 0);
            false
        }
        b"RFF" => {
            let v = r.str(seg, 0, 1);
            if v.is_empty() {
                return in_doc;
            }
            let v = CompactString::from(v);
            match q {
                "AVF" => t.record_locator = Some(v),
                "SEA" => t.seat = Some(v),
                _ => {
                    if !RFF_QUALIFIERS.contains(&q) {
                        r.warn(seg, format!("RFF qualifier {} is not a known person reference; it was kept as sent.", shown_code(q)));
                    }
                    t.references.push(format_compact!("{q}:{v}"));
                }
            }
            false
        }
        b"DOC" => doc(r, seg, t),
        _ => {
            r.info(
                seg,
                format!(
                    "Segment {} is not used in a PAXLST person group; it was skipped.",
                    seg.tag_str()
                ),
            );
            in_doc
        }
    }
}

/// DOC: a new travel document; returns whether a document was opened.
fn doc<'a>(r: &mut Reader<'a>, seg: &Segment<'a>, t: &mut Traveller) -> bool {
    let doc_type = r.text(seg, 0, 0);
    let number = r.text(seg, 1, 0);
    if doc_type.is_empty() && number.is_empty() {
        r.warn(
            seg,
            "DOC holds neither a document type nor a number; it was skipped.".into(),
        );
        return false;
    }
    if doc_type.is_empty() {
        r.warn(
            seg,
            "DOC has no document type; the document was kept without one.".into(),
        );
    } else if !DOC_TYPES.contains(&doc_type.as_str()) {
        r.warn(
            seg,
            format!(
                "Document type {} is not a known code; it was kept as sent.",
                shown_code(&doc_type)
            ),
        );
    }
    if number.is_empty() {
        r.warn(seg, "DOC has no document number.".into());
    }
    t.documents.push(Document {
        doc_type,
        number,
        ..Document::default()
    });
    true
}

/// Bag tags `first` and the `n - 1` that follow it (FTX+BAG `tag:count` means consecutive tags).
pub fn expand_tags(first: &str, n: u32) -> Vec<CompactString> {
    let mut tags = Vec::new();
    expand_tags_into(first, n, &mut tags);
    tags
}

/// [`expand_tags`], appended to `out` (a traveller's tags) without a list of their own.
pub fn expand_tags_into(first: &str, n: u32, out: &mut Vec<CompactString>) {
    if first.is_empty() {
        return;
    }
    let digits = first.bytes().rev().take_while(u8::is_ascii_digit).count();
    let (prefix, num) = first.split_at(first.len() - digits);
    let n = n.clamp(1, 99);
    match num.parse::<u64>() {
        Ok(start) if n > 1 => {
            out.extend((0..n as u64).map(|k| numbered(prefix, start + k, digits)))
        }
        _ => out.push(first.into()),
    }
}

/// `prefix` and `n` in at least `width` digits (zero-padded): `format!("{prefix}{n:0width$}")`
/// without the formatting machinery, which cost more than the rest of a bag tag's reading.
fn numbered(prefix: &str, n: u64, width: usize) -> CompactString {
    let mut digits = [b'0'; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    // u64 has at most 20 digits; a wider field is padded by zeros beyond the buffer.
    let len = digits.len() - at;
    let mut out = CompactString::with_capacity(prefix.len() + width.max(len));
    out.push_str(prefix);
    for _ in len.max(digits.len())..width {
        out.push('0');
    }
    let start = digits.len().saturating_sub(width.max(len)).min(at);
    out.push_str(std::str::from_utf8(&digits[start..]).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::{expand_tags, numbered};

    #[test]
    fn numbered_is_zero_padded_format() {
        for (prefix, n, width) in [
            ("UA", 123456, 6),
            ("", 99, 4),
            ("X", 100, 2),
            ("", 0, 0),
            ("SU", 5, 25),
            ("", u64::MAX, 3),
            ("", u64::MAX, 22),
        ] {
            assert_eq!(numbered(prefix, n, width), format!("{prefix}{n:0width$}"));
        }
    }

    #[test]
    fn consecutive_bag_tags() {
        assert_eq!(
            expand_tags("UA123456", 3),
            ["UA123456", "UA123457", "UA123458"]
        );
        assert_eq!(expand_tags("0099", 2), ["0099", "0100"]);
        assert_eq!(expand_tags("SU0005", 1), ["SU0005"]);
        assert!(expand_tags("", 3).is_empty());
    }
}
