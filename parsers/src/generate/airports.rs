//! Airports and carriers of the synthetic network.
//!
//! The airports are real (IATA code, ISO 3166-1 alpha-3 country, IANA time zone, approximate
//! position, all public facts) so that routes, flight times and local times look like real
//! traffic. The carriers are made up: each has a hub, and its flights go to or from it.

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// One airport: IATA code, country (alpha-3), time zone, latitude and longitude in degrees.
pub(crate) struct Airport {
    pub code: &'static str,
    pub country: &'static str,
    pub tz: Tz,
    pub lat: f64,
    pub lon: f64,
}

macro_rules! airports {
    ($(($code:literal, $country:literal, $tz:ident, $lat:literal, $lon:literal)),* $(,)?) => {
        &[$(Airport { code: $code, country: $country, tz: Tz::$tz, lat: $lat, lon: $lon }),*]
    };
}

/// The network. Time zones are written as chrono-tz constants so a typo fails to compile.
pub(crate) const AIRPORTS: &[Airport] = airports![
    ("SIN", "SGP", Asia__Singapore, 1.36, 103.99),
    ("HKG", "HKG", Asia__Hong_Kong, 22.31, 113.91),
    ("NRT", "JPN", Asia__Tokyo, 35.77, 140.39),
    ("ICN", "KOR", Asia__Seoul, 37.46, 126.44),
    ("PEK", "CHN", Asia__Shanghai, 40.08, 116.58),
    ("PVG", "CHN", Asia__Shanghai, 31.14, 121.81),
    ("BKK", "THA", Asia__Bangkok, 13.69, 100.75),
    ("KUL", "MYS", Asia__Kuala_Lumpur, 2.75, 101.71),
    ("CGK", "IDN", Asia__Jakarta, -6.13, 106.66),
    ("MNL", "PHL", Asia__Manila, 14.51, 121.02),
    ("SGN", "VNM", Asia__Ho_Chi_Minh, 10.82, 106.65),
    ("DEL", "IND", Asia__Kolkata, 28.57, 77.10),
    ("BOM", "IND", Asia__Kolkata, 19.09, 72.87),
    ("KHI", "PAK", Asia__Karachi, 24.91, 67.16),
    ("DAC", "BGD", Asia__Dhaka, 23.84, 90.40),
    ("CMB", "LKA", Asia__Colombo, 7.18, 79.88),
    ("DXB", "ARE", Asia__Dubai, 25.25, 55.36),
    ("DOH", "QAT", Asia__Qatar, 25.27, 51.61),
    ("RUH", "SAU", Asia__Riyadh, 24.96, 46.70),
    ("IKA", "IRN", Asia__Tehran, 35.42, 51.15),
    ("IST", "TUR", Europe__Istanbul, 41.26, 28.74),
    ("CAI", "EGY", Africa__Cairo, 30.12, 31.41),
    ("ADD", "ETH", Africa__Addis_Ababa, 8.98, 38.80),
    ("NBO", "KEN", Africa__Nairobi, -1.32, 36.93),
    ("LOS", "NGA", Africa__Lagos, 6.58, 3.32),
    ("JNB", "ZAF", Africa__Johannesburg, -26.14, 28.25),
    ("CMN", "MAR", Africa__Casablanca, 33.37, -7.59),
    ("LHR", "GBR", Europe__London, 51.47, -0.45),
    ("CDG", "FRA", Europe__Paris, 49.01, 2.55),
    ("FRA", "DEU", Europe__Berlin, 50.03, 8.56),
    ("AMS", "NLD", Europe__Amsterdam, 52.31, 4.76),
    ("MAD", "ESP", Europe__Madrid, 40.47, -3.57),
    ("FCO", "ITA", Europe__Rome, 41.80, 12.25),
    ("ZRH", "CHE", Europe__Zurich, 47.46, 8.55),
    ("WAW", "POL", Europe__Warsaw, 52.17, 20.97),
    ("ATH", "GRC", Europe__Athens, 37.94, 23.94),
    ("ARN", "SWE", Europe__Stockholm, 59.65, 17.92),
    ("SVO", "RUS", Europe__Moscow, 55.97, 37.41),
    ("JFK", "USA", America__New_York, 40.64, -73.78),
    ("LAX", "USA", America__Los_Angeles, 33.94, -118.41),
    ("ORD", "USA", America__Chicago, 41.98, -87.90),
    ("YYZ", "CAN", America__Toronto, 43.68, -79.63),
    ("MEX", "MEX", America__Mexico_City, 19.44, -99.07),
    ("GRU", "BRA", America__Sao_Paulo, -23.43, -46.47),
    ("BOG", "COL", America__Bogota, 4.70, -74.15),
    (
        "EZE",
        "ARG",
        America__Argentina__Buenos_Aires,
        -34.82,
        -58.54
    ),
    ("LIM", "PER", America__Lima, -12.02, -77.11),
    ("SYD", "AUS", Australia__Sydney, -33.95, 151.18),
    ("AKL", "NZL", Pacific__Auckland, -37.01, 174.79),
];

