//! What rules look at: the facts of one traveller on one flight, filled by the server from the
//! current view of the traveller, the flight, the PNR and the traveller's history.
//!
//! Text is stored trimmed and upper-cased by the constructors (closed lists such as `kind` and
//! `direction` in their lower-case catalogue spelling); evaluation still ignores ASCII case, so
//! hand-filled facts work too. `None` means the data is not known, which makes a rule leaf
//! unknown rather than false.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use serde::{Deserialize, Serialize};

use super::catalogue::{Field, FIELD_COUNT};

/// Whether the flight enters or leaves the home country.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Arrives in the home country.
    Inbound,
    /// Leaves the home country.
    Outbound,
}

impl Direction {
    /// The catalogue spelling (`inbound`, `outbound`).
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }
}

/// Facts about the traveller, from the current (API over PNR) view.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TravellerFacts {
    /// Surname.
    pub surname: Option<String>,
    /// All given names, space-separated.
    pub given_names: Option<String>,
    /// Nationality, ISO alpha-3.
    pub nationality: Option<String>,
    /// `M`, `F`, `U` or `X`.
    pub gender: Option<String>,
    /// Whole years on the scheduled departure date.
    pub age: Option<i64>,
    /// Type of the main document.
    pub document_type: Option<String>,
    /// Issuing country of the main document.
    pub document_country: Option<String>,
    /// Days from scheduled departure to the main document's expiry.
    pub document_expiry_days: Option<i64>,
    /// Country of residence.
    pub residence: Option<String>,
    /// `passenger`, `crew`, `transit_passenger` or `transit_crew`.
    pub kind: Option<String>,
    /// Seat, e.g. `12A`.
    pub seat: Option<String>,
    /// Checked bags of this traveller.
    pub bag_count: Option<u32>,
}

/// Facts about the flight, shared by every traveller on it. The server fills the countries and
/// the direction from its airport table and home-country setting.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FlightFacts {
    /// Airline designator.
    pub carrier: Option<String>,
    /// Flight number.
    pub number: Option<String>,
    /// Origin airport (IATA).
    pub origin: Option<String>,
    /// Destination airport (IATA).
    pub destination: Option<String>,
    /// Country of the origin airport (alpha-3).
    pub origin_country: Option<String>,
    /// Country of the destination airport (alpha-3).
    pub destination_country: Option<String>,
    /// Inbound or outbound.
    pub direction: Option<Direction>,
    /// Scheduled departure, local time at the origin. Ages and day counts use its date.
    pub departure_local: Option<NaiveDateTime>,
}

/// Facts about the booking (PNR) the traveller is on. Per-traveller PNR data (seat, bags) lives
/// in [`TravellerFacts`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PnrFacts {
    /// Date the booking was made.
    pub booking_date: Option<NaiveDate>,
    /// Form-of-payment code of the first payment.
    pub payment_type: Option<String>,
    /// Amount of the first payment.
    pub payment_amount: Option<f64>,
    /// The itinerary does not return to where it started.
    pub one_way: Option<bool>,
    /// Days from first departure to the return departure (return trips).
    pub trip_duration_days: Option<i64>,
    /// Travellers on the booking.
    pub travellers_count: Option<u32>,
    /// Checked bags of the whole booking, used when the traveller has none of their own.
    pub bag_count: Option<u32>,
    /// Booking agency or office.
    pub agency: Option<String>,
    /// Airports of the itinerary in order.
    pub route: Vec<String>,
    /// Domain of the first e-mail contact.
    pub email_domain: Option<String>,
    /// Whether a frequent-flyer number is on the booking.
    pub frequent_flyer: Option<bool>,
}

/// What is on record about the traveller before this flight (computed by the server).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryFacts {
    /// Earlier trips of the same traveller.
    pub previous_trips: Option<u32>,
    /// Earlier hits of the same traveller.
    pub previous_hits: Option<u32>,
    /// Fewest link hops to another traveller with a watchlist or confirmed hit (computed by the
    /// server's link analysis, up to 3; `None` when none is in reach or it was not computed).
    #[serde(default)]
    pub hops_to_hit: Option<u32>,
}

/// Everything the rules see about one traveller on one flight.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    /// The traveller.
    pub traveller: TravellerFacts,
    /// The flight.
    pub flight: FlightFacts,
    /// The booking; `None` when only API data is known, which makes every `pnr.*` leaf unknown.
    pub pnr: Option<PnrFacts>,
    /// The traveller's history.
    pub history: HistoryFacts,
}

/// A borrowed fact value, in the shape evaluation compares. Integers and dates are carried as
/// `f64` (dates as days since the common era) so one numeric path serves all three types.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FactRef<'a> {
    /// Not known.
    Missing,
    /// Text.
    Text(&'a str),
    /// List of texts.
    List(&'a [String]),
    /// Integer, number or date.
    Num(f64),
    /// Yes or no.
    Bool(bool),
}

fn text(v: &Option<String>) -> FactRef<'_> {
    match v.as_deref() {
        Some(s) if !s.is_empty() => FactRef::Text(s),
        _ => FactRef::Missing,
    }
}

fn num<T: Into<f64> + Copy>(v: Option<T>) -> FactRef<'static> {
    v.map_or(FactRef::Missing, |n| FactRef::Num(n.into()))
}

fn int(v: Option<i64>) -> FactRef<'static> {
    // Day counts and ages are far below 2^53, so the conversion is exact.
    v.map_or(FactRef::Missing, |n| FactRef::Num(n as f64))
}

/// A date as a number of days, the unit evaluation compares dates in.
pub(crate) fn day_number(d: NaiveDate) -> f64 {
    f64::from(d.num_days_from_ce())
}

