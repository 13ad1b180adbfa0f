//! One writer abstraction for the signature base string: the same code writes
//! it into a buffer (to show it) or streams it into a MAC or digest (to sign it),
//! so the base string that is shown is the base string that is signed.

use alloc::vec::Vec;

use hmac::digest::Update;

/// Something bytes of a base string can be written to.
pub(crate) trait Sink {
    /// Appends `bytes`.
    fn put(&mut self, bytes: &[u8]);
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

/// Size of the staging buffer in front of a hash: the base string arrives in
/// many small pieces (an escape is three bytes), and a hash's `update` is
/// cheapest on larger runs.
const STAGE: usize = 256;

/// A hash state (HMAC or digest) fed through a small staging buffer.
pub(crate) struct Hashing<H: Update> {
    hash: H,
    stage: [u8; STAGE],
    len: usize,
}

impl<H: Update> Hashing<H> {
    pub(crate) fn new(hash: H) -> Self {
        Self {
            hash,
            stage: [0; STAGE],
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
        if bytes.len() >= STAGE {
            self.hash.update(bytes);
        } else if let Some(slot) = self.stage.get_mut(..bytes.len()) {
            slot.copy_from_slice(bytes);
            self.len = bytes.len();
        }
    }
}

/// Copies `from` into `to`, which has the same length.
///
/// The base string arrives in pieces of a few bytes (`%3D`, a name, a
/// value), for which a call to `memcpy` costs more than the copy itself:
/// up to 16 bytes are copied as two fixed-size, possibly overlapping words.
#[inline]
fn copy_small(to: &mut [u8], from: &[u8]) {
    match from.len() {
        0 => {}
        1 => copy_fixed::<1>(to, from, 0),
        n @ 2..4 => {
            copy_fixed::<2>(to, from, 0);
            copy_fixed::<2>(to, from, n - 2);
        }
        n @ 4..8 => {
            copy_fixed::<4>(to, from, 0);
            copy_fixed::<4>(to, from, n - 4);
        }
        n @ 8..=16 => {
            copy_fixed::<8>(to, from, 0);
            copy_fixed::<8>(to, from, n - 8);
        }
        _ => to.copy_from_slice(from),
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
    fn small_copies_copy_every_byte() {
        let source: Vec<u8> = (1..=40).collect();
        for n in 0..=40 {
            let mut to = alloc::vec![0u8; n];
            copy_small(&mut to, &source[..n]);
            assert_eq!(to, &source[..n], "{n}");
        }
    }
}
