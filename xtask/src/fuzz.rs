//! `cargo xtask fuzz`: builds the libFuzzer targets in `fuzz/` and runs each
//! for a while, seeded from the conformance vectors.
//!
//! The targets are a crate of their own (`fuzz/Cargo.toml`, outside the
//! workspace) driven by `cargo fuzz`, which is installed from crates.io when
//! missing. `cargo fuzz` asks rustc for unstable flags; on a stable toolchain
//! `RUSTC_BOOTSTRAP=1` allows them for this build only.
//!
//! The targets are built without a sanitizer by default: the project's crates
//! forbid `unsafe`, so what the fuzzer looks for is a panic (which libFuzzer
//! reports as a crash), an endless loop or unbounded memory. `--sanitizer
//! address` builds with AddressSanitizer as well, for the dependencies'
//! `unsafe` code (slower to build and to run).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Every fuzz target, as named in `fuzz/Cargo.toml`.
pub const TARGETS: [&str; 12] = [
    "oauth1_authorization_header",
    "oauth1_credentials_response",
    "oauth1_callback",
    "oauth1_verify",
    "oauth1_sign_verify",
    "oauth2_callback",
    "oauth2_token_response",
    "oauth2_www_authenticate",
    "oauth2_token_request",
    "profile_toml",
    "token_store",
    "sandbox_handle",
];

/// Seconds each target runs when `--seconds` is not given.
pub const DEFAULT_SECONDS: u64 = 10;

/// What `cargo xtask fuzz` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// How long each target runs.
    pub seconds: u64,
    /// One target, or all of them.
    pub target: Option<String>,
    /// `none` (the default) or a sanitizer `cargo fuzz` knows (`address`, ...).
    pub sanitizer: String,
    /// Build without optimizations (`cargo fuzz --dev`): quicker to build,
    /// slower to run; enough for a smoke run.
    pub dev: bool,
}

impl Options {
    /// Reads `[--seconds N] [--sanitizer NAME] [--dev] [TARGET]`.
    ///
    /// # Errors
    ///
    /// A message for an unknown argument, a bad number or an unknown target.
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Self {
            seconds: DEFAULT_SECONDS,
            target: None,
            sanitizer: "none".to_owned(),
            dev: false,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--seconds" => {
                    let value = args.next().ok_or("--seconds needs a value")?;
                    options.seconds =
                        value.parse().ok().filter(|&s| s > 0).ok_or_else(|| {
                            format!("--seconds: `{value}` is not a positive number")
                        })?;
                }
                "--dev" => options.dev = true,
                "--sanitizer" => {
                    options.sanitizer = args.next().ok_or("--sanitizer needs a value")?.clone();
                }
                name if !name.starts_with('-') && options.target.is_none() => {
                    if !TARGETS.contains(&name) {
                        return Err(format!(
                            "unknown fuzz target `{name}` (targets: {})",
                            TARGETS.join(", ")
                        ));
                    }
                    options.target = Some(name.to_owned());
                }
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        Ok(options)
    }

    fn targets(&self) -> Vec<&str> {
        match &self.target {
            Some(t) => vec![t.as_str()],
            None => TARGETS.to_vec(),
        }
    }
}

