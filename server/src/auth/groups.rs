//! User groups scoped by hit category: administrators make groups that cover some categories
//! (the category of the watchlist or rule behind a hit, or of a manual hit, e.g. `terrorism`,
//! `narcotics`, `lost_stolen_documents`) and put users in them. A member of one or more groups
//! sees the review items with a hit in one of his groups' categories; a user in no group sees
//! every item, and administrators always do.

use diesel::prelude::*;
use serde::Serialize;

use super::Role;
use crate::db::schema::{group_members, user_groups, users};
use crate::db::{new_id, now_ms, DbConnection, DbError};

/// Longest group name and category, in characters.
const MAX_NAME_CHARS: usize = 80;
/// Most categories a group covers.
const MAX_CATEGORIES: usize = 100;

/// What review items a user may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every item: administrators, and users in no group.
    All,
    /// Items with a hit in one of these (lower-case) categories.
    Categories(Vec<String>),
}

impl Scope {
    /// Whether a hit of `category` is in scope (categories compare case-insensitively).
    pub fn covers(&self, category: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Categories(c) => c.iter().any(|c| *c == category.trim().to_lowercase()),
        }
    }
}

/// A group as administrators see it.
#[derive(Debug, Serialize)]
pub struct GroupView {
    pub id: String,
    pub name: String,
    pub categories: Vec<String>,
    /// Member user ids.
    pub members: Vec<String>,
    #[serde(serialize_with = "super::serde_time::ms")]
    pub created_at: i64,
    #[serde(serialize_with = "super::serde_time::ms")]
    pub updated_at: i64,
}

/// A group's name and categories, as a caller gives them.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupChange {
    pub name: Option<String>,
    pub categories: Option<Vec<String>>,
}

/// Why a group operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum GroupError {
    #[error("the group name must be 1 to 80 characters")]
    BadName,
    #[error("categories must be 1 to 100 names of 1 to 80 characters each")]
    BadCategories,
    #[error("a group with that name exists already")]
    NameTaken,
    #[error("no such group")]
    NotFound,
    #[error("no such user: {0}")]
    UnknownUser(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for GroupError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => GroupError::NameTaken,
            e => GroupError::Db(e.into()),
        }
    }
}

fn check_name(name: &str) -> Result<String, GroupError> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > MAX_NAME_CHARS || n.chars().any(char::is_control) {
        return Err(GroupError::BadName);
    }
    Ok(n.to_string())
}

/// Categories trimmed, lower-cased, sorted and without repeats.
pub fn normalise_categories(given: &[String]) -> Result<Vec<String>, GroupError> {
    let mut out: Vec<String> = given.iter().map(|c| c.trim().to_lowercase()).collect();
    out.sort();
    out.dedup();
    let fits = |c: &String| {
        !c.is_empty() && c.chars().count() <= MAX_NAME_CHARS && !c.chars().any(char::is_control)
    };
    if out.is_empty() || out.len() > MAX_CATEGORIES || !out.iter().all(fits) {
        return Err(GroupError::BadCategories);
    }
    Ok(out)
}

/// Creates a group; returns it.
pub fn create(
    conn: &mut DbConnection,
    name: &str,
    categories: &[String],
) -> Result<GroupView, GroupError> {
    let name = check_name(name)?;
    let categories = normalise_categories(categories)?;
    let (id, now) = (new_id(), now_ms());
    diesel::insert_into(user_groups::table)
        .values((
            user_groups::id.eq(&id),
            user_groups::name.eq(&name),
            user_groups::categories.eq(serde_json::to_string(&categories).unwrap_or_default()),
            user_groups::created_at.eq(now),
            user_groups::updated_at.eq(now),
        ))
        .execute(conn)?;
    get(conn, &id)
}

type GroupRow = (String, String, String, i64, i64);

fn view(conn: &mut DbConnection, row: GroupRow) -> Result<GroupView, GroupError> {
    let members = group_members::table
        .filter(group_members::group_id.eq(&row.0))
        .order(group_members::user_id.asc())
        .select(group_members::user_id)
        .load(conn)?;
    Ok(GroupView {
        id: row.0,
        name: row.1,
        categories: serde_json::from_str(&row.2).unwrap_or_default(),
        members,
        created_at: row.3,
        updated_at: row.4,
    })
}

const COLUMNS: (
    user_groups::id,
    user_groups::name,
    user_groups::categories,
    user_groups::created_at,
    user_groups::updated_at,
) = (
    user_groups::id,
    user_groups::name,
    user_groups::categories,
    user_groups::created_at,
    user_groups::updated_at,
);

/// One group.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<GroupView, GroupError> {
    let row: GroupRow = user_groups::table
        .filter(user_groups::id.eq(id))
        .select(COLUMNS)
        .first(conn)
        .optional()?
        .ok_or(GroupError::NotFound)?;
    view(conn, row)
}

/// One group by name (the CLI's handle).
pub fn by_name(conn: &mut DbConnection, name: &str) -> Result<GroupView, GroupError> {
    let id: String = user_groups::table
        .filter(user_groups::name.eq(name.trim()))
        .select(user_groups::id)
        .first(conn)
        .optional()?
        .ok_or(GroupError::NotFound)?;
    get(conn, &id)
}

