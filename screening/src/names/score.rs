//! Whole-name similarity: tokens are paired by the best assignment (order does not matter),
//! then unpaired tokens count against the score. An unpaired token facing another unpaired
//! token is a *conflict* (SMITH, John vs SMITH, Robert) and costs its full weight; an unpaired
//! token with nothing left to face is a *missing* part (a dropped middle name) and costs little
//! as long as the rest of the name agrees on at least two strong tokens.

// Matrix and window algorithms read better with explicit indices.
#![allow(clippy::needless_range_loop)]

use super::similarity::token_similarity;
use super::{PreparedName, Token};

/// Where token similarities come from: computed directly, or through a cache that the matcher
/// keeps per traveller (list names share most of their words, so most pairs repeat).
pub trait TokenSimilarity {
    /// Similarity of a token of the first (query) name with a token of the second.
    fn similarity(&mut self, query: &Token, other: &Token) -> f64;
}

/// Computes every similarity afresh.
pub struct Direct;

impl TokenSimilarity for Direct {
    fn similarity(&mut self, query: &Token, other: &Token) -> f64 {
        token_similarity(query, other)
    }
}

/// Below this, two tokens are not considered the same word.
pub(crate) const PAIR_MIN: f64 = 0.78;
/// A pair this similar between two full words makes the name "strongly" anchored.
const STRONG: f64 = 0.85;
/// A joined word (ABDULRAHMAN) must be at least this close to the pair it replaces.
const JOIN_MIN: f64 = 0.88;
/// Below this score before joining, a joined word cannot lift a name to a match.
const JOIN_WORTH_TRYING: f64 = 0.35;
/// Cost of a missing token when at least two strong pairs agree, and when fewer do.
const MISSING_ANCHORED: f64 = 0.3;
const MISSING_LOOSE: f64 = 0.8;
/// Most two names score when their generation suffixes differ (JR / SR, II / III): a father
/// and his son, however alike the rest (below the default threshold).
pub(crate) const GENERATIONS_APART: f64 = 0.75;

/// The name score `score` of two names whose suffixes give generations `a` and `b`
/// ([`PreparedName::generation`], 0 for none in the matcher's records).
pub(crate) fn with_generations(score: f64, a: u8, b: u8) -> f64 {
    if a != 0 && b != 0 && a != b {
        score.min(GENERATIONS_APART)
    } else {
        score
    }
}

/// Most tokens considered on each side; longer names are cut (lists rarely exceed this).
pub(crate) const MAX_TOKENS: usize = 10;

/// The best pairing of two names and the score it gives.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NameScore {
    /// Similarity in [0, 1].
    pub score: f64,
    /// Number of token pairs that were at least [`STRONG`] and not particles or initials.
    pub strong_pairs: usize,
}

/// Scores two prepared names, trying joined words when some tokens are left unpaired.
pub fn score_names(a: &PreparedName, b: &PreparedName) -> NameScore {
    score_names_with(a, b, &mut Direct)
}

/// [`score_names`] with similarities from `sim` (`a` is always the query side).
pub fn score_names_with(
    a: &PreparedName,
    b: &PreparedName,
    sim: &mut dyn TokenSimilarity,
) -> NameScore {
    if a.tokens.is_empty() || b.tokens.is_empty() {
        return NameScore::default();
    }
    // Token references on the stack: this runs for every candidate of every traveller.
    let (ta, m) = refs(&a.tokens);
    let (tb, n) = refs(&b.tokens);
    let (ja, jm) = refs(&a.joined);
    let (jb, jn) = refs(&b.joined);
    let mut score = score_refs(&ta[..m], &ja[..jm], &tb[..n], &jb[..jn], sim);
    let generation = |name: &PreparedName| name.generation.unwrap_or(0);
    score.score = with_generations(score.score, generation(a), generation(b));
    score
}

/// Up to [`MAX_TOKENS`] references to `tokens`, and how many; empty input gives 0 references
/// (the array is then filled with a placeholder that is never read).
fn refs(tokens: &[Token]) -> ([&Token; MAX_TOKENS], usize) {
    static EMPTY: Token = Token {
        text: String::new(),
        key: String::new(),
        skeleton: String::new(),
        mandarin: [0, 0],
        korean: [0, 0],
        core: None,
        abjad: false,
        weight: 0.0,
        initial: false,
        family: false,
        id: 0,
    };
    let mut out = [&EMPTY; MAX_TOKENS];
    let n = tokens.len().min(MAX_TOKENS);
    for (slot, t) in out.iter_mut().zip(tokens) {
        *slot = t;
    }
    (out, n)
}

