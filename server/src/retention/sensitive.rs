//! The sensitive-data filter (Art. 13(4), C.6): SSR codes and free text revealing religion,
//! health, disability, ethnicity or sexual life are removed from parsed PNRs before they are
//! loaded, and masked in the stored raw bytes. Only the count removed per carrier and day is kept.
//! The list is versioned and edited by the DPO; the shipped defaults apply until then.

use diesel::prelude::*;
use paxrisk_parsers::{Message, PnrPush};
use serde::{Deserialize, Serialize};

use super::{Actor, RetentionError};
use crate::db::schema::{sensitive_lists, sensitive_removals};
use crate::db::{now_ms, DbConnection, DbError};

/// Religious and special meals, medical and assistance requests (IATA SSR codes).
const DEFAULT_CODES: &[&str] = &[
    "MOML", "KSML", "HNML", "VJML", "VGML", "VLML", "VOML", "AVML", "RVML", "DBML", "GFML", "LFML",
    "LSML", "BLML", "NLML", "PRML", "LCML", "SPML", "MEDA", "WCHR", "WCHS", "WCHC", "WCBD", "WCBW",
    "WCMP", "WCOB", "BLND", "DEAF", "DPNA", "STCR", "OXYG", "POCS", "SVAN", "ESAN", "MAAS",
];

/// Words whose presence in free text reveals sensitive data (English, French, German, Spanish).
const DEFAULT_KEYWORDS: &[&str] = &[
    "kosher",
    "halal",
    "muslim",
    "islam",
    "islamic",
    "jewish",
    "hindu",
    "sikh",
    "buddhist",
    "christian",
    "catholic",
    "religion",
    "religious",
    "prayer",
    "wheelchair",
    "disabled",
    "disability",
    "blind",
    "deaf",
    "medical",
    "medication",
    "diabetic",
    "diabetes",
    "pregnant",
    "pregnancy",
    "oxygen",
    "stretcher",
    "hiv",
    "cancer",
    "epilepsy",
    "dialysis",
    "psychiatric",
    "autism",
    "autistic",
    "ethnic",
    "ethnicity",
    "gay",
    "lesbian",
    "homosexual",
    "transgender",
    "casher",
    "musulman",
    "juif",
    "aveugle",
    "sourd",
    "enceinte",
    "fauteuil roulant",
    "rollstuhl",
    "taub",
    "schwanger",
    "jüdisch",
    "muslimisch",
    "silla de ruedas",
    "ciego",
    "sordo",
    "embarazada",
    "judío",
    "musulmán",
];

/// SSRs that carry identity, contact or booking data, not free text: never removed for a
/// keyword (a traveller named Blind keeps their DOCS).
pub const IDENTITY_SSRS: &[&str] = &[
    "DOCS", "DOCA", "DOCO", "FOID", "CTCE", "CTCM", "CTCR", "TKNE", "INFT", "SEAT", "FQTV",
];

/// A version of the filter's list.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TermList {
    /// 0 for the shipped defaults, then 1, 2, … for each DPO edit.
    #[serde(default)]
    pub version: i32,
    /// SSR codes removed wherever they appear.
    pub codes: Vec<String>,
    /// Words (or phrases) whose free-text entries are removed.
    pub keywords: Vec<String>,
}

impl TermList {
    /// The shipped defaults.
    pub fn defaults() -> TermList {
        TermList {
            version: 0,
            codes: DEFAULT_CODES.iter().map(|s| s.to_string()).collect(),
            keywords: DEFAULT_KEYWORDS.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn normalised(mut self) -> TermList {
        self.codes = self
            .codes
            .iter()
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty())
            .collect();
        self.keywords = self
            .keywords
            .iter()
            .map(|k| k.trim().to_lowercase())
            .filter(|k| !k.is_empty())
            .collect();
        self.codes.sort();
        self.codes.dedup();
        self.keywords.sort();
        self.keywords.dedup();
        self
    }

    /// True when free text holds a listed keyword or code as a whole word.
    pub fn reveals(&self, text: &str) -> bool {
        let lower = text.to_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let joined = format!(" {} ", words.join(" "));
        self.keywords.iter().any(|k| {
            let k = k
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            !k.is_empty() && joined.contains(&format!(" {k} "))
        }) || words
            .iter()
            .any(|w| self.codes.iter().any(|c| c.eq_ignore_ascii_case(w)))
    }

    fn is_code(&self, code: &str) -> bool {
        self.codes
            .iter()
            .any(|c| c.eq_ignore_ascii_case(code.trim()))
    }
}

/// The list in force: the newest stored version, else the defaults.
pub fn current(conn: &mut DbConnection) -> Result<TermList, DbError> {
    let row: Option<(i32, String, String)> = sensitive_lists::table
        .order(sensitive_lists::version.desc())
        .select((
            sensitive_lists::version,
            sensitive_lists::codes,
            sensitive_lists::keywords,
        ))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some((version, codes, keywords)) => TermList {
            version,
            codes: serde_json::from_str(&codes).unwrap_or_default(),
            keywords: serde_json::from_str(&keywords).unwrap_or_default(),
        },
        None => TermList::defaults(),
    })
}

