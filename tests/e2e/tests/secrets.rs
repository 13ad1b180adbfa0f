//! Secret hygiene: every public type that can hold a secret is formatted
//! (`Debug`, `{:#?}`, `Display` where it has one, error messages) with known
//! secret values, and none of those values may show up.

use std::fmt::Debug;

use sansauth_oauth1::flow::parse_credentials_response;
use sansauth_oauth1::{
    ConsumerSecret, Placement, ProtocolParams, RequestParts, RsaPrivateKey, SignatureMethod,
    Signer, TokenCredentials, TokenSecret, parse_request,
};
use sansauth_oauth2::authorize::{parse_callback, parse_fragment};
use sansauth_oauth2::client::Client;
use sansauth_oauth2::pkce::{PkceMethod, PkceVerifier};
use sansauth_oauth2::server::parse_token_request;
use sansauth_oauth2::token::TokenResponse;
use sansauth_oauth2::tokens::TokenSet;
use sansauth_oauth2::types::{
    AccessToken, AuthorizationCode, ClientSecret, RedirectUri, RefreshToken, State,
};
use sansauth_transport::client::{ClientOptions, UreqClient};
use sansauth_transport::receiver::Callback;
use sansauth_transport::session::{OAuth1Session, OAuth2Options, OAuth2Session};
use sansauth_transport::store::{FileTokenStore, MemoryTokenStore, OAuth1Token, TokenStore as _};

const CONSUMER_SECRET: &str = "cs-Zq81kLpX";
const TOKEN_SECRET: &str = "ts-Wm47vBnY";
const CLIENT_SECRET: &str = "cls-Hj29fKeR";
const ACCESS: &str = "at-Pq63sDzU";
const REFRESH: &str = "rt-Lx58cVbN";
const CODE: &str = "code-Tg74hJwQ";
const VERIFIER: &str = "pkce-verifier-Ad93Km2Xr8Vt5Qp1Ln7Bz4Wc6Ys0Hf3Ju9Ek2Go";
const PASSWORD: &str = "pw-Ns85qRtM";

const ALL: [&str; 8] = [
    CONSUMER_SECRET,
    TOKEN_SECRET,
    CLIENT_SECRET,
    ACCESS,
    REFRESH,
    CODE,
    VERIFIER,
    PASSWORD,
];

/// Fails when any known secret is in `text`.
#[track_caller]
fn clean(what: &str, text: &str) {
    for secret in ALL {
        assert!(!text.contains(secret), "{what} shows `{secret}`: {text}");
    }
    // Also percent-encoded or base64 would be a leak, but our secrets are
    // plain unreserved text: these cover what a formatter could print.
}

#[track_caller]
fn debug(what: &str, value: &impl Debug) {
    clean(what, &format!("{value:?}"));
    clean(what, &format!("{value:#?}"));
}

#[track_caller]
fn error<E: Debug + std::fmt::Display>(what: &str, value: &E) {
    debug(what, value);
    clean(what, &value.to_string());
}

fn token_set() -> TokenSet {
    let mut response = TokenResponse::bearer(AccessToken::new(ACCESS));
    response.refresh_token = Some(RefreshToken::new(REFRESH));
    TokenSet::from_response(response, 1_700_000_000)
}

fn oauth2_client() -> Client {
    Client::new("client-id")
        .with_secret(ClientSecret::new(CLIENT_SECRET))
        .with_token_endpoint("https://server.example.com/token".parse().unwrap())
        .with_authorization_endpoint("https://server.example.com/authorize".parse().unwrap())
}

#[test]
fn oauth1_types_never_show_secrets() {
    let consumer = ConsumerSecret::new(CONSUMER_SECRET);
    let token = TokenCredentials::new("token", TokenSecret::new(TOKEN_SECRET));
    debug("ConsumerSecret", &consumer);
    debug("TokenSecret", &TokenSecret::new(TOKEN_SECRET));
    debug("TokenCredentials", &token);
    for method in [
        SignatureMethod::HmacSha1,
        SignatureMethod::HmacSha256,
        SignatureMethod::Plaintext,
    ] {
        let signer = Signer::new(method, "key", &consumer, Some(&token)).unwrap();
        debug("Signer", &signer);
        let parts = RequestParts::new("POST", "https://api.example.com/r?a=1")
            .with_body(Some("application/x-www-form-urlencoded"), b"b=2");
        for placement in [Placement::Header, Placement::Query, Placement::Body] {
            let signed = signer
                .sign(
                    &parts,
                    &ProtocolParams::new(1_700_000_000, "nonce"),
                    placement,
                )
                .unwrap();
            debug("SignedRequest", &signed);
        }
        let signature = signer
            .signature(&parts, &ProtocolParams::new(1_700_000_000, "nonce"))
            .unwrap();
        debug("Signature", &signature);
    }
    // A PLAINTEXT request as a server reads it: its signature is the secrets.
    let header = format!(
        "OAuth oauth_consumer_key=\"key\", oauth_token=\"token\", \
         oauth_signature_method=\"PLAINTEXT\", oauth_signature=\"{CONSUMER_SECRET}%26{TOKEN_SECRET}\""
    );
    let parts = RequestParts::new("GET", "https://api.example.com/r").with_authorization(&header);
    debug("ParsedRequest", &parse_request(&parts).unwrap());
    let response = parse_credentials_response(
        format!("oauth_token=t&oauth_token_secret={TOKEN_SECRET}&oauth_callback_confirmed=true")
            .as_bytes(),
        true,
    )
    .unwrap();
    debug("CredentialsResponse", &response);
    // Errors about a response that holds a secret.
    for body in [
        format!("oauth_token_secret={TOKEN_SECRET}"),
        format!("oauth_token=t&oauth_token_secret={TOKEN_SECRET}&oauth_token_secret=x"),
        format!("oauth_token=t&oauth_token_secret={TOKEN_SECRET}&oauth_callback_confirmed=maybe"),
        format!("oauth_token=t&oauth_token_secret={TOKEN_SECRET}%zz"),
    ] {
        let e = parse_credentials_response(body.as_bytes(), true).unwrap_err();
        error("oauth1 credentials error", &e);
    }
}

