//! HTTP handlers, one file per resource.

pub mod audit;
pub mod auth;
pub mod flights;
pub mod messages;
pub mod queue;
pub mod rules;
pub mod system;
pub mod watchlists;
