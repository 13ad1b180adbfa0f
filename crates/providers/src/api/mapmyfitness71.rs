//! MapMyFitness API v7.1 (the OAuth 2 tutorial's API): the `activity_type`
//! list.
//!
//! Calls carry a bearer token (added by the caller) and the `Api-Key` header
//! the profile adds to every API call. Answers are HAL-style JSON: the items
//! sit under `_embedded`, and each item's id is in its `_links.self[0].id`.

use http::{Method, Request};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{ApiError, get, read_json};
use crate::profile::Profile;

/// An activity type (running, cycling, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ActivityType {
    /// The id, from `_links.self[0].id`.
    pub id: Option<u64>,
    /// The name shown to people.
    pub name: String,
    /// Every other member, as sent.
    pub extra: Map<String, Value>,
}

/// `GET activity_type/`: every activity type.
///
/// # Errors
///
/// [`ApiError::InvalidRequest`] when the profile's templates are broken.
pub fn list_activity_types(
    profile: &Profile,
    client_id: &str,
) -> Result<Request<Vec<u8>>, ApiError> {
    get(profile.api_request(Method::GET, "activity_type/", &[], client_id)?)
}

/// Reads the answer of [`list_activity_types`].
///
/// # Errors
///
/// [`ApiError::Provider`] for an error answer (`{"_diagnostics": ...}` or a
/// non-2xx status), [`ApiError::UnexpectedResponse`] for another shape.
pub fn read_activity_types(status: u16, body: &[u8]) -> Result<Vec<ActivityType>, ApiError> {
    let mut answer: Map<String, Value> = read_json(status, body)?;
    if !(200..300).contains(&status) {
        let messages = answer
            .get("_diagnostics")
            .map(|d| vec![d.to_string()])
            .unwrap_or_else(|| vec![String::from_utf8_lossy(body).into_owned()]);
        return Err(ApiError::Provider {
            status,
            code: None,
            messages,
        });
    }
    let Some(Value::Array(items)) = answer
        .get_mut("_embedded")
        .and_then(|e| e.get_mut("activity_types"))
        .map(Value::take)
    else {
        return Err(ApiError::unexpected(
            status,
            "no `_embedded.activity_types` list",
            body,
        ));
    };
    items
        .into_iter()
        .map(|item| {
            let Value::Object(mut extra) = item else {
                return Err(ApiError::unexpected(
                    status,
                    "an activity type is not an object",
                    body,
                ));
            };
            let name = extra
                .remove("name")
                .and_then(|n| n.as_str().map(str::to_owned))
                .unwrap_or_default();
            let id = extra
                .get("_links")
                .and_then(|l| l.get("self"))
                .and_then(|s| s.get(0))
                .and_then(|s| s.get("id"))
                .and_then(|id| id.as_u64().or_else(|| id.as_str()?.parse().ok()));
            Ok(ActivityType { id, name, extra })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin;

    #[test]
    fn the_list_call_carries_the_api_key() {
        let profile = builtin::get("mapmyfitness").unwrap();
        let request = list_activity_types(&profile, "my-client").unwrap();
        assert_eq!(
            request.uri().to_string(),
            "https://api.mapmyfitness.com/v7.1/activity_type/"
        );
        assert_eq!(request.headers()["Api-Key"], "my-client");
    }

    #[test]
    fn hal_items_are_read_with_their_ids() {
        let body = br#"{"_embedded":{"activity_types":[
            {"name":"Run","mets":7.0,"_links":{"self":[{"id":"16","href":"/v7.1/activity_type/16/"}]}},
            {"name":"Bike Ride","_links":{"self":[{"id":11}]}}]},"total_count":2}"#;
        let types = read_activity_types(200, body).unwrap();
        assert_eq!((types[0].id, types[0].name.as_str()), (Some(16), "Run"));
        assert_eq!(types[0].extra["mets"], 7.0);
        assert_eq!(
            (types[1].id, types[1].name.as_str()),
            (Some(11), "Bike Ride")
        );
        assert_eq!(
            read_activity_types(200, b"{}").unwrap_err().code(),
            "unexpected_response"
        );
        let err = read_activity_types(
            401,
            br#"{"_diagnostics":{"validation_failures":["bad token"]}}"#,
        )
        .unwrap_err();
        assert_eq!(err.code(), "provider_error");
    }
}
