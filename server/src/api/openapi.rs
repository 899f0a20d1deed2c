//! The OpenAPI 3.1 document served at `/api/v1/openapi.json`, built from the route table
//! ([`super::endpoints`]) and the request types' `ToSchema` derives, so it cannot fall behind
//! the code. Each operation carries its roles: `x-access` (`public`, `signed-in`, `roles`),
//! `x-roles` (the role names that pass) and a "Roles: …" line in its description.

use std::sync::OnceLock;

use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::path::{OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, Content, InfoBuilder, OpenApi, OpenApiBuilder, Paths, Ref, Required,
    ResponseBuilder, SecurityRequirement, ServerBuilder,
};
use utoipa::{PartialSchema, ToSchema};

use super::table::{Access, Endpoint};
use super::{schemas, CALLER_COOKIE};

/// The security schemes the server accepts, by name.
pub const SCHEMES: [&str; 3] = ["bearer", "apiKey", "cookie"];

/// The document, built from the route table.
pub fn document() -> OpenApi {
    let endpoints = super::endpoints();
    let mut paths = Paths::new();
    let mut components = ComponentsBuilder::new()
        .security_scheme(
            "bearer",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("The token of POST /api/v1/auth/login."))
                    .build(),
            ),
        )
        .security_scheme(
            "apiKey",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("pxk_…")
                    .description(Some(
                        "A carrier's API key (POST /api/v1/users/{id}/keys), sent as a bearer token.",
                    ))
                    .build(),
            ),
        )
        .security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                CALLER_COOKIE,
                "The browser's HttpOnly session cookie, set by the /login page; holds the same token.",
            ))),
        );
    let mut schemas = vec![(
        schemas::ErrorBody::name().into_owned(),
        schemas::ErrorBody::schema(),
    )];
    schemas::ErrorBody::schemas(&mut schemas);
    for e in &endpoints {
        paths.add_path_operation(e.path, vec![e.verb.openapi()], operation(e));
        schemas.extend(e.doc.schemas.iter().cloned());
    }
    // Each named schema once (several routes share one).
    schemas.sort_by(|a, b| a.0.cmp(&b.0));
    schemas.dedup_by(|a, b| a.0 == b.0);
    for (name, schema) in schemas {
        components = components.schema(name, schema);
    }
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("paxrisk API")
                .version("1")
                .description(Some(
                    "Passenger-data risk assessment. Bearer JWT from /api/v1/auth/login (or a \
                     carrier's API key, or the browser's session cookie). Every operation names \
                     the roles that may call it in `x-roles`; others get 403 `forbidden`, callers \
                     without credentials 401 `unauthorized`. Errors share one body: \
                     {\"code\", \"message\"}.",
                ))
                .build(),
        )
        .servers(Some([ServerBuilder::new().url("/").build()]))
        .paths(paths)
        .components(Some(components.build()))
        .security(Some(
            SCHEMES.map(|s| SecurityRequirement::new(s, Vec::<String>::new())),
        ))
        .build()
}

/// The document as JSON text, built once.
pub fn json() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| document().to_json().expect("the document serialises"))
}

fn error_response(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            Content::new(Some(Ref::from_schema_name(schemas::ErrorBody::name()))),
        )
        .build()
}

