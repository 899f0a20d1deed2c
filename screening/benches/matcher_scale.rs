//! Watchlist screening side by side with a brute-force Jaro-Winkler scan, in one run, on the
//! OFAC list (2021 snapshot in ../shared) and on a synthetic list of made-up people (1,000,000
//! entries by default): index build time and memory (resident set growth), then a 400-traveller
//! flight through the index and by brute force. Prints medians of wall and CPU time (of every
//! thread: on a large list `screen_flight` splits a flight between the cores; the machine is
//! shared, so CPU time is the figure to compare for work, wall time for the officer's wait) as
//! Markdown rows for BENCHMARKS.md.
//!
//! `cargo bench -p paxrisk-screening --bench matcher_scale`
//!
//! Environment: `PAXRISK_SCALE_N` (synthetic list size), `PAXRISK_BENCH_ONLY=ofac|synthetic`,
//! `PAXRISK_OFAC_DIR`, and `PAXRISK_PROFILE_RUNS=n` to build the index, screen the flight n times
//! and stop, with no brute force (a steady loop for `valgrind --tool=callgrind` or `perf record`;
//! OFAC unless `PAXRISK_BENCH_ONLY=synthetic`).

mod synthetic;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use paxrisk_parsers::Traveller;
use paxrisk_screening::matcher::Index;
use paxrisk_screening::names::DEFAULT_NAME_THRESHOLD;
use paxrisk_screening::watchlist::{import_ofac, Entry};

/// A field of /proc/self/status in bytes (`VmRSS`, `VmHWM`). The workspace forbids `unsafe`, so
/// memory is measured as resident set size rather than with a counting allocator; it includes
/// heap the allocator keeps after frees, so it errs on the high side.
fn status_bytes(field: &str) -> usize {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with(field))?;
            line.split_whitespace().nth(1)?.parse::<usize>().ok()
        })
        .map_or(0, |kb| kb * 1024)
}

/// Resets the peak resident set size (VmHWM) so the build's own peak can be read afterwards.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// CPU time of this thread (Linux schedstat), in nanoseconds.
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|t| t.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// CPU time of every thread of the process (Linux schedstat), in nanoseconds: on a large list
/// `Index::screen_flight` splits a flight between the rayon pool's threads.
fn process_cpu_ns() -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
        .filter_map(|t| t.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

/// Median wall and CPU time (all threads) of `runs` calls of `f`.
fn measure(runs: usize, mut f: impl FnMut() -> usize) -> (Duration, Duration, usize) {
    let mut walls = Vec::with_capacity(runs);
    let mut cpus = Vec::with_capacity(runs);
    let mut out = 0;
    for _ in 0..runs {
        let (w, c) = (Instant::now(), process_cpu_ns());
        out = std::hint::black_box(f());
        cpus.push(Duration::from_nanos(process_cpu_ns().saturating_sub(c)));
        walls.push(w.elapsed());
    }
    walls.sort();
    cpus.sort();
    (walls[runs / 2], cpus[runs / 2], out)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn screen_all(index: &Index, flight: &[Traveller]) -> usize {
    flight
        .iter()
        .map(|t| index.screen(t, DEFAULT_NAME_THRESHOLD).len())
        .sum()
}

/// The flight screened as a whole (`Index::screen_flight`: words travellers share are looked up
/// once).
fn screen_flight(index: &Index, flight: &[Traveller]) -> usize {
    index
        .screen_flight(flight, DEFAULT_NAME_THRESHOLD)
        .iter()
        .map(Vec::len)
        .sum()
}

/// A fingerprint of every hit of the flight (traveller, entry, score, matched name, reasons), so
/// two versions of the matcher can be shown to give the same hits, not just as many: from
/// `Index::screen` traveller by traveller, and from `Index::screen_flight` (the two must agree).
fn hits_digest(index: &Index, flight: &[Traveller]) -> (u64, u64) {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut h = DefaultHasher::new();
    for (i, t) in flight.iter().enumerate() {
        for m in index.screen(t, DEFAULT_NAME_THRESHOLD) {
            (i, m.entry, m.score.to_bits(), &m.matched_name, &m.reasons).hash(&mut h);
        }
    }
    let mut f = DefaultHasher::new();
    let screened = index.screen_flight(flight, DEFAULT_NAME_THRESHOLD);
    for (i, hits) in screened.into_iter().enumerate() {
        for m in hits {
            (i, m.entry, m.score.to_bits(), &m.matched_name, &m.reasons).hash(&mut f);
        }
    }
    (h.finish(), f.finish())
}

fn brute_all(index: &Index, flight: &[Traveller]) -> usize {
    flight
        .iter()
        .map(|t| index.screen_bruteforce(t, DEFAULT_NAME_THRESHOLD).len())
        .sum()
}

/// Builds, measures and prints one list's rows. `brute_sample` travellers are scanned by brute
/// force and the time scaled to the whole flight when smaller than the flight.
fn report(label: &str, entries: &[Entry], flight: &[Traveller], brute_sample: usize) {
    let before = status_bytes("VmRSS:");
    reset_peak();
    let (w, c) = (Instant::now(), cpu_ns());
    let index = Index::build(entries);
    let (build_wall, build_cpu) = (w.elapsed(), Duration::from_nanos(cpu_ns() - c));
    let memory = status_bytes("VmRSS:").saturating_sub(before);
    let peak = status_bytes("VmHWM:").saturating_sub(before);
    let candidates: usize = flight.iter().map(|t| index.candidate_count(t)).sum();
    println!(
        "| {label} | index build | {:.0} ms wall, {:.0} ms CPU | {} names, {:.0} MiB resident (VmRSS growth), {:.0} MiB peak (VmHWM growth) |",
        ms(build_wall),
        ms(build_cpu),
        index.name_count(),
        mib(memory),
        mib(peak)
    );
    let (iw, ic, hits) = measure(21, || screen_all(&index, flight));
    let (fw, fc, flight_hits) = measure(21, || screen_flight(&index, flight));
    let (digest, flight_digest) = hits_digest(&index, flight);
    let sample = &flight[..brute_sample.min(flight.len())];
    let scale = flight.len() as f64 / sample.len() as f64;
    let runs = if sample.len() < flight.len() { 1 } else { 3 };
    let (bw, bc, _) = measure(runs, || brute_all(&index, sample));
    let (bw, bc) = (ms(bw) * scale, ms(bc) * scale);
    let how = if scale > 1.0 {
        format!(
            " (brute force timed on {} travellers, scaled ×{scale:.0})",
            sample.len()
        )
    } else {
        String::new()
    };
    println!(
        "| {label} | flight of 400, index | {:.2} ms wall, {:.2} ms CPU | {hits} hits (digest {digest:016x}), {:.1} candidates per traveller |",
        ms(iw),
        ms(ic),
        candidates as f64 / flight.len() as f64
    );
    println!(
        "| {label} | flight of 400, index, `screen_flight` | {:.2} ms wall, {:.2} ms CPU (all threads) | {flight_hits} hits (digest {flight_digest:016x}) |",
        ms(fw),
        ms(fc),
    );
    println!(
        "| {label} | flight of 400, brute-force Jaro-Winkler | {bw:.0} ms wall, {bc:.0} ms CPU | index {:.0}× faster (CPU){how} |",
        bc / ms(ic)
    );
}

fn ofac_entries() -> Option<Vec<Entry>> {
    let folder = std::env::var("PAXRISK_OFAC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/watchlists/ofac-sdn-2021")
        });
    import_ofac(&folder).ok().map(|r| r.entries)
}

