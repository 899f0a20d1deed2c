//! Which flights fly: carrier, number, route and times of each generated flight.

use chrono::{NaiveDate, NaiveDateTime};
use rand::Rng;

use super::airports::{self, Airport, Carrier, AIRPORTS, CARRIERS};
use crate::model::{Flight, Leg};

/// One generated flight. Times are kept in UTC (for ordering pushes) and as the local
/// `YYYY-MM-DDTHH:MM` strings the messages carry.
pub(crate) struct Schedule {
    pub carrier: &'static Carrier,
    pub number: String,
    pub origin: &'static Airport,
    pub destination: &'static Airport,
    pub dep_utc: NaiveDateTime,
    pub arr_utc: NaiveDateTime,
    pub dep_local_naive: NaiveDateTime,
    pub dep_local: String,
    pub arr_local: String,
}

/// Longest route flown: beyond this the block time exceeds what aircraft fly non-stop.
const MAX_KM: f64 = 14_500.0;

/// Flight `index` of the day `date`: carriers take turns, each flying between its hub and another
/// airport (out of the hub on even rotations, back on odd ones), leaving at a local time of day
/// weighted towards the daytime banks. Numbers are unique per carrier for up to 9,900 flights.
pub(crate) fn schedule(rng: &mut impl Rng, index: usize, date: NaiveDate) -> Schedule {
    let carrier = &CARRIERS[index % CARRIERS.len()];
    let rotation = index / CARRIERS.len();
    let hub = airports::airport(carrier.hub);
    let other = loop {
        let a = &AIRPORTS[rng.gen_range(0..AIRPORTS.len())];
        if a.code != hub.code && airports::distance_km(hub, a) <= MAX_KM {
            break a;
        }
    };
    let (origin, destination) = if rotation % 2 == 1 {
        (other, hub)
    } else {
        (hub, other)
    };
    let hour = match rng.gen_range(0..10) {
        0 => rng.gen_range(0..6),
        1..=6 => rng.gen_range(6..18),
        _ => rng.gen_range(18..24),
    };
    let minute = rng.gen_range(0..12) * 5;
    let dep_local_naive = date.and_hms_opt(hour, minute, 0).unwrap_or_default();
    let dep_utc = airports::to_utc(origin, dep_local_naive);
    let arr_utc = dep_utc + chrono::Duration::minutes(airports::block_minutes(origin, destination));
    Schedule {
        carrier,
        number: (100 + rotation % 9_900).to_string(),
        origin,
        destination,
        dep_utc,
        arr_utc,
        dep_local_naive,
        dep_local: airports::local_string(origin, dep_utc),
        arr_local: airports::local_string(destination, arr_utc),
    }
}

impl Schedule {
    /// The flight as messages name it.
    pub(crate) fn flight(&self) -> Flight {
        Flight {
            carrier: self.carrier.code.into(),
            number: self.number.clone().into(),
            legs: vec![Leg {
                origin: self.origin.code.into(),
                destination: self.destination.code.into(),
                departure_local: Some(self.dep_local.clone().into()),
                arrival_local: Some(self.arr_local.clone().into()),
            }],
        }
    }

    /// `ZZ101`, for file names.
    pub(crate) fn key(&self) -> String {
        format!("{}{}", self.carrier.code, self.number)
    }
}
