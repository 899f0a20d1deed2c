//! Differential test of the syntax layer against `edifact-rs` (the strict ISO 9735 reader of
//! reference/messages.md §6, a dev-dependency only): on the well-formed corpus files it accepts,
//! and on generated traffic, both sides find the same segments, elements, repetitions and
//! component values once line breaks inside values (transport artefacts that paxrisk drops) are
//! removed. Our repetition separator is switched on the way ISO 9735 version 4 says
//! ([`Repetition::FromSyntaxVersion`]), which is how `edifact-rs` reads; by default paxrisk does
//! not split on it, and the last test shows the `APIS*ABE` sender that this protects.
//!
//! Compared: every corpus file that starts with its UNA or UNB, that `edifact-rs` reads without
//! error and in which our tokenizer finds no damage (89 files on 2026-11-29, PAXLST and PNRGOV),
//! and generated manifests and PNR pushes. Not compared, as known divergences: files
//! `edifact-rs` refuses (UNA after a prefix, broken UNAs, a tag followed by a space) and damaged
//! ones, where a missing terminator makes us end the segment at the line break before the next
//! tag while `edifact-rs` runs on into it. The first test asserts that a few named files stay
//! accepted, so that a change of either reader shows.

mod support;

use paxrisk_parsers::edifact::{
    locate, read_with, tokenizer, una, Delimiters, ReadOptions, Repetition,
};
use support::corpus;

/// (tag, elements → repetitions → components), trailing empties dropped.
type Seg = (String, Vec<Vec<Vec<String>>>);

fn trim(mut reps: Vec<Vec<String>>) -> Vec<Vec<String>> {
    for r in &mut reps {
        while r.last().is_some_and(String::is_empty) {
            r.pop();
        }
    }
    reps
}

fn trim_elements(mut elements: Vec<Vec<Vec<String>>>) -> Vec<Vec<Vec<String>>> {
    while elements.last().is_some_and(|e| e.iter().all(Vec::is_empty)) {
        elements.pop();
    }
    elements
}

fn theirs(bytes: &[u8]) -> Result<Vec<Seg>, String> {
    let clean = |v: &str| v.replace(['\r', '\n'], "");
    edifact_rs::from_bytes(bytes)
        .map(|s| {
            let s = s.map_err(|e| e.to_string())?;
            let elements = s
                .elements
                .iter()
                .map(|e| {
                    let mut reps = vec![e.components().map(clean).collect::<Vec<_>>()];
                    reps.extend(
                        e.repeats
                            .iter()
                            .map(|r| r.iter().map(|(c, _)| clean(c)).collect()),
                    );
                    trim(reps)
                })
                .collect();
            Ok((s.tag.to_string(), trim_elements(elements)))
        })
        .collect()
}

fn ours(bytes: &[u8]) -> Vec<Seg> {
    let (start, kind) = locate::next_start(bytes, 0).expect("EDIFACT data");
    let (delims, from) = if kind == locate::Start::Una {
        let u = una::read(bytes, start);
        (u.delimiters, u.end)
    } else {
        (Delimiters::default(), start)
    };
    // The separator the reader settles on for this interchange (set on every segment).
    let opts = ReadOptions {
        repetition: Repetition::FromSyntaxVersion,
    };
    let repetition = read_with(bytes, opts).messages[0].segments[0]
        .delims
        .repetition;
    let delims = Delimiters {
        repetition,
        ..delims
    };
    tokenizer::interchange(bytes, from, delims)
        .segments
        .iter()
        .map(|s| {
            let elements = s
                .elements()
                .map(|e| {
                    let reps = e
                        .repetitions()
                        .iter()
                        .map(|r| {
                            r.components()
                                .map(|c| String::from_utf8_lossy(&c.bytes()).into_owned())
                                .collect()
                        })
                        .collect();
                    trim(reps)
                })
                .collect();
            (s.tag_str(), trim_elements(elements))
        })
        .collect()
}

