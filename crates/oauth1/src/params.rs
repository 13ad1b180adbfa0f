//! Parameters: collection from the request (RFC 5849 §3.4.1.3.1), the
//! `Authorization` header grammar (§3.5.1), and normalization (§3.4.1.3.2).
//!
//! Every name and value is kept in its §3.6 encoding, which is how
//! §3.4.1.3.2 sorts and joins them: as a slice of the request whenever the
//! request already has it in that form (the usual case), re-encoded into a
//! buffer of its own otherwise. Sorting is then comparing bytes, and the list
//! lives on the stack until it outgrows it.

use alloc::borrow::Cow;
use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;

use crate::Error;
use crate::encoding::{canonical, decode_text, encode_cow, split_form};
use crate::sink::Sink;

/// One parameter, name and value in their §3.6 encodings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Param<'a> {
    pub(crate) name: Cow<'a, [u8]>,
    pub(crate) value: Cow<'a, [u8]>,
}

impl<'a> Param<'a> {
    const EMPTY: Self = Self {
        name: Cow::Borrowed(&[]),
        value: Cow::Borrowed(&[]),
    };

    /// A parameter from raw (unencoded) text.
    pub(crate) fn raw(name: &'a [u8], value: &'a [u8]) -> Self {
        Self {
            name: encode_cow(name),
            value: encode_cow(value),
        }
    }

    /// §3.4.1.3.2 order: by encoded name, then by encoded value.
    #[inline]
    fn cmp_normalized(&self, other: &Self) -> Ordering {
        self.name
            .cmp(&other.name)
            .then_with(|| self.value.cmp(&other.value))
    }
}

/// How many parameters fit on the stack before the list moves to the heap.
pub(crate) const INLINE: usize = 32;

/// A larger stack tier, which signing picks when a request has more than
/// [`INLINE`] parameters (about 12 KiB of stack), so that it still allocates
/// nothing but its output; longer lists move to the heap.
pub(crate) const LARGE: usize = 256;

/// A list of parameters that starts on the stack, with room for `N`.
#[derive(Debug)]
pub(crate) struct ParamList<'a, const N: usize = INLINE> {
    inline: [Param<'a>; N],
    len: usize,
    spill: Vec<Param<'a>>,
}

