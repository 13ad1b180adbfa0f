//! The MapMyFitness API 3.1 OAuth 1.0a tutorial's flow, walked sans-IO: the
//! client core builds each request, a server built on this crate's server
//! side answers it, and no byte crosses a socket.
//!
//! The tutorial's own key and secret could not be recovered, so the
//! credentials, tokens and verifier below are made-up example values; the
//! endpoints and the shape of each step (form-body signing for the token
//! calls, `oauth_callback` repeated on the authorize URL, query signing
//! with `api_key` for API calls) follow the tutorial.

use sansauth_oauth1::flow::{
    TemporaryCredentialsRequest, TokenCredentialsRequest, authorize_url, parse_callback,
    parse_credentials_response,
};
use sansauth_oauth1::{
    ConsumerSecret, Error, MemoryNonceStore, Placement, ProtocolParams, RequestParts,
    SignatureMethod, SignedRequest, Signer, TokenSecret, Verifier, VerifyKey, parse_request,
};

const CONSUMER_KEY: &str = "example-consumer-key";
const CONSUMER_SECRET: &str = "example-consumer-secret";
const CALLBACK: &str = "http://localhost.mapmyapi.com:12345/callback";
const REQUEST_TOKEN: &str = "http://api.mapmyfitness.com/3.1/oauth/request_token";
const AUTHORIZE: &str = "https://www.mapmyfitness.com/oauth/authorize/";
const ACCESS_TOKEN: &str = "http://api.mapmyfitness.com/3.1/oauth/access_token";
const NOW: u64 = 1_300_000_000;

/// The provider's side, as small as the flow needs.
struct Provider {
    verifier: Verifier,
    nonces: MemoryNonceStore,
    consumer_secret: ConsumerSecret,
    temporary_secret: TokenSecret,
    token_secret: TokenSecret,
}

impl Provider {
    fn new() -> Self {
        Self {
            verifier: Verifier::new().allow(&[SignatureMethod::HmacSha1]),
            nonces: MemoryNonceStore::new(300, 100),
            consumer_secret: ConsumerSecret::new(CONSUMER_SECRET),
            temporary_secret: TokenSecret::new("example-temporary-secret"),
            token_secret: TokenSecret::new("example-token-secret"),
        }
    }

    /// Checks a signed request; returns its callback and verifier.
    fn check(
        &mut self,
        req: &SignedRequest,
        now: u64,
    ) -> Result<(Option<String>, Option<String>), Error> {
        let mut parts =
            RequestParts::new(req.method(), req.url()).with_body(req.content_type(), req.body());
        parts.authorization = req.authorization();
        let parsed = parse_request(&parts)?;
        assert_eq!(parsed.consumer_key(), CONSUMER_KEY);
        let token_secret = match parsed.token() {
            None => None,
            Some("example-temporary-token") => Some(&self.temporary_secret),
            Some("example-token") => Some(&self.token_secret),
            Some(_) => return Err(Error::BadSignature),
        };
        let key = VerifyKey::Secrets {
            consumer_secret: &self.consumer_secret,
            token_secret,
        };
        self.verifier.verify(&parsed, key, now, &mut self.nonces)?;
        Ok((
            parsed.callback().map(Into::into),
            parsed.verifier().map(Into::into),
        ))
    }
}

