//! Candidate retrieval: an inverted index from token keys to the names holding them, so a
//! traveller is compared with a handful of list names instead of the whole list.
//!
//! Keys are consonant skeletons (vowel-insensitive, so romanisations meet) and, for skeletons of
//! three or more consonants, every one-deletion of them (so a typo, an extra or a missing letter
//! still shares a key, as in a symmetric-delete spelling index). Adjacent tokens written
//! together are indexed too, for names one source splits and another joins.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::names::{PreparedName, Token};

use super::phonetic_keys;

/// A multiplicative hasher for the small integer and short-string keys of the index: the
/// standard SipHash is built to resist adversarial keys, which list names are not, and costs
/// several times more in the retrieval loop.
#[derive(Default, Clone, Copy)]
pub(crate) struct QuickHasher(u64);

impl Hasher for QuickHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(n)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

pub(crate) type QuickMap<K, V> = HashMap<K, V, BuildHasherDefault<QuickHasher>>;

/// Posting lists: key → ids of the names holding it (ascending, unique).
#[derive(Debug, Default, Clone)]
pub(crate) struct Postings {
    lists: QuickMap<String, Vec<u32>>,
}

impl Postings {
    /// Records every retrieval key of `name` under `id`.
    pub(crate) fn add(&mut self, id: u32, name: &PreparedName) {
        let mut keys: Vec<String> = Vec::new();
        for token in &name.tokens {
            keys.extend(phonetic_keys(token, true));
            if let Some(core) = &token.core {
                keys.push(core_key(core));
            }
        }
        for joined in &name.joined {
            keys.extend(phonetic_keys(joined, false));
        }
        keys.sort();
        keys.dedup();
        for key in keys {
            let list = self.lists.entry(key).or_default();
            if list.last() != Some(&id) {
                list.push(id);
            }
        }
    }

    /// Names sharing enough keys with `query` to be worth scoring. A name qualifies when it
    /// shares keys with at least two of the query's words (or every word when the query or the
    /// name has only one), and when the words it shares could give a score of at least `floor`
    /// if they matched perfectly. `meaningful[id]` is the number of full words of name `id`.
    pub(crate) fn candidates(
        &self,
        query: &PreparedName,
        meaningful: &[u8],
        floor: f64,
    ) -> Vec<u32> {
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            scratch.start(meaningful.len());
            let mut words = 0u8;
            for (i, token) in query.tokens.iter().enumerate() {
                if !full_word(token) {
                    continue;
                }
                words += 1;
                let mut keys = phonetic_keys(token, true);
                if let Some(core) = &token.core {
                    keys.push(core_key(core));
                }
                // The first key is the skeleton itself: an exact match of the sound.
                self.visit(&keys[..1], i as u8, 1, true, &mut scratch);
                self.visit(&keys[1..], i as u8, 1, false, &mut scratch);
            }
            let offset = query.tokens.len() as u8;
            for (i, joined) in query.joined.iter().enumerate() {
                self.visit(
                    &phonetic_keys(joined, false),
                    offset + i as u8,
                    2,
                    true,
                    &mut scratch,
                );
            }
            let mut out: Vec<u32> = scratch
                .touched
                .iter()
                .copied()
                .filter(|&id| {
                    let have = meaningful[id as usize];
                    let matched = scratch.count[id as usize].min(words).min(have);
                    // At least one word must sound the same; the others may carry a typo.
                    scratch.exact[id as usize]
                        && matched >= 2.min(words).min(have).max(1)
                        && best_case(matched, words, have) >= floor
                })
                .collect();
            out.sort_unstable();
            out
        })
    }

    /// Counts, for every name under one of `keys`, the query word `word` once.
    fn visit(&self, keys: &[String], word: u8, worth: u8, exact: bool, scratch: &mut Scratch) {
        for key in keys {
            if let Some(list) = self.lists.get(key) {
                for &id in list {
                    scratch.hit(id as usize, word, worth, exact);
                }
            }
        }
    }

    /// Number of distinct keys (for reports).
    pub(crate) fn len(&self) -> usize {
        self.lists.len()
    }
}

/// The score two names would get if their `matched` shared words were identical, given
/// `words` and `have` full words on each side (the name score's own formula, see `names`).
fn best_case(matched: u8, words: u8, have: u8) -> f64 {
    let k = f64::from(matched);
    let (left_q, left_n) = (f64::from(words) - k, f64::from(have) - k);
    let conflicts = left_q.min(left_n);
    let missing = left_q + left_n - 2.0 * conflicts;
    let missing_cost = if matched >= 2 { 0.3 } else { 0.8 };
    2.0 * k / (2.0 * k + 2.0 * conflicts + missing * missing_cost)
}

/// Per-thread counters for retrieval, sized to the list and reused between travellers: a
/// dense array costs a few nanoseconds per posting where a hash map costs tens.
#[derive(Default)]
struct Scratch {
    stamp: Vec<u32>,
    count: Vec<u8>,
    last_word: Vec<u8>,
    exact: Vec<bool>,
    epoch: u32,
    touched: Vec<u32>,
}

impl Scratch {
    fn start(&mut self, names: usize) {
        if self.stamp.len() < names {
            self.stamp.resize(names, 0);
            self.count.resize(names, 0);
            self.last_word.resize(names, 0);
            self.exact.resize(names, false);
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.epoch = 1;
        }
        self.touched.clear();
    }

    fn hit(&mut self, id: usize, word: u8, worth: u8, exact: bool) {
        if self.stamp[id] != self.epoch {
            self.stamp[id] = self.epoch;
            self.count[id] = 0;
            self.last_word[id] = u8::MAX;
            self.exact[id] = false;
            self.touched.push(id as u32);
        }
        self.exact[id] |= exact;
        if self.last_word[id] != word {
            self.last_word[id] = word;
            self.count[id] = self.count[id].saturating_add(worth);
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// True for a token that counts as a word of its own (not a particle or an initial).
pub(crate) fn full_word(token: &Token) -> bool {
    !token.initial && token.weight >= 1.0
}

fn core_key(core: &str) -> String {
    format!("S:{}", crate::names::phonetic::skeleton(core, false))
}
