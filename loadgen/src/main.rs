//! `paxrisk-load`: pushes a folder of `paxrisk generate` traffic to one or more paxrisk servers
//! over HTTP from many concurrent carrier clients, while officer clients read the review queue,
//! and prints what it measured as JSON. Bounded in messages and in time, and loopback only: it
//! refuses any server that is not on this machine, so it cannot be pointed at someone else's
//! service by mistake.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use clap::Parser;
use serde::Serialize;

/// Pushes generated traffic at paxrisk servers on this machine and reports latencies.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Server base URL (repeat for several servers; messages go round-robin). Loopback only.
    #[arg(long = "url", required = true)]
    urls: Vec<String>,
    /// Folder of `.edi` files from `paxrisk generate` (sent in file-name order).
    #[arg(long)]
    dir: PathBuf,
    /// Bearer token or API key of an `airline` account.
    #[arg(long, env = "PAXRISK_LOAD_CARRIER_TOKEN", hide_env_values = true)]
    carrier_token: String,
    /// Concurrent carrier clients.
    #[arg(long, default_value_t = 8)]
    clients: usize,
    /// Send at most this many messages.
    #[arg(long)]
    max_messages: Option<usize>,
    /// Stop sending after this many seconds.
    #[arg(long, default_value_t = 600)]
    duration: u64,
    /// Send at this pace, in travellers per second (a message goes once the travellers of the
    /// messages before it are due), instead of as fast as the clients can: for the latency of a
    /// load the server keeps up with, rather than of a backlog.
    #[arg(long)]
    rate: Option<f64>,
    /// Concurrent officer clients reading `GET /api/v1/queue` while the carriers send.
    #[arg(long, default_value_t = 0)]
    officers: usize,
    /// Bearer token of an `officer` account (needed with --officers).
    #[arg(long, env = "PAXRISK_LOAD_OFFICER_TOKEN", hide_env_values = true)]
    officer_token: Option<String>,
    /// Pause of each officer client between two queue reads (the page refreshes every few
    /// seconds; 0 reads back to back). The clients start spread over one interval.
    #[arg(long, default_value_t = 1000)]
    officer_interval_ms: u64,
    /// After sending, wait (at most this many seconds) until every accepted message is screened
    /// or failed, asking the server as the carrier; the officers keep reading meanwhile.
    #[arg(long, default_value_t = 0)]
    wait: u64,
}

