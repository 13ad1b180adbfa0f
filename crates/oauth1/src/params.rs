//! Parameters: collection from the request (RFC 5849 §3.4.1.3.1), the
//! `Authorization` header grammar (§3.5.1), and normalization (§3.4.1.3.2).
//!
//! Every name and value is kept in its §3.6 encoding, which is how
//! §3.4.1.3.2 sorts and joins them: as a slice of the request whenever the
//! request already has it in that form (the usual case), re-encoded into a
//! buffer the list owns otherwise. Sorting is then comparing bytes, and the
//! list lives on the stack until it outgrows it.

use alloc::borrow::Cow;
use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;
use core::ops::ControlFlow;

use crate::Error;
use crate::encoding::{
    CHUNK, HEX_DIGIT, LOWER_HEX, NOT_HEX, all_unreserved, bytes_equal, chunk_at, decode_bytes,
    decode_text, each_special, is_unreserved, put_encoded, specials, unreserved_run, word_at,
};
use crate::sign::{
    BODY_HASH, CALLBACK, CONSUMER_KEY, NONCE, OauthName, SIGNATURE, SIGNATURE_METHOD, TIMESTAMP,
    TOKEN, VERIFIER, VERSION,
};
use crate::sink::{AMP, EQ, PERCENT, Sink};

/// A name or value in its §3.6 encoding: borrowed from the request, with
/// or without `%XX` escapes in it, or re-encoded into a list's own buffer.
///
/// A borrowed text keeps the whole rest of the request text it was read
/// from (its *tail*), so that a short text can be copied as one fixed-size
/// block of sixteen bytes (see [`Sink::put_text`]) instead of byte by byte.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Text<'a> {
    /// Borrowed: the text and what follows it. Owned: empty.
    tail: &'a [u8],
    /// Owned: where the text starts in the list's buffer.
    start: u32,
    /// The length in bytes, with [`Text::ESCAPED`] or [`Text::OWNED`] above.
    len: u32,
}

impl<'a> Text<'a> {
    const EMPTY: Self = Self::plain(&[]);
    /// The text holds a `%XX` escape.
    const ESCAPED: u32 = 1 << 31;
    /// The text is in the list's buffer.
    const OWNED: u32 = 1 << 30;
    const LEN: u32 = Self::OWNED - 1;

    /// Borrowed text with no `%`: the first `len` bytes of `tail`.
    #[inline]
    pub(crate) const fn plain_in(tail: &'a [u8], len: usize) -> Self {
        // A text is shorter than 1 GiB: parsers take requests that fit in memory.
        Self {
            tail,
            start: 0,
            len: len as u32 & Self::LEN,
        }
    }

    /// Borrowed text with `%XX` escapes: the first `len` bytes of `tail`.
    #[inline]
    pub(crate) const fn escaped_in(tail: &'a [u8], len: usize) -> Self {
        Self {
            tail,
            start: 0,
            len: len as u32 & Self::LEN | Self::ESCAPED,
        }
    }

    /// Borrowed text with no `%`, all of `text`.
    pub(crate) const fn plain(text: &'a [u8]) -> Self {
        Self::plain_in(text, text.len())
    }

    /// Borrowed text with `%XX` escapes, all of `text`.
    pub(crate) const fn escaped(text: &'a [u8]) -> Self {
        Self::escaped_in(text, text.len())
    }

    /// Text at `start..end` of a list's buffer.
    fn owned(start: u32, end: u32) -> Self {
        Self {
            tail: &[],
            start,
            len: end.saturating_sub(start) & Self::LEN | Self::OWNED,
        }
    }

    /// Whether the text is in a list's buffer.
    #[inline]
    pub(crate) fn is_owned(self) -> bool {
        self.len & Self::OWNED != 0
    }

    /// Whether the text is borrowed and holds no `%`.
    #[inline]
    pub(crate) fn is_plain(self) -> bool {
        self.len & (Self::ESCAPED | Self::OWNED) == 0
    }

    /// Whether the text is borrowed and holds a `%`.
    #[inline]
    pub(crate) fn is_escaped(self) -> bool {
        self.len & Self::ESCAPED != 0
    }

    /// The length in bytes.
    #[inline]
    pub(crate) fn len(self) -> usize {
        (self.len & Self::LEN) as usize
    }

    /// Text at `start..end` of a buffer of owned texts.
    pub(crate) fn owned_range(start: usize, end: usize) -> Self {
        // A buffer never holds 4 GiB of text: the request would not fit in memory.
        let at = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        Self::owned(at(start), at(end))
    }

    /// The text and what follows it (in the request, or in `owned`).
    #[inline]
    pub(crate) fn tail_in(self, owned: &'a [u8]) -> &'a [u8] {
        if self.is_owned() {
            owned.get(self.start as usize..).unwrap_or_default()
        } else {
            self.tail
        }
    }
}

/// One parameter, name and value in their §3.6 encodings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Param<'a> {
    pub(crate) name: Text<'a>,
    pub(crate) value: Text<'a>,
}

impl Param<'_> {
    /// An unused slot.
    pub(crate) const EMPTY: Self = Self {
        name: Text::EMPTY,
        value: Text::EMPTY,
    };
}

/// The most parameters the parsers of what arrives from the network take:
/// [`parse_request`](crate::parse_request),
/// [`parse_authorization`], [`parse_credentials_response`](crate::flow::parse_credentials_response)
/// and [`parse_callback`](crate::flow::parse_callback). One more is
/// [`Error::Malformed`], found before any value is decoded into text.
/// (Signing takes any number: the caller chose the parameters.)
pub const MAX_PARAMS: usize = 1024;

/// [`MAX_PARAMS`] as an error.
pub(crate) const TOO_MANY_PARAMS: Error = Error::Malformed {
    what: "parameters (more than MAX_PARAMS, 1024)",
};

/// Refuses a list longer than [`MAX_PARAMS`].
pub(crate) fn check_count(count: usize) -> Result<(), Error> {
    if count > MAX_PARAMS {
        Err(TOO_MANY_PARAMS)
    } else {
        Ok(())
    }
}

/// How many parameters fit on the stack before the list moves to the heap.
pub(crate) const INLINE: usize = 32;

/// A smaller stack tier, for the requests with a handful of parameters that
/// most are: fewer slots to set up.
pub(crate) const SMALL: usize = 8;

/// A larger stack tier, which signing picks when a request has more than
/// [`INLINE`] parameters (about 12 KiB of stack), so that it still allocates
/// nothing but its output; longer lists move to the heap.
pub(crate) const LARGE: usize = 256;

/// A list of parameters: in slots the caller provides (on its stack) until
/// they are full, on the heap after that.
#[derive(Debug)]
pub(crate) struct ParamList<'a, 's> {
    inline: &'s mut [Param<'a>],
    len: usize,
    /// Whether the parameters are in `spill` (the slots were full, or none).
    spilled: bool,
    /// Whether a full list drops what comes next (and says so in
    /// `overflowed`) instead of moving to the heap.
    fixed: bool,
    overflowed: bool,
    spill: Vec<Param<'a>>,
    /// The encodings of names and values the request did not have in their
    /// §3.6 form (owned [`Text`]s).
    owned: Vec<u8>,
}

impl<'a> ParamList<'a, 'a> {
    /// An empty list on the heap, with room for `capacity` parameters.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            inline: &mut [],
            len: 0,
            spilled: true,
            fixed: false,
            overflowed: false,
            spill: Vec::with_capacity(capacity),
            owned: Vec::new(),
        }
    }
}

