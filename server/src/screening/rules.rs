//! Targeting rules in the store: create (a new version each change; a used version is never
//! edited), list, and the compiled set of live and shadow rules that screening evaluates.

use diesel::prelude::*;
use paxrisk_parsers::{Pnr, Traveller};
use paxrisk_screening::rules::{
    Bands, CompiledRule, Facts, HistoryFacts, RuleError, RuleSet, RuleSpec, RuleState,
};
use serde::Serialize;

use super::screen::{FlightRow, NewHit};
use crate::config::Config;
use crate::db::schema::{rule_versions, rules};
use crate::db::{new_id, now_ms, DbConnection, DbError};

/// The bands of the configuration.
pub fn bands(config: &Config) -> Bands {
    Bands {
        high: config.band_high,
        medium: config.band_medium,
    }
}

/// What screening needs to know of a rule besides its condition.
pub struct ActiveRule {
    pub id: String,
    pub version: i32,
    pub name: String,
    pub weight: i32,
    pub live: bool,
    valid_from: Option<chrono::NaiveDate>,
    valid_to: Option<chrono::NaiveDate>,
}

/// The live and shadow rules, compiled into one indexed set.
pub struct ActiveRules {
    set: RuleSet<ActiveRule>,
    len: usize,
}

impl ActiveRules {
    /// No rule is active.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Why a rule could not be created.
#[derive(Debug, thiserror::Error)]
pub enum RuleStoreError {
    #[error(transparent)]
    Invalid(#[from] RuleError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for RuleStoreError {
    fn from(e: diesel::result::Error) -> Self {
        RuleStoreError::Db(e.into())
    }
}

/// Validates and stores a new rule (version 1). Returns `(id, version)`.
pub fn create(
    conn: &mut DbConnection,
    body: &serde_json::Value,
    author: &str,
) -> Result<(String, i32), RuleStoreError> {
    let spec = RuleSpec::validate(body)?;
    let id = new_id();
    let now = now_ms();
    let spec_json = serde_json::to_string(&spec).unwrap_or_default();
    crate::db::transaction(conn, |conn| {
        diesel::insert_into(rules::table)
            .values((
                rules::id.eq(&id),
                rules::name.eq(&spec.name),
                rules::category.eq(&spec.category),
                rules::severity.eq(serde_json::to_value(spec.severity)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()),
                rules::weight.eq(i32::from(spec.weight)),
                rules::state.eq(state_str(spec.state)),
                rules::condition.eq(serde_json::to_string(&body["condition"]).unwrap_or_default()),
                rules::spec.eq(&spec_json),
                rules::version.eq(1),
                rules::created_by.eq(author),
                rules::created_at.eq(now),
                rules::updated_at.eq(now),
            ))
            .execute(conn)?;
        diesel::insert_into(rule_versions::table)
            .values((
                rule_versions::id.eq(new_id()),
                rule_versions::rule_id.eq(&id),
                rule_versions::version.eq(1),
                rule_versions::spec.eq(&spec_json),
                rule_versions::created_by.eq(author),
                rule_versions::created_at.eq(now),
            ))
            .execute(conn)?;
        Ok::<_, diesel::result::Error>(())
    })?;
    Ok((id, 1))
}

fn state_str(s: RuleState) -> &'static str {
    match s {
        RuleState::Draft => "draft",
        RuleState::Shadow => "shadow",
        RuleState::Live => "live",
        RuleState::Retired => "retired",
    }
}

/// A rule as the API lists it.
#[derive(Debug, Serialize)]
pub struct RuleView {
    pub id: String,
    pub version: i32,
    #[serde(flatten)]
    pub spec: serde_json::Value,
}

/// Every rule, newest first; or one by id.
pub fn list(conn: &mut DbConnection, id: Option<&str>) -> Result<Vec<RuleView>, DbError> {
    let mut q = rules::table
        .select((rules::id, rules::version, rules::spec))
        .order(rules::created_at.desc())
        .into_boxed();
    if let Some(id) = id {
        q = q.filter(rules::id.eq(id));
    }
    let rows: Vec<(String, i32, String)> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, version, spec)| RuleView {
            id,
            version,
            spec: serde_json::from_str(&spec).unwrap_or_default(),
        })
        .collect())
}

