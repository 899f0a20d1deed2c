//! The store: one diesel code base over SQLite (embedded default) and PostgreSQL (production).
//!
//! The backend is chosen from the URL scheme, never by trying one after another. Each backend
//! has its own embedded migrations; every connection is set up on checkout (foreign keys, WAL and
//! a busy timeout on SQLite).

pub mod schema;
pub mod turns;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{CustomizeConnection, ManageConnection, Pool};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

/// A connection to either backend.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

/// Which database engine a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// The connection pool every part of the service shares.
pub type DbPool = Pool<Manager>;

/// What can go wrong with the store, mapped to HTTP once in `api::error`.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error("database query failed: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("database migration failed: {0}")]
    Migration(String),
}

impl From<diesel::r2d2::PoolError> for DbError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        DbError::Unavailable(e.to_string())
    }
}

/// Splits a `--database` value into its backend and the string the driver wants.
pub fn parse_url(url: &str) -> (Backend, String) {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        (Backend::Postgres, url.to_string())
    } else {
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        (Backend::Sqlite, path.to_string())
    }
}

/// Opens connections of the one backend the URL named.
#[derive(Debug)]
pub struct Manager {
    backend: Backend,
    target: String,
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        let conn = match self.backend {
            Backend::Sqlite => SqliteConnection::establish(&self.target).map(DbConnection::Sqlite),
            Backend::Postgres => PgConnection::establish(&self.target).map(DbConnection::Pg),
        };
        conn.map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

/// Per-connection setup on checkout.
#[derive(Debug)]
struct Setup {
    backend: Backend,
}

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for Setup {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        if self.backend == Backend::Sqlite {
            // WAL (set once in `open`: it is stored in the file) lets readers and the writer work
            // at once; the busy timeout makes concurrent writers wait instead of failing with "database is locked"; secure_delete makes
            // retention's deletions leave nothing readable behind. A worker loads a batch of
            // messages in one transaction with a savepoint per message: a page cache of 64 MiB
            // (used only as filled) holds the batch's pages without spilling them into the WAL
            // before the commit, and the savepoints' journals stay in memory (temp_store). The WAL
            // is copied back into the database after 8,000 pages (32 MiB) rather than 1,000: a
            // page that batches keep changing (the messages table, the top of an index) is then
            // copied once per checkpoint instead of after nearly every batch.
            conn.batch_execute(
                "PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON; \
                 PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON; \
                 PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; \
                 PRAGMA wal_autocheckpoint = 8000;",
            )
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// Opens a pool on `url`, creating the SQLite file's folder and migrating the schema.
pub fn open(url: &str, size: u32) -> Result<DbPool, DbError> {
    let (backend, target) = parse_url(url);
    if backend == Backend::Sqlite {
        if let Some(dir) = std::path::Path::new(&target).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    DbError::Unavailable(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
        }
        // The journal mode is a property of the file. Switching it needs the file to itself, so it
        // is done here on one connection before the pool opens its connections at once (each
        // switching it made the losers log "database is locked").
        let mut conn = SqliteConnection::establish(&target)
            .map_err(|e| DbError::Unavailable(format!("cannot open the database: {e}")))?;
        conn.batch_execute("PRAGMA busy_timeout = 30000; PRAGMA journal_mode = WAL;")?;
    }
    let manager = Manager { backend, target };
    let pool = Pool::builder()
        .max_size(size)
        .test_on_check_out(backend == Backend::Postgres)
        .connection_timeout(Duration::from_secs(10))
        .connection_customizer(Box::new(Setup { backend }))
        .build_unchecked(manager);
    let mut conn = pool.get()?;
    migrate(&mut conn)?;
    Ok(pool)
}

/// Runs pending migrations for whichever backend `conn` is.
pub fn migrate(conn: &mut DbConnection) -> Result<(), DbError> {
    let result = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
        DbConnection::Pg(c) => c.run_pending_migrations(PG_MIGRATIONS).map(|_| ()),
    };
    result.map_err(|e| DbError::Migration(e.to_string()))
}

/// Current UTC time in epoch milliseconds, the store's timestamp type.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A new id: a UUIDv7, so ids sort by creation time.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Reads a setting.
pub fn get_setting(conn: &mut DbConnection, key: &str) -> Result<Option<String>, DbError> {
    use schema::settings::dsl as s;
    Ok(s::settings
        .filter(s::key.eq(key))
        .select(s::value)
        .first(conn)
        .optional()?)
}

/// Returns the setting `key`, creating it with `make()` the first time. Safe when several
/// servers race: the loser of the insert reads the winner's value.
pub fn setting_or_create(
    conn: &mut DbConnection,
    key: &str,
    make: impl FnOnce() -> String,
) -> Result<String, DbError> {
    use schema::settings::dsl as s;
    if let Some(v) = get_setting(conn, key)? {
        return Ok(v);
    }
    let _ = diesel::insert_into(s::settings)
        .values((s::key.eq(key), s::value.eq(make())))
        .execute(conn);
    get_setting(conn, key)?
        .ok_or_else(|| DbError::Unavailable(format!("setting {key} could not be stored")))
}

/// Runs `f` in a transaction. On SQLite, writers of this process take turns first ([`turns`]), and
/// the transaction begins IMMEDIATE (it takes the write lock at once, waiting out the busy timeout): a
/// deferred transaction that reads and then writes fails with "database is locked" at once when
/// any other connection (an autocommit statement, another process) wrote in between, and the busy
/// timeout does not cover that.
pub fn transaction<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    transaction_in_turn(conn, false, f)
}

/// [`transaction`] for a short write someone is waiting on (the audit row of an officer's read):
/// on SQLite it goes ahead of the writers queued for their turn, and a worker loading a batch
/// commits after its current message to let it in.
pub fn transaction_urgent<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    transaction_in_turn(conn, true, f)
}

