//! Link analysis (issue 12): who shares a phone, an e-mail, a card, an address, a document, a
//! frequent-flyer number, an agency, a booking or a seat row with whom, and who is the same
//! person on another flight, in the same store and at load time (no graph server, no ETL).
//!
//! - [`derive`]: normalised values → keyed-hash nodes with masked labels.
//! - [`store`]: the links a message gives its travellers, written in the load's transaction;
//!   removal with their sources (retention).
//! - [`hop`], [`walk`]: breadth-first walks, one batched read per side of each hop, hubs not
//!   crossed.
//! - [`graph`], [`params`]: a traveller's neighbourhood for the API and the page.
//! - [`screen`]: `links.hops_to_hit` for rules, with the path as the explanation.

pub mod bench;
pub mod derive;
pub mod graph;
pub mod hop;
pub mod params;
pub mod screen;
pub mod store;
pub mod walk;

pub use derive::Kind;