/// Whether our tokenizer found damage (junk, a missing terminator) in the first interchange.
fn damaged(bytes: &[u8]) -> bool {
    let Some((start, kind)) = locate::next_start(bytes, 0) else {
        return true;
    };
    let (delims, from) = if kind == locate::Start::Una {
        let u = una::read(bytes, start);
        (u.delimiters, u.end)
    } else {
        (Delimiters::default(), start)
    };
    !tokenizer::interchange(bytes, from, delims)
        .findings
        .is_empty()
}

fn compare(name: &str, bytes: &[u8], a: &[Seg], b: &[Seg]) {
    assert_eq!(a.len(), b.len(), "{name}: segment counts differ");
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert_eq!(x, y, "{name}: segment {i} differs ({} bytes)", bytes.len());
    }
}

/// Corpus files `edifact-rs` reads without error; all are compared.
const ACCEPTED: &[&str] = &[
    "gtas/gtas-loader/apis-messages/Test1.txt",
    "gtas/gtas-loader/pnr-messages/pnr_split.edi",
    "gtas-inline-test-strings/paxlst-legacy-us/PaxlstParserUSedifactTest__testManyPassengers.edi",
    "minelytics-GTAS/paxlst/sample02__d05b_with_ung.edi",
    "minelytics-GTAS/paxlst/sample05__d02b_invalid_codes.edi",
    "smooks-unedifact/paxlst/d03b_PAXLST_message_01.edi",
];

#[test]
fn same_segments_as_edifact_rs_on_the_files_it_accepts() {
    let Some(dir) = corpus() else { return };
    let mut accepted = Vec::new();
    let mut compared = 0;
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("corpus folder").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let bytes = std::fs::read(&p).expect("corpus file");
            // EDIFACT files only, starting with their header as edifact-rs requires.
            if !(bytes.starts_with(b"UNA") || bytes.starts_with(b"UNB")) {
                continue;
            }
            let Ok(b) = theirs(&bytes) else { continue };
            let rel = p.strip_prefix(&dir).expect("inside").display().to_string();
            if damaged(&bytes) {
                // Well-formed input only: where a terminator is missing we end the segment at
                // the line break before the next tag, edifact-rs runs on into it.
                continue;
            }
            compare(&rel, &bytes, &ours(&bytes), &b);
            accepted.push(rel);
            compared += b.len();
        }
    }
    for f in ACCEPTED {
        assert!(
            accepted.iter().any(|a| a == f),
            "edifact-rs no longer accepts {f}"
        );
    }
    assert!(accepted.len() >= 50, "{} files compared", accepted.len());
    assert!(compared > 10_000, "{compared} segments compared");
}

#[test]
fn same_segments_as_edifact_rs_on_generated_traffic() {
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).expect("date");
    let t = paxrisk_parsers::generate::generate(&paxrisk_parsers::generate::GenerateOptions::new(
        4, 11, date,
    ));
    let mut files = 0;
    for f in &t.files {
        let b = theirs(&f.bytes).unwrap_or_else(|e| panic!("{}: {e}", f.name));
        compare(&f.name, &f.bytes, &ours(&f.bytes), &b);
        files += 1;
    }
    assert!(files >= 16, "{files} files compared");
}

#[test]
fn the_repetition_separator_is_off_unless_asked_for() {
    // Syntax version 4, no UNA: `*` is the repetition separator by the standard, yet the US CBP
    // guide's own sender identification is `APIS*ABE`.
    let text = b"UNB+UNOA:4+APIS*ABE+USADHS+261129:0800+1'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'UNT+3+1'UNZ+1+1'";
    let b = theirs(text).expect("edifact-rs reads it");
    assert_eq!(b[0].1[1], [vec!["APIS"], vec!["ABE"]], "edifact-rs splits");
    assert_eq!(
        ours(text)[0].1[1],
        [vec!["APIS"], vec!["ABE"]],
        "and so do we, when asked"
    );
    // By default the separator is off and the sender is read whole.
    let m = &paxrisk_parsers::edifact::read(text).messages[0];
    assert_eq!(m.segments[0].delims.repetition, None);
    assert_eq!(m.interchange.sender.as_deref(), Some("APIS*ABE"));
}