/// Whether an urgent writer of this process waits for SQLite's writer (see [`transaction_urgent`]);
/// a worker holding the turn for a batch then commits what it has loaded and lets it in.
pub fn urgent_waiting() -> bool {
    SQLITE_WRITERS.urgent_waiting()
}

static SQLITE_WRITERS: turns::Turns = turns::Turns::new();

fn transaction_in_turn<T, E>(
    conn: &mut DbConnection,
    urgent: bool,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    match conn {
        DbConnection::Pg(_) => conn.transaction(f),
        DbConnection::Sqlite(c) => {
            use diesel::connection::{AnsiTransactionManager, TransactionManager};
            // Inside an open transaction (this thread already has its turn): a savepoint.
            let open = AnsiTransactionManager::transaction_manager_status_mut(c)
                .transaction_depth()?
                .is_some();
            if open {
                return conn.transaction(f);
            }
            let _turn = SQLITE_WRITERS.take(urgent);
            sqlite_immediate(conn, f)
        }
    }
}

/// Lets the open transaction commit without waiting for the disk, for work that can be done again:
/// claiming a message or a job, loading a claimed message, a screening's results. Each such
/// transaction also records that its work is done (the message's state, the job's removal), so a
/// crash can only lose it whole, and the work is then claimed and done again; PostgreSQL writes
/// its log in order, so a later durable commit (intake's) carries every earlier one with it.
/// PostgreSQL: `synchronous_commit = off` for this transaction only (a commit waited ~8 ms for the
/// disk here); SQLite in WAL mode with `synchronous = NORMAL` already commits without waiting.
pub fn redoable(conn: &mut DbConnection) -> QueryResult<()> {
    if let DbConnection::Pg(c) = conn {
        c.batch_execute("SET LOCAL synchronous_commit = off")?;
    }
    Ok(())
}

/// `BEGIN IMMEDIATE` … `COMMIT` (or `ROLLBACK` on error) on a SQLite connection; inside an open
/// transaction, a savepoint as usual.
fn sqlite_immediate<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let DbConnection::Sqlite(c) = conn else {
        return conn.transaction(f);
    };
    let open = AnsiTransactionManager::transaction_manager_status_mut(c)
        .transaction_depth()?
        .is_some();
    if open {
        return conn.transaction(f);
    }
    AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
    let result = f(conn);
    let DbConnection::Sqlite(c) = conn else {
        unreachable!("the connection cannot change backend")
    };
    match result {
        Ok(v) => match AnsiTransactionManager::commit_transaction(c) {
            Ok(()) => Ok(v),
            Err(e) => {
                let _ = AnsiTransactionManager::rollback_transaction(c);
                Err(e.into())
            }
        },
        Err(e) => {
            let _ = AnsiTransactionManager::rollback_transaction(c);
            Err(e)
        }
    }
}

/// On SQLite, make the next commits wait for the disk (intake's promise to the sender), or go
/// back to the WAL's normal durability; a no-op on PostgreSQL, whose commits are durable.
pub fn sqlite_full_sync(conn: &mut DbConnection, full: bool) -> Result<(), diesel::result::Error> {
    if let DbConnection::Sqlite(c) = conn {
        c.batch_execute(if full {
            "PRAGMA synchronous = FULL"
        } else {
            "PRAGMA synchronous = NORMAL"
        })?;
    }
    Ok(())
}
