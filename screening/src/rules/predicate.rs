//! A leaf compiled for speed: constants pre-sorted and converted to the comparison domain, so
//! evaluation is a field read and a comparison, with no allocation.

use super::catalogue::{Field, FieldType};
use super::compile::Truth;
use super::condition::{Leaf, Op, Operand, Scalar};
use super::facts::{day_number, FactRef, FactSource};
use super::text;

/// The test a compiled leaf applies to its field's value.
#[derive(Debug, Clone)]
pub(crate) enum Pred {
    IsEmpty,
    IsNotEmpty,
    // Short constants (codes) compare as packed integer keys; see `text::key`.
    KeyEq(u64),
    KeyNe(u64),
    KeyIn(Box<[u64]>),
    KeyNotIn(Box<[u64]>),
    ListHasKey(u64),
    ListAnyKey(Box<[u64]>),
    ListNoneKey(Box<[u64]>),
    TextEq(Box<str>),
    TextNe(Box<str>),
    TextIn(Box<[Box<str>]>),
    TextNotIn(Box<[Box<str>]>),
    StartsWith(Box<str>),
    EndsWith(Box<str>),
    Contains(Box<str>),
    ListHas(Box<str>),
    ListAnyIn(Box<[Box<str>]>),
    ListNoneIn(Box<[Box<str>]>),
    ListFirst(Box<str>),
    ListLast(Box<str>),
    Eq(f64),
    Ne(f64),
    Lt(f64),
    Le(f64),
    Gt(f64),
    Ge(f64),
    NumIn(Box<[f64]>),
    NumNotIn(Box<[f64]>),
    Between(f64, f64),
    BoolEq(bool),
}

/// A compiled leaf: the field to read and the test.
#[derive(Debug, Clone)]
pub(crate) struct CompiledLeaf {
    pub field: Field,
    pub pred: Pred,
}

fn num(s: &Scalar) -> f64 {
    match s {
        Scalar::Int(i) => *i as f64,
        Scalar::Num(n) => *n,
        Scalar::Date(d) => day_number(*d),
        // Validation guarantees numeric fields get numeric constants; NaN never compares true.
        Scalar::Text(_) | Scalar::Bool(_) => f64::NAN,
    }
}

fn txt(s: &Scalar) -> Box<str> {
    match s {
        Scalar::Text(t) => t.as_str().into(),
        _ => "".into(),
    }
}

fn text_set(list: &[Scalar]) -> Box<[Box<str>]> {
    let mut set: Vec<Box<str>> = list.iter().map(txt).collect();
    set.sort_by(|a, b| text::cmp(a, b));
    set.dedup_by(|a, b| text::eq(a, b));
    set.into_boxed_slice()
}

/// The sorted keys of a text list, or `None` when some value is too long for a key.
fn key_set(list: &[Scalar]) -> Option<Box<[u64]>> {
    let mut keys: Vec<u64> = list.iter().map(|s| text::key(&txt(s))).collect();
    if keys.contains(&0) {
        return None;
    }
    keys.sort_unstable();
    keys.dedup();
    Some(keys.into_boxed_slice())
}

fn key_of(s: &Scalar) -> Option<u64> {
    Some(text::key(&txt(s))).filter(|k| *k != 0)
}

fn num_set(list: &[Scalar]) -> Box<[f64]> {
    let mut set: Vec<f64> = list.iter().map(num).collect();
    set.sort_by(f64::total_cmp);
    set.dedup();
    set.into_boxed_slice()
}

