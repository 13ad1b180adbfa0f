//! Fitbit Web API: the user's profile (`1/user/-/profile.json`), for both the
//! legacy OAuth 1.0a profile and today's OAuth 2 one.
//!
//! Fitbit's errors come as `{"errors": [{"errorType": ..., "message": ...}]}`;
//! they are read into [`ApiError::Provider`] with the first `errorType` as the
//! code and every message.

use http::{Method, Request};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{ApiError, get, read_json};
use crate::profile::Profile;

/// The user's profile, as `profile.json` returns it under `"user"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UserProfile {
    /// Fitbit's id for the user (`encodedId`).
    #[serde(default)]
    pub encoded_id: String,
    /// The name shown to people.
    #[serde(default)]
    pub display_name: String,
    /// Every other member, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One entry of Fitbit's `errors` list.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FitbitError {
    #[serde(default)]
    error_type: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

/// `GET 1/user/-/profile.json`: the authorizing user's profile.
///
/// # Errors
///
/// [`ApiError::InvalidRequest`] when the profile's templates are broken.
pub fn get_profile(profile: &Profile, client_id: &str) -> Result<Request<Vec<u8>>, ApiError> {
    get(profile.api_request(Method::GET, "1/user/-/profile.json", &[], client_id)?)
}

/// Reads the answer of [`get_profile`].
///
/// # Errors
///
/// [`ApiError::Provider`] for Fitbit's `errors` answers,
/// [`ApiError::UnexpectedResponse`] for any other shape.
pub fn read_profile(status: u16, body: &[u8]) -> Result<UserProfile, ApiError> {
    let mut answer: Map<String, Value> = read_json(status, body)?;
    if let Some(errors) = answer.get("errors") {
        return Err(read_errors(status, errors, body));
    }
    let user = answer
        .remove("user")
        .ok_or_else(|| ApiError::unexpected(status, "no `user` member", body))?;
    serde_json::from_value(user).map_err(|e| ApiError::unexpected(status, e, body))
}

/// Turns Fitbit's `errors` list into an [`ApiError::Provider`].
pub(crate) fn read_errors(status: u16, errors: &Value, body: &[u8]) -> ApiError {
    let Ok(errors) = serde_json::from_value::<Vec<FitbitError>>(errors.clone()) else {
        return ApiError::unexpected(status, "`errors` is not a list of errors", body);
    };
    ApiError::Provider {
        status,
        code: errors.iter().find_map(|e| e.error_type.clone()),
        messages: errors.into_iter().filter_map(|e| e.message).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin;

    #[test]
    fn both_fitbit_profiles_address_the_same_resource() {
        for name in ["fitbit", "fitbit-oauth1"] {
            let profile = builtin::get(name).unwrap();
            let request = get_profile(&profile, "id").unwrap();
            assert_eq!(
                request.uri().to_string(),
                "https://api.fitbit.com/1/user/-/profile.json",
                "{name}"
            );
        }
    }

    #[test]
    fn the_profile_and_fitbit_errors_are_read() {
        let user = read_profile(
            200,
            br#"{"user":{"encodedId":"2ABCDE","displayName":"Ann","age":30}}"#,
        )
        .unwrap();
        assert_eq!(
            (user.encoded_id.as_str(), user.display_name.as_str()),
            ("2ABCDE", "Ann")
        );
        assert_eq!(user.extra["age"], 30);
        let body = br#"{"errors":[{"errorType":"expired_token","message":"Access token expired: x"}],"success":false}"#;
        assert_eq!(
            read_profile(401, body),
            Err(ApiError::Provider {
                status: 401,
                code: Some("expired_token".to_owned()),
                messages: vec!["Access token expired: x".to_owned()],
            })
        );
    }
}
