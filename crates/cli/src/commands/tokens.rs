//! `sansauth refresh`, `sansauth revoke` and `sansauth tokens`: what can be
//! done with stored tokens besides using them.

use sansauth_oauth2::revocation::RevocationRequest;
use sansauth_oauth2::tokens::TokenSet;
use sansauth_providers::profile::Protocol;
use sansauth_transport::store::TokenStore;

use crate::accounts::{self, Account, Accounts, OAuth1Tokens, protocol_name};
use crate::cli::{AccountArgs, TokensArgs};
use crate::commands::request::{hide_token_set, open_oauth2};
use crate::error::{CliError, CliResult, Kind};

/// Runs `sansauth refresh`: refreshes the account's OAuth 2 tokens now
/// (RFC 6749 §6) and stores the new set before anything uses it.
///
/// # Errors
///
/// Usage for an OAuth 1 account; reauthorize (exit 5) when the provider
/// refuses the refresh token (`invalid_grant`) or there is none.
pub fn refresh(args: &AccountArgs) -> CliResult {
    let account = Account::open(&args.profile, &args.account)?;
    if account.profile.protocol != Protocol::OAuth2 {
        return Err(CliError::usage(format!(
            "the profile `{}` speaks OAuth 1, whose token credentials do not expire or refresh",
            account.profile.name
        )));
    }
    let mut redactor = account.redactor();
    let before: Option<TokenSet> = account
        .token_store()
        .load(&account.name)
        .map_err(|e| accounts::store_error(&e))?;
    if let Some(tokens) = &before {
        hide_token_set(&mut redactor, tokens);
    }
    let session = open_oauth2(&account, redactor)?;
    session
        .refresh_now()
        .map_err(|e| account.session_error(&e))?;
    let after = session.tokens();
    let rotated =
        before.as_ref().and_then(|b| b.refresh_token.as_ref()) != after.refresh_token.as_ref();
    println!(
        "Refreshed account `{}` of {}: the access token {}; {}",
        account.name,
        account.profile.display_name,
        expiry_phrase(after.expires_in(accounts::now())),
        if rotated {
            "the provider issued a new refresh token (stored)"
        } else {
            "the refresh token stays the same"
        }
    );
    Ok(())
}

fn expiry_phrase(expires_in: Option<u64>) -> String {
    match expires_in {
        Some(0) => "has expired".to_owned(),
        Some(seconds) => format!("expires in {}", duration(seconds)),
        None => "has no stated expiry".to_owned(),
    }
}

/// `3d 4h`, `2h 5m`, `59s`.
fn duration(seconds: u64) -> String {
    let (d, h, m, s) = (
        seconds / 86_400,
        seconds / 3600 % 24,
        seconds / 60 % 60,
        seconds % 60,
    );
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) => format!("{m}m {s}s"),
        (0, _, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h"),
    }
}

/// Runs `sansauth revoke`: OAuth 2 tokens are revoked at the provider (RFC
/// 7009), the refresh token first (which ends the grant where the provider
/// supports it), then the access token; then the account is forgotten.
/// OAuth 1 has no revocation request: the account is forgotten locally.
///
/// # Errors
///
/// Provider when the provider refuses the refresh token's revocation (the
/// account is then kept, to try again); network.
pub fn revoke(args: &AccountArgs) -> CliResult {
    let account = Account::open(&args.profile, &args.account)?;
    match account.profile.protocol {
        Protocol::OAuth2 => revoke_oauth2(&account)?,
        Protocol::OAuth1 => {
            eprintln!(
                "OAuth 1 has no revocation request: forgetting the token credentials here. To cut \
                 the application off, remove its access in your {} account settings.",
                account.profile.display_name
            );
        }
    }
    account
        .accounts
        .remove(&account.profile.name, &account.name)?;
    println!(
        "Account `{}` of {} removed from {}",
        account.name,
        account.profile.display_name,
        account.accounts.root().display()
    );
    Ok(())
}

fn revoke_oauth2(account: &Account) -> Result<(), CliError> {
    let tokens: Option<TokenSet> = account
        .token_store()
        .load(&account.name)
        .map_err(|e| accounts::store_error(&e))?;
    let Some(tokens) = tokens else {
        return Ok(());
    };
    let client = account
        .profile
        .oauth2_client(
            &account.record.client_id,
            account.record.client_secret.as_deref(),
        )
        .map_err(|e| CliError::usage(e.to_string()))?;
    if client.revocation_endpoint.is_none() {
        eprintln!(
            "{} has no revocation endpoint: forgetting the tokens here only; they stay valid at \
             the provider until they expire.",
            account.profile.display_name
        );
        return Ok(());
    }
    let mut redactor = account.redactor();
    hide_token_set(&mut redactor, &tokens);
    let http = accounts::http_client(&account.profile, redactor);
    let allow = account.profile.allow_insecure_http;
    let mut grant_ended = false;
    if let Some(refresh) = &tokens.refresh_token {
        let request = RevocationRequest::refresh_token(&client, refresh);
        sansauth_transport::exchange::run(&http, &request, allow).map_err(|e| {
            let mut error = CliError::transport(&e);
            error.message = format!(
                "revoking the refresh token failed: {}; the account is kept, run `sansauth revoke` again",
                error.message
            );
            error
        })?;
        eprintln!("Revoked the refresh token.");
        grant_ended = true;
    }
    let request = RevocationRequest::access_token(&client, &tokens.access_token);
    match sansauth_transport::exchange::run(&http, &request, allow) {
        Ok(_) => eprintln!("Revoked the access token."),
        Err(e) if grant_ended || e.code() == "unsupported_token_type" => {
            // RFC 7009 §2.2.1: a server may not revoke access tokens; revoking
            // the refresh token already ended the grant where it can.
            eprintln!(
                "The provider did not revoke the access token ({e}); it stays valid until it expires."
            );
        }
        Err(e) => {
            let mut error = CliError::transport(&e);
            error.message = format!(
                "revoking the access token failed: {}; the account is kept, run `sansauth revoke` again",
                error.message
            );
            return Err(error);
        }
    }
    Ok(())
}

