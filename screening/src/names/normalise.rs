//! From a name as written (any script, any case, titles, punctuation) to comparable tokens:
//! NFKD with marks stripped, transliteration to Latin, upper case, punctuation removed, titles
//! dropped, Arabic articles and `ABD`/`ABU` compounds folded into one canonical form.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::phonetic;
use super::{PreparedName, Token};

/// Titles, honorifics and suffixes that say nothing about who a person is. Dropped unless the
/// name would be left empty.
const TITLES: &[&str] = &[
    "MR", "MRS", "MS", "MISS", "MSTR", "MASTER", "MX", "DR", "PROF", "SIR", "DAME", "LORD", "LADY",
    "REV", "FR", "HAJI", "HAJJI", "HADJI", "HAJ", "HAJJ", "HADJ", "ALHAJI", "ALHAJ", "ALHADJI",
    "SHEIKH", "SHEIK", "SHAIKH", "SHAYKH", "CHEIKH", "MULLAH", "MULLA", "MAULANA", "MAWLANA",
    "MAWLAWI", "MAULVI", "MOULVI", "JR", "SR", "JNR", "SNR", "II", "III", "IV", "ESQ", "PHD",
    "GEN", "COL", "CAPT", "MAJ", "LT", "SGT",
];

/// Tokens that stand for "no name": airlines and lists write them when a part is unknown.
const PLACEHOLDERS: &[&str] = &[
    "FNU", "LNU", "NFN", "NLN", "UNK", "UNKNOWN", "XXX", "XX", "X", "NONE", "NIL", "TEST",
    "NONAME", "NN", "ZZ", "ZZZ",
];

/// Name particles: connectors that carry little identity on their own ("son of", "of the").
const PARTICLES: &[&str] = &[
    "BIN", "BEN", "IBN", "BINT", "BENT", "WALD", "OULD", "WAD", "VAN", "VON", "DER", "DEN", "TER",
    "TEN", "DE", "DA", "DI", "DO", "DU", "DEL", "DELLA", "DELLE", "DEI", "DOS", "DAS", "LA", "LE",
    "LES", "LOS", "Y", "E", "ST", "SAN", "SANTA",
];

/// Arabic definite articles as romanised (`al-`, `el-`, and the sun-letter forms `ad-`, `ar-`…).
const ARTICLES: &[&str] = &["AL", "EL", "UL"];
const SUN_ARTICLES: &[&str] = &["AD", "AR", "AS", "ASH", "AT", "AZ", "ATH", "ADH"];

/// Spellings of the `ABD` ("servant of") compound prefix, longest first.
const ABD_PREFIXES: &[&str] = &[
    "ABDOUL", "ABDUL", "ABDEL", "ABDAL", "ABDOL", "ABDIL", "ABDUR", "ABDUS", "ABDUN", "ABDU",
    "ABDE", "ABDI", "ABD",
];

/// `ABD` spellings written as a word of their own before the rest of the compound.
const STANDALONE_ABD: &[&str] = &[
    "ABD", "ABDUL", "ABDEL", "ABDAL", "ABDOUL", "ABDOL", "ABDUR", "ABDUS",
];

/// Short forms of MUHAMMAD seen in passports (Bangladesh, Malaysia, Pakistan).
const MUHAMMAD_SHORT: &[&str] = &["MD", "MOHD", "MUHD", "MHD", "MOHAMAD", "MUHAMAD"];

/// Which writing system a word came from, as far as matching cares.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Other,
    /// Arabic and Hebrew write consonants only; transliteration yields a consonant skeleton.
    Abjad,
    /// Han transliterates to capitalised syllables written together (`XiJinPing`).
    Han,
}

fn script_of(word: &str) -> Script {
    for c in word.chars() {
        let u = c as u32;
        if (0x0590..=0x08FF).contains(&u)
            || (0xFB1D..=0xFDFF).contains(&u)
            || (0xFE70..=0xFEFF).contains(&u)
        {
            return Script::Abjad;
        }
        if (0x3400..=0x9FFF).contains(&u) || (0xF900..=0xFAFF).contains(&u) {
            return Script::Han;
        }
    }
    Script::Other
}

