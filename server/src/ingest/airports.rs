//! Airport reference data: IATA code → ISO alpha-3 country and time zone (see `data/README.md`).

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;

/// What the loader needs to know of an airport.
#[derive(Debug, Clone, Copy)]
pub struct Airport {
    pub country: &'static str,
    pub tz: Tz,
}

fn table() -> &'static HashMap<&'static str, Airport> {
    static TABLE: OnceLock<HashMap<&'static str, Airport>> = OnceLock::new();
    TABLE.get_or_init(|| {
        include_str!("../../data/airports.csv")
            .lines()
            .skip(1)
            .filter_map(|line| {
                let mut f = line.split(',');
                let (code, country, tz) = (f.next()?, f.next()?, f.next()?);
                Some((
                    code,
                    Airport {
                        country,
                        tz: tz.parse().ok()?,
                    },
                ))
            })
            .collect()
    })
}

/// Looks an airport up by IATA code (case-insensitive).
pub fn lookup(code: &str) -> Option<Airport> {
    let code = code.trim().to_ascii_uppercase();
    table().get(code.as_str()).copied()
}

/// Converts a local time (`YYYY-MM-DDTHH:MM[:SS]`) at an airport to UTC epoch milliseconds.
/// Unknown airports are taken as UTC; a local time that falls in a DST gap is moved forward.
pub fn local_to_utc_ms(airport: &str, local: &str) -> Option<i64> {
    let naive = NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(local, "%Y-%m-%d")
                .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default())
        })
        .ok()?;
    let Some(a) = lookup(airport) else {
        return Some(naive.and_utc().timestamp_millis());
    };
    let t = a.tz.from_local_datetime(&naive).earliest().or_else(|| {
        a.tz.from_local_datetime(&(naive + chrono::Duration::hours(1)))
            .earliest()
    })?;
    Some(t.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singapore_is_eight_hours_ahead_and_new_york_observes_dst() {
        assert_eq!(lookup("sin").unwrap().country, "SGP");
        let sin = local_to_utc_ms("SIN", "2026-11-29T08:00").unwrap();
        assert_eq!(
            chrono::DateTime::from_timestamp_millis(sin)
                .unwrap()
                .to_rfc3339(),
            "2026-11-29T00:00:00+00:00"
        );
        let jfk_winter = local_to_utc_ms("JFK", "2026-01-15T12:00").unwrap();
        let jfk_summer = local_to_utc_ms("JFK", "2026-07-15T12:00").unwrap();
        let hour = |ms: i64| {
            chrono::DateTime::from_timestamp_millis(ms)
                .unwrap()
                .format("%H")
                .to_string()
        };
        assert_eq!(hour(jfk_winter), "17");
        assert_eq!(hour(jfk_summer), "16");
    }
}
