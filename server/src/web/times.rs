//! Times as officers read them: UTC and the local time of the airport concerned, side by side.

use chrono::{DateTime, Utc};
use minijinja::context;

use crate::ingest::airports;

/// An RFC 3339 UTC time (as the services give it) shown in UTC and at `airport`.
/// `iso` keeps the machine form for `<time datetime>` and the countdown script.
pub fn at_airport(rfc3339: Option<&str>, airport: &str) -> minijinja::Value {
    let Some(t) = rfc3339.and_then(|s| DateTime::parse_from_rfc3339(s).ok()) else {
        return minijinja::Value::UNDEFINED;
    };
    let t = t.with_timezone(&Utc);
    let local = airports::lookup(airport).map(|a| {
        let l = t.with_timezone(&a.tz);
        // The zone abbreviation alone can be ambiguous ("+04"): name the airport too.
        format!(
            "{} {airport} ({})",
            l.format("%Y-%m-%d %H:%M"),
            l.format("%Z")
        )
    });
    context! {
        iso => t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        utc => t.format("%Y-%m-%d %H:%M UTC").to_string(),
        local => local,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_utc_and_the_airports_local_time() {
        let v = at_airport(Some("2026-07-01T10:00:00Z"), "LHR");
        assert_eq!(
            v.get_attr("utc").unwrap().to_string(),
            "2026-07-01 10:00 UTC"
        );
        assert_eq!(
            v.get_attr("local").unwrap().to_string(),
            "2026-07-01 11:00 LHR (BST)"
        );
        let unknown = at_airport(Some("2026-07-01T10:00:00Z"), "QQQ");
        assert!(unknown.get_attr("local").unwrap().is_none());
        assert!(at_airport(None, "LHR").is_undefined());
    }
}
