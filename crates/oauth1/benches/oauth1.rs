//! OAuth 1 signing and verification of W1–W3 against the floor and
//! `oauth1-request`, each workload in one criterion group so that every row
//! of `cargo xtask bench` is measured in the same run; and signing with the
//! query parameters in a new order on each call, against one order every
//! time (a sort whose branches the processor learns on one order would
//! show it there).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use oauth1_request as o1;
use sansauth_bench::{
    Workload, floor_key, floor_sha1, floor_sha256, kept_key, sign_header, signer, verify,
    verify_kept,
};
use sansauth_oauth1::SignatureMethod;

#[path = "../../bench/peer/mod.rs"]
mod peer;

fn group<SM: o1::signature_method::SignatureMethod + Clone>(
    c: &mut Criterion,
    w: &Workload,
    method: SignatureMethod,
    peer_method: SM,
    floor: fn(&[u8], &[u8]) -> String,
) {
    let tag = match method {
        SignatureMethod::HmacSha1 => "sha1",
        _ => "sha256",
    };
    let ours = signer(method);
    let base = w.base_string(&ours);
    let key = floor_key();
    let header = sign_header(&ours, w).expect("the workload signs");
    verify(w, &header).expect("our header verifies");
    let kept = kept_key(method);
    verify_kept(w, &header, &kept).expect("our header verifies with a kept key");
    let theirs = peer::builder(peer_method);
    let pairs = peer::borrowed_pairs(w);
    let mut scratch = Vec::with_capacity(pairs.len());
    let sorted = o1::ParameterList::new(pairs.clone());

    let mut g = c.benchmark_group(format!("{}_{tag}", w.name.to_lowercase()));
    g.bench_function("sansauth", |b| {
        b.iter(|| sign_header(black_box(&ours), black_box(w)))
    });
    g.bench_function("sansauth-verify", |b| {
        b.iter(|| verify(black_box(w), black_box(&header)))
    });
    g.bench_function("sansauth-verify-kept", |b| {
        b.iter(|| verify_kept(black_box(w), black_box(&header), black_box(&kept)))
    });
    g.bench_function("floor", |b| {
        b.iter(|| floor(black_box(key.as_bytes()), black_box(base.as_bytes())))
    });
    g.bench_function("oauth1-request", |b| {
        b.iter(|| peer::header_unsorted(black_box(&theirs), w, black_box(&pairs), &mut scratch))
    });
    g.bench_function("oauth1-request-sorted", |b| {
        b.iter(|| peer::header_sorted(black_box(&theirs), w, black_box(&sorted)))
    });
    g.finish();
}

/// Signing `n` query parameters that arrive in one order every time, and in
/// a different order each time (64 orders in turn).
fn orders(c: &mut Criterion) {
    let ours = signer(SignatureMethod::HmacSha1);
    for n in [20, 40] {
        let ws = sansauth_bench::reorderings(n, 64);
        let mut g = c.benchmark_group(format!("orders_{n}"));
        g.bench_function("one order", |b| {
            b.iter(|| sign_header(black_box(&ours), black_box(&ws[0])))
        });
        let mut i = 0;
        g.bench_function("64 orders", |b| {
            b.iter(|| {
                i = (i + 1) % ws.len();
                sign_header(black_box(&ours), black_box(&ws[i]))
            })
        });
        g.finish();
    }
}

fn oauth1(c: &mut Criterion) {
    for w in sansauth_bench::workloads() {
        group(
            c,
            &w,
            SignatureMethod::HmacSha1,
            o1::HmacSha1::new(),
            floor_sha1,
        );
        group(
            c,
            &w,
            SignatureMethod::HmacSha256,
            peer::HmacSha256,
            floor_sha256,
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50);
    targets = oauth1, orders
}
criterion_main!(benches);