/// Scores two names given as token references: `ta`/`tb` the tokens in order, `ja`/`jb` the
/// adjacent pairs written together (`ja[i]` joins `ta[i]` and `ta[i + 1]`). The matcher keeps
/// list words interned and passes references to them, so nothing is copied per candidate.
pub(crate) fn score_refs(
    ta: &[&Token],
    ja: &[&Token],
    tb: &[&Token],
    jb: &[&Token],
    sim: &mut dyn TokenSimilarity,
) -> NameScore {
    if ta.is_empty() || tb.is_empty() {
        return NameScore::default();
    }
    let (ta, tb) = (
        &ta[..ta.len().min(MAX_TOKENS)],
        &tb[..tb.len().min(MAX_TOKENS)],
    );
    let (mut best, leftovers) = score_tokens(ta, tb, sim);
    // Joining two words fixes one split name; it cannot rescue names that share little, nor
    // improve near-identical ones.
    if leftovers && best.score >= JOIN_WORTH_TRYING && best.score < 0.97 {
        for (i, joined) in ja.iter().enumerate().take(ta.len().saturating_sub(1)) {
            if let Some(s) = try_join(ta, i, joined, tb, false, sim) {
                best = best_of(best, s);
            }
        }
        for (i, joined) in jb.iter().enumerate().take(tb.len().saturating_sub(1)) {
            if let Some(s) = try_join(tb, i, joined, ta, true, sim) {
                best = best_of(best, s);
            }
        }
    }
    best
}

fn best_of(a: NameScore, b: NameScore) -> NameScore {
    if b.score > a.score {
        b
    } else {
        a
    }
}

/// Replaces tokens `i` and `i + 1` of `side` by their concatenation when it resembles a token of
/// `other` better than either part does, and scores the result. `swapped` says that `side` is
/// the second name (the query is always passed first to `sim`).
fn try_join(
    side: &[&Token],
    i: usize,
    joined: &Token,
    other: &[&Token],
    swapped: bool,
    sim: &mut dyn TokenSimilarity,
) -> Option<NameScore> {
    let mut pair = |x: &Token, o: &Token| {
        if swapped {
            sim.similarity(o, x)
        } else {
            sim.similarity(x, o)
        }
    };
    let useful = other.iter().any(|o| {
        // A joined word is about as long as the word it stands for and starts with the same
        // letter, unless it is the same name in another romanisation (TSETUNG / ZEDONG); skip
        // the rest cheaply.
        if (o.text.len().abs_diff(joined.text.len()) > 3
            || o.text.as_bytes()[0] != joined.text.as_bytes()[0])
            && !super::similarity::romanised(o, joined)
        {
            return false;
        }
        let s = pair(joined, o);
        s >= JOIN_MIN && s > pair(side[i], o) && s > pair(side[i + 1], o)
    });
    if !useful {
        return None;
    }
    let mut merged: Vec<&Token> = Vec::with_capacity(side.len() - 1);
    merged.extend_from_slice(&side[..i]);
    merged.push(joined);
    merged.extend_from_slice(&side[i + 2..]);
    let (score, _) = if swapped {
        score_tokens(other, &merged, sim)
    } else {
        score_tokens(&merged, other, sim)
    };
    Some(score)
}

/// Best assignment of `a` tokens to `b` tokens and the resulting score; the flag says whether
/// any token was left unpaired.
fn score_tokens(a: &[&Token], b: &[&Token], sim_of: &mut dyn TokenSimilarity) -> (NameScore, bool) {
    let (m, n) = (a.len(), b.len());
    let mut sim = [[0f64; MAX_TOKENS]; MAX_TOKENS];
    for i in 0..m {
        for j in 0..n {
            let s = sim_of.similarity(a[i], b[j]);
            sim[i][j] = if s >= PAIR_MIN { s } else { 0.0 };
        }
    }
    let weight_of = |i: usize, j: usize| a[i].weight + b[j].weight;
    let (pairs, count) = assign(&sim, m, n, &weight_of);
    let (mut value, mut weight) = (0.0, 0.0);
    let mut strong = 0;
    let (mut used_a, mut used_b) = (0u32, 0u32);
    for &(i, j) in &pairs[..count] {
        let w = weight_of(i, j);
        value += sim[i][j] * w;
        weight += w;
        used_a |= 1 << i;
        used_b |= 1 << j;
        let full_words = !a[i].initial && !b[j].initial && a[i].weight >= 1.0 && b[j].weight >= 1.0;
        if full_words && sim[i][j] >= STRONG {
            strong += 1;
        }
    }
    let left_a = leftover_weights(a, used_a);
    let left_b = leftover_weights(b, used_b);
    let (la, lb) = (left_a.1, left_b.1);
    let leftovers = la > 0 || lb > 0;
    let conflicts = la.min(lb);
    let conflict_weight: f64 = left_a.0[..conflicts]
        .iter()
        .chain(&left_b.0[..conflicts])
        .sum();
    let missing_weight: f64 = left_a.0[conflicts..la]
        .iter()
        .chain(&left_b.0[conflicts..lb])
        .sum();
    let missing_cost = if strong >= 2 {
        MISSING_ANCHORED
    } else {
        MISSING_LOOSE
    };
    let total = weight + conflict_weight + missing_weight * missing_cost;
    let score = if total > 0.0 { value / total } else { 0.0 };
    (
        NameScore {
            score,
            strong_pairs: strong,
        },
        leftovers,
    )
}

