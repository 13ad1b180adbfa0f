//! The account commands (`login`, `request`, `refresh`, `revoke`, `tokens`)
//! run as the built binary against an in-process sandbox, with a thread
//! playing the browser: it reads the authorization URL the command prints,
//! follows the sandbox's redirect to the command's loopback receiver, or
//! reads the PIN off the consent page and types it in.

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use http::Request;
use sansauth_sandbox::{Sandbox, SandboxConfig};
use sansauth_transport::client::{ClientOptions, HttpClient as _, UreqClient};
use serde_json::Value;

const SECRET_VAR: &str = "SANSAUTH_TEST_CLIENT_SECRET";

/// A sandbox, a configuration directory, and the binary.
struct Harness {
    sandbox: Sandbox,
    config: tempfile::TempDir,
}

impl Harness {
    fn new() -> Self {
        let sandbox = Sandbox::start(
            SandboxConfig::default()
                .auto_approve(true)
                .client("mapmytracks", "my-id", "my-secret")
                .client("mapmyfitness-oauth1", "mmf-key", "mmf-consumer-secret")
                .client("fitbit-oauth1", "fb-key", "fb-consumer-secret")
                .client("fitbit", "acme-id", "acme-secret")
                .client("mapmyfitness", "mmf2-id", "mmf2-secret"),
        )
        .unwrap();
        Self {
            sandbox,
            config: tempfile::tempdir().unwrap(),
        }
    }

    /// The sandbox prefix that serves `profile`.
    fn base(&self, profile: &str) -> String {
        self.sandbox
            .base_url()
            .join(&format!("{profile}/"))
            .unwrap()
            .to_string()
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_sansauth"));
        command
            .args(args)
            .env("SANSAUTH_CONFIG_DIR", self.config.path())
            .env_remove("XDG_CONFIG_HOME")
            .env(SECRET_VAR, self.secret_of(args))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// The client secret registered for the profile named in `args`.
    fn secret_of(&self, args: &[&str]) -> String {
        let profile = args
            .iter()
            .position(|a| *a == "--profile")
            .and_then(|i| args.get(i + 1))
            .copied()
            .unwrap_or("");
        let served = if profile == "acme" { "fitbit" } else { profile };
        self.sandbox
            .client(served)
            .map(|c| c.client_secret.clone())
            .unwrap_or_default()
    }

    fn run(&self, args: &[&str]) -> Run {
        Run::from(self.command(args).output().unwrap())
    }

    /// `sansauth login ARGS --no-browser`, with a thread playing the browser.
    fn login(&self, args: &[&str]) -> Run {
        let mut all = vec!["login", "--no-browser", "--timeout", "20"];
        all.extend_from_slice(args);
        let mut child = self.command(&all).stdin(Stdio::piped()).spawn().unwrap();
        let browser = play_browser(&mut child);
        let output = child.wait_with_output().unwrap();
        let mut run = Run::from(output);
        run.stderr = browser.join().unwrap();
        run
    }

    fn path(&self, parts: &[&str]) -> PathBuf {
        parts
            .iter()
            .fold(self.config.path().to_owned(), |p, part| p.join(part))
    }

    /// The stored record (the store's envelope's `record`).
    fn stored(&self, kind: &str, profile: &str, account: &str) -> Value {
        let path = self.path(&[kind, profile, &format!("{account}.json")]);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        serde_json::from_str::<Value>(&text).unwrap()["record"].clone()
    }
}

/// A finished command.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Self {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Run {
    #[track_caller]
    fn expect(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "{self:#?}");
        self
    }

    #[track_caller]
    fn never_shows(&self, secrets: &[&str]) {
        for secret in secrets {
            assert!(
                !self.stdout.contains(secret) && !self.stderr.contains(secret),
                "`{secret}` was printed: {self:#?}"
            );
        }
    }
}

