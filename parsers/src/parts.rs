//! Reassembling a message sent in parts (UNH S010 `01:C` … `NN:F`, reference/messages.md §1.7),
//! for PAXLST ([`crate::paxlst::reassemble`]) and PNRGOV ([`crate::pnrgov::reassemble`]) alike.
//! Parts share the sender and the common access reference, each repeats the header (PAXLST: the
//! flight block and list totals; PNRGOV: MSG, ORG, TVL and EQN with the push's total) and each
//! carries a subset of the travellers or PNRs; they may arrive out of order or twice.

use crate::model::{Manifest, Part, PnrPush};

/// What keeps a set of parts from being complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incomplete {
    /// No part says it is the last (`F`) yet.
    NoLastPart,
    /// These sequence numbers, up to the last part's, have not arrived.
    Missing(Vec<u32>),
}

/// A message that may come in parts.
pub trait MultiPart: Sized {
    /// The part this message is (S010), `None` for a message sent whole.
    fn part(&self) -> Option<Part>;
    /// Sets the part (a reassembled message is part 1 of 1).
    fn set_part(&mut self, part: Option<Part>);
    /// Appends what a later part carries (travellers or PNRs, diagnostics).
    fn append(&mut self, later: Self);
}

impl MultiPart for Manifest {
    fn part(&self) -> Option<Part> {
        self.part
    }
    fn set_part(&mut self, part: Option<Part>) {
        self.part = part;
    }
    fn append(&mut self, later: Self) {
        self.travellers.extend(later.travellers);
        self.diagnostics.extend(later.diagnostics);
        if !later.totals.is_empty() {
            self.totals = later.totals;
        }
    }
}

impl MultiPart for PnrPush {
    fn part(&self) -> Option<Part> {
        self.part
    }
    fn set_part(&mut self, part: Option<Part>) {
        self.part = part;
    }
    fn append(&mut self, later: Self) {
        self.pnrs.extend(later.pnrs);
        self.diagnostics.extend(later.diagnostics);
        if self.flight.legs.is_empty() {
            self.flight = later.flight;
        }
    }
}

/// Merges the parts of one multi-part message (all with the same reassembly key) into one, in
/// sequence order. A part sent twice counts once (the copy that came last wins). A message
/// without S010 is complete by itself and is returned as it is.
pub fn reassemble<T: MultiPart>(mut parts: Vec<T>) -> Result<T, Incomplete> {
    if parts.len() == 1 && parts[0].part().is_none_or(|p| p.first && p.last) {
        return Ok(parts.remove(0));
    }
    // Latest copy of each sequence number wins: keep the last occurrence.
    let mut by_seq: Vec<(u32, T)> = Vec::new();
    for m in parts.drain(..) {
        let seq = m.part().map_or(1, |p| p.sequence);
        by_seq.retain(|(s, _)| *s != seq);
        by_seq.push((seq, m));
    }
    by_seq.sort_by_key(|(s, _)| *s);
    let last = by_seq
        .iter()
        .find(|(_, m)| m.part().is_some_and(|p| p.last))
        .map(|(s, _)| *s);
    let Some(last) = last else {
        return Err(Incomplete::NoLastPart);
    };
    let missing: Vec<u32> = (1..=last)
        .filter(|n| !by_seq.iter().any(|(s, _)| s == n))
        .collect();
    if !missing.is_empty() {
        return Err(Incomplete::Missing(missing));
    }
    let mut iter = by_seq
        .into_iter()
        .filter(|(s, _)| *s <= last)
        .map(|(_, m)| m);
    let mut whole = iter.next().ok_or(Incomplete::NoLastPart)?;
    for m in iter {
        whole.append(m);
    }
    whole.set_part(Some(Part {
        sequence: 1,
        first: true,
        last: true,
    }));
    Ok(whole)
}