#[derive(Serialize)]
struct Latency {
    count: usize,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

impl Latency {
    fn of(mut micros: Vec<u64>) -> Latency {
        micros.sort_unstable();
        let at = |q: f64| -> f64 {
            if micros.is_empty() {
                return 0.0;
            }
            let i = ((micros.len() as f64 * q).ceil() as usize).clamp(1, micros.len()) - 1;
            micros[i] as f64 / 1000.0
        };
        Latency {
            count: micros.len(),
            p50_ms: at(0.50),
            p99_ms: at(0.99),
            max_ms: micros.last().map_or(0.0, |m| *m as f64 / 1000.0),
        }
    }
}

#[derive(Serialize)]
struct Report {
    files: usize,
    sent: usize,
    accepted: usize,
    rejected: usize,
    retried: usize,
    travellers: usize,
    /// Wall-clock milliseconds since the Unix epoch of the first send and the last answer.
    first_post_ms: u64,
    last_answer_ms: u64,
    post_seconds: f64,
    post_latency: Latency,
    /// With --wait: when the last accepted message was seen screened (epoch ms), and how many
    /// were still not done when the wait ended.
    all_done_ms: Option<u64>,
    not_done: usize,
    officers: usize,
    queue_errors: usize,
    queue_latency: Latency,
}

struct Outgoing {
    name: String,
    bytes: Vec<u8>,
    travellers: usize,
}

fn main() -> Result<()> {
    let args = Args::parse();
    for url in &args.urls {
        loopback_only(url)?;
    }
    if let Some(rate) = args.rate.filter(|r| !(r.is_finite() && *r > 0.0)) {
        bail!("--rate {rate}: give a positive number of travellers per second");
    }
    if args.officers > 0 && args.officer_token.is_none() {
        bail!("--officers needs --officer-token (an officer's bearer token)");
    }
    let files = read_traffic(&args.dir, args.max_messages)?;
    let total_travellers: usize = files.iter().map(|f| f.travellers).sum();
    eprintln!(
        "paxrisk-load: {} messages, {} travellers, {} carrier clients, {} officer clients, {} server(s)",
        files.len(),
        total_travellers,
        args.clients,
        args.officers,
        args.urls.len()
    );
    // When each message is due (seconds after the start), at --rate.
    let mut due = Vec::with_capacity(files.len());
    let mut before = 0usize;
    for f in &files {
        due.push(args.rate.map(|r| before as f64 / r));
        before += f.travellers;
    }
    let due: Arc<Vec<Option<f64>>> = Arc::new(due);
    let files = Arc::new(files);
    let next = Arc::new(AtomicUsize::new(0));
    let sending = Arc::new(AtomicBool::new(true));
    let deadline = Instant::now() + Duration::from_secs(args.duration);
    let first_post_ms = epoch_ms();
    let started = Instant::now();

    let officers: Vec<_> = (0..args.officers)
        .map(|i| {
            let url = args.urls[i % args.urls.len()].clone();
            let token = args.officer_token.clone().unwrap_or_default();
            let sending = sending.clone();
            let pause = Duration::from_millis(args.officer_interval_ms);
            let start = pause * i as u32 / args.officers as u32;
            std::thread::spawn(move || {
                std::thread::sleep(start);
                officer(&url, &token, &sending, pause)
            })
        })
        .collect();

    let carriers: Vec<_> = (0..args.clients.max(1))
        .map(|i| {
            let (files, next, due) = (files.clone(), next.clone(), due.clone());
            let urls = args.urls.clone();
            let token = args.carrier_token.clone();
            let pace = Pace {
                started,
                due,
                deadline,
            };
            std::thread::spawn(move || carrier(i, &urls, &token, &files, &next, &pace))
        })
        .collect();
    let progress = {
        let (next, sending, n) = (next.clone(), sending.clone(), files.len());
        std::thread::spawn(move || {
            while sending.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(200));
                if started.elapsed().as_millis() % 5000 < 200 {
                    eprintln!(
                        "paxrisk-load: {}/{} sent after {:.0} s",
                        next.load(Ordering::Relaxed).min(n),
                        n,
                        started.elapsed().as_secs_f64()
                    );
                }
            }
        })
    };

    let mut sent = Sent::default();
    for c in carriers {
        sent.merge(c.join().expect("carrier client thread"));
    }
    let post_seconds = started.elapsed().as_secs_f64();
    let last_answer_ms = epoch_ms();
    let (all_done_ms, not_done) = if args.wait > 0 {
        wait_done(&args.urls[0], &args.carrier_token, &sent.ids, args.wait)
    } else {
        (None, 0)
    };
    sending.store(false, Ordering::Relaxed);
    let mut queue_micros = Vec::new();
    let mut queue_errors = 0;
    for o in officers {
        let (m, e) = o.join().expect("officer client thread");
        queue_micros.extend(m);
        queue_errors += e;
    }
    let _ = progress.join();
    let report = Report {
        files: files.len(),
        sent: sent.sent,
        accepted: sent.accepted,
        rejected: sent.rejected,
        retried: sent.retried,
        travellers: sent.travellers,
        first_post_ms,
        last_answer_ms,
        post_seconds,
        post_latency: Latency::of(sent.micros),
        all_done_ms,
        not_done,
        officers: args.officers,
        queue_errors,
        queue_latency: Latency::of(queue_micros),
    };
    println!("{}", serde_json::to_string_pretty(&report)?);
    if report.rejected > 0 {
        eprintln!(
            "paxrisk-load: {} messages were not accepted (see the server's log)",
            report.rejected
        );
    }
    Ok(())
}

/// Refuses URLs whose host is not a loopback address (or `localhost`).
fn loopback_only(url: &str) -> Result<()> {
    let parsed = reqwest::Url::parse(url).with_context(|| format!("{url} is not a URL"))?;
    let host = parsed.host_str().unwrap_or("");
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if !loopback {
        bail!("{url}: the load driver only sends to servers on this machine (127.0.0.1, ::1, localhost)");
    }
    Ok(())
}

fn read_traffic(dir: &Path, max: Option<usize>) -> Result<Vec<Outgoing>> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "edi"))
        .collect();
    names.sort();
    if let Some(max) = max {
        names.truncate(max);
    }
    if names.is_empty() {
        bail!(
            "{} holds no .edi files: make some with `paxrisk generate --flights N --out {}`",
            dir.display(),
            dir.display()
        );
    }
    names
        .into_iter()
        .map(|p| {
            let bytes =
                std::fs::read(&p).with_context(|| format!("cannot read {}", p.display()))?;
            let travellers = paxrisk_parsers::parse(&bytes)
                .iter()
                .map(|m| match m {
                    paxrisk_parsers::Message::Paxlst(x) => x.travellers.len(),
                    paxrisk_parsers::Message::Pnrgov(x) => {
                        x.pnrs.iter().map(|p| p.travellers.len()).sum()
                    }
                    paxrisk_parsers::Message::Other(_) => 0,
                })
                .sum();
            let name = p.file_name().unwrap_or_default().to_string_lossy().into();
            Ok(Outgoing {
                name,
                bytes,
                travellers,
            })
        })
        .collect()
}

#[derive(Default)]
struct Sent {
    sent: usize,
    accepted: usize,
    rejected: usize,
    retried: usize,
    travellers: usize,
    micros: Vec<u64>,
    ids: Vec<String>,
}

