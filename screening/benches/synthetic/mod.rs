//! Made-up people of many cultures, generated deterministically for the scale benchmark: a
//! watchlist of any size and flights to screen against it. Given names come from short pools of
//! common first names per culture, drawn with a skew so that a few are frequent (as MUHAMMAD,
//! MARIA or WEI are on real lists); surnames are assembled from syllables, so the list has
//! hundreds of thousands of distinct surnames and no real person on it except by chance.

#![allow(dead_code)]

use paxrisk_parsers::Traveller;
use paxrisk_screening::watchlist::{Entry, Name};

/// SplitMix64: reproducible from a seed, no dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// Skewed towards the front of `items`: the first names of a pool are the common ones.
    pub fn pick_common<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let u = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        items[((u * u) * items.len() as f64) as usize]
    }
}

/// How one culture writes names.
struct Culture {
    given: &'static [&'static str],
    /// Surname = prefix? + root syllables + suffix?
    prefixes: &'static [&'static str],
    roots: &'static [&'static str],
    suffixes: &'static [&'static str],
    /// Number of root syllables in a surname (min, max).
    syllables: (usize, usize),
    /// Percent of people with a second given name.
    middle: usize,
}

const CULTURES: &[Culture] = &[
    // Arabic
    Culture {
        given: &[
            "MUHAMMAD", "AHMED", "ALI", "OMAR", "YUSUF", "IBRAHIM", "KHALID", "HASSAN", "HUSSEIN",
            "ABDULLAH", "MAHMOUD", "SAEED", "FATIMA", "AISHA", "MARIAM", "KARIM", "TARIQ",
            "NASSER", "SAMIR", "WALID", "HAMZA", "BILAL", "ZAINAB", "LAYLA", "RASHID", "JAMAL",
            "FAISAL", "MUSTAFA", "ADNAN", "SALIM",
        ],
        prefixes: &["AL ", "EL ", "ABU ", "BIN ", "", "", ""],
        roots: &[
            "QAH", "TAN", "RAS", "HID", "SHAM", "MAR", "ZAH", "RAN", "HAD", "DAD", "MAN", "SUR",
            "JAB", "BAR", "KHAT", "TIB", "NA", "SIR", "HAL", "WAN", "FAR", "SI", "DAW", "SAR",
            "QAS", "SIM", "TAM", "IMI", "BAKR", "AZ",
        ],
        suffixes: &["I", "AWI", "ANI", "", "", "AH"],
        syllables: (2, 3),
        middle: 45,
    },
    // Persian
    Culture {
        given: &[
            "REZA", "MEHDI", "DARIUS", "AMIR", "HOSSEIN", "NASRIN", "SHIRIN", "KAVEH", "BABAK",
            "PARISA", "FARHAD", "NEDA", "ARASH", "LEILA", "OMID",
        ],
        prefixes: &["", "", "MIR"],
        roots: &[
            "TEH", "RAN", "KHO", "SRAVI", "SHI", "RAZ", "FAR", "DOUST", "NAJ", "JAF", "ARI", "MOH",
            "SEN", "GHOL", "AMI", "BAH", "RAM",
        ],
        suffixes: &["I", "ZADEH", "POUR", "NEJAD", "IAN"],
        syllables: (1, 2),
        middle: 10,
    },
    // South Asian
    Culture {
        given: &[
            "SUNIL", "ANANYA", "RAHUL", "PRIYA", "AMIT", "DEEPA", "RAJESH", "KAVITA", "VIKRAM",
            "SANJAY", "ASHA", "ARJUN", "NEHA", "IMRAN", "AYESHA", "FAROOQ",
        ],
        prefixes: &[""],
        roots: &[
            "RAM", "CHAN", "KRISH", "NA", "PAT", "SHAR", "VER", "GUP", "BHAT", "TA", "CHA", "RYA",
            "MUR", "THY", "DES", "SIN", "RED", "DY", "KUM", "AR",
        ],
        suffixes: &["A", "AN", "EL", "MA", "", "GH", "I"],
        syllables: (1, 3),
        middle: 15,
    },
    // Russian and Ukrainian
    Culture {
        given: &[
            "SERGEI", "DMITRI", "VLADIMIR", "OLGA", "NATALIA", "IGOR", "SVETLANA", "ALEXEI",
            "YURI", "TATIANA", "MIKHAIL", "ANDREI", "IRINA", "NIKOLAI", "ELENA", "PAVEL",
        ],
        prefixes: &[""],
        roots: &[
            "IVAN", "PET", "ROV", "SOK", "OL", "VOL", "KOV", "SMIR", "NOV", "KUZ", "NETS", "POP",
            "LEB", "ED", "MOR", "OZ", "BEL", "YAK", "GRIG", "ORL", "TKA", "CHEN", "SHEV",
        ],
        suffixes: &["OV", "EV", "IN", "SKY", "ENKO", "OVA", "UK"],
        syllables: (1, 2),
        middle: 30,
    },
    // Chinese (surname pool, two-syllable given names written together)
    Culture {
        given: &[
            "WEI", "FANG", "MIN", "JING", "LEI", "YAN", "JUN", "HUI", "XIAOMING", "LIHUA",
            "ZHIWEI", "MEILING", "JIANGUO", "XIULAN", "HAOYU", "YUTONG",
        ],
        prefixes: &[""],
        roots: &[
            "WANG", "LI", "ZHANG", "LIU", "CHEN", "YANG", "HUANG", "ZHAO", "WU", "ZHOU", "XU",
            "SUN", "MA", "ZHU", "HU", "GUO", "HE", "LIN", "LUO", "GAO",
        ],
        suffixes: &[""],
        syllables: (1, 1),
        middle: 0,
    },
    // Hispanic and Portuguese (two surnames are common)
    Culture {
        given: &[
            "JOSE",
            "MARIA",
            "JUAN",
            "CARLOS",
            "LUIS",
            "ANA",
            "JOAQUIN",
            "VALENTINA",
            "PAULO",
            "BEATRIZ",
            "MIGUEL",
            "LUCIA",
            "DIEGO",
            "SOFIA",
            "JAVIER",
            "CAMILA",
        ],
        prefixes: &["", "", "DE LA ", "DEL "],
        roots: &[
            "GAR", "CI", "ROD", "RI", "MAR", "TIN", "FER", "NAN", "LOP", "GON", "ZAL", "PER",
            "SAN", "CHEZ", "RAM", "MOR", "ALV", "VAS", "CAST", "ORT", "MEND", "SIL", "VEIR",
        ],
        suffixes: &["EZ", "ES", "A", "O", "ILLO", "EIRA"],
        syllables: (1, 2),
        middle: 35,
    },
    // English-speaking
    Culture {
        given: &[
            "JOHN", "MARY", "JAMES", "EMILY", "GEORGE", "SARAH", "DAVID", "LAURA", "MICHAEL",
            "JESSICA", "ROBERT", "EMMA", "THOMAS", "OLIVIA", "WILLIAM", "GRACE",
        ],
        prefixes: &[""],
        roots: &[
            "ASH", "BLACK", "WOOD", "HOL", "LING", "WORTH", "FAIR", "WEA", "GRIM", "SHAW", "RAD",
            "CLIFF", "WIN", "TER", "BOT", "TOM", "CAL", "LA", "GHAN", "PREN", "DER", "GAST",
            "BROOK", "FIELD", "HAM", "STON", "MOR",
        ],
        suffixes: &["", "S", "SON", "E", "TON", "LEY"],
        syllables: (1, 2),
        middle: 30,
    },
    // West African
    Culture {
        given: &[
            "CHIDI",
            "NGOZI",
            "ABENA",
            "KWAME",
            "OLUWASEUN",
            "AMINATA",
            "IBRAHIMA",
            "FOLAKE",
            "KOFI",
            "ADAEZE",
            "MAMADOU",
            "FATOUMATA",
            "EMEKA",
            "YAW",
        ],
        prefixes: &[""],
        roots: &[
            "ADE", "BA", "YO", "O", "KA", "FOR", "NWO", "SU", "TRA", "ORE", "DIAL", "LO", "MEN",
            "SAH", "OWU", "SI", "CHU", "KWU", "TOU", "RE",
        ],
        suffixes: &["", "MI", "KU", "LA", "NDE", "ORE", "E"],
        syllables: (2, 3),
        middle: 20,
    },
    // Turkish
    Culture {
        given: &[
            "EMRE", "FATMA", "MEHMET", "AYSE", "MUSTAFA", "ZEYNEP", "BURAK", "ELIF", "CEM",
            "HATICE", "OZAN", "SELIN",
        ],
        prefixes: &[""],
        roots: &[
            "YIL", "DIZ", "KAY", "A", "DEM", "IR", "CEL", "IK", "SAH", "IN", "OZ", "TURK", "AY",
            "DIN", "KOC", "ARS", "LAN", "ER", "DOG", "AN",
        ],
        suffixes: &["", "OGLU", "CI", "ER", "TAS"],
        syllables: (1, 2),
        middle: 10,
    },
    // Japanese and Korean
    Culture {
        given: &[
            "HIROSHI", "AKIKO", "YUKI", "TAKESHI", "KENJI", "SAKURA", "MIN JUN", "JI WOO",
            "SEO YEON", "HARUTO", "AOI", "SOTA",
        ],
        prefixes: &[""],
        roots: &[
            "YAMA", "MOTO", "TA", "NAKA", "SHI", "MIZU", "KA", "WA", "SAKI", "HARA", "MURA", "KIM",
            "PARK", "CHOI", "JUNG", "KANG", "YOON", "FUJI", "ITO", "SATO",
        ],
        suffixes: &["", "DA", "NO", "SHITA", "GUCHI"],
        syllables: (1, 2),
        middle: 3,
    },
    // Germanic, Nordic, Slavic Central Europe
    Culture {
        given: &[
            "HENRIK",
            "FREYA",
            "BJORN",
            "ASTRID",
            "KLAUS",
            "ANNA",
            "LUKAS",
            "KATARZYNA",
            "TOMAS",
            "JONAS",
            "PIOTR",
            "INGRID",
            "STEFAN",
            "MAGDALENA",
        ],
        prefixes: &["", "", "VAN ", "VON "],
        roots: &[
            "KRIS", "TIAN", "SEN", "LOW", "EN", "STEIN", "NIE", "MI", "NEN", "ZIE", "LIN", "SKI",
            "JAN", "KOW", "BERG", "HOF", "MANN", "LAR", "SCHMI", "WAG", "NER", "KOV", "ACS",
        ],
        suffixes: &["", "SEN", "SSON", "ER", "SKI", "OVA"],
        syllables: (1, 2),
        middle: 25,
    },
    // French and Italian
    Culture {
        given: &[
            "PIERRE",
            "MARIE",
            "JEAN",
            "CAMILLE",
            "LUCA",
            "GIULIA",
            "MARCO",
            "CHIARA",
            "FRANCOIS",
            "ISABELLE",
            "ANTOINE",
            "FRANCESCA",
        ],
        prefixes: &["", "", "DE ", "DI ", "LE "],
        roots: &[
            "MOR", "EAU", "DU", "BOIS", "FER", "RAR", "ESP", "OSI", "BIAN", "CHI", "ROS", "SI",
            "LEF", "EBV", "RICH", "ARD", "CONT", "GAL", "LIER", "MAR", "TEL", "VIN",
        ],
        suffixes: &["", "O", "I", "E", "ET", "INI"],
        syllables: (1, 2),
        middle: 15,
    },
];

