//! Percent-encoding as RFC 5849 §3.6 defines it.
//!
//! Every byte of the UTF-8 text is escaped except the unreserved set
//! `ALPHA / DIGIT / "-" / "." / "_" / "~"`, and escapes use uppercase hex.
//! This is stricter than `application/x-www-form-urlencoded` (no `+` for
//! space) and than most URL encoders (which keep `*`, `!`, ...).

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use crate::Error;
use crate::sink::Sink;

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
    out.reserve(encoded_len(bytes));
    for &b in bytes {
        if is_unreserved(b) {
            out.push(char::from(b));
        } else {
            let [p, h, l] = escape(b);
            out.push(char::from(p));
            out.push(char::from(h));
            out.push(char::from(l));
        }
    }
}

/// `true` for the bytes §3.6 leaves as they are, by table lookup.
static UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        // `i < 256`, so the cast is exact.
        table[i] = is_unreserved(i as u8);
        i += 1;
    }
    table
};

#[inline]
fn unreserved(b: u8) -> bool {
    UNRESERVED[usize::from(b)]
}

/// `%XX` for `b`, uppercase hex.
#[inline]
const fn escape(b: u8) -> [u8; 3] {
    [
        b'%',
        UPPER_HEX[(b >> 4) as usize],
        UPPER_HEX[(b & 0x0F) as usize],
    ]
}

/// Length of the §3.6 encoding of `bytes`.
pub(crate) fn encoded_len(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .map(|&b| if unreserved(b) { 1 } else { 3 })
        .sum()
}

/// Writes the §3.6 encoding of `bytes`, passing runs of unreserved bytes in one piece.
pub(crate) fn put_encoded(bytes: &[u8], sink: &mut impl Sink) {
    let mut rest = bytes;
    while !rest.is_empty() {
        let run = rest
            .iter()
            .position(|&b| !unreserved(b))
            .unwrap_or(rest.len());
        let (plain, tail) = rest.split_at(run);
        if !plain.is_empty() {
            sink.put(plain);
        }
        match tail.split_first() {
            Some((&b, tail)) => {
                sink.put(&escape(b));
                rest = tail;
            }
            None => break,
        }
    }
}

/// A sink that §3.6-encodes what is written through it.
pub(crate) struct Encode<'s, S: Sink>(pub(crate) &'s mut S);

impl<S: Sink> Sink for Encode<'_, S> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        put_encoded(bytes, self.0);
    }
}

/// A raw (unencoded) name or value in its §3.6 encoding; borrowed when it is
/// all unreserved bytes, as names and values mostly are.
pub(crate) fn encode_cow(raw: &[u8]) -> Cow<'_, [u8]> {
    if raw.iter().all(|&b| unreserved(b)) {
        Cow::Borrowed(raw)
    } else {
        let mut out = Vec::with_capacity(encoded_len(raw));
        put_encoded(raw, &mut out);
        Cow::Owned(out)
    }
}

/// Whether `raw` is exactly the §3.6 encoding of what it encodes: only
/// unreserved bytes, and `%XX` escapes in uppercase hex of bytes that are
/// not unreserved.
fn is_canonical(raw: &[u8]) -> bool {
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        if unreserved(b) {
            i += 1;
            continue;
        }
        let escaped = match (b, raw.get(i + 1), raw.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) => match (upper_hex_value(h), upper_hex_value(l)) {
                (Some(h), Some(l)) => !unreserved(h << 4 | l),
                _ => false,
            },
            _ => false,
        };
        if !escaped {
            return false;
        }
        i += 3;
    }
    true
}

/// Splits a query or `application/x-www-form-urlencoded` body into its
/// pairs in one pass, checking as it goes whether each name and value is
/// already in its §3.6 encoding (then it is borrowed); `emit` gets each pair
/// in that encoding. Empty pieces between `&`s are skipped; `+` is a space.
///
/// # Errors
///
/// [`Error::Malformed`] for a `%` not followed by two hex digits.
pub(crate) fn split_form<'a>(
    raw: &'a [u8],
    mut emit: impl FnMut(Cow<'a, [u8]>, Cow<'a, [u8]>),
) -> Result<(), Error> {
    let mut start = 0;
    let mut eq: Option<usize> = None;
    // Whether the name, and the value, are canonical so far.
    let (mut name_ok, mut value_ok) = (true, true);
    let mut i = 0;
    loop {
        // Names and values are mostly unreserved bytes: skip them eight at a
        // time, one branch per eight table lookups.
        while let Some(chunk) = raw.get(i..i + 8) {
            if !chunk.iter().fold(true, |all, &b| all & unreserved(b)) {
                break;
            }
            i += 8;
        }
        // Then one at a time, up to the next byte that is not unreserved.
        while raw.get(i).is_some_and(|&b| unreserved(b)) {
            i += 1;
        }
        let b = raw.get(i).copied();
        match b {
            Some(b'%') => {
                let ok = match (raw.get(i + 1), raw.get(i + 2)) {
                    (Some(&h), Some(&l)) => match (upper_hex_value(h), upper_hex_value(l)) {
                        (Some(h), Some(l)) => !unreserved(h << 4 | l),
                        _ => false,
                    },
                    _ => false,
                };
                if ok {
                    i += 3;
                    continue;
                }
            }
            Some(b'=') if eq.is_none() => {
                eq = Some(i);
                i += 1;
                continue;
            }
            Some(b'&') | None => {
                if i > start {
                    let piece = raw.get(start..i).unwrap_or_default();
                    let (name, value) = match eq {
                        Some(e) => (
                            raw.get(start..e).unwrap_or_default(),
                            raw.get(e + 1..i).unwrap_or_default(),
                        ),
                        None => (piece, &[][..]),
                    };
                    let name = if name_ok {
                        Cow::Borrowed(name)
                    } else {
                        canonical(name, true)?
                    };
                    let value = if value_ok {
                        Cow::Borrowed(value)
                    } else {
                        canonical(value, true)?
                    };
                    emit(name, value);
                }
                if b.is_none() {
                    return Ok(());
                }
                i += 1;
                start = i;
                eq = None;
                (name_ok, value_ok) = (true, true);
                continue;
            }
            Some(_) => {}
        }
        // Anything else is not canonical: the part it is in gets re-encoded.
        if eq.is_none() {
            name_ok = false;
        } else {
            value_ok = false;
        }
        i += 1;
    }
}

