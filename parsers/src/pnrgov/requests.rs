//! SSR segments of a PNR: documents, contacts, frequent flyer numbers and infants become
//! pending links (resolved when the PNR is complete), seat requests become seats, everything
//! else is kept as an [`Ssr`].

use crate::edifact::{Reader, Segment};
use crate::model::Ssr;
use compact_str::CompactString;

use super::link::{Item, Pending};
use super::pnr::{Ctx, PnrBuilder, Pushed};
use super::ssr;

/// SSR codes read into typed fields rather than kept in [`crate::model::Pnr::ssrs`] (the writer derives them
/// from the same fields, so a round trip keeps each SSR once).
const TYPED_SSRS: &[&str] = &[
    "DOCS", "DOCO", "DOCA", "CTCE", "CTCM", "CTCH", "SEAT", "FQTV",
];

impl PnrBuilder {
    /// An SSR anywhere in the PNR (PNR level, traveller group or flight group).
    pub(super) fn ssr<'a>(&mut self, r: &mut Reader<'a>, seg: &Segment<'a>, _pushed: &Pushed) {
        let mut seats = std::mem::take(&mut self.seats);
        let mut s = ssr::read(r, seg, &mut seats);
        // Only seat requests have seats; they touch nothing the code's own handling below does.
        self.assign_seats(&seats);
        self.seats = seats;
        let context = if self.ctx == Ctx::Traveller {
            self.current
        } else {
            None
        };
        let reference = s.reference.take();
        // One pending item per SSR at most: the reference moves into it.
        let pend = |item, reference| Pending {
            item,
            context,
            reference,
            position: seg.position,
            index: seg.index,
        };
        // The typed codes are neither seat requests nor kept in `ssrs`: done once pending.
        let item = match &*s.code {
            "DOCS" => Item::Docs(ssr::docs(r, seg, &s.text)),
            "DOCO" => Item::Doco(ssr::doco(r, seg, &s.text)),
            "DOCA" => Item::Doca(ssr::doca(&s.text)),
            "CTCE" => Item::Email(ssr::email(&s.text)),
            "CTCM" | "CTCH" => Item::Phone(ssr::phone(&s.text)),
            "FQTV" => {
                let ff = ssr::frequent_flyer(&s.text);
                if !ff.is_empty() && !self.pnr.frequent_flyer.contains(&ff) {
                    self.pnr.frequent_flyer.push(ff);
                }
                return;
            }
            "INFT" => {
                let (surname, given, dob) = ssr::inft(r, seg, &s.text);
                let item = Item::Infant(surname, given, dob);
                self.pending.push(pend(item, reference.clone()));
                self.keep(s, reference, context);
                return;
            }
            _ => {
                self.keep(s, reference, context);
                return;
            }
        };
        self.pending.push(pend(item, reference));
    }

    /// Seats of a seat request SSR (C332 seat per traveller reference).
    fn assign_seats(&mut self, seats: &ssr::Seats) {
        for (seat, reference) in seats {
            if seat.is_empty() {
                continue;
            }
            let who = reference.as_deref().and_then(|x| self.ix.by_ref(x).next());
            match who {
                Some(i) if self.on_pushed || self.pnr.travellers[i].seat.is_none() => {
                    self.pnr.travellers[i].seat = Some(seat.clone())
                }
                Some(_) => {}
                None => {
                    if !self.pnr.seats.contains(seat) {
                        self.pnr.seats.push(seat.clone());
                    }
                }
            }
        }
    }

    /// An SSR of a code not read into typed fields, kept as sent.
    fn keep(&mut self, s: ssr::RawSsr, reference: Option<CompactString>, context: Option<usize>) {
        if !TYPED_SSRS.contains(&&*s.code) && !s.code.is_empty() {
            let traveller_ref = reference
                .or_else(|| context.and_then(|i| self.pnr.travellers[i].traveller_ref.clone()));
            self.pnr.ssrs.push(Ssr {
                code: s.code.into(),
                text: (!s.text.is_empty()).then(|| CompactString::from(s.text)),
                traveller_ref,
            });
        }
    }
}
