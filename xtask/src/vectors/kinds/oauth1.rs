//! `oauth1.*` kinds, run through `sansauth-oauth1`'s public API.

use sansauth_oauth1::encoding::percent_encode;
use sansauth_oauth1::flow::parse_credentials_response;
use sansauth_oauth1::{
    ConsumerSecret, Error, KeyedSecrets, MemoryNonceStore, Placement, ProtocolParams, RequestParts,
    RsaPrivateKey, RsaPublicKey, SignatureMethod, Signer, TokenCredentials, TokenSecret, Verifier,
    VerifyKey, base_string, base_string_uri, normalize_parameters, parse_authorization,
    parse_request,
};

use crate::vectors::case::{ApiError, Case, InputResult};

/// Runs the `oauth1.<name>` kind, or `None` when there is no such kind.
pub(super) fn dispatch(name: &str, case: &mut Case<'_>) -> Option<InputResult<()>> {
    Some(match name {
        "percent_encode" => percent_encode_kind(case),
        "normalize_parameters" => normalize_parameters_kind(case),
        "base_string_uri" => base_string_uri_kind(case),
        "base_string" => base_string_kind(case),
        "signature" => signature_kind(case),
        "sign_request" => sign_request_kind(case),
        "verify_request" => verify_request_kind(case),
        "parse_authorization" => parse_authorization_kind(case),
        "parse_credentials" => parse_credentials_kind(case),
        _ => return None,
    })
}

fn api(e: Error) -> ApiError {
    ApiError {
        code: e.code().to_owned(),
        message: e.to_string(),
    }
}

/// `oauth1.percent_encode`: RFC 5849 §3.6.
fn percent_encode_kind(case: &mut Case<'_>) -> InputResult<()> {
    let text = case.str("text")?;
    case.eq_str("encoded", &percent_encode(text));
    Ok(())
}

/// `oauth1.normalize_parameters`: RFC 5849 §3.4.1.3.2.
fn normalize_parameters_kind(case: &mut Case<'_>) -> InputResult<()> {
    let params = case.pairs("params")?;
    case.eq_str("normalized", &normalize_parameters(&params));
    Ok(())
}

/// `oauth1.base_string_uri`: RFC 5849 §3.4.1.2.
fn base_string_uri_kind(case: &mut Case<'_>) -> InputResult<()> {
    let url = case.str("url")?;
    if let Some(uri) = case.outcome(base_string_uri(url).map_err(api)) {
        case.eq_str("base_uri", &uri);
    }
    Ok(())
}

/// The request described by `method`, `url`, `content_type`, `body`, `authorization`.
fn request_parts<'a>(case: &Case<'a>) -> InputResult<RequestParts<'a>> {
    let mut parts = RequestParts::new(case.str("method")?, case.str("url")?).with_body(
        case.opt_str("content_type")?,
        case.opt_str("body")?.unwrap_or_default().as_bytes(),
    );
    if let Some(auth) = case.opt_str("authorization")? {
        parts = parts.with_authorization(auth);
    }
    Ok(parts)
}

/// `oauth1.base_string`: RFC 5849 §3.4.1.
fn base_string_kind(case: &mut Case<'_>) -> InputResult<()> {
    let parts = request_parts(case)?;
    let extra = case.pairs("oauth_params")?;
    if let Some(base) = case.outcome(base_string(&parts, &extra).map_err(api)) {
        case.eq_str("base_string", &base);
    }
    Ok(())
}

fn method(case: &Case<'_>) -> InputResult<SignatureMethod> {
    let name = case.str("signature_method")?;
    name.parse()
        .map_err(|_| format!("unknown signature_method {name:?}"))
}

/// A signer from the vector's credentials (`consumer_secret` or `private_key_pem`).
fn signer(case: &Case<'_>, consumer_key: &str) -> InputResult<Result<Signer, Error>> {
    let method = method(case)?;
    let token = case.opt_str("token")?;
    if method.is_rsa() {
        let pem = case.str("private_key_pem")?;
        return Ok(RsaPrivateKey::from_pem(pem)
            .and_then(|key| Signer::with_rsa_key(method, consumer_key, &key, token)));
    }
    let secret = ConsumerSecret::new(case.str("consumer_secret")?);
    let token_secret = TokenSecret::new(case.opt_str("token_secret")?.unwrap_or_default());
    // A bare base string (`oauth1.signature`) has no token, only its secret;
    // the token itself is then never sent, so it may stay empty.
    let credentials = TokenCredentials::new(token.unwrap_or_default(), token_secret);
    let with_token =
        token.is_some() || (consumer_key.is_empty() && case.opt_str("token_secret")?.is_some());
    Ok(Signer::new(
        method,
        consumer_key,
        &secret,
        with_token.then_some(&credentials),
    ))
}

/// `oauth1.signature`: RFC 5849 §3.4.2–3.4.4 over a given base string.
fn signature_kind(case: &mut Case<'_>) -> InputResult<()> {
    let base = case.str("base_string")?;
    let signed = signer(case, "")?.and_then(|s| s.sign_base_string(base));
    if let Some(sig) = case.outcome(signed.map_err(api)) {
        case.eq_str("signature", sig.as_str());
    }
    Ok(())
}

