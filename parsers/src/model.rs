//! Typed messages: what the parsers produce, the writers consume and `paxrisk parse` prints.
//!
//! The serde shape of these types *is* the `paxrisk parse` JSON contract of DESIGN.md, so field
//! names here are stable. Optional fields are omitted from JSON when absent.
//!
//! Text fields are [`CompactString`]s: up to 24 bytes are kept inline, so the names, codes,
//! dates and document numbers of a traveller cost no allocation each (issue 2: allocating and
//! freeing 15 to 20 `String`s per traveller was a quarter of a parse). They deref to `str`,
//! compare with `&str` and serialise as plain JSON strings, like `String`.

use serde::{Deserialize, Serialize};

pub use compact_str::CompactString;

/// How bad a diagnostic is: `error` cost data (a segment was skipped), `warning` did not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// One thing that was wrong with a message, said so a carrier's engineer can fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Segment tag, e.g. `NAD`; empty when the problem is not inside a segment.
    pub segment: String,
    /// Byte offset of the segment (or of the problem) in the input buffer.
    pub position: usize,
    /// Zero-based index of the segment in the interchange, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// A sentence: what was wrong and what was done about it. Never holds personal data.
    pub message: String,
}

/// One message found in a buffer, of whatever type.
///
/// Serialises with the message type in `"type"` beside the fields of the message (DESIGN.md,
/// `paxrisk parse`): `{"type":"PAXLST","part":…,"flight":…,"travellers":…,"diagnostics":…}`,
/// `{"type":"PNRGOV","pnrs":[…],…}`, and for a type paxrisk does not read the real type name,
/// e.g. `{"type":"CUSCAR","diagnostics":[…]}` (`"UNKNOWN"` when no message header was found).
/// The serde impls are at the end of this file.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Paxlst(Manifest),
    Pnrgov(PnrPush),
    /// A message of a type paxrisk does not read (CUSCAR, PAORES, ...), or no message at all.
    Other(OtherMessage),
}

/// A message paxrisk does not read; kept so the caller can report it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OtherMessage {
    /// The message type from UNH (e.g. `CUSCAR`), or empty when none was found. Serialised as
    /// the message's `"type"`, not under this name.
    #[serde(skip)]
    pub message_type: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// UNH sequence of transfers (S010): which part of a multi-part message this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub sequence: u32,
    pub first: bool,
    pub last: bool,
}

/// Interchange and message references, for reassembly and de-duplication.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender: Option<CompactString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipient: Option<CompactString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interchange_ref: Option<CompactString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_ref: Option<CompactString>,
    /// UNH common access reference (S009/0068): airlines put carrier+flight/date here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub common_access_ref: Option<CompactString>,
    /// e.g. `D:05B` or `10:1`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<CompactString>,
    /// Syntax identifier from UNB (UNOA, UNOC, IATA...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub syntax: Option<CompactString>,
}

/// A PAXLST (API) message: one flight and its travellers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<Part>,
    pub flight: Flight,
    pub travellers: Vec<Traveller>,
    /// BGM document name code: 745 passengers, 250 crew, 266 flight close...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_code: Option<CompactString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reporting_party: Option<CompactString>,
    /// Contacts of the reporting party (COM in SG1), as sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reporting_contacts: Vec<CompactString>,
    /// Message-level references (RFF before the flight, e.g. `TN:BA123456789`) as
    /// `qualifier:value`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<CompactString>,
    /// CNT totals as sent (qualifier → count).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub totals: Vec<(CompactString, u32)>,
    #[serde(default)]
    pub envelope: Envelope,
    pub diagnostics: Vec<Diagnostic>,
}

/// A flight as a message names it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flight {
    /// Marketing or operating carrier, IATA two-character code.
    pub carrier: CompactString,
    /// Flight number without the carrier prefix, as sent (leading zeros kept).
    pub number: CompactString,
    pub legs: Vec<Leg>,
}

/// One leg: airports and local times (`YYYY-MM-DDTHH:MM`, local to each airport).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leg {
    pub origin: CompactString,
    pub destination: CompactString,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub departure_local: Option<CompactString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrival_local: Option<CompactString>,
}

/// What part a person plays on the flight.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TravellerKind {
    #[default]
    Passenger,
    Crew,
    TransitPassenger,
    TransitCrew,
}

/// A person on a manifest or in a PNR. Dates are ISO `YYYY-MM-DD`; countries ISO alpha-3 as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Traveller {
    pub kind: TravellerKind,
    pub surname: CompactString,
    /// All given names, space-separated.
    pub given_names: CompactString,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<CompactString>,
    /// `M`, `F`, `U` or `X`, as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<CompactString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nationality: Option<CompactString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub residence: Option<CompactString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_place: Option<CompactString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embarkation: Option<CompactString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub debarkation: Option<CompactString>,
    pub documents: Vec<Document>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<CompactString>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<CompactString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seat: Option<CompactString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_locator: Option<CompactString>,
    /// Other references (RFF) as `qualifier:value`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<CompactString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bag_count: Option<u32>,
    /// Checked bag weight with its unit as sent, e.g. `13 KGM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bag_weight: Option<CompactString>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bag_tags: Vec<CompactString>,
    /// Place of clearance (PAXLST LOC 22: airport of first arrival in the country).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clearance: Option<CompactString>,
    /// Crew member's function (PAXLST EMP), as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crew_function: Option<CompactString>,
    /// GEI verification flags as sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verification: Vec<CompactString>,
    /// PNR traveller reference (TIF), linking SSRs and seats to this person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traveller_ref: Option<CompactString>,
    /// True for an infant travelling on an adult's lap (PNR).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub infant: bool,
}

