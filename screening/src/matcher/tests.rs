//! Retrieval by birth year: namesakes whose dates of birth rule the traveller out are left out
//! before scoring, and nothing else is (made-up people only).

use paxrisk_parsers::{Document, Traveller};

use super::cache::order_key;
use super::index::{birth_class, born_near};
use super::Index;
use crate::names::DEFAULT_NAME_THRESHOLD;
use crate::watchlist::{Entry, EntryDocument};

fn entry(id: &str, dates_of_birth: &[&str]) -> Entry {
    Entry {
        id: id.to_string(),
        surname: "QUARVISTAN".to_string(),
        given_names: "Delmont Ashby".to_string(),
        dates_of_birth: dates_of_birth.iter().map(|d| d.to_string()).collect(),
        ..Entry::default()
    }
}

/// Six namesakes: born the traveller's day, twenty years later, unknown, born in two years on
/// either side, a year later, and twenty years later with the traveller's passport.
fn namesakes() -> Vec<Entry> {
    let mut documented = entry("E5", &["1990-01-02"]);
    documented.documents.push(EntryDocument {
        number: "UT1234567".to_string(),
        country: Some("UTO".to_string()),
    });
    let mut number_only = entry("E2", &[]);
    number_only.documents.push(EntryDocument {
        number: "UT7654321".to_string(),
        country: None,
    });
    vec![
        entry("E0", &["1970-03-04"]),
        entry("E1", &["1990-05-06"]),
        number_only,
        entry("E3", &["1960", "1980"]),
        entry("E4", &["1971-08-09"]),
        documented,
    ]
}

fn traveller(dob: Option<&str>, documents: &[(&str, &str)]) -> Traveller {
    Traveller {
        surname: "QUARVISTAN".into(),
        given_names: "DELMONT ASHBY".into(),
        date_of_birth: dob.map(Into::into),
        documents: documents
            .iter()
            .map(|(number, country)| Document {
                doc_type: "P".into(),
                number: (*number).into(),
                issuing_country: Some((*country).into()),
                ..Document::default()
            })
            .collect(),
        ..Traveller::default()
    }
}

/// A listed person with no date of birth.
fn listed(id: &str, surname: &str, given: &str) -> Entry {
    Entry {
        id: id.to_string(),
        surname: surname.to_string(),
        given_names: given.to_string(),
        ..Entry::default()
    }
}

/// A traveller with no date of birth.
fn person(surname: &str, given: &str) -> Traveller {
    Traveller {
        surname: surname.into(),
        given_names: given.into(),
        ..Traveller::default()
    }
}

fn hit_entries(index: &Index, t: &Traveller) -> Vec<usize> {
    let mut entries: Vec<usize> = index
        .screen(t, DEFAULT_NAME_THRESHOLD)
        .iter()
        .map(|m| m.entry)
        .collect();
    entries.sort_unstable();
    entries
}

#[test]
fn namesakes_born_years_apart_are_not_retrieved_nor_hits() {
    let index = Index::build(&namesakes());
    let t = traveller(Some("1970-03-04"), &[]);
    // E1 and E5 (one year of birth, twenty years off) are never visited; E3 (two years) is
    // retrieved and ruled out by the qualifiers.
    assert_eq!(index.candidate_count(&t), 4);
    assert_eq!(hit_entries(&index, &t), vec![0, 2, 4]);
}

#[test]
fn an_exact_document_is_a_hit_whatever_the_birth_year() {
    let index = Index::build(&namesakes());
    let t = traveller(Some("1970-03-04"), &[("UT 1234567", "UTO")]);
    let hits = index.screen(&t, DEFAULT_NAME_THRESHOLD);
    let documented = hits.iter().find(|m| m.entry == 5).expect("E5 is a hit");
    assert_eq!(documented.score, 1.0);
    assert_eq!(documented.matched_name, "QUARVISTAN, Delmont Ashby");
    assert_eq!(hit_entries(&index, &t), vec![0, 2, 4, 5]);
}

