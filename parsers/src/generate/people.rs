//! Made-up travellers: names from a culture, a date of birth for an age band, a passport, and
//! the parties they book in (alone, couples, families, groups).

use chrono::NaiveDate;
use rand::seq::SliceRandom;
use rand::Rng;

use super::airports::iso_date;
use super::names::{self, CULTURES};
use crate::model::{Document, Traveller, TravellerKind};

/// Age bands, in whole years on the day of travel.
#[derive(Clone, Copy)]
pub(crate) enum Age {
    Adult,
    Child,
    Infant,
}

/// Flight context a person is made for.
pub(crate) struct Context<'a> {
    pub departure: NaiveDate,
    /// Countries of the route's two ends (to weigh cultures and nationalities).
    pub countries: [&'a str; 2],
    pub origin: &'a str,
    pub destination: &'a str,
}

/// A person of culture `culture`; the surname is given for family members.
pub(crate) fn person(
    rng: &mut impl Rng,
    ctx: &Context<'_>,
    culture: usize,
    surname: Option<&str>,
    age: Age,
) -> Traveller {
    let c = &CULTURES[culture];
    let male = rng.gen_bool(0.5);
    let nationality = nationality(rng, c.countries, ctx);
    let mut t = Traveller {
        kind: TravellerKind::Passenger,
        surname: surname
            .map(str::to_string)
            .unwrap_or_else(|| names::surname(rng, c))
            .into(),
        given_names: names::given_names(rng, c, male).into(),
        gender: Some(if male { "M" } else { "F" }.into()),
        nationality: Some(nationality.into()),
        embarkation: Some(ctx.origin.into()),
        debarkation: Some(ctx.destination.into()),
        infant: matches!(age, Age::Infant),
        ..Traveller::default()
    };
    let years = match age {
        Age::Adult => rng.gen_range(18..82),
        Age::Child => rng.gen_range(2..18),
        Age::Infant => 0,
    };
    let dob =
        ctx.departure - chrono::Duration::days(years * 365 + years / 4 + rng.gen_range(1..364));
    t.date_of_birth = Some(iso_date(dob).into());
    if rng.gen_bool(0.3) {
        t.residence = Some(nationality.into());
    }
    t.documents.push(passport(rng, nationality, ctx.departure));
    t
}

/// Mostly a country of the culture, sometimes (a diaspora, a second passport) one of the route.
fn nationality<'a>(rng: &mut impl Rng, own: &'a [&'a str], ctx: &Context<'a>) -> &'a str {
    if rng.gen_bool(0.1) {
        ctx.countries[rng.gen_range(0..2)]
    } else {
        own.choose(rng).copied().unwrap_or("GBR")
    }
}

/// A passport with a made-up number, valid for one month to ten years after departure.
pub(crate) fn passport(rng: &mut impl Rng, country: &str, departure: NaiveDate) -> Document {
    const LETTERS: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ";
    let mut number = String::with_capacity(9);
    for _ in 0..rng.gen_range(1..3) {
        number.push(LETTERS[rng.gen_range(0..LETTERS.len())] as char);
    }
    while number.len() < 9 {
        number.push(char::from(b'0' + rng.gen_range(0..10)));
    }
    let expiry = departure + chrono::Duration::days(rng.gen_range(30..3650));
    Document {
        doc_type: "P".into(),
        number: number.into(),
        issuing_country: Some(country.into()),
        expiry: Some(iso_date(expiry).into()),
        issue_date: None,
    }
}

/// One booking party of at most `room` people: alone, a couple, a family or a group.
pub(crate) fn party(rng: &mut impl Rng, ctx: &Context<'_>, room: usize) -> Vec<Traveller> {
    let culture = names::pick_culture(rng, &ctx.countries);
    let x: f64 = rng.gen();
    let mut out = Vec::new();
    if x < 0.55 || room < 2 {
        out.push(person(rng, ctx, culture, None, Age::Adult));
    } else if x < 0.72 {
        let a = person(rng, ctx, culture, None, Age::Adult);
        // Most couples share a surname; many keep their own.
        let shared = rng.gen_bool(0.6).then(|| a.surname.clone());
        out.push(a);
        out.push(person(rng, ctx, culture, shared.as_deref(), Age::Adult));
    } else if x < 0.9 {
        let head = person(rng, ctx, culture, None, Age::Adult);
        let surname = head.surname.clone();
        out.push(head);
        if rng.gen_bool(0.8) {
            out.push(person(rng, ctx, culture, Some(&surname), Age::Adult));
        }
        for _ in 0..rng.gen_range(1..4) {
            out.push(person(rng, ctx, culture, Some(&surname), Age::Child));
        }
        if rng.gen_bool(0.15) {
            out.push(person(rng, ctx, culture, Some(&surname), Age::Infant));
        }
    } else {
        // A tour or business group: several surnames, often mixed cultures.
        for _ in 0..rng.gen_range(4..10) {
            let c = if rng.gen_bool(0.5) {
                culture
            } else {
                names::pick_culture(rng, &ctx.countries)
            };
            out.push(person(rng, ctx, c, None, Age::Adult));
        }
    }
    out.truncate(room.max(1));
    if (0.72..0.9).contains(&x) {
        // A family mostly travels on one country's passports: the head's.
        let nationality = out[0].nationality.clone();
        let issuer = out[0].documents[0].issuing_country.clone();
        for t in out.iter_mut().skip(1) {
            if rng.gen_bool(0.9) {
                t.nationality = nationality.clone();
                t.documents[0].issuing_country = issuer.clone();
            }
        }
    }
    out
}

/// A crew member of a carrier based in `home`.
pub(crate) fn crew_member(rng: &mut impl Rng, ctx: &Context<'_>, home: &str) -> Traveller {
    let home_culture = CULTURES.iter().position(|c| c.countries.contains(&home));
    let culture = match home_culture {
        Some(i) if rng.gen_bool(0.6) => i,
        _ => names::pick_culture(rng, &ctx.countries),
    };
    let mut t = person(rng, ctx, culture, None, Age::Adult);
    t.kind = TravellerKind::Crew;
    if rng.gen_bool(0.6) {
        t.nationality = Some(home.into());
        t.documents[0] = passport(rng, home, ctx.departure);
    }
    // Crew ages stay within working life.
    let years = rng.gen_range(21..64);
    let dob =
        ctx.departure - chrono::Duration::days(years * 365 + years / 4 + rng.gen_range(1..364));
    t.date_of_birth = Some(iso_date(dob).into());
    t
}
