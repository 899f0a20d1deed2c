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

/// Per-connection setup when the pool opens a connection.
#[derive(Debug)]
struct Setup {
    backend: Backend,
    /// SQLite: the audit log's file, attached to every connection as `audit`.
    audit: String,
}

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for Setup {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        if self.backend == Backend::Sqlite {
            // The busy timeout first: attaching the audit log's file reads its schema, which
            // waits (rather than fails) while another connection writes it.
            conn.batch_execute("PRAGMA busy_timeout = 30000;")
                .map_err(diesel::r2d2::Error::QueryError)?;
            attach_audit(conn, &self.audit)?;
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
                "PRAGMA foreign_keys = ON; \
                 PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON; \
                 PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; \
                 PRAGMA wal_autocheckpoint = 8000; PRAGMA audit.synchronous = NORMAL;",
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
        // The audit log's file, likewise, and its table: before the migrations, the one that
        // moved the log out of the main file copies its rows there.
        let mut conn = DbConnection::Sqlite(conn);
        attach_audit(&mut conn, &sqlite_audit_path(&target))
            .map_err(|e| DbError::Unavailable(format!("cannot open the audit log's file: {e}")))?;
        conn.batch_execute(&format!(
            "PRAGMA audit.journal_mode = WAL; {AUDIT_LOG_TABLE}"
        ))?;
    }
    let audit = if backend == Backend::Sqlite {
        sqlite_audit_path(&target)
    } else {
        String::new()
    };
    let manager = Manager { backend, target };
    let pool = Pool::builder()
        .max_size(size)
        .test_on_check_out(backend == Backend::Postgres)
        .connection_timeout(Duration::from_secs(10))
        .connection_customizer(Box::new(Setup {
            backend,
            audit: audit.clone(),
        }))
        .build_unchecked(manager);
    let mut conn = pool.get()?;
    migrate(&mut conn)?;
    if backend == Backend::Sqlite {
        pair_audit_file(&mut conn, &audit)?;
    }
    Ok(pool)
}

/// The setting in the main file naming its audit log's file (the id kept in `audit.audit_file`).
const AUDIT_FILE_ID: &str = "audit_file_id";

/// Checks that the attached audit log's file is this store's: the main file and the audit file
/// keep one id, so a store whose audit log's file was lost (and would be created anew, empty),
/// or replaced by another store's, refuses to open instead of silently starting a new log. A
/// store of before the audit log had a file of its own adopts the file's id.
fn pair_audit_file(conn: &mut DbConnection, file: &str) -> Result<(), DbError> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
    }
    transaction(conn, |conn| {
        audit_transaction(conn, |conn| {
            let in_audit = diesel::sql_query("SELECT id FROM audit.audit_file LIMIT 1")
                .get_result::<Id>(conn)
                .optional()?
                .map(|r| r.id);
            let in_main = get_setting(conn, AUDIT_FILE_ID)?;
            let adopt = |conn: &mut DbConnection, id: &str| {
                diesel::insert_into(schema::settings::table)
                    .values((
                        schema::settings::key.eq(AUDIT_FILE_ID),
                        schema::settings::value.eq(id),
                    ))
                    .execute(conn)
            };
            match (in_main, in_audit) {
                (None, None) => {
                    let id = new_id();
                    diesel::sql_query("INSERT INTO audit.audit_file (id) VALUES (?)")
                        .bind::<diesel::sql_types::Text, _>(&id)
                        .execute(conn)?;
                    adopt(conn, &id)?;
                }
                (None, Some(id)) => {
                    adopt(conn, &id)?;
                }
                (Some(_), None) => {
                    return Err(DbError::Unavailable(format!(
                        "the audit log's file {file} is missing or new, but this store keeps its \
                         audit log there: put it back, or its copy from the backup taken with the \
                         database (README \"Backup and restore\")"
                    )))
                }
                (Some(main), Some(audit)) if main != audit => {
                    return Err(DbError::Unavailable(format!(
                        "the audit log's file {file} belongs to another store: put back this \
                         store's, or its copy from the backup taken with the database"
                    )))
                }
                (Some(_), Some(_)) => {}
            }
            Ok(())
        })
    })
}