#[test]
fn a_traveller_without_date_of_birth_meets_every_namesake() {
    let index = Index::build(&namesakes());
    let t = traveller(None, &[]);
    assert_eq!(index.candidate_count(&t), 6);
    assert_eq!(hit_entries(&index, &t), vec![0, 1, 2, 3, 4, 5]);
    let t = traveller(Some("sometime"), &[]);
    assert_eq!(hit_entries(&index, &t), vec![0, 1, 2, 3, 4, 5]);
}

#[test]
fn reasons_are_written_for_hits_as_before() {
    let index = Index::build(&namesakes());
    let t = traveller(Some("1970-03-04"), &[("UT7654321", "UTO")]);
    let hits = index.screen(&t, DEFAULT_NAME_THRESHOLD);
    let e2 = hits.iter().find(|m| m.entry == 2).expect("E2 is a hit");
    assert_eq!(
        e2.reasons,
        vec![
            "name DELMONT ASHBY QUARVISTAN ~ QUARVISTAN, Delmont Ashby (1.00)".to_string(),
            "the entry has no date of birth: matched on the name alone".to_string(),
            "document number UT7654321 equals one on the entry (issuing country not comparable)"
                .to_string(),
        ]
    );
    // A year off: the score drops by 0.12 and the reason says why.
    let e4 = hits.iter().find(|m| m.entry == 4).expect("E4 is a hit");
    assert!((e4.score - 0.88).abs() < 1e-9, "{}", e4.score);
    assert_eq!(
        e4.reasons[1],
        "date of birth 1970-03-04 is a year from the entry's 1971-08-09"
    );
    // Below the threshold after the qualifiers: no hit at all.
    assert!(index.screen(&t, 0.9).iter().all(|m| m.entry != 4));
}

#[test]
fn the_edges_of_the_year_classes_still_match() {
    let entries = vec![
        entry("OLD", &["1800-06-01"]),
        entry("OLDER", &["1799-06-01"]),
        entry("LATE", &["2053-06-01"]),
        entry("LATER", &["2054-06-01"]),
    ];
    let index = Index::build(&entries);
    assert_eq!(
        hit_entries(&index, &traveller(Some("1799-02-03"), &[])),
        vec![0, 1]
    );
    assert_eq!(
        hit_entries(&index, &traveller(Some("1798-02-03"), &[])),
        vec![1]
    );
    assert_eq!(
        hit_entries(&index, &traveller(Some("2054-02-03"), &[])),
        vec![2, 3]
    );
    assert_eq!(
        hit_entries(&index, &traveller(Some("2055-02-03"), &[])),
        vec![3]
    );
}

#[test]
fn birth_classes() {
    assert_eq!(birth_class(None), 0);
    assert_eq!(birth_class(Some((1970, 1970))), 171);
    assert_eq!(birth_class(Some((1960, 1980))), 0);
    assert_eq!(birth_class(Some((1800, 1800))), 1);
    assert_eq!(birth_class(Some((1799, 1799))), 0);
    assert_eq!(birth_class(Some((2053, 2053))), 254);
    assert_eq!(birth_class(Some((2054, 2054))), 0);
    assert_eq!(born_near(1970), Some((170, 172)));
    assert_eq!(born_near(1800), Some((1, 2)));
    assert_eq!(born_near(1799), Some((1, 1)));
    assert_eq!(born_near(1798), None);
    assert_eq!(born_near(2054), Some((254, 254)));
    assert_eq!(born_near(2055), None);
    assert_eq!(born_near(i32::MAX), None);
    assert_eq!(born_near(i32::MIN), None);
}

