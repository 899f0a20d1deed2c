//! Rule effectiveness: per rule, over flights departing in a date range, hits per week, the
//! share reviewed, precision (resultant among decided reviews), median review time, and hit
//! rates by nationality and sex of the flagged population against everyone screened, so that
//! analysts see a rule that falls on one group before it harms anyone (PNR Directive Art. 6(4)).
//!
//! Groups smaller than the report's minimum group size (screened records, default
//! [`MIN_GROUP`]) are not shown on their own: a rate over a handful of people says little and can
//! point at one person. They are pooled into one `other` row that says how many groups it holds.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{flights, hits, review_items, rules, travellers};
use crate::db::{DbConnection, DbError};
use crate::screening::rules::backtest::Range;

/// Smallest group (screened records) shown on its own in the hit-rate breakdowns.
pub const MIN_GROUP: u64 = 10;

/// The report.
#[derive(Debug, Serialize)]
pub struct Report {
    #[serde(flatten)]
    pub range: Range,
    /// Groups with fewer screened records than this are pooled into `other`.
    pub min_group: u64,
    /// Traveller records on flights in the range.
    pub screened: u64,
    pub rules: Vec<RuleReport>,
}

/// One rule's figures.
#[derive(Debug, Serialize)]
pub struct RuleReport {
    pub id: String,
    pub name: String,
    pub state: String,
    pub version: i32,
    /// Traveller records the rule matched (one per traveller per flight).
    pub hits: u64,
    /// Hits by ISO week of scheduled departure (`2026-W48`).
    pub hits_per_week: Vec<Week>,
    /// Matched travellers who have a review item (entered the queue).
    pub queued: u64,
    /// Matched travellers whose item was closed with a disposition.
    pub reviewed: u64,
    /// `reviewed / hits`.
    pub share_reviewed: Option<f64>,
    pub resultant: u64,
    /// Resultant among reviews with a decided outcome (`referred` excluded).
    pub precision: Option<f64>,
    /// Median minutes from the item's creation to its disposition.
    pub median_review_minutes: Option<f64>,
    /// Scheduled departure (RFC 3339) of the latest flight with a hit.
    pub last_hit: Option<String>,
    pub by_nationality: Vec<Group>,
    pub by_sex: Vec<Group>,
}

/// Hits in one ISO week.
#[derive(Debug, Serialize)]
pub struct Week {
    pub week: String,
    pub hits: u64,
}

/// The rule's hits in one group of the screened population.
#[derive(Debug, Serialize)]
pub struct Group {
    /// Nationality (alpha-3) or sex (`M`, `F`, `X`, `U`); `unknown` when not recorded.
    pub value: String,
    /// Records of this group the rule matched.
    pub flagged: u64,
    /// Records of this group screened.
    pub screened: u64,
    /// `flagged / screened`.
    pub hit_rate: f64,
    /// The group's hit rate over the rule's overall hit rate: 1 is proportionate; far above 1
    /// means the rule falls on this group more than on others.
    pub disparity: Option<f64>,
    /// On the pooled `other` row only: how many groups below the minimum size it holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pooled_groups: Option<u64>,
}

/// What one flagged record contributes.
struct Flag {
    traveller: String,
    etd: Option<i64>,
    nationality: String,
    sex: String,
}

/// A rule hit: rule id, traveller id, scheduled departure, nationality, sex.
type HitRow = (String, String, Option<i64>, Option<String>, Option<String>);

/// The review of one traveller's item: `(disposition, created_at, updated_at)`.
type Review = (Option<String>, i64, i64);

const UNKNOWN: &str = "unknown";

