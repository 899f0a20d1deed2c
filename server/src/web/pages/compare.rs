//! A watchlist hit beside the traveller it matched: the listed entry's names, dates of birth,
//! nationalities, gender and documents next to the traveller's, row by row, so an officer sees
//! at once what agrees and what does not.
//!
//! The entry comes from the list's current version in the screening cache
//! (`screening::lists::current`), found by the list name and entry id that every watchlist hit's
//! reason starts with (`"{list} entry {id}: …"`, written by `screening::screen`). A changed list
//! re-screens open flights, so the current version is the one that produced an open hit.

use std::sync::Arc;

use minijinja::context;
use paxrisk_screening::watchlist::{Entry, Name};
use serde::Serialize;

use crate::ingest::views::TravellerView;
use crate::screening::lists::LoadedList;

/// One line of the comparison; `agree` is `None` when there is nothing to compare.
#[derive(Serialize)]
struct Line {
    field: &'static str,
    traveller: String,
    entry: String,
    agree: Option<bool>,
}

/// The list, entry id and the "why" sentences of a watchlist hit's reason.
fn parse_reason<'a>(
    reason: &'a str,
    lists: &'a [Arc<LoadedList>],
) -> Option<(&'a LoadedList, &'a Entry, Vec<&'a str>)> {
    lists.iter().find_map(|l| {
        let rest = reason
            .strip_prefix(l.name.as_str())?
            .strip_prefix(" entry ")?;
        let (id, why) = rest.split_once(": ").unwrap_or((rest, ""));
        let entry = l.entries.iter().find(|e| e.id == id)?;
        let why = why.split("; ").filter(|s| !s.is_empty()).collect();
        Some((l.as_ref(), entry, why))
    })
}

/// The entry name the matcher took (`name A ~ B (0.97)` in the reason), if any.
fn matched_name<'a>(why: &[&'a str]) -> Option<&'a str> {
    why.iter()
        .find_map(|s| s.strip_prefix("name ")?.split_once(" ~ "))
        .map(|(_, rest)| rest.rsplit_once(" (").map_or(rest, |(n, _)| n))
}

fn norm_doc(n: &str) -> String {
    n.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn lines(t: &TravellerView, e: &Entry, matched: Option<&str>) -> Vec<Line> {
    let primary = Name {
        surname: e.surname.clone(),
        given_names: e.given_names.clone(),
    }
    .display();
    let mut names = vec![primary];
    names.extend(e.aliases.iter().map(Name::display));
    let names: Vec<String> = names
        .into_iter()
        .map(|n| {
            if matched.is_some_and(|m| m.eq_ignore_ascii_case(&n)) {
                format!("{n} (matched)")
            } else {
                n
            }
        })
        .collect();
    let dob = t.date_of_birth.clone().unwrap_or_default();
    let nat = t.nationality.clone().unwrap_or_default();
    let gender = t.gender.clone().unwrap_or_default();
    let docs: Vec<String> = t
        .documents
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d.number,
                d.issuing_country.as_deref().unwrap_or("")
            )
        })
        .collect();
    let entry_docs: Vec<String> = e
        .documents
        .iter()
        .map(|d| format!("{} {}", d.number, d.country.as_deref().unwrap_or("")))
        .collect();
    let both = |a: &str, b: bool| (!a.is_empty() && b).then_some(());
    vec![
        Line {
            field: "Name",
            traveller: format!("{}, {}", t.surname, t.given_names),
            entry: names.join("; "),
            agree: None,
        },
        Line {
            field: "Date of birth",
            traveller: dob.clone(),
            entry: e.dates_of_birth.join(", "),
            // A year-only entry date agrees with any date in that year.
            agree: both(&dob, !e.dates_of_birth.is_empty())
                .map(|()| e.dates_of_birth.iter().any(|d| dob.starts_with(d.as_str()))),
        },
        Line {
            field: "Nationality",
            traveller: nat.clone(),
            entry: e.nationalities.join(", "),
            agree: both(&nat, !e.nationalities.is_empty())
                .map(|()| e.nationalities.iter().any(|n| n.eq_ignore_ascii_case(&nat))),
        },
        Line {
            field: "Gender",
            traveller: gender.clone(),
            entry: e.gender.clone().unwrap_or_default(),
            agree: both(&gender, e.gender.is_some()).map(|()| {
                e.gender
                    .as_deref()
                    .is_some_and(|g| g.eq_ignore_ascii_case(&gender))
            }),
        },
        Line {
            field: "Documents",
            traveller: docs.join("; "),
            entry: entry_docs.join("; "),
            agree: both(&docs.join(""), !e.documents.is_empty()).map(|()| {
                t.documents.iter().any(|d| {
                    e.documents
                        .iter()
                        .any(|x| norm_doc(&x.number) == norm_doc(&d.number))
                })
            }),
        },
        Line {
            field: "Category",
            traveller: String::new(),
            entry: e.category.clone().unwrap_or_default(),
            agree: None,
        },
    ]
}

/// The side-by-side view of a watchlist hit, or `None` when its entry is no longer listed.
pub fn watchlist_hit(
    t: &TravellerView,
    reason: &str,
    lists: &[Arc<LoadedList>],
) -> Option<minijinja::Value> {
    let (list, entry, why) = parse_reason(reason, lists)?;
    let matched = matched_name(&why);
    Some(context! {
        list => list.name.clone(),
        list_category => list.category.clone(),
        version => list.version,
        entry_id => entry.id.clone(),
        why => why,
        lines => lines(t, entry, matched),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_matched_name_in_the_reason() {
        let why = vec![
            "name JANE DOE ~ DOE, Jane (0.97)",
            "date of birth 1980-02-01 equals the entry's",
        ];
        assert_eq!(matched_name(&why), Some("DOE, Jane"));
        assert_eq!(matched_name(&["document X equals"]), None);
    }

    #[test]
    fn documents_compare_without_punctuation() {
        assert_eq!(norm_doc("ab-12 34"), norm_doc("AB1234"));
    }
}
