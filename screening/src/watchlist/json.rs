//! The JSON layout of `paxrisk watchlist import --format json`: an array of objects with
//! `surname`, `given_names`, `aliases` (`[{surname, given_names}]`), `date_of_birth` (`YYYY` or
//! `YYYY-MM-DD`, or an array of them), `nationality`, `gender`, `documents` (`[{number,
//! country}]`) and `category`. `{"entries": [...]}` is accepted too. Rows are array positions,
//! counted from 1.

use serde_json::Value;

use super::csv_simple::country_field;
use super::dates::iso_dob;
use super::{clean_gender, kind_for, text, Entry, EntryDocument, ImportReport, Name, RowError};

/// Imports the JSON layout; an element that is not an object, or has neither a name nor a
/// document, is reported and skipped.
pub fn import_json(bytes: &[u8]) -> ImportReport {
    let mut report = ImportReport::default();
    let value: Value = match serde_json::from_str(&text::decode(bytes)) {
        Ok(v) => v,
        Err(e) => {
            report.errors.push(RowError::new(
                0,
                format!(
                    "the file is not valid JSON (line {}, column {})",
                    e.line(),
                    e.column()
                ),
            ));
            return report;
        }
    };
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut map) => match map.remove("entries") {
            Some(Value::Array(items)) => items,
            _ => {
                report
                    .errors
                    .push(RowError::new(0, "expected an array of entries"));
                return report;
            }
        },
        _ => {
            report
                .errors
                .push(RowError::new(0, "expected an array of entries"));
            return report;
        }
    };
    for (i, item) in items.iter().enumerate() {
        if let Some(entry) = entry_of(i + 1, item, &mut report.errors) {
            report.entries.push(entry);
        }
    }
    report
}

/// A string field, or "" when absent; numbers are accepted (a year of birth written 1970).
fn text_of(item: &Value, field: &str) -> String {
    match item.get(field) {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// A field that may be one string or an array of strings.
fn many(item: &Value, fields: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for field in fields {
        match item.get(*field) {
            Some(Value::Array(values)) => out.extend(values.iter().filter_map(|v| match v {
                Value::String(s) => Some(s.trim().to_string()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })),
            Some(Value::String(_)) | Some(Value::Number(_)) => out.push(text_of(item, field)),
            _ => {}
        }
    }
    out.retain(|v| !v.is_empty());
    out
}

fn entry_of(row: usize, item: &Value, errors: &mut Vec<RowError>) -> Option<Entry> {
    if !item.is_object() {
        errors.push(RowError::new(row, "the element is not an object"));
        return None;
    }
    let surname = text_of(item, "surname");
    let given = text_of(item, "given_names");
    let mut documents = Vec::new();
    for doc in item
        .get("documents")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let number = text_of(doc, "number");
        if number.is_empty() {
            errors.push(RowError::new(row, "a document has no number; left out"));
            continue;
        }
        let country = country_field(row, &text_of(doc, "country"), "document country", errors);
        documents.push(EntryDocument { number, country });
    }
    if surname.is_empty() && given.is_empty() && documents.is_empty() {
        errors.push(RowError::new(
            row,
            "the entry has neither a name nor a document number",
        ));
        return None;
    }
    let mut entry = Entry {
        id: Some(text_of(item, "id"))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| row.to_string()),
        kind: kind_for(&surname, &given, &documents),
        surname,
        given_names: given,
        documents,
        category: Some(text_of(item, "category")).filter(|c| !c.is_empty()),
        ..Entry::default()
    };
    for alias in item
        .get("aliases")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = match alias {
            Value::String(s) => Name {
                surname: s.trim().to_string(),
                given_names: String::new(),
            },
            _ => Name {
                surname: text_of(alias, "surname"),
                given_names: text_of(alias, "given_names"),
            },
        };
        if name.surname.is_empty() && name.given_names.is_empty() {
            errors.push(RowError::new(row, "an alias has no name; left out"));
        } else {
            entry.aliases.push(name);
        }
    }
    for value in many(item, &["date_of_birth", "dates_of_birth"]) {
        match iso_dob(&value) {
            Some(d) => entry.dates_of_birth.push(d),
            None => errors.push(RowError::new(
                row,
                "date of birth is not YYYY or YYYY-MM-DD; left out",
            )),
        }
    }
    for value in many(item, &["nationality", "nationalities"]) {
        if let Some(code) = country_field(row, &value, "nationality", errors) {
            entry.nationalities.push(code);
        }
    }
    let gender = text_of(item, "gender");
    entry.gender = clean_gender(&gender);
    if entry.gender.is_none()
        && !gender.is_empty()
        && !matches!(gender.to_ascii_uppercase().as_str(), "U" | "X")
    {
        errors.push(RowError::new(row, "gender is not M, F, U or X; left out"));
    }
    Some(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_the_design_shape() {
        let json = r#"[{"surname":"DOE","given_names":"Jane","aliases":[{"surname":"DOH","given_names":"J"}],
            "date_of_birth":"1980","nationality":"GBR","gender":"F",
            "documents":[{"number":"123","country":"GBR"}],"category":"test"},
            42, {"surname":"ROE","date_of_birth":"1980-13-01"}]"#;
        let report = import_json(json.as_bytes());
        assert_eq!(report.entries.len(), 2);
        assert_eq!(report.entries[0].aliases.len(), 1);
        assert_eq!(report.entries[0].dates_of_birth, ["1980"]);
        assert_eq!(report.errors.len(), 2);
        assert_eq!((report.errors[0].row, report.errors[1].row), (2, 3));
    }

    #[test]
    fn broken_json_is_one_file_error() {
        let report = import_json(b"[{");
        assert!(report.entries.is_empty());
        assert_eq!(report.errors[0].row, 0);
    }
}
