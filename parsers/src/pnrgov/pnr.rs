//! One PNR (PNRGOV Gr.1, from SRC to the next SRC): the segment groups of the IG read with a small
//! context state, GTAS's hard-won tolerance in mind (missing RCI, misplaced IFT, TIF repeated in
//! the check-in groups, history after ABI).

use crate::edifact::{Reader, Segment};
use crate::model::{Contact, Payment, Pnr, SplitPnr, Traveller};
use compact_str::{format_compact, CompactString};

use super::index::Index;
use super::link::{self, Pending};
use super::names::strip_title;
use super::ssr;
use super::travel;

/// Which group of the PNR the reader is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ctx {
    /// After SRC, before the first TIF (Gr.1 PNR-level segments).
    Header,
    /// In a traveller's group (Gr.2-4).
    Traveller,
    /// In an itinerary segment (Gr.5).
    Itinerary,
    /// In a check-in group (Gr.6-7).
    CheckIn,
    /// After EQN in the PNR: a split/divided PNR (Gr.8).
    Split,
    /// After MSG in the PNR: non-air segments (Gr.9).
    NonAir,
    /// After ABI or LTS: history (Gr.10-12).
    History,
}

/// Reads one PNR segment by segment.
#[derive(Debug)]
pub struct PnrBuilder {
    pub pnr: Pnr,
    pub(super) ctx: Ctx,
    pub(super) current: Option<usize>,
    pub(super) checked_in: Option<usize>,
    /// Whether the current itinerary segment is the flight being pushed.
    pub(super) on_pushed: bool,
    pub(super) pending: Vec<Pending>,
    pub(super) saw_rci: bool,
    /// Travellers by reference and surname, kept in step with `pnr.travellers`.
    pub(super) ix: Index,
    pub(super) src: Option<(usize, usize)>,
    /// Scratch for the seats of one SSR ([`ssr::read`]).
    pub(super) seats: ssr::Seats,
}

/// What reading a PNR needs besides the PNR itself, handed on to the next PNR of the message so
/// that their allocations serve every PNR: a few allocations less per PNR, out of some forty.
#[derive(Debug, Default)]
pub struct Spare {
    pending: Vec<Pending>,
    ix: Index,
    seats: ssr::Seats,
}

/// The flight the push is for, to tell its seats and bags from other segments'.
#[derive(Debug, Clone, Default)]
pub struct Pushed {
    pub carrier: CompactString,
    pub number: CompactString,
    pub origin: CompactString,
}

impl PnrBuilder {
    /// A PNR opened by the SRC `seg` (or by a segment found where a PNR should start).
    pub fn new(seg: &Segment, spare: Spare) -> Self {
        let Spare { pending, ix, seats } = spare;
        PnrBuilder {
            pnr: Pnr::default(),
            ctx: Ctx::Header,
            current: None,
            checked_in: None,
            on_pushed: false,
            pending,
            saw_rci: false,
            ix,
            src: Some((seg.position, seg.index)),
            seats,
        }
    }

