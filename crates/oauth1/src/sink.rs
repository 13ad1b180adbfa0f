//! One writer abstraction for the signature base string: the same code writes
//! it into a buffer (to show it) or streams it into a MAC or digest (to sign it),
//! so the base string that is shown is the base string that is signed.

use alloc::vec::Vec;

use hmac::digest::Output;
#[cfg(feature = "rsa")]
use hmac::digest::Update;
use hmac::digest::core_api::BlockSizeUser;
use hmac::digest::typenum::Unsigned;
use hmac::{Hmac, Mac};

use crate::encoding::escape_word;

/// Something bytes of a base string can be written to.
pub(crate) trait Sink {
    /// Appends `bytes`.
    fn put(&mut self, bytes: &[u8]);

    /// Appends the first `len` bytes of `tail` (a sink may copy more of
    /// `tail` where it has room, and then count only `len`).
    #[inline]
    fn put_text(&mut self, tail: &[u8], len: usize) {
        self.put(tail.get(..len).unwrap_or_default());
    }

    /// Appends `%XX`, the §3.6 escape of `b`.
    #[inline]
    fn put_escape(&mut self, b: u8) {
        let word = escape_word(b).to_le_bytes();
        self.put(word.get(..3).unwrap_or_default());
    }

    /// Appends a parameter as a base string holds it, `name%3Dvalue`, after
    /// `%26` when `after_another`: `name` and `value` are the first
    /// `name_len` and `value_len` bytes of their tails, and need no escape.
    #[inline(always)]
    fn put_plain_pair(
        &mut self,
        after_another: bool,
        (name, name_len): (&[u8], usize),
        (value, value_len): (&[u8], usize),
    ) {
        put_pair_pieces(self, after_another, (name, name_len), (value, value_len));
    }
}

/// [`Sink::put_plain_pair`] a piece at a time.
#[inline(always)]
fn put_pair_pieces<S: Sink + ?Sized>(
    sink: &mut S,
    after_another: bool,
    (name, name_len): (&[u8], usize),
    (value, value_len): (&[u8], usize),
) {
    if after_another {
        sink.put_text(AMP, 3);
    }
    sink.put_text(name, name_len);
    sink.put_text(EQ, 3);
    sink.put_text(value, value_len);
}

/// Writes the escape of `b` into the first four bytes of `room` (the fourth
/// is overwritten by what comes next) when it has them: the bytes written.
#[inline(always)]
fn escape_into(room: &mut [u8], b: u8) -> usize {
    match room.first_chunk_mut::<4>() {
        Some(slot) => {
            *slot = escape_word(b).to_le_bytes();
            3
        }
        None => 0,
    }
}

impl Sink for Vec<u8> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// Counts bytes without keeping them (sizes a buffer before writing it).
#[derive(Debug, Default)]
pub(crate) struct Counter(pub(crate) usize);

impl Sink for Counter {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.0 += bytes.len();
    }
}

/// Size of the staging buffer in front of a hash: a whole number of blocks
/// of every hash used (64 bytes for SHA-1 and SHA-256, 128 for SHA-512).
const STAGE: usize = 256;

/// A keyed MAC that takes whole blocks: the keyed HMAC states of the HMAC methods.
pub(crate) trait BlockCore: Clone {
    /// The block size, in bytes.
    const BLOCK: usize;
    /// The MAC's output.
    type Output: AsRef<[u8]>;
    /// Absorbs `blocks`, a whole number of [`Self::BLOCK`]-byte blocks,
    /// compressed straight from the slice in one call.
    fn blocks(&mut self, blocks: &[u8]);
    /// The MAC over everything absorbed plus `rest` (shorter than a block).
    fn finish(&mut self, rest: &[u8]) -> Self::Output;
}

macro_rules! hmac_block_core {
    ($($hash:ty),*) => {$(
        impl BlockCore for Hmac<$hash> {
            const BLOCK: usize = <<$hash as BlockSizeUser>::BlockSize as Unsigned>::USIZE;
            type Output = Output<$hash>;

            #[inline]
            fn blocks(&mut self, blocks: &[u8]) {
                // The MAC's block buffer is empty between calls (only whole
                // blocks come here), so it hashes `blocks` where they are.
                Mac::update(self, blocks);
            }

            fn finish(&mut self, rest: &[u8]) -> Self::Output {
                Mac::update(self, rest);
                self.finalize_reset().into_bytes()
            }
        }
    )*};
}

hmac_block_core!(sha1::Sha1, sha2::Sha256, sha2::Sha512);

