//! The itinerary and check-in groups of a PNR (Gr.5 to Gr.7): TVL segments, which of them is the
//! pushed flight, and the seats and bags of checked-in travellers.

use crate::edifact::{Reader, Segment};

use super::pnr::{Ctx, PnrBuilder, Pushed};
use super::travel;

impl PnrBuilder {
    /// TVL: a new itinerary segment (or the codeshare continuation of the last one).
    pub(super) fn tvl<'a>(
        &mut self,
        r: &mut Reader<'a>,
        seg: &Segment<'a>,
        pushed: &Pushed,
        memo: &mut travel::Memo<'a>,
    ) {
        if self.ctx == Ctx::NonAir {
            return; // hotel, car...: not flights
        }
        self.checked_in = None;
        match travel::segment_memo(r, seg, memo) {
            Some(s) => {
                self.on_pushed = s.carrier == pushed.carrier
                    && s.number.trim_start_matches('0') == pushed.number.trim_start_matches('0')
                    && (pushed.origin.is_empty() || s.origin == pushed.origin);
                self.pnr.itinerary.push(s);
                self.ctx = Ctx::Itinerary;
            }
            None if self.ctx == Ctx::Itinerary || self.ctx == Ctx::CheckIn => {
                // ≤13.1 codeshare: the operating flight's number alone; nothing to add.
            }
            None => r.warn(
                seg,
                "TVL has neither departure nor arrival airport; it was skipped.".into(),
            ),
        }
    }
    /// TBD: checked bags of the traveller of the current check-in group.
    pub(super) fn tbd<'a>(&mut self, r: &mut Reader<'a>, seg: &Segment<'a>) {
        let Some(i) = self.checked_in else { return };
        let count: Option<u32> = r.str(seg, 1, 0).parse().ok();
        let mut tags = Vec::new();
        for e in 4..r.element_count(seg) {
            let tag = r.text(seg, e, 1);
            let count = r.str(seg, e, 2);
            let n = bag_run(r, seg, &count);
            if n == 1 && !tag.is_empty() {
                tags.push(tag); // one tag, the usual case: no run to expand
            } else {
                crate::paxlst::expand_tags_into(&tag, n, &mut tags);
            }
        }
        let t = &mut self.pnr.travellers[i];
        if self.on_pushed || t.bag_count.is_none() {
            if count.is_some() {
                t.bag_count = count;
            }
            if !tags.is_empty() {
                // Senders repeat overlapping tag runs; each tag counts once. A traveller's few
                // tags are compared directly; only a long list is worth a set.
                if tags.len() <= 32 {
                    // In place: the first of each tag moves up to the unique ones before it.
                    let mut unique = 0;
                    for j in 0..tags.len() {
                        if !tags[..unique].contains(&tags[j]) {
                            tags.swap(unique, j);
                            unique += 1;
                        }
                    }
                    tags.truncate(unique);
                } else {
                    let mut seen = std::collections::HashSet::new();
                    tags.retain(|x| seen.insert(x.clone()));
                }
                t.bag_tags = tags;
            }
        }
    }
}

/// The number of consecutive bag tags a run stands for; absurd counts (line-wrap garbage such
/// as `722356`) are read as one tag and reported.
pub fn bag_run<'a>(r: &mut Reader<'a>, seg: &Segment<'a>, count: &str) -> u32 {
    match count.trim().parse::<u32>() {
        Ok(n @ 1..=20) => n,
        Ok(0) | Err(_) if count.trim().is_empty() => 1,
        _ => {
            r.warn(
                seg,
                "A bag tag count is not a plausible number (1 to 20); the tag was read alone."
                    .into(),
            );
            1
        }
    }
}
