//! Which URLs a request may go to.
//!
//! Credentials must not cross the network in clear text (RFC 6749 §10.3,
//! RFC 6750 §5.3, RFC 5849 §4.9 recommend TLS), so plain `http://` is refused
//! unless the host is a loopback address (RFC 8252 §7.3 redirects and local
//! test servers), or the caller opted in with `allow_insecure_http`. Some
//! legacy APIs (for example MapMyFitness API 3.1) only ever spoke plain HTTP:
//! opting in is how to reach them, knowingly.
//!
//! The check runs in each layer that sends: the adapters
//! ([`ClientOptions::allow_insecure_http`](crate::client::ClientOptions::allow_insecure_http)),
//! the sessions (`OAuth1Session::allow_insecure_http`,
//! [`OAuth2Options::allow_insecure_http`](crate::session::OAuth2Options::allow_insecure_http))
//! and [`exchange::run`](crate::exchange::run). A session over an adapter
//! needs the opt-in on both.

use core::fmt;
use std::net::{IpAddr, Ipv6Addr};

/// Why a URL was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyError {
    /// Plain `http://` to a host that is not loopback. Use `https://`, or set
    /// `allow_insecure_http` if the server really speaks only plain HTTP.
    InsecureHttp {
        /// The refused URL.
        url: String,
    },
    /// A scheme other than `http` or `https`.
    UnsupportedScheme {
        /// The refused URL.
        url: String,
    },
    /// The URL has no host (a relative URL, or a bare path).
    MissingHost {
        /// The refused URL.
        url: String,
    },
}

impl PolicyError {
    /// A stable, machine-readable code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::InsecureHttp { .. } => "insecure_http",
            Self::UnsupportedScheme { .. } => "unsupported_scheme",
            Self::MissingHost { .. } => "missing_host",
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InsecureHttp { url } => write!(
                f,
                "refusing plain http to a non-loopback host ({url}): use https, or set \
                 allow_insecure_http to accept that credentials travel in clear text"
            ),
            Self::UnsupportedScheme { url } => {
                write!(
                    f,
                    "unsupported URL scheme in {url}: only http and https are sent"
                )
            }
            Self::MissingHost { url } => write!(f, "the URL {url} has no host"),
        }
    }
}

impl std::error::Error for PolicyError {}

/// Checks that a request may be sent to `uri`.
///
/// `https` is always allowed; `http` only to a loopback host
/// ([`is_loopback_host`]) unless `allow_insecure_http` is set; any other
/// scheme, and a URL without a host, is refused.
///
/// # Errors
///
/// A [`PolicyError`] saying which rule the URL broke.
pub fn check_uri(uri: &http::Uri, allow_insecure_http: bool) -> Result<(), PolicyError> {
    let url = || redact_query(uri);
    let Some(host) = uri.host() else {
        return Err(PolicyError::MissingHost { url: url() });
    };
    match uri.scheme_str() {
        Some(s) if s.eq_ignore_ascii_case("https") => Ok(()),
        Some(s) if s.eq_ignore_ascii_case("http") => {
            if allow_insecure_http || is_loopback_host(host) {
                Ok(())
            } else {
                Err(PolicyError::InsecureHttp { url: url() })
            }
        }
        _ => Err(PolicyError::UnsupportedScheme { url: url() }),
    }
}

/// Whether `host` names the local machine: `localhost` (RFC 6761 §6.3, also
/// with a trailing dot or as a `*.localhost` subdomain), an address in
/// `127.0.0.0/8`, `::1`, or an IPv4-mapped loopback address. IPv6 literals may
/// be given with or without brackets.
#[must_use]
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.eq_ignore_ascii_case("localhost")
        || host.len() > ".localhost".len()
            && host
                .get(host.len() - ".localhost".len()..)
                .is_some_and(|t| t.eq_ignore_ascii_case(".localhost"))
    {
        return true;
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.is_loopback(),
        Ok(IpAddr::V6(v6)) => {
            v6 == Ipv6Addr::LOCALHOST || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => false,
    }
}

/// The URL without its query, for error messages: a query may carry a token.
fn redact_query(uri: &http::Uri) -> String {
    let mut out = String::new();
    if let Some(scheme) = uri.scheme_str() {
        out.push_str(scheme);
        out.push_str("://");
    }
    if let Some(authority) = uri.authority() {
        // Never echo userinfo (`user:password@`).
        let a = authority.as_str();
        out.push_str(a.rsplit_once('@').map_or(a, |(_, host)| host));
    }
    out.push_str(uri.path());
    if uri.query().is_some() {
        out.push_str("?[query omitted]");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(url: &str, allow: bool) -> Result<(), &'static str> {
        let uri: http::Uri = url.parse().map_err(|_| "unparsable")?;
        check_uri(&uri, allow).map_err(|e| e.code())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        #[test]
        fn any_host_or_url_is_judged_without_panic(text in "\\PC{0,80}") {
            let _ = is_loopback_host(&text);
            if let Ok(uri) = text.parse::<http::Uri>() {
                let _ = check_uri(&uri, false);
            }
        }

        #[test]
        fn https_is_allowed_to_any_host(host in "[a-z0-9-]{1,20}(\\.[a-z]{2,5}){0,2}") {
            let uri: http::Uri = format!("https://{host}/x").parse().unwrap();
            proptest::prop_assert!(check_uri(&uri, false).is_ok());
        }
    }

    #[test]
    fn https_is_always_allowed() {
        assert_eq!(check("https://api.example.com/token", false), Ok(()));
    }

    #[test]
    fn plain_http_needs_loopback_or_opt_in() {
        assert_eq!(
            check("http://api.example.com/v3.1/", false),
            Err("insecure_http")
        );
        assert_eq!(check("http://api.example.com/v3.1/", true), Ok(()));
        assert_eq!(check("http://10.0.0.1/", false), Err("insecure_http"));
        assert_eq!(check("http://127.0.0.1:8080/cb", false), Ok(()));
        assert_eq!(check("http://127.9.8.7/", false), Ok(()));
        assert_eq!(check("http://[::1]:9/", false), Ok(()));
        assert_eq!(check("http://localhost/", false), Ok(()));
        assert_eq!(check("http://LOCALHOST./", false), Ok(()));
        assert_eq!(check("http://app.localhost/", false), Ok(()));
        assert_eq!(check("http://[::ffff:127.0.0.1]/", false), Ok(()));
    }

    #[test]
    fn lookalikes_of_loopback_are_refused() {
        assert_eq!(
            check("http://localhost.example.com/", false),
            Err("insecure_http")
        );
        assert_eq!(check("http://notlocalhost/", false), Err("insecure_http"));
        assert_eq!(check("http://128.0.0.1/", false), Err("insecure_http"));
        assert_eq!(check("http://[::2]/", false), Err("insecure_http"));
    }

    #[test]
    fn other_schemes_and_relative_urls_are_refused() {
        assert_eq!(check("ftp://example.com/", true), Err("unsupported_scheme"));
        assert_eq!(check("/token", true), Err("missing_host"));
    }

    #[test]
    fn messages_never_echo_the_query_or_userinfo() {
        let uri: http::Uri = "http://user:pw@example.com/p?access_token=secret"
            .parse()
            .unwrap();
        let msg = check_uri(&uri, false).unwrap_err().to_string();
        assert!(!msg.contains("secret"), "{msg}");
        assert!(!msg.contains("pw"), "{msg}");
        assert!(msg.contains("http://example.com/p"), "{msg}");
    }
}
