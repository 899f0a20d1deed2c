//! Allocation-free, ASCII-case-insensitive text comparisons for the evaluation hot path.
//!
//! Rule constants are upper-cased once at validation and facts once when they are built, so
//! ASCII folding here only matters for facts the server filled in by hand; it costs nothing
//! when both sides are already upper case.

use std::cmp::Ordering;

/// Compares two texts ignoring ASCII case, consistently with [`eq`].
pub(crate) fn cmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (x, y) in a.iter().zip(b) {
        match x.to_ascii_uppercase().cmp(&y.to_ascii_uppercase()) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    a.len().cmp(&b.len())
}

/// Equality ignoring ASCII case.
pub(crate) fn eq(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// `hay` starts with `prefix`, ignoring ASCII case.
pub(crate) fn starts_with(hay: &str, prefix: &str) -> bool {
    hay.len() >= prefix.len()
        && hay.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// `hay` ends with `suffix`, ignoring ASCII case.
pub(crate) fn ends_with(hay: &str, suffix: &str) -> bool {
    hay.len() >= suffix.len()
        && hay.as_bytes()[hay.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// `hay` contains `needle`, ignoring ASCII case. Quadratic, which is fine for the short values
/// of the catalogue (names, codes, domains).
pub(crate) fn contains(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// Membership in a set sorted with [`cmp`].
pub(crate) fn in_sorted(set: &[Box<str>], value: &str) -> bool {
    set.binary_search_by(|probe| cmp(probe, value)).is_ok()
}

/// Packs a short text (at most 8 bytes, no NUL) into a `u64` of its ASCII-upper-cased bytes,
/// so that codes (countries, airports, carriers, payment types) compare as integers. Equal keys
/// mean equal texts ignoring ASCII case; 0 means "no key".
#[inline]
pub(crate) fn key(s: &str) -> u64 {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 8 || b.contains(&0) {
        return 0;
    }
    let mut k = 0u64;
    for (i, c) in b.iter().enumerate() {
        k |= u64::from(c.to_ascii_uppercase()) << (8 * i);
    }
    k
}

/// Membership of a key in a sorted key set; linear for the short sets rules mostly hold.
#[inline]
pub(crate) fn in_keys(set: &[u64], k: u64) -> bool {
    if set.len() <= 16 {
        set.contains(&k)
    } else {
        set.binary_search(&k).is_ok()
    }
}

/// Trims and upper-cases a value for storage in facts or constants; `None` when nothing is left.
pub(crate) fn normalise(value: &str) -> Option<String> {
    let trimmed = value.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_ignore_ascii_case() {
        assert!(eq("isl", "ISL"));
        assert!(starts_with("Smithson", "SMITH"));
        assert!(!starts_with("SMI", "SMITH"));
        assert!(ends_with("mail.example.COM", ".com"));
        assert!(contains("MAILINATOR.COM", "inator"));
        assert!(!contains("MAIL", "MAILS"));
        let set: Vec<Box<str>> = vec!["DXB".into(), "IST".into(), "SIN".into()];
        assert!(in_sorted(&set, "ist"));
        assert!(!in_sorted(&set, "LHR"));
        assert_eq!(normalise("  isl "), Some("ISL".to_string()));
        assert_eq!(key("isl"), key("ISL"));
        assert_ne!(key("ISL"), key("IS"));
        assert_eq!(key("TOO LONG!"), 0);
        assert!(in_keys(&[key("DXB"), key("SIN")], key("sin")));
        assert_eq!(normalise("   "), None);
    }
}
