//! The resource APIs each served provider answers, over the credentials the
//! protocol endpoints issued: MapMyFitness API 3.1 (query-signed OAuth 1, in
//! its `result` envelope), MapMyFitness v7.1 (bearer + `Api-Key`, HAL JSON),
//! Map My Tracks v3 (bearer, multipart activity calls), and Fitbit's profile
//! (header-signed OAuth 1 or bearer).

use http::{Method, Response, StatusCode};
use sansauth_providers::Profile;
use sansauth_providers::api::mapmyfitness31::AUTHENTICATION_FAILED;
use serde_json::{Value, json};
use url::Url;

use crate::app::{Call, json as json_response, param};
use crate::multipart::{self, FormPart};
use crate::store::Activity;
use crate::{oauth1, oauth2, users};

/// The API calls served for a profile, as paths below its API base.
pub(crate) fn calls(profile: &str) -> &'static [&'static str] {
    match profile {
        "mapmyfitness-oauth1" => &[
            "users/get_user",
            "workouts/get_workouts",
            "workouts/create_workout",
        ],
        "mapmyfitness" => &["activity_type/", "user/self/"],
        "mapmytracks" => &[
            "startActivity",
            "updateActivity",
            "stopActivity",
            "uploadActivity",
            "get_routes",
        ],
        "fitbit" | "fitbit-oauth1" => &["1/user/-/profile.json"],
        _ => &[],
    }
}

/// Where a call is served: below the API base, or at a named API endpoint.
pub(crate) fn call_url(profile: &Profile, call: &str) -> Option<Url> {
    if call == "get_routes" {
        return profile.api.endpoints.get("routes").cloned();
    }
    profile.api_base_url.join(call).ok()
}

/// Answers API call `name`.
pub(crate) fn serve(call: &Call<'_>, name: &str) -> Response<Vec<u8>> {
    // Headers the profile says every API call carries (MapMyFitness: Api-Key).
    if let Some(header) = call.missing_header(&call.served.profile.api.headers) {
        let message = format!("The {header} header is missing or wrong");
        let body = json!({"_diagnostics": {"validation_failures": [[message]]}});
        return json_response(StatusCode::FORBIDDEN, &body);
    }
    match call.served.profile.name.as_str() {
        "mapmyfitness-oauth1" => mapmyfitness31(call, name),
        "mapmyfitness" => mapmyfitness71(call, name),
        "mapmytracks" => mapmytracks(call, name),
        _ => fitbit(call),
    }
}

// ---- MapMyFitness API 3.1 ---------------------------------------------------

fn envelope(status: StatusCode, result: Result<Value, Vec<String>>) -> Response<Vec<u8>> {
    let body = match result {
        Ok(output) => json!({"result": {"status": 1, "output": output, "errors": []}}),
        Err(errors) => json!({"result": {"status": -1, "output": null, "errors": errors}}),
    };
    json_response(status, &body)
}

fn mapmyfitness31(call: &Call<'_>, name: &str) -> Response<Vec<u8>> {
    // The profile's query parameters (the api_key) are part of every call.
    let api_key_ok = call
        .missing_query_param(&call.served.profile.api.query_params)
        .is_none();
    let user_id = match oauth1::authenticate(call) {
        Ok(user_id) if api_key_ok => user_id,
        _ => {
            return envelope(
                StatusCode::UNAUTHORIZED,
                Err(vec![AUTHENTICATION_FAILED.to_owned()]),
            );
        }
    };
    match name {
        "users/get_user" => {
            let user = users::by_id(user_id).unwrap_or(&users::TEST_USERS[0]);
            let (first, last) = user
                .display_name
                .split_once(' ')
                .unwrap_or((user.display_name, ""));
            let output = json!({"user": {
                "user_id": user.user_id.to_string(),
                "username": user.username,
                "first_name": first,
                "last_name": last,
            }});
            envelope(StatusCode::OK, Ok(output))
        }
        "workouts/get_workouts" => {
            let wanted = param(&call.query(), "user_id").map_or(Ok(user_id), str::parse::<u64>);
            let Ok(wanted) = wanted else {
                return envelope(
                    StatusCode::BAD_REQUEST,
                    Err(vec!["user_id must be a number".to_owned()]),
                );
            };
            let workouts: Vec<Value> = call
                .state()
                .workouts
                .iter()
                .filter(|w| w["user_id"].as_str() == Some(wanted.to_string().as_str()))
                .cloned()
                .collect();
            envelope(
                StatusCode::OK,
                Ok(json!({"count": workouts.len().to_string(), "workouts": workouts})),
            )
        }
        _ => create_workout(call, user_id),
    }
}

