//! Outcome learning: officers' dispositions on items a rule flagged, turned into a *suggested*
//! weight with a backtest of its effect on the queue. A suggestion changes nothing until an
//! administrator accepts it, which writes a new rule version (CJEU C-817/19: no criteria that
//! change without human control).
//!
//! The model (screening-rules-privacy.md §B.2): decayed counts `R` (resultant) and `N`
//! (non-resultant) with a 90-day half-life, a Beta prior, posterior hit rate
//! `p = (α0 + R) / (α0 + β0 + R + N)`, and `w = clamp(w0 · p / p0, 0, 100)` where `p0` is the
//! prior mean and `w0` the base weight a person last set. Without new outcomes the counts decay
//! and the suggestion drifts back to `w0`; accepting a suggestion does not move `w0`, so the
//! same outcomes never compound.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use paxrisk_screening::rules::{Band, Bands};
use serde::Serialize;

use super::{store, RuleStoreError};
use crate::db::schema::{flights, hits, review_items, rule_suggestions, rule_versions};
use crate::db::{new_id, DbConnection, DbError};

/// The disposition that confirms a hit.
pub const RESULTANT: &str = "resultant";
/// Dispositions that say the hit found nothing. `referred` (handed on, outcome unknown) counts
/// as neither.
const NON_RESULTANT: &[&str] = &["no_action", "false_match"];
/// Half-life of an outcome's influence.
const HALF_LIFE_DAYS: f64 = 90.0;
/// Beta prior: as if 2 resultant and 8 non-resultant reviews had been seen (mean 0.2).
const PRIOR_RESULTANT: f64 = 2.0;
const PRIOR_NON_RESULTANT: f64 = 8.0;
/// Reviews without a single resultant one after which retirement is suggested.
const RETIRE_AFTER_REVIEWS: u64 = 20;
/// Window of stored hits the effect of a new weight is measured on.
const EFFECT_DAYS: i64 = 90;
const DAY_MS: f64 = 86_400_000.0;

/// Dispositions on items the rule flagged (any version).
#[derive(Debug, Default, Serialize)]
pub struct Outcomes {
    /// Items closed with a disposition.
    pub reviews: u64,
    pub resultant: u64,
    pub non_resultant: u64,
    /// Referred items, counted as neither.
    pub referred: u64,
    /// `R`: resultant reviews weighted by age.
    pub decayed_resultant: f64,
    /// `N`: non-resultant reviews weighted by age.
    pub decayed_non_resultant: f64,
}

/// The queue a weight would have produced over the stored hits of the last 90 days.
#[derive(Debug, Serialize)]
pub struct Load {
    pub weight: u8,
    /// Travellers flagged by the rule who would be in the queue (band medium or high, or a
    /// watchlist hit).
    pub queued: u64,
    /// Of those, in band high.
    pub high: u64,
    /// Of the queued, closed as resultant: the precision the queue would have had.
    pub queued_resultant: u64,
    /// Average queued per week over the window.
    pub queued_per_week: f64,
}

/// The backtest of a suggested weight against the current one.
#[derive(Debug, Serialize)]
pub struct Effect {
    pub days: i64,
    /// Travellers the rule flagged in the window.
    pub flagged: u64,
    pub current: Load,
    pub suggested: Load,
}

/// A weight suggestion for a rule.
#[derive(Debug, Serialize)]
pub struct Suggestion {
    pub rule_id: String,
    pub version: i32,
    pub weight: u8,
    /// The weight a person last set, which the suggestion scales.
    pub base_weight: u8,
    pub outcomes: Outcomes,
    /// Posterior resultant rate `p`.
    pub posterior: f64,
    /// Prior mean `p0`.
    pub baseline: f64,
    pub suggested_weight: u8,
    /// The suggestion differs from the current weight, so there is something to accept.
    pub actionable: bool,
    /// Why retirement is worth considering, when it is.
    pub retire: Option<String>,
    pub effect: Effect,
}

/// Computes the suggestion for rule `id` as of `now`.
pub fn suggest(
    conn: &mut DbConnection,
    id: &str,
    bands: Bands,
    now: i64,
) -> Result<Suggestion, RuleStoreError> {
    let (version, spec) = store::current(conn, id)?.ok_or(RuleStoreError::NotFound("rule"))?;
    let base = base_weight(conn, id)?.unwrap_or(spec.weight);
    let outcomes = outcomes(conn, id, now)?;
    let (posterior, baseline, suggested) = model(
        base,
        outcomes.decayed_resultant,
        outcomes.decayed_non_resultant,
    );
    let effect = effect(conn, id, spec.weight, suggested, bands, now)?;
    let retire = if outcomes.reviews >= RETIRE_AFTER_REVIEWS && outcomes.resultant == 0 {
        Some(format!("{} reviews and none resultant", outcomes.reviews))
    } else if effect.flagged == 0 && spec.state.is_evaluated() {
        Some(format!("no hit in the last {EFFECT_DAYS} days"))
    } else {
        None
    };
    Ok(Suggestion {
        rule_id: id.to_string(),
        version,
        weight: spec.weight,
        base_weight: base,
        outcomes,
        posterior,
        baseline,
        suggested_weight: suggested,
        actionable: suggested != spec.weight,
        retire,
        effect,
    })
}

