//! HTTP handlers, one file per resource.

pub mod audit;
pub mod auth;
pub mod carriers;
pub mod flights;
pub mod groups;
pub mod keys;
pub mod links;
pub mod lookouts;
pub mod messages;
pub mod queue;
pub mod retention;
pub mod rules;
pub mod setup;
pub mod system;
pub mod unmask;
pub mod users;
pub mod watchlists;
