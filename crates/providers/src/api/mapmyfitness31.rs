//! MapMyFitness API 3.1 (the OAuth 1 tutorial's API): `users/get_user`,
//! `workouts/get_workouts` and `workouts/create_workout`.
//!
//! Calls are signed in the query (the profile's `api_placement`); the
//! profile adds the `api_key` query parameter, which is signed with the rest.
//! Every answer comes in one envelope:
//!
//! ```json
//! {"result": {"status": 1, "output": {...}, "errors": []}}
//! ```
//!
//! `status` 1 is success; -1 is failure, with messages in `errors`. The API
//! sends many numbers as strings (`"count": "1"`, `"user_id": "26345682"`);
//! they are read as numbers. Where the API's documents are silent on the
//! `output` of a call, the choice made is stated on the reader.

use http::{Method, Request, header};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{ApiError, get, numbers, read_json};
use crate::profile::Profile;

/// The envelope of every API 3.1 answer.
#[derive(Debug, Deserialize)]
struct Envelope {
    result: EnvelopeResult,
}

#[derive(Debug, Deserialize)]
struct EnvelopeResult {
    #[serde(deserialize_with = "numbers::lenient")]
    status: i64,
    #[serde(default)]
    output: Value,
    #[serde(default)]
    errors: Vec<Value>,
}

/// A MapMyFitness user, as `users/get_user` returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct User {
    /// The user's id.
    #[serde(deserialize_with = "numbers::lenient")]
    pub user_id: u64,
    /// Login name.
    #[serde(default)]
    pub username: String,
    /// Given name.
    #[serde(default)]
    pub first_name: String,
    /// Family name.
    #[serde(default)]
    pub last_name: String,
    /// Every other member, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A workout, as `workouts/get_workouts` lists it and `create_workout` returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Workout {
    /// The workout's id.
    #[serde(deserialize_with = "numbers::lenient")]
    pub workout_id: u64,
    /// The owner's id.
    #[serde(default, deserialize_with = "numbers::lenient_option")]
    pub user_id: Option<u64>,
    /// Free text describing the workout.
    #[serde(default)]
    pub workout_description: String,
    /// The activity type's id (running, cycling, ...).
    #[serde(default, deserialize_with = "numbers::lenient_option")]
    pub activity_type_id: Option<u64>,
    /// The day of the workout, `YYYY-MM-DD`.
    #[serde(default)]
    pub workout_date: String,
    /// Every other member, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of `workouts/get_workouts`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WorkoutList {
    /// How many workouts the list holds.
    #[serde(deserialize_with = "numbers::lenient")]
    pub count: u64,
    /// The workouts.
    #[serde(default)]
    pub workouts: Vec<Workout>,
}

/// The fields of `workouts/create_workout`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewWorkout {
    /// The owner's id.
    pub user_id: u64,
    /// Free text describing the workout.
    pub workout_description: String,
    /// The activity type's id.
    pub activity_type_id: u64,
    /// The day of the workout, `YYYY-MM-DD`.
    pub workout_date: String,
    /// Further optional fields of the call (`time_taken`, `distance`, ...), sent as given.
    pub extra: Vec<(String, String)>,
}

impl NewWorkout {
    /// A workout with the four fields the call requires.
    pub fn new(
        user_id: u64,
        workout_description: &str,
        activity_type_id: u64,
        workout_date: &str,
    ) -> Self {
        Self {
            user_id,
            workout_description: workout_description.to_owned(),
            activity_type_id,
            workout_date: workout_date.to_owned(),
            extra: Vec::new(),
        }
    }

    /// The form parameters of the call, in the documented order.
    pub fn form_params(&self) -> Vec<(String, String)> {
        let mut params = vec![
            ("user_id".to_owned(), self.user_id.to_string()),
            (
                "workout_description".to_owned(),
                self.workout_description.clone(),
            ),
            (
                "activity_type_id".to_owned(),
                self.activity_type_id.to_string(),
            ),
            ("workout_date".to_owned(), self.workout_date.clone()),
        ];
        params.extend(self.extra.iter().cloned());
        params
    }
}

/// `GET users/get_user`: the authorizing user.
///
/// # Errors
///
/// [`ApiError::InvalidRequest`] when the profile's templates are broken.
pub fn get_user(profile: &Profile, client_id: &str) -> Result<Request<Vec<u8>>, ApiError> {
    get(profile.api_request(Method::GET, "users/get_user", &[], client_id)?)
}

/// `GET workouts/get_workouts`: the workouts of `user_id`, or of the authorizing user.
///
/// # Errors
///
/// [`ApiError::InvalidRequest`] when the profile's templates are broken.
pub fn get_workouts(
    profile: &Profile,
    client_id: &str,
    user_id: Option<u64>,
) -> Result<Request<Vec<u8>>, ApiError> {
    let user = user_id.map(|id| id.to_string());
    let query: Vec<(&str, &str)> = user
        .as_deref()
        .map(|id| ("user_id", id))
        .into_iter()
        .collect();
    get(profile.api_request(Method::GET, "workouts/get_workouts", &query, client_id)?)
}

/// `POST workouts/create_workout` with a form-encoded body.
///
/// # Errors
///
/// [`ApiError::InvalidRequest`] when the profile's templates are broken.
pub fn create_workout(
    profile: &Profile,
    client_id: &str,
    workout: &NewWorkout,
) -> Result<Request<Vec<u8>>, ApiError> {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(workout.form_params())
        .finish();
    profile
        .api_request(Method::POST, "workouts/create_workout", &[], client_id)?
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body.into_bytes())
        .map_err(|e| ApiError::InvalidRequest(e.to_string()))
}

