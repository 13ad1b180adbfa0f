//! `cargo xtask`: the project's chores.

use std::path::PathBuf;
use std::process::ExitCode;

use xtask::vectors::{self, Filter};

mod bench;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  vectors [--dir DIR] [--suite NAME]
      Run every conformance vector file (*.json) under DIR (default:
      tests/vectors), recursively; --suite keeps only the named suite.
      Exits non-zero when any vector fails, a file does not parse, an id is
      repeated, a vector has no source, or a kind is unknown.
  bench [--no-run] [--instructions] [--interleaved] [--placements] [-- CRITERION-OPTIONS]
      Run the benchmarks of crates/bench (OAuth 1 W1-W3 signing and
      verification against the bare HMAC floor and oauth1-request; OAuth 2
      messages against the oauth2 crate) and print one table of medians and
      ratios from that run; --no-run prints it from the last run's results;
      --instructions counts instructions per signature under valgrind's
      callgrind instead; --interleaved times the OAuth 1 implementations in
      turn, in batches of about 2 ms, 100 rounds, and prints the medians of
      the rounds' ratios (steadier where the machine's load comes and goes);
      --placements does that for eight builds that place the same code at
      different addresses, and prints each ratio's median over them with
      its least and greatest (timings move with where the code lands).
  fuzz [--seconds N] [--sanitizer NAME] [--dev] [TARGET]
      Build the libFuzzer targets in fuzz/ (installing cargo-fuzz if it is
      missing) and run TARGET, or every target, for N seconds each (default
      10), seeded from the vector files. Exits non-zero on any crash.
      --sanitizer address adds AddressSanitizer (default: none); --dev
      builds without optimizations (a quicker smoke run).";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("vectors") => run_vectors(&args[1..]),
        Some("bench") => run_bench(&args[1..]),
        Some("fuzz") => run_fuzz(&args[1..]),
        Some("-h" | "--help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => usage_error(&format!("unknown command `{other}`")),
        None => usage_error("no command given"),
    }
}

fn run_vectors(args: &[String]) -> ExitCode {
    let mut dir = xtask::project_root().join("tests/vectors");
    let mut filter = Filter::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--dir", Some(value)) => dir = PathBuf::from(value),
            ("--suite", Some(value)) => filter.suite = Some(value.clone()),
            ("--dir" | "--suite", None) => return usage_error(&format!("{arg} needs a value")),
            _ => return usage_error(&format!("unknown argument `{arg}`")),
        }
    }
    let report = vectors::run_dir(&dir, &filter);
    print!("{report}");
    if report.is_success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn run_fuzz(args: &[String]) -> ExitCode {
    let options = match xtask::fuzz::Options::parse(args) {
        Ok(options) => options,
        Err(message) => return usage_error(&message),
    };
    match xtask::fuzz::run(&xtask::project_root(), &options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run_bench(args: &[String]) -> ExitCode {
    let options = match bench::Options::parse(args) {
        Ok(options) => options,
        Err(message) => return usage_error(&message),
    };
    match bench::run(&xtask::project_root(), &options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}\n\n{USAGE}");
    ExitCode::from(2)
}