/// The model: `(posterior p, prior mean p0, suggested weight)` for base weight `w0` and
/// decayed counts `r` (resultant) and `n` (non-resultant).
fn model(w0: u8, r: f64, n: f64) -> (f64, f64, u8) {
    let baseline = PRIOR_RESULTANT / (PRIOR_RESULTANT + PRIOR_NON_RESULTANT);
    let posterior = (PRIOR_RESULTANT + r) / (PRIOR_RESULTANT + PRIOR_NON_RESULTANT + r + n);
    let weight = (f64::from(w0) * posterior / baseline)
        .round()
        .clamp(0.0, 100.0) as u8;
    (posterior, baseline, weight)
}

/// How much an outcome `age_ms` old still counts: 1 now, ½ after the half-life.
fn decay(age_ms: i64) -> f64 {
    let age_days = (age_ms.max(0) as f64) / DAY_MS;
    (-std::f64::consts::LN_2 * age_days / HALF_LIFE_DAYS).exp()
}

/// Applies the current suggestion as a new version, for an administrator. `expected` is the
/// weight the administrator saw: if the suggestion has moved since, nothing is written.
/// Returns `(new version, new weight)`.
pub fn accept(
    conn: &mut DbConnection,
    id: &str,
    expected: Option<u8>,
    admin: &str,
    bands: Bands,
    now: i64,
) -> Result<(i32, u8), RuleStoreError> {
    crate::db::transaction(conn, |conn| {
        let s = suggest(conn, id, bands, now)?;
        if !s.actionable {
            return Err(RuleStoreError::Conflict(format!(
                "nothing to accept: the suggested weight is the current weight {}",
                s.weight
            )));
        }
        if let Some(w) = expected.filter(|w| *w != s.suggested_weight) {
            return Err(RuleStoreError::Conflict(format!(
                "the suggestion changed from {w} to {}; review it again",
                s.suggested_weight
            )));
        }
        let (version, mut spec) =
            store::current(conn, id)?.ok_or(RuleStoreError::NotFound("rule"))?;
        spec.weight = s.suggested_weight;
        let next = store::write_version(conn, id, version, &spec, admin)?;
        diesel::insert_into(rule_suggestions::table)
            .values((
                rule_suggestions::id.eq(new_id()),
                rule_suggestions::rule_id.eq(id),
                rule_suggestions::from_version.eq(version),
                rule_suggestions::to_version.eq(next),
                rule_suggestions::base_weight.eq(i32::from(s.base_weight)),
                rule_suggestions::old_weight.eq(i32::from(s.weight)),
                rule_suggestions::new_weight.eq(i32::from(s.suggested_weight)),
                rule_suggestions::resultant.eq(s.outcomes.decayed_resultant),
                rule_suggestions::non_resultant.eq(s.outcomes.decayed_non_resultant),
                rule_suggestions::accepted_by.eq(admin),
                rule_suggestions::accepted_at.eq(now),
            ))
            .execute(conn)?;
        Ok((next, s.suggested_weight))
    })
}

/// The weight of the newest version a person wrote (not an accepted suggestion).
fn base_weight(conn: &mut DbConnection, id: &str) -> Result<Option<u8>, DbError> {
    let suggested: HashSet<i32> = rule_suggestions::table
        .filter(rule_suggestions::rule_id.eq(id))
        .select(rule_suggestions::to_version)
        .load::<i32>(conn)?
        .into_iter()
        .collect();
    let versions: Vec<(i32, String)> = rule_versions::table
        .filter(rule_versions::rule_id.eq(id))
        .select((rule_versions::version, rule_versions::spec))
        .order(rule_versions::version.desc())
        .load(conn)?;
    Ok(versions
        .into_iter()
        .find(|(v, _)| !suggested.contains(v))
        .and_then(|(_, s)| serde_json::from_str::<serde_json::Value>(&s).ok())
        .and_then(|v| v["weight"].as_u64())
        .map(|w| w.min(100) as u8))
}

