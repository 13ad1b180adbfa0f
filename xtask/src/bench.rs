//! `cargo xtask bench`: runs the criterion benchmarks of `crates/bench` and
//! prints one table of medians and ratios, every number from the same run;
//! `--instructions` counts instructions per signature under callgrind;
//! `--interleaved` times the OAuth 1 implementations in turn, in short
//! batches, and prints the medians of each round's ratios; `--placements`
//! does that over eight placements of the same code in the binary.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What `cargo xtask bench` was asked to do.
#[derive(Debug, Default)]
pub(crate) struct Options {
    /// Count instructions with callgrind instead of timing.
    instructions: bool,
    /// Time the implementations in turn, in short batches, instead of
    /// running criterion.
    interleaved: bool,
    /// Interleaved timings over several placements of the code.
    placements: bool,
    /// Only print the table from the results already on disk.
    no_run: bool,
    /// Passed on to the benchmarks (criterion's own options).
    criterion_args: Vec<String>,
}

impl Options {
    pub(crate) fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Self::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--instructions" => options.instructions = true,
                "--interleaved" => options.interleaved = true,
                "--placements" => options.placements = true,
                "--no-run" => options.no_run = true,
                "--" => options.criterion_args.extend(args.by_ref().cloned()),
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        Ok(options)
    }
}

/// The cargo target directory: `CARGO_TARGET_DIR`, or `target` at the root.
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

pub(crate) fn run(root: &Path, options: &Options) -> Result<(), String> {
    if options.instructions {
        return instructions(root);
    }
    if options.interleaved {
        return interleaved(root);
    }
    if options.placements {
        return placements(root);
    }
    let criterion = target_dir(root).join("criterion");
    if !options.no_run {
        let status = cargo()
            .current_dir(root)
            .env("CRITERION_HOME", &criterion)
            .args([
                "bench",
                "-p",
                "sansauth-bench",
                "--bench",
                "oauth1",
                "--bench",
                "oauth2",
                "--",
            ])
            .args(&options.criterion_args)
            .status()
            .map_err(|e| format!("cannot run cargo bench: {e}"))?;
        if !status.success() {
            return Err(format!("cargo bench failed ({status})"));
        }
    }
    print!("{}", table(&criterion)?);
    Ok(())
}

/// The median, in nanoseconds, criterion recorded for `group/function`.
fn median(criterion: &Path, group: &str, function: &str) -> Option<f64> {
    let path = criterion
        .join(group)
        .join(function)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json.pointer("/median/point_estimate")?.as_f64()
}

fn time(ns: Option<f64>) -> String {
    match ns {
        None => "—".to_owned(),
        Some(ns) if ns >= 1000.0 => format!("{:.2} µs", ns / 1000.0),
        Some(ns) => format!("{ns:.0} ns"),
    }
}

fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}×", a / b),
        _ => "—".to_owned(),
    }
}

