//! The shape of one row of the route table ([`Endpoint`]), who may call it ([`Access`]), and
//! the check that enforces the roles before the handler runs.
//!
//! The table itself is [`super::endpoints`]; its module doc says how to add a route.

use actix_web::body::BoxBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, FromRequest, Handler, HttpMessage, Responder, Route};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{Object, ObjectBuilder, Schema, Type};
use utoipa::openapi::{Content, RefOr, Required};
use utoipa::{IntoParams, ToSchema};

use super::{caller, ApiError};
use crate::auth::{Principal, Role};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No credentials needed (login, health, the document itself).
    Public,
    /// Any signed-in account, whatever its role.
    SignedIn,
    /// Accounts with one of these roles; others get 403 `forbidden`.
    Roles(&'static [Role]),
}

impl Access {
    /// Whether a caller with `role` passes.
    pub fn allows(self, role: Role) -> bool {
        match self {
            Access::Public | Access::SignedIn => true,
            Access::Roles(roles) => roles.contains(&role),
        }
    }

    /// The roles that must be signed in to pass, in the order of [`Role::ALL`]; none for a
    /// public route, which needs no credentials at all.
    pub fn roles(self) -> Vec<Role> {
        match self {
            Access::Public => Vec::new(),
            _ => Role::ALL.into_iter().filter(|r| self.allows(*r)).collect(),
        }
    }

    /// `public`, `signed-in` or `roles`: the document's `x-access`.
    pub fn kind(self) -> &'static str {
        match self {
            Access::Public => "public",
            Access::SignedIn => "signed-in",
            Access::Roles(_) => "roles",
        }
    }

    /// For people: "public", "any signed-in user", or the role names.
    pub fn describe(self) -> String {
        match self {
            Access::Public => "public (no credentials)".into(),
            Access::SignedIn => "any signed-in user".into(),
            Access::Roles(_) => self
                .roles()
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// An HTTP method of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Verb {
    /// Upper case, as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
            Verb::Put => "PUT",
            Verb::Patch => "PATCH",
            Verb::Delete => "DELETE",
        }
    }

    fn route(self) -> Route {
        match self {
            Verb::Get => web::get(),
            Verb::Post => web::post(),
            Verb::Put => web::put(),
            Verb::Patch => web::patch(),
            Verb::Delete => web::delete(),
        }
    }

    pub(super) fn openapi(self) -> utoipa::openapi::HttpMethod {
        use utoipa::openapi::HttpMethod as M;
        match self {
            Verb::Get => M::Get,
            Verb::Post => M::Post,
            Verb::Put => M::Put,
            Verb::Patch => M::Patch,
            Verb::Delete => M::Delete,
        }
    }
}