impl<'a, const N: usize> ParamList<'a, N> {
    pub(crate) fn new() -> Self {
        Self {
            inline: [const { Param::EMPTY }; N],
            len: 0,
            spill: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, param: Param<'a>) {
        if !self.spill.is_empty() {
            self.spill.push(param);
        } else if let Some(slot) = self.inline.get_mut(self.len) {
            *slot = param;
            self.len += 1;
        } else {
            self.spill.reserve(N * 2);
            self.spill
                .extend(self.inline.iter_mut().map(core::mem::take));
            self.spill.push(param);
            self.len = 0;
        }
    }

    pub(crate) fn as_slice(&self) -> &[Param<'a>] {
        if self.spill.is_empty() {
            self.inline.get(..self.len).unwrap_or_default()
        } else {
            &self.spill
        }
    }

    fn as_mut_slice(&mut self) -> &mut [Param<'a>] {
        if self.spill.is_empty() {
            self.inline.get_mut(..self.len).unwrap_or_default()
        } else {
            &mut self.spill
        }
    }

    /// Keeps only the parameters for which `keep` is true, in order.
    pub(crate) fn retain(&mut self, keep: impl Fn(&Param<'a>) -> bool) {
        if self.spill.is_empty() {
            let mut kept = 0;
            for i in 0..self.len {
                let Some(p) = self.inline.get_mut(i).map(core::mem::take) else {
                    break;
                };
                if keep(&p) {
                    if let Some(slot) = self.inline.get_mut(kept) {
                        *slot = p;
                    }
                    kept += 1;
                }
            }
            self.len = kept;
        } else {
            self.spill.retain(keep);
        }
    }

    /// Sorts in place into §3.4.1.3.2 order.
    pub(crate) fn sort(&mut self) {
        sort_params(self.as_mut_slice());
    }

    /// Adds the pairs of a query or `application/x-www-form-urlencoded` body
    /// (`+` is a space; empty pieces between `&`s are skipped).
    pub(crate) fn add_form(&mut self, raw: &'a [u8]) -> Result<(), Error> {
        split_form(raw, |name, value| self.push(Param { name, value }))
    }

    /// Writes the normalized parameters of a sorted list: see [`put_normalized`].
    pub(crate) fn put_normalized(&self, twice: bool, sink: &mut impl Sink) {
        put_normalized(self.as_slice(), twice, sink);
    }
}

/// Sorts parameters into §3.4.1.3.2 order: by encoded name, then by encoded value.
///
/// Comparing whole slices for every step of a sort costs a call per
/// comparison; instead each parameter gets a key: the first eight bytes of
/// its name (big-endian, zero-padded, so that key order is name order
/// wherever keys differ) above its index. The keys, plain integers, are
/// sorted; the list is put in that order; and only runs whose keys share a
/// prefix (names that agree on their first eight bytes) are sorted again by
/// full name and value.
pub(crate) fn sort_params(list: &mut [Param<'_>]) {
    if list.len() <= INLINE {
        let mut keys = [0u128; INLINE];
        sort_keyed(list, &mut keys);
    } else if list.len() <= LARGE {
        let mut keys = [0u128; LARGE];
        sort_keyed(list, &mut keys);
    } else {
        let mut keys = alloc::vec![0u128; list.len()];
        sort_keyed(list, &mut keys);
    }
}

/// The first eight bytes of `name`, zero-padded, as a big-endian number.
#[inline]
fn prefix(name: &[u8]) -> u64 {
    if let Some(first) = name.first_chunk::<8>() {
        return u64::from_be_bytes(*first);
    }
    // Shorter names, byte by byte (a copy of a variable length would be a
    // call to `memcpy` per parameter).
    let mut key = 0u64;
    for (i, &b) in name.iter().enumerate() {
        key |= u64::from(b) << (56 - 8 * i);
    }
    key
}

/// [`sort_params`] with room for the keys (`keys.len() >= list.len()`).
fn sort_keyed(list: &mut [Param<'_>], keys: &mut [u128]) {
    const INDEX: u128 = (1 << 32) - 1;
    const VISITED: u128 = 1 << 32;
    let n = list.len();
    let Some(keys) = keys.get_mut(..n) else {
        list.sort_unstable_by(Param::cmp_normalized);
        return;
    };
    for (i, (key, p)) in keys.iter_mut().zip(list.iter()).enumerate() {
        // `i < n <= u32::MAX` for any list that fits in memory twice over.
        *key = u128::from(prefix(&p.name)) << 64 | (i as u128 & INDEX);
    }
    keys.sort_unstable();
    // Put the list in key order: position `j` takes the element that was at
    // `keys[j] & INDEX`, following each cycle of the permutation once.
    for start in 0..n {
        let mut j = start;
        while let Some(key) = keys.get_mut(j) {
            if *key & VISITED != 0 {
                break;
            }
            *key |= VISITED;
            // The index was below `n`, so it fits in `usize`.
            let from = (*key & INDEX) as usize;
            if from == start {
                break;
            }
            list.swap(j, from);
            j = from;
        }
    }
    // Names that share their first eight bytes: order them fully.
    let mut start = 0;
    while let Some(&first) = keys.get(start) {
        let run = keys
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(|k| *k >> 64 == first >> 64)
            .count();
        if run > 1
            && let Some(part) = list.get_mut(start..start + run)
        {
            part.sort_unstable_by(Param::cmp_normalized);
        }
        start += run;
    }
}

/// Writes the normalized parameters (§3.4.1.3.2) of a sorted list:
/// `name=value` pairs joined by `&`, each name and value encoded; with
/// `twice`, the whole is encoded again, as the base string needs.
///
/// Names and values are held in their §3.6 encoding, which has only
/// unreserved bytes and `%XX` escapes, so encoding them again only turns
/// each `%` into `%25`: a scan for `%`, not a table lookup per byte.
pub(crate) fn put_normalized(list: &[Param<'_>], twice: bool, sink: &mut impl Sink) {
    for (i, p) in list.iter().enumerate() {
        if twice {
            if i > 0 {
                sink.put(b"%26");
            }
            put_reencoded(&p.name, sink);
            sink.put(b"%3D");
            put_reencoded(&p.value, sink);
        } else {
            if i > 0 {
                sink.put(b"&");
            }
            sink.put(&p.name);
            sink.put(b"=");
            sink.put(&p.value);
        }
    }
}

/// Whether `bytes` holds a `%`, eight bytes at a time (most names and
/// values are short, too short for a call to `memchr` to pay off).
#[inline]
fn has_percent(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const PERCENTS: u64 = u64::from_ne_bytes([b'%'; 8]);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        // A zero byte in `x` (a `%` in the chunk) sets its high bit here.
        let x = u64::from_ne_bytes(word) ^ PERCENTS;
        if x.wrapping_sub(ONES) & !x & HIGHS != 0 {
            return true;
        }
    }
    chunks.remainder().contains(&b'%')
}

/// The §3.6 encoding of text that is already in its §3.6 encoding.
#[inline]
fn put_reencoded(encoded: &[u8], sink: &mut impl Sink) {
    if !has_percent(encoded) {
        sink.put(encoded);
        return;
    }
    for (i, piece) in encoded.split(|&b| b == b'%').enumerate() {
        if i > 0 {
            sink.put(b"%25");
        }
        sink.put(piece);
    }
}

/// Whether a `Content-Type` is `application/x-www-form-urlencoded`, with or
/// without parameters such as `charset` (§3.4.1.3.1).
pub(crate) fn is_form(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| {
        let media = ct.split(';').next().unwrap_or_default();
        media
            .trim_matches(|c| c == ' ' || c == '\t')
            .eq_ignore_ascii_case("application/x-www-form-urlencoded")
    })
}

const MALFORMED_HEADER: Error = Error::Malformed {
    what: "OAuth Authorization header",
};

/// Reads the parameters of an `OAuth` `Authorization` header value (§3.5.1),
/// one `name="value"` at a time, names and values in their §3.6 encodings,
/// except `realm`, whose value is returned as written.
#[derive(Debug, Clone)]
pub(crate) struct HeaderParams<'a> {
    rest: &'a [u8],
    failed: bool,
}

/// Whether `value` is an `Authorization` value with the `OAuth` scheme.
pub(crate) fn is_oauth_scheme(value: &str) -> bool {
    let v = value.trim_start_matches([' ', '\t']).as_bytes();
    v.get(..5).is_some_and(|s| s.eq_ignore_ascii_case(b"OAuth"))
        && v.get(5).is_none_or(|&b| b == b' ' || b == b'\t')
}

impl<'a> HeaderParams<'a> {
    /// Starts reading `value`, which must use the `OAuth` scheme (any case).
    pub(crate) fn new(value: &'a str) -> Result<Self, Error> {
        if !is_oauth_scheme(value) {
            return Err(MALFORMED_HEADER);
        }
        let v = value.trim_start_matches([' ', '\t']).as_bytes();
        Ok(Self {
            rest: v.get(5..).unwrap_or_default(),
            failed: false,
        })
    }

    fn skip_ows(&mut self) {
        let n = self
            .rest
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        self.rest = self.rest.get(n..).unwrap_or_default();
    }

    fn expect(&mut self, byte: u8) -> Result<(), Error> {
        match self.rest.split_first() {
            Some((&b, rest)) if b == byte => {
                self.rest = rest;
                Ok(())
            }
            _ => Err(MALFORMED_HEADER),
        }
    }

    fn read_param(&mut self) -> Result<Option<Param<'a>>, Error> {
        // Empty list elements (`a="1", , b="2"`) are allowed by RFC 9110 §5.6.1.
        loop {
            self.skip_ows();
            match self.rest.first() {
                None => return Ok(None),
                Some(b',') => self.rest = self.rest.get(1..).unwrap_or_default(),
                Some(_) => break,
            }
        }
        let name_len = self.rest.iter().take_while(|&&b| is_tchar(b)).count();
        let (name, rest) = self.rest.split_at(name_len);
        if name.is_empty() {
            return Err(MALFORMED_HEADER);
        }
        self.rest = rest;
        self.skip_ows();
        self.expect(b'=')?;
        self.skip_ows();
        self.expect(b'"')?;
        // One pass to the closing quote; §3.6-encoded values never hold a
        // backslash or a control byte.
        let value_len = self
            .rest
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b.is_ascii_control())
            .filter(|&i| self.rest.get(i) == Some(&b'"'))
            .ok_or(MALFORMED_HEADER)?;
        let (value, rest) = self.rest.split_at(value_len);
        self.rest = rest.get(1..).unwrap_or_default();
        self.skip_ows();
        match self.rest.first() {
            None => {}
            Some(b',') => self.rest = self.rest.get(1..).unwrap_or_default(),
            Some(_) => return Err(MALFORMED_HEADER),
        }
        if name == b"realm" {
            return Ok(Some(Param {
                name: Cow::Borrowed(name),
                value: Cow::Borrowed(value),
            }));
        }
        Ok(Some(Param {
            name: canonical(name, false)?,
            value: canonical(value, false)?,
        }))
    }
}

