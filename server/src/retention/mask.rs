//! Masking in the store: personal fields are replaced, their clear originals sealed under the
//! subject's data key (see `crypto`), and everything derived from them (identity keys, versions,
//! hit explanations, review notes) is masked in the same transaction.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::crypto;
use super::keyring::SealingKey;
use super::policy::DataClass;
use super::RetentionError;
use crate::db::schema::{
    documents, hits, lookouts, manual_hits, review_items, review_notes, traveller_versions,
    travellers,
};
use crate::db::DbConnection;

/// What a masked text field holds.
pub const MASK: &str = "***";

/// Traveller JSON keys that are not personal identity or contact data (itinerary class): kept.
const KEPT_TRAVELLER_KEYS: &[&str] = &[
    "kind",
    "seat",
    "record_locator",
    "bag_count",
    "embarkation",
    "debarkation",
    "infant",
    "traveller_ref",
];

/// A document's clear fields, as sealed.
#[derive(Debug, Serialize, Deserialize)]
pub struct SealedDocument {
    /// Document row id.
    pub id: String,
    /// The document number.
    pub number: String,
    /// Issuing country, ISO alpha-3.
    pub issuing_country: Option<String>,
    /// Expiry date.
    pub expiry: Option<String>,
}

/// A traveller's clear fields, as sealed at masking (and returned under a grant).
#[derive(Debug, Serialize, Deserialize)]
pub struct SealedTraveller {
    /// Surname as received.
    pub surname: String,
    /// Given names as received.
    pub given_names: String,
    /// Date of birth.
    pub date_of_birth: Option<String>,
    /// Gender as sent.
    pub gender: Option<String>,
    /// Nationality.
    pub nationality: Option<String>,
    /// The per-flight identity key (normalised name).
    pub identity_key: String,
    /// The full traveller record as last loaded (addresses and contacts included).
    pub data: Value,
    /// Travel documents.
    pub documents: Vec<SealedDocument>,
}

/// Keeps only the non-personal keys of a traveller JSON record.
pub fn masked_record(data: &str) -> String {
    let parsed: Value = serde_json::from_str(data).unwrap_or(Value::Null);
    let mut out = Map::new();
    if let Value::Object(m) = parsed {
        for k in KEPT_TRAVELLER_KEYS {
            if let Some(v) = m.get(*k) {
                out.insert((*k).to_string(), v.clone());
            }
        }
    }
    out.insert("masked".into(), Value::Bool(true));
    Value::Object(out).to_string()
}

/// The words of a traveller's clear data that derived text may quote.
fn secrets(t: &SealedTraveller) -> Vec<String> {
    let mut s: Vec<String> = [&t.surname, &t.given_names]
        .into_iter()
        .flat_map(|n| n.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .chain(t.documents.iter().map(|d| d.number.clone()))
        .chain(t.date_of_birth.clone())
        .filter(|w| w.chars().count() > 1 && w != MASK)
        .collect();
    // Longest first, so a name is not half-replaced by a shorter one inside it.
    s.sort_by_key(|w| std::cmp::Reverse(w.len()));
    s
}

/// Replaces every occurrence of the secrets, case-insensitively for ASCII letters.
pub fn scrub_text(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for w in secrets {
        let upper = out.to_ascii_uppercase();
        let needle = w.to_ascii_uppercase();
        if needle.len() != w.len() || upper.len() != out.len() {
            out = out.replace(w.as_str(), MASK);
            continue;
        }
        let mut result = String::with_capacity(out.len());
        let mut last = 0;
        for (i, _) in upper.match_indices(&needle) {
            result.push_str(&out[last..i]);
            result.push_str(MASK);
            last = i + needle.len();
        }
        result.push_str(&out[last..]);
        out = result;
    }
    out
}

/// Masks one traveller in every table that holds their data; returns false when already masked
/// or gone. Runs inside the caller's transaction.
pub fn mask_traveller(
    conn: &mut DbConnection,
    sealing: &SealingKey,
    id: &str,
) -> Result<bool, RetentionError> {
    type Row = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
        String,
        bool,
    );
    let row: Option<Row> = travellers::table
        .filter(travellers::id.eq(id))
        .select((
            travellers::surname,
            travellers::given_names,
            travellers::date_of_birth,
            travellers::gender,
            travellers::nationality,
            travellers::identity_key,
            travellers::data,
            travellers::masked,
        ))
        .first(conn)
        .optional()?;
    let Some((
        surname,
        given_names,
        date_of_birth,
        gender,
        nationality,
        identity_key,
        data,
        masked,
    )) = row
    else {
        return Ok(false);
    };
    if masked {
        return Ok(false);
    }
    let docs: Vec<(String, String, Option<String>, Option<String>)> = documents::table
        .filter(documents::traveller_id.eq(id))
        .select((
            documents::id,
            documents::number,
            documents::issuing_country,
            documents::expiry,
        ))
        .load(conn)?;
    let original = SealedTraveller {
        surname,
        given_names,
        date_of_birth,
        gender,
        nationality,
        identity_key,
        data: serde_json::from_str(&data).unwrap_or(Value::Null),
        documents: docs
            .into_iter()
            .map(|(id, number, issuing_country, expiry)| SealedDocument {
                id,
                number,
                issuing_country,
                expiry,
            })
            .collect(),
    };
    let clear = serde_json::to_vec(&original)
        .map_err(|_| RetentionError::Crypto("cannot encode the original"))?;
    crypto::seal(conn, sealing, &format!("traveller:{id}"), &clear)?;

    diesel::update(travellers::table.filter(travellers::id.eq(id)))
        .set((
            travellers::surname.eq(MASK),
            travellers::given_names.eq(MASK),
            travellers::date_of_birth.eq(None::<String>),
            travellers::gender.eq(None::<String>),
            travellers::nationality.eq(None::<String>),
            // Still unique per flight, and no longer the person's normalised name.
            travellers::identity_key.eq(format!("masked:{id}")),
            // The cross-flight key is a normalised name and birth date (or document): gone.
            travellers::person_key.eq(None::<String>),
            travellers::data.eq(masked_record(&data)),
            travellers::masked.eq(true),
        ))
        .execute(conn)?;
    diesel::update(documents::table.filter(documents::traveller_id.eq(id)))
        .set((
            documents::number.eq(MASK),
            documents::issuing_country.eq(None::<String>),
            documents::expiry.eq(None::<String>),
        ))
        .execute(conn)?;
    let versions: Vec<(String, String)> = traveller_versions::table
        .filter(traveller_versions::traveller_id.eq(id))
        .select((traveller_versions::id, traveller_versions::data))
        .load(conn)?;
    for (vid, vdata) in versions {
        diesel::update(traveller_versions::table.filter(traveller_versions::id.eq(vid)))
            .set(traveller_versions::data.eq(masked_record(&vdata)))
            .execute(conn)?;
    }
    mask_derived_text(conn, id, &secrets(&original))?;
    crate::links::store::delete_personal(conn, &[id.to_string()])?;
    Ok(true)
}

