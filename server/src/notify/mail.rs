//! What the e-mails say: pure functions from facts to subject and body, so the wording is tested
//! without a server. No traveller data: a flight, a band, an item id and a pointer to the queue.

use super::Kind;

/// The flight facts a high-band notice names.
#[derive(Debug, Clone)]
pub struct FlightFacts {
    pub carrier: String,
    pub number: String,
    pub origin: String,
    pub destination: String,
    /// `inbound` or `outbound`.
    pub direction: String,
    /// Arrival (inbound) or departure (outbound), epoch ms.
    pub when: Option<i64>,
}

/// A subject and a plain-text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub subject: String,
    pub body: String,
}

/// Whether a flight's countdown time falls in the notice window: from an hour ago (a flight that
/// just landed is still worth a look) to `horizon_ms` ahead. Unknown times are not "soon".
pub fn is_soon(when: Option<i64>, now: i64, horizon_ms: i64) -> bool {
    when.is_some_and(|t| t >= now - 3_600_000 && t <= now + horizon_ms)
}

/// The notice to subscribed officers about an item in the high band.
pub fn high_item(item_id: &str, f: &FlightFacts) -> Draft {
    let designator = format!("{}{}", f.carrier, f.number);
    let (verb, when) = match (f.direction.as_str(), f.when) {
        ("outbound", Some(t)) => ("departs", crate::api::rfc3339(t)),
        (_, Some(t)) => ("lands", crate::api::rfc3339(t)),
        (_, None) => ("lands", "at an unknown time".to_string()),
    };
    Draft {
        subject: format!("[paxrisk] High-band review item on {designator} {}-{}", f.origin, f.destination),
        body: format!(
            "A traveller on flight {designator} ({} to {}), which {verb} {when}, is in the high band \
             of the review queue.\r\n\r\nReview item: {item_id}\r\n\r\nOpen the review queue in paxrisk to see \
             the hits and claim the item. This message names no traveller on purpose.\r\n",
            f.origin, f.destination
        ),
    }
}

/// The notice to an account holder about their account.
pub fn account(kind: Kind, username: &str) -> Draft {
    let (subject, what) = match kind {
        Kind::AccountCreated => ("Your paxrisk account was created", "An administrator created a paxrisk account for you. Your administrator gives you the password by another channel."),
        Kind::AccountDisabled => ("Your paxrisk account was disabled", "An administrator disabled your paxrisk account; every session of it has ended."),
        Kind::AccountEnabled => ("Your paxrisk account was enabled", "An administrator enabled your paxrisk account again."),
        Kind::AccountLocked => ("Your paxrisk account is locked", "Your paxrisk account was locked after repeated failed sign-ins. If that was not you, tell your administrator."),
        Kind::KeyIssued => ("A paxrisk API key was issued", "An administrator issued an API key for your paxrisk account."),
        Kind::KeyRevoked => ("A paxrisk API key was revoked", "An administrator revoked an API key of your paxrisk account; it no longer works."),
        Kind::HighItem => ("paxrisk notice", "There is news in paxrisk."),
    };
    Draft {
        subject: format!("[paxrisk] {subject}"),
        body: format!("Account: {username}\r\n\r\n{what}\r\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flight(direction: &str) -> FlightFacts {
        FlightFacts {
            carrier: "ZZ".into(),
            number: "501".into(),
            origin: "SIN".into(),
            destination: "DXB".into(),
            direction: direction.into(),
            when: Some(1_795_000_000_000),
        }
    }

    #[test]
    fn high_item_names_the_flight_and_item_only() {
        let d = high_item("item-1", &flight("inbound"));
        assert_eq!(
            d.subject,
            "[paxrisk] High-band review item on ZZ501 SIN-DXB"
        );
        assert!(d.body.contains("which lands 2026-11-18T"), "{}", d.body);
        assert!(d.body.contains("Review item: item-1"));
        assert!(high_item("i", &flight("outbound"))
            .body
            .contains("which departs"));
    }

    #[test]
    fn soon_means_from_an_hour_ago_to_the_horizon() {
        let now = 10_000_000_000;
        let h = 12 * 3_600_000;
        assert!(is_soon(Some(now + h), now, h));
        assert!(is_soon(Some(now - 3_600_000), now, h));
        assert!(!is_soon(Some(now + h + 1), now, h));
        assert!(!is_soon(Some(now - 3_600_001), now, h));
        assert!(!is_soon(None, now, h));
    }

    #[test]
    fn account_notices_name_the_account() {
        let d = account(Kind::AccountLocked, "officer-one");
        assert!(d.subject.contains("locked"));
        assert!(d.body.starts_with("Account: officer-one\r\n"));
    }
}