/// Live and shadow rules, compiled.
pub fn active(conn: &mut DbConnection) -> Result<ActiveRules, DbError> {
    let rows: Vec<(String, i32, String, String)> = rules::table
        .filter(rules::state.eq_any(["live", "shadow"]))
        .select((rules::id, rules::version, rules::state, rules::spec))
        .load(conn)?;
    let mut compiled = Vec::with_capacity(rows.len());
    for (id, version, state, spec) in rows {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&spec) else {
            continue;
        };
        let Ok(spec) = RuleSpec::validate(&value) else {
            tracing::warn!(rule = %id, "a stored rule no longer validates; it is skipped");
            continue;
        };
        let meta = ActiveRule {
            id,
            version,
            name: spec.name.clone(),
            weight: i32::from(spec.weight),
            live: state == "live",
            valid_from: spec.valid_from,
            valid_to: spec.valid_to,
        };
        compiled.push((meta, CompiledRule::compile(&spec.condition)));
    }
    let len = compiled.len();
    Ok(ActiveRules {
        set: RuleSet::new(compiled),
        len,
    })
}

/// Evaluates the active rules for one traveller; matched rules in force on the departure date
/// become hits (shadow ones too, marked not live).
pub fn evaluate(
    active: &ActiveRules,
    t: &Traveller,
    flight: &FlightRow,
    pnr: Option<&Pnr>,
    history: &HistoryFacts,
) -> Vec<NewHit> {
    if active.is_empty() {
        return Vec::new();
    }
    let facts = facts_for(t, flight, pnr, history);
    let departure = facts.flight.departure_local.map(|d| d.date());
    active
        .set
        .screen(&facts)
        .into_iter()
        .filter(|m| {
            let r = m.key;
            departure.is_none_or(|d| r.valid_from.is_none_or(|f| f <= d) && r.valid_to.is_none_or(|to| d <= to))
        })
        .map(|m| {
            let r = m.key;
            NewHit {
                kind: "rule",
                source_id: r.id.clone(),
                source_version: r.version,
                live: r.live,
                score: f64::from(r.weight) / 100.0,
                weight: r.weight,
                reason: format!("rule '{}' matched: {}", r.name, m.explanation),
                detail: serde_json::json!({"rule": r.name, "version": r.version, "shadow": !r.live}),
            }
        })
        .collect()
}

fn facts_for(
    t: &Traveller,
    flight: &FlightRow,
    pnr: Option<&Pnr>,
    history: &HistoryFacts,
) -> Facts {
    use crate::ingest::airports;
    use paxrisk_screening::rules::{Direction, FlightFacts, PnrFacts};
    let f = FlightFacts {
        carrier: Some(flight.carrier.clone()),
        number: Some(flight.number.clone()),
        origin: Some(flight.origin.clone()),
        destination: Some(flight.destination.clone()),
        origin_country: airports::lookup(&flight.origin).map(|a| a.country.to_string()),
        destination_country: airports::lookup(&flight.destination).map(|a| a.country.to_string()),
        direction: match flight.direction.as_str() {
            "outbound" => Some(Direction::Outbound),
            "inbound" => Some(Direction::Inbound),
            _ => None,
        },
        departure_local: flight
            .departure_local
            .as_deref()
            .and_then(|d| chrono::NaiveDateTime::parse_from_str(d, "%Y-%m-%dT%H:%M").ok()),
    };
    let pnr = pnr.map(PnrFacts::from_pnr);
    Facts::from_parts(t, &f, pnr.as_ref(), history)
}
