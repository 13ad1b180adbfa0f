//! `{placeholder}` templating for profile values such as `Api-Key = "{client_id}"`.

use crate::error::Error;

/// The placeholders a profile value may use.
pub const PLACEHOLDERS: [&str; 3] = ["client_id", "callback", "access_token"];

/// Values for the placeholders; an absent value expands to an empty string.
#[derive(Debug, Clone, Copy, Default)]
pub struct Vars<'a> {
    /// `{client_id}`: the client identifier (OAuth 1 consumer key).
    pub client_id: &'a str,
    /// `{callback}`: the redirect / callback URI.
    pub callback: &'a str,
    /// `{access_token}`: the current access token.
    pub access_token: &'a str,
}

/// Expands every `{name}` in `template`; `{{` and `}}` stand for literal braces.
///
/// # Errors
///
/// [`Error::UnknownPlaceholder`] for a name not in [`PLACEHOLDERS`] or an unclosed brace.
pub fn expand(template: &str, vars: &Vars<'_>) -> Result<String, Error> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        if rest[open..].starts_with("{{") || rest[open..].starts_with("}}") {
            out.push_str(&rest[open..=open]);
            rest = &after[1..];
            continue;
        }
        let unknown = |placeholder: &str| Error::UnknownPlaceholder {
            template: template.to_owned(),
            placeholder: placeholder.to_owned(),
        };
        if rest[open..].starts_with('}') {
            return Err(unknown("}"));
        }
        let close = after.find('}').ok_or_else(|| unknown(after))?;
        let name = &after[..close];
        out.push_str(match name {
            "client_id" => vars.client_id,
            "callback" => vars.callback,
            "access_token" => vars.access_token,
            _ => return Err(unknown(name)),
        });
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_expand_and_doubled_braces_are_literal() {
        let vars = Vars {
            client_id: "abc",
            callback: "http://127.0.0.1/cb",
            access_token: "t",
        };
        assert_eq!(expand("{client_id}", &vars).unwrap(), "abc");
        assert_eq!(expand("Bearer {access_token}", &vars).unwrap(), "Bearer t");
        assert_eq!(
            expand("{{x}} {callback}", &vars).unwrap(),
            "{x} http://127.0.0.1/cb"
        );
        assert_eq!(expand("plain", &vars).unwrap(), "plain");
    }

    #[test]
    fn unknown_or_broken_placeholders_are_errors() {
        let vars = Vars::default();
        for bad in ["{client}", "{client_id", "x}", "{}"] {
            let err = expand(bad, &vars).unwrap_err();
            assert_eq!(err.code(), "unknown_placeholder", "{bad}");
        }
    }
}
