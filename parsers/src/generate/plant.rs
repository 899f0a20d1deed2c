//! Planted travellers: deliberate variants of watchlist entries, the way real namesakes and real
//! data-entry slips look, so that screening can be measured against a known ground truth.

use chrono::{Datelike, NaiveDate};
use rand::seq::SliceRandom;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// How a planted traveller differs from the watchlist entry it was made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VariantKind {
    /// Name and date of birth as listed (after airline transliteration to upper-case Latin).
    Exact,
    /// One keyboard slip in a name: a neighbouring key, a dropped, doubled or transposed letter.
    Typo,
    /// Surname and given names swapped.
    Swapped,
    /// Another common romanisation of the same name (`MOHAMMED`/`MUHAMMAD`, `KH`/`H`).
    Transliteration,
    /// The last of several given names left out.
    DroppedMiddleName,
    /// Two words of a name written as one (`ABDUL RAHMAN` → `ABDULRAHMAN`).
    Joined,
    /// Date of birth one day earlier or later.
    DobOffByOne,
}

impl VariantKind {
    /// The snake_case name, as in the ground-truth file.
    pub fn as_str(self) -> &'static str {
        match self {
            VariantKind::Exact => "exact",
            VariantKind::Typo => "typo",
            VariantKind::Swapped => "swapped",
            VariantKind::Transliteration => "transliteration",
            VariantKind::DroppedMiddleName => "dropped_middle_name",
            VariantKind::Joined => "joined",
            VariantKind::DobOffByOne => "dob_off_by_one",
        }
    }
}

/// A watchlist entry to plant, as the caller read it from the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlantPerson {
    /// The entry's id in its list, echoed in the ground truth.
    pub id: String,
    /// Names as listed, in any script or case; they are written as airlines would.
    pub surname: String,
    pub given_names: String,
    /// `YYYY-MM-DD` or `YYYY`; anything else counts as unknown.
    #[serde(default)]
    pub date_of_birth: Option<String>,
}

/// The name and date of birth a planted traveller is written with.
pub(crate) struct Variant {
    pub kind: VariantKind,
    pub surname: String,
    pub given_names: String,
    pub date_of_birth: NaiveDate,
}