fn surname(c: &Culture, rng: &mut Rng) -> String {
    let mut s = String::from(rng.pick(c.prefixes));
    let (lo, hi) = c.syllables;
    for _ in 0..lo + rng.below(hi - lo + 1) {
        s.push_str(rng.pick(c.roots));
    }
    s.push_str(rng.pick(c.suffixes));
    s
}

/// One made-up person: (surname, given names).
pub fn person(rng: &mut Rng) -> (String, String) {
    let c = &CULTURES[rng.below(CULTURES.len())];
    let mut given = rng.pick_common(c.given).to_string();
    if rng.chance(c.middle) {
        given.push(' ');
        given.push_str(rng.pick_common(c.given));
    }
    let mut family = surname(c, rng);
    // Hispanic double surnames, Arabic and Russian patronymic-like second family names.
    if rng.chance(15) {
        family.push(' ');
        family.push_str(&surname(c, rng));
    }
    (family, given)
}

/// A spelling variant an alias might carry: one vowel or doubled letter changed.
fn variant(word: &str, rng: &mut Rng) -> String {
    const SWAPS: &[(&str, &str)] = &[
        ("OU", "U"),
        ("U", "OU"),
        ("I", "Y"),
        ("E", "A"),
        ("A", "E"),
        ("O", "U"),
        ("KH", "H"),
        ("SH", "CH"),
        ("SS", "S"),
        ("Y", "I"),
    ];
    let options: Vec<&(&str, &str)> = SWAPS.iter().filter(|(f, _)| word.contains(f)).collect();
    if options.is_empty() {
        return word.to_string();
    }
    let (from, to) = options[rng.below(options.len())];
    word.replacen(from, to, 1)
}

