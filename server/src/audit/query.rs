//! Searching the audit log: by actor, action, object, outcome, purpose and time, newest first, paged by
//! sequence number (`before`), so a reader walks back through any length of log.

use diesel::prelude::*;

use super::Row;
use crate::db::schema::audit_log;
use crate::db::{DbConnection, DbError};

/// Filters of `GET /api/v1/audit`.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Query {
    /// A user id, `cli`, `system` or `anonymous`.
    pub actor: Option<String>,
    /// An action, or a prefix ending in `.` (e.g. `item.` for every item action).
    pub action: Option<String>,
    /// An object such as `item:ID`; matches rows whose object contains it.
    pub object: Option<String>,
    pub outcome: Option<String>,
    /// Rows whose stated purpose contains this text.
    pub purpose: Option<String>,
    /// RFC 3339 bounds on the time of the event.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Rows with a sequence number below this one (the next page).
    pub before: Option<i64>,
    pub limit: Option<i64>,
}

/// Why a query was refused.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("{0} must be an RFC 3339 time such as 2026-11-29T08:00:00Z")]
    BadTime(&'static str),
    #[error("limit must be 1 to 5000")]
    BadLimit,
    #[error(transparent)]
    Db(#[from] DbError),
}

fn time(v: &Option<String>, name: &'static str) -> Result<Option<i64>, QueryError> {
    v.as_deref()
        .map(|t| {
            chrono::DateTime::parse_from_rfc3339(t)
                .map(|d| d.timestamp_millis())
                .map_err(|_| QueryError::BadTime(name))
        })
        .transpose()
}

/// Escapes LIKE wildcards so an object id is matched literally.
fn like_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('%');
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Rows matching `q`, newest first.
pub fn search(conn: &mut DbConnection, q: &Query) -> Result<Vec<Row>, QueryError> {
    let limit = q.limit.unwrap_or(200);
    if !(1..=5000).contains(&limit) {
        return Err(QueryError::BadLimit);
    }
    let (from, to) = (time(&q.from, "from")?, time(&q.to, "to")?);
    let mut sql = audit_log::table.into_boxed();
    if let Some(a) = &q.actor {
        sql = sql.filter(audit_log::actor.eq(a.clone()));
    }
    match q.action.as_deref() {
        Some(a) if a.ends_with('.') => {
            sql = sql.filter(
                audit_log::action
                    .like(like_literal(a)[1..].to_string())
                    .escape('\\'),
            )
        }
        Some(a) => sql = sql.filter(audit_log::action.eq(a.to_string())),
        None => {}
    }
    if let Some(o) = &q.object {
        sql = sql.filter(audit_log::object.like(like_literal(o)).escape('\\'));
    }
    if let Some(o) = &q.outcome {
        sql = sql.filter(audit_log::outcome.eq(o.clone()));
    }
    if let Some(p) = &q.purpose {
        sql = sql.filter(audit_log::purpose.like(like_literal(p)).escape('\\'));
    }
    if let Some(t) = from {
        sql = sql.filter(audit_log::at.ge(t));
    }
    if let Some(t) = to {
        sql = sql.filter(audit_log::at.le(t));
    }
    if let Some(b) = q.before {
        sql = sql.filter(audit_log::seq.lt(b));
    }
    Ok(sql
        .order(audit_log::seq.desc())
        .limit(limit)
        .load(conn)
        .map_err(DbError::from)?)
}

#[cfg(test)]
mod tests {
    use super::like_literal;

    #[test]
    fn wildcards_are_matched_literally() {
        assert_eq!(like_literal("item:a_b%"), "%item:a\\_b\\%%");
    }
}
