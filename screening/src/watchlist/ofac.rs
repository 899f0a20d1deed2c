//! OFAC's legacy CSV layout: `sdn.csv` (one row per listed party), `alt.csv` (aliases, joined by
//! `ent_num`) and `add.csv` (addresses, not used: an address country is not a nationality).
//! Only individuals are imported; facts about them are parsed out of the free-text remarks.
//! Files are Latin-1; `-0-` marks an empty field.

use std::collections::HashMap;
use std::path::Path;

use super::dates::ofac_dob;
use super::{
    country_code, read, text, Entry, EntryDocument, EntryKind, ImportError, ImportReport, Name,
    RowError,
};

/// Imports the OFAC SDN list from the folder holding `sdn.csv` and `alt.csv`. A missing
/// `alt.csv` is reported as a file-level error (row 0) and the list imports without aliases.
/// Rows of `sdn.csv` are numbered as its lines; problems in `alt.csv` say so in the message.
pub fn import_ofac(folder: &Path) -> Result<ImportReport, ImportError> {
    let sdn = read(&folder.join("sdn.csv"))?;
    let mut report = import_sdn(&sdn);
    match read(&folder.join("alt.csv")) {
        Ok(alt) => add_aliases(&alt, &mut report),
        Err(_) => report.errors.push(RowError::new(
            0,
            "alt.csv is missing or unreadable: aliases not imported",
        )),
    }
    Ok(report)
}

/// Splits a CSV file into records with their line numbers; `-0-` cells become empty.
fn records(bytes: &[u8]) -> Vec<(usize, Result<Vec<String>, ()>)> {
    let text = text::decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(i + 1, |p| p.line() as usize);
        out.push((
            row,
            record
                .map(|r| {
                    r.iter()
                        .map(|f| {
                            if f.trim() == "-0-" {
                                String::new()
                            } else {
                                f.trim().to_string()
                            }
                        })
                        .collect()
                })
                .map_err(|_| ()),
        ));
    }
    out
}

fn import_sdn(bytes: &[u8]) -> ImportReport {
    let mut report = ImportReport::default();
    for (row, record) in records(bytes) {
        let Ok(fields) = record else {
            report
                .errors
                .push(RowError::new(row, "sdn.csv: the row is not valid CSV"));
            continue;
        };
        if fields.iter().all(String::is_empty) {
            continue;
        }
        if fields.len() < 12 {
            report.errors.push(RowError::new(
                row,
                "sdn.csv: the row has fewer than 12 fields",
            ));
            continue;
        }
        if !fields[2].eq_ignore_ascii_case("individual") {
            continue;
        }
        let Some(name) = split_name(&fields[1]) else {
            report
                .errors
                .push(RowError::new(row, "sdn.csv: the individual has no name"));
            continue;
        };
        let mut entry = Entry {
            id: fields[0].clone(),
            surname: name.surname,
            given_names: name.given_names,
            category: Some(fields[3].clone()).filter(|p| !p.is_empty()),
            kind: EntryKind::Person,
            ..Entry::default()
        };
        parse_remarks(row, &fields[11], &mut entry, &mut report.errors);
        report.entries.push(entry);
    }
    report
}

/// `SURNAME, Given Names` → a [`Name`]; a name without a comma is all surname.
fn split_name(raw: &str) -> Option<Name> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    Some(match raw.split_once(',') {
        Some((surname, given)) => Name {
            surname: surname.trim().to_string(),
            given_names: given.trim().to_string(),
        },
        None => Name {
            surname: raw.to_string(),
            given_names: String::new(),
        },
    })
}

/// Reads the facts screening uses out of the remarks: `DOB …`, `nationality …`, `citizen …`,
/// `Passport NUMBER (Country) …` and `Gender …`, each possibly prefixed by `alt.`.
fn parse_remarks(row: usize, remarks: &str, entry: &mut Entry, errors: &mut Vec<RowError>) {
    for part in remarks.split(';') {
        let part = part.trim().trim_end_matches('.').trim();
        let part = part.strip_prefix("alt. ").unwrap_or(part).trim();
        if let Some(dob) = part.strip_prefix("DOB ") {
            match ofac_dob(dob) {
                Some(dates) => {
                    for d in dates {
                        if !entry.dates_of_birth.contains(&d) {
                            entry.dates_of_birth.push(d);
                        }
                    }
                }
                None => errors.push(RowError::new(
                    row,
                    "sdn.csv: a date of birth in the remarks is not understood; left out",
                )),
            }
        } else if let Some(country) = part
            .strip_prefix("nationality ")
            .or_else(|| part.strip_prefix("citizen "))
        {
            match country_code(country) {
                Some(code) if !entry.nationalities.iter().any(|n| n == code) => {
                    entry.nationalities.push(code.to_string())
                }
                Some(_) => {}
                None => errors.push(RowError::new(
                    row,
                    "sdn.csv: a nationality in the remarks is not a known country; left out",
                )),
            }
        } else if let Some(rest) = part.strip_prefix("Passport ") {
            match passport(rest) {
                Some(doc) => entry.documents.push(doc),
                None => errors.push(RowError::new(
                    row,
                    "sdn.csv: a passport in the remarks has no number; left out",
                )),
            }
        } else if let Some(gender) = part.strip_prefix("Gender ") {
            entry.gender = super::clean_gender(gender);
        }
    }
}