/// A request body as the document shows it.
pub struct Body {
    pub content: Vec<(&'static str, RefOr<Schema>)>,
    pub required: bool,
}

/// What the document says about a route beyond its method, path and roles.
#[derive(Default)]
pub struct Doc {
    pub summary: &'static str,
    pub description: Option<&'static str>,
    pub tag: &'static str,
    /// Query (and non-`{id}`-like path) parameters; path parameters are added from the path.
    pub params: Vec<Parameter>,
    pub body: Option<Body>,
    /// Success responses: status, description, JSON schema if documented.
    pub ok: Vec<(u16, &'static str, Option<RefOr<Schema>>)>,
    /// Error statuses besides the 401/403 that [`Access`] implies; all share the error body.
    pub errors: Vec<(u16, Option<&'static str>)>,
    /// Named schemas the above refer to, for `components.schemas`.
    pub schemas: Vec<(String, RefOr<Schema>)>,
}

/// One row of the route table: method, full path, who may call it, the handler, and its doc.
pub struct Endpoint {
    pub verb: Verb,
    pub path: &'static str,
    pub access: Access,
    pub doc: Doc,
    handler: Box<dyn Fn() -> Route>,
}

/// A row; chain the doc methods onto it.
pub fn ep<F, Args>(verb: Verb, path: &'static str, access: Access, handler: F) -> Endpoint
where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    Endpoint {
        verb,
        path,
        access,
        doc: Doc::default(),
        handler: Box::new(move || verb.route().to(handler.clone())),
    }
}

/// A reference to a named schema, registering it (and what it refers to).
fn named<T: ToSchema>(schemas: &mut Vec<(String, RefOr<Schema>)>) -> RefOr<Schema> {
    schemas.push((T::name().into_owned(), T::schema()));
    T::schemas(schemas);
    RefOr::Ref(utoipa::openapi::Ref::from_schema_name(T::name()))
}

/// A plain string schema (raw bodies).
pub fn text() -> RefOr<Schema> {
    RefOr::T(Schema::Object(Object::with_type(Type::String)))
}

impl Endpoint {
    /// The one-line summary.
    pub fn summary(mut self, s: &'static str) -> Self {
        self.doc.summary = s;
        self
    }
    /// A longer description (the roles are appended when the document is built).
    pub fn about(mut self, s: &'static str) -> Self {
        self.doc.description = Some(s);
        self
    }
    /// The group the docs page shows it under.
    pub fn tag(mut self, t: &'static str) -> Self {
        self.doc.tag = t;
        self
    }
    /// Query parameters from a type that derives `IntoParams`.
    pub fn query<T: IntoParams>(mut self) -> Self {
        self.doc
            .params
            .extend(T::into_params(|| Some(ParameterIn::Query)));
        self
    }
    /// One optional query parameter, for query types owned outside the API layer.
    pub fn param(mut self, name: &'static str, ty: Type, description: &'static str) -> Self {
        self.doc.params.push(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(description))
                .schema(Some(Object::with_type(ty)))
                .build(),
        );
        self
    }
    /// One optional integer query parameter within `min..=max`.
    pub fn int_param(
        mut self,
        name: &'static str,
        min: i64,
        max: Option<i64>,
        description: &'static str,
    ) -> Self {
        let mut schema = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(min as f64));
        if let Some(max) = max {
            schema = schema.maximum(Some(max as f64));
        }
        self.doc.params.push(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(description))
                .schema(Some(schema.build()))
                .build(),
        );
        self
    }
    /// One optional query parameter of the named enum type `T` (inlined).
    pub fn enum_param<T: ToSchema>(
        mut self,
        name: &'static str,
        description: &'static str,
    ) -> Self {
        self.doc.params.push(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(description))
                .schema(Some(T::schema()))
                .build(),
        );
        self
    }
    /// A required JSON body of type `T`.
    pub fn json<T: ToSchema>(mut self) -> Self {
        let r = named::<T>(&mut self.doc.schemas);
        self.doc.body = Some(Body {
            content: vec![("application/json", r)],
            required: true,
        });
        self
    }
    /// A JSON body of type `T` that may be left out.
    pub fn optional_json<T: ToSchema>(mut self) -> Self {
        self = self.json::<T>();
        if let Some(b) = &mut self.doc.body {
            b.required = false;
        }
        self
    }
    /// A raw body under one more content type.
    pub fn raw(mut self, content_type: &'static str, schema: RefOr<Schema>) -> Self {
        let body = self.doc.body.get_or_insert(Body {
            content: Vec::new(),
            required: true,
        });
        body.content.push((content_type, schema));
        self
    }
    /// A success response without a documented body shape.
    pub fn ok(mut self, status: u16, description: &'static str) -> Self {
        self.doc.ok.push((status, description, None));
        self
    }
    /// A success response with a JSON body of type `T`.
    pub fn ok_json<T: ToSchema>(mut self, status: u16, description: &'static str) -> Self {
        let r = named::<T>(&mut self.doc.schemas);
        self.doc.ok.push((status, description, Some(r)));
        self
    }
    /// Error statuses the handler itself may answer (besides 401/403 from the roles).
    pub fn errors(mut self, statuses: &[u16]) -> Self {
        self.doc
            .errors
            .extend(statuses.iter().map(|s| (*s, None::<&'static str>)));
        self
    }
    /// One error status with its own description.
    pub fn error(mut self, status: u16, description: &'static str) -> Self {
        self.doc.errors.push((status, Some(description)));
        self
    }

    /// The actix route: the handler behind the role check of [`Self::access`].
    pub fn route(&self) -> Route {
        let route = (self.handler)();
        match self.access {
            Access::Public => route,
            access => route.wrap(from_fn(move |req, next| enforce(access, req, next))),
        }
    }

    /// The path's `{name}` parameters, in order.
    pub fn path_params(&self) -> impl Iterator<Item = &'static str> {
        self.path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
    }

    /// The request body for the document.
    pub(super) fn request_body(&self) -> Option<utoipa::openapi::request_body::RequestBody> {
        let body = self.doc.body.as_ref()?;
        let mut b = RequestBodyBuilder::new().required(Some(if body.required {
            Required::True
        } else {
            Required::False
        }));
        for (ty, schema) in &body.content {
            b = b.content(*ty, Content::new(Some(schema.clone())));
        }
        Some(b.build())
    }
}

/// The role check every non-public route runs before its handler (and its extractors): 401
/// `unauthorized` without valid credentials, 403 `forbidden` for a role outside the list. The
/// caller found is left in the request for the handler's [`super::Caller`], so it is looked up
/// once.
async fn enforce(
    access: Access,
    req: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let principal: Principal = match caller::resolve(req.request()).await {
        Ok(p) => p,
        Err(e) => return Ok(req.error_response(e)),
    };
    if !access.allows(principal.role) {
        return Ok(req.error_response(ApiError::forbidden()));
    }
    req.extensions_mut().insert(principal);
    next.call(req).await
}

/// An array of JSON objects (a JSON import file).
pub fn any_array() -> RefOr<Schema> {
    RefOr::T(Schema::Array(utoipa::openapi::schema::Array::new(
        Object::with_type(Type::Object),
    )))
}