impl Sent {
    fn merge(&mut self, o: Sent) {
        self.sent += o.sent;
        self.accepted += o.accepted;
        self.rejected += o.rejected;
        self.retried += o.retried;
        self.travellers += o.travellers;
        self.micros.extend(o.micros);
        self.ids.extend(o.ids);
    }
}

/// When carrier clients send: each message at its due time (seconds after `started`, with
/// --rate) or at once, and nothing after `deadline`.
struct Pace {
    started: Instant,
    due: Arc<Vec<Option<f64>>>,
    deadline: Instant,
}

/// One carrier client: takes the next file and posts it (when due), honouring 503 + Retry-After.
fn carrier(
    client_no: usize,
    urls: &[String],
    token: &str,
    files: &[Outgoing],
    next: &AtomicUsize,
    pace: &Pace,
) -> Sent {
    let deadline = pace.deadline;
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("HTTP client");
    let mut out = Sent::default();
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(file) = files.get(i) else { break };
        if let Some(at) = pace.due.get(i).copied().flatten() {
            let at = pace.started + Duration::from_secs_f64(at);
            if let Some(wait) = at.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
        }
        if Instant::now() >= deadline {
            break;
        }
        let url = format!("{}/api/v1/messages", urls[(i + client_no) % urls.len()]);
        out.sent += 1;
        let t0 = Instant::now();
        let mut tries = 0;
        loop {
            let answer = http
                .post(&url)
                .bearer_auth(token)
                .header("Content-Type", "application/edifact")
                .body(file.bytes.clone())
                .send();
            match answer {
                Ok(r) if r.status().as_u16() == 202 => {
                    out.accepted += 1;
                    out.travellers += file.travellers;
                    out.micros.push(t0.elapsed().as_micros() as u64);
                    let answer: serde_json::Value = r.json().unwrap_or_default();
                    if let Some(id) = answer["id"].as_str() {
                        out.ids.push(id.to_string());
                    }
                    break;
                }
                Ok(r) if r.status().as_u16() == 503 && tries < 10 => {
                    let wait = r
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok()?.parse().ok())
                        .unwrap_or(1u64);
                    tries += 1;
                    out.retried += 1;
                    std::thread::sleep(Duration::from_secs(wait.min(10)));
                }
                Ok(r) => {
                    eprintln!("paxrisk-load: {} answered {}", file.name, r.status());
                    out.rejected += 1;
                    break;
                }
                Err(e) => {
                    eprintln!("paxrisk-load: {} not sent: {e}", file.name);
                    out.rejected += 1;
                    break;
                }
            }
        }
    }
    out
}

/// Asks for each accepted message's state until all are `screened` or `failed` (or `limit_s`
/// passes); returns when the last was seen done and how many were not.
fn wait_done(url: &str, token: &str, ids: &[String], limit_s: u64) -> (Option<u64>, usize) {
    let http = reqwest::blocking::Client::new();
    let deadline = Instant::now() + Duration::from_secs(limit_s);
    let mut pending: Vec<&String> = ids.iter().collect();
    while !pending.is_empty() && Instant::now() < deadline {
        pending.retain(|id| {
            let state = http
                .get(format!("{url}/api/v1/messages/{id}"))
                .bearer_auth(token)
                .send()
                .and_then(|r| r.json::<serde_json::Value>());
            !matches!(state, Ok(v) if v["status"] == "screened" || v["status"] == "failed")
        });
        if !pending.is_empty() {
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    let done = pending.is_empty().then(epoch_ms);
    (done, pending.len())
}

/// One officer client: reads the first page of the queue until the carriers are done.
fn officer(url: &str, token: &str, sending: &AtomicBool, pause: Duration) -> (Vec<u64>, usize) {
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("HTTP client");
    let (mut micros, mut errors) = (Vec::new(), 0);
    while sending.load(Ordering::Relaxed) {
        let t0 = Instant::now();
        match http
            .get(format!("{url}/api/v1/queue?limit=50"))
            .bearer_auth(token)
            .send()
            .and_then(|r| r.error_for_status())
            .and_then(|r| r.bytes())
        {
            Ok(_) => micros.push(t0.elapsed().as_micros() as u64),
            Err(_) => errors += 1,
        }
        std::thread::sleep(pause);
    }
    (micros, errors)
}

fn epoch_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_servers_are_accepted() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
            "http://127.3.2.1",
        ] {
            assert!(loopback_only(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://10.0.0.1:8080",
            "https://example.org",
            "http://192.168.1.2",
            "not a url",
        ] {
            assert!(loopback_only(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let l = Latency::of((1..=100).map(|ms| ms * 1000).collect());
        assert_eq!(
            (l.count, l.p50_ms, l.p99_ms, l.max_ms),
            (100, 50.0, 99.0, 100.0)
        );
        let empty = Latency::of(Vec::new());
        assert_eq!((empty.count, empty.p99_ms), (0, 0.0));
    }
}
