//! Korean names in the romanisations lists and travel documents mix: Revised Romanisation (GIM
//! JEONG-EUN, BAK GEUN-HYE), McCune-Reischauer without its diacritics (KIM CHONG-UN, PAK KUN-HYE)
//! and the spellings families chose (KIM JONG UN, PARK GEUN-HYE, LEE / YI / RHEE, ROH / NO).
//!
//! Family names are few, and each has a handful of accepted spellings: those are listed. Given
//! names are compared syllable by syllable through a key that drops what the systems disagree
//! on: plain and aspirated consonants (G/K, D/T, B/P, J/CH), R/L, and the vowels EO, EU, O and
//! U, which McCune-Reischauer writes Ŏ, Ŭ, O, U and popular spellings write O or U. The key is
//! used only when one of the two words is spelt the Revised way (EO, EU, OO), so names of other
//! languages a consonant apart (DINA / TINA) are not joined by it.

/// Accepted spellings of each Korean family name.
const FAMILY_NAMES: &[&[&str]] = &[
    &["AHN", "AN"],
    &["BAE", "BAI", "PAE"],
    &["BAEK", "BAIK", "PAEK", "PAIK"],
    &["BAK", "BAHK", "PAK", "PARK"],
    &["BANG", "PANG"],
    &["CHA", "CHAH"],
    &["CHAE", "CHE"],
    &["CHEON", "CHUN", "JEON", "JUN"],
    &["CHEY", "CHOE", "CHOI", "CHOY", "CHWE"],
    &["CHEONG", "CHUNG", "JEONG", "JOUNG", "JUNG"],
    &["CHIN", "JIN"],
    &["CHO", "CHOH", "JO", "JOH"],
    &["CHOO", "CHU", "JOO", "JU"],
    &["EOM", "OM", "UM"],
    &["GANG", "KANG"],
    &["GIM", "KIM"],
    &["GO", "GOH", "KO", "KOH"],
    &["GOO", "GU", "KOO", "KU"],
    &["GWAK", "KWAK"],
    &["GWON", "KWEON", "KWON"],
    &["HAHN", "HAN"],
    &["HEO", "HO", "HUH", "HUR"],
    &["IM", "LIM", "RIM", "YIM"],
    &["JANG", "CHANG"],
    &["LEE", "LI", "RHEE", "RI", "YI", "YEE"],
    &["MOON", "MUN"],
    &["NA", "RA"],
    &["NO", "NOH", "RO", "ROH"],
    &["RYANG", "YANG"],
    &["RYOO", "RYU", "YOO", "YU"],
    &["SEO", "SO", "SUH"],
    &["SEONG", "SUNG"],
    &["SHIN", "SHINN", "SIN"],
    &["SOHN", "SON"],
    &["YOON", "YOUN", "YUN"],
];

/// What comparing a word as Korean needs, read once per word: its family-name group (0 for
/// none) and its given-name [`key`] fingerprinted (0 for none), with [`REVISED`] set when the
/// word is spelt the Revised way.
pub(crate) fn reading(w: &str) -> [u64; 2] {
    [family_group(w), given_key(w)]
}

/// The bit of a given-name key that marks a Revised spelling (EO, EU, OO).
pub(crate) const REVISED: u64 = 1 << 63;

/// True when two words' [`reading`]s are one Korean name, family or given, in two
/// romanisations (the words themselves differ: equal words are compared before this).
pub(crate) fn same(a: &[u64; 2], b: &[u64; 2]) -> bool {
    (a[0] != 0 && a[0] == b[0])
        || (a[1] != 0 && a[1] & !REVISED == b[1] & !REVISED && (a[1] | b[1]) & REVISED != 0)
}

/// True when `a` and `b` are two accepted spellings of one Korean family name.
#[cfg(test)]
fn same_family_name(a: &str, b: &str) -> bool {
    a != b && same(&[family_group(a), 0], &[family_group(b), 0])
}

/// True when `a` and `b` are one Korean given name (or syllable) in two romanisations: the same
/// [`key`], with one of them spelt the Revised way.
#[cfg(test)]
fn same_given_name(a: &str, b: &str) -> bool {
    a != b && same(&[0, given_key(a)], &[0, given_key(b)])
}

