//! A small program for instruction counts under `valgrind --tool=callgrind`
//! (`cargo xtask bench --instructions` drives it):
//!
//! ```text
//! harness IMPL WORKLOAD N
//! ```
//!
//! signs WORKLOAD (`w1`, `w2`, `w3`) N times with HMAC-SHA1 by IMPL
//! (`sansauth`, `sansauth-verify`, `sansauth-verify-kept`, `floor`, `oauth1-request`,
//! `oauth1-request-sorted`). Running it for two values of N and dividing the
//! difference of the counts by the difference of the N gives the cost of one
//! signature, without the set-up.

use std::hint::black_box;
use std::process::ExitCode;

use oauth1_request as o1;
use sansauth_bench::{
    floor_key, floor_sha1, kept_key, sign_header, signer, verify, verify_kept, w1, w2, w3,
};
use sansauth_oauth1::SignatureMethod;

#[path = "../peer/mod.rs"]
mod peer;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [which, workload, n] = args.as_slice() else {
        eprintln!("usage: harness IMPL WORKLOAD N");
        return ExitCode::from(2);
    };
    let w = match workload.as_str() {
        "w1" => w1(),
        "w2" => w2(),
        "w3" => w3(),
        _ => {
            eprintln!("unknown workload {workload}");
            return ExitCode::from(2);
        }
    };
    let Ok(n) = n.parse::<u32>() else {
        eprintln!("N must be a number");
        return ExitCode::from(2);
    };
    let ours = signer(SignatureMethod::HmacSha1);
    let header = sign_header(&ours, &w).expect("the workload signs");
    let base = w.base_string(&ours);
    let kept = kept_key(SignatureMethod::HmacSha1);
    let key = floor_key();
    let theirs = peer::builder(o1::HmacSha1::new());
    let pairs = peer::borrowed_pairs(&w);
    let mut scratch = Vec::with_capacity(pairs.len());
    let sorted = o1::ParameterList::new(pairs.clone());
    let mut total = 0usize;
    for _ in 0..n {
        total += match which.as_str() {
            "sansauth" => sign_header(black_box(&ours), black_box(&w)).map_or(0, |h| h.len()),
            "sansauth-verify" => usize::from(verify(black_box(&w), black_box(&header)).is_ok()),
            "sansauth-verify-kept" => {
                usize::from(verify_kept(black_box(&w), black_box(&header), &kept).is_ok())
            }
            "floor" => floor_sha1(black_box(key.as_bytes()), black_box(base.as_bytes())).len(),
            "oauth1-request" => {
                peer::header_unsorted(black_box(&theirs), &w, black_box(&pairs), &mut scratch).len()
            }
            "oauth1-request-sorted" => {
                peer::header_sorted(black_box(&theirs), &w, black_box(&sorted)).len()
            }
            _ => {
                eprintln!("unknown implementation {which}");
                return ExitCode::from(2);
            }
        };
    }
    println!("{total}");
    ExitCode::SUCCESS
}
