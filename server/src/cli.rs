//! The command line (clap): every subcommand of DESIGN.md. Each one that opens a database
//! creates or migrates its schema first.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand};

use crate::config::Config;

#[derive(Parser)]
#[command(
    name = "paxrisk",
    version,
    about = "Passenger-data risk assessment: API/PNR intake, screening, review"
)]
struct Cli {
    /// Database URL: sqlite://PATH, a path, or postgres://… (default: the embedded SQLite file).
    #[arg(long, global = true, env = "PAXRISK_DATABASE_URL")]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP service and the job worker.
    Serve {
        #[arg(long)]
        bind: Option<String>,
        /// `all` (default), `api` (no jobs) or `worker` (no HTTP).
        #[arg(long, default_value = "all")]
        role: String,
    },
    /// Start on a fresh demo database with synthetic flights, a watchlist and example rules.
    Demo {
        #[arg(long)]
        bind: Option<String>,
        /// Also import OFAC's legacy CSV list from this folder.
        #[arg(long)]
        ofac: Option<PathBuf>,
        /// Number of synthetic flights.
        #[arg(long, default_value_t = 12)]
        flights: usize,
    },
    /// Create or migrate the schema and exit.
    Migrate,
    /// Write a consistent backup of the database while the server runs (SQLite: a checked copy
    /// of the file; PostgreSQL: `pg_dump -Fc`).
    Backup {
        /// The file to write; must not exist yet.
        #[arg(long)]
        out: PathBuf,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage user groups (review scoped by hit category).
    Group {
        #[command(subcommand)]
        command: GroupCommand,
    },
    /// Store and process message files or folders.
    Ingest { paths: Vec<PathBuf> },
    /// Parse messages and print their content as JSON, one object per file.
    Parse { files: Vec<PathBuf> },
    /// Screen messages against a watchlist file offline; prints {"hits": [...]}.
    Screen {
        #[arg(long)]
        watchlist: PathBuf,
        #[arg(long, default_value = "csv")]
        format: String,
        /// Minimum score of a hit (default: the matcher's default threshold).
        #[arg(long)]
        threshold: Option<f64>,
        messages: Vec<PathBuf>,
    },
    /// Name tools.
    Names {
        #[command(subcommand)]
        command: NamesCommand,
    },
    /// Watchlist tools.
    Watchlist {
        #[command(subcommand)]
        command: WatchlistCommand,
    },
    /// Data retention.
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
    /// Write deterministic synthetic traffic.
    Generate(GenerateArgs),
    /// Audit log tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Targeting rule tools.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Carrier tools.
    Carriers {
        #[command(subcommand)]
        command: CarriersCommand,
    },
    /// Link analysis tools.
    Links {
        #[command(subcommand)]
        command: LinksCommand,
    },
}

#[derive(Subcommand)]
enum LinksCommand {
    /// Time the neighbourhood query over stored travellers; prints JSON (median, p90, max ms).
    Bench {
        /// Hops of the neighbourhood (1-3).
        #[arg(long, default_value_t = 2)]
        hops: u8,
        /// Travellers queried, spread over the store.
        #[arg(long, default_value_t = 100)]
        samples: usize,
        /// Time instead what screening computes for `links.hops_to_hit`: every traveller of
        /// this many flights.
        #[arg(long)]
        screen_flights: Option<usize>,
    },
}

#[derive(Subcommand)]
enum CarriersCommand {
    /// Print the carrier data quality report: per carrier and day of receipt, messages, API
    /// manifests on time, failures, diagnostics, missing document/date of birth/nationality,
    /// PNR-to-manifest match rate. Counts and rates only.
    Quality {
        /// First day of receipt, YYYY-MM-DD (default: 6 days before --to).
        #[arg(long)]
        from: Option<String>,
        /// Last day of receipt, YYYY-MM-DD (default: today, UTC).
        #[arg(long)]
        to: Option<String>,
        /// One carrier (IATA code).
        #[arg(long)]
        carrier: Option<String>,
        /// An API manifest is on time when received at least this many minutes before departure.
        #[arg(long)]
        on_time_minutes: Option<i64>,
        /// `table`, `json` or `csv`.
        #[arg(long, default_value = "table")]
        format: String,
    },
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Print the rule effectiveness report (JSON): hits per week, share reviewed, precision,
    /// median review time, hit rates by nationality and sex.
    Report {
        /// First departure date, YYYY-MM-DD (default: 89 days before --to).
        #[arg(long)]
        from: Option<String>,
        /// Last departure date, YYYY-MM-DD (default: today, UTC).
        #[arg(long)]
        to: Option<String>,
        /// Smallest group (screened records) shown on its own by nationality or sex; smaller
        /// groups are pooled into `other`.
        #[arg(long, default_value_t = crate::analytics::effectiveness::MIN_GROUP)]
        min_group: u64,
    },
    /// Backtest a rule body (JSON file) over stored history; prints the result as JSON.
    Backtest {
        /// First departure date, YYYY-MM-DD (default: 89 days before --to).
        #[arg(long)]
        from: Option<String>,
        /// Last departure date, YYYY-MM-DD (default: today, UTC).
        #[arg(long)]
        to: Option<String>,
        /// The rule, as for `POST /api/v1/rules`.
        rule: PathBuf,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from stdin (prompted on a terminal).
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        carrier: Option<String>,
        /// Put the user in this group (by name; repeat for several).
        #[arg(long = "group")]
        groups: Vec<String>,
    },
}

#[derive(Subcommand)]
enum GroupCommand {
    /// Create a group covering hit categories (of lists, rules or manual hits).
    Add {
        name: String,
        /// Comma-separated categories, e.g. terrorism,narcotics.
        #[arg(long, value_delimiter = ',', required = true)]
        categories: Vec<String>,
    },
}

#[derive(Subcommand)]
enum NamesCommand {
    /// Read CSV name1,name2 on stdin; write name1,name2,score,match.
    Compare {
        #[arg(long)]
        threshold: Option<f64>,
    },
}

#[derive(Subcommand)]
enum WatchlistCommand {
    /// Import a list (a new version of list NAME).
    Import {
        #[arg(long)]
        name: String,
        #[arg(long)]
        format: String,
        /// Import nothing if any row fails.
        #[arg(long)]
        strict: bool,
        path: PathBuf,
    },
}

#[derive(Subcommand)]
enum RetentionCommand {
    /// Mask and delete what the policy says is due.
    Run {
        /// The time to run as of (RFC 3339), for tests and catch-up runs.
        #[arg(long)]
        now: Option<String>,
        /// Report what would change without changing it.
        #[arg(long)]
        dry_run: bool,
    },
    /// Print statistics per month (messages, travellers, hits, reviews, grants, deletions).
    Stats,
    /// Print the retention policy in force.
    Policy,
    /// Print the keyring's epochs and how many data keys it still opens (no keys).
    Keyring,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the audit log's hash chain.
    Verify,
}

#[derive(Args)]
struct GenerateArgs {
    #[arg(long, default_value_t = 10)]
    flights: usize,
    #[arg(long)]
    out: PathBuf,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Departure date, YYYY-MM-DD (default: today).
    #[arg(long)]
    date: Option<String>,
    /// A watchlist (CSV or JSON, by extension) whose entries are planted as variants.
    #[arg(long)]
    plant: Option<PathBuf>,
    /// With --plant: also plant shared contacts (a phone each planted traveller's booking shares
    /// with an associate's booking on the next flight, whose e-mail a companion's booking
    /// shares); written to linked.json.
    #[arg(long, requires = "plant")]
    plant_links: bool,
}

/// Parses the command line and runs it; errors are printed without personal data.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let mut config = Config::from_env();
    if let Some(db) = cli.database {
        config.database_url = db;
    }
    init_logging();
    match dispatch(cli.command, config) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("RUST_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::io::stderr().is_terminal() {
        builder.init();
    } else {
        builder.json().init();
    }
}

