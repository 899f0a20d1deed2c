//! What links travellers: the values two bookings or two manifests can share, normalised so that
//! `+44 20 7946 0123` and `020 7946 0123` meet, and turned into node ids by a keyed hash (the
//! links table never holds a phone number, and cannot be reversed by hashing every number).
//! Labels shown to officers are masked: a phone is `phone …0123`, never the whole number.

use paxrisk_parsers::{Pnr, Traveller};
use sha2::{Digest, Sha256};

use crate::retention::policy::DataClass;

/// The kind of a shared value, which is the kind of the link it makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Same booking (carrier and record locator).
    Booking,
    /// Same phone number (last nine digits).
    Phone,
    /// Same e-mail address (lower-cased).
    Email,
    /// Same payment card, as sent (usually masked by the carrier).
    Card,
    /// Same postal address (upper-cased, punctuation folded).
    Address,
    /// Same travel document number and issuing country.
    Document,
    /// Same frequent-flyer number.
    FrequentFlyer,
    /// Same booking agency or office.
    Agency,
    /// Same seat row on the same flight.
    SeatRow,
    /// The same person on another flight (travel history key).
    Person,
}

impl Kind {
    /// Every kind, in the order filters list them.
    pub const ALL: [Kind; 10] = [
        Kind::Booking,
        Kind::Phone,
        Kind::Email,
        Kind::Card,
        Kind::Address,
        Kind::Document,
        Kind::FrequentFlyer,
        Kind::Agency,
        Kind::SeatRow,
        Kind::Person,
    ];

    /// The stored and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Booking => "booking",
            Kind::Phone => "phone",
            Kind::Email => "email",
            Kind::Card => "card",
            Kind::Address => "address",
            Kind::Document => "document",
            Kind::FrequentFlyer => "frequent_flyer",
            Kind::Agency => "agency",
            Kind::SeatRow => "seat_row",
            Kind::Person => "person",
        }
    }

    /// Parses a stored or API name.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The retention class of the data the link is derived from: masking that class masks
    /// (deletes) the link.
    pub fn class(self) -> DataClass {
        match self {
            Kind::Phone | Kind::Email | Kind::Address => DataClass::Contacts,
            Kind::Card => DataClass::Payment,
            Kind::FrequentFlyer => DataClass::FrequentFlyer,
            Kind::Document | Kind::Person => DataClass::Identity,
            Kind::Booking | Kind::Agency | Kind::SeatRow => DataClass::Itinerary,
        }
    }

    /// The kinds derived from one retention class.
    pub fn of_class(class: DataClass) -> Vec<&'static str> {
        Kind::ALL
            .into_iter()
            .filter(|k| k.class() == class)
            .map(Kind::as_str)
            .collect()
    }
}

/// The key of the link hash: 256 random bits made once per database (`links.key`), held as the
/// HMAC's two hash states after their padded key blocks (each node then hashes only its value).
#[derive(Clone)]
pub struct LinkKey {
    inner: Sha256,
    outer: Sha256,
}

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey(..)")
    }
}

impl LinkKey {
    /// From the stored hex form; `None` when it is not 64 hex digits.
    pub fn from_hex(s: &str) -> Option<LinkKey> {
        let bytes: [u8; 32] = hex::decode(s.trim()).ok()?.try_into().ok()?;
        let mut ipad = [0x36u8; 64];
        let mut opad = [0x5cu8; 64];
        for (i, b) in bytes.iter().enumerate() {
            ipad[i] ^= b;
            opad[i] ^= b;
        }
        Some(LinkKey {
            inner: Sha256::new().chain_update(ipad),
            outer: Sha256::new().chain_update(opad),
        })
    }

    /// HMAC-SHA-256 (RFC 2104) of `kind` and the normalised value; the node id keeps 128 bits.
    fn node(&self, kind: Kind, value: &str) -> String {
        let inner = self
            .inner
            .clone()
            .chain_update(kind.as_str().as_bytes())
            .chain_update([0u8])
            .chain_update(value.as_bytes())
            .finalize();
        let mac = self.outer.clone().chain_update(inner).finalize();
        let mut node = String::with_capacity(kind.as_str().len() + 33);
        node.push_str(kind.as_str());
        node.push(':');
        node.push_str(&hex::encode(&mac[..16]));
        node
    }
}

/// One value a traveller has, as a node of the link graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkValue {
    pub kind: Kind,
    /// `kind:` and the keyed hash of the normalised value.
    pub node: String,
    /// What an officer reads: masked.
    pub label: String,
}

/// The flight a traveller is on, for seat rows.
pub struct FlightRef<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

fn value(key: &LinkKey, kind: Kind, normalised: &str, label: String) -> LinkValue {
    LinkValue {
        kind,
        node: key.node(kind, normalised),
        label,
    }
}

