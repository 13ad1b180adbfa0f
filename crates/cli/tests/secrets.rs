//! No secret in the CLI's output at any verbosity: the account commands and
//! `sign` / `verify` run as the built binary with `-v` (info) and `-vv`
//! (debug, the most the CLI logs) against an in-process sandbox, and no
//! client secret, token secret, access token or refresh token may appear on
//! stdout or stderr.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Output, Stdio};

use http::Request;
use sansauth_sandbox::{Sandbox, SandboxConfig};
use sansauth_transport::client::{ClientOptions, HttpClient as _, UreqClient};
use serde_json::Value;

const SECRET_VAR: &str = "SANSAUTH_TEST_CLIENT_SECRET";
const OAUTH2_SECRET: &str = "cls-secret-Hj29fKeR";
const OAUTH1_SECRET: &str = "cs-secret-Zq81kLpX";

struct Harness {
    sandbox: Sandbox,
    config: tempfile::TempDir,
}

impl Harness {
    fn new() -> Self {
        let sandbox = Sandbox::start(
            SandboxConfig::default()
                .auto_approve(true)
                .client("mapmytracks", "my-id", OAUTH2_SECRET)
                .client("mapmyfitness-oauth1", "mmf-key", OAUTH1_SECRET),
        )
        .unwrap();
        Self {
            sandbox,
            config: tempfile::tempdir().unwrap(),
        }
    }

    fn base(&self, profile: &str) -> String {
        self.sandbox
            .base_url()
            .join(&format!("{profile}/"))
            .unwrap()
            .to_string()
    }

    fn command(&self, args: &[&str], secret: &str) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_sansauth"));
        command
            .args(args)
            .env("SANSAUTH_CONFIG_DIR", self.config.path())
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("RUST_LOG")
            .env(SECRET_VAR, secret)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    fn run(&self, args: &[&str], secret: &str) -> String {
        output(self.command(args, secret).output().unwrap())
    }

    /// `login --no-browser`, with a thread following the authorization URL.
    fn login(&self, args: &[&str], secret: &str) -> String {
        let mut all = vec!["login", "--no-browser", "--timeout", "20"];
        all.extend_from_slice(args);
        let mut child = self.command(&all, secret).spawn().unwrap();
        let browser = play_browser(&mut child);
        let out = child.wait_with_output().unwrap();
        let stderr = browser.join().unwrap();
        assert!(out.status.success(), "login failed: {stderr}");
        format!("{}\n{stderr}", String::from_utf8_lossy(&out.stdout))
    }

    fn stored(&self, profile: &str) -> Value {
        let path = self
            .config
            .path()
            .join("tokens")
            .join(profile)
            .join("default.json");
        let text = std::fs::read_to_string(path).unwrap();
        serde_json::from_str::<Value>(&text).unwrap()["record"].clone()
    }
}

fn output(out: Output) -> String {
    format!(
        "exit {:?}\n{}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn play_browser(child: &mut Child) -> std::thread::JoinHandle<String> {
    let stderr = child.stderr.take().unwrap();
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
            assert_eq!(page.status(), 302, "the sandbox approves at once");
            let location = page.headers()["location"].to_str().unwrap().to_owned();
            assert_eq!(http_get(&location).status(), 200);
        }
        seen
    })
}

fn http_get(url: &str) -> http::Response<Vec<u8>> {
    let url = url.split('#').next().unwrap();
    UreqClient::new(ClientOptions::default())
        .send(Request::get(url).body(Vec::new()).unwrap())
        .unwrap()
}

#[track_caller]
fn never_shows(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!secret.is_empty());
        assert!(!text.contains(secret), "{what} shows `{secret}`:\n{text}");
    }
}

