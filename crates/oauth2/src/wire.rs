//! Reading response bodies and form parameters: size limits, JSON or form,
//! error responses, repeated parameters.

use serde_json::{Map, Value};

use crate::Error;
use crate::error::{ErrorCode, ErrorResponse};

/// How many bytes of an unexpected body an error shows.
const BODY_START: usize = 120;

/// A response's members, from a JSON object or a form-encoded body.
pub(crate) type Members = Map<String, Value>;

/// Reads a response: refuses large bodies, parses JSON (or a form), turns an
/// `error` member into [`Error::ErrorResponse`] whatever the status, and a
/// non-2xx status without one into [`Error::UnexpectedResponse`].
pub(crate) fn read_members(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    limit: usize,
) -> Result<Members, Error> {
    if body.len() > limit {
        return Err(Error::ResponseTooLarge { limit });
    }
    let members = parse_body(content_type, body);
    if let Some(members) = &members
        && let Some(error) = error_response(members)?
    {
        return Err(Error::ErrorResponse(error));
    }
    match members {
        Some(m) if (200..300).contains(&status) => Ok(m),
        _ => Err(unexpected(status, body)),
    }
}

/// Members whose values are credentials: an unexpected body that names one
/// (a token response with an error status, or truncated) is never quoted.
const SECRET_MEMBERS: [&[u8]; 5] = [
    b"access_token",
    b"refresh_token",
    b"id_token",
    b"device_code",
    b"client_secret",
];

pub(crate) fn unexpected(status: u16, body: &[u8]) -> Error {
    let names_secret = SECRET_MEMBERS
        .iter()
        .any(|name| body.windows(name.len()).any(|w| w == *name));
    let body_start = if names_secret {
        "[not shown: the body holds credentials]".to_owned()
    } else {
        let end = body.len().min(BODY_START);
        String::from_utf8_lossy(&body[..end]).into_owned()
    };
    Error::UnexpectedResponse { status, body_start }
}

/// A JSON object, or a form body when the content type says so or the body
/// is not JSON but reads as `name=value` pairs.
fn parse_body(content_type: Option<&str>, body: &[u8]) -> Option<Members> {
    let text = std::str::from_utf8(body).ok()?;
    let trimmed = text.trim();
    if trimmed.starts_with('{') {
        return match serde_json::from_str::<Value>(trimmed) {
            Ok(Value::Object(map)) => Some(map),
            _ => None,
        };
    }
    let form_type = content_type.is_some_and(|ct| {
        ct.to_ascii_lowercase()
            .contains("application/x-www-form-urlencoded")
    });
    let looks_like_form = !trimmed.is_empty()
        && trimmed
            .split('&')
            .all(|part| part.contains('=') && !part.starts_with('='))
        && !trimmed.contains(char::is_whitespace);
    if form_type || looks_like_form {
        let mut map = Map::new();
        for (name, value) in url::form_urlencoded::parse(trimmed.as_bytes()) {
            if map.contains_key(name.as_ref()) {
                return None;
            }
            map.insert(name.into_owned(), Value::String(value.into_owned()));
        }
        return (!map.is_empty()).then_some(map);
    }
    None
}

/// The §5.2 error in `members`, if it has a string `error`.
pub(crate) fn error_response(members: &Members) -> Result<Option<ErrorResponse>, Error> {
    let Some(Value::String(code)) = members.get("error") else {
        return Ok(None);
    };
    Ok(Some(ErrorResponse {
        error: ErrorCode::new(code.clone()),
        error_description: opt_string(members, "error_description")?,
        error_uri: opt_string(members, "error_uri")?,
    }))
}

/// A string member; `null` or absent is `None`, another type is malformed.
pub(crate) fn opt_string(members: &Members, name: &str) -> Result<Option<String>, Error> {
    match members.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Error::malformed(format!("`{name}` is not a string"))),
    }
}

/// A required string member.
pub(crate) fn string(members: &Members, name: &str) -> Result<String, Error> {
    opt_string(members, name)?.ok_or_else(|| Error::missing(name))
}

/// A string member, taken out of `members` (moved, not copied: a token
/// is never left behind in a second place).
pub(crate) fn take_opt_string(members: &mut Members, name: &str) -> Result<Option<String>, Error> {
    match members.remove(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::malformed(format!("`{name}` is not a string"))),
    }
}

/// A required string member, taken out of `members`.
pub(crate) fn take_string(members: &mut Members, name: &str) -> Result<String, Error> {
    take_opt_string(members, name)?.ok_or_else(|| Error::missing(name))
}

/// A non-negative integer member, also accepted as a string of digits.
pub(crate) fn opt_u64(members: &Members, name: &str) -> Result<Option<u64>, Error> {
    let bad = || Error::malformed(format!("`{name}` is not a non-negative integer"));
    match members.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_u64().map(Some).ok_or_else(bad),
        Some(Value::String(s)) => {
            let s = s.trim();
            if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse().map(Some).map_err(|_| bad())
            } else {
                Err(bad())
            }
        }
        Some(_) => Err(bad()),
    }
}

/// A `scope` member: a string split on `separator`, or (leniently) a list of strings.
pub(crate) fn opt_scopes(
    members: &Members,
    separator: &str,
) -> Result<Option<Vec<crate::types::Scope>>, Error> {
    match members.get("scope") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(crate::types::split_scopes(s, separator))),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(crate::types::Scope::new)
                    .ok_or_else(|| Error::malformed("`scope` is not a string"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(Error::malformed("`scope` is not a string")),
    }
}

