//! Name pools of many cultures, written as airlines write them: upper-case Latin letters,
//! transliterated from other scripts the way the ICAO 9303 machine-readable zone does (no
//! diacritics, `Ü` → `UE`, Cyrillic and Arabic romanised). Individual given names and surnames
//! are common ones; every combination the generator makes is made up.

use rand::seq::SliceRandom;
use rand::Rng;

/// How a culture builds a full name beyond "given names + surname".
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// Given names, one surname.
    Plain,
    /// Two surnames (father's, mother's), as in Spain and much of Latin America.
    DoubleSurname,
    /// Given name followed by the father's name as a middle name (Arabic, Russian patronymic).
    Patronymic,
    /// Two-syllable given names written either split or joined (Chinese, Korean).
    Syllables,
    /// Often a single name; passports then carry it as the surname with no given name.
    Mononym,
}

/// One naming culture and the nationalities its travellers most often hold.
pub(crate) struct Culture {
    pub countries: &'static [&'static str],
    pub surnames: &'static [&'static str],
    pub male: &'static [&'static str],
    pub female: &'static [&'static str],
    pub style: Style,
}

macro_rules! words {
    ($s:literal) => {
        &const_split::<{ count_words($s) }>($s)
    };
}

/// Number of space-separated words in `s` (compile time, for the pools below).
const fn count_words(s: &str) -> usize {
    let b = s.as_bytes();
    let (mut i, mut n, mut in_word) = (0, 0, false);
    while i < b.len() {
        let space = b[i] == b' ' || b[i] == b'\n';
        if !space && !in_word {
            n += 1;
        }
        in_word = !space;
        i += 1;
    }
    n
}

/// Splits `s` on spaces into `N` words at compile time; `_` inside a word stands for a space.
const fn const_split<const N: usize>(s: &'static str) -> [&'static str; N] {
    let b = s.as_bytes();
    let mut out = [""; N];
    let (mut i, mut n, mut start) = (0, 0, 0);
    while i <= b.len() {
        let end = i == b.len() || b[i] == b' ' || b[i] == b'\n';
        if end {
            if i > start {
                let (_, tail) = b.split_at(start);
                let (word, _) = tail.split_at(i - start);
                out[n] = match std::str::from_utf8(word) {
                    Ok(w) => w,
                    Err(_) => "",
                };
                n += 1;
            }
            start = i + 1;
        }
        i += 1;
    }
    out
}

