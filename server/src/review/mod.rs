//! Hits become review items, one per traveller per flight; officers claim, note and dispose,
//! flag travellers by hand and promote them to port-of-entry lookouts.

pub mod items;
pub mod lookouts;
pub mod manual;
pub mod notes;
pub mod queue;
pub mod scope;
