//! Country names as lists write them (OFAC's English short names and their variants) mapped to
//! ISO 3166-1 alpha-3, the code travel documents and the API use.

use std::collections::HashMap;
use std::sync::OnceLock;

/// (alpha-3, names). Names are compared after [`key`] folding, so case, punctuation and a leading
/// "The" do not matter. Codes outside ISO 3166-1 follow ICAO Doc 9303 (Kosovo `RKS`).
const COUNTRIES: &[(&str, &[&str])] = &[
    ("AFG", &["Afghanistan"]),
    ("ALB", &["Albania"]),
    ("DZA", &["Algeria"]),
    ("AND", &["Andorra"]),
    ("AGO", &["Angola"]),
    ("ATG", &["Antigua and Barbuda"]),
    ("ARG", &["Argentina"]),
    ("ARM", &["Armenia"]),
    ("ABW", &["Aruba"]),
    ("AUS", &["Australia"]),
    ("AUT", &["Austria"]),
    ("AZE", &["Azerbaijan"]),
    ("BHS", &["Bahamas", "Bahamas, The"]),
    ("BHR", &["Bahrain"]),
    ("BGD", &["Bangladesh"]),
    ("BRB", &["Barbados"]),
    ("BLR", &["Belarus"]),
    ("BEL", &["Belgium"]),
    ("BLZ", &["Belize"]),
    ("BEN", &["Benin"]),
    ("BTN", &["Bhutan"]),
    ("BOL", &["Bolivia"]),
    (
        "BIH",
        &["Bosnia and Herzegovina", "Bosnia-Herzegovina", "Bosnia"],
    ),
    ("BWA", &["Botswana"]),
    ("BRA", &["Brazil"]),
    ("BRN", &["Brunei", "Brunei Darussalam"]),
    ("BGR", &["Bulgaria"]),
    ("BFA", &["Burkina Faso"]),
    ("MMR", &["Burma", "Myanmar"]),
    ("BDI", &["Burundi"]),
    ("CPV", &["Cabo Verde", "Cape Verde"]),
    ("KHM", &["Cambodia"]),
    ("CMR", &["Cameroon"]),
    ("CAN", &["Canada"]),
    ("CYM", &["Cayman Islands"]),
    ("CAF", &["Central African Republic"]),
    ("TCD", &["Chad"]),
    ("CHL", &["Chile"]),
    ("CHN", &["China", "People's Republic of China"]),
    ("COL", &["Colombia"]),
    ("COM", &["Comoros"]),
    (
        "COD",
        &[
            "Congo, Democratic Republic of the",
            "Democratic Republic of the Congo",
            "DRC",
            "Zaire",
        ],
    ),
    (
        "COG",
        &["Congo, Republic of the", "Republic of the Congo", "Congo"],
    ),
    ("CRI", &["Costa Rica"]),
    ("CIV", &["Cote d Ivoire", "Cote d'Ivoire", "Ivory Coast"]),
    ("HRV", &["Croatia"]),
    ("CUB", &["Cuba"]),
    ("CUW", &["Curacao"]),
    ("CYP", &["Cyprus"]),
    ("CZE", &["Czech Republic", "Czechia"]),
    ("DNK", &["Denmark"]),
    ("DJI", &["Djibouti"]),
    ("DMA", &["Dominica"]),
    ("DOM", &["Dominican Republic"]),
    ("ECU", &["Ecuador"]),
    ("EGY", &["Egypt"]),
    ("SLV", &["El Salvador"]),
    ("GNQ", &["Equatorial Guinea"]),
    ("ERI", &["Eritrea"]),
    ("EST", &["Estonia"]),
    ("SWZ", &["Eswatini", "Swaziland"]),
    ("ETH", &["Ethiopia"]),
    ("FJI", &["Fiji"]),
    ("FIN", &["Finland"]),
    ("FRA", &["France"]),
    ("GAB", &["Gabon"]),
    ("GMB", &["Gambia", "The Gambia", "Gambia, The"]),
    ("GEO", &["Georgia"]),
    ("DEU", &["Germany"]),
    ("GHA", &["Ghana"]),
    ("GIB", &["Gibraltar"]),
    ("GRC", &["Greece"]),
    ("GRD", &["Grenada"]),
    ("GTM", &["Guatemala"]),
    ("GGY", &["Guernsey"]),
    ("GIN", &["Guinea"]),
    ("GNB", &["Guinea-Bissau"]),
    ("GUY", &["Guyana"]),
    ("HTI", &["Haiti"]),
    ("HND", &["Honduras"]),
    ("HKG", &["Hong Kong"]),
    ("HUN", &["Hungary"]),
    ("ISL", &["Iceland"]),
    ("IND", &["India"]),
    ("IDN", &["Indonesia"]),
    ("IRN", &["Iran", "Iran, Islamic Republic of"]),
    ("IRQ", &["Iraq"]),
    ("IRL", &["Ireland"]),
    ("IMN", &["Isle of Man"]),
    ("ISR", &["Israel"]),
    ("ITA", &["Italy"]),
    ("JAM", &["Jamaica"]),
    ("JPN", &["Japan"]),
    ("JEY", &["Jersey"]),
    ("JOR", &["Jordan"]),
    ("KAZ", &["Kazakhstan"]),
    ("KEN", &["Kenya"]),
    ("KIR", &["Kiribati"]),
    (
        "PRK",
        &[
            "Korea, North",
            "North Korea",
            "Democratic People's Republic of Korea",
            "DPRK",
        ],
    ),
    (
        "KOR",
        &["Korea, South", "South Korea", "Republic of Korea", "Korea"],
    ),
    ("RKS", &["Kosovo"]),
    ("KWT", &["Kuwait"]),
    ("KGZ", &["Kyrgyzstan"]),
    ("LAO", &["Laos", "Lao People's Democratic Republic"]),
    ("LVA", &["Latvia"]),
    ("LBN", &["Lebanon"]),
    ("LSO", &["Lesotho"]),
    ("LBR", &["Liberia"]),
    ("LBY", &["Libya"]),
    ("LIE", &["Liechtenstein"]),
    ("LTU", &["Lithuania"]),
    ("LUX", &["Luxembourg"]),
    ("MAC", &["Macau", "Macao"]),
    (
        "MKD",
        &[
            "North Macedonia",
            "Macedonia",
            "Macedonia, The Former Yugoslav Republic of",
        ],
    ),
    ("MDG", &["Madagascar"]),
    ("MWI", &["Malawi"]),
    ("MYS", &["Malaysia"]),
    ("MDV", &["Maldives"]),
    ("MLI", &["Mali"]),
    ("MLT", &["Malta"]),
    ("MHL", &["Marshall Islands"]),
    ("MRT", &["Mauritania"]),
    ("MUS", &["Mauritius"]),
    ("MEX", &["Mexico"]),
    ("FSM", &["Micronesia", "Micronesia, Federated States of"]),
    ("MDA", &["Moldova"]),
    ("MCO", &["Monaco"]),
    ("MNG", &["Mongolia"]),
    ("MNE", &["Montenegro"]),
    ("MAR", &["Morocco"]),
    ("MOZ", &["Mozambique"]),
    ("NAM", &["Namibia"]),
    ("NRU", &["Nauru"]),
    ("NPL", &["Nepal"]),
    ("NLD", &["Netherlands", "Holland"]),
    ("ANT", &["Netherlands Antilles"]),
    ("NZL", &["New Zealand"]),
    ("NIC", &["Nicaragua"]),
    ("NER", &["Niger"]),
    ("NGA", &["Nigeria"]),
    ("NOR", &["Norway"]),
    ("OMN", &["Oman"]),
    ("PAK", &["Pakistan"]),
    ("PLW", &["Palau"]),
    (
        "PSE",
        &[
            "Palestinian",
            "Palestine",
            "West Bank",
            "Gaza",
            "Region: Gaza",
            "Palestinian Territories",
        ],
    ),
    ("PAN", &["Panama"]),
    ("PNG", &["Papua New Guinea"]),
    ("PRY", &["Paraguay"]),
    ("PER", &["Peru"]),
    ("PHL", &["Philippines"]),
    ("POL", &["Poland"]),
    ("PRT", &["Portugal"]),
    ("PRI", &["Puerto Rico"]),
    ("QAT", &["Qatar"]),
    ("ROU", &["Romania"]),
    ("RUS", &["Russia", "Russian Federation"]),
    ("RWA", &["Rwanda"]),
    ("KNA", &["Saint Kitts and Nevis", "St. Kitts and Nevis"]),
    ("LCA", &["Saint Lucia", "St. Lucia"]),
    (
        "VCT",
        &[
            "Saint Vincent and the Grenadines",
            "St. Vincent and the Grenadines",
        ],
    ),
    ("WSM", &["Samoa"]),
    ("SMR", &["San Marino"]),
    ("STP", &["Sao Tome and Principe"]),
    ("SAU", &["Saudi Arabia"]),
    ("SEN", &["Senegal"]),
    ("SRB", &["Serbia", "Serbia and Montenegro", "Yugoslavia"]),
    ("SYC", &["Seychelles"]),
    ("SLE", &["Sierra Leone"]),
    ("SGP", &["Singapore"]),
    ("SVK", &["Slovakia"]),
    ("SVN", &["Slovenia"]),
    ("SLB", &["Solomon Islands"]),
    ("SOM", &["Somalia"]),
    ("ZAF", &["South Africa"]),
    ("SSD", &["South Sudan"]),
    ("ESP", &["Spain"]),
    ("LKA", &["Sri Lanka"]),
    ("SDN", &["Sudan"]),
    ("SUR", &["Suriname"]),
    ("SWE", &["Sweden"]),
    ("CHE", &["Switzerland"]),
    ("SYR", &["Syria", "Syrian Arab Republic"]),
    ("TWN", &["Taiwan"]),
    ("TJK", &["Tajikistan"]),
    ("TZA", &["Tanzania"]),
    ("THA", &["Thailand"]),
    ("TLS", &["Timor-Leste", "East Timor"]),
    ("TGO", &["Togo"]),
    ("TON", &["Tonga"]),
    ("TTO", &["Trinidad and Tobago"]),
    ("TUN", &["Tunisia"]),
    ("TUR", &["Turkey", "Turkiye"]),
    ("TKM", &["Turkmenistan"]),
    ("TUV", &["Tuvalu"]),
    ("UGA", &["Uganda"]),
    ("UKR", &["Ukraine"]),
    ("ARE", &["United Arab Emirates", "UAE"]),
    ("GBR", &["United Kingdom", "UK", "Great Britain", "Britain"]),
    (
        "USA",
        &["United States", "United States of America", "USA", "US"],
    ),
    ("URY", &["Uruguay"]),
    ("UZB", &["Uzbekistan"]),
    ("VUT", &["Vanuatu"]),
    ("VAT", &["Holy See", "Vatican"]),
    ("VEN", &["Venezuela"]),
    ("VNM", &["Vietnam", "Viet Nam"]),
    (
        "VGB",
        &["Virgin Islands, British", "British Virgin Islands"],
    ),
    ("YEM", &["Yemen"]),
    ("ZMB", &["Zambia"]),
    ("ZWE", &["Zimbabwe"]),
];