impl<'a> Iterator for HeaderParams<'a> {
    type Item = Result<Param<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let item = self.read_param().transpose();
        if matches!(item, Some(Err(_))) {
            self.failed = true;
        }
        item
    }
}

/// RFC 9110 `tchar`, plus `%` (names are §3.6-encoded), by table lookup.
fn is_tchar(b: u8) -> bool {
    static TCHAR: [bool; 256] = {
        let mut table = [false; 256];
        let mut i = 0;
        while i < 256 {
            // `i < 256`, so the cast is exact.
            let b = i as u8;
            table[i] = b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'!' | b'#'
                        | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'-'
                        | b'.'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'|'
                        | b'~'
                );
            i += 1;
        }
        table
    };
    TCHAR[usize::from(b)]
}

/// The names of the protocol parameters, as `'static` strings for errors.
pub(crate) const PROTOCOL_NAMES: [&str; 11] = [
    "oauth_body_hash",
    "oauth_callback",
    "oauth_consumer_key",
    "oauth_nonce",
    "oauth_signature",
    "oauth_signature_method",
    "oauth_timestamp",
    "oauth_token",
    "oauth_verifier",
    "oauth_version",
    "realm",
];

/// `name` as a `'static` string when it is a known protocol parameter.
pub(crate) fn static_name(name: &[u8]) -> &'static str {
    PROTOCOL_NAMES
        .iter()
        .find(|n| n.as_bytes() == name)
        .copied()
        .unwrap_or("oauth_* parameter")
}