/// `oauth1.sign_request`: the whole client side, RFC 5849 §3.1–3.5.
fn sign_request_kind(case: &mut Case<'_>) -> InputResult<()> {
    let parts = request_parts(case)?;
    // Without both, the request has neither (as §3.1 allows with PLAINTEXT).
    let mut params = match (case.opt_u64("timestamp")?, case.opt_str("nonce")?) {
        (Some(timestamp), Some(nonce)) => ProtocolParams::new(timestamp, nonce),
        (None, None) => ProtocolParams::untimed(),
        _ => return Err("inputs `timestamp` and `nonce` go together".to_owned()),
    };
    if let Some(callback) = case.opt_str("callback")? {
        params = params.with_callback(callback);
    }
    if let Some(verifier) = case.opt_str("verifier")? {
        params = params.with_verifier(verifier);
    }
    if let Some(realm) = case.opt_str("realm")? {
        params = params.with_realm(realm);
    }
    if let Some(version) = case.opt_str("version")? {
        params = params.with_version(version);
    }
    if case.opt_bool("body_hash")? == Some(true) {
        params = params.with_body_hash();
    }
    let placement = match case.opt_str("placement")?.unwrap_or("header") {
        "header" => Placement::Header,
        "query" => Placement::Query,
        "body" => Placement::Body,
        other => return Err(format!("unknown placement {other:?}")),
    };
    let signer = match signer(case, case.str("consumer_key")?)? {
        Ok(signer) => signer,
        Err(e) => {
            case.outcome::<()>(Err(api(e)));
            return Ok(());
        }
    };
    let result = (|| {
        let base = signer.base_string(&parts, &params)?;
        let sig = signer.signature(&parts, &params)?;
        let signed = signer.sign(&parts, &params, placement)?;
        Ok((base, sig, signed))
    })();
    if let Some((base, sig, signed)) = case.outcome(result.map_err(api)) {
        case.eq_str("base_string", &base);
        case.eq_str("signature", sig.as_str());
        case.eq_opt_str("authorization", signed.authorization());
        case.eq_url("url", signed.url());
        case.eq_form("body", signed.body());
    }
    Ok(())
}

/// `oauth1.verify_request`: the server side, RFC 5849 §3.2.
///
/// With `verify_twice: true`, the same request is verified twice against one
/// nonce store and the second verdict is compared (a replay). A vector with
/// shared secrets is verified twice over: with the secrets keyed afresh
/// ([`VerifyKey::Secrets`]) and keyed once beforehand for the request's
/// method ([`VerifyKey::Keyed`]), as a server that keeps its keys does; both
/// verdicts must be the expected one.
fn verify_request_kind(case: &mut Case<'_>) -> InputResult<()> {
    let parts = request_parts(case)?;
    let now = case.opt_u64("now")?.ok_or("input `now` is required")?;
    let mut verifier = Verifier::new();
    if let Some(skew) = case.opt_u64("max_skew_seconds")? {
        verifier = verifier.max_skew_seconds(skew);
    }
    let consumer_secret = case.opt_str("consumer_secret")?.map(ConsumerSecret::new);
    let token_secret = case.opt_str("token_secret")?.map(TokenSecret::new);
    let public_key = case.opt_str("public_key_pem")?;
    let twice = case.opt_bool("verify_twice")? == Some(true);
    let run = |keyed: bool| {
        let public = public_key.map(RsaPublicKey::from_pem).transpose()?;
        let request = parse_request(&parts)?;
        let kept;
        let key = match (&public, &consumer_secret) {
            (Some(public), _) => VerifyKey::Rsa(public),
            (None, Some(consumer_secret)) if keyed => {
                // A server keys its secrets for the method it expects: the
                // request's own, or HMAC-SHA1 when that is an RSA method.
                let method = Some(request.signature_method())
                    .filter(|m| !m.is_rsa())
                    .unwrap_or(SignatureMethod::HmacSha1);
                kept = KeyedSecrets::new(method, consumer_secret, token_secret.as_ref())?;
                VerifyKey::Keyed(&kept)
            }
            (None, Some(consumer_secret)) => VerifyKey::Secrets {
                consumer_secret,
                token_secret: token_secret.as_ref(),
            },
            (None, None) => {
                return Err(Error::InvalidKey {
                    what: "the vector gives neither consumer_secret nor public_key_pem",
                });
            }
        };
        let mut store = MemoryNonceStore::new(verifier.max_skew(), 1024);
        if twice {
            verifier.verify(&request, key, now, &mut store)?;
        }
        verifier.verify(&request, key, now, &mut store)
    };
    let fresh = run(false);
    if case.outcome(fresh.map_err(api)).is_some() {
        case.eq_bool("valid", true);
    }
    if consumer_secret.is_some() && public_key.is_none() {
        let kept = run(true);
        if case.outcome(kept.map_err(api)).is_some() {
            case.eq_bool("valid", true);
        }
    }
    Ok(())
}

/// `oauth1.parse_authorization`: RFC 5849 §3.5.1.
fn parse_authorization_kind(case: &mut Case<'_>) -> InputResult<()> {
    let header = case.str("header")?;
    if let Some(parsed) = case.outcome(parse_authorization(header).map_err(api)) {
        let pairs: Vec<(&str, &str)> = parsed
            .params
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        case.eq_pairs("params", &pairs);
        case.eq_opt_str("realm", parsed.realm.as_deref());
    }
    Ok(())
}

/// `oauth1.parse_credentials`: RFC 5849 §2.1 / §2.3 responses.
fn parse_credentials_kind(case: &mut Case<'_>) -> InputResult<()> {
    let body = case.str("body")?;
    let require = case
        .opt_bool("require_callback_confirmed")?
        .unwrap_or(false);
    let parsed = parse_credentials_response(body.as_bytes(), require);
    if let Some(r) = case.outcome(parsed.map_err(api)) {
        case.eq_str("token", r.credentials.token());
        case.eq_str("token_secret", r.credentials.secret().secret());
        case.eq_bool("callback_confirmed", r.callback_confirmed == Some(true));
        let extra: Vec<(&str, &str)> = r
            .extra
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        case.eq_pairs("extra", &extra);
    }
    Ok(())
}