impl<'a, 's> ParamList<'a, 's> {
    /// An empty list that fills `slots` first (a list is built where it is
    /// used, on the caller's stack: as a value it would be too large to move).
    pub(crate) fn on(slots: &'s mut [Param<'a>]) -> Self {
        Self {
            inline: slots,
            len: 0,
            spilled: false,
            fixed: false,
            overflowed: false,
            spill: Vec::new(),
            owned: Vec::new(),
        }
    }

    /// [`Self::on`], but a list that outgrows `slots` never moves to the
    /// heap: it keeps the first parameters and reports [`Self::overflowed`],
    /// so that the caller can read the request again into more slots.
    pub(crate) fn on_fixed(slots: &'s mut [Param<'a>]) -> Self {
        Self {
            fixed: true,
            ..Self::on(slots)
        }
    }

    /// Whether a list made by [`Self::on_fixed`] had more parameters than slots.
    pub(crate) fn overflowed(&self) -> bool {
        self.overflowed
    }

    /// Adds a parameter: into the next slot while there is one, then on
    /// the heap (or nowhere, for a fixed list that is full).
    #[inline]
    pub(crate) fn push(&mut self, param: Param<'a>) {
        if !self.spilled {
            if let Some(slot) = self.inline.get_mut(self.len) {
                *slot = param;
                self.len += 1;
                return;
            }
            if !self.spill_slots() {
                return;
            }
        }
        self.spill.push(param);
    }

    /// Moves the list from its full slots to the heap: `true`. A fixed list
    /// ([`Self::on_fixed`]) stays where it is and notes that it overflowed:
    /// `false`, and the caller drops the parameter. (This takes no
    /// parameter: one passed by value would be built in memory on every
    /// push and copied from there, a load that waits for the stores.)
    #[cold]
    #[inline(never)]
    fn spill_slots(&mut self) -> bool {
        if self.fixed {
            self.overflowed = true;
            return false;
        }
        self.spill.reserve(self.len * 2 + 4);
        self.spill
            .extend_from_slice(self.inline.get(..self.len).unwrap_or_default());
        self.spilled = true;
        true
    }

    /// Adds a parameter from raw (unencoded) text.
    pub(crate) fn push_raw(&mut self, name: &'a [u8], value: &'a [u8]) {
        let name = self.encode(name);
        let value = self.encode(value);
        self.push(Param { name, value });
    }

    /// The §3.6 encoding of raw text: borrowed when it needs no escape.
    fn encode(&mut self, raw: &'a [u8]) -> Text<'a> {
        if all_unreserved(raw) {
            return Text::plain(raw);
        }
        let start = self.owned.len();
        put_encoded(raw, &mut self.owned);
        self.owned_text(start)
    }

    /// The text written into `owned` since `start`.
    fn owned_text(&self, start: usize) -> Text<'a> {
        Text::owned_range(start, self.owned.len())
    }

    /// Decodes `raw` and writes its §3.6 encoding into the list's own buffer.
    pub(crate) fn reencode(&mut self, raw: &[u8], plus_is_space: bool) -> Result<Text<'a>, Error> {
        let decoded = decode_bytes(raw, plus_is_space)?;
        let start = self.owned.len();
        put_encoded(&decoded, &mut self.owned);
        Ok(self.owned_text(start))
    }

    /// The bytes of `text`.
    #[inline]
    pub(crate) fn bytes(&self, text: Text<'a>) -> &[u8] {
        resolve(text, &self.owned)
    }

    /// The buffer that owned [`Text`]s point into.
    pub(crate) fn owned(&self) -> &[u8] {
        &self.owned
    }

    pub(crate) fn as_slice(&self) -> &[Param<'a>] {
        if self.spilled {
            &self.spill
        } else {
            self.inline.get(..self.len).unwrap_or_default()
        }
    }

    /// Sorts in place into §3.4.1.3.2 order.
    pub(crate) fn sort(&mut self) {
        let list = if self.spilled {
            &mut self.spill
        } else {
            self.inline.get_mut(..self.len).unwrap_or_default()
        };
        sort_params(list, &self.owned);
    }

    /// The list in §3.4.1.3.2 order (in `order`, moving nothing, when it
    /// has more than [`FEW`] parameters and room for every one; else sorted
    /// in place), and the buffer its owned texts point into.
    pub(crate) fn sorted<'o>(&'o mut self, order: &'o mut [u16]) -> (Sorted<'o>, &'o [u8]) {
        let n = self.as_slice().len();
        let sorted = match order.get_mut(..n) {
            Some(order) if n > FEW => {
                order_params(self.as_slice(), &self.owned, order);
                Sorted::by(self.as_slice(), order)
            }
            _ => {
                self.sort();
                Sorted::in_place(self.as_slice())
            }
        };
        (sorted, &self.owned)
    }

    /// Adds the pairs of a query or `application/x-www-form-urlencoded` body
    /// (`+` is a space; empty pieces between `&`s are skipped).
    ///
    /// One pass, sixteen bytes at a time: each chunk yields a mask of the
    /// bytes that are not unreserved, and only those are looked at (`&`,
    /// `=`, `%` escapes, and anything that makes a name or value need
    /// re-encoding). Names and values that are already in their §3.6
    /// encoding, as they mostly are, are borrowed.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] for a `%` not followed by two hex digits.
    pub(crate) fn add_form(&mut self, raw: &'a [u8]) -> Result<(), Error> {
        self.add_pairs::<false>(raw)
    }

    /// [`Self::add_form`] for what follows a URL's `?`: the query ends at
    /// the first `#`, where a fragment starts.
    pub(crate) fn add_query(&mut self, raw: &'a [u8]) -> Result<(), Error> {
        self.add_pairs::<true>(raw)
    }

    /// [`Self::add_form`], stopping at a `#` when `QUERY`.
    fn add_pairs<const QUERY: bool>(&mut self, raw: &'a [u8]) -> Result<(), Error> {
        // The current pair starts at `start`; `eq` is its first `=`, or
        // `usize::MAX`. `flags` has, per part (name: bits 0-1, value: bits
        // 2-3), ESCAPED when it has an escape and REDO when it is not in its
        // §3.6 form and must be encoded again.
        let mut start = 0;
        let mut eq = usize::MAX;
        let mut flags = 0u8;
        let mut base = 0;
        while base < raw.len() {
            let mut mask = specials(chunk_at(raw, base));
            while mask != 0 {
                let i = base + mask.trailing_zeros() as usize;
                mask &= mask - 1;
                let shift = if eq == usize::MAX { 0 } else { 2 };
                // An `if` chain, not a `match`: a jump table's indirect jump
                // predicts the alternating `=` and `&` worse.
                let b = raw.get(i).copied().unwrap_or_default();
                if b == b'&' {
                    self.end_pair(raw, start, eq, i, flags)?;
                    (start, eq, flags) = (i + 1, usize::MAX, 0);
                } else if b == b'=' && shift == 0 {
                    eq = i;
                } else if b == b'%' {
                    match escape_at(raw, i) {
                        // The two hex digits are unreserved: no mask bit to skip.
                        Some(true) => flags |= ESCAPED << shift,
                        Some(false) => flags |= REDO << shift,
                        None => return Err(MALFORMED_ESCAPE),
                    }
                } else if QUERY && b == b'#' {
                    return self.end_pair(raw, start, eq, i, flags);
                } else {
                    flags |= REDO << shift;
                }
            }
            base += CHUNK;
        }
        self.end_pair(raw, start, eq, raw.len(), flags)
    }

    /// Adds the pair `raw[start..end]`: at once when it is `name=value`, both
    /// in their §3.6 form, as most are; by [`Self::add_pair`] otherwise.
    #[inline(always)]
    fn end_pair(
        &mut self,
        raw: &'a [u8],
        start: usize,
        eq: usize,
        end: usize,
        flags: u8,
    ) -> Result<(), Error> {
        if flags == 0 && eq < end {
            let name = Text::plain_in(raw.get(start..).unwrap_or_default(), eq - start);
            let value = Text::plain_in(raw.get(eq + 1..).unwrap_or_default(), end - eq - 1);
            self.push(Param { name, value });
            Ok(())
        } else {
            self.add_pair(raw, start, eq, end, flags)
        }
    }

    /// [`Self::end_pair`] for a pair that is not the usual `name=value` in
    /// §3.6 form: split at `eq` when it is in it, each part re-encoded or
    /// marked escaped by its flags.
    #[inline(never)]
    fn add_pair(
        &mut self,
        raw: &'a [u8],
        start: usize,
        eq: usize,
        end: usize,
        flags: u8,
    ) -> Result<(), Error> {
        if end <= start {
            return Ok(());
        }
        // Name and value as (tail, length): `name=value`, or a name alone.
        let ((name, name_len), (value, value_len)) = if eq < end {
            let value = raw.get(eq + 1..).unwrap_or_default();
            (
                (raw.get(start..).unwrap_or_default(), eq - start),
                (value, end - eq - 1),
            )
        } else {
            (
                (raw.get(start..).unwrap_or_default(), end - start),
                (&[][..], 0),
            )
        };
        let name = self.form_text(name, name_len, flags);
        let value = self.form_text(value, value_len, flags >> 2);
        self.push(Param {
            name: name?,
            value: value?,
        });
        Ok(())
    }

    /// A name or value of a form, by its flags (see [`Self::add_form`]).
    #[inline]
    fn form_text(&mut self, tail: &'a [u8], len: usize, flags: u8) -> Result<Text<'a>, Error> {
        Ok(if flags & REDO != 0 {
            self.reencode(tail.get(..len).unwrap_or_default(), true)?
        } else if flags & ESCAPED != 0 {
            Text::escaped_in(tail, len)
        } else {
            Text::plain_in(tail, len)
        })
    }

    /// Writes the normalized parameters of a sorted list: see [`put_normalized`].
    pub(crate) fn put_normalized(&self, twice: bool, sink: &mut impl Sink) {
        put_normalized(Sorted::in_place(self.as_slice()), &self.owned, twice, sink);
    }
}