#[test]
fn oauth1_rsa_key_is_never_shown() {
    let pem = include_str!("../../../crates/oauth1/tests/data/test-rsa-1024.pkcs8.pem");
    let key = RsaPrivateKey::from_pem(pem).unwrap();
    let text = format!("{key:?} {key:#?}");
    // No line of the key's base64 may appear.
    for line in pem.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!text.contains(line), "RsaPrivateKey shows its PEM: {text}");
    }
    let signer = Signer::with_rsa_key(SignatureMethod::RsaSha1, "key", &key, None).unwrap();
    let text = format!("{signer:?} {signer:#?}");
    for line in pem.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!text.contains(line), "Signer shows the RSA key: {text}");
    }
    // A PEM that does not parse: the error does not quote it.
    let broken = pem.replace("MII", "MIX");
    let e = RsaPrivateKey::from_pem(&broken).unwrap_err();
    let text = format!("{e:?} {e}");
    for line in broken.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!text.contains(line), "the key error quotes the PEM: {text}");
    }
}

#[test]
fn oauth2_types_never_show_secrets() {
    debug("ClientSecret", &ClientSecret::new(CLIENT_SECRET));
    debug("AccessToken", &AccessToken::new(ACCESS));
    debug("RefreshToken", &RefreshToken::new(REFRESH));
    debug("AuthorizationCode", &AuthorizationCode::new(CODE));
    let verifier = PkceVerifier::new(VERIFIER).unwrap();
    debug("PkceVerifier", &verifier);
    debug("TokenSet", &token_set());
    let client = oauth2_client();
    debug("Client", &client);

    let (request, pending) = client
        .authorization_request_with(
            State::new("st"),
            Some((verifier, PkceMethod::S256)),
            Some(RedirectUri::new("http://127.0.0.1/cb")),
            Vec::new(),
        )
        .unwrap();
    debug("AuthorizationRequest", &request);
    debug("PendingAuthorization", &pending);
    let code = pending
        .read_callback(&format!("http://127.0.0.1/cb?code={CODE}&state=st"))
        .unwrap();
    debug("AuthorizationCode (read)", &code);
    let token_request = pending.into_token_request(&client, code);
    debug("TokenRequest", &token_request);

    let response = TokenResponse::parse(
        200,
        Some("application/json"),
        format!(
            r#"{{"access_token":"{ACCESS}","token_type":"bearer","refresh_token":"{REFRESH}"}}"#
        )
        .as_bytes(),
        4096,
        " ",
    )
    .unwrap();
    debug("TokenResponse", &response);

    debug(
        "AuthorizationResponse",
        &parse_callback(&format!("https://c.example/cb?code={CODE}"), None).unwrap(),
    );
    debug(
        "ImplicitResponse",
        &parse_fragment(
            &format!("https://c.example/cb#access_token={ACCESS}&token_type=bearer"),
            None,
        )
        .unwrap(),
    );
    // A callback whose state does not match still holds the code.
    let e = parse_callback(
        &format!("https://c.example/cb?code={CODE}&state=other"),
        Some(&State::new("st")),
    )
    .unwrap_err();
    error("callback error", &e);
}

