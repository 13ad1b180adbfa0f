//! Bearer tokens (RFC 6750): the `Authorization: Bearer` header, and
//! `WWW-Authenticate` challenges (RFC 6750 §3, RFC 9110 §11.6.1).

use std::fmt::Write as _;

use http::HeaderValue;

use crate::Error;
use crate::error::ErrorCode;
use crate::types::{AccessToken, Scope, split_scopes};

/// The `Authorization: Bearer <token>` value (RFC 6750 §2.1), marked sensitive.
pub fn authorization(token: &AccessToken) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::try_from(format!("Bearer {}", token.secret())).map_err(|_| {
        Error::InvalidHeader {
            name: "authorization".into(),
        }
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Adds `Authorization: Bearer <token>` to a request (RFC 6750 §2.1).
pub fn authorize_request<B>(
    request: &mut http::Request<B>,
    token: &AccessToken,
) -> Result<(), Error> {
    let value = authorization(token)?;
    request
        .headers_mut()
        .insert(http::header::AUTHORIZATION, value);
    Ok(())
}

/// For a resource server: the token in an `Authorization: Bearer` value
/// (RFC 6750 §2.1; the scheme is case-insensitive).
pub fn parse_authorization(value: &str) -> Result<AccessToken, Error> {
    let value = value.trim();
    let (scheme, token) = value
        .split_once(' ')
        .ok_or_else(|| Error::malformed("not a `Bearer <token>` value"))?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() || token.contains(' ') {
        return Err(Error::malformed("not a `Bearer <token>` value"));
    }
    Ok(AccessToken::new(token))
}

/// One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Challenge {
    /// The auth-scheme, as written.
    pub scheme: String,
    /// A token68, for schemes that use one instead of parameters.
    pub token68: Option<String>,
    /// The parameters: names as written, values with quoting removed.
    pub params: Vec<(String, String)>,
}

impl Challenge {
    /// The value of parameter `name` (case-insensitive).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Parses a `WWW-Authenticate` value into its challenges. A leading
/// `WWW-Authenticate:` is ignored. Tolerant of spacing and empty list
/// elements; never panics.
pub fn parse_challenges(header: &str) -> Result<Vec<Challenge>, Error> {
    let mut text = header.trim();
    if text.len() >= 17
        && text.is_char_boundary(17)
        && text[..17].eq_ignore_ascii_case("www-authenticate:")
    {
        text = &text[17..];
    }
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
    };
    let mut challenges = Vec::new();
    loop {
        p.skip_list_separators();
        if p.at_end() {
            break;
        }
        let scheme = p.token();
        if scheme.is_empty() {
            return Err(Error::malformed("expected an auth-scheme"));
        }
        let mut challenge = Challenge {
            scheme,
            token68: None,
            params: Vec::new(),
        };
        let had_space = p.skip_ws();
        // RFC 6750 §3: a Bearer challenge has auth-params only, never a token68.
        let may_have_token68 = !challenge.scheme.eq_ignore_ascii_case("bearer");
        if had_space && !p.at_end() {
            // A token68 or auth-params.
            let start = p.i;
            let word = if may_have_token68 {
                p.token68()
            } else {
                String::new()
            };
            let after_word = p.i;
            p.skip_ws();
            match p.peek() {
                Some(b'=') if !word.ends_with('=') => {
                    p.i = start;
                }
                None | Some(b',') if !word.is_empty() && !word.starts_with('=') => {
                    challenge.token68 = Some(word);
                    p.i = after_word;
                }
                _ => {
                    p.i = start;
                }
            }
            if challenge.token68.is_none() {
                p.params(&mut challenge.params)?;
            }
        }
        challenges.push(challenge);
    }
    if challenges.is_empty() {
        return Err(Error::malformed("no challenge"));
    }
    Ok(challenges)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

impl Parser<'_> {
    fn at_end(&self) -> bool {
        self.i >= self.s.len()
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn skip_ws(&mut self) -> bool {
        let start = self.i;
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
        self.i > start
    }

    /// Skips spaces and commas; whether a comma was among them.
    fn skip_list_separators(&mut self) -> bool {
        let mut comma = false;
        while let Some(b @ (b' ' | b'\t' | b',')) = self.peek() {
            comma |= b == b',';
            self.i += 1;
        }
        comma
    }

    fn token(&mut self) -> String {
        let start = self.i;
        while self.peek().is_some_and(is_tchar) {
            self.i += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.i]).into_owned()
    }

    fn token68(&mut self) -> String {
        let start = self.i;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b))
        {
            self.i += 1;
        }
        while self.peek() == Some(b'=') {
            self.i += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.i]).into_owned()
    }

    /// `#auth-param` up to the next challenge or the end.
    fn params(&mut self, params: &mut Vec<(String, String)>) -> Result<(), Error> {
        // Names seen, lowercased: a set, so many parameters cost n log n, not n².
        let mut seen: std::collections::BTreeSet<String> =
            params.iter().map(|(n, _)| n.to_ascii_lowercase()).collect();
        loop {
            let had_comma = self.skip_list_separators();
            if self.at_end() {
                return Ok(());
            }
            let start = self.i;
            let name = self.token();
            if name.is_empty() {
                return Err(Error::malformed("expected a parameter name"));
            }
            self.skip_ws();
            if self.peek() != Some(b'=') {
                if !had_comma {
                    return Err(Error::malformed(format!("parameter `{name}` has no value")));
                }
                // The next challenge's scheme.
                self.i = start;
                return Ok(());
            }
            self.i += 1;
            self.skip_ws();
            let value = if self.peek() == Some(b'"') {
                self.quoted_string()?
            } else {
                let v = self.token();
                if v.is_empty() {
                    return Err(Error::malformed(format!("parameter `{name}` has no value")));
                }
                v
            };
            if !seen.insert(name.to_ascii_lowercase()) {
                return Err(Error::malformed(format!("parameter `{name}` is repeated")));
            }
            params.push((name, value));
            self.skip_ws();
            match self.peek() {
                None | Some(b',') => {}
                Some(_) => return Err(Error::malformed("expected `,` between parameters")),
            }
        }
    }

    fn quoted_string(&mut self) -> Result<String, Error> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None => return Err(Error::malformed("unterminated quoted string")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(String::from_utf8_lossy(&out).into_owned());
                }
                Some(b'\\') => {
                    self.i += 1;
                    let Some(c) = self.peek() else {
                        return Err(Error::malformed("unterminated quoted string"));
                    };
                    out.push(c);
                    self.i += 1;
                }
                Some(c) => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
    }
}

