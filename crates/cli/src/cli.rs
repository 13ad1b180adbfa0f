//! The command line's grammar (clap).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// OAuth 1 and OAuth 2 from the command line: sign and verify requests, log in
/// to a provider, call its API with stored tokens, and run a local sandbox
/// provider. `sansauth demo` runs every seed flow end to end on this machine.
#[derive(Debug, Parser)]
#[command(name = "sansauth", version, about, max_term_width = 100)]
pub struct Cli {
    /// Log what happens (-v: each request; -vv: more). Secrets are redacted.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every seed tutorial end to end against an in-process sandbox, narrating each step.
    Demo(DemoArgs),
    /// Sign an OAuth 1 request and print the header, URL or body (the signing calculator).
    Sign(SignArgs),
    /// Check an OAuth 1 signed request as a server would: valid, or which check failed.
    Verify(VerifyArgs),
    /// Log in with a provider in the browser and store the tokens.
    Login(LoginArgs),
    /// Send a signed or bearer request with stored tokens (refreshing when needed).
    Request(RequestArgs),
    /// Refresh an account's OAuth 2 tokens now.
    Refresh(AccountArgs),
    /// Revoke an account's OAuth 2 tokens at the provider and forget them (OAuth 1: forget them).
    Revoke(AccountArgs),
    /// List stored accounts and when their tokens expire (secrets redacted).
    Tokens(TokensArgs),
    /// List the built-in provider profiles, or show one.
    Profiles(ProfilesArgs),
    /// Run the sandbox provider on loopback until interrupted.
    Sandbox(SandboxArgs),
}

/// `sansauth demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Run only these profiles' flows (default: all).
    #[arg(long = "profile", value_name = "NAME")]
    pub profiles: Vec<String>,
}

/// Where OAuth 1 protocol parameters go (RFC 5849 §3.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlacementArg {
    /// The `Authorization: OAuth ...` header.
    Header,
    /// The query string.
    Query,
    /// The form-encoded body.
    Body,
}

/// The request being signed or verified.
#[derive(Debug, Args)]
pub struct RequestFlags {
    /// HTTP method.
    #[arg(long, default_value = "GET")]
    pub method: String,
    /// The absolute request URL, with its query.
    #[arg(long)]
    pub url: String,
    /// The request's Content-Type (the body's parameters are signed only when form-encoded).
    #[arg(long)]
    pub content_type: Option<String>,
    /// The request body, as text.
    #[arg(long)]
    pub body: Option<String>,
}

/// `sansauth sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    #[command(flatten)]
    #[allow(missing_docs, reason = "flattened")]
    pub request: RequestFlags,
    /// HMAC-SHA1, HMAC-SHA256, HMAC-SHA512, PLAINTEXT, RSA-SHA1, RSA-SHA256 or RSA-SHA512.
    #[arg(long, default_value = "HMAC-SHA1")]
    pub signature_method: String,
    /// The client identifier (oauth_consumer_key).
    #[arg(long)]
    pub consumer_key: String,
    /// The client secret (prefer --consumer-secret-env: arguments show in process lists).
    #[arg(long, conflicts_with = "consumer_secret_env")]
    pub consumer_secret: Option<String>,
    /// Read the client secret from this environment variable.
    #[arg(long, value_name = "VAR")]
    pub consumer_secret_env: Option<String>,
    /// The token (oauth_token), if any.
    #[arg(long)]
    pub token: Option<String>,
    /// The token secret.
    #[arg(long, conflicts_with = "token_secret_env")]
    pub token_secret: Option<String>,
    /// Read the token secret from this environment variable.
    #[arg(long, value_name = "VAR")]
    pub token_secret_env: Option<String>,
    /// A PEM private key file, for the RSA methods.
    #[arg(long, value_name = "FILE")]
    pub private_key: Option<PathBuf>,
    /// oauth_callback (a URL, or `oob`).
    #[arg(long)]
    pub callback: Option<String>,
    /// oauth_verifier.
    #[arg(long)]
    pub verifier: Option<String>,
    /// The realm of the Authorization header.
    #[arg(long)]
    pub realm: Option<String>,
    /// Send oauth_version with this value (usually 1.0).
    #[arg(long)]
    pub version: Option<String>,
    /// Add oauth_body_hash (for bodies that are not form-encoded).
    #[arg(long)]
    pub body_hash: bool,
    /// A fixed nonce (default: a random one).
    #[arg(long)]
    pub nonce: Option<String>,
    /// A fixed timestamp in unix seconds (default: now).
    #[arg(long)]
    pub timestamp: Option<u64>,
    /// Where the protocol parameters go.
    #[arg(long, value_enum, default_value = "header")]
    pub placement: PlacementArg,
    /// Also print the collected parameters, the normalized parameter string, the base string and the signature.
    #[arg(long, conflicts_with = "json")]
    pub explain: bool,
    /// Print one JSON object: base_string, signature, authorization, url, body.
    #[arg(long)]
    pub json: bool,
}