/// Latin upper-case words of a name part, each tagged with its source script.
fn latin_words(part: &str) -> Vec<(String, Script)> {
    let mut out = Vec::new();
    let without_brackets = strip_brackets(part);
    let mut first_hangul = true;
    for raw in without_brackets.split_whitespace() {
        let script = script_of(raw);
        let mut latin = to_latin(raw);
        if script == Script::Han {
            latin = split_camel(&latin);
        }
        if raw.chars().any(is_hangul) {
            latin = hangul_syllables(&latin, first_hangul);
            first_hangul = false;
        }
        // Apostrophes (O'BRIEN, SA'ID, transliterated ayin/hamza) join; `?` stands for a letter
        // an encoding lost (ERDO?AN) and stays in the word; other punctuation splits.
        let cleaned: String = latin
            .chars()
            .filter(|c| {
                !matches!(
                    c,
                    '\'' | '`' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{02BB}' | '"'
                )
            })
            .map(|c| {
                if c.is_ascii_alphabetic() || c == '?' {
                    c.to_ascii_uppercase()
                } else {
                    ' '
                }
            })
            .collect();
        out.extend(
            cleaned
                .split_whitespace()
                .filter(|w| w.bytes().any(|c| c.is_ascii_alphabetic()))
                .map(|w| (w.to_string(), script)),
        );
    }
    out
}

/// One word in Latin letters. `any_ascii` does most scripts; a few need help to come out the
/// way their names are usually romanised.
fn to_latin(raw: &str) -> String {
    let strip = |s: &str| -> String { s.nfkd().filter(|c| !is_combining_mark(*c)).collect() };
    let stripped = || strip(raw);
    let first = raw.chars().next().unwrap_or(' ');
    if raw.chars().any(|c| ('\u{05D0}'..='\u{05EA}').contains(&c)) {
        return hebrew_latin(&stripped());
    }
    if raw.chars().any(is_hangul) {
        // Decomposed Hangul loses the syllable boundaries that `any_ascii` marks by case.
        return any_ascii::any_ascii(raw);
    }
    if raw.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c)) {
        // Decomposing would turn Й into И and lose the Y (ЕВГЕНИЙ is YEVGENIY, not EVGENII);
        // an initial Е is YE in the usual romanisations (YEVGENY, YELTSIN).
        let latin = any_ascii::any_ascii(raw);
        return if matches!(first, 'Е' | 'е') {
            format!("Y{latin}")
        } else {
            latin
        };
    }
    if raw.chars().any(|c| ('\u{0370}'..='\u{03FF}').contains(&c)) {
        return any_ascii::any_ascii(&greek_digraphs(&stripped()));
    }
    // The Arabic article is written joined (القذافي); split it off so that it folds like AL-.
    if let Some(rest) = raw.strip_prefix("\u{0627}\u{0644}") {
        if rest.chars().count() >= 2 {
            return format!("AL {}", any_ascii::any_ascii(&strip(rest)));
        }
    }
    any_ascii::any_ascii(&stripped())
}

/// Hebrew letters as names are usually romanised: ו and י inside a word are mostly vowels,
/// ש is SH, פ is P, ח is KH, צ is TS; א and ע are silent.
fn hebrew_latin(word: &str) -> String {
    let mut out = String::with_capacity(word.len() * 2);
    for (i, c) in word.chars().enumerate() {
        let latin = match c {
            '\u{05D0}' | '\u{05E2}' => "",
            '\u{05D1}' => "B",
            '\u{05D2}' => "G",
            '\u{05D3}' => "D",
            '\u{05D4}' => "H",
            '\u{05D5}' if i == 0 => "V",
            '\u{05D5}' => "O",
            '\u{05D6}' => "Z",
            '\u{05D7}' => "KH",
            '\u{05D8}' | '\u{05EA}' => "T",
            '\u{05D9}' => "Y",
            '\u{05DA}' | '\u{05DB}' | '\u{05E7}' => "K",
            '\u{05DC}' => "L",
            '\u{05DD}' | '\u{05DE}' => "M",
            '\u{05DF}' | '\u{05E0}' => "N",
            '\u{05E1}' => "S",
            '\u{05E3}' | '\u{05E4}' => "P",
            '\u{05E5}' | '\u{05E6}' => "TS",
            '\u{05E8}' => "R",
            '\u{05E9}' => "SH",
            _ => "",
        };
        out.push_str(latin);
    }
    out
}

