//! The base string URI, RFC 5849 §3.4.1.2, and the small URL reader it needs.

use alloc::string::String;
use alloc::vec::Vec;

use crate::Error;
use crate::encoding::{
    bytes_equal, first_marked, put_encoded, specials_or_upper, unreserved_run, word_at,
};
use crate::sink::Sink;

/// The pieces of an absolute `http(s)` URL that signing needs, borrowed from it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Url<'a> {
    pub(crate) scheme: &'a str,
    pub(crate) host: &'a str,
    /// The port, when one is given and it is not the scheme's default.
    pub(crate) port: Option<u16>,
    pub(crate) path: &'a str,
    /// Everything after the `?`, when there is one: the query, then any
    /// `#fragment` (the form reader stops at `#`, so the query is not
    /// searched for one twice).
    pub(crate) query_on: Option<&'a str>,
    /// Whether the scheme and the host are lowercase and unreserved, as
    /// the base string writes them (found while reading them).
    plain: bool,
}

const MALFORMED_URL: Error = Error::Malformed { what: "URL" };

/// What a byte of an authority is to [`Url::parse`].
const A_OTHER: u8 = 0;
/// `/`, `?` or `#`: the authority ends.
const A_END: u8 = 1;
/// `@`: the host starts after it.
const A_AT: u8 = 2;
/// `:`: the port starts after the host's first.
const A_COLON: u8 = 3;
/// Whitespace or a control byte, which a host cannot hold.
const A_BAD: u8 = 4;

static AUTHORITY: [u8; 256] = {
    let mut table = [A_OTHER; 256];
    let mut i = 0;
    while i < 256 {
        // `i < 256`, so the cast is exact.
        let b = i as u8;
        table[i] = match b {
            b'/' | b'?' | b'#' => A_END,
            b'@' => A_AT,
            b':' => A_COLON,
            _ if b.is_ascii_whitespace() || b.is_ascii_control() => A_BAD,
            _ => A_OTHER,
        };
        i += 1;
    }
    table
};