/// A MAC core fed whole blocks from one staging buffer.
///
/// The base string arrives in many small pieces (an escape is three bytes);
/// they are copied once, into the stage, and when it fills the MAC hashes
/// all of its whole blocks in one call, straight from the stage. (Feeding
/// the pieces to the MAC's own `update` would copy each a second time, into
/// its block buffer, and call the compression function a block at a time.)
pub(crate) struct Blocks<C> {
    core: C,
    stage: [u8; STAGE],
    len: usize,
}

impl<C: BlockCore> Blocks<C> {
    /// Starts from `core` (keyed already).
    pub(crate) fn new(core: C) -> Self {
        Self {
            core,
            stage: [0; STAGE],
            len: 0,
        }
    }

    /// Compresses the full stage (a whole number of blocks) and empties it.
    fn compress(&mut self) {
        self.core.blocks(&self.stage);
        self.len = 0;
    }

    /// The output over every byte written: the stage's whole blocks, then
    /// the rest, where they are (nothing is moved).
    pub(crate) fn finish(&mut self) -> C::Output {
        let staged = self.stage.get(..self.len).unwrap_or_default();
        let (whole, rest) = staged.split_at(self.len - self.len % C::BLOCK);
        self.core.blocks(whole);
        self.core.finish(rest)
    }
}

impl<C: BlockCore> Blocks<C> {
    /// [`Sink::put`] when `bytes` does not fit in the stage: fill it,
    /// compress it, go on with the rest.
    #[cold]
    #[inline(never)]
    fn put_spilling(&mut self, mut bytes: &[u8]) {
        loop {
            let end = self.len + bytes.len();
            if let Some(slot) = self.stage.get_mut(self.len..end) {
                copy_small(slot, bytes);
                self.len = end;
                return;
            }
            let room = STAGE - self.len;
            let (now, later) = bytes.split_at(room.min(bytes.len()));
            if let Some(slot) = self.stage.get_mut(self.len..) {
                copy_small(slot, now);
            }
            self.len = STAGE;
            self.compress();
            bytes = later;
        }
    }
}

impl<C: BlockCore> Sink for Blocks<C> {
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        match self.stage.get_mut(self.len..end) {
            Some(slot) => {
                copy_small(slot, bytes);
                self.len = end;
            }
            None => self.put_spilling(bytes),
        }
    }

    /// Short texts are copied as one block of sixteen bytes, of which the
    /// stage keeps `len` (what follows is overwritten by the next piece).
    #[inline(always)]
    fn put_text(&mut self, tail: &[u8], len: usize) {
        let to = self
            .stage
            .get_mut(self.len..)
            .and_then(<[u8]>::first_chunk_mut::<16>);
        if let (true, Some(from), Some(to)) = (len <= 16, tail.first_chunk::<16>(), to) {
            *to = *from;
            self.len += len;
        } else {
            self.put(tail.get(..len).unwrap_or_default());
        }
    }

    #[inline(always)]
    fn put_escape(&mut self, b: u8) {
        match escape_into(self.stage.get_mut(self.len..).unwrap_or_default(), b) {
            0 => self.put(escape_word(b).to_le_bytes().get(..3).unwrap_or_default()),
            n => self.len += n,
        }
    }

    /// A pair of short texts, with room for it in the stage, is written as
    /// four fixed-size blocks into one window (each block's spare bytes are
    /// overwritten by the next), checked once; else piece by piece.
    #[inline(always)]
    fn put_plain_pair(
        &mut self,
        after_another: bool,
        (name, name_len): (&[u8], usize),
        (value, value_len): (&[u8], usize),
    ) {
        /// `%26`, then a name of up to 16 bytes, `%3D` and a value of up to 16.
        const WINDOW: usize = 3 + 16 + 3 + 16;
        let window = self
            .stage
            .get_mut(self.len..)
            .and_then(<[u8]>::first_chunk_mut::<WINDOW>);
        let (name16, value16) = (name.first_chunk::<16>(), value.first_chunk::<16>());
        match (window, name16, value16) {
            (Some(window), Some(name16), Some(value16)) if name_len <= 16 && value_len <= 16 => {
                let amp = if after_another { 3 } else { 0 };
                put_block(window, 0, AMP.first_chunk::<4>());
                put_block(window, amp, Some(name16));
                put_block(window, amp + name_len, EQ.first_chunk::<4>());
                put_block(window, amp + name_len + 3, Some(value16));
                self.len += amp + name_len + 3 + value_len;
            }
            _ => put_pair_pieces(self, after_another, (name, name_len), (value, value_len)),
        }
    }
}

/// Copies `block` into `window` at `at` (when it fits, as the callers make sure).
#[inline(always)]
fn put_block<const K: usize>(window: &mut [u8], at: usize, block: Option<&[u8; K]>) {
    if let (Some(to), Some(block)) = (
        window.get_mut(at..).and_then(<[u8]>::first_chunk_mut::<K>),
        block,
    ) {
        *to = *block;
    }
}