fn http_get(url: &str) -> http::Response<Vec<u8>> {
    // A browser never sends the fragment (the sandbox appends `#_=_` for Fitbit).
    let url = url.split('#').next().unwrap();
    UreqClient::new(ClientOptions::default())
        .send(Request::get(url).body(Vec::new()).unwrap())
        .unwrap()
}

/// Reads the command's stderr; on the first line that is a URL, opens it as
/// a browser would, then returns everything the command wrote there.
fn play_browser(child: &mut Child) -> std::thread::JoinHandle<String> {
    let stderr = child.stderr.take().unwrap();
    let mut stdin = child.stdin.take();
    std::thread::spawn(move || {
        let mut seen = String::new();
        let mut done = false;
        for line in BufReader::new(stderr).lines() {
            let line = line.unwrap();
            seen.push_str(&line);
            seen.push('\n');
            let url = line.trim();
            if done || !url.starts_with("http://") {
                continue;
            }
            done = true;
            let page = http_get(url);
            if page.status() == 302 {
                let location = page.headers()["location"].to_str().unwrap().to_owned();
                let landed = http_get(&location);
                assert_eq!(landed.status(), 200, "the receiver answers the browser");
            } else {
                let html = String::from_utf8_lossy(page.body()).into_owned();
                let pin = element_text(&html, "pin").expect("the consent page shows a PIN");
                let mut input = stdin.take().expect("the command reads the PIN on stdin");
                writeln!(input, "{pin}").unwrap();
            }
        }
        seen
    })
}

/// The text of the element with `id` in an HTML page.
fn element_text(html: &str, id: &str) -> Option<String> {
    let start = html.find(&format!("id=\"{id}\""))?;
    let rest = &html[start..];
    let open = rest.find('>')? + 1;
    let close = rest[open..].find('<')?;
    Some(rest[open..open + close].trim().to_owned())
}

#[cfg(unix)]
#[track_caller]
fn assert_private(path: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{}", path.display());
}

#[cfg(not(unix))]
fn assert_private(path: &Path) {
    assert!(path.exists());
}

