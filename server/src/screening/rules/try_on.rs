//! The rule editor's test: one rule against one stored traveller, leaf by leaf, with the facts
//! screening would see now. Nothing is stored.

use paxrisk_screening::rules::{CompiledRule, Evaluation, RuleSpec};

use super::{facts, store, RuleStoreError};
use crate::db::DbConnection;

/// Which rule to test.
pub enum Subject<'a> {
    /// A stored rule, at a version or its current one.
    Stored { id: &'a str, version: Option<i32> },
    /// A rule body not yet saved (validated first).
    Draft(&'a serde_json::Value),
}

/// Evaluates the rule for the traveller. Returns the version tested (none for a draft) and
/// the evaluation. The validity window is reported, not applied: the analyst asks whether the
/// condition holds.
pub fn run(
    conn: &mut DbConnection,
    subject: Subject<'_>,
    traveller_id: &str,
) -> Result<(Option<i32>, RuleSpec, Evaluation), RuleStoreError> {
    let (version, spec) = match subject {
        Subject::Draft(body) => (None, RuleSpec::validate(body)?),
        Subject::Stored { id, version: None } => {
            let (v, spec) = store::current(conn, id)?.ok_or(RuleStoreError::NotFound("rule"))?;
            (Some(v), spec)
        }
        Subject::Stored {
            id,
            version: Some(v),
        } => (
            Some(v),
            store::version(conn, id, v)?.ok_or(RuleStoreError::NotFound("rule version"))?,
        ),
    };
    let facts = facts::stored(conn, traveller_id)?.ok_or(RuleStoreError::NotFound("traveller"))?;
    let evaluation = CompiledRule::compile(&spec.condition).evaluate(&facts);
    Ok((version, spec, evaluation))
}
