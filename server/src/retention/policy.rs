//! The retention policy: for each data class and source (API or PNR), the ages (days from
//! receipt) at which data are masked and deleted. Shipped profiles `eu-cjeu` (the default) and
//! `eu-directive`; `custom` is stored in the database and edited by administrators.

use std::collections::BTreeMap;

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Actor, RetentionError};
use crate::config::Config;
use crate::db::schema::retention_policy;
use crate::db::{now_ms, DbConnection};

/// One day in the store's time unit (epoch milliseconds).
pub const DAY_MS: i64 = 86_400_000;
/// Six months, as the Directive's Art. 12(2) counts them.
const SIX_MONTHS: i64 = 183;
/// Five years (Art. 12(1)), leap days included.
const FIVE_YEARS: i64 = 1826;
/// No schedule may run longer than this (a typo guard: 100 years).
const MAX_DAYS: i64 = 36_500;

/// The classes of data the policy speaks of (Annex I of the Directive, grouped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataClass {
    /// Names, dates of birth, API identity and document fields.
    Identity,
    /// Addresses, phones, e-mail.
    Contacts,
    /// Forms of payment and billing.
    Payment,
    /// Frequent-flyer numbers and status.
    FrequentFlyer,
    /// General remarks, SSR/OSI free text, PNR history.
    Remarks,
    /// Itinerary, dates, record locator, agency, seats, bags.
    Itinerary,
    /// The raw message bytes as received.
    RawMessages,
    /// Identity keys, traveller versions, hit explanations, notes.
    Derived,
    /// Hits and review items.
    HitsReviews,
    /// The audit log (kept by the audit module; reported here).
    AuditLog,
}

impl DataClass {
    /// Every class, in the order the docs list them.
    pub const ALL: [DataClass; 10] = [
        DataClass::Identity,
        DataClass::Contacts,
        DataClass::Payment,
        DataClass::FrequentFlyer,
        DataClass::Remarks,
        DataClass::Itinerary,
        DataClass::RawMessages,
        DataClass::Derived,
        DataClass::HitsReviews,
        DataClass::AuditLog,
    ];
}

/// Where data came from: API manifests (PAXLST) or PNRs (PNRGOV).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// PAXLST.
    Api,
    /// PNRGOV.
    Pnr,
}

impl Source {
    /// The source of a stored `travellers.source` or `messages.message_type` value.
    pub fn of(stored: &str) -> Source {
        if stored.eq_ignore_ascii_case("pnr") || stored.eq_ignore_ascii_case("PNRGOV") {
            Source::Pnr
        } else {
            Source::Api
        }
    }
}

/// When data of one class from one source are masked and deleted (days from receipt).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// Age at which data still kept are masked; `null`: never masked.
    pub mask_after_days: Option<i64>,
    /// Age at which data with no objective link (no confirmed hit, no open case) are deleted.
    pub delete_after_days: i64,
    /// Age at which retained data are deleted too; an open case still holds them.
    pub delete_retained_after_days: i64,
}

impl Schedule {
    const fn new(mask: Option<i64>, delete: i64, retained: i64) -> Self {
        Schedule {
            mask_after_days: mask,
            delete_after_days: delete,
            delete_retained_after_days: retained,
        }
    }

    fn validate(&self, at: &str) -> Result<(), RetentionError> {
        let bad = |m: &str| Err(RetentionError::Invalid(format!("{at}: {m}")));
        let all = [
            self.mask_after_days.unwrap_or(0),
            self.delete_after_days,
            self.delete_retained_after_days,
        ];
        if all.iter().any(|d| !(0..=MAX_DAYS).contains(d)) {
            return bad(&format!("days must be between 0 and {MAX_DAYS}"));
        }
        if self.delete_retained_after_days < self.delete_after_days {
            return bad("delete_retained_after_days must not be before delete_after_days");
        }
        if self
            .mask_after_days
            .is_some_and(|m| m > self.delete_retained_after_days)
        {
            return bad("mask_after_days must not be after delete_retained_after_days");
        }
        Ok(())
    }
}

