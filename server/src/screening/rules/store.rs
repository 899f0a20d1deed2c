//! Rules and their versions. A rule row holds the current version and state; `rule_versions`
//! holds every version ever written and is never updated, so the version a hit names is the
//! exact condition and weight that produced it. Editing writes a new version; changing the
//! state does not (the condition and weight stay what they were).

use diesel::prelude::*;
use paxrisk_screening::rules::{RuleSpec, RuleState};
use serde::Serialize;
use serde_json::Value;

use super::RuleStoreError;
use crate::db::schema::{hits, rule_versions, rules};
use crate::db::{new_id, now_ms, DbConnection, DbError};

/// Validates and stores a new rule (version 1). Returns `(id, version)`.
pub fn create(
    conn: &mut DbConnection,
    body: &Value,
    author: &str,
) -> Result<(String, i32), RuleStoreError> {
    let spec = RuleSpec::validate(body)?;
    let id = new_id();
    let now = now_ms();
    crate::db::transaction(conn, |conn| {
        diesel::insert_into(rules::table)
            .values((
                rules::id.eq(&id),
                rules::name.eq(&spec.name),
                rules::category.eq(&spec.category),
                rules::severity.eq(severity_str(&spec)),
                rules::weight.eq(i32::from(spec.weight)),
                rules::state.eq(spec.state.as_str()),
                rules::condition.eq(condition_json(&spec)),
                rules::spec.eq(spec_json(&spec)),
                rules::version.eq(1),
                rules::created_by.eq(author),
                rules::created_at.eq(now),
                rules::updated_at.eq(now),
            ))
            .execute(conn)?;
        insert_version(conn, &id, 1, &spec, author, now)
    })?;
    Ok((id, 1))
}

/// What an edit changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The body equals the current version.
    Nothing,
    /// Only the state differs: moved like [`set_state`], same version.
    State,
    /// The content differs: a new version.
    Version,
}

/// Replaces a rule's content with `body` as a new version (the old ones stay as they were).
/// A body that differs from the current version in its state alone moves the state and keeps
/// the version; an equal body changes nothing. Returns the current version and the change.
pub fn update(
    conn: &mut DbConnection,
    id: &str,
    body: &Value,
    author: &str,
) -> Result<(i32, Edit), RuleStoreError> {
    let spec = RuleSpec::validate(body)?;
    crate::db::transaction(conn, |conn| {
        let (version, current) = current(conn, id)?.ok_or(RuleStoreError::NotFound("rule"))?;
        let same_content = RuleSpec {
            state: current.state,
            ..spec.clone()
        } == current;
        if same_content && spec.state == current.state {
            return Ok((version, Edit::Nothing));
        }
        if same_content {
            // Not `set_state`: this transaction already holds SQLite's writer turn.
            write_state(conn, id, current, spec.state)?;
            return Ok((version, Edit::State));
        }
        let next = write_version(conn, id, version, &spec, author)?;
        Ok((next, Edit::Version))
    })
}

/// Writes `spec` as version `after + 1` of rule `id` and makes it current. The caller holds a
/// transaction and has read `after` as the current version.
pub(super) fn write_version(
    conn: &mut DbConnection,
    id: &str,
    after: i32,
    spec: &RuleSpec,
    author: &str,
) -> Result<i32, RuleStoreError> {
    let next = after + 1;
    let now = now_ms();
    // Conditional on the version read, so two concurrent edits cannot both become `after + 1`
    // (the unique key on rule_versions would refuse the second anyway).
    let n = diesel::update(rules::table.filter(rules::id.eq(id).and(rules::version.eq(after))))
        .set((
            rules::name.eq(&spec.name),
            rules::category.eq(&spec.category),
            rules::severity.eq(severity_str(spec)),
            rules::weight.eq(i32::from(spec.weight)),
            rules::state.eq(spec.state.as_str()),
            rules::condition.eq(condition_json(spec)),
            rules::spec.eq(spec_json(spec)),
            rules::version.eq(next),
            rules::updated_at.eq(now),
        ))
        .execute(conn)?;
    if n != 1 {
        return Err(RuleStoreError::Conflict(
            "the rule was changed at the same time; read it again and retry".into(),
        ));
    }
    insert_version(conn, id, next, spec, author, now)?;
    Ok(next)
}

/// Moves a rule to `state` without a new version. Returns `(version, previous state)`.
pub fn set_state(
    conn: &mut DbConnection,
    id: &str,
    state: RuleState,
) -> Result<(i32, RuleState), RuleStoreError> {
    crate::db::transaction(conn, |conn| {
        let (version, spec) = current(conn, id)?.ok_or(RuleStoreError::NotFound("rule"))?;
        let was = spec.state;
        write_state(conn, id, spec, state)?;
        Ok((version, was))
    })
}