/// The table of every workload's medians and ratios.
fn table(criterion: &Path) -> Result<String, String> {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| workload | sansauth | floor | ÷ floor | peer | ÷ peer | peer, sorted input | ÷ peer sorted |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|");
    let mut found = false;
    for w in ["w1", "w2", "w3"] {
        for (tag, method) in [("sha1", "HMAC-SHA1"), ("sha256", "HMAC-SHA256")] {
            let group = format!("{w}_{tag}");
            let m = |f: &str| median(criterion, &group, f);
            let (ours, floor) = (m("sansauth"), m("floor"));
            let (peer, sorted) = (m("oauth1-request"), m("oauth1-request-sorted"));
            found |= ours.is_some();
            let _ = writeln!(
                out,
                "| {} sign, {method} | {} | {} | {} | {} (oauth1-request) | {} | {} | {} |",
                w.to_uppercase(),
                time(ours),
                time(floor),
                ratio(ours, floor),
                time(peer),
                ratio(ours, peer),
                time(sorted),
                ratio(ours, sorted),
            );
            for (function, how) in [
                ("sansauth-verify-kept", "key kept"),
                ("sansauth-verify", "keyed afresh"),
            ] {
                let verify = m(function);
                let _ = writeln!(
                    out,
                    "| {} verify ({how}), {method} | {} | {} (our signing) | {} | | | | |",
                    w.to_uppercase(),
                    time(verify),
                    time(ours),
                    ratio(verify, ours),
                );
            }
        }
    }
    for n in [20, 40] {
        let group = format!("orders_{n}");
        let (many, one) = (
            median(criterion, &group, "64 orders"),
            median(criterion, &group, "one order"),
        );
        let _ = writeln!(
            out,
            "| {n} query parameters in a new order each call, sign | {} | {} (one order) | {} | | | | |",
            time(many),
            time(one),
            ratio(many, one),
        );
    }
    for (group, what) in [
        ("oauth2_token_response", "OAuth 2 token response parse"),
        ("oauth2_token_request", "OAuth 2 token request build"),
        ("oauth2_authorize_url", "OAuth 2 authorization URL + PKCE"),
    ] {
        let ours = median(criterion, group, "sansauth");
        let peer = median(criterion, group, "oauth2");
        found |= ours.is_some();
        let _ = writeln!(
            out,
            "| {what} | {} | | | {} (oauth2) | {} | | |",
            time(ours),
            time(peer),
            ratio(ours, peer),
        );
    }
    if !found {
        return Err(format!(
            "no benchmark results under {} (run without --no-run)",
            criterion.display()
        ));
    }
    Ok(out)
}

/// Builds the harness (`crates/bench/examples/harness.rs`) and returns its path.
fn harness(root: &Path) -> Result<PathBuf, String> {
    harness_at(root, 0)
}

/// Builds the harness with its code placed by `placement` (0 to 7: see
/// `placement` in the harness) and returns its path.
fn harness_at(root: &Path, placement: u8) -> Result<PathBuf, String> {
    let status = cargo()
        .current_dir(root)
        .env("SANSAUTH_PLACEMENT", placement.to_string())
        .args([
            "build",
            "--release",
            "-p",
            "sansauth-bench",
            "--example",
            "harness",
        ])
        .status()
        .map_err(|e| format!("cannot run cargo build: {e}"))?;
    if !status.success() {
        return Err(format!("building the harness failed ({status})"));
    }
    Ok(target_dir(root).join("release/examples/harness"))
}

/// W1–W3 with HMAC-SHA1, each implementation timed in turn in batches of
/// about two milliseconds, 100 rounds: medians, and the medians of the
/// rounds' ratios.
fn interleaved(root: &Path) -> Result<(), String> {
    let harness = harness(root)?;
    println!(
        "| workload (HMAC-SHA1) | sign | floor | verify (key kept) | oauth1-request, sorted input | sign ÷ floor | verify (kept) ÷ sign | verify (afresh) ÷ sign | sign ÷ oauth1-request sorted |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for w in ["w1", "w2", "w3"] {
        print!("{}", interleaved_row(&harness, w, 100)?);
    }
    Ok(())
}