/// `PAXRISK_PROFILE_RUNS`, when set.
fn profile_runs() -> Option<usize> {
    std::env::var("PAXRISK_PROFILE_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
}

/// Builds the index and screens `flight` `runs` times: nothing else, for a profiler. Prints the
/// build's CPU time and memory, the mean CPU time per flight and, since on a shared machine a few flights run much slower than
/// the rest, the median and fastest.
fn profile(entries: &[Entry], flight: &[Traveller], runs: usize) {
    let before = status_bytes("VmRSS:");
    reset_peak();
    let c = cpu_ns();
    let index = Index::build(entries);
    let build_cpu = Duration::from_nanos(cpu_ns() - c);
    println!(
        "index build {:.0} ms CPU, {:.0} MiB resident, {:.0} MiB peak",
        ms(build_cpu),
        mib(status_bytes("VmRSS:").saturating_sub(before)),
        mib(status_bytes("VmHWM:").saturating_sub(before))
    );
    let runs = runs.max(1);
    let times = |f: &dyn Fn() -> usize| {
        let mut cpus: Vec<Duration> = Vec::with_capacity(runs);
        let mut walls: Vec<Duration> = Vec::with_capacity(runs);
        let mut hits = 0;
        for _ in 0..runs {
            let (w, c) = (Instant::now(), process_cpu_ns());
            hits += std::hint::black_box(f());
            cpus.push(Duration::from_nanos(process_cpu_ns().saturating_sub(c)));
            walls.push(w.elapsed());
        }
        let mean = ms(cpus.iter().sum()) / runs as f64;
        cpus.sort();
        walls.sort();
        (
            hits,
            mean,
            ms(cpus[runs / 2]),
            ms(cpus[0]),
            ms(walls[runs / 2]),
        )
    };
    let (hits, mean, median, fastest, wall) = times(&|| screen_all(&index, flight));
    let (flight_hits, f_mean, f_median, f_fastest, f_wall) =
        times(&|| screen_flight(&index, flight));
    let (digest, flight_digest) = hits_digest(&index, flight);
    println!(
        "{runs} flights, {hits} hits (digest {digest:016x}), ms CPU per flight: mean {mean:.2}, \
         median {median:.2}, fastest {fastest:.2}, median wall {wall:.2}; screen_flight: \
         {flight_hits} hits (digest {flight_digest:016x}), CPU (all threads) mean {f_mean:.2}, \
         median {f_median:.2}, fastest {f_fastest:.2}, median wall {f_wall:.2}"
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing and wants no run.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let only = std::env::var("PAXRISK_BENCH_ONLY").unwrap_or_default();
    if only.is_empty() || only == "ofac" {
        match ofac_entries() {
            Some(entries) => {
                let flight = synthetic::flight(&entries, 0xF1_1647);
                if let Some(runs) = profile_runs() {
                    profile(&entries, &flight, runs);
                    return;
                }
                println!("| list | what | time (median) | notes |");
                println!("| --- | --- | --- | --- |");
                report("OFAC SDN 2021", &entries, &flight, 400);
            }
            None => eprintln!("OFAC snapshot not found: set PAXRISK_OFAC_DIR; OFAC not measured"),
        }
    }
    if only.is_empty() || only == "synthetic" {
        let n: usize = std::env::var("PAXRISK_SCALE_N")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(1_000_000);
        let entries = synthetic::watchlist(n, 0x5CA1E);
        let flight = synthetic::flight(&entries, 0xF1_1648);
        if let Some(runs) = profile_runs() {
            profile(&entries, &flight, runs);
            return;
        }
        report(&format!("synthetic {n}"), &entries, &flight, 20);
    }
}
