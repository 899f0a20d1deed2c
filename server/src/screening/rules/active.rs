//! The rules screening runs: live and shadow rules compiled into one indexed set, and their
//! evaluation for one traveller into hits that name the rule version.

use diesel::prelude::*;
use paxrisk_parsers::{Pnr, Traveller};
use paxrisk_screening::rules::{CompiledRule, HistoryFacts, RuleSet, RuleSpec};

use super::facts::facts_for;
use crate::db::schema::rules;
use crate::db::{DbConnection, DbError};
use crate::screening::screen::{FlightRow, NewHit};

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
    /// Rules that test `links.hops_to_hit`, with the hops each needs walked.
    link_rules: std::collections::HashMap<String, u8>,
}

impl ActiveRules {
    /// No rule is active.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }

    /// How many link hops screening must walk for these rules (0: none tests links).
    pub fn link_hops(&self) -> u8 {
        self.link_rules.values().copied().max().unwrap_or(0)
    }

    /// True when rule `id` tests `links.hops_to_hit` (its hits carry the link path).
    pub fn uses_links(&self, id: &str) -> bool {
        self.link_rules.contains_key(id)
    }
}

/// Live and shadow rules, compiled (current version of each).
pub fn active(conn: &mut DbConnection) -> Result<ActiveRules, DbError> {
    let rows: Vec<(String, i32, String, String)> = rules::table
        .filter(rules::state.eq_any(["live", "shadow"]))
        .select((rules::id, rules::version, rules::state, rules::spec))
        .order(rules::created_at.asc())
        .load(conn)?;
    let mut compiled = Vec::with_capacity(rows.len());
    let mut link_rules = std::collections::HashMap::new();
    for (id, version, state, spec) in rows {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&spec) else {
            tracing::warn!(rule = %id, "a stored rule is not JSON; it is skipped");
            continue;
        };
        let Ok(spec) = RuleSpec::validate(&value) else {
            tracing::warn!(rule = %id, "a stored rule no longer validates; it is skipped");
            continue;
        };
        let hops = crate::links::screen::hops_needed(&value);
        if hops > 0 {
            link_rules.insert(id.clone(), hops);
        }
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
    Ok(ActiveRules {
        set: RuleSet::new(compiled),
        link_rules,
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
    let departure = facts.departure_date();
    active
        .set
        .screen(&facts)
        .into_iter()
        .filter(|m| {
            let r = m.key;
            departure.is_none_or(|d| {
                r.valid_from.is_none_or(|f| f <= d) && r.valid_to.is_none_or(|to| d <= to)
            })
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
