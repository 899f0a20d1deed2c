//! SSR (special service request) segments and the AIRIMP free-text formats inside them
//! (reference/messages.md §3.1): DOCS, DOCO, DOCA, CTCE/CTCM/CTCH, FQTV, SEAT, INFT.

use crate::edifact::dates::Pivot;
use crate::edifact::{trim, Reader, Segment};
use compact_str::CompactString;
use std::borrow::Cow;

/// Seat request codes whose C332 carries seats.
const SEAT_SSRS: &[&str] = &[
    "SEAT", "RQST", "NSST", "NSSA", "NSSW", "SMST", "SMSA", "SMSW",
];

/// An SSR as sent: code, free text (borrowed from the buffer when it can be: most codes only
/// parse it), and the traveller references and seats of C332.
#[derive(Debug, Clone, Default)]
pub struct RawSsr<'a> {
    /// Upper case; borrowed when sent so (nearly always), as most codes are only compared.
    pub code: Cow<'a, str>,
    pub text: Cow<'a, str>,
    /// The first traveller reference of C332, if any.
    pub reference: Option<CompactString>,
}

/// (seat, traveller reference) per C332 element of a seat request.
pub type Seats = Vec<(CompactString, Option<CompactString>)>;

/// Reads `SSR+code:status:qty:company:…:board:off:free text+seat::ref+…`. The free text is the
/// ninth component; senders that write fewer separators put it last, always starting with `/`
/// or a letter after the codes, so the last component is taken when there is no ninth.
/// `seats` is cleared, then receives the C332 elements that have either of a seat request
/// ([`SEAT_SSRS`]); it is the caller's so that its allocation serves every SSR.
pub fn read<'a>(r: &mut Reader<'a>, seg: &Segment<'a>, seats: &mut Seats) -> RawSsr<'a> {
    let mut code = r.str(seg, 0, 0);
    if code.bytes().any(|b| b.is_ascii_lowercase()) {
        code.to_mut().make_ascii_uppercase();
    }
    let mut text = r.str(seg, 0, 8);
    if text.is_empty() {
        if let Some(last) = r.last_component(seg, 0, 1).filter(|l| l.starts_with('/')) {
            text = Cow::Owned(last.into_string());
        }
    }
    let is_seat_request = SEAT_SSRS.contains(&&*code);
    let mut reference = None;
    seats.clear();
    for e in 1..r.element_count(seg) {
        // Every C332 is decoded, as before, whatever is kept of it (decoding reports).
        let data = r.str(seg, e, 0);
        let target = r.opt(seg, e, 2);
        if is_seat_request && (!data.is_empty() || target.is_some()) {
            seats.push((CompactString::from(data), target.clone()));
        }
        if reference.is_none() {
            reference = target;
        }
    }
    RawSsr {
        code,
        text,
        reference,
    }
}

/// The fields of SSR DOCS free text `/type/issuer/number/nationality/DOB/gender/expiry/surname/
/// given/middle`, dates already ISO.
#[derive(Debug, Clone, Default)]
pub struct Docs {
    pub doc_type: CompactString,
    pub issuing_country: CompactString,
    pub number: CompactString,
    pub nationality: CompactString,
    pub date_of_birth: Option<CompactString>,
    /// `M`, `F`, `U`, `X` (infant suffix `I` removed).
    pub gender: CompactString,
    /// True for `MI`/`FI`: the document of an infant travelling on the lap of the TIF.
    pub infant: bool,
    pub expiry: Option<CompactString>,
    pub surname: CompactString,
    pub given_names: CompactString,
}

/// The `/`-separated fields of SSR free text, trimmed and borrowed: each is copied at most once,
/// into the field of the model it ends up in (dates are only looked at).
fn fields(text: &str) -> Vec<&str> {
    slashed(text).collect()
}