/// Builds the report over flights departing in `range`; groups of fewer than `min_group`
/// screened records are pooled (at least 1).
pub fn report(conn: &mut DbConnection, range: Range, min_group: u64) -> Result<Report, DbError> {
    let min_group = min_group.max(1);
    let (lo, hi) = range.bounds_ms();
    let flights_in_range: Vec<(String, Option<String>)> = flights::table
        .filter(flights::etd.ge(lo).and(flights::etd.lt(hi)))
        .select((flights::id, flights::population))
        .load(conn)?;
    // The screened population by nationality and by sex: the counts each flight's screening
    // recorded; flights not screened since those counts exist are counted from their travellers.
    let mut pop_nat: HashMap<String, u64> = HashMap::new();
    let mut pop_sex: HashMap<String, u64> = HashMap::new();
    let mut screened = 0;
    let mut add = |groups: Vec<(Option<String>, Option<String>, i64)>| {
        for (nat, sex, n) in groups {
            let n = n.max(0) as u64;
            screened += n;
            *pop_nat.entry(label(nat)).or_default() += n;
            *pop_sex.entry(label(sex)).or_default() += n;
        }
    };
    let mut uncounted = Vec::new();
    for (id, population) in &flights_in_range {
        match population
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok())
        {
            Some(groups) => add(groups),
            None => uncounted.push(id),
        }
    }
    for chunk in uncounted.chunks(500) {
        let groups: Vec<(Option<String>, Option<String>, i64)> = travellers::table
            .filter(travellers::flight_id.eq_any(chunk))
            .group_by((travellers::nationality, travellers::gender))
            .select((
                travellers::nationality,
                travellers::gender,
                diesel::dsl::count_star(),
            ))
            .load(conn)?;
        add(groups);
    }
    let rows: Vec<HitRow> = hits::table
        .inner_join(flights::table.on(flights::id.eq(hits::flight_id)))
        .inner_join(travellers::table.on(travellers::id.eq(hits::traveller_id)))
        .filter(
            hits::kind
                .eq("rule")
                .and(flights::etd.ge(lo))
                .and(flights::etd.lt(hi)),
        )
        .select((
            hits::source_id,
            hits::traveller_id,
            flights::etd,
            travellers::nationality,
            travellers::gender,
        ))
        .load(conn)?;
    let mut by_rule: HashMap<String, Vec<Flag>> = HashMap::new();
    for (rule, traveller, etd, nat, sex) in rows {
        by_rule.entry(rule).or_default().push(Flag {
            traveller,
            etd,
            nationality: label(nat),
            sex: label(sex),
        });
    }
    let flagged: Vec<&String> = by_rule.values().flatten().map(|f| &f.traveller).collect();
    let reviews = reviews_of(conn, &flagged)?;
    let all: Vec<(String, String, String, i32)> = rules::table
        .select((rules::id, rules::name, rules::state, rules::version))
        .order(rules::created_at.asc())
        .load(conn)?;
    let rules = all
        .into_iter()
        .map(|(id, name, state, version)| {
            let flags = by_rule.remove(&id).unwrap_or_default();
            let population = Population {
                nationality: &pop_nat,
                sex: &pop_sex,
                min_group,
            };
            rule_report(id, name, state, version, &flags, &reviews, &population)
        })
        .collect();
    Ok(Report {
        range,
        min_group,
        screened,
        rules,
    })
}

fn label(v: Option<String>) -> String {
    v.filter(|s| !s.trim().is_empty())
        .map(|s| s.trim().to_uppercase())
        .unwrap_or_else(|| UNKNOWN.to_string())
}

fn reviews_of(
    conn: &mut DbConnection,
    travellers: &[&String],
) -> Result<HashMap<String, Review>, DbError> {
    let mut out = HashMap::new();
    for chunk in travellers.chunks(1_000) {
        let rows: Vec<(String, Option<String>, i64, i64)> = review_items::table
            .filter(review_items::traveller_id.eq_any(chunk))
            .select((
                review_items::traveller_id,
                review_items::disposition,
                review_items::created_at,
                review_items::updated_at,
            ))
            .load(conn)?;
        out.extend(rows.into_iter().map(|(t, d, c, u)| (t, (d, c, u))));
    }
    Ok(out)
}

/// The screened population, by nationality and by sex.
struct Population<'a> {
    nationality: &'a HashMap<String, u64>,
    sex: &'a HashMap<String, u64>,
    min_group: u64,
}

