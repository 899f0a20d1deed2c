//! The parameters of a graph request, checked once for the API and the page.

use super::graph::Query;

/// The raw parameters of a graph request (`hops`, `kinds` comma-separated, `since`, `until` as
/// RFC 3339 or `YYYY-MM-DD`), as the API and the page receive them.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Params {
    pub hops: Option<String>,
    pub kinds: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
}

impl Params {
    /// The checked query; the error is a sentence for a 400.
    pub fn parse(&self) -> Result<Query, String> {
        let hops = match self
            .hops
            .as_deref()
            .map(str::trim)
            .filter(|h| !h.is_empty())
        {
            None => 2,
            Some(h) => match h.parse::<u8>() {
                Ok(n @ 1..=3) => n,
                _ => return Err("hops must be 1, 2 or 3".into()),
            },
        };
        let kinds = match self
            .kinds
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
        {
            None => None,
            Some(list) => {
                let mut out = Vec::new();
                for k in list.split(',').map(str::trim).filter(|k| !k.is_empty()) {
                    if k != "flight" && super::Kind::parse(k).is_none() {
                        return Err(format!(
                            "unknown link kind {k:?}; known: {}, flight",
                            super::Kind::ALL.map(super::Kind::as_str).join(", ")
                        ));
                    }
                    out.push(k.to_string());
                }
                Some(out)
            }
        };
        let since = time(self.since.as_deref(), false)?;
        let until = time(self.until.as_deref(), true)?;
        if let (Some(a), Some(b)) = (since, until) {
            if a > b {
                return Err("since is after until".into());
            }
        }
        Ok(Query {
            hops,
            kinds,
            since,
            until,
        })
    }
}

/// RFC 3339, or a date (its first millisecond, or its last when `end`).
fn time(s: Option<&str>, end: bool) -> Result<Option<i64>, String> {
    let Some(s) = s.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(Some(t.timestamp_millis()));
    }
    match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => {
            let start = d
                .and_hms_opt(0, 0, 0)
                .unwrap_or_default()
                .and_utc()
                .timestamp_millis();
            Ok(Some(if end { start + 86_400_000 - 1 } else { start }))
        }
        Err(_) => Err(format!(
            "{s:?} is not a time: use RFC 3339 (2026-11-29T10:00:00Z) or a date (2026-11-29)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_checked() {
        let p = |h: &str, k: &str, s: &str, u: &str| {
            Params {
                hops: Some(h.into()),
                kinds: Some(k.into()),
                since: Some(s.into()),
                until: Some(u.into()),
            }
            .parse()
        };
        let q = p("3", "phone, email,flight", "2026-11-01", "2026-11-29").unwrap();
        assert_eq!(q.hops, 3);
        assert_eq!(q.kinds.unwrap(), ["phone", "email", "flight"]);
        assert_eq!(q.until.unwrap() - q.since.unwrap(), 29 * 86_400_000 - 1);
        assert!(p("4", "", "", "").is_err());
        assert!(p("0", "", "", "").is_err());
        assert!(p("2", "religion", "", "")
            .unwrap_err()
            .contains("unknown link kind"));
        assert!(p("2", "", "yesterday", "").is_err());
        assert!(p("2", "", "2026-11-29", "2026-11-01").is_err());
        assert_eq!(Params::default().parse().unwrap().hops, 2);
    }
}