fn operation(e: &Endpoint) -> utoipa::openapi::path::Operation {
    let roles: Vec<&str> = e.access.roles().iter().map(|r| r.as_str()).collect();
    let mut description = format!("Roles: {}.", e.access.describe());
    if let Some(more) = e.doc.description {
        description = format!("{description} {more}");
    }
    let mut op = OperationBuilder::new()
        .tag(e.doc.tag)
        .summary(Some(e.doc.summary))
        .description(Some(description))
        .operation_id(Some(format!(
            "{}_{}",
            e.verb.as_str().to_ascii_lowercase(),
            e.path
                .trim_start_matches("/api/v1")
                .trim_matches('/')
                .replace(['/', '-', '.'], "_")
                .replace(['{', '}'], "")
        )))
        .extensions(Some(
            ExtensionsBuilder::new()
                .add("x-access", e.access.kind())
                .add("x-roles", roles)
                .build(),
        ));
    for name in e.path_params() {
        op = op.parameter(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .schema(Some(utoipa::openapi::schema::Object::with_type(
                    utoipa::openapi::schema::Type::String,
                ))),
        );
    }
    for p in &e.doc.params {
        op = op.parameter(p.clone());
    }
    op = op.request_body(e.request_body());
    for (status, text, schema) in &e.doc.ok {
        let mut r = ResponseBuilder::new().description(*text);
        if let Some(schema) = schema {
            r = r.content("application/json", Content::new(Some(schema.clone())));
        }
        op = op.response(status.to_string(), r.build());
    }
    let mut errors: Vec<(u16, &str)> = e
        .doc
        .errors
        .iter()
        .map(|(s, d)| (*s, d.unwrap_or("error")))
        .collect();
    // A query or a body that does not parse is 400 on every route.
    if !e.doc.params.is_empty() || e.doc.body.is_some() {
        errors.push((400, "error"));
    }
    match e.access {
        Access::Public => {}
        Access::SignedIn => errors.push((401, "no, or no valid, credentials")),
        Access::Roles(_) => {
            errors.push((401, "no, or no valid, credentials"));
            errors.push((403, "the caller's role may not use this route"));
        }
    }
    errors.sort_by_key(|(s, _)| *s);
    errors.dedup_by_key(|(s, _)| *s);
    for (status, text) in errors {
        op = op.response(status.to_string(), error_response(text));
    }
    if e.access == Access::Public {
        op = op.securities(Some(Vec::<SecurityRequirement>::new()));
    }
    op.build()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::super::{endpoints, Access};

    fn doc() -> Value {
        serde_json::from_str(super::json()).expect("the document is JSON")
    }

    /// Every `$ref` in `v`.
    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r);
                }
                m.values().for_each(|v| refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    #[test]
    fn the_document_is_openapi_3_1_that_utoipa_reads_back() {
        let text = super::json();
        let back: utoipa::openapi::OpenApi =
            serde_json::from_str(text).expect("utoipa's own model reads the document");
        assert_eq!(
            serde_json::to_value(&back).unwrap(),
            doc(),
            "nothing is lost on the way back"
        );
        let d = doc();
        assert_eq!(d["openapi"], "3.1.0");
        for scheme in super::SCHEMES {
            assert!(
                d["components"]["securitySchemes"][scheme].is_object(),
                "{scheme}"
            );
        }
        // Every reference resolves to a schema of the document.
        let mut all = Vec::new();
        refs(&d, &mut all);
        assert!(all.len() > 100, "the operations refer to shared schemas");
        for r in all {
            let name = r
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("a local schema reference: {r}"));
            assert!(
                d["components"]["schemas"][name].is_object(),
                "{r} does not resolve"
            );
        }
        // Every operation: an id (unique), a summary, responses, and its path's parameters.
        let mut ids = BTreeSet::new();
        for (path, item) in d["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let id = op["operationId"].as_str().expect("an operation id");
                assert!(ids.insert(id.to_string()), "operation id {id} twice");
                assert!(
                    !op["summary"].as_str().unwrap_or("").is_empty(),
                    "{method} {path}"
                );
                assert!(op["responses"].as_object().is_some_and(|r| !r.is_empty()));
                let declared: BTreeSet<&str> = op["parameters"]
                    .as_array()
                    .map(|ps| {
                        ps.iter()
                            .filter(|p| p["in"] == "path")
                            .map(|p| p["name"].as_str().unwrap())
                            .collect()
                    })
                    .unwrap_or_default();
                let in_path: BTreeSet<&str> = path
                    .split('/')
                    .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
                    .collect();
                assert_eq!(declared, in_path, "{method} {path}");
            }
        }
    }

    /// The table and the document agree: every row is an operation with the row's roles, and
    /// the 401/403 its access implies, and nothing else is in the document.
    #[test]
    fn every_route_of_the_table_is_documented_with_its_roles() {
        let d = doc();
        let table = endpoints();
        let mut seen = BTreeSet::new();
        for e in &table {
            let method = e.verb.as_str().to_ascii_lowercase();
            assert!(
                seen.insert((method.clone(), e.path)),
                "{method} {} twice in the table",
                e.path
            );
            let op = &d["paths"][e.path][&method];
            assert!(op.is_object(), "{method} {} is not documented", e.path);
            let roles: Vec<&str> = op["x-roles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap())
                .collect();
            let want: Vec<&str> = e.access.roles().iter().map(|r| r.as_str()).collect();
            assert_eq!(roles, want, "{method} {}", e.path);
            assert_eq!(op["x-access"], e.access.kind());
            let described = op["description"].as_str().unwrap();
            assert!(
                described.starts_with(&format!("Roles: {}.", e.access.describe())),
                "{described}"
            );
            let responses = op["responses"].as_object().unwrap();
            match e.access {
                Access::Public => {
                    assert_eq!(op["security"], serde_json::json!([]), "{}", e.path);
                }
                Access::SignedIn => assert!(responses.contains_key("401")),
                Access::Roles(_) => {
                    assert!(responses.contains_key("401") && responses.contains_key("403"))
                }
            }
            for (status, r) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    assert_eq!(
                        r["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/Error",
                        "{method} {} {status}",
                        e.path
                    );
                }
            }
        }
        let documented: usize = d["paths"]
            .as_object()
            .unwrap()
            .values()
            .map(|item| item.as_object().unwrap().len())
            .sum();
        assert_eq!(documented, table.len(), "operations not in the table");
    }

    /// The error body's codes are those the API sends.
    #[test]
    fn the_error_schema_lists_the_codes() {
        let d = doc();
        let codes = &d["components"]["schemas"]["Code"]["enum"];
        for c in [
            "unauthorized",
            "forbidden",
            "not_found",
            "invalid_rule",
            "item_closed",
        ] {
            assert!(
                codes.as_array().unwrap().iter().any(|x| x == c),
                "{c} in {codes}"
            );
        }
    }

    /// Registration follows the table: without credentials every non-public row answers 401
    /// with the JSON error body before its handler runs, and a public row does not.
    #[actix_web::test]
    async fn registration_enforces_the_table_before_the_handler() {
        use actix_web::{test, App};
        let app = test::init_service(App::new().configure(super::super::routes)).await;
        for e in endpoints() {
            if e.access == Access::Public {
                continue;
            }
            let path = e.path.replace("{id}", "x").replace("{name}", "x");
            let req = test::TestRequest::default()
                .method(e.verb.as_str().parse().unwrap())
                .uri(&path)
                .to_request();
            let resp = test::call_service(&app, req).await;
            assert_eq!(resp.status(), 401, "{} {}", e.verb.as_str(), e.path);
            let body: Value = test::read_body_json(resp).await;
            assert_eq!(
                body["code"],
                "unauthorized",
                "{} {}",
                e.verb.as_str(),
                e.path
            );
        }
        // The document needs nothing.
        let req = test::TestRequest::get()
            .uri("/api/v1/openapi.json")
            .to_request();
        assert_eq!(test::call_service(&app, req).await.status(), 200);
    }
}
