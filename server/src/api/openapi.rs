//! The OpenAPI document served at `/api/v1/openapi.json`.
//!
//! Written by hand for now and kept next to the route table; a test checks that every route of
//! the table appears in it.

/// The document, as JSON text.
pub const DOCUMENT: &str = include_str!("openapi.json");