/// A parsed `OAuth` `Authorization` header (RFC 5849 §3.5.1).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthorizationHeader {
    /// The `realm`, as written (it is not percent-encoded, RFC 2617 §1.2).
    pub realm: Option<String>,
    /// The other parameters, decoded, in the order they appear.
    pub params: Vec<(String, String)>,
}

impl AuthorizationHeader {
    /// The value of parameter `name`, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses an `OAuth` `Authorization` header value (RFC 5849 §3.5.1).
///
/// The scheme is matched case-insensitively; parameters may come in any
/// order, with optional whitespace around `,` and `=`; values must be quoted.
///
/// ```
/// use sansauth_oauth1::parse_authorization;
/// let h = parse_authorization(r#"OAuth realm="Example", oauth_nonce = "a%20b""#).unwrap();
/// assert_eq!(h.realm.as_deref(), Some("Example"));
/// assert_eq!(h.get("oauth_nonce"), Some("a b"));
/// ```
///
/// # Errors
///
/// [`Error::Malformed`] for another scheme, bad quoting, a bad
/// percent-escape or text that is not UTF-8; [`Error::DuplicateParameter`]
/// when a name appears twice.
pub fn parse_authorization(header: &str) -> Result<AuthorizationHeader, Error> {
    let mut out = AuthorizationHeader {
        realm: None,
        params: Vec::new(),
    };
    // The names seen so far: a set, so a header with many parameters costs
    // n log n to check, not n².
    let mut seen = BTreeSet::new();
    for param in HeaderParams::new(header)? {
        let param = param?;
        let name = decoded(&param.name)?;
        let value = if *param.name == *b"realm" {
            decoded_raw(&param.value)?
        } else {
            decoded(&param.value)?
        };
        let dup = if name == "realm" {
            out.realm.replace(value).is_some()
        } else if !seen.insert(name.clone()) {
            true
        } else {
            out.params.push((name.clone(), value));
            false
        };
        if dup {
            return Err(Error::DuplicateParameter {
                name: static_name(name.as_bytes()),
            });
        }
    }
    Ok(out)
}

/// The text an encoded name or value stands for, which must be UTF-8.
pub(crate) fn decoded(encoded: &[u8]) -> Result<String, Error> {
    decode_text(encoded).map(Cow::into_owned)
}

/// Bytes kept as written (`realm`), which must be UTF-8.
fn decoded_raw(bytes: &[u8]) -> Result<String, Error> {
    String::from_utf8(bytes.to_vec()).map_err(|_| Error::Malformed {
        what: "parameter (not UTF-8)",
    })
}

/// Normalizes parameters per RFC 5849 §3.4.1.3.2: each name and value is
/// encoded (§3.6), the pairs are sorted by name and then by value (byte order
/// of the encodings; duplicates are kept), and joined with `=` and `&`.
///
/// ```
/// use sansauth_oauth1::normalize_parameters;
/// let n = normalize_parameters(&[("b", "2 q"), ("a", "1"), ("a", "")]);
/// assert_eq!(n, "a=&a=1&b=2%20q");
/// ```
pub fn normalize_parameters(params: &[(&str, &str)]) -> String {
    let mut list: ParamList<'_> = ParamList::new();
    for (name, value) in params {
        list.push(Param::raw(name.as_bytes(), value.as_bytes()));
    }
    list.sort();
    let mut out = Vec::new();
    list.put_normalized(false, &mut out);
    // Only §3.6 output (ASCII) was written.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_with_many_parameters_is_read_in_n_log_n() {
        use alloc::format;
        // 50 000 distinct names: a pairwise duplicate check would make over
        // a billion comparisons here.
        let mut header = String::from("OAuth realm=\"r\"");
        for i in 0..50_000 {
            header.push_str(&format!(", p{i}=\"v\""));
        }
        let parsed = parse_authorization(&header).unwrap();
        assert_eq!(parsed.params.len(), 50_000);
        header.push_str(", p7=\"again\"");
        assert_eq!(
            parse_authorization(&header).unwrap_err(),
            Error::DuplicateParameter {
                name: "oauth_* parameter"
            }
        );
    }