/// On SQLite the audit log has a file of its own beside the main one (`paxrisk.db` →
/// `paxrisk.audit.db`), attached to every connection as the schema `audit`: appending the audit
/// row of an officer's read then waits only for other audit rows, never for a worker loading a
/// manifest into the main file (SQLite has one writer per file). Queries name `audit_log` without a
/// schema, which SQLite resolves to the attached file, so they read the same on both backends.
/// An in-memory database gets an in-memory audit log.
pub fn sqlite_audit_path(main: &str) -> String {
    if main.is_empty() || main == ":memory:" {
        return ":memory:".to_string();
    }
    let path = std::path::Path::new(main);
    let name = match (path.file_stem(), path.extension()) {
        (Some(stem), Some(ext)) => {
            format!("{}.audit.{}", stem.to_string_lossy(), ext.to_string_lossy())
        }
        _ => format!(
            "{}.audit",
            path.file_name().unwrap_or_default().to_string_lossy()
        ),
    };
    path.with_file_name(name).display().to_string()
}

/// Every file a SQLite store at `main` consists of, for removing one: the main file, the audit
/// log's, and their write-ahead logs.
pub fn sqlite_files(main: &str) -> Vec<std::path::PathBuf> {
    let audit = sqlite_audit_path(main);
    [main, audit.as_str()]
        .iter()
        .flat_map(|f| ["", "-wal", "-shm"].map(|s| std::path::PathBuf::from(format!("{f}{s}"))))
        .collect()
}

/// The audit log's table in its own file (the columns the main file's migrations gave it).
const AUDIT_LOG_TABLE: &str = "CREATE TABLE IF NOT EXISTS audit.audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    outcome TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    purpose TEXT
);
CREATE INDEX IF NOT EXISTS audit.audit_log_purpose ON audit_log(purpose) WHERE purpose IS NOT NULL;
CREATE TABLE IF NOT EXISTS audit.audit_file (id TEXT NOT NULL);";

fn attach_audit(conn: &mut DbConnection, file: &str) -> Result<(), diesel::r2d2::Error> {
    conn.batch_execute(&format!(
        "ATTACH DATABASE '{}' AS audit",
        file.replace('\'', "''")
    ))
    .map_err(diesel::r2d2::Error::QueryError)
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
/// the transaction takes the main file's write lock at once, waiting out the busy timeout: a
/// deferred transaction that reads and then writes fails with "database is locked" at once when
/// any other connection (an autocommit statement, another process) wrote in between, and the busy
/// timeout does not cover that. (Not `BEGIN IMMEDIATE`: that would lock the audit log's file too.)
pub fn transaction<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    transaction_in_turn(conn, false, f)
}

/// [`transaction`] for a short write someone is waiting on (an officer's action): on SQLite it goes
/// ahead of the writers queued for their turn, and a worker loading a batch commits after its
/// current message to let it in.
pub fn transaction_urgent<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    transaction_in_turn(conn, true, f)
}

/// A transaction that appends to the audit log. On SQLite the log's file has writers' turns and a
/// write lock of its own ([`sqlite_audit_path`]), taken before `f` reads the last row; inside an
/// open transaction (one that writes the main file too, which always comes first), a savepoint
/// that takes the audit file's lock the same way. On PostgreSQL, a transaction.
pub fn audit_transaction<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    if let DbConnection::Pg(_) = conn {
        return conn.transaction(f);
    }
    let _turn = AUDIT_WRITERS.take(false);
    sqlite_writing(conn, LOCK_AUDIT, f)
}

/// Whether an urgent writer of this process waits for SQLite's writer (see [`transaction_urgent`]);
/// a worker holding the turn for a batch then commits what it has loaded and lets it in.
pub fn urgent_waiting() -> bool {
    SQLITE_WRITERS.urgent_waiting()
}

static SQLITE_WRITERS: turns::Turns = turns::Turns::new();
static AUDIT_WRITERS: turns::Turns = turns::Turns::new();

/// Statements that write nothing but take a file's write lock (SQLite takes it for any `DELETE`,
/// before it finds that no row qualifies): the first statement of a transaction, so the lock is
/// waited for with the busy timeout before anything was read.
const LOCK_MAIN: &str = "DELETE FROM main.settings WHERE 0";
const LOCK_AUDIT: &str = "DELETE FROM audit.audit_log WHERE 0";

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
            sqlite_writing(conn, LOCK_MAIN, f)
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

