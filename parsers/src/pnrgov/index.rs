//! Lookups of a PNR's travellers by reference and by surname. A push may hold thousands of
//! travellers in one PNR (group bookings, or hostile input): linking SSRs and check-in data by
//! scanning every traveller each time would be quadratic. Most PNRs hold one to four
//! travellers, though, and for them two short lists cost less than building two hash maps per
//! PNR (a profiled 6 % of a PNRGOV parse): the maps are built only past [`SMALL`] travellers.

use compact_str::CompactString;
use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;

use crate::model::Traveller;

use super::names::{key, Key};

/// Up to this many entries a list is scanned; past it, the index switches to hash maps.
const SMALL: usize = 16;

/// Traveller references compare without leading zeros (`001` is `1`).
pub fn norm_ref(r: &str) -> &str {
    crate::edifact::trim(r).trim_start_matches('0')
}

/// Travellers by one key: a list while short, a map once long.
#[derive(Debug)]
struct Keyed<K> {
    list: Vec<(K, usize)>,
    map: Option<HashMap<K, Vec<usize>>>,
}

impl<K> Default for Keyed<K> {
    fn default() -> Self {
        Keyed {
            list: Vec::new(),
            map: None,
        }
    }
}

impl<K: Eq + Hash> Keyed<K> {
    fn add(&mut self, k: K, i: usize) {
        if let Some(map) = self.map.as_mut() {
            map.entry(k).or_default().push(i);
            return;
        }
        self.list.push((k, i));
        if self.list.len() > SMALL {
            let mut map: HashMap<K, Vec<usize>> = HashMap::new();
            for (k, i) in self.list.drain(..) {
                map.entry(k).or_default().push(i);
            }
            self.map = Some(map);
        }
    }

    /// Forgets every entry, keeping the list's allocation.
    fn clear(&mut self) {
        self.list.clear();
        self.map = None;
    }

    /// The travellers under `k`, in the order they were added; `k` is borrowed, not copied
    /// into a key of its own.
    fn get<'s, Q>(&'s self, k: &'s Q) -> impl Iterator<Item = usize> + 's
    where
        K: Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        let mapped = self
            .map
            .as_ref()
            .and_then(|m| m.get(k))
            .map_or(&[][..], Vec::as_slice);
        mapped.iter().copied().chain(
            self.list
                .iter()
                .filter(move |(x, _)| x.borrow() == k)
                .map(|&(_, i)| i),
        )
    }

    /// [`Keyed::get`] for a key made by the caller, which the iterator keeps.
    fn get_owned(&self, k: K) -> impl Iterator<Item = usize> + '_ {
        let mapped = self
            .map
            .as_ref()
            .and_then(|m| m.get(&k))
            .map_or(&[][..], Vec::as_slice);
        mapped.iter().copied().chain(
            self.list
                .iter()
                .filter(move |(x, _)| *x == k)
                .map(|&(_, i)| i),
        )
    }
}

/// Indexes of travellers by normalised reference and by surname key.
#[derive(Debug, Default)]
pub struct Index {
    refs: Keyed<CompactString>,
    surnames: Keyed<Key>,
}

impl Index {
    /// Records traveller `i`.
    pub fn add(&mut self, i: usize, t: &Traveller) {
        if let Some(r) = &t.traveller_ref {
            self.refs.add(norm_ref(r).into(), i);
        }
        self.surnames.add(key(&t.surname), i);
    }

    /// Forgets every traveller (for the next PNR), keeping the allocations.
    pub fn clear(&mut self) {
        self.refs.clear();
        self.surnames.clear();
    }

    /// Travellers with reference `r`, in order.
    pub fn by_ref<'s>(&'s self, r: &'s str) -> impl Iterator<Item = usize> + 's {
        self.refs.get(norm_ref(r))
    }

    /// Travellers whose surname has the same letters as `surname`, in order.
    pub fn by_surname<'s>(&'s self, surname: &str) -> impl Iterator<Item = usize> + 's {
        self.surnames.get_owned(key(surname))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn traveller(surname: &str, reference: &str) -> Traveller {
        Traveller {
            surname: surname.into(),
            traveller_ref: Some(reference.into()),
            ..Traveller::default()
        }
    }

    #[test]
    fn same_answers_as_lists_and_as_maps() {
        // Few travellers (lists) and many (maps past SMALL) find the same, in order.
        for n in [3, SMALL * 3] {
            let mut ix = Index::default();
            for i in 0..n {
                let name = if i % 2 == 0 { "PA RK" } else { "LEE" };
                ix.add(i, &traveller(name, &format!("{:03}", i % 3 + 1)));
            }
            let parks: Vec<usize> = ix.by_surname("PARK").collect();
            assert_eq!(parks, (0..n).step_by(2).collect::<Vec<_>>(), "n = {n}");
            let ones: Vec<usize> = ix.by_ref("1").collect();
            assert_eq!(ones, (0..n).step_by(3).collect::<Vec<_>>(), "n = {n}");
            assert_eq!(ix.by_ref("9").count(), 0);
            assert_eq!(ix.by_surname("KIM").count(), 0);
        }
    }
}