    #[test]
    fn lists_move_to_the_heap_when_full_and_keep_order() {
        let names: Vec<String> = (0..70).map(|i| alloc::format!("p{i:02}")).collect();
        let mut list: ParamList<'_> = ParamList::new();
        for n in names.iter().rev() {
            list.push(Param::raw(n.as_bytes(), b""));
        }
        assert_eq!(list.as_slice().len(), 70);
        list.sort();
        let got: Vec<&[u8]> = list.as_slice().iter().map(|p| &*p.name).collect();
        let want: Vec<&[u8]> = names.iter().map(|n| n.as_bytes()).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn keyed_sort_agrees_with_comparing_whole_names_and_values() {
        // Names sharing long prefixes, names that are prefixes of others,
        // repeated names with different values, escapes, empty names.
        let mut state: u32 = 7;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        };
        let stems: [&[u8]; 8] = [
            b"oauth_token",
            b"oauth_timestamp",
            b"oauth_",
            b"a",
            b"",
            b"abcdefgh",
            b"abcdefghi",
            b"%20x",
        ];
        for n in [0, 1, 2, 7, 31, 32, 33, 200, 256, 300] {
            let owned: Vec<(Vec<u8>, Vec<u8>)> = (0..n)
                .map(|_| {
                    let name = stems[next() as usize % stems.len()].to_vec();
                    let value = alloc::format!("{}", next() % 5).into_bytes();
                    (name, value)
                })
                .collect();
            let mut params: Vec<Param<'_>> = owned
                .iter()
                .map(|(n, v)| Param {
                    name: Cow::Borrowed(n),
                    value: Cow::Borrowed(v),
                })
                .collect();
            let mut want = params.clone();
            want.sort_by(Param::cmp_normalized);
            sort_params(&mut params);
            assert_eq!(params, want, "{n}");
        }
    }