#[test]
fn oauth2_server_side_params_never_show_secrets() {
    let body = format!(
        "grant_type=authorization_code&code={CODE}&code_verifier={VERIFIER}\
         &redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb&client_id=c&client_secret={CLIENT_SECRET}"
    );
    let request = http::Request::post("https://server.example.com/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.into_bytes())
        .unwrap();
    debug(
        "TokenRequestParams",
        &parse_token_request(&request).unwrap(),
    );
    let body = format!("grant_type=password&username=u&password={PASSWORD}");
    let request = http::Request::post("https://server.example.com/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.into_bytes())
        .unwrap();
    debug(
        "TokenRequestParams (password)",
        &parse_token_request(&request).unwrap(),
    );
    // A refused request that carries secrets: the error names, never quotes.
    let body = format!("grant_type=refresh_token&refresh_token={REFRESH}&refresh_token=x");
    let request = http::Request::post("https://server.example.com/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.into_bytes())
        .unwrap();
    error(
        "token request error",
        &parse_token_request(&request).unwrap_err(),
    );
}

#[test]
fn oauth2_response_errors_never_show_tokens() {
    let token_body = format!(
        r#"{{"access_token":"{ACCESS}","token_type":"bearer","refresh_token":"{REFRESH}"}}"#
    );
    // A token body with a status that is not a success, a member of the
    // wrong type, a body over the limit.
    let cases: [(u16, String, usize); 4] = [
        (500, token_body.clone(), 4096),
        (
            200,
            format!(r#"{{"access_token":"{ACCESS}","token_type":"bearer","expires_in":"soon"}}"#),
            4096,
        ),
        (200, format!(r#"{{"access_token":"{ACCESS}"}}"#), 4096),
        (200, token_body, 10),
    ];
    for (status, body, limit) in cases {
        let e = TokenResponse::parse(
            status,
            Some("application/json"),
            body.as_bytes(),
            limit,
            " ",
        )
        .unwrap_err();
        error(&format!("token response error ({status}, {body})"), &e);
    }
}

#[test]
fn provider_clients_and_their_errors_never_show_secrets() {
    for name in ["fitbit", "mapmytracks", "mapmyfitness"] {
        let profile = sansauth_providers::builtin::get(name).unwrap();
        let client = profile
            .oauth2_client("client-id", Some(CLIENT_SECRET))
            .unwrap();
        debug(&format!("{name} Client"), &client);
        debug(&format!("{name} Profile"), &profile);
        let grant = sansauth_oauth2::token::Grant::RefreshToken {
            refresh_token: RefreshToken::new(REFRESH),
            scopes: Vec::new(),
        };
        let request = sansauth_oauth2::token::TokenRequest::new(&client, grant);
        debug(&format!("{name} TokenRequest"), &request);
        // A token body with an error status: the error does not quote it.
        let body = format!(
            r#"{{"access_token":"{ACCESS}","token_type":"bearer","refresh_token":"{REFRESH}"}}"#
        );
        let response = http::Response::builder()
            .status(500)
            .header("content-type", "application/json")
            .body(body.clone().into_bytes())
            .unwrap();
        let e = profile
            .read_token_response(&request, &response)
            .unwrap_err();
        error(&format!("{name} token response error ({body})"), &e);
    }
    let e = sansauth_providers::Profile::from_toml(
        &format!("name = \"x\"\nclient_secret = \"{CLIENT_SECRET}\"\n"),
        None,
    )
    .unwrap_err();
    error("profile error", &e);
}

#[test]
fn transport_types_never_show_secrets() {
    let callback = Callback::new("http://127.0.0.1:8080/cb", &format!("code={CODE}&state=s"));
    debug("Callback", &callback);
    let token = TokenCredentials::new("token", TokenSecret::new(TOKEN_SECRET));
    debug("OAuth1Token", &OAuth1Token::from_credentials(&token));
    let signer = Signer::new(
        SignatureMethod::Plaintext,
        "key",
        &ConsumerSecret::new(CONSUMER_SECRET),
        Some(&token),
    )
    .unwrap();
    let http = UreqClient::new(ClientOptions::default());
    debug(
        "OAuth1Session",
        &OAuth1Session::new(http.clone(), signer, Placement::Header),
    );
    let store = MemoryTokenStore::new();
    store.save("me", &token_set()).unwrap();
    debug("MemoryTokenStore", &store);
    let session =
        OAuth2Session::open(http, oauth2_client(), store, "me", OAuth2Options::default()).unwrap();
    debug("OAuth2Session", &session);
}

#[test]
fn token_store_errors_never_show_the_file_contents() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileTokenStore::new(dir.path());
    debug("FileTokenStore", &store);
    let path = store.path("me").unwrap();
    let broken = [
        // Not JSON.
        format!(r#"{{"access_token":"{ACCESS}","#),
        // Not this store's envelope.
        format!(r#"{{"access_token":"{ACCESS}","refresh_token":"{REFRESH}"}}"#),
        // The envelope, with a record of the wrong shape.
        format!(
            r#"{{"format":"sansauth-token-store","version":1,"account":"me","record":{{"access_token":7,"refresh_token":"{REFRESH}"}}}}"#
        ),
        format!(
            r#"{{"format":"sansauth-token-store","version":1,"account":"me","record":{{"access_token":"{ACCESS}","token_type":"bearer","issued_at":"{REFRESH}"}}}}"#
        ),
    ];
    for contents in broken {
        std::fs::write(&path, &contents).unwrap();
        let e = sansauth_transport::store::TokenStore::<TokenSet>::load(&store, "me").unwrap_err();
        error(&format!("token store error ({contents})"), &e);
        let e =
            sansauth_transport::store::TokenStore::<OAuth1Token>::load(&store, "me").unwrap_err();
        error(&format!("token store error ({contents})"), &e);
    }
}
