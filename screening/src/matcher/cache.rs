//! Per-traveller cache of token similarities. List names share most of their words (thousands
//! of MOHAMMED, ALI, HASSAN), so the pairs (traveller word, list word) repeat across
//! candidates; computing each once keeps scoring cheap.

use crate::names::similarity::token_similarity;
use crate::names::{Token, TokenSimilarity};

use super::index::QuickMap;

/// Similarities by (query token id, list token id); tokens with id 0 bypass the cache.
#[derive(Default)]
pub(crate) struct SimCache {
    map: QuickMap<(u32, u32), f64>,
}

impl TokenSimilarity for SimCache {
    fn similarity(&mut self, query: &Token, other: &Token) -> f64 {
        if query.id == 0 || other.id == 0 {
            return token_similarity(query, other);
        }
        *self
            .map
            .entry((query.id, other.id))
            .or_insert_with(|| token_similarity(query, other))
    }
}

/// Numbers the query's tokens (and joined pairs) so the cache can key on them.
pub(crate) fn number_query(query: &mut crate::names::PreparedName) {
    for (i, t) in query.tokens.iter_mut().enumerate() {
        t.id = 1 + i as u32;
    }
    for (i, t) in query.joined.iter_mut().enumerate() {
        t.id = 1001 + i as u32;
    }
}

/// Interns list words: equal spellings (with equal script and core) get the same id.
#[derive(Default)]
pub(crate) struct Vocabulary {
    ids: QuickMap<(String, bool, Option<String>), u32>,
}

impl Vocabulary {
    /// Gives every token and joined pair of `name` its word id.
    pub(crate) fn number(&mut self, name: &mut crate::names::PreparedName) {
        for t in name.tokens.iter_mut().chain(name.joined.iter_mut()) {
            let next = self.ids.len() as u32 + 1;
            t.id = *self
                .ids
                .entry((t.text.clone(), t.abjad, t.core.clone()))
                .or_insert(next);
        }
    }
}