/// Weights of the unpaired tokens, heaviest first (the heaviest face each other as conflicts).
fn leftover_weights(tokens: &[&Token], used: u32) -> ([f64; MAX_TOKENS], usize) {
    let mut out = [0f64; MAX_TOKENS];
    let mut count = 0;
    for (i, t) in tokens.iter().enumerate() {
        if used & (1 << i) == 0 {
            out[count] = t.weight;
            count += 1;
        }
    }
    out[..count].sort_by(|x, y| y.total_cmp(x));
    (out, count)
}

type Pairs = ([(usize, usize); MAX_TOKENS], usize);

/// The pairs maximising Σ similarity × weight. Only the few tokens with any similar partner
/// take part; among those, dynamic programming over the subsets of the second name's tokens
/// finds the best assignment (greedy beyond six of them, which real names hardly reach).
fn assign(
    sim: &[[f64; MAX_TOKENS]; MAX_TOKENS],
    m: usize,
    n: usize,
    weight: &dyn Fn(usize, usize) -> f64,
) -> Pairs {
    let mut rows = [0usize; MAX_TOKENS];
    let mut cols = [0usize; MAX_TOKENS];
    let (mut nr, mut nc) = (0, 0);
    for i in 0..m {
        if sim[i][..n].iter().any(|&s| s > 0.0) {
            rows[nr] = i;
            nr += 1;
        }
    }
    for j in 0..n {
        if (0..m).any(|i| sim[i][j] > 0.0) {
            cols[nc] = j;
            nc += 1;
        }
    }
    let value = |r: usize, c: usize| {
        let (i, j) = (rows[r], cols[c]);
        if sim[i][j] > 0.0 {
            sim[i][j] * weight(i, j)
        } else {
            0.0
        }
    };
    let mut pairs = [(0usize, 0usize); MAX_TOKENS];
    let mut count = 0;
    // Usually every similar token has exactly one similar partner: nothing to choose.
    let unambiguous = (0..nr).all(|r| (0..nc).filter(|&c| value(r, c) > 0.0).count() == 1)
        && (0..nc).all(|c| (0..nr).filter(|&r| value(r, c) > 0.0).count() == 1);
    if unambiguous {
        for r in 0..nr {
            if let Some(c) = (0..nc).find(|&c| value(r, c) > 0.0) {
                pairs[count] = (rows[r], cols[c]);
                count += 1;
            }
        }
        return (pairs, count);
    }
    if nc > 6 {
        let mut used = 0u32;
        for r in 0..nr {
            let best = (0..nc)
                .filter(|&c| used & (1 << c) == 0 && value(r, c) > 0.0)
                .max_by(|&x, &y| value(r, x).total_cmp(&value(r, y)));
            if let Some(c) = best {
                used |= 1 << c;
                pairs[count] = (rows[r], cols[c]);
                count += 1;
            }
        }
        return (pairs, count);
    }
    let states = 1usize << nc;
    // best[r][mask]: best value from rows r.. with the columns in `mask` already taken.
    let mut best = [[0f64; 64]; MAX_TOKENS + 1];
    for r in (0..nr).rev() {
        for mask in 0..states {
            let mut v = best[r + 1][mask];
            for c in 0..nc {
                if mask & (1 << c) == 0 {
                    let w = value(r, c);
                    if w > 0.0 {
                        v = v.max(w + best[r + 1][mask | 1 << c]);
                    }
                }
            }
            best[r][mask] = v;
        }
    }
    let mut mask = 0usize;
    for r in 0..nr {
        let here = best[r][mask];
        if (here - best[r + 1][mask]).abs() < 1e-12 {
            continue;
        }
        for c in 0..nc {
            let w = value(r, c);
            if mask & (1 << c) == 0
                && w > 0.0
                && (here - (w + best[r + 1][mask | 1 << c])).abs() < 1e-12
            {
                pairs[count] = (rows[r], cols[c]);
                count += 1;
                mask |= 1 << c;
                break;
            }
        }
    }
    (pairs, count)
}
