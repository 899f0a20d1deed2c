//! Explanations: which leaves decided a rule's outcome for a traveller, in a sentence an
//! officer reads ("nationality is ISL (in [ISL]) and origin is SIN").

use std::fmt::Write;

use chrono::NaiveDate;
use serde::Serialize;

use super::catalogue::{Field, FieldType};
use super::compile::{CompiledRule, Node, Truth};
use super::condition::{Leaf, Op, Operand, Scalar};
use super::facts::{FactRef, FactSource};

/// Lists longer than this are shortened in explanations.
const LIST_SHOWN: usize = 8;

/// The outcome of one rule for one traveller, with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// The rule matched (its condition is true; unknown does not match).
    pub matched: bool,
    /// The three-valued outcome.
    pub truth: Truth,
    /// The facts that decided the outcome, as one sentence: for a match, the leaves that were
    /// true; otherwise the leaves that were false (or unknown, naming the missing data).
    pub explanation: String,
    /// Every leaf in source order with its outcome, for the rule editor's "test" view.
    pub leaves: Vec<LeafOutcome>,
}

/// The outcome of one leaf.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeafOutcome {
    /// JSON pointer of the leaf in the rule body (`/condition/all/0`).
    pub path: String,
    /// The field tested.
    pub field: &'static str,
    /// The leaf's outcome.
    pub truth: Truth,
    /// What the leaf found, e.g. `nationality is ISL (in [ISL])` or `agency is not known`.
    pub text: String,
}

impl CompiledRule {
    /// Evaluates the rule and explains the outcome leaf by leaf, for the rule editor's "test
    /// against a traveller". On the screening path use [`CompiledRule::explain`].
    pub fn evaluate<S: FactSource>(&self, facts: &S) -> Evaluation {
        let truths: Vec<Truth> = self.leaves.iter().map(|l| l.eval(facts)).collect();
        let leaves = self
            .sources
            .iter()
            .zip(&truths)
            .map(|((leaf, path), truth)| {
                let mut text = String::new();
                describe(&mut text, leaf, facts.fact(leaf.field), *truth);
                LeafOutcome {
                    path: path.clone(),
                    field: leaf.field.name(),
                    truth: *truth,
                    text,
                }
            })
            .collect();
        let truth = node_truth(&self.root, &truths);
        Evaluation {
            matched: truth == Truth::True,
            truth,
            explanation: self.sentence(facts, &truths),
            leaves,
        }
    }

    /// The explanation sentence alone: the facts that decided the outcome. Cheap enough to
    /// call for every rule that [`CompiledRule::matches`] (one buffer, a few small allocations).
    pub fn explain<S: FactSource>(&self, facts: &S) -> String {
        let n = self.leaves.len();
        // Rules rarely have more than a handful of leaves: keep the scratch space on the stack.
        if n <= STACK_LEAVES {
            let mut truths = [Truth::Unknown; STACK_LEAVES];
            self.leaves
                .iter()
                .zip(truths.iter_mut())
                .for_each(|(l, t)| *t = l.eval(facts));
            self.sentence(facts, &truths[..n])
        } else {
            let truths: Vec<Truth> = self.leaves.iter().map(|l| l.eval(facts)).collect();
            self.sentence(facts, &truths)
        }
    }

    fn sentence<S: FactSource>(&self, facts: &S, truths: &[Truth]) -> String {
        let mut stack = [false; STACK_LEAVES];
        let mut heap = Vec::new();
        let deciding: &mut [bool] = if truths.len() <= STACK_LEAVES {
            &mut stack[..truths.len()]
        } else {
            heap.resize(truths.len(), false);
            &mut heap
        };
        mark(&self.root, truths, deciding);
        let count = deciding.iter().filter(|d| **d).count();
        let mut out = String::with_capacity(48 * count);
        // Source order, whatever order compilation gave the members for speed.
        for (n, (i, _)) in deciding.iter().enumerate().filter(|(_, d)| **d).enumerate() {
            // "a", "a and b", "a, b and c".
            if n > 0 {
                out.push_str(if n + 1 == count { " and " } else { ", " });
            }
            let (leaf, _) = &self.sources[i];
            describe(&mut out, leaf, facts.fact(leaf.field), truths[i]);
        }
        out
    }
}

/// Leaves up to which explanation scratch space lives on the stack.
const STACK_LEAVES: usize = 32;

/// A node's outcome from its leaves' outcomes (the same three-valued logic as evaluation).
fn node_truth(node: &Node, truths: &[Truth]) -> Truth {
    match node {
        Node::Leaf { index, .. } => truths[*index],
        Node::Not(inner) => !node_truth(inner, truths),
        Node::All(members) => {
            let mut t = Truth::True;
            for m in members.iter() {
                match node_truth(m, truths) {
                    Truth::False => return Truth::False,
                    Truth::Unknown => t = Truth::Unknown,
                    Truth::True => {}
                }
            }
            t
        }
        Node::Any(members) => {
            let mut t = Truth::False;
            for m in members.iter() {
                match node_truth(m, truths) {
                    Truth::True => return Truth::True,
                    Truth::Unknown => t = Truth::Unknown,
                    Truth::False => {}
                }
            }
            t
        }
    }
}

