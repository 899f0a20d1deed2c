//! Every PNRGOV file of the shared corpus yields all its PNRs (one per SRC segment) and keeps
//! every traveller. The SRC counts were taken by reading the files and agree with the independent
//! acceptance reader (`shared/acceptance/edi.py`); a few PNRs are checked field by field against
//! what the file says.

mod support;

use paxrisk_parsers::{Severity, SplitPnr};
use support::{corpus, counts, push};

/// (file under corpus/, PNRs = SRC segments)
const EXPECTED: &[(&str, usize)] = &[
    ("gtas-inline-test-strings/pnrgov/parsers-test__PnrUtilsTest__threeSrcSplit.edi", 3),
    ("gtas/_deleted/gtas-rulesvc/pnrForSingleRuleHits.txt", 127),
    ("gtas/_old_versions/6e96c48/gtas-parsers/pnr-messages/pnrEdge.txt", 1),
    ("gtas/_old_versions/750f777/gtas-parsers/pnr-messages/pnrPhoneCTCM.txt", 1),
    ("gtas/_old_versions/9f5d234/gtas-parsers/pnr-messages/pnrPhoneCTC_M.txt", 1),
    ("gtas/gtas-loader/pnr-messages/2_pnrs_basic.edi", 2),
    ("gtas/gtas-loader/pnr-messages/3_pnrs.edi", 3),
    ("gtas/gtas-loader/pnr-messages/adult_and_infant.edi", 1),
    ("gtas/gtas-loader/pnr-messages/codeshare.edi", 2),
    ("gtas/gtas-loader/pnr-messages/infant.edi", 1),
    ("gtas/gtas-loader/pnr-messages/multiple_flight_leg_pnr.txt", 1),
    ("gtas/gtas-loader/pnr-messages/no_pnr_history.edi", 3),
    ("gtas/gtas-loader/pnr-messages/pnr1.txt", 1),
    ("gtas/gtas-loader/pnr-messages/pnr2.txt", 1),
    ("gtas/gtas-loader/pnr-messages/pnr3.txt", 1),
    ("gtas/gtas-loader/pnr-messages/pnr4.txt", 1),
    ("gtas/gtas-loader/pnr-messages/pnrMessageExample.txt", 1),
    ("gtas/gtas-loader/pnr-messages/pnr_split.edi", 2),
    ("gtas/gtas-parsers/pnr-messages/bigMessagePnr.txt", 1),
    ("gtas/gtas-parsers/pnr-messages/bigbigPnr.txt", 47),
    ("gtas/gtas-parsers/pnr-messages/danglingMetaCharacter.txt", 1),
    ("gtas/gtas-parsers/pnr-messages/modifyPnr77ForCodeShare.txt", 1),
    ("gtas/gtas-parsers/pnr-messages/pnrAddressPhoneCTCM.txt", 1),
    ("gtas/gtas-parsers/pnr-messages/pnrBadFormat.txt", 1),
    ("gtas/gtas-parsers/pnr-messages/pnrEdge.txt", 1),
    ("gtas/gtas-parsers/pnr-messages/pnrMessage.txt", 1),
    ("gtas/gtas-parsers/pnr-messages/pnrMessageExample.txt", 1),
    ("gtas/gtas-parsers/pnr-messages/pnrMessagePg75.txt", 2),
    ("gtas/gtas-parsers/pnr-messages/pnrMessagePg76.txt", 1),
    ("gtas/gtas-parsers/pnr-messages/pnrMessagePg77.txt", 1),
    ("gtas/gtas-parsers/pnr-messages/pnrNoOrgMsg.txt", 1),
    ("gtas/gtas-parsers/pnr-messages/pnrPhoneCTCM.txt", 1),
    ("gtas/gtas-parsers/pnr-messages/pnrPhoneCTC_M.txt", 1),
    ("gtas/gtas-parsers/pnr-messages/pnrSeatFormats.txt", 1),
    ("gtas/gtas-parsers/pnr-messages/pnrWithBags.txt", 127),
    ("gtas/gtas-parsers/pnr-messages/pnrWithDoco.txt", 1),
    ("gtas/gtas-parsers/pnr-messages/pnrWithIFTSegment.txt", 1),
    ("gtas/gtas-parsers/pnr-messages/pnrWithPrefixesAndBookingDetailBags.txt", 1),
    ("gtas/synthetic-2017/Synthetic PNR_Stories for Demo/Story_1_Human Trafficking_KE94_IAD_ICN_20170420 1335_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic PNR_Stories for Demo/Story_2_First Class Cash_UA123_LHR_IAD_20170420 0730_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic PNR_Stories for Demo/Story_3_Biological Event_20170420_Biological Event_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/01_25_00805_01072_AF54_CDG_IAD_20170420 1325_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/02_35_01073_01340_AM622_MEX_IAD_20170420 1820_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/03_46_01341_01608_AT218_CMN_IAD_20170421 1650_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/04_61_01609_01876_AT526_CKY_CMN_20170420 0225_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/05_15_01877_02144_BA217_LHR_IAD_20170421 0940_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/06_38_02145_02412_CM304_PTY_IAD_20170421 0915_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/07_39_02413_02680_CM488_PTY_IAD_20170421 1858_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/08_45_02681_02949_EI119_DUB_IAD_20170421 1230_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/09_29_02950_03218_EK231_DXB_IAD_20170421 0220_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/10_43_03219_03487_ET500_DUB_IAD_20170421 0545_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/11_52_03488_03756_EY131_AUH_IAD_20170421 1050_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/12_51_03757_04025_FI645_KEF_IAD_20170421 1650_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/13_26_04026_04294_KE93_ICN_IAD_20170421 1030_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/14_28_04294_04561_KL651_AMS_IAD_20170421 1320_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/15_22_04562_04829_LH418_FRA_IAD_20170421 1315_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/16_19_04830_05097_NH2_NRT_IAD_20170421 1100_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/17_57_05098_05365_OS93_VIE_IAD_20170421 1030_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/18_50_05366_05633_QR707_DOH_IAD_20170421 0818_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/19_41_05634_05901_SA207_DKR_IAD_20170421 0155_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/20_47_05902_06169_SA209_ACC_IAD_20170421 2335_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/21_42_06170_06437_SA6149_NAS_IAD_20170422 1202_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/22_55_06438_06705_SK925_CPH_IAD_20170421 1220_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/23_48_06706_06973_SV35_JED_IAD_20170421 0550_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/24_49_06974_07241_SV37_RUH_IAD_20170421 0550_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/25_56_07242_07509_TK7_IST_IAD_20170421 1445_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/26_17_07510_07777_UA919_LHR_IAD_20170421 1200_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/27_18_07778_08045_UA925_LHR_IAD_20170421 1640_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/28_20_08046_08313_UA804_NRT_IAD_20170421 1600_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/29_21_08314_08581_UA988_FRA_IAD_20170421 1220_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/30_23_08582_08849_UA933_FRA_IAD_20170421 1710_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/31_24_08850_09117_UA914_CDG_IAD_20170421 1225_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/32_27_09118_09385_UA947_AMS_IAD_20170421 1200_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/33_30_09386_09653_UA808_PEK_IAD_20170421 1825_PNR.txt", 263),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/34_31_09654_09921_UA860_GRU_IAD_20170421 2120_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/35_32_00001_00268_UA1694_CUN_IAD_20170421 1055_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/36_33_00269_00536_UA1133_CUN_IAD_20170421 1550_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/37_34_00537_00804_UA1567_MEX_IAD_20170421 0945_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/38_36_00805_01072_UA4664_YUL_IAD_20170421 0950_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/39_37_01073_01340_UA6034_YUL_IAD_20170421 1929_PNR.txt", 264),
    ("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/40_40_01341_01608_UA1932_MBJ_IAD_20170422 1148_PNR.txt", 264),
];