/// A `Bearer` challenge (RFC 6750 §3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BearerChallenge {
    /// The protection space.
    pub realm: Option<String>,
    /// The scopes needed (space-separated in the header).
    pub scope: Option<Vec<Scope>>,
    /// `invalid_request`, `invalid_token`, `insufficient_scope` (§3.1), or an extension.
    pub error: Option<ErrorCode>,
    /// Human-readable text.
    pub error_description: Option<String>,
    /// A page about the error.
    pub error_uri: Option<String>,
    /// Other parameters.
    pub extra: Vec<(String, String)>,
}

impl BearerChallenge {
    /// The `Bearer` challenge of a `WWW-Authenticate` value; `Ok(None)` when
    /// the header has challenges but none is `Bearer`.
    pub fn parse(header: &str) -> Result<Option<Self>, Error> {
        let challenges = parse_challenges(header)?;
        let Some(c) = challenges
            .into_iter()
            .find(|c| c.scheme.eq_ignore_ascii_case("bearer"))
        else {
            return Ok(None);
        };
        let mut this = Self::default();
        for (name, value) in c.params {
            match name.to_ascii_lowercase().as_str() {
                "realm" => this.realm = Some(value),
                "scope" => this.scope = Some(split_scopes(&value, " ")),
                "error" => this.error = Some(ErrorCode::new(value)),
                "error_description" => this.error_description = Some(value),
                "error_uri" => this.error_uri = Some(value),
                _ => this.extra.push((name, value)),
            }
        }
        Ok(Some(this))
    }

    /// The `Bearer` challenge of a response's `WWW-Authenticate` headers, if any.
    pub fn from_response<B>(response: &http::Response<B>) -> Option<Self> {
        response
            .headers()
            .get_all(http::header::WWW_AUTHENTICATE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| Self::parse(v).ok().flatten())
    }

    /// Whether the token was refused as invalid or expired (`invalid_token`,
    /// §3.1): refreshing may help.
    pub fn is_invalid_token(&self) -> bool {
        self.error
            .as_ref()
            .is_some_and(|e| e.as_str() == "invalid_token")
    }