impl<'a> Url<'a> {
    /// Reads an absolute URL (`scheme://authority/path?query#fragment`).
    pub(crate) fn parse(url: &'a str) -> Result<Self, Error> {
        let bytes = url.as_bytes();
        // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then "://".
        if !bytes.first().is_some_and(u8::is_ascii_alphabetic) {
            return Err(MALFORMED_URL);
        }
        // Whether the scheme has an uppercase letter or a `+`, which the base
        // string lowercases or escapes.
        let mut scheme_upper_or_plus = false;
        let scheme_end = bytes
            .iter()
            .position(|&b| {
                scheme_upper_or_plus |= b.is_ascii_uppercase() || b == b'+';
                !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
            })
            .unwrap_or(bytes.len());
        if bytes.get(scheme_end..scheme_end + 3) != Some(b"://") {
            return Err(MALFORMED_URL);
        }
        let (scheme, _) = url.split_at(scheme_end);
        // The authority, in one pass: where it ends, where the host starts
        // (after the last `@`), the host's first `:`, and whether the host
        // holds a byte it cannot.
        let start = scheme_end + 3;
        // Most authorities are a lowercase unreserved host, perhaps with a
        // `:port`: found sixteen bytes at a time. Any other byte is looked
        // at by the loop below, from where this stopped (when it looks at
        // none, the host is as the base string writes it).
        let mut end = first_marked(bytes, start, specials_or_upper);
        let mut colon = None;
        if bytes.get(end) == Some(&b':') {
            colon = Some(end);
            end = unreserved_run(bytes, end + 1);
        }
        let runs_end = end;
        let (mut host_start, mut bad) = (start, false);
        while let Some(&b) = bytes.get(end) {
            match AUTHORITY[usize::from(b)] {
                A_END => break,
                A_AT => (host_start, colon, bad) = (end + 1, None, false),
                A_COLON if colon.is_none() => colon = Some(end),
                A_BAD => bad = true,
                _ => {}
            }
            end += 1;
        }
        let host_port = url.get(host_start..end).ok_or(MALFORMED_URL)?;
        let (host, port) = if host_port.starts_with('[') {
            let close = host_port.find(']').ok_or(MALFORMED_URL)?;
            let (host, after) = host_port.split_at(close + 1);
            match after {
                "" => (host, None),
                _ => (host, Some(after.strip_prefix(':').ok_or(MALFORMED_URL)?)),
            }
        } else {
            match colon {
                Some(c) => (
                    url.get(host_start..c).ok_or(MALFORMED_URL)?,
                    Some(url.get(c + 1..end).ok_or(MALFORMED_URL)?),
                ),
                None => (host_port, None),
            }
        };
        if host.is_empty() || bad && host.bytes().any(|b| AUTHORITY[usize::from(b)] == A_BAD) {
            return Err(MALFORMED_URL);
        }
        let rest = url.get(end..).unwrap_or_default();
        let path_end = path_end(rest.as_bytes());
        let (path, after) = rest.split_at(path_end);
        let query_on = after.strip_prefix('?');
        let port = match port {
            None | Some("") => None,
            Some(digits) => {
                let mut port = 0u32;
                for b in digits.bytes() {
                    if !b.is_ascii_digit() || port > u32::from(u16::MAX) {
                        return Err(MALFORMED_URL);
                    }
                    port = port * 10 + u32::from(b - b'0');
                }
                let port = u16::try_from(port).map_err(|_| MALFORMED_URL)?;
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
        let host_plain = bytes
            .get(runs_end)
            .is_none_or(|&b| AUTHORITY[usize::from(b)] == A_END);
        Ok(Self {
            scheme,
            host,
            port,
            path,
            query_on,
            plain: !scheme_upper_or_plus && host_plain,
        })
    }

    /// Writes the base string URI (§3.4.1.2) already percent-encoded, as the
    /// base string holds it, in one pass over a local buffer.
    pub(crate) fn put_base_uri_encoded(&self, sink: &mut impl Sink) {
        let (scheme, host) = (self.scheme.as_bytes(), self.host.as_bytes());
        // Schemes and hosts are mostly lowercase and unreserved already.
        if self.plain {
            sink.put(scheme);
            sink.put(b"%3A%2F%2F");
            sink.put(host);
        } else {
            for_lowercase(scheme, |chunk| put_encoded(chunk, sink));
            sink.put(b"%3A%2F%2F");
            for_lowercase(host, |chunk| put_encoded(chunk, sink));
        }
        if let Some(port) = self.port {
            let mut digits = [0u8; 5];
            sink.put(b"%3A");
            sink.put(format_u64(u64::from(port), &mut digits));
        }
        if self.path.is_empty() {
            sink.put(b"%2F");
        } else {
            put_encoded(self.path.as_bytes(), sink);
        }
    }

    /// Writes the base string URI (§3.4.1.2), not yet encoded: lowercase
    /// scheme and host, the port only when it is not the default, the path as
    /// given (`/` when empty), no query, no fragment.
    pub(crate) fn put_base_uri(&self, sink: &mut impl Sink) {
        for_lowercase(self.scheme.as_bytes(), |chunk| sink.put(chunk));
        sink.put(b"://");
        for_lowercase(self.host.as_bytes(), |chunk| sink.put(chunk));
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

/// Where the path that starts `rest` ends: at its first `?` or `#`, found
/// eight bytes at a time, or at the end.
fn path_end(rest: &[u8]) -> usize {
    let mut at = 0;
    while at < rest.len() {
        let word = word_at(rest, at);
        let ends = bytes_equal(word, b'?') | bytes_equal(word, b'#');
        if ends != 0 {
            return (at + (ends.trailing_zeros() / 8) as usize).min(rest.len());
        }
        at += 8;
    }
    rest.len()
}

/// Hands `bytes`, ASCII letters lowercased, to `each` a chunk at a time
/// (from a buffer on the stack).
fn for_lowercase(bytes: &[u8], mut each: impl FnMut(&[u8])) {
    let mut buf = [0u8; 64];
    for chunk in bytes.chunks(buf.len()) {
        let out = buf.get_mut(..chunk.len()).unwrap_or_default();
        for (o, &b) in out.iter_mut().zip(chunk) {
            *o = b.to_ascii_lowercase();
        }
        each(out);
    }
}

/// Formats `n` in decimal into the end of `buf`, returning the digits
/// (two at a time: a timestamp's ten digits take five divisions, each
/// waiting for the one before).
pub(crate) fn format_u64(mut n: u64, buf: &mut [u8]) -> &[u8] {
    /// `00`, `01`, ... `99`.
    const PAIRS: [[u8; 2]; 100] = {
        let mut pairs = [[0; 2]; 100];
        let mut i = 0;
        while i < 100 {
            pairs[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
            i += 1;
        }
        pairs
    };
    let mut i = buf.len();
    while n >= 10 {
        // `n % 100 < 100`, so the index is in the table.
        let pair = PAIRS.get((n % 100) as usize).copied().unwrap_or_default();
        n /= 100;
        let Some(slot) = i.checked_sub(2).and_then(|j| buf.get_mut(j..j + 2)) else {
            return buf;
        };
        slot.copy_from_slice(&pair);
        i -= 2;
    }
    // What is left of `n`: one digit, or none when the pairs took them all
    // (an even number of digits; zero has its one digit).
    if n > 0 || i == buf.len() {
        let Some(slot) = i.checked_sub(1).and_then(|j| buf.get_mut(j)) else {
            return buf;
        };
        // `n < 10`, so the cast is exact.
        *slot = b'0' + n as u8;
        i -= 1;
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
    fn paths_end_at_the_first_question_mark_or_hash() {
        for (rest, want) in [
            ("", 0),
            ("/", 1),
            ("?", 0),
            ("#", 0),
            ("/a/b", 4),
            ("/a?b#c", 2),
            ("/a#b?c", 2),
            ("/0123456789abcdef", 17),
            ("/0123456#", 8),
            ("/01234567?", 9),
            ("/0123456789abcdef/ghijkl?q#f", 24),
            ("/%3F%23/x", 9),
        ] {
            assert_eq!(path_end(rest.as_bytes()), want, "{rest}");
        }
    }

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
    fn the_encoded_base_uri_is_the_base_uri_encoded() {
        // Plain schemes and hosts, and every way of not being plain: the
        // encoded writer's shortcut must agree with lowercasing and
        // encoding the base string URI.
        for url in [
            "http://api.mapmyfitness.com/3.1/workouts/create_workout",
            "https://a.example:8443/x",
            "HTTP://a.example/x",
            "http://A.example/x",
            "http://a.Example:8080/x",
            "Svn+SSH://a.example/x",
            "svn+ssh://a.example/x",
            "http://user:pass@a.example/x",
            "http://User@A.example:81/x",
            "http://[::1]:8080/x",
            "http://a_b~c.example/",
            "http://a.example:80",
            "http://0123456789abcdefghij.example/x",
            "http://0123456789abcdefGhij.example/x",
        ] {
            let mut encoded = Vec::new();
            Url::parse(url).unwrap().put_base_uri_encoded(&mut encoded);
            let want = crate::encoding::percent_encode(&base_string_uri(url).unwrap());
            assert_eq!(String::from_utf8(encoded).unwrap(), want, "{url}");
            let u = Url::parse(url).unwrap();
            let lower = |t: &str| {
                t.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-._~".contains(&b))
            };
            // Plain only when it is (a host after user information is
            // looked at again, byte by byte).
            let is_plain = lower(u.scheme) && lower(u.host);
            assert!(!u.plain || is_plain, "{url}");
            assert_eq!(u.plain, is_plain && !url.contains('@'), "{url}");
        }
    }

    #[test]
    fn query_and_fragment_are_told_apart() {
        let u = Url::parse("http://a.example/p#frag?x").unwrap();
        assert_eq!((u.path, u.query_on), ("/p", None));
        let u = Url::parse("http://a.example?x=1#y").unwrap();
        assert_eq!(
            (u.host, u.path, u.query_on),
            ("a.example", "", Some("x=1#y"))
        );
        let u = Url::parse("http://a.example/p?").unwrap();
        assert_eq!(u.query_on, Some(""));
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
        let mut n = 1u64;
        for _ in 0..20 {
            for m in [n - 1, n, n + 1, n.saturating_mul(7) / 3] {
                let want = format!("{m}");
                assert_eq!(format_u64(m, &mut buf), want.as_bytes(), "{m}");
            }
            n = n.saturating_mul(10);
        }
    }
}
