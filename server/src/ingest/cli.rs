//! `paxrisk ingest PATH...`: stores every file (folders are walked), then processes and screens
//! them, with a progress bar on a terminal.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};

use super::intake::{self, Source};
use crate::config::Config;

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            collect(&e, out)?;
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}

/// Files stored per transaction, at most (and at most this many bytes).
const BATCH_FILES: usize = 100;
const BATCH_BYTES: usize = 16 << 20;

/// Runs the command.
pub fn ingest(config: &Config, paths: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let mut files = Vec::new();
    for p in paths {
        collect(p, &mut files).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", p.display()))?;
    }
    if files.is_empty() {
        anyhow::bail!("no files to ingest");
    }
    let threads = config.worker_threads;
    // One connection per worker thread, one for storing, one for building list indexes.
    let pool = crate::db::open(&config.database_url, threads as u32 + 2)?;
    let mut conn = pool.get()?;
    let started = std::time::Instant::now();
    // The watchlist indexes are built while the files are stored.
    crate::screening::lists::warm(pool.clone());
    let before = traveller_count(&mut conn)?;
    let bar = if std::io::stderr().is_terminal() {
        let b = ProgressBar::new(files.len() as u64);
        b.set_style(
            ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} {eta}")
                .expect("valid template"),
        );
        b.set_message("storing");
        b
    } else {
        ProgressBar::hidden()
    };
    let (mut stored, mut duplicates, mut unreadable) = (0, 0, 0);
    // Files are stored in batches, one durable commit each (a commit waits for the disk).
    let mut batch: Vec<Vec<u8>> = Vec::new();
    let mut batch_bytes = 0;
    let mut flush = |batch: &mut Vec<Vec<u8>>, conn: &mut crate::db::DbConnection| {
        if batch.is_empty() {
            return anyhow::Ok(());
        }
        let accepted = intake::accept_batch(conn, config, batch, Source::Cli)?;
        for a in &accepted {
            if a.duplicate {
                duplicates += 1;
            } else {
                stored += 1;
            }
        }
        bar.inc(batch.len() as u64);
        batch.clear();
        anyhow::Ok(())
    };
    for f in &files {
        match std::fs::read(f) {
            Ok(bytes) if !bytes.is_empty() => {
                batch_bytes += bytes.len();
                batch.push(bytes);
                if batch.len() >= BATCH_FILES || batch_bytes >= BATCH_BYTES {
                    flush(&mut batch, &mut conn)?;
                    batch_bytes = 0;
                }
            }
            Ok(_) => {
                eprintln!("{}: empty file, skipped", f.display());
                unreadable += 1;
                bar.inc(1);
            }
            Err(e) => {
                eprintln!("{}: {e}", f.display());
                unreadable += 1;
                bar.inc(1);
            }
        }
    }
    flush(&mut batch, &mut conn)?;
    bar.set_message("processing");
    let stored_at = started.elapsed();
    drop(conn);
    let worker = crate::worker::Worker {
        pool: pool.clone(),
        config: config.clone(),
        metrics: Default::default(),
        stop: Default::default(),
    };
    worker.drain_parallel(threads)?;
    bar.finish_and_clear();
    let took = started.elapsed();
    let loaded = traveller_count(&mut *pool.get()?)? - before;
    println!("{stored} stored, {duplicates} already known, {unreadable} unreadable; all processed");
    println!(
        "{loaded} new travellers in {:.2} s (stored in {:.2} s): {:.0} travellers/s from raw bytes to screened",
        took.as_secs_f64(),
        stored_at.as_secs_f64(),
        loaded as f64 / took.as_secs_f64().max(1e-9)
    );
    Ok(if unreadable == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn traveller_count(conn: &mut crate::db::DbConnection) -> anyhow::Result<i64> {
    use diesel::prelude::*;
    Ok(crate::db::schema::travellers::table
        .count()
        .get_result(conn)?)
}
