//! Whole pipeline: bytes → messages → JSON. Any panic, hang or oversized allocation is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).expect("valid date");
    let messages = paxrisk_parsers::parse_with(data, today);
    assert!(
        !messages.is_empty(),
        "parse always yields at least one message"
    );
    for m in &messages {
        for d in m.diagnostics() {
            assert!(d.position <= data.len());
        }
    }
});