/// [`ParamList::add_form`]'s flags for a name or value: it has an escape.
const ESCAPED: u8 = 1;
/// ... it is not in its §3.6 form.
const REDO: u8 = 2;

const MALFORMED_ESCAPE: Error = Error::Malformed {
    what: "percent-encoding",
};

/// The bytes of `text`, owned ones in `owned`.
#[inline]
pub(crate) fn resolve<'t>(text: Text<'t>, owned: &'t [u8]) -> &'t [u8] {
    let len = text.len();
    if text.is_owned() {
        let start = text.start as usize;
        owned.get(start..start + len).unwrap_or_default()
    } else {
        text.tail.get(..len).unwrap_or_default()
    }
}

/// The escape at `raw[i]` (a `%`): `Some(true)` when it is canonical (two
/// uppercase hex digits of a byte that is not unreserved), `Some(false)`
/// when it is a valid escape in another form, `None` when it is broken.
#[inline]
fn escape_at(raw: &[u8], i: usize) -> Option<bool> {
    let (&h, &l) = (raw.get(i + 1)?, raw.get(i + 2)?);
    let (h, l) = (HEX_DIGIT[usize::from(h)], HEX_DIGIT[usize::from(l)]);
    if (h | l) & NOT_HEX != 0 {
        return None;
    }
    let value = (h & 0x0F) << 4 | (l & 0x0F);
    Some((h | l) & LOWER_HEX == 0 && !is_unreserved(value))
}

/// What the `%` at `raw[i]` makes of a text's form: `Some(true)` for a
/// canonical escape, `None` for any other (re-encoding decodes it, or
/// refuses it when it is broken).
#[inline]
fn canonical_escape(raw: &[u8], i: usize) -> Option<bool> {
    escape_at(raw, i).filter(|&canonical| canonical)
}

/// §3.4.1.3.2 order: by encoded name, then by encoded value.
#[inline]
fn cmp_normalized(a: &Param<'_>, b: &Param<'_>, owned: &[u8]) -> Ordering {
    cmp_encoded(resolve(a.name, owned), resolve(b.name, owned))
        .then_with(|| cmp_encoded(resolve(a.value, owned), resolve(b.value, owned)))
}

/// Sorts parameters into §3.4.1.3.2 order: by encoded name, then by encoded
/// value. Finds the order ([`order_params`]), then moves each parameter to
/// its place.
pub(crate) fn sort_params(list: &mut [Param<'_>], owned: &[u8]) {
    let n = list.len();
    if n <= FEW {
        sort_few(list, owned);
        return;
    }
    if n > 1 << 16 {
        list.sort_unstable_by(|a, b| cmp_normalized(a, b, owned));
        return;
    }
    let mut inline = [0u16; LARGE];
    let mut heap = Vec::new();
    let order = match inline.get_mut(..n) {
        Some(order) => order,
        None => {
            heap.resize(n, 0);
            &mut heap[..]
        }
    };
    order_params(list, owned, order);
    // Position `j` takes the parameter at `order[j]`, one cycle of the
    // permutation at a time; a position that holds its own index is done.
    for start in 0..n {
        if usize::from(order[start]) == start {
            continue;
        }
        let held = list[start];
        let mut j = start;
        loop {
            let from = usize::from(order[j]);
            // `j < n <= 2^16`.
            order[j] = j as u16;
            if from == start {
                list[j] = held;
                break;
            }
            list[j] = list[from];
            j = from;
        }
    }
}

/// Writes into `order` (as long as `list`, which has more than [`FEW`] and
/// at most 2¹⁶ parameters) the indexes of `list` in §3.4.1.3.2 order,
/// moving no parameter: a base string is then written by taking them in
/// that order (see [`Sorted`]); a list of 48-byte parameters put in order
/// by the cycles of the permutation is a chain of dependent loads.
///
/// Comparing whole slices for every step of a sort costs a call per
/// comparison; instead each parameter gets a key, one integer: the first
/// eight bytes of its name (big-endian, zero-padded, so that key order is
/// name order wherever keys differ). The keys are sorted alone, less the
/// leading bytes every name shares and with the index below (by insertion
/// when there are few, by radix over the bytes that differ when there are
/// many); then only the runs of equal keys (names that agree on the bytes
/// a key holds) are sorted again, by full name and value.
pub(crate) fn order_params(list: &[Param<'_>], owned: &[u8], order: &mut [u16]) {
    let n = list.len().min(order.len());
    let order = order.get_mut(..n).unwrap_or_default();
    if n <= INLINE {
        order_keyed(list, owned, &mut [[0; 8]; INLINE], &mut [], order);
    } else if n <= LARGE {
        order_keyed(
            list,
            owned,
            &mut [[0; 8]; LARGE],
            &mut [[0; 8]; LARGE],
            order,
        );
    } else {
        order_keyed(
            list,
            owned,
            &mut alloc::vec![[0; 8]; n],
            &mut alloc::vec![[0; 8]; n],
            order,
        );
    }
}

/// A list of parameters in §3.4.1.3.2 order: the list as it was read, and
/// the order to take its parameters in (none when the list is in order).
#[derive(Clone, Copy)]
pub(crate) struct Sorted<'x> {
    list: &'x [Param<'x>],
    order: Option<&'x [u16]>,
}

