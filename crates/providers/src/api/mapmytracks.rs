//! Map My Tracks API v3: live activities (start, update, stop), file uploads
//! and routes.
//!
//! Activity calls are `multipart/form-data` POSTs authorized with a bearer
//! token (added by the caller). Successful answers name the function
//! (`{"function": "startActivity", "activity_id": 42}`); failures are HTTP 403
//! with `{"function": ..., "error": "INVALID_PARAMENTER", "message": ...}`
//! (the code's spelling is the API's own).
//!
//! Where the document is silent, these choices are made: heart-rate samples
//! travel in the same `data` JSON as the track, under `"hr"`; `timestamp` is
//! the sample's time in RFC 3339 UTC and `unix_timestamp` the same instant in
//! seconds; `tags` are sent joined with commas.

use http::{Method, Request, header};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::multipart::{self, Part};
use super::{ApiError, numbers, read_json};
use crate::profile::Profile;

/// Who can see an activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Everyone.
    Public,
    /// Only the owner.
    Private,
}

impl Visibility {
    fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Private => "private",
        }
    }
}

/// One track point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackPoint {
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Elevation, metres, when known.
    pub ele: Option<f64>,
    /// When, in unix seconds.
    pub unix_timestamp: i64,
}

/// One heart-rate sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeartRate {
    /// Beats per minute.
    pub bpm: u16,
    /// When, in unix seconds.
    pub unix_timestamp: i64,
}

/// The samples sent with `startActivity` and `updateActivity`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActivityData {
    /// Track points, in time order.
    pub points: Vec<TrackPoint>,
    /// Heart-rate samples, in time order.
    pub heart_rate: Vec<HeartRate>,
}

impl ActivityData {
    /// The `data` field's JSON: `{"loc": [...], "hr": [...]}`.
    pub fn to_json(&self) -> Value {
        let loc: Vec<Value> = self
            .points
            .iter()
            .map(|p| {
                let mut point = json!({
                    "lat": p.lat,
                    "lon": p.lon,
                    "timestamp": rfc3339(p.unix_timestamp),
                    "unix_timestamp": p.unix_timestamp,
                });
                if let (Some(ele), Some(map)) = (p.ele, point.as_object_mut()) {
                    map.insert("ele".to_owned(), json!(ele));
                }
                point
            })
            .collect();
        let hr: Vec<Value> = self
            .heart_rate
            .iter()
            .map(|s| json!({"hr": s.bpm, "timestamp": rfc3339(s.unix_timestamp), "unix_timestamp": s.unix_timestamp}))
            .collect();
        json!({ "loc": loc, "hr": hr })
    }
}

/// The fields of `startActivity`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StartActivity {
    /// Who can see it.
    pub status: Visibility,
    /// `running`, `cycling`, ...
    pub activity_type: String,
    /// The title shown.
    pub activity_title: String,
    /// Free tags.
    pub tags: Vec<String>,
    /// The first samples.
    pub data: ActivityData,
}

impl StartActivity {
    /// A start with no tags and no samples yet.
    pub fn new(status: Visibility, activity_type: &str, activity_title: &str) -> Self {
        Self {
            status,
            activity_type: activity_type.to_owned(),
            activity_title: activity_title.to_owned(),
            tags: Vec::new(),
            data: ActivityData::default(),
        }
    }
}

/// The format of an uploaded activity file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// GPS Exchange Format.
    Gpx,
    /// Garmin's Flexible and Interoperable data Transfer; carries its own activity type.
    Fit,
    /// Training Center XML.
    Tcx,
}

impl FileFormat {
    fn extension_and_type(self) -> (&'static str, &'static str) {
        match self {
            Self::Gpx => ("gpx", "application/gpx+xml"),
            Self::Fit => ("fit", "application/vnd.ant.fit"),
            Self::Tcx => ("tcx", "application/vnd.garmin.tcx+xml"),
        }
    }
}

