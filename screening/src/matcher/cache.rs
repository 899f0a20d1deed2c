//! List words interned once at build, and the per-traveller cache of token similarities.
//!
//! List names share most of their words (thousands of MUHAMMAD, ALI, HASSAN), so each distinct
//! list word is prepared once and names refer to it by id; the pairs (traveller word, list
//! word) then repeat across candidates, and each is computed once per traveller.

use std::cell::RefCell;

use crate::names::similarity::token_similarity;
use crate::names::{PreparedName, Token, TokenSimilarity, MAX_TOKENS};

use super::index::QuickMap;

/// Query token ids: tokens are numbered from 1, joined pairs from this base.
const JOINED_BASE: u32 = 1001;

/// Distinct list words. Id `i + 1` is `words[i]` (0 stays "not numbered").
#[derive(Debug, Default, Clone)]
pub(crate) struct Vocabulary {
    words: Vec<Token>,
}

/// What makes two list words interchangeable for scoring: spelling, script, core, weight.
type WordKey = (String, bool, Option<String>, u64);

/// Interning table, dropped once the index is built.
#[derive(Default)]
pub(crate) struct Interner {
    ids: QuickMap<WordKey, u32>,
}

impl Vocabulary {
    /// The word with id `id` (ids start at 1).
    pub(crate) fn get(&self, id: u32) -> &Token {
        &self.words[id as usize - 1]
    }

    /// Number of distinct words; ids run from 1 to this.
    pub(crate) fn len(&self) -> usize {
        self.words.len()
    }

    /// Interns `token` and returns its id. The occurrence's `family` flag is not kept: it does
    /// not enter the score.
    pub(crate) fn intern(&mut self, interner: &mut Interner, token: &Token) -> u32 {
        let key = (
            token.text.clone(),
            token.abjad,
            token.core.clone(),
            token.weight.to_bits(),
        );
        let next = self.words.len() as u32 + 1;
        let id = *interner.ids.entry(key).or_insert(next);
        if id == next {
            let mut word = token.clone();
            word.id = id;
            word.family = false;
            self.words.push(word);
        }
        id
    }

    /// Renumbers the words in the order of their consonant skeletons (then spellings), and
    /// returns each old id's new one (`renumbered[old]`, 0 kept for 0). The words one query word
    /// reaches share a skeleton or nearly (a deletion key), so in this order they, their records
    /// and their names lie close together in memory rather than scattered by the order in which
    /// the list first used them: fewer cache misses per word met on a list of millions. Which
    /// number a word has changes nothing else.
    pub(crate) fn sort_by_skeleton(&mut self) -> Vec<u32> {
        // On the first eight letters of each, packed in integers: close enough an order for
        // memory, and no string comparison (the sort is part of the build of a list of millions).
        let mut keyed: Vec<(u64, u64, u32)> = self
            .words
            .iter()
            .enumerate()
            .map(|(i, w)| (order_key(&w.skeleton), order_key(&w.text), i as u32))
            .collect();
        keyed.sort_unstable();
        let order: Vec<u32> = keyed.into_iter().map(|(_, _, i)| i).collect();
        let mut renumbered = vec![0u32; self.words.len() + 1];
        for (rank, &old) in order.iter().enumerate() {
            renumbered[old as usize + 1] = rank as u32 + 1;
        }
        // Moved, not copied: copying the spellings too, to lay them out in the new order, cost
        // 2–3 s of build and 100 MiB on 2.25 million names for no gain measured in screening.
        let mut old: Vec<Option<Token>> = std::mem::take(&mut self.words)
            .into_iter()
            .map(Some)
            .collect();
        self.words = order
            .iter()
            .enumerate()
            .filter_map(|(rank, &i)| {
                let mut word = old[i as usize].take()?;
                word.id = rank as u32 + 1;
                Some(word)
            })
            .collect();
        renumbered
    }

    /// Returns spare capacity once the list is complete (a 1,000,000-entry list has several
    /// hundred thousand words).
    pub(crate) fn shrink(&mut self) {
        self.words.shrink_to_fit();
    }
}

/// The first eight bytes of `s` as a number that orders as the strings' first eight bytes do.
pub(crate) fn order_key(s: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let n = s.len().min(8);
    bytes[..n].copy_from_slice(&s.as_bytes()[..n]);
    u64::from_be_bytes(bytes)
}