/// `text` without its leading `/`, split on `/` and trimmed: `str::split('/')` by bytes (`/` is
/// ASCII, so every piece is still text), without the character searcher that cost a third of
/// reading a DOCS.
fn slashed(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text.strip_prefix('/').unwrap_or(text));
    std::iter::from_fn(move || {
        let r = rest?;
        match r.bytes().position(|b| b == b'/') {
            Some(k) => {
                rest = r.get(k + 1..);
                r.get(..k)
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
    .map(trim)
}

/// Parses DOCS free text; dates that are not `DDMMMYY` are reported and left out.
pub fn docs<'a>(r: &mut Reader<'a>, seg: &Segment<'a>, text: &str) -> Docs {
    // The fields one by one, borrowed, each copied at most once into the model.
    let mut f = slashed(text);
    let mut next = || f.next().unwrap_or_default();
    let (doc_type, issuing_country, number, nationality) = (next(), next(), next(), next());
    let (dob, gender_raw, expiry, surname) = (next(), next(), next(), next());
    let mut gender_raw = CompactString::from(gender_raw);
    gender_raw.make_ascii_uppercase();
    let infant = gender_raw.len() == 2 && gender_raw.ends_with('I');
    let gender = if infant {
        gender_raw[..1].into()
    } else {
        gender_raw
    };
    let mut given_names = CompactString::default();
    for g in f.filter(|g| !g.is_empty() && *g != "H") {
        if !given_names.is_empty() {
            given_names.push(' ');
        }
        given_names.push_str(g);
    }
    Docs {
        doc_type: doc_type.into(),
        issuing_country: issuing_country.into(),
        number: number.into(),
        nationality: nationality.into(),
        date_of_birth: r.dmmmy(seg, dob, Pivot::Past, "date of birth in SSR DOCS"),
        gender,
        infant,
        expiry: r.dmmmy(
            seg,
            expiry,
            Pivot::Future,
            "document expiry date in SSR DOCS",
        ),
        surname: surname.into(),
        given_names,
    }
}

/// SSR DOCO `/place of birth/type/number/place of issue/issue date/applicable state`.
#[derive(Debug, Clone, Default)]
pub struct Doco {
    pub birth_place: CompactString,
    pub doc_type: CompactString,
    pub number: CompactString,
    pub issue_date: Option<CompactString>,
    pub state: CompactString,
}

/// Parses DOCO free text.
pub fn doco<'a>(r: &mut Reader<'a>, seg: &Segment<'a>, text: &str) -> Doco {
    let f = fields(text);
    let field = |i: usize| f.get(i).copied().unwrap_or_default();
    let get = |i: usize| field(i).into();
    Doco {
        birth_place: get(0),
        doc_type: get(1),
        number: get(2),
        issue_date: r.dmmmy(seg, field(4), Pivot::Past, "issue date in SSR DOCO"),
        state: get(5),
    }
}

/// SSR DOCA `/R|D/country/address/city/state/postcode`.
#[derive(Debug, Clone, Default)]
pub struct Doca {
    /// `R` residence or `D` destination.
    pub kind: CompactString,
    pub country: CompactString,
    /// Address, city, state and postcode joined with `, `.
    pub address: CompactString,
}

/// Parses DOCA free text.
pub fn doca(text: &str) -> Doca {
    let f = fields(text);
    let rest: Vec<&str> = f
        .iter()
        .skip(2)
        .copied()
        .filter(|s| !s.is_empty() && *s != "I")
        .collect();
    Doca {
        kind: f.first().copied().unwrap_or_default().into(),
        country: f.get(1).copied().unwrap_or_default().into(),
        address: rest.join(", ").into(),
    }
}

/// An e-mail address from AIRIMP (`//` stands for `@`, `..` for `_`).
pub fn email(text: &str) -> CompactString {
    let t = trim(text).trim_start_matches('/');
    // One pass for both replacements: their patterns and results share no character, so this
    // is `replace("//", "@")` then `replace("..", "_")`, without the two allocations. Written
    // into a `String` (addresses are mostly longer than `CompactString` keeps inline, and its
    // `push` costs more), which the `CompactString` then takes over.
    let mut out = String::with_capacity(t.len());
    let mut rest = t;
    while let Some(k) = rest.bytes().position(|b| b == b'/' || b == b'.') {
        let (head, tail) = rest.split_at(k);
        out.push_str(head);
        if let Some(after) = tail.strip_prefix("//") {
            out.push('@');
            rest = after;
        } else if let Some(after) = tail.strip_prefix("..") {
            out.push('_');
            rest = after;
        } else if tail.starts_with('/') {
            // A single `/` ends the address.
            rest = "";
            break;
        } else {
            out.push('.');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    match trim(&out) {
        trimmed if trimmed.len() == out.len() => out.into(),
        trimmed => trimmed.into(),
    }
}

/// A phone number from CTCM/CTCH free text (`/number[/language]`).
pub fn phone(text: &str) -> CompactString {
    let t = trim(text).trim_start_matches('/');
    trim(t.split('/').next().unwrap_or_default()).into()
}

/// A frequent flyer number from FQTV free text (`/DL1234567890-NAME/...` → `DL1234567890`).
pub fn frequent_flyer(text: &str) -> CompactString {
    let t = trim(text).trim_start_matches('/');
    t.split(['/', '-'])
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect()
}

/// SSR INFT free text: `SURNAME/GIVEN/DDMMMYY` or `SURNAME/GIVEN DDMMMYY`.
pub fn inft<'a>(
    r: &mut Reader<'a>,
    seg: &Segment<'a>,
    text: &str,
) -> (CompactString, CompactString, Option<CompactString>) {
    let f = fields(text);
    let surname = f.first().copied().unwrap_or_default().into();
    let mut given = f.get(1).copied().unwrap_or_default();
    let mut dob = f.get(2).copied().unwrap_or_default();
    if dob.is_empty() {
        if let Some((g, d)) = given.rsplit_once(' ') {
            if d.len() == 7 && d.as_bytes()[0].is_ascii_digit() {
                dob = d;
                given = g.trim();
            }
        }
    }
    let dob = r.dmmmy(seg, dob, Pivot::Past, "infant's date of birth in SSR INFT");
    (surname, given.into(), dob)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn airimp_contacts() {
        assert_eq!(email("/REUBEN..SERIO//GMAIL.COM"), "REUBEN_SERIO@GMAIL.COM");
        // As `replace("//", "@")` then `replace("..", "_")`, up to the first lone `/`.
        for text in [
            "/A...B///C",
            "/A//./..//B/X",
            "/ A.B/C ",
            "//",
            "/.",
            "/A. //B",
            "x...",
        ] {
            let t = text.trim().trim_start_matches('/');
            let t = t.replace("//", "@").replace("..", "_");
            let want = t.split('/').next().unwrap_or_default().trim();
            assert_eq!(email(text), want, "{text}");
        }
        assert_eq!(
            email("/FIRSTNAMELASTNAME//YAHOO.COM/EN"),
            "FIRSTNAMELASTNAME@YAHOO.COM"
        );
        assert_eq!(phone("/+44 7700 900123"), "+44 7700 900123");
        assert_eq!(
            frequent_flyer("/DL1234567890-LASTNAME/FIRSTNAMEMI"),
            "DL1234567890"
        );
    }

    #[test]
    fn slashed_is_split_on_slash() {
        for text in [
            "/P/GBR//X/",
            "",
            "/",
            "//",
            "A/ B /C",
            " /P",
            "/P/GBR/123/É/x",
        ] {
            let t = text.strip_prefix('/').unwrap_or(text);
            let want: Vec<&str> = t.split('/').map(trim).collect();
            assert_eq!(slashed(text).collect::<Vec<_>>(), want, "{text:?}");
        }
    }

    #[test]
    fn doca_fields() {
        let d = doca("/R/GBR/1 MAIN ST/LONDON//SW1");
        assert_eq!(
            (d.kind.as_str(), d.country.as_str(), d.address.as_str()),
            ("R", "GBR", "1 MAIN ST, LONDON, SW1")
        );
    }
}