/// Upper-case Latin as a check-in agent or passport reader would write it: other scripts and
/// diacritics transliterated, punctuation other than `'` and `-` turned into spaces.
pub(crate) fn airline_form(name: &str) -> String {
    let ascii = any_ascii::any_ascii(name).to_ascii_uppercase();
    let kept: String = ascii
        .chars()
        .map(|c| {
            if c.is_ascii_uppercase() || c == '\'' || c == '-' {
                c
            } else {
                ' '
            }
        })
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The entry's date of birth: as listed, a day in the listed year, or a plausible adult one.
fn base_dob(rng: &mut impl Rng, dob: Option<&str>, today: NaiveDate) -> NaiveDate {
    let listed = dob.map(str::trim).unwrap_or("");
    if let Ok(d) = NaiveDate::parse_from_str(listed, "%Y-%m-%d") {
        return d;
    }
    let year = match listed.parse::<i32>() {
        Ok(y) if (1900..=today.year()).contains(&y) => y,
        _ => today.year() - rng.gen_range(25..70),
    };
    let jan1 = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
    // Not the first or last day, so that a day off stays in the listed year.
    jan1 + chrono::Duration::days(rng.gen_range(1..364))
}

/// Makes a variant of `p` of a kind that applies to it (a kind that would change nothing, such
/// as dropping a middle name of someone who has none, is never chosen).
pub(crate) fn make_variant(rng: &mut impl Rng, p: &PlantPerson, today: NaiveDate) -> Variant {
    let surname = airline_form(&p.surname);
    let given = airline_form(&p.given_names);
    let dob = base_dob(rng, p.date_of_birth.as_deref(), today);
    let mut kinds = vec![VariantKind::Exact, VariantKind::DobOffByOne];
    // A slip in a two-letter name makes another name, not a misspelling of this one.
    if letters(&surname) >= 4 || letters(&given) >= 4 {
        kinds.push(VariantKind::Typo);
    }
    if !given.is_empty() && !surname.is_empty() {
        kinds.push(VariantKind::Swapped);
    }
    if !transliterations(&surname).is_empty() || !transliterations(&given).is_empty() {
        kinds.push(VariantKind::Transliteration);
    }
    if given.split(' ').count() >= 2 {
        kinds.push(VariantKind::DroppedMiddleName);
    }
    if surname.contains([' ', '-']) || given.contains([' ', '-']) {
        kinds.push(VariantKind::Joined);
    }
    let kind = *kinds.choose(rng).unwrap_or(&VariantKind::Exact);
    let mut v = Variant {
        kind,
        surname,
        given_names: given,
        date_of_birth: dob,
    };
    match kind {
        VariantKind::Exact => {}
        VariantKind::DobOffByOne => {
            let days = if rng.gen_bool(0.5) { 1 } else { -1 };
            v.date_of_birth = dob + chrono::Duration::days(days);
        }
        VariantKind::Swapped => std::mem::swap(&mut v.surname, &mut v.given_names),
        VariantKind::DroppedMiddleName => {
            let words: Vec<&str> = v.given_names.split(' ').collect();
            v.given_names = words[..words.len() - 1].join(" ");
        }
        VariantKind::Joined => {
            let target = if v.surname.contains([' ', '-']) {
                &mut v.surname
            } else {
                &mut v.given_names
            };
            let at = target.find([' ', '-']).unwrap_or(0);
            target.remove(at);
        }
        VariantKind::Transliteration => {
            let in_surname = !transliterations(&v.surname).is_empty()
                && (transliterations(&v.given_names).is_empty() || rng.gen_bool(0.5));
            let target = if in_surname {
                &mut v.surname
            } else {
                &mut v.given_names
            };
            let options = transliterations(target);
            if let Some(&(from, to)) = options.choose(rng) {
                *target = target.replacen(from, to, 1);
            }
        }
        VariantKind::Typo => {
            let in_surname =
                letters(&v.surname) >= 4 && (letters(&v.given_names) < 4 || rng.gen_bool(0.7));
            let target = if in_surname {
                &mut v.surname
            } else {
                &mut v.given_names
            };
            *target = typo(rng, target);
        }
    }
    v
}

fn letters(s: &str) -> usize {
    s.bytes().filter(u8::is_ascii_uppercase).count()
}

/// Romanisation pairs seen across passports, visas and bookings of the same person. Longer,
/// name-specific pairs come first; single letters last.
const TRANSLITERATIONS: &[(&str, &str)] = &[
    ("MOHAMMED", "MUHAMMAD"),
    ("MUHAMMAD", "MOHAMMAD"),
    ("MOHAMMAD", "MOHAMED"),
    ("MOHAMED", "MOHAMMED"),
    ("AHMED", "AHMAD"),
    ("AHMAD", "AHMED"),
    ("HUSSEIN", "HUSSAIN"),
    ("HUSSAIN", "HUSAYN"),
    ("YUSUF", "YOUSSEF"),
    ("YOUSEF", "YUSUF"),
    ("ABDUL", "ABDEL"),
    ("ABDEL", "ABDUL"),
    ("ALEKSANDR", "ALEXANDER"),
    ("SERGEI", "SERGEY"),
    ("SERGEY", "SERGEI"),
    ("DMITRII", "DMITRY"),
    ("IURII", "YURI"),
    ("YURI", "IURII"),
    ("EVGENII", "YEVGENIY"),
    ("OU", "U"),
    ("KH", "H"),
    ("SCH", "SH"),
    ("SH", "SCH"),
    ("ZH", "J"),
    ("YU", "IU"),
    ("IU", "YU"),
    ("YA", "IA"),
    ("IA", "YA"),
    ("EI", "EY"),
    ("EY", "EI"),
    ("OO", "U"),
    ("EE", "I"),
    ("PH", "F"),
    ("TH", "T"),
    ("DH", "D"),
    ("AI", "AY"),
    ("KS", "X"),
    ("X", "KS"),
    ("Q", "K"),
    ("W", "V"),
    ("J", "DJ"),
    ("C", "K"),
];

fn transliterations(name: &str) -> Vec<(&'static str, &'static str)> {
    TRANSLITERATIONS
        .iter()
        .copied()
        .filter(|(from, _)| name.contains(from))
        .take(3)
        .collect()
}

/// Neighbouring keys on a QWERTY keyboard, for substitution slips.
fn neighbour(c: u8) -> u8 {
    const ROWS: [&[u8]; 3] = [b"QWERTYUIOP", b"ASDFGHJKL", b"ZXCVBNM"];
    for row in ROWS {
        if let Some(i) = row.iter().position(|&k| k == c) {
            return if i + 1 < row.len() {
                row[i + 1]
            } else {
                row[i - 1]
            };
        }
    }
    c
}

/// One slip in `name`, never in its first letter (that one is usually right) and always
/// producing a different string.
fn typo(rng: &mut impl Rng, name: &str) -> String {
    let b = name.as_bytes();
    let spots: Vec<usize> = (1..b.len())
        .filter(|&i| b[i].is_ascii_uppercase())
        .collect();
    let Some(&i) = spots.choose(rng) else {
        return format!("{name}X");
    };
    let mut out = b.to_vec();
    match rng.gen_range(0..4) {
        0 => out[i] = neighbour(b[i]),
        1 => {
            out.remove(i);
        }
        2 => out.insert(i, b[i]),
        _ if i + 1 < b.len() && b[i + 1] != b[i] && b[i + 1].is_ascii_uppercase() => {
            out.swap(i, i + 1)
        }
        _ => out[i] = neighbour(b[i]),
    }
    let s = String::from_utf8(out).unwrap_or_default();
    if s == name {
        format!("{name}X")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn person(surname: &str, given: &str, dob: Option<&str>) -> PlantPerson {
        PlantPerson {
            id: "1".into(),
            surname: surname.into(),
            given_names: given.into(),
            date_of_birth: dob.map(Into::into),
        }
    }

    #[test]
    fn writes_names_as_airlines_do() {
        assert_eq!(
            airline_form("Müller-Lüdenscheidt, Jürgen"),
            "MULLER-LUDENSCHEIDT JURGEN"
        );
        assert_eq!(airline_form("Иванов"), "IVANOV");
        assert_eq!(airline_form("  o'brien  (jr.) "), "O'BRIEN JR");
    }

    #[test]
    fn every_variant_differs_as_its_kind_says() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let p = person("AL-RASHID", "Mohammed Abdul Karim", Some("1970-03-04"));
        let listed = NaiveDate::from_ymd_opt(1970, 3, 4).unwrap();
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..400 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let v = make_variant(&mut rng, &p, today);
            seen.insert(v.kind.as_str());
            let same_name = v.surname == "AL-RASHID" && v.given_names == "MOHAMMED ABDUL KARIM";
            match v.kind {
                VariantKind::Exact => assert!(same_name && v.date_of_birth == listed),
                VariantKind::DobOffByOne => {
                    assert!(same_name && (v.date_of_birth - listed).num_days().abs() == 1)
                }
                VariantKind::Swapped => assert_eq!(v.surname, "MOHAMMED ABDUL KARIM"),
                VariantKind::DroppedMiddleName => assert_eq!(v.given_names, "MOHAMMED ABDUL"),
                VariantKind::Joined => {
                    assert!(v.surname == "ALRASHID" || v.given_names == "MOHAMMEDABDUL KARIM")
                }
                VariantKind::Transliteration | VariantKind::Typo => {
                    assert!(
                        !same_name && v.date_of_birth == listed,
                        "{} {}",
                        v.surname,
                        v.given_names
                    )
                }
            }
        }
        assert_eq!(seen.len(), 7, "{seen:?}");
    }

    #[test]
    fn inapplicable_kinds_are_not_chosen() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let p = person("LI", "NA", Some("1980"));
        for seed in 0..100 {
            let v = make_variant(&mut ChaCha8Rng::seed_from_u64(seed), &p, today);
            assert!(!matches!(
                v.kind,
                VariantKind::DroppedMiddleName | VariantKind::Joined | VariantKind::Typo
            ));
            assert_eq!(v.date_of_birth.year() / 10, 198);
        }
    }
}
