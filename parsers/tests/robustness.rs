//! No input makes the parser panic or hang: arbitrary bytes, bytes that look like EDIFACT, and
//! damaged versions of real messages (property tests; the fuzz target in parsers/fuzz goes
//! further).

mod support;

use proptest::prelude::*;
use support::{fixture, parse};

/// Bytes biased towards EDIFACT: service segments, separators, line breaks, release characters.
fn edifactish() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        Just(b"UNA:+.? '".to_vec()),
        Just(b"UNA".to_vec()),
        Just(b"UNB+UNOA:4+A+B+1+1'".to_vec()),
        Just(b"UNH+1+PAXLST:D:05B:UN:IATA'".to_vec()),
        Just(b"UNH+1+PNRGOV:11:1:IA+X+01:C'".to_vec()),
        Just(b"UNT+".to_vec()),
        Just(b"UNZ+1+1'".to_vec()),
        Just(b"NAD+FL+++".to_vec()),
        Just(b"TDT+20+".to_vec()),
        Just(b"SRC'".to_vec()),
        Just(b"TIF+".to_vec()),
        Just(b"SSR+DOCS:HK::ZZ:::::/P/GBR/".to_vec()),
        Just(b"TRI++1:::1'TBD++99999999:1+++ZZ:1:999999:X'".to_vec()),
        Just(b"DTM+329:".to_vec()),
        Just(vec![b'+']),
        Just(vec![b':']),
        Just(vec![b'\'']),
        Just(vec![b'?']),
        Just(vec![b'\r', b'\n']),
        Just("\u{2019}".as_bytes().to_vec()),
        proptest::collection::vec(any::<u8>(), 0..8),
    ];
    proptest::collection::vec(token, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let msgs = parse(&bytes);
        prop_assert!(!msgs.is_empty());
        let _ = serde_json::to_string(&msgs).expect("serialisable");
    }

    #[test]
    fn edifact_like_bytes_never_panic(bytes in edifactish()) {
        let msgs = parse(&bytes);
        prop_assert!(!msgs.is_empty());
        for m in &msgs {
            for d in m.diagnostics() {
                prop_assert!(d.position <= bytes.len());
                prop_assert!(!d.message.is_empty());
            }
        }
    }

    #[test]
    fn damaged_fixtures_never_panic(cut in 0usize..1600, flip in 0usize..1600, byte in any::<u8>()) {
        for name in ["paxlst_d12b_type_b.edi", "pnrgov_15_1.edi", "paxlst_three_parts_in_a_log.edi"] {
            let mut b = fixture(name);
            if !b.is_empty() {
                let i = flip % b.len();
                b[i] = byte;
                b.truncate(cut.min(b.len()));
            }
            prop_assert!(!parse(&b).is_empty());
        }
    }
}

#[test]
fn a_large_manifest_is_read_in_reasonable_time() {
    // 20,000 travellers on one line: linear work, no quadratic rescans.
    let mut text = String::from(
        "UNB+UNOA:4+A+B+261129:0800+1'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'TDT+20+ZZ1+++ZZ'",
    );
    for i in 0..20_000 {
        text.push_str(&format!(
            "NAD+FL+++PERSON{i}:TEST'DTM+329:800101'DOC+P+X{i}'DTM+36:300101'"
        ));
    }
    text.push_str("UNT+1+1'UNZ+1+1'");
    let started = std::time::Instant::now();
    let msgs = parse(text.as_bytes());
    let paxrisk_parsers::Message::Paxlst(m) = &msgs[0] else {
        panic!("not PAXLST")
    };
    assert_eq!(m.travellers.len(), 20_000);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
}

/// Inputs built to make a careless parser quadratic; each must finish quickly.
#[test]
fn hostile_shapes_stay_linear() {
    let limit = std::time::Duration::from_secs(20);
    let mut cases: Vec<(&str, Vec<u8>)> = Vec::new();
    // A megabyte of line breaks inside one segment.
    let mut b = b"UNH+1+PAXLST:D:05B:UN:IATA'NAD+FL+++A".to_vec();
    b.extend(std::iter::repeat_n(b'\n', 1 << 20));
    b.extend_from_slice(b"B'");
    cases.push(("line breaks", b));
    // One PNR with 20,000 travellers, each linked by reference from PNR-level SSRs.
    let mut t = String::from("UNH+1+PNRGOV:11:1:IA'SRC'RCI+ZZ:ABC'");
    for i in 0..20_000 {
        t.push_str(&format!(
            "SSR+DOCS:HK:1:ZZ:::::/P/GBR/N{i}/GBR/01JAN80/M/01JAN30/S{i}/G+::{i}'"
        ));
    }
    for i in 0..20_000 {
        t.push_str(&format!("TIF+S{i}+G:A:{i}'"));
    }
    t.push_str("TVL+291126:0800+SIN+DXB+ZZ+1'SSR+SEAT:HK:1:ZZ+1A::5+1B::6'UNT+1+1'");
    cases.push(("big PNR", t.into_bytes()));
    // Thousands of service string advices.
    cases.push(("many UNA", b"UNA:+.? '".repeat(50_000)));
    // Thousands of messages without trailers.
    cases.push((
        "many UNH",
        b"UNH+1+PAXLST:D:05B:UN:IATA'NAD+FL+++X'".repeat(30_000),
    ));
    for (name, bytes) in cases {
        let started = std::time::Instant::now();
        let msgs = parse(&bytes);
        assert!(!msgs.is_empty(), "{name}");
        assert!(
            started.elapsed() < limit,
            "{name} took {:?}",
            started.elapsed()
        );
    }
}
