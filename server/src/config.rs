//! One `Config` for the whole service: defaults < `PAXRISK_*` environment < command-line flags.
//!
//! Every field has a default that works on a laptop and an environment variable named
//! `PAXRISK_` + the field name in upper case (the README's configuration table lists them; a test
//! keeps the two in step).

use std::path::PathBuf;

/// The service's settings. Secrets are optional: when absent they are generated on first use and
/// kept in the database, so every server on one database shares them.
#[derive(Clone)]
pub struct Config {
    /// Folder for the SQLite file, the intake folders and anything else on disk.
    pub data_dir: PathBuf,
    /// `sqlite://PATH`, a plain path, or `postgres://…`. Default: `DATA_DIR/paxrisk.db`.
    pub database_url: String,
    /// Address `serve` listens on.
    pub bind: String,
    /// HMAC key for session tokens; generated and stored in the database when unset.
    pub jwt_secret: Option<String>,
    /// Minutes a login token stays valid.
    pub token_minutes: i64,
    /// Largest message body accepted at intake, in bytes.
    pub max_message_bytes: usize,
    /// ISO alpha-3 home country: decides inbound/outbound. Unset: every flight is inbound.
    pub home_country: Option<String>,
    /// Score at or above which a traveller is in band `high`.
    pub band_high: u8,
    /// Score at or above which a traveller is in band `medium`.
    pub band_medium: u8,
    /// Database connections per process, when set (`PAXRISK_POOL_SIZE`); see [`Config::pool_size`].
    pub pool_size_set: Option<u32>,
    /// Milliseconds the worker sleeps when it finds no work.
    pub worker_idle_ms: u64,
    /// Worker threads per process (`serve` with role `all` or `worker`): while one waits for the
    /// database another parses and screens.
    pub worker_threads: usize,
    /// Failed logins before an account is locked for `lockout_minutes`.
    pub max_failed_logins: i32,
    /// Minutes an account stays locked after too many failed logins.
    pub lockout_minutes: i64,
    /// Hours after landing that a flight stays in the default queue view.
    pub open_flight_hours: i64,
    /// Retention profile: `eu-cjeu` (default), `eu-directive` or `custom`.
    pub retention_profile: String,
    /// Legacy master key (64 hex digits) of installs before the keyring: still opens the data
    /// keys it wrapped (backups of before the upgrade); new data keys go under the keyring.
    pub retention_key: Option<String>,
    /// The keyring file (master keys by epoch, outside the database). Default `DATA_DIR/keyring`;
    /// several servers name one file on shared storage.
    pub keyring: Option<PathBuf>,
    /// Days backups are kept: master keys older than this are destroyed by retention runs, so
    /// older backups can no longer open sealed originals.
    pub backup_retention_days: i64,
    /// Minutes between scheduled retention runs in `serve` (0: no schedule).
    pub retention_interval_minutes: u64,
    /// Longest an approved unmask grant may last, in hours.
    pub unmask_max_hours: i64,
    /// SMTP relay for e-mail notifications; unset (and no `mail_dir`): no e-mail is sent.
    pub smtp_host: Option<String>,
    /// Port of the SMTP relay (plain SMTP; the relay is expected on a trusted network).
    pub smtp_port: u16,
    /// Sender address of notification e-mail.
    pub smtp_from: String,
    /// Without an SMTP host, write notification e-mail as `.eml` files into this folder instead.
    pub mail_dir: Option<PathBuf>,
    /// Officers subscribed to high-band items are e-mailed when the flight lands (or departs,
    /// outbound) within this many hours.
    pub notify_horizon_hours: i64,
    /// Seconds a multi-part manifest may stay incomplete after its first part arrived before the
    /// worker marks its part set `timed_out` and warns on its messages (its parts stay loaded).
    pub part_timeout_seconds: u64,
}

impl Config {
    /// Database connections per process: `PAXRISK_POOL_SIZE`, else 8 on PostgreSQL (each is a
    /// server process there) and 16 on SQLite, where they are cheap and a request that waits for
    /// the single writer (an audited read) holds its connection meanwhile, so that a small pool
    /// makes the other requests queue for connections too.
    pub fn pool_size(&self) -> u32 {
        self.pool_size_set
            .unwrap_or(match crate::db::parse_url(&self.database_url).0 {
                crate::db::Backend::Postgres => 8,
                crate::db::Backend::Sqlite => 16,
            })
            .max(1)
    }