/// Where evaluation reads facts from: [`Facts`] itself, or a [`FactTable`] resolved once per
/// traveller when many rules are run (sealed: only this crate implements it).
pub trait FactSource: sealed::Sealed {
    /// The value of one field.
    fn fact(&self, field: Field) -> FactRef<'_>;

    /// The packed key of a short text field (see `text::key`), 0 when none.
    #[doc(hidden)]
    fn key(&self, field: Field) -> u64 {
        match self.fact(field) {
            FactRef::Text(s) => super::text::key(s),
            _ => 0,
        }
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Facts {}
    impl Sealed for super::FactTable<'_> {}
}

impl FactSource for Facts {
    #[inline]
    fn fact(&self, field: Field) -> FactRef<'_> {
        self.get(field)
    }
}

/// Every field of one traveller's [`Facts`] resolved once (derived fields included), so that
/// running a thousand rules reads each value by index instead of recomputing it.
#[derive(Debug, Clone)]
pub struct FactTable<'a> {
    values: [FactRef<'a>; FIELD_COUNT],
    keys: [u64; FIELD_COUNT],
}

impl FactSource for FactTable<'_> {
    #[inline]
    fn fact(&self, field: Field) -> FactRef<'_> {
        self.values[field as usize]
    }

    #[inline]
    fn key(&self, field: Field) -> u64 {
        self.keys[field as usize]
    }
}

impl Facts {
    /// Resolves every field once; use it when evaluating many rules for the same traveller.
    pub fn table(&self) -> FactTable<'_> {
        let mut values = [FactRef::Missing; FIELD_COUNT];
        let mut keys = [0; FIELD_COUNT];
        for info in super::catalogue::catalogue() {
            let i = info.field as usize;
            values[i] = self.get(info.field);
            if let FactRef::Text(s) = values[i] {
                keys[i] = super::text::key(s);
            }
        }
        FactTable { values, keys }
    }

    /// The scheduled departure date, local at the origin.
    pub fn departure_date(&self) -> Option<NaiveDate> {
        self.flight.departure_local.map(|t| t.date())
    }

    /// Reads one field; derived fields are computed here, from the stored facts.
    pub fn get(&self, field: Field) -> FactRef<'_> {
        use Field::*;
        let t = &self.traveller;
        let f = &self.flight;
        let p = self.pnr.as_ref();
        match field {
            TravellerSurname => text(&t.surname),
            TravellerGivenNames => text(&t.given_names),
            TravellerNationality => text(&t.nationality),
            TravellerGender => text(&t.gender),
            TravellerAge => int(t.age),
            TravellerDocumentType => text(&t.document_type),
            TravellerDocumentCountry => text(&t.document_country),
            TravellerDocumentExpiryDays => int(t.document_expiry_days),
            TravellerDocumentCountryDiffers => {
                match (text(&t.document_country), text(&t.nationality)) {
                    (FactRef::Text(d), FactRef::Text(n)) => {
                        FactRef::Bool(!d.eq_ignore_ascii_case(n))
                    }
                    _ => FactRef::Missing,
                }
            }
            TravellerResidence => text(&t.residence),
            TravellerKind => text(&t.kind),
            FlightCarrier => text(&f.carrier),
            FlightNumber => text(&f.number),
            FlightOrigin => text(&f.origin),
            FlightDestination => text(&f.destination),
            FlightOriginCountry => text(&f.origin_country),
            FlightDestinationCountry => text(&f.destination_country),
            FlightDirection => f
                .direction
                .map_or(FactRef::Missing, |d| FactRef::Text(d.as_str())),
            FlightDepartureHour => num(f.departure_local.map(|d| d.hour())),
            FlightDepartureDate => self
                .departure_date()
                .map_or(FactRef::Missing, |d| FactRef::Num(day_number(d))),
            PnrPaymentType => p.map_or(FactRef::Missing, |p| text(&p.payment_type)),
            PnrPaymentAmount => num(p.and_then(|p| p.payment_amount)),
            PnrBookingDate => p
                .and_then(|p| p.booking_date)
                .map_or(FactRef::Missing, |d| FactRef::Num(day_number(d))),
            PnrBookingLeadDays => match (p.and_then(|p| p.booking_date), self.departure_date()) {
                (Some(b), Some(d)) => FactRef::Num(day_number(d) - day_number(b)),
                _ => FactRef::Missing,
            },
            PnrOneWay => p
                .and_then(|p| p.one_way)
                .map_or(FactRef::Missing, FactRef::Bool),
            PnrTripDurationDays => int(p.and_then(|p| p.trip_duration_days)),
            PnrTravellersCount => num(p.and_then(|p| p.travellers_count)),
            PnrBagCount => num(t.bag_count.or_else(|| p.and_then(|p| p.bag_count))),
            PnrAgency => p.map_or(FactRef::Missing, |p| text(&p.agency)),
            PnrRoute => p.map_or(FactRef::Missing, |p| FactRef::List(&p.route)),
            PnrStops => match p.map(|p| p.route.len()) {
                Some(n) if n >= 2 => FactRef::Num((n - 2) as f64),
                _ => FactRef::Missing,
            },
            PnrEmailDomain => p.map_or(FactRef::Missing, |p| text(&p.email_domain)),
            PnrFrequentFlyer => p
                .and_then(|p| p.frequent_flyer)
                .map_or(FactRef::Missing, FactRef::Bool),
            PnrSeat => text(&t.seat),
            HistoryPreviousTrips => num(self.history.previous_trips),
            HistoryPreviousHits => num(self.history.previous_hits),
            LinksHopsToHit => num(self.history.hops_to_hit),
        }
    }
}

/// Whole years from `birth` to `on`: the birthday counts from its own day (a 29 February
/// birthday from 1 March in common years).
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i64 {
    let mut years = i64::from(on.year() - birth.year());
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}
