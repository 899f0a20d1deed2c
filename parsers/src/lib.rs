//! paxrisk-parsers: bytes in, typed messages plus diagnostics out. No I/O, no database.
//!
//! [`parse`] finds every EDIFACT message in a buffer and reads the PAXLST and PNRGOV ones; the
//! [`write`] module produces interchanges from the same types (synthetic traffic, round trips).

pub mod edifact;
pub mod generate;
pub mod model;
pub mod parts;
pub mod paxlst;
pub mod pnrgov;
pub mod write;

pub use model::*;

/// Reads every message in `bytes`. Never panics; a buffer with nothing readable yields one
/// [`Message::Other`] carrying the diagnostics that say why.
pub fn parse(bytes: &[u8]) -> Vec<Message> {
    parse_with(bytes, chrono::Utc::now().date_naive())
}

/// [`parse`] with an explicit reference date: two-digit years of birth are placed so that no
/// date of birth is after `today` (tests pin it so that their expectations do not age).
pub fn parse_with(bytes: &[u8], today: chrono::NaiveDate) -> Vec<Message> {
    let read = edifact::read(bytes);
    let mut out = Vec::with_capacity(read.messages.len());
    for raw in &read.messages {
        let kind = match &raw.header {
            Some(h) => h.message_type.clone(),
            None if paxlst::looks_like(raw) => "PAXLST".into(),
            None if pnrgov::looks_like(raw) => "PNRGOV".into(),
            None => CompactString::default(),
        };
        out.push(match kind.as_str() {
            "PAXLST" => Message::Paxlst(paxlst::read(raw, today)),
            "PNRGOV" => Message::Pnrgov(pnrgov::read(raw, today)),
            _ => {
                let mut diagnostics = raw.diagnostics.clone();
                let first = raw.segments.first();
                diagnostics.insert(
                    0,
                    Diagnostic {
                        severity: Severity::Error,
                        segment: first.map(|s| s.tag_str()).unwrap_or_default(),
                        position: first.map_or(0, |s| s.position),
                        index: first.map(|s| s.index),
                        message: if kind.is_empty() {
                            "No message header (UNH) was found and the segments are neither PAXLST nor PNRGOV.".to_string()
                        } else {
                            format!("unsupported message type {}", edifact::shown_ref(&kind))
                        },
                    },
                );
                Message::Other(OtherMessage {
                    message_type: kind.into(),
                    diagnostics,
                })
            }
        });
    }
    // Diagnostics that belong to no message (junk between interchanges...) go with the last one.
    match out.last_mut() {
        Some(Message::Paxlst(m)) => m.diagnostics.extend(read.diagnostics),
        Some(Message::Pnrgov(p)) => p.diagnostics.extend(read.diagnostics),
        Some(Message::Other(o)) => o.diagnostics.extend(read.diagnostics),
        None => out.push(Message::Other(OtherMessage {
            message_type: String::new(),
            diagnostics: read.diagnostics,
        })),
    }
    out
}

/// The `paxrisk parse` JSON of one file: `{"file": name, "messages": [...]}`.
pub fn file_json(name: &str, messages: &[Message]) -> serde_json::Value {
    serde_json::json!({ "file": name, "messages": messages })
}
