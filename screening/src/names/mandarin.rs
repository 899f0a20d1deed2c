//! Mandarin names in the two romanisations lists and travel documents use: pinyin (DENG
//! XIAOPING, MAO ZEDONG) and Wade-Giles (TENG HSIAO-PING, MAO TSE-TUNG), which spell most
//! syllables differently (HSIAO / XIAO, TSE / ZE, CHOU / ZHOU, TUNG / DONG). A word is read as a
//! sequence of syllables both ways; two words are one name when one's pinyin reading is the
//! other's Wade-Giles reading (or both are the same Wade-Giles syllables). Wade-Giles marks
//! aspiration with an apostrophe (T'ENG / TENG) that documents drop, so its readings do not tell
//! T from D, K from G and so on: TANG may be Wade-Giles for pinyin DANG, and the two meet. Two
//! words that only pinyin can read are never equated (XIAOMING / XIAOLONG, YANG / YONG).
//!
//! The syllable tables are the standard initials and finals of both systems; a word that is not a
//! sequence of them has no reading.

/// A reading's fingerprint; 0 for "no reading".
pub(crate) type Reading = u64;

/// The word's (pinyin, Wade-Giles) readings; 0 where it cannot be read that way.
pub(crate) fn readings(word: &str) -> [Reading; 2] {
    let w = word.as_bytes();
    // A syllable has two to six letters; names of one syllable (LI, HU) are left to spelling.
    if w.len() < 3 || w.len() > 24 || !w.iter().all(u8::is_ascii_uppercase) || !plausible(w) {
        return [0, 0];
    }
    [read(w, System::Pinyin), read(w, System::WadeGiles)]
}

fn vowel(b: u8) -> bool {
    matches!(b, b'A' | b'E' | b'I' | b'O' | b'U' | b'V')
}

/// A cheap test that most words of other languages fail (every word is read when a list is
/// indexed and a traveller screened): syllables end in a vowel, N, NG, R (ER) or H (Wade-Giles
/// IH, EH, ERH), so a word ends in one, and no more than four consonants meet (NG + HS).
fn plausible(w: &[u8]) -> bool {
    let last = w[w.len() - 1];
    if !(vowel(last) || matches!(last, b'N' | b'G' | b'R' | b'H')) {
        return false;
    }
    let mut run = 0;
    for &b in w {
        run = if vowel(b) { 0 } else { run + 1 };
        if run > 4 {
            return false;
        }
    }
    true
}

