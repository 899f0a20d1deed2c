//! Reassembling a multi-part PAXLST (UNH S010 `01:C` … `NN:F`, reference/messages.md §1.7).
//! Parts share the sender and the common access reference, each repeats the flight block and
//! the list totals, and each carries a subset of the travellers; they may arrive out of order or
//! twice.

use crate::model::Manifest;

pub use crate::parts::Incomplete;

/// The key parts of one message share: sender, common access reference (the flight) and type.
pub fn reassembly_key(m: &Manifest) -> (Option<&str>, Option<&str>) {
    (
        m.envelope.sender.as_deref(),
        m.envelope.common_access_ref.as_deref(),
    )
}

/// Merges the parts of one multi-part manifest (all with the same [`reassembly_key`]) into one,
/// travellers in sequence order. A part sent twice counts once (the copy that came last wins).
/// A manifest without S010 is complete by itself and is returned as it is.
pub fn reassemble(parts: Vec<Manifest>) -> Result<Manifest, Incomplete> {
    crate::parts::reassemble(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Part, Traveller};

    fn part(sequence: u32, first: bool, last: bool, who: &str) -> Manifest {
        Manifest {
            part: Some(Part {
                sequence,
                first,
                last,
            }),
            travellers: vec![Traveller {
                surname: who.into(),
                ..Traveller::default()
            }],
            ..Manifest::default()
        }
    }

    fn names(m: &Manifest) -> Vec<&str> {
        m.travellers.iter().map(|t| t.surname.as_str()).collect()
    }

    #[test]
    fn out_of_order_and_resent_parts() {
        let parts = vec![
            part(3, false, true, "C"),
            part(1, true, false, "A"),
            part(2, false, false, "B"),
            part(2, false, false, "B2"),
        ];
        let m = reassemble(parts).expect("complete");
        assert_eq!(names(&m), ["A", "B2", "C"]);
        assert_eq!(
            m.part,
            Some(Part {
                sequence: 1,
                first: true,
                last: true
            })
        );
    }

    #[test]
    fn incomplete_sets() {
        assert_eq!(
            reassemble(vec![part(1, true, false, "A")]),
            Err(Incomplete::NoLastPart)
        );
        assert_eq!(
            reassemble(vec![part(1, true, false, "A"), part(3, false, true, "C")]),
            Err(Incomplete::Missing(vec![2]))
        );
    }

    #[test]
    fn single_message_passes_through() {
        let m = Manifest {
            travellers: vec![Traveller::default()],
            ..Manifest::default()
        };
        assert_eq!(reassemble(vec![m.clone()]), Ok(m));
    }
}
