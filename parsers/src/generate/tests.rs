//! Tests of the generator as a whole: determinism, envelope counts, ground truth.

use super::*;

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
}

fn watchlist() -> Vec<PlantPerson> {
    let p = |id: &str, s: &str, g: &str, d: Option<&str>| PlantPerson {
        id: id.into(),
        surname: s.into(),
        given_names: g.into(),
        date_of_birth: d.map(Into::into),
    };
    vec![
        p("WL-1", "Al-Rashid", "Mohammed Abdul", Some("1971-05-06")),
        p("WL-2", "Ivanova", "Svetlana Petrovna", Some("1980")),
        p("WL-3", "O'Connor", "Sean", None),
        p("WL-4", "Kim", "Jong Su", Some("1966-12-31")),
    ]
}

/// Splits an interchange written with the default UNA into segments, honouring the release
/// character, independently of the writer's code.
fn segments(bytes: &[u8]) -> Vec<String> {
    let text = std::str::from_utf8(bytes).unwrap();
    let body = text.strip_prefix("UNA:+.? '").unwrap();
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '?' => {
                cur.push(c);
                cur.push(chars.next().unwrap());
            }
            '\'' => out.push(std::mem::take(&mut cur)),
            '\n' if cur.is_empty() => {}
            _ => cur.push(c),
        }
    }
    assert!(
        cur.trim().is_empty(),
        "text after the last segment: {cur:?}"
    );
    out
}

fn element(seg: &str, n: usize) -> &str {
    seg.split('+').nth(n).unwrap_or("")
}

#[test]
fn same_seed_same_bytes_and_other_seed_other_bytes() {
    let mut opts = GenerateOptions::new(4, 7, date());
    opts.plant = watchlist();
    let a = generate(&opts);
    let b = generate(&opts);
    assert_eq!(a, b);
    opts.seed = 8;
    let c = generate(&opts);
    assert_ne!(a.files, c.files);
}

#[test]
fn a_flight_does_not_depend_on_how_many_follow() {
    let few = generate(&GenerateOptions::new(2, 3, date()));
    let many = generate(&GenerateOptions::new(5, 3, date()));
    let bytes_of = |t: &Traffic, key: &str| -> Vec<Vec<u8>> {
        t.files
            .iter()
            .filter(|f| f.name.contains(key))
            .map(|f| f.bytes.clone())
            .collect()
    };
    // Flight 0 is ZZ100 in both.
    assert!(!bytes_of(&few, "-ZZ100-").is_empty());
    assert_eq!(bytes_of(&few, "-ZZ100-"), bytes_of(&many, "-ZZ100-"));
}

#[test]
fn every_interchange_has_matching_counts_and_references() {
    let t = generate(&GenerateOptions::new(6, 11, date()));
    assert!(t.files.len() >= 6 * 4);
    for f in &t.files {
        let segs = segments(&f.bytes);
        let tag = |s: &String| s[..3].to_string();
        assert_eq!(tag(&segs[0]), "UNB", "{}", f.name);
        assert_eq!(tag(&segs[1]), "UNG");
        let unh = segs.iter().position(|s| s.starts_with("UNH+")).unwrap();
        let unt = segs.iter().position(|s| s.starts_with("UNT+")).unwrap();
        assert_eq!(
            element(&segs[unt], 1),
            (unt - unh + 1).to_string(),
            "{}",
            f.name
        );
        assert_eq!(element(&segs[unt], 2), element(&segs[unh], 1));
        let (une, unz) = (&segs[segs.len() - 2], &segs[segs.len() - 1]);
        assert!(
            une.starts_with("UNE+1+") && unz.starts_with("UNZ+1+"),
            "{}",
            f.name
        );
        let reference = element(&segs[0], 5);
        assert_eq!(element(une, 2), reference);
        assert_eq!(element(unz, 2), reference);
        assert_eq!(element(&segs[1], 5), reference);
        assert_eq!(unt + 3, segs.len());
    }
}

#[test]
fn files_sort_in_push_order_and_each_flight_pushes_pnrs_before_its_manifest() {
    let t = generate(&GenerateOptions::new(5, 2, date()));
    let mut names: Vec<&str> = t.files.iter().map(|f| f.name.as_str()).collect();
    let given = names.clone();
    names.sort();
    assert_eq!(names, given);
    for f in &t.files {
        if f.name.contains("-paxlst-") {
            let key = f.name.split('-').nth(1).unwrap();
            let pnr = t
                .files
                .iter()
                .position(|g| g.name.ends_with(&format!("-{key}-pnrgov.edi")))
                .unwrap();
            let me = t.files.iter().position(|g| g.name == f.name).unwrap();
            assert!(pnr < me, "{} before its PNR push", f.name);
        }
    }
}