/// The cultures. Multi-word surnames use `_` for the space (`AL_RASHID` is `AL RASHID`).
pub(crate) const CULTURES: &[Culture] = &[
    Culture {
        countries: &["GBR", "USA", "AUS", "CAN", "NZL", "IRL"],
        surnames: words!("SMITH JONES TAYLOR BROWN WILLIAMS WILSON JOHNSON DAVIES ROBINSON WRIGHT THOMPSON EVANS WALKER WHITE ROBERTS GREEN HALL WOOD JACKSON CLARKE O'BRIEN MURPHY KELLY MILLER DAVIS ANDERSON HARRIS MARTIN COOPER HUGHES"),
        male: words!("JAMES JOHN ROBERT MICHAEL WILLIAM DAVID RICHARD THOMAS CHRISTOPHER DANIEL MATTHEW ANDREW JOSHUA GEORGE OLIVER HARRY JACK SAMUEL PETER PAUL"),
        female: words!("MARY PATRICIA JENNIFER LINDA ELIZABETH SARAH JESSICA KAREN EMMA OLIVIA SOPHIE CHARLOTTE AMELIA GRACE EMILY HANNAH LUCY CHLOE REBECCA MARGARET"),
        style: Style::Plain,
    },
    Culture {
        countries: &["ESP", "MEX", "COL", "ARG", "PER", "CHL"],
        surnames: words!("GARCIA RODRIGUEZ GONZALEZ FERNANDEZ LOPEZ MARTINEZ SANCHEZ PEREZ GOMEZ MARTIN JIMENEZ RUIZ HERNANDEZ DIAZ MORENO MUNOZ ALVAREZ ROMERO ALONSO GUTIERREZ NAVARRO TORRES DOMINGUEZ VAZQUEZ RAMOS GIL RAMIREZ SERRANO CASTRO ORTIZ"),
        male: words!("JOSE ANTONIO JUAN MANUEL FRANCISCO LUIS JAVIER CARLOS MIGUEL ALEJANDRO RAFAEL PEDRO DIEGO PABLO SERGIO FERNANDO JORGE ALBERTO RAUL ANDRES"),
        female: words!("MARIA CARMEN ANA ISABEL LAURA CRISTINA MARTA LUCIA PATRICIA ROSA PAULA ELENA SARA SOFIA VALENTINA CAMILA DANIELA GABRIELA ANDREA JIMENA"),
        style: Style::DoubleSurname,
    },
    Culture {
        countries: &["BRA", "PRT"],
        surnames: words!("SILVA SANTOS OLIVEIRA SOUZA RODRIGUES FERREIRA ALVES PEREIRA LIMA GOMES COSTA RIBEIRO MARTINS CARVALHO ALMEIDA LOPES SOARES FERNANDES VIEIRA BARBOSA ROCHA DIAS NASCIMENTO ANDRADE MOREIRA"),
        male: words!("JOAO PEDRO LUCAS GABRIEL MATHEUS RAFAEL GUILHERME GUSTAVO FELIPE BRUNO TIAGO RODRIGO MARCELO EDUARDO LEONARDO"),
        female: words!("ANA MARIA JULIA BEATRIZ LARISSA FERNANDA MARIANA CAMILA LETICIA AMANDA BRUNA GABRIELA RAFAELA VITORIA ISABELA"),
        style: Style::DoubleSurname,
    },
    Culture {
        countries: &["FRA", "BEL", "CHE", "CAN"],
        surnames: words!("MARTIN BERNARD DUBOIS THOMAS ROBERT RICHARD PETIT DURAND LEROY MOREAU SIMON LAURENT LEFEBVRE MICHEL GARCIA DAVID BERTRAND ROUX VINCENT FOURNIER MOREL GIRARD ANDRE MERCIER DUPONT LAMBERT BONNET FRANCOIS MARTINEZ LEGRAND"),
        male: words!("JEAN PIERRE MICHEL PHILIPPE ALAIN NICOLAS CHRISTOPHE FRANCOIS LAURENT JULIEN SEBASTIEN THOMAS ANTOINE LOUIS HUGO MATHIEU OLIVIER VINCENT"),
        female: words!("MARIE NATHALIE ISABELLE SYLVIE CATHERINE CHRISTINE SANDRINE JULIE CAMILLE LEA MANON CHLOE INES AURELIE CELINE EMILIE SOPHIE CLAIRE"),
        style: Style::Plain,
    },
    Culture {
        countries: &["DEU", "AUT", "CHE"],
        surnames: words!("MUELLER SCHMIDT SCHNEIDER FISCHER WEBER MEYER WAGNER BECKER SCHULZ HOFFMANN SCHAEFER KOCH BAUER RICHTER KLEIN WOLF SCHROEDER NEUMANN SCHWARZ ZIMMERMANN BRAUN KRUEGER HOFMANN HARTMANN LANGE WERNER KRAUSE LEHMANN KOEHLER HUBER"),
        male: words!("PETER MICHAEL THOMAS ANDREAS WOLFGANG KLAUS JUERGEN STEFAN CHRISTIAN UWE FRANK MARTIN MARKUS LUKAS JONAS FELIX MAXIMILIAN TOBIAS JAN SEBASTIAN"),
        female: words!("URSULA MONIKA PETRA SABINE CLAUDIA ANDREA STEFANIE NICOLE JULIA ANNA LENA LAURA KATHARINA SARAH HANNAH MIA LEONIE SOPHIA JANA BIRGIT"),
        style: Style::Plain,
    },
    Culture {
        countries: &["ITA"],
        surnames: words!("ROSSI RUSSO FERRARI ESPOSITO BIANCHI ROMANO COLOMBO RICCI MARINO GRECO BRUNO GALLO CONTI DE_LUCA MANCINI COSTA GIORDANO RIZZO LOMBARDI MORETTI"),
        male: words!("GIUSEPPE GIOVANNI ANTONIO MARIO LUIGI FRANCESCO ANGELO VINCENZO PIETRO SALVATORE CARLO FRANCO DOMENICO BRUNO PAOLO MARCO ALESSANDRO LORENZO MATTEO"),
        female: words!("MARIA ANNA GIUSEPPINA ROSA ANGELA GIOVANNA TERESA LUCIA CARMELA FRANCESCA GIULIA CHIARA SARA MARTINA ALESSIA ELENA SILVIA VALENTINA"),
        style: Style::Plain,
    },
    Culture {
        countries: &["NLD", "BEL"],
        surnames: words!("DE_JONG JANSEN DE_VRIES VAN_DEN_BERG VAN_DIJK BAKKER JANSSEN VISSER SMIT MEIJER DE_BOER MULDER DE_GROOT BOS VOS PETERS HENDRIKS VAN_LEEUWEN DEKKER BROUWER"),
        male: words!("JAN PIETER HENK JOHANNES WILLEM CORNELIS GERRIT DAAN SEM LUCAS MILAN BRAM THIJS RUBEN JEROEN"),
        female: words!("MARIA ANNA JOHANNA CORNELIA WILHELMINA EMMA JULIA TESS SOPHIE ANOUK FLEUR SANNE LOTTE EVA LIEKE"),
        style: Style::Plain,
    },
    Culture {
        countries: &["POL"],
        surnames: words!("NOWAK KOWALSKI WISNIEWSKI WOJCIK KOWALCZYK KAMINSKI LEWANDOWSKI ZIELINSKI SZYMANSKI WOZNIAK DABROWSKI KOZLOWSKI JANKOWSKI MAZUR KWIATKOWSKI KRAWCZYK PIOTROWSKI GRABOWSKI"),
        male: words!("PIOTR KRZYSZTOF ANDRZEJ TOMASZ PAWEL JAN MICHAL MARCIN JAKUB ADAM LUKASZ GRZEGORZ WOJCIECH MATEUSZ"),
        female: words!("ANNA MARIA KATARZYNA MALGORZATA AGNIESZKA BARBARA EWA KRYSTYNA MAGDALENA JOANNA ZOFIA ALEKSANDRA MONIKA"),
        style: Style::Plain,
    },
    Culture {
        countries: &["RUS", "KAZ", "BLR", "UKR"],
        surnames: words!("IVANOV SMIRNOV KUZNETSOV POPOV VASILEV PETROV SOKOLOV MIKHAILOV NOVIKOV FEDOROV MOROZOV VOLKOV ALEKSEEV LEBEDEV SEMENOV EGOROV PAVLOV KOZLOV STEPANOV NIKOLAEV ORLOV ANDREEV MAKAROV ZAKHAROV"),
        male: words!("ALEKSANDR SERGEI DMITRII ANDREI ALEKSEI MAKSIM EVGENII IVAN MIKHAIL ARTEM NIKOLAI VLADIMIR IURII PAVEL ROMAN OLEG DENIS"),
        female: words!("ELENA OLGA NATALIA EKATERINA ANNA TATIANA IRINA SVETLANA MARIIA IULIIA ANASTASIIA DARIA VIKTORIIA KSENIIA POLINA"),
        style: Style::Patronymic,
    },
    Culture {
        countries: &["GRC", "CYP"],
        surnames: words!("PAPADOPOULOS PAPADAKIS GEORGIOU OIKONOMOU NIKOLAOU PAPPAS VASILEIOU KONSTANTINIDIS IOANNOU ANTONIOU DIMITRIOU KARAGIANNIS MAKRIS ALEXIOU"),
        male: words!("GEORGIOS IOANNIS KONSTANTINOS DIMITRIOS NIKOLAOS PANAGIOTIS VASILEIOS CHRISTOS ATHANASIOS MICHAIL EVANGELOS SPYRIDON"),
        female: words!("MARIA ELENI AIKATERINI VASILIKI SOFIA ANGELIKI GEORGIA DIMITRA KONSTANTINA PARASKEVI CHRISTINA ANNA"),
        style: Style::Plain,
    },
    Culture {
        countries: &["TUR", "CYP"],
        surnames: words!("YILMAZ KAYA DEMIR SAHIN CELIK YILDIZ YILDIRIM OZTURK AYDIN OZDEMIR ARSLAN DOGAN KILIC ASLAN CETIN KARA KOC KURT OZKAN SIMSEK"),
        male: words!("MEHMET MUSTAFA AHMET ALI HUSEYIN HASAN IBRAHIM ISMAIL OSMAN YUSUF MURAT OMER EMRE BURAK CAN KEMAL"),
        female: words!("FATMA AYSE EMINE HATICE ZEYNEP ELIF MERVE OZLEM SULTAN HULYA DERYA ESRA BUSRA SEDA ECE"),
        style: Style::Plain,
    },
    Culture {
        countries: &["SAU", "ARE", "EGY", "JOR", "MAR", "LBN", "QAT", "IRQ"],
        surnames: words!("AL_HASHIMI AL_RASHID AL_MANSOORI HASSAN HUSSEIN IBRAHIM MAHMOUD KHALIL NASSER SALEH AL_QAHTANI AL_GHAMDI AL_OTAIBI HADDAD KHOURY ABDULLAH SAID YOUSEF OMAR MOUSSA EL_AMRANI BENNANI AL_SHAMSI FARAH AZIZ"),
        male: words!("MOHAMMED AHMED ALI OMAR KHALID YOUSEF HASSAN HUSSEIN ABDULLAH IBRAHIM MAHMOUD SAEED FAISAL TARIQ KARIM SAMI NABIL HAMZA ABDUL_RAHMAN ABDEL_AZIZ"),
        female: words!("FATIMA AISHA MARIAM NOUR LAYLA ZAINAB HANA SARA RANIA AMAL HUDA DINA YASMIN SALMA NOURA REEM LINA MONA SAMIRA"),
        style: Style::Patronymic,
    },
    Culture {
        countries: &["IRN", "AFG"],
        surnames: words!("HOSSEINI MOHAMMADI AHMADI REZAEI MOUSAVI KARIMI JAFARI RAHIMI HASHEMI SADEGHI MORADI NOURI TEHRANI KAZEMI SHARIFI GHORBANI"),
        male: words!("MOHAMMAD ALI REZA HOSSEIN MEHDI AMIR HAMID SAEED MAJID DARIUSH KAVEH BABAK FARHAD ARASH OMID"),
        female: words!("ZAHRA FATEMEH MARYAM SHIRIN NEGAR PARISA ROYA LEILA MINA AZADEH NASRIN SOUDABEH ELHAM SARA"),
        style: Style::Plain,
    },
    Culture {
        countries: &["IND"],
        surnames: words!("SHARMA VERMA GUPTA SINGH KUMAR PATEL SHAH MEHTA REDDY RAO IYER NAIR MENON JOSHI DESAI KULKARNI CHATTERJEE BANERJEE MUKHERJEE DAS PILLAI AGARWAL BHATT MALHOTRA KAPOOR"),
        male: words!("RAHUL AMIT RAJESH SANJAY VIJAY ANIL SURESH RAVI ARJUN VIKRAM ROHIT ANAND DEEPAK MANOJ KIRAN PRAKASH ASHOK NIKHIL ADITYA KARTHIK"),
        female: words!("PRIYA ANJALI SUNITA KAVITA POOJA NEHA DEEPA LAKSHMI MEERA DIVYA SNEHA ANITA REKHA SHALINI KAVYA ANANYA ISHA NISHA RADHA GEETA"),
        style: Style::Plain,
    },
    Culture {
        countries: &["PAK", "BGD"],
        surnames: words!("KHAN AHMED ALI HUSSAIN MALIK CHAUDHRY QURESHI SIDDIQUI SHEIKH BUTT RAHMAN ISLAM HOSSAIN UDDIN CHOWDHURY MIAH BEGUM AKHTAR IQBAL RAZA"),
        male: words!("MUHAMMAD AHMED ALI HASSAN USMAN BILAL IMRAN ASIF FARHAN KAMRAN TARIQ NADEEM RASHID SHAHID ZUBAIR MAHMUD RAFIQ SALMAN"),
        female: words!("AYESHA FATIMA SANA HINA SADIA NADIA SAIMA RABIA ZARA MARIA NASREEN SHABNAM RUBINA TAHMINA FARZANA"),
        style: Style::Patronymic,
    },
    Culture {
        countries: &["CHN", "SGP", "MYS"],
        surnames: words!("WANG LI ZHANG LIU CHEN YANG HUANG ZHAO WU ZHOU XU SUN MA ZHU HU GUO HE LIN LUO GAO ZHENG LIANG XIE TANG HAN FENG DENG CAO PENG ZENG"),
        male: words!("WEI JIAN MING HAO JUN QIANG LEI TAO PENG BO YONG JIE CHAO HUI KAI XIN YU FENG LONG GANG"),
        female: words!("FANG JING LI YAN MIN XIU HONG LING YING MEI JUAN HUI NA XIA QIAN YUE LAN ZHEN TING XUE"),
        style: Style::Syllables,
    },
    Culture {
        countries: &["HKG", "TWN", "SGP"],
        surnames: words!("CHAN WONG LEUNG CHEUNG LAU LEE NG CHOW TSANG HO LAM YEUNG TSE KWOK CHIU TANG CHANG HUANG LIN TSAI"),
        male: words!("KA WING CHI MAN HO KIN WAI KWOK SIU TAK CHUN YIU HUNG KIT CHEUK LOK SHING"),
        female: words!("MEI WAI YEE LAI KA MAN CHING SIU HOI YAN PUI SZE WING SUK FONG KIT LOK"),
        style: Style::Syllables,
    },
    Culture {
        countries: &["JPN"],
        surnames: words!("SATO SUZUKI TAKAHASHI TANAKA WATANABE ITO YAMAMOTO NAKAMURA KOBAYASHI KATO YOSHIDA YAMADA SASAKI YAMAGUCHI MATSUMOTO INOUE KIMURA HAYASHI SHIMIZU YAMAZAKI MORI ABE IKEDA HASHIMOTO ISHIKAWA"),
        male: words!("HIROSHI TAKESHI KENJI SATOSHI DAISUKE YUTA SHOTA KENTA RYOTA HARUTO SOTA YUKI TAKUMI KAZUKI NAOKI MAKOTO"),
        female: words!("YUKO KEIKO AKIKO TOMOKO YUMIKO NAOMI HARUKA AOI YUI SAKURA MISAKI AYAKA NANAMI MIYU RIN EMI"),
        style: Style::Plain,
    },
    Culture {
        countries: &["KOR"],
        surnames: words!("KIM LEE PARK CHOI JUNG KANG CHO YOON JANG LIM HAN OH SEO SHIN KWON HWANG AHN SONG YOO HONG"),
        male: words!("MIN JUN SEO JOON HYUN WOO JI HO DONG HYUK SUNG MIN JAE WON YOUNG HO SANG WOO JIN"),
        female: words!("SEO YEON JI WOO MIN JI SU BIN HYE JIN EUN JI YOON SEO HA EUN SOO JIN YEJI"),
        style: Style::Syllables,
    },
    Culture {
        countries: &["VNM"],
        surnames: words!("NGUYEN TRAN LE PHAM HOANG HUYNH PHAN VU VO DANG BUI DO HO NGO DUONG LY"),
        male: words!("VAN_ANH MINH DUC HUNG TUAN QUANG THANH HIEU DUNG LONG NAM KHANH HAI TRUNG PHUC"),
        female: words!("THI_LAN THI_HOA NGOC_ANH THU HUONG LINH MAI TRANG HANH PHUONG THAO VY TRAM NHUNG"),
        style: Style::Plain,
    },
    Culture {
        countries: &["THA"],
        surnames: words!("SRISUK CHAIYAPORN WONGSAWAT SUKSAWAT BOONMA RATTANAKORN THONGCHAI SAETANG KAEWKLA CHAROENSUK SOMBAT PHROMMA"),
        male: words!("SOMCHAI SOMSAK ANAN PRASERT SURACHAI WICHAI NATTAPONG KITTI THANAKORN PHONGSAK"),
        female: words!("SOMPORN MALEE PRANEE SUDA NATTAYA KANYA WARAPORN SIRIPORN PATCHARA CHANYA"),
        style: Style::Plain,
    },
    Culture {
        countries: &["IDN", "MYS"],
        surnames: words!("SUTRISNO WIDODO SANTOSO SETIAWAN HIDAYAT KURNIAWAN WIJAYA SAPUTRA GUNAWAN HALIM NUGROHO PRATAMA LESTARI RAHMAWATI SURYADI"),
        male: words!("BUDI AGUS EKO DEDI ANDI RUDI HENDRA BAMBANG JOKO ADI FAJAR RIZKI DIMAS ARIF"),
        female: words!("SITI DEWI SRI RINA YULIANTI WULAN FITRI PUTRI AYU INDAH NURUL RATNA MAYA ANI"),
        style: Style::Mononym,
    },
    Culture {
        countries: &["PHL"],
        surnames: words!("SANTOS REYES CRUZ BAUTISTA OCAMPO GARCIA MENDOZA TORRES TOMAS ANDRADA CASTILLO FLORES VILLANUEVA RAMOS DELA_CRUZ AQUINO NAVARRO DIZON"),
        male: words!("JOSE JUAN MARK JOHN MICHAEL RAFAEL CARLO PAOLO JERICHO ARNEL ROMEO RENATO EDGARDO JUN"),
        female: words!("MARIA ANA KRISTINE JOY MARICEL ROSALIE LORNA MAE GRACE RICA JOANNA CHERRY LIZA ANGELICA"),
        style: Style::Plain,
    },
    Culture {
        countries: &["NGA", "GHA"],
        surnames: words!("ADEYEMI OKAFOR OKONKWO ADEBAYO OLUWASEUN NWOSU EZE IBRAHIM BELLO ABUBAKAR OGUNLEYE BABATUNDE CHUKWU MUSA OLADIPO MENSAH ASANTE OWUSU BOATENG"),
        male: words!("CHUKWUEMEKA OLUWASEGUN ADEWALE IBRAHIM EMEKA TUNDE CHINEDU OLUMIDE SEGUN KWAME KOFI YAW ABDULLAHI USMAN NNAMDI"),
        female: words!("ADAEZE NGOZI CHIOMA FUNMILAYO OLUWAKEMI BLESSING AMINA HADIZA YETUNDE AKOSUA AMA ABENA ZAINAB CHIAMAKA"),
        style: Style::Plain,
    },
    Culture {
        countries: &["KEN", "TZA", "UGA", "ETH"],
        surnames: words!("OCHIENG OTIENO WANJIRU KAMAU MWANGI NJOROGE KIPCHOGE CHEBET MUTUA WAMBUI ODHIAMBO MOHAMED HAILE TESFAYE GEBREMARIAM BEKELE ALEMU"),
        male: words!("JOHN PETER DAVID JOSEPH DANIEL BRIAN KEVIN DENNIS BARAKA JUMA ABEBE DAWIT YONAS TEWODROS"),
        female: words!("MARY GRACE FAITH MERCY JOYCE ESTHER WANJIKU AKINYI NJERI ZAWADI ALMAZ TIGIST HIRUT MESERET"),
        style: Style::Plain,
    },
    Culture {
        countries: &["SWE", "NOR", "DNK"],
        surnames: words!("JOHANSSON ANDERSSON KARLSSON NILSSON ERIKSSON LARSSON OLSSON PERSSON HANSEN JOHANSEN OLSEN JENSEN NIELSEN PEDERSEN LINDBERG BERG LUNDQVIST"),
        male: words!("LARS ANDERS JOHAN ERIK PER KARL NILS MAGNUS BJORN OLA SVEN MIKKEL RASMUS OSKAR"),
        female: words!("ANNA EVA MARIA KARIN SARA INGRID KRISTINA ASTRID LINNEA FREJA SIGRID MAJA IDA ELIN"),
        style: Style::Plain,
    },
];

