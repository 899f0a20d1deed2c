//! Candidate retrieval: an inverted index from token keys to list words, and from list words to
//! the names holding them, so a traveller is compared with a handful of list names instead of
//! the whole list.
//!
//! Keys are consonant skeletons (vowel-insensitive, so romanisations meet) and, for skeletons of
//! three or more consonants, every one-deletion of them (so a typo, an extra or a missing letter
//! still shares a key, as in a symmetric-delete spelling index). Adjacent tokens written
//! together are indexed too, for names one source splits and another joins.
//!
//! Going through words rather than straight from keys to names has two gains. Memory: a name
//! is listed once per word, not once per key (a word has a skeleton and several deletions).
//! Precision: a key brings words, not names, and each frequent word is compared with the traveller's
//! word before its names are visited; a word too different to be paired by the name score
//! (SHARIF for SHARAF) brings no candidates. The comparisons land in the similarity cache that
//! scoring reads next.
//!
//! A word's names are ordered by the birth year of their entry (see [`birth_class`]), so a
//! traveller with a date of birth visits only the names whose entries it could be: those born
//! within a year of it, and those with no single year of birth. On a large list most names that
//! share a common word are namesakes whose dates of birth rule them out; they are never counted.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::names::korean::REVISED;
use crate::names::{phonetic, Token, TokenSimilarity, PAIR_MIN};

use super::cache::{SimCache, Vocabulary};

/// A multiplicative hasher for the small integer and short-string keys of the index: the
/// standard SipHash is built to resist adversarial keys, which list names are not, and costs
/// several times more in the retrieval loop.
#[derive(Default, Clone, Copy)]
pub(crate) struct QuickHasher(u64);

const MULTIPLIER: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Hasher for QuickHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(MULTIPLIER);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(n)).wrapping_mul(MULTIPLIER);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(MULTIPLIER);
    }
}

pub(crate) type QuickMap<K, V> = HashMap<K, V, BuildHasherDefault<QuickHasher>>;

/// A retrieval key as a 64-bit fingerprint of its kind and bytes. Keys are never stored as
/// strings: a fingerprint collision can only add a candidate, which scoring then rejects.
fn fingerprint(kind: u8, bytes: &[u8]) -> u64 {
    // FNV-1a, then a final mix so that short keys spread over the whole word.
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ u64::from(kind);
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 29;
    h.wrapping_mul(0xbf58_476d_1ce4_e5b9) & !EXACT
}

/// Set on a query's key when the list words it reaches sound the same as the query word (its
/// skeleton, or one name in another romanisation); never set in the index's own keys.
const EXACT: u64 = 1 << 63;

/// Retrieval keys of a list word into `out`: those of its spelling ([`spelling_keys`]), and of
/// its readings as a Mandarin word in pinyin (`P`) and in Wade-Giles (`W`) and as a Korean family
/// and given name (`K`, `G`), which [`query_keys_of`] looks up across (a query's pinyin reading meets list
/// words' Wade-Giles readings and the other way round, never pinyin with pinyin).
pub(crate) fn keys_of(token: &Token, deletions: bool, out: &mut Vec<u64>) {
    spelling_keys(token, deletions, out);
    let [pinyin, wade_giles] = token.mandarin;
    if pinyin != 0 {
        out.push(fingerprint(b'P', &pinyin.to_le_bytes()));
    }
    if wade_giles != 0 {
        out.push(fingerprint(b'W', &wade_giles.to_le_bytes()));
    }
    let [family, given] = token.korean;
    if family != 0 {
        out.push(fingerprint(b'K', &family.to_le_bytes()));
    }
    // A Korean given name's key, apart for Revised spellings (`G`) and others (`g`): a query
    // meets the other kind only when one of the two is Revised (see `names::korean`).
    if given != 0 {
        let kind = if given & REVISED != 0 { b'G' } else { b'g' };
        out.push(fingerprint(kind, &(given & !REVISED).to_le_bytes()));
    }
}

/// Retrieval keys of a query word into `out`: its spelling's ([`spelling_keys`]), the first of
/// them (its skeleton) marked [`EXACT`], and the keys of the list words that are the same name in
/// another romanisation ([`keys_of`]), marked [`EXACT`] too.
pub(crate) fn query_keys_of(token: &Token, deletions: bool, out: &mut Vec<u64>) {
    let start = out.len();
    spelling_keys(token, deletions, out);
    out[start] |= EXACT;
    let [pinyin, wade_giles] = token.mandarin;
    if pinyin != 0 {
        out.push(fingerprint(b'W', &pinyin.to_le_bytes()) | EXACT);
    }
    if wade_giles != 0 {
        out.push(fingerprint(b'P', &wade_giles.to_le_bytes()) | EXACT);
        out.push(fingerprint(b'W', &wade_giles.to_le_bytes()) | EXACT);
    }
    let [family, given] = token.korean;
    if family != 0 {
        out.push(fingerprint(b'K', &family.to_le_bytes()) | EXACT);
    }
    if given != 0 {
        let key = (given & !REVISED).to_le_bytes();
        out.push(fingerprint(b'G', &key) | EXACT);
        if given & REVISED != 0 {
            out.push(fingerprint(b'g', &key) | EXACT);
        }
    }
}

