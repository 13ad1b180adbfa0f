//! What the account commands (`login`, `request`, `refresh`, `revoke`,
//! `tokens`) share: the configuration directory, the stored account records
//! and tokens, profile resolution, and the logged HTTP client.
//!
//! # Storage
//!
//! Everything lives under the configuration directory ([`config_dir`]):
//!
//! ```text
//! <config>/accounts/<profile>/<account>.json   the account record: client id and secret,
//!                                              protocol, and the profile file and base URL
//!                                              used at login
//! <config>/tokens/<profile>/<account>.json     the tokens: an OAuth 2 token set, or OAuth 1
//!                                              token credentials
//! ```
//!
//! Both are written by the transport crate's `FileTokenStore`: atomic
//! replacement, directories `0700` and files `0600` on Unix, and an error
//! (never an overwrite) when a file is corrupt or foreign. The client secret
//! is kept in the account record because `refresh` and `revoke` authenticate
//! the client again; like the tokens, it is protected by the file mode only.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use sansauth_providers::Profile;
use sansauth_providers::profile::Protocol;
use sansauth_transport::client::{
    AdapterError, ClientOptions, HttpClient, HttpRequest, HttpResponse, UreqClient,
};
use sansauth_transport::store::{FileTokenStore, TokenStore};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::cli::ProfileFlags;
use crate::error::{CliError, Kind};
use crate::redact::Redactor;

/// The environment variable that overrides the configuration directory.
pub const CONFIG_DIR_ENV: &str = "SANSAUTH_CONFIG_DIR";

/// The configuration directory: `$SANSAUTH_CONFIG_DIR` if set, else
/// `$XDG_CONFIG_HOME/sansauth`, else `$HOME/.config/sansauth`.
///
/// # Errors
///
/// Usage, when none of those variables is set.
pub fn config_dir() -> Result<PathBuf, CliError> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = var(CONFIG_DIR_ENV) {
        return Ok(PathBuf::from(dir));
    }
    if let Some(dir) = var("XDG_CONFIG_HOME") {
        return Ok(Path::new(&dir).join("sansauth"));
    }
    if let Some(home) = var("HOME") {
        return Ok(Path::new(&home).join(".config").join("sansauth"));
    }
    Err(CliError::usage(format!(
        "cannot tell where to store accounts: set {CONFIG_DIR_ENV} (or HOME)"
    )))
}

/// What is kept about an account besides its tokens.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRecord {
    /// The profile's name.
    pub profile: String,
    /// The protocol the tokens are for.
    pub protocol: Protocol,
    /// The client id (OAuth 1 consumer key).
    pub client_id: String,
    /// The client secret (OAuth 1 consumer secret), when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// The `--profile-file` given at login, used when a later command names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_file: Option<PathBuf>,
    /// The `--base-url` given at login, used when a later command names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// When the login completed (unix seconds).
    pub logged_in_at: u64,
}

impl fmt::Debug for AccountRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountRecord")
            .field("profile", &self.profile)
            .field("protocol", &self.protocol)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("profile_file", &self.profile_file)
            .field("base_url", &self.base_url)
            .field("logged_in_at", &self.logged_in_at)
            .finish()
    }
}

/// OAuth 1 token credentials (RFC 5849 §2.3), as stored.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuth1Tokens {
    /// `oauth_token`.
    pub token: String,
    /// `oauth_token_secret`.
    pub token_secret: String,
    /// When they were issued (unix seconds).
    pub issued_at: u64,
    /// The response's other parameters (Fitbit's `encoded_user_id`, ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, String>,
}