#[test]
fn a_flight_screened_whole_gets_each_travellers_hits() {
    let mut entries = namesakes();
    entries.push(Entry {
        id: "E6".to_string(),
        surname: "QUARVISTANO".to_string(),
        given_names: "Delmont".to_string(),
        ..Entry::default()
    });
    let index = Index::build(&entries);
    // The words repeat across the flight (what screen_flight shares), with other years of
    // birth, none, a document, a slip of the pen.
    let mut flight = vec![
        traveller(Some("1970-03-04"), &[]),
        traveller(Some("1990-05-06"), &[("UT 1234567", "UTO")]),
        traveller(None, &[]),
        traveller(Some("1971-01-01"), &[("UT7654321", "UTO")]),
        traveller(Some("2055-02-03"), &[]),
    ];
    let mut typo = traveller(Some("1970-03-04"), &[]);
    typo.surname = "QUARVISTEN".into();
    flight.push(typo);
    let mut other = traveller(Some("1980-02-03"), &[]);
    other.given_names = "DELMONT".into();
    flight.push(other);
    let whole = index.screen_shared(&flight, DEFAULT_NAME_THRESHOLD);
    assert_eq!(whole.len(), flight.len());
    for (t, hits) in flight.iter().zip(&whole) {
        assert_eq!(hits, &index.screen(t, DEFAULT_NAME_THRESHOLD));
    }
    assert!(whole.iter().all(|hits| !hits.is_empty()));
    // Split between threads (as on a large list), in parts of every size: the same hits, in
    // the travellers' order.
    for parts in [1, 2, 3, flight.len(), flight.len() + 4] {
        for share in [true, false] {
            assert_eq!(
                index.screen_parts(&flight, DEFAULT_NAME_THRESHOLD, parts, share),
                whole,
                "{parts} parts, words shared: {share}"
            );
        }
    }
}

#[test]
fn many_namesakes_are_scored_in_batches_with_the_same_hits() {
    // More namesakes than one scoring batch, in turns: no date of birth, the traveller's year,
    // a year far off, several years around it, several years far from it.
    let kinds: [&[&str]; 5] = [
        &[],
        &["1970-01-01"],
        &["1990-01-01"],
        &["1969", "1971"],
        &["1950", "1955"],
    ];
    let entries: Vec<Entry> = (0..100)
        .map(|i| entry(&format!("E{i}"), kinds[i % kinds.len()]))
        .collect();
    let index = Index::build(&entries);
    let t = traveller(Some("1970-03-04"), &[]);
    let expected: Vec<usize> = (0..100).filter(|i| i % 5 < 2 || i % 5 == 3).collect();
    assert_eq!(hit_entries(&index, &t), expected);
    let whole = index.screen_shared(&[t.clone(), t.clone()], DEFAULT_NAME_THRESHOLD);
    assert!(whole
        .iter()
        .all(|hits| hits == &index.screen(&t, DEFAULT_NAME_THRESHOLD)));
    // Without a date of birth, every namesake.
    assert_eq!(hit_entries(&index, &traveller(None, &[])).len(), 100);
}

#[test]
fn words_are_numbered_by_skeleton_and_names_keep_theirs() {
    let mut entries = namesakes();
    entries.push(Entry {
        id: "E6".to_string(),
        surname: "ABDUL RAHMAN".to_string(),
        given_names: "Zayd Bashir".to_string(),
        ..Entry::default()
    });
    let index = Index::build(&entries);
    let words: Vec<_> = (1..=index.word_count() as u32)
        .map(|id| index.vocabulary.get(id))
        .collect();
    assert!(words
        .iter()
        .enumerate()
        .all(|(i, w)| w.id as usize == i + 1));
    let key = |w: &crate::names::Token| (order_key(&w.skeleton), order_key(&w.text));
    assert!(words.windows(2).all(|w| key(w[0]) <= key(w[1])));
    assert!(order_key("QRVSTN") < order_key("QRVSTNDLMNT"));
    assert!(order_key("QRVSTNDLMNTX") == order_key("QRVSTNDLMNTY"));
    let texts = |n: usize| {
        let name = index.names[n];
        let start = name.start as usize;
        let end = start + usize::from(name.tokens) + usize::from(name.joined);
        index.name_words[start..end]
            .iter()
            .map(|&w| index.vocabulary.get(w).text.clone())
            .collect::<Vec<_>>()
    };
    let prepared = crate::names::prepare_parts("ABDUL RAHMAN", "Zayd Bashir");
    let expected: Vec<String> = prepared
        .tokens
        .iter()
        .chain(&prepared.joined)
        .map(|t| t.text.clone())
        .collect();
    assert_eq!(texts(index.name_count() - 1), expected);
    assert_eq!(texts(0)[..3], ["QUARVISTAN", "DELMONT", "ASHBY"]);
}

