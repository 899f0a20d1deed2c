//! Watchlist screening in two stages: candidate retrieval from an index built once per list
//! version (token skeletons, their one-deletions, joined words, exact document numbers), then
//! explainable scoring of the few candidates (name pairing plus date-of-birth, nationality,
//! gender and document qualifiers).
//!
//! Reasons are sentences for the officer's screen. They hold personal data: never log them.

mod brute;
mod cache;
mod dob;
mod index;
mod qualifiers;
#[cfg(test)]
mod tests;

use paxrisk_parsers::Traveller;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::names::{self, Token, MAX_TOKENS};
use crate::watchlist::{Entry, EntryKind};

use cache::{Interner, SimCache, Vocabulary, SIMS};
use dob::Dob;
use index::{
    birth_class, born_near, full_word, Born, Postings, PostingsBuilder, Query, QuickMap,
    SharedWords,
};
use qualifiers::EntryFacts;

/// One watchlist hit for a traveller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Match {
    /// Position of the matched entry in the slice the index was built from.
    pub entry: usize,
    /// Score in [0, 1]: name similarity adjusted by the qualifiers (1 for a document hit).
    pub score: f64,
    /// Why it matched, one sentence per feature, for the officer.
    pub reasons: Vec<String>,
    /// The entry's name or alias that matched, `SURNAME, Given`; empty for a document-only hit.
    pub matched_name: String,
}

/// One name of an entry: its words are ids into the index's vocabulary, stored in
/// `Index::name_words` from `start`, tokens first, then the joined pairs.
#[derive(Debug, Clone, Copy)]
struct IndexedName {
    entry: u32,
    start: u32,
    tokens: u8,
    joined: u8,
    /// The entry has dates of birth that retrieval does not sort by (several years, or one
    /// outside [`index::birth_class`]'s range): the screening loop must check them.
    unsorted_years: bool,
    /// The generation the name's suffix gives, 0 for none (see `names::PreparedName`).
    generation: u8,
}

/// Many short strings in one allocation (the names as officers read them, and normalised for the
/// brute-force baseline): a `String` each would cost more in headers than in text on a list of
/// millions.
#[derive(Debug, Clone, Default)]
struct Texts {
    text: String,
    ends: Vec<u32>,
}

