//! The watched intake folder: a file dropped in `DATA_DIR/intake/incoming/<carrier>/` is stored,
//! moved to `done/`, and becomes a flight; an empty file goes to `failed/`; nothing is deleted.

mod common;

use chrono::Utc;
use common::{manifest, Backend, TestApp};

#[test]
fn intake_folder_on_sqlite() {
    let Some(mut app) = TestApp::new(Backend::Sqlite) else {
        return;
    };
    app.user("folder-officer", "officer", None);
    app.start();
    let officer = app.login("folder-officer");
    let root = app.dir.path().join("intake");
    let now = Utc::now().naive_utc();
    let text = manifest(
        "720",
        now,
        now + chrono::Duration::hours(6),
        &[("FOLDERSON", "MIRA", "880808", "NOR", "QF0000720")],
        "01:F",
        "72",
    );
    std::fs::create_dir_all(root.join("incoming/ZZ")).unwrap();
    std::fs::write(root.join("incoming/ZZ/manifest.edi"), &text).unwrap();
    std::fs::write(root.join("incoming/empty.edi"), b"").unwrap();

    let mut done = false;
    for _ in 0..150 {
        if root.join("done/ZZ/manifest.edi").exists() && root.join("failed/empty.edi").exists() {
            done = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(done, "files were not moved to done/ and failed/");
    assert!(!root.join("incoming/ZZ/manifest.edi").exists());

    let mut found = None;
    for _ in 0..100 {
        let (_, m) = app.json("GET", "/api/v1/messages", Some(&officer), None);
        found = m["messages"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["status"] == "screened").cloned());
        if found.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let message = found.expect("the folder message was processed");
    assert_eq!(message["carrier"], "ZZ", "the sub-folder names the carrier");
    let (_, f) = app.json("GET", "/api/v1/flights", Some(&officer), None);
    assert!(f["flights"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["number"] == "720" && x["travellers"] == 1));
}
