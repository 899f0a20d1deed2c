//! Manifests with bookings and seats, for the flight page tests: `common::manifest` with a
//! record locator (RFF+AVF) and a seat (RFF+SEA) added to chosen travellers.
#![allow(dead_code)]

/// Adds, to the n-th traveller of a `common::manifest` text, `extra[n]`'s record locator and
/// seat (after its NAT segment, where PAXLST puts person references) and corrects UNT's count.
pub fn with_bookings(manifest: &str, extra: &[(Option<&str>, Option<&str>)]) -> String {
    let mut out: Vec<String> = Vec::new();
    let (mut person, mut added) = (0, 0);
    for seg in manifest.split("'\n") {
        if let Some(rest) = seg.strip_prefix("UNT+") {
            let (count, reference) = rest.split_once('+').expect("UNT+count+reference");
            let count: usize = count.parse().expect("UNT count");
            out.push(format!("UNT+{}+{reference}", count + added));
            continue;
        }
        out.push(seg.to_string());
        if seg.starts_with("NAT+2+") {
            let (locator, seat) = extra.get(person).copied().unwrap_or((None, None));
            for (qualifier, value) in [("AVF", locator), ("SEA", seat)] {
                if let Some(v) = value {
                    out.push(format!("RFF+{qualifier}:{v}"));
                    added += 1;
                }
            }
            person += 1;
        }
    }
    out.join("'\n")
}