#[test]
fn oauth2_commands_log_no_secret_at_any_level() {
    let h = Harness::new();
    let base = h.base("mapmytracks");
    let profile = ["--profile", "mapmytracks", "--base-url", base.as_str()];
    for verbosity in ["-v", "-vv"] {
        let with = |more: &[&'static str]| -> Vec<&str> {
            std::iter::once(verbosity)
                .chain(more.iter().copied())
                .chain(profile)
                .collect()
        };
        let login = h.login(
            &with(&["--client-id", "my-id", "--client-secret-env", SECRET_VAR]),
            OAUTH2_SECRET,
        );
        let stored = h.stored("mapmytracks");
        let access = stored["access_token"].as_str().unwrap().to_owned();
        let refresh = stored["refresh_token"].as_str().unwrap().to_owned();
        let mut secrets = vec![OAUTH2_SECRET, access.as_str(), refresh.as_str()];
        never_shows(&format!("login {verbosity}"), &login, &secrets);

        let request = h.run(&with(&["request", "GET", "routes"]), "");
        assert!(request.starts_with("exit Some(0)"), "{request}");
        // `-v` logs the request: the log is there, without the token.
        assert!(request.contains("sending"), "{request}");
        never_shows(&format!("request {verbosity}"), &request, &secrets);

        let refreshed = h.run(&with(&["refresh"]), "");
        assert!(refreshed.starts_with("exit Some(0)"), "{refreshed}");
        let stored = h.stored("mapmytracks");
        let access2 = stored["access_token"].as_str().unwrap().to_owned();
        let refresh2 = stored["refresh_token"].as_str().unwrap().to_owned();
        secrets.extend([access2.as_str(), refresh2.as_str()]);
        never_shows(&format!("refresh {verbosity}"), &refreshed, &secrets);

        let tokens = h.run(&[verbosity, "tokens"], "");
        never_shows(&format!("tokens {verbosity}"), &tokens, &secrets);
        let tokens = h.run(&[verbosity, "tokens", "--json"], "");
        never_shows(&format!("tokens --json {verbosity}"), &tokens, &secrets);

        let revoked = h.run(&with(&["revoke"]), "");
        assert!(revoked.starts_with("exit Some(0)"), "{revoked}");
        never_shows(&format!("revoke {verbosity}"), &revoked, &secrets);

        // A refused call (the token was revoked) is logged too.
        let refused = h.run(&with(&["request", "GET", "routes"]), "");
        never_shows(&format!("refused request {verbosity}"), &refused, &secrets);
    }
}

#[test]
fn oauth1_commands_log_no_secret_at_any_level() {
    let h = Harness::new();
    let base = h.base("mapmyfitness-oauth1");
    let profile = [
        "--profile",
        "mapmyfitness-oauth1",
        "--base-url",
        base.as_str(),
    ];
    let with = |more: &[&'static str]| -> Vec<&str> {
        ["-vv"]
            .into_iter()
            .chain(more.iter().copied())
            .chain(profile)
            .collect()
    };
    let login = h.login(
        &with(&["--client-id", "mmf-key", "--client-secret-env", SECRET_VAR]),
        OAUTH1_SECRET,
    );
    let stored = h.stored("mapmyfitness-oauth1");
    let token_secret = stored["token_secret"].as_str().unwrap().to_owned();
    let secrets = [OAUTH1_SECRET, token_secret.as_str()];
    never_shows("oauth1 login -vv", &login, &secrets);
    for verbosity in ["-v", "-vv"] {
        let mut args = with(&["request", "GET", "users/get_user"]);
        args[0] = verbosity;
        let user = h.run(&args, "");
        assert!(user.starts_with("exit Some(0)"), "{user}");
        never_shows(&format!("oauth1 request {verbosity}"), &user, &secrets);
    }
}

#[test]
fn sign_and_verify_log_no_secret() {
    let h = Harness::new();
    const CONSUMER: &str = "kd94hf93k423kf44-secret";
    const TOKEN: &str = "pfkkdhi9sl3r4s00-secret";
    for verbosity in ["-v", "-vv"] {
        for method in ["HMAC-SHA1", "HMAC-SHA256"] {
            let signed = h.command(
                &[
                    verbosity,
                    "sign",
                    "--url",
                    "https://photos.example.net/photos?file=vacation.jpg&size=original",
                    "--signature-method",
                    method,
                    "--consumer-key",
                    "dpf43f3p2l4k3l03",
                    "--consumer-secret-env",
                    SECRET_VAR,
                    "--token",
                    "nnch734d00sl2jdk",
                    "--token-secret",
                    TOKEN,
                ],
                CONSUMER,
            );
            let mut explain = h.command(&[], CONSUMER);
            explain.args(signed.get_args()).arg("--explain");
            let text = output(explain.output().unwrap());
            assert!(text.starts_with("exit Some(0)"), "{text}");
            never_shows(
                &format!("sign --explain {method} {verbosity}"),
                &text,
                &[CONSUMER, TOKEN],
            );
            let mut json = signed;
            let out = json.arg("--json").output().unwrap();
            let text = output(out.clone());
            assert!(out.status.success(), "{text}");
            never_shows(
                &format!("sign --json {method} {verbosity}"),
                &text,
                &[CONSUMER, TOKEN],
            );
            let object: Value = serde_json::from_slice(&out.stdout).unwrap();
            let authorization = object["authorization"].as_str().unwrap().to_owned();
            for (consumer, expect_valid) in [(CONSUMER, true), ("wrong-secret", false)] {
                let verified = h.run(
                    &[
                        verbosity,
                        "verify",
                        "--url",
                        "https://photos.example.net/photos?file=vacation.jpg&size=original",
                        "--authorization",
                        &authorization,
                        "--consumer-secret-env",
                        SECRET_VAR,
                        "--token-secret",
                        TOKEN,
                    ],
                    consumer,
                );
                assert_eq!(
                    verified.starts_with("exit Some(0)"),
                    expect_valid,
                    "{verified}"
                );
                never_shows(
                    &format!("verify {method} {verbosity}"),
                    &verified,
                    &[CONSUMER, TOKEN],
                );
            }
        }
    }
}
