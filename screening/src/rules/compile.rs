//! A condition compiled into a typed predicate tree, evaluated per traveller with three-valued
//! logic so that missing data never makes a rule match.

use serde::{Deserialize, Serialize};

use super::condition::Condition;
use super::facts::FactSource;
use super::predicate::CompiledLeaf;

/// The outcome of a condition for one traveller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Truth {
    /// The condition holds.
    True,
    /// The condition does not hold.
    False,
    /// A field it needs is missing, so it can be neither; a rule that is unknown does not match.
    Unknown,
}

impl From<bool> for Truth {
    fn from(b: bool) -> Truth {
        if b {
            Truth::True
        } else {
            Truth::False
        }
    }
}

impl std::ops::Not for Truth {
    type Output = Truth;
    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }
}

/// A node of the compiled tree; leaves index into [`CompiledRule::leaves`] so the explanation
/// can name them in source order.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    /// The leaf is stored inline so a flat rule is one contiguous array; `index` is its
    /// position in source order.
    Leaf {
        leaf: CompiledLeaf,
        index: usize,
    },
    All(Box<[Node]>),
    Any(Box<[Node]>),
    Not(Box<Node>),
}

/// A rule condition ready to evaluate. Compile once per rule version and share it across
/// travellers and threads (`Send + Sync`).
#[derive(Debug, Clone)]
pub struct CompiledRule {
    pub(crate) root: Node,
    pub(crate) leaves: Box<[CompiledLeaf]>,
    /// Source leaves and their JSON pointers, in the same order as `leaves`, for explanations.
    pub(crate) sources: Box<[(super::condition::Leaf, String)]>,
    condition: Condition,
}

impl CompiledRule {
    /// Compiles a validated condition. Never fails: everything that could go wrong was
    /// refused by validation.
    pub fn compile(condition: &Condition) -> CompiledRule {
        let mut leaves = Vec::new();
        let mut sources = Vec::new();
        let root = build(
            condition,
            "/condition".to_string(),
            &mut leaves,
            &mut sources,
        );
        CompiledRule {
            root,
            leaves: leaves.into_boxed_slice(),
            sources: sources.into_boxed_slice(),
            condition: condition.clone(),
        }
    }

    /// The condition this rule was compiled from.
    pub fn condition(&self) -> &Condition {
        &self.condition
    }

    /// True when the condition holds for this traveller. The screening hot path: no allocation.
    /// Pass a [`Facts`](super::Facts), or its [`table`](super::Facts::table) when running many
    /// rules for one traveller.
    #[inline]
    pub fn matches<S: FactSource>(&self, facts: &S) -> bool {
        self.truth(facts) == Truth::True
    }

    /// The field and codes a traveller must have for this rule to match, when the rule is a
    /// leaf or an `all` with an equality or membership test on codes (the smallest such set).
    /// A traveller without one of the codes cannot match, so a [`RuleSet`](super::RuleSet)
    /// need not evaluate the rule for them.
    pub(crate) fn anchor(&self) -> Option<(super::Field, &[u64])> {
        fn leaf_anchor(n: &Node) -> Option<(super::Field, &[u64])> {
            match n {
                Node::Leaf { leaf, .. } => leaf.anchor().map(|a| (leaf.field, a)),
                _ => None,
            }
        }
        match &self.root {
            Node::All(members) => members
                .iter()
                .filter_map(leaf_anchor)
                .min_by_key(|(_, a)| a.len()),
            other => leaf_anchor(other),
        }
    }

    /// The three-valued outcome (unknown when missing data prevents a decision).
    #[inline]
    pub fn truth<S: FactSource>(&self, facts: &S) -> Truth {
        eval(&self.root, facts)
    }
}

/// A group member: leaves (the common case) are evaluated in place, without a recursive call.
#[inline(always)]
fn member<S: FactSource>(node: &Node, facts: &S) -> Truth {
    match node {
        Node::Leaf { leaf, .. } => leaf.eval(facts),
        other => eval(other, facts),
    }
}

fn eval<S: FactSource>(node: &Node, facts: &S) -> Truth {
    match node {
        Node::Leaf { leaf, .. } => leaf.eval(facts),
        Node::All(members) => {
            let mut result = Truth::True;
            for m in members.iter() {
                match member(m, facts) {
                    Truth::False => return Truth::False,
                    Truth::Unknown => result = Truth::Unknown,
                    Truth::True => {}
                }
            }
            result
        }
        Node::Any(members) => {
            let mut result = Truth::False;
            for m in members.iter() {
                match member(m, facts) {
                    Truth::True => return Truth::True,
                    Truth::Unknown => result = Truth::Unknown,
                    Truth::False => {}
                }
            }
            result
        }
        Node::Not(inner) => !eval(inner, facts),
    }
}

fn build(
    c: &Condition,
    path: String,
    leaves: &mut Vec<CompiledLeaf>,
    sources: &mut Vec<(super::condition::Leaf, String)>,
) -> Node {
    let group = |members: &[Condition], key: &str, leaves: &mut Vec<_>, sources: &mut Vec<_>| {
        members
            .iter()
            .enumerate()
            .map(|(i, m)| build(m, format!("{path}/{key}/{i}"), leaves, sources))
            .collect::<Box<[Node]>>()
    };
    match c {
        Condition::Leaf(leaf) => {
            let compiled = CompiledLeaf::compile(leaf);
            leaves.push(compiled.clone());
            sources.push((leaf.clone(), path));
            Node::Leaf {
                leaf: compiled,
                index: leaves.len() - 1,
            }
        }
        Condition::All(m) => {
            // Most-likely-false members first, so `all` stops early (GTAS orders its terms
            // "most restrictive first" for the same reason). Outcomes do not depend on order.
            let mut members = group(m, "all", leaves, sources);
            members.sort_by_key(rank);
            Node::All(members)
        }
        Condition::Any(m) => {
            // The mirror image: most-likely-true first.
            let mut members = group(m, "any", leaves, sources);
            members.sort_by_key(|n| std::cmp::Reverse(rank(n)));
            Node::Any(members)
        }
        Condition::Not(inner) => Node::Not(Box::new(build(
            inner,
            format!("{path}/not"),
            leaves,
            sources,
        ))),
    }
}

/// A static guess of how likely a member is to be false, cheapest and most selective first:
/// equality and membership tests on codes rarely hold; comparisons and flags hold more often;
/// negative tests (`ne`, `not_in`, `is_not_empty`) usually hold; groups cost more to evaluate.
fn rank(node: &Node) -> u8 {
    match node {
        Node::Leaf { leaf, .. } => leaf.selectivity_rank(),
        _ => 3,
    }
}
