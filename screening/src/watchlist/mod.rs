//! Watchlist entries and their import from the simple CSV layout, JSON and OFAC's legacy CSV.
//!
//! Importers are tolerant: a bad row costs that row and is reported as a [`RowError`] naming the
//! row and the problem, never the personal data in it; the rest of the file imports. The caller
//! decides whether any error should abort the import (`--strict`).

mod countries;
mod csv_simple;
mod dates;
mod json;
mod ofac;
mod text;

use std::path::Path;

use serde::{Deserialize, Serialize};

pub use countries::country_code;
pub use csv_simple::import_csv;
pub use json::import_json;
pub use ofac::import_ofac;

/// What a watchlist entry stands for: a person, or a travel document alone (lost or stolen).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A listed person, matched on names, qualified by date of birth and the rest.
    #[default]
    Person,
    /// A listed document, matched on its number and issuing country only.
    Document,
}

/// One name of a listed person, split as the list gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Name {
    /// Family name(s); the whole name when the list does not split it.
    pub surname: String,
    /// All given names, space-separated; may be empty.
    pub given_names: String,
}

impl Name {
    /// The name written `SURNAME, Given` (or the surname alone), as officers read list names.
    pub fn display(&self) -> String {
        if self.given_names.trim().is_empty() {
            self.surname.trim().to_string()
        } else {
            format!("{}, {}", self.surname.trim(), self.given_names.trim())
        }
    }
}

/// A document on a watchlist entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryDocument {
    /// Document number as listed (spaces and punctuation are ignored when matching).
    pub number: String,
    /// Issuing country, ISO 3166-1 alpha-3, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// One watchlist entry: a person with names, aliases and identifying facts, or a document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Identifier within the list (OFAC `ent_num`, or the row number for CSV/JSON lists).
    pub id: String,
    /// Family name(s) of the primary name.
    pub surname: String,
    /// Given names of the primary name, space-separated.
    pub given_names: String,
    /// Other names the person is known by.
    #[serde(default)]
    pub aliases: Vec<Name>,
    /// Dates of birth, `YYYY` or `YYYY-MM-DD`; lists often carry several, or a year only.
    #[serde(default)]
    pub dates_of_birth: Vec<String>,
    /// Nationalities and citizenships, ISO 3166-1 alpha-3.
    #[serde(default)]
    pub nationalities: Vec<String>,
    /// `M` or `F` when the list says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// Passports and other travel documents.
    #[serde(default)]
    pub documents: Vec<EntryDocument>,
    /// Free-text category (e.g. the OFAC programme, `terrorism`, `lost/stolen document`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Person or document entry.
    #[serde(default)]
    pub kind: EntryKind,
}

impl Entry {
    /// The primary name as a [`Name`].
    pub fn primary_name(&self) -> Name {
        Name {
            surname: self.surname.clone(),
            given_names: self.given_names.clone(),
        }
    }

    /// The primary name followed by every alias, in list order.
    pub fn all_names(&self) -> Vec<Name> {
        let mut names = vec![self.primary_name()];
        names.extend(self.aliases.iter().cloned());
        names
    }
}

/// A row the importer could not use, and why. The message never quotes the row's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// 1-based line (CSV, counting the header) or 1-based array position (JSON); 0 for the file.
    pub row: usize,
    /// What was wrong, e.g. `date of birth is not YYYY or YYYY-MM-DD`.
    pub message: String,
}

impl RowError {
    pub(crate) fn new(row: usize, message: impl Into<String>) -> Self {
        RowError {
            row,
            message: message.into(),
        }
    }
}

/// What an import produced: the usable entries and one error per rejected row or field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// Entries ready to index, in file order.
    pub entries: Vec<Entry>,
    /// Problems found; a row listed here may still have produced an entry when only one of
    /// its fields was unusable (that field is then left out).
    pub errors: Vec<RowError>,
}

/// Why a list could not be imported at all (as opposed to a bad row).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The format name is not one of `csv`, `json`, `ofac`.
    #[error("unknown watchlist format {0:?}: expected csv, json or ofac")]
    UnknownFormat(String),
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file that failed.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// Imports a list in `format` (`csv`, `json` or `ofac`) from `path`: the file, or for `ofac` the
/// folder holding `sdn.csv`, `alt.csv` and optionally `add.csv`.
pub fn import(format: &str, path: &Path) -> Result<ImportReport, ImportError> {
    match format.to_ascii_lowercase().as_str() {
        "csv" => Ok(import_csv(&read(path)?)),
        "json" => Ok(import_json(&read(path)?)),
        "ofac" => import_ofac(path),
        other => Err(ImportError::UnknownFormat(other.to_string())),
    }
}

pub(crate) fn read(path: &Path) -> Result<Vec<u8>, ImportError> {
    std::fs::read(path).map_err(|source| ImportError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Cleans a gender value into `M`/`F`, or `None` when unknown or unusable.
pub(crate) fn clean_gender(value: &str) -> Option<String> {
    match value.trim().to_ascii_uppercase().as_str() {
        "M" | "MALE" => Some("M".into()),
        "F" | "FEMALE" => Some("F".into()),
        _ => None,
    }
}

/// Builds the kind of an entry from what it carries: no name but documents makes a document entry.
pub(crate) fn kind_for(surname: &str, given: &str, documents: &[EntryDocument]) -> EntryKind {
    if surname.trim().is_empty() && given.trim().is_empty() && !documents.is_empty() {
        EntryKind::Document
    } else {
        EntryKind::Person
    }
}