/// Counts the dispositions of items whose traveller has a hit of the rule.
pub fn outcomes(conn: &mut DbConnection, id: &str, now: i64) -> Result<Outcomes, DbError> {
    let rows: Vec<(String, Option<String>, i64)> = hits::table
        .inner_join(review_items::table.on(review_items::traveller_id.eq(hits::traveller_id)))
        .filter(
            hits::source_id
                .eq(id)
                .and(hits::kind.eq("rule"))
                .and(review_items::disposition.is_not_null()),
        )
        .select((
            review_items::id,
            review_items::disposition,
            review_items::updated_at,
        ))
        .load(conn)?;
    let mut seen = HashSet::new();
    let mut out = Outcomes::default();
    for (item, disposition, at) in rows {
        // A traveller holds one hit per rule, but be safe against duplicates.
        if !seen.insert(item) {
            continue;
        }
        let decay = decay(now - at);
        out.reviews += 1;
        match disposition.as_deref() {
            Some(RESULTANT) => {
                out.resultant += 1;
                out.decayed_resultant += decay;
            }
            Some(d) if NON_RESULTANT.contains(&d) => {
                out.non_resultant += 1;
                out.decayed_non_resultant += decay;
            }
            _ => out.referred += 1,
        }
    }
    Ok(out)
}

/// Replays the stored hits of the last 90 days with the current and the suggested weight:
/// each flagged traveller's other live rule weights and watchlist hits stay as they are.
fn effect(
    conn: &mut DbConnection,
    id: &str,
    current: u8,
    suggested: u8,
    bands: Bands,
    now: i64,
) -> Result<Effect, DbError> {
    let since = now - EFFECT_DAYS * 86_400_000;
    let flagged: Vec<String> = hits::table
        .inner_join(flights::table.on(flights::id.eq(hits::flight_id)))
        .filter(
            hits::source_id
                .eq(id)
                .and(hits::kind.eq("rule"))
                .and(flights::etd.ge(since)),
        )
        .select(hits::traveller_id)
        .distinct()
        .load(conn)?;
    // Per traveller: the sum of the other live rules' weights, and whether a list matched.
    let mut others: HashMap<String, (u32, bool)> = HashMap::new();
    let mut resultant: HashSet<String> = HashSet::new();
    for chunk in flagged.chunks(1_000) {
        let rows: Vec<(String, String, String, bool, i32)> = hits::table
            .filter(hits::traveller_id.eq_any(chunk))
            .select((
                hits::traveller_id,
                hits::kind,
                hits::source_id,
                hits::live,
                hits::weight,
            ))
            .load(conn)?;
        for (t, kind, source, live, weight) in rows {
            let e = others.entry(t).or_default();
            match kind.as_str() {
                "watchlist" => e.1 = true,
                "rule" if live && source != id => e.0 += weight.clamp(0, 100) as u32,
                _ => {}
            }
        }
        let closed: Vec<String> = review_items::table
            .filter(
                review_items::traveller_id
                    .eq_any(chunk)
                    .and(review_items::disposition.eq(RESULTANT)),
            )
            .select(review_items::traveller_id)
            .load(conn)?;
        resultant.extend(closed);
    }
    let load = |weight: u8| {
        let mut l = Load {
            weight,
            queued: 0,
            high: 0,
            queued_resultant: 0,
            queued_per_week: 0.0,
        };
        for t in &flagged {
            let (other, listed) = others.get(t).copied().unwrap_or_default();
            let score = (other + u32::from(weight)).min(100) as u8;
            let band = bands.band(score);
            if listed || band != Band::Low {
                l.queued += 1;
                l.high += u64::from(listed || band == Band::High);
                l.queued_resultant += u64::from(resultant.contains(t));
            }
        }
        l.queued_per_week = l.queued as f64 * 7.0 / EFFECT_DAYS as f64;
        l
    };
    Ok(Effect {
        days: EFFECT_DAYS,
        flagged: flagged.len() as u64,
        current: load(current),
        suggested: load(suggested),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_outcomes_suggest_the_base_weight() {
        let (p, p0, w) = model(40, 0.0, 0.0);
        assert!((p - p0).abs() < 1e-12);
        assert_eq!(w, 40);
    }

    #[test]
    fn resultant_reviews_raise_and_empty_ones_lower_the_weight() {
        // p = (2 + 2) / (10 + 2) = 1/3 against 0.2: 40 · 5/3 = 66.7.
        assert_eq!(model(40, 2.0, 0.0).2, 67);
        // p = 2 / (10 + 10) = 0.1: half the base weight.
        assert_eq!(model(40, 0.0, 10.0).2, 20);
        // Capped at 100, never negative.
        assert_eq!(model(90, 50.0, 0.0).2, 100);
        assert_eq!(model(0, 50.0, 0.0).2, 0);
    }

    #[test]
    fn outcomes_halve_after_the_half_life_and_drift_back() {
        let half_life_ms = (HALF_LIFE_DAYS * DAY_MS) as i64;
        assert!((decay(0) - 1.0).abs() < 1e-12);
        assert!((decay(half_life_ms) - 0.5).abs() < 1e-9);
        // Ten fresh resultant reviews more than double the weight; a year (four half-lives)
        // later they count as 0.625 and the suggestion is back near the base.
        assert_eq!(model(40, 10.0, 0.0).2, 100);
        assert_eq!(model(40, 10.0 * decay(4 * half_life_ms), 0.0).2, 49);
    }
}