#[test]
fn the_three_legs_and_an_api_call() {
    let mut provider = Provider::new();
    let consumer_secret = ConsumerSecret::new(CONSUMER_SECRET);

    // Leg 1: temporary credentials, signed in the form body.
    let signer = Signer::new(
        SignatureMethod::HmacSha1,
        CONSUMER_KEY,
        &consumer_secret,
        None,
    )
    .unwrap();
    let request = TemporaryCredentialsRequest::new(REQUEST_TOKEN, CALLBACK)
        .with_placement(Placement::Body)
        .sign(
            &signer,
            &ProtocolParams::new(NOW, "nonce-1").with_version("1.0"),
        )
        .unwrap();
    assert_eq!(request.method(), "POST");
    assert_eq!(
        request.content_type(),
        Some("application/x-www-form-urlencoded")
    );
    assert!(request.authorization().is_none());
    let (callback, _) = provider.check(&request, NOW + 1).unwrap();
    assert_eq!(callback.as_deref(), Some(CALLBACK));
    let response = b"oauth_token=example-temporary-token&oauth_token_secret=example-temporary-secret&oauth_callback_confirmed=true";
    let temporary = parse_credentials_response(response, true)
        .unwrap()
        .credentials;

    // Leg 2: the user authorizes; MapMyFitness wants oauth_callback again.
    let url = authorize_url(
        AUTHORIZE,
        temporary.token(),
        &[("oauth_callback", CALLBACK)],
    )
    .unwrap();
    assert_eq!(
        url,
        "https://www.mapmyfitness.com/oauth/authorize/?oauth_token=example-temporary-token\
         &oauth_callback=http%3A%2F%2Flocalhost.mapmyapi.com%3A12345%2Fcallback"
    );
    let redirect =
        format!("{CALLBACK}?oauth_token=example-temporary-token&oauth_verifier=example-verifier");
    let callback = parse_callback(&redirect, temporary.token()).unwrap();
    assert_eq!(callback.verifier, "example-verifier");

    // Leg 3: token credentials, with the verifier, signed with the temporary credentials.
    let signer = Signer::new(
        SignatureMethod::HmacSha1,
        CONSUMER_KEY,
        &consumer_secret,
        Some(&temporary),
    )
    .unwrap();
    let request = TokenCredentialsRequest::new(ACCESS_TOKEN, &callback.verifier)
        .with_placement(Placement::Body)
        .sign(
            &signer,
            &ProtocolParams::new(NOW + 30, "nonce-2").with_version("1.0"),
        )
        .unwrap();
    let (_, verifier) = provider.check(&request, NOW + 31).unwrap();
    assert_eq!(verifier.as_deref(), Some("example-verifier"));
    let response =
        b"oauth_token=example-token&oauth_token_secret=example-token-secret&user_id=12345";
    let token = parse_credentials_response(response, false).unwrap();
    assert_eq!(token.extra, [("user_id".to_owned(), "12345".to_owned())]);

    // An API call, signed in the query, with the consumer key again as `api_key`.
    let signer = Signer::new(
        SignatureMethod::HmacSha1,
        CONSUMER_KEY,
        &consumer_secret,
        Some(&token.credentials),
    )
    .unwrap();
    let url = format!(
        "http://api.mapmyfitness.com/3.1/workouts/get_workouts?api_key={CONSUMER_KEY}&limit=5"
    );
    let request = signer
        .sign(
            &RequestParts::new("GET", &url),
            &ProtocolParams::new(NOW + 60, "nonce-3"),
            Placement::Query,
        )
        .unwrap();
    assert!(
        request
            .url()
            .starts_with(&format!("{url}&oauth_consumer_key={CONSUMER_KEY}&"))
    );
    provider.check(&request, NOW + 61).unwrap();

    // The same request again is a replay.
    assert_eq!(
        provider.check(&request, NOW + 62),
        Err(Error::ReplayedNonce)
    );
}

#[test]
fn the_flow_refuses_what_it_should() {
    // A callback for another flow's token.
    let redirect = format!("{CALLBACK}?oauth_token=someone-else&oauth_verifier=v");
    assert_eq!(parse_callback(&redirect, "mine"), Err(Error::TokenMismatch));
    // A callback without a verifier.
    let redirect = format!("{CALLBACK}?oauth_token=mine");
    assert_eq!(
        parse_callback(&redirect, "mine"),
        Err(Error::MissingParameter {
            name: "oauth_verifier"
        })
    );
    // A server that did not confirm the callback (OAuth Core 1.0, before 1.0a).
    assert_eq!(
        parse_credentials_response(b"oauth_token=t&oauth_token_secret=s", true).unwrap_err(),
        Error::CallbackNotConfirmed
    );
    // The token-credentials request needs the temporary token.
    let consumer_secret = ConsumerSecret::new(CONSUMER_SECRET);
    let signer = Signer::new(
        SignatureMethod::HmacSha1,
        CONSUMER_KEY,
        &consumer_secret,
        None,
    )
    .unwrap();
    assert_eq!(
        TokenCredentialsRequest::new(ACCESS_TOKEN, "v")
            .sign(&signer, &ProtocolParams::new(NOW, "n"))
            .unwrap_err(),
        Error::MissingParameter {
            name: "oauth_token"
        }
    );
}

#[test]
fn out_of_band_pin_flow() {
    let consumer_secret = ConsumerSecret::new(CONSUMER_SECRET);
    let signer = Signer::new(
        SignatureMethod::HmacSha1,
        CONSUMER_KEY,
        &consumer_secret,
        None,
    )
    .unwrap();
    let request =
        TemporaryCredentialsRequest::new(REQUEST_TOKEN, sansauth_oauth1::flow::OUT_OF_BAND)
            .sign(&signer, &ProtocolParams::new(NOW, "n"))
            .unwrap();
    let header = request.authorization().unwrap();
    assert!(header.contains("oauth_callback=\"oob\""), "{header}");
    let mut provider = Provider::new();
    let (callback, _) = provider.check(&request, NOW).unwrap();
    assert_eq!(callback.as_deref(), Some("oob"));
}
