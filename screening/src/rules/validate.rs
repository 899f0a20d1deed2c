//! From untrusted JSON to a [`Condition`]: shape, catalogue, operator/type compatibility,
//! value types and formats, sensitive values, and size limits. Every error names the JSON
//! pointer of the node at fault.

use serde_json::{Map, Value};

use super::catalogue::{Field, FieldType, Format};
use super::condition::{Condition, Leaf, Op, Operand, Scalar, OPS};
use super::error::{ErrorCode, RuleError};
use super::{sensitive, text};

/// Deepest nesting of groups accepted. Real rules rarely go past three; the limit keeps the
/// recursive validator, compiler and evaluator far from the stack's end.
pub const MAX_DEPTH: usize = 8;
/// Most groups and leaves one condition may hold.
pub const MAX_NODES: usize = 200;
/// Most values in one `in` / `not_in` list.
pub const MAX_LIST: usize = 1_000;
/// Longest text constant, in characters.
const MAX_TEXT: usize = 200;

/// Validates the condition of a rule body, reporting paths under `/condition` (where the
/// condition sits in `POST /api/v1/rules` and in the rule-test body).
pub fn validate(v: &Value) -> Result<Condition, RuleError> {
    validate_at(v, "/condition")
}

/// Validates a condition found at JSON pointer `base` of some document (`""` for the root).
pub fn validate_at(v: &Value, base: &str) -> Result<Condition, RuleError> {
    let mut nodes = 0;
    node(v, base.to_string(), 1, &mut nodes)
}

fn node(v: &Value, path: String, depth: usize, nodes: &mut usize) -> Result<Condition, RuleError> {
    *nodes += 1;
    if *nodes > MAX_NODES {
        return Err(RuleError::new(
            ErrorCode::TooLarge,
            path,
            format!("a condition may hold at most {MAX_NODES} groups and leaves"),
        ));
    }
    let Some(obj) = v.as_object() else {
        return Err(RuleError::new(
            ErrorCode::BadShape,
            path,
            format!(
                "a condition is an object: {{\"all\": [...]}}, {{\"any\": [...]}}, {{\"not\": ...}} \
                 or a leaf {{\"field\", \"op\", \"value\"}}; found {}",
                kind_of(v)
            ),
        ));
    };
    let group = ["all", "any", "not"]
        .into_iter()
        .find(|k| obj.contains_key(*k));
    let Some(key) = group else {
        return leaf(obj, &path).map(Condition::Leaf);
    };
    if obj.len() != 1 {
        return Err(RuleError::new(
            ErrorCode::BadShape,
            path,
            format!(
                "a group has exactly one key (`all`, `any` or `not`); this one also has {}",
                {
                    let others: Vec<_> = obj
                        .keys()
                        .filter(|k| *k != key)
                        .map(|k| format!("`{k}`"))
                        .collect();
                    others.join(", ")
                }
            ),
        ));
    }
    if depth > MAX_DEPTH {
        return Err(RuleError::new(
            ErrorCode::TooDeep,
            path,
            format!("groups may be nested at most {MAX_DEPTH} deep"),
        ));
    }
    let inner = &obj[key];
    let inner_path = format!("{path}/{key}");
    if key == "not" {
        return Ok(Condition::Not(Box::new(node(
            inner,
            inner_path,
            depth + 1,
            nodes,
        )?)));
    }
    let Some(members) = inner.as_array() else {
        return Err(RuleError::new(
            ErrorCode::BadShape,
            inner_path,
            format!(
                "`{key}` takes a list of conditions; found {}",
                kind_of(inner)
            ),
        ));
    };
    if members.is_empty() {
        return Err(RuleError::new(
            ErrorCode::BadShape,
            inner_path,
            format!("`{key}` needs at least one condition"),
        ));
    }
    let mut out = Vec::with_capacity(members.len());
    for (i, m) in members.iter().enumerate() {
        out.push(node(m, format!("{inner_path}/{i}"), depth + 1, nodes)?);
    }
    Ok(if key == "all" {
        Condition::All(out)
    } else {
        Condition::Any(out)
    })
}