    /// Defaults, then the `PAXRISK_*` environment.
    pub fn from_env() -> Self {
        let data_dir = PathBuf::from(env("DATA_DIR").unwrap_or_else(|| "./paxrisk-data".into()));
        let database_url = env("DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("paxrisk.db").display()));
        Config {
            database_url,
            bind: env("BIND").unwrap_or_else(|| "127.0.0.1:8080".into()),
            jwt_secret: env("JWT_SECRET"),
            token_minutes: parse_env("TOKEN_MINUTES", 480),
            max_message_bytes: parse_env("MAX_MESSAGE_BYTES", 16 * 1024 * 1024),
            home_country: env("HOME_COUNTRY").map(|c| c.to_ascii_uppercase()),
            band_high: parse_env("BAND_HIGH", 70),
            band_medium: parse_env("BAND_MEDIUM", 40),
            pool_size_set: parse_env_opt("POOL_SIZE"),
            worker_idle_ms: parse_env("WORKER_IDLE_MS", 200),
            worker_threads: parse_env("WORKER_THREADS", 2).max(1),
            max_failed_logins: parse_env("MAX_FAILED_LOGINS", 5),
            lockout_minutes: parse_env("LOCKOUT_MINUTES", 15),
            open_flight_hours: parse_env("OPEN_FLIGHT_HOURS", 24),
            retention_profile: env("RETENTION_PROFILE").unwrap_or_else(|| "eu-cjeu".into()),
            retention_key: env("RETENTION_KEY"),
            keyring: env("KEYRING").map(PathBuf::from),
            backup_retention_days: parse_env("BACKUP_RETENTION_DAYS", 30i64).max(0),
            retention_interval_minutes: parse_env("RETENTION_INTERVAL_MINUTES", 60),
            unmask_max_hours: parse_env("UNMASK_MAX_HOURS", 72),
            smtp_host: env("SMTP_HOST"),
            smtp_port: parse_env("SMTP_PORT", 25),
            smtp_from: env("SMTP_FROM").unwrap_or_else(|| "paxrisk@localhost".into()),
            mail_dir: env("MAIL_DIR").map(PathBuf::from),
            notify_horizon_hours: parse_env("NOTIFY_HORIZON_HOURS", 12),
            part_timeout_seconds: parse_env("PART_TIMEOUT_SECONDS", 900),
            data_dir,
        }
    }

    /// The names of every environment variable `from_env` reads (for the README table test).
    #[cfg_attr(not(test), allow(dead_code))]
    pub const ENV_VARS: &'static [&'static str] = &[
        "PAXRISK_DATA_DIR",
        "PAXRISK_DATABASE_URL",
        "PAXRISK_BIND",
        "PAXRISK_JWT_SECRET",
        "PAXRISK_TOKEN_MINUTES",
        "PAXRISK_MAX_MESSAGE_BYTES",
        "PAXRISK_HOME_COUNTRY",
        "PAXRISK_BAND_HIGH",
        "PAXRISK_BAND_MEDIUM",
        "PAXRISK_POOL_SIZE",
        "PAXRISK_WORKER_IDLE_MS",
        "PAXRISK_WORKER_THREADS",
        "PAXRISK_MAX_FAILED_LOGINS",
        "PAXRISK_LOCKOUT_MINUTES",
        "PAXRISK_OPEN_FLIGHT_HOURS",
        "PAXRISK_RETENTION_PROFILE",
        "PAXRISK_RETENTION_KEY",
        "PAXRISK_KEYRING",
        "PAXRISK_BACKUP_RETENTION_DAYS",
        "PAXRISK_RETENTION_INTERVAL_MINUTES",
        "PAXRISK_UNMASK_MAX_HOURS",
        "PAXRISK_SMTP_HOST",
        "PAXRISK_SMTP_PORT",
        "PAXRISK_SMTP_FROM",
        "PAXRISK_MAIL_DIR",
        "PAXRISK_NOTIFY_HORIZON_HOURS",
        "PAXRISK_PART_TIMEOUT_SECONDS",
        // read by `lease_ms`
        "PAXRISK_LEASE_SECONDS",
    ];
}

/// How long a worker reserves a claimed message (a screening job: twice as long) before another
/// worker may take it over: the time a crashed worker's claim blocks its message.
/// `PAXRISK_LEASE_SECONDS`, default 60; read once per process.
pub fn lease_ms() -> i64 {
    static LEASE: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    *LEASE.get_or_init(|| parse_env::<i64>("LEASE_SECONDS", 60).max(1) * 1000)
}

fn env(name: &str) -> Option<String> {
    std::env::var(format!("PAXRISK_{name}"))
        .ok()
        .filter(|v| !v.is_empty())
}

fn parse_env<T: std::str::FromStr>(name: &str, default: T) -> T {
    match env(name) {
        Some(v) => v.parse().unwrap_or_else(|_| {
            eprintln!("warning: PAXRISK_{name}={v:?} is not valid; using the default");
            default
        }),
        None => default,
    }
}

/// A setting without a fixed default: `None` when unset (or not valid, with a warning).
fn parse_env_opt<T: std::str::FromStr>(name: &str) -> Option<T> {
    let v = env(name)?;
    v.parse()
        .map_err(|_| eprintln!("warning: PAXRISK_{name}={v:?} is not valid; using the default"))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::Config;

    /// The README's configuration table and `Config` name the same variables.
    #[test]
    fn readme_table_matches_config() {
        let readme = include_str!("../../README.md");
        let start = readme
            .find("## Configuration")
            .expect("README has a configuration section");
        let section = &readme[start..];
        let section = &section[..section[3..]
            .find("\n## ")
            .map(|i| i + 3)
            .unwrap_or(section.len())];
        let documented: Vec<&str> = section
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| l.split('`').next())
            .filter(|v| v.starts_with("PAXRISK_"))
            .collect();
        for v in Config::ENV_VARS {
            assert!(
                documented.contains(v),
                "{v} is read by Config but missing from the README table"
            );
        }
        for v in &documented {
            assert!(
                Config::ENV_VARS.contains(v),
                "{v} is in the README table but Config does not read it"
            );
        }
    }
}