fn rule_report(
    id: String,
    name: String,
    state: String,
    version: i32,
    flags: &[Flag],
    reviews: &HashMap<String, Review>,
    population: &Population<'_>,
) -> RuleReport {
    let mut weeks: BTreeMap<String, u64> = BTreeMap::new();
    let (mut queued, mut reviewed, mut resultant, mut decided) = (0, 0, 0, 0);
    let mut minutes = Vec::new();
    let mut nat: HashMap<&str, u64> = HashMap::new();
    let mut sex: HashMap<&str, u64> = HashMap::new();
    for f in flags {
        if let Some(d) = f.etd.and_then(chrono::DateTime::from_timestamp_millis) {
            *weeks.entry(d.format("%G-W%V").to_string()).or_default() += 1;
        }
        *nat.entry(&f.nationality).or_default() += 1;
        *sex.entry(&f.sex).or_default() += 1;
        let Some((disposition, created, updated)) = reviews.get(&f.traveller) else {
            continue;
        };
        queued += 1;
        let Some(d) = disposition else { continue };
        reviewed += 1;
        minutes.push((updated - created).max(0) as f64 / 60_000.0);
        if d == crate::screening::rules::outcomes::RESULTANT {
            resultant += 1;
            decided += 1;
        } else if d != "referred" {
            decided += 1;
        }
    }
    let hits = flags.len() as u64;
    let screened: u64 = population.nationality.values().sum();
    let overall = ratio(hits, screened);
    RuleReport {
        id,
        name,
        state,
        version,
        hits,
        hits_per_week: weeks
            .into_iter()
            .map(|(week, hits)| Week { week, hits })
            .collect(),
        queued,
        reviewed,
        share_reviewed: (hits > 0).then(|| reviewed as f64 / hits as f64),
        resultant,
        precision: (decided > 0).then(|| resultant as f64 / decided as f64),
        median_review_minutes: median(&mut minutes),
        last_hit: flags
            .iter()
            .filter_map(|f| f.etd)
            .max()
            .map(crate::api::rfc3339),
        by_nationality: groups(&nat, population.nationality, overall, population.min_group),
        by_sex: groups(&sex, population.sex, overall, population.min_group),
    }
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// Every group of the population the rule matched at least once, highest hit rate first, those
/// of fewer than `min_group` screened records pooled into one `other` row at the end.
fn groups(
    flagged: &HashMap<&str, u64>,
    population: &HashMap<String, u64>,
    overall: Option<f64>,
    min_group: u64,
) -> Vec<Group> {
    let group = |value: String, flagged: u64, screened: u64, pooled_groups: Option<u64>| {
        let hit_rate = flagged as f64 / screened.max(1) as f64;
        Group {
            value,
            flagged,
            screened,
            hit_rate,
            disparity: overall.filter(|o| *o > 0.0).map(|o| hit_rate / o),
            pooled_groups,
        }
    };
    let (mut out, mut pooled) = (Vec::new(), (0, 0, 0));
    for (value, n) in flagged {
        let screened = population.get(*value).copied().unwrap_or(0).max(*n);
        if screened < min_group {
            pooled = (pooled.0 + n, pooled.1 + screened, pooled.2 + 1);
        } else {
            out.push(group((*value).to_string(), *n, screened, None));
        }
    }
    out.sort_by(|a, b| {
        b.hit_rate
            .total_cmp(&a.hit_rate)
            .then_with(|| a.value.cmp(&b.value))
    });
    if pooled.2 > 0 {
        // The pool's population is every small group, matched or not, so its rate is not
        // inflated by leaving out the small groups the rule never matched.
        let all_small: u64 = population.values().filter(|n| **n < min_group).sum();
        out.push(group(
            "other".to_string(),
            pooled.0,
            all_small.max(pooled.1),
            Some(pooled.2),
        ));
    }
    out
}

/// The median, `None` for no values.
fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    // Odd counts have a middle value; even ones average the two around the middle.
    Some(if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }

    #[test]
    fn a_rule_that_falls_on_one_group_shows_disparity() {
        let population: HashMap<String, u64> = [("ISL".to_string(), 10), ("GBR".to_string(), 90)]
            .into_iter()
            .collect();
        let flagged: HashMap<&str, u64> = [("ISL", 5), ("GBR", 5)].into_iter().collect();
        let g = groups(&flagged, &population, ratio(10, 100), MIN_GROUP);
        assert_eq!(g[0].value, "ISL");
        assert!((g[0].hit_rate - 0.5).abs() < 1e-9);
        assert!((g[0].disparity.unwrap() - 5.0).abs() < 1e-9);
        assert!(g[1].disparity.unwrap() < 1.0);
    }

    #[test]
    fn small_groups_are_pooled_not_shown() {
        let population: HashMap<String, u64> = [
            ("ISL".to_string(), 3),
            ("LUX".to_string(), 5),
            ("MLT".to_string(), 4),
            ("GBR".to_string(), 88),
        ]
        .into_iter()
        .collect();
        let flagged: HashMap<&str, u64> =
            [("ISL", 1), ("LUX", 2), ("GBR", 7)].into_iter().collect();
        let g = groups(&flagged, &population, ratio(10, 100), 10);
        let values: Vec<&str> = g.iter().map(|g| g.value.as_str()).collect();
        assert_eq!(values, ["GBR", "other"], "no small group is named");
        let other = &g[1];
        assert_eq!((other.flagged, other.screened), (3, 12));
        assert_eq!(other.pooled_groups, Some(2));
        assert!((other.hit_rate - 0.25).abs() < 1e-9);
        // With a minimum of 1 every group stands alone.
        let g = groups(&flagged, &population, ratio(10, 100), 1);
        assert_eq!(g.len(), 3);
        assert!(g.iter().all(|g| g.pooled_groups.is_none()));
    }
}