fn leaf(obj: &Map<String, Value>, path: &str) -> Result<Leaf, RuleError> {
    if let Some(k) = obj
        .keys()
        .find(|k| !matches!(k.as_str(), "field" | "op" | "value"))
    {
        return Err(RuleError::new(
            ErrorCode::BadShape,
            format!("{path}/{}", escape(k)),
            format!("unknown key `{k}`: a leaf has `field`, `op` and `value`, a group `all`, `any` or `not`"),
        ));
    }
    let field_path = format!("{path}/field");
    let name = match obj.get("field") {
        Some(Value::String(s)) => s,
        Some(other) => {
            return Err(RuleError::new(
                ErrorCode::BadShape,
                field_path,
                format!(
                    "`field` is a field name such as \"traveller.nationality\"; found {}",
                    kind_of(other)
                ),
            ))
        }
        None => {
            return Err(RuleError::new(
                ErrorCode::BadShape,
                path,
                "a leaf needs a `field`",
            ))
        }
    };
    let field = Field::from_name(name).ok_or_else(|| unknown_field(name, field_path))?;

    let op_path = format!("{path}/op");
    let op_name = match obj.get("op") {
        Some(Value::String(s)) => s,
        Some(other) => {
            return Err(RuleError::new(
                ErrorCode::BadShape,
                op_path,
                format!(
                    "`op` is an operator name such as \"eq\"; found {}",
                    kind_of(other)
                ),
            ))
        }
        None => {
            return Err(RuleError::new(
                ErrorCode::BadShape,
                path,
                "a leaf needs an `op`",
            ))
        }
    };
    let op = Op::parse(op_name).ok_or_else(|| {
        let all: Vec<&str> = OPS.iter().map(|(n, _)| *n).collect();
        RuleError::new(
            ErrorCode::UnknownOperator,
            op_path.clone(),
            format!(
                "unknown operator `{op_name}`; the operators are {}",
                all.join(", ")
            ),
        )
    })?;
    if !applies(field.ty(), op) {
        let fitting: Vec<&str> = OPS
            .iter()
            .filter(|(_, o)| applies(field.ty(), *o))
            .map(|(n, _)| *n)
            .collect();
        return Err(RuleError::new(
            ErrorCode::IncompatibleOperator,
            op_path,
            format!(
                "`{op_name}` does not apply to {} ({}); use one of {}",
                field.name(),
                type_name(field.ty()),
                fitting.join(", ")
            ),
        ));
    }
    let value = operand(field, op, obj.get("value"), &format!("{path}/value"))?;
    Ok(Leaf { field, op, value })
}

/// The operators a field of type `ty` accepts, in the language's order (for the rule editor's
/// reference beside the field catalogue).
pub fn operators_for(ty: FieldType) -> Vec<Op> {
    super::condition::OPS
        .iter()
        .map(|(_, op)| *op)
        .filter(|op| applies(ty, *op))
        .collect()
}

/// Which operators make sense for which type; the evaluator relies on this table.
pub(crate) fn applies(ty: FieldType, op: Op) -> bool {
    use Op::*;
    match ty {
        FieldType::Text => {
            matches!(
                op,
                Eq | Ne | In | NotIn | StartsWith | EndsWith | Contains | IsEmpty | IsNotEmpty
            )
        }
        FieldType::TextList => {
            matches!(
                op,
                Contains | In | NotIn | StartsWith | EndsWith | IsEmpty | IsNotEmpty
            )
        }
        FieldType::Integer | FieldType::Number | FieldType::Date => {
            matches!(
                op,
                Eq | Ne | Lt | Le | Gt | Ge | In | NotIn | Between | IsEmpty | IsNotEmpty
            )
        }
        FieldType::Boolean => matches!(op, Eq | Ne | IsEmpty | IsNotEmpty),
    }
}

