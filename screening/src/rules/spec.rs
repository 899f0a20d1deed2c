//! A rule as an analyst writes it: metadata plus condition, validated as a whole body with
//! JSON-pointer paths (`/weight`, `/condition/all/1/field`).

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::condition::Condition;
use super::error::{ErrorCode, RuleError};
use super::validate::validate;

/// Where a rule is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleState {
    /// Being written; not evaluated during screening.
    Draft,
    /// Evaluated and its hits recorded, but it adds nothing to scores or the queue.
    Shadow,
    /// Evaluated; its weight counts toward the score.
    Live,
    /// No longer evaluated; kept for the audit trail.
    Retired,
}

impl RuleState {
    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleState::Draft => "draft",
            RuleState::Shadow => "shadow",
            RuleState::Live => "live",
            RuleState::Retired => "retired",
        }
    }

    /// Rules in this state run during screening (shadow and live).
    pub fn is_evaluated(self) -> bool {
        matches!(self, RuleState::Shadow | RuleState::Live)
    }

    /// Hits of rules in this state count toward the score and the queue (live only).
    pub fn is_scored(self) -> bool {
        self == RuleState::Live
    }
}

/// How serious a rule's hits are, shown with the hit and used to order the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
}

/// A validated rule body (`POST /api/v1/rules`). Serialises to the same JSON it was read from,
/// in canonical form; deserialises only through [`RuleSpec::validate`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleSpec {
    /// Short name, shown in hit reasons ("rule 'Travellers of Iceland from SIN' matched: …").
    pub name: String,
    /// Free-text category (drugs, human trafficking…).
    pub category: String,
    /// Severity of its hits.
    pub severity: Severity,
    /// Contribution to the score when it matches, 0–100.
    pub weight: u8,
    /// Life-cycle state.
    pub state: RuleState,
    /// The condition.
    pub condition: Condition,
    /// Why the rule exists, for reviewers and data subjects' requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
    /// Who answers for the rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// First departure date the rule applies to (inclusive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    /// Last departure date the rule applies to (inclusive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
    /// Date by which the rule must be reviewed (PNR Directive Art. 6(4): regularly reviewed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_by: Option<NaiveDate>,
}

const KNOWN: &[&str] = &[
    "name",
    "category",
    "severity",
    "weight",
    "state",
    "condition",
    "rationale",
    "owner",
    "valid_from",
    "valid_to",
    "review_by",
];
const MAX_NAME: usize = 200;
const MAX_NOTE: usize = 4_000;

impl RuleSpec {
    /// Validates a whole rule body. Errors carry JSON pointers into the body.
    pub fn validate(body: &Value) -> Result<RuleSpec, RuleError> {
        let Some(obj) = body.as_object() else {
            return Err(RuleError::new(
                ErrorCode::BadShape,
                "",
                "a rule is a JSON object",
            ));
        };
        if let Some(k) = obj.keys().find(|k| !KNOWN.contains(&k.as_str())) {
            return Err(RuleError::new(
                ErrorCode::UnknownProperty,
                format!("/{}", k.replace('~', "~0").replace('/', "~1")),
                format!("unknown property `{k}`; a rule has {}", KNOWN.join(", ")),
            ));
        }
        let name = text(obj, "name", MAX_NAME)?;
        let category = text(obj, "category", MAX_NAME)?;
        let severity = choice(
            obj,
            "severity",
            &[
                ("low", Severity::Low),
                ("medium", Severity::Medium),
                ("high", Severity::High),
            ],
        )?;
        let weight = weight(obj)?;
        let state = choice(
            obj,
            "state",
            &[
                ("draft", RuleState::Draft),
                ("shadow", RuleState::Shadow),
                ("live", RuleState::Live),
                ("retired", RuleState::Retired),
            ],
        )?;
        let condition = validate(required(obj, "condition")?)?;
        let valid_from = date(obj, "valid_from")?;
        let valid_to = date(obj, "valid_to")?;
        if let (Some(from), Some(to)) = (valid_from, valid_to) {
            if to < from {
                return Err(RuleError::new(
                    ErrorCode::BadValue,
                    "/valid_to",
                    "valid_to is before valid_from",
                ));
            }
        }
        Ok(RuleSpec {
            name,
            category,
            severity,
            weight,
            state,
            condition,
            rationale: optional_text(obj, "rationale", MAX_NOTE)?,
            owner: optional_text(obj, "owner", MAX_NAME)?,
            valid_from,
            valid_to,
            review_by: date(obj, "review_by")?,
        })
    }

    /// The rule applies to flights departing on `date` (its validity window holds it).
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= date) && self.valid_to.is_none_or(|t| date <= t)
    }

    /// The weight this rule adds to a score when it matched: its weight when live, else 0.
    pub fn scored_weight(&self) -> u8 {
        if self.state.is_scored() {
            self.weight
        } else {
            0
        }
    }
}

impl<'de> Deserialize<'de> for RuleSpec {
    /// Reads a stored rule through the same validation as the API.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        RuleSpec::validate(&value).map_err(serde::de::Error::custom)
    }
}

fn required<'a>(obj: &'a Map<String, Value>, key: &str) -> Result<&'a Value, RuleError> {
    obj.get(key).filter(|v| !v.is_null()).ok_or_else(|| {
        RuleError::new(
            ErrorCode::MissingProperty,
            format!("/{key}"),
            format!("a rule needs `{key}`"),
        )
    })
}

fn text(obj: &Map<String, Value>, key: &str, max: usize) -> Result<String, RuleError> {
    let v = required(obj, key)?;
    let bad = |m: String| RuleError::new(ErrorCode::BadValue, format!("/{key}"), m);
    let s = v
        .as_str()
        .ok_or_else(|| bad(format!("`{key}` is text")))?
        .trim();
    if s.is_empty() {
        return Err(bad(format!("`{key}` may not be empty")));
    }
    if s.chars().count() > max {
        return Err(bad(format!("`{key}` is at most {max} characters")));
    }
    Ok(s.to_string())
}

fn optional_text(
    obj: &Map<String, Value>,
    key: &str,
    max: usize,
) -> Result<Option<String>, RuleError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(_) => text(obj, key, max).map(Some),
    }
}

fn choice<T: Copy>(
    obj: &Map<String, Value>,
    key: &str,
    options: &[(&str, T)],
) -> Result<T, RuleError> {
    let v = required(obj, key)?;
    let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
    v.as_str()
        .and_then(|s| options.iter().find(|(n, _)| *n == s))
        .map(|(_, t)| *t)
        .ok_or_else(|| {
            RuleError::new(
                ErrorCode::BadValue,
                format!("/{key}"),
                format!("`{key}` is one of {}; found {v}", names.join(", ")),
            )
        })
}

fn weight(obj: &Map<String, Value>) -> Result<u8, RuleError> {
    let v = required(obj, "weight")?;
    v.as_u64()
        .filter(|w| *w <= 100)
        .map(|w| w as u8)
        .ok_or_else(|| {
            RuleError::new(
                ErrorCode::BadValue,
                "/weight",
                format!("`weight` is a whole number from 0 to 100; found {v}"),
            )
        })
}

fn date(obj: &Map<String, Value>, key: &str) -> Result<Option<NaiveDate>, RuleError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_str()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .map(Some)
            .ok_or_else(|| {
                RuleError::new(
                    ErrorCode::BadValue,
                    format!("/{key}"),
                    format!("`{key}` is a date written YYYY-MM-DD; found {v}"),
                )
            }),
    }
}