/// The fields of `uploadActivity`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UploadActivity {
    /// Who can see it.
    pub status: Visibility,
    /// `running`, ...; not sent for FIT files, which carry their own.
    pub activity_type: Option<String>,
    /// The name shown.
    pub activity_name: String,
    /// The file's format.
    pub format: FileFormat,
    /// The file's bytes.
    pub file: Vec<u8>,
}

/// A route from `get_routes`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Route {
    /// The route's id (sent as a string).
    #[serde(default, deserialize_with = "numbers::lenient_option")]
    pub id: Option<u64>,
    /// The route's name.
    #[serde(default)]
    pub name: String,
    /// Every other member, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `POST startActivity`: begins a live activity.
///
/// # Errors
///
/// [`ApiError::InvalidRequest`] when the URL cannot be built.
pub fn start_activity(
    profile: &Profile,
    start: &StartActivity,
    boundary: &str,
) -> Result<Request<Vec<u8>>, ApiError> {
    let parts = [
        Part::text("status", start.status.as_str()),
        Part::text("activity_type", &start.activity_type),
        Part::text("activity_title", &start.activity_title),
        Part::text("tags", &start.tags.join(",")),
        Part::text("data", &start.data.to_json().to_string()),
    ];
    multipart_post(profile, "startActivity", &parts, boundary)
}

/// `POST updateActivity`: adds samples to a live activity.
///
/// # Errors
///
/// [`ApiError::InvalidRequest`] when the URL cannot be built.
pub fn update_activity(
    profile: &Profile,
    activity_id: u64,
    data: &ActivityData,
    boundary: &str,
) -> Result<Request<Vec<u8>>, ApiError> {
    let parts = [
        Part::text("activity_id", &activity_id.to_string()),
        Part::text("data", &data.to_json().to_string()),
    ];
    multipart_post(profile, "updateActivity", &parts, boundary)
}

/// `POST stopActivity`: ends a live activity.
///
/// # Errors
///
/// [`ApiError::InvalidRequest`] when the URL cannot be built.
pub fn stop_activity(
    profile: &Profile,
    activity_id: u64,
    boundary: &str,
) -> Result<Request<Vec<u8>>, ApiError> {
    multipart_post(
        profile,
        "stopActivity",
        &[Part::text("activity_id", &activity_id.to_string())],
        boundary,
    )
}

/// `POST uploadActivity`: uploads a finished activity as a GPX, FIT or TCX file.
///
/// # Errors
///
/// [`ApiError::InvalidRequest`] when the URL cannot be built.
pub fn upload_activity(
    profile: &Profile,
    upload: &UploadActivity,
    boundary: &str,
) -> Result<Request<Vec<u8>>, ApiError> {
    let (extension, content_type) = upload.format.extension_and_type();
    let mut parts = vec![Part::text("status", upload.status.as_str())];
    if upload.format != FileFormat::Fit
        && let Some(activity_type) = &upload.activity_type
    {
        parts.push(Part::text("activity_type", activity_type));
    }
    parts.push(Part::text("activity_name", &upload.activity_name));
    parts.push(Part::file(
        "file",
        &format!("activity.{extension}"),
        content_type,
        upload.file.clone(),
    ));
    multipart_post(profile, "uploadActivity", &parts, boundary)
}

/// `GET get_routes` on the routes host (the profile's `api.endpoints.routes`).
///
/// # Errors
///
/// [`ApiError::InvalidRequest`] when the profile has no `routes` endpoint.
pub fn get_routes(profile: &Profile) -> Result<Request<Vec<u8>>, ApiError> {
    let url = profile.api.endpoints.get("routes").ok_or_else(|| {
        ApiError::InvalidRequest("the profile has no api.endpoints.routes".to_owned())
    })?;
    Request::builder()
        .method(Method::GET)
        .uri(url.as_str())
        .body(Vec::new())
        .map_err(|e| ApiError::InvalidRequest(e.to_string()))
}

/// Reads the answer of [`start_activity`]: the new activity's id.
///
/// # Errors
///
/// [`ApiError::Provider`] for the API's error answers, [`ApiError::UnexpectedResponse`] otherwise.
pub fn read_started(status: u16, body: &[u8]) -> Result<u64, ApiError> {
    read_activity_id(status, body, "startActivity")
}