impl CompiledLeaf {
    /// Compiles a validated leaf. Validation has already matched operator, type and value shape,
    /// so every combination reaching the fallback arm is impossible; it compiles to a test that
    /// is never true rather than panicking.
    pub fn compile(leaf: &Leaf) -> CompiledLeaf {
        use FieldType as T;
        let ty = leaf.field.ty();
        let pred = match (ty, leaf.op, &leaf.value) {
            (_, Op::IsEmpty, _) => Pred::IsEmpty,
            (T::Text, Op::Eq, Operand::One(v)) if key_of(v).is_some() => {
                Pred::KeyEq(key_of(v).unwrap_or(0))
            }
            (T::Text, Op::Ne, Operand::One(v)) if key_of(v).is_some() => {
                Pred::KeyNe(key_of(v).unwrap_or(0))
            }
            (T::Text, Op::In, Operand::List(l)) if key_set(l).is_some() => {
                Pred::KeyIn(key_set(l).unwrap_or_default())
            }
            (T::Text, Op::NotIn, Operand::List(l)) if key_set(l).is_some() => {
                Pred::KeyNotIn(key_set(l).unwrap_or_default())
            }
            (T::TextList, Op::Contains, Operand::One(v)) if key_of(v).is_some() => {
                Pred::ListHasKey(key_of(v).unwrap_or(0))
            }
            (T::TextList, Op::In, Operand::List(l)) if key_set(l).is_some() => {
                Pred::ListAnyKey(key_set(l).unwrap_or_default())
            }
            (T::TextList, Op::NotIn, Operand::List(l)) if key_set(l).is_some() => {
                Pred::ListNoneKey(key_set(l).unwrap_or_default())
            }
            (_, Op::IsNotEmpty, _) => Pred::IsNotEmpty,
            (T::Text, Op::Eq, Operand::One(v)) => Pred::TextEq(txt(v)),
            (T::Text, Op::Ne, Operand::One(v)) => Pred::TextNe(txt(v)),
            (T::Text, Op::In, Operand::List(l)) => Pred::TextIn(text_set(l)),
            (T::Text, Op::NotIn, Operand::List(l)) => Pred::TextNotIn(text_set(l)),
            (T::Text, Op::StartsWith, Operand::One(v)) => Pred::StartsWith(txt(v)),
            (T::Text, Op::EndsWith, Operand::One(v)) => Pred::EndsWith(txt(v)),
            (T::Text, Op::Contains, Operand::One(v)) => Pred::Contains(txt(v)),
            (T::TextList, Op::Contains, Operand::One(v)) => Pred::ListHas(txt(v)),
            (T::TextList, Op::In, Operand::List(l)) => Pred::ListAnyIn(text_set(l)),
            (T::TextList, Op::NotIn, Operand::List(l)) => Pred::ListNoneIn(text_set(l)),
            (T::TextList, Op::StartsWith, Operand::One(v)) => Pred::ListFirst(txt(v)),
            (T::TextList, Op::EndsWith, Operand::One(v)) => Pred::ListLast(txt(v)),
            (T::Boolean, Op::Eq, Operand::One(Scalar::Bool(b))) => Pred::BoolEq(*b),
            (T::Boolean, Op::Ne, Operand::One(Scalar::Bool(b))) => Pred::BoolEq(!*b),
            (_, Op::Eq, Operand::One(v)) => Pred::Eq(num(v)),
            (_, Op::Ne, Operand::One(v)) => Pred::Ne(num(v)),
            (_, Op::Lt, Operand::One(v)) => Pred::Lt(num(v)),
            (_, Op::Le, Operand::One(v)) => Pred::Le(num(v)),
            (_, Op::Gt, Operand::One(v)) => Pred::Gt(num(v)),
            (_, Op::Ge, Operand::One(v)) => Pred::Ge(num(v)),
            (_, Op::In, Operand::List(l)) => Pred::NumIn(num_set(l)),
            (_, Op::NotIn, Operand::List(l)) => Pred::NumNotIn(num_set(l)),
            (_, Op::Between, Operand::Range(lo, hi)) => Pred::Between(num(lo), num(hi)),
            _ => Pred::NumIn(Box::new([])),
        };
        CompiledLeaf {
            field: leaf.field,
            pred,
        }
    }

    /// The codes this leaf requires the field to hold (one of), when it is an equality or
    /// membership test on codes: the anchor by which a rule set indexes the rule.
    pub fn anchor(&self) -> Option<&[u64]> {
        match &self.pred {
            Pred::KeyEq(c) | Pred::ListHasKey(c) => Some(std::slice::from_ref(c)),
            Pred::KeyIn(set) | Pred::ListAnyKey(set) => Some(set),
            _ => None,
        }
    }

    /// Ordering hint for `all` groups: 0 for tests that rarely hold, 2 for tests that usually do.
    pub fn selectivity_rank(&self) -> u8 {
        match self.pred {
            Pred::IsNotEmpty
            | Pred::KeyNe(_)
            | Pred::KeyNotIn(_)
            | Pred::TextNe(_)
            | Pred::TextNotIn(_)
            | Pred::ListNoneKey(_)
            | Pred::ListNoneIn(_)
            | Pred::Ne(_)
            | Pred::NumNotIn(_) => 2,
            Pred::Lt(_)
            | Pred::Le(_)
            | Pred::Gt(_)
            | Pred::Ge(_)
            | Pred::Between(..)
            | Pred::BoolEq(_)
            | Pred::IsEmpty => 1,
            _ => 0,
        }
    }