fn operand(field: Field, op: Op, value: Option<&Value>, path: &str) -> Result<Operand, RuleError> {
    let bad = |p: &str, m: String| RuleError::new(ErrorCode::BadValue, p, m);
    let value = value.filter(|v| !v.is_null());
    if matches!(op, Op::IsEmpty | Op::IsNotEmpty) {
        return match value {
            None => Ok(Operand::None),
            Some(_) => Err(bad(
                path,
                format!("`{}` takes no value; remove `value`", op.as_str()),
            )),
        };
    }
    let Some(value) = value else {
        return Err(bad(path, format!("`{}` needs a value", op.as_str())));
    };
    match op {
        Op::In | Op::NotIn => {
            let Some(items) = value.as_array() else {
                return Err(bad(
                    path,
                    format!(
                        "`{}` takes a list of values; found {}",
                        op.as_str(),
                        kind_of(value)
                    ),
                ));
            };
            if items.is_empty() {
                return Err(bad(
                    path,
                    format!("`{}` needs at least one value", op.as_str()),
                ));
            }
            if items.len() > MAX_LIST {
                return Err(RuleError::new(
                    ErrorCode::TooLarge,
                    path,
                    format!("a list may hold at most {MAX_LIST} values"),
                ));
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.push(scalar(field, item, &format!("{path}/{i}"), true)?);
            }
            Ok(Operand::List(out))
        }
        Op::Between => {
            let pair = value.as_array().filter(|a| a.len() == 2).ok_or_else(|| {
                bad(
                    path,
                    format!(
                        "`between` takes a list of two values [low, high]; found {}",
                        kind_of(value)
                    ),
                )
            })?;
            let lo = scalar(field, &pair[0], &format!("{path}/0"), true)?;
            let hi = scalar(field, &pair[1], &format!("{path}/1"), true)?;
            if !scalar_le(&lo, &hi) {
                return Err(bad(
                    &format!("{path}/1"),
                    "the high end of `between` is below the low end".into(),
                ));
            }
            Ok(Operand::Range(lo, hi))
        }
        // A partial text match compares with a piece of a value, so the format of whole values
        // (three-letter codes…) does not apply; on a list it compares whole elements.
        Op::StartsWith | Op::EndsWith | Op::Contains => Ok(Operand::One(scalar(
            field,
            value,
            path,
            field.ty() == FieldType::TextList,
        )?)),
        _ => Ok(Operand::One(scalar(field, value, path, true)?)),
    }
}

fn scalar(field: Field, v: &Value, path: &str, whole: bool) -> Result<Scalar, RuleError> {
    let bad = |m: String| RuleError::new(ErrorCode::BadValue, path, m);
    match field.ty() {
        FieldType::Text | FieldType::TextList => {
            let Some(s) = v.as_str() else {
                return Err(bad(format!(
                    "{} takes text; found {}",
                    field.name(),
                    kind_of(v)
                )));
            };
            if s.chars().count() > MAX_TEXT {
                return Err(bad(format!(
                    "text values are at most {MAX_TEXT} characters"
                )));
            }
            let Some(upper) = text::normalise(s) else {
                return Err(bad(
                    "the value is empty; use `is_empty` to test for a missing value".into(),
                ));
            };
            if let Some(term) = sensitive::sensitive_term(&upper) {
                return Err(RuleError::new(
                    ErrorCode::SensitiveValue,
                    path,
                    format!(
                        "`{term}` reveals sensitive data (religion, health, disability, ethnicity or \
                         sexual life), which rules may not use"
                    ),
                ));
            }
            let canonical = if whole {
                canonical(field, upper).map_err(bad)?
            } else {
                upper
            };
            Ok(Scalar::Text(canonical))
        }
        FieldType::Integer => {
            let n = v
                .as_i64()
                .or_else(|| {
                    v.as_f64()
                        .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                        .map(|f| f as i64)
                })
                .ok_or_else(|| {
                    bad(format!(
                        "{} takes a whole number; found {}",
                        field.name(),
                        kind_of(v)
                    ))
                })?;
            if let Some((lo, hi)) = field.int_range() {
                if !(lo..=hi).contains(&n) {
                    return Err(bad(format!(
                        "{} ranges from {lo} to {hi}; {n} is outside",
                        field.name()
                    )));
                }
            }
            Ok(Scalar::Int(n))
        }
        FieldType::Number => v
            .as_f64()
            .filter(|f| f.is_finite())
            .map(Scalar::Num)
            .ok_or_else(|| {
                bad(format!(
                    "{} takes a number; found {}",
                    field.name(),
                    kind_of(v)
                ))
            }),
        FieldType::Boolean => v.as_bool().map(Scalar::Bool).ok_or_else(|| {
            bad(format!(
                "{} takes true or false; found {}",
                field.name(),
                kind_of(v)
            ))
        }),
        FieldType::Date => v
            .as_str()
            .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .map(Scalar::Date)
            .ok_or_else(|| {
                bad(format!(
                    "{} takes a date written YYYY-MM-DD; found {}",
                    field.name(),
                    kind_of(v)
                ))
            }),
    }
}

