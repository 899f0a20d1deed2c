//! Lookups of a PNR's travellers by reference and by surname. A push may hold thousands of
//! travellers in one PNR (group bookings, or hostile input): linking SSRs and check-in data by
//! scanning every traveller each time would be quadratic.

use std::collections::HashMap;

use crate::model::Traveller;

use super::names::key;

/// Traveller references compare without leading zeros (`001` is `1`).
pub fn norm_ref(r: &str) -> &str {
    r.trim().trim_start_matches('0')
}

/// Indexes of travellers by normalised reference and by surname key.
#[derive(Debug, Default)]
pub struct Index {
    refs: HashMap<String, Vec<usize>>,
    surnames: HashMap<String, Vec<usize>>,
}

impl Index {
    /// Records traveller `i`.
    pub fn add(&mut self, i: usize, t: &Traveller) {
        if let Some(r) = &t.traveller_ref {
            self.refs
                .entry(norm_ref(r).to_string())
                .or_default()
                .push(i);
        }
        self.surnames.entry(key(&t.surname)).or_default().push(i);
    }

    /// Travellers with reference `r`, in order.
    pub fn by_ref(&self, r: &str) -> &[usize] {
        self.refs.get(norm_ref(r)).map_or(&[], Vec::as_slice)
    }

    /// Travellers whose surname has the same letters as `surname`, in order.
    pub fn by_surname(&self, surname: &str) -> &[usize] {
        self.surnames.get(&key(surname)).map_or(&[], Vec::as_slice)
    }
}