/// Retrieval keys of a word's spelling into `out`, the exact sound first: its skeleton (its
/// spelling when it has no consonants) and, with `deletions` and three or more consonants, every
/// one-deletion of the skeleton; a merged article's core is keyed too (QAHTANI for ALQAHTANI).
fn spelling_keys(token: &Token, deletions: bool, out: &mut Vec<u64>) {
    let skeleton = token.skeleton.as_bytes();
    if skeleton.is_empty() {
        out.push(fingerprint(b'V', token.text.as_bytes()));
    } else {
        out.push(fingerprint(b'S', skeleton));
        if deletions && skeleton.len() >= 3 {
            let mut buf = [0u8; 64];
            let len = skeleton.len().min(64);
            for i in 0..len {
                // Deleting one of a run of equal letters gives the same string: key it once.
                if i > 0 && skeleton[i] == skeleton[i - 1] {
                    continue;
                }
                buf[..i].copy_from_slice(&skeleton[..i]);
                buf[i..len - 1].copy_from_slice(&skeleton[i + 1..len]);
                out.push(fingerprint(b'S', &buf[..len - 1]));
            }
        }
    }
    if deletions {
        if let Some(core) = &token.core {
            out.push(fingerprint(
                b'S',
                phonetic::skeleton(core, false).as_bytes(),
            ));
        }
    }
    // The consonant letters as written, when sounds made the skeleton something else (SH, TH,
    // CH, Z…): two letters swapped across a digraph (MATSHALAGA / MATSAHLAGA) leave the letters
    // alike but not the sounds, and the deletions of the one skeleton miss the other.
    if !token.abjad {
        let mut letters = [0u8; 64];
        let mut n = 0;
        for b in token
            .text
            .bytes()
            .filter(|b| b.is_ascii_uppercase() && !phonetic::is_vowel(*b))
        {
            if n < letters.len() && (n == 0 || letters[n - 1] != b) {
                letters[n] = b;
                n += 1;
            }
        }
        if n > 0 && &letters[..n] != skeleton {
            out.push(fingerprint(b'S', &letters[..n]));
        }
    }
}

/// A compressed list of lists: `items[starts[i]..starts[i + 1]]` is list `i`.
#[derive(Debug, Default, Clone)]
struct Lists {
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl Lists {
    /// Groups `(list, item)` pairs by list (a counting sort); items keep their order within a
    /// list, and an item repeated right after itself is kept once.
    fn from_pairs(lists: usize, pairs: &[(u32, u32)]) -> Lists {
        let mut starts = vec![0u32; lists + 1];
        for &(l, _) in pairs {
            starts[l as usize + 1] += 1;
        }
        for i in 0..lists {
            starts[i + 1] += starts[i];
        }
        let mut fill = starts.clone();
        let mut items = vec![u32::MAX; pairs.len()];
        for &(l, item) in pairs {
            let at = &mut fill[l as usize];
            let begin = starts[l as usize];
            if *at > begin && items[*at as usize - 1] == item {
                continue;
            }
            items[*at as usize] = item;
            *at += 1;
        }
        // Drop the slots that duplicates left empty.
        let mut out = Lists {
            starts: Vec::with_capacity(lists + 1),
            items: Vec::with_capacity(pairs.len()),
        };
        out.starts.push(0);
        for l in 0..lists {
            out.items
                .extend_from_slice(&items[starts[l] as usize..fill[l] as usize]);
            out.starts.push(out.items.len() as u32);
        }
        out
    }

    fn get(&self, list: usize) -> &[u32] {
        let (a, b) = self.bounds(list);
        &self.items[a..b]
    }

    /// Where list `list` lies in `items` (an empty range for a list that does not exist).
    fn bounds(&self, list: usize) -> (usize, usize) {
        match (self.starts.get(list), self.starts.get(list + 1)) {
            (Some(&a), Some(&b)) => (a as usize, b as usize),
            _ => (0, 0),
        }
    }
}

/// Birth years a byte can tell apart: class 1 is this year, class 254 the last.
const FIRST_YEAR: i32 = 1800;
const LAST_YEAR: i32 = FIRST_YEAR + 253;

/// The retrieval class of a name whose entry has `years` of birth (earliest, latest): the year
/// itself when the entry has one year of birth (within [`FIRST_YEAR`, `LAST_YEAR`]), else 0,
/// "always visit" (no date of birth, or several years: the screening loop checks those).
pub(crate) fn birth_class(years: Option<(i16, i16)>) -> u8 {
    match years {
        Some((lo, hi)) if lo == hi && (FIRST_YEAR..=LAST_YEAR).contains(&i32::from(lo)) => {
            (i32::from(lo) - FIRST_YEAR + 1) as u8
        }
        _ => 0,
    }
}

/// The classes (besides 0) of names a traveller born in `year` is not ruled out of: entries
/// born within a year of it (the date of birth rule's `Contradicts` starts at two years).
/// `None` when no year class can be.
pub(crate) fn born_near(year: i32) -> Option<(u8, u8)> {
    let lo = year.saturating_sub(1).max(FIRST_YEAR);
    let hi = year.saturating_add(1).min(LAST_YEAR);
    (lo <= hi).then(|| ((lo - FIRST_YEAR + 1) as u8, (hi - FIRST_YEAR + 1) as u8))
}

/// Which names of a word to visit: all of them (traveller without a date of birth), or those of
/// class 0 and of the classes in a range.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Born {
    Unknown,
    Near(Option<(u8, u8)>),
}