/// Stores a new version of the list (DPO) and audits it.
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor<'_>,
    list: TermList,
) -> Result<TermList, RetentionError> {
    let mut list = list.normalised();
    if list.codes.is_empty() && list.keywords.is_empty() {
        return Err(RetentionError::Invalid(
            "the list may not be empty: send codes or keywords".into(),
        ));
    }
    if list
        .codes
        .iter()
        .chain(&list.keywords)
        .any(|t| t.len() > 100)
        || list.codes.len() + list.keywords.len() > 5000
    {
        return Err(RetentionError::Invalid(
            "at most 5000 terms of at most 100 characters".into(),
        ));
    }
    list.version = current(conn)?.version + 1;
    diesel::insert_into(sensitive_lists::table)
        .values((
            sensitive_lists::version.eq(list.version),
            sensitive_lists::codes.eq(serde_json::to_string(&list.codes).unwrap_or_default()),
            sensitive_lists::keywords.eq(serde_json::to_string(&list.keywords).unwrap_or_default()),
            sensitive_lists::created_by.eq(actor.id),
            sensitive_lists::created_at.eq(now_ms()),
        ))
        .execute(conn)?;
    actor.audit(
        conn,
        "sensitive_list.update",
        &format!("sensitive_list:v{}", list.version),
        "ok",
    )?;
    Ok(list)
}

/// Removes sensitive entries from one PNR push; returns how many were removed.
pub fn filter_push(list: &TermList, push: &mut PnrPush) -> usize {
    let keep_text = |v: &mut Vec<paxrisk_parsers::CompactString>| {
        let before = v.len();
        v.retain(|t| !list.reveals(t));
        before - v.len()
    };
    let mut removed = 0;
    for pnr in &mut push.pnrs {
        removed += keep_text(&mut pnr.remarks)
            + keep_text(&mut pnr.history)
            + keep_text(&mut pnr.unknown_segments);
        let before = pnr.ssrs.len();
        pnr.ssrs.retain(|s| {
            let free_text = !IDENTITY_SSRS
                .iter()
                .any(|c| c.eq_ignore_ascii_case(s.code.trim()));
            !list.is_code(&s.code)
                && !(free_text && s.text.as_deref().is_some_and(|t| list.reveals(t)))
        });
        removed += before - pnr.ssrs.len();
    }
    removed
}

fn carrier_of(push: &PnrPush) -> String {
    let from_itinerary = push
        .pnrs
        .iter()
        .flat_map(|p| p.itinerary.first())
        .map(|s| s.carrier.to_string())
        .next();
    Some(push.flight.carrier.to_string())
        .filter(|c| !c.is_empty())
        .or(from_itinerary)
        .unwrap_or_else(|| "??".into())
}

/// What the filter removed from one message: entries per carrier, and the raw bytes with the
/// same segments masked (`None` when masking left them as they were).
#[derive(Debug, Default)]
pub struct Removed {
    counts: Vec<(String, i64)>,
    redacted: Option<Vec<u8>>,
}

/// The intake hook, first half (no write): filters every parsed PNR push of a message read from
/// `raw`, and says what was removed, so [`record_removed`] can count it and mask the stored
/// bytes in the loading transaction. `None` when nothing was removed.
pub fn filter_parsed(
    conn: &mut DbConnection,
    raw: &[u8],
    parsed: &mut [Message],
) -> Result<Option<Removed>, DbError> {
    let list = current(conn)?;
    let mut counts: Vec<(String, i64)> = Vec::new();
    for m in parsed.iter_mut() {
        if let Message::Pnrgov(push) = m {
            let n = filter_push(&list, push);
            if n > 0 {
                counts.push((carrier_of(push), n as i64));
            }
        }
    }
    if counts.is_empty() {
        return Ok(None);
    }
    let redacted = super::redact::redact_raw(raw, &list);
    Ok(Some(Removed {
        counts,
        redacted: (redacted != raw).then_some(redacted),
    }))
}

