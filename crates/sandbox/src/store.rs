//! What the sandbox remembers: credentials it issued and the data the APIs keep.

use std::collections::{BTreeMap, HashMap};

use sansauth_oauth1::MemoryNonceStore;
use sansauth_oauth2::pkce::PkceChallenge;
use serde_json::Value;

/// How long an OAuth 1 timestamp may differ from the sandbox's clock.
pub(crate) const MAX_SKEW_SECONDS: u64 = 300;
/// How many nonces each OAuth 1 provider remembers at most.
const NONCE_CAPACITY: usize = 100_000;

/// Everything one served profile remembers.
#[derive(Debug)]
pub(crate) struct ProviderState {
    pub(crate) oauth1: OAuth1State,
    pub(crate) oauth2: OAuth2State,
    pub(crate) workouts: Vec<Value>,
    pub(crate) activities: BTreeMap<u64, Activity>,
    pub(crate) next_id: u64,
}

impl ProviderState {
    pub(crate) fn new() -> Self {
        Self {
            oauth1: OAuth1State {
                temporary: HashMap::new(),
                tokens: HashMap::new(),
                nonces: MemoryNonceStore::new(MAX_SKEW_SECONDS, NONCE_CAPACITY),
            },
            oauth2: OAuth2State::default(),
            workouts: Vec::new(),
            activities: BTreeMap::new(),
            next_id: 1,
        }
    }

    /// A fresh id for a workout or an activity.
    pub(crate) fn next_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }
}

/// OAuth 1 credentials issued by one provider.
#[derive(Debug)]
pub(crate) struct OAuth1State {
    /// Temporary credentials by token (RFC 5849 §2.1), until exchanged.
    pub(crate) temporary: HashMap<String, Temporary>,
    /// Token credentials by token (§2.3).
    pub(crate) tokens: HashMap<String, OAuth1Token>,
    /// Nonces already used (§3.3).
    pub(crate) nonces: MemoryNonceStore,
}

/// Temporary credentials and what the resource owner did with them.
#[derive(Debug, Clone)]
pub(crate) struct Temporary {
    pub(crate) client_id: String,
    pub(crate) secret: String,
    pub(crate) callback: String,
    /// Set once the resource owner approved: (verifier, user id).
    pub(crate) approval: Option<(String, u64)>,
}

/// Token credentials.
#[derive(Debug, Clone)]
pub(crate) struct OAuth1Token {
    pub(crate) client_id: String,
    pub(crate) secret: String,
    pub(crate) user_id: u64,
}

/// OAuth 2 grants issued by one provider.
#[derive(Debug, Default)]
pub(crate) struct OAuth2State {
    /// Authorization codes, removed on first use (RFC 6749 §4.1.2).
    pub(crate) codes: HashMap<String, CodeGrant>,
    /// Access tokens.
    pub(crate) access: HashMap<String, AccessGrant>,
    /// Refresh tokens.
    pub(crate) refresh: HashMap<String, RefreshGrant>,
}

/// What an authorization code stands for.
#[derive(Debug, Clone)]
pub(crate) struct CodeGrant {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: Option<String>,
    pub(crate) challenge: Option<PkceChallenge>,
    pub(crate) scopes: Vec<String>,
    pub(crate) user_id: u64,
    pub(crate) expires_at: u64,
}

/// What an access token stands for.
#[derive(Debug, Clone)]
pub(crate) struct AccessGrant {
    pub(crate) client_id: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) user_id: u64,
    pub(crate) expires_at: u64,
    /// The refresh token issued with it, if any.
    pub(crate) refresh_token: Option<String>,
}

/// What a refresh token stands for.
#[derive(Debug, Clone)]
pub(crate) struct RefreshGrant {
    pub(crate) client_id: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) user_id: u64,
}

/// A Map My Tracks activity, live or uploaded.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Activity {
    /// The activity's id.
    pub activity_id: u64,
    /// The owner.
    pub user_id: u64,
    /// `public` or `private`.
    pub status: String,
    /// `running`, ...
    pub activity_type: String,
    /// Title (live) or name (upload).
    pub title: String,
    /// Tags, as sent.
    pub tags: String,
    /// Every `data` JSON received, in order (start, then each update).
    pub data: Vec<Value>,
    /// Whether `stopActivity` ended it (uploads are born stopped).
    pub stopped: bool,
    /// For uploads: the file's name and size.
    pub file: Option<(String, usize)>,
}