fn create_workout(call: &Call<'_>, user_id: u64) -> Response<Vec<u8>> {
    if call.request.method() != Method::POST {
        return envelope(
            StatusCode::METHOD_NOT_ALLOWED,
            Err(vec!["create_workout is a POST".to_owned()]),
        );
    }
    let form = call.form();
    let required = [
        "user_id",
        "workout_description",
        "activity_type_id",
        "workout_date",
    ];
    let missing: Vec<String> = required
        .iter()
        .filter(|n| param(&form, n).is_none_or(str::is_empty))
        .map(|n| format!("Missing required parameter: {n}"))
        .collect();
    if !missing.is_empty() {
        return envelope(StatusCode::BAD_REQUEST, Err(missing));
    }
    let field = |n: &str| param(&form, n).unwrap_or_default().to_owned();
    if field("user_id") != user_id.to_string() {
        return envelope(
            StatusCode::FORBIDDEN,
            Err(vec!["user_id is not the authorizing user".to_owned()]),
        );
    }
    if field("activity_type_id").parse::<u64>().is_err() {
        return envelope(
            StatusCode::BAD_REQUEST,
            Err(vec!["activity_type_id must be a number".to_owned()]),
        );
    }
    let mut state = call.state();
    let workout_id = state.next_id();
    let mut workout =
        json!({"workout_id": workout_id.to_string(), "created_date": call.now.to_string()});
    if let Some(map) = workout.as_object_mut() {
        for (name, value) in &form {
            map.entry(name.clone())
                .or_insert_with(|| Value::String(value.clone()));
        }
    }
    state.workouts.push(workout.clone());
    envelope(StatusCode::OK, Ok(json!({"workout": workout})))
}

// ---- MapMyFitness API v7.1 ----------------------------------------------------

fn mapmyfitness71(call: &Call<'_>, name: &str) -> Response<Vec<u8>> {
    let grant = match oauth2::authenticate(call) {
        Ok(grant) => grant,
        Err(response) => return *response,
    };
    if name == "user/self/" {
        let user = users::by_id(grant.user_id).unwrap_or(&users::TEST_USERS[0]);
        let href = format!("/v7.1/user/{}/", user.user_id);
        let body = json!({"id": user.user_id, "username": user.username, "display_name": user.display_name,
            "_links": {"self": [{"id": user.user_id.to_string(), "href": href}]}});
        return json_response(StatusCode::OK, &body);
    }
    let types: Vec<Value> = [(16, "Run", 9.8), (11, "Bike Ride", 8.0), (9, "Walk", 3.5)]
        .iter()
        .map(|(id, name, mets)| {
            json!({"name": name, "mets": mets,
                "_links": {"self": [{"id": id.to_string(), "href": format!("/v7.1/activity_type/{id}/")}]}})
        })
        .collect();
    json_response(
        StatusCode::OK,
        &json!({"_embedded": {"activity_types": types}, "total_count": types.len()}),
    )
}

// ---- Map My Tracks API v3 -------------------------------------------------------

fn tracks_error(function: &str, message: &str) -> Response<Vec<u8>> {
    json_response(
        StatusCode::FORBIDDEN,
        &json!({"function": function, "error": "INVALID_PARAMENTER", "message": message}),
    )
}