/// A listed name written in another romanisation is found: Wade-Giles for a traveller in
/// pinyin and the other way round, a Korean name spelt another accepted way; the screening of a
/// flight finds the same. Another name a syllable apart is not (made-up people).
#[test]
fn other_romanisations_of_a_listed_name_are_found() {
    let entries = vec![
        listed("W0", "TENG", "Hsiang-lan"),
        listed("W1", "ZHOU", "Zelin"),
        listed("W2", "PARK", "Geun-seo"),
        listed("W3", "QUARVISTAN", "Delmont"),
    ];
    let index = Index::build(&entries);
    let flight = [
        person("DENG", "XIANGLAN"),
        person("CHOU", "TSE-LIN"),
        person("PAK", "KUN-SO"),
        person("DANG", "XIAOMING"),
    ];
    let found: Vec<Vec<usize>> = flight
        .iter()
        .map(|t| {
            index
                .screen(t, DEFAULT_NAME_THRESHOLD)
                .iter()
                .map(|m| m.entry)
                .collect()
        })
        .collect();
    assert_eq!(found, [vec![0], vec![1], vec![2], vec![]]);
    let whole = index.screen_shared(&flight, DEFAULT_NAME_THRESHOLD);
    for (t, hits) in flight.iter().zip(&whole) {
        assert_eq!(hits, &index.screen(t, DEFAULT_NAME_THRESHOLD));
    }
}

/// Two letters swapped across a digraph (VORTSHALIN / VORTSAHLIN) change the sounds' skeleton
/// beyond what its one-deletions reach; the letters as written still meet.
#[test]
fn a_swap_across_a_digraph_is_found() {
    let entries = vec![Entry {
        id: "D0".to_string(),
        surname: "VORTSHALIN".to_string(),
        given_names: "Delmont".to_string(),
        ..Entry::default()
    }];
    let index = Index::build(&entries);
    for surname in ["VORTSAHLIN", "VORTSHALIN"] {
        let t = Traveller {
            surname: surname.into(),
            given_names: "DELMONT".into(),
            ..Traveller::default()
        };
        let found: Vec<usize> = index
            .screen(&t, DEFAULT_NAME_THRESHOLD)
            .iter()
            .map(|m| m.entry)
            .collect();
        assert_eq!(found, [0], "{surname}");
    }
}

/// A name met through one of the traveller's words and through the joined pair holding it
/// (VAN QUORBISK against VAN ZELLQUORBISK: QUORBISK, then VANQUORBISK against VANZELLQUORBISK's
/// neighbours) shares one word, not three: it is not a candidate. Two adjacent words spelt
/// alike on both sides still bring a name whose third word only the name score pairs.
#[test]
fn a_word_and_its_joined_pair_count_once() {
    let index = Index::build(&[
        listed("J0", "VAN QUORBISK", "Talmina"),
        listed("J1", "VAN QUORBISK", "Delmont"),
        listed("J2", "WANO", "Ji Woo"),
    ]);
    // DELMONT VAN QUORBISK shares one full word with TALMINA VAN QUORBISK (a conflict on the
    // other): retrieval hands scoring J1 alone.
    let t = person("VAN QUORBISK", "DELMONT");
    assert_eq!(index.candidate_count(&t), 1);
    assert_eq!(hit_entries(&index, &t), [1]);
    // TANO and WANO share no key (their skeletons differ in their first letter), yet the name
    // score pairs them: JI WOO side by side brings the name.
    let t = person("TANO", "JI WOO");
    assert_eq!(index.candidate_count(&t), 1);
    assert_eq!(hit_entries(&index, &t), [2]);
}

/// A listed father is not his son: the screening scores the two below the threshold when their
/// suffixes differ, and a name without a suffix still meets both (made-up people).
#[test]
fn a_different_generation_suffix_is_another_person() {
    let index = Index::build(&[
        listed("G0", "QUARVISTAN", "Delmont Sr."),
        listed("G1", "QUARVISTAN", "Delmont"),
    ]);
    assert_eq!(
        hit_entries(&index, &person("QUARVISTAN", "DELMONT JR")),
        [1]
    );
    assert_eq!(
        hit_entries(&index, &person("QUARVISTAN", "DELMONT SR")),
        [0, 1]
    );
    assert_eq!(
        hit_entries(&index, &person("QUARVISTAN", "DELMONT")),
        [0, 1]
    );
}