fn read(rel: &str) -> Option<Vec<u8>> {
    let dir = corpus()?;
    Some(std::fs::read(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}")))
}

#[test]
fn every_pnrgov_file_yields_all_its_pnrs() {
    let Some(dir) = corpus() else { return };
    let mut wrong = Vec::new();
    for (rel, want) in EXPECTED {
        let bytes = std::fs::read(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let (_, got) = counts(&bytes);
        if got != *want {
            wrong.push(format!("{rel}: {got} PNRs instead of {want}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_pnr_loses_a_named_traveller() {
    // Every TIF outside the check-in and history groups is a traveller, with or without DOCS.
    let Some(bytes) = read("gtas/gtas-loader/pnr-messages/3_pnrs.edi") else {
        return;
    };
    let p = push(&bytes);
    let names: Vec<Vec<(&str, &str)>> = p
        .pnrs
        .iter()
        .map(|x| {
            x.travellers
                .iter()
                .map(|t| (t.surname.as_str(), t.given_names.as_str()))
                .collect()
        })
        .collect();
    assert_eq!(names[0], [("VANDENBERG", "KEVINMICHAEL")]);
    assert_eq!(
        names[1],
        [("DYE", "DOLAN"), ("DYE", "KAYLA"), ("DYE", "ARCHER")]
    );
    // TIF+ACME TEAM PARTY:G names the group, not a person; the six TBA seats are travellers.
    assert_eq!(names[2].len(), 9);
    assert!(p.pnrs[2]
        .remarks
        .iter()
        .any(|r| r == "GROUP ACME TEAM PARTY"));
    assert!(
        p.pnrs[1].travellers[2].infant,
        "ARCHER is the infant (TIF type IN)"
    );
    assert_eq!(
        p.pnrs[1].travellers[2].date_of_birth.as_deref(),
        Some("2012-04-15")
    );
}

#[test]
fn pnr_with_history_and_two_travellers() {
    let Some(bytes) = read("gtas/gtas-parsers/pnr-messages/pnrMessage.txt") else {
        return;
    };
    let p = push(&bytes);
    assert_eq!(
        (p.flight.carrier.as_str(), p.flight.number.as_str()),
        ("DL", "324")
    );
    assert_eq!(
        p.flight.legs[0].departure_local.as_deref(),
        Some("2010-12-12T09:15")
    );
    let pnr = &p.pnrs[0];
    assert_eq!(pnr.record_locator, "MFN4TI");
    assert_eq!(pnr.booking_date.as_deref(), Some("2010-12-06T10:10"));
    assert_eq!(pnr.agency.as_deref(), Some("52519950"));
    let smith = &pnr.travellers[0];
    assert_eq!(
        (smith.surname.as_str(), smith.given_names.as_str()),
        ("SMITHJR", "JOHN")
    );
    assert_eq!(
        (smith.date_of_birth.as_deref(), smith.gender.as_deref()),
        (Some("1964-07-12"), Some("M"))
    );
    let d = &smith.documents[0];
    assert_eq!((d.doc_type.as_str(), d.number.as_str()), ("P", "123456789"));
    assert_eq!(
        (d.issuing_country.as_deref(), d.expiry.as_deref()),
        (Some("GBR"), Some("2019-08-23"))
    );
    assert_eq!(
        smith.seat.as_deref(),
        Some("15A"),
        "seat on the pushed flight LHR-JFK"
    );
    let jones = &pnr.travellers[1];
    assert_eq!(
        (jones.surname.as_str(), jones.given_names.as_str()),
        ("JONES", "WILLIAM")
    );
    assert!(
        jones.documents.is_empty(),
        "DOCS without a document number gives no document"
    );
    assert_eq!(jones.seat.as_deref(), Some("15B"));
    // The itinerary excludes the history's cancelled segments and the hotel (MSG+8).
    let it: Vec<_> = pnr
        .itinerary
        .iter()
        .map(|s| (s.origin.as_str(), s.destination.as_str(), s.number.as_str()))
        .collect();
    assert_eq!(it, [("LHR", "JFK", "324"), ("JFK", "YVR", "330")]);
    assert_eq!(
        pnr.itinerary[0].arrival_local.as_deref(),
        Some("2010-12-12T12:30")
    );
    assert!(pnr.history.iter().any(|h| h.starts_with("ABI+")));
    assert_eq!(pnr.payments[0].payment_type, "CC");
    assert_eq!(pnr.payments[0].card.as_deref(), Some("XXXXXXXX1186"));
    assert_eq!(pnr.frequent_flyer, ["DL1234567890", "AF0093789865"]);
    // Gr.8 `EQN+1'RCI+DL:ABCDEF'`: one traveller was split into PNR ABCDEF.
    assert_eq!(
        pnr.splits,
        [SplitPnr {
            record_locator: "ABCDEF".into(),
            travellers: Some(1)
        }]
    );
}

#[test]
fn split_pnr_names_the_other_record() {
    let Some(bytes) = read("gtas/gtas-loader/pnr-messages/pnr_split.edi") else {
        return;
    };
    let p = push(&bytes);
    let locators: Vec<_> = p.pnrs.iter().map(|x| x.record_locator.as_str()).collect();
    assert_eq!(locators, ["ICOXXX", "BJOXXX"]);
    // Only the second PNR ends with `EQN+1'RCI+AM:ZLMXXX::110513:114800'`; the RCI segments
    // inside the flight groups are not splits.
    assert!(p.pnrs[0].splits.is_empty());
    assert_eq!(
        p.pnrs[1].splits,
        [SplitPnr {
            record_locator: "ZLMXXX".into(),
            travellers: Some(1)
        }]
    );
    assert_eq!(
        p.pnrs[1].record_locator, "BJOXXX",
        "the split's RCI is not the PNR's"
    );
}

#[test]
fn infant_on_lap_with_curly_quote_una() {
    let Some(bytes) = read("gtas/gtas-loader/pnr-messages/infant.edi") else {
        return;
    };
    let p = push(&bytes);
    let t = &p.pnrs[0].travellers;
    assert_eq!(t.len(), 2);
    assert_eq!(
        (t[0].given_names.as_str(), t[0].infant),
        ("ISABELLE", false)
    );
    assert_eq!(t[0].date_of_birth.as_deref(), Some("1978-07-01"));
    assert_eq!(t[0].documents[0].number, "509229987");
    // The infant's DOCS (gender FI) arrives under the mother's TIF; it belongs to SOPHY.
    assert_eq!((t[1].given_names.as_str(), t[1].infant), ("SOPHY", true));
    assert_eq!(t[1].date_of_birth.as_deref(), Some("2012-09-20"));
    assert_eq!(t[1].documents[0].number, "512731999");
    assert_eq!(t[0].bag_count, Some(3));
    assert!(
        p.diagnostics.iter().any(|d| d.segment == "UNA"),
        "the repaired UNA is reported"
    );
}

#[test]
fn infant_known_only_from_docs_and_inft() {
    let Some(bytes) = read("gtas/gtas-loader/pnr-messages/adult_and_infant.edi") else {
        return;
    };
    let p = push(&bytes);
    let t = &p.pnrs[0].travellers;
    assert_eq!(t.len(), 2);
    assert_eq!(
        (t[0].surname.as_str(), t[0].given_names.as_str()),
        ("TESTSURNAMEONE", "TESTNAMEONE")
    );
    assert_eq!(t[0].date_of_birth.as_deref(), Some("1976-05-30"));
    assert!(t[1].infant);
    assert_eq!(t[1].date_of_birth.as_deref(), Some("2011-08-10"));
    assert_eq!(t[1].documents[0].number, "AO234000");
}

#[test]
fn codeshare_and_eight_character_una() {
    let Some(bytes) = read("gtas/gtas-loader/pnr-messages/codeshare.edi") else {
        return;
    };
    let p = push(&bytes);
    let locators: Vec<_> = p.pnrs.iter().map(|x| x.record_locator.as_str()).collect();
    assert_eq!(locators, ["2LS6KP", "X49V9U"]);
    let s = &p.pnrs[0].itinerary[0];
    assert_eq!(
        (
            s.carrier.as_str(),
            s.operating_carrier.as_deref(),
            s.number.as_str()
        ),
        ("KE", Some("SQ"), "609")
    );
    let park = &p.pnrs[0].travellers[0];
    assert_eq!(
        (park.surname.as_str(), park.given_names.as_str()),
        ("PARK", "SEJOON")
    );
    assert_eq!(
        park.nationality.as_deref(),
        Some("KOR"),
        "the three-letter code of the second DOCS wins"
    );
    assert_eq!(
        park.documents.len(),
        1,
        "the same passport sent twice is one document"
    );
    assert_eq!(p.pnrs[0].created.as_deref(), Some("2013-05-20T04:39"));
}

#[test]
fn dangling_separators_and_airimp_email() {
    let Some(bytes) = read("gtas/gtas-parsers/pnr-messages/danglingMetaCharacter.txt") else {
        return;
    };
    let p = push(&bytes);
    let pnr = &p.pnrs[0];
    assert_eq!(pnr.record_locator, "BGXFR4");
    assert!(pnr
        .contacts
        .iter()
        .any(|c| c.kind == "email" && c.value == "REUBEN_SERIO@GMAIL.COM"));
    let t = &pnr.travellers[0];
    assert_eq!(
        (t.surname.as_str(), t.given_names.as_str()),
        ("SERIO", "REUBEN")
    );
    assert_eq!(t.documents[0].expiry.as_deref(), Some("2028-04-20"));
    assert_eq!(pnr.itinerary.len(), 3);
    assert_eq!(
        t.seat.as_deref(),
        Some("1A"),
        "the seat on the pushed flight JFK-MBJ"
    );
}

#[test]
fn trailing_junk_and_broken_header() {
    let Some(bytes) = read("gtas/gtas-parsers/pnr-messages/pnrBadFormat.txt") else {
        return;
    };
    let p = push(&bytes);
    assert_eq!(
        p.envelope.common_access_ref.as_deref(),
        Some("AUTZ000623052013221001SIN20130528"),
        "UNH broken across lines"
    );
    assert_eq!(p.pnrs[0].travellers.len(), 2);
    assert_eq!(
        p.pnrs[0].travellers[0].date_of_birth.as_deref(),
        Some("1953-02-05")
    );
    assert!(p
        .diagnostics
        .iter()
        .any(|d| d.segment == "UNZ" && d.message.contains("ignored")));
}

#[test]
fn glued_segment_still_yields_its_traveller() {
    // `ORG+...+9TIF+KIM...` lost its terminator: KIM is found again in the check-in group.
    let Some(bytes) = read("gtas/gtas-parsers/pnr-messages/pnrMessagePg75.txt") else {
        return;
    };
    let p = push(&bytes);
    assert_eq!(p.pnrs[1].travellers.len(), 1);
    assert_eq!(p.pnrs[1].travellers[0].surname, "KIM");
    assert_eq!(
        p.pnrs[1].travellers[0].date_of_birth.as_deref(),
        Some("1957-02-15")
    );
    assert!(p
        .diagnostics
        .iter()
        .any(|d| d.segment == "TIF" && d.severity == Severity::Warning));
}

#[test]
fn junk_line_inside_a_push_costs_only_itself() {
    let Some(bytes) = read("gtas/synthetic-2017/Synthetic_PNR_Messages_20170419_20170421/33_30_09386_09653_UA808_PEK_IAD_20170421 1825_PNR.txt") else { return };
    let p = push(&bytes);
    assert_eq!(p.pnrs.len(), 263);
    let junk: Vec<_> = p
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert_eq!(junk.len(), 1, "{junk:?}");
}