/// Reads the answer of [`upload_activity`]: the new activity's id.
///
/// # Errors
///
/// As [`read_started`].
pub fn read_uploaded(status: u16, body: &[u8]) -> Result<u64, ApiError> {
    read_activity_id(status, body, "uploadActivity")
}

/// Reads the answer of [`update_activity`] (`function` is `updateActivity`) or
/// [`stop_activity`] (`stopActivity`): `{"function": ..., "ok": 1}`.
///
/// # Errors
///
/// As [`read_started`].
pub fn read_ok(status: u16, body: &[u8], function: &str) -> Result<(), ApiError> {
    let answer = read_answer(status, body, function)?;
    match answer.get("ok") {
        Some(ok) if ok == 1 || ok == "1" || ok == true => Ok(()),
        _ => Err(ApiError::unexpected(
            status,
            "no `\"ok\": 1` in the answer",
            body,
        )),
    }
}

/// Reads the answer of [`get_routes`]; `{"error": "No routes available"}` is an empty list.
///
/// # Errors
///
/// [`ApiError::Provider`] for any other error answer.
pub fn read_routes(status: u16, body: &[u8]) -> Result<Vec<Route>, ApiError> {
    let value: Value = read_json(status, body)?;
    match value {
        Value::Array(_) => {
            serde_json::from_value(value).map_err(|e| ApiError::unexpected(status, e, body))
        }
        Value::Object(ref map)
            if map.get("error").and_then(Value::as_str) == Some("No routes available") =>
        {
            Ok(Vec::new())
        }
        Value::Object(map) if map.contains_key("error") => Err(provider_error(status, &map)),
        _ => Err(ApiError::unexpected(
            status,
            "expected a list of routes",
            body,
        )),
    }
}

