//! Date-of-birth qualifier (DESIGN.md, "How data flows" step 4). API data carry a reliable date
//! of birth, and namesakes are the main source of false alarms, so a name match whose date
//! contradicts every date on the entry (years apart) is not a hit. Slips still are: day and
//! month swapped, one day off. A year-only date (or 1 January, the placeholder many passports
//! and lists use for an unknown day) matches within a year either way.

use chrono::{Datelike, NaiveDate};

/// A date of birth as far as it is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dob {
    /// A full date that is not the 1 January placeholder.
    Date(NaiveDate),
    /// The year alone, or 1 January of it (the placeholder for an unknown day).
    Year(i32, Option<NaiveDate>),
}

impl Dob {
    /// Parses `YYYY` or `YYYY-MM-DD`; anything else is unknown.
    pub(crate) fn parse(text: &str) -> Option<Dob> {
        let t = text.trim();
        if t.len() == 4 {
            return t.parse().ok().map(|y| Dob::Year(y, None));
        }
        let date = NaiveDate::parse_from_str(t.get(..10)?, "%Y-%m-%d").ok()?;
        Some(if date.month() == 1 && date.day() == 1 {
            Dob::Year(date.year(), Some(date))
        } else {
            Dob::Date(date)
        })
    }

    pub(crate) fn year(self) -> i32 {
        match self {
            Dob::Date(d) => d.year(),
            Dob::Year(y, _) => y,
        }
    }

    fn date(self) -> Option<NaiveDate> {
        match self {
            Dob::Date(d) => Some(d),
            Dob::Year(_, d) => d,
        }
    }
}

/// How a traveller's date of birth relates to an entry's dates, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum DobOutcome {
    /// The same date.
    Equal,
    /// Day and month swapped, or one day apart: a data-entry slip.
    Slip,
    /// Year-only (or placeholder) dates within a year of each other.
    YearWithin,
    /// Same year, other day: weak evidence either way.
    SameYear,
    /// Full dates a year apart.
    NearYear,
    /// The traveller has no usable date, or the entry has none: the name decides alone.
    Unknown,
    /// Years apart from every date on the entry: not this person.
    Contradicts,
}

impl DobOutcome {
    /// Score adjustment for the outcome (a contradiction removes the hit instead).
    pub(crate) fn adjustment(self) -> f64 {
        match self {
            DobOutcome::Equal => 0.05,
            DobOutcome::Slip => 0.02,
            DobOutcome::YearWithin | DobOutcome::Unknown => 0.0,
            DobOutcome::SameYear => -0.08,
            DobOutcome::NearYear => -0.12,
            DobOutcome::Contradicts => -1.0,
        }
    }
}

/// Compares one traveller date with one entry date.
fn outcome(traveller: Dob, entry: Dob) -> DobOutcome {
    if let (Some(t), Some(e)) = (traveller.date(), entry.date()) {
        if t == e {
            return DobOutcome::Equal;
        }
        let swapped = t.year() == e.year() && t.day() == e.month() && t.month() == e.day();
        if swapped || (t - e).num_days().abs() == 1 {
            return DobOutcome::Slip;
        }
    }
    let gap = (traveller.year() - entry.year()).abs();
    let full_both = matches!((traveller, entry), (Dob::Date(_), Dob::Date(_)));
    match (gap, full_both) {
        (0, true) => DobOutcome::SameYear,
        (1, true) => DobOutcome::NearYear,
        (0..=1, false) => DobOutcome::YearWithin,
        _ => DobOutcome::Contradicts,
    }
}

/// The best outcome of the traveller's date against any of the entry's, and the entry date
/// that gave it (for the explanation).
pub(crate) fn best_outcome(
    traveller: Option<Dob>,
    entry: &[(Dob, String)],
) -> (DobOutcome, Option<&str>) {
    let Some(t) = traveller else {
        return (DobOutcome::Unknown, None);
    };
    if entry.is_empty() {
        return (DobOutcome::Unknown, None);
    }
    entry
        .iter()
        .map(|(d, text)| (outcome(t, *d), Some(text.as_str())))
        .min_by_key(|(o, _)| *o)
        .unwrap_or((DobOutcome::Unknown, None))
}

/// A sentence for the officer about the date of birth.
pub(crate) fn reason(outcome: DobOutcome, traveller: &str, entry: Option<&str>) -> String {
    let e = entry.unwrap_or("");
    match outcome {
        DobOutcome::Equal => format!("date of birth {traveller} equals the entry's"),
        DobOutcome::Slip => format!("date of birth {traveller} is close to the entry's {e} (day/month swapped or one day off)"),
        DobOutcome::YearWithin => format!("date of birth {traveller} fits the entry's {e} (year only or 1 January, within a year)"),
        DobOutcome::SameYear => format!("date of birth {traveller} is in the same year as the entry's {e} but another day"),
        DobOutcome::NearYear => format!("date of birth {traveller} is a year from the entry's {e}"),
        DobOutcome::Unknown if entry.is_none() && !traveller.is_empty() => {
            "the entry has no date of birth: matched on the name alone".to_string()
        }
        DobOutcome::Unknown => "the traveller has no usable date of birth: matched on the name alone".to_string(),
        DobOutcome::Contradicts => format!("date of birth {traveller} is years from every date on the entry"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(traveller: &str, entry: &[&str]) -> DobOutcome {
        let dates: Vec<(Dob, String)> = entry
            .iter()
            .map(|e| (Dob::parse(e).unwrap(), e.to_string()))
            .collect();
        best_outcome(Dob::parse(traveller), &dates).0
    }

    #[test]
    fn design_rules() {
        assert_eq!(check("1970-03-04", &["1970-03-04"]), DobOutcome::Equal);
        assert_eq!(check("1970-04-03", &["1970-03-04"]), DobOutcome::Slip);
        assert_eq!(check("1970-03-05", &["1970-03-04"]), DobOutcome::Slip);
        assert_eq!(check("1971-06-01", &["1970"]), DobOutcome::YearWithin);
        assert_eq!(check("1972-06-01", &["1970"]), DobOutcome::Contradicts);
        assert_eq!(
            check("1982-03-04", &["1970-03-04", "1960"]),
            DobOutcome::Contradicts
        );
        assert_eq!(
            check("1960-07-04", &["1970-03-04", "1960"]),
            DobOutcome::YearWithin
        );
        assert_eq!(check("1970-03-04", &[]), DobOutcome::Unknown);
        assert_eq!(check("1969-05-05", &["1970-01-01"]), DobOutcome::YearWithin);
        assert_eq!(check("1971-05-05", &["1970-03-04"]), DobOutcome::NearYear);
    }
}