#[test]
fn flights_carry_the_asked_number_of_passengers_and_big_ones_come_in_parts() {
    let t = generate(&GenerateOptions::new(8, 5, date()));
    let mut flights = std::collections::BTreeMap::<String, (usize, usize)>::new();
    for f in t.files.iter().filter(|f| f.name.contains("-paxlst-")) {
        let segs = segments(&f.bytes);
        let key = f.name.split('-').nth(1).unwrap().to_string();
        let travellers = segs
            .iter()
            .filter(|s| s.starts_with("NAD+FL+") || s.starts_with("NAD+DDU+"))
            .count();
        let total: usize = segs.iter().find(|s| s.starts_with("CNT+42:")).unwrap()[7..]
            .parse()
            .unwrap();
        let entry = flights.entry(key).or_insert((0, total));
        entry.0 += travellers;
        assert_eq!(entry.1, total, "every part repeats the total");
        let unh = segs.iter().find(|s| s.starts_with("UNH+")).unwrap();
        assert_eq!(unh.split('+').count() == 5, total > 200, "{unh}");
    }
    assert_eq!(flights.len(), 8);
    for (key, (listed, total)) in flights {
        assert_eq!(listed, total, "{key}");
        // 100-450 booked, a few per cent do not board.
        assert!((80..=450).contains(&listed), "{key}: {listed}");
    }
}

#[test]
fn planted_travellers_are_in_the_files_the_ground_truth_names() {
    let mut opts = GenerateOptions::new(6, 9, date());
    opts.plant = watchlist();
    opts.plant_count = Some(12);
    let t = generate(&opts);
    assert_eq!(t.ground_truth.len(), 12);
    let ids: std::collections::BTreeSet<&str> =
        t.ground_truth.iter().map(|p| p.entry_id.as_str()).collect();
    assert_eq!(ids.len(), 4, "every entry is planted");
    for p in &t.ground_truth {
        let file = t
            .files
            .iter()
            .find(|f| f.name == p.file)
            .expect("file exists");
        assert!(p
            .file
            .contains(&format!("-{}{}-paxlst-", p.carrier, p.flight_number)));
        let segs = segments(&file.bytes);
        let nad = format!(
            "NAD+FL+++{}:{}",
            p.surname.replace('\'', "?'"),
            p.given_names.replace('\'', "?'")
        );
        let at = segs
            .iter()
            .position(|s| *s == nad || (p.given_names.is_empty() && *s == nad[..nad.len() - 1]));
        let at = at.unwrap_or_else(|| panic!("{nad} not in {}", p.file));
        let dob = p.date_of_birth.as_deref().unwrap();
        let yymmdd = format!("DTM+329:{}{}{}", &dob[2..4], &dob[5..7], &dob[8..10]);
        assert!(segs[at..at + 4].contains(&yymmdd), "{nad} {yymmdd}");
    }
}

/// The PNRs of a flight's first push, as the parser reads them back.
fn pushed_pnrs(t: &Traffic, carrier: &str, number: &str) -> Vec<crate::model::Pnr> {
    let key = format!("-{carrier}{number}-pnrgov.edi");
    let file = t.files.iter().find(|f| f.name.ends_with(&key)).unwrap();
    crate::parse(&file.bytes)
        .into_iter()
        .flat_map(|m| match m {
            crate::model::Message::Pnrgov(p) => p.pnrs,
            _ => Vec::new(),
        })
        .collect()
}

fn has(p: &crate::model::Pnr, kind: &str, value: &str) -> bool {
    p.contacts
        .iter()
        .any(|c| c.kind == kind && c.value.eq_ignore_ascii_case(value))
}

#[test]
fn planted_links_share_a_phone_across_two_bookings_on_the_next_flight() {
    let mut opts = GenerateOptions::new(3, 5, date());
    opts.plant = watchlist();
    opts.plant_count = Some(4);
    let plain = generate(&opts);
    assert!(plain.linked.is_empty());
    opts.plant_links = true;
    let t = generate(&opts);
    assert_eq!(t.ground_truth.len(), 4);
    assert_eq!(t.linked.len(), 8, "an associate and a companion per plant");
    for p in &t.ground_truth {
        let mine: Vec<&PlantedLink> = t
            .linked
            .iter()
            .filter(|l| l.entry_id == p.entry_id)
            .collect();
        assert!(!mine.is_empty());
        let phone = &mine[0].phone;
        // The planted traveller's booking carries the phone ...
        let own = pushed_pnrs(&t, &p.carrier, &p.flight_number);
        assert!(
            own.iter()
                .any(|b| has(b, "phone", phone)
                    && b.travellers.iter().any(|x| x.surname == p.surname))
        );
        for l in &mine {
            // ... and so does the associate's booking, on another flight; the companion's
            // booking there has the associate's e-mail address instead.
            assert_ne!(
                (&l.carrier, &l.flight_number),
                (&p.carrier, &p.flight_number)
            );
            let theirs = pushed_pnrs(&t, &l.carrier, &l.flight_number);
            let b = theirs
                .iter()
                .find(|b| b.record_locator == l.record_locator)
                .unwrap_or_else(|| panic!("booking {}", l.record_locator));
            assert_eq!(has(b, "phone", phone), l.hops == 1, "{}", l.role);
            assert!(has(b, "email", &l.email), "{} {:?}", l.email, b.contacts);
            assert!(b.travellers.iter().any(|x| x.surname == l.surname));
        }
    }
    // The traffic without links is the same as before links existed: nothing else moved.
    assert_eq!(
        generate(&GenerateOptions {
            plant_links: false,
            ..opts.clone()
        }),
        plain
    );
}

