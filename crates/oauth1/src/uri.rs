//! The base string URI, RFC 5849 §3.4.1.2, and the small URL reader it needs.

use alloc::string::String;
use alloc::vec::Vec;

use crate::Error;
use crate::sink::Sink;

/// The pieces of an absolute `http(s)` URL that signing needs, borrowed from it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Url<'a> {
    pub(crate) scheme: &'a str,
    pub(crate) host: &'a str,
    /// The port, when one is given and it is not the scheme's default.
    pub(crate) port: Option<u16>,
    pub(crate) path: &'a str,
    /// The query without its `?`, when there is one.
    pub(crate) query: Option<&'a str>,
}

const MALFORMED_URL: Error = Error::Malformed { what: "URL" };

impl<'a> Url<'a> {
    /// Reads an absolute URL (`scheme://authority/path?query#fragment`).
    pub(crate) fn parse(url: &'a str) -> Result<Self, Error> {
        // Byte scans: this runs on every signature and verification.
        let bytes = url.as_bytes();
        let colon = bytes.iter().position(|&b| b == b':').ok_or(MALFORMED_URL)?;
        let (scheme, rest) = url.split_at(colon);
        let rest = rest.strip_prefix("://").ok_or(MALFORMED_URL)?;
        let scheme_ok = scheme
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic())
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
        if !scheme_ok {
            return Err(MALFORMED_URL);
        }
        let authority_end = rest
            .bytes()
            .position(|b| matches!(b, b'/' | b'?' | b'#'))
            .unwrap_or(rest.len());
        let (authority, after) = rest.split_at(authority_end);
        let path_end = after
            .bytes()
            .position(|b| b == b'?' || b == b'#')
            .unwrap_or(after.len());
        let (path, after) = after.split_at(path_end);
        // The query can be long: `find` of one ASCII byte is a word-wise scan.
        let query = after.strip_prefix('?').map(|q| {
            q.find('#')
                .map_or(q, |end| q.get(..end).unwrap_or_default())
        });
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
        let (host, port) = if host_port.starts_with('[') {
            let end = host_port.find(']').ok_or(MALFORMED_URL)?;
            let (host, after) = host_port.split_at(end + 1);
            match after {
                "" => (host, None),
                _ => (host, Some(after.strip_prefix(':').ok_or(MALFORMED_URL)?)),
            }
        } else {
            match host_port.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (host_port, None),
            }
        };
        if host.is_empty()
            || host
                .bytes()
                .any(|b| b.is_ascii_whitespace() || b.is_ascii_control() || b == b'/')
        {
            return Err(MALFORMED_URL);
        }
        let port = match port {
            None | Some("") => None,
            Some(digits) => {
                if !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(MALFORMED_URL);
                }
                let port: u16 = digits.parse().map_err(|_| MALFORMED_URL)?;
                let default = if scheme.eq_ignore_ascii_case("http") {
                    Some(80)
                } else if scheme.eq_ignore_ascii_case("https") {
                    Some(443)
                } else {
                    None
                };
                (default != Some(port)).then_some(port)
            }
        };
        Ok(Self {
            scheme,
            host,
            port,
            path,
            query,
        })
    }

    /// Writes the base string URI (§3.4.1.2), not yet encoded: lowercase
    /// scheme and host, the port only when it is not the default, the path as
    /// given (`/` when empty), no query, no fragment.
    pub(crate) fn put_base_uri(&self, sink: &mut impl Sink) {
        put_lowercase(self.scheme.as_bytes(), sink);
        sink.put(b"://");
        put_lowercase(self.host.as_bytes(), sink);
        if let Some(port) = self.port {
            sink.put(b":");
            let mut digits = [0u8; 5];
            sink.put(format_u64(u64::from(port), &mut digits));
        }
        if self.path.is_empty() {
            sink.put(b"/");
        } else {
            sink.put(self.path.as_bytes());
        }
    }
}

/// Writes ASCII-lowercased `bytes` through a small stack buffer.
fn put_lowercase(bytes: &[u8], sink: &mut impl Sink) {
    let mut buf = [0u8; 64];
    for chunk in bytes.chunks(buf.len()) {
        let out = buf.get_mut(..chunk.len()).unwrap_or_default();
        for (o, &b) in out.iter_mut().zip(chunk) {
            *o = b.to_ascii_lowercase();
        }
        sink.put(out);
    }
}

/// Formats `n` in decimal into the end of `buf`, returning the digits.
pub(crate) fn format_u64(mut n: u64, buf: &mut [u8]) -> &[u8] {
    let mut i = buf.len();
    while let Some(slot) = i.checked_sub(1).and_then(|j| buf.get_mut(j)) {
        // `n % 10 < 10`, so the cast is exact.
        *slot = b'0' + (n % 10) as u8;
        i -= 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.get(i..).unwrap_or_default()
}

/// The base string URI of `url` (RFC 5849 §3.4.1.2), not encoded.
///
/// ```
/// use sansauth_oauth1::base_string_uri;
/// assert_eq!(
///     base_string_uri("HTTP://EXAMPLE.COM:80/r%20v/X?id=123").unwrap(),
///     "http://example.com/r%20v/X",
/// );
/// assert_eq!(
///     base_string_uri("https://www.example.net:8080/?q=1").unwrap(),
///     "https://www.example.net:8080/",
/// );
/// ```
///
/// # Errors
///
/// [`Error::Malformed`] when `url` is not an absolute URL with a host.
pub fn base_string_uri(url: &str) -> Result<String, Error> {
    let mut out = Vec::with_capacity(url.len());
    Url::parse(url)?.put_base_uri(&mut out);
    String::from_utf8(out).map_err(|_| MALFORMED_URL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_ports_go_and_others_stay() {
        assert_eq!(
            base_string_uri("http://a.example:80").unwrap(),
            "http://a.example/"
        );
        assert_eq!(
            base_string_uri("https://a.example:443/x").unwrap(),
            "https://a.example/x"
        );
        assert_eq!(
            base_string_uri("http://a.example:443/x").unwrap(),
            "http://a.example:443/x"
        );
        assert_eq!(
            base_string_uri("https://u:p@A.example:8443/x#f").unwrap(),
            "https://a.example:8443/x"
        );
        assert_eq!(
            base_string_uri("http://[::1]:8080/x?y").unwrap(),
            "http://[::1]:8080/x"
        );
    }

    #[test]
    fn query_and_fragment_are_told_apart() {
        let u = Url::parse("http://a.example/p#frag?x").unwrap();
        assert_eq!((u.path, u.query), ("/p", None));
        let u = Url::parse("http://a.example?x=1#y").unwrap();
        assert_eq!((u.host, u.path, u.query), ("a.example", "", Some("x=1")));
        let u = Url::parse("http://a.example/p?").unwrap();
        assert_eq!(u.query, Some(""));
    }

    #[test]
    fn broken_urls_are_errors() {
        for bad in [
            "",
            "example.com/x",
            "http://",
            "http://a:b/",
            "http://a:99999/",
            "1http://a/",
            "http://[::1/",
        ] {
            assert_eq!(base_string_uri(bad), Err(MALFORMED_URL), "{bad:?}");
        }
    }

    #[test]
    fn numbers_format_without_allocating() {
        let mut buf = [0u8; 20];
        assert_eq!(format_u64(0, &mut buf), b"0");
        assert_eq!(format_u64(u64::MAX, &mut buf), b"18446744073709551615");
    }
}
