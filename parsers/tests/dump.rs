//! `cargo test -p paxrisk-parsers --test dump -- --ignored --nocapture FILE` style helper:
//! prints the `paxrisk parse` JSON of the files named in PAXRISK_DUMP (for reading output by eye
//! while writing expectations; it asserts nothing and is ignored by default).

#[test]
#[ignore = "a development aid, run by hand"]
fn dump() {
    let Ok(files) = std::env::var("PAXRISK_DUMP") else {
        return;
    };
    for f in files.split(',') {
        let bytes = std::fs::read(f).expect("readable file");
        let msgs = paxrisk_parsers::parse_with(
            &bytes,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
        );
        println!(
            "{}",
            serde_json::to_string_pretty(&paxrisk_parsers::file_json(f, &msgs)).unwrap()
        );
    }
}
