//! `sansauth sign`: the OAuth 1 signing calculator.

use std::io::Write as _;

use sansauth_oauth1::encoding::percent_decode;
use sansauth_oauth1::{
    ConsumerSecret, Nonce, Placement, ProtocolParams, RequestParts, RsaPrivateKey, SignatureMethod,
    Signer, TokenCredentials, TokenSecret, unix_now,
};
use serde_json::json;

use crate::cli::{PlacementArg, SignArgs};
use crate::redact::secret_from;
use crate::{CliError, CliResult, Kind};

/// Runs the command.
///
/// # Errors
///
/// Usage errors for bad flags, a missing secret or an unreadable key; a
/// failure when the request cannot be signed (a relative URL, a bad escape).
pub fn run(args: &SignArgs) -> CliResult {
    let method: SignatureMethod = args.signature_method.parse().map_err(|_| {
        CliError::usage(format!(
            "unknown signature method `{}`",
            args.signature_method
        ))
    })?;
    let signer = signer(args, method)?;
    let nonce = Nonce::random();
    let mut params = ProtocolParams::new(
        args.timestamp.unwrap_or_else(unix_now),
        args.nonce.as_deref().unwrap_or(nonce.as_str()),
    );
    if let Some(callback) = &args.callback {
        params = params.with_callback(callback);
    }
    if let Some(verifier) = &args.verifier {
        params = params.with_verifier(verifier);
    }
    if let Some(realm) = &args.realm {
        params = params.with_realm(realm);
    }
    if let Some(version) = &args.version {
        params = params.with_version(version);
    }
    if args.body_hash {
        params = params.with_body_hash();
    }
    let request = &args.request;
    let body = request.body.as_deref().unwrap_or("").as_bytes();
    let parts = RequestParts::new(&request.method, &request.url)
        .with_body(request.content_type.as_deref(), body);
    let placement = match args.placement {
        PlacementArg::Header => Placement::Header,
        PlacementArg::Query => Placement::Query,
        PlacementArg::Body => Placement::Body,
    };
    let failed =
        |e: sansauth_oauth1::Error| CliError::new(Kind::Failed, format!("cannot sign: {e}"));
    let base_string = signer.base_string(&parts, &params).map_err(failed)?;
    let signature = signer.signature(&parts, &params).map_err(failed)?;
    let signed = signer.sign(&parts, &params, placement).map_err(failed)?;
    let signed_body = String::from_utf8_lossy(signed.body()).into_owned();

    let mut out = std::io::stdout().lock();
    let written = if args.json {
        let mut object = json!({
            "base_string": base_string,
            "signature": signature.as_str(),
            "url": signed.url(),
            "body": signed_body,
        });
        if let (Some(header), Some(map)) = (signed.authorization(), object.as_object_mut()) {
            map.insert("authorization".to_owned(), json!(header));
        }
        writeln!(out, "{object}")
    } else {
        let result = match placement {
            Placement::Header => signed.authorization().unwrap_or_default().to_owned(),
            Placement::Query => signed.url().to_owned(),
            _ => signed_body,
        };
        if args.explain {
            explain(&mut out, &base_string, signature.as_str())
                .and_then(|()| writeln!(out, "{}:\n  {result}", placed(placement)))
        } else {
            writeln!(out, "{result}")
        }
    };
    written.map_err(|e| CliError::new(Kind::Failed, format!("cannot write the output: {e}")))
}

/// The signer for the flags: HMAC and PLAINTEXT from secrets, RSA from a key file.
fn signer(args: &SignArgs, method: SignatureMethod) -> Result<Signer, CliError> {
    let token_secret = secret_from(
        args.token_secret.as_deref(),
        args.token_secret_env.as_deref(),
    )?;
    if token_secret.is_some() && args.token.is_none() {
        return Err(CliError::usage("--token-secret needs --token"));
    }
    let invalid =
        |e: sansauth_oauth1::Error| CliError::usage(format!("cannot use these credentials: {e}"));
    if method.is_rsa() {
        let path = args
            .private_key
            .as_ref()
            .ok_or_else(|| CliError::usage(format!("{method} needs --private-key FILE")))?;
        let pem = std::fs::read_to_string(path)
            .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))?;
        let key = RsaPrivateKey::from_pem(&pem).map_err(invalid)?;
        return Signer::with_rsa_key(method, &args.consumer_key, &key, args.token.as_deref())
            .map_err(invalid);
    }
    let consumer_secret = secret_from(
        args.consumer_secret.as_deref(),
        args.consumer_secret_env.as_deref(),
    )?
    .ok_or_else(|| {
        CliError::usage(format!(
            "{method} needs --consumer-secret or --consumer-secret-env VAR"
        ))
    })?;
    let token = args.token.as_ref().map(|t| {
        TokenCredentials::new(
            t.clone(),
            TokenSecret::new(token_secret.unwrap_or_default()),
        )
    });
    Signer::new(
        method,
        &args.consumer_key,
        &ConsumerSecret::new(consumer_secret),
        token.as_ref(),
    )
    .map_err(invalid)
}

/// What the default output is, by placement.
fn placed(placement: Placement) -> &'static str {
    match placement {
        Placement::Header => "Authorization header",
        Placement::Query => "signed URL",
        _ => "signed body",
    }
}

/// Prints the steps of §3.4.1: the collected parameters, the normalized
/// string, the base string, the signature. The first two are read back from
/// the base string, so they are exactly what was signed.
pub(crate) fn explain(
    out: &mut impl std::io::Write,
    base_string: &str,
    signature: &str,
) -> std::io::Result<()> {
    let normalized = base_string
        .splitn(3, '&')
        .nth(2)
        .and_then(|p| percent_decode(p, false).ok())
        .unwrap_or_default();
    writeln!(out, "parameters (sorted, decoded):")?;
    for pair in normalized.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| percent_decode(s, false).unwrap_or_else(|_| s.to_owned());
        writeln!(out, "  {} = {}", decode(name), decode(value))?;
    }
    writeln!(out, "normalized parameters:\n  {normalized}")?;
    writeln!(out, "base string:\n  {base_string}")?;
    writeln!(out, "signature:\n  {signature}")
}
