//! The OpenAPI document served at `/api/v1/openapi.json`.
//!
//! Written by hand for now and kept next to the route table; a test checks that every route of
//! the table appears in it.

/// The document, as JSON text.
pub const DOCUMENT: &str = include_str!("openapi.json");

#[cfg(test)]
mod tests {
    /// Every route of the `/api/v1` scope in the route table has its path and method in the
    /// document, so the document cannot silently fall behind the code.
    #[test]
    fn every_api_route_is_documented() {
        let doc: serde_json::Value = serde_json::from_str(super::DOCUMENT).expect("valid JSON");
        let table = include_str!("mod.rs");
        let scope = &table[table
            .find("web::scope(\"/api/v1\")")
            .expect("the /api/v1 scope")..];
        // rustfmt splits long `.route(...)` calls over lines: read the table as one line.
        let flat = scope.split_whitespace().collect::<Vec<_>>().join("");
        let mut missing = Vec::new();
        for line in flat.split(".route(").skip(1) {
            let path = line.split('"').nth(1).unwrap_or_default();
            let Some(method) = ["get", "post", "put", "patch", "delete"]
                .into_iter()
                .find(|m| line.contains(&format!("web::{m}()")))
            else {
                continue;
            };
            let full = format!("/api/v1{path}");
            if doc["paths"][&full][method].is_null() {
                missing.push(format!("{} {full}", method.to_uppercase()));
            }
        }
        assert!(
            missing.is_empty(),
            "routes missing from openapi.json: {missing:?}"
        );
    }
}