/// A watchlist of `n` made-up persons, about 2.3 names each as on the OFAC list (aliases are
/// spelling variants, other orders or a dropped middle name), with dates of birth for most.
pub fn watchlist(n: usize, seed: u64) -> Vec<Entry> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|i| {
            let (surname, given_names) = person(&mut rng);
            let mut aliases = Vec::new();
            let extra = [0, 0, 1, 1, 1, 2, 2, 3][rng.below(8)];
            for _ in 0..extra {
                aliases.push(match rng.below(3) {
                    0 => Name {
                        surname: variant(&surname, &mut rng),
                        given_names: given_names.clone(),
                    },
                    1 => Name {
                        surname: surname.clone(),
                        given_names: variant(&given_names, &mut rng),
                    },
                    _ => {
                        let (s, g) = person(&mut rng);
                        Name {
                            surname: s,
                            given_names: g,
                        }
                    }
                });
            }
            let dates_of_birth = if rng.chance(80) {
                vec![format!(
                    "{}-{:02}-{:02}",
                    1940 + rng.below(65),
                    1 + rng.below(12),
                    1 + rng.below(28)
                )]
            } else {
                Vec::new()
            };
            Entry {
                id: format!("S{i}"),
                surname,
                given_names,
                aliases,
                dates_of_birth,
                ..Entry::default()
            }
        })
        .collect()
}

