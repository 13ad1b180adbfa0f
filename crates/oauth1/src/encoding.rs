//! Percent-encoding as RFC 5849 §3.6 defines it.
//!
//! Every byte of the UTF-8 text is escaped except the unreserved set
//! `ALPHA / DIGIT / "-" / "." / "_" / "~"`, and escapes use uppercase hex.
//! This is stricter than `application/x-www-form-urlencoded` (no `+` for
//! space) and than most URL encoders (which keep `*`, `!`, ...).

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::ops::ControlFlow;

use crate::Error;
use crate::sink::Sink;

const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";

/// RFC 3986's unreserved set, which §3.6 leaves unescaped: one bit per
/// ASCII byte.
const UNRESERVED: u128 = {
    let mut bits = 0u128;
    let mut b = 0u8;
    while b < 128 {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            bits |= 1 << b;
        }
        b += 1;
    }
    bits
};

/// Whether `b` is in RFC 3986's unreserved set, which §3.6 leaves unescaped.
#[inline]
pub const fn is_unreserved(b: u8) -> bool {
    // Two 64-bit halves: a shift of a `u128` by a variable amount takes a
    // few instructions more.
    let half = match b {
        0..64 => UNRESERVED as u64,
        64..128 => (UNRESERVED >> 64) as u64,
        _ => 0,
    };
    half >> (b & 63) & 1 == 1
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
            let [p, h, l, _] = escape_word(b).to_le_bytes();
            out.push(char::from(p));
            out.push(char::from(h));
            out.push(char::from(l));
        }
    }
}

/// `%XX` for `b`, uppercase hex, in the low three bytes of a little-endian
/// word: built in a register, where three bytes stored one by one and read
/// back as a piece would make the read wait for the stores.
#[inline(always)]
pub(crate) const fn escape_word(b: u8) -> u32 {
    /// Each byte's two uppercase hex digits, as a little-endian pair (one
    /// load: digits looked up one by one are stored one by one).
    const DIGITS: [u16; 256] = {
        let mut digits = [0; 256];
        let mut b = 0;
        while b < 256 {
            digits[b] = u16::from_le_bytes([UPPER_HEX[b >> 4], UPPER_HEX[b & 0x0F]]);
            b += 1;
        }
        digits
    };
    b'%' as u32 | (DIGITS[b as usize] as u32) << 8
}

/// Length of the §3.6 encoding of `bytes`: two more bytes for each that is
/// escaped, counted sixteen at a time.
pub(crate) fn encoded_len(bytes: &[u8]) -> usize {
    let escaped: u32 = (0..bytes.len())
        .step_by(CHUNK)
        .map(|at| specials(chunk_at(bytes, at)).count_ones())
        .sum();
    bytes.len() + 2 * escaped as usize
}

/// A bit for each byte of `chunk` that is not unreserved (§3.6), the
/// lowest for the first byte: sixteen bytes classified at once, with no
/// table and no branch (see [`marks`]).
#[inline(always)]
pub(crate) fn specials(chunk: [u8; CHUNK]) -> u32 {
    marks(chunk, |b| {
        let letters = in_range(b | 0x20, b'a', b'z');
        letters
            .min(in_range(b, b'0', b'9'))
            .min(in_range(b, b'-', b'.'))
            .min(b ^ b'_')
            .min(b ^ b'~')
    })
}

/// [`specials`], and uppercase letters too: the bytes a scheme or host
/// must not have to be written into a base string as it is (§3.4.1.2).
#[inline(always)]
pub(crate) fn specials_or_upper(chunk: [u8; CHUNK]) -> u32 {
    marks(chunk, |b| {
        in_range(b, b'a', b'z')
            .min(in_range(b, b'0', b'9'))
            .min(in_range(b, b'-', b'.'))
            .min(b ^ b'_')
            .min(b ^ b'~')
    })
}

/// How far `b` is past the end of `lo..=hi` (wrapping around from 255 to
/// 0): zero for a byte in it.
#[inline(always)]
fn in_range(b: u8, lo: u8, hi: u8) -> u8 {
    b.wrapping_sub(lo).saturating_sub(hi - lo)
}