/// The last `n` characters of `s`, after a mask.
fn tail(s: &str, n: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    let start = chars.len().saturating_sub(n);
    format!("…{}", chars[start..].iter().collect::<String>())
}

/// The last nine digits of a phone number (so national and international forms meet); `None`
/// when it has fewer than seven digits.
pub fn phone(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 7 {
        return None;
    }
    Some(digits[digits.len().saturating_sub(9)..].to_string())
}

/// An e-mail address lower-cased and trimmed; `None` when it has no `@` with text both sides.
pub fn email(raw: &str) -> Option<String> {
    let e = raw.trim().to_lowercase();
    let (local, domain) = e.split_once('@')?;
    (!local.is_empty() && domain.contains('.')).then_some(e)
}

/// A card number as sent, mask characters folded to `X`; `None` when fewer than four digits
/// are visible (a fully masked card links nothing).
pub fn card(raw: &str) -> Option<String> {
    let c: String = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '*')
        .map(|c| if c.is_ascii_digit() { c } else { 'X' })
        .collect();
    (c.chars().filter(char::is_ascii_digit).count() >= 4).then_some(c)
}

/// Upper-case alphanumeric words, single-spaced; `None` when fewer than six letters or digits.
pub fn address(raw: &str) -> Option<String> {
    let up = raw.to_uppercase();
    let words: Vec<&str> = up
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let joined = words.join(" ");
    (joined.chars().filter(|c| c.is_alphanumeric()).count() >= 6).then_some(joined)
}

/// Upper-case letters and digits only.
fn alnum(raw: &str) -> String {
    raw.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase()
}

/// The values of a traveller's own record: documents, address, contacts, seat row, person.
pub fn traveller_values(
    key: &LinkKey,
    t: &Traveller,
    person: Option<&str>,
    flight: &FlightRef<'_>,
) -> Vec<LinkValue> {
    let mut out = Vec::new();
    for d in &t.documents {
        let number = alnum(&d.number);
        if number.len() < 5 {
            continue;
        }
        let country = d.issuing_country.as_deref().unwrap_or("").trim();
        out.push(value(
            key,
            Kind::Document,
            &format!("{number}|{country}"),
            format!("document {}{}", tail(&number, 3), country_suffix(country)),
        ));
    }
    if let Some(a) = t.address.as_deref().and_then(address) {
        out.push(address_value(key, &a));
    }
    for c in &t.contacts {
        out.extend(contact(key, c));
    }
    if let Some(row) = t.seat.as_deref().and_then(seat_row) {
        out.push(value(
            key,
            Kind::SeatRow,
            &format!("{}|{row}", flight.id),
            format!("row {row} of {}", flight.name),
        ));
    }
    if let Some(p) = person.filter(|p| !p.is_empty()) {
        out.push(value(key, Kind::Person, p, "same person".into()));
    }
    out
}

fn country_suffix(c: &str) -> String {
    if c.is_empty() {
        String::new()
    } else {
        format!(" ({c})")
    }
}

fn address_value(key: &LinkKey, normalised: &str) -> LinkValue {
    // An address has no short masked form that is not personal: a fingerprint tells two apart.
    let fingerprint = &key.node(Kind::Address, normalised)[8..14];
    value(
        key,
        Kind::Address,
        normalised,
        format!("address #{fingerprint}"),
    )
}

/// A free-text contact: an e-mail when it has `@`, else a phone when it has enough digits.
fn contact(key: &LinkKey, raw: &str) -> Option<LinkValue> {
    if raw.contains('@') {
        let e = email(raw)?;
        let domain = e.split_once('@').map(|(_, d)| d).unwrap_or("");
        return Some(value(key, Kind::Email, &e, format!("e-mail …@{domain}")));
    }
    let p = phone(raw)?;
    Some(value(
        key,
        Kind::Phone,
        &p,
        format!("phone {}", tail(&p, 4)),
    ))
}

/// The row of a seat (`12A` → `12`); `None` without a leading number.
fn seat_row(seat: &str) -> Option<String> {
    let digits: String = seat
        .trim()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let n: u32 = digits.parse().ok()?;
    (n > 0).then(|| n.to_string())
}