/// The schedules of every class and source, with the profile they came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetentionPolicy {
    /// `eu-cjeu`, `eu-directive` or `custom`.
    pub profile: String,
    /// Bumped on every change through the API (0: never changed, the configured profile).
    pub version: i32,
    /// Schedules per class, then per source.
    pub classes: BTreeMap<DataClass, BTreeMap<Source, Schedule>>,
}

/// The profile names an administrator may choose.
pub const PROFILES: &[&str] = &["eu-cjeu", "eu-directive", "custom"];

impl RetentionPolicy {
    /// A shipped profile; `custom` starts from `eu-cjeu`.
    pub fn shipped(name: &str) -> Option<RetentionPolicy> {
        let cjeu = match name {
            "eu-cjeu" | "custom" => true,
            "eu-directive" => false,
            _ => return None,
        };
        // C-817/19: without an objective link, data go at six months; the Directive's own
        // reading keeps everyone five years, masked from six months.
        let unlinked = if cjeu { SIX_MONTHS } else { FIVE_YEARS };
        let mut classes = BTreeMap::new();
        for class in DataClass::ALL {
            let s = match class {
                // Raw bytes cannot be masked in place: they go when their content must first be
                // masked or deleted.
                DataClass::RawMessages => Schedule::new(None, SIX_MONTHS, SIX_MONTHS),
                // Itinerary data of retained travellers are kept in clear (Annex I 1-3, 7, 9-11).
                DataClass::Itinerary | DataClass::HitsReviews => {
                    Schedule::new(None, unlinked, FIVE_YEARS)
                }
                DataClass::AuditLog => Schedule::new(None, FIVE_YEARS, FIVE_YEARS),
                _ => Schedule::new(Some(SIX_MONTHS), unlinked, FIVE_YEARS),
            };
            classes.insert(class, BTreeMap::from([(Source::Api, s), (Source::Pnr, s)]));
        }
        Some(RetentionPolicy {
            profile: name.to_string(),
            version: 0,
            classes,
        })
    }

    /// The schedule of one class from one source.
    pub fn schedule(&self, class: DataClass, source: Source) -> Schedule {
        self.classes
            .get(&class)
            .and_then(|m| m.get(&source))
            .copied()
            .unwrap_or(Schedule::new(Some(SIX_MONTHS), SIX_MONTHS, FIVE_YEARS))
    }

    /// The smallest age at which anything in the policy falls due (to bound the work of a run).
    pub fn earliest_days(&self) -> i64 {
        self.classes
            .values()
            .flat_map(|m| m.values())
            .map(|s| {
                s.mask_after_days
                    .unwrap_or(i64::MAX)
                    .min(s.delete_after_days)
            })
            .min()
            .unwrap_or(0)
    }

    fn validate(&self) -> Result<(), RetentionError> {
        for (class, by_source) in &self.classes {
            for (source, s) in by_source {
                s.validate(&format!("classes.{}.{}", name_of(class), name_of(source)))?;
            }
        }
        Ok(())
    }
}

fn name_of<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The policy in force: the one set through the API, else the configured profile.
pub fn active(conn: &mut DbConnection, config: &Config) -> Result<RetentionPolicy, RetentionError> {
    let stored: Option<(String, i32)> = retention_policy::table
        .filter(retention_policy::id.eq("active"))
        .select((retention_policy::spec, retention_policy::version))
        .first(conn)
        .optional()?;
    if let Some((spec, version)) = stored {
        let mut p: RetentionPolicy = serde_json::from_str(&spec).map_err(|_| {
            RetentionError::Invalid("the stored retention policy is not readable".into())
        })?;
        p.version = version;
        return Ok(p);
    }
    RetentionPolicy::shipped(&config.retention_profile).ok_or_else(|| {
        RetentionError::Invalid(format!(
            "unknown retention profile; use one of {}",
            PROFILES.join(", ")
        ))
    })
}

