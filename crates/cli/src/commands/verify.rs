//! `sansauth verify`: checks an OAuth 1 signed request as a server would.

use sansauth_oauth1::{
    ConsumerSecret, MemoryNonceStore, RequestParts, RsaPublicKey, TokenSecret, Verifier, VerifyKey,
    parse_request, unix_now,
};
use serde_json::json;

use crate::cli::VerifyArgs;
use crate::redact::secret_from;
use crate::{CliError, CliResult, Kind};

/// Runs the command: prints `valid`, or the failed check's code and message,
/// and the base string computed for the request.
///
/// # Errors
///
/// Usage errors for bad flags or missing secrets; [`Kind::Failed`] when the
/// request does not verify.
pub fn run(args: &VerifyArgs) -> CliResult {
    let request = &args.request;
    let body = request.body.as_deref().unwrap_or("").as_bytes();
    let mut parts = RequestParts::new(&request.method, &request.url)
        .with_body(request.content_type.as_deref(), body);
    if let Some(authorization) = &args.authorization {
        parts = parts.with_authorization(authorization);
    }
    let now = args.now.unwrap_or_else(unix_now);
    let consumer_secret = secret_from(
        args.consumer_secret.as_deref(),
        args.consumer_secret_env.as_deref(),
    )?;
    let token_secret = secret_from(
        args.token_secret.as_deref(),
        args.token_secret_env.as_deref(),
    )?
    .map(TokenSecret::new);
    let public_key = match &args.public_key {
        None => None,
        Some(path) => {
            let pem = std::fs::read_to_string(path)
                .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))?;
            Some(
                RsaPublicKey::from_pem(&pem)
                    .map_err(|e| CliError::usage(format!("bad public key: {e}")))?,
            )
        }
    };

    let (outcome, base_string) = match parse_request(&parts) {
        Err(e) => (Err(e), None),
        Ok(parsed) => {
            let base_string = parsed.base_string();
            let consumer_secret = ConsumerSecret::new(consumer_secret.unwrap_or_default());
            let key = match &public_key {
                Some(key) if parsed.signature_method().is_rsa() => VerifyKey::Rsa(key),
                _ => VerifyKey::Secrets {
                    consumer_secret: &consumer_secret,
                    token_secret: token_secret.as_ref(),
                },
            };
            let verifier = Verifier::new().max_skew_seconds(args.max_skew);
            let nonces = MemoryNonceStore::new(args.max_skew, 1);
            (
                verifier.verify(&parsed, key, now, nonces),
                Some(base_string),
            )
        }
    };

    if args.json {
        let object = json!({
            "valid": outcome.is_ok(),
            "error": outcome.as_ref().err().map(sansauth_oauth1::Error::code),
            "message": outcome.as_ref().err().map(ToString::to_string),
            "base_string": base_string,
        });
        println!("{object}");
    } else {
        match &outcome {
            Ok(()) => println!("valid"),
            Err(e) => println!("invalid: {} ({e})", e.code()),
        }
        if let Some(base_string) = &base_string {
            println!("base string:\n  {base_string}");
        }
    }
    outcome.map_err(|e| {
        CliError::new(
            Kind::Failed,
            format!("the request does not verify: {} ({e})", e.code()),
        )
    })
}
