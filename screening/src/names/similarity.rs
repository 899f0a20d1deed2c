//! Similarity of two name tokens in [0, 1]. Edit-distance measures on bytes (tokens are
//! upper-case ASCII after normalisation), written here rather than taken from `strsim` because
//! they run in the matcher's inner loop and must not allocate.

// Matrix and window algorithms read better with explicit indices.
#![allow(clippy::needless_range_loop)]

use super::{korean, mandarin, nicknames, phonetic, Token};

/// Jaro-Winkler similarity (prefix scale 0.1, up to 4 characters) of two ASCII strings.
pub(crate) fn jaro_winkler(a: &[u8], b: &[u8]) -> f64 {
    let j = jaro(a, b);
    if j < 0.7 {
        return j;
    }
    let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count();
    j + prefix as f64 * 0.1 * (1.0 - j)
}

/// Jaro similarity; strings longer than 64 bytes are compared on their first 64.
pub(crate) fn jaro(a: &[u8], b: &[u8]) -> f64 {
    let (a, b) = (&a[..a.len().min(64)], &b[..b.len().min(64)]);
    if a.is_empty() || b.is_empty() {
        return if a.is_empty() && b.is_empty() {
            1.0
        } else {
            0.0
        };
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let (mut a_used, mut b_used) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, &c) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if b_used & (1 << j) == 0 && b[j] == c {
                a_used |= 1 << i;
                b_used |= 1 << j;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut j = 0usize;
    for (i, &c) in a.iter().enumerate() {
        if a_used & (1 << i) != 0 {
            while b_used & (1 << j) == 0 {
                j += 1;
            }
            if b[j] != c {
                transpositions += 1;
            }
            j += 1;
        }
    }
    let m = matches as f64;
    (m / a.len() as f64 + m / b.len() as f64 + (m - (transpositions / 2) as f64) / m) / 3.0
}

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions).
pub(crate) fn osa_distance(a: &[u8], b: &[u8]) -> usize {
    osa_distance_by(a, b, |x, y| x == y)
}

/// [`osa_distance`] with `same` deciding which characters are equal.
fn osa_distance_by(a: &[u8], b: &[u8], same: impl Fn(u8, u8) -> bool) -> usize {
    let (a, b) = (&a[..a.len().min(63)], &b[..b.len().min(63)]);
    let width = b.len() + 1;
    // Three rolling rows on the stack (two back for transpositions, one back, current),
    // addressed by index so that no row is ever copied.
    let mut rows = [[0u8; 64]; 3];
    for (j, cell) in rows[1].iter_mut().enumerate().take(width) {
        *cell = j as u8;
    }
    let (mut two, mut one, mut cur) = (0usize, 1usize, 2usize);
    for i in 1..=a.len() {
        rows[cur][0] = i as u8;
        for j in 1..width {
            let cost = u8::from(!same(a[i - 1], b[j - 1]));
            let mut d = (rows[one][j] + 1)
                .min(rows[cur][j - 1] + 1)
                .min(rows[one][j - 1] + cost);
            if i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1]) {
                d = d.min(rows[two][j - 2] + 1);
            }
            rows[cur][j] = d;
        }
        (two, one, cur) = (one, cur, two);
    }
    rows[one][b.len()] as usize
}

/// True when the optimal-string-alignment distance of `a` and `b` is at most `limit`. The
/// length difference is a lower bound of the distance and settles most unrelated pairs before
/// the table is filled.
pub(crate) fn osa_within(a: &[u8], b: &[u8], limit: usize) -> bool {
    if a.len().abs_diff(b.len()) > limit {
        return false;
    }
    osa_distance(a, b) <= limit
}

/// 1 − distance / longer length.
pub(crate) fn osa_similarity(a: &[u8], b: &[u8]) -> f64 {
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    1.0 - osa_distance(a, b) as f64 / longest as f64
}

/// Spelling similarity of two words: the mean of Jaro-Winkler (forgiving of typos near the
/// end) and edit similarity (strict about length, so SMITH/SMITHSON stays apart).
pub(crate) fn spelling(a: &[u8], b: &[u8]) -> f64 {
    if a == b {
        return 1.0;
    }
    let jw = jaro_winkler(a, b);
    // The edit similarity is at most 1: skip computing it when even that cannot lift the
    // mean to a useful level (most pairs in a candidate list are unrelated words).
    if jw < 0.5 {
        return jw / 2.0 + 0.25;
    }
    (jw + osa_similarity(a, b)) / 2.0
}