/// Collects the index while names are added; [`PostingsBuilder::finish`] freezes it.
#[derive(Default)]
pub(crate) struct PostingsBuilder {
    /// (occurrence, name) for every word of every name, names ascending; see [`occurrence`].
    occurrences: Vec<(u32, u32)>,
    /// Per word id: used as a token of its own (keyed with deletions) or only as a joined pair.
    as_token: Vec<bool>,
}

impl PostingsBuilder {
    /// Records that name `id` holds `word`, as a token or as a joined pair.
    pub(crate) fn add(&mut self, id: u32, word: u32, token: bool) {
        self.occurrences.push((occurrence(word, !token), id));
        let w = word as usize;
        if self.as_token.len() <= w {
            self.as_token.resize(w + 1, false);
        }
        self.as_token[w] |= token;
    }

    /// Gives every word its new number, `renumbered[old]` (see
    /// [`Vocabulary::sort_by_skeleton`]).
    pub(crate) fn renumber(&mut self, renumbered: &[u32]) {
        for (at, _) in &mut self.occurrences {
            *at = occurrence(renumbered[(*at >> 1) as usize], *at & 1 != 0);
        }
        let mut as_token = vec![false; self.as_token.len().max(renumbered.len())];
        for (old, &token) in self.as_token.iter().enumerate() {
            as_token[renumbered[old] as usize] = token;
        }
        self.as_token = as_token;
    }

    /// Builds the key and word lists over the final vocabulary; `classes[id]` is the
    /// [`birth_class`] of name `id`, the order of names within a word.
    pub(crate) fn finish(mut self, vocabulary: &Vocabulary, classes: &[u8]) -> Postings {
        let words = vocabulary.len() + 1;
        let class = |id: u32| classes.get(id as usize).copied().unwrap_or(0);
        // Stable: names stay ascending within a class, and a name's occurrences stay together.
        self.occurrences.sort_by_key(|&(_, id)| class(id));
        let word_names = Lists::from_pairs(2 * words, &self.occurrences);
        drop(self.occurrences);
        let name_classes: Vec<u8> = word_names.items.iter().map(|&id| class(id)).collect();
        let word_entries = (0..2 * words)
            .map(|w| {
                let (a, b) = word_names.bounds(w);
                WordEntry {
                    start: a as u32,
                    end: b as u32,
                    classes: name_classes[a..b].iter().fold(0, |m, &c| m | class_bit(c)),
                }
            })
            .collect();
        let mut key_words: Vec<(u64, u32)> = Vec::with_capacity(vocabulary.len() * 6);
        let mut keys = Vec::new();
        for id in 1..words as u32 {
            keys.clear();
            let token = self.as_token.get(id as usize).copied().unwrap_or(false);
            keys_of(vocabulary.get(id), token, &mut keys);
            key_words.extend(keys.iter().map(|&k| (k, id)));
        }
        key_words.sort_unstable();
        key_words.dedup();
        let mut numbers: QuickMap<u64, u32> = QuickMap::default();
        let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(key_words.len());
        for (key, word) in key_words {
            let next = numbers.len() as u32;
            let n = *numbers.entry(key).or_insert(next);
            pairs.push((n, word));
        }
        let key_lists = Lists::from_pairs(numbers.len(), &pairs);
        numbers.shrink_to_fit();
        Postings {
            keys: numbers,
            key_words: key_lists,
            words: word_entries,
            word_names: word_names.items,
            name_classes,
        }
    }
}

