//! Shared helpers of the parser tests: where the external corpus lives, a pinned "today" so that
//! century decisions do not age, and small accessors.

#![allow(dead_code)] // each test binary uses its own subset

use std::path::PathBuf;

use chrono::NaiveDate;
use paxrisk_parsers::{Manifest, Message, PnrPush};

/// The reference date all expectations were written against.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 29).expect("valid date")
}

/// `../shared/corpus` next to the repository, when it is there.
pub fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "SKIPPED: the shared corpus is not at {} (it lives beside the repository)",
            dir.display()
        );
        None
    }
}

/// The project's own hand-written fixtures.
pub fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/messages")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("fixture {}: {e}", p.display()))
}

/// Parses with the pinned date.
pub fn parse(bytes: &[u8]) -> Vec<Message> {
    paxrisk_parsers::parse_with(bytes, today())
}

/// The only PAXLST message of `bytes`.
pub fn manifest(bytes: &[u8]) -> Manifest {
    let mut m: Vec<Manifest> = parse(bytes)
        .into_iter()
        .filter_map(|m| {
            if let Message::Paxlst(x) = m {
                Some(x)
            } else {
                None
            }
        })
        .collect();
    assert_eq!(m.len(), 1, "expected exactly one PAXLST message");
    m.remove(0)
}

/// The only PNRGOV message of `bytes`.
pub fn push(bytes: &[u8]) -> PnrPush {
    let mut m: Vec<PnrPush> = parse(bytes)
        .into_iter()
        .filter_map(|m| {
            if let Message::Pnrgov(x) = m {
                Some(x)
            } else {
                None
            }
        })
        .collect();
    assert_eq!(m.len(), 1, "expected exactly one PNRGOV message");
    m.remove(0)
}

/// Travellers of every PAXLST message and PNRs of every PNRGOV message in `bytes`.
pub fn counts(bytes: &[u8]) -> (usize, usize) {
    let msgs = parse(bytes);
    let t = msgs
        .iter()
        .map(|m| {
            if let Message::Paxlst(x) = m {
                x.travellers.len()
            } else {
                0
            }
        })
        .sum();
    let p = msgs
        .iter()
        .map(|m| {
            if let Message::Pnrgov(x) = m {
                x.pnrs.len()
            } else {
                0
            }
        })
        .sum();
    (t, p)
}
