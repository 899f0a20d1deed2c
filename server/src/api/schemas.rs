//! Schemas for the OpenAPI document of bodies whose Rust type lives outside the API layer (the
//! screening crate's rules, retention, unmask, accounts) or that a handler reads as free JSON.
//! Handler-local body types derive `ToSchema` where they are defined; these describe the JSON
//! the service modules accept, field for field, and change with them.
#![allow(dead_code)] // read only by the derive

use std::collections::BTreeMap;

use utoipa::ToSchema;

/// The error body every 4xx and 5xx carries.
#[derive(ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    /// Machine-readable code (DESIGN.md).
    code: super::Code,
    /// A sentence for people; never personal data.
    message: String,
    /// JSON pointer of the offending node, for invalid rules.
    path: Option<String>,
    /// The rule validator's own code (`unknown_field`, ...), for invalid rules.
    reason: Option<String>,
}

/// A rule's severity.
#[derive(ToSchema, serde::Serialize)]
#[schema(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
}

/// A rule's state.
#[derive(ToSchema, serde::Serialize)]
#[schema(rename_all = "snake_case")]
pub enum RuleState {
    Draft,
    Shadow,
    Live,
    Retired,
}

/// A rule as written (`POST /rules`, `PUT /rules/{id}`).
#[derive(ToSchema, serde::Serialize)]
pub struct Rule {
    name: String,
    /// Free text.
    category: String,
    severity: Severity,
    #[schema(minimum = 0, maximum = 100)]
    weight: u8,
    state: RuleState,
    /// A group `{"all": [...]}`, `{"any": [...]}`, `{"not": COND}` or a leaf `{"field", "op",
    /// "value"}`; `GET /rules/fields` lists the fields and operators.
    #[schema(value_type = Object)]
    condition: serde_json::Value,
}

/// A condition alone, to validate or backtest.
#[derive(ToSchema, serde::Serialize)]
pub struct ConditionOnly {
    #[schema(value_type = Object)]
    condition: serde_json::Value,
}

/// `POST /rules/validate`: a whole rule, or a condition alone.
#[derive(ToSchema, serde::Serialize)]
#[serde(untagged)]
pub enum RuleOrCondition {
    Rule(Rule),
    Condition(ConditionOnly),
}

/// One schedule of the retention policy.
#[derive(ToSchema)]
pub struct RetentionSchedule {
    /// Age at which data still kept are masked; `null`: never masked.
    mask_after_days: Option<i64>,
    /// Age at which data with no objective link (no confirmed hit, no open case) are deleted.
    delete_after_days: i64,
    /// Age at which retained data are deleted too; an open case still holds them.
    delete_retained_after_days: i64,
}

/// A retention profile.
#[derive(ToSchema)]
#[schema(rename_all = "kebab-case")]
pub enum RetentionProfile {
    EuCjeu,
    EuDirective,
    Custom,
}

/// `PUT /retention/policy`.
#[derive(ToSchema)]
pub struct RetentionPolicyChange {
    profile: RetentionProfile,
    /// custom only: {class: {api|pnr: RetentionSchedule}}; classes identity, contacts, payment,
    /// frequent_flyer, remarks, itinerary, raw_messages, derived, hits_reviews, audit_log
    #[schema(required = false)]
    classes: BTreeMap<String, BTreeMap<String, RetentionSchedule>>,
}

/// `PUT /retention/sensitive-terms`: the sensitive-data filter's list.
#[derive(ToSchema)]
pub struct SensitiveTerms {
    /// SSR codes removed wherever they appear.
    codes: Vec<String>,
    /// Words (or phrases) whose free-text entries are removed.
    keywords: Vec<String>,
}

/// A field that re-personalisation may reveal.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum UnmaskField {
    Surname,
    GivenNames,
    DateOfBirth,
    Gender,
    Nationality,
    Documents,
    Contacts,
    Pnr,
}

/// `POST /unmask-requests`.
#[derive(ToSchema)]
pub struct UnmaskRequest {
    traveller_ids: Vec<String>,
    fields: Vec<UnmaskField>,
    purpose: String,
    reason: String,
    /// How long the grant lasts once approved.
    hours: Option<i64>,
}

/// `POST /unmask-requests/{id}/decision`.
#[derive(ToSchema)]
pub struct UnmaskDecision {
    approve: bool,
    reason: String,
    hours: Option<i64>,
}

/// `PATCH /users/{id}`: each field optional.
#[derive(ToSchema)]
pub struct UserChange {
    /// `false` ends the user's sessions at once and stops their API keys.
    active: Option<bool>,
    /// An empty string removes the address.
    email: Option<String>,
    notify_high_hits: Option<bool>,
    /// Lifts a lockout at once.
    #[schema(required = false)]
    unlock: bool,
}

/// `POST /rules/test`.
#[derive(ToSchema)]
pub struct DraftTest {
    rule: Rule,
    traveller_id: String,
}

/// `POST /rules/backtest`: a rule or a bare condition over stored history.
#[derive(ToSchema)]
pub struct DraftBacktest {
    rule: Option<Rule>,
    #[schema(value_type = Option<Object>)]
    condition: Option<serde_json::Value>,
    /// First departure date, `YYYY-MM-DD`.
    #[schema(format = Date)]
    from: Option<String>,
    /// Last departure date, `YYYY-MM-DD`.
    #[schema(format = Date)]
    to: Option<String>,
}

/// A node of the link graph.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum LinkNodeType {
    Traveller,
    Value,
    Flight,
}

/// A hit that ends a path.
#[derive(ToSchema)]
pub enum LinkHit {
    #[schema(rename = "watchlist hit")]
    Watchlist,
    #[schema(rename = "confirmed hit")]
    Confirmed,
}

/// A node of the link graph.
#[derive(ToSchema)]
pub struct LinkNode {
    id: String,
    #[schema(rename = "type")]
    node_type: LinkNodeType,
    kind: String,
    /// Masked for values (phone …0123); names as stored (*** once masked)
    label: String,
    hops: Option<i64>,
    hit: Option<LinkHit>,
    hub: Option<bool>,
    masked: Option<bool>,
}

/// An edge of the link graph.
#[derive(ToSchema)]
pub struct LinkEdge {
    from: String,
    to: String,
    kind: String,
}

/// `GET /travellers/{id}/links`.
#[derive(ToSchema)]
pub struct LinkGraph {
    root: String,
    hops: i64,
    nodes: Vec<LinkNode>,
    edges: Vec<LinkEdge>,
    /// Node ids from the traveller to the nearest traveller with a watchlist or confirmed hit.
    path: Vec<String>,
    truncated: bool,
    hub_limit: i64,
}

/// `POST /auth/login` and `/auth/refresh`.
#[derive(ToSchema)]
pub struct Token {
    token: String,
    /// RFC 3339 UTC.
    expires_at: String,
    role: String,
}

/// How a review item is closed.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Disposition {
    NoAction,
    Referred,
    Resultant,
    FalseMatch,
}

/// The file format of a watchlist import.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ImportFormat {
    Csv,
    Json,
}

/// A risk band.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Band {
    High,
    Medium,
    Low,
}

/// A lookout's status.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum LookoutStatus {
    Active,
    Enroute,
    Encountered,
    Missed,
    DidNotBoard,
    Referred,
    Positive,
    Negative,
    Inactive,
}

/// A role (DESIGN.md; the list is closed).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum RoleName {
    Airline,
    Officer,
    Analyst,
    Admin,
    Dpo,
    Approver,
    Auditor,
}