/// A still-encoded name or value from a query, form body or header, in its
/// §3.6 encoding: borrowed when it already is exactly that (the usual case),
/// otherwise decoded (`+` is a space with `plus_is_space`) and encoded again.
///
/// Normalized parameters (§3.4.1.3.2) are sorted and joined in this form, so
/// comparing two parameters is comparing bytes. Decoded bytes that are not
/// UTF-8 are kept byte for byte.
///
/// # Errors
///
/// [`Error::Malformed`] for a `%` not followed by two hex digits.
pub(crate) fn canonical(raw: &[u8], plus_is_space: bool) -> Result<Cow<'_, [u8]>, Error> {
    if is_canonical(raw) {
        return Ok(Cow::Borrowed(raw));
    }
    let decoded = decode_bytes(raw, plus_is_space)?;
    let mut out = Vec::with_capacity(encoded_len(&decoded));
    put_encoded(&decoded, &mut out);
    Ok(Cow::Owned(out))
}

/// The text a §3.6 encoding stands for; borrowed when there is no escape.
///
/// # Errors
///
/// [`Error::Malformed`] for a bad escape or text that is not UTF-8.
pub(crate) fn decode_text(encoded: &[u8]) -> Result<Cow<'_, str>, Error> {
    let bad = Error::Malformed {
        what: "parameter (not UTF-8)",
    };
    if encoded.contains(&b'%') {
        let bytes = decode_bytes(encoded, false)?;
        String::from_utf8(bytes).map(Cow::Owned).map_err(|_| bad)
    } else {
        core::str::from_utf8(encoded)
            .map(Cow::Borrowed)
            .map_err(|_| bad)
    }
}

/// Decodes `%XX` escapes in `text`; with `plus_is_space`, a `+` is a space
/// (as in `application/x-www-form-urlencoded` bodies and queries).
///
/// A `%` not followed by two hex digits, or a result that is not UTF-8, is
/// [`Error::Malformed`].
pub fn percent_decode(text: &str, plus_is_space: bool) -> Result<String, Error> {
    let out = decode_bytes(text.as_bytes(), plus_is_space)?;
    String::from_utf8(out).map_err(|_| Error::Malformed {
        what: "percent-encoding",
    })
}

fn decode_bytes(bytes: &[u8], plus_is_space: bool) -> Result<Vec<u8>, Error> {
    let malformed = Error::Malformed {
        what: "percent-encoding",
    };
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
    Ok(out)
}

/// The value of one uppercase hex digit.
const fn upper_hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
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
    fn canonical_forms_are_borrowed_and_others_re_encoded() {
        assert!(matches!(
            canonical(b"abc%2A%20", true),
            Ok(Cow::Borrowed(_))
        ));
        for (raw, want) in [
            (&b"a+b"[..], &b"a%20b"[..]),
            (b"%7e%41", b"~A"),
            (b"%2a*", b"%2A%2A"),
            (b"%FF", b"%FF"),
            (b"\xc3\xa9", b"%C3%A9"),
        ] {
            assert_eq!(canonical(raw, true).as_deref(), Ok(want), "{raw:?}");
        }
        assert_eq!(canonical(b"a+b", false).as_deref(), Ok(&b"a%2Bb"[..]));
        assert!(canonical(b"%F", false).is_err());
        assert!(canonical(b"%zz", false).is_err());
    }

    #[test]
    fn one_pass_split_agrees_with_splitting_then_encoding() {
        for raw in [
            &b""[..],
            b"&&",
            b"a",
            b"a=",
            b"=b",
            b"a=b=c&d",
            b"a+b=c+d&%41=%7e",
            b"x=%2A%2a&y=*",
            b"n%20=v%20&%E2%82%AC=%e2%82%ac",
            b"a=%2",
            b"a=%&b=1",
        ] {
            let mut got = Vec::new();
            let one_pass = split_form(raw, |n, v| got.push((n.into_owned(), v.into_owned())));
            let mut want = Vec::new();
            let two_pass: Result<(), Error> = raw
                .split(|&b| b == b'&')
                .filter(|p| !p.is_empty())
                .try_for_each(|p| {
                    let (n, v) = match p.iter().position(|&b| b == b'=') {
                        Some(i) => (&p[..i], &p[i + 1..]),
                        None => (p, &[][..]),
                    };
                    want.push((
                        canonical(n, true)?.into_owned(),
                        canonical(v, true)?.into_owned(),
                    ));
                    Ok(())
                });
            assert_eq!(one_pass.is_ok(), two_pass.is_ok(), "{raw:?}");
            if one_pass.is_ok() {
                assert_eq!(got, want, "{raw:?}");
            }
        }
    }

    #[test]
    fn raw_text_encodes_and_decodes() {
        assert!(matches!(encode_cow(b"a-b"), Cow::Borrowed(_)));
        assert_eq!(&*encode_cow(b"a b"), b"a%20b");
        assert_eq!(encoded_len(b"a b"), 5);
        assert_eq!(decode_text(b"a%20b").as_deref(), Ok("a b"));
        assert!(decode_text(b"%FF").is_err());
    }

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
