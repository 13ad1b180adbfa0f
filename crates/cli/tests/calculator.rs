//! `sansauth sign`, `verify`, `profiles` and `demo`, run as a user runs them.
//! Expected signatures are RFC 5849 §1.2's published values.

use std::process::{Command, Output};

fn sansauth(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sansauth"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// RFC 5849 §1.2: the photos request, signed with the token credentials.
const PHOTOS: [&str; 20] = [
    "--method",
    "GET",
    "--url",
    "http://photos.example.net/photos?file=vacation.jpg&size=original",
    "--consumer-key",
    "dpf43f3p2l4k3l03",
    "--consumer-secret",
    "kd94hf93k423kf44",
    "--token",
    "nnch734d00sl2jdk",
    "--token-secret",
    "pfkkdhi9sl3r4s00",
    "--nonce",
    "chapoH",
    "--timestamp",
    "137131202",
    "--realm",
    "Photos",
    "--signature-method",
    "HMAC-SHA1",
];

const PHOTOS_URL: &str = "http://photos.example.net/photos?file=vacation.jpg&size=original";

#[test]
fn sign_json_gives_the_rfc_signature_and_a_header_that_verifies() {
    let mut args = vec!["sign", "--json"];
    args.extend(PHOTOS);
    let output = sansauth(&args);
    assert!(output.status.success(), "{output:?}");
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["signature"], "MdpQcU8iPSUjWoN/UDMsK2sui9I=");
    let header = json["authorization"].as_str().unwrap();
    assert!(header.starts_with("OAuth realm=\"Photos\", "), "{header}");
    let base = json["base_string"].as_str().unwrap();
    assert!(
        base.starts_with("GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26"),
        "{base}"
    );

    let verify = sansauth(&[
        "verify",
        "--url",
        PHOTOS_URL,
        "--authorization",
        header,
        "--consumer-secret",
        "kd94hf93k423kf44",
        "--token-secret",
        "pfkkdhi9sl3r4s00",
        "--now",
        "137131202",
    ]);
    assert!(verify.status.success(), "{verify:?}");
    assert!(stdout(&verify).starts_with("valid\n"));
}

#[test]
fn explain_shows_each_step_of_the_base_string() {
    let mut args = vec!["sign", "--explain"];
    args.extend(PHOTOS);
    let text = stdout(&sansauth(&args));
    assert!(text.contains("  file = vacation.jpg\n"), "{text}");
    assert!(
        text.contains("normalized parameters:\n  file=vacation.jpg&oauth_consumer_key=dpf43f3p2l4k3l03&oauth_nonce=chapoH"),
        "{text}"
    );
    assert!(
        text.contains("signature:\n  MdpQcU8iPSUjWoN/UDMsK2sui9I=\n"),
        "{text}"
    );
    assert!(
        text.contains("Authorization header:\n  OAuth realm=\"Photos\""),
        "{text}"
    );
}

#[test]
fn query_placement_prints_the_signed_url_and_secrets_come_from_the_environment() {
    let output = Command::new(env!("CARGO_BIN_EXE_sansauth"))
        .args([
            "sign",
            "--placement",
            "query",
            "--url",
            PHOTOS_URL,
            "--consumer-key",
            "dpf43f3p2l4k3l03",
            "--consumer-secret-env",
            "CS",
            "--token",
            "nnch734d00sl2jdk",
            "--token-secret-env",
            "TS",
            "--nonce",
            "chapoH",
            "--timestamp",
            "137131202",
        ])
        .env("CS", "kd94hf93k423kf44")
        .env("TS", "pfkkdhi9sl3r4s00")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let url = stdout(&output);
    assert!(
        url.trim_end()
            .ends_with("oauth_signature=MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"),
        "{url}"
    );
}

#[test]
fn a_tampered_request_is_invalid_with_exit_code_1() {
    let header = "OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", \
        oauth_token=\"nnch734d00sl2jdk\", oauth_signature_method=\"HMAC-SHA1\", \
        oauth_timestamp=\"137131202\", oauth_nonce=\"chapoH\", \
        oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\"";
    let output = sansauth(&[
        "verify",
        "--url",
        "http://photos.example.net/photos?file=vacation.jpg&size=large",
        "--authorization",
        header,
        "--consumer-secret",
        "kd94hf93k423kf44",
        "--token-secret",
        "pfkkdhi9sl3r4s00",
        "--now",
        "137131202",
        "--json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value =
        serde_json::from_str(stdout(&output).lines().next().unwrap()).unwrap();
    assert_eq!(json["valid"], false);
    assert_eq!(json["error"], "bad_signature");
    assert!(
        json["base_string"]
            .as_str()
            .unwrap()
            .contains("size%3Dlarge")
    );
}

#[test]
fn usage_errors_exit_2_and_say_what_to_fix() {
    let output = sansauth(&["sign", "--url", "http://a.example/", "--consumer-key", "k"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--consumer-secret"));
    let unset = [
        "sign",
        "--url",
        "http://a.example/",
        "--consumer-key",
        "k",
        "--consumer-secret-env",
        "SANSAUTH_UNSET",
    ];
    assert_eq!(sansauth(&unset).status.code(), Some(2));
    assert_eq!(sansauth(&["profiles", "nope"]).status.code(), Some(2));
}

#[test]
fn profiles_lists_the_builtins_and_shows_one() {
    let list = stdout(&sansauth(&["profiles"]));
    for name in [
        "mapmyfitness-oauth1",
        "mapmyfitness",
        "mapmytracks",
        "fitbit-oauth1",
        "fitbit",
    ] {
        assert!(list.lines().any(|l| l.starts_with(name)), "{list}");
    }
    assert!(
        stdout(&sansauth(&["profiles", "mapmytracks"])).contains("refresh_token_rotation = true")
    );
}

#[test]
fn the_demo_runs_every_seed_flow_and_shows_no_secret() {
    let output = sansauth(&["demo"]);
    let text = stdout(&output);
    assert!(
        output.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(text.trim_end().ends_with("steps succeeded."), "{text}");
    for heading in [
        "[mapmyfitness-oauth1]",
        "[fitbit-oauth1]",
        "[mapmyfitness]",
        "[mapmytracks]",
        "[fitbit]",
    ] {
        assert!(text.contains(heading), "{heading} missing:\n{text}");
    }
    assert!(text.contains("oauth_token_secret=[redacted]"));
    assert!(text.contains("access_token=[redacted], refresh_token=[redacted]"));
    // No Basic credential (the base64 of id:secret) is ever printed.
    let credential = text.match_indices("Basic ").any(|(at, _)| {
        let after = &text[at + "Basic ".len()..];
        after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || "+/=".contains(*c))
            .count()
            >= 8
    });
    assert!(!credential, "{text}");

    let one = sansauth(&["demo", "--profile", "fitbit-oauth1"]);
    assert!(one.status.success());
    assert!(!stdout(&one).contains("[mapmytracks]"));
    assert_eq!(
        sansauth(&["demo", "--profile", "nope"]).status.code(),
        Some(2)
    );
}