/// Installs `cargo fuzz` if needed, writes the seeds, builds the targets and
/// runs each one; returns an error naming the first step or target that failed.
///
/// # Errors
///
/// What failed, as a sentence.
pub fn run(root: &Path, options: &Options) -> Result<(), String> {
    ensure_cargo_fuzz()?;
    let fuzz_dir = root.join("fuzz");
    let seeds = write_seeds(root, &fuzz_dir.join("corpus"))
        .map_err(|e| format!("writing the seed corpora: {e}"))?;
    for target in TARGETS {
        println!("seeds for {target}: {}", seeds.count(target));
    }
    let mut flags = vec!["--sanitizer", options.sanitizer.as_str()];
    if options.dev {
        flags.push("--dev");
    }
    let mut build = cargo_fuzz(root);
    build.arg("build").args(&flags);
    if let Some(target) = &options.target {
        build.arg(target);
    }
    status(&mut build, "building the fuzz targets")?;
    let logs = fuzz_dir.join("logs");
    fs::create_dir_all(&logs).map_err(|e| format!("creating {}: {e}", logs.display()))?;
    let mut failed = Vec::new();
    for target in options.targets() {
        println!("==> fuzzing {target} for {} s", options.seconds);
        let corpus = fuzz_dir.join("corpus").join(target);
        let log_path = logs.join(format!("{target}.log"));
        let log = fs::File::create(&log_path)
            .and_then(|f| Ok((f.try_clone()?, f)))
            .map_err(|e| format!("creating {}: {e}", log_path.display()))?;
        let mut run = cargo_fuzz(root);
        run.arg("run")
            .args(&flags)
            .arg(target)
            .arg(&corpus)
            .arg("--")
            .arg(format!("-max_total_time={}", options.seconds))
            // An input that takes ten seconds is a bug (an endless loop).
            .arg("-timeout=10")
            .arg("-rss_limit_mb=2048")
            .arg("-print_final_stats=1")
            .stdout(log.0)
            .stderr(log.1);
        let outcome = status(&mut run, &format!("fuzzing {target}"));
        let text = fs::read_to_string(&log_path).unwrap_or_default();
        match outcome {
            Ok(()) => println!("    {}", summary(&text)),
            Err(e) => {
                for line in failure_excerpt(&text) {
                    println!("    | {line}");
                }
                println!("    {e}; the whole log is {}", log_path.display());
                failed.push(target);
            }
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "fuzz targets failed: {} (the crashing inputs are under fuzz/artifacts/)",
            failed.join(", ")
        ))
    }
}

/// libFuzzer's closing line (`Done N runs in S second(s)`) and how many new
/// inputs it kept.
fn summary(log: &str) -> String {
    let done = log
        .lines()
        .rev()
        .find(|l| l.starts_with("Done "))
        .unwrap_or("no `Done` line: see the log");
    let added = log
        .lines()
        .find_map(|l| l.strip_prefix("stat::new_units_added:"))
        .map_or(String::new(), |n| format!(", {} new inputs", n.trim()));
    format!("{done}{added}")
}

/// From a failed run's log: the panic and its message, libFuzzer's verdict,
/// where the crashing input was written and how to run it again (or the
/// log's last lines when none of these are there).
fn failure_excerpt(log: &str) -> Vec<&str> {
    let lines: Vec<&str> = log.lines().collect();
    let mut out = Vec::new();
    if let Some(i) = lines.iter().position(|l| l.contains("panicked at")) {
        out.extend(lines.iter().skip(i).take(3));
    }
    out.extend(lines.iter().filter(|l| {
        l.starts_with("SUMMARY:")
            || l.contains("Test unit written to")
            || l.trim_start().starts_with("cargo fuzz run")
    }));
    if out.is_empty() {
        out.extend(&lines[lines.len().saturating_sub(20)..]);
    }
    out
}

/// `cargo fuzz` with the environment a stable toolchain needs.
fn cargo_fuzz(root: &Path) -> Command {
    let mut command = Command::new(cargo());
    command
        .arg("fuzz")
        .current_dir(root)
        .env("RUSTC_BOOTSTRAP", "1");
    command
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

fn status(command: &mut Command, what: &str) -> Result<(), String> {
    match command.status() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("{what} failed ({s})")),
        Err(e) => Err(format!("{what}: could not start cargo: {e}")),
    }
}

/// Installs `cargo-fuzz` from crates.io unless `cargo fuzz` already runs.
fn ensure_cargo_fuzz() -> Result<(), String> {
    let installed = Command::new(cargo())
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if installed {
        return Ok(());
    }
    println!("cargo-fuzz is not installed: installing it from crates.io");
    status(
        Command::new(cargo()).args(["install", "cargo-fuzz", "--locked"]),
        "cargo install cargo-fuzz",
    )
}

/// The seed inputs written, per target.
#[derive(Debug, Default)]
pub struct Seeds {
    by_target: Vec<(&'static str, BTreeSet<Vec<u8>>)>,
}

impl Seeds {
    fn add(&mut self, target: &'static str, input: impl Into<Vec<u8>>) {
        debug_assert!(TARGETS.contains(&target));
        let input = input.into();
        match self.by_target.iter_mut().find(|(t, _)| *t == target) {
            Some((_, set)) => {
                set.insert(input);
            }
            None => self.by_target.push((target, BTreeSet::from([input]))),
        }
    }

