//! A profile turned into configured core clients: an OAuth 2
//! [`Client`](sansauth_oauth2::client::Client) or an OAuth 1
//! [`Signer`](sansauth_oauth1::Signer), with the profile's quirks applied.

use http::Response;
use sansauth_oauth1::flow::authorize_url;
use sansauth_oauth1::{
    ConsumerSecret, Placement, ProtocolParams, SignatureMethod, Signer, TokenCredentials,
};
use sansauth_oauth2::client::Client;
use sansauth_oauth2::error::ErrorResponse;
use sansauth_oauth2::token::{TokenRequest, TokenResponse};
use sansauth_oauth2::types::{ClientSecret, Scope};
use serde_json::Value;

use crate::error::Error;
use crate::profile::{
    ErrorFormat, OAuth1Settings, OAuth2Settings, Placement as ProfilePlacement, Profile,
};
use crate::template::{Vars, expand};

impl Profile {
    /// The profile's OAuth 2 settings, or an error naming the profile.
    ///
    /// # Errors
    ///
    /// [`Error::WrongProtocol`] for an OAuth 1 profile.
    pub fn oauth2_settings(&self) -> Result<&OAuth2Settings, Error> {
        self.oauth2.as_ref().ok_or_else(|| Error::WrongProtocol {
            profile: self.name.clone(),
            wanted: "oauth2",
        })
    }

    /// The profile's OAuth 1 settings, or an error naming the profile.
    ///
    /// # Errors
    ///
    /// [`Error::WrongProtocol`] for an OAuth 2 profile.
    pub fn oauth1_settings(&self) -> Result<&OAuth1Settings, Error> {
        self.oauth1.as_ref().ok_or_else(|| Error::WrongProtocol {
            profile: self.name.clone(),
            wanted: "oauth1",
        })
    }

    /// An OAuth 2 client for this provider: its endpoints, its client
    /// authentication (with the secret, when given), its extra token-request
    /// headers and parameters (templated with `client_id`) and its scope separator.
    ///
    /// # Errors
    ///
    /// [`Error::WrongProtocol`] for an OAuth 1 profile, [`Error::UnknownPlaceholder`]
    /// for a broken template.
    pub fn oauth2_client(
        &self,
        client_id: &str,
        client_secret: Option<&str>,
    ) -> Result<Client, Error> {
        let settings = self.oauth2_settings()?;
        let vars = Vars {
            client_id,
            ..Vars::default()
        };
        let mut client = Client::new(client_id);
        client.client_secret = client_secret.map(ClientSecret::new);
        client.auth = settings.client_auth;
        client.basic_encoding = settings.basic_encoding;
        client.revocation_auth = settings.revocation_client_auth;
        client.authorization_endpoint = settings.authorization_endpoint.clone();
        client.token_endpoint = Some(settings.token_endpoint.clone());
        client.revocation_endpoint = settings.revocation_endpoint.clone();
        client.device_authorization_endpoint = settings.device_authorization_endpoint.clone();
        client.introspection_endpoint = settings.introspection_endpoint.clone();
        client.scope_separator = settings.scope_separator.clone();
        for (name, template) in &settings.token_request_headers {
            client
                .token_request_headers
                .push((name.clone(), expand(template, &vars)?));
        }
        for (name, template) in &settings.token_request_params {
            client
                .token_request_params
                .push((name.clone(), expand(template, &vars)?));
        }
        Ok(client)
    }

    /// The scopes to request when the caller names none.
    pub fn default_scopes(&self) -> Vec<Scope> {
        self.oauth2
            .iter()
            .flat_map(|o| o.default_scopes.iter().map(Scope::new))
            .collect()
    }

    /// The extra headers of a refresh request (MapMyFitness also sends the
    /// current access token as a bearer header).
    ///
    /// # Errors
    ///
    /// [`Error::UnknownPlaceholder`] for a broken template.
    pub fn refresh_headers(
        &self,
        client_id: &str,
        access_token: &str,
    ) -> Result<Vec<(String, String)>, Error> {
        let vars = Vars {
            client_id,
            access_token,
            ..Vars::default()
        };
        let Some(settings) = &self.oauth2 else {
            return Ok(Vec::new());
        };
        settings
            .refresh_request_headers
            .iter()
            .map(|(name, template)| Ok((name.clone(), expand(template, &vars)?)))
            .collect()
    }

    /// Reads a token endpoint's answer, understanding the provider's own
    /// error shape: a Fitbit `{"errors": [{"errorType": ...}]}` body becomes
    /// the same typed [`sansauth_oauth2::Error::ErrorResponse`] an RFC 6749
    /// body would, never a missing token.
    ///
    /// # Errors
    ///
    /// As [`TokenRequest::read_response`].
    pub fn read_token_response<B: AsRef<[u8]>>(
        &self,
        request: &TokenRequest<'_>,
        response: &Response<B>,
    ) -> Result<TokenResponse, sansauth_oauth2::Error> {
        if let Some(error) = self.provider_error(response.body().as_ref()) {
            return Err(sansauth_oauth2::Error::ErrorResponse(error));
        }
        request.read_response(response)
    }

