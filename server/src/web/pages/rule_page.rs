//! The rule page: the stored rule, the editor (its text, the engine's errors with their paths,
//! the field catalogue beside it), a test or backtest outcome, the state buttons, the weight
//! suggestion and the versions. The handlers that fill it are in [`super::rules`] and
//! [`super::rule_trials`].

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::context;
use paxrisk_screening::rules::{catalogue, operators_for, FieldType, Format};
use serde::Deserialize;
use serde_json::Value;

use super::rules::{spec_text, store_error};
use super::{failure, user_ctx};
use crate::api::{ApiError, AppState, Code, ADMIN, RULE_WRITERS};
use crate::auth::Principal;
use crate::screening::rules::{self, outcomes, store};
use crate::web::render::page_with_status;

/// No flash (or no rule, on the new-rule page).
pub(super) const UNDEF: minijinja::Value = minijinja::Value::UNDEFINED;

/// Largest form accepted from the editor (a rule with long value lists is bigger than the
/// default form limit of 16 KiB).
const FORM_LIMIT: usize = 256 * 1024;

/// The text a new rule starts from: valid, in draft, so that it can be tested at once.
const EXAMPLE: &str = r#"{
  "name": "New rule",
  "category": "example",
  "severity": "medium",
  "weight": 20,
  "state": "draft",
  "condition": {"all": [
    {"field": "traveller.nationality", "op": "in", "value": ["ISL"]},
    {"field": "flight.origin", "op": "eq", "value": "SIN"}
  ]},
  "rationale": "Why the rule exists, for reviewers and data subjects' requests."
}"#;

/// The editor's form: the rule as JSON text, and what test and backtest need.
#[derive(Deserialize, Default)]
pub(super) struct RuleForm {
    #[serde(default)]
    pub spec: String,
    #[serde(default)]
    pub traveller_id: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub days: String,
}

/// Reads the editor's form (up to [`FORM_LIMIT`]).
pub(super) async fn read_form(
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<RuleForm, ApiError> {
    let mut payload = payload.into_inner();
    actix_web::dev::UrlEncoded::<RuleForm>::new(req, &mut payload)
        .limit(FORM_LIMIT)
        .await
        .map_err(|e| match e {
            actix_web::error::UrlencodedError::Overflow { .. } => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                Code::PayloadTooLarge,
                format!("the form is larger than {} KiB", FORM_LIMIT / 1024),
            ),
            _ => ApiError::bad_request("the form could not be read"),
        })
}

/// What a rule page shows besides the stored rule: the editor's text, its errors, a notice,
/// a test or backtest outcome, and the values typed into the forms.
pub(super) struct Extra {
    pub status: StatusCode,
    /// The editor's text; `None` shows the current version (or the example for a new rule).
    pub text: Option<String>,
    /// `(JSON pointer, message)` of each problem with the text.
    pub errors: Vec<(String, String)>,
    pub notice: Option<String>,
    pub test: Option<minijinja::Value>,
    pub backtest: Option<minijinja::Value>,
    pub form: RuleForm,
}

impl Default for Extra {
    fn default() -> Self {
        Extra {
            status: StatusCode::OK,
            text: None,
            errors: Vec::new(),
            notice: None,
            test: None,
            backtest: None,
            form: RuleForm::default(),
        }
    }
}

impl Extra {
    /// The page for a failed call: a path-carrying error lists under the editor, others show
    /// as a notice.
    pub fn failed(e: ApiError, form: RuleForm) -> Extra {
        let (errors, notice) = match e.path {
            Some(path) => (vec![(path, e.message)], None),
            None => (Vec::new(), Some(e.message)),
        };
        Extra {
            status: e.status,
            text: Some(form.spec.clone()),
            errors,
            notice,
            form,
            ..Extra::default()
        }
    }
}

/// The editor's text as a JSON value; not JSON → `400` with where the parser stopped.
pub(super) fn parse_text(text: &str) -> Result<Value, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError {
        path: Some(String::new()),
        ..ApiError::bad_request(format!("the text is not valid JSON: {e}"))
    })
}

/// The order the editor shows a rule's properties in (the API's order).
const ORDER: &[&str] = &[
    "name",
    "category",
    "severity",
    "weight",
    "state",
    "condition",
    "rationale",
    "owner",
    "valid_from",
    "valid_to",
    "review_by",
];