impl<'x> Sorted<'x> {
    /// A list that is already in order.
    pub(crate) fn in_place(list: &'x [Param<'x>]) -> Self {
        Self { list, order: None }
    }

    /// `list` taken in `order` (indexes into it).
    pub(crate) fn by(list: &'x [Param<'x>], order: &'x [u16]) -> Self {
        Self {
            list,
            order: Some(order),
        }
    }

    /// How many parameters there are.
    pub(crate) fn len(self) -> usize {
        self.order.map_or(self.list.len(), <[u16]>::len)
    }

    /// Whether there are none.
    pub(crate) fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The `i`th parameter in order.
    #[inline]
    pub(crate) fn get(self, i: usize) -> Option<&'x Param<'x>> {
        match self.order {
            Some(order) => self.list.get(usize::from(*order.get(i)?)),
            None => self.list.get(i),
        }
    }

    /// Calls `f` on each parameter in order.
    pub(crate) fn for_each(self, mut f: impl FnMut(&'x Param<'x>)) {
        for i in 0..self.len() {
            if let Some(p) = self.get(i) {
                f(p);
            }
        }
    }

    /// Writes each pair as a base string holds it ([`put_encoded_pair`]),
    /// the first after another pair when `after_another`: a loop for each
    /// kind of list, with no test per pair of which kind it is.
    #[inline(always)]
    pub(crate) fn put_encoded(self, owned: &[u8], after_another: bool, sink: &mut impl Sink) {
        let Some(first) = self.get(0) else {
            return;
        };
        put_encoded_pair(first, owned, after_another, sink);
        match self.order {
            Some(order) => {
                for &at in order.get(1..).unwrap_or_default() {
                    if let Some(p) = self.list.get(usize::from(at)) {
                        put_encoded_pair(p, owned, true, sink);
                    }
                }
            }
            None => {
                for p in self.list.get(1..).unwrap_or_default() {
                    put_encoded_pair(p, owned, true, sink);
                }
            }
        }
    }

    /// The first `at` parameters and the rest.
    pub(crate) fn split_at(self, at: usize) -> (Self, Self) {
        match self.order {
            Some(order) => {
                let (head, tail) = order.split_at(at.min(order.len()));
                (Self::by(self.list, head), Self::by(self.list, tail))
            }
            None => {
                let (head, tail) = self.list.split_at(at.min(self.list.len()));
                (Self::in_place(head), Self::in_place(tail))
            }
        }
    }

    /// How many parameters, from the first, satisfy `pred` (which must hold
    /// for a leading run and for no parameter after it).
    #[inline]
    pub(crate) fn partition_point(self, mut pred: impl FnMut(&Param<'_>) -> bool) -> usize {
        match self.order {
            Some(order) => {
                order.partition_point(|&at| self.list.get(usize::from(at)).is_some_and(&mut pred))
            }
            None => self.list.partition_point(pred),
        }
    }
}

/// The order of two §3.6-encoded texts (which never hold a zero byte): by
/// their first eight bytes as numbers, and only when those agree, by a call
/// to compare the rest.
#[inline]
pub(crate) fn cmp_encoded(a: &[u8], b: &[u8]) -> Ordering {
    match prefix(a).cmp(&prefix(b)) {
        Ordering::Equal => a.cmp(b),
        order => order,
    }
}

/// `oauth_` as [`prefix`] reads it.
const OAUTH_PREFIX: u64 = u64::from_be_bytes(*b"oauth_\0\0");

/// Whether an encoded name sorts before every `oauth_*` name; by its
/// [`prefix`] alone (an encoded name holds no zero byte).
#[inline]
pub(crate) fn sorts_before_oauth(name: &[u8]) -> bool {
    prefix(name) < OAUTH_PREFIX
}

/// Whether an encoded name starts with `oauth_`; by its [`prefix`] alone.
#[inline]
pub(crate) fn is_oauth_name(name: &[u8]) -> bool {
    prefix(name) & !0xFFFF == OAUTH_PREFIX
}

/// The first eight bytes of `name`, zero-padded, as a big-endian number.
#[inline]
fn prefix(name: &[u8]) -> u64 {
    let n = name.len();
    if let Some(first) = name.first_chunk::<8>() {
        return u64::from_be_bytes(*first);
    }
    // Shorter names as two overlapping loads (a copy of a variable length
    // would be a call to `memcpy` per parameter): the bytes they share are
    // the same, so or-ing them is exact.
    let (head, tail) = match (name.first_chunk::<4>(), name.last_chunk::<4>()) {
        (Some(h), Some(t)) => (
            u64::from(u32::from_be_bytes(*h)) << 32,
            u64::from(u32::from_be_bytes(*t)) << (64 - 8 * n),
        ),
        _ => {
            let mut key = 0u64;
            for (i, &b) in name.iter().enumerate() {
                key |= u64::from(b) << (56 - 8 * i);
            }
            return key;
        }
    };
    head | tail
}

/// Up to this many parameters are sorted by [`sort_few`].
const FEW: usize = 16;