/// Marks the leaves that decided a node: the members whose outcome equals the group's (for
/// a true `all`, every member; for a false one, the false members; for a true `any`, the true
/// members…), recursively. Trees are small, so recomputing member outcomes is cheap.
fn mark(node: &Node, truths: &[Truth], out: &mut [bool]) {
    match node {
        Node::Leaf { index, .. } => out[*index] = true,
        Node::Not(inner) => mark(inner, truths, out),
        Node::All(members) | Node::Any(members) => {
            let t = node_truth(node, truths);
            for m in members.iter() {
                if node_truth(m, truths) == t {
                    mark(m, truths, out);
                }
            }
        }
    }
}

/// Writes what one leaf found, phrased by its own outcome.
pub(crate) fn describe(out: &mut String, leaf: &Leaf, fact: FactRef<'_>, truth: Truth) {
    let field = leaf.field;
    let label = field.info().label;
    match fact {
        FactRef::Missing => {
            let _ = write!(out, "{label} is not known");
            return;
        }
        FactRef::List([]) => {
            let _ = write!(out, "{label} is empty");
            return;
        }
        FactRef::Bool(b) => {
            let (yes, no) = field.bool_phrases();
            out.push_str(if b { yes } else { no });
            return;
        }
        _ => {}
    }
    out.push_str(label);
    out.push_str(" is ");
    show_fact(out, field, fact);
    relation(out, leaf, truth == Truth::True);
}

/// Writes the comparison in words in parentheses, e.g. " (in [ISL])" or " (not less than 3)";
/// nothing when the plain value says it all (a true `eq`).
fn relation(out: &mut String, leaf: &Leaf, holds: bool) {
    let field = leaf.field;
    let is_list = field.ty() == FieldType::TextList;
    let is_date = field.ty() == FieldType::Date;
    let pick = |yes: &'static str, no: &'static str| if holds { yes } else { no };
    let words = match (leaf.op, is_list) {
        (Op::Eq, _) if holds => return,
        (Op::Ne, _) if !holds => return,
        (Op::IsEmpty | Op::IsNotEmpty, _) => return,
        (Op::Eq | Op::Ne, _) => "not",
        (Op::In, false) => pick("in", "not in"),
        (Op::NotIn, false) => pick("not in", "in"),
        (Op::In, true) => pick("includes one of", "includes none of"),
        (Op::NotIn, true) => pick("includes none of", "includes one of"),
        (Op::Contains, true) => pick("includes", "does not include"),
        (Op::StartsWith, true) => pick("starts at", "does not start at"),
        (Op::EndsWith, true) => pick("ends at", "does not end at"),
        (Op::Contains, false) => pick("contains", "does not contain"),
        (Op::StartsWith, false) => pick("starts with", "does not start with"),
        (Op::EndsWith, false) => pick("ends with", "does not end with"),
        (Op::Lt, _) if is_date => pick("before", "not before"),
        (Op::Le, _) if is_date => pick("on or before", "after"),
        (Op::Gt, _) if is_date => pick("after", "not after"),
        (Op::Ge, _) if is_date => pick("on or after", "before"),
        (Op::Lt, _) => pick("less than", "not less than"),
        (Op::Le, _) => pick("at most", "more than"),
        (Op::Gt, _) => pick("more than", "not more than"),
        (Op::Ge, _) => pick("at least", "less than"),
        (Op::Between, _) => pick("between", "not between"),
    };
    let _ = write!(out, " ({words} ");
    match &leaf.value {
        Operand::One(v) => show_scalar(out, field, v),
        Operand::List(list) => {
            out.push('[');
            for (i, v) in list.iter().take(LIST_SHOWN).enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                show_scalar(out, field, v);
            }
            if list.len() > LIST_SHOWN {
                let _ = write!(out, ", … {} more", list.len() - LIST_SHOWN);
            }
            out.push(']');
        }
        Operand::Range(lo, hi) => {
            show_scalar(out, field, lo);
            out.push_str(" and ");
            show_scalar(out, field, hi);
        }
        Operand::None => {}
    }
    out.push(')');
}

fn show_fact(out: &mut String, field: Field, fact: FactRef<'_>) {
    match fact {
        FactRef::Missing => out.push_str("not known"),
        FactRef::Text(s) => out.push_str(s),
        FactRef::List(l) => {
            for (i, s) in l.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(s);
            }
        }
        FactRef::Bool(b) => out.push_str(if b { "yes" } else { "no" }),
        FactRef::Num(n) => match field.ty() {
            FieldType::Date => show_date(out, n),
            FieldType::Integer => with_unit(out, field, n as i64),
            _ => {
                let _ = write!(out, "{n}");
            }
        },
    }
}

fn show_scalar(out: &mut String, field: Field, s: &Scalar) {
    match s {
        Scalar::Text(t) => out.push_str(t),
        Scalar::Int(i) => with_unit(out, field, *i),
        Scalar::Num(n) => {
            let _ = write!(out, "{n}");
        }
        Scalar::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Scalar::Date(d) => {
            let _ = write!(out, "{}", d.format("%Y-%m-%d"));
        }
    }
}

fn with_unit(out: &mut String, field: Field, n: i64) {
    let _ = match field.info().unit {
        "" => write!(out, "{n}"),
        unit if n == 1 || n == -1 => write!(out, "{n} {unit}"),
        unit => write!(out, "{n} {unit}s"),
    };
}

fn show_date(out: &mut String, days: f64) {
    let _ = match NaiveDate::from_num_days_from_ce_opt(days as i32) {
        Some(d) => write!(out, "{}", d.format("%Y-%m-%d")),
        None => write!(out, "{days}"),
    };
}
