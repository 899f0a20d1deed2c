//! Whole-name similarity: tokens are paired by the best assignment (order does not matter),
//! then unpaired tokens count against the score. An unpaired token facing another unpaired
//! token is a *conflict* (SMITH, John vs SMITH, Robert) and costs its full weight; an unpaired
//! token with nothing left to face is a *missing* part (a dropped middle name) and costs little
//! as long as the rest of the name agrees on at least two strong tokens.

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
const PAIR_MIN: f64 = 0.78;
/// A pair this similar between two full words makes the name "strongly" anchored.
const STRONG: f64 = 0.85;
/// A joined word (ABDULRAHMAN) must be at least this close to the pair it replaces.
const JOIN_MIN: f64 = 0.88;
/// Cost of a missing token when at least two strong pairs agree, and when fewer do.
const MISSING_ANCHORED: f64 = 0.3;
const MISSING_LOOSE: f64 = 0.8;
/// Most tokens considered on each side; longer names are cut (lists rarely exceed this).
const MAX_TOKENS: usize = 10;

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
pub fn score_names_with(a: &PreparedName, b: &PreparedName, sim: &mut dyn TokenSimilarity) -> NameScore {
    let ta: Vec<&Token> = a.tokens.iter().take(MAX_TOKENS).collect();
    let tb: Vec<&Token> = b.tokens.iter().take(MAX_TOKENS).collect();
    if ta.is_empty() || tb.is_empty() {
        return NameScore::default();
    }
    let (mut best, leftovers) = score_tokens(&ta, &tb, sim);
    if leftovers {
        for (i, joined) in a.joined.iter().enumerate().take(ta.len().saturating_sub(1)) {
            if let Some(s) = try_join(&ta, i, joined, &tb, false, sim) {
                best = best_of(best, s);
            }
        }
        for (i, joined) in b.joined.iter().enumerate().take(tb.len().saturating_sub(1)) {
            if let Some(s) = try_join(&tb, i, joined, &ta, true, sim) {
                best = best_of(best, s);
            }
        }
    }
    best
}

fn best_of(a: NameScore, b: NameScore) -> NameScore {
    if b.score > a.score { b } else { a }
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
    let mut pair = |x: &Token, o: &Token| if swapped { sim.similarity(o, x) } else { sim.similarity(x, o) };
    let useful = other.iter().any(|o| {
        // A joined word is about as long as the word it stands for; skip the rest cheaply.
        if o.text.len().abs_diff(joined.text.len()) > 3 || o.text.as_bytes()[0] != joined.text.as_bytes()[0] {
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
    let (score, _) = if swapped { score_tokens(other, &merged, sim) } else { score_tokens(&merged, other, sim) };
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
    let pairs = assign(&sim, a, b);
    let (mut value, mut weight) = (0.0, 0.0);
    let mut strong = 0;
    let (mut used_a, mut used_b) = (0u32, 0u32);
    for &(i, j) in &pairs {
        let w = a[i].weight + b[j].weight;
        value += sim[i][j] * w;
        weight += w;
        used_a |= 1 << i;
        used_b |= 1 << j;
        let full_words = !a[i].initial && !b[j].initial && a[i].weight >= 1.0 && b[j].weight >= 1.0;
        if full_words && sim[i][j] >= STRONG {
            strong += 1;
        }
    }
    let mut left_a: Vec<f64> = (0..m).filter(|i| used_a & (1 << i) == 0).map(|i| a[i].weight).collect();
    let mut left_b: Vec<f64> = (0..n).filter(|j| used_b & (1 << j) == 0).map(|j| b[j].weight).collect();
    let leftovers = !left_a.is_empty() || !left_b.is_empty();
    left_a.sort_by(|x, y| y.total_cmp(x));
    left_b.sort_by(|x, y| y.total_cmp(x));
    let conflicts = left_a.len().min(left_b.len());
    let conflict_weight: f64 = left_a[..conflicts].iter().chain(&left_b[..conflicts]).sum();
    let missing_weight: f64 = left_a[conflicts..].iter().chain(&left_b[conflicts..]).sum();
    let missing_cost = if strong >= 2 { MISSING_ANCHORED } else { MISSING_LOOSE };
    let total = weight + conflict_weight + missing_weight * missing_cost;
    let score = if total > 0.0 { value / total } else { 0.0 };
    (NameScore { score, strong_pairs: strong }, leftovers)
}

/// The set of (a, b) pairs maximising Σ similarity × weight, by dynamic programming over the
/// subsets of `b` (names have few tokens, so 2^n stays small).
fn assign(sim: &[[f64; MAX_TOKENS]; MAX_TOKENS], a: &[&Token], b: &[&Token]) -> Vec<(usize, usize)> {
    let (m, n) = (a.len(), b.len());
    let states = 1usize << n;
    // best[i][mask]: best value using a[i..] with b-tokens in `mask` already taken.
    let mut best = vec![0f64; (m + 1) * states];
    for i in (0..m).rev() {
        for mask in 0..states {
            let mut v = best[(i + 1) * states + mask];
            for j in 0..n {
                if mask & (1 << j) == 0 && sim[i][j] > 0.0 {
                    let w = sim[i][j] * (a[i].weight + b[j].weight);
                    v = v.max(w + best[(i + 1) * states + (mask | 1 << j)]);
                }
            }
            best[i * states + mask] = v;
        }
    }
    let mut pairs = Vec::new();
    let mut mask = 0usize;
    for i in 0..m {
        let here = best[i * states + mask];
        if (here - best[(i + 1) * states + mask]).abs() < 1e-12 {
            continue;
        }
        for j in 0..n {
            if mask & (1 << j) == 0 && sim[i][j] > 0.0 {
                let w = sim[i][j] * (a[i].weight + b[j].weight);
                if (here - (w + best[(i + 1) * states + (mask | 1 << j)])).abs() < 1e-12 {
                    pairs.push((i, j));
                    mask |= 1 << j;
                    break;
                }
            }
        }
    }
    pairs
}
