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
//!
//! ```text
//! harness interleaved WORKLOAD ROUNDS
//! ```
//!
//! times the implementations in turn, a batch of a few milliseconds each,
//! ROUNDS times over (`cargo xtask bench --interleaved` drives it), and
//! prints the medians and the median of each round's ratios: on a machine
//! whose load comes and goes, batches next to each other in time share it,
//! so a round's ratio holds where medians taken seconds apart do not.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use oauth1_request as o1;
use sansauth_bench::{
    floor_key, floor_sha1, kept_key, sign_header, signer, verify, verify_kept, w1, w2, w3,
};
use sansauth_oauth1::SignatureMethod;

#[path = "../peer/mod.rs"]
mod peer;

/// Which of the code placements `cargo xtask bench --placements` asked for
/// (`SANSAUTH_PLACEMENT` when the harness was built, 0 to 7).
const PLACEMENT: usize = match option_env!("SANSAUTH_PLACEMENT") {
    Some(digit) => match digit.as_bytes() {
        [d @ b'0'..=b'7'] => (*d - b'0') as usize,
        _ => 0,
    },
    None => 0,
};

/// Code whose length grows with [`PLACEMENT`], some sixteen bytes a step:
/// linked before the crates it measures, it moves all their code, so that
/// timings can be taken over several placements of the same code (a timing
/// moves with where loops and branches land).
#[inline(never)]
fn placement() {
    macro_rules! steps {
        ($($k:literal)*) => {$(
            if PLACEMENT > $k {
                black_box($k);
                black_box($k);
            }
        )*};
    }
    steps!(0 1 2 3 4 5 6);
}

fn main() -> ExitCode {
    placement();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [which, workload, n] = args.as_slice() else {
        eprintln!("usage: harness IMPL WORKLOAD N | harness interleaved WORKLOAD ROUNDS");
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
    if which == "interleaved" {
        // In the order `summary` reads them.
        let mut impls: [Call<'_>; 5] = [
            Box::new(|| sign_header(black_box(&ours), black_box(&w)).map_or(0, |h| h.len())),
            Box::new(|| floor_sha1(black_box(key.as_bytes()), black_box(base.as_bytes())).len()),
            Box::new(|| usize::from(verify_kept(black_box(&w), black_box(&header), &kept).is_ok())),
            Box::new(|| usize::from(verify(black_box(&w), black_box(&header)).is_ok())),
            Box::new(|| peer::header_sorted(black_box(&theirs), &w, black_box(&sorted)).len()),
        ];
        let rounds = interleaved(&mut impls, n);
        println!("{}", summary(workload, &rounds));
        return ExitCode::SUCCESS;
    }
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

/// One call of an implementation (its result, so that it is not optimized away).
type Call<'a> = Box<dyn FnMut() -> usize + 'a>;

/// Nanoseconds per call of each implementation, for each of `rounds` rounds
/// that time them in turn, a batch of about two milliseconds each.
fn interleaved(impls: &mut [Call<'_>], rounds: u32) -> Vec<Vec<f64>> {
    let mut sink = 0usize;
    // Batch sizes from a first timing of each (which also warms them up).
    let batches: Vec<u32> = impls
        .iter_mut()
        .map(|f| {
            let start = Instant::now();
            for _ in 0..1000 {
                sink = sink.wrapping_add(f());
            }
            let per_call = start.elapsed().as_secs_f64() / 1000.0;
            ((2e-3 / per_call) as u32).max(1)
        })
        .collect();
    let out = (0..rounds)
        .map(|_| {
            impls
                .iter_mut()
                .zip(&batches)
                .map(|(f, &batch)| {
                    let start = Instant::now();
                    for _ in 0..batch {
                        sink = sink.wrapping_add(f());
                    }
                    start.elapsed().as_secs_f64() * 1e9 / f64::from(batch)
                })
                .collect()
        })
        .collect();
    black_box(sink);
    out
}

/// The middle of `values` (the mean of the two middle ones for an even count).
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// One row of markdown: the medians of signing, the floor, verification
/// (key kept) and `oauth1-request` with sorted input, then the medians of
/// the rounds' ratios (signing ÷ floor, verification ÷ signing, kept and
/// afresh, signing ÷ `oauth1-request` sorted).
fn summary(workload: &str, rounds: &[Vec<f64>]) -> String {
    let column = |i: usize| median(rounds.iter().map(|r| r[i]).collect());
    let ratio = |a: usize, b: usize| median(rounds.iter().map(|r| r[a] / r[b]).collect());
    format!(
        "| {} | {:.0} ns | {:.0} ns | {:.0} ns | {:.0} ns | {:.2}× | {:.2}× | {:.2}× | {:.2}× |",
        workload.to_uppercase(),
        column(0),
        column(1),
        column(2),
        column(4),
        ratio(0, 1),
        ratio(2, 0),
        ratio(3, 0),
        ratio(0, 4),
    )
}