/// Checks a whole text value against the field's format and returns its canonical spelling.
fn canonical(field: Field, upper: String) -> Result<String, String> {
    let letters = |n: usize| upper.len() == n && upper.bytes().all(|b| b.is_ascii_uppercase());
    let ok = match field.info().format {
        Format::Free => true,
        Format::Country => letters(3),
        Format::Airport => letters(3),
        Format::Carrier => {
            (upper.len() == 2 && upper.bytes().all(|b| b.is_ascii_alphanumeric())) || letters(3)
        }
        Format::OneOf(values) => {
            return values
                .iter()
                .find(|v| v.eq_ignore_ascii_case(&upper))
                .map(|v| v.to_string())
                .ok_or_else(|| {
                    format!(
                        "{} is one of {}; found \"{upper}\"",
                        field.name(),
                        values.join(", ")
                    )
                });
        }
    };
    if ok {
        return Ok(upper);
    }
    let expected = match field.info().format {
        Format::Country => "an ISO 3166-1 alpha-3 country code such as \"ISL\"",
        Format::Airport => "an IATA airport code such as \"SIN\"",
        _ => "an airline designator such as \"ZZ\"",
    };
    Err(format!(
        "{} takes {expected}; found \"{upper}\"",
        field.name()
    ))
}

fn scalar_le(a: &Scalar, b: &Scalar) -> bool {
    match (a, b) {
        (Scalar::Int(a), Scalar::Int(b)) => a <= b,
        (Scalar::Num(a), Scalar::Num(b)) => a <= b,
        (Scalar::Date(a), Scalar::Date(b)) => a <= b,
        _ => true,
    }
}

fn unknown_field(name: &str, path: String) -> RuleError {
    // A near miss gets a suggestion; anything else (including every sensitive field) gets the
    // same plain refusal, so the catalogue does not hint at what it leaves out.
    // A typo costs a letter or two in a long name; a short different word (`race` / `age`)
    // is not a typo, so the allowance grows with the length of the last name part.
    let last = name.rsplit('.').next().unwrap_or(name);
    let allowance = (last.chars().count() / 4).max(1);
    let near = super::catalogue::catalogue()
        .iter()
        .map(|f| (strsim::levenshtein(f.name, name), f.name))
        .min()
        .filter(|(d, _)| *d <= allowance)
        .map(|(_, n)| format!("; did you mean `{n}`?"))
        .unwrap_or_else(|| "; see the field catalogue".to_string());
    RuleError::new(
        ErrorCode::UnknownField,
        path,
        format!("unknown field `{name}`{near}"),
    )
}

fn type_name(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Text => "text",
        FieldType::TextList => "a list of texts",
        FieldType::Integer => "a whole number",
        FieldType::Number => "a number",
        FieldType::Boolean => "true or false",
        FieldType::Date => "a date",
    }
}

fn kind_of(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.chars().count() <= 40 => format!("text \"{s}\""),
        Value::String(_) => "a long text".into(),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// Escapes a key for a JSON pointer (RFC 6901).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