/// Lists of names up to this long are filtered by birth class name by name rather than cut by
/// binary search.
const SCAN_UP_TO: usize = 64;

/// Where the names holding list word `word` as a token of their own (`joined` false), or as
/// a joined pair, are listed in [`Postings::words`]: apart, because a joined pair met by a
/// query's joined pair says more than a word met (see [`ADJACENT`]).
fn occurrence(word: u32, joined: bool) -> u32 {
    word << 1 | u32::from(joined)
}

/// Words held by more names than this are compared with the traveller's word before their
/// names are counted; rarer words let their few names through to scoring unchecked.
const CHECK_ABOVE: usize = 16;

/// Whether a list word is held by enough names to be compared with the query word before they
/// are counted (see [`Postings::dissimilar`]).
fn frequent(entry: WordEntry) -> bool {
    (entry.end - entry.start) as usize > CHECK_ABOVE
}

/// Where one word's names lie in [`Postings::word_names`], and a summary of their birth
/// classes ([`class_bit`]), side by side: a word none of whose names a traveller could be (most
/// rare words met through a key) costs one memory access.
#[derive(Debug, Default, Clone, Copy)]
struct WordEntry {
    start: u32,
    end: u32,
    classes: u64,
}

/// The bit of birth class `class` in a [`WordEntry`] summary: bit 0 for class 0, one of the
/// other 63 for each year (years 63 apart share a bit, which can only make a word visited).
fn class_bit(class: u8) -> u64 {
    if class == 0 {
        1
    } else {
        1 << (1 + (class - 1) % 63)
    }
}

/// The summary bits of the classes a traveller born as `born` says may be: every class when
/// the date of birth is unknown, else class 0 and the classes near it.
fn visible_classes(born: Born) -> u64 {
    match born {
        Born::Unknown => u64::MAX,
        Born::Near(None) => class_bit(0),
        Born::Near(Some((lo, hi))) => (lo..=hi).fold(class_bit(0), |m, c| m | class_bit(c)),
    }
}

/// Key → words → names.
#[derive(Debug, Default, Clone)]
pub(crate) struct Postings {
    keys: QuickMap<u64, u32>,
    key_words: Lists,
    /// Per [`occurrence`] of a word: where its names are, and their classes.
    words: Vec<WordEntry>,
    /// Each word's names, ordered by birth class, then id.
    word_names: Vec<u32>,
    /// The birth class of each item of `word_names`.
    name_classes: Vec<u8>,
}