/// Picks a culture index, favouring those whose nationalities include `countries` (the route's
/// two ends) eight to one, as real passenger mixes do.
pub(crate) fn pick_culture(rng: &mut impl Rng, countries: &[&str]) -> usize {
    let weight = |c: &Culture| {
        if c.countries.iter().any(|n| countries.contains(n)) {
            8
        } else {
            1
        }
    };
    let total: u32 = CULTURES.iter().map(weight).sum();
    let mut x = rng.gen_range(0..total);
    for (i, c) in CULTURES.iter().enumerate() {
        let w = weight(c);
        if x < w {
            return i;
        }
        x -= w;
    }
    0
}

/// A surname of the culture (both surnames for double-surname cultures, sometimes only one).
pub(crate) fn surname(rng: &mut impl Rng, c: &Culture) -> String {
    let first = spaced(pick(rng, c.surnames));
    if c.style == Style::DoubleSurname && rng.gen_bool(0.6) {
        format!("{first} {}", spaced(pick(rng, c.surnames)))
    } else {
        first
    }
}

/// Given names for a person of the culture and gender (`M`/`F`).
pub(crate) fn given_names(rng: &mut impl Rng, c: &Culture, male: bool) -> String {
    let pool = if male { c.male } else { c.female };
    match c.style {
        Style::Mononym if rng.gen_bool(0.1) => String::new(),
        Style::Syllables => {
            let a = pick(rng, pool);
            if rng.gen_bool(0.3) {
                return spaced(a);
            }
            // Two syllables, joined or split as the passport happens to show them.
            let b = pick(rng, pool);
            if a == b {
                return spaced(a);
            }
            if rng.gen_bool(0.5) {
                format!("{a}{b}")
            } else {
                format!("{a} {b}")
            }
        }
        Style::Patronymic => {
            let father = spaced(pick(rng, c.male));
            format!("{} {father}", spaced(pick(rng, pool)))
        }
        _ => {
            let first = spaced(pick(rng, pool));
            if rng.gen_bool(0.35) {
                let second = spaced(pick(rng, pool));
                if second != first {
                    return format!("{first} {second}");
                }
            }
            first
        }
    }
}

fn pick<'a>(rng: &mut impl Rng, pool: &'a [&'a str]) -> &'a str {
    pool.choose(rng).copied().unwrap_or("X")
}

fn spaced(word: &str) -> String {
    word.replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_are_filled_and_clean() {
        for c in CULTURES {
            for pool in [c.surnames, c.male, c.female] {
                assert!(pool.len() >= 8);
                for w in pool {
                    assert!(
                        !w.is_empty()
                            && w.bytes()
                                .all(|b| b.is_ascii_uppercase() || b"_'".contains(&b)),
                        "{w:?}"
                    );
                }
            }
        }
    }
}