/// Writes the state into the rule row (its column and its spec); the caller holds a
/// transaction and has read `spec` as the current content.
fn write_state(
    conn: &mut DbConnection,
    id: &str,
    mut spec: RuleSpec,
    state: RuleState,
) -> Result<(), diesel::result::Error> {
    spec.state = state;
    diesel::update(rules::table.filter(rules::id.eq(id)))
        .set((
            rules::state.eq(state.as_str()),
            rules::spec.eq(spec_json(&spec)),
            rules::updated_at.eq(now_ms()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The current version of a rule and its content.
pub fn current(conn: &mut DbConnection, id: &str) -> Result<Option<(i32, RuleSpec)>, DbError> {
    let row: Option<(i32, String)> = rules::table
        .filter(rules::id.eq(id))
        .select((rules::version, rules::spec))
        .first(conn)
        .optional()?;
    Ok(row.and_then(|(v, s)| parse(&s).map(|spec| (v, spec))))
}

/// One version of a rule as it was written.
pub fn version(
    conn: &mut DbConnection,
    id: &str,
    version: i32,
) -> Result<Option<RuleSpec>, DbError> {
    let spec: Option<String> = rule_versions::table
        .filter(
            rule_versions::rule_id
                .eq(id)
                .and(rule_versions::version.eq(version)),
        )
        .select(rule_versions::spec)
        .first(conn)
        .optional()?;
    Ok(spec.as_deref().and_then(parse))
}

/// A rule as the API lists it: its current content with id, version and times.
#[derive(Debug, Serialize)]
pub struct RuleView {
    pub id: String,
    pub version: i32,
    pub created_at: String,
    pub updated_at: String,
    #[serde(flatten)]
    pub spec: Value,
}

/// Every rule, newest first; or one by id.
pub fn list(conn: &mut DbConnection, id: Option<&str>) -> Result<Vec<RuleView>, DbError> {
    let mut q = rules::table
        .select((
            rules::id,
            rules::version,
            rules::spec,
            rules::created_at,
            rules::updated_at,
        ))
        .order(rules::created_at.desc())
        .into_boxed();
    if let Some(id) = id {
        q = q.filter(rules::id.eq(id));
    }
    let rows: Vec<(String, i32, String, i64, i64)> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, version, spec, created, updated)| RuleView {
            id,
            version,
            created_at: crate::api::rfc3339(created),
            updated_at: crate::api::rfc3339(updated),
            spec: serde_json::from_str(&spec).unwrap_or_default(),
        })
        .collect())
}

/// One version in a rule's history.
#[derive(Debug, Serialize)]
pub struct VersionView {
    pub version: i32,
    /// User id of the author (an administrator for an accepted suggestion).
    pub created_by: Option<String>,
    pub created_at: String,
    /// Hits currently stored that this version produced; a version with hits is in use.
    pub hits: i64,
    /// The content as written (its `state` is the state it was written in).
    pub rule: Value,
}

/// Every version of a rule, newest first; `None` when there is no such rule.
pub fn versions(conn: &mut DbConnection, id: &str) -> Result<Option<Vec<VersionView>>, DbError> {
    let rows: Vec<(i32, Option<String>, i64, String)> = rule_versions::table
        .filter(rule_versions::rule_id.eq(id))
        .select((
            rule_versions::version,
            rule_versions::created_by,
            rule_versions::created_at,
            rule_versions::spec,
        ))
        .order(rule_versions::version.desc())
        .load(conn)?;
    if rows.is_empty() {
        return Ok(None);
    }
    let counts: Vec<(i32, i64)> = hits::table
        .filter(hits::source_id.eq(id).and(hits::kind.eq("rule")))
        .group_by(hits::source_version)
        .select((hits::source_version, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(Some(
        rows.into_iter()
            .map(|(version, created_by, at, spec)| VersionView {
                version,
                created_by,
                created_at: crate::api::rfc3339(at),
                hits: counts
                    .iter()
                    .find(|(v, _)| *v == version)
                    .map_or(0, |(_, n)| *n),
                rule: serde_json::from_str(&spec).unwrap_or_default(),
            })
            .collect(),
    ))
}

fn insert_version(
    conn: &mut DbConnection,
    id: &str,
    version: i32,
    spec: &RuleSpec,
    author: &str,
    now: i64,
) -> Result<(), diesel::result::Error> {
    diesel::insert_into(rule_versions::table)
        .values((
            rule_versions::id.eq(new_id()),
            rule_versions::rule_id.eq(id),
            rule_versions::version.eq(version),
            rule_versions::spec.eq(spec_json(spec)),
            rule_versions::created_by.eq(author),
            rule_versions::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// A stored spec; stored specs were validated when written, so `None` means a later release
/// tightened validation (the rule is then skipped by screening and shown as stored).
fn parse(s: &str) -> Option<RuleSpec> {
    serde_json::from_str::<Value>(s)
        .ok()
        .and_then(|v| RuleSpec::validate(&v).ok())
}

fn spec_json(spec: &RuleSpec) -> String {
    // A validated spec always serialises.
    serde_json::to_string(spec).unwrap_or_default()
}

fn condition_json(spec: &RuleSpec) -> String {
    serde_json::to_string(&spec.condition).unwrap_or_default()
}

fn severity_str(spec: &RuleSpec) -> &'static str {
    match spec.severity {
        paxrisk_screening::rules::Severity::Low => "low",
        paxrisk_screening::rules::Severity::Medium => "medium",
        paxrisk_screening::rules::Severity::High => "high",
    }
}
