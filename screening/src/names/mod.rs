//! Person-name normalisation and similarity, behind `paxrisk names compare` and the matcher.
//!
//! A name is prepared once ([`prepare_full`], [`prepare_parts`]) into tokens carrying their
//! normalised spelling, a phonetic key and a consonant skeleton; two prepared names are then
//! compared by pairing tokens ([`score_names`]). [`compare`] does both for two strings.
//!
//! Besides spelling and sound, tokens are compared through what spelling cannot show: familiar
//! forms (`nicknames`: BILL / WILLIAM), Mandarin in pinyin and Wade-Giles (`mandarin`: DENG
//! XIAOPING / TENG HSIAO-PING) and Korean romanisations (`korean`: PARK / PAK, JONG / JEONG).

pub(crate) mod korean;
pub(crate) mod mandarin;
mod nicknames;
mod normalise;
pub(crate) mod phonetic;
mod score;
pub(crate) mod similarity;

pub use normalise::{prepare_full, prepare_parts};
pub use score::{score_names, score_names_with, Direct, NameScore, TokenSimilarity};
pub(crate) use score::{score_refs, with_generations, MAX_TOKENS, PAIR_MIN};

/// The person-name threshold: names scoring at or above it are the same name. The server uses
/// it for watchlist hits unless a list sets its own, and `paxrisk names compare` defaults to it.
pub const DEFAULT_NAME_THRESHOLD: f64 = 0.80;

/// Weight of a name particle (BIN, VAN, DE…): it should neither make nor break a match.
pub(crate) const PARTICLE_WEIGHT: f64 = 0.3;
/// Weight of an initial: it agrees or disagrees with a full word, but proves little.
pub(crate) const INITIAL_WEIGHT: f64 = 0.5;

/// One comparable word of a name.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// Upper-case ASCII spelling after transliteration and clean-up.
    pub text: String,
    /// Phonetic key: consonant sounds with vowel positions (see `phonetic`).
    pub key: String,
    /// Consonants only; also the index's retrieval key.
    pub skeleton: String,
    /// The word without a merged Arabic article (QAHTANI for ALQAHTANI).
    pub core: Option<String>,
    /// True when transliterated from a consonant-only script (Arabic, Hebrew).
    pub abjad: bool,
    /// Weight in the name score: 1 for a word, less for particles and initials.
    pub weight: f64,
    /// True for a single letter.
    pub initial: bool,
    /// True when the token comes from the family-name part.
    pub family: bool,
    /// The word read as Mandarin syllables in pinyin and in Wade-Giles (see `mandarin`).
    pub mandarin: [u64; 2],
    /// The word read as a Korean family name and given name (see `korean`).
    pub korean: [u64; 2],
    /// Identity of the spelling for similarity caches: the matcher numbers list words once
    /// and query words per traveller; 0 means "not numbered, do not cache".
    pub id: u32,
}

/// A name ready to compare: its tokens, and each adjacent pair written together (for names
/// that one source splits and another joins: ABDUL RAHMAN / ABDULRAHMAN, VAN DAMME / VANDAMME).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PreparedName {
    /// Tokens in written order (surname first when the parts were known).
    pub tokens: Vec<Token>,
    /// `joined[i]` is tokens `i` and `i + 1` as one word.
    pub joined: Vec<Token>,
    /// The generation a suffix gives (SR 1; JR and II 2; III 3; IV 4), when the name has one.
    pub generation: Option<u8>,
}

impl PreparedName {
    pub(crate) fn from_tokens(tokens: Vec<Token>) -> PreparedName {
        let joined = tokens
            .windows(2)
            .map(|w| {
                let text = format!("{}{}", w[0].text, w[1].text);
                let abjad = w[0].abjad || w[1].abjad;
                Token {
                    key: phonetic::key(&text),
                    skeleton: phonetic::skeleton(&text, abjad),
                    mandarin: mandarin::readings(&text),
                    korean: korean::reading(&text),
                    text,
                    core: None,
                    abjad,
                    weight: w[0].weight + w[1].weight,
                    initial: false,
                    family: w[0].family || w[1].family,
                    id: 0,
                }
            })
            .collect();
        PreparedName {
            tokens,
            joined,
            generation: None,
        }
    }

    /// True when the name has something to match on: at least one word of two or more letters.
    /// Empty names, initials only and placeholders (FNU, UNKNOWN, XXX) are not matchable, nor
    /// words that an encoding reduced to `?` marks.
    pub fn is_matchable(&self) -> bool {
        self.tokens.iter().any(|t| {
            !t.initial
                && t.weight >= 1.0
                && t.text.bytes().filter(u8::is_ascii_alphabetic).count() >= 2
        })
    }