/// `BEGIN`, `lock` (which takes the write lock of the file it names), `f`, `COMMIT` (or `ROLLBACK`
/// on error) on a SQLite connection; inside an open transaction, a savepoint that runs `lock` first.
fn sqlite_writing<T, E>(
    conn: &mut DbConnection,
    lock: &str,
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
        return conn.transaction(|conn| {
            conn.batch_execute(lock)?;
            f(conn)
        });
    }
    AnsiTransactionManager::begin_transaction_sql(c, "BEGIN")?;
    let result = match c.batch_execute(lock) {
        Ok(()) => f(conn),
        Err(e) => Err(e.into()),
    };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{self, Event};
    use std::sync::mpsc;

    /// A fresh SQLite store in the temp folder, its files removed when dropped.
    struct Store(String, DbPool);

    impl Store {
        fn new(tag: &str) -> Store {
            let path = std::env::temp_dir()
                .join(format!(
                    "paxrisk-db-{tag}-{}-{}.db",
                    std::process::id(),
                    new_id()
                ))
                .display()
                .to_string();
            let pool = open(&format!("sqlite://{path}"), 4).unwrap();
            Store(path, pool)
        }
    }

    impl Drop for Store {
        fn drop(&mut self) {
            for f in sqlite_files(&self.0) {
                let _ = std::fs::remove_file(f);
            }
        }
    }

    fn read_event(n: usize) -> String {
        format!("traveller:0192-{n}")
    }

    fn record(conn: &mut DbConnection, object: &str) {
        audit::record(
            conn,
            Event {
                actor: "0192-user",
                role: "officer",
                action: "traveller.read",
                object,
                outcome: "ok",
                purpose: None,
            },
        )
        .unwrap();
    }

    #[test]
    fn the_audit_log_has_a_file_of_its_own_beside_the_data() {
        assert_eq!(
            sqlite_audit_path("/var/paxrisk/paxrisk.db"),
            "/var/paxrisk/paxrisk.audit.db"
        );
        assert_eq!(sqlite_audit_path("data/store"), "data/store.audit");
        assert_eq!(sqlite_audit_path(":memory:"), ":memory:");
        let store = Store::new("file");
        record(&mut store.1.get().unwrap(), "traveller:0192-a");
        assert!(std::path::Path::new(&sqlite_audit_path(&store.0)).exists());
        // The main file holds no audit log of its own any more.
        let conn = &mut *store.1.get().unwrap();
        let in_main: i64 = diesel::sql_query(
            "SELECT COUNT(*) AS n FROM main.sqlite_master WHERE name = 'audit_log'",
        )
        .get_result::<Count>(conn)
        .unwrap()
        .n;
        assert_eq!(in_main, 0);
        let rows: i64 = schema::audit_log::table.count().get_result(conn).unwrap();
        assert_eq!(rows, 1);
    }

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }

    /// The point of the file: while a writer holds the main file (a worker loading a manifest),
    /// audit rows are appended and committed without waiting for it.
    #[test]
    fn audit_rows_do_not_wait_for_the_main_files_writer() {
        let store = Store::new("apart");
        let (holding, held) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        let pool = store.1.clone();
        let writer = std::thread::spawn(move || {
            let conn = &mut *pool.get().unwrap();
            transaction(conn, |conn| {
                diesel::sql_query("INSERT INTO settings (key, value) VALUES ('held', 'yes')")
                    .execute(conn)?;
                holding.send(()).unwrap();
                // Held until the audit rows are in, or for long enough to show they waited.
                let _ = released.recv_timeout(Duration::from_secs(20));
                Ok::<_, diesel::result::Error>(())
            })
            .unwrap();
        });
        held.recv().unwrap();
        let conn = &mut *store.1.get().unwrap();
        for n in 0..3 {
            record(conn, &read_event(n));
        }
        // Committed and visible while the main file's writer still holds it.
        let rows: i64 = schema::audit_log::table.count().get_result(conn).unwrap();
        let main_still_held = get_setting(conn, "held").unwrap().is_none();
        let _ = release.send(());
        writer.join().unwrap();
        assert_eq!(rows, 3);
        assert!(
            main_still_held,
            "the audit rows waited for the main file's writer"
        );
        assert_eq!(get_setting(conn, "held").unwrap().as_deref(), Some("yes"));
        // A transaction that writes both files (data and its audit row) still commits both.
        transaction(conn, |conn| {
            diesel::sql_query("INSERT INTO settings (key, value) VALUES ('both', 'yes')")
                .execute(conn)?;
            record(conn, "setting:both");
            Ok::<_, diesel::result::Error>(())
        })
        .unwrap();
        let v = audit::verify(conn).unwrap();
        assert_eq!((v.rows, v.broken_at), (4, None));
        assert_eq!(get_setting(conn, "both").unwrap().as_deref(), Some("yes"));
    }

    /// A store whose audit log's file is lost, or replaced by another store's, does not open (it
    /// would start a new, empty log); with its own file put back it does.
    #[test]
    fn a_store_opens_only_with_its_own_audit_file() {
        let (store, other) = (Store::new("own"), Store::new("other"));
        record(&mut store.1.get().unwrap(), "traveller:0192-a");
        let url = format!("sqlite://{}", store.0);
        // Reopened as it is: fine.
        open(&url, 1).unwrap();
        // The audit file with its write-ahead log, moved away or replaced.
        let files = |main: &str| {
            let audit = sqlite_audit_path(main);
            ["", "-wal", "-shm"].map(|s| format!("{audit}{s}"))
        };
        let move_all = |from: &[String; 3], to: &[String; 3], copy: bool| {
            for (f, t) in from.iter().zip(to) {
                let _ = std::fs::remove_file(t);
                if std::path::Path::new(f).exists() {
                    if copy {
                        std::fs::copy(f, t).unwrap();
                    } else {
                        std::fs::rename(f, t).unwrap();
                    }
                }
            }
        };
        let own = files(&store.0);
        let kept = own.clone().map(|f| format!("{f}.kept"));
        move_all(&own, &kept, false);
        let err = open(&url, 1).unwrap_err().to_string();
        assert!(err.contains("missing or new"), "{err}");
        move_all(&files(&other.0), &own, true);
        let err = open(&url, 1).unwrap_err().to_string();
        assert!(err.contains("belongs to another store"), "{err}");
        move_all(&kept, &own, false);
        let pool = open(&url, 1).unwrap();
        let v = audit::verify(&mut pool.get().unwrap()).unwrap();
        assert_eq!((v.rows, v.broken_at), (1, None));
    }

    /// A store of before the audit log's file: its rows move into the file, the chain still
    /// verifies, and numbering goes on after the last row retention removed.
    #[test]
    fn an_older_stores_audit_log_moves_into_its_file() {
        let store = Store::new("move");
        let conn = &mut *store.1.get().unwrap();
        record(conn, &read_event(1));
        record(conn, &read_event(2));
        let DbConnection::Sqlite(c) = conn else {
            unreachable!()
        };
        // Back to the schema of before the move: the rows return to the main file.
        c.revert_last_migration(SQLITE_MIGRATIONS).unwrap();
        let in_main: i64 = diesel::sql_query("SELECT COUNT(*) AS n FROM main.audit_log")
            .get_result::<Count>(c)
            .unwrap()
            .n;
        assert_eq!(in_main, 2);
        migrate(conn).unwrap();
        let v = audit::verify(conn).unwrap();
        assert_eq!((v.rows, v.broken_at), (2, None));

        // A store of before whose log retention had emptied (the numbering stays in the main
        // file, and the anchor names row 2): new rows are numbered after the pruned ones.
        let DbConnection::Sqlite(c) = conn else {
            unreachable!()
        };
        c.revert_last_migration(SQLITE_MIGRATIONS).unwrap();
        diesel::sql_query("DELETE FROM audit.sqlite_sequence")
            .execute(c)
            .unwrap();
        assert_eq!(audit::prune_before(conn, now_ms() + 1, false).unwrap(), 2);
        migrate(conn).unwrap();
        record(conn, &read_event(3));
        let seqs: Vec<i64> = schema::audit_log::table
            .select(schema::audit_log::seq)
            .load(conn)
            .unwrap();
        assert_eq!(seqs, vec![3]);
        let v = audit::verify(conn).unwrap();
        assert_eq!((v.rows, v.broken_at), (1, None));
    }
}
