//! paxrisk-parsers: bytes in, typed messages plus diagnostics out. No I/O, no database.
//!
//! [`parse`] finds every EDIFACT message in a buffer and reads the PAXLST and PNRGOV ones; the
//! [`write`] module produces interchanges from the same types (synthetic traffic, round trips).

pub mod edifact;
pub mod generate;
pub mod model;
pub mod paxlst;
pub mod pnrgov;
pub mod write;

pub use model::*;

/// Reads every message in `bytes`. Never panics; a buffer with nothing readable yields one
/// [`Message::Other`] carrying the diagnostics that say why.
pub fn parse(bytes: &[u8]) -> Vec<Message> {
    todo_parse(bytes)
}

fn todo_parse(_bytes: &[u8]) -> Vec<Message> {
    Vec::new()
}