impl Postings {
    /// Names sharing enough words with `query` to be worth scoring. A list word counts for a
    /// query word when they share a key and are similar enough for the name score to pair them.
    /// A name qualifies when it has such words for at least two of the query's words (or every
    /// word when the query or the name has only one), one of them sounding the same, and when
    /// the words it shares could give a score of at least `floor` if they matched perfectly.
    /// `meaningful[id]` is the number of full words of name `id`. Names whose entry's birth
    /// class rules out a traveller born as `born` says are not visited.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn candidates(
        &self,
        query: &Query<'_>,
        born: Born,
        meaningful: &[u8],
        floor: f64,
        vocabulary: &Vocabulary,
        sims: &mut SimCache,
        shared: Option<(&mut SharedWords, &[Option<u32>])>,
        out: &mut Vec<u32>,
    ) {
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            let scratch = &mut *scratch;
            // The query's full words that a hit can cover (see [`Covers`]).
            let is_full =
                |i: usize| i < COVERS_BITS && query.words.get(i).is_some_and(|(t, _)| full_word(t));
            let words = (0..query.words.len()).filter(|&i| is_full(i)).count() as u8;
            let bit = |i: usize| Covers::from(is_full(i)) << i.min(COVERS_BITS - 1);
            scratch.hits.clear();
            // The slot of each full word, then of each joined pair, in `shared`.
            let (mut shared, slots) = match shared {
                Some((shared, slots)) => (Some(shared), slots),
                None => (None, &[][..]),
            };
            let slot = |n: usize| slots.get(n).copied().flatten();
            let mut full = 0;
            for (i, (token, keys)) in query.words.iter().enumerate() {
                if full_word(token) {
                    let shared = shared.as_deref_mut().zip(slot(full));
                    full += 1;
                    if bit(i) != 0 {
                        self.visit(token, keys, bit(i), born, vocabulary, sims, scratch, shared);
                    }
                }
            }
            // A joined pair stands for the two words it joins (those that are full words: a
            // particle joined to a name stands for the name alone).
            for (i, (joined, keys)) in query.joined.iter().enumerate() {
                let covers = bit(i) | bit(i + 1);
                let shared = shared.as_deref_mut().zip(slot(full + i));
                if covers != 0 {
                    self.visit(
                        joined, keys, covers, born, vocabulary, sims, scratch, shared,
                    );
                }
            }
            out.clear();
            let least = scratch.least_count(words, floor);
            for run in scratch
                .by_name(meaningful.len())
                .chunk_by(|a, b| a.id() == b.id())
            {
                let (count, exact) = tally(run);
                let id = run[0].id();
                // At least one word must sound the same; the others may carry a typo.
                if count >= least && exact && qualifies(count, words, meaningful[id], floor) {
                    out.push(id as u32);
                }
            }
        })
    }

    /// Counts the query words `covers` (see [`Covers`]) for every name of class `born` holding
    /// a list word that shares one of `keys` with `token` and is similar enough to pair with it.
    /// Words reached through an exact key (the skeleton, or another romanisation of the same
    /// name) sound the same. When `shared` holds the word, its list words are found once per
    /// flight (see [`SharedWords`]).
    #[allow(clippy::too_many_arguments)]
    fn visit(
        &self,
        token: &Token,
        keys: &[u64],
        covers: Covers,
        born: Born,
        vocabulary: &Vocabulary,
        sims: &mut SimCache,
        scratch: &mut Scratch,
        shared: Option<(&mut SharedWords, u32)>,
    ) {
        let visible = visible_classes(born);
        if let Some(reached) = shared.and_then(|(s, slot)| s.lists.get_mut(slot as usize)) {
            let reached = reached.get_or_insert_with(|| {
                let mut out = Vec::new();
                self.reach(keys, scratch, &mut out);
                out
            });
            // Compared once, by the first traveller who can be one of its names.
            let unknown = |r: &Reached| r.entry.classes & visible != 0 && r.similar.is_none();
            self.prefetch_words(reached.iter().filter(|r| unknown(r)), vocabulary, sims);
            for r in reached.iter_mut().filter(|r| unknown(r)) {
                r.similar = Some(!self.dissimilar(token, r.word, r.entry, vocabulary, sims));
            }
            let counted = |r: &&Reached| r.entry.classes & visible != 0 && r.similar == Some(true);
            self.prefetch_names(reached.iter().filter(counted));
            for r in reached.iter().filter(counted) {
                self.count(r.entry, r.exact, covered(covers, r), born, scratch);
            }
            return;
        }
        // The words' records, then the words to compare, then their names, each read in a pass
        // of its own (see `Index::prefetch`).
        let mut met = std::mem::take(&mut scratch.met);
        self.reach(keys, scratch, &mut met);
        // None of its names can be the traveller: nothing to count, nothing to compare.
        met.retain(|r| r.entry.classes & visible != 0);
        self.prefetch_words(met.iter().filter(|r| frequent(r.entry)), vocabulary, sims);
        met.retain(|r| !self.dissimilar(token, r.word, r.entry, vocabulary, sims));
        self.prefetch_names(met.iter());
        for r in &met {
            self.count(r.entry, r.exact, covered(covers, r), born, scratch);
        }
        scratch.met = met;
    }

    /// Reads the records of the list words `reached` and their similarity-cache slots ahead of
    /// their comparison with a query word, in a pass of independent loads (see
    /// `Index::prefetch`).
    fn prefetch_words<'r>(
        &self,
        reached: impl Iterator<Item = &'r Reached> + Clone,
        vocabulary: &Vocabulary,
        sims: &SimCache,
    ) {
        let mut touched = 0u64;
        for r in reached.clone() {
            let word = vocabulary.get(r.word);
            touched ^= u64::from(word.id) ^ word.text.len() as u64 ^ sims.slot(r.word);
        }
        // The spellings of the words not yet compared with this traveller's.
        for r in reached {
            if !sims.has_row(r.word) {
                touched ^= super::cache::spelled(vocabulary.get(r.word));
            }
        }
        std::hint::black_box(touched);
    }

    /// Reads the start of the name lists of the list words `reached` ahead of counting them,
    /// in a pass of independent loads (see `Index::prefetch`).
    fn prefetch_names<'r>(&self, reached: impl Iterator<Item = &'r Reached>) {
        let mut touched = 0u64;
        for r in reached {
            let at = r.entry.start as usize;
            if let (Some(&id), Some(&class)) = (self.word_names.get(at), self.name_classes.get(at))
            {
                touched ^= u64::from(id) ^ u64::from(class);
            }
        }
        std::hint::black_box(touched);
    }

    /// The list words sharing one of `keys` into `scratch.words`, ordered by word, a word
    /// reached through the exact key (the first) before its other occurrences.
    fn reached_words(&self, keys: &[u64], scratch: &mut Scratch) {
        scratch.words.clear();
        for key in keys {
            if let Some(&n) = self.keys.get(&(key & !EXACT)) {
                let exact = key & EXACT != 0;
                scratch
                    .words
                    .extend(self.key_words.get(n as usize).iter().map(|&w| (w, exact)));
            }
        }
        scratch
            .words
            .sort_unstable_by_key(|&(w, exact)| (w, !exact));
    }

    /// Whether list word `w` is frequent and too different from `token` to pair with it.
    /// Comparing the words costs about as much as visiting a few dozen names: worth it for
    /// frequent words, whose names would flood scoring, not for rare ones. Frequent means on
    /// the whole list, whatever the birth years, so that the candidates do not depend on them.
    fn dissimilar(
        &self,
        token: &Token,
        w: u32,
        entry: WordEntry,
        vocabulary: &Vocabulary,
        sims: &mut SimCache,
    ) -> bool {
        frequent(entry) && sims.similarity(token, vocabulary.get(w)) < PAIR_MIN
    }

    /// The list words sharing one of `keys`, each once, not compared yet, into `out`.
    fn reach(&self, keys: &[u64], scratch: &mut Scratch, out: &mut Vec<Reached>) {
        self.reached_words(keys, scratch);
        out.clear();
        let mut last = 0u32;
        for &(w, exact) in &scratch.words {
            if w == last {
                continue;
            }
            last = w;
            for joined in [false, true] {
                match self.words.get(occurrence(w, joined) as usize) {
                    Some(&entry) if entry.end > entry.start => out.push(Reached {
                        entry,
                        word: w,
                        exact,
                        joined,
                        similar: None,
                    }),
                    _ => {}
                }
            }
        }
    }

    /// Counts the query words `covers` for the names of list word `entry` that a traveller born
    /// as `born` could be.
    fn count(
        &self,
        entry: WordEntry,
        exact: bool,
        covers: Covers,
        born: Born,
        scratch: &mut Scratch,
    ) {
        let (a, b) = (entry.start as usize, entry.end as usize);
        let names = &self.word_names[a..b];
        let classes = &self.name_classes[a..b];
        match born {
            Born::Unknown => {
                for &id in names {
                    scratch.hit(id as usize, covers, exact);
                }
            }
            // A short list is read whole (its classes fit in a cache line or two); a long one
            // is cut where the classes change.
            Born::Near(near) if names.len() <= SCAN_UP_TO => {
                let (lo, hi) = near.unwrap_or((1, 0));
                for (&id, &c) in names.iter().zip(classes) {
                    if c == 0 || (lo..=hi).contains(&c) {
                        scratch.hit(id as usize, covers, exact);
                    }
                }
            }
            Born::Near(near) => {
                let always = classes.partition_point(|&c| c == 0);
                let (from, to) = match near {
                    Some((lo, hi)) => {
                        let from = always + classes[always..].partition_point(|&c| c < lo);
                        (from, from + classes[from..].partition_point(|&c| c <= hi))
                    }
                    None => (always, always),
                };
                for &id in names[..always].iter().chain(&names[from..to]) {
                    scratch.hit(id as usize, covers, exact);
                }
            }
        }
    }

    /// Number of distinct keys (for reports).
    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }
}