fn mapmytracks(call: &Call<'_>, name: &str) -> Response<Vec<u8>> {
    let grant = match oauth2::authenticate(call) {
        Ok(grant) => grant,
        Err(response) => return *response,
    };
    if name == "get_routes" {
        let routes =
            json!([{"id": "1", "name": "Sandbox loop", "distance": "5.20", "ascent": "42"}]);
        return json_response(StatusCode::OK, &routes);
    }
    if call.request.method() != Method::POST {
        return tracks_error(name, "activity calls are POSTs");
    }
    let parts = match multipart::parse(
        call.header("content-type").unwrap_or(""),
        call.request.body(),
    ) {
        Ok(parts) => parts,
        Err(why) => return tracks_error(name, &why),
    };
    let text = |key: &str| -> Option<String> {
        parts
            .iter()
            .find(|p| p.name == key && p.filename.is_none())
            .map(|p| String::from_utf8_lossy(&p.data).into_owned())
    };
    let data = |parts: &[FormPart]| -> Result<Option<Value>, String> {
        match parts.iter().find(|p| p.name == "data") {
            None => Ok(None),
            Some(p) => serde_json::from_slice(&p.data)
                .map(Some)
                .map_err(|e| format!("data is not JSON: {e}")),
        }
    };
    let status = text("status").unwrap_or_else(|| "private".to_owned());
    if !matches!(status.as_str(), "public" | "private") {
        return tracks_error(name, "status must be public or private");
    }
    match name {
        "startActivity" => {
            let Some(activity_type) = text("activity_type").filter(|t| !t.is_empty()) else {
                return tracks_error(name, "Missing activity_type");
            };
            let data = match data(&parts) {
                Ok(data) => data,
                Err(why) => return tracks_error(name, &why),
            };
            let mut state = call.state();
            let activity_id = state.next_id();
            state.activities.insert(
                activity_id,
                Activity {
                    activity_id,
                    user_id: grant.user_id,
                    status,
                    activity_type,
                    title: text("activity_title").unwrap_or_default(),
                    tags: text("tags").unwrap_or_default(),
                    data: data.into_iter().collect(),
                    stopped: false,
                    file: None,
                },
            );
            json_response(
                StatusCode::OK,
                &json!({"function": name, "activity_id": activity_id}),
            )
        }
        "updateActivity" | "stopActivity" => {
            let id = text("activity_id").and_then(|s| s.trim().parse::<u64>().ok());
            let data = match data(&parts) {
                Ok(data) => data,
                Err(why) => return tracks_error(name, &why),
            };
            let mut state = call.state();
            let Some(activity) = id
                .and_then(|id| state.activities.get_mut(&id))
                .filter(|a| a.user_id == grant.user_id)
            else {
                return tracks_error(name, "Unknown activity_id");
            };
            if activity.stopped {
                return tracks_error(name, "The activity has already been stopped");
            }
            if name == "updateActivity" {
                let Some(data) = data else {
                    return tracks_error(name, "Missing data");
                };
                activity.data.push(data);
            } else {
                activity.stopped = true;
            }
            json_response(StatusCode::OK, &json!({"function": name, "ok": 1}))
        }
        _ => upload(call, &parts, grant.user_id, status),
    }
}

fn upload(call: &Call<'_>, parts: &[FormPart], user_id: u64, status: String) -> Response<Vec<u8>> {
    let name = "uploadActivity";
    let Some(file) = parts
        .iter()
        .find(|p| p.name == "file" && p.filename.is_some())
    else {
        return tracks_error(name, "Missing file");
    };
    let filename = file.filename.clone().unwrap_or_default();
    let is_fit = filename.to_ascii_lowercase().ends_with(".fit");
    let text = |key: &str| {
        parts
            .iter()
            .find(|p| p.name == key)
            .map(|p| String::from_utf8_lossy(&p.data).into_owned())
    };
    let activity_type = match (text("activity_type"), is_fit) {
        (Some(t), _) if !t.is_empty() => t,
        (_, true) => "from file".to_owned(),
        _ => {
            return tracks_error(
                name,
                "Missing activity_type (only FIT files carry their own)",
            );
        }
    };
    let mut state = call.state();
    let activity_id = state.next_id();
    state.activities.insert(
        activity_id,
        Activity {
            activity_id,
            user_id,
            status,
            activity_type,
            title: text("activity_name").unwrap_or_default(),
            tags: String::new(),
            data: Vec::new(),
            stopped: true,
            file: Some((filename, file.data.len())),
        },
    );
    json_response(
        StatusCode::OK,
        &json!({"function": name, "activity_id": activity_id}),
    )
}

// ---- Fitbit -------------------------------------------------------------------

fn fitbit(call: &Call<'_>) -> Response<Vec<u8>> {
    let user_id = if call.served.profile.oauth1.is_some() {
        match oauth1::authenticate(call) {
            Ok(user_id) => user_id,
            Err(refusal) => {
                let body = json!({"errors": [{"errorType": "oauth", "fieldName": "oauth_access_token",
                    "message": format!("{}: {}", refusal.problem, refusal.advice)}], "success": false});
                return json_response(StatusCode::UNAUTHORIZED, &body);
            }
        }
    } else {
        match oauth2::authenticate(call) {
            Ok(grant) if grant.scopes.iter().any(|s| s == "profile") => grant.user_id,
            Ok(_) => {
                let body = json!({"errors": [{"errorType": "insufficient_scope",
                    "message": "This application does not have permission to access profile data"}], "success": false});
                return json_response(StatusCode::FORBIDDEN, &body);
            }
            Err(response) => return *response,
        }
    };
    let user = users::by_id(user_id).unwrap_or(&users::TEST_USERS[0]);
    let body = json!({"user": {"encodedId": oauth2::fitbit_user_id(user.user_id), "displayName": user.display_name,
        "fullName": user.display_name, "memberSince": "2014-01-01"}});
    json_response(StatusCode::OK, &body)
}