impl fmt::Debug for OAuth1Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth1Tokens")
            .field("token", &"[redacted]")
            .field("token_secret", &"[redacted]")
            .field("issued_at", &self.issued_at)
            .field("extra", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// The account stores under one configuration directory.
#[derive(Debug, Clone)]
pub struct Accounts {
    root: PathBuf,
}

impl Accounts {
    /// The stores under [`config_dir`].
    ///
    /// # Errors
    ///
    /// As [`config_dir`].
    pub fn open() -> Result<Self, CliError> {
        Ok(Self {
            root: config_dir()?,
        })
    }

    /// The stores under `root`.
    pub fn at(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The configuration directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The store of account records of `profile`.
    pub fn records(&self, profile: &str) -> FileTokenStore {
        FileTokenStore::new(self.root.join("accounts").join(profile))
    }

    /// The store of tokens of `profile`.
    pub fn tokens(&self, profile: &str) -> FileTokenStore {
        FileTokenStore::new(self.root.join("tokens").join(profile))
    }

    /// The record of `account` under `profile`, if there is one.
    ///
    /// # Errors
    ///
    /// When the record cannot be read (see [`store_error`]).
    pub fn record(&self, profile: &str, account: &str) -> Result<Option<AccountRecord>, CliError> {
        self.records(profile)
            .load(account)
            .map_err(|e| store_error(&e))
    }

    /// Forgets `account` under `profile`: tokens first, then the record.
    ///
    /// # Errors
    ///
    /// When a file cannot be removed (see [`store_error`]).
    pub fn remove(&self, profile: &str, account: &str) -> Result<(), CliError> {
        TokenStore::<serde_json::Value>::remove(&self.tokens(profile), account)
            .and_then(|()| TokenStore::<AccountRecord>::remove(&self.records(profile), account))
            .map_err(|e| store_error(&e))
    }

    /// Every stored account as (profile, account, record), sorted.
    ///
    /// # Errors
    ///
    /// When the directory cannot be listed or a record cannot be read.
    pub fn list(&self) -> Result<Vec<(String, String, AccountRecord)>, CliError> {
        let mut out = Vec::new();
        let dir = self.root.join("accounts");
        for profile in sorted_entries(&dir)? {
            let path = dir.join(&profile);
            if !path.is_dir() || check_profile_name(&profile).is_err() {
                continue;
            }
            let store = self.records(&profile);
            for file in sorted_entries(&path)? {
                let Some(account) = file.strip_suffix(".json").and_then(decode_file_name) else {
                    continue;
                };
                if let Some(record) = store.load(&account).map_err(|e| store_error(&e))? {
                    out.push((profile.clone(), account, record));
                }
            }
        }
        Ok(out)
    }
}

/// The names in `dir`, sorted; none when it does not exist.
fn sorted_entries(dir: &Path) -> Result<Vec<String>, CliError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(CliError::new(
                Kind::Failed,
                format!("cannot list {}: {e}", dir.display()),
            ));
        }
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| !name.starts_with('.'))
        .collect();
    names.sort();
    Ok(names)
}

/// The account name a store file is named after (the store writes every
/// byte outside `[A-Za-z0-9_-]` as `%XX`).
fn decode_file_name(stem: &str) -> Option<String> {
    let bytes = stem.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = stem.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A token store failure as a command failure.
pub fn store_error(error: &sansauth_transport::Error) -> CliError {
    CliError::transport(error)
}

/// Profile names are directory names: the profile format's own rule
/// (lowercase ASCII letters, digits and `-`).
fn check_profile_name(name: &str) -> Result<(), CliError> {
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(CliError::usage(format!(
            "`{name}` is not a profile name (lowercase letters, digits and '-'; see `sansauth profiles`)"
        )))
    }
}

/// The profile `flags` name: a built-in, or the one in `--profile-file`
/// (else the file given at login, per `stored`), rebased onto `--base-url`
/// (else the base URL given at login).
///
/// # Errors
///
/// Usage, for an unknown profile, an unreadable or invalid profile file (the
/// message names the file, line and field), a file whose profile has another
/// name, or a base URL that cannot be used.
pub fn resolve_profile(
    flags: &ProfileFlags,
    stored: Option<&AccountRecord>,
) -> Result<Profile, CliError> {
    check_profile_name(&flags.profile)?;
    let file = flags
        .profile_file
        .as_deref()
        .or_else(|| stored.and_then(|r| r.profile_file.as_deref()));
    let profile = match file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                CliError::usage(format!(
                    "cannot read the profile file {}: {e}",
                    path.display()
                ))
            })?;
            let profile = Profile::from_toml(&text, Some(path))
                .map_err(|e| CliError::usage(e.to_string()))?;
            if profile.name != flags.profile {
                return Err(CliError::usage(format!(
                    "{} defines the profile `{}`, not `{}`: pass --profile {}",
                    path.display(),
                    profile.name,
                    flags.profile,
                    profile.name
                )));
            }
            profile
        }
        None => sansauth_providers::builtin::get(&flags.profile).map_err(|_| {
            CliError::usage(format!(
                "no built-in profile is named `{}` (see `sansauth profiles`); for another \
                 provider, write a profile file and pass --profile-file",
                flags.profile
            ))
        })?,
    };
    let base = flags
        .base_url
        .as_deref()
        .or_else(|| stored.and_then(|r| r.base_url.as_deref()));
    match base {
        Some(base) => {
            let url = Url::parse(base)
                .map_err(|e| CliError::usage(format!("--base-url `{base}` is not a URL: {e}")))?;
            profile
                .rebase(&url)
                .map_err(|e| CliError::usage(format!("--base-url: {e}")))
        }
        None => Ok(profile),
    }
}

/// A stored account, ready for a command that uses its tokens.
#[derive(Debug)]
pub struct Account {
    /// Where it is stored.
    pub accounts: Accounts,
    /// The account name.
    pub name: String,
    /// Its record.
    pub record: AccountRecord,
    /// The profile, resolved as at login unless the flags say otherwise.
    pub profile: Profile,
}