impl Texts {
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len() as u32);
    }

    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    fn shrink(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

/// The screening index of one list version. Build it once; it is read-only and can be shared
/// between threads.
#[derive(Debug, Clone, Default)]
pub struct Index {
    names: Vec<IndexedName>,
    /// Word ids of all names, see [`IndexedName`].
    name_words: Vec<u32>,
    /// Every distinct list word, prepared once.
    vocabulary: Vocabulary,
    /// Number of full words of each name, for the retrieval threshold.
    meaningful: Vec<u8>,
    postings: Postings,
    facts: Vec<EntryFacts>,
    /// Each entry's earliest and latest year of birth, when it has a date: a traveller born two
    /// or more years outside it is ruled out by the date of birth whatever the name, so the
    /// name need not be scored (namesakes are most of the candidates on a large list).
    birth_years: Vec<Option<(i16, i16)>>,
    /// Normalised document number → (entry, issuing country).
    documents: QuickMap<String, Vec<(u32, Option<String>)>>,
    /// Each name as `SURNAME, Given`, for reasons and [`Match::matched_name`].
    display: Texts,
    /// Each name normalised as one string, for the brute-force baseline.
    normalised: Texts,
}

/// Most the date of birth and nationality can add to a name score: a name below
/// `threshold - BONUS_ROOM` cannot become a hit. (Document agreement can add more; entries
/// holding the traveller's document are scored whatever the retrieval says.)
const BONUS_ROOM: f64 = 0.08;

/// Candidate names scored together, their memory read first (see [`Index::prefetch`]): enough
/// for the reads to overlap, few enough for what they bring to stay in cache until scored.
const BATCH: usize = 32;

/// Names on a list from which [`Index::screen_flight`] shares word look-ups across a flight
/// (slower than screening travellers alone on the 16,000-name OFAC list, 1.15× faster on a
/// list of 2.25 million names).
const SHARE_WORDS_FROM: usize = 100_000;

/// Travellers a thread is given at least when [`Index::screen_flight`] splits a flight: fewer
/// share too few words, and take too little time, to be worth a part of their own.
const SPLIT_FROM: usize = 50;

impl Index {
    /// Builds the index over `entries` (every name and alias of every person entry, every
    /// document). Names with nothing matchable (placeholders, initials only) are left out.
    pub fn build(entries: &[Entry]) -> Index {
        let mut index = Index::default();
        let mut interner = Interner::default();
        let mut postings = PostingsBuilder::default();
        for (e, entry) in entries.iter().enumerate() {
            let facts = EntryFacts::of(entry);
            index.birth_years.push(facts.birth_years());
            index.facts.push(facts);
            for doc in &entry.documents {
                let number = qualifiers::document_key(&doc.number);
                if number.len() >= 4 {
                    index
                        .documents
                        .entry(number)
                        .or_default()
                        .push((e as u32, doc.country.clone()));
                }
            }
            if entry.kind == EntryKind::Document {
                continue;
            }
            for name in entry.all_names() {
                let prepared = names::prepare_parts(&name.surname, &name.given_names);
                if !prepared.is_matchable() {
                    continue;
                }
                let id = index.names.len() as u32;
                let start = index.name_words.len() as u32;
                for (token, is_token) in prepared
                    .tokens
                    .iter()
                    .map(|t| (t, true))
                    .chain(prepared.joined.iter().map(|t| (t, false)))
                {
                    let word = index.vocabulary.intern(&mut interner, token);
                    index.name_words.push(word);
                    postings.add(id, word, is_token);
                }
                let years = index.birth_years[e];
                index.names.push(IndexedName {
                    entry: e as u32,
                    start,
                    tokens: prepared.tokens.len().min(255) as u8,
                    joined: prepared.joined.len().min(255) as u8,
                    unsorted_years: years.is_some() && birth_class(years) == 0,
                    generation: prepared.generation.unwrap_or(0),
                });
                index.meaningful.push(
                    prepared
                        .tokens
                        .iter()
                        .filter(|t| full_word(t))
                        .count()
                        .min(255) as u8,
                );
                index.display.push(&name.display());
                index.normalised.push(&prepared.normalised());
            }
        }
        drop(interner);
        let renumbered = index.vocabulary.sort_by_skeleton();
        for word in &mut index.name_words {
            *word = renumbered[*word as usize];
        }
        postings.renumber(&renumbered);
        drop(renumbered);
        index.vocabulary.shrink();
        let classes: Vec<u8> = index
            .names
            .iter()
            .map(|n| birth_class(index.birth_years[n.entry as usize]))
            .collect();
        index.postings = postings.finish(&index.vocabulary, &classes);
        index.names.shrink_to_fit();
        index.birth_years.shrink_to_fit();
        index.name_words.shrink_to_fit();
        index.meaningful.shrink_to_fit();
        index.display.shrink();
        index.normalised.shrink();
        index
    }

    /// Ids of the indexed names of one entry (names are stored entry by entry).
    fn names_of_entry(&self, entry: u32) -> impl Iterator<Item = u32> + '_ {
        let start = self.names.partition_point(|n| n.entry < entry);
        (start..self.names.len())
            .take_while(move |&i| self.names[i].entry == entry)
            .map(|i| i as u32)
    }

    /// Number of names (primary names and aliases) indexed.
    pub fn name_count(&self) -> usize {
        self.names.len()
    }

    /// Number of names the retrieval stage hands to scoring for `traveller` (names whose entry's
    /// dates of birth rule the traveller out included only when they span several years): a
    /// diagnostic for benchmarks and tuning (the whole point of the index is to keep it small).
    pub fn candidate_count(&self, traveller: &Traveller) -> usize {
        let mut query = names::prepare_parts(&traveller.surname, &traveller.given_names);
        if !query.is_matchable() {
            return 0;
        }
        cache::number_query(&mut query);
        let floor = names::DEFAULT_NAME_THRESHOLD - BONUS_ROOM;
        SIMS.with(|sims| {
            let mut sims = sims.borrow_mut();
            sims.start(self.vocabulary.len(), &query);
            let mut ids = Vec::new();
            self.retrieve(&query, born(traveller), floor, &mut sims, None, &mut ids);
            ids.len()
        })
    }

    /// Number of distinct retrieval keys.
    pub fn key_count(&self) -> usize {
        self.postings.len()
    }

    /// Number of distinct words on the list (after normalisation).
    pub fn word_count(&self) -> usize {
        self.vocabulary.len()
    }

    /// Candidate names for `query`, leaving out those whose entry's single year of birth is two
    /// or more years from the traveller's (`born`).
    fn retrieve(
        &self,
        query: &names::PreparedName,
        born: Option<i32>,
        floor: f64,
        sims: &mut SimCache,
        shared: Option<(&mut SharedWords, &[Option<u32>])>,
        out: &mut Vec<u32>,
    ) {
        let keyed = Query::new(query);
        let born = born.map_or(Born::Unknown, |y| Born::Near(born_near(y)));
        self.postings.candidates(
            &keyed,
            born,
            &self.meaningful,
            floor,
            &self.vocabulary,
            sims,
            shared,
            out,
        );
    }

    /// Screens one traveller: every entry whose name (or alias) matches at `threshold` or above
    /// after the qualifiers, and every entry holding the traveller's document (number and
    /// issuing country). Best first, one match per entry.
    pub fn screen(&self, traveller: &Traveller, threshold: f64) -> Vec<Match> {
        self.screen_prepared(traveller, &prepare_query(traveller), threshold, None)
    }

    /// Screens the travellers of one flight: for each, what [`Index::screen`] gives, found
    /// with less work, because the words that travellers share (common given names above all)
    /// are looked up in the index once for the flight rather than once per traveller.
    /// On a small list (the OFAC list's 16,000 names) sharing costs more than it saves, and each
    /// traveller is screened alone. A flight is split between the threads of the rayon pool
    /// (words shared within each part): the officer waits for the whole flight.
    pub fn screen_flight(&self, travellers: &[Traveller], threshold: f64) -> Vec<Vec<Match>> {
        let parts = rayon::current_num_threads().min(travellers.len() / SPLIT_FROM);
        let share = self.names.len() >= SHARE_WORDS_FROM;
        self.screen_parts(travellers, threshold, parts, share)
    }

    /// Screens `parts` consecutive parts of a flight in parallel, each whole
    /// ([`Index::screen_shared`]) or traveller by traveller, the hits in the travellers' order.
    fn screen_parts(
        &self,
        travellers: &[Traveller],
        threshold: f64,
        parts: usize,
        share: bool,
    ) -> Vec<Vec<Match>> {
        let screen = |part: &[Traveller]| {
            if share {
                self.screen_shared(part, threshold)
            } else {
                part.iter().map(|t| self.screen(t, threshold)).collect()
            }
        };
        if parts < 2 {
            return screen(travellers);
        }
        let part = travellers.len().div_ceil(parts).max(1);
        let screened: Vec<Vec<Vec<Match>>> = travellers.par_chunks(part).map(screen).collect();
        screened.into_iter().flatten().collect()
    }

    /// [`Index::screen_flight`] with word look-ups shared, whatever the list's size.
    fn screen_shared(&self, travellers: &[Traveller], threshold: f64) -> Vec<Vec<Match>> {
        let queries: Vec<names::PreparedName> = travellers.iter().map(prepare_query).collect();
        let (mut shared, slots) = SharedWords::new(&queries);
        travellers
            .iter()
            .zip(&queries)
            .zip(&slots)
            .map(|((t, q), slots)| {
                self.screen_prepared(t, q, threshold, Some((&mut shared, slots)))
            })
            .collect()
    }

    /// [`Index::screen`] of `traveller`, whose name is `query`, sharing list words looked up
    /// with the rest of its flight through `shared`.
    fn screen_prepared(
        &self,
        traveller: &Traveller,
        query: &names::PreparedName,
        threshold: f64,
        shared: Option<(&mut SharedWords, &[Option<u32>])>,
    ) -> Vec<Match> {
        // (entry, best score, its name), in the order entries are first met: the names come
        // entry by entry, so an entry's best is nearly always the last one.
        let mut best: Vec<(u32, f64, u32)> = Vec::new();
        if query.is_matchable() {
            let floor = threshold - BONUS_ROOM;
            SIMS.with(|sims| {
                let mut sims = sims.borrow_mut();
                sims.start(self.vocabulary.len(), query);
                let born = born(traveller);
                let mut ids = std::mem::take(&mut sims.ids);
                self.retrieve(query, born, floor, &mut sims, shared, &mut ids);
                // Entries holding the traveller's document number: their names are always
                // scored.
                let mut documented = Vec::new();
                for doc in &traveller.documents {
                    for (entry, _) in self
                        .documents
                        .get(&qualifiers::document_key(&doc.number))
                        .into_iter()
                        .flatten()
                    {
                        documented.push(*entry);
                        ids.extend(self.names_of_entry(*entry));
                    }
                }
                let generation = query.generation.unwrap_or(0);
                let ta: Vec<&Token> = query.tokens.iter().collect();
                let ja: Vec<&Token> = query.joined.iter().collect();
                let mut records = std::mem::take(&mut sims.records);
                for batch in ids.chunks(BATCH) {
                    records.clear();
                    records.extend(batch.iter().map(|&id| self.names[id as usize]));
                    self.prefetch(&records, &sims);
                    for (&id, name) in batch.iter().zip(&records) {
                        let entry = name.entry;
                        // Retrieval left out the entries born in one year far from the
                        // traveller's; this catches those with several years. (Every other
                        // name was visited for being born near the traveller or having no date,
                        // or is a documented entry's, scored whatever the dates.)
                        if name.unsorted_years
                            && born.is_some_and(|y| self.born_apart(entry, y))
                            && !documented.contains(&entry)
                        {
                            continue;
                        }
                        let s = names::with_generations(
                            self.score_name(&ta, &ja, *name, &mut sims),
                            generation,
                            name.generation,
                        );
                        if s < floor {
                            continue;
                        }
                        match best.iter_mut().rev().find(|b| b.0 == entry) {
                            Some(slot) if s > slot.1 => *slot = (entry, s, id),
                            Some(_) => {}
                            None => best.push((entry, s, id)),
                        }
                    }
                }
                sims.records = records;
                sims.ids = ids;
            });
        }
        self.finish(traveller, best.into_iter(), threshold)
    }

    /// Whether a traveller born in `year` is ruled out of `entry` by its dates of birth alone
    /// (every one two or more years away: the qualifiers' `Contradicts`).
    fn born_apart(&self, entry: u32, year: i32) -> bool {
        self.birth_years[entry as usize]
            .is_some_and(|(lo, hi)| year < i32::from(lo) - 1 || year > i32::from(hi) + 1)
    }

    /// Reads the memory that scoring `names` (a batch of candidates) will read: their words,
    /// the list words' records and their similarity-cache slots. On a large list each is a cache
    /// miss; read here in passes of loads that do not depend on one another, the misses overlap
    /// (the processor keeps many in flight) instead of coming one after another as each name is
    /// scored. Nothing is computed from what is read.
    fn prefetch(&self, names: &[IndexedName], sims: &SimCache) {
        let mut touched = 0u64;
        for name in names {
            touched ^= u64::from(self.name_words[name.start as usize]);
        }
        let words_of = |name: &IndexedName| {
            let words = usize::from(name.tokens) + usize::from(name.joined);
            &self.name_words[name.start as usize..][..words]
        };
        for name in names {
            for &w in words_of(name) {
                let word = self.vocabulary.get(w);
                touched ^= u64::from(word.id) ^ word.weight.to_bits() ^ sims.slot(w);
            }
        }
        // The spellings of the words not yet compared with this traveller's.
        for name in names {
            for &w in words_of(name) {
                if !sims.has_row(w) {
                    touched ^= cache::spelled(self.vocabulary.get(w));
                }
            }
        }
        std::hint::black_box(touched);
    }

    /// The name score of the traveller's tokens `ta` (joined pairs `ja`) against `name`.
    fn score_name(
        &self,
        ta: &[&Token],
        ja: &[&Token],
        name: IndexedName,
        sims: &mut SimCache,
    ) -> f64 {
        let words = &self.name_words[name.start as usize..];
        let (n, j) = (usize::from(name.tokens), usize::from(name.joined));
        let first = self.vocabulary.get(words[0]);
        let mut tb = [first; MAX_TOKENS];
        let mut jb = [first; MAX_TOKENS];
        let (n, j) = (n.min(MAX_TOKENS), j.min(MAX_TOKENS));
        for k in 0..n {
            tb[k] = self.vocabulary.get(words[k]);
        }
        for k in 0..j {
            jb[k] = self.vocabulary.get(words[usize::from(name.tokens) + k]);
        }
        names::score_refs(ta, ja, &tb[..n], &jb[..j], sims).score
    }

    /// Screens one traveller by comparing the whole-name Jaro-Winkler similarity with every
    /// name on the list (what GTAS does). For benchmarks: slow, and blind to reordered names.
    pub fn screen_bruteforce(&self, traveller: &Traveller, threshold: f64) -> Vec<Match> {
        let query = names::prepare_parts(&traveller.surname, &traveller.given_names);
        let hits = brute::scan(
            &query,
            self.names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.entry, self.normalised.get(i))),
            threshold - BONUS_ROOM,
        );
        self.finish(traveller, hits.into_iter(), threshold)
    }

    /// Applies the qualifiers to name hits, adds document hits, and orders the result.
    fn finish(
        &self,
        traveller: &Traveller,
        name_hits: impl Iterator<Item = (u32, f64, u32)>,
        threshold: f64,
    ) -> Vec<Match> {
        let traveller_dob = traveller.date_of_birth.as_deref().and_then(Dob::parse);
        let traveller_name = display_traveller(traveller);
        let doc_hits = self.document_hits(traveller);
        let mut out: Vec<Match> = Vec::new();
        for (entry, score, id) in name_hits {
            let matched = self.display.get(id as usize);
            let doc = doc_hits
                .iter()
                .find(|d| d.entry == entry)
                .map(|d| (d.strength, d.number.as_str()));
            let name = qualifiers::NameHit {
                traveller_name: &traveller_name,
                score,
                matched,
            };
            let Some((score, reasons)) = qualifiers::qualify(
                &self.facts[entry as usize],
                traveller,
                traveller_dob,
                name,
                doc,
                threshold,
            ) else {
                continue;
            };
            out.push(Match {
                entry: entry as usize,
                score,
                reasons,
                matched_name: matched.to_string(),
            });
        }
        for hit in doc_hits {
            let exact = hit.strength == qualifiers::DocumentMatch::NumberAndCountry;
            if exact && !out.iter().any(|m| m.entry == hit.entry as usize) {
                out.push(qualifiers::document_only(
                    hit.entry as usize,
                    &hit.number,
                    &hit.country,
                ));
            }
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
        out
    }

    /// Entries holding one of the traveller's document numbers, with how well they agree.
    fn document_hits(&self, traveller: &Traveller) -> Vec<DocumentHit> {
        let mut out: Vec<DocumentHit> = Vec::new();
        for doc in &traveller.documents {
            let number = qualifiers::document_key(&doc.number);
            let issuing = doc.issuing_country.as_deref();
            for (entry, country) in self.documents.get(&number).into_iter().flatten() {
                let Some(strength) = qualifiers::document_strength(issuing, country.as_deref())
                else {
                    continue;
                };
                match out.iter_mut().find(|d| d.entry == *entry) {
                    Some(d) if strength <= d.strength => {}
                    Some(d) => d.strength = strength,
                    None => out.push(DocumentHit {
                        entry: *entry,
                        strength,
                        number: doc.number.trim().to_string(),
                        country: issuing.unwrap_or("").trim().to_string(),
                    }),
                }
            }
        }
        out
    }
}

/// A traveller document found on an entry.
struct DocumentHit {
    entry: u32,
    strength: qualifiers::DocumentMatch,
    number: String,
    country: String,
}

/// The traveller's name prepared for screening, its words numbered for the similarity cache.
fn prepare_query(traveller: &Traveller) -> names::PreparedName {
    let mut query = names::prepare_parts(&traveller.surname, &traveller.given_names);
    cache::number_query(&mut query);
    query
}

/// The traveller's year of birth, when the date parses.
fn born(traveller: &Traveller) -> Option<i32> {
    traveller
        .date_of_birth
        .as_deref()
        .and_then(Dob::parse)
        .map(|d| d.year())
}

/// The traveller's name as the officer reads it in a reason: `GIVEN NAMES SURNAME`.
fn display_traveller(t: &Traveller) -> String {
    format!("{} {}", t.given_names.trim(), t.surname.trim())
        .trim()
        .to_uppercase()
}