fn dispatch(command: Command, mut config: Config) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve { bind, role } => {
            if let Some(b) = bind {
                config.bind = b;
            }
            let role = crate::app::ServerRole::parse(&role)
                .context("--role must be all, api or worker")?;
            crate::app::serve(config, role)?;
        }
        Command::Demo {
            bind,
            ofac,
            flights,
        } => {
            if let Some(b) = bind {
                config.bind = b;
            }
            crate::demo::run(config, ofac, flights)?;
        }
        Command::Links {
            command:
                LinksCommand::Bench {
                    hops,
                    samples,
                    screen_flights,
                },
        } => {
            anyhow::ensure!((1..=3).contains(&hops), "--hops must be 1, 2 or 3");
            let mut conn = connect(&config)?;
            let t = match screen_flights {
                Some(n) => serde_json::to_value(crate::links::bench::screen(&mut conn, hops, n)?)?,
                None => serde_json::to_value(crate::links::bench::run(&mut conn, hops, samples)?)?,
            };
            println!("{}", serde_json::to_string_pretty(&t)?);
        }
        Command::Migrate => {
            crate::db::open(&config.database_url, 1)?;
            println!("schema is up to date");
        }
        Command::Backup { out } => {
            let report = crate::backup::run(&config, &out)?;
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        Command::User {
            command:
                UserCommand::Add {
                    username,
                    role,
                    carrier,
                    groups,
                },
        } => {
            let password = read_password()?;
            let mut conn = connect(&config)?;
            // Every group must exist before the account is made.
            let groups = groups
                .iter()
                .map(|g| {
                    crate::auth::groups::by_name(&mut conn, g)
                        .with_context(|| format!("group {g:?}"))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let id =
                crate::auth::add_user(&mut conn, &username, &role, carrier.as_deref(), &password)?;
            cli_audit(&mut conn, "admin", "user.create", &format!("user:{id}"))?;
            for g in &groups {
                crate::auth::groups::add_member(&mut conn, &g.id, &id)?;
                cli_audit(
                    &mut conn,
                    "admin",
                    "group.members",
                    &format!("group:{} users:+{id}", g.id),
                )?;
            }
            println!("user {username} added with role {role}");
        }
        Command::Group {
            command: GroupCommand::Add { name, categories },
        } => {
            let mut conn = connect(&config)?;
            let g = crate::auth::groups::create(&mut conn, &name, &categories)?;
            cli_audit(
                &mut conn,
                "admin",
                "group.create",
                &format!("group:{}", g.id),
            )?;
            println!(
                "group {} added (id {}) covering {}",
                g.name,
                g.id,
                g.categories.join(", ")
            );
        }
        Command::Ingest { paths } => return crate::ingest::cli::ingest(&config, &paths),
        Command::Parse { files } => return parse(&files),
        Command::Screen {
            watchlist,
            format,
            threshold,
            messages,
        } => return crate::screening::offline::screen(&watchlist, &format, threshold, &messages),
        Command::Names {
            command: NamesCommand::Compare { threshold },
        } => names_compare(threshold)?,
        Command::Watchlist {
            command:
                WatchlistCommand::Import {
                    name,
                    format,
                    strict,
                    path,
                },
        } => {
            let mut conn = connect(&config)?;
            let summary =
                crate::screening::lists::import_path(&mut conn, &name, &format, &path, strict)?;
            cli_audit(
                &mut conn,
                "admin",
                "watchlist.import",
                &format!("watchlist:{}:v{}", summary.watchlist_id, summary.version),
            )?;
            crate::screening::jobs::rescreen_open(&mut conn, config.open_flight_hours * 3_600_000)?;
            for (row, why) in &summary.errors {
                eprintln!("row {row}: {why}");
            }
            println!(
                "imported {} entries into {} (version {}); {} row(s) failed",
                summary.entries,
                summary.name,
                summary.version,
                summary.errors.len()
            );
        }
        Command::Retention {
            command: RetentionCommand::Run { now, dry_run },
        } => {
            let now = match now {
                Some(t) => chrono::DateTime::parse_from_rfc3339(&t)
                    .context("--now must be an RFC 3339 time such as 2027-06-01T00:00:00Z")?
                    .timestamp_millis(),
                None => crate::db::now_ms(),
            };
            let mut conn = connect(&config)?;
            let report = crate::retention::run(&mut conn, &config, now, dry_run)?;
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        Command::Retention {
            command: RetentionCommand::Stats,
        } => {
            let stats = crate::retention::stats::report(&mut *connect(&config)?)?;
            println!("{}", serde_json::to_string_pretty(&stats)?);
        }
        Command::Retention {
            command: RetentionCommand::Keyring,
        } => {
            let status = crate::retention::keyring::status(&mut *connect(&config)?, &config)?;
            println!("{}", serde_json::to_string_pretty(&status)?);
        }
        Command::Retention {
            command: RetentionCommand::Policy,
        } => {
            let policy = crate::retention::policy::active(&mut *connect(&config)?, &config)?;
            println!("{}", serde_json::to_string_pretty(&policy)?);
        }
        Command::Generate(args) => crate::demo::generate_cli(
            args.flights,
            &args.out,
            args.seed,
            args.date,
            args.plant,
            args.plant_links,
        )?,
        Command::Carriers {
            command:
                CarriersCommand::Quality {
                    from,
                    to,
                    carrier,
                    on_time_minutes,
                    format,
                },
        } => {
            if !matches!(format.as_str(), "table" | "json" | "csv") {
                bail!("--format is table, json or csv");
            }
            let today = chrono::Utc::now().date_naive();
            let query = crate::analytics::quality::Query::parse(
                from.as_deref(),
                to.as_deref(),
                carrier.as_deref(),
                on_time_minutes,
                today,
            )
            .map_err(|e| anyhow::anyhow!("{}", e.message))?;
            let mut conn = connect(&config)?;
            let report = crate::analytics::quality::report(&mut conn, &query)?;
            match format.as_str() {
                "json" => println!("{}", serde_json::to_string_pretty(&report)?),
                "csv" => print!("{}", crate::analytics::quality::to_csv(&report)),
                _ => print!("{}", crate::analytics::quality::to_table(&report)),
            }
        }
        Command::Rules {
            command:
                RulesCommand::Report {
                    from,
                    to,
                    min_group,
                },
        } => {
            let today = chrono::Utc::now().date_naive();
            let range = crate::screening::rules::backtest::Range::parse(
                from.as_deref(),
                to.as_deref(),
                today,
            )
            .map_err(|e| anyhow::anyhow!("{}", e.message))?;
            let mut conn = connect(&config)?;
            let report = crate::analytics::effectiveness::report(&mut conn, range, min_group)?;
            cli_audit(
                &mut conn,
                "admin",
                "rules.report",
                &format!("from:{} to:{}", range.from, range.to),
            )?;
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        Command::Rules {
            command: RulesCommand::Backtest { from, to, rule },
        } => {
            let today = chrono::Utc::now().date_naive();
            let range = crate::screening::rules::backtest::Range::parse(
                from.as_deref(),
                to.as_deref(),
                today,
            )
            .map_err(|e| anyhow::anyhow!("{}", e.message))?;
            let body: serde_json::Value = serde_json::from_slice(&std::fs::read(&rule)?)
                .with_context(|| format!("{} is not JSON", rule.display()))?;
            let spec = paxrisk_screening::rules::RuleSpec::validate(&body)
                .map_err(|e| anyhow::anyhow!("invalid rule at {}: {}", e.path, e.message))?;
            let mut conn = connect(&config)?;
            let result = crate::screening::rules::backtest::run(&mut conn, &spec, range)?;
            cli_audit(
                &mut conn,
                "analyst",
                "rule.backtest",
                &format!("rule:file from:{} to:{}", range.from, range.to),
            )?;
            println!("{}", serde_json::to_string_pretty(&result)?);
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let mut conn = connect(&config)?;
            let v = crate::audit::verify(&mut conn)?;
            match v.broken_at {
                None => println!("audit log holds: {} rows, chain intact", v.rows),
                Some(seq) => {
                    println!("audit log BROKEN at row {seq} (after {} good rows)", v.rows);
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn read_password() -> anyhow::Result<String> {
    let mut stdin = std::io::stdin();
    let mut pw = String::new();
    if stdin.is_terminal() {
        eprint!("password: ");
        std::io::stderr().flush().ok();
        stdin.read_line(&mut pw)?;
    } else {
        stdin.read_to_string(&mut pw)?;
    }
    let pw = pw.trim_end_matches(['\r', '\n']).to_string();
    if pw.is_empty() {
        bail!("no password given on stdin");
    }
    Ok(pw)
}

fn parse(files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let mut all_ok = !files.is_empty();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for f in files {
        let name = f.display().to_string();
        let line = match std::fs::read(f) {
            Ok(bytes) => {
                let messages = paxrisk_parsers::parse(&bytes);
                if messages.iter().all(paxrisk_parsers::Message::is_none_found) {
                    all_ok = false;
                }
                paxrisk_parsers::file_json(&name, &messages)
            }
            Err(e) => {
                all_ok = false;
                serde_json::json!({ "file": name, "messages": [], "error": e.to_string() })
            }
        };
        writeln!(out, "{line}")?;
    }
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn names_compare(threshold: Option<f64>) -> anyhow::Result<()> {
    let threshold = threshold.unwrap_or(paxrisk_screening::names::DEFAULT_NAME_THRESHOLD);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(std::io::stdin());
    let mut writer = csv::Writer::from_writer(std::io::stdout());
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.with_context(|| format!("line {} is not valid CSV", i + 1))?;
        let (Some(a), Some(b)) = (rec.get(0), rec.get(1)) else {
            bail!("line {} needs two fields: name1,name2", i + 1);
        };
        let score = paxrisk_screening::names::compare(a, b);
        writer.write_record([
            a,
            b,
            &format!("{score:.4}"),
            if score >= threshold { "true" } else { "false" },
        ])?;
    }
    writer.flush()?;
    Ok(())
}

/// One connection to the configured database (migrated on open), for a one-shot command.
fn connect(config: &Config) -> anyhow::Result<diesel::r2d2::PooledConnection<crate::db::Manager>> {
    Ok(crate::db::open(&config.database_url, 1)?.get()?)
}

/// Audits a command-line change (ids only): the operator acts with the role the command needs.
fn cli_audit(
    conn: &mut crate::db::DbConnection,
    role: &str,
    action: &str,
    object: &str,
) -> anyhow::Result<()> {
    let event = crate::audit::Event {
        actor: "cli",
        role,
        action,
        object,
        outcome: "ok",
        purpose: None,
    };
    Ok(crate::audit::record(conn, event)?)
}