/// [`sort_params`] for at most [`FEW`] parameters: insertion on the list
/// itself, comparing name prefixes as numbers and whole names and values
/// only where the prefixes agree.
fn sort_few(list: &mut [Param<'_>], owned: &[u8]) {
    let mut keys = [0u64; FEW];
    for (key, p) in keys.iter_mut().zip(list.iter()) {
        *key = prefix(resolve(p.name, owned));
    }
    for i in 1..list.len().min(FEW) {
        let mut j = i;
        while j > 0 {
            let order = keys[j - 1]
                .cmp(&keys[j])
                .then_with(|| cmp_normalized(&list[j - 1], &list[j], owned));
            if order != Ordering::Greater {
                break;
            }
            keys.swap(j - 1, j);
            list.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// Up to this many keys are sorted by insertion; more by radix.
const INSERTION_MAX: usize = 40;

/// A sort key: a number held as its little-endian bytes, so that a radix
/// pass reads its digit with one load (no shift by a variable amount).
type Key = [u8; 8];

/// The number a [`Key`] holds.
#[inline(always)]
fn value(key: Key) -> u64 {
    u64::from_le_bytes(key)
}

/// Sorts `keys` by insertion when there are few, else by a
/// least-significant-byte-first radix sort over only the bytes set in
/// `vary` (the bytes in which keys differ). `spare` has room for the keys
/// when there are more than [`INSERTION_MAX`].
fn sort_keys(keys: &mut [Key], spare: &mut [Key], vary: u64) {
    let n = keys.len();
    let spare = match spare.get_mut(..n) {
        Some(spare) if n > INSERTION_MAX => spare,
        _ => {
            for i in 1..n {
                let mut j = i;
                while j > 0 && value(keys[j - 1]) > value(keys[j]) {
                    keys.swap(j - 1, j);
                    j -= 1;
                }
            }
            return;
        }
    };
    let (mut from, mut to) = (keys, spare);
    let mut in_spare = false;
    // The bytes in which keys differ, lowest first.
    let mut digits = [0; 8];
    let mut count = 0;
    for byte in 0..8 {
        if (vary >> (8 * byte)) & 0xFF != 0 {
            digits[count] = byte;
            count += 1;
        }
    }
    // Up to three digits are counted in one pass over the keys (the counts
    // do not depend on the keys' order): one pass instead of three, and
    // the increments of the three tables do not wait for each other.
    for group in digits.get(..count).unwrap_or_default().chunks(3) {
        // (Three tables, not an array of three: that would be cleared by a
        // call to `memset`.)
        let (mut t0, mut t1, mut t2) = ([0u32; 256], [0u32; 256], [0u32; 256]);
        // A group of fewer than three counts its last digit again.
        let byte = |i: usize| group.get(i).or(group.last()).copied().unwrap_or(0) & 7;
        let (b0, b1, b2) = (byte(0), byte(1), byte(2));
        for k in from.iter() {
            t0[usize::from(k[b0])] += 1;
            t1[usize::from(k[b1])] += 1;
            t2[usize::from(k[b2])] += 1;
        }
        for (table, &byte) in [&mut t0, &mut t1, &mut t2].into_iter().zip(group) {
            // Offsets up to the highest digit that occurs, where every key
            // is counted (names use low byte values; cheaper than tracking
            // the range while counting).
            let mut sum = 0;
            for slot in table.iter_mut() {
                (*slot, sum) = (sum, sum + *slot);
                if sum as usize == n {
                    break;
                }
            }
            for k in from.iter() {
                let slot = &mut table[usize::from(k[byte])];
                if let Some(place) = to.get_mut(*slot as usize) {
                    *place = *k;
                }
                *slot += 1;
            }
            (from, to) = (to, from);
            in_spare = !in_spare;
        }
    }
    if in_spare {
        to.copy_from_slice(from);
    }
}

/// [`order_params`] for at most 2¹⁶ parameters (`order` as long as the
/// list), with room for their keys (`keys.len() >= list.len()`, and as
/// much in `spare` when the list is longer than [`INSERTION_MAX`]).
fn order_keyed(
    list: &[Param<'_>],
    owned: &[u8],
    keys: &mut [Key],
    spare: &mut [Key],
    order: &mut [u16],
) {
    let n = order.len();
    let param = |at: u16| list.get(usize::from(at)).unwrap_or(&Param::EMPTY);
    let by_whole = |a: &u16, b: &u16| cmp_normalized(param(*a), param(*b), owned);
    for (i, at) in order.iter_mut().enumerate() {
        // `i < n <= 2^16`.
        *at = i as u16;
    }
    let Some(keys) = keys.get_mut(..n) else {
        // (No room for the keys: the callers always give it.)
        order.sort_unstable_by(by_whole);
        return;
    };
    for (key, p) in keys.iter_mut().zip(list.iter()) {
        *key = prefix(resolve(p.name, owned)).to_le_bytes();
    }
    let first = keys.first().copied().map_or(0, value);
    let differ = keys.iter().fold(0, |d, &k| d | (value(k) ^ first));
    if differ == 0 {
        // Every name starts with the same eight bytes.
        order.sort_unstable_by(by_whole);
        return;
    }
    // The low bits take the index (a list this long has indexes below
    // 2^bits); the bytes every name shares are shifted out above.
    let bits = if n <= 1 << 8 { 8 } else { 16 };
    let index = (1u64 << bits) - 1;
    let shared = differ.leading_zeros() & !7;
    for (i, key) in keys.iter_mut().enumerate() {
        // `i < n <= 2^bits`.
        *key = ((value(*key) << shared) & !index | i as u64).to_le_bytes();
    }
    // Lists that arrive in order (as a client that sorts sends them) skip
    // the sort.
    if !keys.is_sorted_by_key(|&k| value(k)) {
        sort_keys(keys, spare, (differ << shared) & !index);
        for (at, &key) in order.iter_mut().zip(keys.iter()) {
            // The index is below 2^16.
            *at = (value(key) & index) as u16;
        }
    }
    // Keys that are equal but for the index: order their parameters fully.
    // (Every pair of neighbours is looked at, without stopping at the first
    // tie: a loop the compiler can unroll.)
    let ties = keys.windows(2).fold(false, |tie, w| {
        tie | ((value(w[0]) ^ value(w[1])) & !index == 0)
    });
    if !ties {
        return;
    }
    let mut start = 0;
    while start < n {
        let head = value(keys[start]) & !index;
        let mut end = start + 1;
        while end < n && value(keys[end]) & !index == head {
            end += 1;
        }
        if end - start > 1
            && let Some(part) = order.get_mut(start..end)
        {
            part.sort_unstable_by(by_whole);
        }
        start = end;
    }
}

/// Writes the normalized parameters (§3.4.1.3.2) of a sorted list:
/// `name=value` pairs joined by `&`, each name and value encoded; with
/// `twice`, the whole is encoded again, as the base string needs.
///
/// Names and values are held in their §3.6 encoding, which has only
/// unreserved bytes and `%XX` escapes, so encoding them again only turns
/// each `%` into `%25`; and a [`Text`] knows whether it has a `%` at all.
pub(crate) fn put_normalized(list: Sorted<'_>, owned: &[u8], twice: bool, sink: &mut impl Sink) {
    let Some(first) = list.get(0) else {
        return;
    };
    if twice {
        list.put_encoded(owned, false, sink);
        return;
    }
    sink.put(resolve(first.name, owned));
    sink.put(b"=");
    sink.put(resolve(first.value, owned));
    list.split_at(1).1.for_each(|p| {
        sink.put(b"&");
        sink.put(resolve(p.name, owned));
        sink.put(b"=");
        sink.put(resolve(p.value, owned));
    });
}

/// Writes `name%3Dvalue` as a base string holds a parameter (encoded
/// again), after `%26` when `after_another`.
#[inline(always)]
pub(crate) fn put_encoded_pair(
    p: &Param<'_>,
    owned: &[u8],
    after_another: bool,
    sink: &mut impl Sink,
) {
    let (name, value) = (p.name, p.value);
    if name.is_plain() && value.is_plain() {
        return sink.put_plain_pair(
            after_another,
            (name.tail, name.len()),
            (value.tail, value.len()),
        );
    }
    put_escaped_pair(p, owned, after_another, sink);
}

/// [`put_encoded_pair`] of a pair with a `%` or an owned text: out of line,
/// so that each of the loops that write pairs keeps only the usual case.
#[inline(never)]
fn put_escaped_pair(p: &Param<'_>, owned: &[u8], after_another: bool, sink: &mut impl Sink) {
    if after_another {
        sink.put_text(AMP, 3);
    }
    put_reencoded(p.name, owned, sink);
    sink.put_text(EQ, 3);
    put_reencoded(p.value, owned, sink);
}

/// The §3.6 encoding of `text`, which is already in its §3.6 encoding.
#[inline(always)]
pub(crate) fn put_reencoded(text: Text<'_>, owned: &[u8], sink: &mut impl Sink) {
    if !(text.is_escaped() || text.is_owned()) {
        return sink.put_text(text.tail, text.len());
    }
    // The text and what follows it, for sixteen-byte copies of its pieces.
    put_reencoded_escaped(text.tail_in(owned), text.len(), sink);
}

/// [`put_reencoded`] of text that holds a `%`: each becomes `%25`. The `%`s
/// are found eight bytes at a time; the runs between them pass whole.
#[inline(never)]
fn put_reencoded_escaped(tail: &[u8], len: usize, sink: &mut impl Sink) {
    let text = tail.get(..len).unwrap_or_default();
    // Where the run not yet written starts.
    let mut start = 0;
    let mut base = 0;
    while base < len {
        let mut mask = bytes_equal(word_at(text, base), b'%');
        while mask != 0 {
            let i = base + (mask.trailing_zeros() / 8) as usize;
            mask &= mask - 1;
            sink.put_text(tail.get(start..).unwrap_or_default(), i - start);
            sink.put_text(PERCENT, 3);
            start = i + 1;
        }
        base += 8;
    }
    sink.put_text(
        tail.get(start..).unwrap_or_default(),
        len.saturating_sub(start),
    );
}

/// Whether a `Content-Type` is `application/x-www-form-urlencoded`, with or
/// without parameters such as `charset` (§3.4.1.3.1).
pub(crate) fn is_form(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| {
        if ct == "application/x-www-form-urlencoded" {
            return true;
        }
        let media = ct.split(';').next().unwrap_or_default();
        media
            .trim_matches(|c| c == ' ' || c == '\t')
            .eq_ignore_ascii_case("application/x-www-form-urlencoded")
    })
}

const MALFORMED_HEADER: Error = Error::Malformed {
    what: "OAuth Authorization header",
};

/// One `name="value"` of an `Authorization` header, as written (still
/// encoded), each part classified as it was read: `Some(escaped)` when it is
/// in its §3.6 form already, `None` when it must be decoded and encoded again.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HeaderParam<'a> {
    pub(crate) name: &'a str,
    pub(crate) value: &'a str,
    /// The value and the rest of the header after it (see [`Text`]).
    pub(crate) value_tail: &'a [u8],
    pub(crate) name_form: Option<bool>,
    pub(crate) value_form: Option<bool>,
    /// The protocol parameter it is, when its name was recognized whole
    /// (its place in name order; see [`protocol_name_at`]).
    pub(crate) protocol: Option<u8>,
}

impl<'a> HeaderParam<'a> {
    /// A name or value as parameter text, by its form.
    #[inline(always)]
    fn text(
        list: &mut ParamList<'a, '_>,
        tail: &'a [u8],
        len: usize,
        form: Option<bool>,
    ) -> Result<Text<'a>, Error> {
        Ok(match form {
            Some(false) => Text::plain_in(tail, len),
            Some(true) => Text::escaped_in(tail, len),
            None => list.reencode(tail.get(..len).unwrap_or_default(), false)?,
        })
    }

    /// The value as parameter text (re-encoded into `list`'s buffer when it must be).
    #[inline(always)]
    pub(crate) fn value_text(self, list: &mut ParamList<'a, '_>) -> Result<Text<'a>, Error> {
        Self::text(list, self.value_tail, self.value.len(), self.value_form)
    }

    /// Adds the pair to `list` (§3.5.1: `+` is not a space).
    pub(crate) fn push_to(self, list: &mut ParamList<'a, '_>) -> Result<(), Error> {
        let name = Self::text(list, self.name.as_bytes(), self.name.len(), self.name_form)?;
        let value = self.value_text(list)?;
        list.push(Param { name, value });
        Ok(())
    }
}

/// Reads the parameters of an `OAuth` `Authorization` header value (§3.5.1),
/// one `name="value"` at a time, each as written (still encoded; the grammar
/// is checked, and each part classified for §3.6 as it is scanned).
#[derive(Debug, Clone)]
pub(crate) struct HeaderParams<'a> {
    /// The header from the scheme on.
    text: &'a str,
    /// Where reading goes on.
    at: usize,
    failed: bool,
}