/// A travel document (DOC/DOCS).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// `P` passport, `I` identity card, `V` visa, ... as sent.
    #[serde(rename = "type")]
    pub doc_type: CompactString,
    pub number: CompactString,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuing_country: Option<CompactString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry: Option<CompactString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue_date: Option<CompactString>,
}

/// A PNRGOV push: one flight and the PNRs on it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PnrPush {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<Part>,
    /// The flight the push is for (TVL at the message level), when present.
    pub flight: Flight,
    pub pnrs: Vec<Pnr>,
    #[serde(default)]
    pub envelope: Envelope,
    pub diagnostics: Vec<Diagnostic>,
}

/// One passenger name record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Pnr {
    pub record_locator: CompactString,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<CompactString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub booking_date: Option<CompactString>,
    pub travellers: Vec<Traveller>,
    pub itinerary: Vec<Segment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payments: Vec<Payment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub frequent_flyer: Vec<CompactString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency: Option<CompactString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bag_count: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seats: Vec<CompactString>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remarks: Vec<CompactString>,
    /// SSR codes as sent (code and free text), for the sensitive-data filter and rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ssrs: Vec<Ssr>,
    /// Segments not understood, kept raw (tag and text).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_segments: Vec<CompactString>,
    /// PNR history as sent (ABI/SAC groups and LTS long text), one entry per segment, raw.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<CompactString>,
    /// PNRs split from this one (PNRGOV Gr.8, EQN then RCI): travellers who were divided into
    /// another booking, which links the two records.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub splits: Vec<SplitPnr>,
}

/// A split (divided) PNR named by another one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplitPnr {
    /// The other PNR's record locator (RCI), empty when the sender left it out.
    pub record_locator: CompactString,
    /// How many travellers were split off (EQN), when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub travellers: Option<u32>,
}

/// An itinerary segment (TVL).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub carrier: CompactString,
    pub number: CompactString,
    pub origin: CompactString,
    pub destination: CompactString,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub departure_local: Option<CompactString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrival_local: Option<CompactString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operating_carrier: Option<CompactString>,
}

/// A contact: phone, e-mail or address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// `phone`, `email` or `address`.
    pub kind: CompactString,
    pub value: CompactString,
}

/// A form of payment (FOP), card numbers as sent (usually masked by the carrier).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// FOP type code as sent: `CC` card, `CA` cash, `MS` miscellaneous...
    pub payment_type: CompactString,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card: Option<CompactString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<CompactString>,
}

/// A special service request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ssr {
    pub code: CompactString,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<CompactString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traveller_ref: Option<CompactString>,
}

/// The type name a message serialises under.
impl Message {
    /// `PAXLST`, `PNRGOV`, or the type of an unsupported message (`UNKNOWN` when none was found).
    pub fn type_name(&self) -> &str {
        match self {
            Message::Paxlst(_) => "PAXLST",
            Message::Pnrgov(_) => "PNRGOV",
            Message::Other(o) if o.message_type.is_empty() => "UNKNOWN",
            Message::Other(o) => &o.message_type,
        }
    }

    /// True for PAXLST and PNRGOV, the types paxrisk reads.
    pub fn is_supported(&self) -> bool {
        matches!(self, Message::Paxlst(_) | Message::Pnrgov(_))
    }

    /// True for the placeholder [`crate::parse`] returns when a buffer holds no EDIFACT message
    /// at all (type `UNKNOWN`): `paxrisk parse` counts such a file as yielding no message.
    pub fn is_none_found(&self) -> bool {
        matches!(self, Message::Other(o) if o.message_type.is_empty())
    }

    /// The diagnostics of the message, whatever its type.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Message::Paxlst(m) => &m.diagnostics,
            Message::Pnrgov(p) => &p.diagnostics,
            Message::Other(o) => &o.diagnostics,
        }
    }
}

/// `{"type": …}` followed by the fields of the message.
#[derive(Serialize)]
struct Tagged<'a, T> {
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(flatten)]
    inner: &'a T,
}

impl Serialize for Message {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let kind = self.type_name();
        match self {
            Message::Paxlst(m) => Tagged { kind, inner: m }.serialize(s),
            Message::Pnrgov(p) => Tagged { kind, inner: p }.serialize(s),
            Message::Other(o) => Tagged { kind, inner: o }.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Message {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = serde_json::Value::deserialize(d)?;
        let kind = value
            .get("type")
            .and_then(|t| t.as_str())
            .unwrap_or_default()
            .to_string();
        match kind.as_str() {
            "PAXLST" => Manifest::deserialize(value)
                .map(Message::Paxlst)
                .map_err(D::Error::custom),
            "PNRGOV" => PnrPush::deserialize(value)
                .map(Message::Pnrgov)
                .map_err(D::Error::custom),
            _ => {
                let mut other = OtherMessage::deserialize(value).map_err(D::Error::custom)?;
                other.message_type = if kind == "UNKNOWN" {
                    String::new()
                } else {
                    kind
                };
                Ok(Message::Other(other))
            }
        }
    }
}