/// Hit explanations, manual hits, lookouts and review notes may quote names and documents.
fn mask_derived_text(conn: &mut DbConnection, id: &str, secrets: &[String]) -> QueryResult<()> {
    let hit_rows: Vec<(String, String, String)> = hits::table
        .filter(hits::traveller_id.eq(id))
        .select((hits::id, hits::reason, hits::detail))
        .load(conn)?;
    for (hit_id, reason, detail) in hit_rows {
        diesel::update(hits::table.filter(hits::id.eq(hit_id)))
            .set((
                hits::reason.eq(scrub_text(&reason, secrets)),
                hits::detail.eq(scrub_text(&detail, secrets)),
            ))
            .execute(conn)?;
    }
    let manual: Vec<(String, String)> = manual_hits::table
        .filter(manual_hits::traveller_id.eq(id))
        .select((manual_hits::id, manual_hits::reason))
        .load(conn)?;
    for (mid, reason) in manual {
        diesel::update(manual_hits::table.filter(manual_hits::id.eq(mid)))
            .set(manual_hits::reason.eq(scrub_text(&reason, secrets)))
            .execute(conn)?;
    }
    let looks: Vec<(String, String)> = lookouts::table
        .filter(lookouts::traveller_id.eq(id))
        .select((lookouts::id, lookouts::reason))
        .load(conn)?;
    for (lid, reason) in looks {
        diesel::update(lookouts::table.filter(lookouts::id.eq(lid)))
            .set(lookouts::reason.eq(scrub_text(&reason, secrets)))
            .execute(conn)?;
    }
    let items: Vec<String> = review_items::table
        .filter(review_items::traveller_id.eq(id))
        .select(review_items::id)
        .load(conn)?;
    let notes: Vec<(String, String)> = review_notes::table
        .filter(review_notes::item_id.eq_any(&items))
        .select((review_notes::id, review_notes::body))
        .load(conn)?;
    for (note_id, body) in notes {
        diesel::update(review_notes::table.filter(review_notes::id.eq(note_id)))
            .set(review_notes::body.eq(scrub_text(&body, secrets)))
            .execute(conn)?;
    }
    Ok(())
}

/// The PNR JSON keys each data class covers.
fn pnr_keys(class: DataClass) -> &'static [&'static str] {
    match class {
        DataClass::Identity => &["travellers"],
        DataClass::Contacts => &["contacts"],
        DataClass::Payment => &["payments"],
        DataClass::FrequentFlyer => &["frequent_flyer"],
        DataClass::Remarks => &["remarks", "ssrs", "history", "unknown_segments"],
        _ => &[],
    }
}

/// The classes already masked in a stored PNR JSON.
pub fn masked_classes(data: &str) -> Vec<DataClass> {
    let v: Value = serde_json::from_str(data).unwrap_or(Value::Null);
    serde_json::from_value(v.get("masked_classes").cloned().unwrap_or(Value::Null))
        .unwrap_or_default()
}

/// Masks the named classes of a PNR (sealing the clear original first); returns the new JSON.
pub fn mask_pnr(
    conn: &mut DbConnection,
    sealing: &SealingKey,
    pnr_id: &str,
    data: &str,
    classes: &[DataClass],
) -> Result<String, RetentionError> {
    crypto::seal(conn, sealing, &format!("pnr:{pnr_id}"), data.as_bytes())?;
    let mut v: Value = serde_json::from_str(data).unwrap_or_else(|_| json!({}));
    let mut done = masked_classes(data);
    if let Value::Object(m) = &mut v {
        for c in classes {
            for k in pnr_keys(*c) {
                m.remove(*k);
            }
            if !done.contains(c) {
                done.push(*c);
            }
        }
        m.insert(
            "masked_classes".into(),
            serde_json::to_value(&done).unwrap_or_default(),
        );
    }
    Ok(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_records_keep_only_itinerary_keys() {
        let r = masked_record(
            r#"{"kind":"passenger","surname":"DOE","seat":"14A","documents":[{"number":"X1"}]}"#,
        );
        assert_eq!(r, r#"{"kind":"passenger","masked":true,"seat":"14A"}"#);
    }

    #[test]
    fn scrubbing_replaces_names_in_any_case() {
        let s = vec!["QP1234567".to_string(), "Doe".to_string()];
        assert_eq!(
            scrub_text("name doe, DOE; doc QP1234567", &s),
            "name ***, ***; doc ***"
        );
    }
}