/// A bit for each byte of `chunk` whose `distance` from a set of bytes is
/// not zero, the lowest for the first byte.
///
/// Every step works on each byte alone, in arithmetic the compiler turns
/// into one vector instruction for all sixteen (distances are made of
/// wrapping and saturating subtractions, and the least of several is the
/// distance from their union); adding 0x7F (saturating) sets the high bit
/// of a byte whose distance is not zero, and a multiplication gathers the
/// eight high bits of each half.
#[inline(always)]
fn marks(chunk: [u8; CHUNK], distance: impl Fn(u8) -> u8) -> u32 {
    let mut high = [0u8; CHUNK];
    for (o, b) in high.iter_mut().zip(chunk) {
        *o = distance(b).saturating_add(0x7F) & 0x80;
    }
    let [lo, hi] = [&high[..8], &high[8..]].map(|half| {
        let word = u64::from_le_bytes(half.try_into().unwrap_or_default());
        // Bit 7 of byte k lands in bit 56 + k, and no two bits meet.
        ((word >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32
    });
    lo | hi << 8
}

/// The bytes [`specials`] classifies at once.
pub(crate) const CHUNK: usize = 16;

/// The sixteen bytes of `bytes` from `at`; past the end, `a`s (unreserved)
/// fill the chunk.
#[inline(always)]
pub(crate) fn chunk_at(bytes: &[u8], at: usize) -> [u8; CHUNK] {
    match bytes.get(at..).and_then(<[u8]>::first_chunk::<CHUNK>) {
        Some(chunk) => *chunk,
        None => last_chunk_at(bytes, at).to_le_bytes(),
    }
}

/// [`chunk_at`] for the last few bytes, as a little-endian number: once per
/// text, kept out of the loops that read chunks (whose registers it would
/// crowd). A number comes back in two registers, where an array would come
/// back through memory as two 8-byte stores, which the caller's 16-byte load
/// would have to wait for.
#[inline(never)]
pub(crate) fn last_chunk_at(bytes: &[u8], at: usize) -> u128 {
    const PAD: [u8; CHUNK] = [b'a'; CHUNK];
    // Fewer than sixteen bytes are left: `have` of them, 0 to 15.
    let have = bytes.len().saturating_sub(at);
    if have == 0 {
        return u128::from_le_bytes(PAD);
    }
    if let Some(last) = bytes.last_chunk::<CHUNK>() {
        // The last sixteen bytes end with the ones wanted.
        let kept = u128::from_le_bytes(*last) >> (8 * (CHUNK - have));
        return kept | u128::from_le_bytes(PAD) << (8 * have);
    }
    short_chunk_at(bytes, at)
}

/// [`chunk_at`] of a text shorter than a chunk, put together in registers
/// from two padded words (bytes stored one by one and loaded as a chunk
/// would wait for the stores).
#[inline(always)]
fn short_chunk_at(bytes: &[u8], at: usize) -> u128 {
    let lo = u128::from(word_at(bytes, at));
    let hi = u128::from(word_at(bytes, at + 8));
    lo | hi << 64
}

/// The high bit of each byte of `word` that equals `b`, and no other bit
/// (no carry crosses a byte: the low seven bits plus 0x7F stay below 0x100).
#[inline]
pub(crate) fn bytes_equal(word: u64, b: u8) -> u64 {
    const LOW7: u64 = u64::from_ne_bytes([0x7F; 8]);
    let x = word ^ u64::from_ne_bytes([b; 8]);
    !(((x & LOW7) + LOW7) | x) & !LOW7
}

/// The eight bytes of `bytes` from `at`, as a little-endian word (first
/// byte lowest); past the end, `a`s (unreserved) fill the word.
#[inline]
pub(crate) fn word_at(bytes: &[u8], at: usize) -> u64 {
    const PAD: u64 = u64::from_le_bytes([b'a'; 8]);
    if let Some(word) = bytes.get(at..).and_then(<[u8]>::first_chunk::<8>) {
        return u64::from_le_bytes(*word);
    }
    // Fewer than eight bytes are left: `have` of them, 0 to 7.
    let have = bytes.len().saturating_sub(at);
    if have == 0 {
        return PAD;
    }
    let pad = PAD << (8 * have);
    if let Some(last) = bytes.last_chunk::<8>() {
        // The last eight bytes end with the ones wanted.
        return u64::from_le_bytes(*last) >> (8 * (8 - have)) | pad;
    }
    // A text shorter than a word: its first and last two or four bytes,
    // which overlap, put together (no loop over the bytes).
    let tail = bytes.get(at..).unwrap_or_default();
    let word = match (tail.first_chunk::<4>(), tail.last_chunk::<4>()) {
        (Some(first), Some(last)) => {
            u64::from(u32::from_le_bytes(*first))
                | u64::from(u32::from_le_bytes(*last)) << (8 * (have - 4))
        }
        _ => match (tail.first_chunk::<2>(), tail.last_chunk::<2>()) {
            (Some(first), Some(last)) => {
                u64::from(u16::from_le_bytes(*first))
                    | u64::from(u16::from_le_bytes(*last)) << (8 * (have - 2))
            }
            _ => u64::from(tail.first().copied().unwrap_or_default()),
        },
    };
    word | pad
}

/// The index of the first byte at or after `from` that is not unreserved
/// (§3.6), or the length: unreserved runs are skipped sixteen bytes at a time.
#[inline(always)]
pub(crate) fn unreserved_run(bytes: &[u8], from: usize) -> usize {
    first_marked(bytes, from, specials)
}

/// The index of the first byte at or after `from` that `classify` (one of
/// [`specials`] and [`specials_or_upper`]) marks, or the length, found
/// sixteen bytes at a time.
#[inline(always)]
pub(crate) fn first_marked(
    bytes: &[u8],
    from: usize,
    classify: impl Fn([u8; CHUNK]) -> u32,
) -> usize {
    let mut at = from;
    while at < bytes.len() {
        let mask = classify(chunk_at(bytes, at));
        if mask != 0 {
            return (at + mask.trailing_zeros() as usize).min(bytes.len());
        }
        at += CHUNK;
    }
    bytes.len()
}

/// Hands `each` the index of every byte of `bytes` that is not unreserved
/// (§3.6), from `from` on, in order, until it breaks: the bytes are found
/// sixteen at a time ([`specials`]), and the chunks' padding is unreserved,
/// so every index is within `bytes`.
#[inline(always)]
pub(crate) fn each_special<B>(
    bytes: &[u8],
    from: usize,
    mut each: impl FnMut(usize) -> ControlFlow<B>,
) -> ControlFlow<B> {
    let mut base = from;
    while base < bytes.len() {
        let mut mask = specials(chunk_at(bytes, base));
        while mask != 0 {
            let i = base + mask.trailing_zeros() as usize;
            mask &= mask - 1;
            each(i)?;
        }
        base += CHUNK;
    }
    ControlFlow::Continue(())
}

/// Whether every byte of `bytes` is unreserved (§3.6), sixteen at a time
/// (a text shorter than sixteen bytes is one chunk, put together here).
#[inline]
pub(crate) fn all_unreserved(bytes: &[u8]) -> bool {
    if bytes.len() < CHUNK {
        return specials(short_chunk_at(bytes, 0).to_le_bytes()) == 0;
    }
    unreserved_run(bytes, 0) == bytes.len()
}

/// Writes the §3.6 encoding of `bytes`, passing runs of unreserved bytes in
/// one piece: the bytes to escape are found sixteen at a time.
#[inline(always)]
pub(crate) fn put_encoded(bytes: &[u8], sink: &mut impl Sink) {
    // Where the run not yet written starts.
    let mut start = 0;
    let _: ControlFlow<()> = each_special(bytes, 0, |i| {
        if let (Some(run), Some(&b)) = (bytes.get(start..i), bytes.get(i)) {
            if !run.is_empty() {
                sink.put(run);
            }
            sink.put_escape(b);
        }
        start = i + 1;
        ControlFlow::Continue(())
    });
    if let Some(run) = bytes.get(start..).filter(|run| !run.is_empty()) {
        sink.put(run);
    }
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

/// Decodes `%XX` escapes (either case); with `plus_is_space`, `+` is a space.
pub(crate) fn decode_bytes(bytes: &[u8], plus_is_space: bool) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(bytes.len());
    put_decoded(bytes, plus_is_space, &mut out)?;
    Ok(out)
}

/// Writes the decoding of percent-encoded `bytes` (`+` a space when
/// `plus_is_space`), runs of unreserved bytes in one piece (the other bytes
/// are found sixteen at a time): never more bytes than `bytes` has.
///
/// # Errors
///
/// [`Error::Malformed`] for a `%` not followed by two hex digits.
#[inline(always)]
pub(crate) fn put_decoded(
    bytes: &[u8],
    plus_is_space: bool,
    sink: &mut impl Sink,
) -> Result<(), Error> {
    // Where the run not yet written starts.
    let mut start = 0;
    // A valid escape's hex digits are unreserved: only its `%` is marked.
    let broken = each_special(bytes, 0, |i| {
        let run = bytes.get(start..i).unwrap_or_default();
        if !run.is_empty() {
            sink.put(run);
        }
        start = i + 1;
        match bytes.get(i).copied().unwrap_or_default() {
            b'%' => {
                let Some(byte) = escaped_byte(bytes, i) else {
                    return ControlFlow::Break(());
                };
                sink.put(&[byte]);
                start = i + 3;
            }
            b'+' if plus_is_space => sink.put(b" "),
            b => sink.put(&[b]),
        }
        ControlFlow::Continue(())
    });
    if broken.is_break() {
        return Err(Error::Malformed {
            what: "percent-encoding",
        });
    }
    if let Some(run) = bytes.get(start..).filter(|run| !run.is_empty()) {
        sink.put(run);
    }
    Ok(())
}

/// The byte the escape `%XY` at `text[at]` stands for (either case of hex
/// digit); none when two hex digits do not follow.
#[inline]
pub(crate) fn escaped_byte(text: &[u8], at: usize) -> Option<u8> {
    let digit = |i: usize| text.get(i).copied().and_then(hex_value);
    Some(digit(at + 1)? << 4 | digit(at + 2)?)
}

/// The value of one hex digit, either case.
#[inline]
const fn hex_value(b: u8) -> Option<u8> {
    let digit = HEX_DIGIT[b as usize];
    if digit & NOT_HEX != 0 {
        None
    } else {
        Some(digit & 0x0F)
    }
}

/// [`HEX_DIGIT`] of a byte that is not a hex digit.
pub(crate) const NOT_HEX: u8 = 0x80;
/// [`HEX_DIGIT`]'s mark of a lowercase digit (`a`-`f`).
pub(crate) const LOWER_HEX: u8 = 0x10;

/// Each byte as a hex digit: its value (`0-9`, `A-F`), its value with
/// [`LOWER_HEX`] (`a-f`), or [`NOT_HEX`].
pub(crate) const HEX_DIGIT: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'A' as usize + i] = 10 + i as u8;
        table[b'a' as usize + i] = LOWER_HEX | (10 + i as u8);
        i += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_read_with_unreserved_padding_past_the_end() {
        let bytes: Vec<u8> = (1..=20).collect();
        for len in 0..=20 {
            for at in 0..=len {
                let mut want = [b'a'; 8];
                for (i, slot) in want.iter_mut().enumerate() {
                    if let Some(&b) = bytes[..len].get(at + i) {
                        *slot = b;
                    }
                }
                assert_eq!(
                    word_at(&bytes[..len], at),
                    u64::from_le_bytes(want),
                    "{len} {at}"
                );
            }
        }
    }

    #[test]
    fn the_unreserved_set_is_rfc_3986s() {
        // RFC 3986 §2.3: ALPHA / DIGIT / "-" / "." / "_" / "~".
        let listed = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
        for b in 0..=255u8 {
            assert_eq!(is_unreserved(b), listed.contains(&b), "{b}");
        }
    }

    #[test]
    fn chunk_classification_agrees_with_the_unreserved_set() {
        for b in 0..=255u8 {
            for at in 0..CHUNK {
                let mut chunk = [b'a'; CHUNK];
                chunk[at] = b;
                let want = if is_unreserved(b) { 0 } else { 1 << at };
                assert_eq!(specials(chunk), want, "byte {b:#04x} at {at}");
                let upper = if b.is_ascii_uppercase() { 1 << at } else { 0 };
                assert_eq!(
                    specials_or_upper(chunk),
                    want | upper,
                    "byte {b:#04x} at {at}"
                );
            }
        }
        // Each byte is classified alone, whatever its neighbours.
        let all: Vec<u8> = (0..=255).collect();
        for chunk in all.windows(CHUNK) {
            let mask = specials(chunk.try_into().unwrap());
            for (at, &b) in chunk.iter().enumerate() {
                assert_eq!(mask >> at & 1 == 1, !is_unreserved(b), "{chunk:?}");
            }
            assert_eq!(mask >> CHUNK, 0);
        }
    }

    #[test]
    fn chunks_are_read_with_unreserved_padding_past_the_end() {
        let bytes: Vec<u8> = (1..=40).collect();
        for len in 0..=40 {
            for at in 0..=len + 1 {
                let mut want = [b'a'; CHUNK];
                for (i, slot) in want.iter_mut().enumerate() {
                    if let Some(&b) = bytes[..len].get(at + i) {
                        *slot = b;
                    }
                }
                assert_eq!(chunk_at(&bytes[..len], at), want, "{len} {at}");
            }
        }
    }

    #[test]
    fn unreserved_runs_end_at_the_first_other_byte() {
        for len in 0..40 {
            for stop in 0..=len {
                for b in [b'%', b'&', b' ', b'+', 0x80, 0xFF, b'/', b'`', b'{'] {
                    let mut text = vec![b'x'; len];
                    if let Some(slot) = text.get_mut(stop) {
                        *slot = b;
                    }
                    for from in 0..=stop {
                        assert_eq!(unreserved_run(&text, from), stop, "{len} {stop} {from} {b}");
                    }
                    assert_eq!(all_unreserved(&text), stop == len, "{len} {stop} {b}");
                }
            }
        }
    }

    #[test]
    fn encoding_by_chunks_agrees_with_encoding_byte_by_byte() {
        // The reference: one byte at a time, as §3.6 reads.
        fn reference(bytes: &[u8]) -> Vec<u8> {
            bytes
                .iter()
                .flat_map(|&b| {
                    if is_unreserved(b) {
                        vec![b]
                    } else {
                        format!("%{b:02X}").into_bytes()
                    }
                })
                .collect()
        }
        let mut texts: Vec<Vec<u8>> = Vec::new();
        for len in 0..40 {
            for at in 0..len.max(1) {
                for b in [b' ', b'%', b'/', b'~', 0x7F, 0x80, 0xFF] {
                    let mut text: Vec<u8> = (0..len).map(|i| b"aZ09-._"[i % 7]).collect();
                    if let Some(slot) = text.get_mut(at) {
                        *slot = b;
                    }
                    texts.push(text);
                }
            }
        }
        texts.push((0..=255).collect());
        texts.push((0..=255).rev().collect());
        for text in &texts {
            let mut out = Vec::new();
            put_encoded(text, &mut out);
            let want = reference(text);
            assert_eq!(out, want, "{text:?}");
            assert_eq!(encoded_len(text), want.len(), "{text:?}");
        }
    }

    #[test]
    fn decoding_by_runs_agrees_with_decoding_byte_by_byte() {
        // The reference: one byte at a time, as RFC 3986 §2.1 reads escapes.
        fn reference(bytes: &[u8], plus: bool) -> Option<Vec<u8>> {
            let mut out = Vec::new();
            let mut i = 0;
            while let Some(&b) = bytes.get(i) {
                match b {
                    b'%' => {
                        let hex = core::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                        if !hex.bytes().all(|d| d.is_ascii_hexdigit()) {
                            return None;
                        }
                        out.push(u8::from_str_radix(hex, 16).ok()?);
                        i += 3;
                    }
                    b'+' if plus => {
                        out.push(b' ');
                        i += 1;
                    }
                    _ => {
                        out.push(b);
                        i += 1;
                    }
                }
            }
            Some(out)
        }
        // Every string of up to four symbols, each a piece that may start,
        // end or break an escape, or a long run around it.
        let pieces: [&[u8]; 9] = [
            b"%",
            b"2",
            b"f",
            b"G",
            b"+",
            b" ",
            b"\xC3",
            b"abcdefghij",
            b"%3d",
        ];
        let mut inputs = vec![Vec::new()];
        for len in 1..=4 {
            let mut n = vec![0usize; len];
            loop {
                inputs.push(n.iter().flat_map(|&i| pieces[i].iter().copied()).collect());
                let Some(i) = n.iter().rposition(|&d| d + 1 < pieces.len()) else {
                    break;
                };
                n[i] += 1;
                n[i + 1..].fill(0);
            }
        }
        for input in &inputs {
            for plus in [false, true] {
                assert_eq!(
                    decode_bytes(input, plus).ok(),
                    reference(input, plus),
                    "{input:?} {plus}"
                );
            }
        }
    }

    #[test]
    fn equal_bytes_are_marked_and_only_they() {
        let all: Vec<u8> = (0..=255).collect();
        for word in all.windows(8) {
            let word = u64::from_le_bytes(word.try_into().unwrap());
            for b in [0u8, b'%', b'?', 0x7F, 0x80, 0xFF] {
                let mask = bytes_equal(word, b);
                for at in 0..8 {
                    let byte = (word >> (8 * at)) as u8;
                    assert_eq!(mask >> (8 * at) & 0xFF, if byte == b { 0x80 } else { 0 });
                }
            }
        }
    }

    #[test]
    fn raw_text_encodes_and_decodes() {
        assert_eq!(percent_encode("a-b"), "a-b");
        assert_eq!(percent_encode("a b/é"), "a%20b%2F%C3%A9");
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