/// A rule as the editor shows it: one property a line in the API's order, groups indented,
/// each leaf on one line.
fn editor_text(spec: &Value) -> String {
    fn condition(out: &mut String, c: &Value, depth: usize) {
        let pad = "  ".repeat(depth + 1);
        let group = c
            .as_object()
            .filter(|o| o.len() == 1)
            .and_then(|o| o.iter().next())
            .filter(|(k, _)| matches!(k.as_str(), "all" | "any" | "not"));
        match group {
            Some((k, Value::Array(items))) => {
                out.push_str(&format!("{{\"{k}\": [\n"));
                for (i, item) in items.iter().enumerate() {
                    out.push_str(&pad);
                    condition(out, item, depth + 1);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                out.push_str(&"  ".repeat(depth));
                out.push_str("]}");
            }
            Some((k, inner)) => {
                out.push_str(&format!("{{\"{k}\": "));
                condition(out, inner, depth);
                out.push('}');
            }
            None => {
                // A leaf: `{"field": …, "op": …, "value": …}` on one line.
                let parts: Vec<String> = c
                    .as_object()
                    .map(|o| {
                        ["field", "op", "value"]
                            .iter()
                            .filter_map(|k| o.get(*k).map(|v| format!("\"{k}\": {v}")))
                            .collect()
                    })
                    .unwrap_or_default();
                out.push_str(&format!("{{{}}}", parts.join(", ")));
            }
        }
    }
    let Some(obj) = spec.as_object() else {
        return serde_json::to_string_pretty(spec).unwrap_or_default();
    };
    let mut keys: Vec<&str> = ORDER
        .iter()
        .copied()
        .filter(|k| obj.contains_key(*k))
        .collect();
    // Anything else (a property a later release adds) after the known ones.
    keys.extend(
        obj.keys()
            .map(String::as_str)
            .filter(|k| !ORDER.contains(k)),
    );
    let mut out = String::from("{\n");
    for (i, k) in keys.iter().enumerate() {
        out.push_str(&format!("  \"{k}\": "));
        if *k == "condition" {
            condition(&mut out, &obj[*k], 1);
        } else {
            out.push_str(&obj[*k].to_string());
        }
        out.push_str(if i + 1 < keys.len() { ",\n" } else { "\n" });
    }
    out.push('}');
    out
}

/// The states a rule may move to from `from` (the engine allows any other state) with the
/// button's words.
fn moves(from: &str) -> Vec<(&'static str, &'static str)> {
    [
        ("draft", "Back to draft"),
        ("shadow", "Run in shadow"),
        ("live", "Promote to live"),
        ("retired", "Retire"),
    ]
    .into_iter()
    .filter(|(s, _)| *s != from)
    .collect()
}

/// The field catalogue for the editor: name, type, values, operators, description.
fn fields() -> Vec<minijinja::Value> {
    catalogue()
        .iter()
        .map(|f| {
            let ty = match f.ty {
                FieldType::Text => "text",
                FieldType::TextList => "list of texts",
                FieldType::Integer => "whole number",
                FieldType::Number => "number",
                FieldType::Boolean => "true / false",
                FieldType::Date => "date YYYY-MM-DD",
            };
            let values = match f.format {
                Format::Free => String::new(),
                Format::Country => "ISO alpha-3 country".into(),
                Format::Airport => "IATA airport".into(),
                Format::Carrier => "airline designator".into(),
                Format::OneOf(v) => v.join(", "),
            };
            let ops: Vec<&str> = operators_for(f.ty).into_iter().map(|o| o.as_str()).collect();
            context! { name => f.name, ty, values, ops => ops.join(", "), description => f.description }
        })
        .collect()
}

/// Renders the rule page (or the new-rule page when `id` is `None`) with `extra`.
pub(super) async fn show(
    p: &Principal,
    state: &web::Data<AppState>,
    id: Option<String>,
    extra: Extra,
    flash: minijinja::Value,
) -> HttpResponse {
    let writer = RULE_WRITERS.contains(&p.role);
    let loaded = match id.clone() {
        None => None,
        Some(id) => {
            let r = crate::api::db(state, move |conn, st| {
                let Some(rule) = rules::list(conn, Some(&id))?.into_iter().next() else {
                    return Err(ApiError::not_found("rule"));
                };
                let versions = store::versions(conn, &id)?.unwrap_or_default();
                // As in the API: writers read suggestions; reviewers do not.
                let suggestion = writer.then(|| {
                    outcomes::suggest(conn, &id, rules::bands(&st.config), crate::db::now_ms())
                        .map_err(|e| store_error(e).message)
                });
                Ok((rule, versions, suggestion))
            })
            .await;
            match r {
                Ok(l) => Some(l),
                Err(e) => return failure(p, e),
            }
        }
    };
    let (rule, versions, suggestion) = match loaded {
        None => (UNDEF, Vec::new(), None),
        Some((rule, versions, suggestion)) => {
            let state_now = spec_text(&rule.spec, "state");
            let moves: Vec<minijinja::Value> = moves(&state_now)
                .into_iter()
                .map(|(to, label)| context! { to, label })
                .collect();
            let current = editor_text(&rule.spec);
            let s = |k| spec_text(&rule.spec, k);
            let v = context! { id => rule.id, version => rule.version, name => s("name"),
            state => state_now, weight => s("weight"), severity => s("severity"),
            category => s("category"), rationale => s("rationale"), owner => s("owner"),
            valid_from => s("valid_from"), valid_to => s("valid_to"),
            review_by => s("review_by"), updated => rule.updated_at, moves, current };
            let versions: Vec<minijinja::Value> = versions
                .iter()
                .map(|x| {
                    context! { version => x.version, at => x.created_at, by => x.created_by,
                    hits => x.hits, weight => spec_text(&x.rule, "weight"),
                    state => spec_text(&x.rule, "state"),
                    text => editor_text(&x.rule) }
                })
                .collect();
            let suggestion = suggestion.map(|s| match s {
                Ok(s) => context! { ok => minijinja::Value::from_serialize(&s) },
                Err(message) => context! { error => message },
            });
            (v, versions, suggestion)
        }
    };
    let text = extra
        .text
        .clone()
        .unwrap_or_else(|| match rule.get_attr("current") {
            Ok(c) if !c.is_undefined() => c.to_string(),
            _ => EXAMPLE.to_string(),
        });
    let errors: Vec<minijinja::Value> = extra
        .errors
        .iter()
        .map(|(path, message)| {
            context! { path => if path.is_empty() { "(the whole text)" } else { path.as_str() },
            message }
        })
        .collect();
    let f = &extra.form;
    page_with_status(
        extra.status,
        "rule.html",
        context! {
            // Ids are UUIDs read from the store: safe in an attribute as they are.
            base => minijinja::Value::from_safe_string(match &id {
                None => "/rules".to_string(),
                Some(id) => format!("/rules/{id}"),
            }),
            user => user_ctx(p), active => "rules", flash, rule, versions, suggestion,
            is_new => id.is_none(), can_write => writer, is_admin => ADMIN.contains(&p.role),
            text, errors, notice => extra.notice, test => extra.test,
            backtest => extra.backtest, fields => if writer { fields() } else { Vec::new() },
            typed => context! { traveller_id => f.traveller_id, from => f.from, to => f.to,
                days => if f.days.is_empty() { "90" } else { f.days.as_str() } },
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_editor_text_is_the_rule_in_the_api_order_and_reads_back_the_same() {
        let spec: Value = serde_json::from_str(EXAMPLE).unwrap();
        let spec =
            serde_json::to_value(paxrisk_screening::rules::RuleSpec::validate(&spec).unwrap())
                .unwrap();
        let text = editor_text(&spec);
        assert!(
            text.starts_with("{\n  \"name\": \"New rule\",\n  \"category\""),
            "{text}"
        );
        assert!(
            text.contains("    {\"field\": \"traveller.nationality\", \"op\": \"in\", \"value\": [\"ISL\"]},\n"),
            "{text}"
        );
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), spec);
        let nested =
            json!({"name": "n", "condition": {"not": {"any": [{"field": "a", "op": "is_empty"}]}}});
        assert_eq!(
            serde_json::from_str::<Value>(&editor_text(&nested)).unwrap(),
            nested
        );
    }
}