/// Pairs whose spelling similarity cannot reach this are reported as 0 without computing it:
/// the name score ignores token pairs below 0.78 anyway.
const UNRELATED: f64 = 0.75;

/// A cheap upper bound of [`spelling`]: Jaro can only match characters whose letter occurs
/// in the other word, and edit similarity is at most 1 − length difference / longer length.
/// Most token pairs met while scoring candidates are unrelated words, and this rules them out
/// in a few operations instead of a full Jaro-Winkler and edit distance.
fn spelling_bound(a: &[u8], b: &[u8]) -> f64 {
    let letters = |s: &[u8]| {
        s.iter()
            .fold(0u32, |m, &c| m | 1 << (c.wrapping_sub(b'A') & 31))
    };
    let (ma, mb) = (letters(a), letters(b));
    let in_other = |s: &[u8], mask: u32| {
        s.iter()
            .filter(|&&c| mask & (1 << (c.wrapping_sub(b'A') & 31)) != 0)
            .count()
    };
    let m = in_other(a, mb).min(in_other(b, ma)) as f64;
    let (la, lb) = (a.len().max(1) as f64, b.len().max(1) as f64);
    let jaro = (m / la + m / lb + 1.0) / 3.0;
    let jw = jaro + 0.4 * (1.0 - jaro);
    let edit = 1.0 - (la - lb).abs() / la.max(lb);
    (jw + edit) / 2.0
}

/// Score for two spellings that sound the same (equal phonetic keys).
const SAME_SOUND: f64 = 0.93;
/// Score for a consonant-only transliteration (Arabic, Hebrew script) whose skeleton equals
/// the other token's.
const SAME_SKELETON: f64 = 0.92;
/// Most a word can score against its own extension by a suffix.
const DERIVED: f64 = 0.7;
/// Score for an initial against a word starting with that letter.
const INITIAL_MATCH: f64 = 0.9;

/// Most two spellings can score when one of them has letters lost to `?` (a lossy encoding):
/// the lost letters might have been anything.
const WILDCARD_MATCH: f64 = 0.95;
/// Score for a familiar form against its full name (BILL / WILLIAM): the same name, but also
/// that of many other people.
const FAMILIAR: f64 = 0.88;
/// Least score for one Mandarin name in pinyin and in Wade-Giles (DENG / TENG, XIAOPING /
/// HSIAOPING), or one Korean name in two romanisations (JONG / JEONG, PARK / PAK): the same
/// syllables, told apart by less than the spellings suggest.
const ROMANISED: f64 = 0.9;
/// Most two words can score when they are different names a letter apart (see [`distinct`]).
const DISTINCT: f64 = 0.7;

/// True when `a` and `b` are one Mandarin or Korean name in two romanisations (their spellings
/// may share little, not even the first letter).
pub(crate) fn romanised(a: &Token, b: &Token) -> bool {
    mandarin::same(&a.mandarin, &b.mandarin) || korean::same(&a.korean, &b.korean)
}

/// Similarity of two tokens in [0, 1], from spelling, sound and script-aware skeletons.
pub(crate) fn token_similarity(a: &Token, b: &Token) -> f64 {
    if a.text == b.text {
        return 1.0;
    }
    if a.text.contains('?') || b.text.contains('?') {
        return wildcard_similarity(a.text.as_bytes(), b.text.as_bytes());
    }
    if nicknames::familiar(&a.text, &b.text) {
        return FAMILIAR;
    }
    let s = similarity(a, b);
    if romanised(a, b) {
        return s.max(ROMANISED);
    }
    // Consonant-only scripts are compared by skeleton: their letters say too little here.
    if s <= DISTINCT || a.abjad || b.abjad {
        return s;
    }
    let (ca, cb) = (
        a.core.as_deref().unwrap_or(&a.text),
        b.core.as_deref().unwrap_or(&b.text),
    );
    // Feminine forms are told apart in given names only: a family name's last vowel is as
    // likely a romanisation or a typing slip (MADURO / MADURA).
    let given = !a.family && !b.family;
    if distinct(a.text.as_bytes(), b.text.as_bytes(), given)
        || distinct(ca.as_bytes(), cb.as_bytes(), given)
    {
        DISTINCT
    } else {
        s
    }
}