/// Folds a country name for lookup: letters only, upper case, no leading "THE" or "POSSIBLY",
/// and nothing after a full stop (OFAC writes `Cabo Verde.  Previously Cape Verde.`).
fn key(name: &str) -> String {
    let head = name.split(". ").next().unwrap_or(name);
    let folded: String = head
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                ' '
            }
        })
        .collect();
    let mut words: Vec<&str> = folded.split_whitespace().collect();
    while matches!(
        words.first(),
        Some(&"THE") | Some(&"POSSIBLY") | Some(&"REGION")
    ) {
        words.remove(0);
    }
    words.join(" ")
}

fn table() -> &'static HashMap<String, &'static str> {
    static TABLE: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = HashMap::new();
        for (code, names) in COUNTRIES {
            map.insert(code.to_string(), *code);
            for name in *names {
                map.entry(key(name)).or_insert(*code);
            }
        }
        map
    })
}

/// The ISO 3166-1 alpha-3 code for a country name or code as lists write it (`Iraq`,
/// `Korea, North`, `IRQ`), or `None` when the table does not know it.
pub fn country_code(name: &str) -> Option<&'static str> {
    let k = key(name);
    if k.is_empty() {
        return None;
    }
    table().get(&k).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ofac_spellings_map_to_alpha3() {
        assert_eq!(country_code("Iraq"), Some("IRQ"));
        assert_eq!(country_code("Korea, North"), Some("PRK"));
        assert_eq!(
            country_code("Congo, Democratic Republic of the"),
            Some("COD")
        );
        assert_eq!(country_code("possibly Palestinian"), Some("PSE"));
        assert_eq!(
            country_code("Cabo Verde.  Previously Cape Verde."),
            Some("CPV")
        );
        assert_eq!(country_code("The Gambia"), Some("GMB"));
        assert_eq!(country_code("gbr"), Some("GBR"));
        assert_eq!(country_code("Atlantis"), None);
    }
}
