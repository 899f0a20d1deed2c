//! Candidate retrieval: an inverted index from token keys to the names holding them, so a
//! traveller is compared with a handful of list names instead of the whole list.
//!
//! Keys are consonant skeletons (vowel-insensitive, so romanisations meet) and, for skeletons of
//! four or more consonants, every one-deletion of them (so a typo, an extra or a missing letter
//! still shares a key, as in a symmetric-delete spelling index). Adjacent tokens written
//! together are indexed too, for names one source splits and another joins.

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
    /// shares keys with at least two of the query's words, or with every word when the query
    /// or the name has only one. `meaningful[id]` is the number of full words of name `id`.
    pub(crate) fn candidates(&self, query: &PreparedName, meaningful: &[u8]) -> Vec<u32> {
        // name id → (words matched, index of the last query word that counted it)
        let mut hits: QuickMap<u32, (u8, u8)> = QuickMap::default();
        let mut words = 0u8;
        let visit = |keys: Vec<String>, word: u8, worth: u8, hits: &mut QuickMap<u32, (u8, u8)>| {
            for key in keys {
                if let Some(list) = self.lists.get(&key) {
                    for &id in list {
                        let slot = hits.entry(id).or_insert((0, u8::MAX));
                        if slot.1 != word {
                            slot.0 = slot.0.saturating_add(worth);
                            slot.1 = word;
                        }
                    }
                }
            }
        };
        for (i, token) in query.tokens.iter().enumerate() {
            if !full_word(token) {
                continue;
            }
            words += 1;
            let mut keys = phonetic_keys(token, true);
            if let Some(core) = &token.core {
                keys.push(core_key(core));
            }
            visit(keys, i as u8, 1, &mut hits);
        }
        let offset = query.tokens.len() as u8;
        for (i, joined) in query.joined.iter().enumerate() {
            visit(phonetic_keys(joined, false), offset + i as u8, 2, &mut hits);
        }
        let mut out: Vec<u32> = hits
            .into_iter()
            .filter(|(id, (count, _))| {
                let need = 2.min(words).min(meaningful[*id as usize]).max(1);
                *count >= need
            })
            .map(|(id, _)| id)
            .collect();
        out.sort_unstable();
        out
    }

    /// Number of distinct keys (for reports).
    pub(crate) fn len(&self) -> usize {
        self.lists.len()
    }
}

/// True for a token that counts as a word of its own (not a particle or an initial).
pub(crate) fn full_word(token: &Token) -> bool {
    !token.initial && token.weight >= 1.0
}

fn core_key(core: &str) -> String {
    format!("S:{}", crate::names::phonetic::skeleton(core, false))
}