/// Whether `value` is an `Authorization` value with the `OAuth` scheme.
pub(crate) fn is_oauth_scheme(value: &str) -> bool {
    oauth_params(value).is_some()
}

/// What follows the `OAuth` scheme (any case) of an `Authorization` value,
/// from the scheme on; nothing for another scheme.
fn oauth_params(value: &str) -> Option<&str> {
    let start = value
        .bytes()
        .position(|b| b != b' ' && b != b'\t')
        .unwrap_or(value.len());
    let text = value.get(start..)?;
    let v = text.as_bytes();
    // Clearing bit 5 of each byte upper-cases letters (and changes no
    // other byte into one): one comparison of five bytes.
    let scheme = v.first_chunk::<5>()?;
    let upper = u64::from_le_bytes([
        scheme[0], scheme[1], scheme[2], scheme[3], scheme[4], 0, 0, 0,
    ]) & 0xDF_DFDF_DFDF;
    let is_oauth = upper == u64::from_le_bytes(*b"OAUTH\0\0\0")
        && v.get(5).is_none_or(|&b| b == b' ' || b == b'\t');
    is_oauth.then_some(text)
}

impl<'a> HeaderParams<'a> {
    /// Starts reading `value`, which must use the `OAuth` scheme (any case).
    pub(crate) fn new(value: &'a str) -> Result<Self, Error> {
        let text = oauth_params(value).ok_or(MALFORMED_HEADER)?;
        Ok(Self {
            text,
            at: 5,
            failed: false,
        })
    }

    fn byte(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_ows(&mut self) {
        while matches!(self.byte(), Some(b' ' | b'\t')) {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), Error> {
        if self.byte() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(MALFORMED_HEADER)
        }
    }

    /// Reads a name (a token) from `self.at`: its end and its form.
    fn scan_name(&self) -> (usize, Option<bool>) {
        let bytes = self.text.as_bytes();
        let (mut i, mut form) = (self.at, Some(false));
        // Runs of unreserved bytes, each ended by an escape, another token
        // byte (the name must be encoded again), or the name's end.
        loop {
            i = unreserved_run(bytes, i);
            match bytes.get(i) {
                Some(b'%') => form = form.and(canonical_escape(bytes, i)),
                Some(&b) if is_tchar(b) => form = None,
                _ => return (i, form),
            }
            i += 1;
        }
    }

    /// Reads a quoted value from `self.at` (after its opening quote): where
    /// its closing quote is, and its form.
    #[inline(always)]
    fn scan_value(&self) -> Result<(usize, Option<bool>), Error> {
        let bytes = self.text.as_bytes();
        let mut form = Some(false);
        // Only the bytes that are not unreserved are looked at: most
        // values have none but their closing quote.
        let end = each_special(bytes, self.at, |i| {
            let b = bytes.get(i).copied().unwrap_or_default();
            if b == b'"' {
                return ControlFlow::Break(Ok((i, form)));
            } else if b == b'%' {
                form = form.and(canonical_escape(bytes, i));
            } else if b != b'\\' && !b.is_ascii_control() {
                // Allowed, but not in its §3.6 form: encoded again. (A
                // backslash or a control byte is never in a §3.6 value.)
                form = None;
            } else {
                return ControlFlow::Break(Err(MALFORMED_HEADER));
            }
            ControlFlow::Continue(())
        });
        match end {
            ControlFlow::Break(end) => end,
            // No closing quote.
            ControlFlow::Continue(()) => Err(MALFORMED_HEADER),
        }
    }

    /// Reads a name and the `=` and `"` after it.
    fn read_name(&mut self) -> Result<(&'a str, Option<bool>), Error> {
        let (name_end, name_form) = self.scan_name();
        if name_end == self.at {
            return Err(MALFORMED_HEADER);
        }
        // Names and values end at ASCII bytes, which are char boundaries.
        let name = self.text.get(self.at..name_end).ok_or(MALFORMED_HEADER)?;
        self.at = name_end;
        self.skip_ows();
        self.expect(b'=')?;
        self.skip_ows();
        self.expect(b'"')?;
        Ok((name, name_form))
    }

    #[inline(always)]
    fn read_param(&mut self) -> Result<Option<HeaderParam<'a>>, Error> {
        // Empty list elements (`a="1", , b="2"`) are allowed by RFC 9110 §5.6.1.
        loop {
            self.skip_ows();
            match self.byte() {
                None => return Ok(None),
                Some(b',') => self.at += 1,
                Some(_) => break,
            }
        }
        // Most names are protocol names followed by `="`: matched whole,
        // with no scan.
        let (name, name_form, protocol) = match protocol_name_at(self.text.as_bytes(), self.at) {
            Some(spec) => {
                let end = self.at + spec.name.len();
                let name = self.text.get(self.at..end).unwrap_or(spec.name);
                self.at = end + 2;
                (name, Some(false), Some(spec.order))
            }
            None => {
                let (name, form) = self.read_name()?;
                (name, form, None)
            }
        };
        let (value_end, value_form) = self.scan_value()?;
        let value = self.text.get(self.at..value_end).ok_or(MALFORMED_HEADER)?;
        let value_tail = self.text.as_bytes().get(self.at..).unwrap_or_default();
        self.at = value_end + 1;
        // The usual separator, `, `, at once; else any whitespace around
        // one comma, or the end.
        let bytes = self.text.as_bytes();
        if bytes.get(self.at..self.at + 2) == Some(b", ") {
            self.at += 2;
        } else {
            self.skip_ows();
            match self.byte() {
                None => {}
                Some(b',') => self.at += 1,
                Some(_) => return Err(MALFORMED_HEADER),
            }
        }
        Ok(Some(HeaderParam {
            name,
            value,
            value_tail,
            name_form,
            value_form,
            protocol,
        }))
    }
}

impl<'a> Iterator for HeaderParams<'a> {
    type Item = Result<HeaderParam<'a>, Error>;

    #[inline(always)]
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

/// The protocol names that `text` (a name, or a name and what follows it)
/// can start with: none unless it starts with `oauth_`, else the one or two
/// with the same byte after it.
#[inline]
fn protocol_candidates(text: &[u8]) -> Option<[&'static OauthName; 2]> {
    // Every protocol name is longer than eight bytes.
    let head = u64::from_le_bytes(*text.first_chunk::<8>()?);
    // `oauth_` in the low six bytes.
    if head & 0xFFFF_FFFF_FFFF != u64::from_le_bytes(*b"oauth_\0\0") {
        return None;
    }
    Some(match (head >> 48) as u8 {
        b'b' => [&BODY_HASH, &BODY_HASH],
        b'c' => [&CONSUMER_KEY, &CALLBACK],
        b'n' => [&NONCE, &NONCE],
        b's' => [&SIGNATURE, &SIGNATURE_METHOD],
        b't' => [&TIMESTAMP, &TOKEN],
        b'v' => [&VERSION, &VERIFIER],
        _ => return None,
    })
}

/// The protocol parameter named `name`, if it is one.
pub(crate) fn protocol_name(name: &[u8]) -> Option<&'static OauthName> {
    protocol_candidates(name)?
        .into_iter()
        .find(|spec| spec.name.as_bytes() == name)
}

