//! At most one heap allocation per signature on the header path: the
//! returned `Authorization` value. Counted with a global allocator, which is
//! deterministic (no timing is asserted anywhere).
//!
//! Why this lives here and why `unsafe` is allowed: a `GlobalAlloc` can only
//! be implemented with `unsafe impl`, and the workspace lint
//! `unsafe_code = "forbid"` (which the library crates take with
//! `[lints] workspace = true`) cannot be lifted by an `allow`. This crate,
//! never published, only denies `unsafe_code`, and this one test binary
//! allows it for the allocator below.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use sansauth_bench::{Workload, sign_header, signer, verify, workloads};
use sansauth_oauth1::SignatureMethod;

/// Counts the allocations of the current thread while counting is on.
struct Counting;

thread_local! {
    static ON: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

fn note() {
    // `try_with`: the thread-locals may be gone while a thread shuts down.
    let _ = ON.try_with(|on| {
        if on.get() {
            let _ = COUNT.try_with(|c| c.set(c.get() + 1));
        }
    });
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// bookkeeping touches only const-initialized thread-locals, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: the caller's contract is passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// How many allocations (and reallocations) `f` makes on this thread.
fn allocations<T>(f: impl FnOnce() -> T) -> (usize, T) {
    COUNT.with(|c| c.set(0));
    ON.with(|on| on.set(true));
    let out = f();
    ON.with(|on| on.set(false));
    (COUNT.with(Cell::get), out)
}

fn check(w: &Workload, method: SignatureMethod) {
    let signer = signer(method);
    // Once outside the count: nothing lazily initialized may hide in the number.
    let _ = sign_header(&signer, w).unwrap();
    let (n, header) = allocations(|| sign_header(&signer, w).unwrap());
    assert!(header.starts_with("OAuth "), "{header}");
    assert_eq!(verify(w, &header), Ok(()), "{} {method:?}", w.name);
    assert!(
        n <= 1,
        "{} {method:?}: {n} allocations for one signature (at most 1: the header)",
        w.name
    );
}

#[test]
fn the_counter_counts() {
    let (n, v) = allocations(|| vec![1u8; 10]);
    assert_eq!((n, v.len()), (1, 10));
}

#[test]
fn one_allocation_per_signature_hmac_sha1() {
    for w in workloads() {
        check(&w, SignatureMethod::HmacSha1);
    }
}

#[test]
fn one_allocation_per_signature_hmac_sha256() {
    for w in workloads() {
        check(&w, SignatureMethod::HmacSha256);
    }
}

/// `n` one-letter-valued parameters in the query, as few bytes as a
/// parameter takes, so that the request is short for how many it has.
fn short_parameters(n: usize) -> Workload {
    let pairs: Vec<(String, String)> = (0..n)
        .rev()
        .map(|i| (format!("p{i}"), "v".to_owned()))
        .collect();
    let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    Workload {
        name: "short parameters",
        method: "GET",
        url: format!("https://a.example/r?{}", query.join("&")),
        base_uri: "https://a.example/r",
        content_type: None,
        body: String::new(),
        pairs,
    }
}

#[test]
fn requests_with_more_parameters_than_their_length_suggests_still_allocate_once() {
    // Around each stack tier's size (8, 32 and 256 parameters): a tier
    // that turns out too small reads the request again into the next.
    for n in [7, 8, 9, 31, 32, 33, 100, 255, 256] {
        let w = short_parameters(n);
        let signer = signer(SignatureMethod::HmacSha1);
        let ours = w.base_string(&signer);
        // Every parameter is in what is signed (the protocol names sort first).
        assert_eq!(ours.matches("%26p").count(), n, "{n}: {ours}");
        check(&w, SignatureMethod::HmacSha1);
    }
}