/// The intake hook, second half, in the transaction that loads message `message_id`: adds what
/// [`filter_parsed`] removed to the day's counts and replaces the stored bytes with the masked ones.
pub fn record_removed(
    conn: &mut DbConnection,
    config: &crate::config::Config,
    message_id: &str,
    removed: &Removed,
) -> Result<(), DbError> {
    let day = crate::api::rfc3339(now_ms())[..10].to_string();
    crate::db::transaction(conn, |conn| {
        // One statement that adds to the day's count or starts it: two workers filtering messages
        // of one carrier at once must not both find no row and both insert one.
        for (carrier, n) in &removed.counts {
            let insert = diesel::insert_into(sensitive_removals::table)
                .values((
                    sensitive_removals::carrier.eq(carrier),
                    sensitive_removals::day.eq(&day),
                    sensitive_removals::removed.eq(n),
                ))
                .on_conflict((sensitive_removals::carrier, sensitive_removals::day))
                .do_update()
                .set(sensitive_removals::removed.eq(sensitive_removals::removed + n));
            // Upserts are per backend (the MultiConnection cannot express them).
            match conn {
                DbConnection::Pg(c) => insert.execute(c)?,
                DbConnection::Sqlite(c) => insert.execute(c)?,
            };
        }
        if let Some(redacted) = &removed.redacted {
            crate::ingest::raw::rewrite(conn, config, message_id, redacted)?;
        }
        Ok::<_, DbError>(())
    })?;
    tracing::info!(message_id = %message_id, removed = removed.counts.iter().map(|c| c.1).sum::<i64>(), "sensitive-data filter removed entries");
    Ok(())
}

/// Removed counts per carrier and day (no content).
#[derive(Debug, Serialize)]
pub struct Removal {
    /// Carrier code.
    pub carrier: String,
    /// UTC day, `YYYY-MM-DD`.
    pub day: String,
    /// Entries removed.
    pub removed: i64,
}

/// Every count, newest day first.
pub fn removals(conn: &mut DbConnection) -> Result<Vec<Removal>, DbError> {
    let rows: Vec<(String, String, i64)> = sensitive_removals::table
        .order((
            sensitive_removals::day.desc(),
            sensitive_removals::carrier.asc(),
        ))
        .select((
            sensitive_removals::carrier,
            sensitive_removals::day,
            sensitive_removals::removed,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(carrier, day, removed)| Removal {
            carrier,
            day,
            removed,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use paxrisk_parsers::{Pnr, Ssr};

    #[test]
    fn listed_codes_and_keywords_are_removed_and_counted() {
        let list = TermList::defaults().normalised();
        let mut push = PnrPush {
            pnrs: vec![Pnr {
                ssrs: vec![
                    Ssr {
                        code: "MOML".into(),
                        text: None,
                        traveller_ref: None,
                    },
                    Ssr {
                        code: "DOCS".into(),
                        text: Some("P/GBR/X1/BLIND/JO".into()),
                        traveller_ref: None,
                    },
                    Ssr {
                        code: "OTHS".into(),
                        text: Some("NEEDS WHEELCHAIR AT GATE".into()),
                        traveller_ref: None,
                    },
                ],
                remarks: vec![
                    "PAX IS PREGNANT".into(),
                    "LATE CHECK-IN".into(),
                    "REQ KSML".into(),
                ],
                ..Pnr::default()
            }],
            ..PnrPush::default()
        };
        assert_eq!(filter_push(&list, &mut push), 4);
        assert_eq!(push.pnrs[0].ssrs.len(), 1);
        assert_eq!(push.pnrs[0].remarks, vec!["LATE CHECK-IN".to_string()]);
    }

    #[test]
    fn keywords_match_whole_words_only() {
        let list = TermList {
            version: 1,
            codes: vec![],
            keywords: vec!["gay".into(), "fauteuil roulant".into()],
        };
        assert!(!list.reveals("GAYLORD STREET"));
        assert!(list.reveals("Besoin d'un FAUTEUIL  ROULANT"));
    }
}
