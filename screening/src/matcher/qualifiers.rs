//! Qualifiers: what besides the name makes a hit more or less likely, each with a sentence for
//! the officer. The date of birth can veto a name hit; an exact document (number and issuing
//! country) is a hit on its own.

use paxrisk_parsers::Traveller;

use super::dob::{self, Dob, DobOutcome};
use super::Match;
use crate::watchlist::Entry;

/// Nationality among the entry's: small support. Not among them: small doubt, since lists are
/// incomplete and people hold several nationalities.
const NATIONALITY_AGREES: f64 = 0.03;
const NATIONALITY_DIFFERS: f64 = -0.05;
/// Both genders known and different.
const GENDER_DIFFERS: f64 = -0.10;
/// Same document number, issuing country unknown on one side.
const DOCUMENT_NUMBER: f64 = 0.10;

/// The facts of an entry the qualifiers use, parsed once at index build.
#[derive(Debug, Clone, Default)]
pub(crate) struct EntryFacts {
    dobs: Vec<(Dob, String)>,
    nationalities: Vec<String>,
    gender: Option<String>,
}

impl EntryFacts {
    /// The earliest and latest year of the entry's dates of birth, when it has any (and they
    /// fit in an `i16`).
    pub(crate) fn birth_years(&self) -> Option<(i16, i16)> {
        let years = self.dobs.iter().map(|(d, _)| d.year());
        let (lo, hi) = (years.clone().min()?, years.max()?);
        Some((i16::try_from(lo).ok()?, i16::try_from(hi).ok()?))
    }

    pub(crate) fn of(entry: &Entry) -> EntryFacts {
        EntryFacts {
            dobs: entry
                .dates_of_birth
                .iter()
                .filter_map(|d| Dob::parse(d).map(|p| (p, d.clone())))
                .collect(),
            nationalities: entry
                .nationalities
                .iter()
                .map(|n| n.trim().to_ascii_uppercase())
                .collect(),
            gender: entry.gender.as_ref().map(|g| g.trim().to_ascii_uppercase()),
        }
    }
}

/// How far a traveller's document agrees with an entry's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum DocumentMatch {
    /// Same number; the issuing country is missing on one side.
    NumberOnly,
    /// Same number and issuing country.
    NumberAndCountry,
}

/// A document number reduced to letters and digits, upper case (`A 123-456` → `A123456`).
pub(crate) fn document_key(number: &str) -> String {
    number
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Compares issuing countries of two documents with the same number; `None` when they differ
/// (two countries can issue the same number to different people).
pub(crate) fn document_strength(
    traveller: Option<&str>,
    entry: Option<&str>,
) -> Option<DocumentMatch> {
    match (traveller.map(str::trim).filter(|c| !c.is_empty()), entry) {
        (Some(t), Some(e)) if t.eq_ignore_ascii_case(e) => Some(DocumentMatch::NumberAndCountry),
        (Some(_), Some(_)) => None,
        _ => Some(DocumentMatch::NumberOnly),
    }
}

/// The traveller's side of a name hit, for the explanation.
pub(crate) struct NameHit<'a> {
    pub(crate) traveller_name: &'a str,
    pub(crate) score: f64,
    pub(crate) matched: &'a str,
}

/// Applies the qualifiers to a name hit: its score and reasons when it is a hit at `threshold`.
/// `None` when the date of birth rules the entry out (and no exact document says otherwise) or
/// the score ends below `threshold`.
pub(crate) fn qualify(
    facts: &EntryFacts,
    traveller: &Traveller,
    traveller_dob: Option<Dob>,
    name: NameHit<'_>,
    document: Option<(DocumentMatch, &str)>,
    threshold: f64,
) -> Option<(f64, Vec<String>)> {
    // The sentences cost more than the arithmetic and most name hits on a large list end below
    // the threshold: score first, write the reasons for hits only.
    let score = adjust(facts, traveller, traveller_dob, &name, document, &mut None)?;
    if score < threshold {
        return None;
    }
    let mut reasons = Vec::new();
    adjust(
        facts,
        traveller,
        traveller_dob,
        &name,
        document,
        &mut Some(&mut reasons),
    )?;
    Some((score, reasons))
}

/// Adds `text` to `reasons` when they are being written.
fn note(reasons: &mut Option<&mut Vec<String>>, text: impl FnOnce() -> String) {
    if let Some(reasons) = reasons {
        reasons.push(text());
    }
}

/// The qualified score of a name hit, with its reasons into `reasons` when given.
fn adjust(
    facts: &EntryFacts,
    traveller: &Traveller,
    traveller_dob: Option<Dob>,
    name: &NameHit<'_>,
    document: Option<(DocumentMatch, &str)>,
    reasons: &mut Option<&mut Vec<String>>,
) -> Option<f64> {
    let mut score = name.score;
    note(reasons, || {
        format!(
            "name {} ~ {} ({:.2})",
            name.traveller_name, name.matched, name.score
        )
    });
    let exact_document = matches!(document, Some((DocumentMatch::NumberAndCountry, _)));
    let (outcome, entry_date) = dob::best_outcome(traveller_dob, &facts.dobs);
    if outcome == DobOutcome::Contradicts && !exact_document {
        return None;
    }
    score += outcome.adjustment().max(-0.5);
    let shown = traveller.date_of_birth.as_deref().unwrap_or("").trim();
    note(reasons, || dob::reason(outcome, shown, entry_date));

    if let Some(nat) = traveller
        .nationality
        .as_deref()
        .map(str::trim)
        .filter(|n| n.len() == 3)
    {
        if !facts.nationalities.is_empty() {
            if facts
                .nationalities
                .iter()
                .any(|n| n.eq_ignore_ascii_case(nat))
            {
                score += NATIONALITY_AGREES;
                note(reasons, || {
                    format!(
                        "nationality {} is among the entry's",
                        nat.to_ascii_uppercase()
                    )
                });
            } else {
                score += NATIONALITY_DIFFERS;
                note(reasons, || {
                    format!(
                        "nationality {} is not the entry's ({})",
                        nat.to_ascii_uppercase(),
                        facts.nationalities.join(", ")
                    )
                });
            }
        }
    }
    let gender = traveller
        .gender
        .as_deref()
        .map(|g| g.trim().to_ascii_uppercase());
    if let (Some(t), Some(e)) = (gender.as_deref(), facts.gender.as_deref()) {
        if matches!(t, "M" | "F") && t != e {
            score += GENDER_DIFFERS;
            note(reasons, || {
                format!("gender {t} differs from the entry's {e}")
            });
        }
    }
    match document {
        Some((DocumentMatch::NumberAndCountry, number)) => {
            score = 1.0;
            note(reasons, || {
                format!("document {number} and its issuing country equal a document on the entry")
            });
        }
        Some((DocumentMatch::NumberOnly, number)) => {
            score += DOCUMENT_NUMBER;
            note(reasons, || {
                format!(
                    "document number {number} equals one on the entry \
                     (issuing country not comparable)"
                )
            });
        }
        None => {}
    }
    Some(score.clamp(0.0, 1.0))
}

/// A hit on the document alone (number and issuing country), whatever the name says.
pub(crate) fn document_only(entry: usize, number: &str, country: &str) -> Match {
    Match {
        entry,
        score: 1.0,
        reasons: vec![format!(
            "document {number} issued by {country} equals a document on the entry"
        )],
        matched_name: String::new(),
    }
}