/// The values of a booking that every traveller on it shares: the booking itself, its contacts,
/// cards, frequent-flyer numbers and agency.
pub fn pnr_values(key: &LinkKey, p: &Pnr, carrier: &str) -> Vec<LinkValue> {
    let mut out = Vec::new();
    let locator = alnum(&p.record_locator);
    if !locator.is_empty() {
        out.push(value(
            key,
            Kind::Booking,
            &format!("{}|{locator}", carrier.trim().to_ascii_uppercase()),
            format!("booking {locator}"),
        ));
    }
    for c in &p.contacts {
        match c.kind.as_str() {
            "address" => out.extend(address(&c.value).map(|a| address_value(key, &a))),
            "email" | "phone" => out.extend(contact(key, &c.value)),
            _ => {}
        }
    }
    for pay in &p.payments {
        if let Some(c) = pay.card.as_deref().and_then(card) {
            out.push(value(key, Kind::Card, &c, format!("card {}", tail(&c, 4))));
        }
    }
    for f in &p.frequent_flyer {
        let n = alnum(f);
        if n.len() >= 5 {
            out.push(value(
                key,
                Kind::FrequentFlyer,
                &n,
                format!("frequent flyer {}{}", &n[..2.min(n.len())], tail(&n, 4)),
            ));
        }
    }
    if let Some(a) = p.agency.as_deref().map(alnum).filter(|a| !a.is_empty()) {
        out.push(value(key, Kind::Agency, &a, format!("agency {a}")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> LinkKey {
        LinkKey::from_hex(&"ab".repeat(32)).unwrap()
    }

    #[test]
    fn national_and_international_phone_forms_meet_and_labels_are_masked() {
        let k = key();
        let a = contact(&k, "+44 20 7946 0123").unwrap();
        let b = contact(&k, "020-7946-0123").unwrap();
        assert_eq!(a.node, b.node);
        assert_eq!(a.label, "phone …0123");
        assert!(!a.node.contains("79460123"));
        assert_ne!(a.node, contact(&k, "020 7946 0124").unwrap().node);
        assert!(contact(&k, "12345").is_none());
    }

    #[test]
    fn nodes_are_hmac_sha256_of_kind_and_value() {
        // RFC 2104 the long way: H((K ^ opad) || H((K ^ ipad) || message)).
        let k = [0xabu8; 32];
        let (mut ipad, mut opad) = ([0x36u8; 64], [0x5cu8; 64]);
        for i in 0..32 {
            ipad[i] ^= k[i];
            opad[i] ^= k[i];
        }
        let inner = Sha256::new()
            .chain_update(ipad)
            .chain_update(b"phone\0123456789")
            .finalize();
        let mac = Sha256::new()
            .chain_update(opad)
            .chain_update(inner)
            .finalize();
        assert_eq!(
            key().node(Kind::Phone, "123456789"),
            format!("phone:{}", hex::encode(&mac[..16]))
        );
    }

    #[test]
    fn another_key_gives_other_nodes() {
        let other = LinkKey::from_hex(&"cd".repeat(32)).unwrap();
        assert_ne!(
            contact(&key(), "a@example.com").unwrap().node,
            contact(&other, "a@example.com").unwrap().node
        );
    }

    #[test]
    fn emails_fold_case_and_cards_keep_their_mask() {
        assert_eq!(
            email(" J.Doe@Example.COM "),
            Some("j.doe@example.com".into())
        );
        assert_eq!(email("nobody"), None);
        assert_eq!(card("XXXX XXXX XXXX 1234"), Some("XXXXXXXXXXXX1234".into()));
        assert_eq!(card("****-****-****-1234"), card("XXXXXXXXXXXX1234"));
        assert_eq!(card("XXXXXXXXXXXXXXXX"), None);
    }

    #[test]
    fn pnr_values_cover_booking_contacts_card_ffn_agency() {
        let p = Pnr {
            record_locator: "ABC123".into(),
            contacts: vec![
                paxrisk_parsers::Contact {
                    kind: "phone".into(),
                    value: "+15550100042".into(),
                },
                paxrisk_parsers::Contact {
                    kind: "email".into(),
                    value: "x@example.org".into(),
                },
            ],
            payments: vec![paxrisk_parsers::Payment {
                payment_type: "CC".into(),
                card: Some("XXXXXXXXXXXX9876".into()),
                amount: None,
            }],
            frequent_flyer: vec!["ZZ123456789".into()],
            agency: Some("12345678".into()),
            ..Pnr::default()
        };
        let kinds: Vec<&str> = pnr_values(&key(), &p, "ZZ")
            .iter()
            .map(|v| v.kind.as_str())
            .collect();
        assert_eq!(
            kinds,
            [
                "booking",
                "phone",
                "email",
                "card",
                "frequent_flyer",
                "agency"
            ]
        );
        let labels: Vec<String> = pnr_values(&key(), &p, "ZZ")
            .into_iter()
            .map(|v| v.label)
            .collect();
        assert!(labels.iter().all(|l| !l.contains("123456789")));
        assert!(labels.contains(&"card …9876".to_string()));
    }

    #[test]
    fn seat_rows_are_per_flight() {
        let t = Traveller {
            seat: Some("12A".into()),
            ..Traveller::default()
        };
        let f1 = FlightRef {
            id: "f1",
            name: "ZZ1",
        };
        let f2 = FlightRef {
            id: "f2",
            name: "ZZ2",
        };
        let a = traveller_values(&key(), &t, None, &f1);
        let b = traveller_values(&key(), &t, None, &f2);
        assert_eq!(a[0].label, "row 12 of ZZ1");
        assert_ne!(a[0].node, b[0].node);
    }
}