#[test]
fn oauth2_login_request_refresh_and_revoke() {
    let h = Harness::new();
    let base = h.base("mapmytracks");
    let profile = ["--profile", "mapmytracks", "--base-url", base.as_str()];
    let with =
        |more: &[&'static str]| -> Vec<&str> { more.iter().copied().chain(profile).collect() };

    let login = h.login(&with(&[
        "--client-id",
        "my-id",
        "--client-secret-env",
        SECRET_VAR,
    ]));
    login.expect(0);
    assert!(
        login.stderr.contains("/mapmytracks/api3/oauth/authorize?"),
        "{login:#?}"
    );
    assert!(
        login.stderr.contains("Waiting up to 20 s for the browser"),
        "{login:#?}"
    );
    let tokens_file = h.path(&["tokens", "mapmytracks", "default.json"]);
    let record_file = h.path(&["accounts", "mapmytracks", "default.json"]);
    assert_private(&tokens_file);
    assert_private(&record_file);
    let stored = h.stored("tokens", "mapmytracks", "default");
    let access = stored["access_token"].as_str().unwrap().to_owned();
    let first_refresh = stored["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(
        h.stored("accounts", "mapmytracks", "default")["client_secret"],
        "my-secret"
    );
    login.never_shows(&["my-secret", &access, &first_refresh]);

    // A bearer call to a named API endpoint of the profile (routes live on another host).
    let routes = h.run(&with(&["request", "GET", "routes"]));
    routes.expect(0);
    let body: Value = serde_json::from_str(&routes.stdout).expect("the body is JSON");
    assert!(body.is_array() || body.get("error").is_some(), "{body}");
    routes.never_shows(&["my-secret", &access, &first_refresh]);

    // -v shows the status and headers on stderr, and logs the request.
    let verbose = h.run(&with(&["-v", "request", "GET", "routes"]));
    verbose.expect(0);
    assert!(verbose.stderr.contains("200 OK"), "{verbose:#?}");
    assert!(verbose.stderr.contains("content-type:"), "{verbose:#?}");
    assert!(verbose.stderr.contains("get_routes"), "{verbose:#?}");
    verbose.never_shows(&["my-secret", &access, &first_refresh]);

    // A non-2xx answer: the body is printed, the exit code is the provider's.
    let missing = h.run(&with(&[
        "request",
        "POST",
        "stopActivity",
        "--data",
        "activity_id=999",
    ]));
    missing.expect(4);
    assert!(!missing.stdout.is_empty(), "{missing:#?}");

    // Refresh rotates the refresh token, and the new one is stored.
    let refreshed = h.run(&with(&["refresh"]));
    refreshed.expect(0);
    assert!(
        refreshed.stdout.contains("new refresh token"),
        "{refreshed:#?}"
    );
    let stored = h.stored("tokens", "mapmytracks", "default");
    let second_refresh = stored["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(second_refresh, first_refresh);
    refreshed.never_shows(&["my-secret", &first_refresh, &second_refresh]);
    h.run(&with(&["request", "GET", "routes"])).expect(0);

    // tokens lists the account, and nothing secret.
    let listed = h.run(&["tokens"]);
    listed.expect(0);
    let line = listed
        .stdout
        .lines()
        .find(|l| l.starts_with("mapmytracks"))
        .unwrap();
    assert!(
        line.contains("default") && line.contains("oauth2") && line.contains("yes"),
        "{listed:#?}"
    );
    let json = h.run(&["tokens", "--json"]);
    json.expect(0);
    let list: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(list[0]["profile"], "mapmytracks");
    assert_eq!(list[0]["client_id"], "my-id");
    assert!(list[0]["expires_in"].as_u64().unwrap() > 0);
    for run in [&listed, &json] {
        run.never_shows(&[
            "my-secret",
            &second_refresh,
            stored["access_token"].as_str().unwrap(),
        ]);
    }

    // Revoke: the tokens die at the provider, and the account is gone here.
    let revoked = h.run(&with(&["revoke"]));
    revoked.expect(0);
    assert!(
        revoked.stderr.contains("Revoked the refresh token"),
        "{revoked:#?}"
    );
    assert!(!tokens_file.exists() && !record_file.exists());
    let after = h.run(&with(&["request", "GET", "routes"]));
    after.expect(5);
    assert!(after.stderr.contains("sansauth login"), "{after:#?}");
    assert!(h.run(&["tokens"]).stdout.contains("No accounts stored"));
}

#[test]
fn a_refused_refresh_token_asks_for_login_again() {
    let h = Harness::new();
    // Map My Tracks answers in RFC 6749's shape, Fitbit in its own.
    for (name, client_id) in [("mapmytracks", "my-id"), ("fitbit", "acme-id")] {
        let base = h.base(name);
        let profile = ["--profile", name, "--base-url", base.as_str()];
        let with =
            |more: &[&'static str]| -> Vec<&str> { more.iter().copied().chain(profile).collect() };
        h.login(&with(&[
            "--client-id",
            client_id,
            "--client-secret-env",
            SECRET_VAR,
        ]))
        .expect(0);
        let tokens_file = h.path(&["tokens", name, "default.json"]);
        let spent = std::fs::read(&tokens_file).unwrap();
        h.run(&with(&["refresh"])).expect(0);
        // Put back the set whose refresh token the rotation killed.
        std::fs::write(&tokens_file, spent).unwrap();
        let refused = h.run(&with(&["refresh"]));
        refused.expect(5);
        assert!(refused.stderr.contains("invalid_grant"), "{refused:#?}");
        let again = format!("sansauth login --profile {name} --account default");
        assert!(refused.stderr.contains(&again), "{refused:#?}");
    }
}

#[test]
fn mapmyfitness_api_calls_carry_the_api_key() {
    let h = Harness::new();
    let base = h.base("mapmyfitness");
    let profile = ["--profile", "mapmyfitness", "--base-url", base.as_str()];
    let with =
        |more: &[&'static str]| -> Vec<&str> { more.iter().copied().chain(profile).collect() };
    let login = h.login(&with(&[
        "--client-id",
        "mmf2-id",
        "--client-secret-env",
        SECRET_VAR,
    ]));
    login.expect(0);
    login.never_shows(&["mmf2-secret"]);
    // 60-day tokens.
    let listed = h.run(&["tokens"]);
    assert!(listed.stdout.contains("in 59d 23h"), "{listed:#?}");

    // The profile adds `Api-Key: <client id>` to API calls; the sandbox refuses them without it.
    let types = h.run(&with(&["request", "GET", "activity_type/"]));
    types.expect(0);
    assert!(types.stdout.contains("\"Run\""), "{types:#?}");
    let bare = h.run(&with(&[
        "request",
        "GET",
        "activity_type/",
        "-H",
        "Api-Key: someone-else",
    ]));
    bare.expect(4);
}

#[test]
fn request_refreshes_a_token_the_provider_says_has_expired() {
    let h = Harness::new();
    let base = h.base("mapmytracks");
    let profile = ["--profile", "mapmytracks", "--base-url", base.as_str()];
    let with =
        |more: &[&'static str]| -> Vec<&str> { more.iter().copied().chain(profile).collect() };
    h.login(&with(&[
        "--client-id",
        "my-id",
        "--client-secret-env",
        SECRET_VAR,
    ]))
    .expect(0);
    let before = h.stored("tokens", "mapmytracks", "default");
    // The provider's clock runs ahead: it answers 401 invalid_token, the
    // session refreshes once (rotating the refresh token) and retries.
    h.sandbox.advance_clock(30 * 86_400);
    let routes = h.run(&with(&["-v", "request", "GET", "routes"]));
    routes.expect(0);
    assert!(routes.stderr.contains("oauth/token"), "{routes:#?}");
    let after = h.stored("tokens", "mapmytracks", "default");
    assert_ne!(after["refresh_token"], before["refresh_token"]);
    assert_ne!(after["access_token"], before["access_token"]);
}

#[test]
fn oauth1_login_with_a_callback_then_signed_requests() {
    let h = Harness::new();
    let base = h.base("mapmyfitness-oauth1");
    let profile = [
        "--profile",
        "mapmyfitness-oauth1",
        "--base-url",
        base.as_str(),
    ];
    let with =
        |more: &[&'static str]| -> Vec<&str> { more.iter().copied().chain(profile).collect() };

    let login = h.login(&with(&[
        "--client-id",
        "mmf-key",
        "--client-secret-env",
        SECRET_VAR,
        "--account",
        "alice",
    ]));
    login.expect(0);
    // The authorize URL repeats oauth_callback, as the profile says.
    assert!(login.stderr.contains("oauth_callback=http"), "{login:#?}");
    let stored = h.stored("tokens", "mapmyfitness-oauth1", "alice");
    let token_secret = stored["token_secret"].as_str().unwrap().to_owned();
    login.never_shows(&["mmf-consumer-secret", &token_secret]);
    assert_private(&h.path(&["tokens", "mapmyfitness-oauth1", "alice.json"]));

    let user = h.run(&with(&[
        "request",
        "GET",
        "users/get_user",
        "--account",
        "alice",
    ]));
    user.expect(0);
    let body: Value = serde_json::from_str(&user.stdout).unwrap();
    assert_eq!(
        body["result"]["output"]["user"]["username"], "alice",
        "{body}"
    );
    user.never_shows(&["mmf-consumer-secret", &token_secret]);

    // A form body is signed with the query-placed parameters.
    let created = h.run(&with(&[
        "request",
        "POST",
        "workouts/create_workout",
        "--account",
        "alice",
        "--data",
        "user_id=26345682",
        "--data",
        "workout_description=Lunch run + hills",
        "--data",
        "activity_type_id=16",
        "--data",
        "workout_date=2026-11-21",
    ]));
    created.expect(0);
    assert_eq!(h.sandbox.workouts().len(), 1, "{created:#?}");
    assert!(created.stdout.contains("Lunch run + hills"), "{created:#?}");

    // OAuth 1 tokens do not refresh; revoke forgets them here.
    h.run(&with(&["refresh", "--account", "alice"])).expect(2);
    let listed = h.run(&["tokens"]);
    assert!(listed.stdout.contains("never (OAuth 1)"), "{listed:#?}");
    h.run(&with(&["revoke", "--account", "alice"])).expect(0);
    h.run(&with(&[
        "request",
        "GET",
        "users/get_user",
        "--account",
        "alice",
    ]))
    .expect(5);
}

#[test]
fn oauth1_pin_login_reads_the_pin_from_stdin() {
    let h = Harness::new();
    let base = h.base("fitbit-oauth1");
    let profile = ["--profile", "fitbit-oauth1", "--base-url", base.as_str()];
    let with =
        |more: &[&'static str]| -> Vec<&str> { more.iter().copied().chain(profile).collect() };

    let login = h.login(&with(&[
        "--client-id",
        "fb-key",
        "--client-secret-env",
        SECRET_VAR,
    ]));
    login.expect(0);
    assert!(login.stderr.contains("shows a PIN"), "{login:#?}");
    let stored = h.stored("tokens", "fitbit-oauth1", "default");
    assert!(stored["extra"]["encoded_user_id"].is_string(), "{stored}");
    login.never_shows(&[
        "fb-consumer-secret",
        stored["token_secret"].as_str().unwrap(),
    ]);

    let me = h.run(&with(&["request", "GET", "1/user/-/profile.json"]));
    me.expect(0);
    let body: Value = serde_json::from_str(&me.stdout).unwrap();
    assert!(body["user"].is_object(), "{body}");

    // A profile that signs API calls in the body needs a form body.
    let file = h.config.path().join("fitbit-body.toml");
    let text = sansauth_providers::builtin::source("fitbit-oauth1").unwrap();
    assert!(text.contains("api_placement = \"header\""));
    std::fs::write(
        &file,
        text.replace("api_placement = \"header\"", "api_placement = \"body\""),
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let mut args = vec![
        "request",
        "GET",
        "1/user/-/profile.json",
        "--profile-file",
        file,
    ];
    args.extend(profile);
    let refused = h.run(&args);
    refused.expect(2);
    assert!(refused.stderr.contains("--data"), "{refused:#?}");
}

#[test]
fn a_profile_file_for_a_provider_that_is_not_built_in() {
    let h = Harness::new();
    let fitbit = h.base("fitbit");
    let file = h.config.path().join("acme.toml");
    std::fs::write(
        &file,
        format!(
            r#"name = "acme"
display_name = "Acme Fitness"
protocol = "oauth2"
api_base_url = "{fitbit}"

[oauth2]
authorization_endpoint = "{fitbit}oauth2/authorize"
token_endpoint = "{fitbit}oauth2/token"
revocation_endpoint = "{fitbit}oauth2/revoke"
client_auth = "basic"
default_scopes = ["profile"]
pkce = true
error_format = "fitbit-errors"
"#
        ),
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let login = h.login(&[
        "--profile",
        "acme",
        "--profile-file",
        file,
        "--client-id",
        "acme-id",
        "--client-secret-env",
        SECRET_VAR,
    ]);
    login.expect(0);
    assert!(
        login.stderr.contains("code_challenge_method=S256"),
        "{login:#?}"
    );
    assert!(login.stdout.contains("Acme Fitness"), "{login:#?}");
    login.never_shows(&["acme-secret"]);
    assert_private(&h.path(&["tokens", "acme", "default.json"]));

    // Later commands find the profile file recorded at login.
    let me = h.run(&[
        "request",
        "GET",
        "1/user/-/profile.json",
        "--profile",
        "acme",
    ]);
    me.expect(0);
    assert!(serde_json::from_str::<Value>(&me.stdout).unwrap()["user"].is_object());
    assert!(h.run(&["tokens"]).stdout.contains("acme"));
    h.run(&["revoke", "--profile", "acme"]).expect(0);
}

#[test]
fn profile_and_input_problems_are_usage_errors() {
    let h = Harness::new();
    let help = h.run(&["login", "--help"]);
    help.expect(0);
    assert!(help.stdout.contains("0600"), "{help:#?}");

    let broken = h.config.path().join("broken.toml");
    std::fs::write(
        &broken,
        "name = \"broken\"\ndisplay_name = \"B\"\nprotocol = \"oauth2\"\napi_base_url = \"https://api.example.com/\"\n\n[oauth2]\ntoken_endpoint = \"http://api.example.com/token\"\nclient_auth = \"basic\"\n",
    )
    .unwrap();
    let broken = broken.to_str().unwrap();
    let run = h.run(&[
        "login",
        "--profile",
        "broken",
        "--profile-file",
        broken,
        "--client-id",
        "x",
    ]);
    run.expect(2);
    assert!(run.stderr.contains("broken.toml:7"), "{run:#?}");
    assert!(run.stderr.contains("oauth2.token_endpoint"), "{run:#?}");

    let run = h.run(&[
        "login",
        "--profile",
        "other",
        "--profile-file",
        broken,
        "--client-id",
        "x",
    ]);
    run.expect(2);

    let run = h.run(&["login", "--profile", "no-such-provider", "--client-id", "x"]);
    run.expect(2);
    assert!(run.stderr.contains("--profile-file"), "{run:#?}");

    let base = h.base("mapmytracks");
    let run = h.run(&[
        "login",
        "--profile",
        "mapmytracks",
        "--base-url",
        &base,
        "--client-id",
        "x",
        "--client-secret-env",
        "SANSAUTH_TEST_UNSET_VARIABLE",
    ]);
    run.expect(2);
    assert!(
        run.stderr.contains("SANSAUTH_TEST_UNSET_VARIABLE"),
        "{run:#?}"
    );
    let run = h.run(&[
        "login",
        "--profile",
        "mapmytracks",
        "--base-url",
        &base,
        "--client-id",
        "x",
    ]);
    run.expect(2);
    assert!(run.stderr.contains("--client-secret-env"), "{run:#?}");

    let run = h.run(&["request", "GET", "routes", "--profile", "mapmytracks"]);
    run.expect(5);
    assert!(
        run.stderr.contains("sansauth login --profile mapmytracks"),
        "{run:#?}"
    );
}

#[test]
fn a_browser_that_never_comes_back_times_out() {
    let h = Harness::new();
    let base = h.base("mapmytracks");
    let run = h.run(&[
        "login",
        "--no-browser",
        "--timeout",
        "1",
        "--profile",
        "mapmytracks",
        "--base-url",
        &base,
        "--client-id",
        "my-id",
        "--client-secret-env",
        SECRET_VAR,
    ]);
    run.expect(3);
    assert!(run.stderr.contains("--timeout"), "{run:#?}");
    assert!(!h.path(&["tokens", "mapmytracks", "default.json"]).exists());
}

#[test]
fn the_configuration_directory_follows_the_environment() {
    let h = Harness::new();
    let elsewhere = tempfile::tempdir().unwrap();
    let dir = elsewhere.path();
    let listed = |command: &mut Command| Run::from(command.output().unwrap());

    let run = listed(&mut h.command(&["tokens"]));
    assert!(
        run.stdout.contains(&h.config.path().display().to_string()),
        "{run:#?}"
    );

    let run = listed(
        h.command(&["tokens"])
            .env_remove("SANSAUTH_CONFIG_DIR")
            .env("XDG_CONFIG_HOME", dir),
    );
    let expected = dir.join("sansauth").display().to_string();
    assert!(run.stdout.contains(&expected), "{run:#?}");

    let run = listed(
        h.command(&["tokens"])
            .env_remove("SANSAUTH_CONFIG_DIR")
            .env("HOME", dir),
    );
    let expected = dir.join(".config").join("sansauth").display().to_string();
    assert!(run.stdout.contains(&expected), "{run:#?}");
}