/// The protocol parameter whose name, followed by `="`, starts at
/// `bytes[at]`: one of its candidates, compared whole.
#[inline]
fn protocol_name_at(bytes: &[u8], at: usize) -> Option<&'static OauthName> {
    let rest = bytes.get(at..)?;
    // `name="`: the header piece `", name="` without its first three bytes.
    let written = |spec: &OauthName| spec.header.as_bytes().get(3..).unwrap_or_default();
    protocol_candidates(rest)?
        .into_iter()
        .find(|spec| starts_with_short(rest, written(spec)))
}

/// Whether `text` starts with `piece`, compared eight bytes at a time when
/// `piece` has 8 to 24 bytes (as every `name="` of a protocol name has).
#[inline]
fn starts_with_short(text: &[u8], piece: &[u8]) -> bool {
    let n = piece.len();
    if !(8..=24).contains(&n) || text.len() < n {
        return text.starts_with(piece);
    }
    let word = |s: &[u8], i: usize| s.get(i..).and_then(<[u8]>::first_chunk::<8>).copied();
    // Three words, overlapping where `n < 24`, cover every byte.
    let middle = (n - 8).min(8);
    word(text, 0) == word(piece, 0)
        && word(text, middle) == word(piece, middle)
        && word(text, n - 8) == word(piece, n - 8)
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
/// percent-escape, text that is not UTF-8 or more than [`MAX_PARAMS`]
/// parameters; [`Error::DuplicateParameter`]
/// when a name appears twice.
pub fn parse_authorization(header: &str) -> Result<AuthorizationHeader, Error> {
    let mut out = AuthorizationHeader {
        realm: None,
        params: Vec::new(),
    };
    // The names seen so far: a set, so a header with many parameters costs
    // n log n to check, not n².
    let mut seen = BTreeSet::new();
    for (count, param) in HeaderParams::new(header)?.enumerate() {
        check_count(count + 1)?;
        let HeaderParam { name, value, .. } = param?;
        let name = decoded(name.as_bytes())?;
        let value = if name == "realm" {
            String::from(value)
        } else {
            decoded(value.as_bytes())?
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
    let mut slots = [Param::EMPTY; INLINE];
    let mut list = ParamList::on(&mut slots);
    for (name, value) in params {
        list.push_raw(name.as_bytes(), value.as_bytes());
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

    /// Encoded text as the parsers classify it.
    fn encoded(bytes: &[u8]) -> Text<'_> {
        if bytes.contains(&b'%') {
            Text::escaped(bytes)
        } else {
            Text::plain(bytes)
        }
    }

    /// The reference: decode (`+` a space when `plus`), then encode.
    fn reference(raw: &[u8], plus: bool) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        put_encoded(&decode_bytes(raw, plus)?, &mut out);
        Ok(out)
    }

    #[test]
    fn header_texts_in_canonical_form_are_borrowed_and_others_re_encoded() {
        // Read from a header (`+` is not a space there): the name is `raw`
        // too when `raw` is a token.
        let read = |raw: &str| -> Result<Vec<(Vec<u8>, bool, bool)>, Error> {
            let name = if raw.bytes().all(is_tchar) { raw } else { "n" };
            let header = alloc::format!("OAuth {name}=\"{raw}\"");
            let mut slots = [Param::EMPTY; INLINE];
            let mut list = ParamList::on(&mut slots);
            for param in HeaderParams::new(&header)? {
                param?.push_to(&mut list)?;
            }
            let p = list.as_slice()[0];
            let owned = list.owned();
            let text = |t: Text<'_>| (resolve(t, owned).to_vec(), t.is_owned(), t.is_escaped());
            Ok(if name == raw {
                alloc::vec![text(p.name), text(p.value)]
            } else {
                alloc::vec![text(p.value)]
            })
        };
        for (raw, escaped) in [("abc%2A%20", true), ("abc-._~", false), ("%FF", true)] {
            for (text, owned, is_escaped) in read(raw).unwrap() {
                assert!(!owned, "{raw}");
                assert_eq!(is_escaped, escaped, "{raw}");
                assert_eq!(text, raw.as_bytes());
            }
        }
        for (raw, want) in [
            ("a+b", &b"a%2Bb"[..]),
            ("%7e%41", b"~A"),
            ("%2a*", b"%2A%2A"),
            ("a%41", b"aA"),
            ("\u{e9}", b"%C3%A9"),
            ("a b", b"a%20b"),
        ] {
            for (text, owned, _) in read(raw).unwrap() {
                assert!(owned, "{raw}");
                assert_eq!(text, want, "{raw}");
            }
        }
        assert!(read("%F").is_err());
        assert!(read("%zz").is_err());
        assert!(read("a\\b").is_err());
    }

    #[test]
    fn one_pass_split_agrees_with_splitting_then_encoding() {
        // Pieces on both sides of the 16-byte chunk boundaries too.
        let long = b"abcdefghijklmno=%41&pqrstuvwxyz0123=4567%2A89&%E2%82%AC+x=*&&tail%2";
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
            b"0123456789abcde%20=v",
            b"0123456789abcdef=%2",
            b"0123456789abcd=%20%",
            &long[..long.len() - 6],
            long,
        ] {
            let mut slots = [Param::EMPTY; INLINE];
            let mut list = ParamList::on(&mut slots);
            let one_pass = list.add_form(raw).map(|()| {
                list.as_slice()
                    .iter()
                    .map(|p| (list.bytes(p.name).to_vec(), list.bytes(p.value).to_vec()))
                    .collect::<Vec<_>>()
            });
            let two_pass: Result<Vec<_>, Error> = raw
                .split(|&b| b == b'&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (n, v) = match p.iter().position(|&b| b == b'=') {
                        Some(i) => (&p[..i], &p[i + 1..]),
                        None => (p, &[][..]),
                    };
                    Ok((reference(n, true)?, reference(v, true)?))
                })
                .collect();
            assert_eq!(one_pass.is_ok(), two_pass.is_ok(), "{raw:?}");
            if let (Ok(got), Ok(want)) = (one_pass, two_pass) {
                assert_eq!(got, want, "{raw:?}");
            }
        }
    }

    #[test]
    fn short_name_prefixes_are_the_zero_padded_bytes() {
        for name in [
            &b""[..],
            b"a",
            b"ab",
            b"abc",
            b"abcd",
            b"abcde",
            b"abcdefg",
            b"abcdefgh",
        ] {
            let mut padded = [0u8; 8];
            padded[..name.len()].copy_from_slice(name);
            assert_eq!(prefix(name), u64::from_be_bytes(padded), "{name:?}");
        }
    }

    #[test]
    fn oauth_name_tests_by_prefix_agree_with_byte_comparison() {
        // Every name of up to seven bytes over letters around `oauth_`'s and
        // the encoded text's other bytes, and longer names sharing its start.
        let alphabet = b"%-.0_anotuz~";
        let mut names: Vec<Vec<u8>> = vec![Vec::new()];
        for len in 1..=4 {
            let mut n = vec![0usize; len];
            loop {
                names.push(n.iter().map(|&i| alphabet[i]).collect());
                let Some(i) = n.iter().rposition(|&d| d + 1 < alphabet.len()) else {
                    break;
                };
                n[i] += 1;
                n[i + 1..].fill(0);
            }
        }
        for stem in [&b"oaut"[..], b"oauth", b"oauth_", b"oauth_x"] {
            for &b in alphabet {
                for tail in [&b""[..], b"%2A", b"abcdefgh"] {
                    names.push([stem, &[b][..], tail].concat());
                }
            }
        }
        for name in &names {
            assert_eq!(
                sorts_before_oauth(name),
                name.as_slice() < b"oauth_".as_slice(),
                "{name:?}"
            );
            assert_eq!(is_oauth_name(name), name.starts_with(b"oauth_"), "{name:?}");
        }
    }

    #[test]
    fn a_header_with_many_parameters_is_read_in_n_log_n() {
        use alloc::format;
        // The most names a header may carry (the realm is one of them), with
        // the repeat last: found with a set, not by comparing every pair.
        let mut header = String::from("OAuth realm=\"r\"");
        for i in 0..MAX_PARAMS - 2 {
            header.push_str(&format!(", p{i}=\"v\""));
        }
        let parsed = parse_authorization(&header).unwrap();
        assert_eq!(parsed.params.len(), MAX_PARAMS - 2);
        header.push_str(", p7=\"again\"");
        assert_eq!(
            parse_authorization(&header).unwrap_err(),
            Error::DuplicateParameter {
                name: "oauth_* parameter"
            }
        );
        // Far more names stop at the limit.
        let mut header = String::from("OAuth realm=\"r\"");
        for i in 0..50_000 {
            header.push_str(&format!(", p{i}=\"v\""));
        }
        assert_eq!(parse_authorization(&header).unwrap_err(), TOO_MANY_PARAMS);
    }

    #[test]
    fn lists_move_to_the_heap_when_full_and_keep_order() {
        let names: Vec<String> = (0..70).map(|i| alloc::format!("p{i:02}")).collect();
        let mut slots = [Param::EMPTY; INLINE];
        let mut list = ParamList::on(&mut slots);
        for n in names.iter().rev() {
            list.push_raw(n.as_bytes(), b"");
        }
        assert_eq!(list.as_slice().len(), 70);
        list.sort();
        let got: Vec<&[u8]> = list.as_slice().iter().map(|p| list.bytes(p.name)).collect();
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
        // Then numbered names (a radix pass per digit) and names of any
        // unreserved bytes, in both orders of the two kinds.
        let unreserved = b"-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~";
        for (n, kind) in [0, 1, 2, 7, 31, 32, 33, 200, 256, 300]
            .into_iter()
            .flat_map(|n| [(n, 0), (n, 1), (n, 2)])
        {
            let owned: Vec<(Vec<u8>, Vec<u8>)> = (0..n)
                .map(|_| {
                    let name = match kind {
                        0 => stems[next() as usize % stems.len()].to_vec(),
                        1 => alloc::format!("field{:03}", next() % 1000).into_bytes(),
                        _ => (0..1 + next() % 12)
                            .map(|_| unreserved[next() as usize % unreserved.len()])
                            .collect(),
                    };
                    let value = alloc::format!("{}", next() % 5).into_bytes();
                    (name, value)
                })
                .collect();
            let mut params: Vec<Param<'_>> = owned
                .iter()
                .map(|(n, v)| Param {
                    name: encoded(n),
                    value: encoded(v),
                })
                .collect();
            let texts = |list: &[Param<'_>]| -> Vec<(Vec<u8>, Vec<u8>)> {
                list.iter()
                    .map(|p| {
                        (
                            resolve(p.name, &[]).to_vec(),
                            resolve(p.value, &[]).to_vec(),
                        )
                    })
                    .collect()
            };
            let mut want = params.clone();
            want.sort_by(|a, b| cmp_normalized(a, b, &[]));
            // The order alone, with the list as it was read (longer lists
            // are written that way), then the list moved into that order.
            let mut order = alloc::vec![0; n];
            if n > FEW {
                order_params(&params, &[], &mut order);
                let mut by_order = Vec::new();
                Sorted::by(&params, &order).for_each(|p| by_order.push(*p));
                assert_eq!(texts(&by_order), texts(&want), "order of {n} {kind}");
            }
            sort_params(&mut params, &[]);
            assert_eq!(texts(&params), texts(&want), "{n} {kind}");
        }
    }

    #[test]
    fn encoding_normalized_parameters_twice_escapes_each_percent() {
        let params = [Param {
            name: encoded(b"a%20b"),
            value: encoded(b"%2Fx%25"),
        }];
        let mut out = Vec::new();
        put_normalized(Sorted::in_place(&params), &[], true, &mut out);
        assert_eq!(out, b"a%2520b%3D%252Fx%2525");
    }

    #[test]
    fn form_pairs_decode_plus_and_escapes() {
        let mut slots = [Param::EMPTY; INLINE];
        let mut list = ParamList::on(&mut slots);
        list.add_form(b"a=1+2&&b&c=%3D&=x").unwrap();
        let got: Vec<(&[u8], &[u8])> = list
            .as_slice()
            .iter()
            .map(|p| (list.bytes(p.name), list.bytes(p.value)))
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
        assert!(ParamList::with_capacity(0).add_form(b"a=%zz").is_err());
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
    fn protocol_names_are_recognized_whole_and_only_before_an_opening_quote() {
        use crate::sign::PROTOCOL;
        for spec in PROTOCOL {
            let at = |text: &str| protocol_name_at(text.as_bytes(), 2).map(|s| s.name);
            // A name alone: only itself.
            let named = |name: &str| protocol_name(name.as_bytes()).map(|s| s.name);
            assert_eq!(named(spec.name), Some(spec.name));
            assert_eq!(named(&alloc::format!("{}x", spec.name)), None);
            assert_eq!(named(&spec.name[..spec.name.len() - 1]), None);
            assert_eq!(
                at(&alloc::format!(", {}=\"v\"", spec.name)),
                Some(spec.name)
            );
            // Not followed by `="`, longer, shorter, another case: read the slow way.
            for other in [
                alloc::format!(", {} =\"v\"", spec.name),
                alloc::format!(", {}=v", spec.name),
                alloc::format!(", {}x=\"v\"", spec.name),
                alloc::format!(", {}=\"", &spec.name[..spec.name.len() - 1]),
                alloc::format!(", {}=\"v\"", spec.name.to_uppercase()),
                alloc::format!(", {}", spec.name),
            ] {
                assert_eq!(at(&other), None, "{other}");
            }
        }
        // The word-wise comparison against the byte-wise one, at every length.
        let text = b"oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\"";
        for n in 0..=text.len() {
            for end in 0..=text.len() {
                let piece = &text[..n];
                let mut other = text[..end].to_vec();
                if let Some(b) = other.get_mut(n.saturating_sub(1)) {
                    *b ^= 1;
                }
                for t in [&text[..end], &other[..]] {
                    assert_eq!(
                        starts_with_short(t, piece),
                        t.starts_with(piece),
                        "{n} {end}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_scheme_test_agrees_with_a_case_blind_comparison() {
        // Every printable byte in each of the five places, the others the
        // scheme's letters, and what may follow it.
        let reference = |v: &str| {
            let v = v.trim_start_matches([' ', '\t']).as_bytes();
            v.get(..5).is_some_and(|s| s.eq_ignore_ascii_case(b"OAuth"))
                && v.get(5).is_none_or(|&b| b == b' ' || b == b'\t')
        };
        for place in 0..5 {
            for b in 0x20u8..0x7F {
                let mut scheme = *b"oAuTh";
                scheme[place] = b;
                for (lead, tail) in [("", ""), (" \t", " x"), ("", "\tx"), ("", "x"), ("", "=")] {
                    let value =
                        alloc::format!("{lead}{}{tail}", core::str::from_utf8(&scheme).unwrap());
                    assert_eq!(is_oauth_scheme(&value), reference(&value), "{value:?}");
                }
            }
        }
        assert!(!is_oauth_scheme("OAut"));
        assert!(!is_oauth_scheme(""));
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