/// `A1234567 (Iraq) issued 15 Sep 1991 expires …` → number and country. The number is what
/// precedes the country or the issue/expiry words; `No.` is dropped.
fn passport(text: &str) -> Option<EntryDocument> {
    let text = text.trim().strip_prefix("No. ").unwrap_or(text.trim());
    let mut end = text.len();
    for stop in [" (", " issued", " expires", " valid"] {
        if let Some(i) = text.find(stop) {
            end = end.min(i);
        }
    }
    let number = text[..end].trim().trim_end_matches(',').trim();
    if number.is_empty() || !number.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let country = text[end..]
        .trim_start()
        .strip_prefix('(')
        .and_then(|rest| rest.split_once(')'))
        .and_then(|(c, _)| country_code(c))
        .map(str::to_string);
    Some(EntryDocument {
        number: number.to_string(),
        country,
    })
}

fn add_aliases(bytes: &[u8], report: &mut ImportReport) {
    let by_id: HashMap<String, usize> = report
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.clone(), i))
        .collect();
    for (row, record) in records(bytes) {
        let Ok(fields) = record else {
            report
                .errors
                .push(RowError::new(row, "alt.csv: the row is not valid CSV"));
            continue;
        };
        if fields.iter().all(String::is_empty) {
            continue;
        }
        if fields.len() < 4 {
            report.errors.push(RowError::new(
                row,
                "alt.csv: the row has fewer than 4 fields",
            ));
            continue;
        }
        // Aliases of entities and vessels have no individual to attach to: not an error.
        let Some(&index) = by_id.get(&fields[0]) else {
            continue;
        };
        match split_name(&fields[3]) {
            Some(name) => {
                let entry = &mut report.entries[index];
                if name != entry.primary_name() && !entry.aliases.contains(&name) {
                    entry.aliases.push(name);
                }
            }
            None => report
                .errors
                .push(RowError::new(row, "alt.csv: the alias has no name")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remarks_yield_dobs_nationalities_passports_and_gender() {
        let sdn = "12,\"AL-FAQIH, Saad\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\
                   \"DOB 01 Feb 1957; alt. DOB circa 1960; nationality Iraq; citizen Korea, North; \
                   Passport A1234567 (Iraq) issued 15 Sep 1991; alt. Passport 265 216; Gender Male; DOB sometime.\"\r\n\
                   13,\"SOME BANK\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1A";
        let report = import_sdn(sdn.as_bytes());
        assert_eq!(report.entries.len(), 1);
        let e = &report.entries[0];
        assert_eq!(
            (e.surname.as_str(), e.given_names.as_str()),
            ("AL-FAQIH", "Saad")
        );
        assert_eq!(e.dates_of_birth, ["1957-02-01", "1959", "1960", "1961"]);
        assert_eq!(e.nationalities, ["IRQ", "PRK"]);
        assert_eq!(
            e.documents[0],
            EntryDocument {
                number: "A1234567".into(),
                country: Some("IRQ".into())
            }
        );
        assert_eq!(e.documents[1].number, "265 216");
        assert_eq!(e.gender.as_deref(), Some("M"));
        assert_eq!(report.errors.len(), 1);
        assert_eq!(report.errors[0].row, 1);
    }

    #[test]
    fn latin1_names_decode() {
        let sdn =
            b"7,\"M\xdcLLER, J\xf6rg\",\"individual\",\"X\",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-\n";
        let report = import_sdn(sdn);
        assert_eq!(report.entries[0].surname, "M\u{dc}LLER");
        assert_eq!(report.entries[0].given_names, "J\u{f6}rg");
    }
}
