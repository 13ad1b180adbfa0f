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
            slot.copy_from_slice(bytes);
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