#[test]
fn passengers_connecting_abroad_are_listed_in_transit() {
    let t = generate(&GenerateOptions::new(12, 3, date()));
    let (mut transit, mut checked) = (0, 0);
    for f in t.files.iter().filter(|f| f.name.contains("-paxlst-")) {
        let key = f.name.split('-').nth(1).unwrap();
        let push = t
            .files
            .iter()
            .find(|p| p.name.ends_with(&format!("-{key}-pnrgov.edi")))
            .expect("the flight's PNR push");
        let pnrs = match &crate::parse(&push.bytes)[0] {
            crate::Message::Pnrgov(p) => p.pnrs.clone(),
            other => panic!("not a PNR push: {}", other.type_name()),
        };
        let crate::Message::Paxlst(m) = &crate::parse(&f.bytes)[0] else {
            panic!("not a manifest")
        };
        let (from, to) = (&m.flight.legs[0].origin, &m.flight.legs[0].destination);
        for traveller in &m.travellers {
            let pnr = pnrs
                .iter()
                .find(|p| Some(&p.record_locator) == traveller.record_locator.as_ref())
                .expect("every passenger has a PNR");
            let at = pnr
                .itinerary
                .iter()
                .position(|s| s.origin == from && s.destination == to)
                .expect("the flight is in the PNR");
            let onward = pnr.itinerary.get(at + 1).filter(|s| {
                s.origin == to
                    && s.destination != from
                    && super::airports::airport(&s.destination).country
                        != super::airports::airport(to).country
            });
            checked += 1;
            if traveller.kind == crate::TravellerKind::TransitPassenger {
                transit += 1;
                assert!(onward.is_some(), "a transit passenger flies on abroad");
            } else {
                assert_eq!(traveller.kind, crate::TravellerKind::Passenger);
                assert!(
                    onward.is_none(),
                    "a passenger flying on abroad is in transit"
                );
            }
        }
    }
    assert!(checked > 1000, "{checked}");
    // About a fifth of bookings connect onward, most of them abroad.
    assert!(
        transit * 20 > checked && transit * 3 < checked,
        "{transit} of {checked}"
    );
}

/// Throughput check for benchmarks: `cargo test --release -- --ignored generation_speed --nocapture`.
#[test]
#[ignore]
fn generation_speed() {
    let opts = GenerateOptions::new(200, 1, date());
    let start = std::time::Instant::now();
    let t = generate(&opts);
    let elapsed = start.elapsed();
    let travellers: usize = t
        .files
        .iter()
        .filter(|f| f.name.contains("-paxlst-"))
        .map(|f| {
            segments(&f.bytes)
                .iter()
                .filter(|s| s.starts_with("NAD+FL+") || s.starts_with("NAD+DDU+"))
                .count()
        })
        .sum();
    let bytes: usize = t.files.iter().map(|f| f.bytes.len()).sum();
    println!(
        "{travellers} travellers, {} files, {bytes} bytes in {elapsed:?}: {:.0} travellers/ms",
        t.files.len(),
        travellers as f64 / elapsed.as_secs_f64() / 1000.0
    );
}

/// Prints a sample for eyeballing: `cargo test -- --ignored print_sample --nocapture`.
#[test]
#[ignore]
fn print_sample() {
    let mut opts = GenerateOptions::new(2, 1, date());
    opts.plant = watchlist();
    let t = generate(&opts);
    for f in &t.files {
        println!("=== {} ({} bytes)", f.name, f.bytes.len());
        println!(
            "{}",
            String::from_utf8_lossy(&f.bytes[..f.bytes.len().min(2500)])
        );
    }
    println!("{}", serde_json::to_string_pretty(&t.ground_truth).unwrap());
}
