//! The validated condition tree. It serialises back to the JSON of the API (canonical form:
//! constants upper-cased, dates `YYYY-MM-DD`) and deserialises only through [`validate`], so a
//! `Condition` in memory is always valid.
//!
//! [`validate`]: super::validate

use chrono::NaiveDate;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::catalogue::Field;

/// A comparison operator of the condition language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Equal to the value.
    Eq,
    /// Not equal to the value.
    Ne,
    /// Less than.
    Lt,
    /// Less than or equal.
    Le,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Ge,
    /// One of a list (for a list field: any element is one of the list).
    In,
    /// None of a list (for a list field: no element is in the list).
    NotIn,
    /// Within `[lo, hi]`, both ends included.
    Between,
    /// Text starts with the value (for a list field: the first element is the value).
    StartsWith,
    /// Text ends with the value (for a list field: the last element is the value).
    EndsWith,
    /// Text contains the value (for a list field: some element is the value).
    Contains,
    /// The field has no value (missing or empty). Takes no value.
    IsEmpty,
    /// The field has a value. Takes no value.
    IsNotEmpty,
}

/// Every operator with its JSON name, for parsing and error messages.
pub(crate) const OPS: &[(&str, Op)] = &[
    ("eq", Op::Eq),
    ("ne", Op::Ne),
    ("lt", Op::Lt),
    ("le", Op::Le),
    ("gt", Op::Gt),
    ("ge", Op::Ge),
    ("in", Op::In),
    ("not_in", Op::NotIn),
    ("between", Op::Between),
    ("starts_with", Op::StartsWith),
    ("ends_with", Op::EndsWith),
    ("contains", Op::Contains),
    ("is_empty", Op::IsEmpty),
    ("is_not_empty", Op::IsNotEmpty),
];

impl Op {
    /// The operator's JSON name.
    pub fn as_str(self) -> &'static str {
        OPS.iter()
            .find(|(_, op)| *op == self)
            .map(|(name, _)| *name)
            .unwrap_or("?")
    }

    /// Parses a JSON name; `None` for anything else.
    pub fn parse(name: &str) -> Option<Op> {
        OPS.iter().find(|(n, _)| *n == name).map(|(_, op)| *op)
    }
}

/// One typed constant of a leaf.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// Text, already in canonical case (upper case, or the catalogue's spelling for closed lists).
    Text(String),
    /// Whole number.
    Int(i64),
    /// Decimal number.
    Num(f64),
    /// Yes or no.
    Bool(bool),
    /// Calendar date.
    Date(NaiveDate),
}

/// The value part of a leaf, shaped by its operator.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// `is_empty` / `is_not_empty` take no value.
    None,
    /// One constant.
    One(Scalar),
    /// `in` / `not_in`: a non-empty list.
    List(Vec<Scalar>),
    /// `between`: both ends included, `lo <= hi`.
    Range(Scalar, Scalar),
}

/// A leaf `{"field", "op", "value"}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaf {
    /// The catalogue field tested.
    pub field: Field,
    /// The operator.
    pub op: Op,
    /// The typed value.
    pub value: Operand,
}

/// A validated condition: a group or a leaf.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// Every member holds.
    All(Vec<Condition>),
    /// At least one member holds.
    Any(Vec<Condition>),
    /// The member does not hold.
    Not(Box<Condition>),
    /// A single test.
    Leaf(Leaf),
}

impl Condition {
    /// Number of leaves, for statistics and ordering.
    pub fn leaf_count(&self) -> usize {
        match self {
            Condition::All(c) | Condition::Any(c) => c.iter().map(Condition::leaf_count).sum(),
            Condition::Not(c) => c.leaf_count(),
            Condition::Leaf(_) => 1,
        }
    }

    /// The fields the condition reads, for documentation and impact analysis of a rule change.
    pub fn fields(&self) -> Vec<Field> {
        let mut out = Vec::new();
        self.collect_fields(&mut out);
        out
    }

    fn collect_fields(&self, out: &mut Vec<Field>) {
        match self {
            Condition::All(c) | Condition::Any(c) => c.iter().for_each(|c| c.collect_fields(out)),
            Condition::Not(c) => c.collect_fields(out),
            Condition::Leaf(l) => {
                if !out.contains(&l.field) {
                    out.push(l.field);
                }
            }
        }
    }
}

impl Serialize for Scalar {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Scalar::Text(t) => s.serialize_str(t),
            Scalar::Int(i) => s.serialize_i64(*i),
            Scalar::Num(n) => s.serialize_f64(*n),
            Scalar::Bool(b) => s.serialize_bool(*b),
            Scalar::Date(d) => s.collect_str(&d.format("%Y-%m-%d")),
        }
    }
}

impl Serialize for Operand {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Operand::None => s.serialize_none(),
            Operand::One(v) => v.serialize(s),
            Operand::List(vs) => vs.serialize(s),
            Operand::Range(lo, hi) => [lo, hi].serialize(s),
        }
    }
}

impl Serialize for Leaf {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let with_value = !matches!(self.value, Operand::None);
        let mut map = s.serialize_map(Some(2 + usize::from(with_value)))?;
        map.serialize_entry("field", self.field.name())?;
        map.serialize_entry("op", &self.op)?;
        if with_value {
            map.serialize_entry("value", &self.value)?;
        }
        map.end()
    }
}

impl Serialize for Condition {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Condition::Leaf(leaf) => leaf.serialize(s),
            group => {
                let mut map = s.serialize_map(Some(1))?;
                match group {
                    Condition::All(c) => map.serialize_entry("all", c)?,
                    Condition::Any(c) => map.serialize_entry("any", c)?,
                    Condition::Not(c) => map.serialize_entry("not", c)?,
                    Condition::Leaf(_) => unreachable!("handled above"),
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Condition {
    /// Reads a stored condition through the same validation as the API, so that a catalogue
    /// change that invalidates an old rule is noticed when it is loaded, not when it runs.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        super::validate::validate_at(&value, "").map_err(serde::de::Error::custom)
    }
}
