//! Throughput of the syntax layer and of full typed parses, in bytes per second, side by side
//! with `edifact-parser` tokenizing the same bytes (issue 2 asks for ≥ 150 MB/s on one core for a
//! typed PAXLST parse, and to beat that crate's tokenizer alone).
//!
//! `cargo bench -p paxrisk-parsers --bench parse`; figures go to BENCHMARKS.md.
//!
//! With `PAXRISK_BENCH_ONCE=<input>/<reader>` (e.g. `generated_paxlst/typed_parse`) the binary
//! skips criterion and runs that one reader `PAXRISK_BENCH_RUNS` times (default 1): the form to
//! run under `valgrind --tool=callgrind` or `perf record`, whose instruction counts stay
//! comparable when the shared machine is loaded and wall times are not.

use std::path::PathBuf;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use edifact_parser::{EdifactHandler, EdifactStreamParser};
use edifact_primitives::{Control, RawSegment};

/// A made-up D05B manifest with `n` travellers, every person segment the IG lists.
fn manifest(n: usize) -> Vec<u8> {
    let mut s = String::from(
        "UNA:+.? '\nUNB+UNOA:4+ZZAIR+CUSTOMS+261129:0800+1'\nUNH+1+PAXLST:D:05B:UN:IATA+ZZ101/261129/0800+01:F'\n\
         BGM+745'\nNAD+MS+++OPERATIONS'\nTDT+20+ZZ101+++ZZ'\nLOC+125+SIN'\nDTM+189:2611290800:201'\nLOC+87+DXB'\n\
         DTM+232:2611291130:201'\n",
    );
    for i in 0..n {
        s.push_str(&format!(
            "NAD+FL+++PERSON{i}:GIVEN:MIDDLE'\nATT+2++F'\nDTM+329:{:02}0{}15'\nMEA+CT++:1'\nLOC+178+SIN'\nLOC+179+DXB'\n\
             NAT+2+GBR'\nRFF+AVF:ABC{i:03}'\nRFF+SEA:{}A'\nDOC+P:110:111+X{i:08}'\nDTM+36:300101'\nLOC+91+GBR'\n",
            50 + i % 49,
            1 + i % 9,
            1 + i % 60
        ));
    }
    s.push_str(&format!("CNT+42:{n}'\nUNT+1+1'\nUNZ+1+1'\n"));
    s.into_bytes()
}

/// Corpus files of one message type, when the shared corpus is beside the repository.
fn corpus(kind: &str) -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let mut out = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(b) = std::fs::read(&p) {
                if b.windows(kind.len()).any(|w| w == kind.as_bytes())
                    && b.windows(3).any(|w| w == b"UNH")
                {
                    out.push(b);
                }
            }
        }
    }
    if out.is_empty() {
        eprintln!("SKIPPED corpus benchmarks: ../shared/corpus not found");
    }
    out
}

struct Count(usize);

impl EdifactHandler for Count {
    fn on_segment(&mut self, s: &RawSegment) -> Control {
        self.0 += s.elements.len();
        Control::Continue
    }
}

/// The PAXLST or PNRGOV files (`kind` = `paxlst` / `pnrgov` in the file name) of generated
/// traffic: 40 flights of 100 to 450 passengers plus crew, every file a whole interchange as
/// `paxrisk generate` writes it (multi-part manifests, PNR pushes and their updates).
fn generated(kind: &str) -> Vec<Vec<u8>> {
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).expect("valid date");
    let opts = paxrisk_parsers::generate::GenerateOptions::new(40, 7, date);
    paxrisk_parsers::generate::generate(&opts)
        .files
        .into_iter()
        .filter(|f| f.name.contains(kind) || (kind == "paxlst" && f.name.contains("crew")))
        .map(|f| f.bytes)
        .collect()
}

fn inputs() -> Vec<(String, Vec<Vec<u8>>)> {
    let mut v = vec![
        ("manifest_5000".to_string(), vec![manifest(5000)]),
        ("generated_paxlst".to_string(), generated("paxlst")),
        ("generated_pnrgov".to_string(), generated("pnrgov")),
        ("corpus_paxlst".to_string(), corpus("PAXLST:")),
        ("corpus_pnrgov".to_string(), corpus("PNRGOV:")),
    ];
    v.retain(|(_, files)| !files.is_empty());
    v
}

/// One reader over one input's files.
fn run_once(reader: &str, files: &[Vec<u8>], today: chrono::NaiveDate) -> usize {
    let mut n = 0;
    for f in files {
        n += match reader {
            "tokenize" => paxrisk_parsers::edifact::read(f).messages.len(),
            "typed_parse" => paxrisk_parsers::parse_with(f, today).len(),
            "edifact_parser" => {
                let mut h = Count(0);
                let _ = EdifactStreamParser::parse(f, &mut h);
                h.0
            }
            other => panic!("unknown reader {other}: tokenize, typed_parse or edifact_parser"),
        };
    }
    n
}

fn bench(c: &mut Criterion) {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).expect("valid date");
    if let Ok(which) = std::env::var("PAXRISK_BENCH_ONCE") {
        let (input, reader) = which
            .split_once('/')
            .expect("PAXRISK_BENCH_ONCE=input/reader");
        let runs: usize = std::env::var("PAXRISK_BENCH_RUNS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(1);
        let (_, files) = inputs()
            .into_iter()
            .find(|(n, _)| n == input)
            .expect("unknown input");
        let bytes: usize = files.iter().map(Vec::len).sum();
        let mut n = 0;
        for _ in 0..runs {
            n += run_once(reader, &files, today);
        }
        eprintln!(
            "{input}/{reader}: {runs} runs over {bytes} bytes in {} files ({n})",
            files.len()
        );
        return;
    }
    for (name, files) in inputs() {
        let bytes: usize = files.iter().map(Vec::len).sum();
        let mut g = c.benchmark_group(&name);
        g.throughput(Throughput::Bytes(bytes as u64));
        g.bench_function(BenchmarkId::new("paxrisk", "tokenize"), |b| {
            b.iter(|| {
                for f in &files {
                    black_box(paxrisk_parsers::edifact::read(black_box(f)).messages.len());
                }
            })
        });
        g.bench_function(BenchmarkId::new("paxrisk", "typed_parse"), |b| {
            b.iter(|| {
                for f in &files {
                    black_box(paxrisk_parsers::parse_with(black_box(f), today));
                }
            })
        });
        g.bench_function(BenchmarkId::new("edifact-parser", "tokenize"), |b| {
            b.iter(|| {
                for f in &files {
                    let mut h = Count(0);
                    let _ = EdifactStreamParser::parse(black_box(f), &mut h);
                    black_box(h.0);
                }
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
