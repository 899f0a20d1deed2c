//! Building [`Facts`] from the parsers' typed messages, so the server derives ages, day counts,
//! routes and the rest in one place.

use chrono::{NaiveDate, NaiveDateTime};
use paxrisk_parsers::{Flight, Pnr, Traveller, TravellerKind};

use super::facts::{age_on, Facts, FlightFacts, HistoryFacts, PnrFacts, TravellerFacts};
use super::text::normalise;

fn norm<S: AsRef<str>>(v: &Option<S>) -> Option<String> {
    v.as_ref().and_then(|s| normalise(s.as_ref()))
}

/// Reads the date at the start of an ISO date or date-time (`2026-11-29`, `2026-11-29T08:00`),
/// or an EDIFACT `DDMMYY` date as some PNRGOV pushes carry them.
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Some(iso) = s
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    {
        return Some(iso);
    }
    if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(s, "%d%m%y").ok();
    }
    None
}

/// Reads a local date-time `YYYY-MM-DDTHH:MM[:SS]`, or a bare date as midnight.
pub(crate) fn parse_local(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .ok()
        .or_else(|| parse_date(s).and_then(|d| d.and_hms_opt(0, 0, 0)))
}

fn kind_name(kind: TravellerKind) -> &'static str {
    match kind {
        TravellerKind::Passenger => "passenger",
        TravellerKind::Crew => "crew",
        TravellerKind::TransitPassenger => "transit_passenger",
        TravellerKind::TransitCrew => "transit_crew",
    }
}

impl Facts {
    /// Facts of `traveller` on the flight described by `flight`, with the booking (if any) and
    /// history. Age and document validity are counted to the scheduled departure date; the main
    /// document is the first passport, else the first document that is not a visa.
    pub fn from_parts(
        traveller: &Traveller,
        flight: &FlightFacts,
        pnr: Option<&PnrFacts>,
        history: &HistoryFacts,
    ) -> Facts {
        let departure = flight.departure_local.map(|t| t.date());
        let document = traveller
            .documents
            .iter()
            .find(|d| d.doc_type.trim_start().starts_with(['P', 'p']))
            .or_else(|| {
                traveller
                    .documents
                    .iter()
                    .find(|d| !d.doc_type.trim_start().starts_with(['V', 'v']))
            })
            .or(traveller.documents.first());
        let birth = traveller.date_of_birth.as_deref().and_then(parse_date);
        let expiry = document
            .and_then(|d| d.expiry.as_deref())
            .and_then(parse_date);
        let facts = TravellerFacts {
            surname: normalise(&traveller.surname),
            given_names: normalise(&traveller.given_names),
            nationality: norm(&traveller.nationality),
            gender: norm(&traveller.gender),
            age: birth.zip(departure).map(|(b, d)| age_on(b, d)),
            document_type: document.and_then(|d| normalise(&d.doc_type)),
            document_country: document.and_then(|d| norm(&d.issuing_country)),
            document_expiry_days: expiry.zip(departure).map(|(e, d)| (e - d).num_days()),
            residence: norm(&traveller.residence),
            kind: Some(kind_name(traveller.kind).to_string()),
            seat: norm(&traveller.seat),
            bag_count: traveller.bag_count,
        };
        Facts {
            traveller: facts,
            flight: flight.clone().normalised(),
            pnr: pnr.cloned(),
            history: history.clone(),
        }
    }
}

impl FlightFacts {
    /// Carrier, number, first origin, last destination and scheduled departure of a parsed
    /// flight. Countries and direction need the airport table and stay `None` for the server.
    pub fn from_flight(flight: &Flight) -> FlightFacts {
        let first = flight.legs.first();
        FlightFacts {
            carrier: normalise(&flight.carrier),
            number: normalise(&flight.number),
            origin: first.and_then(|l| normalise(&l.origin)),
            destination: flight.legs.last().and_then(|l| normalise(&l.destination)),
            departure_local: first
                .and_then(|l| l.departure_local.as_deref())
                .and_then(parse_local),
            ..FlightFacts::default()
        }
    }

    /// The same facts trimmed and upper-cased.
    pub fn normalised(self) -> FlightFacts {
        FlightFacts {
            carrier: norm(&self.carrier),
            number: norm(&self.number),
            origin: norm(&self.origin),
            destination: norm(&self.destination),
            origin_country: norm(&self.origin_country),
            destination_country: norm(&self.destination_country),
            ..self
        }
    }
}

impl PnrFacts {
    /// Booking facts of a parsed PNR: route in itinerary order, one-way when the itinerary
    /// does not end where it began, trip duration from the first to the last segment's
    /// departure date on return trips, first payment and first e-mail domain.
    pub fn from_pnr(pnr: &Pnr) -> PnrFacts {
        let mut route: Vec<String> = Vec::new();
        for seg in &pnr.itinerary {
            for airport in [&seg.origin, &seg.destination] {
                if let Some(a) = normalise(airport) {
                    // A connection repeats the airport as destination and next origin.
                    if route.last() != Some(&a) {
                        route.push(a);
                    }
                }
            }
        }
        let one_way = (route.len() >= 2).then(|| route.first() != route.last());
        let seg_date = |i: usize| {
            pnr.itinerary
                .get(i)
                .and_then(|s| s.departure_local.as_deref())
                .and_then(parse_date)
        };
        let trip_duration_days = match (one_way, pnr.itinerary.len()) {
            (Some(false), n) if n >= 2 => seg_date(0)
                .zip(seg_date(n - 1))
                .map(|(a, b)| (b - a).num_days()),
            _ => None,
        };
        let payment = pnr.payments.first();
        let email_domain = pnr
            .contacts
            .iter()
            .filter(|c| c.kind.eq_ignore_ascii_case("email"))
            .find_map(|c| c.value.rsplit_once('@').and_then(|(_, d)| normalise(d)));
        PnrFacts {
            booking_date: pnr
                .booking_date
                .as_deref()
                .or(pnr.created.as_deref())
                .and_then(parse_date),
            payment_type: payment.and_then(|p| normalise(&p.payment_type)),
            payment_amount: payment
                .and_then(|p| p.amount.as_deref())
                .and_then(|a| a.trim().parse::<f64>().ok())
                .filter(|a| a.is_finite()),
            one_way,
            trip_duration_days,
            travellers_count: u32::try_from(pnr.travellers.len()).ok().filter(|n| *n > 0),
            bag_count: pnr.bag_count,
            agency: norm(&pnr.agency),
            route,
            email_domain,
            frequent_flyer: Some(!pnr.frequent_flyer.is_empty()),
        }
    }
}
