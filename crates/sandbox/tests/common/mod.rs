//! What the sandbox's tests share: a real HTTP client and small helpers.

#![allow(dead_code, reason = "each test file uses a different part")]

use http::{Request, Response, header};
use sansauth_sandbox::{Sandbox, SandboxConfig};
use sansauth_transport::client::{ClientOptions, HttpClient, UreqClient};

/// Sends a request over real HTTP (redirects are not followed).
pub(crate) fn send(request: Request<Vec<u8>>) -> Response<Vec<u8>> {
    UreqClient::new(ClientOptions::default())
        .send(request)
        .expect("the sandbox answers")
}

/// A GET of `url`.
pub(crate) fn get(url: &str) -> Response<Vec<u8>> {
    send(Request::get(url).body(Vec::new()).unwrap())
}

/// A POST of a form to `url`.
pub(crate) fn post_form(url: &str, pairs: &[(String, String)]) -> Response<Vec<u8>> {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    let request = Request::post(url)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body.into_bytes())
        .unwrap();
    send(request)
}

/// The `Location` of a redirect, failing the test when there is none.
pub(crate) fn location(response: &Response<Vec<u8>>) -> String {
    assert_eq!(
        response.status(),
        302,
        "expected a redirect, got {}: {}",
        response.status(),
        body(response)
    );
    response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned()
}

/// The body as text.
pub(crate) fn body(response: &Response<Vec<u8>>) -> String {
    String::from_utf8_lossy(response.body()).into_owned()
}

/// A sandbox that approves every authorization as alice.
pub(crate) fn auto_approving() -> Sandbox {
    Sandbox::start(SandboxConfig::default().auto_approve(true)).unwrap()
}

/// The text of the element with `id` in an HTML page.
pub(crate) fn element_text(html: &str, id: &str) -> Option<String> {
    let start = html.find(&format!("id=\"{id}\""))?;
    let rest = &html[start..];
    let open = rest.find('>')? + 1;
    let close = rest[open..].find('<')?;
    Some(rest[open..open + close].to_owned())
}

/// Every hidden input of the first form, as (name, value).
pub(crate) fn hidden_inputs(html: &str) -> Vec<(String, String)> {
    let attr = |tag: &str, name: &str| {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let end = tag[start..].find('"')?;
        Some(
            tag[start..start + end]
                .replace("&amp;", "&")
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&#39;", "'"),
        )
    };
    html.split("<input")
        .skip(1)
        .filter(|tag| tag.contains("type=\"hidden\""))
        .filter_map(|tag| Some((attr(tag, "name")?, attr(tag, "value")?)))
        .collect()
}
