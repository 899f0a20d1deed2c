//! The simple CSV layout of `paxrisk watchlist import --format csv`: a header row naming the
//! columns `surname,given_names,date_of_birth,nationality,gender,document_number,
//! document_country,category` (in any order; unknown columns are ignored), then one entry a row.
//! A cell may hold several dates of birth or nationalities separated by `;` or `|`.

use super::dates::iso_dob;
use super::{
    clean_gender, country_code, kind_for, text, Entry, EntryDocument, ImportReport, RowError,
};

const COLUMNS: [&str; 9] = [
    "surname",
    "given_names",
    "date_of_birth",
    "nationality",
    "gender",
    "document_number",
    "document_country",
    "category",
    "id",
];

/// Imports the simple CSV layout. Rows are numbered as lines of the file (the header is row 1).
pub fn import_csv(bytes: &[u8]) -> ImportReport {
    let text = text::decode(bytes);
    let mut report = ImportReport::default();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(_) => {
            report
                .errors
                .push(RowError::new(1, "the header row is not valid CSV"));
            return report;
        }
    };
    let col: Vec<Option<usize>> = COLUMNS
        .iter()
        .map(|name| {
            headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
        })
        .collect();
    if col[0].is_none() && col[5].is_none() {
        report.errors.push(RowError::new(
            1,
            "the header row names neither a surname nor a document_number column",
        ));
        return report;
    }
    for (i, record) in reader.records().enumerate() {
        // Line numbers from the reader count embedded newlines correctly; fall back to position.
        let row = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(i + 2, |p| p.line() as usize);
        let record = match record {
            Ok(r) => r,
            Err(_) => {
                report
                    .errors
                    .push(RowError::new(row, "the row is not valid CSV"));
                continue;
            }
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let get = |c: usize| col[c].and_then(|i| record.get(i)).unwrap_or("").trim();
        if let Some(entry) = row_entry(row, &get, &mut report.errors) {
            report.entries.push(entry);
        }
    }
    report
}

fn row_entry<'a>(
    row: usize,
    get: &dyn Fn(usize) -> &'a str,
    errors: &mut Vec<RowError>,
) -> Option<Entry> {
    let (surname, given) = (get(0).to_string(), get(1).to_string());
    let mut documents = Vec::new();
    if !get(5).is_empty() {
        let country = country_field(row, get(6), "document country", errors);
        documents.push(EntryDocument {
            number: get(5).to_string(),
            country,
        });
    }
    if surname.is_empty() && given.is_empty() && documents.is_empty() {
        errors.push(RowError::new(
            row,
            "the row has neither a name nor a document number",
        ));
        return None;
    }
    let mut entry = Entry {
        id: if get(8).is_empty() {
            row.to_string()
        } else {
            get(8).to_string()
        },
        kind: kind_for(&surname, &given, &documents),
        surname,
        given_names: given,
        documents,
        category: Some(get(7).to_string()).filter(|c| !c.is_empty()),
        ..Entry::default()
    };
    for value in split_multi(get(2)) {
        match iso_dob(value) {
            Some(d) => entry.dates_of_birth.push(d),
            None => errors.push(RowError::new(
                row,
                "date of birth is not YYYY or YYYY-MM-DD; left out",
            )),
        }
    }
    for value in split_multi(get(3)) {
        if let Some(code) = country_field(row, value, "nationality", errors) {
            entry.nationalities.push(code);
        }
    }
    if !get(4).is_empty() {
        entry.gender = clean_gender(get(4));
        if entry.gender.is_none() && !matches!(get(4).to_ascii_uppercase().as_str(), "U" | "X") {
            errors.push(RowError::new(row, "gender is not M, F, U or X; left out"));
        }
    }
    Some(entry)
}

/// Splits a cell that may hold several values.
pub(crate) fn split_multi(cell: &str) -> impl Iterator<Item = &str> {
    cell.split([';', '|'])
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// Reads a country cell into alpha-3, reporting (without the value) when it is unknown.
pub(crate) fn country_field(
    row: usize,
    value: &str,
    what: &str,
    errors: &mut Vec<RowError>,
) -> Option<String> {
    if value.trim().is_empty() {
        return None;
    }
    let code = country_code(value);
    if code.is_none() {
        errors.push(RowError::new(
            row,
            format!("{what} is not a known country or ISO alpha-3 code; left out"),
        ));
    }
    code.map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_rows_and_reports_bad_ones_without_their_content() {
        let csv = "surname,given_names,date_of_birth,nationality,gender,document_number,document_country,category\n\
                   DOE,Jane,1980-02-01,GBR,F,123,GBR,test\n\
                   ,,,,,,,\n\
                   ROE,Richard,31/12/1970,Atlantis,Q,,,\n\
                   ,,,,,X99,FRA,lost\n\
                   ,,1970,,,,,\n";
        let report = import_csv(csv.as_bytes());
        assert_eq!(report.entries.len(), 3);
        assert_eq!(report.entries[0].dates_of_birth, ["1980-02-01"]);
        assert_eq!(
            report.entries[0].documents[0].country.as_deref(),
            Some("GBR")
        );
        assert_eq!(
            report.entries[2].kind,
            crate::watchlist::EntryKind::Document
        );
        let rows: Vec<usize> = report.errors.iter().map(|e| e.row).collect();
        assert_eq!(rows, [4, 4, 4, 6]);
        assert!(report
            .errors
            .iter()
            .all(|e| !e.message.contains("Atlantis") && !e.message.contains("31/12")));
    }
}
