//! Many rules over many travellers: an index that skips, for each traveller, the rules they
//! cannot match, then evaluates the rest on a [`FactTable`] resolved once per traveller.
//!
//! Most targeting rules require some code (a nationality, an origin, an agency, an airport on
//! the route): `all` of leaves of which one is `eq` / `in` on codes. Such a rule is indexed by
//! that leaf's codes (its *anchor*); a traveller is checked only against the rules anchored on
//! one of their codes, plus the rules without an anchor. Skipped rules could not have matched:
//! a traveller without the code makes the anchor leaf false or unknown, and so the `all`.

use std::collections::HashMap;

use super::catalogue::Field;
use super::compile::CompiledRule;
use super::facts::{FactRef, FactSource, FactTable, Facts};
use super::text;

/// A set of compiled rules, each with a caller-chosen key (rule id and version, weight…).
#[derive(Debug, Clone)]
pub struct RuleSet<K> {
    rules: Vec<(K, CompiledRule)>,
    /// (field, code) → rules anchored on it, ascending.
    index: HashMap<(Field, u64), Vec<u32>>,
    /// The fields some rule is anchored on, each looked up once per traveller.
    fields: Vec<Field>,
    /// Rules without an anchor, evaluated for everyone.
    always: Vec<u32>,
}

/// A rule of the set that matched a traveller, with the explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleMatch<'a, K> {
    /// The caller's key of the rule.
    pub key: &'a K,
    /// Position of the rule in the set (insertion order).
    pub position: usize,
    /// The facts that made it match, as a sentence.
    pub explanation: String,
}

impl<K> RuleSet<K> {
    /// Builds the set and its index. Rule positions follow the iterator's order.
    pub fn new(rules: impl IntoIterator<Item = (K, CompiledRule)>) -> RuleSet<K> {
        let rules: Vec<(K, CompiledRule)> = rules.into_iter().collect();
        let mut index: HashMap<(Field, u64), Vec<u32>> = HashMap::new();
        let mut fields = Vec::new();
        let mut always = Vec::new();
        for (i, (_, rule)) in rules.iter().enumerate() {
            // Positions fit in u32: rule sets are thousands, not billions.
            let i = i as u32;
            match rule.anchor() {
                Some((field, codes)) => {
                    if !fields.contains(&field) {
                        fields.push(field);
                    }
                    for code in codes {
                        index.entry((field, *code)).or_default().push(i);
                    }
                }
                None => always.push(i),
            }
        }
        RuleSet {
            rules,
            index,
            fields,
            always,
        }
    }

    /// The rules, in order.
    pub fn rules(&self) -> &[(K, CompiledRule)] {
        &self.rules
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when the set holds no rule.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Positions of the rules that match the traveller, ascending. No explanation is built.
    pub fn matching(&self, facts: &Facts) -> Vec<usize> {
        let table = facts.table();
        self.candidates(&table)
            .into_iter()
            .map(|i| i as usize)
            .filter(|i| self.rules[*i].1.matches(&table))
            .collect()
    }

    /// The rules that match the traveller, in order, each with its explanation: what the
    /// screening job stores as hits.
    pub fn screen(&self, facts: &Facts) -> Vec<RuleMatch<'_, K>> {
        let table = facts.table();
        let mut out = Vec::new();
        for i in self.candidates(&table) {
            let (key, rule) = &self.rules[i as usize];
            if rule.matches(&table) {
                out.push(RuleMatch {
                    key,
                    position: i as usize,
                    explanation: rule.explain(&table),
                });
            }
        }
        out
    }

    /// The rules worth evaluating for this traveller, ascending and without repeats.
    fn candidates(&self, table: &FactTable<'_>) -> Vec<u32> {
        let mut out = self.always.clone();
        let mut lookup = |field: Field, code: u64| {
            if let Some(rules) = self.index.get(&(field, code)) {
                out.extend_from_slice(rules);
            }
        };
        for &field in &self.fields {
            match table.fact(field) {
                FactRef::Text(_) => lookup(field, table.key(field)),
                FactRef::List(items) => items.iter().for_each(|s| lookup(field, text::key(s))),
                _ => {}
            }
        }
        // A rule appears once per code the traveller has (a route through two of its
        // airports); sorting also restores rule order.
        out.sort_unstable();
        out.dedup();
        out
    }
}