    /// Evaluates the leaf for one traveller: unknown when the field has no value (except for
    /// the emptiness tests, which are about exactly that). One dispatch on the predicate: the
    /// common numeric, boolean and code comparisons finish in their own arm.
    #[inline]
    pub fn eval<S: FactSource>(&self, facts: &S) -> Truth {
        let f = self.field;
        // A macro rather than a closure taking `&dyn Fn`, so each comparison stays inline.
        macro_rules! num {
            (|$n:ident| $test:expr) => {
                match facts.fact(f) {
                    FactRef::Num($n) => Truth::from($test),
                    _ => Truth::Unknown,
                }
            };
        }
        match &self.pred {
            Pred::KeyEq(c) => match facts.key(f) {
                0 => self.general(facts),
                k => Truth::from(k == *c),
            },
            Pred::KeyNe(c) => match facts.key(f) {
                0 => self.general(facts),
                k => Truth::from(k != *c),
            },
            Pred::KeyIn(set) => match facts.key(f) {
                0 => self.general(facts),
                k => Truth::from(text::in_keys(set, k)),
            },
            Pred::KeyNotIn(set) => match facts.key(f) {
                0 => self.general(facts),
                k => Truth::from(!text::in_keys(set, k)),
            },
            Pred::Eq(c) => num!(|n| n == *c),
            Pred::Ne(c) => num!(|n| n != *c),
            Pred::Lt(c) => num!(|n| n < *c),
            Pred::Le(c) => num!(|n| n <= *c),
            Pred::Gt(c) => num!(|n| n > *c),
            Pred::Ge(c) => num!(|n| n >= *c),
            Pred::Between(lo, hi) => num!(|n| *lo <= n && n <= *hi),
            Pred::BoolEq(b) => match facts.fact(f) {
                FactRef::Bool(v) => Truth::from(v == *b),
                _ => Truth::Unknown,
            },
            _ => self.general(facts),
        }
    }

    /// Every predicate, from the field's value; the fast arms above fall back here when the
    /// value is missing or too long for a key.
    fn general<S: FactSource>(&self, facts: &S) -> Truth {
        let fact = facts.fact(self.field);
        let empty = match fact {
            FactRef::Missing => true,
            FactRef::List(l) => l.is_empty(),
            _ => false,
        };
        match self.pred {
            Pred::IsEmpty => Truth::from(empty),
            Pred::IsNotEmpty => Truth::from(!empty),
            _ if matches!(fact, FactRef::Missing) => Truth::Unknown,
            _ => Truth::from(self.test(fact)),
        }
    }

    fn test(&self, fact: FactRef<'_>) -> bool {
        match (&self.pred, fact) {
            // Reached with a text too long for a key, which cannot equal a short constant.
            (Pred::KeyEq(_) | Pred::KeyIn(_), FactRef::Text(_)) => false,
            (Pred::KeyNe(_) | Pred::KeyNotIn(_), FactRef::Text(_)) => true,
            (Pred::ListHasKey(c), FactRef::List(l)) => l.iter().any(|s| text::key(s) == *c),
            (Pred::ListAnyKey(set), FactRef::List(l)) => {
                l.iter().any(|s| text::in_keys(set, text::key(s)))
            }
            (Pred::ListNoneKey(set), FactRef::List(l)) => {
                !l.iter().any(|s| text::in_keys(set, text::key(s)))
            }
            (Pred::TextEq(c), FactRef::Text(s)) => text::eq(s, c),
            (Pred::TextNe(c), FactRef::Text(s)) => !text::eq(s, c),
            (Pred::TextIn(set), FactRef::Text(s)) => text::in_sorted(set, s),
            (Pred::TextNotIn(set), FactRef::Text(s)) => !text::in_sorted(set, s),
            (Pred::StartsWith(c), FactRef::Text(s)) => text::starts_with(s, c),
            (Pred::EndsWith(c), FactRef::Text(s)) => text::ends_with(s, c),
            (Pred::Contains(c), FactRef::Text(s)) => text::contains(s, c),
            (Pred::ListHas(c), FactRef::List(l)) => l.iter().any(|s| text::eq(s, c)),
            (Pred::ListAnyIn(set), FactRef::List(l)) => l.iter().any(|s| text::in_sorted(set, s)),
            (Pred::ListNoneIn(set), FactRef::List(l)) => !l.iter().any(|s| text::in_sorted(set, s)),
            (Pred::ListFirst(c), FactRef::List(l)) => l.first().is_some_and(|s| text::eq(s, c)),
            (Pred::ListLast(c), FactRef::List(l)) => l.last().is_some_and(|s| text::eq(s, c)),
            (Pred::Eq(c), FactRef::Num(n)) => n == *c,
            (Pred::Ne(c), FactRef::Num(n)) => n != *c,
            (Pred::Lt(c), FactRef::Num(n)) => n < *c,
            (Pred::Le(c), FactRef::Num(n)) => n <= *c,
            (Pred::Gt(c), FactRef::Num(n)) => n > *c,
            (Pred::Ge(c), FactRef::Num(n)) => n >= *c,
            (Pred::NumIn(set), FactRef::Num(n)) => in_nums(set, n),
            (Pred::NumNotIn(set), FactRef::Num(n)) => !in_nums(set, n),
            (Pred::Between(lo, hi), FactRef::Num(n)) => *lo <= n && n <= *hi,
            (Pred::BoolEq(b), FactRef::Bool(v)) => v == *b,
            // A fact of another shape than the field's type cannot occur: `Facts::get` returns
            // the catalogue type for each field.
            _ => false,
        }
    }
}

fn in_nums(set: &[f64], n: f64) -> bool {
    // Whole numbers and day counts only, so `total_cmp` equality is numeric equality.
    set.binary_search_by(|c| c.total_cmp(&n)).is_ok()
}