/// Every group, by name.
pub fn list(conn: &mut DbConnection) -> Result<Vec<GroupView>, GroupError> {
    let rows: Vec<GroupRow> = user_groups::table
        .order(user_groups::name.asc())
        .select(COLUMNS)
        .load(conn)?;
    rows.into_iter().map(|r| view(conn, r)).collect()
}

/// Renames a group or changes its categories.
pub fn update(conn: &mut DbConnection, id: &str, c: &GroupChange) -> Result<GroupView, GroupError> {
    let before = get(conn, id)?;
    let name = c.name.as_deref().map(check_name).transpose()?;
    let categories = c
        .categories
        .as_deref()
        .map(normalise_categories)
        .transpose()?;
    diesel::update(user_groups::table.filter(user_groups::id.eq(id)))
        .set((
            user_groups::name.eq(name.unwrap_or(before.name)),
            user_groups::categories.eq(serde_json::to_string(
                &categories.unwrap_or(before.categories),
            )
            .unwrap_or_default()),
            user_groups::updated_at.eq(now_ms()),
        ))
        .execute(conn)?;
    get(conn, id)
}

/// Deletes a group (its memberships go with it).
pub fn delete(conn: &mut DbConnection, id: &str) -> Result<(), GroupError> {
    crate::db::transaction(conn, |conn| {
        diesel::delete(group_members::table.filter(group_members::group_id.eq(id)))
            .execute(conn)?;
        let n = diesel::delete(user_groups::table.filter(user_groups::id.eq(id))).execute(conn)?;
        if n == 0 {
            return Err(GroupError::NotFound);
        }
        Ok(())
    })
}

/// Replaces a group's members with `user_ids` (every id must be an account).
pub fn set_members(
    conn: &mut DbConnection,
    id: &str,
    user_ids: &[String],
) -> Result<GroupView, GroupError> {
    let mut ids: Vec<String> = user_ids.iter().map(|u| u.trim().to_string()).collect();
    ids.sort();
    ids.dedup();
    crate::db::transaction(conn, |conn| {
        get(conn, id)?;
        let known: Vec<String> = users::table
            .filter(users::id.eq_any(&ids))
            .select(users::id)
            .load(conn)?;
        if let Some(missing) = ids.iter().find(|u| !known.contains(u)) {
            return Err(GroupError::UnknownUser(missing.clone()));
        }
        diesel::delete(group_members::table.filter(group_members::group_id.eq(id)))
            .execute(conn)?;
        for u in &ids {
            diesel::insert_into(group_members::table)
                .values((group_members::group_id.eq(id), group_members::user_id.eq(u)))
                .execute(conn)?;
        }
        diesel::update(user_groups::table.filter(user_groups::id.eq(id)))
            .set(user_groups::updated_at.eq(now_ms()))
            .execute(conn)?;
        Ok(())
    })?;
    get(conn, id)
}

/// Adds one user to a group (no-op when a member already): the CLI's `user add --group`.
pub fn add_member(conn: &mut DbConnection, id: &str, user_id: &str) -> Result<(), GroupError> {
    let g = get(conn, id)?;
    if !g.members.iter().any(|m| m == user_id) {
        diesel::insert_into(group_members::table)
            .values((
                group_members::group_id.eq(id),
                group_members::user_id.eq(user_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The groups a user belongs to, as `(id, name)`, by name.
pub fn of_user(conn: &mut DbConnection, user_id: &str) -> Result<Vec<(String, String)>, DbError> {
    Ok(group_members::table
        .inner_join(user_groups::table.on(user_groups::id.eq(group_members::group_id)))
        .filter(group_members::user_id.eq(user_id))
        .order(user_groups::name.asc())
        .select((user_groups::id, user_groups::name))
        .load(conn)?)
}

/// What a user of `role` may see of the review queue.
pub fn scope(conn: &mut DbConnection, user_id: &str, role: Role) -> Result<Scope, DbError> {
    if role == Role::Admin {
        return Ok(Scope::All);
    }
    let rows: Vec<String> = group_members::table
        .inner_join(user_groups::table.on(user_groups::id.eq(group_members::group_id)))
        .filter(group_members::user_id.eq(user_id))
        .select(user_groups::categories)
        .load(conn)?;
    if rows.is_empty() {
        return Ok(Scope::All);
    }
    let mut cats: Vec<String> = rows
        .iter()
        .flat_map(|r| serde_json::from_str::<Vec<String>>(r).unwrap_or_default())
        .collect();
    cats.sort();
    cats.dedup();
    Ok(Scope::Categories(cats))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_are_normalised_and_checked() {
        let given = vec![
            " Terrorism ".to_string(),
            "narcotics".into(),
            "TERRORISM".into(),
        ];
        assert_eq!(
            normalise_categories(&given).unwrap(),
            vec!["narcotics".to_string(), "terrorism".into()]
        );
        assert!(normalise_categories(&[]).is_err());
        assert!(normalise_categories(&["  ".into()]).is_err());
        assert!(normalise_categories(&["x".repeat(81)]).is_err());
    }

    #[test]
    fn a_scope_covers_its_categories_only() {
        let s = Scope::Categories(vec!["narcotics".into()]);
        assert!(s.covers("Narcotics"));
        assert!(!s.covers("terrorism"));
        assert!(Scope::All.covers("anything"));
        assert!(!Scope::Categories(vec![]).covers("narcotics"));
    }
}
