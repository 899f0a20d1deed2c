//! `paxrisk demo` and `paxrisk generate`: a fresh database seeded with synthetic traffic, the
//! shipped demo watchlist and example rules, and a running server with printed demo logins.

use std::path::{Path, PathBuf};

use anyhow::Context;
use paxrisk_parsers::generate::{self, GenerateOptions, PlantPerson};
use paxrisk_screening::watchlist::{self, Entry};

use crate::config::Config;

const DEMO_WATCHLIST: &[u8] = include_bytes!("../../fixtures/demo/watchlist.csv");
const EXAMPLE_RULES: &str = include_str!("../../fixtures/rules/examples.json");

fn plants(entries: &[Entry]) -> Vec<PlantPerson> {
    entries
        .iter()
        .filter(|e| !e.surname.is_empty())
        .map(|e| PlantPerson {
            id: e.id.clone(),
            surname: e.surname.clone(),
            given_names: e.given_names.clone(),
            date_of_birth: e.dates_of_birth.first().cloned(),
        })
        .collect()
}

/// `paxrisk generate`: writes the traffic files and `ground-truth.json` into `out`.
pub fn generate_cli(
    flights: usize,
    out: &Path,
    seed: u64,
    date: Option<String>,
    plant: Option<PathBuf>,
    plant_links: bool,
) -> anyhow::Result<()> {
    let date = match date {
        Some(d) => chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
            .context("--date must be YYYY-MM-DD")?,
        None => chrono::Utc::now().date_naive(),
    };
    let plant = match plant {
        Some(p) => {
            let format = if p.extension().is_some_and(|e| e == "json") {
                "json"
            } else if p.is_dir() {
                "ofac"
            } else {
                "csv"
            };
            let report = watchlist::import(format, &p)
                .with_context(|| format!("cannot read the watchlist {}", p.display()))?;
            plants(&report.entries)
        }
        None => Vec::new(),
    };
    let traffic = generate::generate(&GenerateOptions {
        flights,
        seed,
        date,
        plant,
        plant_links,
        ..GenerateOptions::default()
    });
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    for f in &traffic.files {
        std::fs::write(out.join(&f.name), &f.bytes)?;
    }
    std::fs::write(
        out.join("ground-truth.json"),
        serde_json::to_vec_pretty(&traffic.ground_truth)?,
    )?;
    if plant_links {
        // Who was linked to which planted traveller, and how far (link analysis ground truth).
        std::fs::write(
            out.join("linked.json"),
            serde_json::to_vec_pretty(&traffic.linked)?,
        )?;
    }
    println!(
        "{} files for {flights} flights written to {}",
        traffic.files.len(),
        out.display()
    );
    Ok(())
}

fn random_password() -> String {
    use rand::Rng;
    const WORDS: &[&str] = &[
        "amber", "harbour", "lantern", "meadow", "quartz", "timber", "violet", "willow", "falcon",
        "cobalt",
    ];
    let mut rng = rand::thread_rng();
    format!(
        "{}-{}-{}-{}",
        WORDS[rng.gen_range(0..WORDS.len())],
        WORDS[rng.gen_range(0..WORDS.len())],
        WORDS[rng.gen_range(0..WORDS.len())],
        rng.gen_range(1000..9999)
    )
}

/// `paxrisk demo`.
pub fn run(mut config: Config, ofac: Option<PathBuf>, flights: usize) -> anyhow::Result<()> {
    // The demo never touches the main database: it gets its own fresh file unless --database says.
    if std::env::var("PAXRISK_DATABASE_URL").is_err()
        && config.database_url.ends_with("/paxrisk.db")
    {
        let path = config.data_dir.join("demo.db");
        for file in crate::db::sqlite_files(&path.display().to_string()) {
            let _ = std::fs::remove_file(file);
        }
        config.database_url = format!("sqlite://{}", path.display());
        // Nor the main database's keyring: the fresh demo database gets a fresh one of its own.
        if config.keyring.is_none() {
            let ring = config.data_dir.join("demo.keyring");
            let _ = std::fs::remove_file(&ring);
            config.keyring = Some(ring);
        }
    }
    let pool = crate::db::open(&config.database_url, config.pool_size())?;
    let mut conn = pool.get()?;
    eprintln!("seeding the demo database ({})…", config.database_url);
    let report = watchlist::import_csv(DEMO_WATCHLIST);
    crate::screening::lists::store(&mut conn, "demo-watchlist", &report.entries)?;
    if let Some(dir) = ofac {
        let s = crate::screening::lists::import_path(&mut conn, "ofac-sdn", "ofac", &dir, false)?;
        eprintln!("imported {} OFAC entries", s.entries);
    }
    let rules: Vec<serde_json::Value> =
        serde_json::from_str(EXAMPLE_RULES).context("fixtures/rules/examples.json")?;
    for r in &rules {
        if let Err(e) = crate::screening::rules::create(&mut conn, r, "demo") {
            eprintln!("example rule skipped: {e}");
        }
    }
    let mut logins = Vec::new();
    for (name, role) in [
        ("demo-officer", "officer"),
        ("demo-analyst", "analyst"),
        ("demo-admin", "admin"),
    ] {
        let pw = random_password();
        match crate::auth::add_user(&mut conn, name, role, None, &pw) {
            Ok(_) => logins.push((name, role, pw)),
            Err(e) => eprintln!("{name}: {e}"),
        }
    }
    let today = chrono::Utc::now().date_naive();
    let traffic = generate::generate(&GenerateOptions {
        flights,
        seed: 2026,
        date: today,
        plant: plants(&report.entries),
        ..GenerateOptions::default()
    });
    for f in &traffic.files {
        crate::ingest::intake::accept(
            &mut conn,
            &config,
            &f.bytes,
            None,
            None,
            crate::ingest::intake::Source::Cli,
        )?;
    }
    drop(conn);
    let worker = crate::worker::Worker {
        pool: pool.clone(),
        config: config.clone(),
        metrics: Default::default(),
        stop: Default::default(),
    };
    worker.drain()?;
    println!(
        "paxrisk demo: {} messages for {flights} flights loaded and screened.",
        traffic.files.len()
    );
    println!("Open http://{}/ and sign in as:", config.bind);
    for (name, role, pw) in &logins {
        println!("  {role:8} {name:14} password {pw}");
    }
    drop(pool);
    crate::app::serve(config, crate::app::ServerRole::All)
}
