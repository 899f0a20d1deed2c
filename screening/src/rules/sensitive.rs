//! Values a rule may not use because they reveal sensitive data (PNR Directive Art. 6(4) and
//! 13(4); EU–US PNR agreement filter lists). The fields that would carry such data are absent
//! from the catalogue; this list catches the same data smuggled in through a free-text field
//! (`pnr.seat contains "MOML"`, an agency named after a meal code…).

/// SSR codes that reveal religion, health or disability: special meals (a meal preference
/// is refused as a whole, since most meal codes imply belief or health) and assistance codes.
const SSR_CODES: &[&str] = &[
    // Meals.
    "AVML", "BBML", "BLML", "CHML", "DBML", "FPML", "GFML", "HFML", "HNML", "JPML", "KSML", "LCML",
    "LFML", "LPML", "LSML", "MOML", "NLML", "ORML", "PRML", "RVML", "SFML", "SPML", "VGML", "VJML",
    "VLML", "VOML", // Medical and assistance.
    "BLND", "DEAF", "DPNA", "MEDA", "MAAS", "OXYG", "POXY", "PPOC", "STCR", "SVAN", "ESAN", "WCHR",
    "WCHS", "WCHC", "WCBD", "WCBW", "WCMP", "WCOB", "WCLB", "LEGL", "LEGR",
];

/// Words that name a religion, a health condition, a disability, ethnicity or sexual life,
/// matched as whole words (so `ISLAM` does not refuse `ISLAMABAD`).
const WORDS: &[&str] = &[
    "HALAL",
    "KOSHER",
    "MUSLIM",
    "MOSLEM",
    "ISLAM",
    "ISLAMIC",
    "JEW",
    "JEWISH",
    "HINDU",
    "SIKH",
    "CATHOLIC",
    "CHRISTIAN",
    "PROTESTANT",
    "ORTHODOX",
    "MEDICAL",
    "ILLNESS",
    "HIV",
    "AIDS",
    "CANCER",
    "ETHNIC",
    "ETHNICITY",
    "RACIAL",
    "GAY",
    "LESBIAN",
    "LGBT",
    "LGBTQ",
    "TRANSGENDER",
];

/// Word beginnings that only occur in such words (`PREGNAN` covers pregnant and pregnancy).
const PREFIXES: &[&str] = &[
    "BUDDHIS",
    "JUDAI",
    "RELIGIO",
    "WHEELCHAIR",
    "DIABET",
    "PREGNAN",
    "DISABIL",
    "DISABLED",
    "HANDICAP",
    "HOMOSEXUAL",
];

/// Returns the offending code or keyword when `upper` (an upper-cased rule constant) reveals
/// sensitive data.
pub(crate) fn sensitive_term(upper: &str) -> Option<&'static str> {
    for word in upper
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let hit = SSR_CODES
            .iter()
            .chain(WORDS)
            .find(|w| **w == word)
            .or_else(|| PREFIXES.iter().find(|p| word.starts_with(**p)));
        if let Some(term) = hit {
            return Some(term);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::sensitive_term;

    #[test]
    fn codes_and_keywords_are_found_as_words() {
        assert_eq!(sensitive_term("MOML"), Some("MOML"));
        assert_eq!(sensitive_term("SSR KSML NN1"), Some("KSML"));
        assert_eq!(sensitive_term("HALAL FOODS TRAVEL"), Some("HALAL"));
        assert_eq!(sensitive_term("PREGNANCY"), Some("PREGNAN"));
        assert_eq!(sensitive_term("MAIDSTONE TRAVEL"), None);
        assert_eq!(sensitive_term("GAYLORD"), None);
        assert_eq!(sensitive_term("ISLAMABAD"), None);
        assert_eq!(sensitive_term("ISL"), None);
        assert_eq!(sensitive_term("12A"), None);
    }
}