    /// How many distinct seeds `target` has.
    #[must_use]
    pub fn count(&self, target: &str) -> usize {
        self.by_target
            .iter()
            .find(|(t, _)| *t == target)
            .map_or(0, |(_, set)| set.len())
    }

    /// The seeds of `target`.
    pub fn inputs(&self, target: &str) -> impl Iterator<Item = &[u8]> {
        self.by_target
            .iter()
            .filter(move |(t, _)| *t == target)
            .flat_map(|(_, set)| set.iter().map(Vec::as_slice))
    }
}

/// Collects seeds from the vector files under `tests/vectors`, the built-in
/// provider profiles and a few token files, and writes each target's into
/// `corpus/<target>/seed-<hash>` (an existing corpus is added to, not replaced).
///
/// # Errors
///
/// An unreadable vector file or profile, or a failed write.
pub fn write_seeds(root: &Path, corpus: &Path) -> io::Result<Seeds> {
    let seeds = collect_seeds(root)?;
    for target in TARGETS {
        let dir = corpus.join(target);
        fs::create_dir_all(&dir)?;
        for input in seeds.inputs(target) {
            fs::write(dir.join(format!("seed-{:016x}", fnv1a(input))), input)?;
        }
    }
    Ok(seeds)
}

/// The seeds, without writing them.
///
/// # Errors
///
/// An unreadable vector file or profile.
pub fn collect_seeds(root: &Path) -> io::Result<Seeds> {
    let mut seeds = Seeds::default();
    for path in files(&root.join("tests/vectors"), "json")? {
        let text = fs::read_to_string(&path)?;
        // A file that does not parse is `cargo xtask vectors`' to report.
        let Ok(file) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        for vector in file["vectors"].as_array().into_iter().flatten() {
            seeds_of_vector(vector, &mut seeds);
        }
    }
    for path in files(&root.join("crates/providers/profiles"), "toml")? {
        let text = fs::read_to_string(&path)?;
        let profile = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        sandbox_seeds(profile, &text, &mut seeds);
        seeds.add("profile_toml", text);
    }
    token_file_seeds(&mut seeds);
    Ok(seeds)
}

/// The files with this extension directly in `dir`, sorted.
fn files(dir: &Path, extension: &str) -> io::Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect();
    out.sort();
    Ok(out)
}