impl Account {
    /// Opens `account` of the profile `flags` name.
    ///
    /// # Errors
    ///
    /// Reauthorize when nothing is stored for it (log in first); usage for
    /// the profile problems of [`resolve_profile`] or a record that is for
    /// the other protocol.
    pub fn open(flags: &ProfileFlags, account: &str) -> Result<Self, CliError> {
        check_profile_name(&flags.profile)?;
        if account.is_empty() {
            return Err(CliError::usage("--account must not be empty"));
        }
        let accounts = Accounts::open()?;
        let record = accounts.record(&flags.profile, account)?.ok_or_else(|| {
            CliError::new(
                Kind::Reauthorize,
                format!(
                    "no account `{account}` is stored for the profile `{}`: run `sansauth login \
                     --profile {} --account {account} ...` first",
                    flags.profile, flags.profile
                ),
            )
        })?;
        let profile = resolve_profile(flags, Some(&record))?;
        if profile.protocol != record.protocol {
            return Err(CliError::usage(format!(
                "the account `{account}` holds {} tokens but the profile `{}` speaks {}",
                protocol_name(record.protocol),
                profile.name,
                protocol_name(profile.protocol)
            )));
        }
        Ok(Self {
            accounts,
            name: account.to_owned(),
            record,
            profile,
        })
    }

    /// The store of this account's tokens.
    pub fn token_store(&self) -> FileTokenStore {
        self.accounts.tokens(&self.profile.name)
    }

    /// A redactor that knows the client secret.
    pub fn redactor(&self) -> Redactor {
        let mut redactor = Redactor::default();
        if let Some(secret) = &self.record.client_secret {
            redactor.add(secret);
        }
        redactor
    }

    /// `error` from a session, with what to do when the tokens no longer work.
    pub fn session_error<E>(&self, error: &sansauth_transport::Error<E>) -> CliError
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        let mut out = CliError::transport(error);
        if out.kind == Kind::Reauthorize {
            out.message = format!(
                "{}: the stored tokens no longer work; run `sansauth login --profile {} \
                 --account {} ...` again",
                out.message, self.profile.name, self.name
            );
        }
        out
    }
}

/// `oauth1` or `oauth2`.
pub fn protocol_name(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::OAuth1 => "oauth1",
        Protocol::OAuth2 => "oauth2",
    }
}

/// The HTTP client for `profile`: plain `http://` to non-loopback hosts only
/// when the profile says `allow_insecure_http = true`; each request logged
/// at info level with `redactor` applied.
pub fn http_client(profile: &Profile, redactor: Redactor) -> LoggedClient {
    let mut options = ClientOptions::default();
    options.allow_insecure_http = profile.allow_insecure_http;
    LoggedClient {
        inner: UreqClient::new(options),
        redactor,
    }
}

/// A [`UreqClient`] that logs each request (method, URL with secrets
/// redacted) and each response status through `tracing`.
#[derive(Debug, Clone)]
pub struct LoggedClient {
    inner: UreqClient,
    redactor: Redactor,
}

impl LoggedClient {
    /// Remembers one more secret to hide from the log.
    pub fn hide(&mut self, secret: &str) {
        self.redactor.add(secret);
    }
}

impl HttpClient for LoggedClient {
    type Error = AdapterError;

    fn send(&self, request: HttpRequest) -> Result<HttpResponse, AdapterError> {
        let url = self.redactor.apply(&request.uri().to_string());
        tracing::info!(method = %request.method(), url = %url, "sending");
        let result = self.inner.send(request);
        match &result {
            Ok(response) => {
                tracing::info!(status = response.status().as_u16(), url = %url, "received")
            }
            Err(e) => {
                tracing::info!(error = %self.redactor.apply(&e.to_string()), url = %url, "failed")
            }
        }
        result
    }
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    sansauth_oauth1::unix_now()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_file_names_decode_back_to_account_names() {
        assert_eq!(decode_file_name("alice").as_deref(), Some("alice"));
        assert_eq!(decode_file_name("a%40b%2Ec").as_deref(), Some("a@b.c"));
        assert_eq!(decode_file_name("%C3%A9").as_deref(), Some("é"));
        assert_eq!(decode_file_name("bad%4"), None);
        assert_eq!(decode_file_name("bad%zz"), None);
    }

    #[test]
    fn profile_names_are_checked_before_they_name_a_directory() {
        assert!(check_profile_name("mapmytracks").is_ok());
        assert!(check_profile_name("fitbit-oauth1").is_ok());
        for bad in ["", "../x", "A", "a/b", "a.b"] {
            assert_eq!(
                check_profile_name(bad).unwrap_err().kind,
                Kind::Usage,
                "{bad}"
            );
        }
    }

    #[test]
    fn records_do_not_show_secrets_in_debug() {
        let record = AccountRecord {
            profile: "p".to_owned(),
            protocol: Protocol::OAuth2,
            client_id: "id".to_owned(),
            client_secret: Some("very-secret".to_owned()),
            profile_file: None,
            base_url: None,
            logged_in_at: 0,
        };
        assert!(!format!("{record:?}").contains("very-secret"));
        let tokens = OAuth1Tokens {
            token: "tok-value".to_owned(),
            token_secret: "tok-secret".to_owned(),
            issued_at: 0,
            extra: BTreeMap::new(),
        };
        let debug = format!("{tokens:?}");
        assert!(!debug.contains("tok-value") && !debug.contains("tok-secret"));
    }
}
