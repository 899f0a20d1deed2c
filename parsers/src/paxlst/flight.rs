//! The flight block of a PAXLST message (SG2/SG3: TDT, LOC 125/87/92, DTM 189/232).

use crate::edifact::{dates, shown_code, Reader, Segment};
use crate::model::{CompactString, Flight, Leg};

/// Splits a flight identifier such as `ZZ101`, `UA0989`, `9W123` or `BAW12` into carrier and
/// number. `carrier` (TDT C040) wins when the identifier starts with it.
pub fn split_flight_id(id: &str, carrier: Option<&str>) -> (CompactString, CompactString) {
    let id = id.trim();
    if let Some(c) = carrier.filter(|c| !c.is_empty()) {
        if let Some(rest) = id.strip_prefix(c) {
            return (c.into(), rest.trim().into());
        }
        if id.bytes().all(|b| b.is_ascii_digit()) {
            return (c.into(), id.into());
        }
    }
    let b = id.as_bytes();
    if b.len() > 3 && b[..3].iter().all(u8::is_ascii_alphabetic) && b[3].is_ascii_digit() {
        return (id[..3].into(), id[3..].into());
    }
    if b.len() > 2 && b[2].is_ascii_digit() && b[..2].iter().all(u8::is_ascii_alphanumeric) {
        return (id[..2].into(), id[2..].into());
    }
    (carrier.unwrap_or_default().into(), id.into())
}

/// Collects legs while the reader walks SG2/SG3.
#[derive(Debug, Default)]
pub struct FlightBuilder {
    legs: Vec<Leg>,
    /// Carrier and number of each leg's TDT (progressive flights change numbers between legs).
    ids: Vec<(CompactString, CompactString)>,
    /// Index of the leg that arrives in the destination country (LOC 87), which names the flight.
    crossing: Option<usize>,
    /// Which end of the current leg the last LOC set, so the next DTM lands on the right one.
    last_loc_was_arrival: bool,
}

impl FlightBuilder {
    /// TDT: a new leg with its carrier and number.
    pub fn tdt<'a>(&mut self, r: &mut Reader<'a>, seg: &Segment<'a>) {
        let id = r.text(seg, 1, 0);
        // C040 carrier: element 5 in the UN directories; the legacy US format has it in element 4.
        let carrier = r.opt(seg, 4, 0).or_else(|| {
            r.opt(seg, 3, 0)
                .filter(|c| c.len() <= 3 && !c.bytes().all(|b| b.is_ascii_digit()))
        });
        if id.is_empty() {
            r.warn(seg, "TDT has no flight identifier.".into());
        }
        let (carrier, number) = split_flight_id(&id, carrier.as_deref());
        self.legs.push(Leg::default());
        self.ids.push((carrier, number));
        self.last_loc_was_arrival = false;
    }

    fn current(&mut self) -> &mut Leg {
        if self.legs.is_empty() {
            self.legs.push(Leg::default());
            self.ids.push(Default::default());
        }
        let n = self.legs.len() - 1;
        &mut self.legs[n]
    }

    /// LOC in the flight block; returns false when the qualifier is not a flight-level one.
    pub fn loc<'a>(&mut self, r: &mut Reader<'a>, seg: &Segment<'a>, qualifier: &str) -> bool {
        let place = r.text(seg, 1, 0);
        match qualifier {
            "125" => {
                self.current().origin = place;
                self.last_loc_was_arrival = false;
            }
            "87" => {
                self.current().destination = place;
                self.crossing = Some(self.legs.len() - 1);
                self.last_loc_was_arrival = true;
            }
            "92" => {
                let leg = self.current();
                if leg.origin.is_empty() {
                    leg.origin = place;
                    self.last_loc_was_arrival = false;
                } else {
                    leg.destination = place;
                    self.last_loc_was_arrival = true;
                }
            }
            // Final destination, filing/reporting locations (MCL): not part of the leg.
            "130" | "188" | "172" => {}
            _ => return false,
        }
        true
    }

    /// DTM in the flight block (189 departure, 232 arrival).
    pub fn dtm<'a>(&mut self, r: &mut Reader<'a>, seg: &Segment<'a>, qualifier: &str) {
        let value = r.text(seg, 0, 1);
        let format = r.text(seg, 0, 2);
        let Some(t) = dates::dtm(&value, &format, r.today) else {
            r.warn(
                seg,
                format!(
                    "DTM {} does not hold a valid date and time; it was left out.",
                    shown_code(qualifier)
                ),
            );
            return;
        };
        match qualifier {
            "189" => self.current().departure_local = Some(t),
            "232" => self.current().arrival_local = Some(t),
            "554" => {}
            _ if self.last_loc_was_arrival => self.current().arrival_local = Some(t),
            _ => r.info(
                seg,
                format!(
                    "DTM qualifier {} in the flight block was not used.",
                    shown_code(qualifier)
                ),
            ),
        }
    }

    /// Adds a leg directly (legacy format).
    pub fn push(&mut self, leg: Leg, carrier: &str, number: &str) {
        self.legs.push(leg);
        self.ids.push((carrier.into(), number.into()));
    }

    /// The flight: named by the leg that enters the destination country, else the first.
    pub fn finish(self) -> Flight {
        let named = self.crossing.or((!self.legs.is_empty()).then_some(0));
        let (carrier, number) = named
            .and_then(|i| self.ids.get(i))
            .cloned()
            .unwrap_or_default();
        Flight {
            carrier,
            number,
            legs: self.legs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::split_flight_id;

    #[test]
    fn flight_ids() {
        let s = |id, c| split_flight_id(id, c);
        assert_eq!(s("ZZ101", None), ("ZZ".into(), "101".into()));
        assert_eq!(s("UA0989", Some("UA")), ("UA".into(), "0989".into()));
        assert_eq!(s("9W123", None), ("9W".into(), "123".into()));
        assert_eq!(s("BAW12", None), ("BAW".into(), "12".into()));
        assert_eq!(s("123", Some("AA")), ("AA".into(), "123".into()));
        assert_eq!(s("TN506", None), ("TN".into(), "506".into()));
        assert_eq!(s("SK01MCL", Some("SK")), ("SK".into(), "01MCL".into()));
        assert_eq!(s("É1", None), ("".into(), "É1".into()));
    }
}