fn seeds_of_vector(vector: &Value, seeds: &mut Seeds) {
    let input = &vector["input"];
    let expect = &vector["expect"];
    let s = |name: &str| input[name].as_str().unwrap_or("").to_owned();
    let kind = vector["kind"].as_str().unwrap_or("");
    // A signed request's header is both a header to parse and a request to verify.
    for header in [&input["authorization"], &expect["authorization"]] {
        if let Some(h) = header.as_str().filter(|h| h.starts_with("OAuth")) {
            seeds.add("oauth1_authorization_header", h);
        }
    }
    match kind {
        "oauth1.parse_authorization" => seeds.add("oauth1_authorization_header", s("header")),
        "oauth1.parse_credentials" => seeds.add("oauth1_credentials_response", s("body")),
        "oauth1.verify_request" => {
            let now = input["now"].as_u64().unwrap_or(0);
            seeds.add(
                "oauth1_verify",
                lines(&[
                    &now.to_string(),
                    &s("method"),
                    &s("url"),
                    &s("content_type"),
                    &s("authorization"),
                    &s("consumer_secret"),
                    &s("token_secret"),
                    &s("body"),
                ]),
            );
        }
        "oauth1.sign_request" | "provider.signed_request" => {
            if kind == "oauth1.sign_request" {
                let placement = input["placement"].as_str().unwrap_or("header");
                seeds.add(
                    "oauth1_sign_verify",
                    lines(&[
                        placement,
                        &s("method"),
                        &s("url"),
                        &s("content_type"),
                        &s("body"),
                    ]),
                );
            }
            let token = s("token");
            let verifier = s("verifier");
            if !token.is_empty() || !verifier.is_empty() {
                let mut callback = String::from("http://client.example.net/cb?oauth_token=");
                callback.push_str(&form(&token));
                callback.push_str("&oauth_verifier=");
                callback.push_str(&form(&verifier));
                seeds.add("oauth1_callback", lines(&[&token, &callback]));
            }
            if let Some(authorization) = expect["authorization"].as_str() {
                let url = expect["url"]
                    .as_str()
                    .map_or_else(|| s("url"), str::to_owned);
                seeds.add(
                    "oauth1_verify",
                    lines(&[
                        &s("timestamp"),
                        &s("method"),
                        &url,
                        &s("content_type"),
                        authorization,
                        &s("consumer_secret"),
                        &s("token_secret"),
                        &s("body"),
                    ]),
                );
            }
        }
        "oauth2.parse_callback" | "oauth2.parse_fragment" => {
            let url = s("url");
            seeds.add("oauth2_callback", lines(&[&s("expected_state"), &url]));
            // The same query, as an OAuth 1 callback would carry it.
            seeds.add("oauth1_callback", lines(&["", &url]));
        }
        "oauth2.token_response"
        | "provider.token_response"
        | "oauth2.revocation_response"
        | "oauth2.device_authorization_response"
        | "oauth2.introspection_response" => {
            let status = input["status"].as_u64().unwrap_or(200);
            seeds.add(
                "oauth2_token_response",
                lines(&[&status.to_string(), &s("content_type"), &s("body")]),
            );
        }
        "oauth2.www_authenticate" => seeds.add("oauth2_www_authenticate", s("header")),
        "oauth2.parse_token_request" => {
            let method = input["method"].as_str().unwrap_or("POST");
            let content_type = input["content_type"]
                .as_str()
                .unwrap_or("application/x-www-form-urlencoded");
            let mut head = format!("{method}\nContent-Type: {content_type}\n");
            for pair in input["headers"].as_array().into_iter().flatten() {
                let _ = writeln!(
                    head,
                    "{}: {}",
                    pair[0].as_str().unwrap_or(""),
                    pair[1].as_str().unwrap_or("")
                );
            }
            head.push('\n');
            head.push_str(&s("body"));
            seeds.add("oauth2_token_request", head);
        }
        "oauth2.bearer_header" => {
            if let Some(h) = expect["authorization"].as_str() {
                seeds.add("oauth2_www_authenticate", h);
            }
        }
        _ => {}
    }
}

/// Requests to each endpoint of a built-in profile, as the sandbox serves it
/// (under `/<profile>/`, with the endpoint's path).
fn sandbox_seeds(profile: &str, toml: &str, seeds: &mut Seeds) {
    const FORM: &str = "Content-Type: application/x-www-form-urlencoded";
    for line in toml.lines() {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim().trim_matches('"'));
        if !key.ends_with("endpoint") && key != "api_base_url" {
            continue;
        }
        let Ok(url) = url::Url::parse(value) else {
            continue;
        };
        let path = format!("/{profile}{}", url.path());
        seeds.add(
            "sandbox_handle",
            format!(
                "GET {path}?response_type=code&client_id=c&state=s\
                 &redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&oauth_token=t\n\n"
            ),
        );
        seeds.add(
            "sandbox_handle",
            format!(
                "POST {path}\n{FORM}\nAuthorization: Basic YzpzZWNyZXQ=\n\n\
                 grant_type=authorization_code&code=x&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb"
            ),
        );
        seeds.add(
            "sandbox_handle",
            format!(
                "POST {path}\n{FORM}\nAuthorization: OAuth oauth_consumer_key=\"k\", \
                 oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\", \
                 oauth_nonce=\"n\", oauth_signature=\"s\", oauth_callback=\"oob\"\n\n\
                 a=1"
            ),
        );
    }
}

