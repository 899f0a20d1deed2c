//! Phonetic keys for romanised names. Different romanisations of one name (MOHAMMED, MUHAMMAD,
//! MOHAMAD; YUSUF, YOUSSEF; SERGEI, SERGEY; HUSSEIN, HUSAYN) differ mostly in vowels, doubled
//! letters and digraphs, so the key keeps the consonant sounds and only the *positions* of
//! vowels. The skeleton drops vowels altogether: it is what Arabic or Hebrew script gives after
//! transliteration, and it is the retrieval key of the index.

/// True for the letters the key treats as vowels (Y is decided by position).
pub(crate) fn is_vowel(b: u8) -> bool {
    matches!(b, b'A' | b'E' | b'I' | b'O' | b'U')
}

const VOWEL: u8 = b'*';

/// Consonant sounds and vowel marks of a token, before doubles are collapsed.
fn sounds(t: &[u8], abjad: bool) -> Vec<u8> {
    let at = |i: usize| t.get(i).copied().unwrap_or(0);
    let mut out = Vec::with_capacity(t.len() + 1);
    let mut i = 0;
    while i < t.len() {
        let (c, next, next2) = (t[i], at(i + 1), at(i + 2));
        let (code, step): (&[u8], usize) = match c {
            b'A' | b'E' | b'I' | b'O' | b'U' => (&[VOWEL], 1),
            // Y starts a syllable at the front (YUSUF, YEVGENY); elsewhere it is a vowel
            // (SERGEY, HUSAYN, SAYID). In Arabic script an initial ي is always a consonant.
            b'Y' if i == 0 && (is_vowel(next) || abjad) => (b"J", 1),
            b'Y' => (&[VOWEL], 1),
            b'W' if i == 0 || is_vowel(next) => (b"V", 1),
            b'W' => (&[VOWEL], 1),
            b'P' if next == b'H' => (b"F", 2),
            b'K' if next == b'H' => (b"H", 2),
            b'G' if next == b'H' => (b"G", 2),
            b'C' if next == b'H' => (b"X", 2),
            b'C' if matches!(next, b'E' | b'I' | b'Y') => (b"S", 1),
            b'C' if next == b'K' => (b"K", 2),
            b'C' => (b"K", 1),
            b'S' if next == b'C' && next2 == b'H' => (b"X", 3),
            b'S' if next == b'H' => (b"X", 2),
            b'T' if next == b'C' && next2 == b'H' => (b"X", 3),
            b'T' if next == b'H' => (b"T", 2),
            b'D' if next == b'Z' && next2 == b'H' => (b"J", 3),
            b'D' if next == b'J' => (b"J", 2),
            b'D' if next == b'H' => (b"D", 2),
            b'Z' if next == b'H' => (b"J", 2),
            b'Z' => (b"S", 1),
            b'Q' => (b"K", 1),
            b'X' => (b"KS", 1),
            // A final H after a vowel is silent (FATIMAH, ABDULLAH / ABDULLA).
            b'H' if next == 0 && i > 0 && is_vowel(t[i - 1]) => (&[], 1),
            b'A'..=b'Z' => (std::slice::from_ref(&t[i]), 1),
            _ => (&[], 1),
        };
        out.extend_from_slice(code);
        i += step;
    }
    out
}

/// The phonetic key of an upper-case ASCII token: consonant sounds with vowel positions
/// marked `*`, doubles collapsed, and the leading vowel kept as a class (A; E/I; O/U), since
/// OMAR/UMAR are one name but OMAR/AMIR are two.
pub(crate) fn key(token: &str) -> String {
    let t = token.as_bytes();
    let mut codes = sounds(t, false);
    codes.dedup();
    if let (Some(&first), Some(&VOWEL)) = (t.first(), codes.first()) {
        codes[0] = match first {
            b'A' => b'A',
            b'E' | b'I' | b'Y' => b'I',
            _ => b'U',
        };
    }
    String::from_utf8(codes).unwrap_or_default()
}

/// The consonant skeleton: the key without vowels, doubles collapsed (MOHAMMED → MHMD).
pub(crate) fn skeleton(token: &str, abjad: bool) -> String {
    let mut codes = sounds(token.as_bytes(), abjad);
    codes.retain(|&c| c != VOWEL);
    codes.dedup();
    String::from_utf8(codes).unwrap_or_default()
}

/// Every string obtained by deleting one character: two skeletons within one edit share a
/// member of each other's set, which is how the index finds typos without a scan.
pub(crate) fn deletions(skeleton: &str) -> Vec<String> {
    let mut out: Vec<String> = (0..skeleton.len())
        .map(|i| format!("{}{}", &skeleton[..i], &skeleton[i + 1..]))
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_key(names: &[&str]) {
        let k = key(names[0]);
        for n in names {
            assert_eq!(key(n), k, "{n} vs {}", names[0]);
        }
    }

    #[test]
    fn romanisations_share_a_key() {
        same_key(&["MOHAMMED", "MUHAMMAD", "MOHAMED", "MOHAMMAD", "MUHAMMED"]);
        same_key(&["HUSSEIN", "HUSAYN", "HUSSAIN", "HOUSSEIN"]);
        same_key(&["YUSUF", "YOUSSEF", "YOUSEF", "YUSSUF"]);
        same_key(&["OSAMA", "USAMA", "OUSSAMA"]);
        same_key(&["SAEED", "SAID", "SAYID"]);
        same_key(&["SERGEI", "SERGEY"]);
        same_key(&["DMITRI", "DMITRY", "DMITRIY"]);
        same_key(&["ABDULLAH", "ABDALLAH", "ABDULLA"]);
        assert_ne!(key("OMAR"), key("AMIR"));
        assert_ne!(key("MAHMOUD"), key("MOHAMMED"));
    }

    #[test]
    fn arabic_script_skeleton_meets_the_latin_one() {
        assert_eq!(skeleton("MHMD", true), skeleton("MOHAMMED", false));
        assert_eq!(skeleton("YWSF", true), skeleton("YUSUF", false));
        assert_eq!(skeleton("HSYN", true), skeleton("HUSSEIN", false));
    }
}