/// A flight of 400: made-up travellers of the same cultures (so they share common given names
/// and surname syllables with the list, as real passengers do), and one in ten a listed person
/// with a typo or swapped name order.
pub fn flight(list: &[Entry], seed: u64) -> Vec<Traveller> {
    let mut rng = Rng::new(seed);
    (0..400)
        .map(|i| {
            let (mut surname, mut given) = person(&mut rng);
            let mut dob = format!(
                "{}-{:02}-{:02}",
                1940 + rng.below(65),
                1 + rng.below(12),
                1 + rng.below(28)
            );
            if i % 10 == 0 && !list.is_empty() {
                let e = &list[rng.below(list.len())];
                // The listed person's own date of birth, so the hit is not vetoed.
                if let Some(d) = e.dates_of_birth.iter().find(|d| d.len() == 10) {
                    dob.clone_from(d);
                }
                (surname, given) = (e.surname.to_uppercase(), e.given_names.to_uppercase());
                match rng.below(3) {
                    0 => std::mem::swap(&mut surname, &mut given),
                    1 => surname = typo(&surname, &mut rng),
                    _ => {}
                }
            }
            Traveller {
                surname: surname.into(),
                given_names: given.into(),
                date_of_birth: Some(dob.into()),
                ..Traveller::default()
            }
        })
        .collect()
}

/// Replaces one inner letter (a keyboard slip).
fn typo(word: &str, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    if chars.len() >= 5 {
        let p = 1 + rng.below(chars.len() - 2);
        if chars[p].is_ascii_alphabetic() {
            chars[p] = if chars[p] == 'E' { 'A' } else { 'E' };
        }
    }
    chars.into_iter().collect()
}
