//! `paxrisk screen`: offline screening of message files against a list file, no database.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use paxrisk_parsers::{Message, Traveller};
use paxrisk_screening::matcher::Index;
use paxrisk_screening::watchlist;

/// Runs the command: prints `{"hits": [...]}`.
pub fn screen(
    list: &Path,
    format: &str,
    threshold: Option<f64>,
    messages: &[PathBuf],
) -> anyhow::Result<ExitCode> {
    let report = watchlist::import(format, list)
        .with_context(|| format!("cannot import the watchlist {}", list.display()))?;
    for e in report.errors.iter().take(20) {
        eprintln!("watchlist row {}: {}", e.row, e.message);
    }
    if report.entries.is_empty() {
        anyhow::bail!("the watchlist holds no usable entries");
    }
    let index = Index::build(&report.entries);
    let threshold = threshold.unwrap_or(paxrisk_screening::names::DEFAULT_NAME_THRESHOLD);
    let mut hits = Vec::new();
    for path in messages {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        for m in paxrisk_parsers::parse(&bytes) {
            let travellers: Vec<Traveller> = match m {
                Message::Paxlst(x) => x.travellers,
                Message::Pnrgov(p) => p.pnrs.into_iter().flat_map(|p| p.travellers).collect(),
                Message::Other(_) => Vec::new(),
            };
            for t in &travellers {
                for h in index.screen(t, threshold) {
                    hits.push(serde_json::json!({
                        "file": path.display().to_string(),
                        "traveller": t,
                        "entry": report.entries[h.entry],
                        "matched_name": h.matched_name,
                        "score": (h.score * 1000.0).round() / 1000.0,
                        "reasons": h.reasons,
                    }));
                }
            }
        }
    }
    println!("{}", serde_json::json!({ "hits": hits }));
    Ok(ExitCode::SUCCESS)
}
