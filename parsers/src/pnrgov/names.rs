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

/// Letters only, upper case (`PA RK` and `PARK` compare equal): the UTF-8 bytes of that text,
/// kept inline up to 24 bytes. Keys are only compared and hashed, so they are not made text:
/// checking each one as UTF-8 and copying it into a `CompactString` cost more than finding its
/// letters.
#[derive(Debug, Clone)]
pub enum Key {
    Inline(u8, [u8; 24]),
    Long(Box<[u8]>),
}

impl Key {
    fn from_bytes(b: &[u8]) -> Key {
        let mut buf = [0u8; 24];
        match buf.get_mut(..b.len()) {
            Some(head) => {
                head.copy_from_slice(b);
                Key::Inline(b.len() as u8, buf)
            }
            None => Key::Long(b.into()),
        }
    }

    /// The key's text as bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Key::Inline(n, buf) => &buf[..usize::from(*n)],
            Key::Long(b) => b,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.as_bytes().is_empty()
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Key {}

impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.as_bytes().hash(h);
    }
}

/// Letters only, upper case: `PA RK` and `PARK` compare equal.
pub fn key(s: &str) -> Key {
    if s.is_ascii() {
        // Names are nearly always ASCII: the same letters, without the Unicode case tables,
        // gathered in a buffer.
        let mut buf = [0u8; 24];
        let mut n = 0;
        for b in s.bytes().filter(u8::is_ascii_alphabetic) {
            if n == buf.len() {
                let long: Vec<u8> = s
                    .bytes()
                    .filter(u8::is_ascii_alphabetic)
                    .map(|b| b.to_ascii_uppercase())
                    .collect();
                return Key::Long(long.into());
            }
            buf[n] = b.to_ascii_uppercase();
            n += 1;
        }
        return Key::Inline(n as u8, buf);
    }
    let text: String = s
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_uppercase)
        .collect();
    Key::from_bytes(text.as_bytes())
}

/// Whether a document name plausibly names the same person as a booking name: same surname and
/// the first given name of one starts the other's given names.
pub fn same_person(surname_a: &str, given_a: &str, surname_b: &str, given_b: &str) -> bool {
    let surname = key(surname_a);
    if surname.is_empty() || surname != key(surname_b) {
        return false;
    }
    let (ga, gb) = (key(given_a), key(given_b));
    if ga.is_empty() || gb.is_empty() {
        return true;
    }
    let first = |g: &str| key(g.split_whitespace().next().unwrap_or_default());
    ga.as_bytes().starts_with(first(given_b).as_bytes())
        || gb.as_bytes().starts_with(first(given_a).as_bytes())
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
    fn keys_are_the_letters_upper_case() {
        let text = |k: Key| String::from_utf8(k.as_bytes().to_vec()).unwrap();
        assert_eq!(text(key("Pa rk-2")), "PARK");
        assert_eq!(text(key("")), "");
        let long = "abcdefghij klmnopqrst uvwxyz";
        assert_eq!(text(key(long)), "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
        assert_eq!(text(key("Müller ’")), "MÜLLER");
        assert_eq!(key("PARK ’"), key("park"));
        assert_eq!(
            key("ÄÖÜÄÖÜÄÖÜÄÖÜ"),
            Key::from_bytes("ÄÖÜÄÖÜÄÖÜÄÖÜ".as_bytes())
        );
        assert!(matches!(key("ÄÖÜÄÖÜÄÖÜÄÖÜÄ"), Key::Long(_)));
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