    /// The header value, for a resource server (§3).
    pub fn to_header_value(&self) -> Result<HeaderValue, Error> {
        let mut params: Vec<(String, String)> = Vec::new();
        if let Some(r) = &self.realm {
            params.push(("realm".into(), r.clone()));
        }
        if let Some(s) = &self.scope {
            params.push(("scope".into(), crate::types::join_scopes(s, " ")));
        }
        if let Some(e) = &self.error {
            params.push(("error".into(), e.as_str().into()));
        }
        if let Some(d) = &self.error_description {
            params.push(("error_description".into(), d.clone()));
        }
        if let Some(u) = &self.error_uri {
            params.push(("error_uri".into(), u.clone()));
        }
        params.extend(self.extra.iter().cloned());
        let mut out = String::from("Bearer");
        for (i, (name, value)) in params.iter().enumerate() {
            out.push_str(if i == 0 { " " } else { ", " });
            let _ = write!(out, "{name}=\"");
            for c in value.chars() {
                if c == '"' || c == '\\' {
                    out.push('\\');
                }
                out.push(c);
            }
            out.push('"');
        }
        HeaderValue::try_from(out).map_err(|_| Error::InvalidHeader {
            name: "www-authenticate".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(c: &Challenge) -> Vec<(&str, &str)> {
        c.params
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect()
    }

    #[test]
    fn rfc6750_2_1_header() {
        let v = authorization(&AccessToken::new("mF_9.B5f-4.1JqM")).unwrap();
        assert_eq!(v, "Bearer mF_9.B5f-4.1JqM");
        assert!(v.is_sensitive());
        assert_eq!(
            parse_authorization("bearer mF_9.B5f-4.1JqM")
                .unwrap()
                .secret(),
            "mF_9.B5f-4.1JqM"
        );
        assert!(parse_authorization("Basic abc").is_err());
        assert_eq!(
            authorization(&AccessToken::new("a\nb")).unwrap_err().code(),
            "invalid_header"
        );
    }

    #[test]
    fn rfc6750_3_examples() {
        let c = &parse_challenges(r#"Bearer realm="example""#).unwrap()[0];
        assert_eq!(c.scheme, "Bearer");
        assert_eq!(pairs(c), vec![("realm", "example")]);
        let b = BearerChallenge::parse(
            r#"Bearer realm="example", error="invalid_token", error_description="The access token expired""#,
        )
        .unwrap()
        .unwrap();
        assert!(b.is_invalid_token());
        assert_eq!(
            b.error_description.as_deref(),
            Some("The access token expired")
        );
        let back = BearerChallenge::parse(b.to_header_value().unwrap().to_str().unwrap())
            .unwrap()
            .unwrap();
        assert_eq!(back, b);
    }

    #[test]
    fn several_challenges_escapes_and_token68() {
        let cs = parse_challenges(
            r#"Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple""#,
        )
        .unwrap();
        assert_eq!(cs.len(), 2);
        assert_eq!(
            pairs(&cs[0]),
            vec![
                ("realm", "apps"),
                ("type", "1"),
                ("title", "Login to \"apps\"")
            ]
        );
        assert_eq!(cs[1].scheme, "Basic");
        let cs = parse_challenges("Negotiate abc+/==, Bearer ,  realm = x, Basic").unwrap();
        assert_eq!(cs[0].token68.as_deref(), Some("abc+/=="));
        assert_eq!(cs[1].scheme, "Bearer");
        assert_eq!(pairs(&cs[1]), vec![("realm", "x")]);
        assert_eq!(cs[2].scheme, "Basic");
        assert_eq!(cs.len(), 3);
    }

    #[test]
    fn malformed_headers_are_errors() {
        for bad in [
            "",
            r#"Bearer realm="open"#,
            "Bearer realm=",
            r#"Bearer realm="a", realm="b""#,
            r#"Bearer realm="a" scope="b""#,
            "Bearer realm",
        ] {
            assert_eq!(
                parse_challenges(bad).unwrap_err().code(),
                "malformed",
                "{bad}"
            );
        }
        let c = &parse_challenges("WWW-Authenticate: Bearer scope=\"a b\"").unwrap()[0];
        assert_eq!(c.param("SCOPE"), Some("a b"));
    }

    #[test]
    fn a_challenge_with_many_parameters_is_read_in_n_log_n() {
        // 50 000 distinct names: a pairwise check would make over a billion
        // comparisons here.
        let mut header = String::from("Bearer realm=\"r\"");
        for i in 0..50_000 {
            header.push_str(&format!(", p{i}=v"));
        }
        let challenges = parse_challenges(&header).unwrap();
        assert_eq!(challenges[0].params.len(), 50_001);
        header.push_str(", P7=again");
        let e = parse_challenges(&header).unwrap_err();
        assert!(e.to_string().contains("`P7` is repeated"), "{e}");
    }
}