/// `%26` (an encoded `&`), padded for [`Sink::put_text`].
pub(crate) const AMP: &[u8; 16] = b"%26%3D%26%3D%26%";
/// `%25` (an encoded `%`), padded for [`Sink::put_text`].
pub(crate) const PERCENT: &[u8; 16] = b"%25%25%25%25%25%";
/// `%3D` (an encoded `=`), padded for [`Sink::put_text`].
pub(crate) const EQ: &[u8; 16] = b"%3D%26%3D%26%3D%";

/// A hash with the `Update` interface (the RSA methods' digests) fed
/// through a staging buffer.
#[cfg(feature = "rsa")]
pub(crate) struct Hashing<H: Update> {
    hash: H,
    stage: [u8; 256],
    len: usize,
}

#[cfg(feature = "rsa")]
impl<H: Update> Hashing<H> {
    pub(crate) fn new(hash: H) -> Self {
        Self {
            hash,
            stage: [0; 256],
            len: 0,
        }
    }

    /// The hash state with every byte written so far.
    pub(crate) fn finish(mut self) -> H {
        if let Some(rest) = self.stage.get(..self.len) {
            self.hash.update(rest);
        }
        self.hash
    }
}

#[cfg(feature = "rsa")]
impl<H: Update> Sink for Hashing<H> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        if let Some(slot) = self.stage.get_mut(self.len..end) {
            copy_small(slot, bytes);
            self.len = end;
            return;
        }
        if let Some(staged) = self.stage.get(..self.len) {
            self.hash.update(staged);
        }
        self.len = 0;
        if bytes.len() >= self.stage.len() {
            self.hash.update(bytes);
        } else if let Some(slot) = self.stage.get_mut(..bytes.len()) {
            slot.copy_from_slice(bytes);
            self.len = bytes.len();
        }
    }
}

/// Writes into a slice that was sized for what is written (what would not
/// fit is dropped, and `dropped` says so).
pub(crate) struct SliceSink<'b> {
    pub(crate) buf: &'b mut [u8],
    pub(crate) len: usize,
    pub(crate) dropped: bool,
}

impl<'b> SliceSink<'b> {
    /// Writes into `buf` from its start.
    pub(crate) fn new(buf: &'b mut [u8]) -> Self {
        Self {
            buf,
            len: 0,
            dropped: false,
        }
    }

    /// What was written.
    pub(crate) fn written(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }
}

impl Sink for SliceSink<'_> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        match self.buf.get_mut(self.len..end) {
            Some(slot) => {
                copy_small(slot, bytes);
                self.len = end;
            }
            None => self.dropped = true,
        }
    }

    #[inline]
    fn put_escape(&mut self, b: u8) {
        match escape_into(self.buf.get_mut(self.len..).unwrap_or_default(), b) {
            0 => self.put(escape_word(b).to_le_bytes().get(..3).unwrap_or_default()),
            n => self.len += n,
        }
    }
}

/// Copies `from` into `to`, which has the same length.
///
/// The base string arrives in pieces of a few bytes (`%3D`, a name, a
/// value), for which a call to `memcpy` costs more than the copy itself:
/// up to 64 bytes are copied as two fixed-size, possibly overlapping blocks.
#[inline(always)]
pub(crate) fn copy_small(to: &mut [u8], from: &[u8]) {
    // Splitting the sizes in halves, not testing them in a chain: any
    // length is placed in at most four tests.
    let n = from.len();
    if n > 16 {
        if n <= 32 {
            copy_fixed::<16>(to, from, 0);
            copy_fixed::<16>(to, from, n - 16);
        } else if n <= 64 {
            copy_fixed::<32>(to, from, 0);
            copy_fixed::<32>(to, from, n - 32);
        } else {
            to.copy_from_slice(from);
        }
    } else if n >= 4 {
        if n >= 8 {
            copy_fixed::<8>(to, from, 0);
            copy_fixed::<8>(to, from, n - 8);
        } else {
            copy_fixed::<4>(to, from, 0);
            copy_fixed::<4>(to, from, n - 4);
        }
    } else if n >= 2 {
        copy_fixed::<2>(to, from, 0);
        copy_fixed::<2>(to, from, n - 2);
    } else if n == 1 {
        copy_fixed::<1>(to, from, 0);
    }
}

