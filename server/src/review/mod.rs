//! Hits become review items, one per traveller per flight; officers claim, note and dispose.

pub mod items;
pub mod queue;
