//! Serialises the store's epoch-millisecond times as the API's RFC 3339 UTC strings.

/// `i64` epoch ms → RFC 3339.
pub fn ms<S: serde::Serializer>(ms: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::api::rfc3339(*ms))
}

/// `Option<i64>` epoch ms → RFC 3339 or null.
pub fn opt_ms<S: serde::Serializer>(ms: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    match ms {
        Some(v) => s.serialize_str(&crate::api::rfc3339(*v)),
        None => s.serialize_none(),
    }
}