    /// Handles one segment inside the PNR.
    pub fn segment<'a>(
        &mut self,
        r: &mut Reader<'a>,
        seg: &Segment<'a>,
        pushed: &Pushed,
        memo: &mut travel::Memo<'a>,
    ) {
        if self.ctx == Ctx::History && !seg.is("LTS") {
            self.pnr.history.push(raw_text(r, seg));
            return;
        }
        match seg.tag {
            b"RCI" => self.rci(r, seg),
            b"SSR" => self.ssr(r, seg, pushed),
            b"DAT" => self.dat(r, seg),
            b"IFT" => self.ift(r, seg),
            b"ORG" => {
                if self.ctx == Ctx::Header && self.pnr.agency.is_none() {
                    self.pnr.agency = r.opt(seg, 1, 0).or_else(|| r.opt(seg, 1, 1));
                }
            }
            b"ADD" => {
                let parts = r.components(seg, 1, 1);
                let phone = r.opt(seg, 1, 7);
                let address: Vec<CompactString> = parts
                    .into_iter()
                    .filter(|p| Some(p) != phone.as_ref())
                    .collect();
                if !address.is_empty() {
                    self.pnr.contacts.push(Contact {
                        kind: "address".into(),
                        value: address.join(", ").into(),
                    });
                }
                if let Some(p) = phone {
                    self.pnr.contacts.push(Contact {
                        kind: "phone".into(),
                        value: p,
                    });
                }
            }
            b"EBD" => {
                if self.pnr.bag_count.is_none() {
                    self.pnr.bag_count = r.text(seg, 1, 0).parse().ok();
                }
            }
            b"TIF" => self.tif(r, seg),
            b"FTI" => {
                for e in 0..r.element_count(seg) {
                    let ff = format_compact!("{}{}", r.text(seg, e, 0), r.text(seg, e, 1));
                    if !ff.is_empty() && !self.pnr.frequent_flyer.contains(&ff) {
                        self.pnr.frequent_flyer.push(ff);
                    }
                }
            }
            b"REF" | b"TKT" => {
                // REF+:unique id (the value is the second component); TKT+number:type:booklets.
                let v = if seg.is("REF") {
                    r.opt(seg, 0, 1).or_else(|| r.opt(seg, 0, 0))
                } else {
                    r.opt(seg, 0, 0)
                };
                if let (Some(v), Some(i)) = (v, self.current) {
                    self.pnr.travellers[i]
                        .references
                        .push(format_compact!("{}:{v}", seg.tag_str()));
                }
            }
            b"FOP" => {
                for e in 0..r.element_count(seg) {
                    let payment_type = r.text(seg, e, 0);
                    if payment_type.is_empty() {
                        continue;
                    }
                    self.pnr.payments.push(Payment {
                        payment_type,
                        card: r.opt(seg, e, 4),
                        amount: r.opt(seg, e, 2),
                    });
                }
            }
            b"FAR" | b"MON" | b"PTK" | b"TXD" | b"RPI" | b"APD" => {}
            b"TVL" => self.tvl(r, seg, pushed, memo),
            b"TRA" => {
                if let (Some(s), Some(c)) = (self.pnr.itinerary.last_mut(), r.opt(seg, 0, 0)) {
                    s.operating_carrier = Some(c);
                }
            }
            b"TRI" => {
                self.ctx = Ctx::CheckIn;
                let reference = r.opt(seg, 1, 3);
                self.checked_in = reference.and_then(|x| self.ix.by_ref(&x).next());
            }
            b"SSD" => {
                if let (Some(i), Some(seat)) = (self.checked_in, r.opt(seg, 0, 0)) {
                    let t = &mut self.pnr.travellers[i];
                    if self.on_pushed || t.seat.is_none() {
                        t.seat = Some(seat);
                    }
                }
            }
            b"TBD" => self.tbd(r, seg),
            b"EQN" => {
                self.ctx = Ctx::Split;
                self.pnr.splits.push(SplitPnr {
                    record_locator: CompactString::default(),
                    travellers: r.str(seg, 0, 0).parse().ok(),
                });
            }
            b"MSG" => self.ctx = Ctx::NonAir,
            b"ABI" | b"SAC" => {
                self.ctx = Ctx::History;
                self.pnr.history.push(raw_text(r, seg));
            }
            b"LTS" => {
                self.ctx = Ctx::History;
                if let Some(t) = r.opt(seg, 0, 0) {
                    self.pnr.history.push(t);
                }
            }
            _ => {
                r.info(
                    seg,
                    format!(
                        "Segment {} is not part of PNRGOV; it was kept raw.",
                        seg.tag_str()
                    ),
                );
                self.pnr.unknown_segments.push(raw_text(r, seg));
            }
        }
    }

    fn rci<'a>(&mut self, r: &mut Reader<'a>, seg: &Segment<'a>) {
        if self.ctx == Ctx::Split {
            // The locator of the PNR split from this one (Gr.8).
            if let (Some(split), Some(l)) = (self.pnr.splits.last_mut(), r.opt(seg, 0, 1)) {
                if split.record_locator.is_empty() {
                    split.record_locator = l;
                }
            }
            return;
        }
        if self.saw_rci || !matches!(self.ctx, Ctx::Header | Ctx::Traveller) {
            return; // flight-level locators
        }
        self.saw_rci = true;
        self.pnr.record_locator = r.text(seg, 0, 1);
        if self.pnr.record_locator.is_empty() {
            r.warn(seg, "RCI has no record locator.".into());
        }
        // company:locator:type:date:time, though some senders leave the type out.
        // Borrowed: only the date and time are kept, reformatted.
        let comps: [_; 4] = std::array::from_fn(|i| r.str(seg, 0, i + 2));
        if let Some(k) = comps
            .iter()
            .position(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()))
        {
            let time = comps.get(k + 1).map_or("", |t| t.get(..4).unwrap_or(t));
            self.pnr.created = r.dmy_at(
                seg,
                &comps[k],
                time,
                crate::edifact::dates::Pivot::Past,
                "PNR creation date",
            );
        }
    }

    fn dat<'a>(&mut self, r: &mut Reader<'a>, seg: &Segment<'a>) {
        if matches!(self.ctx, Ctx::Itinerary | Ctx::CheckIn) {
            self.ctx = Ctx::CheckIn; // DAT opens the check-in group
            self.checked_in = None;
            return;
        }
        for e in 0..r.element_count(seg) {
            if r.str(seg, e, 0) == "700" && self.pnr.booking_date.is_none() {
                let d = r.str(seg, e, 1);
                let date = r.dmy(
                    seg,
                    &d,
                    crate::edifact::dates::Pivot::Past,
                    "last PNR transaction date (DAT 700)",
                );
                let time = r.str(seg, e, 2);
                self.pnr.booking_date = date.map(|d| crate::edifact::dates::with_time(d, &time));
            }
        }
    }

    fn ift<'a>(&mut self, r: &mut Reader<'a>, seg: &Segment<'a>) {
        // 4:15 is the fare calculation line: noise for a risk analyst.
        if r.text(seg, 0, 1) == "15" {
            return;
        }
        let text: Vec<CompactString> = (1..r.element_count(seg))
            .filter_map(|e| r.opt(seg, e, 0))
            .collect();
        if text.is_empty() {
            return;
        }
        let text = CompactString::from(text.join(" "));
        // OSI contact lines (`CTCE NAME//DOMAIN`, `CTCM 123...`) are contacts too.
        if let Some(rest) = text.strip_prefix("CTCE ") {
            self.pnr.contacts.push(Contact {
                kind: "email".into(),
                value: ssr::email(rest),
            });
        } else if ["CTCM ", "CTCH ", "CTCB ", "CTCP "]
            .iter()
            .any(|p| text.starts_with(p))
        {
            self.pnr.contacts.push(Contact {
                kind: "phone".into(),
                value: text[5..].trim().into(),
            });
        }
        self.pnr.remarks.push(text);
    }

    fn tif<'a>(&mut self, r: &mut Reader<'a>, seg: &Segment<'a>) {
        // Borrowed: a check-in TIF (half of them) only names a traveller listed before, so its
        // names and reference are copied only when a traveller is added.
        let surname = r.str(seg, 0, 0);
        let given = r.str(seg, 1, 0);
        let infant = r.str(seg, 1, 1) == "IN";
        let reference = Some(r.str(seg, 1, 2)).filter(|x| !x.is_empty());
        // `TIF+SEETHE WORLD:G`: the name of a group booking, not a person.
        if r.str(seg, 0, 1) == "G" && given.is_empty() {
            self.pnr.remarks.push(format_compact!("GROUP {surname}"));
            return;
        }
        match self.ctx {
            Ctx::Header | Ctx::Traveller | Ctx::Split | Ctx::NonAir => {
                if surname.is_empty() {
                    r.warn(
                        seg,
                        "TIF has no surname; the traveller was kept without one.".into(),
                    );
                }
                self.pnr.travellers.push(Traveller {
                    surname: surname.into(),
                    given_names: strip_title(&given),
                    traveller_ref: reference.map(CompactString::from),
                    infant,
                    ..Traveller::default()
                });
                let i = self.pnr.travellers.len() - 1;
                self.ix.add(i, &self.pnr.travellers[i]);
                self.current = Some(i);
                self.ctx = Ctx::Traveller;
            }
            Ctx::Itinerary | Ctx::CheckIn => {
                // A TIF in a check-in group names a traveller already listed.
                let by_ref = reference.as_deref().and_then(|x| self.ix.by_ref(x).next());
                if by_ref.is_some() {
                    self.checked_in = by_ref;
                    return;
                }
                let given = strip_title(&given);
                let travellers = &self.pnr.travellers;
                let by_name = self.ix.by_surname(&surname).find(|&i| {
                    travellers[i].surname == surname && travellers[i].given_names == given
                });
                self.checked_in = match by_name {
                    Some(i) => Some(i),
                    None => {
                        r.warn(seg, "A check-in TIF names a traveller not listed before; the traveller was added.".into());
                        self.pnr.travellers.push(Traveller {
                            surname: surname.into(),
                            given_names: given,
                            traveller_ref: reference.map(CompactString::from),
                            infant,
                            ..Traveller::default()
                        });
                        let i = self.pnr.travellers.len() - 1;
                        self.ix.add(i, &self.pnr.travellers[i]);
                        Some(i)
                    }
                };
            }
            Ctx::History => {}
        }
    }

    /// Links pending SSR data to travellers and reports what the PNR lacks; the PNR, and its
    /// emptied buffers for the next.
    pub fn finish(mut self, r: &mut Reader) -> (Pnr, Spare) {
        link::apply(r, &mut self.pnr, &mut self.pending, &mut self.ix);
        self.ix.clear();
        if !self.saw_rci {
            if let Some((position, index)) = self.src {
                r.diagnostics.push(crate::model::Diagnostic {
                    severity: crate::model::Severity::Warning,
                    segment: "SRC".into(),
                    position,
                    index: Some(index),
                    message: "The PNR has no RCI segment, so no record locator.".into(),
                });
            }
        }
        let spare = Spare {
            pending: self.pending,
            ix: self.ix,
            seats: self.seats,
        };
        (self.pnr, spare)
    }
}

/// A segment as text, tag and elements, for raw keeping.
pub(super) fn raw_text<'a>(r: &mut Reader<'a>, seg: &Segment<'a>) -> CompactString {
    let body = r.decode(seg, seg.body);
    if body.is_empty() {
        seg.tag_str().into()
    } else {
        format_compact!("{}+{}", seg.tag_str(), body)
    }
}