/// A word with `?` for letters an encoding could not represent (ERDO?AN) against another:
/// edit similarity where `?` stands for any one letter. A word needs two real letters, and
/// no more `?` than real letters, to be compared at all.
fn wildcard_similarity(a: &[u8], b: &[u8]) -> f64 {
    let known = |s: &[u8]| s.iter().filter(|&&c| c != b'?').count();
    let unknown = |s: &[u8]| s.len() - known(s);
    if [a, b].iter().any(|s| known(s) < 2 || unknown(s) > known(s)) {
        return 0.0;
    }
    let d = osa_distance_by(a, b, |x, y| x == y || x == b'?' || y == b'?');
    let longest = a.len().max(b.len()) as f64;
    (1.0 - d as f64 / longest).min(WILDCARD_MATCH)
}

/// True when two spellings a letter apart are different names rather than one name typed or
/// romanised twice: one consonant replaced by another that neither sounds alike nor sits next
/// to it on a keyboard (CARTER / CARVER, KHALID / KHALIL, HERNANDEZ / FERNANDEZ), or a given
/// name against its feminine form (DANIEL / DANIELA, ALEXANDER / ALEXANDRA, PAULO / PAULA).
/// Vowel changes are left alone: romanisations change vowels freely. Feminine forms count
/// only when `given` (both words are given names).
fn distinct(a: &[u8], b: &[u8], given: bool) -> bool {
    if a.len() < 3 || b.len() < 3 {
        return false;
    }
    if a.len() == b.len() {
        let mut diff = (0..a.len()).filter(|&i| a[i] != b[i]);
        match (diff.next(), diff.next(), diff.next()) {
            // A slip of the finger hits a neighbouring key, but rarely the first letter.
            (Some(i), None, _) => {
                let (x, y) = (a[i], b[i]);
                if consonant(x)
                    && consonant(y)
                    && !sound_alike(x, y)
                    && (i == 0 || !keyboard_neighbours(x, y))
                {
                    return true;
                }
            }
            // Two letters swapped (NICOLAS / NICOLSA) is a typing slip.
            (Some(i), Some(j), None) if j == i + 1 && a[i] == b[j] && a[j] == b[i] => {
                return false;
            }
            _ => {}
        }
    }
    given && (feminine_form(a, b) || feminine_form(b, a))
}

/// True when `f` is `m` with a feminine `A` ending (DANIELA / DANIEL, ROBERTA / ROBERTO,
/// YEVGENIA / YEVGENY), except Slavic surnames, whose feminine form is the same family name.
fn feminine_form(f: &[u8], m: &[u8]) -> bool {
    const SURNAME_FORMS: &[(&[u8], &[u8])] = &[
        (b"OVA", b"OV"),
        (b"EVA", b"EV"),
        (b"INA", b"IN"),
        (b"YNA", b"YN"),
        (b"SKA", b"SKI"),
        (b"SKA", b"SKY"),
        (b"CKA", b"CKI"),
        (b"AYA", b"Y"),
        (b"AYA", b"IY"),
        (b"ENKA", b"ENKO"),
    ];
    let Some(stem) = f.strip_suffix(b"A") else {
        return false;
    };
    // A final H after A is silent (FATIMA / FATIMAH), not a masculine ending.
    if stem.len() < 3 || m.ends_with(b"A") || m.ends_with(b"H") {
        return false;
    }
    if SURNAME_FORMS
        .iter()
        .any(|(fs, ms)| f.ends_with(fs) && m.ends_with(ms))
    {
        return false;
    }
    osa_within(stem, m, 1)
}

fn consonant(c: u8) -> bool {
    c.is_ascii_uppercase() && !phonetic::is_vowel(c) && !matches!(c, b'Y' | b'W')
}

/// Consonants that romanisations or pronunciations swap for one another.
fn sound_alike(x: u8, y: u8) -> bool {
    const GROUPS: &[&[u8]] = &[
        b"BPV", b"FPV", b"CKQGX", b"GHKX", b"CSZX", b"DT", b"JG", b"JZ", b"MN",
    ];
    GROUPS.iter().any(|g| g.contains(&x) && g.contains(&y))
}

/// Neighbouring keys on a QWERTY keyboard (a mistyped letter is most often one of them).
fn keyboard_neighbours(x: u8, y: u8) -> bool {
    const ROWS: [&[u8]; 3] = [b"QWERTYUIOP", b"ASDFGHJKL", b"ZXCVBNM"];
    let place = |c: u8| {
        ROWS.iter()
            .enumerate()
            .find_map(|(r, row)| row.iter().position(|&k| k == c).map(|i| (r, i)))
    };
    let (Some((rx, ix)), Some((ry, iy))) = (place(x), place(y)) else {
        return false;
    };
    match (rx, ry) {
        _ if rx == ry => ix.abs_diff(iy) == 1,
        // Each row sits half a key to the right of the one above it.
        _ if ry == rx + 1 => iy + 1 == ix || iy == ix,
        _ if rx == ry + 1 => ix + 1 == iy || ix == iy,
        _ => false,
    }
}