/// Token files as the store writes them, and a few near misses.
fn token_file_seeds(seeds: &mut Seeds) {
    let envelope = |record: Value| {
        serde_json::to_vec_pretty(&serde_json::json!({
            "format": "sansauth-token-store",
            "version": 1,
            "account": "fuzz",
            "record": record,
        }))
        .unwrap_or_default()
    };
    seeds.add(
        "token_store",
        envelope(serde_json::json!({
            "access_token": "2YotnFZFEjr1zCsicMWpAA",
            "token_type": "Bearer",
            "refresh_token": "tGzv3JOkF0XG5Qx2TlKWIA",
            "scopes": ["activity", "profile"],
            "issued_at": 1_700_000_000_u64,
            "expires_at": 1_700_003_600_u64,
            "extra": {"user_id": "26FWFL"},
        })),
    );
    seeds.add(
        "token_store",
        envelope(serde_json::json!({
            "token": "nnch734d00sl2jdk",
            "secret": "pfkkdhi9sl3r4s00",
        })),
    );
    seeds.add("token_store", envelope(Value::Null));
    seeds.add(
        "token_store",
        b"{\"format\":\"sansauth-token-store\",\"version\":2,\"account\":\"fuzz\",\"record\":{}}"
            .to_vec(),
    );
}

fn lines(fields: &[&str]) -> String {
    fields.join("\n")
}

/// `application/x-www-form-urlencoded` bytes (enough for seeds).
fn form(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A stable name for a seed file.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_read_seconds_target_and_sanitizer() {
        let args: Vec<String> = [
            "--seconds",
            "3",
            "profile_toml",
            "--sanitizer",
            "address",
            "--dev",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let options = Options::parse(&args).unwrap();
        assert_eq!(options.seconds, 3);
        assert_eq!(options.target.as_deref(), Some("profile_toml"));
        assert_eq!(options.sanitizer, "address");
        assert!(options.dev);
        assert_eq!(Options::parse(&[]).unwrap().seconds, DEFAULT_SECONDS);
    }

    #[test]
    fn options_refuse_unknown_targets_and_bad_numbers() {
        let parse = |args: &[&str]| {
            Options::parse(&args.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
        };
        assert!(
            parse(&["no_such_target"])
                .unwrap_err()
                .contains("unknown fuzz target")
        );
        assert!(parse(&["--seconds", "0"]).is_err());
        assert!(parse(&["--seconds"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
    }

    #[test]
    fn every_target_gets_seeds_from_the_project_files() {
        let seeds = collect_seeds(&crate::project_root()).unwrap();
        for target in TARGETS {
            assert!(seeds.count(target) > 0, "no seeds for {target}");
        }
    }

    #[test]
    fn every_target_is_a_bin_of_the_fuzz_crate() {
        let manifest = fs::read_to_string(crate::project_root().join("fuzz/Cargo.toml")).unwrap();
        for target in TARGETS {
            assert!(
                manifest.contains(&format!("name = \"{target}\"")),
                "{target} is not in fuzz/Cargo.toml"
            );
        }
    }

    #[test]
    fn the_summary_is_libfuzzers_closing_line() {
        let log = "INFO: Seed: 1\n#2 INITED\nDone 1234 runs in 5 second(s)\n\
                   stat::number_of_executed_units: 1234\nstat::new_units_added:          7\n";
        assert_eq!(summary(log), "Done 1234 runs in 5 second(s), 7 new inputs");
        assert!(summary("crash").starts_with("no `Done` line"));
    }

    #[test]
    fn a_failure_shows_the_panic_and_the_input() {
        let log = "#1 INITED\nthread '<unnamed>' panicked at fuzz_targets/t.rs:5:5:\n\
                   deliberate\nnote: run with RUST_BACKTRACE\n==1== ERROR: libFuzzer: deadly signal\n\
                   SUMMARY: libFuzzer: deadly signal\n\
                   artifact_prefix='a/'; Test unit written to a/crash-1\nStack backtrace:\n  0: x\n\
                   \tcargo fuzz run t a/crash-1\n   1: anyhow\n";
        assert_eq!(
            failure_excerpt(log),
            [
                "thread '<unnamed>' panicked at fuzz_targets/t.rs:5:5:",
                "deliberate",
                "note: run with RUST_BACKTRACE",
                "SUMMARY: libFuzzer: deadly signal",
                "artifact_prefix='a/'; Test unit written to a/crash-1",
                "\tcargo fuzz run t a/crash-1",
            ]
        );
        assert_eq!(failure_excerpt("a\nb").len(), 2);
    }

    #[test]
    fn fields_are_joined_by_newlines() {
        assert_eq!(lines(&["200", "", "{}"]), "200\n\n{}");
        assert_eq!(form("a b/é"), "a%20b%2F%C3%A9");
    }
}
