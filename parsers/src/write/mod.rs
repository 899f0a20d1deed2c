//! Writers: typed messages back to UN/EDIFACT interchanges.
//!
//! They exist for synthetic traffic (`paxrisk generate`, demos, benchmarks) and for round-trip
//! tests of the parsers, so they write what the model holds, in the shape the parsers read, with
//! correct control counts and escaping. Each call yields one interchange holding one message.

mod dates;
mod paxlst;
mod pnrgov;
mod syntax;

pub use paxlst::write_paxlst;
pub use pnrgov::write_pnrgov;

use crate::model::{CompactString, Envelope, Flight};

/// How the envelope is written. Every `None` falls back to the message's own [`Envelope`] (so a
/// parsed message is written back with its references), then to a default derived from the flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOptions {
    /// UNB/UNG sender; default: the carrier code followed by `AIR` (`ZZAIR`).
    pub sender: Option<String>,
    /// UNB/UNG recipient; default `CUSTOMS` for PAXLST, `PNRGOV` for PNRGOV.
    pub recipient: Option<String>,
    /// Interchange (and group) control reference; default `1`.
    pub interchange_ref: Option<String>,
    /// UNH message reference; default `1`.
    pub message_ref: Option<String>,
    /// UNH common access reference (the flight key shared by all parts); default
    /// `ZZ101/261129/0800` (carrier and number / local departure date / time).
    pub common_access_ref: Option<String>,
    /// Preparation date and time as `YYYY-MM-DDTHH:MM`; default: the first leg's departure.
    /// Never the clock, so that output is reproducible.
    pub prepared: Option<String>,
    /// Syntax identifier (`UNOA`, `UNOC`, `UNOW`, `IATA`); default: the message's, or the
    /// smallest repertoire that holds the values (`UNOA` / `IATA` for plain upper-case text).
    pub syntax: Option<String>,
    /// Write UNG/UNE around the message (the IGs do; some carriers don't).
    pub functional_group: bool,
    /// A newline after each segment terminator, as most carriers send.
    pub line_breaks: bool,
    /// UNB test indicator (0035 = 1).
    pub test: bool,
    /// PNRGOV MSG function: `22` full push (default) or `141` changed PNRs only.
    pub pnr_function: Option<String>,
    /// PNRGOV EQN: PNRs in the whole push across parts; default: the PNRs in this message.
    pub pnr_total: Option<u32>,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            sender: None,
            recipient: None,
            interchange_ref: None,
            message_ref: None,
            common_access_ref: None,
            prepared: None,
            syntax: None,
            functional_group: true,
            line_breaks: true,
            test: false,
            pnr_function: None,
            pnr_total: None,
        }
    }
}

/// The envelope values of one message, resolved from options, model and defaults.
struct Resolved {
    sender: String,
    recipient: String,
    interchange_ref: String,
    message_ref: String,
    access: String,
    date: String,
    time: String,
}

fn resolve(opts: &WriteOptions, env: &Envelope, flight: &Flight, recipient: &str) -> Resolved {
    let pick = |o: &Option<String>, e: &Option<CompactString>| {
        o.clone().or_else(|| e.as_deref().map(String::from))
    };
    let departure = flight
        .legs
        .first()
        .and_then(|l| l.departure_local.as_deref());
    let (date, time) = opts
        .prepared
        .as_deref()
        .or(departure)
        .and_then(dates::stamp)
        .unwrap_or_else(|| ("000101".into(), "0000".into()));
    let access = pick(&opts.common_access_ref, &env.common_access_ref).unwrap_or_else(|| {
        let when = departure.map(|d| dates::yymmddhhmm(d)).unwrap_or_default();
        match when.len() {
            10 => format!(
                "{}{}/{}/{}",
                flight.carrier,
                flight.number,
                &when[..6],
                &when[6..]
            ),
            _ => format!("{}{}", flight.carrier, flight.number),
        }
    });
    Resolved {
        sender: pick(&opts.sender, &env.sender).unwrap_or_else(|| format!("{}AIR", flight.carrier)),
        recipient: pick(&opts.recipient, &env.recipient).unwrap_or_else(|| recipient.into()),
        interchange_ref: pick(&opts.interchange_ref, &env.interchange_ref)
            .unwrap_or_else(|| "1".into()),
        message_ref: pick(&opts.message_ref, &env.message_ref).unwrap_or_else(|| "1".into()),
        access,
        date,
        time,
    }
}

/// S010 of UNH: `01:C` first, `02` middle, `03:F` last part; `01:F` for a one-part message
/// that says so.
fn part_code(part: &crate::model::Part) -> (String, &'static str) {
    let flag = if part.first && part.last && part.sequence == 1 {
        "F"
    } else if part.first {
        "C"
    } else if part.last {
        "F"
    } else {
        ""
    };
    (format!("{:02}", part.sequence), flag)
}

/// Wraps a finished message in its interchange.
fn envelope(
    r: &Resolved,
    opts: &WriteOptions,
    model_syntax: Option<&str>,
    message: Vec<u8>,
    kind: (&str, &str, &str, &str),
) -> Vec<u8> {
    let (message_type, agency, version, ascii_default) = kind;
    let detected = syntax::syntax_for(&message, ascii_default);
    // A message's own identifier is kept when the values fit it; otherwise the detected one wins
    // so a reader never decodes UTF-8 as level A.
    let id = match (&opts.syntax, model_syntax) {
        (Some(s), _) => s.as_str(),
        (None, Some(s)) if detected == ascii_default => s,
        _ => detected,
    };
    let syntax_version = if id.starts_with("IATA") || id.starts_with("IATB") {
        "1"
    } else {
        "4"
    };
    let env = syntax::Envelope {
        syntax: (id, syntax_version),
        sender: &r.sender,
        recipient: &r.recipient,
        date: &r.date,
        time: &r.time,
        interchange_ref: &r.interchange_ref,
        application: message_type,
        group: opts
            .functional_group
            .then_some((message_type, agency, version)),
        test: opts.test,
        line_breaks: opts.line_breaks,
    };
    syntax::interchange(&env, message)
}