/// True when `a` and `b` (their [`readings`]) are one Mandarin name in two romanisations.
pub(crate) fn same(a: &[Reading; 2], b: &[Reading; 2]) -> bool {
    let cross = |x: &[Reading; 2], y: &[Reading; 2]| x[0] != 0 && x[0] == y[1];
    cross(a, b) || cross(b, a) || (a[1] != 0 && a[1] == b[1])
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum System {
    Pinyin,
    WadeGiles,
}

/// Pinyin initials, longest first, with their sound class (aspirated and plain together, so a
/// Wade-Giles reading, which cannot tell them apart, can meet them).
const PINYIN_INITIALS: &[(&str, &str)] = &[
    ("ZH", "ZH"),
    ("CH", "ZH"),
    ("SH", "SH"),
    ("B", "B"),
    ("P", "B"),
    ("D", "D"),
    ("T", "D"),
    ("G", "G"),
    ("K", "G"),
    ("J", "J"),
    ("Q", "J"),
    ("Z", "Z"),
    ("C", "Z"),
    ("X", "X"),
    ("R", "R"),
    ("S", "S"),
    ("M", "M"),
    ("F", "F"),
    ("N", "N"),
    ("L", "L"),
    ("H", "H"),
    ("Y", "Y"),
    ("W", "W"),
];

/// Wade-Giles initials (apostrophes gone), longest first, with their sound class; `CH` is J
/// before I and Ü and ZH otherwise (see [`syllable`]), `J` is pinyin's R.
const WADE_GILES_INITIALS: &[(&str, &str)] = &[
    ("TZ", "Z"),
    ("TS", "Z"),
    ("CH", "ZH"),
    ("HS", "X"),
    ("SH", "SH"),
    ("SS", "S"),
    ("SZ", "S"),
    ("P", "B"),
    ("T", "D"),
    ("K", "G"),
    ("J", "R"),
    ("S", "S"),
    ("M", "M"),
    ("F", "F"),
    ("N", "N"),
    ("L", "L"),
    ("H", "H"),
    ("Y", "Y"),
    ("W", "W"),
];

/// Pinyin finals, longest first (Ü written U or V).
const PINYIN_FINALS: &[&str] = &[
    "IANG", "IONG", "UANG", "UENG", "IAN", "IAO", "ING", "UAI", "UAN", "ANG", "ENG", "ONG", "AI",
    "AN", "AO", "EI", "EN", "ER", "IA", "IE", "IN", "IU", "OU", "UA", "UE", "UI", "UN", "UO", "VE",
    "A", "E", "I", "O", "U", "V",
];

/// Wade-Giles finals (Ê, Ü and Ŭ folded to E, U), longest first, with their pinyin spelling.
const WADE_GILES_FINALS: &[(&str, &str)] = &[
    ("IUNG", "IONG"),
    ("IANG", "IANG"),
    ("UANG", "UANG"),
    ("IEH", "IE"),
    ("IEN", "IAN"),
    ("IAO", "IAO"),
    ("ING", "ING"),
    ("UAI", "UAI"),
    ("UAN", "UAN"),
    ("UEH", "UE"),
    ("UEI", "UI"),
    ("ANG", "ANG"),
    ("ENG", "ENG"),
    ("UNG", "ONG"),
    ("ERH", "ER"),
    ("AI", "AI"),
    ("AN", "AN"),
    ("AO", "AO"),
    ("EH", "E"),
    ("EI", "EI"),
    ("EN", "EN"),
    ("IA", "IA"),
    ("IH", "I"),
    ("IN", "IN"),
    ("IU", "IU"),
    ("OU", "OU"),
    ("UA", "UA"),
    ("UI", "UI"),
    ("UN", "UN"),
    ("UO", "UO"),
    ("A", "A"),
    ("E", "E"),
    ("I", "I"),
    ("O", "O"),
    ("U", "U"),
];

/// One syllable as both systems meet: a sound class and a pinyin final.
#[derive(Clone, Copy)]
struct Syllable {
    class: &'static str,
    final_: &'static str,
}

/// The word read as syllables of `system`, fingerprinted; 0 when it is not such a sequence.
fn read(w: &[u8], system: System) -> Reading {
    let mut syllables = Vec::with_capacity(4);
    if !split(w, system, &mut syllables) {
        return 0;
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |s: &str| {
        for &b in s.as_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for s in &syllables {
        let (class, final_) = canonical(*s);
        eat(class);
        eat("-");
        eat(final_);
        eat("|");
    }
    h.max(1)
}

/// Zero initials written Y and W as the finals they stand for (YANG = IANG, WEI = UEI = UI),
/// so a syllable spelt with or without them reads the same.
fn canonical(s: Syllable) -> (&'static str, &'static str) {
    let glide = |table: &[(&'static str, &'static str)]| {
        table
            .iter()
            .find(|(f, _)| *f == s.final_)
            .map(|(_, to)| ("", *to))
    };
    match s.class {
        "Y" => glide(&[
            ("A", "IA"),
            ("AO", "IAO"),
            ("AN", "IAN"),
            ("ANG", "IANG"),
            ("E", "IE"),
            ("O", "IO"),
            ("ONG", "IONG"),
            ("OU", "IU"),
            ("I", "I"),
            ("IN", "IN"),
            ("ING", "ING"),
            ("U", "V"),
            ("UE", "VE"),
            ("UAN", "VAN"),
            ("UN", "VN"),
        ])
        .unwrap_or((s.class, s.final_)),
        "W" => glide(&[
            ("A", "UA"),
            ("AI", "UAI"),
            ("AN", "UAN"),
            ("ANG", "UANG"),
            ("EI", "UI"),
            ("EN", "UN"),
            ("ENG", "UENG"),
            ("O", "UO"),
            ("U", "U"),
        ])
        .unwrap_or((s.class, s.final_)),
        _ => (s.class, s.final_),
    }
}

/// Splits `w` into syllables of `system`, trying longer initials and finals first and going
/// back when the rest does not split.
fn split(w: &[u8], system: System, out: &mut Vec<Syllable>) -> bool {
    if w.is_empty() {
        return !out.is_empty();
    }
    if out.len() >= 8 {
        return false;
    }
    let initials: &[(&str, &'static str)] = match system {
        System::Pinyin => PINYIN_INITIALS,
        System::WadeGiles => WADE_GILES_INITIALS,
    };
    let starts = initials
        .iter()
        .filter(|(i, _)| begins(w, i.as_bytes()))
        .map(|&(i, class)| (i, class))
        .chain(std::iter::once(("", "")));
    for (initial, class) in starts {
        let taken = initial.len();
        let rest = &w[taken..];
        // Every final starts with a vowel.
        if !rest.first().is_some_and(|&b| vowel(b)) {
            continue;
        }
        for &(spelt, pinyin) in finals(system, rest[0]) {
            if !begins(rest, spelt.as_bytes()) {
                continue;
            }
            // A syllable without an initial starts with A, E or O (I, U and Ü take Y and W),
            // except the whole word's first.
            if taken == 0 && !out.is_empty() && !matches!(spelt.as_bytes()[0], b'A' | b'E' | b'O') {
                continue;
            }
            let Some(s) = syllable(system, initial, class, spelt, pinyin) else {
                continue;
            };
            out.push(s);
            if split(&rest[spelt.len()..], system, out) {
                return true;
            }
            out.pop();
        }
    }
    false
}

/// `w.starts_with(part)` for the few letters of a syllable's part, compared in place (this runs
/// for every word of a list and of a flight).
#[inline]
fn begins(w: &[u8], part: &[u8]) -> bool {
    part.len() <= w.len() && part[0] == w[0] && part.iter().zip(w).all(|(a, b)| a == b)
}

/// The finals of `system` that start with `letter`, as (spelling, pinyin), longest first: the
/// tables grouped by first letter once, so a syllable is matched against a handful of finals.
fn finals(system: System, letter: u8) -> &'static [(&'static str, &'static str)] {
    type ByLetter = [Vec<(&'static str, &'static str)>; 26];
    static TABLES: std::sync::OnceLock<[ByLetter; 2]> = std::sync::OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        let group = |all: Vec<(&'static str, &'static str)>| {
            let mut by: ByLetter = Default::default();
            for f in all {
                by[usize::from(f.0.as_bytes()[0] - b'A')].push(f);
            }
            by
        };
        [
            group(PINYIN_FINALS.iter().map(|&f| (f, f)).collect()),
            group(WADE_GILES_FINALS.to_vec()),
        ]
    });
    let table = &tables[usize::from(system == System::WadeGiles)];
    match letter {
        b'A'..=b'Z' => &table[usize::from(letter - b'A')],
        _ => &[],
    }
}

/// One syllable read in `system` from its `initial` (of class `class`) and final: the class and
/// the final in pinyin, with the Wade-Giles spellings that depend on both (CHI = JI but CHA =
/// ZHA, TZU = ZI but TSU = ZU, KO = GE, SHIH = SHI); `None` for a Wade-Giles `IH` that cannot
/// stand there.
fn syllable(
    system: System,
    initial: &str,
    class: &'static str,
    spelt: &'static str,
    pinyin: &'static str,
) -> Option<Syllable> {
    if system == System::Pinyin {
        return Some(Syllable {
            class,
            final_: pinyin,
        });
    }
    let front = pinyin.starts_with(['I', 'V']) || spelt.starts_with("UE");
    let class = match initial {
        "CH" if front && spelt != "IH" => "J",
        _ => class,
    };
    let final_ = match (initial, spelt) {
        // The dental initials' empty vowel: TZU, SSU, SZU are pinyin ZI, SI; SS and SZ come
        // with nothing else.
        ("TZ" | "SS" | "SZ", "U") => "I",
        ("SS" | "SZ", _) => return None,
        ("K" | "H", "O") => "E",
        ("CH" | "SH" | "J", "IH") => "I",
        (_, "IH") => return None,
        _ => pinyin,
    };
    Some(Syllable { class, final_ })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(a: &str, b: &str) -> bool {
        same(&readings(a), &readings(b))
    }

    #[test]
    fn wade_giles_meets_pinyin() {
        for (pinyin, wade_giles) in [
            ("ZEDONG", "TSETUNG"),
            ("XIAOPING", "HSIAOPING"),
            ("DENG", "TENG"),
            ("ZHOU", "CHOU"),
            ("JINTAO", "CHINTAO"),
            ("JIABAO", "CHIAPAO"),
            ("JIANG", "CHIANG"),
            ("ZEMIN", "TSEMIN"),
            ("CAI", "TSAI"),
            ("YINGWEN", "INGWEN"),
            ("ZHANG", "CHANG"),
            ("XIE", "HSIEH"),
            ("GUO", "KUO"),
            ("REN", "JEN"),
            ("SHI", "SHIH"),
            ("ZHI", "CHIH"),
            ("XUN", "HSUN"),
            ("QIAN", "CHIEN"),
            ("GEFEI", "KOFEI"),
            ("ZIYANG", "TZUYANG"),
        ] {
            assert!(one(pinyin, wade_giles), "{pinyin} / {wade_giles}");
            assert!(one(wade_giles, pinyin), "{wade_giles} / {pinyin}");
        }
    }

    #[test]
    fn different_syllables_and_pinyin_pairs_stay_apart() {
        for (a, b) in [
            // Another final or initial is another name.
            ("XIAOMING", "XIAOLONG"),
            ("YANG", "YONG"),
            ("JIANG", "YANG"),
            ("JIE", "JIA"),
            ("WEI", "LEI"),
            ("JUN", "JUAN"),
            // Read only as pinyin, Q and J are two names.
            ("QIAN", "JIAN"),
        ] {
            assert!(!one(a, b), "{a} / {b}");
        }
        // Words that are no Mandarin syllables have no reading.
        for w in ["HASSAN", "WILLIAM", "SMITH", "XY", "LI"] {
            assert_eq!(readings(w), [0, 0], "{w}");
        }
    }
}