/// Greek digraphs that `any_ascii` spells letter by letter: ΟΥ is OU (not OY), and an initial
/// ΓΙ before a vowel is Y (ΓΙΑΝΗΣ is YANIS).
fn greek_digraphs(word: &str) -> String {
    let upper = word.to_uppercase();
    let upper = upper.replace("ΟΥ", "OU");
    let mut chars = upper.chars();
    let (a, b, c) = (chars.next(), chars.next(), chars.next());
    match (a, b, c) {
        (Some('Γ'), Some('Ι'), Some(v)) if "ΑΕΟΩΗΥO".contains(v) => {
            format!("Y{}", upper.chars().skip(2).collect::<String>())
        }
        _ => upper,
    }
}

fn is_hangul(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// Family names in Hangul with the spelling their bearers use rather than the Revised
/// Romanisation that `any_ascii` gives (김 is KIM, not GIM).
const KOREAN_SURNAMES: &[(&str, &str)] = &[
    ("GIM", "KIM"),
    ("I", "LEE"),
    ("BAG", "PARK"),
    ("BAK", "PARK"),
    ("CHOE", "CHOI"),
    ("GANG", "KANG"),
    ("JO", "CHO"),
    ("YUN", "YOON"),
    ("IM", "LIM"),
    ("O", "OH"),
    ("SIN", "SHIN"),
    ("GWON", "KWON"),
    ("AN", "AHN"),
    ("MUN", "MOON"),
    ("NO", "ROH"),
    ("GO", "KO"),
    ("GU", "KOO"),
    ("U", "WOO"),
];

/// A Hangul word as syllables (`GimJeongEun` → `KIM JONG UN`), with EO and EU written O and U
/// as most other romanisations do (JONG, SONG, UN) and, for the first word of a name, the
/// family name in its customary spelling.
fn hangul_syllables(latin: &str, family_first: bool) -> String {
    let upper = split_camel(latin)
        .to_uppercase()
        .replace("EO", "O")
        .replace("EU", "U");
    let mut syllables: Vec<String> = upper.split_whitespace().map(str::to_string).collect();
    if family_first && syllables.len() >= 2 {
        if let Some((_, usual)) = KOREAN_SURNAMES.iter().find(|(rr, _)| *rr == syllables[0]) {
            syllables[0] = (*usual).to_string();
        }
    }
    syllables.join(" ")
}

/// Drops bracketed asides (`ANGULO OROBIO (SEGUNDO)`): qualifiers, not name parts.
fn strip_brackets(s: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => {
                depth = depth.saturating_sub(1);
                out.push(' ');
            }
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn split_camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    let mut prev_lower = false;
    for c in s.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push(' ');
        }
        prev_lower = c.is_ascii_lowercase();
        out.push(c);
    }
    out
}

/// Removes a title glued to the end of a given name by a reservation system (`JOHNMR`).
fn strip_glued_title(word: &str) -> &str {
    for title in ["MRS", "MSTR", "MISS", "MR"] {
        if let Some(rest) = word.strip_suffix(title) {
            if rest.len() >= 3 {
                return rest;
            }
        }
    }
    word
}

/// Tokens of one part (surname or given names) before compounds are folded.
fn raw_tokens(part: &str, family: bool) -> Vec<(String, Script, bool)> {
    let words = latin_words(part);
    let count = words.len();
    words
        .into_iter()
        .enumerate()
        .map(|(i, (w, s))| {
            let w = if !family && i + 1 == count {
                strip_glued_title(&w).to_string()
            } else {
                w
            };
            (w, s, family)
        })
        .collect()
}

/// Prepares a name given as surname and given names (API data, list entries).
pub fn prepare_parts(surname: &str, given_names: &str) -> PreparedName {
    let mut raw = raw_tokens(surname, true);
    raw.extend(raw_tokens(given_names, false));
    build(raw)
}