/// The first bytes of a word's spelling, phonetic key and skeleton, which comparing it reads
/// (each is an allocation of its own): for reading them ahead, see `Index::prefetch`.
pub(crate) fn spelled(word: &Token) -> u64 {
    let first = |s: &str| u64::from(s.as_bytes().first().copied().unwrap_or(0));
    first(&word.text) ^ first(&word.key) << 8 ^ first(&word.skeleton) << 16
}

/// Numbers the query's tokens (and joined pairs) so the cache can key on them.
pub(crate) fn number_query(query: &mut PreparedName) {
    for (i, t) in query.tokens.iter_mut().enumerate() {
        t.id = 1 + i as u32;
    }
    for (i, t) in query.joined.iter_mut().enumerate() {
        t.id = JOINED_BASE + i as u32;
    }
}

/// Similarities of the current traveller's words with list words: a row per list word met,
/// found through a dense array indexed by word id (stamped with the traveller's number, so
/// nothing is cleared between travellers). A hash map here cost more than the similarities it
/// saved. A row has a column per query token, then per joined pair (up to [`MAX_TOKENS`] each),
/// so it is as wide as this traveller's name: thousands of list words are met per traveller on
/// a large list, and narrow rows keep them in cache.
#[derive(Default)]
pub(crate) struct SimCache {
    /// Per list word: the traveller it was last seen for, and where its row starts in `rows`.
    seen: Vec<(u32, u32)>,
    rows: Vec<f64>,
    /// Columns of the current traveller: its tokens, its joined pairs, both.
    tokens: usize,
    joined: usize,
    width: usize,
    epoch: u32,
    /// The screening loop's candidate list and a batch of their records, kept here between
    /// travellers so that their buffers are allocated once per thread.
    pub(crate) ids: Vec<u32>,
    pub(crate) records: Vec<super::IndexedName>,
}

/// Marks a similarity not computed yet.
const UNKNOWN: f64 = -1.0;

impl SimCache {
    /// Starts a new traveller (`query`, numbered by [`number_query`]) against a vocabulary of
    /// `words` words.
    pub(crate) fn start(&mut self, words: usize, query: &PreparedName) {
        if self.seen.len() < words + 1 {
            self.seen.resize(words + 1, (0, 0));
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.seen.iter_mut().for_each(|s| *s = (0, 0));
            self.epoch = 1;
        }
        self.rows.clear();
        self.tokens = query.tokens.len().min(MAX_TOKENS);
        self.joined = query.joined.len().min(MAX_TOKENS);
        self.width = self.tokens + self.joined;
    }

    /// The cache column of a numbered query token, if it has one (tokens past the first
    /// [`MAX_TOKENS`] are not scored, and unnumbered tokens are not cached).
    fn column(&self, id: u32) -> Option<usize> {
        let id = id as usize;
        let base = JOINED_BASE as usize;
        match id {
            1.. if id <= self.tokens => Some(id - 1),
            _ if (base..base + self.joined).contains(&id) => Some(self.tokens + id - base),
            _ => None,
        }
    }

    /// What the cache holds about list word `word` (read ahead of scoring, see
    /// `Index::prefetch`).
    pub(crate) fn slot(&self, word: u32) -> u64 {
        self.seen.get(word as usize).map_or(0, |&(epoch, start)| {
            u64::from(epoch) << 32 | u64::from(start)
        })
    }

    /// Whether list word `word` has been compared with the current traveller's words already
    /// (some of them at least).
    pub(crate) fn has_row(&self, word: u32) -> bool {
        self.seen
            .get(word as usize)
            .is_some_and(|&(epoch, _)| epoch == self.epoch)
    }

    fn row(&mut self, word: u32) -> &mut [f64] {
        let seen = &mut self.seen[word as usize];
        if seen.0 != self.epoch {
            *seen = (self.epoch, self.rows.len() as u32);
            self.rows.resize(self.rows.len() + self.width, UNKNOWN);
        }
        let start = seen.1 as usize;
        &mut self.rows[start..start + self.width]
    }
}

impl TokenSimilarity for SimCache {
    fn similarity(&mut self, query: &Token, other: &Token) -> f64 {
        let Some(c) = self.column(query.id) else {
            return token_similarity(query, other);
        };
        if other.id == 0 || other.id as usize >= self.seen.len() {
            return token_similarity(query, other);
        }
        let row = self.row(other.id);
        if row[c] == UNKNOWN {
            row[c] = token_similarity(query, other);
        }
        row[c]
    }
}

thread_local! {
    /// One cache per screening thread, sized to the largest vocabulary it has met.
    pub(crate) static SIMS: RefCell<SimCache> = RefCell::new(SimCache::default());
}