/// A made-up carrier: two-character code, hub airport, and a 3-digit accounting prefix for
/// ticket numbers and bag tags.
pub(crate) struct Carrier {
    pub code: &'static str,
    pub hub: &'static str,
    pub prefix: &'static str,
}

/// The carriers of the synthetic network. `ZZ` is the code the acceptance tests use.
pub(crate) const CARRIERS: &[Carrier] = &[
    Carrier {
        code: "ZZ",
        hub: "SIN",
        prefix: "991",
    },
    Carrier {
        code: "ZY",
        hub: "DXB",
        prefix: "992",
    },
    Carrier {
        code: "ZX",
        hub: "LHR",
        prefix: "993",
    },
    Carrier {
        code: "ZW",
        hub: "JFK",
        prefix: "994",
    },
    Carrier {
        code: "ZV",
        hub: "FRA",
        prefix: "995",
    },
    Carrier {
        code: "ZU",
        hub: "GRU",
        prefix: "996",
    },
    Carrier {
        code: "ZT",
        hub: "JNB",
        prefix: "997",
    },
    Carrier {
        code: "ZS",
        hub: "DEL",
        prefix: "998",
    },
];

/// The airport with IATA code `code` (only codes from [`AIRPORTS`] are ever asked for).
pub(crate) fn airport(code: &str) -> &'static Airport {
    AIRPORTS
        .iter()
        .find(|a| a.code == code)
        .unwrap_or(&AIRPORTS[0])
}

/// Great-circle distance in kilometres.
pub(crate) fn distance_km(a: &Airport, b: &Airport) -> f64 {
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

/// Block time in minutes, rounded to 5: cruise at about 840 km/h plus 35 minutes of taxi,
/// climb and approach.
pub(crate) fn block_minutes(a: &Airport, b: &Airport) -> i64 {
    let minutes = distance_km(a, b) / 840.0 * 60.0 + 35.0;
    ((minutes / 5.0).round() as i64) * 5
}

/// UTC instant of a local wall-clock time at `a`. Times that fall in a daylight-saving gap are
/// moved an hour on, as schedules do.
pub(crate) fn to_utc(a: &Airport, local: NaiveDateTime) -> NaiveDateTime {
    match a.tz.from_local_datetime(&local).earliest() {
        Some(t) => t.naive_utc(),
        None => to_utc(a, local + chrono::Duration::hours(1)),
    }
}

/// Local wall-clock time at `a` as the model writes it: `YYYY-MM-DDTHH:MM`.
pub(crate) fn local_string(a: &Airport, utc: NaiveDateTime) -> String {
    iso_minute(
        Utc.from_utc_datetime(&utc)
            .with_timezone(&a.tz)
            .naive_local(),
    )
}

/// `YYYY-MM-DD`. Written by hand: chrono's `format` re-parses its pattern on every call, and the
/// generator writes several dates per traveller.
pub(crate) fn iso_date(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// `YYYY-MM-DDTHH:MM`, the model's local time.
pub(crate) fn iso_minute(t: NaiveDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_hubs_exist() {
        for (i, a) in AIRPORTS.iter().enumerate() {
            assert!(
                AIRPORTS[i + 1..].iter().all(|b| b.code != a.code),
                "{} twice",
                a.code
            );
        }
        for c in CARRIERS {
            assert_eq!(airport(c.hub).code, c.hub);
        }
    }

    #[test]
    fn block_times_are_plausible() {
        // SIN-LHR is scheduled around 13h45; LHR-CDG around 1h15.
        let m = block_minutes(airport("SIN"), airport("LHR"));
        assert!((780..=870).contains(&m), "{m}");
        let m = block_minutes(airport("LHR"), airport("CDG"));
        assert!((50..=90).contains(&m), "{m}");
    }

    #[test]
    fn local_times_follow_the_zone() {
        let utc = chrono::NaiveDate::from_ymd_opt(2026, 11, 29)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        assert_eq!(local_string(airport("SIN"), utc), "2026-11-29T08:00");
        assert_eq!(local_string(airport("JFK"), utc), "2026-11-28T19:00");
        assert_eq!(
            to_utc(airport("SIN"), utc),
            utc - chrono::Duration::hours(8)
        );
    }
}
