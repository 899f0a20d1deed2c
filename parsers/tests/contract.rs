//! The JSON of `paxrisk parse` (DESIGN.md, "Interfaces that others rely on"): field names and
//! shapes the server, the CLI and outside tests depend on.

mod support;

use serde_json::{json, Value};
use support::parse;

const D05B: &str = "UNA:+.? 'UNB+UNOA:4+ZZAIR+CUSTOMS+261129:0800+1'UNG+PAXLST+ZZAIR+CUSTOMS+261129:0800+1+UN+D:05B'\
UNH+1+PAXLST:D:05B:UN:IATA+ZZ101/261129/0800+01:F'BGM+745'NAD+MS+++OPERATIONS:ZZ'TDT+20+ZZ101+++ZZ'\
LOC+125+SIN'DTM+189:2611290800:201'LOC+87+DXB'DTM+232:2611291130:201'\
NAD+FL+++DOE:JANE ANN'ATT+2++F'DTM+329:800201'NAT+2+GBR'DOC+P:110:111+123456789'DTM+36:300101'LOC+91+GBR'\
CNT+42:1'UNT+17+1'UNE+1+1'UNZ+1+1'";

fn json_of(bytes: &[u8]) -> Value {
    serde_json::to_value(parse(bytes)).expect("serialisable")
}

#[test]
fn paxlst_shape_matches_design() {
    let v = json_of(D05B.as_bytes());
    let m = &v[0];
    assert_eq!(m["type"], "PAXLST");
    assert_eq!(
        m["part"],
        json!({"sequence": 1, "first": true, "last": true})
    );
    assert_eq!(m["flight"]["carrier"], "ZZ");
    assert_eq!(m["flight"]["number"], "101");
    assert_eq!(
        m["flight"]["legs"][0],
        json!({"origin": "SIN", "destination": "DXB", "departure_local": "2026-11-29T08:00", "arrival_local": "2026-11-29T11:30"})
    );
    let t = &m["travellers"][0];
    assert_eq!(t["kind"], "passenger");
    assert_eq!(t["surname"], "DOE");
    assert_eq!(t["given_names"], "JANE ANN");
    assert_eq!(t["date_of_birth"], "1980-02-01");
    assert_eq!(t["gender"], "F");
    assert_eq!(t["nationality"], "GBR");
    assert_eq!(
        t["documents"],
        json!([{"type": "P", "number": "123456789", "issuing_country": "GBR", "expiry": "2030-01-01"}])
    );
    assert_eq!(m["diagnostics"], json!([]));
}

#[test]
fn diagnostics_have_the_contract_fields() {
    let broken = D05B.replace("UNT+17+1", "UNT+5+1");
    let v = json_of(broken.as_bytes());
    let d = &v[0]["diagnostics"][0];
    for key in ["severity", "segment", "position", "message"] {
        assert!(d.get(key).is_some(), "{key} missing in {d}");
    }
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["segment"], "UNT");
    assert_eq!(d["position"], D05B.find("UNT+").expect("UNT in the text"));
}

#[test]
fn pnrgov_shape() {
    let text = "UNB+IATA:1+ZZ+GOV+261129:0700+1'UNH+1+PNRGOV:11:1:IA+X'MSG+:22'TVL+291126:0800+SIN+DXB+ZZ+101'EQN+1'\
SRC'RCI+ZZ:ABC123'TIF+DOE+JANEMS:A:1'TVL+291126:0800:291126:1130+SIN+DXB+ZZ+101'UNT+9+1'UNZ+1+1'";
    let v = json_of(text.as_bytes());
    let m = &v[0];
    assert_eq!(m["type"], "PNRGOV");
    let p = &m["pnrs"][0];
    assert_eq!(p["record_locator"], "ABC123");
    assert_eq!(p["travellers"][0]["surname"], "DOE");
    assert_eq!(
        p["travellers"][0]["given_names"], "JANEMS",
        "a glued MS is kept without DOCS to confirm it"
    );
    assert_eq!(p["itinerary"][0]["origin"], "SIN");
    assert_eq!(m["diagnostics"], json!([]));
}

#[test]
fn unsupported_and_empty_inputs() {
    let v = json_of(b"UNB+UNOB:2+A+B+261129:0700+1'UNH+1+CUSCAR:D:95B:UN'BGM+85'UNT+3+1'UNZ+1+1'");
    assert_eq!(v[0]["type"], "CUSCAR");
    assert_eq!(
        v[0]["diagnostics"][0]["message"],
        "unsupported message type CUSCAR"
    );
    assert!(v[0].get("travellers").is_none());

    assert!(
        !parse(b"UNH+1+CUSCAR:D:95B:UN'UNT+2+1'")[0].is_none_found(),
        "a CUSCAR is a message"
    );
    for input in [&b""[..], b"   \n", b"hello world, no edifact here"] {
        let msgs = parse(input);
        assert!(msgs.len() == 1 && msgs[0].is_none_found() && !msgs[0].is_supported());
        let v = json_of(input);
        assert_eq!(v.as_array().map(Vec::len), Some(1));
        assert_eq!(v[0]["type"], "UNKNOWN");
        assert_eq!(v[0]["diagnostics"][0]["severity"], "error");
    }
}

#[test]
fn messages_round_trip_through_json() {
    for m in parse(D05B.as_bytes()) {
        let text = serde_json::to_string(&m).expect("serialisable");
        let back: paxrisk_parsers::Message = serde_json::from_str(&text).expect("deserialisable");
        assert_eq!(back, m);
    }
    let other = parse(b"UNH+1+CUSCAR:D:95B:UN'UNT+2+1'");
    let text = serde_json::to_string(&other[0]).expect("serialisable");
    let back: paxrisk_parsers::Message = serde_json::from_str(&text).expect("deserialisable");
    assert_eq!(back, other[0]);
}

#[test]
fn file_json_wraps_messages() {
    let v = paxrisk_parsers::file_json("a.edi", &parse(D05B.as_bytes()));
    assert_eq!(v["file"], "a.edi");
    assert_eq!(v["messages"][0]["type"], "PAXLST");
}