/// 1 + the index of the family name `w` spells in [`FAMILY_NAMES`], or 0.
fn family_group(w: &str) -> u64 {
    if w.len() > 6 {
        return 0;
    }
    // Every spelling with its group, sorted, for a binary search (each spelling is in one group).
    static SPELLINGS: std::sync::OnceLock<Vec<(&'static str, u64)>> = std::sync::OnceLock::new();
    let spellings = SPELLINGS.get_or_init(|| {
        let mut all: Vec<(&str, u64)> = (1..)
            .zip(FAMILY_NAMES)
            .flat_map(|(g, names)| names.iter().map(move |n| (*n, g)))
            .collect();
        all.sort_unstable();
        all
    });
    spellings
        .binary_search_by(|(s, _)| (*s).cmp(w))
        .map_or(0, |i| spellings[i].1)
}

/// The fingerprint of the word's [`key`] (never 0), with [`REVISED`] for a Revised spelling; 0
/// for a word no Korean romanisation would write.
fn given_key(w: &str) -> u64 {
    if w.len() < 2 || w.len() > 12 || !hangul_letters(w) {
        return 0;
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key(w) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let revised = ["EO", "EU", "OO"].iter().any(|v| w.contains(v));
    (h & !REVISED).max(1) | if revised { REVISED } else { 0 }
}

/// Letters no Korean romanisation uses (F, Q, V, X, Z) rule a word out.
fn hangul_letters(w: &str) -> bool {
    !w.is_empty()
        && w.bytes()
            .all(|b| b.is_ascii_uppercase() && !matches!(b, b'F' | b'Q' | b'V' | b'X' | b'Z'))
}

/// The letters of the word with the distinctions the romanisations do not agree on dropped:
/// EO, EU, O, U and OO are one vowel, CH is J, G/K, D/T, B/P and R/L one consonant each, and
/// a doubled letter (tense consonants, long vowels) is written once. Read without allocating:
/// this runs for every word of a list and of a flight.
fn key(w: &str) -> impl Iterator<Item = u8> + '_ {
    let b = w.as_bytes();
    let mut last = 0u8;
    (0..b.len()).filter_map(move |i| {
        let next = b.get(i + 1).copied();
        let c = match b[i] {
            b'E' if matches!(next, Some(b'O' | b'U')) => return None,
            b'H' if i > 0 && b[i - 1] == b'C' => return None,
            b'C' if next == Some(b'H') => b'J',
            b'G' | b'K' => b'K',
            b'D' | b'T' => b'T',
            b'B' | b'P' => b'P',
            b'R' | b'L' => b'L',
            b'O' | b'U' => b'U',
            c => c,
        };
        if c == last {
            return None;
        }
        last = c;
        Some(c)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn romanisations_of_one_name_meet() {
        for (a, b) in [
            ("JONG", "JEONG"),
            ("UN", "EUN"),
            ("KUN", "GEUN"),
            ("MYUNG", "MYEONG"),
            ("HYUN", "HYEON"),
            ("MU", "MOO"),
            ("JONGUN", "JEONGEUN"),
            ("CHONG", "JEONG"),
        ] {
            assert!(same_given_name(a, b), "{a} / {b}");
            assert!(same_given_name(b, a), "{b} / {a}");
        }
        for (a, b) in [
            ("LEE", "YI"),
            ("PARK", "PAK"),
            ("ROH", "NO"),
            ("KIM", "GIM"),
        ] {
            assert!(same_family_name(a, b), "{a} / {b}");
        }
    }

    #[test]
    fn other_names_stay_apart() {
        for (a, b) in [
            // Another syllable is another name.
            ("HOON", "HYUN"),
            ("EUN", "YEON"),
            ("JUN", "JAE"),
            ("JIN", "MIN"),
            // Without a Revised spelling the key is not used.
            ("DINA", "TINA"),
            ("LARA", "RARA"),
        ] {
            assert!(!same_given_name(a, b), "{a} / {b}");
        }
        assert!(!same_family_name("KIM", "PARK"));
        assert!(!same_family_name("LEE", "LEE"));
    }
}