/// Similarity of two different spellings before [`distinct`] is applied.
fn similarity(a: &Token, b: &Token) -> f64 {
    if a.initial || b.initial {
        let same_letter = a.text.as_bytes()[0] == b.text.as_bytes()[0];
        return if same_letter { INITIAL_MATCH } else { 0.0 };
    }
    if a.abjad || b.abjad {
        return abjad_similarity(a, b);
    }
    // Two compounds of one kind (ABDUL…, AL…): the stems decide (ABDUL KARIM ≠ ABDUL RAHIM).
    if let (Some(ca), Some(cb)) = (&a.core, &b.core) {
        if a.text.len() - ca.len() == b.text.len() - cb.len()
            && a.text.as_bytes()[..2] == b.text.as_bytes()[..2]
        {
            let s = spelling(ca.as_bytes(), cb.as_bytes());
            return if s < SAME_SOUND && phonetic::key(ca) == phonetic::key(cb) {
                SAME_SOUND
            } else {
                s
            };
        }
    }
    let same_key = a.key == b.key || uvular_alike(a, b);
    let plain = a.core.is_none() && b.core.is_none() && !same_key;
    if plain && spelling_bound(a.text.as_bytes(), b.text.as_bytes()) < UNRELATED {
        return 0.0;
    }
    // Variants of one word keep (nearly) the same consonants; words whose skeletons are
    // several edits apart are different words, however many letters they share.
    let (sa, sb) = (a.skeleton.as_bytes(), b.skeleton.as_bytes());
    if plain && !osa_within(sa, sb, 1 + sa.len().max(sb.len()) / 4) {
        return 0.0;
    }
    let mut s = spelling(a.text.as_bytes(), b.text.as_bytes());
    if s < SAME_SOUND && same_key && a.key.len() >= 2 {
        s = SAME_SOUND;
    }
    // A name derived by a suffix (IVAN/IVANOV, JOHN/JOHNSON, SMITH/SMITHSON) is another name.
    let (short, long) = if a.text.len() <= b.text.len() {
        (&a.text, &b.text)
    } else {
        (&b.text, &a.text)
    };
    if long.len() >= short.len() + 2 && long.starts_with(short.as_str()) {
        s = s.min(DERIVED);
    }
    // Compare without a merged Arabic article: ALQAHTANI / QAHTANI.
    if a.core.is_some() || b.core.is_some() {
        let ca = a.core.as_deref().unwrap_or(&a.text).as_bytes();
        let cb = b.core.as_deref().unwrap_or(&b.text).as_bytes();
        s = s.max(spelling(ca, cb) * 0.96);
    }
    s
}

/// True when two words sound alike but for an initial Q or GH against G or K: the Arabic and
/// Persian ق and غ are romanised all these ways (QASEM / GHASEM, QADHAFI / GADDAFI).
fn uvular_alike(a: &Token, b: &Token) -> bool {
    let uvular = |t: &Token| t.text.starts_with('Q') || t.text.starts_with("GH");
    if !uvular(a) && !uvular(b) {
        return false;
    }
    let (ka, kb) = (a.key.as_bytes(), b.key.as_bytes());
    ka.len() >= 2
        && matches!(ka[0], b'K' | b'G')
        && matches!(kb.first(), Some(b'K' | b'G'))
        && ka[1..] == kb[1..]
}

/// Consonant-only script against anything: compare skeletons, a little less sure than Latin.
fn abjad_similarity(a: &Token, b: &Token) -> f64 {
    let (sa, sb) = (a.skeleton.as_bytes(), b.skeleton.as_bytes());
    if sa.is_empty() || sb.is_empty() {
        return 0.0;
    }
    if sa == sb {
        return SAME_SKELETON;
    }
    osa_similarity(sa, sb) * 0.9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaro_winkler_known_values() {
        assert!((jaro_winkler(b"MARTHA", b"MARHTA") - 0.9611).abs() < 1e-3);
        assert!((jaro_winkler(b"DIXON", b"DICKSONX") - 0.8133).abs() < 1e-3);
        assert_eq!(jaro_winkler(b"ABC", b"XYZ"), 0.0);
    }

    #[test]
    fn osa_counts_transpositions_once() {
        assert_eq!(osa_distance(b"HASSAN", b"HSASAN"), 1);
        assert_eq!(osa_distance(b"KITTEN", b"SITTING"), 3);
        assert_eq!(osa_distance(b"", b"ABC"), 3);
    }
}