/// The harness's interleaved table for `w` (one row), `rounds` rounds.
fn interleaved_row(harness: &Path, w: &str, rounds: u32) -> Result<String, String> {
    let output = Command::new(harness)
        .args(["interleaved", w, &rounds.to_string()])
        .output()
        .map_err(|e| format!("cannot run the harness: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "the harness failed on {w}: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The ratio columns of an interleaved row (`1.27×` cells), in order.
fn ratios(row: &str) -> Vec<f64> {
    row.split('|')
        .filter_map(|cell| cell.trim().strip_suffix('×')?.parse().ok())
        .collect()
}

/// W1–W3 with HMAC-SHA1, interleaved as by [`interleaved`], over eight
/// builds of the harness that place the same code at different addresses:
/// each ratio's median over the placements, and its least and greatest.
/// The builds take turns, several times over, and a placement's ratio is
/// the least of its turns: another tenant of the machine's cores slows our
/// code by up to a half and the floor's chain of SHA instructions by a
/// tenth, so the least is the one taken when the machine was quietest.
fn placements(root: &Path) -> Result<(), String> {
    const PLACEMENTS: u8 = 8;
    const TURNS: usize = 6;
    let mut harnesses = Vec::new();
    for p in 0..PLACEMENTS {
        let built = harness_at(root, p)?;
        let kept = built.with_file_name(format!("harness-placement-{p}"));
        std::fs::copy(&built, &kept).map_err(|e| format!("cannot keep the harness: {e}"))?;
        harnesses.push(kept);
    }
    // Leave the usual harness built.
    harness(root)?;
    println!(
        "| workload (HMAC-SHA1) | sign ÷ floor | verify (kept) ÷ sign | verify (afresh) ÷ sign | sign ÷ oauth1-request sorted |"
    );
    println!("|---|---:|---:|---:|---:|");
    for w in ["w1", "w2", "w3"] {
        // For each placement, each ratio column's least over the turns.
        let mut least = vec![[f64::MAX; 4]; harnesses.len()];
        for _ in 0..TURNS {
            for (harness, columns) in harnesses.iter().zip(&mut least) {
                let row = ratios(&interleaved_row(harness, w, 20)?);
                if row.len() != 4 {
                    return Err(format!("unexpected row from the harness: {row:?}"));
                }
                for (column, r) in columns.iter_mut().zip(row) {
                    *column = column.min(r);
                }
            }
        }
        let mut line = format!("| {} |", w.to_uppercase());
        for c in 0..4 {
            let mut per_placement: Vec<f64> = least.iter().map(|columns| columns[c]).collect();
            per_placement.sort_by(f64::total_cmp);
            // The lower middle one for an even count.
            let at = |i: usize| per_placement.get(i).copied().unwrap_or(f64::NAN);
            let (median, low, high) = (
                at(per_placement.len().saturating_sub(1) / 2),
                at(0),
                at(per_placement.len().saturating_sub(1)),
            );
            let _ = write!(line, " {median:.2}× ({low:.2}–{high:.2}) |");
        }
        println!("{line}");
    }
    Ok(())
}

/// Instructions per HMAC-SHA1 signature of W1–W3, ours against
/// `oauth1-request`, from two callgrind runs of the harness each.
fn instructions(root: &Path) -> Result<(), String> {
    let harness = harness(root)?;
    let (low, high) = (50u64, 550u64);
    let count = |which: &str, w: &str, n: u64| -> Result<u64, String> {
        let out_file = std::env::temp_dir().join(format!(
            "sansauth-callgrind-{}-{which}-{w}-{n}",
            std::process::id()
        ));
        let output = Command::new("valgrind")
            .arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", out_file.display()))
            .arg(&harness)
            .args([which, w, &n.to_string()])
            .output()
            .map_err(|e| format!("cannot run valgrind (is it installed?): {e}"))?;
        let _ = std::fs::remove_file(&out_file);
        if !output.status.success() {
            return Err(format!(
                "callgrind run of {which} {w} failed: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        stderr
            .lines()
            .find_map(|l| {
                l.split_once("Collected :")
                    .map(|(_, n)| n.trim().to_owned())
            })
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| format!("no instruction count in callgrind's output:\n{stderr}"))
    };
    let per_call = |which: &str, w: &str| -> Result<f64, String> {
        let (a, b) = (count(which, w, low)?, count(which, w, high)?);
        Ok(b.saturating_sub(a) as f64 / (high - low) as f64)
    };
    println!(
        "| workload (HMAC-SHA1) | sansauth | floor | oauth1-request | oauth1-request, sorted input | sansauth ÷ oauth1-request | ÷ sorted |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for w in ["w1", "w2", "w3"] {
        let ours = per_call("sansauth", w)?;
        let floor = per_call("floor", w)?;
        let peer = per_call("oauth1-request", w)?;
        let sorted = per_call("oauth1-request-sorted", w)?;
        println!(
            "| {} | {ours:.0} | {floor:.0} | {peer:.0} | {sorted:.0} | {:.2}× | {:.2}× |",
            w.to_uppercase(),
            ours / peer,
            ours / sorted,
        );
    }
    Ok(())
}