    /// The provider's error in its own shape, as an RFC 6749 §5.2 error response.
    pub fn provider_error(&self, body: &[u8]) -> Option<ErrorResponse> {
        (self.oauth2.as_ref()?.error_format.reader())(body)
    }

    /// The signature method the profile names.
    ///
    /// # Errors
    ///
    /// [`Error::WrongProtocol`] for an OAuth 2 profile, [`Error::UnsupportedSignatureMethod`]
    /// for a name the OAuth 1 core does not know (or an RSA method built without `rsa`).
    pub fn signature_method(&self) -> Result<SignatureMethod, Error> {
        let name = &self.oauth1_settings()?.signature_method;
        name.parse()
            .map_err(|_| Error::UnsupportedSignatureMethod(name.clone()))
    }

    /// An OAuth 1 signer for this provider with the client's credentials and,
    /// once the client has them, temporary or token credentials.
    ///
    /// # Errors
    ///
    /// As [`Profile::signature_method`]; [`Error::UnsupportedSignatureMethod`]
    /// also for an RSA method, which needs [`Signer::with_rsa_key`].
    pub fn oauth1_signer(
        &self,
        consumer_key: &str,
        consumer_secret: &ConsumerSecret,
        token: Option<&TokenCredentials>,
    ) -> Result<Signer, Error> {
        let method = self.signature_method()?;
        Signer::new(method, consumer_key, consumer_secret, token)
            .map_err(|_| Error::UnsupportedSignatureMethod(method.as_str().to_owned()))
    }
}

impl Profile {
    /// The resource owner authorization URL (RFC 5849 §2.2) for
    /// `temporary_token`, with the profile's extra parameters filled in
    /// (MapMyFitness API 3.1 repeats `oauth_callback` there).
    ///
    /// # Errors
    ///
    /// [`Error::WrongProtocol`] for an OAuth 2 profile, [`Error::UnknownPlaceholder`]
    /// for a broken template.
    pub fn oauth1_authorize_url(
        &self,
        temporary_token: &str,
        client_id: &str,
        callback: &str,
    ) -> Result<String, Error> {
        let settings = self.oauth1_settings()?;
        let vars = Vars {
            client_id,
            callback,
            ..Vars::default()
        };
        let extra: Vec<(&str, String)> = settings
            .authorize_params
            .iter()
            .map(|(name, template)| Ok((name.as_str(), expand(template, &vars)?)))
            .collect::<Result<_, Error>>()?;
        let extra: Vec<(&str, &str)> = extra
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        authorize_url(
            settings.authorization_endpoint.as_str(),
            temporary_token,
            &extra,
        )
        .map_err(Error::OAuth1)
    }

    /// The protocol parameters of one signature (timestamp and nonce), with
    /// `oauth_version="1.0"` when the profile sends it.
    pub fn oauth1_params<'a>(&self, timestamp: u64, nonce: &'a str) -> ProtocolParams<'a> {
        let params = ProtocolParams::new(timestamp, nonce);
        if self.oauth1.as_ref().is_some_and(|o| o.send_version) {
            params.with_version("1.0")
        } else {
            params
        }
    }

    /// The extra headers of the token calls (RFC 5849 §2.1, §2.3), templated
    /// with `client_id` (MapMyFitness API 3.1 wants an `Accept` header there).
    ///
    /// # Errors
    ///
    /// [`Error::WrongProtocol`] for an OAuth 2 profile, [`Error::UnknownPlaceholder`]
    /// for a broken template.
    pub fn oauth1_token_headers(&self, client_id: &str) -> Result<Vec<(String, String)>, Error> {
        let vars = Vars {
            client_id,
            ..Vars::default()
        };
        self.oauth1_settings()?
            .token_request_headers
            .iter()
            .map(|(name, template)| Ok((name.clone(), expand(template, &vars)?)))
            .collect()
    }
}

impl ErrorFormat {
    /// The function that reads this format's error bodies as RFC 6749 §5.2
    /// errors; for RFC 6749's own format it finds nothing, since the OAuth 2
    /// core reads those itself.
    pub fn reader(self) -> fn(&[u8]) -> Option<ErrorResponse> {
        match self {
            Self::Rfc6749 => |_| None,
            Self::FitbitErrors => read_fitbit_errors,
        }
    }
}

/// Fitbit's `{"errors": [{"errorType": ..., "message": ...}]}`, read as its
/// first error.
fn read_fitbit_errors(body: &[u8]) -> Option<ErrorResponse> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let first = value.get("errors")?.as_array()?.first()?;
    let mut error = ErrorResponse::new(first.get("errorType")?.as_str()?);
    if let Some(message) = first.get("message").and_then(Value::as_str) {
        error = error.with_description(message);
    }
    Some(error)
}

impl From<ProfilePlacement> for Placement {
    fn from(placement: ProfilePlacement) -> Self {
        match placement {
            ProfilePlacement::Header => Self::Header,
            ProfilePlacement::Body => Self::Body,
            ProfilePlacement::Query => Self::Query,
        }
    }
}