/// One stored account, as `sansauth tokens` lists it: no secret.
#[derive(Debug, serde::Serialize)]
struct Listed {
    profile: String,
    account: String,
    protocol: &'static str,
    client_id: String,
    /// Seconds until the access token expires (0 once expired); null when
    /// unknown or, for OAuth 1, never.
    expires_in: Option<u64>,
    /// Unix seconds.
    expires_at: Option<u64>,
    has_refresh_token: bool,
    scopes: Option<Vec<String>>,
    /// Set when the tokens cannot be read; the other fields come from the record.
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    base_url: Option<String>,
}

/// Runs `sansauth tokens`: every stored account, with protocol and expiry.
///
/// # Errors
///
/// When the configuration directory cannot be read.
pub fn list(args: &TokensArgs) -> CliResult {
    let accounts = Accounts::open()?;
    let now = accounts::now();
    let mut listed = Vec::new();
    for (profile, account, record) in accounts.list()? {
        let store = accounts.tokens(&profile);
        let mut entry = Listed {
            profile: profile.clone(),
            account: account.clone(),
            protocol: protocol_name(record.protocol),
            client_id: record.client_id.clone(),
            expires_in: None,
            expires_at: None,
            has_refresh_token: false,
            scopes: None,
            problem: None,
            base_url: record.base_url.clone(),
        };
        match record.protocol {
            Protocol::OAuth2 => match TokenStore::<TokenSet>::load(&store, &account) {
                Ok(Some(tokens)) => {
                    entry.expires_in = tokens.expires_in(now);
                    entry.expires_at = tokens.expires_at;
                    entry.has_refresh_token = tokens.refresh_token.is_some();
                    entry.scopes = tokens
                        .scopes
                        .as_ref()
                        .map(|s| s.iter().map(|s| s.as_str().to_owned()).collect());
                }
                Ok(None) => entry.problem = Some("no tokens stored".to_owned()),
                Err(e) => entry.problem = Some(e.to_string()),
            },
            Protocol::OAuth1 => match TokenStore::<OAuth1Tokens>::load(&store, &account) {
                Ok(Some(_)) => {}
                Ok(None) => entry.problem = Some("no tokens stored".to_owned()),
                Err(e) => entry.problem = Some(e.to_string()),
            },
        }
        listed.push(entry);
    }
    if args.json {
        let text = serde_json::to_string_pretty(&listed)
            .map_err(|e| CliError::new(Kind::Failed, format!("cannot write JSON: {e}")))?;
        println!("{text}");
        return Ok(());
    }
    if listed.is_empty() {
        println!(
            "No accounts stored in {} (log in with `sansauth login`).",
            accounts.root().display()
        );
        return Ok(());
    }
    let rows: Vec<[String; 5]> = listed
        .iter()
        .map(|l| {
            let expires = match (&l.problem, l.protocol) {
                (Some(problem), _) => problem.clone(),
                (None, "oauth1") => "never (OAuth 1)".to_owned(),
                (None, _) => match l.expires_in {
                    Some(0) => "expired".to_owned(),
                    Some(s) => format!("in {}", duration(s)),
                    None => "unknown".to_owned(),
                },
            };
            let refresh = match (l.protocol, l.has_refresh_token) {
                ("oauth1", _) => "-",
                (_, true) => "yes",
                (_, false) => "no",
            };
            [
                l.profile.clone(),
                l.account.clone(),
                l.protocol.to_owned(),
                expires,
                refresh.to_owned(),
            ]
        })
        .collect();
    let header = ["PROFILE", "ACCOUNT", "PROTOCOL", "EXPIRES", "REFRESH"].map(str::to_owned);
    let widths: Vec<usize> = (0..5)
        .map(|i| {
            rows.iter()
                .chain([&header])
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in [&header].into_iter().chain(&rows) {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        println!("{}", line.join("  ").trim_end());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(59), "59s");
        assert_eq!(duration(61), "1m 1s");
        assert_eq!(duration(3 * 3600 + 120), "3h 2m");
        assert_eq!(duration(5_183_999), "59d 23h");
        assert_eq!(expiry_phrase(Some(0)), "has expired");
        assert_eq!(expiry_phrase(None), "has no stated expiry");
    }
}
