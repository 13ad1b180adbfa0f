//! The one line of JSON a sandbox process prints when it is ready: where each
//! served provider's endpoints are and which client is registered with it.

use serde::Serialize;
use std::collections::BTreeMap;

use crate::users::TEST_USERS;

/// Everything a client in any language needs to use a running sandbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Manifest {
    /// The sandbox's root URL.
    pub base_url: String,
    /// One entry per served profile.
    pub profiles: Vec<ServedProfile>,
    /// The users who can log in on the consent pages.
    pub test_users: Vec<BTreeMap<&'static str, String>>,
}

/// One served provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ServedProfile {
    /// The profile's name (also the path prefix it is served under).
    pub name: String,
    /// `oauth1` or `oauth2`.
    pub protocol: String,
    /// Endpoint URLs by role (`token`, `authorization`, `temporary_credentials`, ...).
    pub endpoints: BTreeMap<String, String>,
    /// The API's base URL.
    pub api_base_url: String,
    /// The registered client's id.
    pub client_id: String,
    /// The registered client's secret (test data).
    pub client_secret: String,
}

pub(crate) fn test_users() -> Vec<BTreeMap<&'static str, String>> {
    TEST_USERS
        .iter()
        .map(|u| {
            BTreeMap::from([
                ("username", u.username.to_owned()),
                ("password", u.password.to_owned()),
            ])
        })
        .collect()
}