/// Prepares a name written as one string: `SURNAME, Given` (comma) or `Given Surname`.
pub fn prepare_full(name: &str) -> PreparedName {
    match name.split_once(',') {
        Some((surname, given)) => prepare_parts(surname, given),
        None => {
            let mut raw = raw_tokens(name, false);
            // Without a comma the family name is most often last.
            if let Some(last) = raw.last_mut() {
                last.2 = true;
            }
            build(raw)
        }
    }
}

fn is_title(w: &str) -> bool {
    TITLES.contains(&w)
}

/// The generation a suffix says (see [`PreparedName::generation`]).
fn generation(w: &str) -> Option<u8> {
    match w {
        "SR" | "SNR" => Some(1),
        "JR" | "JNR" | "II" => Some(2),
        "III" => Some(3),
        "IV" => Some(4),
        _ => None,
    }
}

fn build(raw: Vec<(String, Script, bool)>) -> PreparedName {
    let mut words: Vec<(String, Script, bool)> = raw
        .into_iter()
        .filter(|(w, _, _)| !PLACEHOLDERS.contains(&w.as_str()))
        .collect();
    // A suffix says nothing about who a person is, but two names with different ones are a
    // father and his son.
    let generation = words.iter().find_map(|(w, _, _)| generation(w));
    if words.iter().any(|(w, _, _)| !is_title(w)) {
        words.retain(|(w, _, _)| !is_title(w));
    }
    let mut tokens: Vec<Token> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let (w, script, family) = (&words[i].0, words[i].1, words[i].2);
        let next = words.get(i + 1).map(|n| n.0.as_str());
        // `ABD AL RAHMAN`, `ABDEL RAHMAN`, `ABDUL-RAHMAN` → ABDULRAHMAN.
        if let (Some(prefix), Some(next_word)) = (abd_prefix(w), next) {
            if prefix.len() == w.len() && STANDALONE_ABD.contains(&w.as_str()) {
                let mut j = i + 1;
                if ARTICLES.contains(&next_word) || SUN_ARTICLES.contains(&next_word) {
                    j += 1;
                }
                if let Some(stem) = words.get(j) {
                    tokens.push(Token::new(
                        format!("ABDUL{}", stem.0),
                        Some(stem.0.clone()),
                        script,
                        family || stem.2,
                    ));
                    i = j + 1;
                    continue;
                }
            }
        }
        // `AL QAHTANI`, `EL-SAYED`, `AR RASHID` → ALQAHTANI, keeping QAHTANI as the core.
        if let Some(next_word) = next {
            let sun = SUN_ARTICLES.contains(&w.as_str()) && next_word.starts_with(&w[1..2]);
            if (ARTICLES.contains(&w.as_str()) || sun) && next_word.len() >= 2 {
                tokens.push(Token::new(
                    format!("AL{next_word}"),
                    Some(next_word.to_string()),
                    script,
                    family || words[i + 1].2,
                ));
                i += 2;
                continue;
            }
            // `ABU BAKR` → ABUBAKR: a kunya is one name.
            if matches!(w.as_str(), "ABU" | "ABOU" | "ABO") && next_word.len() >= 2 {
                tokens.push(Token::new(
                    format!("ABU{next_word}"),
                    None,
                    script,
                    family || words[i + 1].2,
                ));
                i += 2;
                continue;
            }
        }
        tokens.push(single_token(w, script, family));
        i += 1;
    }
    PreparedName {
        generation,
        ..PreparedName::from_tokens(tokens)
    }
}

/// The `ABD` prefix a word starts with, if any (ABDEL, ABDUL…).
fn abd_prefix(w: &str) -> Option<&'static str> {
    ABD_PREFIXES.iter().copied().find(|p| w.starts_with(p))
}

