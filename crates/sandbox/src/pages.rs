//! The HTML the sandbox shows a person: the login + consent form, the PIN
//! page of out-of-band flows, and a message page for errors.

use std::fmt::Write as _;

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>{title}</title>\
         <style>body{{font-family:sans-serif;max-width:32em;margin:3em auto;padding:0 1em}}\
         label{{display:block;margin:.6em 0}}input{{font-size:1em}}\
         .pin{{font-size:2em;letter-spacing:.2em;font-family:monospace}}</style>\
         </head><body>{body}</body></html>\n",
        title = escape(title)
    )
}

/// The login + consent form. `hidden` are the request's own parameters,
/// posted back with the answer; `error` is shown above the form.
pub(crate) fn consent(
    provider: &str,
    client_id: &str,
    scope: &str,
    hidden: &[(String, String)],
    error: Option<&str>,
) -> String {
    let mut body = format!("<h1>{}</h1>", escape(provider));
    if let Some(error) = error {
        let _ = write!(
            body,
            "<p role=\"alert\" id=\"error\"><strong>{}</strong></p>",
            escape(error)
        );
    }
    let _ = write!(
        body,
        "<p>The application <code id=\"client\">{}</code> asks to access your account.</p>",
        escape(client_id)
    );
    if !scope.is_empty() {
        let _ = write!(
            body,
            "<p>Requested access: <code id=\"scope\">{}</code></p>",
            escape(scope)
        );
    }
    body.push_str("<form method=\"post\" id=\"consent\">");
    for (name, value) in hidden {
        let _ = write!(
            body,
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            escape(name),
            escape(value)
        );
    }
    body.push_str(
        "<label>Username <input name=\"username\" id=\"username\" autocomplete=\"username\"></label>\
         <label>Password <input name=\"password\" id=\"password\" type=\"password\" autocomplete=\"current-password\"></label>\
         <p><button type=\"submit\" name=\"decision\" value=\"approve\" id=\"approve\">Allow</button> \
         <button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Deny</button></p></form>\
         <p><small>Test users: alice / wonderland, bob / builder.</small></p>",
    );
    page(&format!("{provider}: authorize"), &body)
}

/// The page of an out-of-band (PIN) flow: the verifier the user types into the app.
pub(crate) fn pin(provider: &str, verifier: &str) -> String {
    page(
        &format!("{provider}: PIN"),
        &format!(
            "<h1>{}</h1><p>Enter this PIN in the application:</p><p class=\"pin\" id=\"pin\">{}</p>",
            escape(provider),
            escape(verifier)
        ),
    )
}

/// A page with one message, for requests the sandbox cannot serve.
pub(crate) fn message(title: &str, text: &str) -> String {
    page(
        title,
        &format!(
            "<h1>{}</h1><p id=\"message\">{}</p>",
            escape(title),
            escape(text)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_shown_is_escaped() {
        let html = consent(
            "P",
            "<script>",
            "a\"b",
            &[("x\"".to_owned(), "<v>".to_owned())],
            Some("&"),
        );
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("name=\"x&quot;\" value=\"&lt;v&gt;\""));
        assert!(html.contains("<strong>&amp;</strong>"));
    }
}
