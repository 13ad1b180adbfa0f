//! OAuth 2 messages against the `oauth2` crate: parsing a typical token
//! response, building an authorization-code token request, building an
//! authorization URL with PKCE.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use sansauth_bench::oauth2 as ours;

#[path = "../../bench/peer/mod.rs"]
mod peer;

use peer::oauth2_crate as theirs;

fn oauth2(c: &mut Criterion) {
    let our_client = ours::client();
    let their_client = theirs::client();
    assert!(ours::parse_token_response().is_ok());
    assert!(theirs::parse_token_response().is_some());
    assert!(theirs::token_request(&their_client).is_some());

    let mut g = c.benchmark_group("oauth2_token_response");
    g.bench_function("sansauth", |b| b.iter(ours::parse_token_response));
    g.bench_function("oauth2", |b| b.iter(theirs::parse_token_response));
    g.finish();

    let mut g = c.benchmark_group("oauth2_token_request");
    g.bench_function("sansauth", |b| {
        b.iter(|| ours::token_request(black_box(&our_client)))
    });
    g.bench_function("oauth2", |b| {
        b.iter(|| theirs::token_request(black_box(&their_client)))
    });
    g.finish();

    let mut g = c.benchmark_group("oauth2_authorize_url");
    g.bench_function("sansauth", |b| {
        b.iter(|| ours::authorization_url(black_box(&our_client)))
    });
    g.bench_function("oauth2", |b| {
        b.iter(|| theirs::authorization_url(black_box(&their_client)))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50);
    targets = oauth2
}
criterion_main!(benches);