/// A list word one query word reaches, once for the names holding it as a token and once for
/// those holding it as a joined pair (`joined`): where those names are, whether through the
/// exact key, and once compared, whether it is similar enough to count (`Some(true)` without
/// comparing for a word too rare to be compared, see [`Postings::dissimilar`]).
#[derive(Debug, Clone, Copy)]
struct Reached {
    entry: WordEntry,
    word: u32,
    exact: bool,
    /// The names hold the word as a joined pair.
    joined: bool,
    similar: Option<bool>,
}

/// What makes two query words reach the same list words: whether a joined pair (keyed without
/// deletions), spelling, phonetic key, skeleton, core, script, initial, and whether a family
/// name (feminine forms are told apart in given names only) — everything the keys and the token
/// similarity read.
type WordKey<'a> = (
    bool,
    &'a str,
    &'a str,
    &'a str,
    Option<&'a str>,
    bool,
    bool,
    bool,
);

fn word_key(token: &Token, joined: bool) -> WordKey<'_> {
    (
        joined,
        &token.text,
        &token.key,
        &token.skeleton,
        token.core.as_deref(),
        token.abjad,
        token.initial,
        token.family,
    )
}

/// The list words reached by the query words that several travellers of one flight share
/// (names repeat on a flight: common given names above all), found for the first traveller
/// with the word and reused by the others. Only the names visited depend on the traveller's
/// date of birth; which list words a word reaches does not.
#[derive(Default)]
pub(crate) struct SharedWords {
    /// Per repeated query word, its list words once found.
    lists: Vec<Option<Vec<Reached>>>,
}

