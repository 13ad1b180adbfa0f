//! Percent-encoding as RFC 5849 §3.6 defines it.
//!
//! Every byte of the UTF-8 text is escaped except the unreserved set
//! `ALPHA / DIGIT / "-" / "." / "_" / "~"`, and escapes use uppercase hex.
//! This is stricter than `application/x-www-form-urlencoded` (no `+` for
//! space) and than most URL encoders (which keep `*`, `!`, ...).

use alloc::string::String;
use alloc::vec::Vec;

use crate::Error;

const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Whether `b` is in RFC 3986's unreserved set, which §3.6 leaves unescaped.
#[inline]
pub const fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Percent-encodes `text` per RFC 5849 §3.6.
///
/// ```
/// use sansauth_oauth1::encoding::percent_encode;
/// assert_eq!(percent_encode("Ladies + Gentlemen"), "Ladies%20%2B%20Gentlemen");
/// ```
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    percent_encode_into(text.as_bytes(), &mut out);
    out
}

/// Appends the RFC 5849 §3.6 encoding of `bytes` to `out`.
pub fn percent_encode_into(bytes: &[u8], out: &mut String) {
    for &b in bytes {
        if is_unreserved(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(UPPER_HEX[usize::from(b >> 4)]));
            out.push(char::from(UPPER_HEX[usize::from(b & 0x0F)]));
        }
    }
}

/// Decodes `%XX` escapes in `text`; with `plus_is_space`, a `+` is a space
/// (as in `application/x-www-form-urlencoded` bodies and queries).
///
/// A `%` not followed by two hex digits, or a result that is not UTF-8, is
/// [`Error::Malformed`].
pub fn percent_decode(text: &str, plus_is_space: bool) -> Result<String, Error> {
    let malformed = Error::Malformed {
        what: "percent-encoding",
    };
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let hi = bytes.get(i + 1).copied().and_then(hex_value);
                let lo = bytes.get(i + 2).copied().and_then(hex_value);
                let (Some(hi), Some(lo)) = (hi, lo) else {
                    return Err(malformed);
                };
                out.push(hi << 4 | lo);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| malformed)
}

/// The value of one hex digit, either case.
const fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreserved_bytes_pass_through() {
        assert_eq!(percent_encode("AZaz09-._~"), "AZaz09-._~");
    }

    #[test]
    fn everything_else_is_escaped_in_uppercase_hex() {
        assert_eq!(percent_encode("*!'()/ "), "%2A%21%27%28%29%2F%20");
        assert_eq!(percent_encode("\u{2122}"), "%E2%84%A2");
    }

    #[test]
    fn decode_reverses_encode_and_accepts_lowercase_hex() {
        assert_eq!(
            percent_decode("%e2%84%a2", false).as_deref(),
            Ok("\u{2122}")
        );
        assert_eq!(percent_decode("a+b", true).as_deref(), Ok("a b"));
        assert_eq!(percent_decode("a+b", false).as_deref(), Ok("a+b"));
    }

    #[test]
    fn decode_rejects_broken_escapes_and_bad_utf8() {
        for bad in ["%", "%4", "%G0", "abc%2", "%FF"] {
            assert_eq!(
                percent_decode(bad, false),
                Err(Error::Malformed {
                    what: "percent-encoding"
                }),
                "{bad:?}"
            );
        }
    }
}
