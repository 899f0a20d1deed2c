//! Watchlist screening speed on the real OFAC list (2021 snapshot in ../shared): building the
//! index, screening a 400-traveller flight through the index, and the same flight by a
//! brute-force Jaro-Winkler scan of every name (what GTAS does), so the ratio shows.
//!
//! `cargo bench -p paxrisk-screening --bench matcher`. Set PAXRISK_OFAC_DIR when the list is
//! elsewhere; without it the benchmark says so and measures nothing.

use std::path::PathBuf;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use paxrisk_parsers::Traveller;
use paxrisk_screening::matcher::Index;
use paxrisk_screening::names::DEFAULT_NAME_THRESHOLD;
use paxrisk_screening::watchlist::{import_ofac, Entry};

fn ofac_entries() -> Option<Vec<Entry>> {
    let folder = std::env::var("PAXRISK_OFAC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/watchlists/ofac-sdn-2021")
        });
    import_ofac(&folder).ok().map(|r| r.entries)
}

/// A flight of 400: one traveller in ten is a listed person (name order swapped every other
/// time), the rest are made-up names, as on a real flight where hits are rare.
fn flight(entries: &[Entry]) -> Vec<Traveller> {
    const GIVEN: [&str; 10] = [
        "ANNA", "BEN", "CARLA", "DMITRI", "EMRE", "FATIMA", "GAO", "HIRO", "IMANI", "JONAS",
    ];
    const SURNAMES: [&str; 10] = [
        "LARSEN", "MOREAU", "NAKAMURA", "OKAFOR", "PETROV", "QUINN", "ROSSI", "SILVA", "TANAKA",
        "USMAN",
    ];
    (0..400)
        .map(|i| {
            let mut t = Traveller {
                date_of_birth: Some(
                    format!("19{:02}-0{}-1{}", 40 + i % 60, 1 + i % 9, i % 10).into(),
                ),
                ..Traveller::default()
            };
            if i % 10 == 0 {
                let e = &entries[(i * 37) % entries.len()];
                if i % 20 == 0 {
                    (t.surname, t.given_names) = (
                        e.given_names.to_uppercase().into(),
                        e.surname.to_uppercase().into(),
                    );
                } else {
                    (t.surname, t.given_names) = (
                        e.surname.to_uppercase().into(),
                        e.given_names.to_uppercase().into(),
                    );
                }
            } else {
                t.surname = SURNAMES[i % 10].into();
                t.given_names = GIVEN[(i / 10) % 10].into();
            }
            t
        })
        .collect()
}

fn matcher(c: &mut Criterion) {
    let Some(entries) = ofac_entries() else {
        eprintln!("OFAC snapshot not found: set PAXRISK_OFAC_DIR; nothing measured");
        return;
    };
    let index = Index::build(&entries);
    let travellers = flight(&entries);
    let mut group = c.benchmark_group("ofac");
    group.sample_size(10);
    group.bench_function("index build", |b| {
        b.iter(|| Index::build(black_box(&entries)))
    });
    group.bench_function("flight of 400, index", |b| {
        b.iter(|| {
            travellers
                .iter()
                .map(|t| index.screen(t, DEFAULT_NAME_THRESHOLD).len())
                .sum::<usize>()
        })
    });
    group.bench_function("flight of 400, brute-force Jaro-Winkler", |b| {
        b.iter(|| {
            travellers
                .iter()
                .map(|t| index.screen_bruteforce(t, DEFAULT_NAME_THRESHOLD).len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, matcher);
criterion_main!(benches);