/// Decodes form pairs, refusing a repeated name (RFC 6749 §3.1, §3.2) and
/// more than [`MAX_FORM_PARAMS`](crate::MAX_FORM_PARAMS) pairs.
pub(crate) fn unique_pairs(encoded: &[u8]) -> Result<Vec<(String, String)>, Error> {
    let count = encoded
        .split(|&b| b == b'&')
        .filter(|p| !p.is_empty())
        .count();
    if count > crate::MAX_FORM_PARAMS {
        return Err(Error::malformed(format!(
            "{count} form parameters; at most {} are read",
            crate::MAX_FORM_PARAMS
        )));
    }
    let mut pairs: Vec<(String, String)> = Vec::with_capacity(count);
    for (name, value) in url::form_urlencoded::parse(encoded) {
        if pairs.iter().any(|(n, _)| *n == name) {
            return Err(Error::malformed(format!("parameter `{name}` is repeated")));
        }
        pairs.push((name.into_owned(), value.into_owned()));
    }
    Ok(pairs)
}

/// Removes and returns the value named `name`; an empty value counts as absent
/// (RFC 6749 §3.1: "Parameters sent without a value MUST be treated as if they
/// were omitted").
pub(crate) fn take(pairs: &mut Vec<(String, String)>, name: &str) -> Option<String> {
    let i = pairs.iter().position(|(n, _)| n == name)?;
    let (_, value) = pairs.remove(i);
    (!value.is_empty()).then_some(value)
}

/// The `Content-Type` of a response or request, when it is text.
pub(crate) fn content_type(headers: &http::HeaderMap) -> Option<&str> {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_form_and_errors() {
        let m = read_members(200, None, br#"{"a":"1"}"#, 100).unwrap();
        assert_eq!(m["a"], "1");
        let m = read_members(200, Some("text/plain"), b"access_token=x&b=2", 100).unwrap();
        assert_eq!(m["access_token"], "x");
        let e = read_members(200, None, br#"{"error":"invalid_grant"}"#, 100).unwrap_err();
        assert_eq!(e.code(), "invalid_grant");
        let e = read_members(500, None, b"<html>oops</html>", 100).unwrap_err();
        assert_eq!(
            e,
            Error::UnexpectedResponse {
                status: 500,
                body_start: "<html>oops</html>".into()
            }
        );
        let e = read_members(200, None, &[b'x'; 101], 100).unwrap_err();
        assert_eq!(e.code(), "response_too_large");
        let e = read_members(400, None, br#"{"other":1}"#, 100).unwrap_err();
        assert_eq!(e.code(), "unexpected_response");
    }

    #[test]
    fn integers_as_numbers_or_digit_strings() {
        let m: Members = serde_json::from_str(r#"{"a":3600,"b":"3600","c":"-1","d":1.5}"#).unwrap();
        assert_eq!(opt_u64(&m, "a").unwrap(), Some(3600));
        assert_eq!(opt_u64(&m, "b").unwrap(), Some(3600));
        assert_eq!(opt_u64(&m, "c").unwrap_err().code(), "malformed");
        assert_eq!(opt_u64(&m, "d").unwrap_err().code(), "malformed");
        assert_eq!(opt_u64(&m, "e").unwrap(), None);
    }

    #[test]
    fn repeated_parameters_are_refused() {
        assert_eq!(unique_pairs(b"a=1&a=2").unwrap_err().code(), "malformed");
        let mut p = unique_pairs(b"a=1&b=").unwrap();
        assert_eq!(take(&mut p, "b"), None);
        assert_eq!(take(&mut p, "a").as_deref(), Some("1"));
    }

    #[test]
    fn an_unexpected_body_with_credentials_is_not_quoted() {
        let body = br#"{"access_token":"at-secret","token_type":"bearer"}"#;
        let e = read_members(500, Some("application/json"), body, 4096).unwrap_err();
        assert_eq!(e.code(), "unexpected_response");
        assert!(!e.to_string().contains("at-secret"), "{e}");
        assert!(!format!("{e:?}").contains("at-secret"), "{e:?}");
        // Other bodies (an HTML error page) are still quoted, for diagnosis.
        let e =
            read_members(502, Some("text/html"), b"<html>Bad Gateway</html>", 4096).unwrap_err();
        assert!(e.to_string().contains("Bad Gateway"), "{e}");
    }

    #[test]
    fn forms_are_read_up_to_the_parameter_limit() {
        let form = |n: usize| {
            (0..n)
                .map(|i| format!("p{i}=v"))
                .collect::<Vec<_>>()
                .join("&")
        };
        let at_limit = unique_pairs(form(crate::MAX_FORM_PARAMS).as_bytes()).unwrap();
        assert_eq!(at_limit.len(), crate::MAX_FORM_PARAMS);
        // Empty pieces (`a=1&&b=2`) are not parameters.
        let mut sparse = form(crate::MAX_FORM_PARAMS);
        sparse.push_str("&&&");
        assert!(unique_pairs(sparse.as_bytes()).is_ok());
        let e = unique_pairs(form(crate::MAX_FORM_PARAMS + 1).as_bytes()).unwrap_err();
        assert_eq!(e.code(), "malformed");
        assert!(e.to_string().contains("at most 256"), "{e}");
        // Far past it: the same error, at once (the repeated-name check is
        // quadratic, so it must never see such a list).
        let e = unique_pairs(form(200_000).as_bytes()).unwrap_err();
        assert_eq!(e.code(), "malformed");
    }
}
