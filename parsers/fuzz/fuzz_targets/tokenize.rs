//! The syntax layer alone: locating data, UNA repair, tokenizing, envelopes, value access.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let read = paxrisk_parsers::edifact::read(data);
    for m in &read.messages {
        for s in &m.segments {
            assert!(s.position < data.len());
            for e in s.elements().take(16) {
                for c in e.components().take(16) {
                    let _ = m.charset.decode(&c.bytes());
                }
            }
        }
    }
});