    #[test]
    fn encoding_normalized_parameters_twice_escapes_each_percent() {
        let params = [Param {
            name: Cow::Borrowed(&b"a%20b"[..]),
            value: Cow::Borrowed(&b"%2Fx%25"[..]),
        }];
        let mut out = Vec::new();
        put_normalized(&params, true, &mut out);
        assert_eq!(out, b"a%2520b%3D%252Fx%2525");
    }

    #[test]
    fn form_pairs_decode_plus_and_escapes() {
        let mut list: ParamList<'_> = ParamList::new();
        list.add_form(b"a=1+2&&b&c=%3D&=x").unwrap();
        let got: Vec<(&[u8], &[u8])> = list
            .as_slice()
            .iter()
            .map(|p| (&*p.name, &*p.value))
            .collect();
        assert_eq!(
            got,
            [
                (&b"a"[..], &b"1%202"[..]),
                (b"b", b""),
                (b"c", b"%3D"),
                (b"", b"x")
            ]
        );
        assert!(ParamList::<4>::new().add_form(b"a=%zz").is_err());
    }

    #[test]
    fn content_types() {
        assert!(is_form(Some("application/x-www-form-urlencoded")));
        assert!(is_form(Some(
            "Application/X-WWW-Form-Urlencoded; charset=UTF-8"
        )));
        assert!(!is_form(Some("application/json")));
        assert!(!is_form(None));
    }

    #[test]
    fn header_grammar() {
        let h = parse_authorization("oauth  b=\"2\" ,a = \"1\",,realm=\"r\"").unwrap();
        assert_eq!(
            h.params,
            [("b".into(), "2".into()), ("a".into(), "1".into())]
        );
        assert_eq!(h.realm.as_deref(), Some("r"));
        assert_eq!(parse_authorization("OAuth").unwrap().params, []);
        for bad in [
            "Bearer x",
            "OAuthx a=\"1\"",
            "OAuth a=1",
            "OAuth a=\"1",
            "OAuth a=\"1\" b=\"2\"",
            "OAuth a=\"\\\"\"",
            "OAuth =\"1\"",
            "OAuth a=\"%G1\"",
        ] {
            assert_eq!(
                parse_authorization(bad).map_err(|e| e.code()),
                Err("malformed"),
                "{bad}"
            );
        }
        assert_eq!(
            parse_authorization("OAuth oauth_nonce=\"1\", oauth_nonce=\"2\""),
            Err(Error::DuplicateParameter {
                name: "oauth_nonce"
            })
        );
    }
}
