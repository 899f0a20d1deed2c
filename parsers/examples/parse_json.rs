//! The `paxrisk parse` JSON (`file_json` of `parse_with`, reference date pinned) of every file
//! under the given paths, of `generate` traffic and of damaged variants of all of them, one line
//! per input: build it before and after a parser change and diff the outputs (the output must
//! not change when only speed does).
//!
//! `cargo run --release -p paxrisk-parsers --example parse_json -- [--generate FLIGHTS:SEED]...
//! [--damaged N] PATH...`

use std::io::Write;
use std::path::PathBuf;

use rand::{Rng, SeedableRng};

fn files_under(p: PathBuf, out: &mut Vec<(String, Vec<u8>)>) {
    if p.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&p)
            .map(|rd| rd.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        entries.sort();
        for e in entries {
            files_under(e, out);
        }
    } else if let Ok(b) = std::fs::read(&p) {
        out.push((p.display().to_string(), b));
    }
}

/// `n` damaged copies of `bytes`: truncated, bytes replaced, a range cut, a range duplicated.
fn damaged(bytes: &[u8], n: usize, rng: &mut rand_chacha::ChaCha8Rng) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    if bytes.is_empty() {
        return out;
    }
    for i in 0..n {
        let mut b = bytes.to_vec();
        let a = rng.gen_range(0..b.len());
        let z = (a + rng.gen_range(1..64)).min(b.len());
        match i % 4 {
            0 => b.truncate(a),
            1 => {
                for _ in 0..rng.gen_range(1..8) {
                    let at = rng.gen_range(0..b.len());
                    b[at] = *b"'+:?\n\r\x00\xffA"
                        .get(rng.gen_range(0..10))
                        .unwrap_or(&b'x');
                }
            }
            2 => {
                b.drain(a..z);
            }
            _ => {
                let dup = b[a..z].to_vec();
                b.splice(a..a, dup);
            }
        }
        out.push(b);
    }
    out
}

fn main() {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).expect("valid date");
    let mut inputs = Vec::new();
    let mut n_damaged = 0;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--generate" {
            let spec = args.next().expect("--generate FLIGHTS:SEED");
            let (f, s) = spec.split_once(':').expect("FLIGHTS:SEED");
            let opts = paxrisk_parsers::generate::GenerateOptions::new(
                f.parse().expect("flights"),
                s.parse().expect("seed"),
                today,
            );
            for file in paxrisk_parsers::generate::generate(&opts).files {
                if let Ok(dir) = std::env::var("PARSE_JSON_SAVE") {
                    std::fs::write(PathBuf::from(dir).join(&file.name), &file.bytes)
                        .expect("write a generated file");
                }
                inputs.push((format!("generate-{spec}/{}", file.name), file.bytes));
            }
        } else if a == "--damaged" {
            n_damaged = args
                .next()
                .and_then(|n| n.parse().ok())
                .expect("--damaged N");
        } else {
            files_under(PathBuf::from(a), &mut inputs);
        }
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (name, bytes) in &inputs {
        let messages = paxrisk_parsers::parse_with(bytes, today);
        writeln!(out, "{}", paxrisk_parsers::file_json(name, &messages)).expect("stdout");
        for (i, d) in damaged(bytes, n_damaged, &mut rng).iter().enumerate() {
            let messages = paxrisk_parsers::parse_with(d, today);
            let name = format!("{name}#damaged{i}");
            writeln!(out, "{}", paxrisk_parsers::file_json(&name, &messages)).expect("stdout");
        }
    }
}
