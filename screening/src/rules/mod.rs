//! Targeting rules: the condition language, its field catalogue, evaluation with explanations,
//! and risk scores.
//!
//! The flow the server follows:
//! 1. [`RuleSpec::validate`] checks a rule body from the API (`422 {"code","path","message"}` on
//!    error, see [`RuleError`]); [`validate`] checks a bare condition.
//! 2. [`CompiledRule::compile`] turns the validated [`Condition`] into a typed predicate tree,
//!    once per rule version.
//! 3. For each traveller the server builds [`Facts`] ([`Facts::from_parts`]). A [`RuleSet`] of
//!    the compiled rules returns the ones that match with their explanations
//!    ([`RuleSet::screen`]), skipping rules the traveller cannot match. One rule alone:
//!    [`CompiledRule::matches`] (no allocation), [`CompiledRule::explain`] for the sentence,
//!    [`CompiledRule::evaluate`] for the leaf-by-leaf view of the rule editor's test.
//! 4. [`score`] sums the weights of matched live rules (capped at 100) and [`Bands::band`] turns
//!    the score into low / medium / high.
//!
//! Missing data never makes a rule match: a leaf whose field has no value is *unknown*, and
//! unknown stays unknown through `not` (three-valued logic), so a rule matches only on data
//! that is present. The one exception is `is_empty`, which asks exactly that question.
//!
//! Sensitive fields (religion, health, ethnicity…) are not in the catalogue at all, so a rule
//! naming one is refused as an unknown field; values that reveal them (SSR meal and medical
//! codes) are refused as `sensitive_value`.

mod catalogue;
mod compile;
mod condition;
mod error;
mod explain;
mod facts;
mod facts_from;
mod predicate;
mod ruleset;
mod score;
mod sensitive;
mod spec;
mod text;
mod validate;

pub use catalogue::{catalogue, Field, FieldInfo, FieldType, Format};
pub use compile::{CompiledRule, Truth};
pub use condition::{Condition, Leaf, Op, Operand, Scalar};
pub use error::{ErrorCode, RuleError};
pub use explain::{Evaluation, LeafOutcome};
pub use facts::{
    age_on, Direction, FactRef, FactSource, FactTable, Facts, FlightFacts, HistoryFacts, PnrFacts,
    TravellerFacts,
};
pub use ruleset::{RuleMatch, RuleSet};
pub use score::{score, Band, Bands};
pub use spec::{RuleSpec, RuleState, Severity};
pub use validate::{operators_for, validate, validate_at, MAX_DEPTH, MAX_LIST, MAX_NODES};
