//! Names in PNRs: titles glued to given names in TIF (`JOHNMR`, `NINA MS`) and matching the
//! differently spaced names of SSR DOCS/INFT against TIF.

use compact_str::CompactString;

/// Titles that reservation systems append to the given name, longest first.
const TITLES: &[&str] = &["MSTR", "MISS", "PROF", "MRS", "MR", "MS", "DR", "REV"];

/// Glued titles stripped only when unmistakable: `MS` or `DR` glued to a name could be part of
/// it (WILLIAMS, ISIDR...), `MR`, `MRS` and `MSTR` endings practically never are.
const GLUED: &[&str] = &["MSTR", "MRS", "MR"];

/// Removes a trailing title from TIF given names: `JOHNMR` → `JOHN`, `NINA MS` → `NINA`.
pub fn strip_title(given: &str) -> CompactString {
    let g = crate::edifact::trim(given);
    // Every title ends in R, S, F or V: most names end otherwise and need no comparison.
    if !matches!(g.as_bytes().last(), Some(b'R' | b'S' | b'F' | b'V')) {
        return g.into();
    }
    for t in TITLES {
        if let Some(rest) = g.strip_suffix(t) {
            if let Some(rest) = rest.strip_suffix(' ') {
                if !rest.trim().is_empty() {
                    return rest.trim().into();
                }
            } else if GLUED.contains(t)
                && rest.len() >= 2
                && rest.bytes().all(|b| b.is_ascii_alphabetic())
            {
                return rest.into();
            }
        }
    }
    g.into()
}

/// Letters only, upper case: `PA RK` and `PARK` compare equal.
pub fn key(s: &str) -> CompactString {
    if s.is_ascii() {
        // Names are nearly always ASCII: the same letters, without the Unicode case tables,
        // gathered in a buffer and copied once (short keys stay inline, no allocation).
        let mut buf = [0u8; 24];
        let mut n = 0;
        for b in s.bytes().filter(u8::is_ascii_alphabetic) {
            if n == buf.len() {
                let long: String = s
                    .bytes()
                    .filter(u8::is_ascii_alphabetic)
                    .map(|b| char::from(b.to_ascii_uppercase()))
                    .collect();
                return long.into();
            }
            buf[n] = b.to_ascii_uppercase();
            n += 1;
        }
        return CompactString::from_utf8(&buf[..n]).unwrap_or_default();
    }
    s.chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Whether a document name plausibly names the same person as a booking name: same surname and
/// the first given name of one starts the other's given names.
pub fn same_person(surname_a: &str, given_a: &str, surname_b: &str, given_b: &str) -> bool {
    if key(surname_a) != key(surname_b) || key(surname_a).is_empty() {
        return false;
    }
    let first = |g: &str| key(g.split_whitespace().next().unwrap_or_default());
    let (ga, gb) = (key(given_a), key(given_b));
    let (fa, fb) = (first(given_a), first(given_b));
    ga.is_empty() || gb.is_empty() || ga.starts_with(fb.as_str()) || gb.starts_with(fa.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        assert_eq!(strip_title("JOHNMR"), "JOHN");
        assert_eq!(strip_title("NINA MS"), "NINA");
        assert_eq!(strip_title("KONG CHUN MRS"), "KONG CHUN");
        assert_eq!(strip_title("WILLIAMS"), "WILLIAMS");
        assert_eq!(strip_title("MELISSAMRS"), "MELISSA");
        assert_eq!(strip_title("SOPHY"), "SOPHY");
        assert_eq!(strip_title("MR"), "MR");
    }

    #[test]
    fn matching() {
        assert!(same_person("PA RK", "SE JOON", "PARK", "SEJOON"));
        assert!(same_person(
            "TESTSUR NAMETWO",
            "TESTNAMETWO",
            "TESTSURNAMETWO",
            "TESTNAMETWO"
        ));
        assert!(!same_person("DOE", "JANE", "DOE", "JOHN"));
        assert!(!same_person("DOE", "JANE", "ROE", "JANE"));
    }
}