fn read_activity_id(status: u16, body: &[u8], function: &str) -> Result<u64, ApiError> {
    let answer = read_answer(status, body, function)?;
    let id = answer.get("activity_id").cloned().unwrap_or(Value::Null);
    match &id {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
    .ok_or_else(|| ApiError::unexpected(status, "no numeric `activity_id` in the answer", body))
}

/// The answer object for `function`, or the API's error.
fn read_answer(status: u16, body: &[u8], function: &str) -> Result<Map<String, Value>, ApiError> {
    let answer: Map<String, Value> = read_json(status, body)?;
    if answer.contains_key("error") || status >= 400 {
        return Err(provider_error(status, &answer));
    }
    match answer.get("function").and_then(Value::as_str) {
        Some(f) if f == function => Ok(answer),
        other => Err(ApiError::unexpected(
            status,
            format!("expected function {function}, got {other:?}"),
            body,
        )),
    }
}

fn provider_error(status: u16, answer: &Map<String, Value>) -> ApiError {
    let text = |key: &str| answer.get(key).and_then(Value::as_str).map(str::to_owned);
    ApiError::Provider {
        status,
        code: text("error"),
        messages: text("message")
            .or_else(|| text("error"))
            .into_iter()
            .collect(),
    }
}

fn multipart_post(
    profile: &Profile,
    function: &str,
    parts: &[Part],
    boundary: &str,
) -> Result<Request<Vec<u8>>, ApiError> {
    profile
        .api_request(Method::POST, function, &[], "")?
        .header(header::CONTENT_TYPE, multipart::content_type(boundary))
        .body(multipart::encode(parts, boundary))
        .map_err(|e| ApiError::InvalidRequest(e.to_string()))
}

/// `unix` seconds as `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian, UTC).
fn rfc3339(unix: i64) -> String {
    let (days, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin;

    #[test]
    fn rfc3339_matches_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_234_567_890), "2009-02-13T23:31:30Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn start_activity_is_a_multipart_post_with_the_samples_in_data() {
        let profile = builtin::get("mapmytracks").unwrap();
        let mut start = StartActivity::new(Visibility::Private, "running", "Lunch run");
        start.tags = vec!["easy".to_owned(), "park".to_owned()];
        start.data.points.push(TrackPoint {
            lat: 51.5,
            lon: -0.125,
            ele: Some(12.0),
            unix_timestamp: 1_234_567_890,
        });
        start.data.heart_rate.push(HeartRate {
            bpm: 141,
            unix_timestamp: 1_234_567_890,
        });
        let request = start_activity(&profile, &start, "b0und").unwrap();
        assert_eq!(
            request.uri().to_string(),
            "https://www.mapmytracks.com/api3/startActivity"
        );
        assert_eq!(
            request.headers()[header::CONTENT_TYPE],
            "multipart/form-data; boundary=b0und"
        );
        let body = String::from_utf8(request.into_body()).unwrap();
        assert!(
            body.contains("name=\"status\"\r\n\r\nprivate\r\n"),
            "{body}"
        );
        assert!(
            body.contains("name=\"tags\"\r\n\r\neasy,park\r\n"),
            "{body}"
        );
        let data = body
            .split("name=\"data\"\r\n\r\n")
            .nth(1)
            .unwrap()
            .split("\r\n")
            .next()
            .unwrap();
        let data: Value = serde_json::from_str(data).unwrap();
        assert_eq!(data["loc"][0]["lat"], 51.5);
        assert_eq!(data["loc"][0]["ele"], 12.0);
        assert_eq!(data["loc"][0]["timestamp"], "2009-02-13T23:31:30Z");
        assert_eq!(data["hr"][0]["hr"], 141);
    }

    #[test]
    fn fit_uploads_carry_no_activity_type() {
        let profile = builtin::get("mapmytracks").unwrap();
        let upload = UploadActivity {
            status: Visibility::Public,
            activity_type: Some("cycling".to_owned()),
            activity_name: "Ride".to_owned(),
            format: FileFormat::Fit,
            file: vec![0x0e, 0x10],
        };
        let body = upload_activity(&profile, &upload, "b").unwrap().into_body();
        let body = String::from_utf8_lossy(&body);
        assert!(!body.contains("activity_type"), "{body}");
        assert!(body.contains("filename=\"activity.fit\""), "{body}");
    }

    #[test]
    fn answers_and_errors_are_read() {
        assert_eq!(
            read_started(200, br#"{"function":"startActivity","activity_id":42}"#),
            Ok(42)
        );
        assert_eq!(
            read_uploaded(200, br#"{"function":"uploadActivity","activity_id":"43"}"#),
            Ok(43)
        );
        assert_eq!(
            read_ok(
                200,
                br#"{"function":"stopActivity","ok":1}"#,
                "stopActivity"
            ),
            Ok(())
        );
        let err = read_ok(
            200,
            br#"{"function":"startActivity","activity_id":1}"#,
            "stopActivity",
        )
        .unwrap_err();
        assert_eq!(err.code(), "unexpected_response");
        let err = read_started(403, br#"{"function":"startActivity","error":"INVALID_PARAMENTER","message":"Missing activity_type"}"#)
            .unwrap_err();
        assert_eq!(
            err,
            ApiError::Provider {
                status: 403,
                code: Some("INVALID_PARAMENTER".to_owned()),
                messages: vec!["Missing activity_type".to_owned()],
            }
        );
    }

    #[test]
    fn routes_read_numbers_from_strings_and_none_is_empty() {
        let profile = builtin::get("mapmytracks").unwrap();
        assert_eq!(
            get_routes(&profile).unwrap().uri().to_string(),
            "https://routes.mapmytracks.com/api/get_routes"
        );
        let routes = read_routes(200, br#"[{"id":"12","name":"Loop","distance":"5.2"}]"#).unwrap();
        assert_eq!(routes[0].id, Some(12));
        assert_eq!(routes[0].extra["distance"], "5.2");
        assert_eq!(
            read_routes(200, br#"{"error":"No routes available"}"#),
            Ok(Vec::new())
        );
    }
}