/// Reads the answer of [`get_user`]. The `output` may be the user object
/// itself or `{"user": {...}}`; both are accepted.
///
/// # Errors
///
/// [`ApiError::Provider`] for `status: -1` (with the API's messages), and
/// [`ApiError::UnexpectedResponse`] for a body that is not the envelope.
pub fn read_user(status: u16, body: &[u8]) -> Result<User, ApiError> {
    read_named(status, body, "user")
}

/// Reads the answer of [`get_workouts`].
///
/// # Errors
///
/// As [`read_user`].
pub fn read_workouts(status: u16, body: &[u8]) -> Result<WorkoutList, ApiError> {
    read_output(status, body)
}

/// Reads the answer of [`create_workout`]: the created workout, as the
/// workout itself or `{"workout": {...}}`.
///
/// # Errors
///
/// As [`read_user`].
pub fn read_created_workout(status: u16, body: &[u8]) -> Result<Workout, ApiError> {
    read_named(status, body, "workout")
}

/// Unwraps the envelope and reads `output` as `T`.
///
/// # Errors
///
/// As [`read_user`].
pub fn read_output<T: DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, ApiError> {
    let output = read_envelope(status, body)?;
    serde_json::from_value(output).map_err(|e| ApiError::unexpected(status, e, body))
}

/// Reads `output` as `T`, unwrapping `{"<name>": ...}` when the output is that.
fn read_named<T: DeserializeOwned>(status: u16, body: &[u8], name: &str) -> Result<T, ApiError> {
    let mut output = read_envelope(status, body)?;
    if let Some(inner) = output.get_mut(name).filter(|v| v.is_object()) {
        output = inner.take();
    }
    serde_json::from_value(output).map_err(|e| ApiError::unexpected(status, e, body))
}

/// The `output` of a successful envelope, or the envelope's errors.
fn read_envelope(status: u16, body: &[u8]) -> Result<Value, ApiError> {
    let envelope: Envelope = read_json(status, body)?;
    let result = envelope.result;
    if result.status == 1 {
        return Ok(result.output);
    }
    let messages = result
        .errors
        .iter()
        .map(|e| match e {
            Value::String(s) => s.clone(),
            Value::Object(o) => o
                .get("message")
                .and_then(Value::as_str)
                .map_or_else(|| e.to_string(), str::to_owned),
            other => other.to_string(),
        })
        .collect();
    Err(ApiError::Provider {
        status,
        code: None,
        messages,
    })
}

/// The message API 3.1 gives for an unsigned or badly signed call, as the tutorial shows it.
pub const AUTHENTICATION_FAILED: &str =
    "API Authentication failed for this Service. Bad API Key or Invalid User.";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin;

    #[test]
    fn requests_carry_the_api_key_and_the_form_body() {
        let profile = builtin::get("mapmyfitness-oauth1").unwrap();
        let request = get_workouts(&profile, "ck", Some(26345682)).unwrap();
        assert_eq!(request.method(), Method::GET);
        assert_eq!(
            request.uri().to_string(),
            "http://api.mapmyfitness.com/3.1/workouts/get_workouts?api_key=ck&user_id=26345682"
        );

        let workout = NewWorkout::new(26345682, "Morning run + hills", 16, "2013-01-27");
        let request = create_workout(&profile, "ck", &workout).unwrap();
        assert_eq!(
            request.uri().to_string(),
            "http://api.mapmyfitness.com/3.1/workouts/create_workout?api_key=ck"
        );
        assert_eq!(
            request.headers()[header::CONTENT_TYPE],
            "application/x-www-form-urlencoded"
        );
        assert_eq!(
            String::from_utf8(request.into_body()).unwrap(),
            "user_id=26345682&workout_description=Morning+run+%2B+hills&activity_type_id=16&workout_date=2013-01-27"
        );
    }

    #[test]
    fn the_envelope_gives_output_with_numbers_read_from_strings() {
        let body = br#"{"result":{"status":1,"output":{"user":{"user_id":"26345682","username":"runner","city":"Austin"}},"errors":[]}}"#;
        let user = read_user(200, body).unwrap();
        assert_eq!(user.user_id, 26345682);
        assert_eq!(user.username, "runner");
        assert_eq!(user.extra["city"], "Austin");

        let body = br#"{"result":{"status":"1","output":{"count":"1","workouts":[{"workout_id":"7","user_id":"26345682","activity_type_id":"16","workout_date":"2013-01-27","workout_description":"run"}]}}}"#;
        let list = read_workouts(200, body).unwrap();
        assert_eq!(list.count, 1);
        assert_eq!(list.workouts[0].workout_id, 7);
        assert_eq!(list.workouts[0].activity_type_id, Some(16));
    }

    #[test]
    fn a_failed_envelope_carries_the_messages() {
        let body = format!(
            r#"{{"result":{{"status":-1,"output":null,"errors":["{AUTHENTICATION_FAILED}"]}}}}"#
        );
        let err = read_user(200, body.as_bytes()).unwrap_err();
        assert_eq!(
            err,
            ApiError::Provider {
                status: 200,
                code: None,
                messages: vec![AUTHENTICATION_FAILED.to_owned()]
            }
        );
        let err = read_user(502, b"<html>Bad gateway</html>").unwrap_err();
        assert_eq!(err.code(), "unexpected_response");
        assert!(err.to_string().contains("<html>Bad gateway"), "{err}");
    }
}