/// Copies the `K` bytes of `from` at `at` into `to` at `at`.
#[inline]
fn copy_fixed<const K: usize>(to: &mut [u8], from: &[u8], at: usize) {
    let to = to.get_mut(at..).and_then(<[u8]>::first_chunk_mut::<K>);
    let from = from.get(at..).and_then(<[u8]>::first_chunk::<K>);
    if let (Some(to), Some(from)) = (to, from) {
        *to = *from;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staged_pieces_hash_as_the_whole_does() {
        // Pieces of every length up to past the stage, written plainly and
        // as texts, so that the stage fills, spills and ends at every offset.
        let data: Vec<u8> = (0..4000u32).map(|i| (i * 7 + i / 13) as u8).collect();
        let key = <Hmac<sha1::Sha1> as Mac>::new_from_slice(b"key").unwrap();
        for step in [1, 3, 16, 17, 63, 64, 65, 255, 256, 257, 300] {
            for total in [0, 1, 63, 64, 65, 255, 256, 257, 511, 512, 1000, 3000] {
                let mut sink = Blocks::new(key.clone());
                let mut at = 0;
                while at < total {
                    let end = (at + step).min(total);
                    if step % 2 == 1 {
                        sink.put(&data[at..end]);
                    } else {
                        sink.put_text(&data[at..], end - at);
                    }
                    at = end;
                }
                let mut whole = key.clone();
                Mac::update(&mut whole, &data[..total]);
                assert_eq!(
                    sink.finish().as_slice(),
                    whole.finalize().into_bytes().as_slice(),
                    "{step} {total}"
                );
            }
        }
    }

    #[test]
    fn escapes_are_written_whole_at_every_offset() {
        let key = <Hmac<sha1::Sha1> as Mac>::new_from_slice(b"key").unwrap();
        for lead in 0..70 {
            let mut want = vec![b'a'; lead];
            for b in 0..=255u8 {
                want.extend_from_slice(format!("%{b:02X}").as_bytes());
            }
            // Into the MAC's stage, which fills and spills at every offset.
            let mut sink = Blocks::new(key.clone());
            let mut vec = Vec::new();
            sink.put(&want[..lead]);
            vec.put(&want[..lead]);
            for b in 0..=255u8 {
                sink.put_escape(b);
                vec.put_escape(b);
            }
            let mut whole = key.clone();
            Mac::update(&mut whole, &want);
            assert_eq!(
                sink.finish().as_slice(),
                whole.finalize().into_bytes().as_slice(),
                "{lead}"
            );
            assert_eq!(vec, want);
            // Into a slice of exactly the length (the last escape has no
            // fourth byte of room), and one a byte short.
            for short in [0, 1] {
                let mut buf = vec![0u8; want.len() - short];
                let mut sink = SliceSink::new(&mut buf);
                sink.put(&want[..lead]);
                for b in 0..=255u8 {
                    sink.put_escape(b);
                }
                assert_eq!(sink.dropped, short == 1, "{lead} {short}");
                if short == 0 {
                    assert_eq!(sink.written(), &want[..], "{lead}");
                }
            }
        }
    }

    #[test]
    fn plain_pairs_are_written_whole_at_every_offset() {
        let key = <Hmac<sha1::Sha1> as Mac>::new_from_slice(b"key").unwrap();
        let text: Vec<u8> = (0..64u8).map(|i| b'a' + i % 26).collect();
        for lead in [0, 1, 200, 217, 218, 219, 240, 254, 255] {
            for name_len in [0, 1, 7, 15, 16, 17, 30] {
                for value_len in [0, 3, 16, 17] {
                    for after_another in [false, true] {
                        // Tails with room to spare, and tails that end with the text.
                        for slack in [0, 16] {
                            let name = &text[..name_len + slack];
                            let value = &text[5..5 + value_len + slack];
                            let mut want = vec![b'x'; lead];
                            if after_another {
                                want.extend_from_slice(b"%26");
                            }
                            want.extend_from_slice(&name[..name_len]);
                            want.extend_from_slice(b"%3D");
                            want.extend_from_slice(&value[..value_len]);
                            let mut sink = Blocks::new(key.clone());
                            let mut vec = Vec::new();
                            for out in [&mut sink as &mut dyn Sink, &mut vec] {
                                out.put(&want[..lead]);
                                out.put_plain_pair(
                                    after_another,
                                    (name, name_len),
                                    (value, value_len),
                                );
                            }
                            let mut whole = key.clone();
                            Mac::update(&mut whole, &want);
                            let case = (lead, name_len, value_len, after_another, slack);
                            assert_eq!(
                                sink.finish().as_slice(),
                                whole.finalize().into_bytes().as_slice(),
                                "{case:?}"
                            );
                            assert_eq!(vec, want, "{case:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn small_copies_copy_every_byte() {
        let source: Vec<u8> = (1..=70).collect();
        for n in 0..=70 {
            let mut to = alloc::vec![0u8; n];
            copy_small(&mut to, &source[..n]);
            assert_eq!(to, &source[..n], "{n}");
        }
    }
}
