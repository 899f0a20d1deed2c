//! Helpers shared by the integration tests: the OFAC folder, a small deterministic random
//! generator, and traveller construction.

#![allow(dead_code)]

use std::path::PathBuf;

use paxrisk_parsers::{Document, Traveller};

/// The OFAC snapshot shipped next to the project, or `None` (tests then say they are skipped).
pub fn ofac_folder() -> Option<PathBuf> {
    let candidates = [
        std::env::var("PAXRISK_OFAC_DIR").ok().map(PathBuf::from),
        Some(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/watchlists/ofac-sdn-2021"),
        ),
        Some(PathBuf::from("/work/shared/watchlists/ofac-sdn-2021")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|p| p.join("sdn.csv").is_file())
}

/// SplitMix64: enough randomness for test data, reproducible from a seed, no dependency.
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

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// A passenger with the given identity fields.
pub fn traveller(surname: &str, given: &str, dob: Option<&str>) -> Traveller {
    Traveller {
        surname: surname.into(),
        given_names: given.into(),
        date_of_birth: dob.map(str::to_string).map(Into::into),
        ..Traveller::default()
    }
}

/// Adds a passport to a traveller.
pub fn with_passport(mut t: Traveller, number: &str, country: &str) -> Traveller {
    t.documents.push(Document {
        doc_type: "P".into(),
        number: number.into(),
        issuing_country: Some(country.into()),
        ..Document::default()
    });
    t
}

/// CPU time of the calling thread in nanoseconds (Linux), so timings in tests stay meaningful on
/// a machine shared with other builds; `None` elsewhere.
pub fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}