/// `sansauth verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    #[allow(missing_docs, reason = "flattened")]
    pub request: RequestFlags,
    /// The request's Authorization header value, if it was signed in the header.
    #[arg(long)]
    pub authorization: Option<String>,
    /// The client secret the server holds.
    #[arg(long, conflicts_with = "consumer_secret_env")]
    pub consumer_secret: Option<String>,
    /// Read the client secret from this environment variable.
    #[arg(long, value_name = "VAR")]
    pub consumer_secret_env: Option<String>,
    /// The token secret the server holds for the request's token.
    #[arg(long, conflicts_with = "token_secret_env")]
    pub token_secret: Option<String>,
    /// Read the token secret from this environment variable.
    #[arg(long, value_name = "VAR")]
    pub token_secret_env: Option<String>,
    /// A PEM public key file, for the RSA methods.
    #[arg(long, value_name = "FILE")]
    pub public_key: Option<PathBuf>,
    /// The server's clock in unix seconds (default: now).
    #[arg(long)]
    pub now: Option<u64>,
    /// How far the timestamp may be from `now`, in seconds.
    #[arg(long, default_value_t = 300)]
    pub max_skew: u64,
    /// Print one JSON object: valid, error, base_string.
    #[arg(long)]
    pub json: bool,
}

/// Which provider profile, from the built-ins or a file.
#[derive(Debug, Args)]
pub struct ProfileFlags {
    /// A built-in profile (see `sansauth profiles`), or the name of the one in --profile-file.
    #[arg(long)]
    pub profile: String,
    /// A profile TOML file (see the sansauth-providers docs for the format). Commands after
    /// `login` default to the one given at login.
    #[arg(long, value_name = "FILE")]
    pub profile_file: Option<PathBuf>,
    /// Serve the profile from this base URL instead of the provider's hosts (a sandbox, a staging server).
    /// Commands after `login` default to the one given at login.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

/// `sansauth login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    #[command(flatten)]
    #[allow(missing_docs, reason = "flattened")]
    pub profile: ProfileFlags,
    /// Your application's client id (OAuth 1 consumer key).
    #[arg(long)]
    pub client_id: String,
    /// Read the client secret from this environment variable. It is kept, with the client id,
    /// in an account record (file mode 0600) beside the tokens in the configuration directory
    /// ($SANSAUTH_CONFIG_DIR, else $XDG_CONFIG_HOME/sansauth, else ~/.config/sansauth), since
    /// `refresh`, `revoke` and OAuth 1 `request` need it again.
    #[arg(long, value_name = "VAR")]
    pub client_secret_env: Option<String>,
    /// The name to store the tokens under.
    #[arg(long, default_value = "default")]
    pub account: String,
    /// Scopes to ask for (default: the profile's).
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
    /// Loopback port for the redirect (default: any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Print the authorization URL instead of opening a browser.
    #[arg(long)]
    pub no_browser: bool,
    /// How long to wait for the browser, in seconds.
    #[arg(long, default_value_t = 300)]
    pub timeout: u64,
}

/// An account's stored tokens.
#[derive(Debug, Args)]
pub struct AccountArgs {
    #[command(flatten)]
    #[allow(missing_docs, reason = "flattened")]
    pub profile: ProfileFlags,
    /// The account the tokens are stored under.
    #[arg(long, default_value = "default")]
    pub account: String,
}

/// `sansauth request`.
#[derive(Debug, Args)]
pub struct RequestArgs {
    /// HTTP method.
    pub method: String,
    /// Absolute URL, a path relative to the profile's API base URL, or the name of one of the
    /// profile's `[api.endpoints]` (`routes`).
    pub url: String,
    #[command(flatten)]
    #[allow(missing_docs, reason = "flattened")]
    pub account: AccountArgs,
    /// A form field, sent form-encoded (repeatable).
    #[arg(long = "data", value_name = "K=V", conflicts_with = "json")]
    pub data: Vec<String>,
    /// A JSON body.
    #[arg(long, value_name = "BODY")]
    pub json: Option<String>,
    /// An extra header `Name: value` (repeatable).
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
}

/// `sansauth tokens`.
#[derive(Debug, Args)]
pub struct TokensArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `sansauth profiles`.
#[derive(Debug, Args)]
pub struct ProfilesArgs {
    /// Show this profile's TOML.
    pub name: Option<String>,
}

/// `sansauth sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Where to listen (loopback only).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Approve every authorization as the first test user, without a page.
    #[arg(long)]
    pub auto_approve: bool,
    /// Register this client with every served profile (`ID:SECRET`).
    #[arg(long = "client", value_name = "ID:SECRET")]
    pub clients: Vec<String>,
    /// Serve only these profiles (default: all built-ins).
    #[arg(long = "profile", value_name = "NAME")]
    pub profiles: Vec<String>,
}