/// A change an administrator asks for: a shipped profile, or `custom` with the schedules to
/// change (classes and sources not named keep their current schedule).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyChange {
    /// `eu-cjeu`, `eu-directive` or `custom`.
    pub profile: String,
    /// For `custom`: schedules per class and source.
    #[serde(default)]
    pub classes: BTreeMap<DataClass, BTreeMap<Source, Schedule>>,
}

/// Applies a change, stores it as the new active policy and audits it.
pub fn update(
    conn: &mut DbConnection,
    config: &Config,
    actor: &Actor<'_>,
    change: PolicyChange,
) -> Result<RetentionPolicy, RetentionError> {
    let current = active(conn, config)?;
    let mut next = match change.profile.as_str() {
        "custom" => {
            let mut p = current.clone();
            p.profile = "custom".into();
            for (class, by_source) in change.classes {
                p.classes.entry(class).or_default().extend(by_source);
            }
            p
        }
        name if !change.classes.is_empty() => {
            return Err(RetentionError::Invalid(format!(
                "profile {name} takes no classes; use profile custom"
            )))
        }
        name => RetentionPolicy::shipped(name).ok_or_else(|| {
            RetentionError::Invalid(format!("profile must be one of {}", PROFILES.join(", ")))
        })?,
    };
    next.validate()?;
    next.version = current.version + 1;
    let spec = serde_json::to_string(&next).unwrap_or_default();
    let now = now_ms();
    crate::db::transaction(conn, |conn| {
        diesel::delete(retention_policy::table.filter(retention_policy::id.eq("active")))
            .execute(conn)?;
        diesel::insert_into(retention_policy::table)
            .values((
                retention_policy::id.eq("active"),
                retention_policy::profile.eq(&next.profile),
                retention_policy::spec.eq(&spec),
                retention_policy::version.eq(next.version),
                retention_policy::updated_by.eq(actor.id),
                retention_policy::updated_at.eq(now),
            ))
            .execute(conn)
    })?;
    actor.audit(
        conn,
        "retention.policy.update",
        &format!("retention_policy:v{}", next.version),
        "ok",
    )?;
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjeu_deletes_unlinked_data_at_six_months_and_everything_at_five_years() {
        let p = RetentionPolicy::shipped("eu-cjeu").unwrap();
        let s = p.schedule(DataClass::Identity, Source::Api);
        assert_eq!(s, Schedule::new(Some(183), 183, 1826));
        assert_eq!(
            p.schedule(DataClass::Itinerary, Source::Pnr)
                .mask_after_days,
            None
        );
        assert_eq!(p.earliest_days(), 183);
        p.validate().unwrap();
    }

    #[test]
    fn directive_keeps_unlinked_data_masked_for_five_years() {
        let p = RetentionPolicy::shipped("eu-directive").unwrap();
        assert_eq!(
            p.schedule(DataClass::Contacts, Source::Pnr),
            Schedule::new(Some(183), 1826, 1826)
        );
    }

    #[test]
    fn schedules_that_contradict_themselves_are_refused() {
        assert!(Schedule::new(Some(10), 20, 5).validate("x").is_err());
        assert!(Schedule::new(Some(40), 20, 30).validate("x").is_err());
        assert!(Schedule::new(None, -1, 30).validate("x").is_err());
        assert!(Schedule::new(Some(1), 1, 1).validate("x").is_ok());
    }

    #[test]
    fn the_policy_serialises_with_snake_case_classes() {
        let json = serde_json::to_value(RetentionPolicy::shipped("eu-cjeu").unwrap()).unwrap();
        assert_eq!(
            json["classes"]["frequent_flyer"]["pnr"]["delete_after_days"],
            183
        );
        assert_eq!(
            json["classes"]["audit_log"]["api"]["mask_after_days"],
            serde_json::Value::Null
        );
    }
}