/// One word as a token, with canonical spellings of compounds written together.
fn single_token(w: &str, script: Script, family: bool) -> Token {
    if MUHAMMAD_SHORT.contains(&w) {
        return Token::new("MUHAMMAD".to_string(), None, script, family);
    }
    // ABDELRAHMAN, ABDURRAHMAN, ABDALLAH → ABDULRAHMAN, ABDULLAH.
    if let Some(prefix) = abd_prefix(w) {
        let mut rest = w[prefix.len()..].to_string();
        // ABDULAH is ABDULLAH with the double L collapsed, not ABDUL + AH.
        if prefix.ends_with('L') && rest.len() <= 2 && rest.starts_with(['A', 'E', 'O']) {
            rest.insert(0, 'L');
        }
        // Short prefixes (ABD, ABDU, ABDI) only when a consonant follows: ABDOU is a name.
        let short = prefix.len() <= 4;
        if rest.len() >= 2 && !(short && phonetic::is_vowel(rest.as_bytes()[0])) {
            return Token::new(format!("ABDUL{rest}"), Some(rest), script, family);
        }
    }
    // ALQAHTANI, ELSAYED: remember the word without the article for comparison.
    let core = ["AL", "EL"]
        .iter()
        .find_map(|a| w.strip_prefix(a))
        .filter(|rest| rest.len() >= 4 && !phonetic::is_vowel(rest.as_bytes()[0]))
        .map(str::to_string);
    let mut token = Token::new(w.to_string(), core, script, family);
    if PARTICLES.contains(&w) {
        token.weight = super::PARTICLE_WEIGHT;
    }
    token
}

impl Token {
    fn new(text: String, core: Option<String>, script: Script, family: bool) -> Token {
        let abjad = script == Script::Abjad;
        let key = phonetic::key(&text);
        let skeleton = phonetic::skeleton(&text, abjad);
        let mandarin = super::mandarin::readings(&text);
        let korean = super::korean::reading(&text);
        let initial = text.len() == 1;
        let weight = if initial { super::INITIAL_WEIGHT } else { 1.0 };
        Token {
            text,
            key,
            skeleton,
            mandarin,
            korean,
            core,
            abjad,
            weight,
            initial,
            family,
            id: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(name: &str) -> Vec<String> {
        prepare_full(name)
            .tokens
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn folds_case_marks_scripts_and_titles() {
        assert_eq!(
            texts("Dr. José  Müller-Lüdenscheidt"),
            ["JOSE", "MULLER", "LUDENSCHEIDT"]
        );
        assert_eq!(texts("Владимир Путин"), ["VLADIMIR", "PUTIN"]);
        assert_eq!(texts("O'Brien, Seán MR"), ["OBRIEN", "SEAN"]);
        assert_eq!(texts("SMITH, JOHNMR"), ["SMITH", "JOHN"]);
        assert_eq!(texts("FNU, Ahmad"), ["AHMAD"]);
        assert_eq!(texts("习近平"), ["XI", "JIN", "PING"]);
    }

    #[test]
    fn scripts_romanise_as_names_usually_are() {
        assert_eq!(texts("Евгений Пригожин"), ["YEVGENIY", "PRIGOZHIN"]);
        assert_eq!(texts("Γιάνης Βαρουφάκης"), ["YANIS", "VAROUFAKIS"]);
        assert_eq!(texts("שמעון פרס"), ["SHMON", "PRS"]);
        assert_eq!(texts("김정은"), ["KIM", "JONG", "UN"]);
        assert_eq!(texts("문재인"), ["MOON", "JAE", "IN"]);
        assert_eq!(texts("معمر القذافي"), ["MMR", "ALQDHFY"]);
        assert_eq!(texts("Erdo?an ???"), ["ERDO?AN"]);
    }

    #[test]
    fn folds_arabic_compounds() {
        assert_eq!(texts("Abd al-Rahman"), ["ABDULRAHMAN"]);
        assert_eq!(texts("ABDEL RAHMAN"), ["ABDULRAHMAN"]);
        assert_eq!(texts("Abdurrahman"), ["ABDULRAHMAN"]);
        assert_eq!(texts("ABDALLAH"), ["ABDULLAH"]);
        assert_eq!(texts("Abdulah"), ["ABDULLAH"]);
        assert_eq!(texts("AL-QAHTANI, Abu Bakr"), ["ALQAHTANI", "ABUBAKR"]);
        assert_eq!(
            prepare_full("ALQAHTANI").tokens[0].core.as_deref(),
            Some("QAHTANI")
        );
        assert_eq!(texts("MD RAHMAN"), ["MUHAMMAD", "RAHMAN"]);
    }
}