/// Where a traveller's words are in [`SharedWords`]: a slot per full word (in token order),
/// then per joined pair; `None` for a word no other traveller holds.
pub(crate) type Slots = Vec<Option<u32>>;

impl SharedWords {
    /// Finds the words held by two or more of `names` (full words and joined pairs) and gives
    /// each name its [`Slots`].
    pub(crate) fn new(names: &[crate::names::PreparedName]) -> (SharedWords, Vec<Slots>) {
        fn words(name: &crate::names::PreparedName) -> Vec<WordKey<'_>> {
            let tokens = name.tokens.iter().filter(|t| full_word(t));
            tokens
                .map(|t| word_key(t, false))
                .chain(name.joined.iter().map(|t| word_key(t, true)))
                .collect()
        }
        let mut seen: QuickMap<WordKey<'_>, u32> = QuickMap::default();
        for name in names {
            for key in words(name) {
                *seen.entry(key).or_default() += 1;
            }
        }
        let mut numbers: QuickMap<WordKey<'_>, u32> = QuickMap::default();
        let slots = names
            .iter()
            .map(|name| {
                words(name)
                    .into_iter()
                    .map(|key| {
                        (seen[&key] >= 2).then(|| {
                            let next = numbers.len() as u32;
                            *numbers.entry(key).or_insert(next)
                        })
                    })
                    .collect()
            })
            .collect();
        let lists = vec![None; numbers.len()];
        (SharedWords { lists }, slots)
    }
}

