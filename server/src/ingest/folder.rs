//! The watched intake folder: `DATA_DIR/intake/incoming/` (a sub-folder named after a carrier
//! code, e.g. `incoming/ZZ/`, marks that carrier's files). A file is stored first and only then
//! moved to `done/`; a file that cannot be read or is empty goes to `failed/`. Nothing is deleted.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::intake::{self, Source};
use crate::db::{DbConnection, DbError};

/// The three folders under the data directory.
pub struct Folders {
    pub incoming: PathBuf,
    pub done: PathBuf,
    pub failed: PathBuf,
}

impl Folders {
    /// The intake folders of a data directory, created if missing.
    pub fn under(data_dir: &Path) -> std::io::Result<Folders> {
        let root = data_dir.join("intake");
        let f = Folders {
            incoming: root.join("incoming"),
            done: root.join("done"),
            failed: root.join("failed"),
        };
        for d in [&f.incoming, &f.done, &f.failed] {
            std::fs::create_dir_all(d)?;
        }
        Ok(f)
    }
}

/// A file is taken once it has not changed for this long (a writer may still be copying it).
const SETTLE: Duration = Duration::from_millis(500);

fn carrier_of(rel: &Path) -> Option<String> {
    let mut parts = rel.components();
    let first = parts.next()?.as_os_str().to_str()?;
    parts.next()?; // the file itself must be below the carrier folder
    let ok = (2..=3).contains(&first.len()) && first.chars().all(|c| c.is_ascii_alphanumeric());
    ok.then(|| first.to_ascii_uppercase())
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if !p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'))
        {
            out.push(p);
        }
    }
}

/// Moves `path` (relative `rel` to incoming) below `to`, keeping its sub-folder; never overwrites.
fn move_to(path: &Path, rel: &Path, to: &Path) -> std::io::Result<()> {
    let mut target = to.join(rel);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut n = 1;
    while target.exists() {
        target = to.join(format!("{}.{n}", rel.display()));
        n += 1;
    }
    std::fs::rename(path, target)
}

/// Takes every settled file in `incoming`; returns how many were stored.
pub fn sweep(
    conn: &mut DbConnection,
    config: &crate::config::Config,
    folders: &Folders,
) -> Result<usize, DbError> {
    let mut found = Vec::new();
    files(&folders.incoming, &mut found);
    found.sort();
    let now = SystemTime::now();
    let mut stored = 0;
    for path in found {
        let settled = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .map(|t| now.duration_since(t).unwrap_or_default() >= SETTLE)
            .unwrap_or(false);
        if !settled {
            continue;
        }
        let rel = path
            .strip_prefix(&folders.incoming)
            .unwrap_or(&path)
            .to_path_buf();
        match std::fs::read(&path) {
            Ok(bytes) if !bytes.iter().all(u8::is_ascii_whitespace) => {
                let carrier = carrier_of(&rel);
                let a = intake::accept(
                    conn,
                    config,
                    &bytes,
                    carrier.as_deref(),
                    None,
                    Source::Folder,
                )?;
                tracing::info!(message_id = %a.id, duplicate = a.duplicate, "intake folder file stored");
                if let Err(e) = move_to(&path, &rel, &folders.done) {
                    tracing::warn!(error = %e, "stored file could not be moved to done/");
                }
                stored += 1;
            }
            Ok(_) | Err(_) => {
                tracing::warn!("intake folder file empty or unreadable; moved to failed/");
                let _ = move_to(&path, &rel, &folders.failed);
            }
        }
    }
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carrier_comes_from_a_short_sub_folder_only() {
        assert_eq!(carrier_of(Path::new("zz/a.edi")).as_deref(), Some("ZZ"));
        assert_eq!(carrier_of(Path::new("a.edi")), None);
        assert_eq!(carrier_of(Path::new("archive/a.edi")), None);
    }
}
