//! The syntax layer through the public entry point: where data start, several interchanges and
//! messages in one buffer, messages without an interchange, and envelope checks.

mod support;

use paxrisk_parsers::{Message, Severity};
use support::{manifest, parse};

const BODY: &str = "UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'TDT+20+ZZ1+++ZZ'LOC+125+SIN'LOC+87+DXB'NAD+FL+++ROE:ANN'UNT+7+1'";

#[test]
fn message_without_interchange() {
    let m = manifest(BODY.as_bytes());
    assert_eq!(m.travellers[0].surname, "ROE");
    assert!(m.diagnostics.is_empty(), "{:?}", m.diagnostics);
}

#[test]
fn two_interchanges_in_one_buffer_each_with_its_una() {
    let a = format!("UNA:+.? 'UNB+UNOA:4+A+B+261129:0800+1'{BODY}UNZ+1+1'");
    let b = "UNA:*.? $UNB*UNOA:4*A*B*261129:0800*2$UNH*1*PAXLST:D:05B:UN:IATA$BGM*745$NAD*FL***POE:BEN$UNT*4*1$UNZ*1*2$";
    let msgs = parse(format!("{a}\r\n{b}").as_bytes());
    let names: Vec<_> = msgs
        .iter()
        .map(|m| match m {
            Message::Paxlst(x) => x.travellers[0].surname.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(names, ["ROE", "POE"]);
}

#[test]
fn one_line_crlf_and_indented_files_read_alike() {
    let one = format!("UNB+UNOA:4+A+B+261129:0800+1'{BODY}UNZ+1+1'");
    let crlf = one.replace('\'', "'\r\n");
    let indented = one.replace('\'', "'\n   ");
    for text in [one, crlf, indented] {
        let m = manifest(text.as_bytes());
        assert_eq!(m.travellers.len(), 1);
        assert!(m.diagnostics.is_empty(), "{:?}", m.diagnostics);
    }
}

#[test]
fn missing_trailers_are_reported_not_fatal() {
    let text =
        "UNB+UNOA:4+A+B+261129:0800+1'UNH+1+PAXLST:D:05B:UN:IATA'NAD+FL+++ROE:ANN'NAD+FL+++DOE:JO'";
    let m = manifest(text.as_bytes());
    assert_eq!(m.travellers.len(), 2);
    assert!(m
        .diagnostics
        .iter()
        .any(|d| d.message.contains("without a UNT")));
    assert!(m.diagnostics.iter().any(|d| d.message.contains("no UNZ")));
    assert!(m.diagnostics.iter().all(|d| d.severity != Severity::Error));
}

#[test]
fn unz_counts_groups_when_there_are_groups() {
    let text = format!(
        "UNB+UNOA:4+A+B+261129:0800+R1'UNG+PAXLST+A+B+261129:0800+G1+UN+D:05B'{BODY}{}UNE+2+G1'UNZ+1+R1'",
        BODY.replace("UNH+1+", "UNH+2+").replace("UNT+7+1'", "UNT+7+2'")
    );
    let msgs = parse(text.as_bytes());
    assert_eq!(msgs.len(), 2);
    let all: Vec<_> = msgs.iter().flat_map(|m| m.diagnostics()).collect();
    assert!(all.is_empty(), "{all:?}");
}

#[test]
fn wrong_unz_count_and_reference() {
    let text = format!("UNB+UNOA:4+A+B+261129:0800+R1'{BODY}UNZ+3+R2'");
    let m = manifest(text.as_bytes());
    let msgs: Vec<_> = m.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(
        msgs.contains(&"UNZ declares 3 messages but the interchange has 1."),
        "{msgs:?}"
    );
    assert!(
        msgs.contains(&"UNZ reference 'R2' does not match the UNB reference 'R1'."),
        "{msgs:?}"
    );
}

#[test]
fn repetition_separator_is_not_split_by_default() {
    let text = format!("UNA:+.?*'UNB+UNOA:4+APIS*C3K:ZZ+B+261129:0800+1'{BODY}UNZ+1+1'");
    let m = manifest(text.as_bytes());
    assert_eq!(m.envelope.sender.as_deref(), Some("APIS*C3K"));
}

#[test]
fn a_name_containing_unh_does_not_start_a_message() {
    let text = "UNB+UNOA:4+A+B+261129:0800+1'UNH+1+PAXLST:D:05B:UN:IATA'NAD+FL+++DUNH:UNB'UNT+3+1'UNZ+1+1'";
    let m = manifest(text.as_bytes());
    assert_eq!(
        (
            m.travellers[0].surname.as_str(),
            m.travellers[0].given_names.as_str()
        ),
        ("DUNH", "UNB")
    );
}