/// A traveller's words with their retrieval keys, computed once per screening.
pub(crate) struct Query<'a> {
    words: Vec<(&'a Token, Vec<u64>)>,
    joined: Vec<(&'a Token, Vec<u64>)>,
}

impl<'a> Query<'a> {
    /// Keys for each full word of `name` (with deletions) and each joined pair (exact only).
    pub(crate) fn new(name: &'a crate::names::PreparedName) -> Query<'a> {
        let words = name
            .tokens
            .iter()
            .map(|t| {
                let mut keys = Vec::new();
                if full_word(t) {
                    query_keys_of(t, true, &mut keys);
                }
                (t, keys)
            })
            .collect();
        let joined = name
            .joined
            .iter()
            .map(|t| {
                let mut keys = Vec::with_capacity(1);
                query_keys_of(t, false, &mut keys);
                (t, keys)
            })
            .collect();
        Query { words, joined }
    }
}

/// Whether a name with `have` full words, `count` of whose words were met for the `words` full
/// words of the query, can be a candidate (besides sounding the same on one word): enough words
/// in common, and a [`best_case`] score of at least `floor`.
fn qualifies(count: u8, words: u8, have: u8, floor: f64) -> bool {
    let matched = count.min(words).min(have);
    matched >= 2.min(words).min(have).max(1) && best_case(matched, words, have) >= floor
}

/// The least count with which some name can qualify for a query of `words` full words (see
/// [`qualifies`]); names counted below it need not be looked at again. A count above `words`
/// qualifies no more than `words` does, so `words + 1` means "none".
fn least_count(words: u8, floor: f64) -> u8 {
    (1..=words)
        .find(|&count| (1..=u8::MAX).any(|have| qualifies(count, words, have, floor)))
        .unwrap_or(words.saturating_add(1))
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

/// The full words of a query (a bit per token position, the top bit for [`ADJACENT`]) that a
/// hit of one query word covers: its own, or for a joined pair, the two it joins. A name's
/// count is the number of bits its hits cover, so that a name met through a word and through
/// a joined pair holding that word (VON SENSKI against VON ZIENENSKI: SENSKI, and VONSENSKI
/// against VONZIENENSKI) counts that word once; counting the pair's two words again let
/// thousands of such names a traveller into scoring. Full words past the 15th are not counted.
type Covers = u16;

/// Query token positions a [`Covers`] can hold.
const COVERS_BITS: usize = Covers::BITS as usize - 1;

/// Counted once when a joined pair of two full query words meets a name's joined pair: the two
/// names hold those words side by side, spelt alike, and the name counts as if one more of its
/// words agreed. Retrieval keys reach words one edit apart, the name score pairs words further
/// apart (WANO with TANO next to JI WOO); a name agreeing on two adjacent words is scored for
/// its third.
const ADJACENT: Covers = 1 << COVERS_BITS;

/// What a hit through `reached` covers for a query word covering `covers`.
fn covered(covers: Covers, reached: &Reached) -> Covers {
    if reached.joined && covers.count_ones() == 2 {
        covers | ADJACENT
    } else {
        covers
    }
}

/// One name counted for one query word: the name's id (bits 24 and up), the query's words that
/// the word covers (bits 8–23, see [`Covers`]), and whether the list word sounds the same
/// (bit 0).
#[derive(Debug, Clone, Copy)]
struct Hit(u64);

impl Hit {
    fn new(id: usize, covers: Covers, exact: bool) -> Hit {
        Hit((id as u64) << 24 | u64::from(covers) << 8 | u64::from(exact))
    }

    fn id(self) -> usize {
        (self.0 >> 24) as usize
    }
}

/// The count of one name's hits (all of one name): the number of the query's full words they
/// cover, and whether one of its words sounds the same as a query word.
fn tally(run: &[Hit]) -> (u8, bool) {
    let (mut covers, mut exact) = (0 as Covers, false);
    for h in run {
        covers |= (h.0 >> 8) as Covers;
        exact |= h.0 & 1 != 0;
    }
    (covers.count_ones() as u8, exact)
}

/// Most bits of a name id sorted in one radix pass.
const RADIX_BITS: u32 = 11;

/// Up to this many hits, a comparison sort is quicker than the radix sort's passes.
const FEW_HITS: usize = 256;

/// Per-thread buffers for retrieval, reused between travellers. The names met are written one
/// after the other and then grouped by name with a radix sort: on a list of millions, updating
/// a counter per name met cost a cache miss per posting (the counters of 2 million names do
/// not stay in cache), the sort a few sequential passes.
#[derive(Default)]
struct Scratch {
    /// The names met for the current traveller, in the order met.
    hits: Vec<Hit>,
    /// The radix sort's other buffer, and where each digit's hits go.
    spare: Vec<Hit>,
    starts: Vec<usize>,
    /// Words met through one query word's keys, and whether through its exact key.
    words: Vec<(u32, bool)>,
    /// [`least_count`] by number of query words, for the floor it was worked out for.
    least: Vec<Option<(u64, u8)>>,
    /// The list words one query word reaches, with their records.
    met: Vec<Reached>,
}

impl Scratch {
    /// [`least_count`], worked out once per thread for each number of words and floor.
    fn least_count(&mut self, words: u8, floor: f64) -> u8 {
        if self.least.len() <= usize::from(words) {
            self.least.resize(usize::from(words) + 1, None);
        }
        match self.least[usize::from(words)] {
            Some((bits, least)) if bits == floor.to_bits() => least,
            _ => {
                let least = least_count(words, floor);
                self.least[usize::from(words)] = Some((floor.to_bits(), least));
                least
            }
        }
    }

    fn hit(&mut self, id: usize, covers: Covers, exact: bool) {
        self.hits.push(Hit::new(id, covers, exact));
    }

    /// The hits grouped by name, ids ascending (a least-significant-digit radix sort on the ids
    /// below `names`); few hits are sorted whole instead.
    fn by_name(&mut self, names: usize) -> &[Hit] {
        if self.hits.len() <= FEW_HITS {
            self.hits.sort_unstable_by_key(|h| h.0);
            return &self.hits;
        }
        let bits = usize::BITS - names.leading_zeros();
        let passes = bits.div_ceil(RADIX_BITS).max(1);
        let width = bits.div_ceil(passes);
        let mask = (1u64 << width) - 1;
        self.spare.clear();
        self.spare.resize(self.hits.len(), Hit(0));
        let starts = &mut self.starts;
        starts.resize(1 << width, 0);
        let mut shift = 24;
        while shift < 24 + bits {
            let digit = |h: &Hit| ((h.0 >> shift) & mask) as usize;
            starts[..1 << width].fill(0);
            for h in &self.hits {
                starts[digit(h)] += 1;
            }
            let mut sum = 0;
            for s in starts[..1 << width].iter_mut() {
                (*s, sum) = (sum, sum + *s);
            }
            for h in &self.hits {
                let d = digit(h);
                self.spare[starts[d]] = *h;
                starts[d] += 1;
            }
            std::mem::swap(&mut self.hits, &mut self.spare);
            shift += width;
        }
        &self.hits
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// True for a token that counts as a word of its own (not a particle or an initial).
pub(crate) fn full_word(token: &Token) -> bool {
    !token.initial && token.weight >= 1.0
}