    /// The normalised name, tokens separated by spaces.
    pub fn normalised(&self) -> String {
        self.tokens
            .iter()
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Normalises a name for display and comparison: `"Dr. José  Müller"` → `"JOSE MULLER"`.
pub fn normalise(name: &str) -> String {
    prepare_full(name).normalised()
}

/// Similarity in [0, 1] of two full-name strings, each written `SURNAME, Given` or
/// `Given Surname`. Order, case, diacritics, script, titles, romanisation and missing middle
/// names matter little; a different given name or surname matters a lot. Names with nothing
/// matchable (empty, initials only, placeholders) score 0.
pub fn compare(a: &str, b: &str) -> f64 {
    let (pa, pb) = (prepare_full(a), prepare_full(b));
    if !pa.is_matchable() || !pb.is_matchable() {
        return 0.0;
    }
    score_names(&pa, &pb).score.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &str, b: &str) {
        let s = compare(a, b);
        assert!(s >= DEFAULT_NAME_THRESHOLD, "{a} ~ {b}: {s:.3}");
    }

    fn different(a: &str, b: &str) {
        let s = compare(a, b);
        assert!(s < DEFAULT_NAME_THRESHOLD, "{a} !~ {b}: {s:.3}");
    }

    #[test]
    fn variants_of_one_name_match() {
        same("DOE, Jane", "Jane Doe");
        same("MUHAMMAD ALI", "Mohammed Aly");
        same("Abdul Rahman Yusuf", "ABDULRAHMAN, Youssef");
        same("John Michael Smith", "SMITH, John");
        same("Владимир Путин", "PUTIN, Vladimir");
        same("HASSAN, Omar", "HSASAN, Omar");
        same("J. Smith", "John Smith");
        same("AL-QAHTANI, Saad", "Saad Qahtani");
        same("Sergei Ivanov", "Sergey Ivanov");
        // German and French spellings of Russian names (made-up people).
        same("Pavel Teltsin", "Pawel Telzin");
        same("Iouri Vorontsev", "Yuri Vorontsev");
    }

    #[test]
    fn different_people_do_not() {
        different("SMITH, John", "SMITH, Robert");
        different("MOHAMMED ALI HASSAN", "MOHAMMED ALI KHAN");
        different("John Smith", "John Smithson");
        different("OMAR, Khalid", "AMIR, Khalid");
        different("Smith", "John Smith");
        different("Maria Garcia", "Mario Gomez");
        different("Sean Carter", "Sean Carver");
        different("Khalid Hassan", "Khalil Hassan");
        different("Jamal Nasser", "Kamal Nasser");
        different("Daniel Ortega", "Daniela Ortega");
        different("Paulo Silva", "Paula Silva");
        // Father and son (made-up people); one suffix alone says nothing.
        different("Delmont Quarvistan Jr.", "Delmont Quarvistan Sr.");
        different("QUARVISTAN III, Delmont", "QUARVISTAN, Delmont II");
        same("Delmont Quarvistan Jr.", "Delmont Quarvistan");
        same("Delmont Quarvistan II", "QUARVISTAN, Delmont Jnr");
    }

    #[test]
    fn typing_slips_and_feminine_surnames_still_match() {
        same("Nicolas Maduro", "Nicolsa Maduro");
        same("Nicolas Maduro", "Nicolas Madura");
        same("Sergei Lavrov", "Sergai Lavrov");
        same("Anna Ivanova", "Anna Ivanov");
        same("Ahmad Khan", "Ahmad Khna");
    }

    #[test]
    fn familiar_forms_and_uvular_initials_match() {
        same("Bill Clinton", "CLINTON, William");
        same("Misha Petrov", "Mikhail Petrov");
        same("Qasem Soleimani", "Ghasem Soleymani");
        same("Muammar Gaddafi", "Moammar Qadhafi");
        different("Bill Clinton", "Robert Clinton");
    }

    #[test]
    fn letters_lost_to_question_marks_match_anything() {
        same("Recep Tayyip Erdoğan", "Recep Tayyip Erdo?an");
        same("Aleksandar Vučić", "Aleksandar Vu?i?");
        different("Aleksandar Vučić", "Aleksandar Vu?ko");
        assert_eq!(compare("??? ????", "??? ????"), 0.0);
        assert_eq!(compare("? ?", "Jane Doe"), 0.0);
        assert!(compare("J? ??", "Jane Doe") < DEFAULT_NAME_THRESHOLD);
    }

    #[test]
    fn nothing_matchable_scores_zero() {
        assert_eq!(compare("", "Jane Doe"), 0.0);
        assert_eq!(compare("FNU, LNU", "FNU, LNU"), 0.0);
        assert_eq!(compare("X", "X"), 0.0);
        assert_eq!(compare("J K", "J K"), 0.0);
    }
}
