//! The one error type of rule validation, serialised as the `422` body of `POST /api/v1/rules`.

use serde::{Deserialize, Serialize};

/// Machine-readable reason a rule was refused. The JSON spelling (snake_case) is part of the API
/// contract and pinned by a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The JSON is not the expected shape (not an object, a group with two keys, an empty group…).
    BadShape,
    /// A required property of the rule body is absent (`name`, `weight`, `condition`…).
    MissingProperty,
    /// The rule body has a property this version does not know (often a typo).
    UnknownProperty,
    /// The field is not in the catalogue. Sensitive fields are refused with this code too.
    UnknownField,
    /// The operator is not one of the condition language's operators.
    UnknownOperator,
    /// The operator exists but does not apply to the field's type (`lt` on a name).
    IncompatibleOperator,
    /// The value has the wrong type, format or range for the field and operator.
    BadValue,
    /// The value would reveal sensitive data (religious or medical SSR codes, such keywords).
    SensitiveValue,
    /// Groups are nested deeper than [`crate::rules::MAX_DEPTH`].
    TooDeep,
    /// The condition has more nodes than [`crate::rules::MAX_NODES`] or a list is too long.
    TooLarge,
}

impl ErrorCode {
    /// The code as it appears in JSON, for logs and metrics labels.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadShape => "bad_shape",
            ErrorCode::MissingProperty => "missing_property",
            ErrorCode::UnknownProperty => "unknown_property",
            ErrorCode::UnknownField => "unknown_field",
            ErrorCode::UnknownOperator => "unknown_operator",
            ErrorCode::IncompatibleOperator => "incompatible_operator",
            ErrorCode::BadValue => "bad_value",
            ErrorCode::SensitiveValue => "sensitive_value",
            ErrorCode::TooDeep => "too_deep",
            ErrorCode::TooLarge => "too_large",
        }
    }
}

/// Why a rule was refused: the code, the JSON pointer of the offending node in the request body
/// (e.g. `/condition/all/0/op`) and a sentence for the analyst who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message} (at {path})")]
pub struct RuleError {
    /// What kind of problem it is.
    pub code: ErrorCode,
    /// JSON pointer (RFC 6901) into the request body; empty for the body itself.
    pub path: String,
    /// A sentence an analyst understands, naming the accepted alternatives where useful.
    pub message: String,
}

impl RuleError {
    /// Builds an error; used throughout validation.
    pub(crate) fn new(
        code: ErrorCode,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        RuleError {
            code,
            path: path.into(),
            message: message.into(),
        }
    }
}
